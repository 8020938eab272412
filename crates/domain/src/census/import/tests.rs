use super::*;
use crate::census::answers::Answer;
use crate::census::xlsform;
use proptest::prelude::*;

fn sheet(name: &str, rows: &[&[&str]]) -> (String, Vec<Vec<String>>) {
    (name.to_owned(), rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect())
}

/// A small questionnaire: a group, every kind of value, an `or_other`, a repeat with a nested
/// repeat, a calculation and a note.
fn form() -> Form {
    let survey: &[&[&str]] = &[
        &["type", "name", "label::Italiano (it)", "label::English (en)", "required", "constraint", "calculation"],
        &["start", "start"],
        &["begin_group", "grp_a", "Sezione A", "Section A"],
        &["text", "comune", "Comune", "Municipality"],
        &["text", "nome", "Nome", "Name", "yes"],
        &["integer", "n", "Numero", "Number", "", ". >= 0"],
        &["date", "data", "Data", "Date"],
        &["select_one si_no", "esito", "Esito", "Outcome"],
        &["select_multiple colori or_other", "colori", "Colori", "Colours"],
        &["geopoint", "pos", "Posizione", "Position"],
        &["acknowledge", "ok", "Confermo", "I confirm"],
        &["decimal", "dist_km", "Distanza", "Distance"],
        &["end_group", "grp_a"],
        &["begin_repeat", "membri", "Membri", "Members"],
        &["text", "m_nome", "Nome del membro", "Member's name", "yes"],
        &["integer", "eta", "Età", "Age"],
        &["begin_repeat", "figli", "Figli", "Children"],
        &["text", "f_nome", "Nome del figlio", "Child's name"],
        &["end_repeat", "figli"],
        &["end_repeat", "membri"],
        &["calculate", "tot", "", "", "", "", "count(${membri})"],
        &["note", "nota", "Grazie", "Thanks"],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label::Italiano (it)", "label::English (en)"],
        &["si_no", "1", "Sì", "Yes"],
        &["si_no", "2", "No", "No"],
        &["colori", "rosso", "Rosso", "Red"],
        &["colori", "verde", "Verde", "Green"],
        &["colori", "blu", "Blu scuro", "Dark blue"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "default_language"], &["test", "Italiano (it)"]];
    match xlsform::parse(&[sheet("survey", survey), sheet("choices", choices), sheet("settings", settings)]) {
        Ok(f) => f,
        Err(e) => panic!("{e:#?}"),
    }
}

fn c(istat: &str, belfiore: &str, name: &str, prov: &str) -> ComuneRef {
    ComuneRef {
        istat: istat.into(),
        belfiore: belfiore.into(),
        name: name.into(),
        province_code: prov.into(),
        active: true,
    }
}

fn comuni() -> Vec<ComuneRef> {
    vec![
        c("071051", "I158", "San Severo", "FG"),
        c("071029", "E885", "Manfredonia", "FG"),
        c("013030", "B639", "Calliano", "CO"),
        c("022032", "B418", "Calliano", "TN"),
        c("001001", "A074", "Agliè", "TO"),
        c("040012", "D704", "Forlì", "FC"),
    ]
}

fn options() -> ImportOptions {
    ImportOptions::new(time::macros::date!(2021 - 11 - 30))
}

fn run_plan(sheets: &[(String, Vec<Vec<String>>)]) -> ImportPlan {
    plan(&form(), sheets, &comuni(), &options())
}

/// (sheet, row, column, code) of each error.
fn located(p: &ImportPlan) -> Vec<(&str, usize, Option<&str>, &'static str)> {
    p.errors.iter().map(|e| (e.sheet.as_str(), e.row, e.column.as_deref(), e.kind.code())).collect()
}

fn row(p: &ImportPlan, n: usize) -> &PlannedRow {
    match p.rows.iter().find(|r| r.row == n) {
        Some(r) => r,
        None => panic!("row {n} is not planned: {:#?}", p.errors),
    }
}

