//! The settlement registry pages: the list with its totals and filters, the map layer
//! (GeoJSON), a settlement's record with its observations over time and seasonality, the
//! phone-friendly field observation (with the device's position), a settlement added by hand,
//! its status changed and its point moved from the record page, feeding the registry from a
//! census campaign, and the API summary. Every write needs `ManageSettlements` on the
//! settlement's Comune and is audited.
//!
//! Who sees what: `ViewSettlements` on the settlement's Comune shows it; the exact point of an
//! informal settlement needs `ViewSettlementLocations` too — without it every page, the map
//! layer and the API give the Comune's centroid only. Reads of exact points are audited.

use crate::AppState;
use crate::auth::{ApiUser, CurrentUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, fields, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use crate::territory::Territory;
use argine_domain::access::{Action, Actor, Resource, authorize};
use argine_domain::settlements::{self as domain, Kind, Position};
use argine_domain::territory::TerritoryPath;
use argine_storage::settlements::{self as store, NewObservation, Observation, Settlement};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// Settlements listed on one page at most (the totals are always complete).
const MAX_LISTED: usize = 2000;

fn resource(t: &Territory, comune: &str) -> Resource {
    match t.resolve(comune) {
        Some(r) => Resource::Territory(TerritoryPath::comune(
            &r.current.region_code,
            &r.current.province_code,
            &r.current.istat,
        )),
        // A code the territory does not know is visible only to national actors.
        None => Resource::Territory(TerritoryPath::region("00")),
    }
}

fn can(actor: &Actor, action: Action, t: &Territory, comune: &str) -> bool {
    authorize(actor, action, &resource(t, comune)).is_allowed()
}

/// A settlement as a reader sees it.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_code: &'static str,
    pub settlement_type: String,
    pub comune: String,
    pub comune_code: String,
    pub region: String,
    pub people: Option<i64>,
    pub last_observed: String,
    pub missing: String,
    pub years: Option<i64>,
    pub position: Position,
}

fn this_year() -> i64 {
    i64::from(argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).year())
}

/// Translated labels, looked up once per request (a list has thousands of rows and a handful of
/// distinct labels).
pub struct Labels<'a> {
    tr: &'a Tr,
    cache: std::cell::RefCell<HashMap<String, String>>,
}

impl<'a> Labels<'a> {
    pub fn new(tr: &'a Tr) -> Self {
        Self { tr, cache: std::cell::RefCell::new(HashMap::new()) }
    }

    fn t(&self, id: &str) -> String {
        if let Some(v) = self.cache.borrow().get(id) {
            return v.clone();
        }
        let v = self.tr.t(id);
        self.cache.borrow_mut().insert(id.to_owned(), v.clone());
        v
    }
}

fn point_of(t: &Territory, s: &Settlement, exact: bool) -> Position {
    let kind = Kind::parse(&s.kind).unwrap_or(Kind::Informal);
    let place = t.resolve(&s.comune_code).map(|r| r.current);
    domain::position(kind, s.lon.zip(s.lat), &s.position_source, place.and_then(|c| c.lon.zip(c.lat)), exact)
}

