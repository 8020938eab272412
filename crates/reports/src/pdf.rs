//! PDF documents through embedded [typst](https://typst.app) 0.15, entirely offline.
//!
//! A [`Pdf`] engine is made once (it parses the embedded fonts) and shared: it is `Clone`
//! (one `Arc` inside), `Send` and `Sync`. [`Pdf::render`] turns a typst source and a few
//! virtual files into the bytes of a tagged PDF/A-2b file (or PDF/A-2a + PDF/UA-1, see
//! [`Conformance`]). Rendering is CPU-bound (tens of milliseconds a page in a release build):
//! from async code, call it inside `spawn_blocking`.
//!
//! # User text goes in as JSON, never as markup
//!
//! Text entered by people (minutes of a meeting, names, notes) must never be pasted into the
//! typst source: `*`, `#`, `$`, `<`, `@`, `[` … are markup and code there. Pass it as a JSON
//! file and read it with `json(..)`: a string read from JSON is shown as plain text, whatever
//! characters it holds. Never call `eval` on such strings, nor use them as a `show` selector
//! or a file name. Text with paragraphs: `#for p in data.notes.split("\n\n") [#p #parbreak()]`.
//!
//! ```
//! use argine_reports::pdf::Pdf;
//!
//! let data = serde_json::json!({
//!     "title": "Verbale della riunione del 3 marzo",
//!     "source": "Fonte: Comune di Latina, servizio sociale",
//!     "minutes": "Presenti: *tutti* #1 $5 <ok> @mario",
//! });
//! let source = r#"
//! #import "/argine.typ": documento
//! #let data = json("data.json")
//! #show: documento.with(title: data.title, source: data.source, lang: "it")
//!
//! = Verbale
//! #data.minutes
//! "#;
//! let json = serde_json::to_vec(&data)?;
//! let pdf = Pdf::new()?.render(source, &[("data.json", &json)])?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The house style
//!
//! [`HOUSE_STYLE`] (a typst module, available to every document as `/argine.typ`) gives the
//! look of an Italian public administration's A4 document: Titillium Web as in the web UI,
//! a header with the title and the date, a footer with the caller's source/attribution line and
//! "Pagina N di M" ("Page N of M" with `lang: "en"`), blue semibold headings, tables with a
//! tinted header row, document metadata (title, author, date, language). It also offers
//! `tabella(columns: .., rows: ..)`, a table built from JSON records.
//!
//! # What a document can read
//!
//! Only what the caller passes: the source (`main.typ`), the house style and the virtual files.
//! There is no file system, no package (`#import "@preview/…"` fails), no network, and the
//! fonts are compiled into the binary (`assets/fonts/`, see `SOURCES.md` there).
//! `datetime.today()` is the date in Italy (CET/CEST) unless [`RenderOptions::now`] says
//! otherwise.

mod fonts;
mod world;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use time::macros::offset;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{DiagSpan, FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use world::{RenderWorld, project_file};

/// The typst source of the house style module (see the module documentation).
pub const HOUSE_STYLE: &str = include_str!("pdf/argine.typ");

/// The path under which every document can import [`HOUSE_STYLE`]: `#import "/argine.typ": documento`.
pub const HOUSE_STYLE_FILE: &str = "argine.typ";

/// The path of the source passed to [`Pdf::render`], as it appears in diagnostics.
pub const MAIN_FILE: &str = "main.typ";

/// How many renders an unused entry of typst's global memoisation cache survives.
const CACHE_MAX_AGE: usize = 10;

/// The PDF engine: embedded fonts and the typst standard library, ready to render.
#[derive(Clone)]
pub struct Pdf {
    inner: Arc<Inner>,
}

/// What every render shares (read-only).
struct Inner {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    house_style: Source,
    main_id: FileId,
    /// PDF/A-2b, for [`Conformance::Archival`].
    archival: PdfStandards,
    /// PDF/A-2a + PDF/UA-1, for [`Conformance::Accessible`].
    accessible: PdfStandards,
}

/// Options of [`Pdf::render_with`].
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The moment of rendering: the PDF creation date, and (at this value's offset) the date of
    /// `datetime.today()`. `None`: now, in Italian time. Tests set it to get the same bytes on
    /// every run.
    pub now: Option<OffsetDateTime>,
    /// Which PDF standards the file must meet.
    pub conformance: Conformance,
}

/// The PDF standards a rendered file conforms to. Both are tagged PDF (a structure tree with
/// headings, lists, tables, reading order) with the document language set, and embed every
/// font; typst checks the rules while writing and fails with [`PdfError::Export`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Conformance {
    /// PDF/A-2b (ISO 19005-2, level B): fit for long-term archiving. The default.
    #[default]
    Archival,
    /// PDF/A-2a and PDF/UA-1 (ISO 14289-1): accessible, as Italian law (L. 4/2004) asks of
    /// documents a public administration publishes. Stricter: every image and equation needs
    /// `alt: ".."`, heading levels may not skip (= then ===), and the document needs a title
    /// (the house style sets it).
    Accessible,
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// typst's warnings (e.g. an unknown font family, a label never referenced).
    pub warnings: Vec<Diagnostic>,
}

