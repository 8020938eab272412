//! Tests of the form engine: small forms built from tables, and the real `incas_2021` questionnaire.

use super::*;
use crate::census::xlsform;
use proptest::prelude::*;
use time::macros::date;

const TODAY: Date = date!(2024 - 03 - 15);
const IT: &str = "Italiano (it)";

/// Sheets from a pyxform-style markdown table (as in `xlsform/tests.rs`): a row whose first
/// cell is non-empty starts a sheet; the other rows are that sheet's rows, header first.
fn md(src: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in src.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let cells: Vec<String> = line.trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect();
        if !cells[0].is_empty() {
            out.push((cells[0].clone(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(cells[1..].to_vec());
        }
    }
    out
}

fn form(src: &str) -> Form {
    match xlsform::parse(&md(src)) {
        Ok(f) => f,
        Err(e) => panic!("{e:#?}"),
    }
}

fn incas() -> Form {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/census/incas_2021.xlsx")).unwrap();
    xlsform::parse_xlsx(&bytes).unwrap()
}

fn kinds(issues: &[Issue]) -> Vec<(String, IssueKind)> {
    issues.iter().map(|i| (i.path.to_string(), i.kind)).collect()
}

fn post(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Finds the view of `name` (depth first).
fn find<'a>(items: &'a [ItemView], path: &str) -> Option<&'a ItemView> {
    for item in items {
        if item.path.to_string() == path {
            return Some(item);
        }
        if let Some(found) = find(&item.children, path) {
            return Some(found);
        }
        for instance in &item.instances {
            if let Some(found) = find(&instance.items, path) {
                return Some(found);
            }
        }
    }
    None
}

// ----- field paths -----

#[test]
fn field_paths_print_and_parse() {
    let p = FieldPath::new(&[("insediamenti", 2), ("sub", 0)], "E3");
    assert_eq!(p.to_string(), "insediamenti[2]/sub[0]/E3");
    assert_eq!("insediamenti[2]/sub[0]/E3".parse::<FieldPath>(), Ok(p));
    assert_eq!("A1".parse::<FieldPath>(), Ok(FieldPath::top("A1")));
    assert_eq!(FieldPath::top("insediamenti").count_field(), "insediamenti#count");
    for bad in
        ["", "a/", "/a", "a[1]", "r[01]/a", "r[+1]/a", "r[]/a", "r[1]x/a", "r/a", "a#count", "r[1]/a b", "r[-1]/a"]
    {
        assert!(bad.parse::<FieldPath>().is_err(), "{bad}");
    }
}

// ----- small forms -----

const SMALL: &str = "
| survey |
|        | type                 | name  | label::Italiano (it) | label::English (en) | required | required_message::Italiano (it) | relevant       | constraint          | constraint_message::Italiano (it) | constraint_message::English (en) | calculation     | default      |
|        | begin_group          | g1    | G1                   | G1                  |          |                    |                |                     |                      |                      |                 |              |
|        | select_one yn        | q1    | Q1                   | Q1                  | yes      | Serve Q1           |                |                     |                      |                      |                 |              |
|        | integer              | q2    | Quanti? ${q1}        | How many?           | ${q1} = 'y' |                 |                | . >= 0 and . < 100  | Tra 0 e 99 (${q1})   | 0 to 99              |                 |              |
|        | text                 | q3    | Q3                   | Q3                  | TRUE     |                    | ${q1} = 'y'    |                     |                      |                      |                 |              |
|        | decimal              | q4    | Q4                   | Q4                  |          |                    |                | . > 0               |                      |                      |                 |              |
|        | date                 | q5    | Q5                   | Q5                  |          |                    |                |                     |                      |                      |                 | 2020-01-01   |
|        | geopoint             | q6    | Q6                   | Q6                  |          |                    |                |                     |                      |                      |                 |              |
|        | select_multiple col  | q7    | Q7                   | Q7                  |          |                    |                |                     |                      |                      |                 |              |
|        | acknowledge          | q8    | Q8                   | Q8                  |          |                    |                |                     |                      |                      |                 |              |
|        | text                 | q9    | Q9                   | Q9                  |          |                    |                |                     |                      |                      | concat('x', ${q1}) |           |
|        | end_group            |       |                      |                     |          |                    |                |                     |                      |                      |                 |              |
|        | begin_group          | g2    | G2                   | G2                  |          |                    | ${q1} = 'y'    |                     |                      |                      |                 |              |
|        | text                 | r1    | R1                   | R1                  | yes      |                    |                |                     |                      |                      |                 | today()      |
|        | begin_group          | g3    | G3                   | G3                  |          |                    |                |                     |                      |                      |                 |              |
|        | text                 | r2    | R2                   | R2                  | yes      |                    |                |                     |                      |                      |                 |              |
|        | end_group            |       |                      |                     |          |                    |                |                     |                      |                      |                 |              |
|        | end_group            |       |                      |                     |          |                    |                |                     |                      |                      |                 |              |
|        | calculate            | c1    |                      |                     |          |                    |                |                     |                      |                      | ${c2} * 2       |              |
|        | calculate            | c2    |                      |                     |          |                    |                |                     |                      |                      | ${q2} + 1       |              |
|        | text                 | solo  | Solo                 | Alone               |          |                    |                |                     |                      |                      |                 |              |
| choices |
|         | list_name | name | label::Italiano (it) | label::English (en) |
|         | yn        | y    | Sì                   | Yes                 |
|         | yn        | n    | No                   | No                  |
|         | col       | red  | Rosso                | Red                 |
|         | col       | blue | Blu                  | Blue                |
| settings |
|          | default_language |
|          | Italiano (it)    |
";

#[test]
fn required_relevance_and_ancestors() {
    let f = form(SMALL);
    let e = Engine::new(&f).unwrap();
    let empty = Answers::new();
    // q1 required; q2 required only when q1 = y; q3 and the whole of g2 not relevant.
    let issues = e.validate(&empty, IT, TODAY);
    assert_eq!(kinds(&issues), [("q1".to_owned(), IssueKind::Required)]);
    assert_eq!(issues[0].message, "Serve Q1");
    assert_eq!(e.validate(&empty, "English (en)", TODAY)[0].message, "", "no English message: the UI's own");

    let yes = Answers::new().with("q1", "y");
    let issues = e.validate(&yes, IT, TODAY);
    assert_eq!(
        kinds(&issues),
        [
            ("q2".to_owned(), IssueKind::Required),
            ("q3".to_owned(), IssueKind::Required),
            ("r1".to_owned(), IssueKind::Required),
            ("r2".to_owned(), IssueKind::Required),
        ],
        "a nested group inherits the relevance of its parent"
    );
    let no = Answers::new().with("q1", "n").with("r2", "stray");
    assert!(e.validate(&no, IT, TODAY).is_empty());
    let page = e.page(&no, 1, IT, TODAY, true).unwrap();
    let r2 = find(&page.items, "r2").unwrap();
    assert!(!r2.visible && r2.errors.is_empty(), "{r2:?}");
    assert_eq!(e.prune(&no, TODAY), Answers::new().with("q1", "n"));
}

#[test]
fn types_constraints_and_messages() {
    let f = form(SMALL);
    let e = Engine::new(&f).unwrap();
    let base = Answers::new().with("q1", "n");
    let check = |name: &str, value: &str| -> Option<IssueKind> {
        e.validate(&base.clone().with(name, value), IT, TODAY).first().map(|i| i.kind)
    };
    use IssueKind::*;
    assert_eq!(check("q2", "5"), None);
    assert_eq!(check("q2", "-1"), Some(Constraint));
    assert_eq!(check("q2", "100"), Some(Constraint));
    assert_eq!(check("q2", "1.5"), Some(InvalidInteger));
    assert_eq!(check("q2", "abc"), Some(InvalidInteger));
    assert_eq!(check("q2", "99999999999"), Some(InvalidInteger));
    assert_eq!(check("q4", "2.5"), None);
    assert_eq!(check("q4", ".5"), None);
    assert_eq!(check("q4", "0"), Some(Constraint));
    assert_eq!(check("q4", "1,5"), Some(InvalidDecimal));
    assert_eq!(check("q4", "1e3"), Some(InvalidDecimal));
    assert_eq!(check("q5", "2024-02-29"), None);
    assert_eq!(check("q5", "2023-02-29"), Some(InvalidDate));
    assert_eq!(check("q5", "15/03/2024"), Some(InvalidDate));
    assert_eq!(check("q6", "41.9 12.5"), None);
    assert_eq!(check("q6", "41.9 12.5 20 5"), None);
    assert_eq!(check("q6", "91 12.5"), Some(InvalidGeopoint));
    assert_eq!(check("q6", "41.9 -181"), Some(InvalidGeopoint));
    assert_eq!(check("q6", "41.9 12.5 20 -5"), Some(InvalidGeopoint));
    assert_eq!(check("q6", "41.9"), Some(InvalidGeopoint));
    assert_eq!(check("q7", "red blue"), None);
    assert_eq!(check("q7", "red green"), Some(UnknownChoice));
    assert_eq!(check("q1", "maybe"), Some(UnknownChoice));
    assert_eq!(check("solo", &"x".repeat(MAX_TEXT_LEN)), None);
    assert_eq!(check("solo", &"é".repeat(MAX_TEXT_LEN + 1)), Some(TooLong));
    // The message is in the language asked for, with ${…} replaced.
    let bad = Answers::new().with("q1", "y").with("q2", "-1").with("q3", "x").with("r1", "a").with("r2", "b");
    let issues = e.validate(&bad, IT, TODAY);
    assert_eq!(kinds(&issues), [("q2".to_owned(), Constraint)]);
    assert_eq!(issues[0].message, "Tra 0 e 99 (y)");
    assert_eq!(e.validate(&bad, "en", TODAY)[0].message, "0 to 99", "a language code finds the language");
}

#[test]
fn calculations_converge_and_defaults_apply_once() {
    let f = form(SMALL);
    let e = Engine::new(&f).unwrap();
    let a = e.compute(&Answers::new().with("q1", "y").with("q2", "4"), TODAY);
    // c1 depends on c2, which comes after it: a second pass is needed.
    assert_eq!(a.value("c2"), "5");
    assert_eq!(a.value("c1"), "10");
    assert_eq!(a.value("q9"), "xy", "a question with a calculation");
    assert_eq!(e.compute(&a, TODAY), a);
    // A calculated question is read only: apply_post does not touch it, validate ignores it.
    let page = e.page(&a, 0, IT, TODAY, true).unwrap();
    assert!(find(&page.items, "q9").unwrap().read_only);

    let initial = e.initial(TODAY);
    assert_eq!(initial.value("q5"), "2020-01-01");
    assert_eq!(initial.value("r1"), "2024-03-15", "a dynamic default");
    let mut cleared = initial.clone();
    cleared.set("q5", "");
    assert_eq!(e.compute(&cleared, TODAY).value("q5"), "", "a cleared default does not come back");
}

#[test]
fn calculation_cycles_stop() {
    let f = form(
        "
| survey |
|        | type      | name | calculation |
|        | calculate | a    | ${b} + 1    |
|        | calculate | b    | ${a} + 1    |
|        | calculate | n    | 1           |
",
    );
    let e = Engine::new(&f).unwrap();
    let a = e.compute(&Answers::new(), TODAY);
    assert_eq!(a.value("n"), "1");
    assert_eq!(a.value("a"), "NaN");
}

#[test]
fn labels_pages_and_choices() {
    let f = form(SMALL);
    let e = Engine::new(&f).unwrap();
    assert_eq!(e.page_count(), 3);
    let a = Answers::new().with("q1", "y").with("q7", "blue");
    let page = e.page(&a, 0, "English (en)", TODAY, false).unwrap();
    let q2 = find(&page.items, "q2").unwrap();
    assert!(q2.required && q2.visible && !q2.read_only);
    assert_eq!(q2.label.as_deref(), Some("How many?"));
    let it = e.page(&a, 0, "it", TODAY, false).unwrap();
    assert_eq!(find(&it.items, "q2").unwrap().label.as_deref(), Some("Quanti? y"));
    let q7 = find(&page.items, "q7").unwrap();
    let choices: Vec<(&str, &str, bool)> =
        q7.choices.iter().map(|c| (c.name.as_str(), c.label.as_str(), c.selected)).collect();
    assert_eq!(choices, [("red", "Red", false), ("blue", "Blue", true)]);
    assert!(find(&page.items, "c1").is_none(), "calculates are not in the view");
    let solo = e.page(&a, 2, IT, TODAY, false).unwrap();
    assert_eq!(solo.items[0].path, FieldPath::top("solo"), "a top-level question is a page");
    assert!(e.page(&a, 3, IT, TODAY, false).is_none());
    assert_eq!(e.page_of(&FieldPath::top("r2")), Some(1));
    assert_eq!(e.page_of(&FieldPath::top("c1")), None);
}

#[test]
fn unparsable_or_unknown_expressions_are_refused() {
    let mut f = form(SMALL);
    f.items[0].children[2].relevant = Some("${q1} = ".into());
    let err = Engine::new(&f).unwrap_err();
    assert_eq!((err.item.as_str(), err.column, err.row), ("q3", "relevant", f.items[0].children[2].row));
    assert!(matches!(err.problem, ExprProblem::Parse(_)), "{err}");

    let mut f = form(SMALL);
    f.items[0].children[1].constraint = Some("${nope} > 1".into());
    assert_eq!(Engine::new(&f).unwrap_err().problem, ExprProblem::UnknownName("nope".into()));
    let mut f = form(SMALL);
    f.items[0].children[1].constraint = Some("regex(., '(a')".into());
    assert!(matches!(Engine::new(&f).unwrap_err().problem, ExprProblem::Eval(_)));
    let mut f = form(SMALL);
    f.items[0].children[1].calculation = Some("region".into());
    assert_eq!(Engine::new(&f).unwrap_err().problem, ExprProblem::Column("region".into()));
}

const REPEATS: &str = "
| survey |
|        | type               | name   | label  | relevant        | constraint | calculation                 | repeat_count | choice_filter     | default |
|        | integer            | n      | N      |                 |            |                             |              |                   |         |
|        | select_one reg     | reg    | Reg    |                 |            |                             |              |                   |         |
|        | begin_repeat       | fam    | Fam    |                 |            |                             | ${n}         |                   |         |
|        | text               | who    | Who    |                 |            |                             |              |                   | anon    |
|        | integer            | age    | Age    |                 | . < 120    |                             |              |                   |         |
|        | calculate          | pos    |        |                 |            | position(..)                |              |                   |         |
|        | calculate          | older  |        |                 |            | ${age} > ${min_age}         |              |                   |         |
|        | select_one city    | city   | City   |                 |            |                             |              | reg = ${reg}      |         |
|        | begin_repeat       | kids   | Kids   | ${age} > 18     |            |                             |              |                   |         |
|        | text               | kname  | Kid    |                 |            |                             |              |                   |         |
|        | calculate          | kpath  |        |                 |            | concat(${who}, '/', position(..), '/', count(${kids})) | | |       |
|        | end_repeat         |        |        |                 |            |                             |              |                   |         |
|        | end_repeat         |        |        |                 |            |                             |              |                   |         |
|        | integer            | min_age | Min   |                 |            |                             |              |                   |         |
|        | calculate          | total  |        |                 |            | sum(${age})                 |              |                   |         |
|        | calculate          | names  |        |                 |            | join(',', ${who})           |              |                   |         |
|        | calculate          | nkids  |        |                 |            | count(${kname})             |              |                   |         |
|        | begin_repeat       | free   | Free   |                 |            |                             |              |                   |         |
|        | text               | note1  | Note   |                 |            |                             |              |                   |         |
|        | acknowledge        | ok     | OK?    |                 |            |                             |              |                   |         |
|        | end_repeat         |        |        |                 |            |                             |              |                   |         |
| choices |
|         | list_name | name | label | reg |
|         | reg       | n    | North |     |
|         | reg       | s    | South |     |
|         | city      | mi   | Milan | n   |
|         | city      | to   | Turin | n   |
|         | city      | na   | Naples | s  |
";

#[test]
fn repeat_count_resolution_and_positions() {
    let f = form(REPEATS);
    let e = Engine::new(&f).unwrap();
    let a = Answers::new().with("n", "2").with("min_age", "30").with("reg", "n").with_repeat(
        "fam",
        vec![
            Answers::new()
                .with("who", "ann")
                .with("age", "40")
                .with_repeat("kids", vec![Answers::new().with("kname", "k1"), Answers::new().with("kname", "k2")]),
        ],
    );
    let c = e.compute(&a, TODAY);
    let fam = c.repeat("fam");
    assert_eq!(fam.len(), 2, "repeat_count adds an instance");
    assert_eq!(fam[0].value("who"), "ann", "existing answers are kept");
    assert_eq!(fam[1].value("who"), "anon", "a new instance gets its defaults");
    assert_eq!((fam[0].value("pos"), fam[1].value("pos")), ("1", "2"));
    assert_eq!((fam[0].value("older"), fam[1].value("older")), ("true", "false"), "same instance, then top level");
    assert_eq!(fam[0].repeat("kids")[1].value("kpath"), "ann/2/2", "enclosing instance and innermost position");
    assert_eq!(c.value("total"), "40");
    assert_eq!(c.value("names"), "ann,anon");
    assert_eq!(c.value("nkids"), "2");
    assert_eq!(e.compute(&c, TODAY), c);

    // Fewer: the last instances go.
    let one = e.compute(&c.clone().with("n", "1"), TODAY);
    assert_eq!(one.repeat("fam").len(), 1);
    assert_eq!(one.repeat("fam")[0].value("who"), "ann");
    assert_eq!(one.value("names"), "ann");
    // The page shows exactly n instances even before compute.
    let page = e.page(&a.clone().with("n", "3"), 2, "default", TODAY, false).unwrap();
    let fam_view = &page.items[0];
    assert!(fam_view.fixed_count);
    assert_eq!(fam_view.instances.iter().map(|i| i.position).collect::<Vec<_>>(), [1, 2, 3]);
    // The kids of ann are relevant (age 40), those of a new instance are not.
    let kids = find(&fam_view.instances[0].items, "fam[0]/kids").map(|k| k.instances.len());
    assert_eq!(kids, Some(2));
    assert!(find(&page.items, "fam[0]/kids[1]/kname").is_some_and(|k| k.visible && k.value == "k2"));
    // choice_filter on a column of the choices sheet.
    let city = find(&page.items, "fam[0]/city").unwrap();
    assert_eq!(city.choices.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["mi", "to"]);
    let wrong_city = c.clone();
    let mut wrong_city = wrong_city;
    if let Some(Answer::Repeat(fam)) = wrong_city.0.get_mut("fam") {
        fam[0].set("city", "na");
    }
    assert_eq!(
        kinds(&e.validate(&wrong_city, "default", TODAY)),
        [("fam[0]/city".to_owned(), IssueKind::UnknownChoice)]
    );
}

#[test]
fn prune_drops_non_relevant_instances_and_unknown_names_to_a_fixed_point() {
    let f = form(REPEATS);
    let e = Engine::new(&f).unwrap();
    let a = Answers::new()
        .with("n", "1")
        .with("zzz", "unknown")
        .with_repeat("n2", vec![])
        .with_repeat(
            "fam",
            vec![
                Answers::new()
                    .with("age", "10")
                    .with("bogus", "x")
                    .with_repeat("kids", vec![Answers::new().with("kname", "k")]),
            ],
        )
        .with_repeat("min_age", vec![Answers::new()]);
    let p = e.prune(&a, TODAY);
    assert_eq!(p, Answers::new().with("n", "1").with_repeat("fam", vec![Answers::new().with("age", "10")]));
    assert_eq!(e.prune(&p, TODAY), p);
}

#[test]
fn apply_post_merges_one_page() {
    let f = form(REPEATS);
    let e = Engine::new(&f).unwrap();
    let a = Answers::new().with("n", "1").with_repeat(
        "free",
        vec![Answers::new().with("note1", "a"), Answers::new().with("note1", "b").with("ok", "OK")],
    );
    // The `free` repeat is page 3 (n, reg, fam, min_age, free).
    assert_eq!(e.page_count(), 5);
    let page = 4;
    let fields = post(&[
        ("free[0]/note1", "  first\r\nline  "),
        ("free[0]/ok", "on"),
        ("free#count", "3"),
        ("free[2]/note1", "third"),
        ("free[7]/note1", "ignored"),
        ("n", "9"),
        ("nope", "x"),
    ]);
    let b = e.apply_post(&a, &fields, page, TODAY);
    let free = b.repeat("free");
    assert_eq!(free.len(), 3);
    assert_eq!(free[0].value("note1"), "first\nline");
    assert_eq!(free[0].value("ok"), "OK");
    assert_eq!(free[1], Answers::new(), "absent keys clear the shown questions");
    assert_eq!(free[2].value("note1"), "third");
    assert_eq!(b.value("n"), "1", "another page's question is not touched");
    assert!(!b.0.contains_key("nope"));
    // Fewer instances.
    let c = e.apply_post(&b, &post(&[("free#count", "1"), ("free[0]/note1", "x")]), page, TODAY);
    assert_eq!(c.repeat("free").len(), 1);
    // A repeat_count repeat follows its count after the merge (the count is on page 0).
    let d = e.apply_post(&Answers::new(), &post(&[("n", "2")]), 0, TODAY);
    assert_eq!(d.value("n"), "2");
    let d = e.apply_post(&d, &post(&[("fam[0]/who", "x"), ("fam[1]/age", "7")]), 2, TODAY);
    assert_eq!(d.repeat("fam").len(), 2);
    assert_eq!(d.repeat("fam")[0].value("who"), "x");
    assert_eq!(d.repeat("fam")[1].value("age"), "7");
    // Decimal commas, too-long text kept whole.
    let long = "x".repeat(MAX_TEXT_LEN + 5);
    let g = e.apply_post(&Answers::new(), &post(&[("free#count", "1"), ("free[0]/note1", &long)]), page, TODAY);
    assert_eq!(g.repeat("free")[0].value("note1").len(), MAX_TEXT_LEN + 5);
    assert_eq!(kinds(&e.validate(&g, "default", TODAY)), [("free[0]/note1".to_owned(), IssueKind::TooLong)]);
    assert_eq!(normalize(&Kind::Decimal, &["1,5"]), "1.5");
    assert_eq!(normalize(&Kind::Decimal, &["1,5,6"]), "1,5,6");
    assert_eq!(normalize(&Kind::SelectMultiple { list: "l".into(), or_other: false }, &["a", "b a", "c"]), "a b c");
}

#[test]
fn remove_instance_moves_the_later_ones_up() {
    let f = form(REPEATS);
    let e = Engine::new(&f).unwrap();
    let free = |n: &str| Answers::new().with("note1", n);
    let a = Answers::new().with("n", "1").with_repeat("free", vec![free("a"), free("b"), free("c")]);
    let b = e.remove_instance(&a, &FieldPath::top("free"), 1);
    assert_eq!(b.repeat("free"), [free("a"), free("c")]);
    assert_eq!(e.remove_instance(&b, &FieldPath::top("free"), 5), b);
    let c = e.compute(&a, TODAY);
    assert_eq!(e.remove_instance(&c, &FieldPath::top("fam"), 0), c, "repeat_count decides");
    let kids = FieldPath::new(&[("fam", 0)], "kids");
    let d = Answers::new()
        .with_repeat("fam", vec![Answers::new().with_repeat("kids", vec![Answers::new(), Answers::new()])]);
    assert_eq!(e.remove_instance(&d, &kids, 0).repeat("fam")[0].repeat("kids").len(), 1);
}

// ----- the real questionnaire -----

/// Section A complete and valid.
fn section_a() -> Answers {
    Answers::new()
        .with("A1", "Roma")
        .with("A1a", "H501")
        .with("A2", "Maria Rossi")
        .with("A3", "1")
        .with("A4_tel", "+39 06 1234567")
        .with("A4_email", "m.rossi@comune.roma.it")
}

#[test]
fn incas_b1_no_closes_sections_c_to_f() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    let a = section_a().with("B1", "2");
    assert_eq!(e.validate(&a, IT, TODAY), []);
    let stray = a
        .clone()
        .with("C1", "strutture informali")
        .with("F1", "1")
        .with("F2", "x")
        .with("B3a", "4")
        .with_repeat("strutture", vec![Answers::new().with("D1", "sai").with("D3", "3")])
        .with_repeat("insediamenti", vec![Answers::new().with("E1", "X").with("E3", "-5")]);
    assert_eq!(e.validate(&stray, IT, TODAY), [], "non-relevant answers are not checked");
    // C1 goes with sez_c; then the repeats, whose relevance came from C1, go too.
    assert_eq!(e.prune(&stray, TODAY), a);
    let done = e.finalize(&stray, TODAY);
    assert_eq!(done.value("n_strutture"), "0");
    assert_eq!(done.value("tot_persone_insediamenti"), "0");
    for page in ["sez_c", "strutture", "insediamenti", "sez_f"] {
        let index = f.pages().iter().position(|p| p.item().name == page).unwrap();
        assert!(!e.page(&stray, index, IT, TODAY, true).unwrap().items[0].visible, "{page}");
    }
}

