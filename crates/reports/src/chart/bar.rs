//! Bar charts: vertical or horizontal; series grouped side by side, stacked, or stacked to 100%.

use std::fmt::Write as _;

use super::scale::{Linear, Ticks, nice_ticks};
use super::svg::{AXIS, Doc, GREY, GRID, INK, Key, esc, n, text_on, text_width, wrap};
use super::{ChartError, Frame, NumberFormat, Palette, Series, check_series};

/// Which way the bars run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Orientation {
    /// Columns rising from a horizontal axis, categories along the bottom: few categories
    /// with short names, or an order such as years.
    #[default]
    Vertical,
    /// Bars from a vertical axis, categories down the left side: long names (regions,
    /// provinces, comuni), rankings.
    Horizontal,
}

/// How several series share a category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BarLayout {
    /// Side by side. Negative values are drawn from the zero line the other way.
    #[default]
    Grouped,
    /// One bar per category, the series on top of each other; the total is labelled at its
    /// end. Negative values are refused.
    Stacked,
    /// Like [`BarLayout::Stacked`], each bar scaled to 100%: the segments are the shares of
    /// each series in the category, labelled with [`BarChart::format`] (use
    /// [`NumberFormat::percent`]). A category whose total is 0 shows [`BarChart::missing`].
    Stacked100,
}

/// A bar chart: one bar per category and series.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub frame: Frame,
    pub orientation: Orientation,
    pub layout: BarLayout,
    /// The category names, in drawing order (left to right, or top to bottom).
    pub categories: Vec<String>,
    /// Each series has one value per category. One series needs no legend; several get one.
    pub series: Vec<Series>,
    /// Writes value labels and axis ticks (ticks with the decimals their step needs).
    pub format: NumberFormat,
    /// Writes each value at its bar (or inside its segment) where the text fits.
    pub value_labels: bool,
    /// Written where a value is missing (`None`), and in place of a stacked bar with nothing
    /// to stack, e.g. "n.d."; empty writes nothing there.
    pub missing: String,
    pub palette: Palette,
}

impl Default for BarChart {
    fn default() -> Self {
        Self {
            frame: Frame::default(),
            orientation: Orientation::default(),
            layout: BarLayout::default(),
            categories: Vec::new(),
            series: Vec::new(),
            format: NumberFormat::default(),
            value_labels: true,
            missing: String::new(),
            palette: Palette::default(),
        }
    }
}

/// One rectangle to draw: series index, value range (in value units) and the value to label.
struct Segment {
    series: usize,
    from: f64,
    to: f64,
    label: f64,
}

/// Draws a bar chart. Errors: [`ChartError::Length`], [`ChartError::NotFinite`],
/// [`ChartError::Negative`] (stacked layouts only), [`ChartError::TooManySeries`] and the frame
/// errors ([`ChartError::TooSmall`], [`ChartError::BadId`]).
pub fn bar(chart: &BarChart) -> Result<String, ChartError> {
    let negative_for = match chart.layout {
        BarLayout::Grouped => None,
        BarLayout::Stacked => Some("stacked bar chart"),
        BarLayout::Stacked100 => Some("100% stacked bar chart"),
    };
    let count = chart.series.len();
    check_series(&chart.series, chart.categories.len(), negative_for)?;
    let keys: Vec<Key<'_>> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| Key { colour: chart.palette.colour(i, count), name: &s.name, line: false })
        .collect();
    let doc = Doc::open(&chart.frame, &keys)?;
    let has_value = chart.series.iter().flat_map(|s| &s.values).any(Option::is_some);
    if chart.categories.is_empty() || !has_value {
        return Ok(doc.no_data(&chart.frame.no_data));
    }

    // The segments of each category, in value units.
    let mut segments: Vec<Vec<Segment>> = Vec::with_capacity(chart.categories.len());
    let mut totals: Vec<Option<f64>> = Vec::with_capacity(chart.categories.len());
    for c in 0..chart.categories.len() {
        let values = chart.series.iter().map(|s| s.values[c]);
        let total: f64 = values.clone().flatten().sum();
        let any = values.clone().any(|v| v.is_some());
        let mut row = Vec::new();
        match chart.layout {
            BarLayout::Grouped => {
                for (i, v) in values.enumerate() {
                    if let Some(v) = v {
                        row.push(Segment { series: i, from: 0.0, to: v, label: v });
                    }
                }
                totals.push(None);
            }
            BarLayout::Stacked | BarLayout::Stacked100 => {
                let scale = if chart.layout == BarLayout::Stacked100 {
                    if total > 0.0 { 100.0 / total } else { 0.0 }
                } else {
                    1.0
                };
                let mut at = 0.0;
                for (i, v) in values.enumerate() {
                    if let Some(v) = v.filter(|v| *v > 0.0 && scale > 0.0) {
                        let share = v * scale;
                        row.push(Segment { series: i, from: at, to: at + share, label: share });
                        at += share;
                    }
                }
                // Rounding: a 100% bar ends exactly at 100.
                if chart.layout == BarLayout::Stacked100
                    && let Some(last) = row.last_mut()
                {
                    last.to = 100.0;
                }
                totals.push((chart.layout == BarLayout::Stacked && any).then_some(total));
            }
        }
        segments.push(row);
    }
    let (lo, hi) = match chart.layout {
        BarLayout::Grouped => {
            segments.iter().flatten().fold((0.0_f64, 0.0_f64), |(lo, hi), s| (lo.min(s.to), hi.max(s.to)))
        }
        BarLayout::Stacked => (0.0, totals.iter().flatten().fold(0.0_f64, |a, b| a.max(*b))),
        BarLayout::Stacked100 => (0.0, 100.0),
    };
    let plot = Layout::new(chart, &doc, lo, hi);
    Ok(draw(chart, doc, &plot, &segments, &totals))
}

