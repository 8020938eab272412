//! XLSForm import checked against pyxform's verdicts on a corpus of files, and the default
//! census questionnaire.

#![expect(clippy::panic, reason = "test helpers report what went wrong")]

use argine_domain::census::xlsform::{self, Form, FormError, Kind};
use std::path::{Path, PathBuf};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// argine's verdict in pyxform's terms: argine-only errors (expression syntax, which pyxform
/// leaves to ODK Validate) are left out.
fn pyxform_errors(result: &Result<Form, Vec<FormError>>) -> Vec<&FormError> {
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().filter(|e| !e.kind.argine_only()).collect(),
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn corpus_verdicts_match_pyxform() {
    let dir = manifest().join("tests/xlsform/corpus");
    assert!(dir.is_dir(), "{} is missing: the corpus is part of the repository", dir.display());
    let verdicts_path = dir.join("verdicts.json");
    assert!(verdicts_path.is_file(), "{} exists but verdicts.json is missing", dir.display());
    let verdicts: serde_json::Value =
        serde_json::from_slice(&read(&verdicts_path)).unwrap_or_else(|e| panic!("verdicts.json: {e}"));
    let verdicts = verdicts.as_object().unwrap_or_else(|| panic!("verdicts.json is not an object"));

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus has only {} files", files.len());

    let mut mismatches = Vec::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let verdict = verdicts.get(name).unwrap_or_else(|| panic!("verdicts.json has no entry for {name}"));
        let pyxform_valid = verdict["valid"].as_bool().unwrap_or_else(|| panic!("{name}: 'valid' is not a boolean"));
        let result = xlsform::parse_xlsx(&read(path));
        let errors = pyxform_errors(&result);
        // Every form argine accepts exports to sheets that read back as the same form.
        if let Ok(form) = &result {
            let back = xlsform::parse(&xlsform::to_sheets(form));
            if back.as_ref() != Ok(form) {
                mismatches.push(format!("{name}: the export does not read back the same: {back:#?}"));
            }
        }
        if errors.is_empty() != pyxform_valid {
            let ours: Vec<String> = errors.iter().map(|e| format!("{} ({})", e, e.kind.code())).collect();
            mismatches.push(format!(
                "{name}: pyxform says {}, argine says {}\n    pyxform: {}\n    argine: {}",
                if pyxform_valid { "valid" } else { "invalid" },
                if errors.is_empty() { "valid" } else { "invalid" },
                verdict["pyxform_error"].as_str().unwrap_or_default(),
                ours.join("\n            "),
            ));
        }
    }
    for name in verdicts.keys() {
        if !dir.join(name).is_file() {
            mismatches.push(format!("{name}: in verdicts.json but not in the corpus"));
        }
    }
    eprintln!("{} corpus files compared with pyxform", files.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} files disagree with pyxform:\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
}

#[test]
fn argine_is_stricter_on_expressions_than_pyxform() {
    // pyxform leaves XPath to ODK Validate; argine checks expressions itself.
    let path = manifest().join("tests/xlsform/corpus/odk_invalid_xpath_mismatched_parenthesis.xlsx");
    let result = xlsform::parse_xlsx(&read(&path));
    let errors = result.err().unwrap_or_default();
    assert!(errors.iter().any(|e| e.kind.code() == "invalid-expression"), "{errors:?}");
}

