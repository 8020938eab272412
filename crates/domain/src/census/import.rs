//! Import of responses collected elsewhere: a table (CSV, or an XLSX workbook with a sheet per
//! repeat) becomes one [`Answers`] per row for a questionnaire, each row matched to a Comune of
//! the campaign, with a report of every problem, row by row. Nothing is stored here: [`plan`]
//! returns an [`ImportPlan`] with every accepted row and every error, never stopping at the
//! first, so the caller can show the whole report and import all or nothing
//! ([`ImportPlan::is_importable`]).
//!
//! # Sources
//!
//! The format is recognised from the headers ([`SourceFormat`]); headers name the
//! questionnaire's questions.
//!
//! * **argine's own export** ([`super::export::sheets`], codes or labels): `comune_istat` and
//!   `comune` on the main sheet, a sheet per repeat named after it, whose rows are linked by
//!   `comune_istat` and the instance numbers `REPEAT_n`. Cells argine neutralised against
//!   formulas (`'+39…`) get their apostrophe removed.
//! * **KoboToolbox** (XLSX or CSV): headers are names or group paths (`grp/sub/name`, the last
//!   segment counts); a `select_multiple` as one column of space-separated names and/or one
//!   0/1 column per choice (`name/choice`); values may be labels ("with labels"); a geopoint as
//!   `lat lon alt acc` or as `_name_latitude`/`_name_longitude`(/`_altitude`/`_precision`)
//!   columns; repeats on sheets named after them, rows linked by `_parent_index` to the
//!   `_index` of the enclosing sheet; metadata columns (`_id`, `_uuid`, `_submission_time`,
//!   `meta/instanceID`, `formhub/uuid`, `__version__`, any `_…` column) are ignored.
//! * **LimeSurvey** ("question codes" headings): headers are the question codes (the form's
//!   names, compared ignoring case and punctuation, as LimeSurvey codes cannot hold `_`);
//!   multiple choice as `name[choice]` columns (`Y`, `1` or `Sì` when chosen), the "other" text
//!   as `name[other]` (the `other` choice is ticked and the text goes to `name_other`);
//!   metadata (`id`, `submitdate`, `lastpage`, `startlanguage`, `seed`, `token`, `startdate`,
//!   `datestamp`, `ipaddr`, `refurl`) ignored. A response without `submitdate` was never
//!   completed: an error for that row, unless [`ImportOptions::incomplete`] says otherwise.
//! * **Plain** tables with a column per question.
//!
//! A column that is no question of the sheet's scope, no metadata and not the Comune is
//! reported once as a warning ([`ImportWarningKind::UnknownColumn`]). Notes and `calculate`
//! columns are ignored: calculations are recomputed.
//!
//! # Values
//!
//! Dates as `YYYY-MM-DD`, `DD/MM/YYYY` or a spreadsheet's `YYYY-MM-DD HH:MM:SS`; decimals with
//! a point or a comma; whole numbers a spreadsheet wrote as `12.0`; choices by name or by label
//! in any of the form's languages (case, accents and punctuation ignored), several separated by
//! spaces, `;` or `,`. A value that cannot be read is passed on as written, and the answers are
//! checked by the form engine ([`Engine::validate`]) with the same rules as the web form
//! (required, types, choices, constraints), each issue becoming a [`RowError`] that names the
//! sheet, row and column it came from. The accepted answers are what the web form stores on
//! submission ([`Engine::finalize`]: non-relevant answers dropped, calculations done).
//!
//! # Comuni
//!
//! The column naming the Comune is recognised by its header (`comune_istat`, `codice_istat`,
//! `istat`, `pro_com_t`, `belfiore`, `codice_catastale`, `comune`, `nome_comune`,
//! `denominazione`…) or by the label of its question (the default questionnaire's `A1a`
//! "Codice Catastale del Comune", `A1` "Denominazione Comune") — the first non-empty one of a
//! row counts, ISTAT codes first, then Belfiore codes, then names — or given by the caller
//! ([`ImportOptions::comune_column`]). A cell holds an ISTAT code (leading zeros
//! optional), a Belfiore code or a name ([`ComuneIndex::find`]). An ambiguous name gives a row
//! that is planned but waits for a person's choice ([`ImportOptions::resolutions`], on a
//! second pass); a Comune not found, or found twice, is a row error.

mod comune;
mod error;
#[cfg(test)]
mod tests;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};

use time::Date;

use super::answers::Answers;
use super::engine::{Engine, FieldPath, Issue, IssueKind, MAX_INSTANCES, MAX_TEXT_LEN};
use super::xlsform::{Form, Item, Kind};
use crate::sheet::{self, SheetError, header_key};
use crate::territory::search::normalise;
use values::Choices;

pub use comune::{ComuneIndex, ComuneMatch, ComuneRef};
pub use error::{ImportWarning, ImportWarningKind, RowError, RowErrorKind};

/// Where a table comes from, as recognised from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// argine's own export (`comune_istat` column).
    Argine,
    /// A KoboToolbox export (`_uuid`, `_index`, `meta/instanceID`… or group paths).
    Kobo,
    /// A LimeSurvey export (`submitdate`, `lastpage`… or `name[choice]` columns).
    LimeSurvey,
    /// A table with a column per question.
    Plain,
}

/// What to do with an incomplete response (LimeSurvey: empty `submitdate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Incomplete {
    /// An error for that row ([`RowErrorKind::Incomplete`]).
    #[default]
    Reject,
    /// Left out, with a warning ([`ImportWarningKind::SkippedIncomplete`]).
    Skip,
    /// Imported like the others (the engine still checks required answers).
    Import,
}

/// How to read a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The day the answers are checked and finalised on (as the web form's submission).
    pub today: Date,
    /// Language of the form's messages in the errors (a form language or its code, `it`).
    pub lang: String,
    /// The header of the column naming the Comune (otherwise recognised by its header).
    pub comune_column: Option<String>,
    /// A person's choices, spreadsheet row of the main sheet → ISTAT code: they settle
    /// ambiguous rows (or any row) on a second pass.
    pub resolutions: BTreeMap<usize, String>,
    pub incomplete: Incomplete,
}

