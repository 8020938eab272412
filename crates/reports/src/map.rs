//! Server-side choropleth maps in SVG, with the projection (Web Mercator, as the web map's
//! Leaflet) and the colour classes (quintiles, the same five blues) of the interactive map.
//!
//! Coordinates are projected once; a render scales them to the frame, rounds to whole pixels
//! and drops points that fall on the pixel of the previous one, so a national map of all comuni
//! stays small without a second simplification pass.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The palette of the web map (light to dark), colour-blind safe sequential blues.
pub const COLOURS: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

/// One area: its code, its name, its attributes for filtering, and its rings in projected units.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: String,
    /// e.g. {"reg": "03", "prov": "020"}
    pub attrs: HashMap<String, String>,
    /// Polygons → rings → points (x, y) in Web Mercator units (y grows northwards).
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("the boundary file is not valid GeoJSON: {0}")]
    GeoJson(String),
    #[error("no area to draw")]
    Empty,
    /// A proportional symbol with a negative or non-finite value, or a non-finite position.
    #[error("symbol {0:?}: its value must be zero or more, and its position finite")]
    Value(String),
}

fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (lon.to_radians(), (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln())
}

/// Reads a GeoJSON FeatureCollection of (Multi)Polygons; `code_key` names the property that
/// holds each feature's code.
pub fn load_geojson(text: &str, code_key: &str) -> Result<Vec<Area>, MapError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| MapError::GeoJson(e.to_string()))?;
    let feats = v["features"].as_array().ok_or_else(|| MapError::GeoJson("no features".into()))?;
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| pts.iter().filter_map(|p| Some(mercator(p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect())
            .unwrap_or_default()
    };
    let polygon = |p: &serde_json::Value| -> Vec<Vec<(f64, f64)>> {
        p.as_array().map(|rs| rs.iter().map(ring).collect()).unwrap_or_default()
    };
    let mut out = Vec::with_capacity(feats.len());
    for f in feats {
        let props = &f["properties"];
        let code =
            props[code_key].as_str().ok_or_else(|| MapError::GeoJson(format!("a feature has no `{code_key}`")))?;
        let geom = &f["geometry"];
        let polygons = match geom["type"].as_str() {
            Some("Polygon") => vec![polygon(&geom["coordinates"])],
            Some("MultiPolygon") => {
                geom["coordinates"].as_array().map(|ps| ps.iter().map(polygon).collect()).unwrap_or_default()
            }
            other => return Err(MapError::GeoJson(format!("feature {code}: unsupported geometry {other:?}"))),
        };
        let attrs = props
            .as_object()
            .map(|o| o.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
            .unwrap_or_default();
        out.push(Area {
            code: code.to_owned(),
            name: props["name"].as_str().unwrap_or(code).to_owned(),
            attrs,
            polygons,
        });
    }
    Ok(out)
}

/// Class breaks at the quintiles of the values (as the web map).
pub fn quintile_breaks(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    (1..COLOURS.len()).map(|i| v.get(i * v.len() / COLOURS.len()).copied().unwrap_or(0.0)).collect()
}

pub fn class_of(x: f64, breaks: &[f64]) -> usize {
    breaks.iter().position(|b| x < *b).unwrap_or(COLOURS.len() - 1)
}

/// What to draw.
#[derive(Clone, Copy)]
pub struct Choropleth<'a> {
    pub title: &'a str,
    /// Legend heading, e.g. "Densità (ab./km²)".
    pub legend_title: &'a str,
    /// Formats a class bound for the legend.
    pub format: &'a dyn Fn(f64) -> String,
    /// Source note printed under the map (attribution).
    pub source: &'a str,
    /// Text for areas with no value.
    pub no_data: &'a str,
    pub width: u32,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Where projected points land in a frame: `x = (x - minx) × scale + x0`, `y = (maxy - y) ×
/// scale + y0` (north up).
#[derive(Debug, Clone, Copy)]
struct Fit {
    minx: f64,
    maxy: f64,
    scale: f64,
    x0: f64,
    y0: f64,
}

/// The bounding box (minx, miny, maxx, maxy) of the areas' points, in projected units.
fn bounds(areas: &[&Area]) -> (f64, f64, f64, f64) {
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for a in areas {
        for p in a.polygons.iter().flatten().flatten() {
            minx = minx.min(p.0);
            maxx = maxx.max(p.0);
            miny = miny.min(p.1);
            maxy = maxy.max(p.1);
        }
    }
    (minx, miny, maxx, maxy)
}

impl Fit {
    fn px(&self, p: (f64, f64)) -> (f64, f64) {
        ((p.0 - self.minx) * self.scale + self.x0, (self.maxy - p.1) * self.scale + self.y0)
    }
}

/// Appends the outline of `area` as one `<path>` (with its name as tooltip) to `g`, in whole
/// pixels, dropping points that fall on the pixel of the previous one.
fn write_area(g: &mut String, area: &Area, fit: &Fit) {
    let _ = write!(g, "<path d=\"");
    for ring in area.polygons.iter().flatten() {
        let mut last: Option<(i64, i64)> = None;
        let mut n = 0;
        for p in ring {
            let (x, y) = fit.px(*p);
            #[expect(clippy::cast_possible_truncation, reason = "pixel coordinates of a bounded frame")]
            let (px, py) = (x.round() as i64, y.round() as i64);
            match last {
                None => {
                    let _ = write!(g, "M{px} {py}");
                }
                Some(l) if l == (px, py) => continue,
                Some(l) => {
                    let _ = write!(g, "l{} {}", px - l.0, py - l.1);
                }
            }
            last = Some((px, py));
            n += 1;
        }
        if n > 0 {
            g.push('z');
        }
    }
    let _ = write!(g, "\"><title>{}</title></path>", esc(&area.name));
}

/// Renders `areas` coloured by `values` (areas without a value are grey).
///
/// For reports, format the legend's class bounds the Italian way with
/// [`crate::chart::NumberFormat`]: `format: &|x| NumberFormat::decimal(1).format(x)`.
pub fn choropleth(areas: &[&Area], values: &HashMap<String, f64>, spec: &Choropleth<'_>) -> Result<String, MapError> {
    if areas.is_empty() {
        return Err(MapError::Empty);
    }
    let (minx, miny, maxx, maxy) = bounds(areas);
    let w = f64::from(spec.width.max(200));
    let scale = w / (maxx - minx).max(1e-9);
    let map_h = ((maxy - miny) * scale).ceil();
    let header = 40.0;
    let fit = Fit { minx, maxy, scale, x0: 0.0, y0: header };
    let legend_h = 30.0 + 22.0 * (COLOURS.len() as f64 + 1.0);
    let total_h = header + map_h + legend_h + 30.0;
    let breaks = quintile_breaks(&areas.iter().filter_map(|a| values.get(&a.code).copied()).collect::<Vec<_>>());
    let mut groups: Vec<String> = vec![String::new(); COLOURS.len() + 1];
    for a in areas {
        let class = values.get(&a.code).map_or(COLOURS.len(), |x| class_of(*x, &breaks));
        write_area(&mut groups[class], a, &fit);
    }
    let mut s = String::with_capacity(groups.iter().map(String::len).sum::<usize>() + 4096);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {total_h}\" width=\"{w}\" height=\"{total_h}\" role=\"img\" aria-labelledby=\"map-title\" font-family=\"Titillium Web, sans-serif\">"
    );
    let _ = write!(s, "<title id=\"map-title\">{}</title>", esc(spec.title));
    let _ = write!(
        s,
        "<text x=\"0\" y=\"24\" font-size=\"18\" font-weight=\"600\" fill=\"#17324d\">{}</text>",
        esc(spec.title)
    );
    for (i, g) in groups.iter().enumerate() {
        if g.is_empty() {
            continue;
        }
        let fill = COLOURS.get(i).copied().unwrap_or("#d9dadb");
        let _ =
            write!(s, "<g fill=\"{fill}\" stroke=\"#17324d\" stroke-width=\"0.3\" stroke-linejoin=\"round\">{g}</g>");
    }
    // Legend: the same classes as the web map.
    let ly = header + map_h + 20.0;
    let _ = write!(s, "<text x=\"0\" y=\"{ly}\" font-size=\"13\" fill=\"#17324d\">{}</text>", esc(spec.legend_title));
    let mut lo = 0.0;
    for (i, c) in COLOURS.iter().enumerate() {
        let y = ly + 10.0 + 22.0 * i as f64;
        let label = match breaks.get(i) {
            Some(hi) => format!("{} – {}", (spec.format)(lo), (spec.format)(*hi)),
            None => format!("≥ {}", (spec.format)(lo)),
        };
        let _ = write!(
            s,
            "<rect x=\"0\" y=\"{y}\" width=\"16\" height=\"16\" fill=\"{c}\" stroke=\"#17324d\" stroke-width=\"0.5\"/><text x=\"24\" y=\"{}\" font-size=\"12\" fill=\"#17324d\">{}</text>",
            y + 13.0,
            esc(&label)
        );
        if let Some(hi) = breaks.get(i) {
            lo = *hi;
        }
    }
    let y = ly + 10.0 + 22.0 * COLOURS.len() as f64;
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"{y}\" width=\"16\" height=\"16\" fill=\"#d9dadb\" stroke=\"#17324d\" stroke-width=\"0.5\"/><text x=\"24\" y=\"{}\" font-size=\"12\" fill=\"#17324d\">{}</text>",
        y + 13.0,
        esc(spec.no_data)
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#5d7083\">{}</text>",
        total_h - 8.0,
        esc(spec.source)
    );
    s.push_str("</svg>");
    Ok(s)
}

