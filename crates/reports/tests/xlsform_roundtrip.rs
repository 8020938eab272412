//! XLSForm export round trip: parse → to_sheets → write_workbook → parse_xlsx gives back the
//! same form.

#![expect(clippy::panic, reason = "a test helper reports what went wrong")]

use argine_domain::census::xlsform::{self, Form, Kind};
use argine_reports::xlsx::write_workbook;

fn sheets(tables: &[(&str, &[&[&str]])]) -> Vec<(String, Vec<Vec<String>>)> {
    tables
        .iter()
        .map(|(n, rows)| ((*n).to_owned(), rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect()))
        .collect()
}

fn round_trip(form: &Form) -> Form {
    let bytes = write_workbook(&xlsform::to_sheets(form)).unwrap_or_else(|e| panic!("{e}"));
    match xlsform::parse_xlsx(&bytes) {
        Ok(f) => f,
        Err(e) => panic!("{e:#?}"),
    }
}

#[test]
fn multilingual_groups_repeats_extra_columns_or_other() {
    let form = xlsform::parse(&sheets(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::Italiano (it)",
                    "label::English (en)",
                    "hint::Italiano (it)",
                    "relevant",
                    "calculation",
                    "repeat_count",
                    "appearance",
                    "body::accuracyThreshold",
                    "note interne",
                ],
                &["today", "oggi", "", "", "", "", "", "", "", "", ""],
                &["begin_group", "sez_a", "Sezione A", "Section A", "", "", "", "", "field-list", "", ""],
                &[
                    "select_one regioni",
                    "regione",
                    "Regione",
                    "Region",
                    "Scegli",
                    "",
                    "",
                    "",
                    "minimal",
                    "",
                    "=SUM(A1)",
                ],
                &["integer", "n", "Quanti?", "How many?", "", "", "", "", "", "", ""],
                &["geopoint", "dove", "Dove", "Where", "", "", "", "", "", "10", ""],
                &["end_group", "", "", "", "", "", "", "", "", "", ""],
                &[],
                &["begin_repeat", "strutture", "Struttura", "Facility", "", "${n} > 0", "", "${n}", "", "", ""],
                &["select_multiple tipi or_other", "tipo", "Tipo", "Type", "", "", "", "", "", "", ""],
                &["text", "nota", "Nota", "Note", "", "selected(${tipo}, 'casa')", "", "", "", "", "0012"],
                &["end_repeat", "", "", "", "", "", "", "", "", "", ""],
                &["calculate", "tot", "", "", "", "", "count(${strutture})", "", "", "", ""],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label::Italiano (it)", "label::English (en)", "regione"],
                &["regioni", "lom", "Lombardia", "Lombardy", ""],
                &["tipi", "casa", "Casa", "House", "lom"],
                &["regioni", "laz", "Lazio", "Latium", ""],
                &["tipi", "1", "Tenda", "Tent", ""],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version", "default_language", "style"],
                &["Censimento", "incas", "1", "Italiano (it)", "pages"],
            ],
        ),
    ]))
    .unwrap();
    assert_eq!(form.item("tipo_other").map(|i| i.generated), Some(true));
    assert_eq!(form.item("regione").unwrap().extra.get("note interne").map(String::as_str), Some("=SUM(A1)"));
    assert_eq!(form.settings.get("style").map(String::as_str), Some("pages"));
    let back = round_trip(&form);
    assert_eq!(back, form);
    assert_eq!(back.item("nota").unwrap().extra.get("note interne").map(String::as_str), Some("0012"));
    assert_eq!(back.choices["regioni"][1].row, 4, "interleaved lists keep their rows");
}

#[test]
fn plain_form_without_settings() {
    let form = xlsform::parse(&sheets(&[(
        "survey",
        &[
            &["type", "name", "label", "required"],
            &["text", "a", "A", "yes"],
            &["date", "d", "D", ""],
            &["note", "", "Fine", ""],
        ],
    )]))
    .unwrap();
    assert_eq!(form.items[2].name, "generated_note_name_4");
    assert_eq!(round_trip(&form), form);
}

#[test]
fn legacy_single_colon_headers() {
    let form = xlsform::parse(&sheets(&[
        (
            "survey",
            &[&["type", "name", "label:Italiano", "label:English"], &["select_one sn", "ok", "Va bene?", "OK?"]],
        ),
        (
            "choices",
            &[
                &["list name", "name", "label:Italiano", "label:English"],
                &["sn", "si", "Sì", "Yes"],
                &["sn", "no", "No", "No"],
            ],
        ),
    ]))
    .unwrap();
    assert_eq!(form.items[0].kind, Kind::SelectOne { list: "sn".into(), or_other: false });
    assert_eq!(form.languages, ["Italiano", "English"]);
    let back = round_trip(&form);
    assert_eq!(back, form);
    // The export writes the current `::` form.
    assert!(xlsform::to_sheets(&back)[0].1[0].contains(&"label::Italiano".to_owned()));
}

#[test]
fn census_questionnaire_round_trips_through_xlsx() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/census/incas_2021.xlsx");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let form = xlsform::parse_xlsx(&bytes).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(form.item("strutture").is_some());
    assert_eq!(round_trip(&form), form);
}

#[test]
fn every_accepted_corpus_form_round_trips_through_xlsx() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/xlsform/corpus");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Ok(form) = xlsform::parse_xlsx(&bytes) {
            assert_eq!(round_trip(&form), form, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} forms were accepted");
}