#[test]
fn kobo_export_with_group_paths_option_columns_labels_and_repeat_sheets() {
    let main: &[&[&str]] = &[
        &[
            "start",
            "end",
            "today",
            "deviceid",
            "grp_a/comune",
            "grp_a/nome",
            "grp_a/n",
            "grp_a/data",
            "grp_a/esito",
            "grp_a/colori",
            "grp_a/colori/rosso",
            "grp_a/colori/verde",
            "grp_a/colori/blu",
            "grp_a/colori/other",
            "grp_a/colori_other",
            "grp_a/pos",
            "grp_a/_pos_latitude",
            "grp_a/_pos_longitude",
            "grp_a/_pos_altitude",
            "grp_a/_pos_precision",
            "grp_a/ok",
            "grp_a/dist_km",
            "tot",
            "meta/instanceID",
            "formhub/uuid",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_notes",
            "_status",
            "_submitted_by",
            "__version__",
            "_tags",
            "_index",
            "colore_preferito",
        ],
        &[
            "2021-10-15T10:00:00.000+02:00",
            "2021-10-15T10:30:00.000+02:00",
            "2021-10-15",
            "enketo.org:abc",
            "071051",
            "Mario",
            "12.0",
            "15/10/2021",
            "Sì",
            "",
            "1",
            "0",
            "1",
            "0",
            "",
            "41.5 15.3 10 5",
            "41.5",
            "15.3",
            "10",
            "5",
            "OK",
            "3,5",
            "99",
            "uuid:1",
            "f1",
            "101",
            "u1",
            "2021-10-15T08:31:00",
            "",
            "",
            "submitted_via_web",
            "",
            "vAbc",
            "",
            "1",
            "blu",
        ],
        &[
            "",
            "",
            "",
            "",
            "Manfredonia",
            "Anna",
            "3",
            "2021-10-16 00:00:00",
            "No",
            "Verde Blu scuro",
            "",
            "",
            "",
            "",
            "",
            "",
            "41,6",
            "15,9",
            "",
            "",
            "",
            "",
            "",
            "uuid:2",
            "f1",
            "102",
            "u2",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "2",
            "",
        ],
        &[
            "", "", "", "", "A074", "Ugo", "", "", "", "other", "", "", "", "", "viola", "", "", "", "", "", "", "",
            "", "uuid:3", "f1", "103", "u3", "", "", "", "", "", "", "", "3", "",
        ],
    ];
    let membri: &[&[&str]] = &[
        &["membri/m_nome", "membri/eta", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"],
        &["Luca", "30", "1", "test", "1", "u1"],
        &["Sara", "28.0", "2", "test", "1", "u1"],
        &["Ivo", "", "3", "test", "3", "u3"],
    ];
    let figli: &[&[&str]] =
        &[&["membri/figli/f_nome", "_index", "_parent_table_name", "_parent_index"], &["Pia", "1", "membri", "2"]];
    let p = run_plan(&[sheet("test", main), sheet("membri", membri), sheet("figli", figli)]);
    assert_eq!(p.format, SourceFormat::Kobo);
    assert_eq!(p.errors, vec![]);
    assert!(p.is_importable());
    let unknown: Vec<_> = p.warnings.iter().map(|w| (w.sheet.as_str(), w.column.as_deref(), w.kind.code())).collect();
    assert_eq!(unknown, [("test", Some("colore_preferito"), "import-unknown-column")]);
    let sara = Answers::new()
        .with("m_nome", "Sara")
        .with("eta", "28")
        .with_repeat("figli", vec![Answers::new().with("f_nome", "Pia")]);
    let expected = Answers::new()
        .with("start", "2021-10-15T10:00:00.000+02:00")
        .with("comune", "071051")
        .with("nome", "Mario")
        .with("n", "12")
        .with("data", "2021-10-15")
        .with("esito", "1")
        .with("colori", "rosso blu")
        .with("pos", "41.5 15.3 10 5")
        .with("ok", "OK")
        .with("dist_km", "3.5")
        .with_repeat("membri", vec![Answers::new().with("m_nome", "Luca").with("eta", "30"), sara])
        .with("tot", "2");
    assert_eq!(row(&p, 2).comune, ComuneMatch::Matched("071051".into()));
    assert_eq!(row(&p, 2).answers, expected);
    let anna = &row(&p, 3).answers;
    assert_eq!(row(&p, 3).comune, ComuneMatch::Matched("071029".into()));
    assert_eq!(anna.value("data"), "2021-10-16");
    assert_eq!(anna.value("esito"), "2");
    assert_eq!(anna.value("colori"), "verde blu", "labels separated by spaces, as Kobo exports them");
    assert_eq!(anna.value("pos"), "41.6 15.9", "latitude and longitude columns");
    assert_eq!(anna.value("tot"), "0");
    assert!(anna.repeat("membri").is_empty());
    let ugo = &row(&p, 4).answers;
    assert_eq!(row(&p, 4).comune, ComuneMatch::Matched("001001".into()));
    assert_eq!((ugo.value("colori"), ugo.value("colori_other")), ("other", "viola"));
    assert_eq!(ugo.repeat("membri"), [Answers::new().with("m_nome", "Ivo")]);
    assert_eq!(ugo.value("tot"), "1");
}

#[test]
fn limesurvey_export_with_subquestion_columns_and_incomplete_responses() {
    let table: &[&[&str]] = &[
        &[
            "id",
            "submitdate",
            "lastpage",
            "startlanguage",
            "seed",
            "token",
            "startdate",
            "datestamp",
            "ipaddr",
            "refurl",
            "comune",
            "nome",
            "n",
            "data",
            "esito",
            "colori[rosso]",
            "colori[verde]",
            "colori[blu]",
            "colori[other]",
            "distkm",
        ],
        &[
            "1",
            "2021-10-15 10:00:00",
            "3",
            "it",
            "123",
            "",
            "2021-10-15 09:50:00",
            "2021-10-15 10:00:00",
            "",
            "",
            "Comune di San Severo",
            "Mario",
            "4",
            "2021-10-15",
            "1",
            "Y",
            "",
            "Y",
            "viola",
            "2.5",
        ],
        &["2", "", "1", "it", "124", "", "", "", "", "", "Manfredonia", "Anna", "", "", "", "", "", "", "", ""],
        &[
            "3",
            "2021-10-16 11:00:00",
            "3",
            "it",
            "125",
            "",
            "",
            "",
            "",
            "",
            "FORLI'",
            "Ugo",
            "",
            "",
            "2",
            "N",
            "Sì",
            "",
            "",
            "",
        ],
    ];
    let sheets = [sheet("results-survey1", table)];
    let p = run_plan(&sheets);
    assert_eq!(p.format, SourceFormat::LimeSurvey);
    assert_eq!(located(&p), [("results-survey1", 3, Some("submitdate"), "import-incomplete")]);
    assert_eq!(p.warnings, vec![], "metadata columns are known");
    let mario = &row(&p, 2).answers;
    assert_eq!(row(&p, 2).comune.istat(), Some("071051"));
    assert_eq!(mario.value("colori"), "rosso blu other");
    assert_eq!(mario.value("colori_other"), "viola");
    assert_eq!(mario.value("dist_km"), "2.5", "codes without `_` find their question");
    assert_eq!(row(&p, 4).comune.istat(), Some("040012"));
    assert_eq!(row(&p, 4).answers.value("colori"), "verde");
    assert_eq!(p.rows.len(), 2);

    let skip = ImportOptions { incomplete: Incomplete::Skip, ..options() };
    let p = plan(&form(), &sheets, &comuni(), &skip);
    assert!(p.is_importable());
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!((p.warnings[0].row, p.warnings[0].kind.code()), (Some(3), "import-skipped-incomplete"));

    let import = ImportOptions { incomplete: Incomplete::Import, ..options() };
    let p = plan(&form(), &sheets, &comuni(), &import);
    assert!(p.is_importable());
    assert_eq!(row(&p, 3).answers, Answers::new().with("comune", "Manfredonia").with("nome", "Anna").with("tot", "0"));
}

#[test]
fn comuni_by_code_name_and_a_persons_choice() {
    let table: &[&[&str]] = &[
        &["Comune", "nome"],
        &["1001", "a"],
        &["d704", "b"],
        &["Comune di SAN SEVERÒ", "c"],
        &["Calliano", "d"],
        &["Manfredoia", "e"],
        &["Agliè (TO)", "f"],
        &["", "g"],
    ];
    let sheets = [sheet("Foglio1", table)];
    let p = run_plan(&sheets);
    assert_eq!(p.format, SourceFormat::Plain);
    assert_eq!(row(&p, 2).comune, ComuneMatch::Matched("001001".into()), "ISTAT code without leading zeros");
    assert_eq!(row(&p, 3).comune, ComuneMatch::Matched("040012".into()), "Belfiore code");
    assert_eq!(row(&p, 4).comune, ComuneMatch::Matched("071051".into()), "name with prefix and accent");
    assert_eq!(row(&p, 5).comune, ComuneMatch::Ambiguous(vec!["013030".into(), "022032".into()]));
    assert_eq!(p.ambiguous().count(), 1);
    let not_found = &p.errors[0];
    assert_eq!((not_found.row, not_found.column.as_deref()), (6, Some("Comune")));
    assert_eq!(
        not_found.kind,
        RowErrorKind::ComuneNotFound { value: "Manfredoia".into(), suggestions: vec!["Manfredonia (FG)".into()] }
    );
    assert_eq!(not_found.kind.args(), [("value", "Manfredoia".into()), ("suggestions", "Manfredonia (FG)".into())]);
    let duplicate = &p.errors[1];
    assert_eq!((duplicate.row, duplicate.kind.code()), (7, "import-duplicate-comune"));
    assert_eq!(duplicate.kind, RowErrorKind::DuplicateComune { comune: "Agliè (TO)".into(), first_row: 2 });
    assert_eq!(located(&p)[2], ("Foglio1", 8, Some("Comune"), "import-comune-missing"));
    assert_eq!(p.errors.len(), 3);
    assert!(!p.is_importable());

    // Second pass: a person chose for the ambiguous row, fixed the others.
    let fixed: &[&[&str]] = &[&["Comune", "nome"], &["1001", "a"], &["Calliano", "d"], &["Manfredoia", "e"]];
    let mut second = options();
    second.resolutions.insert(3, "22032".into());
    second.resolutions.insert(4, "071029".into());
    let p = plan(&form(), &[sheet("Foglio1", fixed)], &comuni(), &second);
    assert_eq!(p.errors, vec![]);
    assert!(p.is_importable());
    assert_eq!(row(&p, 3).comune, ComuneMatch::Matched("022032".into()));
    assert_eq!(row(&p, 4).comune, ComuneMatch::Matched("071029".into()));
    // A choice outside the campaign.
    second.resolutions.insert(3, "999999".into());
    let p = plan(&form(), &[sheet("Foglio1", fixed)], &comuni(), &second);
    assert_eq!(located(&p), [("Foglio1", 3, Some("Comune"), "import-bad-resolution")]);
}

#[test]
fn bad_values_are_row_errors_at_their_cell() {
    let main: &[&[&str]] = &[
        &["codice_istat", "nome", "n", "data", "esito", "colori/rosso", "ok"],
        &["071051", "Mario", "dodici", "2021-10-15", "1", "1", ""],
        &["071029", "Anna", "3", "31/02/2021", "forse", "", "OK"],
        &["001001", "", "-1", "", "", "forse", "boh"],
        &["040012", "Ugo", "1", "", "", "", ""],
    ];
    let membri: &[&[&str]] = &[
        &["codice_istat", "membri_n", "m_nome", "eta"],
        &["040012", "1", "", "3"],
        &["040012", "2", "Ada", "tre"],
        &["040012", "2", "Eva", ""],
        &["040012", "x", "Eva", ""],
        &["058091", "1", "Orfano", ""],
    ];
    let p = run_plan(&[sheet("risposte", main), sheet("Membri", membri)]);
    assert_eq!(
        located(&p),
        [
            ("risposte", 2, Some("n"), "import-bad-integer"),
            ("risposte", 3, Some("data"), "import-bad-date"),
            ("risposte", 3, Some("esito"), "import-unknown-choice"),
            ("risposte", 4, Some("colori/rosso"), "import-bad-flag"),
            ("risposte", 4, Some("ok"), "import-bad-flag"),
            ("risposte", 4, Some("nome"), "import-required"),
            ("risposte", 4, Some("n"), "import-constraint"),
            ("Membri", 2, Some("m_nome"), "import-required"),
            ("Membri", 3, Some("eta"), "import-bad-integer"),
            ("Membri", 4, Some("membri_n"), "import-duplicate-instance"),
            ("Membri", 5, Some("membri_n"), "import-bad-instance-number"),
            ("Membri", 6, None, "import-orphan-row"),
        ]
    );
    let kinds: Vec<&RowErrorKind> = p.errors.iter().map(|e| &e.kind).collect();
    assert_eq!(kinds[0], &RowErrorKind::BadInteger { value: "dodici".into() });
    assert_eq!(kinds[1], &RowErrorKind::BadDate { value: "31/02/2021".into() });
    assert_eq!(kinds[2], &RowErrorKind::UnknownChoice { value: "forse".into() });
    assert_eq!(kinds[5], &RowErrorKind::Required { field: "nome".into() });
    assert_eq!(kinds[6], &RowErrorKind::Constraint { field: "n".into(), value: "-1".into(), message: String::new() });
    assert_eq!(kinds[11], &RowErrorKind::OrphanRow { parent: "058091".into() });
    assert_eq!(p.errors[0].to_string(), "sheet 'risposte', row 2, column 'n': `dodici` is not a whole number");
    assert!(p.rows.is_empty(), "every response has an error: {:?}", p.rows);
    assert!(!p.is_importable());
}

#[test]
fn a_required_question_without_a_column_is_an_error_and_a_missing_optional_one_is_fine() {
    let table: &[&[&str]] = &[&["comune", "n"], &["071051", "3"]];
    let p = run_plan(&[sheet("risposte", table)]);
    assert_eq!(located(&p), [("risposte", 2, Some("nome"), "import-required")]);
    let table: &[&[&str]] = &[&["comune", "nome"], &["071051", "Mario"]];
    let p = run_plan(&[sheet("risposte", table)]);
    assert!(p.is_importable());
    assert_eq!(row(&p, 2).answers, Answers::new().with("comune", "071051").with("nome", "Mario").with("tot", "0"));
}

#[test]
fn unknown_columns_and_sheets_are_warned_about_once() {
    let table: &[&[&str]] = &[
        &["comune", "nome", "note interne", "nome"],
        &["071051", "Mario", "x", "doppio"],
        &["071029", "Anna", "y", "doppio"],
    ];
    let other: &[&[&str]] = &[&["a"], &["1"]];
    let p = run_plan(&[sheet("risposte", table), sheet("Foglio2", other), sheet("vuoto", &[])]);
    assert_eq!(p.errors, vec![]);
    let w: Vec<_> = p.warnings.iter().map(|w| (w.sheet.as_str(), w.column.as_deref(), w.kind.code())).collect();
    assert_eq!(
        w,
        [
            ("risposte", Some("note interne"), "import-unknown-column"),
            ("risposte", Some("nome"), "import-duplicate-column"),
            ("Foglio2", None, "import-unknown-sheet"),
        ]
    );
    assert_eq!(p.warnings[1].kind.args(), [("field", "nome".to_owned())]);
    assert_eq!(
        p.warnings[0].to_string(),
        "sheet 'risposte', column 'note interne': the column is not a question of the questionnaire and is ignored"
    );
    assert_eq!(row(&p, 2).answers.value("nome"), "Mario", "the first column counts");
}

#[test]
fn the_comune_column_can_be_named_and_must_exist() {
    let table: &[&[&str]] = &[&["dove", "nome"], &["San Severo", "Mario"]];
    let p = run_plan(&[sheet("r", table)]);
    assert_eq!(located(&p), [("r", 1, None, "import-no-comune-column")]);
    assert!(p.rows.is_empty());
    let named = ImportOptions { comune_column: Some("Dove".into()), ..options() };
    let p = plan(&form(), &[sheet("r", table)], &comuni(), &named);
    assert!(p.is_importable());
    assert_eq!(row(&p, 2).comune.istat(), Some("071051"));
    let missing = ImportOptions { comune_column: Some("istat".into()), ..options() };
    let p = plan(&form(), &[sheet("r", table)], &comuni(), &missing);
    assert_eq!(p.errors[0].kind, RowErrorKind::ComuneColumnNotFound { column: "istat".into() });
}

#[test]
fn nested_repeats_in_argine_style_and_unlinkable_sheets() {
    let main: &[&[&str]] = &[&["comune_istat", "comune", "nome"], &["071051", "San Severo", "Mario"]];
    let membri: &[&[&str]] =
        &[&["comune_istat", "membri_n", "m_nome"], &["071051", "2", "Secondo"], &["071051", "1", "Primo"]];
    let figli: &[&[&str]] = &[&["comune_istat", "membri_n", "figli_n", "f_nome"], &["71051", "2", "1", "Nipote"]];
    let p = run_plan(&[sheet("test", main), sheet("membri", membri), sheet("figli", figli)]);
    assert_eq!(p.format, SourceFormat::Argine);
    assert_eq!(p.errors, vec![]);
    let a = &row(&p, 2).answers;
    let names: Vec<&str> = a.repeat("membri").iter().map(|m| m.value("m_nome")).collect();
    assert_eq!(names, ["Primo", "Secondo"], "instances in the order of their numbers");
    assert_eq!(a.repeat("membri")[1].repeat("figli"), [Answers::new().with("f_nome", "Nipote")]);
    assert_eq!(a.value("tot"), "2");
    // A nested repeat sheet without the enclosing instance number cannot be linked.
    let figli: &[&[&str]] = &[&["comune_istat", "f_nome"], &["071051", "Nipote"]];
    let p = run_plan(&[sheet("test", main), sheet("membri", membri), sheet("figli", figli)]);
    assert_eq!(located(&p), [("figli", 1, None, "import-no-link-column")]);
}

#[test]
fn empty_tables_and_unusable_forms() {
    let p = run_plan(&[sheet("r", &[&["comune", "nome"]])]);
    assert_eq!(located(&p), [("r", 1, None, "import-empty")]);
    assert!(!p.is_importable());
    let p = run_plan(&[]);
    assert_eq!(located(&p), [("", 1, None, "import-empty")]);
    let broken = Form {
        items: vec![Item { name: "x".into(), relevant: Some("${nope}".into()), ..Item::default() }],
        ..Form::default()
    };
    let p = plan(&broken, &[sheet("r", &[&["comune"], &["071051"]])], &comuni(), &options());
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].kind.code(), "import-invalid-form");
}

