//! Export: [`Form`] → sheets of text that [`super::parse`] reads back into the same form.

use super::{Form, Item, Labels};

/// The form as sheets (`survey`, `choices` when there are choices, `settings` when any
/// setting is set, then the sheets argine keeps without reading), each a grid whose first row is the header. Rows keep the spreadsheet row
/// each item and choice came from (blank rows fill the gaps), so that error rows and row
/// numbers stay the same after a round trip; generated rows (`or_other`) are left out, since
/// reading the export generates them again.
pub fn to_sheets(form: &Form) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out = vec![("survey".to_owned(), survey(form))];
    if form.choices.values().flatten().any(|c| !c.generated) {
        out.push(("choices".to_owned(), choices(form)));
    }
    let settings = settings(form);
    if settings.first().is_some_and(|h| !h.is_empty()) {
        out.push(("settings".to_owned(), settings));
    }
    out.extend(form.other_sheets.iter().cloned());
    out
}

/// The header of a translatable column in `lang`.
fn header(form: &Form, base: &str, lang: &str) -> String {
    if form.default_language.is_none() && lang == super::DEFAULT_LANGUAGE {
        base.to_owned()
    } else {
        format!("{base}::{lang}")
    }
}

/// Languages of a labels field across items, in the form's language order.
fn used_langs<'a>(form: &'a Form, labels: impl Iterator<Item = &'a Labels>) -> Vec<String> {
    let mut used: Vec<&String> = Vec::new();
    for l in labels {
        for k in l.keys() {
            if !used.contains(&k) {
                used.push(k);
            }
        }
    }
    let mut out: Vec<String> = form.languages.iter().filter(|l| used.contains(l)).cloned().collect();
    for l in used {
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    out
}

type TextField = fn(&Item) -> &Labels;
type OptField = fn(&Item) -> &Option<String>;

enum Col {
    Type,
    Name,
    Text(&'static str, TextField, String),
    Opt(&'static str, OptField),
    Extra(String),
}

/// Places `cells` on spreadsheet row `row` if it is still ahead, else on the next row.
fn place(grid: &mut Vec<Vec<String>>, row: usize, cells: Vec<String>) {
    // grid[0] is row 1; the next free row is grid.len() + 1.
    let target = row.max(grid.len() + 1);
    while grid.len() + 1 < target {
        grid.push(Vec::new());
    }
    grid.push(cells);
}

fn survey(form: &Form) -> Vec<Vec<String>> {
    let items: Vec<&Item> = form.all_items().into_iter().filter(|i| !i.generated).collect();
    let mut cols = vec![Col::Type, Col::Name];
    // Every language gets a label column, so that the language list reads back the same.
    let mut label_langs = form.languages.clone();
    for l in used_langs(form, items.iter().map(|i| &i.label)) {
        if !label_langs.contains(&l) {
            label_langs.push(l);
        }
    }
    let text = |cols: &mut Vec<Col>, base: &'static str, f: TextField| {
        cols.extend(used_langs(form, items.iter().map(|i| f(i))).into_iter().map(|l| Col::Text(base, f, l)));
    };
    let opt = |cols: &mut Vec<Col>, base: &'static str, f: OptField| {
        if items.iter().any(|i| f(i).is_some()) {
            cols.push(Col::Opt(base, f));
        }
    };
    cols.extend(label_langs.into_iter().map(|l| Col::Text("label", |i| &i.label, l)));
    text(&mut cols, "hint", |i| &i.hint);
    opt(&mut cols, "required", |i| &i.required);
    text(&mut cols, "required_message", |i| &i.required_message);
    opt(&mut cols, "relevant", |i| &i.relevant);
    opt(&mut cols, "constraint", |i| &i.constraint);
    text(&mut cols, "constraint_message", |i| &i.constraint_message);
    opt(&mut cols, "calculation", |i| &i.calculation);
    opt(&mut cols, "default", |i| &i.default);
    opt(&mut cols, "read_only", |i| &i.read_only);
    opt(&mut cols, "choice_filter", |i| &i.choice_filter);
    opt(&mut cols, "repeat_count", |i| &i.repeat_count);
    opt(&mut cols, "appearance", |i| &i.appearance);
    opt(&mut cols, "parameters", |i| &i.parameters);
    let mut extras: Vec<&String> = Vec::new();
    for i in &items {
        for k in i.extra.keys() {
            if !extras.contains(&k) {
                extras.push(k);
            }
        }
    }
    cols.extend(extras.into_iter().map(|k| Col::Extra(k.clone())));