#[test]
fn incas_regex_constraint_has_the_italian_message() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    let a = section_a().with("A1a", "h501").with("B1", "2");
    let issues = e.validate(&a, IT, TODAY);
    assert_eq!(kinds(&issues), [("A1a".to_owned(), IssueKind::Constraint)]);
    let expected = f.item("A1a").unwrap().constraint_message.get(IT).unwrap();
    assert_eq!(&issues[0].message, expected);
    assert!(issues[0].message.starts_with("Il codice catastale"), "{}", issues[0].message);
    let page = e.page(&a, 0, "it", TODAY, true).unwrap();
    assert_eq!(find(&page.items, "A1a").unwrap().errors, issues);
}

#[test]
fn incas_settlements_and_totals() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    let settlement =
        |name: &str, people: &str| Answers::new().with("E1", name).with("E2", "baracche").with("E3", people);
    let a = section_a()
        .with("B1", "1")
        .with("B2", "stag")
        .with("C1", "strutture informali")
        .with_repeat(
            "strutture",
            vec![
                Answers::new().with("D1", "cas").with("D2", "pubbl").with("D3", "12"),
                Answers::new().with("D1", "sai").with("D2", "priv").with("D3", "30"),
                Answers::new().with("D1", "sai").with("D2", "priv").with("D3", "8"),
            ],
        )
        .with_repeat(
            "insediamenti",
            vec![settlement("Borgo Mezzanone", "4000").with("E5", "2001"), settlement("Torretta", "-5")],
        );
    let issues = e.validate(&a, IT, TODAY);
    assert_eq!(kinds(&issues), [("insediamenti[1]/E3".to_owned(), IssueKind::Constraint)]);
    assert_eq!(issues[0].message, "Indicare un numero compreso tra 0 e 20.000.");
    let c = e.compute(&a, TODAY);
    assert_eq!(c.value("n_strutture"), "3");
    assert_eq!(c.value("tot_ospiti_strutture"), "50");
    assert_eq!(c.value("n_insediamenti"), "2");
    assert_eq!(c.value("tot_persone_insediamenti"), "3995");
    assert_eq!(c.repeat("insediamenti")[0].value("anni_insediamento"), "20");
    assert_eq!(c.repeat("insediamenti")[1].value("anni_insediamento"), "");
    // The note of the first settlement shows the computed age; the summary note the totals.
    let ins = f.pages().iter().position(|p| p.item().name == "insediamenti").unwrap();
    let page = e.page(&c, ins, IT, TODAY, true).unwrap();
    let note = find(&page.items, "insediamenti[0]/E5_nota").unwrap();
    assert!(note.visible && note.label.as_deref().is_some_and(|l| l.contains("20")), "{note:?}");
    assert!(!find(&page.items, "insediamenti[1]/E5_nota").unwrap().visible);
    assert_eq!(find(&page.items, "insediamenti[1]/E3").unwrap().errors.len(), 1);
    let riepilogo = f.pages().iter().position(|p| p.item().name == "riepilogo").unwrap();
    let label = e.page(&c, riepilogo, IT, TODAY, false).unwrap().items[0].label.clone().unwrap();
    assert!(label.contains("3 strutture") || label.contains('3') && label.contains("3995"), "{label}");
}

