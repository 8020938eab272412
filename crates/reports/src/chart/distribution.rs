//! Distributions: a histogram of counts in given bins, and box plots of given quartiles.
//! Both take numbers the caller (or `argine_domain`'s statistics) computed: no statistics here.

use std::fmt::Write as _;

use super::scale::{Linear, nice_ticks};
use super::svg::{AXIS, Doc, GREY, GRID, INK, PAD, esc, n, text_width, wrap};
use super::{ChartError, Frame, NumberFormat};
use crate::map::COLOURS;

/// A histogram: `counts[i]` people (comuni, cases…) with a value in `edges[i]..edges[i + 1]`.
/// Bar heights are the counts, so bins should be of equal width.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub frame: Frame,
    /// The bin edges, increasing: one more than the counts.
    pub edges: Vec<f64>,
    /// The count of each bin (non-negative).
    pub counts: Vec<f64>,
    /// Writes the bin edges along the bottom.
    pub edge_format: NumberFormat,
    /// Writes the counts (labels and the value axis).
    pub count_format: NumberFormat,
    /// Writes each count above its bar where it fits.
    pub value_labels: bool,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            frame: Frame::default(),
            edges: Vec::new(),
            counts: Vec::new(),
            edge_format: NumberFormat::default(),
            count_format: NumberFormat::default(),
            value_labels: true,
        }
    }
}

/// The five numbers of one box: whiskers' ends, quartiles and median (the caller decides what
/// the whiskers are, e.g. min–max or 1.5 IQR).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoxStats {
    pub label: String,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

/// Horizontal box plots, one row per [`BoxStats`], on a shared value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxPlot {
    pub frame: Frame,
    pub boxes: Vec<BoxStats>,
    /// Writes the axis ticks and the median labels.
    pub format: NumberFormat,
    /// Writes the median at the right of each box.
    pub value_labels: bool,
}

impl Default for BoxPlot {
    fn default() -> Self {
        Self { frame: Frame::default(), boxes: Vec::new(), format: NumberFormat::default(), value_labels: true }
    }
}

const TICK_SIZE: f64 = 11.0;
const LABEL_SIZE: f64 = 12.0;