fn row(l: &Labels<'_>, t: &Territory, s: &Settlement, latest: Option<&Observation>, exact: bool) -> Row {
    let place = t.resolve(&s.comune_code).map(|r| r.current);
    let kind = Kind::parse(&s.kind).unwrap_or(Kind::Informal);
    let missing = latest
        .map(|o| {
            let obs = domain::Observation {
                services: o.services.split_whitespace().map(str::to_owned).collect(),
                ..Default::default()
            };
            domain::missing_basic(&obs)
                .iter()
                .map(|m| l.t(&format!("settlement-service-{m}")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Row {
        id: s.id,
        name: s.name.clone(),
        kind: l.t(&format!("settlement-kind-{}", kind.code())),
        kind_code: kind.code(),
        settlement_type: l.t(&format!("settlement-type-{}", s.settlement_type)),
        comune: place.map_or_else(|| s.comune_code.clone(), |c| c.name.clone()),
        comune_code: s.comune_code.clone(),
        region: place.and_then(|c| t.region(&c.region_code)).map(|r| r.name.clone()).unwrap_or_default(),
        people: latest.and_then(|o| o.people),
        last_observed: latest.map(|o| l.tr.date(&o.observed_on)).unwrap_or_default(),
        missing,
        years: s.year_formed.map(|y| this_year() - y),
        position: point_of(t, s, exact),
    }
}

/// Every settlement with its latest observation, as read at one fingerprint of the registry.
pub type Snapshot = Vec<(Settlement, Option<Observation>)>;

/// The last snapshot read and the fingerprint it was read at.
#[derive(Default, Debug)]
pub struct SnapshotCache(std::sync::Mutex<Option<(Fingerprint, std::sync::Arc<Snapshot>)>>);

/// `argine_storage::settlements::fingerprint`.
type Fingerprint = (i64, i64, i64, i64);

/// The registry now: the cached snapshot while the database's fingerprint is the same (one
/// cheap query), else read again. Writes in any process change the fingerprint.
async fn snapshot(state: &AppState) -> WebResult<std::sync::Arc<Snapshot>> {
    let mut conn = state.db.pool().acquire().await?;
    let fp = store::fingerprint(&mut conn).await?;
    if let Ok(cache) = state.settlements.0.lock()
        && let Some((at, snap)) = cache.as_ref()
        && *at == fp
    {
        return Ok(snap.clone());
    }
    let list = store::list(&mut conn, None).await?;
    let mut latest: HashMap<i64, Observation> =
        store::latest_observations(&mut conn).await?.into_iter().map(|o| (o.settlement_id, o)).collect();
    drop(conn);
    let snap: Snapshot = list
        .into_iter()
        .map(|s| {
            let o = latest.remove(&s.id);
            (s, o)
        })
        .collect();
    let snap = std::sync::Arc::new(snap);
    if let Ok(mut cache) = state.settlements.0.lock() {
        *cache = Some((fp, snap.clone()));
    }
    Ok(snap)
}

/// The settlements `actor` may see, with their latest observation and whether the exact point
/// may be shown, optionally of one kind and one region.
async fn visible(
    state: &AppState,
    actor: &Actor,
    kind: Option<&str>,
    region: Option<&str>,
) -> WebResult<Vec<(Settlement, Option<Observation>, bool)>> {
    let t = state.territory();
    let snap = snapshot(state).await?;
    Ok(snap
        .iter()
        .filter(|(s, _)| kind.is_none_or(|k| s.kind == k))
        .filter(|(s, _)| can(actor, Action::ViewSettlements, &t, &s.comune_code))
        .filter(|(s, _)| region.is_none_or(|r| t.resolve(&s.comune_code).is_some_and(|c| c.current.region_code == r)))
        .map(|(s, o)| (s.clone(), o.clone(), can(actor, Action::ViewSettlementLocations, &t, &s.comune_code)))
        .collect())
}

/// Totals of a list: settlements, Comuni, regions, people (latest observation of each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub settlements: usize,
    pub comuni: usize,
    pub regions: usize,
    pub people: i64,
}

fn summary(t: &Territory, list: &[(Settlement, Option<Observation>, bool)]) -> Summary {
    let comuni: BTreeSet<&str> = list.iter().map(|(s, _, _)| s.comune_code.as_str()).collect();
    let regions: BTreeSet<String> =
        comuni.iter().filter_map(|c| t.resolve(c).map(|r| r.current.region_code.clone())).collect();
    Summary {
        settlements: list.len(),
        comuni: comuni.len(),
        regions: regions.len(),
        people: list.iter().filter_map(|(_, o, _)| o.as_ref().and_then(|o| o.people)).sum(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// informal | formal | '' (both)
    tipo: String,
    /// a region code
    regione: String,
}

impl ListQuery {
    fn kind(&self) -> Option<&str> {
        Kind::parse(&self.tipo).map(Kind::code)
    }

    fn region(&self) -> Option<&str> {
        Some(self.regione.as_str()).filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()))
    }
}

#[derive(Template)]
#[template(path = "settlements/list.html")]
struct ListPage {
    chrome: Chrome,
    summary: Summary,
    rows: Vec<Row>,
    truncated: bool,
    tipo: String,
    regione: String,
    regions: Vec<(String, String)>,
    campaigns: Vec<(i64, String)>,
    can_manage: bool,
    can_import: bool,
    imported: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListPageQuery {
    tipo: String,
    regione: String,
    importati: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListPageQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let filter = ListQuery { tipo: q.tipo.clone(), regione: q.regione.clone() };
    let all = visible(&state, &user.actor, filter.kind(), filter.region()).await?;
    let labels = Labels::new(&tr);
    let rows: Vec<Row> =
        all.iter().take(MAX_LISTED).map(|(s, o, exact)| row(&labels, &t, s, o.as_ref(), *exact)).collect();
    let mut conn = state.db.pool().acquire().await?;
    let campaigns = argine_storage::census::campaigns(&mut conn).await?.into_iter().map(|c| (c.id, c.name)).collect();
    drop(conn);
    render(ListPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        summary: summary(&t, &all),
        truncated: all.len() > rows.len(),
        rows,
        tipo: filter.kind().unwrap_or_default().to_owned(),
        regione: filter.region().unwrap_or_default().to_owned(),
        regions: t.regions.iter().map(|r| (r.code.clone(), r.name.clone())).collect(),
        campaigns,
        can_manage: authorize(&user.actor, Action::ManageSettlements, &Resource::Settlements).is_allowed(),
        can_import: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        imported: Some(q.importati).filter(|s| !s.is_empty()),
    })
}

/// The map layer: a GeoJSON point per visible settlement — the exact point when the reader may
/// see it, else the Comune's centroid with `"approx": true`.
pub async fn geojson(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let all = visible(&state, &user.actor, q.kind(), q.region()).await?;
    let labels = Labels::new(&tr);
    let features: Vec<serde_json::Value> =
        all.iter().filter_map(|(s, o, exact)| feature(&row(&labels, &t, s, o.as_ref(), *exact))).collect();
    let exact = features.iter().filter(|f| f["properties"]["approx"] == false).count();
    if exact > 0 {
        audit_personal_read(
            &state,
            &ctx,
            (user.user.id, user.label()),
            ("settlement_locations", "map".into()),
            json!({"exact_points": exact, "kind": q.kind()}),
        )
        .await?;
    }
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json"), (header::CACHE_CONTROL, "private, no-store")],
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}

fn feature(r: &Row) -> Option<serde_json::Value> {
    let (lon, lat, approx) = match r.position {
        Position::Exact { lon, lat } => (lon, lat, false),
        Position::Comune { lon, lat } => (lon, lat, true),
        Position::Unknown => return None,
    };
    Some(json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": r.id, "name": r.name, "kind": r.kind_code, "type": r.settlement_type, "comune": r.comune,
            "comune_istat": r.comune_code, "people": r.people, "approx": approx,
        }
    }))
}

