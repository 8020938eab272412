//! The import of responses against the real questionnaire: argine's own export of a whole
//! synthetic census read back (codes and labels, sheets, XLSX and CSV files) gives the same
//! answers.

#![expect(clippy::unwrap_used, reason = "test helpers report what went wrong")]

use std::path::PathBuf;
use std::sync::OnceLock;

use argine_domain::census::answers::{Answer, Answers};
use argine_domain::census::export::{self, Values};
use argine_domain::census::import::{
    ComuneMatch, ComuneRef, ImportOptions, ImportPlan, RowErrorKind, SourceFormat, plan, plan_bytes,
};
use argine_domain::census::synth::{Comune, comuni_from_csv, generate};
use argine_domain::census::xlsform::{Form, Kind, parse_xlsx};

fn root(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn form() -> &'static Form {
    static F: OnceLock<Form> = OnceLock::new();
    F.get_or_init(|| parse_xlsx(&std::fs::read(root("data/census/incas_2021.xlsx")).unwrap()).unwrap())
}

fn universe() -> &'static [Comune] {
    static U: OnceLock<Vec<Comune>> = OnceLock::new();
    U.get_or_init(|| comuni_from_csv(&std::fs::read_to_string(root("data/territory/comuni.csv")).unwrap()).unwrap())
}

fn comuni() -> Vec<ComuneRef> {
    universe()
        .iter()
        .map(|c| ComuneRef {
            istat: c.istat.clone(),
            belfiore: c.belfiore.clone(),
            name: c.name.clone(),
            province_code: c.sigla.clone(),
            active: true,
        })
        .collect()
}

/// The responses of a synthetic census: (ISTAT code, name, answers).
fn responses() -> &'static [(String, String, Answers)] {
    static R: OnceLock<Vec<(String, String, Answers)>> = OnceLock::new();
    R.get_or_init(|| {
        let census = generate(universe(), 7).unwrap();
        census
            .responses
            .into_iter()
            .filter(|r| r.responded)
            .map(|r| {
                let name = universe().iter().find(|c| c.istat == r.istat).unwrap().name.clone();
                (r.istat, name, r.answers)
            })
            .collect()
    })
}

/// The answers with every `select_multiple` in the order of its choice list, as the web form
/// posts them (the generator writes a few in another order).
fn canonical(answers: &Answers) -> Answers {
    let mut out = Answers::new();
    for (name, answer) in &answers.0 {
        match answer {
            Answer::Repeat(instances) => out = out.with_repeat(name, instances.iter().map(canonical).collect()),
            Answer::Value(v) => match form().item(name).map(|i| &i.kind) {
                Some(Kind::SelectMultiple { list, .. }) => {
                    let picked: Vec<&str> = v.split(' ').collect();
                    let ordered: Vec<&str> =
                        form().choices[list].iter().map(|c| c.name.as_str()).filter(|c| picked.contains(c)).collect();
                    assert_eq!(ordered.len(), picked.len(), "{name} = {v}");
                    out.set(name, ordered.join(" "));
                }
                _ => out.set(name, v.clone()),
            },
        }
    }
    out
}

fn options() -> ImportOptions {
    ImportOptions::new(time::macros::date!(2021 - 11 - 30))
}

fn export_sheets(values: Values<'_>) -> Vec<(String, Vec<Vec<String>>)> {
    let rows: Vec<export::Row<'_>> = responses()
        .iter()
        .map(|(code, name, answers)| export::Row { comune_code: code, comune_name: name, answers })
        .collect();
    export::sheets(form(), &rows, values)
}

fn assert_round_trip(p: &ImportPlan, what: &str) {
    assert_eq!(p.errors, vec![], "{what}: {:#?}", p.errors.iter().take(5).map(ToString::to_string).collect::<Vec<_>>());
    assert_eq!(p.warnings, vec![], "{what}");
    assert_eq!(p.format, SourceFormat::Argine, "{what}");
    assert!(p.is_importable(), "{what}");
    let expected = responses();
    assert_eq!(p.rows.len(), expected.len(), "{what}");
    for (row, (istat, _, answers)) in p.rows.iter().zip(expected) {
        assert_eq!(row.comune, ComuneMatch::Matched(istat.clone()), "{what}, row {}", row.row);
        assert_eq!(row.answers, canonical(answers), "{what}, row {} ({istat})", row.row);
    }
    assert_eq!(p.rows.first().map(|r| r.row), Some(2), "rows are numbered as the spreadsheet shows them");
}

#[test]
fn import_reads_back_argine_export_in_codes_and_labels() {
    let c = comuni();
    assert!(responses().len() > 1_000, "a whole census");
    assert!(responses().iter().any(|(_, _, a)| !a.repeat("insediamenti").is_empty()));
    assert!(responses().iter().any(|(_, _, a)| !a.repeat("strutture").is_empty()));
    assert!(responses().iter().any(|(_, _, a)| canonical(a) != *a), "some answers need reordering");
    for (values, what) in [
        (Values::Codes, "codes"),
        (Values::Labels("Italiano (it)"), "Italian labels"),
        (Values::Labels("English (en)"), "English labels"),
    ] {
        let sheets = export_sheets(values);
        assert_round_trip(&plan(form(), &sheets, &c, &options()), what);
    }
}