impl ImportOptions {
    /// Defaults: messages in Italian, the Comune column recognised, no resolutions, incomplete
    /// responses refused.
    #[must_use]
    pub fn new(today: Date) -> Self {
        Self {
            today,
            lang: "it".into(),
            comune_column: None,
            resolutions: BTreeMap::new(),
            incomplete: Incomplete::Reject,
        }
    }
}

/// One response to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    /// The spreadsheet row of the main sheet (as the spreadsheet program shows it).
    pub row: usize,
    /// [`ComuneMatch::Matched`], or [`ComuneMatch::Ambiguous`] until a person chooses.
    pub comune: ComuneMatch,
    /// The answers as the web form stores them on submission.
    pub answers: Answers,
}

/// What an import would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// Every row without errors, in sheet order.
    pub rows: Vec<PlannedRow>,
    /// Every error, by sheet then row.
    pub errors: Vec<RowError>,
    pub warnings: Vec<ImportWarning>,
    pub format: SourceFormat,
}

impl ImportPlan {
    /// No errors and no row waiting for a person to choose its Comune.
    pub fn is_importable(&self) -> bool {
        self.errors.is_empty() && self.rows.iter().all(|r| matches!(r.comune, ComuneMatch::Matched(_)))
    }

    /// The rows waiting for a person to choose their Comune.
    pub fn ambiguous(&self) -> impl Iterator<Item = &PlannedRow> {
        self.rows.iter().filter(|r| matches!(r.comune, ComuneMatch::Ambiguous(_)))
    }
}

/// Plans the import of `sheets` (name, rows with the header first; `rows[i]` is spreadsheet
/// row `i + 1`, as [`sheet::read_workbook_sheets`] gives them) for `form`, matching rows to
/// `comuni`. The first sheet not named after a repeat holds the responses; leading blank rows
/// are skipped, the first non-blank row is the header.
pub fn plan(
    form: &Form,
    sheets: &[(String, Vec<Vec<String>>)],
    comuni: &[ComuneRef],
    options: &ImportOptions,
) -> ImportPlan {
    let inputs = sheets.iter().filter_map(|(name, grid)| Input::from_grid(name, grid)).collect();
    run(form, inputs, sheets.first().map_or("", |(n, _)| n.as_str()), comuni, options)
}

/// [`plan`] for a file: a CSV (one sheet, named `""` in the report) or a workbook (XLSX, XLS,
/// ODS; every sheet).
///
/// # Errors
/// The file is not a readable table ([`sheet::read`], [`sheet::read_workbook_sheets`]).
pub fn plan_bytes(
    form: &Form,
    bytes: &[u8],
    comuni: &[ComuneRef],
    options: &ImportOptions,
) -> Result<ImportPlan, SheetError> {
    if sheet::looks_like_zip_or_ole(bytes) {
        let sheets = sheet::read_workbook_sheets(bytes)?;
        return Ok(plan(form, &sheets, comuni, options));
    }
    let table = sheet::read(bytes)?;
    let input = Input {
        name: "",
        header_row: 1,
        headers: &table.headers,
        rows: table.rows.iter().map(|(r, cells)| (*r, cells.as_slice())).collect(),
    };
    Ok(run(form, vec![input], "", comuni, options))
}

// ---------------------------------------------------------------------------------------------
// Input sheets and scopes.

/// One sheet: its header and its non-blank rows with their spreadsheet numbers.
struct Input<'a> {
    name: &'a str,
    header_row: usize,
    headers: &'a [String],
    rows: Vec<(usize, &'a [String])>,
}

fn blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

impl<'a> Input<'a> {
    fn from_grid(name: &'a str, grid: &'a [Vec<String>]) -> Option<Self> {
        let h = grid.iter().position(|r| !blank(r))?;
        let rows =
            grid.iter().enumerate().skip(h + 1).filter(|(_, r)| !blank(r)).map(|(i, r)| (i + 1, &r[..])).collect();
        Some(Self { name, header_row: h + 1, headers: &grid[h], rows })
    }

    fn header(&self, c: usize) -> String {
        self.headers.get(c).map_or_else(String::new, |h| h.trim().to_owned())
    }

    fn position(&self, pred: impl Fn(&str) -> bool) -> Option<usize> {
        self.headers.iter().position(|h| pred(h.trim()))
    }
}

fn cell(cells: &[String], c: usize) -> &str {
    cells.get(c).map_or("", |s| s.trim())
}

/// The top level or one repeat: the questions whose values sit together in one row.
struct Scope<'f> {
    repeat: Option<&'f Item>,
    parent: Option<usize>,
    /// The enclosing repeats' names from the top, the scope's own last.
    chain: Vec<&'f str>,
    fields: Vec<&'f Item>,
}

fn scopes(form: &Form) -> Vec<Scope<'_>> {
    fn walk<'f>(items: &'f [Item], at: usize, out: &mut Vec<Scope<'f>>) {
        for item in items {
            match item.kind {
                Kind::Group => walk(&item.children, at, out),
                Kind::Repeat => {
                    let mut chain = out[at].chain.clone();
                    chain.push(&item.name);
                    out.push(Scope { repeat: Some(item), parent: Some(at), chain, fields: Vec::new() });
                    let id = out.len() - 1;
                    walk(&item.children, id, out);
                }
                _ => out[at].fields.push(item),
            }
        }
    }
    let mut out = vec![Scope { repeat: None, parent: None, chain: Vec::new(), fields: Vec::new() }];
    walk(&form.items, 0, &mut out);
    out
}

/// Normalised and without spaces (LimeSurvey codes cannot hold `_`).
fn compact(s: &str) -> String {
    normalise(s).replace(' ', "")
}