#[test]
fn incas_required_on_a_relevant_page() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    let a = section_a().with("A2", "").with("A3", "6").with("B1", "1");
    let issues = e.validate(&a, IT, TODAY);
    assert_eq!(
        kinds(&issues),
        [
            ("A2".to_owned(), IssueKind::Required),
            ("A3_altro".to_owned(), IssueKind::Required),
            ("B2".to_owned(), IssueKind::Required),
            ("C1".to_owned(), IssueKind::Required),
        ]
    );
    let page = e.page(&a, 0, IT, TODAY, true).unwrap();
    let a2 = find(&page.items, "A2").unwrap();
    assert!(a2.required && a2.visible);
    assert_eq!(page.issues().len(), 2);
    assert!(!find(&page.items, "A3a").unwrap().visible);
}

#[test]
fn incas_apply_post_keeps_other_pages_and_clears_unchecked_boxes() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    let sez_b = f.pages().iter().position(|p| p.item().name == "sez_b").unwrap();
    let a = section_a().with("B1", "1").with("B2", "stab stag").with("B4", "m06 m07").with("C1", "private");
    let b = e.apply_post(&a, &post(&[("B1", "1"), ("B2", "stag"), ("B3b", "20"), ("A1", "Milano")]), sez_b, TODAY);
    assert_eq!(b.value("B2"), "stag");
    assert_eq!(b.value("B4"), "", "an unchecked select_multiple is cleared");
    assert_eq!(b.value("B3b"), "20");
    assert_eq!(b.value("A1"), "Roma", "section A is another page");
    assert_eq!(b.value("C1"), "private");
    let mut expected = section_a();
    expected.set("C1", "private");
    for (k, v) in [("B1", "1"), ("B2", "stag"), ("B3b", "20")] {
        expected.set(k, v);
    }
    assert_eq!(b, expected);
    // Posting the insediamenti page with the count field.
    let ins = f.pages().iter().position(|p| p.item().name == "insediamenti").unwrap();
    let c = e.apply_post(
        &b,
        &post(&[
            ("insediamenti#count", "2"),
            ("insediamenti[0]/E1", "A"),
            ("insediamenti[1]/E2", "tende"),
            ("insediamenti[1]/E2", "baracche"),
        ]),
        ins,
        TODAY,
    );
    assert_eq!(c.repeat("insediamenti").len(), 2);
    assert_eq!(c.repeat("insediamenti")[1].value("E2"), "tende baracche");
    assert_eq!(c.value("B2"), "stag");
}