/// Projects a longitude and latitude (degrees, WGS 84) into the units of [`Area::polygons`].
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    mercator(lon, lat)
}

/// One proportional symbol: a place and its value (e.g. an informal settlement and the number
/// of people living there).
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// Longitude and latitude in degrees (WGS 84).
    pub lon: f64,
    pub lat: f64,
    /// Zero or more: the circle's area is proportional to it (0 draws nothing).
    pub value: f64,
    /// The place's name, the circle's tooltip.
    pub label: String,
}

/// What to draw with [`proportional_symbols`].
#[derive(Clone, Copy)]
pub struct Symbols<'a> {
    /// Prefix of the element ids (`ID-title`, `ID-desc`), unique on a page.
    pub id: &'a str,
    pub title: &'a str,
    /// The SVG `<desc>`, for screen readers.
    pub description: &'a str,
    /// Heading of the size legend, e.g. "Persone negli insediamenti".
    pub legend_title: &'a str,
    /// Formats the values of the size legend and the tooltips (e.g. Italian separators through
    /// [`crate::chart::NumberFormat`]).
    pub format: &'a dyn Fn(f64) -> String,
    /// Source note printed under the map.
    pub source: &'a str,
    pub width: u32,
    /// The radius of the circle of the largest value, in user units.
    pub max_radius: f64,
}