#[test]
fn files_are_read_as_csv_or_workbooks() -> Result<(), SheetError> {
    let csv = "\u{feff}comune;nome;n\r\n71051;Mario;\"12,0\"\r\n\r\nE885;Anna;3\r\n";
    let p = plan_bytes(&form(), csv.as_bytes(), &comuni(), &options())?;
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(row(&p, 2).answers.value("n"), "12");
    assert_eq!(row(&p, 4).comune.istat(), Some("071029"), "rows keep their line numbers");
    assert_eq!(p.rows[0].answers.value("n"), "12");
    assert!(plan_bytes(&form(), b"  ", &comuni(), &options()).is_err());
    Ok(())
}

#[test]
fn error_codes_are_stable() {
    let kinds = [
        (RowErrorKind::BadInteger { value: "x".into() }, "import-bad-integer"),
        (RowErrorKind::BadDecimal { value: "x".into() }, "import-bad-decimal"),
        (RowErrorKind::BadGeopoint { value: "x".into() }, "import-bad-geopoint"),
        (RowErrorKind::TooLong { max: 3 }, "import-too-long"),
        (RowErrorKind::TooManyInstances { max: 3 }, "import-too-many-instances"),
    ];
    for (kind, code) in kinds {
        assert_eq!(kind.code(), code);
        assert!(!kind.to_string().is_empty());
    }
    let e = RowError { sheet: String::new(), row: 4, column: None, kind: RowErrorKind::ComuneMissing };
    assert_eq!(e.to_string(), "row 4: the Comune is missing");
}