#[test]
fn instance_name() {
    let f = incas();
    let e = Engine::new(&f).unwrap();
    assert_eq!(e.instance_name(&section_a(), TODAY).as_deref(), Some("H501 - Roma"));
}

// ----- properties -----

/// The names and candidate values of every field of the real form, by scope.
fn pool(f: &Form) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let mut values: Vec<String> = [
        "",
        "0",
        "1",
        "2",
        "-5",
        "3",
        "12",
        "2021",
        "1950",
        "abc",
        "h501",
        "H501",
        "2021-01-01",
        "45.1 9.2",
        "1,5",
        "OK",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    values.extend(f.choices.values().flatten().map(|c| c.name.clone()));
    values.extend(
        ["stab stag", "strutture informali", "private strutture informali", "nessuno acqua"].map(str::to_owned),
    );
    let fields = f.fields();
    let scope = |repeat: Option<&str>| -> Vec<String> {
        let mut names: Vec<String> =
            fields.iter().filter(|(p, _)| p.last().copied() == repeat).map(|(_, i)| i.name.clone()).collect();
        names.push("zzz_unknown".into());
        names
    };
    (scope(None), scope(Some("strutture")), scope(Some("insediamenti")), values)
}

fn answers_strategy() -> impl Strategy<Value = Answers> {
    let f = incas();
    let (top, strutture, insediamenti, values) = pool(&f);
    let value = prop_oneof![
        4 => (0..values.len()).prop_map(move |i| values[i].clone()),
        1 => "\\PC{0,6}",
    ];
    let entries = |names: Vec<String>, max: usize, value: BoxedStrategy<String>| {
        prop::collection::vec(((0..names.len()), value), 0..max).prop_map(move |pairs| {
            let mut a = Answers::new();
            for (i, v) in pairs {
                a.set(&names[i], v);
            }
            a
        })
    };
    let value = value.boxed();
    (
        entries(top, 30, value.clone()),
        prop::collection::vec(entries(strutture, 8, value.clone()), 0..4),
        prop::collection::vec(entries(insediamenti, 12, value), 0..4),
    )
        .prop_map(|(mut a, s, i)| {
            a.set_repeat("strutture", s);
            a.set_repeat("insediamenti", i);
            a
        })
}

