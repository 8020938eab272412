//! Import: sheets of text → [`Form`], with every problem found (not only the first).

use super::error::{FormError, FormErrorKind as K};
use super::refs::{self, check_expression};
use super::{Choice, Form, Item, Kind, Labels, MetaKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Data rows accepted on the survey sheet (a hostile file can't exhaust memory).
pub const MAX_SURVEY_ROWS: usize = 5_000;
/// Data rows accepted on the choices sheet.
pub const MAX_CHOICE_ROWS: usize = 20_000;
/// pyxform stops reading a sheet after this many empty rows in a row.
const MAX_ADJACENT_EMPTY_ROWS: usize = 60;
/// pyxform stops reading headers after this many empty header cells in a row.
const MAX_ADJACENT_EMPTY_COLUMNS: usize = 20;

const SURVEY: &str = "survey";
const CHOICES: &str = "choices";
const SETTINGS: &str = "settings";

/// What [`parse_with_warnings`] found: the form (or its errors) and the warnings, which do not
/// stop a form from being accepted (a choice without label, a type argine does not model…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub result: Result<Form, Vec<FormError>>,
    pub warnings: Vec<FormError>,
}

/// Reads a form from its sheets (sheet name, rows of cells; row 0 is the header, spreadsheet
/// row 1). Sheet names are matched case-insensitively; a workbook with a single sheet is the
/// survey whatever its name, as in pyxform. All errors are collected.
pub fn parse(sheets: &[(String, Vec<Vec<String>>)]) -> Result<Form, Vec<FormError>> {
    parse_with_warnings(sheets).result
}

/// Reads a form from the bytes of an `.xlsx` (or `.xls`, `.ods`) file.
pub fn parse_xlsx(bytes: &[u8]) -> Result<Form, Vec<FormError>> {
    parse_xlsx_with_warnings(bytes).result
}

/// [`parse_xlsx`] with the warnings.
pub fn parse_xlsx_with_warnings(bytes: &[u8]) -> Parsed {
    match crate::sheet::read_workbook_sheets(bytes) {
        Ok(sheets) => parse_with_warnings(&sheets),
        Err(e) => Parsed {
            result: Err(vec![FormError::new("workbook", None, None, K::Unreadable { message: e.to_string() })]),
            warnings: Vec::new(),
        },
    }
}

/// [`parse`] with the warnings.
pub fn parse_with_warnings(sheets: &[(String, Vec<Vec<String>>)]) -> Parsed {
    let mut p = Parser::default();
    let form = p.run(sheets);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for e in p.problems {
        if e.kind.is_warning() { warnings.push(e) } else { errors.push(e) }
    }
    Parsed { result: if errors.is_empty() { Ok(form) } else { Err(errors) }, warnings }
}

// ---------------------------------------------------------------------------------- cells

/// Cleans a cell as pyxform's reader does: trimmed, no-break spaces as spaces.
fn clean(cell: &str) -> String {
    let t = cell.trim();
    if t.contains('\u{a0}') { t.replace('\u{a0}', " ").trim().to_owned() } else { t.to_owned() }
}

/// Runs of spaces become one (pyxform does this to every survey cell; argine to types).
fn collapse_spaces(s: &str) -> String {
    s.split(' ').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Typographic quotes become plain ones in expressions, as pyxform does.
fn plain_quotes(s: &str) -> String {
    s.replace(['\u{2018}', '\u{2019}'], "'").replace(['\u{201c}', '\u{201d}'], "\"")
}

fn snake(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("_").to_lowercase()
}

fn is_yes_no(s: &str) -> bool {
    matches!(
        s,
        "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "true()"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "false()"
    )
}

fn is_yes(s: &str) -> bool {
    matches!(s, "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "true()")
}

/// One header of a sheet.
#[derive(Debug, Clone)]
struct Column {
    /// Index in the row.
    index: usize,
    /// As written (trimmed, spaces collapsed).
    raw: String,
    /// What argine makes of it (`None`: kept as an extra column).
    field: Option<&'static str>,
    /// Language of a translatable column.
    lang: Option<String>,
    /// A media column (`image`, `audio`…): counts as a label.
    media: bool,
}

/// A sheet with its headers and non-empty data rows (row number, cleaned cells by column).
struct Sheet {
    columns: Vec<Column>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn has(&self, field: &str) -> bool {
        self.columns.iter().any(|c| c.field == Some(field))
    }
}

/// Splits a header into (first token in snake case, rest) as pyxform does: on `::`, or on a
/// single `:` when no header of the sheet has `::` (with `jr:count`-style names kept whole).
fn split_header(raw: &str, double_colon: bool) -> (String, Option<String>) {
    let tokens: Vec<String> = if double_colon || raw.contains("::") {
        raw.split("::").map(|t| t.trim().to_owned()).collect()
    } else {
        let mut t: Vec<String> = raw.split(':').map(|t| t.trim().to_owned()).collect();
        if let Some(i) = t.iter().position(|x| x == "jr")
            && i + 1 < t.len()
        {
            let joined = format!("jr:{}", t[i + 1]);
            t.splice(i..i + 2, [joined]);
        }
        t
    };
    let mut it = tokens.into_iter();
    let first = snake(&it.next().unwrap_or_default());
    let rest: Vec<String> = it.collect();
    (first, if rest.is_empty() { None } else { Some(rest.join("::")) })
}

const TRANSLATABLE: &[&str] = &["label", "hint", "constraint_message", "required_message"];
const MEDIA: &[&str] = &["image", "big-image", "audio", "video"];

fn survey_field(base: &str) -> Option<&'static str> {
    Some(match base {
        "type" | "command" => "type",
        "name" | "tag" | "value" => "name",
        "label" | "caption" => "label",
        "hint" => "hint",
        "required" => "required",
        "required_message" | "requiredmsg" => "required_message",
        "relevant" | "relevance" => "relevant",
        "constraint" => "constraint",
        "constraint_message" | "constraining_message" => "constraint_message",
        "calculation" | "calculate" => "calculation",
        "default" => "default",
        "read_only" | "readonly" => "read_only",
        "choice_filter" => "choice_filter",
        "repeat_count" | "count" | "jr:count" => "repeat_count",
        "appearance" => "appearance",
        "parameters" => "parameters",
        "disabled" => "disabled",
        "trigger" => "trigger",
        _ => return None,
    })
}

fn choices_field(base: &str) -> Option<&'static str> {
    Some(match base {
        "list_name" => "list_name",
        "name" | "value" => "name",
        "label" | "caption" => "label",
        _ => return None,
    })
}

fn settings_field(base: &str) -> Option<&'static str> {
    Some(match base {
        "form_title" | "set_form_title" | "title" => "title",
        "form_id" | "set_form_id" | "id_string" => "id",
        "version" => "version",
        "default_language" => "default_language",
        "instance_name" => "instance_name",
        _ => return None,
    })
}

