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
pub use crate::sheet::safe_cell as escape_cell;

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

/// The text of one answer as exported: the stored value (choice names separated by spaces),
/// or with [`Values::Labels`] the labels of the chosen choices separated by `; `. Not escaped.
fn value_into(out: &mut String, form: &Form, item: &Item, raw: &str, values: Values<'_>) {
    out.clear();
    match (values, item.kind.list()) {
        (Values::Labels(lang), Some(list)) if !raw.is_empty() => {
            for (n, name) in raw.split(' ').enumerate() {
                if n > 0 {
                    out.push_str("; ");
                }
                out.push_str(form.choice_label(list, name, lang).unwrap_or(name));
            }
        }
        _ => out.push_str(raw),
    }
}

/// [`value_into`], then [`escape_cell`] in place.
fn cell_into(out: &mut String, form: &Form, item: &Item, raw: &str, values: Values<'_>) {
    value_into(out, form, item, raw, values);
    escape_in_place(out);
}

fn escape_in_place(out: &mut String) {
    if out.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.insert(0, '\'');
    }
}

/// One sheet of an export: its name and its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
}

/// Where the rows of a sheet come from.
struct Scope<'f> {
    /// The repeats from the top level down to this sheet's own (empty for the main sheet).
    chain: Vec<&'f str>,
    /// The leaf questions of the scope, in order.
    cols: Vec<&'f Item>,
}

/// Receives the rows of an export as they are produced. `sheet` indexes
/// [`Writer::sheets`]; a sheet's header comes before its rows, and rows of one sheet come in
/// order (rows of different sheets interleave, one response at a time).
pub trait Sink {
    type Error;
    fn row(&mut self, sheet: usize, cells: &[String]) -> Result<(), Self::Error>;
}

/// Writes responses as rows, one response at a time: memory does not depend on how many
/// responses there are. [`sheets`] is this writer with every row collected in memory, so a
/// streamed export (CSV, XLSX) has exactly the content of the in-memory one.
///
/// ```text
/// let mut w = Writer::new(&form, Values::Codes);
/// w.headers(&mut sink)?;
/// for r in responses { w.response(&r, &mut sink)?; }
/// ```
pub struct Writer<'f, 'l> {
    form: &'f Form,
    values: Values<'l>,
    sheets: Vec<Sheet>,
    scopes: Vec<Scope<'f>>,
    /// Only this sheet's rows are produced (a CSV is one sheet); every sheet when `None`.
    only: Option<usize>,
    /// One row's cells, reused from row to row.
    cells: Vec<String>,
    /// The instance numbers of the row being written, reused.
    path: Vec<usize>,
}