/// What a browser posts for a page: the visible editable questions, a `select_multiple` as
/// repeated keys, an acknowledge as `OK`, the instance count of each repeat.
fn render(items: &[ItemView], out: &mut Vec<(String, String)>) {
    for item in items {
        match &item.kind {
            Kind::Group => render(&item.children, out),
            Kind::Repeat => {
                if !item.fixed_count {
                    out.push((item.path.count_field(), item.instances.len().to_string()));
                }
                for instance in &item.instances {
                    render(&instance.items, out);
                }
            }
            _ if !item.visible || item.read_only || item.value.is_empty() => {}
            Kind::SelectMultiple { .. } => {
                out.extend(item.value.split(' ').map(|v| (item.path.to_string(), v.to_owned())));
            }
            _ => out.push((item.path.to_string(), item.value.clone())),
        }
    }
}

#[test]
fn engine_is_shareable() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Engine<'static>>();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn engine_laws_on_the_real_form(a in answers_strategy()) {
        let f = incas();
        let e = Engine::new(&f).unwrap();
        let issues = e.validate(&a, IT, TODAY);
        for issue in &issues {
            prop_assert!(e.page_of(&issue.path).is_some(), "{issue:?}");
        }
        let p = e.prune(&a, TODAY);
        prop_assert_eq!(e.prune(&p, TODAY), p.clone());
        let c = e.compute(&a, TODAY);
        prop_assert_eq!(e.compute(&c, TODAY), c.clone());
        let done = e.finalize(&a, TODAY);
        prop_assert_eq!(e.finalize(&done, TODAY), done.clone());
        // The issues of the finalized answers are those the pages report.
        let all = e.validate(&done, IT, TODAY);
        let mut from_pages = Vec::new();
        for page in 0..e.page_count() {
            let view = e.page(&done, page, IT, TODAY, true).unwrap();
            from_pages.extend(view.issues().into_iter().cloned());
        }
        prop_assert_eq!(all, from_pages);
    }

    #[test]
    fn posting_a_page_as_shown_is_stable_and_local(a in answers_strategy(), page in 0..8_usize) {
        let f = incas();
        let e = Engine::new(&f).unwrap();
        let page = page % e.page_count();
        let mut fields = Vec::new();
        render(&e.page(&a, page, IT, TODAY, false).unwrap().items, &mut fields);
        let b = e.apply_post(&a, &fields, page, TODAY);
        for (path, item) in f.fields() {
            if path.is_empty() && e.page_of(&FieldPath::top(&item.name)) != Some(page) {
                prop_assert_eq!(a.value(&item.name), b.value(&item.name), "{} changed", item.name);
            }
        }
        let mut again = Vec::new();
        render(&e.page(&b, page, IT, TODAY, false).unwrap().items, &mut again);
        prop_assert_eq!(e.apply_post(&b, &again, page, TODAY), b);
    }
}