// --------------------------------------------------------------------------------- parser

#[derive(Default)]
struct Parser {
    problems: Vec<FormError>,
    /// Key of unsuffixed translatable columns.
    default_lang: String,
    /// Languages of the survey sheet's columns, then of the choices sheet's.
    languages: Vec<String>,
    choice_languages: Vec<String>,
    /// Every name on the survey sheet, with its count (for `${…}`).
    element_names: HashMap<String, usize>,
    /// (sheet, row, column, names referenced).
    references: Vec<(&'static str, usize, String, Vec<String>)>,
    repeat_names: HashSet<String>,
    root_name: String,
}

/// A group or repeat being read (the root is the survey itself).
struct Frame {
    item: Option<Item>,
    children: Vec<Item>,
    names: HashSet<String>,
    names_lower: HashSet<String>,
}

impl Frame {
    fn new(item: Option<Item>) -> Self {
        Self { item, children: Vec::new(), names: HashSet::new(), names_lower: HashSet::new() }
    }
}

impl Parser {
    fn err(&mut self, sheet: &str, row: Option<usize>, column: Option<&str>, kind: K) {
        self.problems.push(FormError::new(sheet, row, column, kind));
    }

    /// Headers and rows of a sheet, or `None` (with an error) when it is too large.
    fn sheet(
        &mut self,
        name: &'static str,
        grid: &[Vec<String>],
        max_rows: usize,
        field: fn(&str) -> Option<&'static str>,
    ) -> Option<Sheet> {
        let data_rows = grid.len().saturating_sub(1);
        if data_rows > max_rows {
            self.err(name, None, None, K::TooManyRows { rows: data_rows, max: max_rows });
            return None;
        }
        let header_cells: Vec<String> = grid.first().map(|r| r.iter().map(|c| clean(c)).collect()).unwrap_or_default();
        let double_colon = header_cells.iter().any(|h| h.contains("::"));
        let mut columns: Vec<Column> = Vec::new();
        let mut seen_raw: HashSet<String> = HashSet::new();
        let mut seen_field: HashMap<(String, Option<String>), String> = HashMap::new();
        let mut adjacent_empty = 0;
        for (index, cell) in header_cells.iter().enumerate() {
            if cell.is_empty() {
                if adjacent_empty == MAX_ADJACENT_EMPTY_COLUMNS {
                    break;
                }
                adjacent_empty += 1;
                continue;
            }
            adjacent_empty = 0;
            let raw = collapse_spaces(cell);
            if !seen_raw.insert(raw.clone()) {
                self.err(name, Some(1), Some(&raw), K::DuplicateColumn { column: raw.clone() });
                continue;
            }
            let (base, rest) = split_header(&raw, double_colon);
            let known = field(&base);
            let translatable = known.is_some_and(|f| TRANSLATABLE.contains(&f) || (name == SETTINGS && f == "title"));
            let (field_name, lang) = match (known, rest) {
                (Some(f), None) if translatable => (Some(f), Some(self.default_lang.clone())),
                (Some(f), Some(l)) if translatable => (Some(f), Some(l)),
                (Some(f), None) => (Some(f), None),
                // A language on a column that has none, or an unknown column: kept as is.
                _ => (None, None),
            };
            let media = field_name.is_none() && (MEDIA.contains(&base.as_str()) || base == "media");
            if let Some(f) = field_name {
                let key = (f.to_owned(), lang.clone());
                if let Some(other) = seen_field.get(&key) {
                    let column = format!("{other}, {raw}");
                    self.err(name, Some(1), Some(&raw), K::DuplicateColumn { column });
                    continue;
                }
                seen_field.insert(key, raw.clone());
                if f != "title"
                    && let Some(l) = &lang
                {
                    let languages = if name == CHOICES { &mut self.choice_languages } else { &mut self.languages };
                    if !languages.contains(l) {
                        languages.push(l.clone());
                    }
                }
            }
            columns.push(Column { index, raw, field: field_name, lang, media });
        }
        let mut rows = Vec::new();
        let mut adjacent_empty = 0;
        for (i, r) in grid.iter().enumerate().skip(1) {
            let cells: Vec<String> =
                columns.iter().map(|c| r.get(c.index).map(|s| clean(s)).unwrap_or_default()).collect();
            if cells.iter().all(String::is_empty) {
                if adjacent_empty == MAX_ADJACENT_EMPTY_ROWS {
                    break;
                }
                adjacent_empty += 1;
                continue;
            }
            adjacent_empty = 0;
            rows.push((i + 1, cells));
        }
        Some(Sheet { columns, rows })
    }

