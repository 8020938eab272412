//! Report templates: plain text that the secretariat edits.
//!
//! ```text
//! titolo: Rapporto finale
//! sottotitolo: Condizioni abitative dei lavoratori stranieri nel settore agro-alimentare
//! autore: ANCI – Cittalia
//! ---
//! # Il censimento
//! Hanno risposto {rispondenti} Comuni su {invitati}, il {tasso_risposta}.
//!
//! ## Partecipazione per regione
//! [[tabella risposte_regione]]
//! [[grafico tasso_regione | Tasso di risposta per regione]]
//! [[mappa mappa_tasso_regioni]]
//! [[schede_regionali]]
//! ```
//!
//! A header of `key: value` lines up to `---`; then `#` starts a chapter, `##` a heading,
//! blank lines separate paragraphs, `{name}` is an indicator's value, `[[tabella K]]`,
//! `[[grafico K]]` and `[[mappa K]]` place a table or figure (an optional `| caption`
//! replaces its caption), and `[[schede_regionali]]` adds a heading, a paragraph and a table
//! for every region. [`Template::parse`] checks the syntax; [`Template::bind`] reports every
//! name the indicators do not have, each with its line, and fills nothing in until all are known.

use super::census::Indicators;
use super::{Block, Chapter, Figure, Report};

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    chapters: Vec<(usize, String, Vec<Item>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Paragraph { line: usize, text: String },
    Heading { text: String },
    Table { line: usize, key: String, caption: Option<String> },
    Figure { line: usize, key: String, caption: Option<String> },
    Profiles { line: usize },
}

/// A problem in a template, with its line (1-based). `Display` is English (logs, the CLI);
/// the web pages translate [`Problem::code`] with [`Problem::arg`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct TemplateError {
    pub line: usize,
    pub problem: Problem,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("unknown header key «{0}»")]
    HeaderKey(String),
    #[error("a header line is «key: value»")]
    HeaderLine,
    #[error("the header must end with a line «---»")]
    HeaderEnd,
    #[error("the header has no «titolo»")]
    NoTitle,
    #[error("a heading before the first chapter («# …»)")]
    HeadingFirst,
    #[error("text before the first chapter («# …»)")]
    TextFirst,
    #[error("«[[{0}]]» is not [[tabella K]], [[grafico K]], [[mappa K]] or [[schede_regionali]]")]
    Block(String),
    #[error("«{{» at column {0} is not closed")]
    Unclosed(usize),
    #[error("the template has no chapter («# …»)")]
    NoChapter,
    #[error("unknown value «{{{0}}}»")]
    UnknownValue(String),
    #[error("unknown table «{0}»")]
    UnknownTable(String),
    #[error("unknown chart or map «{0}»")]
    UnknownFigure(String),
    #[error("no regions to profile")]
    NoRegions,
}

impl Problem {
    /// A stable code (message ids `report-template-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::HeaderKey(_) => "header-key",
            Self::HeaderLine => "header-line",
            Self::HeaderEnd => "header-end",
            Self::NoTitle => "no-title",
            Self::HeadingFirst => "heading-first",
            Self::TextFirst => "text-first",
            Self::Block(_) => "block",
            Self::Unclosed(_) => "unclosed",
            Self::NoChapter => "no-chapter",
            Self::UnknownValue(_) => "unknown-value",
            Self::UnknownTable(_) => "unknown-table",
            Self::UnknownFigure(_) => "unknown-figure",
            Self::NoRegions => "no-regions",
        }
    }

    /// The problem's argument (a name, a block, a column), if it has one.
    pub fn arg(&self) -> Option<String> {
        match self {
            Self::HeaderKey(s)
            | Self::Block(s)
            | Self::UnknownValue(s)
            | Self::UnknownTable(s)
            | Self::UnknownFigure(s) => Some(s.clone()),
            Self::Unclosed(c) => Some(c.to_string()),
            _ => None,
        }
    }
}

fn err(line: usize, problem: Problem) -> TemplateError {
    TemplateError { line, problem }
}

