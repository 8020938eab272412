//! Public, read-only territory API and the boundaries as GeoJSON (served gzip-compressed).

use super::Territory;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::middleware::Rendered;
use argine_storage::territory::Comune;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::OnceLock;
use utoipa::ToSchema;

pub const ATTRIBUTION: &str =
    "Fonte: ISTAT (CC BY 4.0); confini: openpolis / geojson-italy (CC BY 4.0), semplificati; storia dei comuni: ANPR.";

pub fn next_day(date: &str) -> String {
    argine_storage::territory::day_after(date)
}

fn json<T: Serialize>(v: T) -> Response {
    let mut res = Json(v).into_response();
    res.extensions_mut().insert(Rendered);
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

/// Counts and reference dates of the territorial data.
#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    regions: i64,
    provinces: i64,
    comuni: i64,
    /// The ISTAT list shipped.
    vintage: String,
    /// Later changes applied up to this date (hand-kept patch file, every row dated and sourced).
    patched_to: String,
    /// Date of the resident population figures.
    population_date: String,
    attribution: String,
}

#[utoipa::path(get, path = "/api/v1/territory/summary", tag = "territory", security(()), responses((status = 200, body = SummaryOut)))]
pub async fn summary(State(state): State<AppState>) -> Response {
    let t = state.territory();
    let s = t.summary.clone();
    json(SummaryOut {
        regions: s.as_ref().map_or(0, |s| s.regions),
        provinces: s.as_ref().map_or(0, |s| s.provinces),
        comuni: s.as_ref().map_or(0, |s| s.comuni),
        vintage: s.as_ref().map(|s| s.vintage.clone()).unwrap_or_default(),
        patched_to: s.as_ref().map(|s| s.patched_to.clone()).unwrap_or_default(),
        population_date: s.as_ref().map(|s| s.population_date.clone()).unwrap_or_default(),
        attribution: ATTRIBUTION.into(),
    })
}

