//! XLSForm questionnaires (the form standard of ODK and KoboToolbox): the form model, import
//! from spreadsheet sheets or an `.xlsx` file ([`parse`], [`parse_xlsx`]) and export back to
//! sheets ([`to_sheets`]; `argine_reports::xlsx::write_workbook` turns those into a file).
//!
//! The checks follow pyxform 4.5 (the reference implementation) so that a form argine accepts
//! is one ODK accepts too; unlike pyxform, all the problems of a file are reported at once.
//! Where argine is stricter than pyxform (expression syntax), the error kind says so
//! ([`FormErrorKind::argine_only`]).
//!
//! Languages: a column `label::Italiano (it)` (or the legacy `label:Italiano` when no header of
//! the sheet uses `::`) gives the label in the language `Italiano (it)`; a plain `label` column
//! gives it in the form's default language ([`Form::default_language_key`]: the settings'
//! `default_language`, or `"default"` as pyxform says).

mod error;
mod export;
mod parse;
mod refs;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use error::{FormError, FormErrorKind};
pub use export::to_sheets;
pub use parse::{
    MAX_CHOICE_ROWS, MAX_SURVEY_ROWS, Parsed, parse, parse_with_warnings, parse_xlsx, parse_xlsx_with_warnings,
};
pub use refs::references;

/// Text by language (language name as written after `::`, e.g. `Italiano (it)`).
pub type Labels = BTreeMap<String, String>;

/// The language key of unsuffixed columns (`label`) when the settings name no default language.
pub const DEFAULT_LANGUAGE: &str = "default";

/// A whole questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Form {
    /// `form_id` (alias `id_string`) from the settings sheet.
    pub id: Option<String>,
    /// `form_title` from the settings sheet (and `form_title::LANG`, an argine extension).
    pub title: Labels,
    /// `version` from the settings sheet.
    pub version: Option<String>,
    /// `default_language` from the settings sheet.
    pub default_language: Option<String>,
    /// Every language used by a translatable column, in column order.
    pub languages: Vec<String>,
    /// `instance_name` from the settings sheet (an expression naming each submission).
    pub instance_name: Option<String>,
    /// The survey sheet as a tree: groups and repeats hold their children.
    pub items: Vec<Item>,
    /// Choice lists by list name, each in sheet order.
    pub choices: BTreeMap<String, Vec<Choice>>,
    /// The other settings columns (header as written → value), kept for export.
    pub settings: BTreeMap<String, String>,
    /// Sheets argine does not read (`external_choices`, `entities`, `osm`, notes…), kept as
    /// they were for export.
    pub other_sheets: Vec<(String, Vec<Vec<String>>)>,
}

/// One row of the survey sheet (a question, a group or a repeat).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Item {
    /// The `name` column (notes without one get `generated_note_name_ROW`, as in pyxform).
    pub name: String,
    /// What the `type` column says.
    pub kind: Kind,
    pub label: Labels,
    pub hint: Labels,
    /// `yes`/`true` or an expression; `None` when empty.
    pub required: Option<String>,
    pub required_message: Labels,
    pub relevant: Option<String>,
    pub constraint: Option<String>,
    pub constraint_message: Labels,
    pub calculation: Option<String>,
    pub default: Option<String>,
    pub read_only: Option<String>,
    pub choice_filter: Option<String>,
    pub repeat_count: Option<String>,
    pub appearance: Option<String>,
    pub parameters: Option<String>,
    /// Spreadsheet row (1-based) of this row; for a generated item, the row that caused it.
    pub row: usize,
    /// Spreadsheet row of the matching `end_group`/`end_repeat` (0 for questions).
    pub end_row: usize,
    /// Columns argine does not interpret (header as written → value), kept for export;
    /// e.g. `image::Italiano (it)`, `guidance_hint`, `body::accuracyThreshold`.
    pub extra: BTreeMap<String, String>,
    /// The children of a group or repeat.
    pub children: Vec<Item>,
    /// True for the `NAME_other` text question that `or_other` adds (not exported).
    pub generated: bool,
}