impl Template {
    /// Reads a template.
    ///
    /// # Errors
    /// Every syntax problem, each with its line: a missing header or title, an unknown header
    /// key, text before the first chapter, an unknown or malformed `[[…]]` block, an unclosed
    /// `{`.
    pub fn parse(text: &str) -> Result<Self, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let mut t = Template {
            title: String::new(),
            subtitle: String::new(),
            author: String::new(),
            source: String::new(),
            chapters: Vec::new(),
        };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end()));
        let mut header_closed = false;
        for (n, line) in lines.by_ref() {
            if line.trim() == "---" {
                header_closed = true;
                break;
            }
            if line.trim().is_empty() || line.starts_with("//") {
                continue;
            }
            match line.split_once(':') {
                Some((k, v)) => {
                    let v = v.trim().to_owned();
                    match k.trim() {
                        "titolo" => t.title = v,
                        "sottotitolo" => t.subtitle = v,
                        "autore" => t.author = v,
                        "fonte" => t.source = v,
                        other => errors.push(err(n, Problem::HeaderKey(other.to_owned()))),
                    }
                }
                None => errors.push(err(n, Problem::HeaderLine)),
            }
        }
        if !header_closed {
            errors.push(err(1, Problem::HeaderEnd));
        }
        if t.title.is_empty() {
            errors.push(err(1, Problem::NoTitle));
        }
        let mut para: Option<(usize, String)> = None;
        let flush = |para: &mut Option<(usize, String)>, t: &mut Template| {
            if let Some((line, text)) = para.take()
                && let Some(c) = t.chapters.last_mut()
            {
                c.2.push(Item::Paragraph { line, text });
            }
        };
        for (n, raw) in lines {
            let line = raw.trim();
            if line.starts_with("//") {
                continue;
            }
            if line.is_empty() {
                flush(&mut para, &mut t);
                continue;
            }
            if let Some(title) = line.strip_prefix("## ") {
                flush(&mut para, &mut t);
                match t.chapters.last_mut() {
                    Some(c) => c.2.push(Item::Heading { text: title.trim().to_owned() }),
                    None => errors.push(err(n, Problem::HeadingFirst)),
                }
                continue;
            }
            if let Some(title) = line.strip_prefix("# ") {
                flush(&mut para, &mut t);
                t.chapters.push((n, title.trim().to_owned(), Vec::new()));
                continue;
            }
            if t.chapters.is_empty() {
                errors.push(err(n, Problem::TextFirst));
                continue;
            }
            if let Some(inner) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
                flush(&mut para, &mut t);
                let (spec, caption) = match inner.split_once('|') {
                    Some((s, c)) => (s.trim(), Some(c.trim().to_owned()).filter(|c| !c.is_empty())),
                    None => (inner.trim(), None),
                };
                let mut words = spec.split_whitespace();
                let item = match (words.next(), words.next(), words.next()) {
                    (Some("tabella"), Some(k), None) => Item::Table { line: n, key: k.to_owned(), caption },
                    (Some("grafico" | "mappa"), Some(k), None) => Item::Figure { line: n, key: k.to_owned(), caption },
                    (Some("schede_regionali"), None, None) => Item::Profiles { line: n },
                    _ => {
                        errors.push(err(n, Problem::Block(inner.trim().to_owned())));
                        continue;
                    }
                };
                if let Some(c) = t.chapters.last_mut() {
                    c.2.push(item);
                }
                continue;
            }
            if let Some(open) = unclosed(line) {
                errors.push(err(n, Problem::Unclosed(open)));
            }
            match &mut para {
                Some((_, text)) => {
                    text.push(' ');
                    text.push_str(line);
                }
                None => para = Some((n, line.to_owned())),
            }
        }
        flush(&mut para, &mut t);
        if t.chapters.is_empty() && errors.is_empty() {
            errors.push(err(1, Problem::NoChapter));
        }
        if errors.is_empty() { Ok(t) } else { Err(errors) }
    }

    /// Every name the template refers to: values, tables, figures.
    fn check(&self, ind: &Indicators) -> Vec<TemplateError> {
        let mut errors = Vec::new();
        for (_, _, items) in &self.chapters {
            for item in items {
                match item {
                    Item::Paragraph { line, text } => {
                        for name in placeholders(text) {
                            if !ind.values.contains_key(name) {
                                errors.push(err(*line, Problem::UnknownValue(name.to_owned())));
                            }
                        }
                    }
                    Item::Table { line, key, .. } if !ind.tables.contains_key(key) => {
                        errors.push(err(*line, Problem::UnknownTable(key.clone())));
                    }
                    Item::Figure { line, key, .. } if !ind.charts.contains_key(key) => {
                        errors.push(err(*line, Problem::UnknownFigure(key.clone())));
                    }
                    Item::Profiles { line } if ind.regions.is_empty() => {
                        errors.push(err(*line, Problem::NoRegions));
                    }
                    _ => {}
                }
            }
        }
        errors
    }

    /// Fills the template with the indicators.
    ///
    /// # Errors
    /// Every unknown value, table or figure, with its line.
    pub fn bind(&self, ind: &Indicators, date: &str, lang: &str) -> Result<Report, Vec<TemplateError>> {
        let errors = self.check(ind);
        if !errors.is_empty() {
            return Err(errors);
        }
        let fill = |text: &str| fill(text, ind);
        let mut chapters = Vec::new();
        for (_, title, items) in &self.chapters {
            let mut blocks = Vec::new();
            for item in items {
                match item {
                    Item::Paragraph { text, .. } => blocks.push(Block::Paragraph { text: fill(text) }),
                    Item::Heading { text } => blocks.push(Block::Heading { text: fill(text) }),
                    Item::Table { key, caption, .. } => {
                        let mut t = ind.tables[key].clone();
                        if let Some(c) = caption {
                            t.caption = fill(c);
                        }
                        blocks.push(Block::Table(t));
                    }
                    Item::Figure { key, caption, .. } => {
                        let (default, chart) = &ind.charts[key];
                        blocks.push(Block::Figure(Figure {
                            key: key.clone(),
                            caption: caption.as_deref().map_or_else(|| default.clone(), fill),
                            source: self.source.clone(),
                            chart: chart.clone(),
                        }));
                    }
                    Item::Profiles { .. } => {
                        for (code, name) in &ind.regions {
                            let Some(table) = ind.tables.get(&format!("scheda_{code}")) else { continue };
                            blocks.push(Block::Heading { text: name.clone() });
                            let v = |k: &str| ind.values.get(&format!("{k}_{code}")).cloned().unwrap_or_default();
                            blocks.push(Block::Paragraph {
                                text: format!(
                                    "In {name} sono stati invitati {} Comuni; hanno risposto in {} ({}). I Comuni \
                                     che dichiarano la presenza di lavoratori stranieri nel settore agro-alimentare \
                                     sono {}; gli insediamenti informali segnalati sono {}.",
                                    v("invitati"),
                                    v("rispondenti"),
                                    v("tasso_risposta"),
                                    v("comuni_con_lavoratori"),
                                    v("insediamenti"),
                                ),
                            });
                            blocks.push(Block::Table(table.clone()));
                            if let Some((caption, chart)) = ind.charts.get(&format!("scheda_{code}")) {
                                blocks.push(Block::Figure(Figure {
                                    key: format!("scheda_{code}"),
                                    caption: caption.clone(),
                                    source: table.source.clone(),
                                    chart: chart.clone(),
                                }));
                            }
                        }
                    }
                }
            }
            chapters.push(Chapter { title: fill(title), blocks });
        }
        Ok(Report {
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            author: self.author.clone(),
            date: date.to_owned(),
            source: self.source.clone(),
            lang: lang.to_owned(),
            chapters,
        })
    }
}