/// Draws a histogram. Errors: [`ChartError::Bins`] (edge count, order), [`ChartError::NotFinite`]
/// and [`ChartError::Negative`] (counts), and the frame errors. No bins: the `no_data` message.
pub fn histogram(chart: &Histogram) -> Result<String, ChartError> {
    let bins = chart.counts.len();
    let bad_bins = ChartError::Bins { edges: chart.edges.len(), counts: bins };
    if !(bins == 0 && chart.edges.len() <= 1) && chart.edges.len() != bins + 1 {
        return Err(bad_bins);
    }
    if chart.edges.iter().any(|e| !e.is_finite()) || chart.edges.windows(2).any(|w| w[1] <= w[0]) {
        return Err(bad_bins);
    }
    for (index, c) in chart.counts.iter().enumerate() {
        if !c.is_finite() {
            return Err(ChartError::NotFinite { series: "counts".to_owned(), index });
        }
        if *c < 0.0 {
            return Err(ChartError::Negative { series: "counts".to_owned(), index, chart: "histogram" });
        }
    }
    let mut doc = Doc::open(&chart.frame, &[])?;
    if bins == 0 {
        return Ok(doc.no_data(&chart.frame.no_data));
    }
    let hi = chart.counts.iter().copied().fold(0.0, f64::max);
    let top = doc.top + if chart.value_labels { 14.0 } else { 4.0 };
    let bottom = (doc.bottom - 20.0).max(top + 10.0);
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
    let target = ((bottom - top) / 48.0).floor().clamp(2.0, 10.0) as usize;
    let ticks = nice_ticks(0.0, hi, target);
    let tick_labels: Vec<String> =
        ticks.values.iter().map(|v| chart.count_format.format_with(*v, ticks.decimals)).collect();
    let edge_labels: Vec<String> = chart.edges.iter().map(|e| chart.edge_format.format(*e)).collect();
    let overhang = edge_labels.last().map_or(0.0, |l| text_width(l, TICK_SIZE) / 2.0);
    let left = PAD + tick_labels.iter().map(|t| text_width(t, TICK_SIZE)).fold(0.0, f64::max) + 6.0;
    let left = left.max(PAD + edge_labels.first().map_or(0.0, |l| text_width(l, TICK_SIZE) / 2.0));
    let right = (doc.width - PAD - overhang).max(left + 10.0);
    let y = Linear { d0: ticks.first(), d1: ticks.last(), r0: bottom, r1: top };
    let (e0, e1) = (chart.edges[0], chart.edges[bins]);
    let x = Linear { d0: e0, d1: e1, r0: left, r1: right };

    doc.s.push_str("<g class=\"value-axis\">");
    for (v, label) in ticks.values.iter().zip(&tick_labels) {
        let p = n(y.map(*v));
        let stroke = if *v == 0.0 { AXIS } else { GRID };
        let _ = write!(
            doc.s,
            "<line x1=\"{}\" y1=\"{p}\" x2=\"{}\" y2=\"{p}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
            n(left),
            n(right)
        );
        doc.text("tick", left - 6.0, y.map(*v) + 4.0, TICK_SIZE, GREY, "end", label);
    }
    doc.s.push_str("</g>");
    let fill = COLOURS[3];
    let _ = write!(doc.s, "<g class=\"series\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"1\">");
    let mut labels = String::new();
    for (i, count) in chart.counts.iter().enumerate() {
        let (x0, x1) = (x.map(chart.edges[i]), x.map(chart.edges[i + 1]));
        let (y0, y1) = (y.map(0.0), y.map(*count));
        let value = chart.count_format.format(*count);
        let _ = write!(
            doc.s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} – {}: {}</title></rect>",
            n(x0),
            n(y1),
            n(x1 - x0),
            n(y0 - y1),
            esc(&edge_labels[i]),
            esc(&edge_labels[i + 1]),
            esc(&value)
        );
        if chart.value_labels && text_width(&value, TICK_SIZE) <= x1 - x0 {
            let _ = write!(
                labels,
                "<text class=\"value\" x=\"{}\" y=\"{}\" font-size=\"{TICK_SIZE}\" fill=\"{INK}\" text-anchor=\"middle\">{}</text>",
                n((x0 + x1) / 2.0),
                n(y1 - 4.0),
                esc(&value)
            );
        }
    }
    doc.s.push_str("</g>");
    doc.s.push_str(&labels);
    // Edge labels, thinned out so that they do not overlap.
    doc.s.push_str("<g class=\"category-axis\">");
    let _ = write!(
        doc.s,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        n(left),
        n(right),
        b = n(bottom)
    );
    let widest = edge_labels.iter().map(|l| text_width(l, TICK_SIZE)).fold(0.0, f64::max) + 8.0;
    let spacing = (right - left) / bins as f64;
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
    let every = ((widest / spacing).ceil() as usize).max(1);
    for (i, label) in edge_labels.iter().enumerate() {
        if i % every == 0 {
            let px = x.map(chart.edges[i]);
            let _ = write!(
                doc.s,
                "<line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
                n(bottom),
                n(bottom + 4.0),
                p = n(px)
            );
            doc.text("category", px, bottom + 16.0, TICK_SIZE, INK, "middle", label);
        }
    }
    doc.s.push_str("</g>");
    Ok(doc.finish())
}