    fn run(&mut self, sheets: &[(String, Vec<Vec<String>>)]) -> Form {
        let find = |n: &str| sheets.iter().find(|(s, _)| s.eq_ignore_ascii_case(n)).map(|(_, g)| g.as_slice());
        let survey_grid = find(SURVEY).or_else(|| {
            // A lone sheet is the survey whatever its name, unless it is another XLSForm sheet.
            match sheets {
                [(n, g)]
                    if ![CHOICES, SETTINGS, "external_choices", "osm", "entities"]
                        .contains(&n.to_lowercase().as_str()) =>
                {
                    Some(g.as_slice())
                }
                _ => None,
            }
        });
        let mut form = Form::default();
        for (name, grid) in sheets {
            let is_survey = survey_grid.is_some_and(|g| std::ptr::eq(g, grid.as_slice()));
            if !is_survey && ![SURVEY, CHOICES, SETTINGS].contains(&name.to_lowercase().as_str()) {
                form.other_sheets.push((name.clone(), grid.clone()));
            }
        }
        self.default_lang = super::DEFAULT_LANGUAGE.to_owned();
        self.root_name = "data".to_owned();

        // Settings first: the default language decides where unsuffixed columns go.
        let mut allow_duplicates = false;
        let mut omit_instance_id = false;
        if let Some(grid) = find(SETTINGS) {
            let default_language = grid.first().and_then(|header| {
                let i = header.iter().position(|h| snake(&clean(h)) == "default_language")?;
                grid.get(1).and_then(|r| r.get(i)).map(|v| clean(v)).filter(|v| !v.is_empty())
            });
            if let Some(l) = &default_language {
                self.default_lang = l.clone();
            }
            if let Some(sheet) = self.sheet(SETTINGS, grid, usize::MAX, settings_field)
                && let Some((row, cells)) = sheet.rows.first()
            {
                for (col, value) in sheet.columns.iter().zip(cells) {
                    if value.is_empty() {
                        continue;
                    }
                    match col.field {
                        Some("title") => {
                            form.title.insert(col.lang.clone().unwrap_or_default(), value.clone());
                        }
                        Some("id") => form.id = Some(value.clone()),
                        Some("version") => form.version = Some(value.clone()),
                        Some("default_language") => form.default_language = Some(value.clone()),
                        Some("instance_name") => {
                            let v = plain_quotes(value);
                            if refs::scan(&v).is_ok()
                                && let Err(message) = check_expression(&v, false)
                            {
                                self.err(SETTINGS, Some(*row), Some(&col.raw), K::InvalidExpression { message });
                            }
                            form.instance_name = Some(v);
                        }
                        _ => {
                            match snake(&col.raw).as_str() {
                                "allow_choice_duplicates" => allow_duplicates = is_yes(value),
                                "omit_instanceid" => omit_instance_id = is_yes(value),
                                "name" => self.root_name = value.clone(),
                                _ => {}
                            }
                            form.settings.insert(col.raw.clone(), value.clone());
                        }
                    }
                    self.collect_refs(SETTINGS, *row, &col.raw, value);
                }
            }
        }

        // Choices.
        let choices_sheet = find(CHOICES);
        if let Some(grid) = choices_sheet
            && let Some(sheet) = self.sheet(CHOICES, grid, MAX_CHOICE_ROWS, choices_field)
        {
            form.choices = self.choices(&sheet, allow_duplicates);
        }
        let has_external_choices = find("external_choices").is_some();

        // Survey.
        let Some(grid) = survey_grid else {
            self.err(SURVEY, None, None, K::MissingSheet { sheet: SURVEY.into() });
            form.languages = self.take_languages();
            return form;
        };
        if let Some(sheet) = self.sheet(SURVEY, grid, MAX_SURVEY_ROWS, survey_field) {
            if sheet.has("type") {
                form.items = self.survey(&sheet, &mut form.choices, choices_sheet.is_some(), has_external_choices);
            } else {
                self.err(SURVEY, Some(1), None, K::MissingColumn { column: "type".into() });
            }
        }

        if !omit_instance_id {
            *self.element_names.entry("instanceID".into()).or_default() += 1;
        }
        for (sheet, row, column, names) in std::mem::take(&mut self.references) {
            for name in names {
                match self.element_names.get(&name) {
                    None => self.err(sheet, Some(row), Some(&column), K::UnknownReference { name }),
                    Some(1) => {}
                    Some(_) => self.err(sheet, Some(row), Some(&column), K::AmbiguousReference { name }),
                }
            }
        }
        form.languages = self.take_languages();
        form
    }