/// A workbook with these sheets, every cell a string (as `argine_reports` writes the export).
fn xlsx(sheets: &[(String, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), text).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn import_reads_back_an_exported_xlsx_file() {
    let c = comuni();
    let bytes = xlsx(&export_sheets(Values::Labels("Italiano (it)")));
    assert_round_trip(&plan_bytes(form(), &bytes, &c, &options()).unwrap(), "xlsx");
}

#[test]
fn import_reads_a_csv_file_of_the_main_sheet() {
    let c = comuni();
    // Responses without repeats, as a semicolon CSV the way Excel saves it in Italy.
    let sheets = export_sheets(Values::Codes);
    let main = &sheets[0].1;
    let mut csv = String::new();
    let mut expected = Vec::new();
    for (i, line) in main.iter().enumerate() {
        if i > 0 {
            let (istat, _, answers) = &responses()[i - 1];
            if !answers.repeat("strutture").is_empty() || !answers.repeat("insediamenti").is_empty() {
                continue;
            }
            expected.push((istat.clone(), answers.clone()));
        }
        let quoted: Vec<String> = line.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        csv.push_str(&quoted.join(";"));
        csv.push_str("\r\n");
    }
    assert_eq!(main[0][..2], ["comune_istat", "comune"]);
    assert!(expected.len() > 100);
    let p = plan_bytes(form(), csv.as_bytes(), &c, &options()).unwrap();
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.rows.len(), expected.len());
    for (n, (row, (istat, answers))) in p.rows.iter().zip(&expected).enumerate() {
        assert_eq!(row.row, n + 2, "CRLF lines are numbered as a spreadsheet shows them");
        assert_eq!(row.comune.istat(), Some(istat.as_str()));
        assert_eq!(row.answers, canonical(answers));
    }
}

#[test]
fn import_reports_every_problem_of_an_edited_export() {
    let c = comuni();
    let mut sheets = export_sheets(Values::Codes);
    let col = |sheet: &[Vec<String>], name: &str| sheet[0].iter().position(|h| h == name).unwrap();
    // Row 2: the ISTAT code without its leading zeros still matches; row 3 is about the same
    // Comune; a later response gets a bad number of people in its first settlement.
    let main = &mut sheets[0].1;
    let istat = col(main, "comune_istat");
    let first = main[1][istat].clone();
    main[1][istat] = first.trim_start_matches('0').to_owned();
    main[2][istat] = first;
    let k = (2..responses().len()).find(|&k| !responses()[k].2.repeat("insediamenti").is_empty()).unwrap();
    let settlements = &mut sheets.iter_mut().find(|(n, _)| n == "insediamenti").unwrap().1;
    let e3 = col(settlements, "E3");
    let row = settlements.iter().position(|r| r[0] == responses()[k].0).unwrap();
    settlements[row][e3] = "tanti".into();
    let p = plan(form(), &sheets, &c, &options());
    assert!(!p.is_importable());
    assert_eq!(p.errors.len(), 2, "{:#?}", p.errors);
    let dup = &p.errors[0];
    assert_eq!((dup.sheet.as_str(), dup.row, dup.column.as_deref()), ("incas_2021", 3, Some("comune_istat")));
    assert_eq!(dup.kind.code(), "import-duplicate-comune");
    assert_eq!(dup.kind.args()[1], ("first_row", "2".to_owned()));
    let bad = &p.errors[1];
    assert_eq!((bad.sheet.as_str(), bad.row, bad.column.as_deref()), ("insediamenti", row + 1, Some("E3")));
    assert_eq!(bad.kind, RowErrorKind::BadInteger { value: "tanti".into() });
    assert_eq!(p.rows.len(), responses().len() - 2);
    assert_eq!(p.rows[0].comune, ComuneMatch::Matched(responses()[0].0.clone()));
    assert!(p.rows.iter().all(|r| r.row != 3 && r.row != k + 2));
}

#[test]
fn import_finds_the_comune_in_the_questionnaires_own_questions() {
    // A table of the questionnaire's questions only, group paths as KoboToolbox writes them:
    // the Comune is the answer to `A1a` (cadastral code), or to `A1` (name) when that is empty.
    let c = comuni();
    let sheets = export_sheets(Values::Codes);
    let main = &sheets[0].1;
    let mut kobo: Vec<Vec<String>> = main.iter().map(|r| r[2..].to_vec()).collect();
    for h in &mut kobo[0] {
        if h.starts_with('A') {
            *h = format!("sez_a/{h}");
        }
    }
    let a1a = kobo[0].iter().position(|h| h == "sez_a/A1a").unwrap();
    kobo[2][a1a].clear();
    let p = plan(form(), &[("incas_2021".to_owned(), kobo[..4].to_vec())], &c, &options());
    assert_eq!(p.format, SourceFormat::Kobo);
    // The emptied answer is required, but the row still found its Comune by name (no
    // `import-comune-missing`).
    let errors: Vec<(usize, Option<&str>, &str)> =
        p.errors.iter().map(|e| (e.row, e.column.as_deref(), e.kind.code())).collect();
    assert_eq!(errors, [(3, Some("sez_a/A1a"), "import-required")]);
    let matched: Vec<(usize, Option<&str>)> = p.rows.iter().map(|r| (r.row, r.comune.istat())).collect();
    assert_eq!(matched, [(2, Some(responses()[0].0.as_str())), (4, Some(responses()[2].0.as_str()))]);
    assert_eq!(p.rows[0].answers, canonical(&responses()[0].2));
}
