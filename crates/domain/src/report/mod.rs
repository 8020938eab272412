//! Published reports of a census: the document model, the census indicators bound into it,
//! and the editable templates that say what goes where.
//!
//! A report is built in three steps, all pure:
//! 1. [`census::Indicators::compute`] turns the campaign's Comuni (universe, participation,
//!    clean answers) into named figures (`invitati`, `tasso_risposta`, …), tables and figure
//!    data, through the statistics engine ([`crate::stats`]) with disclosure control on the
//!    published tables;
//! 2. [`template::Template::parse`] reads a template — chapters of prose with `{placeholders}`
//!    and `[[tabella …]]`, `[[grafico …]]`, `[[mappa …]]` blocks — and reports every unknown
//!    name with its line;
//! 3. [`template::Template::bind`] fills it into a [`Report`], which `argine_reports::report`
//!    typesets as PDF, HTML and an XLSX annex.
//!
//! [`Report::figures`] lists every published value by a stable key, so that two builds can
//! be compared ([`changes`]): regenerating after a correction says which figures moved.

pub mod census;
pub mod fmt;
pub mod opendata;
pub mod template;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A report ready to typeset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    /// Who publishes it (on the cover and in the metadata).
    pub author: String,
    /// The date of the data (e.g. the campaign's closing), as shown.
    pub date: String,
    /// The source line of every table and figure that has none of its own.
    pub source: String,
    pub lang: String,
    pub chapters: Vec<Chapter>,
}

/// One numbered chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// What a chapter holds, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph with its placeholders already filled in (plain text, never markup).
    Paragraph {
        text: String,
    },
    /// A sub-heading inside a chapter.
    Heading {
        text: String,
    },
    Table(Table),
    Figure(Figure),
}

/// A numbered table with caption and source note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The name the template used (`risposte_regione`); also the annex sheet's.
    pub key: String,
    pub caption: String,
    pub source: String,
    pub columns: Vec<String>,
    /// Which columns are numeric (right-aligned, numbers in the annex).
    pub numeric: Vec<bool>,
    /// Cells as published (formatted; a suppressed cell is [`SUPPRESSED`]).
    pub rows: Vec<Vec<String>>,
    /// The last row is a total (bold).
    pub total_row: bool,
    /// A note under the table (e.g. what the suppression sign means).
    pub note: Option<String>,
}

/// The sign of a cell withheld by disclosure control, as in ISTAT tables.
pub const SUPPRESSED: &str = "..";

/// A numbered figure: a chart or a map, with caption and source note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    pub caption: String,
    pub source: String,
    pub chart: Chart,
}

/// The data of a figure; `argine_reports` draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Chart {
    /// Horizontal bars, one per label.
    Bars { labels: Vec<String>, values: Vec<f64>, unit: String, percent: bool },
    /// Bars split into series (stacked), one bar per label.
    StackedBars { labels: Vec<String>, series: Vec<(String, Vec<f64>)>, percent: bool },
    /// A histogram of given bins.
    Histogram { bins: Vec<String>, counts: Vec<f64>, unit: String },
    /// Regions (`level` = `regioni`), provinces or comuni coloured by value, by ISTAT code;
    /// areas without a value are drawn as "no data". `scope` lists the areas drawn (the map is
    /// framed on them); empty, every area of the level.
    Choropleth { level: String, values: BTreeMap<String, f64>, legend: String, percent: bool, scope: Vec<String> },
    /// Circles of area proportional to value at points (lon, lat), over the regions.
    Symbols { points: Vec<Symbol>, legend: String },
}

/// One proportional symbol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Symbol {
    pub label: String,
    pub lon: f64,
    pub lat: f64,
    pub value: f64,
}

impl Report {
    /// Every published value by a stable key: `paragraph:<chapter>.<n>` for the text (which
    /// holds the placeholders' values), `table:<key>:<row>:<column>` for each cell, and
    /// `figure:<key>:<label>` for each value drawn.
    pub fn figures(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (c, chapter) in self.chapters.iter().enumerate() {
            let mut p = 0;
            for block in &chapter.blocks {
                match block {
                    Block::Paragraph { text } => {
                        p += 1;
                        out.insert(format!("paragraph:{}.{p}", c + 1), text.clone());
                    }
                    Block::Heading { .. } => {}
                    Block::Table(t) => {
                        for row in &t.rows {
                            let head = row.first().cloned().unwrap_or_default();
                            for (col, cell) in t.columns.iter().zip(row).skip(1) {
                                out.insert(format!("table:{}:{head}:{col}", t.key), cell.clone());
                            }
                        }
                    }
                    Block::Figure(f) => {
                        for (label, value) in f.chart.values() {
                            out.insert(format!("figure:{}:{label}", f.key), fmt::decimal(value, 2));
                        }
                    }
                }
            }
        }
        out
    }

    /// The tables in order, for the annex.
    pub fn tables(&self) -> Vec<&Table> {
        self.chapters
            .iter()
            .flat_map(|c| &c.blocks)
            .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
            .collect()
    }

    /// The figures in order.
    pub fn figures_list(&self) -> Vec<&Figure> {
        self.chapters
            .iter()
            .flat_map(|c| &c.blocks)
            .filter_map(|b| if let Block::Figure(f) = b { Some(f) } else { None })
            .collect()
    }
}

impl Chart {
    /// The values drawn, by label (series × label for stacked bars).
    pub fn values(&self) -> Vec<(String, f64)> {
        match self {
            Self::Bars { labels, values, .. } => labels.iter().cloned().zip(values.iter().copied()).collect(),
            Self::Histogram { bins, counts, .. } => bins.iter().cloned().zip(counts.iter().copied()).collect(),
            Self::StackedBars { labels, series, .. } => series
                .iter()
                .flat_map(|(name, values)| labels.iter().zip(values).map(move |(l, v)| (format!("{l} · {name}"), *v)))
                .collect(),
            Self::Choropleth { values, .. } => values.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            Self::Symbols { points, .. } => points.iter().map(|p| (p.label.clone(), p.value)).collect(),
        }
    }
}

/// One published value that differs between two builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What changed from `before` to `after` ([`Report::figures`] of two builds), by key.
pub fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<Change> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Change { key: k.clone(), before: before.get(k).cloned(), after: after.get(k).cloned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(cell: &str) -> Report {
        Report {
            title: "T".into(),
            subtitle: String::new(),
            author: String::new(),
            date: String::new(),
            source: String::new(),
            lang: "it".into(),
            chapters: vec![Chapter {
                title: "Uno".into(),
                blocks: vec![
                    Block::Paragraph { text: "Hanno risposto 3.851 Comuni.".into() },
                    Block::Table(Table {
                        key: "t".into(),
                        caption: String::new(),
                        source: String::new(),
                        columns: vec!["Regione".into(), "Comuni".into()],
                        numeric: vec![false, true],
                        rows: vec![vec!["Puglia".into(), cell.into()], vec!["Sicilia".into(), "8".into()]],
                        total_row: false,
                        note: None,
                    }),
                ],
            }],
        }
    }

    #[test]
    fn changes_name_the_cells_that_moved() {
        let (a, b) = (report("12").figures(), report("13").figures());
        assert_eq!(a.len(), 3);
        let c = changes(&a, &b);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].key, "table:t:Puglia:Comuni");
        assert_eq!((c[0].before.as_deref(), c[0].after.as_deref()), (Some("12"), Some("13")));
        assert!(changes(&a, &a).is_empty());
    }
}