/// One typst error or warning, located in the file where it happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (`main.typ`, `argine.typ` or a virtual file's name); `None` when typst did not
    /// tie the problem to a place.
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// typst's message, in English.
    pub message: String,
    /// typst's hints on how to fix it.
    pub hints: Vec<String>,
    /// Where the call that failed came from, innermost first, e.g.
    /// "while calling `documento` (main.typ:3:8)".
    pub trace: Vec<String>,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The source (or the house style, or an imported virtual file) does not compile.
    #[error("the typst document does not compile: {}", DiagnosticList(.0))]
    Compile(Vec<Diagnostic>),
    /// The document compiled but could not be written, e.g. an image without alt text under
    /// [`Conformance::Accessible`].
    #[error("the PDF could not be written: {}", DiagnosticList(.0))]
    Export(Vec<Diagnostic>),
    /// A virtual file has an unusable name.
    #[error("virtual file {name:?}: {reason}")]
    File { name: String, reason: &'static str },
    /// An embedded font could not be parsed (a broken build, not a broken document).
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
}

impl PdfError {
    /// The typst diagnostics of a compile or export error (empty for the other kinds).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Compile(list) | Self::Export(list) => list,
            Self::File { .. } | Self::Font(_) => &[],
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            f.write_str(file)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        for step in &self.trace {
            write!(f, " ({step})")?;
        }
        Ok(())
    }
}

/// Displays diagnostics one per line (the first on the error's own line).
struct DiagnosticList<'a>(&'a [Diagnostic]);

impl fmt::Display for DiagnosticList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Pdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pdf").field("fonts", &self.inner.fonts.len()).finish_non_exhaustive()
    }
}

impl Pdf {
    /// Parses the embedded fonts and builds the typst standard library (a few milliseconds).
    pub fn new() -> Result<Self, PdfError> {
        let mut fonts = Vec::new();
        for (name, data) in fonts::FONTS {
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                return Err(PdfError::Font(name));
            }
        }
        let reserved = |name: &'static str| {
            project_file(name).ok_or(PdfError::File { name: name.to_owned(), reason: "not a valid path" })
        };
        let standards = |list: &[PdfStandard]| {
            PdfStandards::new(list).map_err(|e| {
                PdfError::Export(vec![Diagnostic {
                    message: e.message().to_string(),
                    hints: e.hints().iter().map(ToString::to_string).collect(),
                    ..Diagnostic::default()
                }])
            })
        };
        let inner = Inner {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            house_style: Source::new(reserved(HOUSE_STYLE_FILE)?, HOUSE_STYLE.to_owned()),
            main_id: reserved(MAIN_FILE)?,
            archival: standards(&[PdfStandard::A_2b])?,
            accessible: standards(&[PdfStandard::A_2a, PdfStandard::Ua_1])?,
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Renders `source` (typst markup) to PDF bytes, with default [`RenderOptions`].
    ///
    /// `files` are virtual files the source can read by name: `json("data.json")`,
    /// `image("map.svg")`, `#import "parts.typ"`. Names are paths relative to the project root
    /// (`"data.json"`, `"img/logo.svg"`); `main.typ` and `argine.typ` are taken. typst keeps
    /// every path it has seen for the life of the process (at most 65 535): use fixed names such
    /// as `data.json`, never names made from ids or user input.
    pub fn render(&self, source: &str, files: &[(&str, &[u8])]) -> Result<Vec<u8>, PdfError> {
        self.render_with(source, files, &RenderOptions::default()).map(|rendered| rendered.pdf)
    }

    /// Renders like [`Pdf::render`], with options, and also returns the page count and typst's
    /// warnings.
    pub fn render_with(
        &self,
        source: &str,
        files: &[(&str, &[u8])],
        options: &RenderOptions,
    ) -> Result<Rendered, PdfError> {
        let inner = &*self.inner;
        let mut virtual_files = HashMap::with_capacity(files.len());
        for &(name, data) in files {
            let invalid = |reason| PdfError::File { name: name.to_owned(), reason };
            let id = project_file(name).ok_or_else(|| invalid("not a valid relative path"))?;
            if id == inner.main_id || id == inner.house_style.id() {
                return Err(invalid("this name is reserved"));
            }
            if virtual_files.insert(id, Bytes::new(data.to_vec())).is_some() {
                return Err(invalid("passed twice"));
            }
        }
        let now = options.now.unwrap_or_else(|| {
            let utc = OffsetDateTime::now_utc();
            utc.checked_to_offset(italian_offset(utc)).unwrap_or(utc)
        });
        let world = RenderWorld::new(inner, Source::new(inner.main_id, source.to_owned()), virtual_files, now);

        let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
        let result = output.map_err(|errors| PdfError::Compile(diagnostics(&world, &errors))).and_then(|document| {
            let standards = match options.conformance {
                Conformance::Archival => inner.archival.clone(),
                Conformance::Accessible => inner.accessible.clone(),
            };
            let pdf_options = PdfOptions { timestamp: timestamp(now), standards, ..PdfOptions::default() };
            let pdf = typst_pdf::pdf(&document, &pdf_options)
                .map_err(|errors| PdfError::Export(diagnostics(&world, &errors)))?;
            Ok(Rendered { pdf, pages: document.pages().len(), warnings: diagnostics(&world, &warnings) })
        });
        // typst memoises across compilations in a global cache; keep it from growing forever.
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }
}

