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

/// Renders `areas` coloured by `values` (areas without a value are grey).
pub fn choropleth(areas: &[&Area], values: &HashMap<String, f64>, spec: &Choropleth<'_>) -> Result<String, MapError> {
    if areas.is_empty() {
        return Err(MapError::Empty);
    }
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for a in areas {
        for p in a.polygons.iter().flatten().flatten() {
            minx = minx.min(p.0);
            maxx = maxx.max(p.0);
            miny = miny.min(p.1);
            maxy = maxy.max(p.1);
        }
    }
    let w = f64::from(spec.width.max(200));
    let scale = w / (maxx - minx).max(1e-9);
    let map_h = ((maxy - miny) * scale).ceil();
    let header = 40.0;
    let legend_h = 30.0 + 22.0 * (COLOURS.len() as f64 + 1.0);
    let total_h = header + map_h + legend_h + 30.0;
    let breaks = quintile_breaks(&areas.iter().filter_map(|a| values.get(&a.code).copied()).collect::<Vec<_>>());
    let mut groups: Vec<String> = vec![String::new(); COLOURS.len() + 1];
    for a in areas {
        let class = values.get(&a.code).map_or(COLOURS.len(), |x| class_of(*x, &breaks));
        let g = &mut groups[class];
        let _ = write!(g, "<path d=\"");
        for ring in a.polygons.iter().flatten() {
            let mut last: Option<(i64, i64)> = None;
            let mut n = 0;
            for p in ring {
                #[expect(clippy::cast_possible_truncation, reason = "pixel coordinates of a bounded frame")]
                let px = ((p.0 - minx) * scale).round() as i64;
                #[expect(clippy::cast_possible_truncation, reason = "pixel coordinates of a bounded frame")]
                let py = ((maxy - p.1) * scale + header).round() as i64;
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
        let _ = write!(g, "\"><title>{}</title></path>", esc(&a.name));
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
}