impl<'f> Scope<'f> {
    fn name(&self) -> &'f str {
        self.repeat.map_or("", |r| r.name.as_str())
    }

    /// A question of the scope by name: exactly, ignoring case, or ignoring punctuation (when
    /// only one question fits).
    fn field(&self, name: &str) -> Option<&'f Item> {
        if let Some(f) = self.fields.iter().find(|f| f.name == name) {
            return Some(f);
        }
        if let Some(f) = self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)) {
            return Some(f);
        }
        let key = compact(name);
        let mut fits = self.fields.iter().filter(|f| !key.is_empty() && compact(&f.name) == key);
        match (fits.next(), fits.next()) {
            (Some(f), None) => Some(f),
            _ => None,
        }
    }

    /// The only question of the scope with this label (in any language).
    fn by_label(&self, header: &str) -> Option<&'f Item> {
        let key = normalise(header);
        if key.is_empty() {
            return None;
        }
        let mut fits = self.fields.iter().filter(|f| f.label.values().any(|l| normalise(l) == key));
        match (fits.next(), fits.next()) {
            (Some(f), None) => Some(f),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Columns.

/// What a column holds.
#[derive(Debug, Clone)]
enum Col<'f> {
    /// The value of a question.
    Field(&'f Item),
    /// Whether one choice of a `select_multiple` is ticked.
    Option(&'f Item, String),
    /// The "other" text of a select (LimeSurvey `name[other]`) and the question that holds it.
    Other(&'f Item, Option<&'f Item>),
    /// A part of a geopoint: 0 latitude, 1 longitude, 2 altitude, 3 precision.
    Geo(&'f Item, usize),
    /// Known but not imported: notes, calculations, metadata, the Comune, links.
    Skip,
}

const KOBO_MARKERS: [&str; 9] = [
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_parent_index",
    "__version__",
    "_validation_status",
    "_submitted_by",
    "_status",
];

const KOBO_META: [&str; 8] =
    ["start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber"];

const LIME_MARKERS: [&str; 3] = ["submitdate", "lastpage", "startlanguage"];

const LIME_META: [&str; 11] = [
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
    "interviewtime",
];

const GEO_PARTS: [&str; 4] = ["_latitude", "_longitude", "_altitude", "_precision"];

/// `name[sub]` of LimeSurvey.
fn bracketed(h: &str) -> Option<(&str, &str)> {
    let body = h.strip_suffix(']')?;
    let (base, sub) = body.split_once('[')?;
    (!base.is_empty() && !sub.is_empty()).then_some((base, sub))
}

fn detect(main: &Input<'_>, others: &[&Input<'_>]) -> SourceFormat {
    let headers: Vec<String> = std::iter::once(main)
        .chain(others.iter().copied())
        .flat_map(|i| i.headers.iter().map(|h| h.trim().to_ascii_lowercase()))
        .collect();
    let has = |pred: &dyn Fn(&str) -> bool| headers.iter().any(|h| pred(h));
    if main.headers.iter().any(|h| h.trim() == "comune_istat") {
        SourceFormat::Argine
    } else if has(&|h| KOBO_MARKERS.contains(&h) || h.starts_with("meta/") || h.starts_with("formhub/")) {
        SourceFormat::Kobo
    } else if has(&|h| LIME_MARKERS.contains(&h)) {
        SourceFormat::LimeSurvey
    } else if has(&|h| h.contains('/')) {
        SourceFormat::Kobo
    } else if has(&|h| bracketed(h).is_some()) {
        SourceFormat::LimeSurvey
    } else {
        SourceFormat::Plain
    }
}

fn is_metadata(header: &str, format: SourceFormat) -> bool {
    let h = header.to_ascii_lowercase();
    match format {
        SourceFormat::Kobo => {
            KOBO_META.contains(&h.as_str())
                || h.starts_with('_')
                || h.starts_with("meta/")
                || h.starts_with("formhub/")
                || h.rsplit('/').next().is_some_and(|last| last.starts_with('_'))
        }
        SourceFormat::LimeSurvey => LIME_META.contains(&h.as_str()) || h.starts_with("grouptime"),
        SourceFormat::Argine | SourceFormat::Plain => false,
    }
}

/// The column of a question (not imported for notes and calculations).
fn field_col(item: &Item) -> Col<'_> {
    match item.kind {
        Kind::Note | Kind::Calculate => Col::Skip,
        _ => Col::Field(item),
    }
}

/// What a header names in a scope, if it names a question.
fn resolve<'f>(scope: &Scope<'f>, header: &str) -> Option<Col<'f>> {
    if let Some(item) = scope.fields.iter().find(|f| f.name == header) {
        return Some(field_col(item));
    }
    if let Some((base, sub)) = bracketed(header) {
        let item = scope.field(base)?;
        if sub.eq_ignore_ascii_case("other") && item.kind.list().is_some() {
            return Some(Col::Other(item, scope.field(&format!("{}_other", item.name))));
        }
        return matches!(item.kind, Kind::SelectMultiple { .. }).then(|| Col::Option(item, sub.to_owned()));
    }
    if header.contains('/') {
        let segments: Vec<&str> = header.split('/').collect();
        let last = segments.last().copied().unwrap_or_default();
        if let [.., select, _] = segments[..]
            && let Some(item) = scope.field(select)
            && matches!(item.kind, Kind::SelectMultiple { .. })
        {
            return Some(Col::Option(item, last.to_owned()));
        }
        return resolve_name(scope, last);
    }
    resolve_name(scope, header)
}

fn resolve_name<'f>(scope: &Scope<'f>, name: &str) -> Option<Col<'f>> {
    if let Some(item) = scope.field(name) {
        return Some(field_col(item));
    }
    for (part, suffix) in GEO_PARTS.iter().enumerate() {
        if let Some(inner) = name.strip_prefix('_').and_then(|n| n.strip_suffix(suffix))
            && let Some(item) = scope.field(inner)
            && item.kind == Kind::Geopoint
        {
            return Some(Col::Geo(item, part));
        }
    }
    scope.by_label(name).map(field_col)
}

/// The last segment of a group path.
fn last_segment(h: &str) -> &str {
    h.rsplit('/').next().unwrap_or(h).trim()
}