/// Where things go: the value axis, the category bands and their labels.
struct Layout {
    orientation: Orientation,
    ticks: Ticks,
    tick_labels: Vec<String>,
    /// Value → pixel on the value axis (y for vertical bars, x for horizontal ones).
    value: Linear,
    /// The plot rectangle.
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// The start of the first band and each band's size, along the category axis.
    band0: f64,
    band: f64,
    /// Each category's label, wrapped.
    labels: Vec<Vec<String>>,
}

const TICK_SIZE: f64 = 11.0;
const LABEL_SIZE: f64 = 12.0;
const VALUE_SIZE: f64 = 11.0;

impl Layout {
    fn new(chart: &BarChart, doc: &Doc, lo: f64, hi: f64) -> Self {
        let ncat = chart.categories.len() as f64;
        let vertical = chart.orientation == Orientation::Vertical;
        let free = if vertical { doc.bottom - doc.top - 40.0 } else { doc.width - 200.0 };
        let spacing = if vertical { 40.0 } else { 70.0 };
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
        let target = (free / spacing).floor().clamp(2.0, 10.0) as usize;
        let ticks = nice_ticks(lo, hi, target);
        let tick_labels: Vec<String> =
            ticks.values.iter().map(|v| chart.format.format_with(*v, ticks.decimals)).collect();
        let widest_tick = tick_labels.iter().map(|t| text_width(t, TICK_SIZE)).fold(0.0, f64::max);
        let value_room = if chart.value_labels {
            let widest = |x: f64| text_width(&chart.format.format(x), VALUE_SIZE);
            widest(lo).max(widest(hi)) + 6.0
        } else {
            0.0
        };
        if vertical {
            let left = super::svg::PAD + widest_tick + 6.0;
            let right = doc.width - super::svg::PAD;
            let band = (right - left) / ncat;
            let labels: Vec<Vec<String>> =
                chart.categories.iter().map(|c| wrap(c, (band - 4.0).max(8.0), LABEL_SIZE, 3)).collect();
            let lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
            let bottom = (doc.bottom - lines * 14.0 - 6.0).max(doc.top + 10.0);
            let top = doc.top + if chart.value_labels { 14.0 } else { 4.0 };
            let value = Linear { d0: ticks.first(), d1: ticks.last(), r0: bottom, r1: top };
            Self {
                orientation: chart.orientation,
                ticks,
                tick_labels,
                value,
                left,
                right,
                top,
                bottom,
                band0: left,
                band,
                labels,
            }
        } else {
            let widest_label = chart.categories.iter().map(|c| text_width(c, LABEL_SIZE)).fold(0.0, f64::max);
            let column = widest_label.min((doc.width - 2.0 * super::svg::PAD) * 0.35);
            let labels: Vec<Vec<String>> =
                chart.categories.iter().map(|c| wrap(c, column.max(8.0), LABEL_SIZE, 2)).collect();
            let left = super::svg::PAD + column + 8.0;
            let overhang = tick_labels.last().map_or(0.0, |t| text_width(t, TICK_SIZE) / 2.0);
            let right = doc.width - super::svg::PAD - value_room.max(overhang);
            let top = doc.top;
            let bottom = (doc.bottom - 20.0).max(top + 10.0);
            let band = (bottom - top) / ncat;
            let value = Linear { d0: ticks.first(), d1: ticks.last(), r0: left, r1: right.max(left + 10.0) };
            Self {
                orientation: chart.orientation,
                ticks,
                tick_labels,
                value,
                left,
                right,
                top,
                bottom,
                band0: top,
                band,
                labels,
            }
        }
    }