impl<'f, 'l> Writer<'f, 'l> {
    /// The layout of `form`: the first sheet is named after the form id (or `risposte`) and
    /// holds the questions outside repeats; then one sheet per repeat, depth first, named after
    /// the repeat, whose rows carry the comune's code and the instance numbers above them.
    pub fn new(form: &'f Form, values: Values<'l>) -> Self {
        let main_cols = columns(&form.items);
        let header = ["comune_istat", "comune"]
            .into_iter()
            .map(str::to_owned)
            .chain(main_cols.iter().map(|i| i.name.clone()))
            .collect();
        let mut sheets = vec![Sheet { name: form.id.clone().unwrap_or_else(|| "risposte".into()), header }];
        let mut scopes = vec![Scope { chain: Vec::new(), cols: main_cols }];
        fn walk<'f>(repeat: &'f Item, chain: &mut Vec<&'f str>, sheets: &mut Vec<Sheet>, scopes: &mut Vec<Scope<'f>>) {
            let cols = columns(&repeat.children);
            let mut header = vec!["comune_istat".to_owned()];
            header.extend(chain.iter().map(|p| format!("{p}_n")));
            header.push(format!("{}_n", repeat.name));
            header.extend(cols.iter().map(|i| i.name.clone()));
            chain.push(&repeat.name);
            sheets.push(Sheet { name: repeat.name.clone(), header });
            scopes.push(Scope { chain: chain.clone(), cols });
            for inner in repeats(&repeat.children) {
                walk(inner, chain, sheets, scopes);
            }
            chain.pop();
        }
        for r in repeats(&form.items) {
            walk(r, &mut Vec::new(), &mut sheets, &mut scopes);
        }
        let widest = sheets.iter().map(|s| s.header.len()).max().unwrap_or(0);
        Self { form, values, sheets, scopes, only: None, cells: vec![String::new(); widest], path: Vec::new() }
    }

    /// The sheets, in order.
    pub fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    /// The index of the sheet called `name`.
    pub fn sheet_index(&self, name: &str) -> Option<usize> {
        self.sheets.iter().position(|s| s.name == name)
    }

    /// Produces the rows of one sheet only (the others are not computed).
    #[must_use]
    pub fn only(mut self, sheet: usize) -> Self {
        self.only = Some(sheet);
        self
    }

    fn wanted(&self, sheet: usize) -> bool {
        self.only.is_none_or(|s| s == sheet)
    }

    /// The header row of every sheet (of the chosen one with [`Writer::only`]).
    pub fn headers<S: Sink>(&mut self, sink: &mut S) -> Result<(), S::Error> {
        for (n, sheet) in self.sheets.iter().enumerate() {
            if self.only.is_none_or(|s| s == n) {
                sink.row(n, &sheet.header)?;
            }
        }
        Ok(())
    }

    /// The rows of one response: one on the main sheet, one per instance on each repeat sheet.
    pub fn response<S: Sink>(&mut self, row: &Row<'_>, sink: &mut S) -> Result<(), S::Error> {
        for sheet in 0..self.scopes.len() {
            if !self.wanted(sheet) {
                continue;
            }
            if sheet == 0 {
                let form = self.form;
                let Self { values, scopes, cells, .. } = &mut *self;
                let cols = &scopes[0].cols;
                cells[0].clear();
                cells[0].push_str(row.comune_code);
                escape_in_place(&mut cells[0]);
                cells[1].clear();
                cells[1].push_str(row.comune_name);
                escape_in_place(&mut cells[1]);
                for (cell, item) in cells[2..].iter_mut().zip(cols) {
                    cell_into(cell, form, item, row.answers.value(&item.name), *values);
                }
                sink.row(0, &cells[..2 + cols.len()])?;
            } else {
                self.path.clear();
                self.instances(sheet, 0, row.comune_code, row.answers, sink)?;
            }
        }
        Ok(())
    }

    /// The instances of the repeat at `depth` of `sheet`'s chain inside `answers`: rows when it
    /// is the sheet's own repeat, else the instances of the next repeat down in each.
    fn instances<S: Sink>(
        &mut self,
        sheet: usize,
        depth: usize,
        code: &str,
        answers: &Answers,
        sink: &mut S,
    ) -> Result<(), S::Error> {
        let form = self.form;
        let scope = &self.scopes[sheet];
        let (name, last) = (scope.chain[depth], depth + 1 == scope.chain.len());
        for (n, inst) in answers.repeat(name).iter().enumerate() {
            self.path.push(n + 1);
            if last {
                let Self { values, scopes, cells, path, .. } = &mut *self;
                let cols = &scopes[sheet].cols;
                cells[0].clear();
                cells[0].push_str(code);
                escape_in_place(&mut cells[0]);
                for (cell, p) in cells[1..].iter_mut().zip(path.iter()) {
                    use std::fmt::Write as _;
                    cell.clear();
                    let _ = write!(cell, "{p}");
                }
                let first = 1 + path.len();
                for (cell, item) in cells[first..].iter_mut().zip(cols) {
                    cell_into(cell, form, item, inst.value(&item.name), *values);
                }
                sink.row(sheet, &cells[..first + cols.len()])?;
            } else {
                self.instances(sheet, depth + 1, code, inst, sink)?;
            }
            self.path.pop();
        }
        Ok(())
    }
}

/// The sheets: `(name, rows)` with a header row first. The first sheet is named after the
/// form id (or `risposte`); repeat sheets after their repeats. (Everything in memory: large
/// exports go through [`Writer`].)
pub fn sheets(form: &Form, rows: &[Row<'_>], values: Values<'_>) -> Vec<(String, Vec<Vec<String>>)> {
    struct Collect(Vec<(String, Vec<Vec<String>>)>);
    impl Sink for Collect {
        type Error = std::convert::Infallible;
        fn row(&mut self, sheet: usize, cells: &[String]) -> Result<(), Self::Error> {
            if let Some((_, rows)) = self.0.get_mut(sheet) {
                rows.push(cells.to_vec());
            }
            Ok(())
        }
    }
    let mut w = Writer::new(form, values);
    let mut out = Collect(w.sheets().iter().map(|s| (s.name.clone(), Vec::new())).collect());
    let Ok(()) = w.headers(&mut out);
    for r in rows {
        let Ok(()) = w.response(r, &mut out);
    }
    out.0
}

/// Relabels answers for an export by response (JSON): with [`Values::Labels`], the value of
/// every select question becomes the labels of its choices (as on the sheets), in repeats
/// too; with [`Values::Codes`] the answers are unchanged. Nothing is escaped (formula escaping
/// is for spreadsheets). Built once per form.
pub struct Labeller<'f> {
    form: &'f Form,
    top: LabelScope<'f>,
}