/// The columns naming the Comune, most precise first: the one the caller chose, or those whose
/// header, or the label of whose question in `scope`, is one of [`comune::COMUNE_HEADERS`].
fn comune_columns(input: &Input<'_>, chosen: Option<&str>, scope: &Scope<'_>) -> Result<Vec<usize>, RowErrorKind> {
    if let Some(name) = chosen {
        let key = header_key(name);
        return input
            .position(|h| h == name.trim())
            .or_else(|| input.position(|h| header_key(h) == key || header_key(last_segment(h)) == key))
            .map(|c| vec![c])
            .ok_or_else(|| RowErrorKind::ComuneColumnNotFound { column: name.to_owned() });
    }
    let keys: Vec<Vec<String>> = input
        .headers
        .iter()
        .map(|h| {
            let mut keys = vec![header_key(last_segment(h))];
            if let Some(Col::Field(item)) = resolve(scope, h.trim()) {
                keys.extend(item.label.values().map(|l| header_key(l)));
            }
            keys
        })
        .collect();
    let mut out = Vec::new();
    for wanted in comune::COMUNE_HEADERS {
        for (c, keys) in keys.iter().enumerate() {
            if keys.iter().any(|k| k == wanted) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if out.is_empty() { Err(RowErrorKind::NoComuneColumn) } else { Ok(out) }
}

/// How a cell of a Comune column links a repeat row to its response (and to another).
fn link_key(raw: &str) -> String {
    comune::istat_code(raw).unwrap_or_else(|| compact(values::unescape(raw.trim())))
}

// ---------------------------------------------------------------------------------------------
// The run.

/// One response or repeat instance being read.
struct Record<'f> {
    input: usize,
    row: usize,
    /// The record of the response it belongs to.
    main: usize,
    /// Instance numbers from the top (empty for a response).
    path: Vec<u64>,
    answers: Answers,
    /// Question → (column header, cell as written).
    cells: HashMap<&'f str, (String, String)>,
    /// Repeat → instances (instance number, record).
    children: BTreeMap<&'f str, Vec<(u64, usize)>>,
}

/// A row of the main sheet.
struct MainRow {
    record: usize,
    comune: Option<ComuneMatch>,
    column: Option<String>,
}

/// An error before it gets its sheet name, with the response it spoils.
struct Pending {
    input: usize,
    row: usize,
    column: Option<String>,
    kind: RowErrorKind,
    main: Option<usize>,
}

struct Run<'a> {
    options: &'a ImportOptions,
    index: ComuneIndex<'a>,
    inputs: Vec<Input<'a>>,
    scopes: Vec<Scope<'a>>,
    /// The input of each scope's sheet.
    sheet_of: Vec<Option<usize>>,
    format: SourceFormat,
    choices: HashMap<&'a str, Choices<'a>>,
}

#[derive(Default)]
struct State<'a> {
    records: Vec<Record<'a>>,
    mains: Vec<MainRow>,
    errors: Vec<Pending>,
    warnings: Vec<(usize, ImportWarning)>,
    /// Comune cells of the main sheet ([`link_key`]) and matched ISTAT codes → record.
    by_key: HashMap<String, usize>,
    by_istat: HashMap<String, usize>,
    /// (scope, main record, instance numbers) → record.
    by_path: HashMap<(usize, usize, Vec<u64>), usize>,
    /// (scope, `_index` cell) → record, for KoboToolbox links.
    by_index: HashMap<(usize, String), usize>,
    /// Scopes whose sheet has an `_index` column.
    indexed: HashSet<usize>,
    /// (record, scope) whose instances passed [`MAX_INSTANCES`].
    overflowing: HashSet<(usize, usize)>,
}

impl State<'_> {
    fn error(&mut self, input: usize, row: usize, column: Option<String>, kind: RowErrorKind, main: Option<usize>) {
        self.errors.push(Pending { input, row, column, kind, main });
    }
}

fn run<'a>(
    form: &'a Form,
    inputs: Vec<Input<'a>>,
    first_sheet: &str,
    comuni: &'a [ComuneRef],
    options: &'a ImportOptions,
) -> ImportPlan {
    let empty = |sheet: &str, row: usize, kind: RowErrorKind, format: SourceFormat| ImportPlan {
        rows: Vec::new(),
        errors: vec![RowError { sheet: sheet.to_owned(), row, column: None, kind }],
        warnings: Vec::new(),
        format,
    };
    let engine = match Engine::new(form) {
        Ok(e) => e,
        Err(e) => return empty("", 0, RowErrorKind::InvalidForm { message: e.to_string() }, SourceFormat::Plain),
    };
    let scopes = scopes(form);
    // Sheets: one per repeat (by name), the first other one holds the responses.
    let mut sheet_of: Vec<Option<usize>> = vec![None; scopes.len()];
    let mut unknown = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let key = header_key(input.name);
        let repeat = (1..scopes.len()).find(|&s| {
            let name = scopes[s].name();
            header_key(name) == key
                || (name.chars().count() > 31 && header_key(&name.chars().take(31).collect::<String>()) == key)
        });
        match repeat {
            Some(s) if sheet_of[s].is_none() && !key.is_empty() => sheet_of[s] = Some(i),
            _ if sheet_of[0].is_none() => sheet_of[0] = Some(i),
            _ => unknown.push(i),
        }
    }
    if sheet_of[0].is_none() {
        // Only repeat sheets: the first sheet holds the responses.
        if let Some(s) = sheet_of.iter().position(|s| *s == Some(0)) {
            sheet_of[s] = None;
            sheet_of[0] = Some(0);
        }
    }
    let Some(main) = sheet_of[0] else {
        return empty(first_sheet, 1, RowErrorKind::Empty, SourceFormat::Plain);
    };
    let others: Vec<&Input<'_>> = sheet_of[1..].iter().flatten().map(|&i| &inputs[i]).collect();
    let format = detect(&inputs[main], &others);
    let choices = form.choices.iter().map(|(list, c)| (list.as_str(), Choices::new(form, c))).collect();
    let r = Run { options, index: ComuneIndex::new(comuni), inputs, scopes, sheet_of, format, choices };
    let mut st = State::default();
    for i in unknown {
        let sheet = r.inputs[i].name.to_owned();
        st.warnings.push((i, ImportWarning { sheet, row: None, column: None, kind: ImportWarningKind::UnknownSheet }));
    }
    r.read_main(main, &mut st);
    for s in 1..r.scopes.len() {
        if let Some(i) = r.sheet_of[s] {
            r.read_repeat(s, i, &mut st);
        }
    }
    r.finish(&engine, st)
}