/// The `type` column of a survey row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Kind {
    #[default]
    Text,
    Integer,
    Decimal,
    Date,
    Time,
    DateTime,
    /// `select_one LIST` (`or_other` adds an `other` choice and a `NAME_other` question).
    SelectOne {
        list: String,
        or_other: bool,
    },
    /// `select_multiple LIST` (`or_other` as for `SelectOne`).
    SelectMultiple {
        list: String,
        or_other: bool,
    },
    Note,
    Calculate,
    Acknowledge,
    Geopoint,
    /// `begin_group` … `end_group`.
    Group,
    /// `begin_repeat` … `end_repeat`.
    Repeat,
    /// `hidden`: a value in the data, never shown.
    Hidden,
    /// Metadata filled in by the client: `start`, `end`, `today`, `deviceid` (and their aliases).
    Meta(MetaKind),
    /// A type pyxform knows but argine does not model (`photo`, `barcode`, `range`, `rank L`,
    /// `geotrace`, `select_one_from_file f.csv`…), as written. Accepted with a warning.
    Other(String),
}

/// Metadata question types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MetaKind {
    Start,
    End,
    Today,
    DeviceId,
}

impl Kind {
    /// The value of the `type` column for this kind.
    pub fn type_name(&self) -> String {
        let select = |cmd: &str, list: &str, other: bool| {
            if other { format!("{cmd} {list} or_other") } else { format!("{cmd} {list}") }
        };
        match self {
            Self::Text => "text".into(),
            Self::Integer => "integer".into(),
            Self::Decimal => "decimal".into(),
            Self::Date => "date".into(),
            Self::Time => "time".into(),
            Self::DateTime => "dateTime".into(),
            Self::SelectOne { list, or_other } => select("select_one", list, *or_other),
            Self::SelectMultiple { list, or_other } => select("select_multiple", list, *or_other),
            Self::Note => "note".into(),
            Self::Calculate => "calculate".into(),
            Self::Acknowledge => "acknowledge".into(),
            Self::Geopoint => "geopoint".into(),
            Self::Group => "begin_group".into(),
            Self::Repeat => "begin_repeat".into(),
            Self::Hidden => "hidden".into(),
            Self::Meta(MetaKind::Start) => "start".into(),
            Self::Meta(MetaKind::End) => "end".into(),
            Self::Meta(MetaKind::Today) => "today".into(),
            Self::Meta(MetaKind::DeviceId) => "deviceid".into(),
            Self::Other(t) => t.clone(),
        }
    }

    /// The choice list of a select.
    pub fn list(&self) -> Option<&str> {
        match self {
            Self::SelectOne { list, .. } | Self::SelectMultiple { list, .. } => Some(list),
            _ => None,
        }
    }

    /// A group or a repeat.
    pub fn is_container(&self) -> bool {
        matches!(self, Self::Group | Self::Repeat)
    }
}

impl Item {
    /// Whether a person sees this row when filling the form: not a calculate, hidden or
    /// metadata row, and not a question that has a calculation and neither label nor hint
    /// (pyxform renders no control for those).
    pub fn is_visible(&self) -> bool {
        match &self.kind {
            Kind::Calculate | Kind::Hidden | Kind::Meta(_) => false,
            Kind::Group | Kind::Repeat => true,
            _ => !(self.calculation.is_some() && self.label.is_empty() && self.hint.is_empty()),
        }
    }
}

/// One row of the choices sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Choice {
    /// The value stored when this choice is picked.
    pub name: String,
    pub label: Labels,
    /// Other columns (header as written → value), e.g. `regione` for a `choice_filter`.
    pub extra: BTreeMap<String, String>,
    /// Spreadsheet row (0 for the generated `other` choice).
    pub row: usize,
    /// True for the `other` choice that `or_other` adds (not exported).
    pub generated: bool,
}

/// One page of the form as argine shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page<'a> {
    /// A top-level group or repeat: one page with everything inside.
    Section(&'a Item),
    /// A visible top-level question outside any group: a page of its own.
    Question(&'a Item),
}

impl Page<'_> {
    /// The group, repeat or question the page is made of.
    pub fn item(&self) -> &Item {
        match self {
            Page::Section(i) | Page::Question(i) => i,
        }
    }
}

