//! Charts for reports, as standalone SVG 1.1 strings: the same bytes go into web pages and,
//! through `image(..)`, into typst PDFs ([`crate::pdf`]).
//!
//! - [`bar()`]: vertical or horizontal bars, one or more series grouped side by side, stacked,
//!   or stacked to 100% ([`BarChart`]);
//! - [`line()`]: one or more series over an ordered axis such as years ([`LineChart`]);
//! - [`histogram()`]: counts in bins the caller gives ([`Histogram`]);
//! - [`box_plot()`]: quartiles and whiskers the caller computed ([`BoxPlot`]).
//!
//! Maps (choropleths, proportional symbols) are in [`crate::map`].
//!
//! # What every chart shares
//!
//! A [`Frame`]: the size in user units (the `viewBox` is `0 0 width height`, and `width`/
//! `height` carry the same numbers), the title (shown, and the SVG `<title>`), a description
//! (`<desc>`; the root has `role="img"` and `aria-labelledby` both), an optional subtitle (e.g.
//! the unit) and source line, and the message to show when there is nothing to draw. The
//! chart code has no words of its own: every text comes from the caller, who takes it from
//! Fluent in the reader's language.
//!
//! Numbers are written by a [`NumberFormat`] (Italian separators by default: `10.000`,
//! `48,7%`); value axes get "nice" ticks ([`nice_ticks`]: steps of 1, 2 or 5 × 10ⁿ). Series take
//! the Okabe–Ito colours ([`CATEGORICAL`], distinguishable with the common colour-vision
//! deficiencies), or the sequential blues of the maps ([`crate::map::COLOURS`]) for ordered
//! classes ([`Palette::Sequential`]). Text uses Titillium Web, the font typst embeds.
//!
//! # Edge cases
//!
//! - No category, no series or no value at all: a valid SVG with the title and the caller's
//!   `no_data` message in place of the plot.
//! - All values zero: drawn, on an axis from 0 to 1 (zero is data).
//! - `None`: a missing value, drawn as nothing (no bar; a gap in a line).
//! - NaN or ±∞: rejected with [`ChartError::NotFinite`] (a value computed as 0/0 is a bug
//!   upstream, not a missing answer; pass `None` for that).
//! - Negative values: drawn below (left of) a zero line in grouped bars and lines; rejected with
//!   [`ChartError::Negative`] in stacked bars and histograms, where they have no meaning.
//!
//! Output is deterministic (same input, same bytes), and never contains `NaN` or `inf`.
//!
//! ```
//! use argine_reports::chart::{bar, BarChart, Frame, Series};
//!
//! let svg = bar(&BarChart {
//!     frame: Frame::new("regioni", "Insediamenti informali per regione", 640, 360),
//!     categories: vec!["Puglia".into(), "Calabria".into(), "Campania".into()],
//!     series: vec![Series::new("Insediamenti", [Some(38.0), Some(24.0), Some(17.0)])],
//!     ..BarChart::default()
//! })?;
//! assert!(svg.starts_with("<svg") && svg.contains("Puglia"));
//! # Ok::<(), argine_reports::chart::ChartError>(())
//! ```

mod bar;
mod distribution;
mod format;
mod line;
mod scale;
pub(crate) mod svg;

pub use bar::{BarChart, BarLayout, Orientation, bar};
pub use distribution::{BoxPlot, BoxStats, Histogram, box_plot, histogram};
pub use format::{Locale, NumberFormat, number};
pub use line::{LineChart, line};
pub use scale::{Ticks, nice_ticks};

use crate::map::COLOURS;

/// The Okabe–Ito palette (Okabe & Ito, 2008), in the order series take it: blue, orange,
/// bluish green, vermillion, reddish purple, sky blue, yellow, black.
pub const CATEGORICAL: [&str; 8] =
    ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000"];

/// The most series a chart takes (one colour each).
pub const MAX_SERIES: usize = CATEGORICAL.len();