/// The select questions and the repeats of one scope, by name.
#[derive(Default)]
struct LabelScope<'f> {
    selects: std::collections::HashMap<&'f str, &'f Item>,
    repeats: std::collections::HashMap<&'f str, LabelScope<'f>>,
}

impl<'f> LabelScope<'f> {
    fn of(items: &'f [Item]) -> Self {
        let mut s = Self::default();
        for i in columns(items) {
            if i.kind.list().is_some() {
                s.selects.entry(i.name.as_str()).or_insert(i);
            }
        }
        for r in repeats(items) {
            s.repeats.entry(r.name.as_str()).or_insert_with(|| Self::of(&r.children));
        }
        s
    }
}

impl<'f> Labeller<'f> {
    pub fn new(form: &'f Form) -> Self {
        Self { form, top: LabelScope::of(&form.items) }
    }

    /// The answers as exported with `values`.
    pub fn answers<'a>(&self, answers: &'a Answers, values: Values<'_>) -> std::borrow::Cow<'a, Answers> {
        match values {
            Values::Codes => std::borrow::Cow::Borrowed(answers),
            Values::Labels(_) => std::borrow::Cow::Owned(self.relabel(&self.top, answers, values)),
        }
    }

    fn relabel(&self, scope: &LabelScope<'f>, answers: &Answers, values: Values<'_>) -> Answers {
        use super::answers::Answer;
        let map = answers
            .0
            .iter()
            .map(|(name, answer)| {
                let out = match answer {
                    Answer::Value(raw) => match scope.selects.get(name.as_str()) {
                        Some(item) => {
                            let mut text = String::new();
                            value_into(&mut text, self.form, item, raw, values);
                            Answer::Value(text)
                        }
                        None => Answer::Value(raw.clone()),
                    },
                    Answer::Repeat(instances) => match scope.repeats.get(name.as_str()) {
                        Some(inner) => {
                            Answer::Repeat(instances.iter().map(|i| self.relabel(inner, i, values)).collect())
                        }
                        None => Answer::Repeat(instances.clone()),
                    },
                };
                (name.clone(), out)
            })
            .collect();
        Answers(map)
    }
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