    fn take_languages(&mut self) -> Vec<String> {
        let mut out = std::mem::take(&mut self.languages);
        for l in std::mem::take(&mut self.choice_languages) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }

    /// Scans `${…}` in a cell: malformed ones are errors now, names are resolved at the end.
    fn collect_refs(&mut self, sheet: &'static str, row: usize, column: &str, value: &str) {
        match refs::scan(value) {
            Ok(names) if names.is_empty() => {}
            Ok(names) => self.references.push((sheet, row, column.to_owned(), names)),
            Err(refs::BadReference) => self.err(sheet, Some(row), Some(column), K::BadReference),
        }
    }

    fn choices(&mut self, sheet: &Sheet, allow_duplicates: bool) -> BTreeMap<String, Vec<Choice>> {
        if !sheet.rows.is_empty() && !sheet.has("name") {
            self.err(CHOICES, Some(1), None, K::MissingColumn { column: "name".into() });
        }
        let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for (row, cells) in &sheet.rows {
            let mut list = None;
            let mut choice = Choice { row: *row, ..Choice::default() };
            for (col, value) in sheet.columns.iter().zip(cells) {
                if value.is_empty() {
                    continue;
                }
                match col.field {
                    Some("list_name") => list = Some(value.clone()),
                    Some("name") => choice.name = value.clone(),
                    Some("label") => {
                        choice.label.insert(col.lang.clone().unwrap_or_default(), value.clone());
                        self.collect_refs(CHOICES, *row, &col.raw, value);
                    }
                    _ => {
                        if col.media {
                            self.collect_refs(CHOICES, *row, &col.raw, value);
                        }
                        choice.extra.insert(col.raw.clone(), value.clone());
                    }
                }
            }
            // pyxform ignores rows without a list name.
            let Some(list) = list else { continue };
            if choice.name.is_empty() {
                self.err(CHOICES, Some(*row), Some("name"), K::MissingChoiceName { list: list.clone() });
            } else {
                if choice.label.is_empty() {
                    let kind = K::MissingChoiceLabel { list: list.clone(), name: choice.name.clone() };
                    self.err(CHOICES, Some(*row), Some("label"), kind);
                }
                if !allow_duplicates && !seen.insert((list.clone(), choice.name.clone())) {
                    let kind = K::DuplicateChoice { list: list.clone(), name: choice.name.clone() };
                    self.err(CHOICES, Some(*row), Some("name"), kind);
                }
            }
            lists.entry(list).or_default().push(choice);
        }
        lists
    }