impl<'a> Run<'a> {
    /// The columns of a sheet for a scope; warnings for the unknown ones.
    fn columns(&self, scope: &Scope<'a>, input: usize, special: &[usize], st: &mut State<'a>) -> Vec<Col<'a>> {
        let sheet = &self.inputs[input];
        let mut taken: HashSet<(&str, String)> = HashSet::new();
        let mut out = Vec::with_capacity(sheet.headers.len());
        for (c, h) in sheet.headers.iter().enumerate() {
            let h = h.trim();
            let col = if h.is_empty() {
                Col::Skip
            } else if let Some(col) = resolve(scope, h) {
                col
            } else if special.contains(&c) || is_metadata(h, self.format) {
                Col::Skip
            } else {
                st.warnings.push((
                    input,
                    ImportWarning {
                        sheet: sheet.name.to_owned(),
                        row: None,
                        column: Some(h.to_owned()),
                        kind: ImportWarningKind::UnknownColumn,
                    },
                ));
                Col::Skip
            };
            let key = match &col {
                Col::Field(item) => Some((item.name.as_str(), String::new())),
                Col::Option(item, option) => Some((item.name.as_str(), option.clone())),
                _ => None,
            };
            if let Some(key) = key
                && !taken.insert(key.clone())
            {
                st.warnings.push((
                    input,
                    ImportWarning {
                        sheet: sheet.name.to_owned(),
                        row: None,
                        column: Some(h.to_owned()),
                        kind: ImportWarningKind::DuplicateColumn { field: key.0.to_owned() },
                    },
                ));
                out.push(Col::Skip);
            } else {
                out.push(col);
            }
        }
        out
    }

    /// The main sheet: one response per row.
    fn read_main(&self, input: usize, st: &mut State<'a>) {
        let sheet = &self.inputs[input];
        if sheet.rows.is_empty() {
            st.error(input, sheet.header_row, None, RowErrorKind::Empty, None);
        }
        let comune_cols = match comune_columns(sheet, self.options.comune_column.as_deref(), &self.scopes[0]) {
            Ok(c) => c,
            Err(kind) => {
                st.error(input, sheet.header_row, None, kind, None);
                Vec::new()
            }
        };
        let index_col = sheet.position(|h| h == "_index");
        if index_col.is_some() {
            st.indexed.insert(0);
        }
        let mut special = comune_cols.clone();
        special.extend(index_col);
        let cols = self.columns(&self.scopes[0], input, &special, st);
        let submit_col = (self.format == SourceFormat::LimeSurvey)
            .then(|| sheet.position(|h| h.eq_ignore_ascii_case("submitdate")))
            .flatten();
        for &(row, cells) in &sheet.rows {
            if let Some(c) = submit_col
                && cell(cells, c).is_empty()
            {
                match self.options.incomplete {
                    Incomplete::Reject => {
                        st.error(input, row, Some(sheet.header(c)), RowErrorKind::Incomplete, None);
                        continue;
                    }
                    Incomplete::Skip => {
                        let warning = ImportWarning {
                            sheet: sheet.name.to_owned(),
                            row: Some(row),
                            column: None,
                            kind: ImportWarningKind::SkippedIncomplete,
                        };
                        st.warnings.push((input, warning));
                        continue;
                    }
                    Incomplete::Import => {}
                }
            }
            let id = st.records.len();
            st.records.push(Record {
                input,
                row,
                main: id,
                path: Vec::new(),
                answers: Answers::new(),
                cells: HashMap::new(),
                children: BTreeMap::new(),
            });
            let (used, raw) = comune_cols
                .iter()
                .map(|&c| (Some(c), cell(cells, c)))
                .find(|(_, v)| !v.is_empty())
                .unwrap_or((comune_cols.first().copied(), ""));
            let column = used.map(|c| sheet.header(c));
            let comune = self.match_comune(row, raw, !comune_cols.is_empty(), input, column.clone(), id, st);
            if !raw.is_empty() {
                st.by_key.entry(link_key(raw)).or_insert(id);
            }
            if let Some(ComuneMatch::Matched(istat)) = &comune {
                st.by_istat.entry(istat.clone()).or_insert(id);
            }
            if let Some(c) = index_col {
                st.by_index.entry((0, cell(cells, c).to_owned())).or_insert(id);
            }
            st.mains.push(MainRow { record: id, comune, column });
            self.read_cells(0, &cols, input, row, cells, id, id, st);
        }
    }

    /// The Comune of a main row: a person's choice, or the cell.
    #[expect(clippy::too_many_arguments, reason = "one call site; a struct would only rename them")]
    fn match_comune(
        &self,
        row: usize,
        raw: &str,
        has_column: bool,
        input: usize,
        column: Option<String>,
        id: usize,
        st: &mut State<'a>,
    ) -> Option<ComuneMatch> {
        if let Some(choice) = self.options.resolutions.get(&row) {
            return match self.index.resolve(choice) {
                Some(istat) => Some(ComuneMatch::Matched(istat.to_owned())),
                None => {
                    st.error(input, row, column, RowErrorKind::BadResolution { istat: choice.clone() }, Some(id));
                    None
                }
            };
        }
        if !has_column {
            return None;
        }
        if raw.is_empty() {
            st.error(input, row, column, RowErrorKind::ComuneMissing, Some(id));
            return None;
        }
        match self.index.find(raw) {
            ComuneMatch::NotFound { suggestions } => {
                let suggestions = suggestions.iter().map(|s| self.index.describe(s)).collect();
                let kind = RowErrorKind::ComuneNotFound { value: values::unescape(raw).to_owned(), suggestions };
                st.error(input, row, column, kind, Some(id));
                None
            }
            found => Some(found),
        }
    }

    /// A repeat sheet: one instance per row, linked to its response or enclosing instance.
    fn read_repeat(&self, s: usize, input: usize, st: &mut State<'a>) {
        let scope = &self.scopes[s];
        let parent = scope.parent.unwrap_or(0);
        let sheet = &self.inputs[input];
        let named = |name: String| {
            let key = header_key(&name);
            sheet.position(move |h| header_key(last_segment(h)) == key)
        };
        let parent_index = sheet.position(|h| h == "_parent_index");
        let index_col = sheet.position(|h| h == "_index");
        let own_n = named(format!("{}_n", scope.name()));
        let parent_ns: Vec<Option<usize>> =
            scope.chain[..scope.chain.len().saturating_sub(1)].iter().map(|p| named(format!("{p}_n"))).collect();
        let comune_cols = comune_columns(sheet, self.options.comune_column.as_deref(), scope)
            .or_else(|_| comune_columns(sheet, None, scope))
            .unwrap_or_default();
        let mut special = comune_cols.clone();
        special.extend(parent_index.iter().chain(&index_col).chain(&own_n).chain(parent_ns.iter().flatten()));
        let cols = self.columns(scope, input, &special, st);
        let kobo = parent_index.is_some() && st.indexed.contains(&parent);
        if !kobo && (comune_cols.is_empty() || parent_ns.iter().any(Option::is_none)) {
            let kind = RowErrorKind::NoLinkColumn { repeat: scope.name().to_owned() };
            st.error(input, sheet.header_row, None, kind, None);
            return;
        }
        if index_col.is_some() {
            st.indexed.insert(s);
        }
        for &(row, cells) in &sheet.rows {
            let found = if let (true, Some(c)) = (kobo, parent_index) {
                let v = cell(cells, c);
                st.by_index.get(&(parent, v.to_owned())).copied().ok_or_else(|| format!("_parent_index {v}"))
            } else {
                let raw = comune_cols.iter().map(|&c| cell(cells, c)).find(|v| !v.is_empty()).unwrap_or("");
                let ns: Vec<Option<u64>> =
                    parent_ns.iter().flatten().map(|&c| instance_number(cell(cells, c))).collect();
                let mut description = values::unescape(raw).to_owned();
                for (p, &c) in scope.chain.iter().zip(parent_ns.iter().flatten()) {
                    description.push_str(&format!(", {p}_n {}", cell(cells, c)));
                }
                let main = st.by_key.get(&link_key(raw)).copied().or_else(|| match self.index.find(raw) {
                    ComuneMatch::Matched(istat) => st.by_istat.get(&istat).copied(),
                    _ => None,
                });
                let found = match (main, ns.into_iter().collect::<Option<Vec<u64>>>()) {
                    (Some(m), Some(ns)) if parent == 0 && ns.is_empty() => Some(m),
                    (Some(m), Some(ns)) => st.by_path.get(&(parent, m, ns)).copied(),
                    _ => None,
                };
                found.ok_or(description)
            };
            let parent_record = match found {
                Ok(p) => p,
                Err(parent) => {
                    st.error(input, row, None, RowErrorKind::OrphanRow { parent }, None);
                    continue;
                }
            };
            let main = st.records[parent_record].main;
            let mut number = None;
            if let Some(c) = own_n {
                let v = cell(cells, c);
                if !v.is_empty() {
                    number = instance_number(v);
                    if number.is_none() {
                        let kind = RowErrorKind::BadInstanceNumber { value: v.to_owned() };
                        st.error(input, row, Some(sheet.header(c)), kind, Some(main));
                    }
                }
            }
            let siblings = st.records[parent_record].children.get(scope.name()).map_or(0, Vec::len);
            if siblings >= MAX_INSTANCES {
                if st.overflowing.insert((parent_record, s)) {
                    st.error(input, row, None, RowErrorKind::TooManyInstances { max: MAX_INSTANCES }, Some(main));
                }
                continue;
            }
            let mut path = st.records[parent_record].path.clone();
            let number = match number {
                Some(n) => {
                    path.push(n);
                    if st.by_path.contains_key(&(s, main, path.clone())) {
                        let column = own_n.map(|c| sheet.header(c));
                        st.error(input, row, column, RowErrorKind::DuplicateInstance { number: n }, Some(main));
                        continue;
                    }
                    n
                }
                None => {
                    let n = u64::try_from(siblings).unwrap_or(u64::MAX).saturating_add(1);
                    path.push(n);
                    n
                }
            };
            let id = st.records.len();
            st.records.push(Record {
                input,
                row,
                main,
                path: path.clone(),
                answers: Answers::new(),
                cells: HashMap::new(),
                children: BTreeMap::new(),
            });
            st.records[parent_record].children.entry(scope.name()).or_default().push((number, id));
            st.by_path.entry((s, main, path)).or_insert(id);
            if let Some(c) = index_col {
                st.by_index.entry((s, cell(cells, c).to_owned())).or_insert(id);
            }
            self.read_cells(s, &cols, input, row, cells, id, main, st);
        }
    }

    /// The answers of one row, into record `id`.
    #[expect(clippy::too_many_arguments, reason = "the row's coordinates")]
    fn read_cells(
        &self,
        s: usize,
        cols: &[Col<'a>],
        input: usize,
        row: usize,
        cells: &[String],
        id: usize,
        main: usize,
        st: &mut State<'a>,
    ) {
        let sheet = &self.inputs[input];
        let by_question = RowCells::gather(cols, cells);
        let mut answers = Answers::new();
        let mut provenance = HashMap::new();
        let mut errors = Vec::new();
        for &item in &self.scopes[s].fields {
            let Some(value) = self.value(item, &by_question, &mut errors) else { continue };
            let name = item.name.as_str();
            // Where the value came from: its column, else the question (composed from option or
            // coordinate columns).
            let column = match by_question.whole.get(name).or_else(|| by_question.other_text.get(name)) {
                Some(&(c, raw)) => Some((sheet.header(c), raw.to_owned())),
                None => by_question.composed(name).then(|| (name.to_owned(), value.clone())),
            };
            if let Some(column) = column {
                provenance.insert(name, column);
            }
            answers.set(name, value);
        }
        for (c, kind) in errors {
            st.error(input, row, Some(sheet.header(c)), kind, Some(main));
        }
        if let Some(record) = st.records.get_mut(id) {
            record.answers = answers;
            record.cells = provenance;
        }
    }

    /// The value of a question from a row's cells, as the web form would store it when it can
    /// be read, else as written (for the engine to report); `None` for notes and calculations.
    /// Problems the engine cannot see (a yes/no cell with something else, a ticked choice
    /// column that is no choice, half a geopoint) go to `errors` with their column.
    fn value(&self, item: &Item, row: &RowCells<'_>, errors: &mut Vec<(usize, RowErrorKind)>) -> Option<String> {
        let name = item.name.as_str();
        let given = row.whole.get(name).copied().filter(|(_, v)| !v.is_empty()).map(|(c, raw)| (c, values::text(raw)));
        let choices = item.kind.list().and_then(|l| self.choices.get(l));
        let other_ticked = row.other_choice.contains(name);
        let value = match (&item.kind, choices) {
            (Kind::Note | Kind::Calculate, _) => return None,
            (Kind::SelectMultiple { .. }, Some(ch)) => {
                let mut chosen = Vec::new();
                if let Some((_, t)) = given {
                    match ch.many(&t) {
                        Some(v) => chosen = v,
                        None => return Some(t),
                    }
                } else {
                    for &(c, option, raw) in row.options.get(name).into_iter().flatten() {
                        let this = ch.by_name(option);
                        // Ticked: a yes, or the choice's own name or label (LimeSurvey's full answers).
                        let ticked =
                            values::flag(raw).or_else(|| (this.is_some() && ch.one(raw) == this).then_some(true));
                        match (ticked, this) {
                            (Some(true), Some(i)) => chosen.push(i),
                            (Some(true), None) => {
                                errors.push((c, RowErrorKind::UnknownChoice { value: option.to_owned() }))
                            }
                            (Some(false), _) => {}
                            (None, _) => errors.push((c, RowErrorKind::BadFlag { value: raw.to_owned() })),
                        }
                    }
                }
                chosen.extend(ch.by_name("other").filter(|_| other_ticked));
                ch.join(chosen)
            }
            (Kind::SelectOne { .. }, Some(ch)) => match given {
                Some((_, t)) => match ch.one(&t) {
                    Some(i) => ch.name(i).to_owned(),
                    None if t == "-oth-" && ch.by_name("other").is_some() => "other".to_owned(),
                    None => t,
                },
                None if other_ticked && ch.by_name("other").is_some() => "other".to_owned(),
                None => String::new(),
            },
            (Kind::Integer, _) => given.map(|(_, t)| values::integer(&t).unwrap_or(t)).unwrap_or_default(),
            (Kind::Decimal, _) => given.map(|(_, t)| values::decimal(&t).unwrap_or(t)).unwrap_or_default(),
            (Kind::Date, _) => given.map(|(_, t)| values::date(&t).unwrap_or(t)).unwrap_or_default(),
            (Kind::Acknowledge, _) => match given.map(|(c, t)| (c, values::flag(&t), t)) {
                Some((_, Some(true), _)) => "OK".to_owned(),
                Some((c, None, t)) => {
                    errors.push((c, RowErrorKind::BadFlag { value: t }));
                    String::new()
                }
                Some((_, Some(false), _)) | None => String::new(),
            },
            (Kind::Geopoint, _) => match given {
                Some((_, t)) => values::geopoint(&t),
                None => row.geopoint(name, errors),
            },
            _ => match given {
                Some((_, t)) => t,
                None => row.other_text.get(name).map(|&(_, raw)| values::text(raw)).unwrap_or_default(),
            },
        };
        Some(value)
    }

    /// The answers of each response, checked by the engine; duplicates; the plan.
    fn finish(&self, engine: &Engine<'_>, mut st: State<'a>) -> ImportPlan {
        for record in &mut st.records {
            for list in record.children.values_mut() {
                list.sort_unstable();
            }
        }
        let today = self.options.today;
        let taken: HashSet<(usize, usize, Option<String>)> =
            st.errors.iter().map(|e| (e.input, e.row, e.column.clone())).collect();
        let mut results = Vec::with_capacity(st.mains.len());
        for m in &st.mains {
            let answers = assemble(&st.records, m.record);
            let computed = engine.compute(&answers, today);
            let issues = engine.validate(&computed, &self.options.lang, today);
            let mut errors = Vec::new();
            for issue in issues {
                let (input, row, column, kind) = self.issue_error(&st.records, m.record, &issue);
                if !taken.contains(&(input, row, Some(column.clone()))) {
                    errors.push(Pending { input, row, column: Some(column), kind, main: Some(m.record) });
                }
            }
            st.errors.extend(errors);
            results.push(engine.finalize(&computed, today));
        }
        // The same Comune twice.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut duplicates = Vec::new();
        for m in &st.mains {
            let row = st.records[m.record].row;
            if let Some(ComuneMatch::Matched(istat)) = &m.comune {
                match seen.get(istat.as_str()) {
                    Some(&first_row) => {
                        let kind = RowErrorKind::DuplicateComune { comune: self.index.describe(istat), first_row };
                        duplicates.push(Pending {
                            input: st.records[m.record].input,
                            row,
                            column: m.column.clone(),
                            kind,
                            main: Some(m.record),
                        });
                    }
                    None => {
                        seen.insert(istat, row);
                    }
                }
            }
        }
        st.errors.extend(duplicates);
        let failed: HashSet<usize> = st.errors.iter().filter_map(|e| e.main).collect();
        let rows = st
            .mains
            .iter()
            .zip(results)
            .filter(|(m, _)| !failed.contains(&m.record))
            .filter_map(|(m, answers)| {
                let comune = m.comune.clone()?;
                Some(PlannedRow { row: st.records[m.record].row, comune, answers })
            })
            .collect();
        st.errors.sort_by_key(|e| (e.input, e.row));
        let errors = st
            .errors
            .into_iter()
            .map(|e| RowError {
                sheet: self.inputs[e.input].name.to_owned(),
                row: e.row,
                column: e.column,
                kind: e.kind,
            })
            .collect();
        st.warnings.sort_by_key(|(i, w)| (*i, w.row));
        let warnings = st.warnings.into_iter().map(|(_, w)| w).collect();
        ImportPlan { rows, errors, warnings, format: self.format }
    }

    /// Where an engine issue comes from and what it is.
    fn issue_error(&self, records: &[Record<'_>], main: usize, issue: &Issue) -> (usize, usize, String, RowErrorKind) {
        let (record, exact) = locate(records, main, &issue.path);
        let r = &records[record];
        let field = issue.path.name.clone();
        let (column, raw) = match r.cells.get(field.as_str()).filter(|_| exact) {
            Some((column, raw)) => (column.clone(), values::unescape(raw).to_owned()),
            None => (field.clone(), String::new()),
        };
        let value = if raw.is_empty() { self.value_at(records, main, &issue.path) } else { raw };
        let kind = match issue.kind {
            IssueKind::Required => RowErrorKind::Required { field },
            IssueKind::Constraint => RowErrorKind::Constraint { field, value, message: issue.message.clone() },
            IssueKind::InvalidInteger => RowErrorKind::BadInteger { value },
            IssueKind::InvalidDecimal => RowErrorKind::BadDecimal { value },
            IssueKind::InvalidDate => RowErrorKind::BadDate { value },
            IssueKind::UnknownChoice => RowErrorKind::UnknownChoice { value },
            IssueKind::InvalidGeopoint => RowErrorKind::BadGeopoint { value },
            IssueKind::TooLong => RowErrorKind::TooLong { max: MAX_TEXT_LEN },
        };
        (r.input, r.row, column, kind)
    }

    /// The imported value at a path (before the engine computes).
    fn value_at(&self, records: &[Record<'_>], main: usize, path: &FieldPath) -> String {
        match locate(records, main, path) {
            (r, true) => records[r].answers.value(&path.name).to_owned(),
            _ => String::new(),
        }
    }
}

/// The cells of one row by question.
struct RowCells<'c> {
    /// Question → (column, cell) of its own column.
    whole: HashMap<&'c str, (usize, &'c str)>,
    /// `select_multiple` → (column, choice, cell) of its choice columns.
    options: HashMap<&'c str, Vec<(usize, &'c str, &'c str)>>,
    /// Selects whose "other" text is filled in.
    other_choice: HashSet<&'c str>,
    /// "other" text question → (column, cell).
    other_text: HashMap<&'c str, (usize, &'c str)>,
    /// Geopoint → (column, cell) of latitude, longitude, altitude, precision.
    geo: HashMap<&'c str, [Option<(usize, &'c str)>; 4]>,
}