impl Form {
    /// The form's title in its default language (falling back to any language, then to the
    /// form id, then to `fallback`).
    pub fn display_title(&self, fallback: &str) -> String {
        self.text(&self.title, self.default_language_key())
            .map(str::to_owned)
            .or_else(|| self.id.clone())
            .unwrap_or_else(|| fallback.to_owned())
    }

    /// How many questions a person answers: visible leaf rows, notes excluded.
    pub fn question_count(&self) -> usize {
        self.fields().iter().filter(|(_, i)| i.is_visible() && i.kind != Kind::Note).count()
    }

    /// The form language that best matches a UI language code (`it`, `en`): a language named
    /// `… (it)` or exactly `it`, else the default language.
    pub fn language_for(&self, code: &str) -> String {
        let suffix = format!("({code})");
        self.languages
            .iter()
            .find(|l| l.ends_with(&suffix) || l.eq_ignore_ascii_case(code))
            .cloned()
            .unwrap_or_else(|| self.default_language_key().to_owned())
    }

    /// The language key that unsuffixed columns (`label`, `hint`…) were read into.
    pub fn default_language_key(&self) -> &str {
        self.default_language.as_deref().unwrap_or(DEFAULT_LANGUAGE)
    }

    /// Every leaf row (questions, notes, calculates, metadata; not groups or repeats), in
    /// sheet order, each with the names of its enclosing repeats (outermost first).
    pub fn fields(&self) -> Vec<(Vec<&str>, &Item)> {
        fn walk<'a>(items: &'a [Item], path: &mut Vec<&'a str>, out: &mut Vec<(Vec<&'a str>, &'a Item)>) {
            for item in items {
                match item.kind {
                    Kind::Group => walk(&item.children, path, out),
                    Kind::Repeat => {
                        path.push(&item.name);
                        walk(&item.children, path, out);
                        path.pop();
                    }
                    _ => out.push((path.clone(), item)),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut Vec::new(), &mut out);
        out
    }

    /// Every row (groups and repeats included, before their children), depth first.
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for item in items {
                out.push(item);
                walk(&item.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// The first row (depth first) with this name. Names are unique among siblings only; a
    /// name used in two groups can't be referenced with `${…}`, so a form that references it
    /// is refused, but the lookup still returns the first.
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.all_items().into_iter().find(|i| i.name == name)
    }

    /// The names of the repeats enclosing the row with this name (outermost first).
    pub fn repeat_path(&self, name: &str) -> Option<Vec<&str>> {
        self.fields().into_iter().find(|(_, i)| i.name == name).map(|(p, _)| p)
    }

    /// The pages: each top-level group or repeat is one page; each visible top-level
    /// question outside a group is a page of its own; invisible top-level rows (calculate,
    /// hidden, metadata) are on no page.
    pub fn pages(&self) -> Vec<Page<'_>> {
        self.items
            .iter()
            .filter_map(|i| {
                if i.kind.is_container() {
                    Some(Page::Section(i))
                } else if i.is_visible() {
                    Some(Page::Question(i))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Text in `lang`, else in the default language, else in the first language that has it.
    pub fn text<'a>(&self, labels: &'a Labels, lang: &str) -> Option<&'a str> {
        labels
            .get(lang)
            .or_else(|| labels.get(self.default_language_key()))
            .or_else(|| labels.values().next())
            .map(String::as_str)
    }

    /// An item's label in `lang`, falling back as [`Form::text`] does.
    pub fn label<'a>(&self, item: &'a Item, lang: &str) -> Option<&'a str> {
        self.text(&item.label, lang)
    }

    /// The label of choice `name` of list `list` in `lang` (with [`Form::text`]'s fallbacks).
    pub fn choice_label(&self, list: &str, name: &str, lang: &str) -> Option<&str> {
        let choice = self.choices.get(list)?.iter().find(|c| c.name == name)?;
        self.text(&choice.label, lang)
    }
}
