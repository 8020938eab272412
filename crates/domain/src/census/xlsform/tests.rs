use super::*;

/// Sheets from a pyxform-style markdown table: a row whose first cell is non-empty starts a
/// sheet; the other rows (first cell empty) are that sheet's rows, header first. `.` is an
/// empty row.
fn md(src: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in src.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == "." {
            if let Some(last) = out.last_mut() {
                last.1.push(Vec::new());
            }
            continue;
        }
        let cells: Vec<String> = line.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect();
        if !cells[0].is_empty() {
            out.push((cells[0].clone(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(cells[1..].to_vec());
        }
    }
    out
}

fn errors(src: &str) -> Vec<FormError> {
    match parse(&md(src)) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    }
}

/// The single error of a form (the test fails if there are none or several).
fn one_error(src: &str) -> FormError {
    let e = errors(src);
    assert_eq!(e.len(), 1, "expected one error, got {e:#?}");
    e.into_iter().next().unwrap()
}

fn warnings(src: &str) -> Vec<FormError> {
    parse_with_warnings(&md(src)).warnings
}

fn at(e: &FormError) -> (&str, Option<usize>, Option<&str>, &'static str) {
    (e.sheet.as_str(), e.row, e.column.as_deref(), e.kind.code())
}

const CENSUS: &str = "
| survey |
|        | type                  | name       | label::Italiano (it) | label::English (en) | hint::Italiano (it) | required | relevant          | constraint | constraint_message::Italiano (it) | choice_filter        | repeat_count | appearance | media::image | note_interna |
|        | start                 | start      |                      |                     |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | begin_group           | sez_a      | Sezione A            | Section A           |                     |          |                   |            |                                   |                      |              | field-list |              |              |
|        | select_one regioni    | regione    | Regione              | Region              | Scegli              | yes      |                   |            |                                   |                      |              |            |              | interna      |
|        | select_one comuni     | comune     | Comune               | Municipality        |                     | yes      |                   |            |                                   | regione=${regione}   |              | minimal    |              |              |
|        | integer               | n_str      | Quante strutture?    | How many?           |                     |          |                   | . >= 0     | Non negativo                      |                      |              |            | a.png        |              |
|        | end_group             |            |                      |                     |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | begin_repeat          | strutture  | Struttura            | Facility            |                     |          | ${n_str} > 0      |            |                                   |                      | ${n_str}     |            |              |              |
|        | text                  | nome_str   | Nome                 | Name                |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | select_multiple tipi or_other | tipo | Tipo            | Type                |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | end_repeat            |            |                      |                     |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | calculate             | totale     |                      |                     |                     |          |                   |            |                                   |                      |              |            |              |              |
|        | note                  | fine       | Grazie               | Thanks              |                     |          |                   |            |                                   |                      |              |            |              |              |
| choices |
|         | list_name | name | label::Italiano (it) | label::English (en) | regione |
|         | regioni   | lom  | Lombardia            | Lombardy            |         |
|         | regioni   | laz  | Lazio                | Lazio               |         |
|         | comuni    | mn   | Mantova              | Mantua              | lom     |
|         | comuni    | lt   | Latina               | Latina              | laz     |
|         | tipi      | casa | Casa                 | House               |         |
|         | tipi      | tenda | Tenda               | Tent                |         |
| settings |
|          | form_title | form_id    | version | default_language | instance_name |
|          | Censimento | incas_2021 | 2021.1  | Italiano (it)    | ${regione}    |
";

fn census() -> Form {
    let mut sheets = md(CENSUS);
    // The calculate row needs its calculation (a column not in the table above, to show
    // that cells of columns added later are read too).
    let survey = &mut sheets[0].1;
    survey[0].push("calculation".into());
    for (i, row) in survey.iter_mut().enumerate().skip(1) {
        row.push(if row[1] == "totale" { format!("count(${{strutture}}) + {i}") } else { String::new() });
    }
    parse(&sheets).unwrap()
}

#[test]
fn census_form_is_read() {
    let f = census();
    assert_eq!(f.id.as_deref(), Some("incas_2021"));
    assert_eq!(f.version.as_deref(), Some("2021.1"));
    assert_eq!(f.title.get("Italiano (it)").map(String::as_str), Some("Censimento"));
    assert_eq!(f.languages, ["Italiano (it)", "English (en)"]);
    assert_eq!(f.instance_name.as_deref(), Some("${regione}"));
    let names: Vec<&str> = f.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["start", "sez_a", "strutture", "totale", "fine"]);
    let sez_a = f.item("sez_a").unwrap();
    assert_eq!(sez_a.kind, Kind::Group);
    assert_eq!((sez_a.row, sez_a.end_row), (3, 7));
    assert_eq!(sez_a.children.len(), 3);
    let regione = f.item("regione").unwrap();
    assert_eq!(regione.kind, Kind::SelectOne { list: "regioni".into(), or_other: false });
    assert_eq!(regione.required.as_deref(), Some("yes"));
    assert_eq!(regione.hint.get("Italiano (it)").map(String::as_str), Some("Scegli"));
    assert_eq!(regione.extra.get("note_interna").map(String::as_str), Some("interna"));
    assert_eq!(f.item("comune").unwrap().choice_filter.as_deref(), Some("regione=${regione}"));
    let n = f.item("n_str").unwrap();
    assert_eq!(n.kind, Kind::Integer);
    assert_eq!(n.constraint.as_deref(), Some(". >= 0"));
    assert_eq!(n.constraint_message.get("Italiano (it)").map(String::as_str), Some("Non negativo"));
    assert_eq!(n.extra.get("media::image").map(String::as_str), Some("a.png"));
    let rep = f.item("strutture").unwrap();
    assert_eq!(rep.kind, Kind::Repeat);
    assert_eq!(rep.repeat_count.as_deref(), Some("${n_str}"));
    // or_other: an `other` choice and a generated `tipo_other` question after the select.
    let kids: Vec<(&str, bool)> = rep.children.iter().map(|i| (i.name.as_str(), i.generated)).collect();
    assert_eq!(kids, [("nome_str", false), ("tipo", false), ("tipo_other", true)]);
    assert_eq!(rep.children[2].relevant.as_deref(), Some("selected(${tipo}, 'other')"));
    let tipi: Vec<&str> = f.choices["tipi"].iter().map(|c| c.name.as_str()).collect();
    assert_eq!(tipi, ["casa", "tenda", "other"]);
    assert_eq!(f.choices["comuni"][0].extra.get("regione").map(String::as_str), Some("lom"));
    assert_eq!(f.choices["comuni"][0].row, 4);
}