#[derive(Template)]
#[template(path = "settlements/map.html")]
struct MapPage {
    chrome: Chrome,
    tipo: String,
}

pub async fn map(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewSettlements, &Resource::Settlements).await?;
    render(MapPage { chrome: Chrome::for_user(&state, &ctx, &user), tipo: q.kind().unwrap_or_default().to_owned() })
}

pub struct ObservationRow {
    pub date: String,
    pub source: String,
    pub people: String,
    pub families: String,
    pub services: String,
    pub risks: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "settlements/detail.html")]
struct DetailPage {
    chrome: Chrome,
    r: Row,
    owner: String,
    year_formed: String,
    status: String,
    position_note: String,
    observations: Vec<ObservationRow>,
    seasonality: Vec<(String, String)>,
    can_manage: bool,
    form: ObservationTyped,
    errors: Vec<String>,
    today: String,
    sources: Vec<(&'static str, String)>,
    services: Vec<(&'static str, String, bool)>,
    risks: Vec<(&'static str, String, bool)>,
    /// The status form: every status with its label, the current (or typed) one selected.
    statuses: Vec<(&'static str, String, bool)>,
    status_errors: Vec<String>,
    /// The position form: latitude and longitude (the current exact point, or what was typed).
    move_lat: String,
    move_lon: String,
    move_errors: Vec<String>,
}

/// A form of the record page sent back with what was typed and what is wrong.
pub enum Retry {
    Observation(ObservationTyped, Vec<String>),
    Status(String, Vec<String>),
    Position { lat: String, lon: String, errors: Vec<String> },
}

/// What was typed in the observation form, shown back after an error.
#[derive(Default, Clone)]
pub struct ObservationTyped {
    pub observed_on: String,
    pub source: String,
    pub people: String,
    pub families: String,
    pub distance_km: String,
    pub services: Vec<String>,
    pub risks: Vec<String>,
    pub note: String,
    pub lon: String,
    pub lat: String,
}

fn today() -> String {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string()
}

fn codes_label(tr: &Tr, prefix: &str, codes: &str) -> String {
    codes.split_whitespace().map(|c| tr.t(&format!("{prefix}-{c}"))).collect::<Vec<_>>().join(", ")
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    retry: Option<Retry>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let s = store::get(&mut conn, id).await?;
    check(state, ctx, &user.actor, user.label(), Action::ViewSettlements, &resource(&t, &s.comune_code)).await?;
    let obs = store::observations(&mut conn, id).await?;
    drop(conn);
    let exact = can(&user.actor, Action::ViewSettlementLocations, &t, &s.comune_code);
    let r = row(&Labels::new(&tr), &t, &s, obs.last(), exact);
    if matches!(r.position, Position::Exact { .. }) && r.kind_code == "informal" {
        audit_personal_read(
            state,
            ctx,
            (user.user.id, user.label()),
            ("settlement_locations", id.to_string()),
            json!({"view": "record"}),
        )
        .await?;
    }
    let position_note = match (r.position, s.position_source.as_str()) {
        (Position::Exact { .. }, src) => tr.t(&format!("settlement-position-{src}")),
        (Position::Comune { .. }, "comune") => tr.t("settlement-position-comune"),
        (Position::Comune { .. }, _) => tr.t("settlement-position-hidden"),
        (Position::Unknown, _) => tr.t("settlement-position-unknown"),
    };
    let season = domain::seasonality(&obs.iter().map(|o| (o.observed_on.clone(), o.people)).collect::<Vec<_>>());
    let months = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
    let seasonality = months
        .iter()
        .zip(season)
        .filter_map(|(m, v)| {
            v.map(|v| (tr.t(&format!("settlement-month-{m}")), argine_domain::report::fmt::int(v.round() as i64)))
        })
        .collect();
    let observations = obs
        .iter()
        .rev()
        .map(|o| ObservationRow {
            date: tr.date(&o.observed_on),
            source: tr.t(&format!("settlement-source-{}", o.source)),
            people: o.people.map(argine_domain::report::fmt::int).unwrap_or_else(|| "—".into()),
            families: tr.t(&format!("settlement-yn-{}", o.families)),
            services: codes_label(&tr, "settlement-service", &o.services),
            risks: codes_label(&tr, "settlement-risk", &o.risks),
            note: o.note.clone(),
        })
        .collect();
    let (mut form, mut errors) = (None, Vec::new());
    let (mut status_typed, mut status_errors) = (s.status.clone(), Vec::new());
    let (mut move_lat, mut move_lon, mut move_errors) = match r.position {
        Position::Exact { lon, lat } => (lat.to_string(), lon.to_string(), Vec::new()),
        _ => (String::new(), String::new(), Vec::new()),
    };
    match retry {
        Some(Retry::Observation(typed, e)) => (form, errors) = (Some(typed), e),
        Some(Retry::Status(typed, e)) => (status_typed, status_errors) = (typed, e),
        Some(Retry::Position { lat, lon, errors: e }) => (move_lat, move_lon, move_errors) = (lat, lon, e),
        None => {}
    }
    let form = form.unwrap_or_else(|| ObservationTyped {
        observed_on: today(),
        source: "visita".into(),
        ..Default::default()
    });
    let can_manage = can(&user.actor, Action::ManageSettlements, &t, &s.comune_code);
    render(DetailPage {
        chrome: Chrome::for_user(state, ctx, user),
        owner: s.owner.clone(),
        year_formed: s.year_formed.map(|y| y.to_string()).unwrap_or_default(),
        status: tr.t(&format!("settlement-status-{}", s.status)),
        position_note,
        observations,
        seasonality,
        can_manage,
        sources: domain::SOURCES
            .iter()
            .filter(|c| **c != "censimento" && **c != "import")
            .map(|c| (*c, tr.t(&format!("settlement-source-{c}"))))
            .collect(),
        services: domain::SERVICES
            .iter()
            .map(|c| (*c, tr.t(&format!("settlement-service-{c}")), form.services.iter().any(|x| x == c)))
            .collect(),
        risks: domain::RISKS
            .iter()
            .map(|c| (*c, tr.t(&format!("settlement-risk-{c}")), form.risks.iter().any(|x| x == c)))
            .collect(),
        statuses: domain::Status::ALL
            .iter()
            .map(|x| (x.code(), tr.t(&format!("settlement-status-{}", x.code())), x.code() == status_typed))
            .collect(),
        status_errors,
        move_lat,
        move_lon,
        move_errors,
        form,
        errors,
        today: today(),
        r,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    detail_page(&state, &ctx, &user, id, None).await
}

/// A field observation: checked, stored with the device's position if given (which then
/// becomes the settlement's point), audited. Nothing typed is lost on an error.
pub async fn observe(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let s = store::get(&mut conn, id).await?;
    drop(conn);
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &resource(&t, &s.comune_code)).await?;
    let f = pairs(&body);
    let allowed =
        |list: &[&str], v: Vec<String>| v.into_iter().filter(|x| list.contains(&x.as_str())).collect::<Vec<_>>();
    let typed = ObservationTyped {
        observed_on: field(&f, "observed_on"),
        source: field(&f, "source"),
        people: field(&f, "people"),
        families: field(&f, "families"),
        distance_km: field(&f, "distance_km"),
        services: allowed(&domain::SERVICES, fields(&f, "services")),
        risks: allowed(&domain::RISKS, fields(&f, "risks")),
        note: f.iter().find(|(k, _)| k == "note").map(|(_, v)| v.clone()).unwrap_or_default(),
        lon: field(&f, "lon"),
        lat: field(&f, "lat"),
    };
    let checked = domain::check_observation(
        &domain::ObservationForm {
            observed_on: &typed.observed_on,
            source: &typed.source,
            people: &typed.people,
            distance_km: &typed.distance_km,
            note: &typed.note,
        },
        &today(),
    );
    let position = domain::parse_position(&typed.lon, &typed.lat);
    let (people, distance, point) = match (checked, position) {
        (Ok((p, d)), Ok(pt)) => (p, d, pt),
        (c, p) => {
            let mut errors: Vec<String> =
                c.err().unwrap_or_default().iter().map(|e| tr.t(&format!("settlement-error-{}", e.code()))).collect();
            if let Err(e) = p {
                errors.push(tr.t(&format!("settlement-error-{}", e.code())));
            }
            let mut res = detail_page(&state, &ctx, &user, id, Some(Retry::Observation(typed, errors))).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let families = domain::yes_no(&typed.families);
    let mut tx = state.db.begin().await?;
    let o = store::observe(
        &mut tx,
        &NewObservation {
            settlement_id: id,
            observed_on: &typed.observed_on,
            source: &typed.source,
            source_ref: None,
            people,
            women: "nd",
            minors: "nd",
            families,
            services: &typed.services.join(" "),
            distance_km: distance,
            risks: &typed.risks.join(" "),
            nature: "",
            note: &typed.note,
            point,
            created_by: Some(user.user.id),
        },
    )
    .await?;
    if let Some(p) = point {
        store::set_position(&mut tx, id, p, "gps").await?;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.observe",
        ("settlement", id),
        json!({"observation": o, "people": people, "position": point.is_some()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti/{id}#osservazioni")).into_response())
}

/// Feeds the registry from a census campaign's clean answers (the secretariat).
pub async fn import_census(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let f = pairs(&body);
    let campaign: i64 = field(&f, "campaign").parse().map_err(|_| WebError::BadRequest("settlement-error-campaign"))?;
    let mut tx = state.db.begin().await?;
    argine_storage::census::campaign(&mut tx, campaign).await?;
    let out = store::import_census(&mut tx, campaign, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.import_census",
        ("census_campaign", campaign),
        json!({"created": out.created, "matched": out.matched, "observations": out.observations}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti?importati={}-{}", out.created, out.matched)).into_response())
}

/// `GET /api/v1/settlements/summary?kind=informal`: settlements, Comuni, regions and people
/// the caller may see (counts only: no positions).
#[utoipa::path(get, path = "/api/v1/settlements/summary", tag = "settlements",
    params(("kind" = Option<String>, Query, description = "informal or formal; both when absent")),
    responses((status = 200, description = "settlements, comuni, regions and people (latest observation of each) the caller may see"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn api_summary(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Query(q): Query<ApiQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewSettlements, &Resource::Settlements).await?;
    let kind = match q.kind.as_str() {
        "" => None,
        k => Some(Kind::parse(k).ok_or(WebError::BadRequest("settlement-error-kind"))?.code()),
    };
    let t = state.territory();
    let all = visible(&state, &user.actor, kind, None).await?;
    Ok(axum::Json(json!({"kind": kind, "summary": summary(&t, &all)})).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApiQuery {
    kind: String,
}

/// `GET /api/v1/settlements?kind=`: every settlement the caller may see with its latest
/// observation; `position.exact` is false (the Comune's centroid) unless the caller may see it.
#[utoipa::path(get, path = "/api/v1/settlements", tag = "settlements",
    params(("kind" = Option<String>, Query, description = "informal or formal; both when absent")),
    responses((status = 200, description = "the settlements with their latest observation; exact points only for callers allowed to see them (audited)"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn api_list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Query(q): Query<ApiQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewSettlements, &Resource::Settlements).await?;
    let kind = match q.kind.as_str() {
        "" => None,
        k => Some(Kind::parse(k).ok_or(WebError::BadRequest("settlement-error-kind"))?.code()),
    };
    let t = state.territory();
    let all = visible(&state, &user.actor, kind, None).await?;
    let mut exact_points = 0;
    let items: Vec<serde_json::Value> = all
        .iter()
        .map(|(s, o, exact)| {
            let position = match point_of(&t, s, *exact) {
                Position::Exact { lon, lat } => {
                    exact_points += usize::from(s.kind == "informal");
                    json!({"lon": lon, "lat": lat, "exact": true})
                }
                Position::Comune { lon, lat } => json!({"lon": lon, "lat": lat, "exact": false}),
                Position::Unknown => serde_json::Value::Null,
            };
            json!({
                "id": s.id, "kind": s.kind, "type": s.settlement_type, "name": s.name, "comune_istat": s.comune_code,
                "year_formed": s.year_formed, "status": s.status, "position": position,
                "latest": o.as_ref().map(|o| json!({"observed_on": o.observed_on, "source": o.source, "people": o.people,
                    "services": o.services.split_whitespace().collect::<Vec<_>>()})),
            })
        })
        .collect();
    if exact_points > 0 {
        audit_personal_read(
            &state,
            &ctx,
            (user.user.id, &user.user.email),
            ("settlement_locations", "api".into()),
            json!({"exact_points": exact_points, "via": "api"}),
        )
        .await?;
    }
    Ok(axum::Json(json!({"settlements": items})).into_response())
}

// ---------------------------------------------------------------------------------------------
// Import (CSV, XLSX, GeoJSON): upload → every row checked → confirm → all or nothing

pub struct ImportRowView {
    pub line: usize,
    pub name: String,
    pub outcome: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "settlements/import.html")]
struct ImportPage {
    chrome: Chrome,
    filename: String,
    file_error: Option<String>,
    rows: Vec<ImportRowView>,
    error_count: usize,
    staged_id: Option<i64>,
    columns: Vec<&'static str>,
}

fn import_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    filename: String,
    file_error: Option<String>,
    rows: Vec<ImportRowView>,
    staged_id: Option<i64>,
) -> WebResult<Response> {
    let error_count = rows.iter().filter(|r| !r.errors.is_empty()).count();
    let mut res = render(ImportPage {
        chrome: Chrome::for_user(state, ctx, user),
        filename,
        columns: domain::import::COLUMNS.iter().map(|(c, _)| *c).collect(),
        file_error: file_error.clone(),
        rows,
        error_count,
        staged_id,
    })?;
    if error_count > 0 || file_error.is_some() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn import_form(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &Resource::Settlements).await?;
    import_page(&state, &ctx, &user, String::new(), None, Vec::new(), None)
}

/// A checked row (or its line and problems) and the registered settlement it describes.
type Planned = (Result<domain::import::Row, (usize, Vec<domain::import::Problem>)>, Option<i64>);

/// The rows of a file with what will happen to each, or why the file cannot be read.
async fn plan(state: &AppState, tr: &Tr, user: &CurrentUser, bytes: &[u8]) -> WebResult<Result<Vec<Planned>, String>> {
    let is_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let table = if is_json { domain::import::geojson_table(bytes) } else { argine_domain::sheet::read(bytes) };
    let table = match table {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(error = %e, "settlement import: unreadable file");
            return Ok(Err(tr.args("settlement-import-unreadable", &[("detail", e.to_string())])));
        }
    };
    let t = state.territory();
    let known = |code: &str| -> Option<bool> {
        // A code suppressed by a merger is not a Comune any more: the row must use the new one.
        let c = t.resolve(code).filter(|c| c.via.is_none())?;
        Some(can(&user.actor, Action::ManageSettlements, &t, &c.current.istat))
    };
    let checked = domain::import::check(&table, &today(), &known);
    let mut conn = state.db.pool().acquire().await?;
    let mut out = Vec::new();
    for r in checked {
        let existing = match &r {
            Ok(row) => store::by_match_key(&mut conn, &row.match_key).await?.map(|s| s.id),
            Err(_) => None,
        };
        out.push((r, existing));
    }
    Ok(Ok(out))
}

fn views(tr: &Tr, plan: &[Planned]) -> Vec<ImportRowView> {
    plan.iter()
        .map(|(r, existing)| match r {
            Ok(row) => ImportRowView {
                line: row.line,
                name: row.name.clone(),
                outcome: tr.t(if existing.is_some() { "settlement-import-observe" } else { "settlement-import-new" }),
                errors: Vec::new(),
            },
            Err((line, problems)) => ImportRowView {
                line: *line,
                name: String::new(),
                outcome: String::new(),
                errors: problems
                    .iter()
                    .map(|p| tr.args(&format!("settlement-import-{}", p.code()), &[("arg", p.arg())]))
                    .collect(),
            },
        })
        .collect()
}

pub async fn import_upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    mp: axum::extract::Multipart,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let Some((filename, bytes)) = crate::network::import::read_upload(mp, "file").await? else {
        return import_page(&state, &ctx, &user, String::new(), Some(tr.t("import-error-no-file")), Vec::new(), None);
    };
    let p = match plan(&state, &tr, &user, &bytes).await? {
        Ok(p) => p,
        Err(msg) => return import_page(&state, &ctx, &user, filename, Some(msg), Vec::new(), None),
    };
    let rows = views(&tr, &p);
    let staged = if rows.iter().all(|r| r.errors.is_empty()) && !rows.is_empty() {
        let mut tx = state.db.begin().await?;
        let id = argine_storage::network::stage(&mut tx, "settlements", user.user.id, &filename, &bytes).await?;
        tx.commit().await?;
        Some(id)
    } else {
        None
    };
    import_page(&state, &ctx, &user, filename, None, rows, staged)
}

/// Applies a staged import in one transaction, after checking it again.
pub async fn import_apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let staged = argine_storage::network::staged(&mut conn, id, user.user.id).await?;
    drop(conn);
    if staged.applied || staged.kind != "settlements" {
        return Err(WebError::Conflict("import-already-applied"));
    }
    let p = match plan(&state, &tr, &user, &staged.content).await? {
        Ok(p) => p,
        Err(msg) => return import_page(&state, &ctx, &user, staged.filename, Some(msg), Vec::new(), None),
    };
    let rows = views(&tr, &p);
    if rows.iter().any(|r| !r.errors.is_empty()) {
        return import_page(&state, &ctx, &user, staged.filename, None, rows, None);
    }
    let mut tx = state.db.begin().await?;
    argine_storage::network::mark_applied(&mut tx, id).await.map_err(|e| match e {
        argine_storage::StorageError::Conflict(_) => WebError::Conflict("import-already-applied"),
        e => e.into(),
    })?;
    let (mut created, mut observed) = (0, 0);
    for (r, _) in &p {
        let Ok(row) = r else { continue };
        // Found again inside the transaction: two rows of one file may name the same place.
        let settlement = match store::by_match_key(&mut tx, &row.match_key).await? {
            Some(s) => {
                observed += 1;
                s.id
            }
            None => {
                created += 1;
                store::create(
                    &mut tx,
                    &store::NewSettlement {
                        kind: row.kind.code(),
                        settlement_type: &row.settlement_type,
                        name: &row.name,
                        comune_code: &row.comune,
                        point: row.point,
                        position_source: if row.point.is_some() { "import" } else { "comune" },
                        owner: &row.owner,
                        year_formed: row.year_formed,
                        match_key: &row.match_key,
                        created_by: Some(user.user.id),
                    },
                )
                .await?
            }
        };
        if let Some(p) = row.point {
            store::set_position(&mut tx, settlement, p, "import").await?;
        }
        let o = &row.observation;
        store::observe(
            &mut tx,
            &NewObservation {
                settlement_id: settlement,
                observed_on: &o.observed_on,
                source: "import",
                people: o.people,
                women: "nd",
                minors: "nd",
                families: "nd",
                services: &o.services.join(" "),
                note: &o.note,
                point: row.point,
                created_by: Some(user.user.id),
                ..Default::default()
            },
        )
        .await?;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.import",
        ("staged_import", id),
        json!({"file": staged.filename, "sha256": staged.sha256, "created": created, "observed": observed}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti?importati={created}-{observed}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Exports: the registry as the reader may see it

/// The registry as CSV or XLSX (`/insediamenti.csv|.xlsx?tipo=&regione=`): one row per visible
/// settlement with its latest observation; latitude and longitude are the exact point only for a
/// reader allowed to see it (column `posizione`: `esatta` or `comune`), as on every page.
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    export(&state, &ctx, &user, &q, crate::download::TableFormat::Csv).await
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    export(&state, &ctx, &user, &q, crate::download::TableFormat::Xlsx).await
}

async fn export(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    q: &ListQuery,
    format: crate::download::TableFormat,
) -> WebResult<Response> {
    let ext = if format == crate::download::TableFormat::Csv { "csv" } else { "xlsx" };
    check(state, ctx, &user.actor, user.label(), Action::ViewSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let labels = Labels::new(&tr);
    let t = state.territory();
    let all = visible(state, &user.actor, q.kind(), q.region()).await?;
    let safe = argine_domain::sheet::safe_cell;
    let mut rows = vec![
        [
            "id",
            "nome",
            "tipo",
            "tipologia",
            "comune_istat",
            "comune",
            "regione",
            "latitudine",
            "longitudine",
            "posizione",
            "anno_formazione",
            "persone",
            "data_osservazione",
            "servizi_di_base_mancanti",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut exact_points = 0;
    for (s, o, exact) in &all {
        let r = row(&labels, &t, s, o.as_ref(), *exact);
        let (lat, lon, position) = match r.position {
            Position::Exact { lon, lat } => {
                exact_points += usize::from(r.kind_code == "informal");
                (lat.to_string(), lon.to_string(), "esatta")
            }
            Position::Comune { lon, lat } => (lat.to_string(), lon.to_string(), "comune"),
            Position::Unknown => (String::new(), String::new(), ""),
        };
        rows.push(vec![
            r.id.to_string(),
            safe(&r.name),
            r.kind_code.to_owned(),
            s.settlement_type.clone(),
            r.comune_code,
            r.comune,
            r.region,
            lat,
            lon,
            position.to_owned(),
            s.year_formed.map(|y| y.to_string()).unwrap_or_default(),
            r.people.map(|p| p.to_string()).unwrap_or_default(),
            o.as_ref().map(|o| o.observed_on.clone()).unwrap_or_default(),
            r.missing,
        ]);
    }
    if exact_points > 0 {
        audit_personal_read(
            state,
            ctx,
            (user.user.id, user.label()),
            ("settlement_locations", "export".into()),
            json!({"exact_points": exact_points, "format": ext}),
        )
        .await?;
    }
    crate::download::table(format, "insediamenti", "insediamenti", rows)
}

// ---------------------------------------------------------------------------------------------
// Changes by hand: a new settlement, its status, its point

/// What was typed in the form of a new settlement, shown back after an error.
#[derive(Default, Clone)]
pub struct SettlementTyped {
    pub name: String,
    pub settlement_type: String,
    pub comune: String,
    pub year_formed: String,
    pub owner: String,
    pub status: String,
    pub lat: String,
    pub lon: String,
    pub origin: String,
}

/// A choice of a select: code, label, whether it is selected.
type Choice = (&'static str, String, bool);

#[derive(Template)]
#[template(path = "settlements/new.html")]
struct NewPage {
    chrome: Chrome,
    form: SettlementTyped,
    errors: Vec<String>,
    /// The types grouped by kind: the kind's label and its types.
    types: Vec<(String, Vec<Choice>)>,
    statuses: Vec<Choice>,
}

fn new_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    form: SettlementTyped,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let types = [Kind::Informal, Kind::Formal]
        .iter()
        .map(|k| {
            let of_kind = domain::TYPES
                .iter()
                .filter(|(_, kind)| kind == k)
                .map(|(c, _)| (*c, tr.t(&format!("settlement-type-{c}")), form.settlement_type == *c))
                .collect();
            (tr.t(&format!("settlement-kind-{}", k.code())), of_kind)
        })
        .collect();
    let status = if form.status.is_empty() { "active" } else { form.status.as_str() };
    let statuses = domain::Status::ALL
        .iter()
        .map(|x| (x.code(), tr.t(&format!("settlement-status-{}", x.code())), x.code() == status))
        .collect();
    let failed = !errors.is_empty();
    let mut res = render(NewPage { chrome: Chrome::for_user(state, ctx, user), form, errors, types, statuses })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    /// A Comune to start from (ISTAT code), e.g. from a Comune's page.
    comune: String,
}

/// `GET /insediamenti/nuovo`: the form of a settlement added by hand (built for phones).
pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &Resource::Settlements).await?;
    let form = SettlementTyped { comune: q.comune.trim().chars().take(100).collect(), ..Default::default() };
    new_page(&state, &ctx, &user, form, Vec::new())
}

/// The Comune a user typed: an ISTAT or Belfiore code (a former one leads to the current
/// Comune) or a current Comune's exact name (accents and case do not count); the message of
/// what is wrong otherwise.
fn typed_comune<'a>(tr: &Tr, t: &'a Territory, typed: &str) -> Result<&'a argine_storage::territory::Comune, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(tr.t("settlement-error-comune-missing"));
    }
    if let Some(r) = t.resolve(typed) {
        return Ok(r.current);
    }
    let wanted = argine_domain::territory::search::normalise(typed);
    let mut exact: Vec<&argine_storage::territory::Comune> = t
        .search(typed, 20)
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| argine_domain::territory::search::normalise(&c.name) == wanted)
        .collect();
    exact.dedup_by_key(|c| c.id);
    match exact.as_slice() {
        [one] => Ok(one),
        [] => Err(tr.t1("settlement-error-comune", "typed", typed)),
        many => Err(tr.t1(
            "settlement-error-comune-ambiguous",
            "options",
            many.iter().map(|c| format!("{} ({}) {}", c.name, c.sigla, c.istat)).collect::<Vec<_>>().join(", "),
        )),
    }
}

/// `POST /insediamenti/nuovo`: a settlement added by hand — checked (every problem said in the
/// reader's language, with what was typed kept), within the Comuni the user may manage, not a
/// second one of the same name in the same Comune; created and audited in one transaction.
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageSettlements, &Resource::Settlements).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let f = pairs(&body);
    let typed = SettlementTyped {
        name: field(&f, "name"),
        settlement_type: field(&f, "settlement_type"),
        comune: field(&f, "comune"),
        year_formed: field(&f, "year_formed"),
        owner: field(&f, "owner"),
        status: field(&f, "status"),
        lat: field(&f, "lat"),
        lon: field(&f, "lon"),
        origin: field(&f, "origin"),
    };
    let checked = domain::check_settlement(
        &domain::SettlementForm {
            name: &typed.name,
            settlement_type: &typed.settlement_type,
            year_formed: &typed.year_formed,
            owner: &typed.owner,
            status: &typed.status,
            lon: &typed.lon,
            lat: &typed.lat,
        },
        this_year(),
    );
    let mut errors: Vec<String> = match &checked {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|e| tr.t(&format!("settlement-error-{}", e.code()))).collect(),
    };
    let comune = match typed_comune(&tr, &t, &typed.comune) {
        Ok(c) if can(&user.actor, Action::ManageSettlements, &t, &c.istat) => Some(c),
        Ok(c) => {
            errors.push(tr.t1("settlement-error-outside", "comune", &c.name));
            None
        }
        Err(message) => {
            errors.push(message);
            None
        }
    };
    let (Ok(new), Some(comune), true) = (checked, comune, errors.is_empty()) else {
        return new_page(&state, &ctx, &user, typed, errors);
    };
    let key = domain::match_key(&comune.istat, new.kind, &new.name);
    let mut tx = state.db.begin().await?;
    if let Some(existing) = store::by_match_key(&mut tx, &key).await? {
        drop(tx);
        let message = tr.args(
            "settlement-error-duplicate",
            &[("name", existing.name.clone()), ("comune", comune.name.clone()), ("id", existing.id.to_string())],
        );
        return new_page(&state, &ctx, &user, typed, vec![message]);
    }
    let source = domain::hand_position_source(&typed.origin);
    let id = store::create(
        &mut tx,
        &store::NewSettlement {
            kind: new.kind.code(),
            settlement_type: new.settlement_type,
            name: &new.name,
            comune_code: &comune.istat,
            point: new.point,
            position_source: if new.point.is_some() { source } else { "comune" },
            owner: &new.owner,
            year_formed: new.year_formed,
            match_key: &key,
            created_by: Some(user.user.id),
        },
    )
    .await?;
    if new.status != domain::Status::Active {
        store::set_status(&mut tx, id, new.status.code()).await?;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.create",
        ("settlement", id),
        json!({"comune": comune.istat, "kind": new.kind.code(), "type": new.settlement_type,
            "status": new.status.code(), "position": new.point.map(|_| source)}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti/{id}")).into_response())
}

/// The settlement of a change by hand, once the user may manage settlements of its Comune.
async fn managed(state: &AppState, ctx: &RequestCtx, user: &CurrentUser, id: i64) -> WebResult<Settlement> {
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let s = store::get(&mut conn, id).await?;
    drop(conn);
    check(state, ctx, &user.actor, user.label(), Action::ManageSettlements, &resource(&t, &s.comune_code)).await?;
    Ok(s)
}

/// `POST /insediamenti/{id}/stato`: the settlement's status (active, cleared, relocated,
/// closed), audited with what it was.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let s = managed(&state, &ctx, &user, id).await?;
    let f = pairs(&body);
    let typed = field(&f, "status");
    let Some(status) = domain::Status::parse(&typed) else {
        let tr = Tr::new(ctx.lang);
        let errors = vec![tr.t("settlement-error-status")];
        let mut res = detail_page(&state, &ctx, &user, id, Some(Retry::Status(typed, errors))).await?;
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let mut tx = state.db.begin().await?;
    store::set_status(&mut tx, id, status.code()).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.status",
        ("settlement", id),
        json!({"from": s.status, "to": status.code()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti/{id}#stato")).into_response())
}

/// `POST /insediamenti/{id}/posizione`: moves the settlement's point to the position typed or
/// taken by the device (`origin=gps`), audited (without the coordinates: the audit log is read
/// by roles that may not see them).
pub async fn move_point(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let s = managed(&state, &ctx, &user, id).await?;
    let f = pairs(&body);
    let (lat, lon) = (field(&f, "lat"), field(&f, "lon"));
    let point = match domain::parse_position(&lon, &lat) {
        Ok(Some(p)) => p,
        result => {
            let tr = Tr::new(ctx.lang);
            let code = if result.is_ok() { "settlement-error-position-missing" } else { "settlement-error-position" };
            let errors = vec![tr.t(code)];
            let mut res = detail_page(&state, &ctx, &user, id, Some(Retry::Position { lat, lon, errors })).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let source = domain::hand_position_source(&field(&f, "origin"));
    let mut tx = state.db.begin().await?;
    store::set_position(&mut tx, id, point, source).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "settlement.move",
        ("settlement", id),
        json!({"from": s.position_source, "to": source}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/insediamenti/{id}#posizione")).into_response())
}