#[test]
fn census_questionnaire_structure() {
    let path = manifest().join("../../data/census/incas_2021.xlsx");
    let form = match xlsform::parse_xlsx(&read(&path)) {
        Ok(f) => f,
        Err(errors) => {
            panic!("{}:\n{}", path.display(), errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }
    };
    let it = form
        .languages
        .iter()
        .find(|l| l.contains("(it)"))
        .unwrap_or_else(|| panic!("no Italian: {:?}", form.languages))
        .clone();
    let en = form
        .languages
        .iter()
        .find(|l| l.contains("(en)"))
        .unwrap_or_else(|| panic!("no English: {:?}", form.languages))
        .clone();

    assert_eq!(form.id.as_deref(), Some("incas_2021"));
    assert_eq!(form.default_language.as_deref(), Some(it.as_str()));
    let groups: Vec<&str> = form.items.iter().filter(|i| i.kind == Kind::Group).map(|i| i.name.as_str()).collect();
    assert!(groups.starts_with(&["sez_a", "sez_b", "sez_c"]), "sections sez_a…: {groups:?}");
    assert!(groups.iter().all(|g| g.starts_with("sez_")), "{groups:?}");

    for repeat in ["strutture", "insediamenti"] {
        let item = form.items.iter().find(|i| i.name == repeat).unwrap_or_else(|| panic!("no top-level {repeat}"));
        assert_eq!(item.kind, Kind::Repeat, "{repeat}");
        assert!(item.label.contains_key(&it) && item.label.contains_key(&en), "{repeat}: {:?}", item.label);
        let inside: Vec<&str> =
            form.fields().into_iter().filter(|(path, _)| path == &[repeat]).map(|(_, i)| i.name.as_str()).collect();
        assert!(inside.len() >= 3, "fields inside {repeat}: {inside:?}");
    }
    let pages = form.pages();
    let pages: Vec<&str> = pages.iter().map(|p| p.item().name.as_str()).collect();
    let pos = |n: &str| pages.iter().position(|p| *p == n).unwrap_or_else(|| panic!("no page {n}: {pages:?}"));
    assert!(pos("sez_a") < pos("sez_c") && pos("sez_c") < pos("strutture") && pos("strutture") < pos("insediamenti"));

    // The export reads back as the same form.
    assert_eq!(xlsform::parse(&xlsform::to_sheets(&form)).as_ref(), Ok(&form));

    // Every visible question and every choice has an Italian and an English text.
    for item in form.all_items() {
        if item.is_visible() && !item.generated && !(item.kind == Kind::Group && item.label.is_empty()) {
            let has = |l: &str| item.label.contains_key(l) || item.hint.contains_key(l);
            assert!(has(&it) && has(&en), "{} (row {}) lacks {it} or {en}: {:?}", item.name, item.row, item.label);
        }
    }
    for (list, choices) in &form.choices {
        for c in choices.iter().filter(|c| !c.generated) {
            assert!(c.label.contains_key(&it) && c.label.contains_key(&en), "{list}/{}: {:?}", c.name, c.label);
        }
    }
}

/// Tiny files made here, so that the import of real `.xlsx` bytes is tested even without the
/// corpus.
#[test]
fn xlsx_made_with_rust_xlsxwriter() -> Result<(), Box<dyn std::error::Error>> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let survey = wb.add_worksheet().set_name("survey")?;
    for (c, h) in ["type", "name", "label::Italiano (it)", "label::English (en)", "required"].iter().enumerate() {
        survey.write_string(0, u16::try_from(c)?, *h)?;
    }
    survey.write_string(1, 0, "integer")?;
    survey.write_string(1, 1, "eta")?;
    survey.write_string(1, 2, "Età")?;
    survey.write_string(1, 3, "Age")?;
    survey.write_boolean(1, 4, true)?;
    survey.write_string(3, 0, "select_one sn")?;
    survey.write_string(3, 1, "ok")?;
    survey.write_string(3, 2, "Va bene?")?;
    survey.write_string(3, 3, "OK?")?;
    let choices = wb.add_worksheet().set_name("choices")?;
    for (c, h) in ["list_name", "name", "label::Italiano (it)", "label::English (en)"].iter().enumerate() {
        choices.write_string(0, u16::try_from(c)?, *h)?;
    }
    choices.write_string(1, 0, "sn")?;
    choices.write_number(1, 1, 1.0)?;
    choices.write_string(1, 2, "Sì")?;
    choices.write_string(1, 3, "Yes")?;
    let bytes = wb.save_to_buffer()?;
    let form = xlsform::parse_xlsx(&bytes).map_err(|e| format!("{e:?}"))?;
    let eta = form.item("eta").ok_or("no eta")?;
    assert_eq!(eta.required.as_deref(), Some("TRUE"), "a boolean cell reads as pyxform reads it");
    assert_eq!(form.item("ok").ok_or("no ok")?.row, 4, "the blank row 3 counts");
    assert_eq!(form.choice_label("sn", "1", "English (en)"), Some("Yes"), "a number cell is the text 1");

    let mut wb = Workbook::new();
    let survey = wb.add_worksheet().set_name("survey")?;
    survey.write_string(0, 0, "type")?;
    survey.write_string(0, 1, "name")?;
    survey.write_string(0, 2, "label")?;
    survey.write_string(1, 0, "begin_group")?;
    survey.write_string(1, 1, "g")?;
    survey.write_string(1, 2, "G")?;
    survey.write_string(2, 0, "text")?;
    survey.write_string(2, 1, "a b")?;
    survey.write_string(2, 2, "A")?;
    let errors = xlsform::parse_xlsx(&wb.save_to_buffer()?).err().ok_or("accepted")?;
    let codes: Vec<(Option<usize>, &str)> = errors.iter().map(|e| (e.row, e.kind.code())).collect();
    assert_eq!(codes, [(Some(3), "invalid-name"), (Some(2), "unmatched-begin")]);
    Ok(())
}

#[test]
fn census_form_summary_helpers() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/census/incas_2021.xlsx"))
        .unwrap_or_else(|e| panic!("the default questionnaire must be in the repo: {e}"));
    let Ok(form) = argine_domain::census::xlsform::parse_xlsx(&bytes) else {
        panic!("the default questionnaire must be valid")
    };
    assert_eq!(
        form.display_title("x"),
        "Le condizioni abitative dei migranti che lavorano nel settore agro-alimentare"
    );
    assert_eq!(form.language_for("en"), "English (en)");
    assert_eq!(form.language_for("it"), "Italiano (it)");
    assert_eq!(form.language_for("de"), "Italiano (it)");
    let n = form.question_count();
    assert!((30..200).contains(&n), "{n} questions");
}
