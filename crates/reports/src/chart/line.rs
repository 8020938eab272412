//! Line charts: one or more series over an ordered axis (years, months, survey waves).

use std::fmt::Write as _;

use super::scale::{Linear, nice_ticks};
use super::svg::{AXIS, Doc, GREY, GRID, INK, Key, PAD, esc, n, text_width};
use super::{ChartError, Frame, NumberFormat, Palette, Series, check_series};

/// A line chart: the points of each series at evenly spaced places along the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub frame: Frame,
    /// The points of the axis, in order ("2019", "2020", …). Labels are thinned out when they
    /// do not all fit (the last one always shows).
    pub x_labels: Vec<String>,
    /// One value per axis point each; a `None` breaks the line.
    pub series: Vec<Series>,
    /// Writes the value labels and axis ticks.
    pub format: NumberFormat,
    /// Writes the last value of each series at the end of its line.
    pub value_labels: bool,
    /// Starts the value axis at zero (as counts should); `false` fits it to the data.
    pub zero_based: bool,
    pub palette: Palette,
}

impl Default for LineChart {
    fn default() -> Self {
        Self {
            frame: Frame::default(),
            x_labels: Vec::new(),
            series: Vec::new(),
            format: NumberFormat::default(),
            value_labels: true,
            zero_based: true,
            palette: Palette::default(),
        }
    }
}

const TICK_SIZE: f64 = 11.0;
const LABEL_SIZE: f64 = 12.0;

/// Draws a line chart. Errors: [`ChartError::Length`], [`ChartError::NotFinite`],
/// [`ChartError::TooManySeries`] and the frame errors.
pub fn line(chart: &LineChart) -> Result<String, ChartError> {
    let count = chart.series.len();
    check_series(&chart.series, chart.x_labels.len(), None)?;
    let keys: Vec<Key<'_>> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| Key { colour: chart.palette.colour(i, count), name: &s.name, line: true })
        .collect();
    let mut doc = Doc::open(&chart.frame, &keys)?;
    let values = || chart.series.iter().flat_map(|s| s.values.iter().flatten().copied());
    if chart.x_labels.is_empty() || values().next().is_none() {
        return Ok(doc.no_data(&chart.frame.no_data));
    }
    let (mut lo, mut hi) = values().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if chart.zero_based {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let top = doc.top + 6.0;
    let bottom = (doc.bottom - 20.0).max(top + 10.0);
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
    let target = ((bottom - top) / 48.0).floor().clamp(2.0, 10.0) as usize;
    let ticks = nice_ticks(lo, hi, target);
    let tick_labels: Vec<String> = ticks.values.iter().map(|v| chart.format.format_with(*v, ticks.decimals)).collect();
    let left = PAD + tick_labels.iter().map(|t| text_width(t, TICK_SIZE)).fold(0.0, f64::max) + 6.0;
    let end_room = if chart.value_labels {
        values().map(|v| text_width(&chart.format.format(v), TICK_SIZE)).fold(0.0, f64::max) + 10.0
    } else {
        0.0
    };
    let right = (doc.width - PAD - end_room).max(left + 10.0);
    let y = Linear { d0: ticks.first(), d1: ticks.last(), r0: bottom, r1: top };
    let points = chart.x_labels.len();
    let band = (right - left) / points as f64;
    let x = |i: usize| left + (i as f64 + 0.5) * band;

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

    // Axis labels: every k-th, so that they do not overlap, ending on the last point.
    let widest = chart.x_labels.iter().map(|l| text_width(l, LABEL_SIZE)).fold(0.0, f64::max) + 8.0;
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small positive count")]
    let every = ((widest / band).ceil() as usize).max(1);
    doc.s.push_str("<g class=\"category-axis\">");
    let _ = write!(
        doc.s,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{AXIS}\" stroke-width=\"1\"/>",
        n(left),
        n(right),
        b = n(bottom)
    );
    for (i, label) in chart.x_labels.iter().enumerate() {
        if i % every == (points - 1) % every {
            doc.text("category", x(i), bottom + 15.0, LABEL_SIZE, INK, "middle", label);
        }
    }
    doc.s.push_str("</g>");

    let markers = band >= 8.0;
    let mut ends: Vec<(f64, String)> = Vec::new();
    for (si, series) in chart.series.iter().enumerate() {
        let colour = chart.palette.colour(si, count);
        let mut d = String::new();
        let mut drawing = false;
        for (i, v) in series.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(d, "{}{} {}", if drawing { 'L' } else { 'M' }, n(x(i)), n(y.map(*v)));
                    drawing = true;
                }
                None => drawing = false,
            }
        }
        let _ = write!(doc.s, "<g class=\"series\" stroke=\"{colour}\" fill=\"{colour}\">");
        let _ = write!(
            doc.s,
            "<path class=\"line\" d=\"{d}\" fill=\"none\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>{}</title></path>",
            esc(&series.name)
        );
        for (i, v) in series.values.iter().enumerate() {
            let Some(v) = v else { continue };
            // Isolated points (no neighbour to join) always get a marker.
            let isolated = i.checked_sub(1).and_then(|p| series.values[p]).is_none()
                && series.values.get(i + 1).copied().flatten().is_none();
            if markers || isolated {
                let _ = write!(
                    doc.s,
                    "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"3.5\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{}: {}</title></circle>",
                    n(x(i)),
                    n(y.map(*v)),
                    esc(&chart.x_labels[i]),
                    esc(&chart.format.format(*v))
                );
            }
        }
        doc.s.push_str("</g>");
        if let Some((i, v)) = series.values.iter().enumerate().rev().find_map(|(i, v)| v.map(|v| (i, v)))
            && i + 1 == points
        {
            ends.push((y.map(v), chart.format.format(v)));
        }
    }
    if chart.value_labels {
        // End labels, pushed apart so that they do not overlap.
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut last = f64::MIN;
        for (py, label) in &ends {
            let py = py.max(last + 13.0);
            last = py;
            doc.text("value", x(points - 1) + 7.0, py + 4.0, TICK_SIZE, INK, "start", label);
        }
    }
    Ok(doc.finish())
}