impl<'c> RowCells<'c> {
    fn gather(cols: &'c [Col<'_>], cells: &'c [String]) -> Self {
        let mut row = Self {
            whole: HashMap::new(),
            options: HashMap::new(),
            other_choice: HashSet::new(),
            other_text: HashMap::new(),
            geo: HashMap::new(),
        };
        for (c, col) in cols.iter().enumerate() {
            let raw = cell(cells, c);
            match col {
                Col::Field(item) => {
                    row.whole.insert(item.name.as_str(), (c, raw));
                }
                Col::Option(item, option) => row.options.entry(item.name.as_str()).or_default().push((c, option, raw)),
                Col::Other(select, text) => {
                    if !raw.is_empty() {
                        row.other_choice.insert(select.name.as_str());
                        if let Some(t) = text {
                            row.other_text.insert(t.name.as_str(), (c, raw));
                        }
                    }
                }
                Col::Geo(item, part) => {
                    if let Some(slot) = row.geo.entry(item.name.as_str()).or_default().get_mut(*part) {
                        *slot = Some((c, raw));
                    }
                }
                Col::Skip => {}
            }
        }
        row
    }

    /// Whether the question's value is made of several columns (choices or coordinates).
    fn composed(&self, name: &str) -> bool {
        self.options.get(name).is_some_and(|o| !o.is_empty()) || self.geo.contains_key(name)
    }

    /// A geopoint from its coordinate columns (`""` when there are none; half a point is an
    /// error).
    fn geopoint(&self, name: &str, errors: &mut Vec<(usize, RowErrorKind)>) -> String {
        let Some(parts) = self.geo.get(name) else { return String::new() };
        let part = |i: usize| parts[i].filter(|(_, v)| !v.is_empty()).map(|(_, v)| v);
        match (part(0), part(1)) {
            (Some(lat), Some(lon)) => {
                let mut p = vec![lat, lon];
                match (part(2), part(3)) {
                    (Some(alt), Some(acc)) => p.extend([alt, acc]),
                    (Some(alt), None) => p.push(alt),
                    (None, Some(acc)) => p.extend(["0", acc]),
                    (None, None) => {}
                }
                values::geopoint(&p.join(" "))
            }
            (None, None) => String::new(),
            _ => {
                if let Some(&(c, v)) = parts[..2].iter().flatten().find(|(_, v)| !v.is_empty()) {
                    errors.push((c, RowErrorKind::BadGeopoint { value: v.to_owned() }));
                }
                String::new()
            }
        }
    }
}

/// A number of `REPEAT_n`: a positive whole number.
fn instance_number(s: &str) -> Option<u64> {
    values::integer(s.trim())?.parse::<u64>().ok().filter(|&n| n >= 1)
}

/// The record of the instance a path names (or of the deepest one that exists, `false`).
fn locate(records: &[Record<'_>], main: usize, path: &FieldPath) -> (usize, bool) {
    let mut at = main;
    for (repeat, index) in &path.repeats {
        match records[at].children.get(repeat.as_str()).and_then(|l| l.get(*index)) {
            Some(&(_, r)) => at = r,
            None => return (at, false),
        }
    }
    (at, true)
}

/// The answers of a record with its repeat instances.
fn assemble(records: &[Record<'_>], id: usize) -> Answers {
    let record = &records[id];
    let mut answers = record.answers.clone();
    for (repeat, list) in &record.children {
        let instances = list.iter().map(|&(_, r)| assemble(records, r)).collect();
        answers.set_repeat(repeat, instances);
    }
    answers
}