#[test]
fn non_relevant_answers_read_as_empty() {
    let f = form(
        "
| survey |
|        | type        | name  | label | relevant      | calculation      | required |
|        | integer     | gate  | Gate  |               |                  |          |
|        | begin_group | g     | G     | ${gate} = 1   |                  |          |
|        | integer     | x     | X     |               |                  |          |
|        | end_group   |       |       |               |                  |          |
|        | text        | after | After | ${x} > 0      |                  | yes      |
|        | calculate   | twice |       |               | ${x} * 2         |          |
|        | calculate   | cnt   |       |               | count-non-empty(${x}) |     |
",
    );
    let e = Engine::new(&f).unwrap();
    let open = Answers::new().with("gate", "1").with("x", "3");
    assert_eq!(kinds(&e.validate(&open, "default", TODAY)), [("after".to_owned(), IssueKind::Required)]);
    assert_eq!(e.compute(&open, TODAY).value("twice"), "6");
    // x is kept while the group is closed (a draft), but nothing sees it.
    let closed = open.clone().with("gate", "2");
    assert_eq!(e.validate(&closed, "default", TODAY), []);
    let c = e.compute(&closed, TODAY);
    assert_eq!((c.value("x"), c.value("twice"), c.value("cnt")), ("3", "NaN", "0"));
    assert_eq!(e.prune(&c, TODAY).value("x"), "");
}