/// The PDF creation date: `now` with its offset.
fn timestamp(now: OffsetDateTime) -> Option<Timestamp> {
    let datetime = Datetime::Datetime(PrimitiveDateTime::new(now.date(), now.time()));
    Timestamp::new_local(datetime, i32::from(now.offset().whole_minutes()))
}

/// The offset of Italian time at `utc`: CEST (+2) from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October (the EU rule), CET (+1) otherwise.
fn italian_offset(utc: OffsetDateTime) -> UtcOffset {
    let change_at = |month: Month| -> Option<OffsetDateTime> {
        // March and October both have 31 days.
        let last_day = Date::from_calendar_date(utc.year(), month, 31).ok()?;
        let back = i64::from(last_day.weekday().number_days_from_sunday());
        let sunday = last_day.checked_sub(time::Duration::days(back))?;
        Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    match (change_at(Month::March), change_at(Month::October)) {
        (Some(start), Some(end)) if start <= utc && utc < end => offset!(+2),
        _ => offset!(+1),
    }
}

/// typst diagnostics with their places resolved to file, line and column.
fn diagnostics(world: &RenderWorld<'_>, list: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    list.iter()
        .map(|diagnostic| {
            let (file, line, column) = locate(world, diagnostic.span);
            let trace = diagnostic
                .trace
                .iter()
                .map(|step| match locate(world, step.span.into()) {
                    (Some(file), Some(line), Some(column)) => format!("{} ({file}:{line}:{column})", step.v),
                    _ => step.v.to_string(),
                })
                .collect();
            Diagnostic {
                file,
                line,
                column,
                message: diagnostic.message.to_string(),
                hints: diagnostic.hints.iter().map(|hint| hint.v.to_string()).collect(),
                trace,
            }
        })
        .collect()
}

/// File name and 1-based line and column of a span, as far as they are known.
fn locate(world: &RenderWorld<'_>, span: DiagSpan) -> (Option<String>, Option<usize>, Option<usize>) {
    let Some(id) = span.id() else { return (None, None, None) };
    let file = Some(id.vpath().get_without_slash().to_owned());
    let position = world.range(span).and_then(|range| {
        // Any UTF-8 file (typst, JSON, CSV…) has lines; images do not.
        let source =
            if id == world.main_source().id() { Some(world.main_source().clone()) } else { world.source(id).ok() };
        source?.lines().byte_to_line_column(range.start)
    });
    match position {
        Some((line, column)) => (file, Some(line + 1), Some(column + 1)),
        None => (file, None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn italian_time_follows_the_eu_rule() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(italian_offset(datetime!(2026-03-29 00:59 UTC)), offset!(+1));
        assert_eq!(italian_offset(datetime!(2026-03-29 01:00 UTC)), offset!(+2));
        assert_eq!(italian_offset(datetime!(2026-10-25 00:59 UTC)), offset!(+2));
        assert_eq!(italian_offset(datetime!(2026-10-25 01:00 UTC)), offset!(+1));
        assert_eq!(italian_offset(datetime!(2026-01-15 12:00 UTC)), offset!(+1));
        assert_eq!(italian_offset(datetime!(2025-03-30 01:00 UTC)), offset!(+2));
    }

    #[test]
    fn every_embedded_font_parses() {
        let pdf = Pdf::new().map_err(|e| e.to_string());
        assert_eq!(pdf.map(|pdf| pdf.inner.fonts.len()).ok(), Some(fonts::FONTS.len()));
    }
}