    fn survey(
        &mut self,
        sheet: &Sheet,
        choices: &mut BTreeMap<String, Vec<Choice>>,
        has_choices_sheet: bool,
        has_external_choices: bool,
    ) -> Vec<Item> {
        let has_name_column = sheet.has("name");
        let mut missing_name_column_reported = false;
        let mut stack = vec![Frame::new(None)];
        for (row, cells) in &sheet.rows {
            let row = *row;
            let get = |f: &str| {
                sheet
                    .columns
                    .iter()
                    .zip(cells)
                    .find(|(c, v)| c.field == Some(f) && !v.is_empty())
                    .map(|(_, v)| v.as_str())
            };
            let type_column = sheet.columns.iter().find(|c| c.field == Some("type")).map_or("type", |c| c.raw.as_str());
            // Like pyxform, references are checked on every row, skipped ones included.
            for (col, value) in sheet.columns.iter().zip(cells) {
                if !value.is_empty() && !matches!(col.field, Some("type" | "name" | "trigger")) {
                    self.collect_refs(SURVEY, row, &col.raw, value);
                }
            }
            if get("disabled").is_some_and(is_yes) {
                continue;
            }
            let type_raw = collapse_spaces(get("type").unwrap_or(""));
            let label_present = sheet.columns.iter().zip(cells).any(|(c, v)| c.field == Some("label") && !v.is_empty());
            if type_raw.is_empty() {
                if get("name").is_some() || label_present {
                    self.err(SURVEY, Some(row), Some(type_column), K::MissingType);
                }
                continue;
            }
            let type_str = match type_raw.as_str() {
                "imei" => "deviceid".to_owned(),
                "image" | "add image prompt" | "add photo prompt" => "photo".to_owned(),
                "add audio prompt" => "audio".to_owned(),
                "add video prompt" => "video".to_owned(),
                "add file prompt" => "file".to_owned(),
                _ => type_raw.clone(),
            };
            if matches!(type_str.as_str(), "form_title" | "set_form_title" | "form_id" | "set_form_id" | "prefix") {
                // A setting written on the survey sheet: pyxform takes it, argine ignores it.
                continue;
            }

            // References and the columns read into the item.
            let mut item = Item { row, ..Item::default() };
            let mut has_media = false;
            for (col, value) in sheet.columns.iter().zip(cells) {
                if value.is_empty() {
                    continue;
                }
                let lang = || col.lang.clone().unwrap_or_default();
                let expr = |p: &mut Self, v: &str| {
                    let v = plain_quotes(v);
                    // A malformed `${…}` is reported once, as a bad reference, not twice.
                    if refs::scan(&v).is_ok()
                        && let Err(message) = check_expression(&v, col.field == Some("choice_filter"))
                    {
                        p.err(SURVEY, Some(row), Some(&col.raw), K::InvalidExpression { message });
                    }
                    Some(v)
                };
                match col.field {
                    Some("type" | "disabled") => {}
                    Some("name") => item.name = value.clone(),
                    Some("label") => {
                        item.label.insert(lang(), value.clone());
                    }
                    Some("hint") => {
                        item.hint.insert(lang(), value.clone());
                    }
                    Some("required_message") => {
                        item.required_message.insert(lang(), value.clone());
                    }
                    Some("constraint_message") => {
                        item.constraint_message.insert(lang(), value.clone());
                    }
                    Some("required") => {
                        item.required = if is_yes_no(value) { Some(value.clone()) } else { expr(self, value) }
                    }
                    Some("read_only") => {
                        item.read_only = if is_yes_no(value) { Some(value.clone()) } else { expr(self, value) }
                    }
                    Some("relevant") => item.relevant = expr(self, value),
                    Some("constraint") => item.constraint = expr(self, value),
                    Some("calculation") => item.calculation = expr(self, value),
                    Some("choice_filter") => item.choice_filter = expr(self, value),
                    Some("repeat_count") => item.repeat_count = expr(self, value),
                    Some("default") => item.default = Some(value.clone()),
                    Some("appearance") => item.appearance = Some(value.clone()),
                    Some("parameters") => item.parameters = Some(value.clone()),
                    _ => {
                        has_media |= col.media;
                        item.extra.insert(col.raw.clone(), value.clone());
                    }
                }
            }

            if type_str == "calculate" && item.calculation.is_none() && !dynamic_default(item.default.as_deref()) {
                self.err(SURVEY, Some(row), Some("calculation"), K::MissingCalculation { name: item.name.clone() });
            }

            // end_group / end_repeat
            if let Some(control) = parse_end(&type_str) {
                let top_control = stack.last().and_then(|f| f.item.as_ref()).map(|i| control_of(&i.kind));
                if top_control == Some(control) {
                    close(&mut stack, row);
                } else {
                    self.err(SURVEY, Some(row), Some(type_column), K::UnmatchedEnd { control: control.into() });
                    // Recover: close whatever is open, so the rest is checked in the right scope.
                    if top_control.is_some() {
                        close(&mut stack, row);
                    }
                }
                continue;
            }

            // Name.
            if item.name.is_empty() {
                if type_str == "note" {
                    item.name = format!("generated_note_name_{row}");
                } else if has_name_column {
                    self.err(SURVEY, Some(row), Some("name"), K::MissingName);
                } else if !missing_name_column_reported {
                    missing_name_column_reported = true;
                    self.err(SURVEY, Some(1), None, K::MissingColumn { column: "name".into() });
                }
            }
            if !item.name.is_empty() {
                if refs::is_xml_name(&item.name) {
                    *self.element_names.entry(item.name.clone()).or_default() += 1;
                    let frame = stack.last_mut();
                    if let Some(frame) = frame {
                        let name = item.name.clone();
                        if name == "meta" {
                            self.problems.push(FormError::new(
                                SURVEY,
                                Some(row),
                                Some("name"),
                                K::ReservedName { name },
                            ));
                        } else if !frame.names.insert(name.clone()) {
                            self.problems.push(FormError::new(
                                SURVEY,
                                Some(row),
                                Some("name"),
                                K::DuplicateName { name },
                            ));
                        } else if !frame.names_lower.insert(name.to_lowercase()) {
                            self.problems.push(FormError::new(
                                SURVEY,
                                Some(row),
                                Some("name"),
                                K::NameCaseClash { name },
                            ));
                        }
                    }
                } else {
                    self.err(SURVEY, Some(row), Some("name"), K::InvalidName { name: item.name.clone() });
                }
            }

            // begin_group / begin_repeat
            if let Some(control) = parse_begin(&type_str) {
                match control {
                    "group" => item.kind = Kind::Group,
                    "repeat" => {
                        item.kind = Kind::Repeat;
                        if !item.name.is_empty() {
                            if item.name == self.root_name {
                                self.err(
                                    SURVEY,
                                    Some(row),
                                    Some("name"),
                                    K::RepeatNamedLikeForm { name: item.name.clone() },
                                );
                            } else if !self.repeat_names.insert(item.name.clone()) {
                                self.err(
                                    SURVEY,
                                    Some(row),
                                    Some("name"),
                                    K::DuplicateRepeatName { name: item.name.clone() },
                                );
                            }
                        }
                        if item.label.is_empty() && !has_media {
                            self.err(
                                SURVEY,
                                Some(row),
                                Some("label"),
                                K::RepeatWithoutLabel { name: item.name.clone() },
                            );
                        }
                    }
                    _ => {
                        // Loops (`begin_loop over LIST`) are old and rare: argine does not take them.
                        self.err(SURVEY, Some(row), Some(type_column), K::UnknownType { value: type_raw.clone() });
                        item.kind = Kind::Group;
                    }
                }
                stack.push(Frame::new(Some(item)));
                continue;
            }

            // Questions.
            let mut other_question = None;
            match select_type(&type_str) {
                Some(Select::Modelled { multiple, list, or_other }) => {
                    match choices.get(list) {
                        None if has_choices_sheet => {
                            self.err(SURVEY, Some(row), Some(type_column), K::UnknownList { list: list.into() });
                        }
                        None => {
                            let kind = K::NoChoicesSheet { sheet: CHOICES.into(), list: list.into() };
                            self.err(SURVEY, Some(row), Some(type_column), kind);
                        }
                        Some(options) if multiple => {
                            for c in options.iter().filter(|c| c.name.contains(' ')) {
                                let kind = K::ChoiceNameWithSpace { list: list.into(), name: c.name.clone() };
                                self.err(SURVEY, Some(row), Some(type_column), kind);
                            }
                        }
                        Some(_) => {}
                    }
                    if or_other {
                        if item.choice_filter.is_some() {
                            let kind = K::OrOtherWithChoiceFilter { name: item.name.clone() };
                            self.err(SURVEY, Some(row), Some("choice_filter"), kind);
                        }
                        if let Some(options) = choices.get_mut(list)
                            && !options.iter().any(|c| c.name == "other")
                        {
                            let mut langs: Vec<String> = options.iter().flat_map(|c| c.label.keys().cloned()).collect();
                            langs.sort();
                            langs.dedup();
                            if langs.is_empty() {
                                langs.push(self.default_lang.clone());
                            }
                            let label = langs.into_iter().map(|l| (l, "Other".to_owned())).collect();
                            options.push(Choice { name: "other".into(), label, generated: true, ..Choice::default() });
                        }
                        let mut label = Labels::new();
                        label.insert(self.default_lang.clone(), "Specify other.".into());
                        other_question = Some(Item {
                            name: format!("{}_other", item.name),
                            kind: Kind::Text,
                            label,
                            relevant: Some(format!("selected(${{{}}}, 'other')", item.name)),
                            row,
                            generated: true,
                            ..Item::default()
                        });
                    }
                    let list = list.to_owned();
                    item.kind = if multiple {
                        Kind::SelectMultiple { list, or_other }
                    } else {
                        Kind::SelectOne { list, or_other }
                    };
                }
                Some(Select::Other { list, rank, external }) => {
                    if rank && !choices.contains_key(list) {
                        let kind = if has_choices_sheet {
                            K::UnknownList { list: list.into() }
                        } else {
                            K::NoChoicesSheet { sheet: CHOICES.into(), list: list.into() }
                        };
                        self.err(SURVEY, Some(row), Some(type_column), kind);
                    }
                    if external && !has_external_choices {
                        let kind = K::NoChoicesSheet { sheet: "external_choices".into(), list: list.into() };
                        self.err(SURVEY, Some(row), Some(type_column), kind);
                    }
                    item.kind = Kind::Other(type_str.clone());
                    self.err(SURVEY, Some(row), Some(type_column), K::UnsupportedType { value: type_str.clone() });
                }
                None => match simple_kind(&type_str) {
                    Some(k) => item.kind = k,
                    None if PYXFORM_TYPES.contains(&type_str.as_str()) => {
                        item.kind = Kind::Other(type_str.clone());
                        self.err(SURVEY, Some(row), Some(type_column), K::UnsupportedType { value: type_str.clone() });
                    }
                    None => {
                        self.err(SURVEY, Some(row), Some(type_column), K::UnknownType { value: type_raw.clone() });
                        item.kind = Kind::Other(type_str.clone());
                    }
                },
            }

            // A control people see needs a label or a hint (pyxform: "has no label or hint").
            let has_control = match &item.kind {
                Kind::Calculate | Kind::Hidden | Kind::Meta(_) => false,
                Kind::Other(t) => other_has_control(t),
                _ => true,
            };
            let hidden_by_calculation = item.calculation.is_some() || sheet.has("trigger") && get("trigger").is_some();
            if has_control && !hidden_by_calculation && item.label.is_empty() && item.hint.is_empty() && !has_media {
                self.err(SURVEY, Some(row), Some("label"), K::MissingLabel { name: item.name.clone() });
            }

            if let Some(frame) = stack.last_mut() {
                frame.children.push(item);
                if let Some(q) = other_question {
                    if !frame.names.insert(q.name.clone()) {
                        self.problems.push(FormError::new(
                            SURVEY,
                            Some(row),
                            Some("name"),
                            K::DuplicateName { name: q.name.clone() },
                        ));
                    }
                    frame.children.push(q);
                }
            }
        }
        // Whatever is still open was never closed.
        while stack.len() > 1 {
            if let Some(item) = stack.last().and_then(|f| f.item.as_ref()) {
                let kind = K::UnmatchedBegin { control: control_of(&item.kind).into(), name: item.name.clone() };
                self.problems.push(FormError::new(SURVEY, Some(item.row), Some(type_column(sheet)), kind));
            }
            close(&mut stack, 0);
        }
        stack.pop().map(|f| f.children).unwrap_or_default()
    }
}

fn type_column(sheet: &Sheet) -> &str {
    sheet.columns.iter().find(|c| c.field == Some("type")).map_or("type", |c| c.raw.as_str())
}

/// Pops the top frame into its parent, recording the end row.
fn close(stack: &mut Vec<Frame>, end_row: usize) {
    if stack.len() < 2 {
        return;
    }
    if let Some(frame) = stack.pop()
        && let Some(mut item) = frame.item
    {
        item.children = frame.children;
        item.end_row = end_row;
        if let Some(parent) = stack.last_mut() {
            parent.children.push(item);
        }
    }
}

fn control_of(kind: &Kind) -> &'static str {
    if matches!(kind, Kind::Repeat) { "repeat" } else { "group" }
}