#[test]
fn relevance_cycles_and_long_chains_terminate() {
    let f = form(
        "
| survey |
|        | type | name | label | relevant    |
|        | text | a    | A     | ${b} != ''  |
|        | text | b    | B     | ${a} != ''  |
",
    );
    let e = Engine::new(&f).unwrap();
    let a = Answers::new().with("a", "1").with("b", "2");
    let p = e.prune(&a, TODAY);
    assert_eq!(e.prune(&p, TODAY), p);
    assert!(e.page(&a, 1, "default", TODAY, true).is_some());

    // q0 … q299, each relevant when the previous one is answered: a page at the end of the
    // chain does not exhaust the stack.
    let mut rows = vec![vec!["type".to_owned(), "name".into(), "label".into(), "relevant".into()]];
    for i in 0..300 {
        let relevant = if i == 0 { String::new() } else { format!("${{q{}}} != ''", i - 1) };
        rows.push(vec!["text".into(), format!("q{i}"), format!("Q{i}"), relevant]);
    }
    let f = xlsform::parse(&[("survey".to_owned(), rows)]).unwrap();
    let e = Engine::new(&f).unwrap();
    let mut all = Answers::new();
    for i in 0..300 {
        all.set(&format!("q{i}"), "x");
    }
    let last = e.page(&all, 299, "default", TODAY, true).unwrap();
    assert!(last.items[0].visible);
    assert_eq!(e.prune(&all, TODAY), all, "validate order: every link is relevant");
    let mut broken = all.clone();
    broken.set("q0", "");
    assert_eq!(e.prune(&broken, TODAY), Answers::new(), "one missing link closes the whole chain");
}