/// Draws box plots (any number of rows; they get thinner). Errors: [`ChartError::Unordered`]
/// (a box whose numbers are not finite or not in order) and the frame errors. No box: the
/// `no_data` message.
pub fn box_plot(chart: &BoxPlot) -> Result<String, ChartError> {
    for b in &chart.boxes {
        let five = [b.min, b.q1, b.median, b.q3, b.max];
        if five.iter().any(|v| !v.is_finite()) || five.windows(2).any(|w| w[1] < w[0]) {
            return Err(ChartError::Unordered { label: b.label.clone() });
        }
    }
    let mut doc = Doc::open(&chart.frame, &[])?;
    if chart.boxes.is_empty() {
        return Ok(doc.no_data(&chart.frame.no_data));
    }
    let lo = chart.boxes.iter().map(|b| b.min).fold(f64::MAX, f64::min);
    let hi = chart.boxes.iter().map(|b| b.max).fold(f64::MIN, f64::max);
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
    let target = ((doc.width - 200.0) / 90.0).floor().clamp(2.0, 10.0) as usize;
    let ticks = nice_ticks(lo, hi, target);
    let tick_labels: Vec<String> = ticks.values.iter().map(|v| chart.format.format_with(*v, ticks.decimals)).collect();
    let widest_label = chart.boxes.iter().map(|b| text_width(&b.label, LABEL_SIZE)).fold(0.0, f64::max);
    let column = widest_label.min((doc.width - 2.0 * PAD) * 0.35);
    let left = PAD + column + 8.0;
    let median_room = if chart.value_labels {
        chart.boxes.iter().map(|b| text_width(&chart.format.format(b.median), TICK_SIZE)).fold(0.0, f64::max) + 8.0
    } else {
        0.0
    };
    let overhang = tick_labels.last().map_or(0.0, |t| text_width(t, TICK_SIZE) / 2.0);
    let right = (doc.width - PAD - median_room.max(overhang)).max(left + 10.0);
    let (top, bottom) = (doc.top, (doc.bottom - 20.0).max(doc.top + 10.0));
    let x = Linear { d0: ticks.first(), d1: ticks.last(), r0: left, r1: right };
    let band = (bottom - top) / chart.boxes.len() as f64;
    let thick = (band * 0.5).min(30.0);

    doc.s.push_str("<g class=\"value-axis\">");
    for (v, label) in ticks.values.iter().zip(&tick_labels) {
        let p = n(x.map(*v));
        let _ = write!(
            doc.s,
            "<line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>",
            n(top),
            n(bottom)
        );
        doc.text("tick", x.map(*v), bottom + 14.0, TICK_SIZE, GREY, "middle", label);
    }
    doc.s.push_str("</g>");
    for (i, b) in chart.boxes.iter().enumerate() {
        let centre = top + (i as f64 + 0.5) * band;
        let (y0, y1) = (centre - thick / 2.0, centre + thick / 2.0);
        let [pmin, pq1, pmed, pq3, pmax] = [b.min, b.q1, b.median, b.q3, b.max].map(|v| x.map(v));
        let f = |v: f64| chart.format.format(v);
        let _ = write!(
            doc.s,
            "<g class=\"box\" stroke=\"{ink}\" stroke-width=\"1.2\"><title>{}: {} – {} – {} – {} – {}</title>\
             <line class=\"whisker\" x1=\"{}\" y1=\"{c}\" x2=\"{}\" y2=\"{c}\"/><line class=\"whisker\" x1=\"{}\" y1=\"{c}\" x2=\"{}\" y2=\"{c}\"/>\
             <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
             <rect class=\"iqr\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>\
             <line class=\"median\" x1=\"{m}\" y1=\"{}\" x2=\"{m}\" y2=\"{}\" stroke-width=\"2.5\"/></g>",
            esc(&b.label),
            esc(&f(b.min)),
            esc(&f(b.q1)),
            esc(&f(b.median)),
            esc(&f(b.q3)),
            esc(&f(b.max)),
            n(pmin),
            n(pq1),
            n(pq3),
            n(pmax),
            n(pmin),
            n(centre - thick / 4.0),
            n(pmin),
            n(centre + thick / 4.0),
            n(pmax),
            n(centre - thick / 4.0),
            n(pmax),
            n(centre + thick / 4.0),
            n(pq1),
            n(y0),
            n(pq3 - pq1),
            n(thick),
            n(y0),
            n(y1),
            ink = COLOURS[4],
            fill = COLOURS[1],
            c = n(centre),
            m = n(pmed),
        );
        if chart.value_labels {
            doc.text("value", pmax + 6.0, centre + 4.0, TICK_SIZE, INK, "start", &f(b.median));
        }
        let lines = wrap(&b.label, column.max(8.0), LABEL_SIZE, 2);
        for (k, line) in lines.iter().enumerate() {
            let y = centre - (lines.len() as f64 - 1.0) * 7.0 + 4.0 + k as f64 * 14.0;
            doc.text("category", left - 8.0, y, LABEL_SIZE, INK, "end", line);
        }
    }
    let _ = write!(
        doc.s,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        n(left),
        n(right),
        b = n(bottom)
    );
    Ok(doc.finish())
}