/// A comune (current version).
#[derive(Serialize, ToSchema)]
pub struct ComuneOut {
    /// ISTAT code (6 digits); empty while unknown (a comune born after the shipped list).
    istat: String,
    /// Belfiore (cadastral) code.
    belfiore: String,
    name: String,
    /// Second-language name (German, Slovene, French), if any.
    name_other: Option<String>,
    province_code: String,
    province: String,
    sigla: String,
    region_code: String,
    region: String,
    capoluogo: bool,
    population: i64,
    valid_from: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

fn comune_out(t: &Territory, c: &Comune) -> ComuneOut {
    ComuneOut {
        istat: c.istat.clone(),
        belfiore: c.belfiore.clone(),
        name: c.name.clone(),
        name_other: Some(c.name_other.clone()).filter(|s| !s.is_empty()),
        province_code: c.province_code.clone(),
        province: t.province(&c.province_code).map(|p| p.name.clone()).unwrap_or_default(),
        sigla: c.sigla.clone(),
        region_code: c.region_code.clone(),
        region: t.region(&c.region_code).map(|r| r.name.clone()).unwrap_or_default(),
        capoluogo: c.is_capoluogo(),
        population: c.pop_total,
        valid_from: c.valid_from.clone(),
        lat: c.lat,
        lon: c.lon,
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchParams {
    /// Name (accents, case and one typo forgiven; second-language and former names too),
    /// ISTAT code or Belfiore code.
    q: String,
    /// At most this many results (1–100, default 20).
    limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    comune: ComuneOut,
    /// code, exact, prefix, word_prefix, substring or typo.
    r#match: String,
}

#[utoipa::path(get, path = "/api/v1/territory/comuni", tag = "territory", security(()), params(SearchParams),
    responses((status = 200, body = [SearchHit]), (status = 400, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn search(State(state): State<AppState>, Query(p): Query<SearchParams>) -> WebResult<Response> {
    if p.q.trim().is_empty() || p.q.len() > 100 {
        return Err(WebError::BadRequest("territory-error-query"));
    }
    let t = state.territory();
    let limit = p.limit.unwrap_or(20).clamp(1, 100);
    let hits: Vec<SearchHit> = t
        .search(&p.q, limit)
        .into_iter()
        .map(|(c, h)| SearchHit { comune: comune_out(&t, c), r#match: format!("{:?}", h.kind).to_lowercase() })
        .collect();
    Ok(json(hits))
}

/// A former version that led to the comune.
#[derive(Serialize, ToSchema)]
pub struct FormerOut {
    name: String,
    belfiore: String,
    istat: Option<String>,
    valid_from: String,
    valid_to: String,
    /// rename, merge, suppressed
    change: String,
}

#[derive(Serialize, ToSchema)]
pub struct ComuneDetail {
    #[serde(flatten)]
    comune: ComuneOut,
    /// Set when the code asked for is a former one: what it was and when it changed.
    resolved_from: Option<FormerOut>,
    history: Vec<FormerOut>,
    /// ISTAT codes of the comuni that share a border.
    neighbours: Vec<String>,
    population_detail: PopulationOut,
    attribution: String,
}

#[derive(Serialize, ToSchema)]
pub struct PopulationOut {
    date: String,
    total: i64,
    male: i64,
    female: i64,
    age_0_14: i64,
    age_15_64: i64,
    age_65_plus: i64,
}

fn former(v: &Comune) -> FormerOut {
    FormerOut {
        name: v.name.clone(),
        belfiore: v.belfiore.clone(),
        istat: Some(v.istat.clone()).filter(|s| !s.is_empty()),
        valid_from: v.valid_from.clone(),
        valid_to: v.valid_to.clone().unwrap_or_default(),
        change: v.change_kind.clone().unwrap_or_default(),
    }
}

#[utoipa::path(get, path = "/api/v1/territory/comuni/{code}", tag = "territory", security(()),
    params(("code" = String, Path, description = "ISTAT or Belfiore code, current or former")),
    responses((status = 200, body = ComuneDetail), (status = 404, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn comune(State(state): State<AppState>, Path(code): Path<String>) -> WebResult<Response> {
    let t = state.territory();
    let r = t.resolve(&code).ok_or(WebError::NotFound)?;
    let c = r.current;
    let pop_date = t.summary.as_ref().map(|s| s.population_date.clone()).unwrap_or_default();
    Ok(json(ComuneDetail {
        comune: comune_out(&t, c),
        resolved_from: r.via.map(former),
        history: t.history_of(c).into_iter().map(former).collect(),
        neighbours: t.neighbours_of(c).into_iter().map(|n| Territory::key(n).to_owned()).collect(),
        population_detail: PopulationOut {
            date: pop_date,
            total: c.pop_total,
            male: c.pop_male,
            female: c.pop_female,
            age_0_14: c.pop_0_14,
            age_15_64: c.pop_15_64,
            age_65_plus: c.pop_65_plus,
        },
        attribution: ATTRIBUTION.into(),
    }))
}

const GEO_COMUNI: &str = include_str!("../../../../data/territory/geo/comuni.geojson");
const GEO_PROVINCE: &str = include_str!("../../../../data/territory/geo/province.geojson");
const GEO_REGIONI: &str = include_str!("../../../../data/territory/geo/regioni.geojson");

/// The GeoJSON of a level with the attribution as a foreign member, gzip-compressed once.
fn geo(level: &str) -> Option<&'static (Vec<u8>, Vec<u8>)> {
    static CACHE: OnceLock<[(Vec<u8>, Vec<u8>); 3]> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        [GEO_REGIONI, GEO_PROVINCE, GEO_COMUNI].map(|text| {
            let body = text.replacen(
                "{\"type\":\"FeatureCollection\",",
                &format!(
                    "{{\"type\":\"FeatureCollection\",\"attribution\":{},\"license\":\"CC-BY-4.0\",",
                    serde_json::Value::String(format!("{ATTRIBUTION} Confini semplificati."))
                ),
                1,
            );
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let gz = enc.write_all(body.as_bytes()).and_then(|()| enc.finish()).unwrap_or_default();
            (body.into_bytes(), gz)
        })
    });
    match level {
        "regioni" | "regioni.geojson" => Some(&all[0]),
        "province" | "province.geojson" => Some(&all[1]),
        "comuni" | "comuni.geojson" => Some(&all[2]),
        _ => None,
    }
}

#[utoipa::path(get, path = "/api/v1/territory/geo/{level}", tag = "territory", security(()),
    params(("level" = String, Path, description = "regioni, province or comuni")),
    responses((status = 200, description = "GeoJSON FeatureCollection (EPSG:4326), gzip when accepted", content_type = "application/geo+json")))]
pub async fn boundaries(Path(level): Path<String>, headers: HeaderMap) -> WebResult<Response> {
    let (plain, gz) = geo(&level).ok_or(WebError::NotFound)?;
    let gzip_ok =
        headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("gzip"));
    let mut res = if gzip_ok && !gz.is_empty() {
        let mut r = gz.clone().into_response();
        r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        plain.clone().into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res.extensions_mut().insert(Rendered);
    Ok(res)
}

/// Warms the compressed boundaries (called at start-up, off the request path).
pub fn prepare() {
    let _ = geo("comuni");
}

/// Indicator values of one place, for maps and tables.
#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    name: String,
    population: i64,
    area_km2: f64,
    /// Inhabitants per km².
    density: f64,
    /// The enclosing unit's code (region of a province, province of a comune).
    parent: String,
}

#[utoipa::path(get, path = "/api/v1/territory/indicators/{level}", tag = "territory", security(()),
    params(("level" = String, Path, description = "regioni, province or comuni")),
    responses((status = 200, description = "Map from code to indicators", body = std::collections::BTreeMap<String, IndicatorOut>)))]
pub async fn indicators(State(state): State<AppState>, Path(level): Path<String>) -> WebResult<Response> {
    let t = state.territory();
    let mut out = std::collections::BTreeMap::new();
    let density = |p: i64, a: f64| if a > 0.0 { (p as f64 / a * 10.0).round() / 10.0 } else { 0.0 };
    match level.as_str() {
        "regioni" => {
            for r in &t.regions {
                out.insert(
                    r.code.clone(),
                    IndicatorOut {
                        name: r.name.clone(),
                        population: r.pop_total,
                        area_km2: r.area_km2,
                        density: density(r.pop_total, r.area_km2),
                        parent: String::new(),
                    },
                );
            }
        }
        "province" => {
            for p in &t.provinces {
                out.insert(
                    p.code.clone(),
                    IndicatorOut {
                        name: p.name.clone(),
                        population: p.pop_total,
                        area_km2: p.area_km2,
                        density: density(p.pop_total, p.area_km2),
                        parent: p.region_code.clone(),
                    },
                );
            }
        }
        "comuni" => {
            for c in t.current() {
                let a = c.area_km2.unwrap_or(0.0);
                out.insert(
                    Territory::key(c).to_owned(),
                    IndicatorOut {
                        name: c.display_name(),
                        population: c.pop_total,
                        area_km2: a,
                        density: density(c.pop_total, a),
                        parent: c.province_code.clone(),
                    },
                );
            }
        }
        _ => return Err(WebError::NotFound),
    }
    Ok(json(out))
}
