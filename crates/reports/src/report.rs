//! A census report ([`argine_domain::report::Report`]) in its three published forms: the PDF
//! (embedded typst, tagged, with cover, table of contents, numbered tables and figures with
//! captions and source notes), an HTML page with the same content, and an XLSX annex with
//! every table on its own sheet.
//!
//! Figures arrive as SVG, one per [`Report::figures_list`] entry in order, drawn by the caller
//! (see [`crate::chart`] and [`crate::map`]).

use crate::pdf::{Pdf, PdfError, RenderOptions, Rendered};
use crate::xlsx::{XlsxError, write_workbook};
use argine_domain::report::{Block, Report};
use std::fmt::Write as _;

/// The typst document of a report.
pub const REPORT_TYP: &str = include_str!("report/report.typ");

/// The report's JSON for the typst document: the report without the figures' data, each
/// figure with its number (1-based) to find `fig-N.svg`.
fn document_json(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
    let mut n = 0;
    if let Some(chapters) = value.get_mut("chapters").and_then(|c| c.as_array_mut()) {
        for chapter in chapters {
            let Some(blocks) = chapter.get_mut("blocks").and_then(|b| b.as_array_mut()) else { continue };
            for block in blocks {
                if block.get("kind").and_then(|k| k.as_str()) == Some("figure")
                    && let Some(obj) = block.as_object_mut()
                {
                    n += 1;
                    let kind = obj.get("chart").and_then(|c| c.get("type")).and_then(|t| t.as_str()).unwrap_or("");
                    let map = matches!(kind, "choropleth" | "symbols");
                    obj.insert("map".into(), map.into());
                    obj.remove("chart");
                    obj.insert("n".into(), n.into());
                }
            }
        }
    }
    value
}

/// Typesets the report. `figures` holds the SVG of each figure, in order.
///
/// # Errors
/// A figure is missing, or typst fails (see [`PdfError`]).
pub fn pdf(engine: &Pdf, report: &Report, figures: &[String], options: &RenderOptions) -> Result<Rendered, PdfError> {
    let expected = report.figures_list().len();
    if figures.len() != expected {
        return Err(PdfError::File {
            name: "fig-N.svg".into(),
            reason: if figures.len() < expected { "a figure is missing" } else { "more figures than the report has" },
        });
    }
    let json = serde_json::to_vec(&document_json(report)).unwrap_or_default();
    let names: Vec<String> = (1..=figures.len()).map(|n| format!("fig-{n}.svg")).collect();
    let mut files: Vec<(&str, &[u8])> = vec![("report.json", &json)];
    files.extend(names.iter().map(String::as_str).zip(figures.iter().map(|f| f.as_bytes())));
    engine.render_with(REPORT_TYP, &files, options)
}

/// `s` escaped for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report as an HTML fragment (for a page of the web UI): headings, paragraphs, tables
/// with captions and header cells, figures as inline SVG with their captions. Every text is
/// escaped; the SVGs are the caller's (drawn by argine, never user markup).
pub fn html(report: &Report, figures: &[String]) -> String {
    let (table_word, figure_word) = if report.lang == "en" { ("Table", "Figure") } else { ("Tabella", "Figura") };
    let mut out = String::new();
    let _ = write!(out, "<article class=\"argine-report\" lang=\"{}\">", esc(&report.lang));
    let _ = write!(out, "<h1>{}</h1><p class=\"lead\">{}</p>", esc(&report.title), esc(&report.subtitle));
    let _ = write!(out, "<p>{} · {}</p>", esc(&report.author), esc(&report.date));
    // Contents.
    out.push_str("<nav aria-labelledby=\"report-toc\"><h2 id=\"report-toc\">");
    out.push_str(if report.lang == "en" { "Contents" } else { "Indice" });
    out.push_str("</h2><ol>");
    for (i, c) in report.chapters.iter().enumerate() {
        let _ = write!(out, "<li><a href=\"#cap-{}\">{}</a></li>", i + 1, esc(&c.title));
    }
    out.push_str("</ol></nav>");
    let (mut tables, mut figs) = (0, 0);
    for (i, c) in report.chapters.iter().enumerate() {
        let _ = write!(
            out,
            "<section aria-labelledby=\"cap-{n}\"><h2 id=\"cap-{n}\">{n}. {}</h2>",
            esc(&c.title),
            n = i + 1
        );
        for b in &c.blocks {
            match b {
                Block::Paragraph { text } => {
                    let _ = write!(out, "<p>{}</p>", esc(text));
                }
                Block::Heading { text } => {
                    let _ = write!(out, "<h3>{}</h3>", esc(text));
                }
                Block::Table(t) => {
                    tables += 1;
                    let _ = write!(
                        out,
                        "<div class=\"argine-table-wrap\"><table class=\"table table-sm\" id=\"tab-{}\"><caption>{table_word} {tables}. {}</caption><thead><tr>",
                        esc(&t.key),
                        esc(&t.caption)
                    );
                    for col in &t.columns {
                        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(col));
                    }
                    out.push_str("</tr></thead><tbody>");
                    for row in &t.rows {
                        out.push_str("<tr>");
                        for (j, cell) in row.iter().enumerate() {
                            if j == 0 {
                                let _ = write!(out, "<th scope=\"row\">{}</th>", esc(cell));
                            } else {
                                let _ = write!(out, "<td class=\"text-end\">{}</td>", esc(cell));
                            }
                        }
                        out.push_str("</tr>");
                    }
                    out.push_str("</tbody></table></div>");
                    if let Some(note) = &t.note {
                        let _ = write!(out, "<p class=\"small\">{}</p>", esc(note));
                    }
                    let _ = write!(out, "<p class=\"small text-secondary\">{}</p>", esc(&t.source));
                }
                Block::Figure(f) => {
                    figs += 1;
                    let svg = figures.get(figs - 1).map_or("", String::as_str);
                    let _ = write!(
                        out,
                        "<figure class=\"argine-figure\" id=\"fig-{}\">{svg}<figcaption>{figure_word} {figs}. {} <span class=\"small text-secondary\">{}</span></figcaption></figure>",
                        esc(&f.key),
                        esc(&f.caption),
                        esc(&f.source)
                    );
                }
            }
        }
        out.push_str("</section>");
    }
    out.push_str("</article>");
    out
}