#[test]
fn structure_helpers() {
    let f = census();
    let fields: Vec<(Vec<&str>, &str)> = f.fields().into_iter().map(|(p, i)| (p, i.name.as_str())).collect();
    assert_eq!(
        fields,
        [
            (vec![], "start"),
            (vec![], "regione"),
            (vec![], "comune"),
            (vec![], "n_str"),
            (vec!["strutture"], "nome_str"),
            (vec!["strutture"], "tipo"),
            (vec!["strutture"], "tipo_other"),
            (vec![], "totale"),
            (vec![], "fine"),
        ]
    );
    assert_eq!(f.repeat_path("tipo"), Some(vec!["strutture"]));
    assert_eq!(f.repeat_path("nope"), None);
    let pages = f.pages();
    let pages: Vec<&str> = pages.iter().map(|p| p.item().name.as_str()).collect();
    assert_eq!(pages, ["sez_a", "strutture", "fine"], "start and the calculate are on no page");
    assert!(matches!(f.pages()[2], Page::Question(_)));
    let regione = f.item("regione").unwrap();
    assert_eq!(f.label(regione, "English (en)"), Some("Region"));
    assert_eq!(f.label(regione, "Deutsch (de)"), Some("Regione"), "falls back to the default language");
    assert_eq!(f.choice_label("comuni", "mn", "English (en)"), Some("Mantua"));
    assert_eq!(f.choice_label("comuni", "mn", "fr"), Some("Mantova"));
    assert_eq!(f.choice_label("comuni", "xx", "fr"), None);
    // Without a default language, the fallback is any language.
    let mut g = f.clone();
    g.default_language = None;
    assert_eq!(g.label(regione, "fr"), Some("Region"), "the first language there is");
}