/// pyxform's control words after `begin`/`end` (and a space or `_`).
fn control_word(rest: &str) -> Option<(&'static str, &str)> {
    for (word, control) in
        [("looped group", "repeat"), ("lgroup", "repeat"), ("group", "group"), ("repeat", "repeat"), ("loop", "loop")]
    {
        if let Some(after) = rest.strip_prefix(word) {
            return Some((control, after));
        }
    }
    None
}

fn strip_keyword<'a>(t: &'a str, keyword: &str) -> Option<&'a str> {
    t.strip_prefix(keyword).and_then(|r| r.strip_prefix(' ').or_else(|| r.strip_prefix('_')))
}

/// `begin_group`, `begin group`, `begin_repeat`, `begin repeat`, optionally with a list name.
fn parse_begin(t: &str) -> Option<&'static str> {
    let (control, after) = control_word(strip_keyword(t, "begin")?)?;
    if after.is_empty() {
        return Some(control);
    }
    let list = after.strip_prefix(' ')?;
    let list = list.strip_prefix("over ").unwrap_or(list);
    (!list.is_empty() && !list.contains(' ')).then_some(control)
}

/// `end_group`, `end group`, `end_repeat`… (the control word must end the type).
fn parse_end(t: &str) -> Option<&'static str> {
    let (control, after) = control_word(strip_keyword(t, "end")?)?;
    after.is_empty().then_some(if control == "loop" { "loop" } else { control })
}

