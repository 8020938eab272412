//! `/territorio/mappa.svg`: server-side choropleths of regions, provinces or comuni, Italy-wide
//! or zoomed on a region or a province, with legend and source note — the same map as the web
//! page, for documents and reports.

use super::Territory;
use super::api::ATTRIBUTION;
use super::pages::dec;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::{Rendered, RequestCtx};
use argine_reports::map::{Area, Choropleth, choropleth, load_geojson};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const GEO_COMUNI: &str = include_str!("../../../../data/territory/geo/comuni.geojson");
const GEO_PROVINCE: &str = include_str!("../../../../data/territory/geo/province.geojson");
const GEO_REGIONI: &str = include_str!("../../../../data/territory/geo/regioni.geojson");

/// The three layers, parsed and projected once.
pub(crate) fn layers() -> &'static [Vec<Area>; 3] {
    static L: OnceLock<[Vec<Area>; 3]> = OnceLock::new();
    L.get_or_init(|| {
        [
            load_geojson(GEO_REGIONI, "code").unwrap_or_default(),
            load_geojson(GEO_PROVINCE, "code").unwrap_or_default(),
            load_geojson(GEO_COMUNI, "istat").unwrap_or_default(),
        ]
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SvgQuery {
    /// regioni (default), province, comuni
    livello: String,
    /// A region (2 digits) or province (3 digits) to zoom on.
    area: String,
    /// densita (default) or popolazione
    indicatore: String,
}

/// Values of the indicator for the areas of a level.
fn values(t: &Territory, level: usize, indicator: &str) -> HashMap<String, f64> {
    let pick = |pop: i64, area: f64| {
        if indicator == "popolazione" {
            pop as f64
        } else if area > 0.0 {
            pop as f64 / area
        } else {
            0.0
        }
    };
    match level {
        0 => t.regions.iter().map(|r| (r.code.clone(), pick(r.pop_total, r.area_km2))).collect(),
        1 => t.provinces.iter().map(|p| (p.code.clone(), pick(p.pop_total, p.area_km2))).collect(),
        _ => layers()[2]
            .iter()
            .filter_map(|a| {
                // Boundaries of comuni merged since the shipped list take their successor's value.
                let c = t.resolve(&a.code)?.current;
                Some((a.code.clone(), pick(c.pop_total, c.area_km2.unwrap_or(0.0))))
            })
            .collect(),
    }
}

pub async fn map_svg(State(state): State<AppState>, ctx: RequestCtx, Query(q): Query<SvgQuery>) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let level = match q.livello.as_str() {
        "" | "regioni" => 0,
        "province" => 1,
        "comuni" => 2,
        _ => return Err(WebError::BadRequest("territory-error-svg")),
    };
    if !matches!(q.indicatore.as_str(), "" | "densita" | "popolazione") {
        return Err(WebError::BadRequest("territory-error-svg"));
    }
    let t = state.territory();
    let area = q.area.trim();
    let (filter_key, area_name) = match area.len() {
        0 => (None, tr.t("territory-italy")),
        2 => (Some("reg"), t.region(area).ok_or(WebError::NotFound)?.name.clone()),
        3 if level == 2 => (Some("prov"), t.province(area).ok_or(WebError::NotFound)?.name.clone()),
        _ => return Err(WebError::BadRequest("territory-error-svg")),
    };
    let areas: Vec<&Area> = layers()[level]
        .iter()
        .filter(|a| match (filter_key, level) {
            (None, _) => true,
            // Region layer features carry their own code; lower layers carry `reg`/`prov`.
            (Some(_), 0) => a.code == area,
            (Some(k), _) => a.attrs.get(k).map(String::as_str) == Some(area),
        })
        .collect();
    if areas.is_empty() {
        return Err(WebError::NotFound);
    }
    let values = values(&t, level, &q.indicatore);
    let population = q.indicatore == "popolazione";
    let fmt = move |x: f64| dec(&tr, x, if population || x >= 100.0 { 0 } else { 1 });
    let level_name = tr.t(["territory-regions", "territory-provinces", "territory-comuni"][level]);
    let title = tr.args(
        if population { "territory-svg-title-pop" } else { "territory-svg-title-density" },
        &[("level", level_name), ("area", area_name)],
    );
    let legend =
        if population { tr.t("territory-population") } else { format!("{} (ab./km²)", tr.t("territory-density")) };
    let source = format!("{ATTRIBUTION} {}", tr.t("territory-svg-projection"));
    let svg = choropleth(
        &areas,
        &values,
        &Choropleth {
            title: &title,
            legend_title: &legend,
            format: &fmt,
            source: &source,
            no_data: &tr.t("territory-no-data"),
            width: 900,
        },
    )
    .map_err(|e| WebError::Internal(anyhow::Error::new(e)))?;
    let mut res = svg.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res.extensions_mut().insert(Rendered);
    Ok(res)
}