#[test]
fn repeats_beyond_the_limit_are_refused() {
    let main: &[&[&str]] = &[&["comune_istat", "nome"], &["071051", "Mario"]];
    let mut rows = vec![vec!["comune_istat".to_owned(), "m_nome".to_owned()]];
    rows.extend((0..=MAX_INSTANCES).map(|i| vec!["071051".to_owned(), format!("M{i}")]));
    let p = run_plan(&[sheet("r", main), ("membri".to_owned(), rows)]);
    assert_eq!(located(&p), [("membri", MAX_INSTANCES + 2, None, "import-too-many-instances")]);
}

/// Every answer of a plan, for the invariant checks below.
fn values(a: &Answers) -> Vec<String> {
    a.0.values()
        .flat_map(|v| match v {
            Answer::Value(s) => vec![s.clone()],
            Answer::Repeat(r) => r.iter().flat_map(values).collect(),
        })
        .collect()
}

fn header_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "comune",
            "codice_istat",
            "nome",
            "n",
            "data",
            "esito",
            "colori",
            "colori/rosso",
            "colori[blu]",
            "colori[other]",
            "grp_a/pos",
            "_pos_latitude",
            "_pos_longitude",
            "ok",
            "dist_km",
            "m_nome",
            "membri_n",
            "figli_n",
            "_index",
            "_parent_index",
            "submitdate",
            "comune_istat",
            "tot",
            "nota",
            "",
            "start",
        ])
        .prop_map(str::to_owned),
        ".{0,12}",
    ]
}