/// The size, texts and accessible name of a chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// Prefix of the element ids (`ID-title`, `ID-desc`): unique on an HTML page that shows
    /// several charts. A letter, then letters, digits, `-` or `_`.
    pub id: String,
    /// Size in user units (CSS pixels on a page; typst scales the image to its box).
    pub width: u32,
    pub height: u32,
    /// Shown on top (wrapped to two lines) and the SVG `<title>`.
    pub title: String,
    /// The SVG `<desc>`: what the chart shows, for screen readers (e.g. the main figures).
    pub description: String,
    /// A line under the title, e.g. the unit ("Persone, valori assoluti"); empty for none.
    pub subtitle: String,
    /// The source line at the bottom ("Fonte: …"); empty for none.
    pub source: String,
    /// Shown instead of the plot when there is nothing to draw.
    pub no_data: String,
}

impl Frame {
    /// A frame with an id, a title and a size; the other texts empty.
    pub fn new(id: &str, title: &str, width: u32, height: u32) -> Self {
        Self { id: id.to_owned(), title: title.to_owned(), width, height, ..Self::default() }
    }
}

/// A named row of values, one per category (or per point of the axis); `None` is missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

impl Series {
    pub fn new(name: &str, values: impl IntoIterator<Item = Option<f64>>) -> Self {
        Self { name: name.to_owned(), values: values.into_iter().collect() }
    }
}

/// Which colours the series take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Palette {
    /// Okabe–Ito ([`CATEGORICAL`]): for unordered series (men/women, sectors).
    #[default]
    Categorical,
    /// The blues of the maps ([`COLOURS`]), light to dark: for ordered series (age classes,
    /// "poco – molto"). More than five series fall back to [`Palette::Categorical`].
    Sequential,
}

impl Palette {
    /// The colour of series `i` of `count`.
    pub fn colour(self, i: usize, count: usize) -> &'static str {
        match self {
            Self::Sequential if count <= COLOURS.len() => {
                // Skip the lightest blue (too faint on white) unless all five are needed.
                let index = match count {
                    0 | 1 => COLOURS.len() - 1,
                    5 => i,
                    _ => 1 + i * (COLOURS.len() - 2) / (count - 1),
                };
                COLOURS[index.min(COLOURS.len() - 1)]
            }
            _ => CATEGORICAL[i % CATEGORICAL.len()],
        }
    }
}

/// Why a chart cannot be drawn. Nothing to draw is not an error (see the module docs).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("series {series:?} has {got} values for {expected} categories")]
    Length { series: String, expected: usize, got: usize },
    #[error("series {series:?}: value {index} is not a finite number (pass None for a missing value)")]
    NotFinite { series: String, index: usize },
    #[error("series {series:?}: value {index} is negative, which a {chart} cannot show")]
    Negative { series: String, index: usize, chart: &'static str },
    #[error("{0} series; a chart takes at most {MAX_SERIES}")]
    TooManySeries(usize),
    #[error("the chart is {width}×{height}; it needs at least {}×{}", svg::MIN_WIDTH, svg::MIN_HEIGHT)]
    TooSmall { width: u32, height: u32 },
    #[error("the id {0:?} is not an XML id (a letter, then letters, digits, '-' or '_')")]
    BadId(String),
    #[error("a histogram needs one more bin edge than counts, increasing and finite ({edges} edges, {counts} counts)")]
    Bins { edges: usize, counts: usize },
    #[error("box {label:?}: its numbers must be finite and ordered min ≤ q1 ≤ median ≤ q3 ≤ max")]
    Unordered { label: String },
}

/// Checks the series against the category count: lengths, finite values, and (when
/// `negative_for` names the chart) no negative values.
pub(crate) fn check_series(
    series: &[Series],
    categories: usize,
    negative_for: Option<&'static str>,
) -> Result<(), ChartError> {
    if series.len() > MAX_SERIES {
        return Err(ChartError::TooManySeries(series.len()));
    }
    for s in series {
        if s.values.len() != categories {
            return Err(ChartError::Length { series: s.name.clone(), expected: categories, got: s.values.len() });
        }
        for (index, v) in s.values.iter().enumerate() {
            match v {
                Some(x) if !x.is_finite() => return Err(ChartError::NotFinite { series: s.name.clone(), index }),
                Some(x) if *x < 0.0 && negative_for.is_some() => {
                    return Err(ChartError::Negative {
                        series: s.name.clone(),
                        index,
                        chart: negative_for.unwrap_or_default(),
                    });
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