    /// The rectangle (x, y, width, height) from value `a` to value `b`, at `offset` into the
    /// band of category `c`, `thickness` thick.
    fn rect(&self, c: usize, offset: f64, thickness: f64, a: f64, b: f64) -> (f64, f64, f64, f64) {
        let (pa, pb) = (self.value.map(a), self.value.map(b));
        let along = self.band0 + c as f64 * self.band + offset;
        match self.orientation {
            Orientation::Vertical => (along, pa.min(pb), thickness, (pa - pb).abs()),
            Orientation::Horizontal => (pa.min(pb), along, (pa - pb).abs(), thickness),
        }
    }
}

fn draw(chart: &BarChart, mut doc: Doc, plot: &Layout, segments: &[Vec<Segment>], totals: &[Option<f64>]) -> String {
    let vertical = plot.orientation == Orientation::Vertical;
    let count = chart.series.len();
    // Grid and value axis.
    doc.s.push_str("<g class=\"value-axis\">");
    for (v, label) in plot.ticks.values.iter().zip(&plot.tick_labels) {
        let p = plot.value.map(*v);
        let stroke = if *v == 0.0 { AXIS } else { GRID };
        if vertical {
            let _ = write!(
                doc.s,
                "<line x1=\"{}\" y1=\"{p}\" x2=\"{}\" y2=\"{p}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
                n(plot.left),
                n(plot.right),
                p = n(p)
            );
            doc.text("tick", plot.left - 6.0, p + 4.0, TICK_SIZE, GREY, "end", label);
        } else {
            let _ = write!(
                doc.s,
                "<line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
                n(plot.top),
                n(plot.bottom),
                p = n(p)
            );
            doc.text("tick", p, plot.bottom + 14.0, TICK_SIZE, GREY, "middle", label);
        }
    }
    doc.s.push_str("</g>");

    // Bars, one group per series (so that a reader, or a test, finds them by series).
    let stacked = chart.layout != BarLayout::Grouped;
    let group = plot.band * if stacked { 0.62 } else { 0.74 };
    let cap = if vertical { 90.0 } else { 34.0 };
    let thickness = if stacked { group.min(cap) } else { (group / count as f64).min(cap) };
    let used = if stacked { thickness } else { thickness * count as f64 };
    let inset = (plot.band - used) / 2.0;
    let gap = if !stacked && count > 1 { 1.0 } else { 0.0 };
    let mut labels = String::new();
    for (si, series) in chart.series.iter().enumerate() {
        let fill = chart.palette.colour(si, count);
        let _ = write!(doc.s, "<g class=\"series\" fill=\"{fill}\">");
        for (c, row) in segments.iter().enumerate() {
            if !stacked && series.values[c].is_none() && !chart.missing.is_empty() {
                let (x, y, w, h) = plot.rect(c, inset + si as f64 * thickness, thickness - gap, 0.0, 0.0);
                let (tx, ty, anchor) =
                    if vertical { (x + w / 2.0, y - 4.0, "middle") } else { (x + 4.0, y + h / 2.0 + 4.0, "start") };
                missing_label(&mut labels, tx, ty, anchor, &chart.missing);
            }
            for seg in row.iter().filter(|s| s.series == si) {
                let offset = inset + if stacked { 0.0 } else { si as f64 * thickness };
                let (x, y, w, h) = plot.rect(c, offset, thickness - gap, seg.from, seg.to);
                let value = chart.format.format(seg.label);
                let name = if count > 1 {
                    format!("{} – {}: {value}", chart.categories[c], series.name)
                } else {
                    format!("{}: {value}", chart.categories[c])
                };
                let _ = write!(
                    doc.s,
                    "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                    n(x),
                    n(y),
                    n(w),
                    n(h),
                    esc(&name)
                );
                if !chart.value_labels {
                    continue;
                }
                let tw = text_width(&value, VALUE_SIZE);
                if stacked {
                    // Inside the segment, if it fits.
                    let fits = if vertical { h >= 14.0 && tw <= w - 4.0 } else { w >= tw + 6.0 && h >= 12.0 };
                    if fits {
                        let _ = write!(
                            labels,
                            "<text class=\"value\" x=\"{}\" y=\"{}\" font-size=\"{VALUE_SIZE}\" fill=\"{}\" text-anchor=\"middle\">{}</text>",
                            n(x + w / 2.0),
                            n(y + h / 2.0 + 4.0),
                            text_on(fill),
                            esc(&value)
                        );
                    }
                } else {
                    let negative = seg.to < 0.0;
                    let (tx, ty, anchor) = if vertical {
                        (x + w / 2.0, if negative { y + h + 12.0 } else { y - 4.0 }, "middle")
                    } else if negative {
                        (x - 4.0, y + h / 2.0 + 4.0, "end")
                    } else {
                        (x + w + 4.0, y + h / 2.0 + 4.0, "start")
                    };
                    let fits = if vertical { tw <= w + gap + 2.0 } else { h >= 9.0 };
                    if fits {
                        let _ = write!(
                            labels,
                            "<text class=\"value\" x=\"{}\" y=\"{}\" font-size=\"{VALUE_SIZE}\" fill=\"{INK}\" text-anchor=\"{anchor}\">{}</text>",
                            n(tx),
                            n(ty),
                            esc(&value)
                        );
                    }
                }
            }
        }
        doc.s.push_str("</g>");
    }
    // Totals at the end of stacked bars; the no-data text where a 100% bar has nothing.
    for (c, total) in totals.iter().enumerate() {
        let offset = inset;
        if let Some(total) = total.filter(|_| chart.value_labels) {
            let (x, y, w, h) = plot.rect(c, offset, thickness, 0.0, total);
            let value = chart.format.format(total);
            let (tx, ty, anchor) =
                if vertical { (x + w / 2.0, y - 4.0, "middle") } else { (x + w + 4.0, y + h / 2.0 + 4.0, "start") };
            if !vertical || text_width(&value, VALUE_SIZE) <= plot.band {
                let _ = write!(
                    labels,
                    "<text class=\"total\" x=\"{}\" y=\"{}\" font-size=\"{VALUE_SIZE}\" font-weight=\"600\" fill=\"{INK}\" text-anchor=\"{anchor}\">{}</text>",
                    n(tx),
                    n(ty),
                    esc(&value)
                );
            }
        }
        // A stacked bar with nothing to stack: no value at all, or (100%) a total of 0.
        let empty = match chart.layout {
            BarLayout::Grouped => false,
            BarLayout::Stacked => total.is_none(),
            BarLayout::Stacked100 => segments[c].is_empty(),
        };
        if empty && !chart.missing.is_empty() {
            let (x, y, w, h) = plot.rect(c, offset, thickness, 0.0, 0.0);
            let (tx, ty, anchor) =
                if vertical { (x + w / 2.0, y - 4.0, "middle") } else { (x + 4.0, y + h / 2.0 + 4.0, "start") };
            missing_label(&mut labels, tx, ty, anchor, &chart.missing);
        }
    }
    doc.s.push_str(&labels);

    // Category labels.
    doc.s.push_str("<g class=\"category-axis\">");
    for (c, lines) in plot.labels.iter().enumerate() {
        let centre = plot.band0 + (c as f64 + 0.5) * plot.band;
        for (k, line) in lines.iter().enumerate() {
            if vertical {
                doc.text("category", centre, plot.bottom + 15.0 + k as f64 * 14.0, LABEL_SIZE, INK, "middle", line);
            } else {
                let y = centre - (lines.len() as f64 - 1.0) * 7.0 + 4.0 + k as f64 * 14.0;
                doc.text("category", plot.left - 8.0, y, LABEL_SIZE, INK, "end", line);
            }
        }
    }
    // The category axis line, at the zero of the value axis.
    let zero = plot.value.map(0.0);
    let _ = if vertical {
        write!(
            doc.s,
            "<line x1=\"{}\" y1=\"{z}\" x2=\"{}\" y2=\"{z}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
            n(plot.left),
            n(plot.right),
            z = n(zero)
        )
    } else {
        write!(
            doc.s,
            "<line x1=\"{z}\" y1=\"{}\" x2=\"{z}\" y2=\"{}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
            n(plot.top),
            n(plot.bottom),
            z = n(zero)
        )
    };
    doc.s.push_str("</g>");
    doc.finish()
}

/// The text written in place of a missing value.
fn missing_label(out: &mut String, x: f64, y: f64, anchor: &str, text: &str) {
    let _ = write!(
        out,
        "<text class=\"missing\" x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{GREY}\" text-anchor=\"{anchor}\">{}</text>",
        n(x),
        n(y),
        esc(text)
    );
}