/// The annex: an index sheet and one sheet per table (`T1`, `T2`, … in the order of the
/// report): the caption, the header, the rows, the note and the source. Cells hold the published
/// text (formatted numbers, suppressed cells as `..`).
///
/// # Errors
/// Only if the workbook writer fails.
pub fn annex(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let tables = report.tables();
    let mut index = vec![vec!["Tavola".to_owned(), "Titolo".to_owned()]];
    let mut sheets = Vec::with_capacity(tables.len() + 1);
    for (i, t) in tables.iter().enumerate() {
        let name = format!("T{}", i + 1);
        index.push(vec![name.clone(), t.caption.clone()]);
        let mut rows = vec![vec![format!("Tavola {} – {}", i + 1, t.caption)], t.columns.clone()];
        rows.extend(t.rows.iter().cloned());
        rows.push(Vec::new());
        if let Some(note) = &t.note {
            rows.push(vec![note.clone()]);
        }
        rows.push(vec![t.source.clone()]);
        sheets.push((name, rows));
    }
    let mut all = vec![("Indice".to_owned(), index)];
    all.extend(sheets);
    write_workbook(&all)
}

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error("figure {key}: {source}")]
    Chart { key: String, source: crate::chart::ChartError },
    #[error("figure {key}: {source}")]
    Map { key: String, source: crate::map::MapError },
}

/// The boundaries maps are drawn on: regions and provinces (see [`crate::map::load_geojson`]).
pub struct Layers<'a> {
    pub regions: &'a [crate::map::Area],
    pub provinces: &'a [crate::map::Area],
    pub comuni: &'a [crate::map::Area],
}

/// Draws every figure of the report, in order, as SVG.
///
/// # Errors
/// The first figure that cannot be drawn (data the chart rejects: see [`DrawError`]).
pub fn draw_all(report: &Report, layers: &Layers<'_>) -> Result<Vec<String>, DrawError> {
    report.figures_list().iter().enumerate().map(|(i, f)| draw(f, i + 1, &report.lang, layers)).collect()
}