#[test]
fn read_only_choice_names_and_meta() {
    let f = form(
        "
| survey |
|        | type            | name  | label | read_only | choice_filter        | default | required |
|        | today           | oggi  |       |           |                      |         |          |
|        | text            | fixed | Fixed | yes       |                      | abc     | yes      |
|        | text            | maybe | Maybe | ${fixed} = 'abc' |               |         |          |
|        | select_one l    | pick  | Pick  |           | starts-with(name, 'a') |       |          |
| choices |
|         | list_name | name  | label |
|         | l         | alpha | A     |
|         | l         | beta  | B     |
|         | l         | avo   | C     |
",
    );
    let e = Engine::new(&f).unwrap();
    let a = e.initial(TODAY);
    assert_eq!((a.value("oggi"), a.value("fixed")), ("2024-03-15", "abc"));
    let page = |a: &Answers, name: &str| {
        let p = e.page_of(&FieldPath::top(name)).unwrap();
        e.page(a, p, "default", TODAY, true).unwrap().items.remove(0)
    };
    assert!(page(&a, "fixed").read_only && !page(&a, "fixed").required);
    assert!(page(&a, "maybe").read_only);
    let names: Vec<String> = page(&a, "pick").choices.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["alpha", "avo"]);
    // Read-only questions keep their value whatever is posted.
    let p = e.page_of(&FieldPath::top("fixed")).unwrap();
    let b = e.apply_post(&a, &post(&[("fixed", "hacked")]), p, TODAY);
    assert_eq!(b.value("fixed"), "abc");
    let b = b.with("fixed", "");
    assert_eq!(e.validate(&b, "default", TODAY), [], "read-only questions have no issues");
    assert_eq!(
        kinds(&e.validate(&b.with("pick", "beta"), "default", TODAY)),
        [("pick".to_owned(), IssueKind::UnknownChoice)]
    );
}