    let head = cols
        .iter()
        .map(|c| match c {
            Col::Type => "type".to_owned(),
            Col::Name => "name".to_owned(),
            Col::Text(base, _, lang) => header(form, base, lang),
            Col::Opt(base, _) => (*base).to_owned(),
            Col::Extra(k) => k.clone(),
        })
        .collect();
    let mut grid = vec![head];
    write_items(&mut grid, &cols, &form.items);
    grid
}

fn write_items(grid: &mut Vec<Vec<String>>, cols: &[Col], items: &[Item]) {
    for item in items.iter().filter(|i| !i.generated) {
        let cells = cols
            .iter()
            .map(|c| match c {
                Col::Type => item.kind.type_name(),
                Col::Name => item.name.clone(),
                Col::Text(_, f, lang) => f(item).get(lang).cloned().unwrap_or_default(),
                Col::Opt(_, f) => f(item).clone().unwrap_or_default(),
                Col::Extra(k) => item.extra.get(k).cloned().unwrap_or_default(),
            })
            .collect();
        place(grid, item.row, cells);
        if item.kind.is_container() {
            write_items(grid, cols, &item.children);
            let end = if matches!(item.kind, super::Kind::Repeat) { "end_repeat" } else { "end_group" };
            place(grid, item.end_row, vec![end.to_owned()]);
        }
    }
}

fn choices(form: &Form) -> Vec<Vec<String>> {
    let all: Vec<(&String, &super::Choice)> =
        form.choices.iter().flat_map(|(l, cs)| cs.iter().map(move |c| (l, c))).filter(|(_, c)| !c.generated).collect();
    let langs = used_langs(form, all.iter().map(|(_, c)| &c.label));
    let mut extras: Vec<&String> = Vec::new();
    for (_, c) in &all {
        for k in c.extra.keys() {
            if !extras.contains(&k) {
                extras.push(k);
            }
        }
    }
    let mut head = vec!["list_name".to_owned(), "name".to_owned()];
    head.extend(langs.iter().map(|l| header(form, "label", l)));
    head.extend(extras.iter().map(|k| (*k).clone()));
    let mut grid = vec![head];
    let mut ordered = all;
    ordered.sort_by_key(|(_, c)| c.row);
    for (list, c) in ordered {
        let mut cells = vec![list.clone(), c.name.clone()];
        cells.extend(langs.iter().map(|l| c.label.get(l).cloned().unwrap_or_default()));
        cells.extend(extras.iter().map(|k| c.extra.get(*k).cloned().unwrap_or_default()));
        place(&mut grid, c.row, cells);
    }
    grid
}

fn settings(form: &Form) -> Vec<Vec<String>> {
    let mut head = Vec::new();
    let mut values = Vec::new();
    let default_key = form.default_language_key().to_owned();
    let mut title: Vec<(&String, &String)> = form.title.iter().collect();
    title.sort_by_key(|(l, _)| **l != default_key);
    for (lang, text) in title {
        head.push(if *lang == default_key { "form_title".to_owned() } else { format!("form_title::{lang}") });
        values.push(text.clone());
    }
    for (h, v) in [
        ("form_id", &form.id),
        ("version", &form.version),
        ("default_language", &form.default_language),
        ("instance_name", &form.instance_name),
    ] {
        if let Some(v) = v {
            head.push(h.to_owned());
            values.push(v.clone());
        }
    }
    for (h, v) in &form.settings {
        head.push(h.clone());
        values.push(v.clone());
    }
    vec![head, values]
}