/// Draws one figure (number `n`, for unique element ids) as SVG.
///
/// # Errors
/// See [`DrawError`].
pub fn draw(f: &argine_domain::report::Figure, n: usize, lang: &str, layers: &Layers<'_>) -> Result<String, DrawError> {
    use crate::chart::{BarChart, BarLayout, Frame, Locale, NumberFormat, Orientation, Palette, Series, bar};
    use argine_domain::report::Chart;
    let locale = if lang == "en" { Locale::English } else { Locale::Italian };
    let no_data = if lang == "en" { "No data" } else { "Nessun dato" };
    let frame = |height: u32, description: String| Frame {
        id: format!("fig{n}"),
        width: 640,
        height,
        title: String::new(),
        description,
        subtitle: String::new(),
        source: String::new(),
        no_data: no_data.to_owned(),
    };
    let fmt = |percent: bool| {
        if percent { NumberFormat::percent(1).with_locale(locale) } else { NumberFormat::integer().with_locale(locale) }
    };
    let chart_err = |source| DrawError::Chart { key: f.key.clone(), source };
    let map_err = |source| DrawError::Map { key: f.key.clone(), source };
    let summary = |labels: &[String], values: &[f64], format: &NumberFormat| {
        labels.iter().zip(values).map(|(l, v)| format!("{l}: {}", format.format(*v))).collect::<Vec<_>>().join("; ")
    };
    match &f.chart {
        Chart::Bars { labels, values, percent, .. } => {
            let format = fmt(*percent);
            let height = (60 + 22 * u32::try_from(labels.len()).unwrap_or(40)).clamp(160, 900);
            bar(&BarChart {
                frame: frame(height, format!("{}. {}", f.caption, summary(labels, values, &format))),
                orientation: Orientation::Horizontal,
                layout: BarLayout::Grouped,
                categories: labels.clone(),
                series: vec![Series::new(&f.caption, values.iter().map(|v| Some(*v)))],
                format,
                value_labels: true,
                missing: String::new(),
                palette: Palette::Sequential,
            })
            .map_err(chart_err)
        }
        Chart::StackedBars { labels, series, percent } => {
            let height = (90 + 24 * u32::try_from(labels.len()).unwrap_or(40)).clamp(180, 900);
            let description = series
                .iter()
                .map(|(name, values)| format!("{name}: {}", summary(labels, values, &fmt(*percent))))
                .collect::<Vec<_>>()
                .join(". ");
            bar(&BarChart {
                frame: frame(height, format!("{}. {description}", f.caption)),
                orientation: Orientation::Horizontal,
                layout: if *percent { BarLayout::Stacked100 } else { BarLayout::Stacked },
                categories: labels.clone(),
                series: series.iter().map(|(name, v)| Series::new(name, v.iter().map(|x| Some(*x)))).collect(),
                format: fmt(*percent),
                value_labels: true,
                missing: String::new(),
                palette: Palette::Categorical,
            })
            .map_err(chart_err)
        }
        Chart::Histogram { bins, counts, .. } => {
            let format = fmt(false);
            bar(&BarChart {
                frame: frame(320, format!("{}. {}", f.caption, summary(bins, counts, &format))),
                orientation: Orientation::Vertical,
                layout: BarLayout::Grouped,
                categories: bins.clone(),
                series: vec![Series::new(&f.caption, counts.iter().map(|v| Some(*v)))],
                format,
                value_labels: true,
                missing: String::new(),
                palette: Palette::Sequential,
            })
            .map_err(chart_err)
        }
        Chart::Choropleth { level, values, legend, percent, scope } => {
            let layer = match level.as_str() {
                "province" => layers.provinces,
                "comuni" => layers.comuni,
                _ => layers.regions,
            };
            let scope: std::collections::HashSet<&str> = scope.iter().map(String::as_str).collect();
            let areas: Vec<&crate::map::Area> =
                layer.iter().filter(|a| scope.is_empty() || scope.contains(a.code.as_str())).collect();
            // Counts: areas with none are drawn as the "none" class rather than splitting the
            // quintiles among zeros.
            let values: std::collections::HashMap<String, f64> =
                values.iter().filter(|(_, v)| *percent || **v > 0.0).map(|(k, v)| (k.clone(), *v)).collect();
            // Comuni that did not answer are drawn with those that declared none.
            let none = match (*percent, level == "comuni", lang == "en") {
                (true, _, _) => no_data,
                (false, true, true) => "None, or no answer",
                (false, true, false) => "Nessuno o nessuna risposta",
                (false, false, true) => "None",
                (false, false, false) => "Nessuno",
            };
            let format = fmt(*percent);
            let show = |x: f64| format.format(x);
            crate::map::choropleth(
                &areas,
                &values,
                &crate::map::Choropleth {
                    title: &f.caption,
                    legend_title: legend,
                    format: &show,
                    source: "",
                    no_data: none,
                    width: 640,
                },
            )
            .map_err(map_err)
        }
        Chart::Symbols { points, legend } => {
            let base: Vec<&crate::map::Area> = layers.regions.iter().collect();
            let symbols: Vec<crate::map::Symbol> = points
                .iter()
                .map(|p| crate::map::Symbol { lon: p.lon, lat: p.lat, value: p.value, label: p.label.clone() })
                .collect();
            let format = fmt(false);
            let show = |x: f64| format.format(x);
            let description = {
                let mut largest: Vec<&argine_domain::report::Symbol> = points.iter().collect();
                largest.sort_by(|a, b| b.value.total_cmp(&a.value));
                largest.iter().take(5).map(|p| format!("{}: {}", p.label, show(p.value))).collect::<Vec<_>>().join("; ")
            };
            let id = format!("fig{n}");
            crate::map::proportional_symbols(
                &base,
                &symbols,
                &crate::map::Symbols {
                    id: &id,
                    title: &f.caption,
                    description: &description,
                    legend_title: legend,
                    format: &show,
                    source: "",
                    width: 640,
                    max_radius: 28.0,
                },
            )
            .map_err(map_err)
        }
    }
}
