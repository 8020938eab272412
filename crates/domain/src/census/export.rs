//! Responses as tables: one sheet for the questions outside repeats, one sheet per repeat
//! (one row per instance), linked by the comune's ISTAT code and the instance numbers, as
//! KoboToolbox and ODK Central export them. Values as stored (choice names) or as labels.
//!
//! Every cell is text. A cell that a spreadsheet program would run as a formula (starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so an answer can
//! never become a formula in the secretariat's Excel.

use super::answers::Answers;
use super::xlsform::{Form, Item, Kind};

/// One response to export.
pub struct Row<'a> {
    pub comune_code: &'a str,
    pub comune_name: &'a str,
    pub answers: &'a Answers,
}

/// Choice names, or their labels in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values<'l> {
    Codes,
    Labels(&'l str),
}

/// Neutralises what a spreadsheet would read as a formula.
pub fn escape_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// The exported columns of a scope (the top level or one repeat): leaf questions, in order,
/// without groups, nested repeats or notes.
fn columns(items: &[Item]) -> Vec<&Item> {
    let mut out = Vec::new();
    for i in items {
        match i.kind {
            Kind::Group => out.extend(columns(&i.children)),
            Kind::Repeat | Kind::Note => {}
            _ => out.push(i),
        }
    }
    out
}

/// The repeats directly inside a scope (through groups, not through other repeats).
fn repeats(items: &[Item]) -> Vec<&Item> {
    let mut out = Vec::new();
    for i in items {
        match i.kind {
            Kind::Group => out.extend(repeats(&i.children)),
            Kind::Repeat => out.push(i),
            _ => {}
        }
    }
    out
}

fn value(form: &Form, item: &Item, raw: &str, values: Values<'_>) -> String {
    let text = match (values, item.kind.list()) {
        (Values::Labels(lang), Some(list)) if !raw.is_empty() => raw
            .split(' ')
            .map(|name| form.choice_label(list, name, lang).unwrap_or(name))
            .collect::<Vec<_>>()
            .join("; "),
        _ => raw.to_owned(),
    };
    escape_cell(&text)
}

/// The sheets: `(name, rows)` with a header row first. The first sheet is named after the
/// form id (or `risposte`); repeat sheets after their repeats.
pub fn sheets(form: &Form, rows: &[Row<'_>], values: Values<'_>) -> Vec<(String, Vec<Vec<String>>)> {
    let main_cols = columns(&form.items);
    let mut main = vec![
        ["comune_istat", "comune"]
            .into_iter()
            .map(str::to_owned)
            .chain(main_cols.iter().map(|i| i.name.clone()))
            .collect::<Vec<_>>(),
    ];
    for r in rows {
        let mut line = vec![escape_cell(r.comune_code), escape_cell(r.comune_name)];
        line.extend(main_cols.iter().map(|i| value(form, i, r.answers.value(&i.name), values)));
        main.push(line);
    }
    let mut out = vec![(form.id.clone().unwrap_or_else(|| "risposte".into()), main)];
    // Repeats, depth first; each instance row carries the path of instance numbers above it.
    fn walk<'f>(
        form: &'f Form,
        repeat: &'f Item,
        parents: &[&str],
        rows: &[(String, Vec<usize>, &Answers)],
        values: Values<'_>,
        out: &mut Vec<(String, Vec<Vec<String>>)>,
    ) {
        let cols = columns(&repeat.children);
        let mut header = vec!["comune_istat".to_owned()];
        header.extend(parents.iter().map(|p| format!("{p}_n")));
        header.push(format!("{}_n", repeat.name));
        header.extend(cols.iter().map(|i| i.name.clone()));
        let mut sheet = vec![header];
        let mut next = Vec::new();
        for (code, path, answers) in rows {
            for (n, inst) in answers.repeat(&repeat.name).iter().enumerate() {
                let mut p = path.clone();
                p.push(n + 1);
                let mut line = vec![escape_cell(code)];
                line.extend(p.iter().map(usize::to_string));
                line.extend(cols.iter().map(|i| value(form, i, inst.value(&i.name), values)));
                sheet.push(line);
                next.push((code.clone(), p, inst));
            }
        }
        out.push((repeat.name.clone(), sheet));
        let mut parents = parents.to_vec();
        parents.push(&repeat.name);
        for inner in repeats(&repeat.children) {
            walk(form, inner, &parents, &next, values, out);
        }
    }
    let top: Vec<(String, Vec<usize>, &Answers)> =
        rows.iter().map(|r| (r.comune_code.to_owned(), Vec::new(), r.answers)).collect();
    for r in repeats(&form.items) {
        walk(form, r, &[], &top, values, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        let Ok(f) = super::super::xlsform::parse_xlsx(include_bytes!("../../../../data/census/incas_2021.xlsx")) else {
            return Form::default();
        };
        f
    }

    #[test]
    fn formulas_never_reach_a_spreadsheet() {
        assert_eq!(escape_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_cell("+39 0882"), "'+39 0882");
        assert_eq!(escape_cell("-5"), "'-5");
        assert_eq!(escape_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_cell("San Severo"), "San Severo");
        assert_eq!(escape_cell(""), "");
    }

    #[test]
    fn one_sheet_per_repeat_linked_by_comune_and_instance() {
        let f = form();
        assert_eq!(f.id.as_deref(), Some("incas_2021"));
        let a = Answers::new()
            .with("A1", "San Severo")
            .with("A3", "2")
            .with("A4_tel", "+39 0882 000")
            .with("B2", "stab stag")
            .with_repeat(
                "insediamenti",
                vec![
                    Answers::new().with("E1", "Rignano").with("E3", "2100"),
                    Answers::new().with("E1", "=cmd|' /C calc'!A0").with("E2", "tende baracche"),
                ],
            );
        let empty = Answers::new();
        let rows = [
            Row { comune_code: "071051", comune_name: "San Severo", answers: &a },
            Row { comune_code: "071029", comune_name: "Manfredonia", answers: &empty },
        ];
        let s = sheets(&f, &rows, Values::Codes);
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["incas_2021", "strutture", "insediamenti"]);
        let main = &s[0].1;
        assert_eq!(main.len(), 3, "header and one row per response");
        let col = |name: &str| main[0].iter().position(|h| h == name).unwrap_or(usize::MAX);
        assert_eq!(main[1][col("A1")], "San Severo");
        assert_eq!(main[1][col("A4_tel")], "'+39 0882 000");
        assert_eq!(main[1][col("B2")], "stab stag");
        assert!(main[0].iter().all(|h| h != "E1" && h != "sez_a"), "no repeat or group columns on the main sheet");
        let ins = &s[2].1;
        assert_eq!(ins[0][..3], ["comune_istat", "insediamenti_n", "E1"]);
        assert_eq!(ins.len(), 3);
        assert_eq!(ins[1][..3], ["071051", "1", "Rignano"]);
        assert_eq!(ins[2][2], "'=cmd|' /C calc'!A0");
        // Labels in a language.
        let s = sheets(&f, &rows, Values::Labels("Italiano (it)"));
        let main = &s[0].1;
        let a3 = main[0].iter().position(|h| h == "A3").unwrap_or(usize::MAX);
        assert_eq!(main[1][a3], "Assessore");
        let e2 = s[2].1[0].iter().position(|h| h == "E2").unwrap_or(usize::MAX);
        assert_eq!(s[2].1[2][e2], "Tende; Baracche");
    }
}