fn cell_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "1",
            "0",
            "Y",
            "Sì",
            "071051",
            "71051",
            "Calliano",
            "San Severo (FG)",
            "I158",
            "12.0",
            "3,5",
            "-1",
            "15/10/2021",
            "2021-02-30",
            "rosso blu",
            "Verde; Blu scuro",
            "other",
            "41.5 15.3",
            "'+39",
            "2",
            "x",
            "OK",
        ])
        .prop_map(str::to_owned),
        ".{0,16}",
    ]
}

fn table_strategy() -> impl Strategy<Value = Vec<Vec<String>>> {
    (1usize..6).prop_flat_map(|width| {
        prop::collection::vec(prop::collection::vec(cell_strategy(), 0..=width + 1), 0..6).prop_flat_map(move |rows| {
            prop::collection::vec(header_strategy(), width).prop_map(move |h| {
                let mut t = vec![h];
                t.extend(rows.clone());
                t
            })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// No table makes the import panic, and a plan is consistent: planned rows exist in the
    /// main sheet, are unique, and every answer is within the engine's length limit.
    #[test]
    fn random_tables_never_panic(
        tables in prop::collection::vec(table_strategy(), 1..4),
        names in prop::collection::vec(prop::sample::select(vec!["r", "membri", "figli", "Membri", "x", ""]), 3),
        resolution in prop::option::of((1usize..8, prop::sample::select(vec!["013030", "22032", "zzz"]))),
    ) {
        let sheets: Vec<(String, Vec<Vec<String>>)> =
            tables.into_iter().zip(names).map(|(t, n)| (n.to_owned(), t)).collect();
        let mut o = options();
        if let Some((row, istat)) = resolution {
            o.resolutions.insert(row, istat.to_owned());
        }
        let p = plan(&form(), &sheets, &comuni(), &o);
        let mut seen = HashSet::new();
        for r in &p.rows {
            prop_assert!(seen.insert(r.row));
            prop_assert!(r.row >= 2);
            prop_assert!(r.comune.istat().is_some() || matches!(r.comune, ComuneMatch::Ambiguous(_)), "{:?}", r.comune);
            prop_assert!(values(&r.answers).iter().all(|v| v.chars().count() <= MAX_TEXT_LEN));
        }
        prop_assert_eq!(p.is_importable(), p.errors.is_empty() && p.ambiguous().count() == 0);
        for e in &p.errors {
            prop_assert!(!e.kind.code().is_empty());
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn half_a_geopoint_and_a_ticked_unknown_choice_are_errors() {
    let table: &[&[&str]] = &[
        &["comune", "nome", "_pos_latitude", "_pos_longitude", "colori/giallo", "colori/rosso"],
        &["071051", "Mario", "41.5", "", "1", "1"],
        &["071029", "Anna", "41.5", "15.5", "0", "1"],
    ];
    let p = run_plan(&[sheet("r", table)]);
    assert_eq!(
        located(&p),
        [
            ("r", 2, Some("colori/giallo"), "import-unknown-choice"),
            ("r", 2, Some("_pos_latitude"), "import-bad-geopoint")
        ]
    );
    assert_eq!(p.errors[0].kind, RowErrorKind::UnknownChoice { value: "giallo".into() });
    assert_eq!(p.errors[1].kind, RowErrorKind::BadGeopoint { value: "41.5".into() });
    assert_eq!(row(&p, 3).answers.value("pos"), "41.5 15.5");
    assert_eq!(row(&p, 3).answers.value("colori"), "rosso");
}