/// The names between braces in `text`.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(after[..close].trim());
        rest = &after[close + 1..];
    }
    out
}

/// The column (1-based, in characters) of a `{` without its `}`.
fn unclosed(line: &str) -> Option<usize> {
    let mut open: Option<usize> = None;
    for (i, ch) in line.chars().enumerate() {
        match ch {
            '{' if open.is_none() => open = Some(i + 1),
            '}' => open = None,
            _ => {}
        }
    }
    open
}

fn fill(text: &str, ind: &Indicators) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim();
        out.push_str(ind.values.get(name).map_or(name, String::as_str));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicators() -> Indicators {
        let mut i = Indicators::default();
        i.values.insert("invitati".into(), "7.904".into());
        i.values.insert("tasso_risposta".into(), "48,7%".into());
        i
    }

    #[test]
    fn placeholders_are_filled_and_unknown_names_reported_with_their_line() {
        let t = Template::parse("titolo: R\n---\n# Uno\nInvitati {invitati},\nrisposta {tasso_risposta}.\n\nAltro.\n")
            .unwrap();
        let r = t.bind(&indicators(), "2022", "it").unwrap();
        assert_eq!(
            r.chapters[0].blocks,
            vec![
                Block::Paragraph { text: "Invitati 7.904, risposta 48,7%.".into() },
                Block::Paragraph { text: "Altro.".into() }
            ]
        );
        let t = Template::parse("titolo: R\n---\n# Uno\n\nSono {sconosciuto}.\n[[tabella nessuna]]\n").unwrap();
        let e = t.bind(&indicators(), "", "it").unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(e[0].problem, Problem::UnknownValue("sconosciuto".into()));
        assert_eq!(e[1].problem, Problem::UnknownTable("nessuna".into()));
        assert_eq!(e[0].to_string(), "line 5: unknown value «{sconosciuto}»");
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let e =
            Template::parse("titolo: R\ncolore: blu\n---\nprima\n# Uno\n[[torta x]]\nAperta {graffa\n").unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 4, 6, 7], "{e:?}");
        assert!(Template::parse("# Uno\n").is_err(), "no header");
    }
}