/// The circle fill: Okabe–Ito vermillion, half transparent so that overlaps show.
const SYMBOL_FILL: &str = "#d55e00";

/// The largest 1, 2 or 5 × 10ⁿ not above `x` (for `x > 0`).
fn nice_floor(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|m| m * power).find(|v| *v <= x * (1.0 + 1e-9)).unwrap_or(power)
}

/// The values of the size legend: a round value near the largest, and about a quarter and a
/// sixteenth of it (circles of about half and a quarter of its radius).
pub fn reference_values(max: f64) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return Vec::new();
    }
    let top = nice_floor(max);
    let mut out = vec![top];
    for fraction in [4.0, 16.0] {
        let v = nice_floor(top / fraction);
        if out.last().is_some_and(|last| v < *last) {
            out.push(v);
        }
    }
    out
}

/// Renders circles whose areas are proportional to the symbols' values, over a light map of
/// `base` (e.g. the regions), with a size legend of two or three reference circles. The
/// largest circles are drawn first, so that small ones stay visible on top.
///
/// Errors: [`MapError::Empty`] without base areas, [`MapError::Value`] for a value that is
/// negative or not finite, or a position that is not finite. No symbol (or all zero): the base
/// map alone, without the size legend.
pub fn proportional_symbols(base: &[&Area], symbols: &[Symbol], spec: &Symbols<'_>) -> Result<String, MapError> {
    if base.is_empty() {
        return Err(MapError::Empty);
    }
    for s in symbols {
        if !(s.value.is_finite() && s.value >= 0.0 && s.lon.is_finite() && s.lat.is_finite()) {
            return Err(MapError::Value(s.label.clone()));
        }
    }
    let (minx, miny, maxx, maxy) = bounds(base);
    let w = f64::from(spec.width.max(200));
    let max_radius = if spec.max_radius.is_finite() { spec.max_radius.clamp(2.0, w / 8.0) } else { 20.0 };
    let header = 40.0;
    let margin = max_radius;
    let scale = (w - 2.0 * margin) / (maxx - minx).max(1e-9);
    let map_h = ((maxy - miny) * scale).ceil() + 2.0 * margin;
    let fit = Fit { minx, maxy, scale, x0: margin, y0: header + margin };
    let max = symbols.iter().map(|s| s.value).fold(0.0, f64::max);
    let references = reference_values(max);
    let legend_h = if references.is_empty() { 0.0 } else { 30.0 + 2.0 * max_radius + 10.0 };
    let total_h = header + map_h + legend_h + 30.0;
    let radius = |v: f64| if max > 0.0 { max_radius * (v / max).sqrt() } else { 0.0 };

    let mut s = String::with_capacity(base.len() * 2048 + symbols.len() * 128 + 4096);
    let id = spec.id;
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {w} {total_h}\" width=\"{w}\" height=\"{total_h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{}\">",
        crate::chart::svg::FONT_FAMILY
    );
    let _ = write!(s, "<title id=\"{id}-title\">{}</title>", esc(spec.title));
    let _ = write!(s, "<desc id=\"{id}-desc\">{}</desc>", esc(spec.description));
    let _ = write!(
        s,
        "<text x=\"0\" y=\"24\" font-size=\"18\" font-weight=\"600\" fill=\"#17324d\">{}</text>",
        esc(spec.title)
    );
    s.push_str("<g class=\"base\" fill=\"#e9edf2\" stroke=\"#a9b7c6\" stroke-width=\"0.6\" stroke-linejoin=\"round\">");
    for a in base {
        write_area(&mut s, a, &fit);
    }
    s.push_str("</g>");

    let mut order: Vec<&Symbol> = symbols.iter().filter(|s| s.value > 0.0).collect();
    order.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.lon.total_cmp(&b.lon))
            .then_with(|| a.lat.total_cmp(&b.lat))
    });
    let _ = write!(
        s,
        "<g class=\"symbols\" fill=\"{SYMBOL_FILL}\" fill-opacity=\"0.62\" stroke=\"#ffffff\" stroke-width=\"0.8\">"
    );
    for sym in order {
        let (x, y) = fit.px(project(sym.lon, sym.lat));
        let _ = write!(
            s,
            "<circle class=\"symbol\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}: {}</title></circle>",
            num(x),
            num(y),
            num(radius(sym.value)),
            esc(&sym.label),
            esc(&(spec.format)(sym.value))
        );
    }
    s.push_str("</g>");

    if !references.is_empty() {
        // Nested circles standing on one base line, each with a leader line to its value.
        let ly = header + map_h + 20.0;
        let _ =
            write!(s, "<text x=\"0\" y=\"{ly}\" font-size=\"13\" fill=\"#17324d\">{}</text>", esc(spec.legend_title));
        let cx = max_radius + 4.0;
        let base_y = ly + 12.0 + 2.0 * max_radius;
        s.push_str("<g class=\"size-legend\">");
        // Labels at least a line apart, the leader lines bending down to them when pushed.
        let mut last_label = f64::MIN;
        for v in &references {
            let r = radius(*v);
            let top = base_y - 2.0 * r;
            let label_y = (top + 4.0).max(last_label + 13.0);
            last_label = label_y;
            let _ = write!(
                s,
                "<circle class=\"reference\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{SYMBOL_FILL}\" fill-opacity=\"0.15\" stroke=\"{SYMBOL_FILL}\" stroke-width=\"1\"/>\
                 <polyline points=\"{},{t} {},{t} {},{}\" fill=\"none\" stroke=\"#5d7083\" stroke-width=\"0.6\" stroke-dasharray=\"2 2\"/>\
                 <text class=\"reference-label\" x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#17324d\">{}</text>",
                num(cx),
                num(base_y - r),
                num(r),
                num(cx),
                num(cx + max_radius + 4.0),
                num(cx + max_radius + 12.0),
                num(label_y - 4.0),
                num(cx + max_radius + 16.0),
                num(label_y),
                esc(&(spec.format)(*v)),
                t = num(top),
            );
        }
        s.push_str("</g>");
    }
    let _ = write!(
        s,
        "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#5d7083\">{}</text>",
        total_h - 8.0,
        esc(spec.source)
    );
    s.push_str("</svg>");
    Ok(s)
}