#[test]
fn export_reads_back_the_same_form() {
    let f = census();
    let sheets = to_sheets(&f);
    assert_eq!(sheets.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["survey", "choices", "settings"]);
    // Generated rows are not exported.
    assert!(!sheets[0].1.iter().any(|r| r.get(1).is_some_and(|n| n == "tipo_other")));
    assert!(!sheets[1].1.iter().any(|r| r.get(1).is_some_and(|n| n == "other")));
    let back = parse(&sheets).unwrap();
    assert_eq!(back, f);
    assert_eq!(to_sheets(&back), sheets, "export is stable");
}

#[test]
fn round_trip_keeps_blank_rows_plain_labels_and_legacy_headers() {
    let src = "
| survey |
|        | type | name | label:English | label:Italiano | Relevance |
|        | text | a    | A             | A it           |           |
.
.
|        | integer | b | B             |                | ${a} != '' |
| Choices |
|        | list name | name | label:English |
|        | l         | x    | X             |
";
    let f = parse(&md(src)).unwrap();
    assert_eq!(f.languages, ["English", "Italiano"]);
    assert_eq!(f.item("b").unwrap().row, 5);
    assert_eq!(f.item("b").unwrap().relevant.as_deref(), Some("${a} != ''"));
    assert_eq!(parse(&to_sheets(&f)).unwrap(), f);

    // Survey languages come first, then those only the choices use.
    let f = parse(&md("
| survey |
|        | type         | name | label::B | label::A |
|        | select_one l | a    | b        | a        |
| choices |
|         | list_name | name | label::C | label::A |
|         | l         | x    | c        | a        |
"))
    .unwrap();
    assert_eq!(f.languages, ["B", "A", "C"]);
    assert_eq!(parse(&to_sheets(&f)).unwrap(), f);

    let plain = parse(&md("
| survey |
|        | type | name | label | hint |
|        | text | a    | A     | h    |
"))
    .unwrap();
    assert_eq!(plain.languages, [DEFAULT_LANGUAGE]);
    assert_eq!(plain.label(&plain.items[0], "it"), Some("A"));
    let sheets = to_sheets(&plain);
    assert_eq!(sheets[0].1[0], ["type", "name", "label", "hint"]);
    assert_eq!(sheets.len(), 1, "no choices, no settings");
    assert_eq!(parse(&sheets).unwrap(), plain);
}

#[test]
fn single_sheet_is_the_survey_and_sheet_names_ignore_case() {
    let f = parse(&md("
| Foglio1 |
|         | type | name | label |
|         | text | a    | A     |
"))
    .unwrap();
    assert_eq!(f.items.len(), 1);
    assert!(
        parse(&md("
| SURVEY |
|        | type | name | label |
|        | text | a    | A     |
| Settings |
|          | form_id |
|          | x       |
"))
        .is_ok()
    );
}

// ------------------------------------------------------------------------- error kinds

#[test]
fn missing_survey_sheet() {
    let e = one_error(
        "
| choices |
|         | list_name | name | label |
|         | l         | a    | A     |
| settings |
|          | form_id |
|          | x       |
",
    );
    assert_eq!(at(&e), ("survey", None, None, "missing-sheet"));
    assert_eq!(e.to_string(), "You must have a sheet named 'survey'.");
}

#[test]
fn missing_type_and_name_columns() {
    let e = one_error(
        "
| survey |
|        | name | label |
|        | a    | A     |
",
    );
    assert_eq!(at(&e), ("survey", Some(1), None, "missing-column"));
    assert_eq!(e.kind, FormErrorKind::MissingColumn { column: "type".into() });
    let e = one_error(
        "
| survey |
|        | type | label |
|        | text | A     |
|        | text | B     |
",
    );
    assert_eq!(e.kind, FormErrorKind::MissingColumn { column: "name".into() });
}

#[test]
fn duplicate_columns() {
    let e = one_error(
        "
| survey |
|        | type | name | label | caption |
|        | text | a    | A     | B       |
",
    );
    assert_eq!(at(&e), ("survey", Some(1), Some("caption"), "duplicate-column"));
    let e = one_error(
        "
| survey |
|        | type | name | label | label |
|        | text | a    | A     | B     |
",
    );
    assert_eq!(at(&e), ("survey", Some(1), Some("label"), "duplicate-column"));
}

#[test]
fn unknown_and_missing_type() {
    let e = errors(
        "
| survey |
|        | type    | name | label |
|        | text    | a    | A     |
|        | foo     | b    | B     |
|        | Text    | c    | C     |
|        |         | d    | D     |
|        |         |      |       |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(3), Some("type"), "unknown-type"),
            ("survey", Some(4), Some("type"), "unknown-type"),
            ("survey", Some(5), Some("type"), "missing-type"),
        ]
    );
    assert_eq!(e[0].to_string(), "[row : 3] Unknown question type 'foo'.");
}

#[test]
fn known_pyxform_types_are_warnings() {
    let src = "
| survey |
|        | type     | name | label |
|        | photo    | p    | P     |
|        | barcode  | b    | B     |
|        | begin group | g | G     |
|        | select one l | s | S    |
|        | end group |     |       |
| choices |
|         | list_name | name | label |
|         | l         | x    | X     |
";
    let w = warnings(src);
    assert_eq!(
        w.iter().map(at).collect::<Vec<_>>(),
        [("survey", Some(2), Some("type"), "unsupported-type"), ("survey", Some(3), Some("type"), "unsupported-type"),]
    );
    let f = parse(&md(src)).unwrap();
    assert_eq!(f.items[0].kind, Kind::Other("photo".into()));
    assert_eq!(f.items[2].children[0].kind, Kind::SelectOne { list: "l".into(), or_other: false });
}

#[test]
fn names_missing_invalid_reserved() {
    let e = errors(
        "
| survey |
|        | type | name   | label |
|        | text |        | A     |
|        | text | 1a     | A     |
|        | text | a b    | A     |
|        | text | meta   | A     |
|        | note |        | Hi    |
|        | text | ok.x-y_ | A    |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(2), Some("name"), "missing-name"),
            ("survey", Some(3), Some("name"), "invalid-name"),
            ("survey", Some(4), Some("name"), "invalid-name"),
            ("survey", Some(5), Some("name"), "reserved-name"),
        ]
    );
}

#[test]
fn notes_without_name_get_one() {
    let f = parse(&md("
| survey |
|        | type | name | label |
|        | note |      | Hi    |
"))
    .unwrap();
    assert_eq!(f.items[0].name, "generated_note_name_2");
}

#[test]
fn duplicate_names_are_per_scope() {
    // Siblings: an error. Same name in two groups, or a group and its child: allowed.
    let e = one_error(
        "
| survey |
|        | type        | name | label |
|        | begin_group | g    | G     |
|        | text        | a    | A     |
|        | text        | a    | A     |
|        | end_group   |      |       |
",
    );
    assert_eq!(at(&e), ("survey", Some(4), Some("name"), "duplicate-name"));
    let ok = "
| survey |
|        | type        | name | label |
|        | begin_group | g    | G     |
|        | text        | a    | A     |
|        | text        | g    | A     |
|        | end_group   |      |       |
|        | begin_group | h    | H     |
|        | text        | a    | A     |
|        | end_group   |      |       |
|        | text        | A    | A     |
";
    assert!(parse(&md(ok)).is_ok());
    assert!(warnings(ok).is_empty(), "a and A are in different scopes");
    // ...but a reference to a name used twice is ambiguous.
    let e = one_error(&format!("{ok}\n|        | text | r | ${{a}} |"));
    assert_eq!(at(&e), ("survey", Some(10), Some("label"), "ambiguous-reference"));
    // Case-only clash among siblings: a warning.
    let w = warnings(
        "
| survey |
|        | type | name | label |
|        | text | a    | A     |
|        | text | A    | A     |
",
    );
    assert_eq!(w.iter().map(at).collect::<Vec<_>>(), [("survey", Some(3), Some("name"), "name-case-clash")]);
}

#[test]
fn repeat_names() {
    let e = one_error(
        "
| survey |
|        | type         | name | label |
|        | begin_group  | g    | G     |
|        | begin_repeat | r    | R     |
|        | text         | a    | A     |
|        | end_repeat   |      |       |
|        | end_group    |      |       |
|        | begin_repeat | r    | R     |
|        | text         | b    | B     |
|        | end_repeat   |      |       |
",
    );
    assert_eq!(at(&e), ("survey", Some(7), Some("name"), "duplicate-repeat-name"));
    let e = one_error(
        "
| survey |
|        | type         | name | label |
|        | begin_repeat | data | R     |
|        | text         | a    | A     |
|        | end_repeat   |      |       |
",
    );
    assert_eq!(at(&e), ("survey", Some(2), Some("name"), "repeat-named-like-form"));
    let w = warnings(
        "
| survey |
|        | type         | name | label |
|        | begin_repeat | r    |       |
|        | text         | a    | A     |
|        | end_repeat   |      |       |
",
    );
    assert_eq!(w.iter().map(at).collect::<Vec<_>>(), [("survey", Some(2), Some("label"), "repeat-without-label")]);
}

#[test]
fn unmatched_begin_and_end() {
    let e = errors(
        "
| survey |
|        | type         | name | label |
|        | begin_group  | g    | G     |
|        | text         | a    | A     |
|        | end_repeat   |      |       |
|        | end_group    |      |       |
|        | begin_repeat | r    | R     |
|        | text         | b    | B     |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(4), Some("type"), "unmatched-end"),
            ("survey", Some(5), Some("type"), "unmatched-end"),
            ("survey", Some(6), Some("type"), "unmatched-begin"),
        ]
    );
    assert_eq!(e[2].kind, FormErrorKind::UnmatchedBegin { control: "repeat".into(), name: "r".into() });
    // An empty group is fine.
    assert!(
        parse(&md("
| survey |
|        | type        | name | label |
|        | begin_group | g    | G     |
|        | end_group   |      |       |
|        | text        | a    | A     |
"))
        .is_ok()
    );
}

#[test]
fn choice_lists() {
    let e = errors(
        "
| survey |
|        | type                 | name | label |
|        | select_one nope      | a    | A     |
|        | select_multiple l    | b    | B     |
| choices |
|         | list_name | name  | label |
|         | l         | x     | X     |
|         | l         | x     | X2    |
|         | l         |       | Y     |
|         | l         | y z   | YZ    |
|         | m         | w     |       |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("choices", Some(3), Some("name"), "duplicate-choice"),
            ("choices", Some(4), Some("name"), "missing-choice-name"),
            ("survey", Some(2), Some("type"), "unknown-list"),
            ("survey", Some(3), Some("type"), "choice-name-with-space"),
        ]
    );
    let w = warnings(
        "
| survey |
|        | type         | name | label |
|        | select_one m | a    | A     |
| choices |
|         | list_name | name  | label |
|         | m         | w     |       |
",
    );
    assert_eq!(w.iter().map(at).collect::<Vec<_>>(), [("choices", Some(2), Some("label"), "missing-choice-label")]);
    // Duplicates are allowed by the setting.
    assert!(
        parse(&md("
| survey |
|        | type         | name | label |
|        | select_one m | a    | A     |
| choices |
|         | list_name | name  | label |
|         | m         | w     | W     |
|         | m         | w     | W     |
| settings |
|          | allow_choice_duplicates |
|          | yes                     |
"))
        .is_ok()
    );
    // No choices sheet at all.
    let e = one_error(
        "
| survey |
|        | type         | name | label |
|        | select_one m | a    | A     |
",
    );
    assert_eq!(at(&e), ("survey", Some(2), Some("type"), "no-choices-sheet"));
}

#[test]
fn labels_and_calculations() {
    let e = errors(
        "
| survey |
|        | type        | name | label | hint | calculation |
|        | text        | a    |       |      |             |
|        | text        | b    |       | h    |             |
|        | integer     | c    |       |      | 1 + 1       |
|        | note        | d    |       |      |             |
|        | calculate   | e    |       |      |             |
|        | calculate   | f    |       |      | 2           |
|        | hidden      | g    |       |      |             |
|        | start       | h    |       |      |             |
|        | acknowledge | i    |       |      |             |
|        | begin_group | j    |       |      |             |
|        | end_group   |      |       |      |             |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(2), Some("label"), "missing-label"),
            ("survey", Some(5), Some("label"), "missing-label"),
            ("survey", Some(6), Some("calculation"), "missing-calculation"),
            ("survey", Some(10), Some("label"), "missing-label"),
        ]
    );
    assert_eq!(e[0].to_string(), "[row : 2] The survey element named 'a' has no label or hint.");
}

#[test]
fn or_other() {
    let e = one_error(
        "
| survey |
|        | type                    | name | label | choice_filter |
|        | select_one l or_other   | a    | A     | x = 1         |
| choices |
|         | list_name | name | label |
|         | l         | x    | X     |
",
    );
    assert_eq!(at(&e), ("survey", Some(2), Some("choice_filter"), "or-other-with-choice-filter"));
    // The generated question clashes with a sibling of the same name.
    let e = one_error(
        "
| survey |
|        | type                  | name    | label |
|        | select_one l or_other | a       | A     |
|        | text                  | a_other | B     |
| choices |
|         | list_name | name | label |
|         | l         | x    | X     |
",
    );
    assert_eq!(at(&e), ("survey", Some(3), Some("name"), "duplicate-name"));
    // Like pyxform, `${a_other}` is not a reference to a row of the sheet.
    let e = one_error(
        "
| survey |
|        | type                  | name | label | relevant          |
|        | select_one l or_other | a    | A     |                   |
|        | text                  | b    | B     | ${a_other} != ''  |
| choices |
|         | list_name | name | label |
|         | l         | x    | X     |
",
    );
    assert_eq!(at(&e), ("survey", Some(3), Some("relevant"), "unknown-reference"));
}

#[test]
fn references() {
    let e = errors(
        "
| survey |
|        | type | name | label          | relevant | constraint_message |
|        | text | a    | A ${b}         |          |                    |
|        | text | b    | B              | ${zz}    |                    |
|        | text | c    | C              | ${a      |                    |
|        | text | d    | D ${last-saved#a} |       | no ${ a }          |
| choices |
|         | list_name | name | label    | filtro  |
|         | l         | x    | X ${qq}  | ${ignored} |
| settings |
|          | instance_name |
|          | ${nope}       |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(4), Some("relevant"), "bad-reference"),
            ("survey", Some(5), Some("constraint_message"), "bad-reference"),
            ("settings", Some(2), Some("instance_name"), "unknown-reference"),
            ("choices", Some(2), Some("label"), "unknown-reference"),
            ("survey", Some(3), Some("relevant"), "unknown-reference"),
        ]
    );
    assert_eq!(e[4].kind, FormErrorKind::UnknownReference { name: "zz".into() });
    assert!(e[4].to_string().starts_with("[row : 3] On the 'survey' sheet, the 'relevant' value is invalid."));
    // Rows that are skipped (comments, disabled) are still checked, and their names don't count.
    let e = errors(
        "
| survey |
|        | type | name | label  | hint  | disabled |
|        | text | b    | B      |       | yes      |
|        | text | a    | ${b}   |       |          |
|        |      |      |        | ${zz} |          |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(3), Some("label"), "unknown-reference"),
            ("survey", Some(4), Some("hint"), "unknown-reference")
        ]
    );
    // ${instanceID} exists unless the settings omit it.
    assert!(
        parse(&md("
| survey |
|        | type      | name | calculation    |
|        | calculate | c    | ${instanceID}  |
"))
        .is_ok()
    );
}

#[test]
fn expressions_go_through_check_expression() {
    let e = errors(
        "
| survey |
|        | type | name | label | relevant      | constraint | required      |
|        | text | a    | A     | (${a} = 'x'   |            |               |
|        | text | b    | B     |               | . > 1)     | yes           |
|        | text | c    | C     |               |            | ${a} = 'x     |
",
    );
    let got: Vec<_> = e.iter().map(at).collect();
    assert_eq!(
        got,
        [
            ("survey", Some(2), Some("relevant"), "invalid-expression"),
            ("survey", Some(3), Some("constraint"), "invalid-expression"),
            ("survey", Some(4), Some("required"), "invalid-expression"),
        ]
    );
    assert!(e.iter().all(|e| e.kind.argine_only()));
    // Typographic quotes count as quotes, as pyxform reads them.
    assert!(
        parse(&md("
| survey |
|        | type | name | label | relevant        |
|        | text | a    | A     | ${a} = \u{2018}x\u{2019} |
"))
        .is_ok()
    );
}

#[test]
fn size_limits() {
    let mut survey = vec![vec!["type".to_owned(), "name".to_owned(), "label".to_owned()]];
    for i in 0..=MAX_SURVEY_ROWS {
        survey.push(vec!["text".into(), format!("q{i}"), "Q".into()]);
    }
    let e = parse(&[("survey".to_owned(), survey)]).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(at(&e[0]), ("survey", None, None, "too-many-rows"));
    let mut choices = vec![vec!["list_name".to_owned(), "name".to_owned(), "label".to_owned()]];
    choices.extend((0..=MAX_CHOICE_ROWS).map(|i| vec!["l".into(), format!("c{i}"), "C".into()]));
    let survey = vec![vec!["type".into(), "name".into(), "label".into()], vec!["text".into(), "a".into(), "A".into()]];
    let e = parse(&[("survey".to_owned(), survey), ("choices".to_owned(), choices)]).unwrap_err();
    assert_eq!(at(&e[0]), ("choices", None, None, "too-many-rows"));
}

#[test]
fn rows_after_sixty_blank_ones_are_not_read() {
    let mut survey = vec![vec!["type".to_owned(), "name".to_owned(), "label".to_owned()]];
    survey.push(vec!["text".into(), "a".into(), "A".into()]);
    survey.extend((0..61).map(|_| Vec::new()));
    survey.push(vec!["foo".into(), "b".into(), "B".into()]);
    assert!(parse(&[("survey".to_owned(), survey.clone())]).is_ok(), "pyxform stops reading too");
    survey.remove(2);
    assert!(parse(&[("survey".to_owned(), survey)]).is_err(), "60 blank rows are still read past");
}

#[test]
fn codes_are_unique_and_messages_have_rows() {
    use FormErrorKind as K;
    let kinds = [
        K::Unreadable { message: String::new() },
        K::MissingSheet { sheet: String::new() },
        K::MissingColumn { column: String::new() },
        K::DuplicateColumn { column: String::new() },
        K::TooManyRows { rows: 0, max: 0 },
        K::MissingType,
        K::UnknownType { value: String::new() },
        K::MissingName,
        K::InvalidName { name: String::new() },
        K::DuplicateName { name: String::new() },
        K::ReservedName { name: String::new() },
        K::DuplicateRepeatName { name: String::new() },
        K::RepeatNamedLikeForm { name: String::new() },
        K::UnmatchedEnd { control: String::new() },
        K::UnmatchedBegin { control: String::new(), name: String::new() },
        K::UnknownList { list: String::new() },
        K::NoChoicesSheet { sheet: String::new(), list: String::new() },
        K::DuplicateChoice { list: String::new(), name: String::new() },
        K::MissingChoiceName { list: String::new() },
        K::ChoiceNameWithSpace { list: String::new(), name: String::new() },
        K::MissingLabel { name: String::new() },
        K::MissingCalculation { name: String::new() },
        K::OrOtherWithChoiceFilter { name: String::new() },
        K::BadReference,
        K::UnknownReference { name: String::new() },
        K::AmbiguousReference { name: String::new() },
        K::InvalidExpression { message: String::new() },
        K::MissingChoiceLabel { list: String::new(), name: String::new() },
        K::UnsupportedType { value: String::new() },
        K::NameCaseClash { name: String::new() },
        K::RepeatWithoutLabel { name: String::new() },
    ];
    let mut codes: Vec<&str> = kinds.iter().map(FormErrorKind::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), kinds.len());
    for k in kinds {
        let e = FormError { sheet: "survey".into(), row: Some(7), column: Some("x".into()), kind: k };
        assert!(e.to_string().starts_with("[row : 7] "), "{e}");
    }
}

#[test]
fn unreadable_file() {
    let e = parse_xlsx(b"PK\x03\x04 not a zip").unwrap_err();
    assert_eq!(at(&e[0]), ("workbook", None, None, "unreadable"));
}