    /// The in-memory implementation this module had before the streaming writer, kept as the
    /// oracle: the writer must produce exactly its sheets.
    fn reference_sheets(form: &Form, rows: &[Row<'_>], values: Values<'_>) -> Vec<(String, Vec<Vec<String>>)> {
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
        let top: Vec<(String, Vec<usize>, &Answers)> =
            rows.iter().map(|r| (r.comune_code.to_owned(), Vec::new(), r.answers)).collect();
        for r in repeats(&form.items) {
            walk(form, r, &[], &top, values, &mut out);
        }
        out
    }

    /// A form with a repeat inside a repeat inside a group, and a select in each scope.
    fn nested() -> Form {
        let survey = [
            ["type", "name", "label"],
            ["begin_group", "g", "G"],
            ["select_multiple colori", "c", "Colori"],
            ["begin_repeat", "fuori", "Fuori"],
            ["text", "f1", "F1"],
            ["begin_repeat", "dentro", "Dentro"],
            ["select_one colori", "d1", "D1"],
            ["end_repeat", "", ""],
            ["end_repeat", "", ""],
            ["end_group", "", ""],
            ["begin_repeat", "altro", "Altro"],
            ["integer", "a1", "A1"],
            ["end_repeat", "", ""],
        ];
        let choices = [["list_name", "name", "label"], ["colori", "r", "Rosso"], ["colori", "v", "Verde"]];
        let rows = |t: &[[&str; 3]]| t.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect();
        let sheets = vec![("survey".to_owned(), rows(&survey)), ("choices".to_owned(), rows(&choices))];
        match super::super::xlsform::parse(&sheets) {
            Ok(f) => f,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn nested_answers(n: usize) -> Answers {
        let inner = |k: usize| {
            (0..k).map(|j| Answers::new().with("d1", if j % 2 == 0 { "r" } else { "v" })).collect::<Vec<_>>()
        };
        Answers::new()
            .with("c", if n.is_multiple_of(3) { "r v" } else { "v" })
            .with_repeat(
                "fuori",
                (0..n % 3)
                    .map(|i| Answers::new().with("f1", format!("=f{i}")).with_repeat("dentro", inner(i + n % 2)))
                    .collect(),
            )
            .with_repeat("altro", (0..n % 2).map(|i| Answers::new().with("a1", format!("-{i}"))).collect())
    }

    #[test]
    fn the_streaming_writer_gives_the_sheets_of_the_in_memory_export() {
        let f = nested();
        let answers: Vec<Answers> = (0..12).map(nested_answers).collect();
        let codes: Vec<String> = (0..12).map(|n| format!("{:06}", n * 7)).collect();
        let rows: Vec<Row<'_>> = answers
            .iter()
            .zip(&codes)
            .map(|(a, c)| Row { comune_code: c, comune_name: "+Comune", answers: a })
            .collect();
        for values in [Values::Codes, Values::Labels("default")] {
            let got = sheets(&f, &rows, values);
            assert_eq!(got, reference_sheets(&f, &rows, values));
            let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["risposte", "fuori", "dentro", "altro"]);
            assert_eq!(got[2].1[0][..4], ["comune_istat", "fuori_n", "dentro_n", "d1"]);
            assert!(got[2].1.len() > 5, "instances of the inner repeat");
        }
        // The same on the default questionnaire with the synthetic census.
        let f = form();
        let universe = super::super::synth::universe_2021(
            include_str!("../../../../data/territory/comuni.csv"),
            include_str!("../../../../data/territory/anpr_comuni.csv"),
        );
        let census = universe.and_then(|u| super::super::synth::generate(&u, 2021).map(|c| (u, c)));
        let Ok((universe, census)) = census else { panic!("the synthetic census") };
        let rows: Vec<Row<'_>> = universe
            .iter()
            .zip(&census.responses)
            .filter(|(_, r)| r.responded)
            .map(|(c, r)| Row { comune_code: &c.istat, comune_name: &c.name, answers: &r.answers })
            .collect();
        assert_eq!(rows.len(), 3851);
        for values in [Values::Codes, Values::Labels("Italiano (it)")] {
            assert_eq!(sheets(&f, &rows, values), reference_sheets(&f, &rows, values));
        }
    }

    #[test]
    fn one_sheet_only_and_headers_once() {
        struct Count(Vec<usize>);
        impl Sink for Count {
            type Error = ();
            fn row(&mut self, sheet: usize, _: &[String]) -> Result<(), ()> {
                self.0[sheet] += 1;
                Ok(())
            }
        }
        let f = nested();
        let a = nested_answers(5);
        let row = Row { comune_code: "1", comune_name: "x", answers: &a };
        let w = Writer::new(&f, Values::Codes);
        let dentro = w.sheet_index("dentro").unwrap_or(usize::MAX);
        let mut w = w.only(dentro);
        let mut count = Count(vec![0; 4]);
        w.headers(&mut count).unwrap_or(());
        w.response(&row, &mut count).unwrap_or(());
        w.response(&row, &mut count).unwrap_or(());
        assert_eq!(count.0, [0, 0, 1 + 2 * 3, 0], "two instances of fuori, with one and two inner ones");
    }

    #[test]
    fn json_answers_keep_codes_or_take_labels_in_every_scope() {
        let f = nested();
        let a = nested_answers(3);
        let l = Labeller::new(&f);
        assert_eq!(*l.answers(&a, Values::Codes), a);
        let labelled = l.answers(&a, Values::Labels("default"));
        assert_eq!(labelled.value("c"), "Rosso; Verde");
        let fuori = labelled.repeat("fuori");
        assert_eq!(fuori.len(), 0);
        let a = nested_answers(5);
        let labelled = l.answers(&a, Values::Labels("default"));
        let fuori = labelled.repeat("fuori");
        assert_eq!(fuori[1].value("f1"), "=f1", "no formula escaping outside spreadsheets");
        assert_eq!(fuori[1].repeat("dentro")[1].value("d1"), "Verde");
        assert_eq!(labelled.repeat("altro")[0].value("a1"), "-0");
    }
}