/// A coordinate with at most two decimals (never `-0`).
fn num(x: f64) -> String {
    crate::chart::svg::n(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GEO: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"istat":"A","name":"Alfa & co","reg":"01"},"geometry":{"type":"Polygon","coordinates":[[[10,45],[11,45],[11,46],[10,46],[10,45]]]}},
      {"type":"Feature","properties":{"istat":"B","name":"Beta","reg":"02"},"geometry":{"type":"MultiPolygon","coordinates":[[[[11,45],[12,45],[12,46],[11,46],[11,45]]],[[[12,45],[12.0001,45],[12.0001,45.0001],[12,45]]]]}}]}"#;

    #[test]
    fn renders_classes_legend_and_escapes_names() {
        let areas = load_geojson(GEO, "istat").unwrap();
        assert_eq!(areas.len(), 2);
        let refs: Vec<&Area> = areas.iter().collect();
        let values = HashMap::from([("A".to_owned(), 10.0), ("B".to_owned(), 1000.0)]);
        let fmt = |x: f64| format!("{x:.0}");
        let spec = Choropleth {
            title: "Densità",
            legend_title: "ab./km²",
            format: &fmt,
            source: "Fonte: ISTAT",
            no_data: "n.d.",
            width: 400,
        };
        let svg = choropleth(&refs, &values, &spec).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<path ").count(), 2);
        assert!(svg.contains("Alfa &amp; co"));
        assert!(svg.contains("Fonte: ISTAT"));
        // The tiny second polygon of B collapses to a single pixel and is dropped to one point.
        assert!(svg.contains("z"));
        let b = quintile_breaks(&[10.0, 1000.0]);
        assert!(class_of(10.0, &b) < class_of(1000.0, &b));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        let b = quintile_breaks(&ten);
        assert_eq!((class_of(1.0, &b), class_of(10.0, &b)), (0, 4));
        assert!(matches!(choropleth(&[], &values, &spec), Err(MapError::Empty)));
        assert!(load_geojson("{", "istat").is_err());
    }

    #[test]
    fn mercator_keeps_north_up() {
        let (_, y1) = mercator(12.0, 41.0);
        let (_, y2) = mercator(12.0, 46.0);
        assert!(y2 > y1);
    }
    fn symbols_spec<'a>(format: &'a dyn Fn(f64) -> String) -> Symbols<'a> {
        Symbols {
            id: "ins",
            title: "Insediamenti informali",
            description: "Persone per insediamento",
            legend_title: "Persone",
            format,
            source: "Fonte: argine",
            width: 500,
            max_radius: 24.0,
        }
    }

    #[test]
    fn symbol_areas_are_proportional_and_the_largest_come_first() {
        use crate::chart::testing::{class, num, parse, texts};
        let areas = load_geojson(GEO, "istat").unwrap();
        let refs: Vec<&Area> = areas.iter().collect();
        let symbols = vec![
            Symbol { lon: 10.5, lat: 45.5, value: 100.0, label: "Borgo <Mezzanone>".into() },
            Symbol { lon: 11.5, lat: 45.5, value: 2_500.0, label: "Gran Ghetto".into() },
            Symbol { lon: 11.0, lat: 45.2, value: 400.0, label: "Torretta".into() },
            Symbol { lon: 11.2, lat: 45.8, value: 0.0, label: "Vuoto".into() },
        ];
        let fmt = |x: f64| crate::chart::NumberFormat::integer().format(x);
        let spec = symbols_spec(&fmt);
        let svg = proportional_symbols(&refs, &symbols, &spec).unwrap();
        let doc = parse(&svg);
        let circles = class(&doc, "symbol");
        assert_eq!(circles.len(), 3, "a zero value draws nothing");
        let radii: Vec<f64> = circles.iter().map(|c| num(c, "r")).collect();
        assert!(radii.windows(2).all(|w| w[0] >= w[1]), "largest first: {radii:?}");
        assert!((radii[0] - 24.0).abs() < 0.01);
        for (r, v) in radii.iter().zip([2_500.0_f64, 400.0, 100.0]) {
            assert!((r / radii[0] - (v / 2_500.0).sqrt()).abs() < 1e-3, "r ∝ √value: {radii:?}");
        }
        // East is right, north is up.
        let gran_ghetto = num(&circles[0], "cx");
        let borgo = &circles[2];
        assert!(gran_ghetto > num(borgo, "cx"));
        assert!(num(&circles[1], "cy") > num(borgo, "cy"), "Torretta (45.2°N) is south of Borgo (45.5°N)");
        let tooltip = borgo.first_element_child().and_then(|t| t.text());
        assert_eq!(tooltip, Some("Borgo <Mezzanone>: 100"));
        assert_eq!(texts(&doc, "reference-label"), ["2.000", "500", "100"]);
        let legend: Vec<f64> = class(&doc, "reference").iter().map(|c| num(c, "r")).collect();
        for (r, v) in legend.iter().zip([2_000.0_f64, 500.0, 100.0]) {
            assert!((r - 24.0 * (v / 2_500.0).sqrt()).abs() < 0.01, "{legend:?}");
        }
        assert_eq!(class(&doc, "base")[0].children().count(), 2);

        let none = proportional_symbols(&refs, &[], &spec).unwrap();
        let doc = parse(&none);
        assert!(class(&doc, "symbol").is_empty() && class(&doc, "reference").is_empty());
        let bad = Symbol { lon: 10.0, lat: 45.0, value: -1.0, label: "x".into() };
        assert!(matches!(proportional_symbols(&refs, &[bad], &spec), Err(MapError::Value(_))));
        let nan = Symbol { lon: f64::NAN, lat: 45.0, value: 1.0, label: "y".into() };
        assert!(matches!(proportional_symbols(&refs, &[nan], &spec), Err(MapError::Value(_))));
        assert!(matches!(proportional_symbols(&[], &symbols, &spec), Err(MapError::Empty)));
    }

    #[test]
    fn reference_values_are_round_and_decreasing() {
        assert_eq!(reference_values(2_500.0), vec![2_000.0, 500.0, 100.0]);
        assert_eq!(reference_values(1_000.0), vec![1_000.0, 200.0, 50.0]);
        assert_eq!(reference_values(7.0), vec![5.0, 1.0, 0.2]);
        assert!(reference_values(0.0).is_empty());
        assert!(reference_values(f64::NAN).is_empty());
    }

    #[test]
    fn choropleth_of_provinces_parses_with_an_italian_legend() {
        use crate::chart::testing::parse;
        let text = include_str!("../../../data/territory/geo/province.geojson");
        let areas = load_geojson(text, "code").unwrap();
        let refs: Vec<&Area> = areas.iter().filter(|a| a.attrs.get("reg").map(String::as_str) == Some("16")).collect();
        assert!(refs.len() >= 5, "Puglia's provinces");
        let values: HashMap<String, f64> =
            refs.iter().enumerate().skip(1).map(|(i, a)| (a.code.clone(), 1_000.0 * i as f64 + 0.2)).collect();
        let fmt = |x: f64| crate::chart::NumberFormat::decimal(1).format(x);
        let spec = Choropleth {
            title: "Braccianti stranieri",
            legend_title: "Persone",
            format: &fmt,
            source: "Fonte: argine",
            no_data: "Dato non disponibile",
            width: 500,
        };
        let svg = choropleth(&refs, &values, &spec).unwrap();
        let doc = parse(&svg);
        let legend: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert!(legend.iter().any(|t| t.contains("1.000,2") || t.contains("2.000,2")), "{legend:?}");
        assert!(legend.contains(&"Dato non disponibile"));
        // The province without a value is in the grey no-data group.
        let grey = doc.descendants().find(|n| n.attribute("fill") == Some("#d9dadb") && n.has_tag_name("g"));
        assert_eq!(grey.map(|g| g.children().count()), Some(1));
    }
}