enum Select<'a> {
    Modelled { multiple: bool, list: &'a str, or_other: bool },
    Other { list: &'a str, rank: bool, external: bool },
}

/// pyxform's select commands, longest first so that `select one from file` wins over
/// `select one from`.
const SELECT_COMMANDS: &[(&str, u8)] = &[
    ("add select multiple prompt using", 2),
    ("add select one prompt using", 1),
    ("select multiple from file", 3),
    ("select_multiple_from_file", 3),
    ("select all that apply from", 2),
    ("select_one_from_file", 3),
    ("select one from file", 3),
    ("select all that apply", 2),
    ("select_one_external", 4),
    ("select_multiple", 2),
    ("select one from", 1),
    ("select_one", 1),
    ("select one", 1),
    ("select1", 1),
    ("rank", 5),
];

fn select_type(t: &str) -> Option<Select<'_>> {
    for (cmd, what) in SELECT_COMMANDS {
        let Some(rest) = t.strip_prefix(cmd).and_then(|r| r.strip_prefix(' ')) else { continue };
        let (list, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        if list.is_empty() {
            continue;
        }
        let or_other = match tail {
            "" => false,
            "or_other" | "or other" | "or specify other" => true,
            _ => continue,
        };
        let from_file = [".csv", ".xml", ".geojson"].iter().any(|e| list.ends_with(e));
        let dynamic = list.contains("${");
        return Some(match what {
            1 | 2 if !from_file && !dynamic => Select::Modelled { multiple: *what == 2, list, or_other },
            _ => Select::Other { list, rank: *what == 5, external: *what == 4 },
        });
    }
    None
}

fn simple_kind(t: &str) -> Option<Kind> {
    Some(match t {
        "text" => Kind::Text,
        "integer" | "int" => Kind::Integer,
        "decimal" => Kind::Decimal,
        "date" => Kind::Date,
        "time" => Kind::Time,
        "dateTime" | "datetime" => Kind::DateTime,
        "note" => Kind::Note,
        "calculate" => Kind::Calculate,
        "acknowledge" => Kind::Acknowledge,
        "geopoint" => Kind::Geopoint,
        "hidden" => Kind::Hidden,
        "start" => Kind::Meta(MetaKind::Start),
        "end" => Kind::Meta(MetaKind::End),
        "today" => Kind::Meta(MetaKind::Today),
        "deviceid" => Kind::Meta(MetaKind::DeviceId),
        _ => return None,
    })
}

/// Whether pyxform's default value is an expression (then a `calculate` needs no calculation).
fn dynamic_default(default: Option<&str>) -> bool {
    default.is_some_and(|d| d.contains("${") || d.contains('(') || d.contains(['+', '*', '/']) || d.contains(" div "))
}

/// Question types pyxform 4.5 knows beyond those argine models (its question type
/// dictionary, after alias resolution).
const PYXFORM_TYPES: &[&str] = &[
    "q picture",
    "photo",
    "add date time prompt",
    "q date time",
    "phonenumber",
    "get start time",
    "add note prompt",
    "location",
    "string",
    "q string",
    "q note",
    "subscriber id",
    "q audio",
    "q geopoint",
    "q geoshape",
    "q geotrace",
    "q image",
    "get today",
    "video",
    "q acknowledge",
    "number of days in last month",
    "get sim id",
    "q location",
    "select one external",
    "get end time",
    "barcode",
    "q video",
    "geoshape",
    "geotrace",
    "end time",
    "device id",
    "subscriberid",
    "q barcode",
    "q int",
    "add text prompt",
    "add date prompt",
    "q calculate",
    "trigger",
    "add acknowledge prompt",
    "percentage",
    "get phone number",
    "gps",
    "q date",
    "sim id",
    "add decimal prompt",
    "number of days in last six months",
    "add barcode prompt",
    "q decimal",
    "add calculate prompt",
    "add dateTime prompt",
    "add location prompt",
    "get subscriber id",
    "phone number",
    "get device id",
    "add integer prompt",
    "q dateTime",
    "start time",
    "number of days in last year",
    "date time",
    "audio",
    "uri:subscriberid",
    "uri:phonenumber",
    "uri:simserial",
    "uri:deviceid",
    "username",
    "uri:username",
    "email",
    "uri:email",
    "simserial",
    "osm",
    "file",
    "range",
    "audit",
    "xml-external",
    "csv-external",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
];

/// Whether an [`Kind::Other`] type renders a control (and so needs a label or hint).
fn other_has_control(t: &str) -> bool {
    let no_control = [
        "phonenumber",
        "get start time",
        "subscriber id",
        "get today",
        "get sim id",
        "get end time",
        "end time",
        "device id",
        "subscriberid",
        "q calculate",
        "get phone number",
        "sim id",
        "add calculate prompt",
        "get subscriber id",
        "get device id",
        "start time",
        "uri:subscriberid",
        "uri:phonenumber",
        "uri:simserial",
        "uri:deviceid",
        "username",
        "uri:username",
        "email",
        "uri:email",
        "simserial",
        "audit",
        "xml-external",
        "csv-external",
        "start-geopoint",
        "background-audio",
        "background-geopoint",
    ];
    !no_control.contains(&t)
}
