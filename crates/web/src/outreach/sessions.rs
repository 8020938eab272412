//! `/uscite`: outreach sessions with their anonymous counts — the list with totals per month and
//! per team, a session's record, the form, the offline page of the phone and its sync.

use super::{can, comune_name, path_of, session_resource, today};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, fields, pairs};
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Actor, Resource, authorize};
use argine_domain::outreach::{self as domain, ContactRow, MaterialRow, SessionInput, Totals};
use argine_storage::outreach::{self as store, Recorded, Session};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

/// The sessions `actor` may see.
pub(crate) async fn visible(state: &AppState, actor: &Actor) -> WebResult<Vec<Session>> {
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    Ok(store::sessions(&mut conn)
        .await?
        .into_iter()
        .filter(|s| can(actor, Action::ViewOutreach, &session_resource(&t, s)))
        .collect())
}

/// Team and listening point names by id: (teams, desks).
async fn team_names(state: &AppState) -> WebResult<(BTreeMap<i64, String>, BTreeMap<i64, String>)> {
    let mut conn = state.db.pool().acquire().await?;
    let teams = store::teams(&mut conn).await?.into_iter().map(|t| (t.id, t.name)).collect();
    let d = argine_storage::services::directory(&mut conn).await?;
    let desks = d
        .at_locations
        .iter()
        .filter(|a| a.listening_point == 1)
        .map(|a| {
            let s = d.service(a.service_id).map(|s| s.name.clone()).unwrap_or_default();
            let l = d.location(a.location_id).map(|l| l.name.clone()).unwrap_or_default();
            (a.id, format!("{s} — {l}"))
        })
        .collect();
    Ok((teams, desks))
}

fn team_of(s: &Session, teams: &BTreeMap<i64, String>, desks: &BTreeMap<i64, String>) -> String {
    s.team_id
        .and_then(|t| teams.get(&t).cloned())
        .or_else(|| s.desk_id.and_then(|d| desks.get(&d).cloned()))
        .unwrap_or_default()
}

pub struct SessionRow {
    pub id: i64,
    pub date: String,
    pub team: String,
    pub comune: String,
    pub contacts: i64,
    pub source: String,
}

#[derive(Template)]
#[template(path = "outreach/sessions.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<SessionRow>,
    total_sessions: usize,
    total_contacts: i64,
    by_month: Vec<(String, usize, i64)>,
    by_team: Vec<(String, usize, i64)>,
    can_record: bool,
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOutreach, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let all = visible(&state, &user.actor).await?;
    let (teams, desks) = team_names(&state).await?;
    let months: Vec<(String, i64)> =
        all.iter().map(|s| (domain::month_of(&s.held_on).to_owned(), s.contacts)).collect();
    let by_team: Vec<(String, i64)> = all.iter().map(|s| (team_of(s, &teams, &desks), s.contacts)).collect();
    render(ListPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        total_sessions: all.len(),
        total_contacts: all.iter().map(|s| s.contacts).sum(),
        by_month: domain::group_totals(&months).into_iter().rev().collect(),
        by_team: domain::group_totals(&by_team),
        rows: all
            .iter()
            .take(500)
            .map(|s| SessionRow {
                id: s.id,
                date: tr.date(&s.held_on),
                team: team_of(s, &teams, &desks),
                comune: comune_name(&t, &s.comune_code),
                contacts: s.contacts,
                source: tr.t(&format!("outreach-source-{}", s.source)),
            })
            .collect(),
        can_record: can(&user.actor, Action::RecordOutreach, &Resource::FieldWork),
    })
}

// ---------------------------------------------------------------------------------------------
// A session's record

#[derive(Template)]
#[template(path = "outreach/session_detail.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    date: String,
    team: String,
    comune: String,
    settlement: Option<(i64, String)>,
    grid: Vec<(String, String, String, String, i64)>,
    totals: Vec<(String, Vec<(String, i64)>)>,
    total: i64,
    materials: Vec<(String, i64)>,
    needs: Vec<String>,
    needs_note: String,
    can_record: bool,
}

fn label(tr: &Tr, prefix: &str, code: &str) -> String {
    tr.t(&format!("{prefix}-{code}"))
}

fn nationality(tr: &Tr, code: &str) -> String {
    if domain::COMMON_NATIONALITIES.contains(&code) || code == "ND" {
        tr.t(&format!("country-{}", code.to_ascii_lowercase()))
    } else {
        code.to_owned()
    }
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOutreach, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let s = store::session(&mut conn, id).await?;
    let res = session_resource(&t, &s);
    drop(conn);
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOutreach, &res).await?;
    let mut conn = state.db.pool().acquire().await?;
    let grid = store::contacts(&mut conn, id).await?;
    let materials = store::materials(&mut conn, id).await?;
    let settlement = match s.settlement_id {
        Some(sid) => argine_storage::settlements::get(&mut conn, sid).await.ok(),
        None => None,
    };
    drop(conn);
    let (teams, desks) = team_names(&state).await?;
    let totals = Totals::of(&grid);
    let dims = |m: &BTreeMap<String, i64>, f: &dyn Fn(&str) -> String| -> Vec<(String, i64)> {
        m.iter().map(|(k, v)| (f(k), *v)).collect()
    };
    render(DetailPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        date: tr.date(&s.held_on),
        team: team_of(&s, &teams, &desks),
        comune: comune_name(&t, &s.comune_code),
        settlement: settlement
            .filter(|x| {
                path_of(&t, &x.comune_code)
                    .is_some_and(|p| can(&user.actor, Action::ViewSettlements, &Resource::Territory(p)))
            })
            .map(|x| (x.id, x.name)),
        grid: grid
            .iter()
            .map(|r| {
                (
                    label(&tr, "outreach-sex", &r.sex),
                    label(&tr, "outreach-age", &r.age_band),
                    nationality(&tr, &r.nationality),
                    label(&tr, "outreach-sector", &r.sector),
                    r.count,
                )
            })
            .collect(),
        totals: vec![
            (tr.t("outreach-sex"), dims(&totals.by_sex, &|c: &str| label(&tr, "outreach-sex", c))),
            (tr.t("outreach-age"), dims(&totals.by_age_band, &|c: &str| label(&tr, "outreach-age", c))),
            (tr.t("outreach-nationality"), dims(&totals.by_nationality, &|c: &str| nationality(&tr, c))),
            (tr.t("outreach-sector"), dims(&totals.by_sector, &|c: &str| label(&tr, "outreach-sector", c))),
        ],
        total: totals.contacts,
        materials: materials
            .iter()
            .map(|m| {
                let mut l = label(&tr, "outreach-material", &m.material);
                if !m.language.is_empty() {
                    l = format!("{l} ({})", tr.t(&format!("language-{}", m.language)));
                }
                (l, m.quantity)
            })
            .collect(),
        needs: s.needs.split_whitespace().map(|n| label(&tr, "outreach-need", n)).collect(),
        needs_note: s.needs_note.clone(),
        can_record: can(&user.actor, Action::RecordOutreach, &res),
    })
}

// ---------------------------------------------------------------------------------------------
// The form

/// Rows of the contact grid offered by the form.
const GRID_ROWS: usize = 6;

/// The choices the session forms offer (online and offline).
pub struct Choices {
    pub teams: Vec<(i64, String)>,
    /// Settlements in the organisation's territory: (id, "Comune — name").
    pub settlements: Vec<(i64, String)>,
    pub desks: Vec<(i64, String)>,
    pub sexes: Vec<(&'static str, String)>,
    pub ages: Vec<(&'static str, String)>,
    pub nationalities: Vec<(String, String)>,
    pub sectors: Vec<(&'static str, String)>,
    pub materials: Vec<(&'static str, String)>,
    pub languages: Vec<(&'static str, String)>,
    pub needs: Vec<(&'static str, String)>,
}

async fn choices(state: &AppState, tr: &Tr, user: &CurrentUser) -> WebResult<Choices> {
    let mut conn = state.db.pool().acquire().await?;
    let teams = store::teams(&mut conn)
        .await?
        .into_iter()
        .filter(|t| t.org_id == user.org.id)
        .map(|t| (t.id, t.name))
        .collect();
    let d = argine_storage::services::directory(&mut conn).await?;
    let t = state.territory();
    let mut settlements: Vec<(i64, String)> = argine_storage::settlements::list(&mut conn, None)
        .await?
        .into_iter()
        // Named only to those who may see the registry of their Comune, as on the team pages.
        .filter(|s| {
            path_of(&t, &s.comune_code).is_some_and(|p| {
                user.org.jurisdiction.covers(&p)
                    && authorize(&user.actor, Action::ViewSettlements, &Resource::Territory(p)).is_allowed()
            })
        })
        .map(|s| (s.id, format!("{} — {}", comune_name(&t, &s.comune_code), s.name)))
        .collect();
    settlements.sort_by(|a, b| a.1.cmp(&b.1));
    drop(conn);
    let desks = d
        .at_locations
        .iter()
        .filter(|a| a.listening_point == 1)
        .filter_map(|a| d.service(a.service_id).map(|s| (a, s)))
        .filter(|(_, s)| s.org_id == user.org.id)
        .map(|(a, s)| {
            (a.id, format!("{} — {}", s.name, d.location(a.location_id).map(|l| l.name.as_str()).unwrap_or("")))
        })
        .collect();
    let l = |prefix: &str, list: &[&'static str]| -> Vec<(&'static str, String)> {
        list.iter().map(|c| (*c, tr.t(&format!("{prefix}-{c}")))).collect()
    };
    let mut nationalities: Vec<(String, String)> = domain::COMMON_NATIONALITIES
        .iter()
        .map(|c| ((*c).to_owned(), tr.t(&format!("country-{}", c.to_ascii_lowercase()))))
        .collect();
    nationalities.push(("ND".into(), tr.t("country-nd")));
    Ok(Choices {
        teams,
        settlements,
        desks,
        sexes: l("outreach-sex", &domain::SEXES),
        ages: l("outreach-age", &domain::AGE_BANDS),
        nationalities,
        sectors: l("outreach-sector", &domain::SECTORS),
        materials: l("outreach-material", &domain::MATERIALS),
        languages: l("language", &domain::LANGUAGES),
        needs: l("outreach-need", &domain::NEEDS),
    })
}

/// What was typed, shown back after an error.
#[derive(Default, Clone)]
pub struct Typed {
    pub client_uuid: String,
    pub held_on: String,
    pub comune: String,
    /// `team:<id>` or `desk:<id>`
    pub team: String,
    /// A settlement's id, or "".
    pub settlement: String,
    pub lat: String,
    pub lon: String,
    pub contacts: Vec<ContactRow>,
    pub leaflets: Vec<(String, String)>,
    pub kits: Vec<(String, String)>,
    pub needs: Vec<String>,
    pub needs_note: String,
}

#[derive(Template)]
#[template(path = "outreach/session_form.html")]
struct FormPage {
    chrome: Chrome,
    form: Typed,
    c: Choices,
    /// (code, label, checked)
    needs: Vec<(&'static str, String, bool)>,
    errors: Vec<String>,
    today: String,
}

fn blank_rows(mut rows: Vec<ContactRow>) -> Vec<ContactRow> {
    while rows.len() < GRID_ROWS {
        rows.push(ContactRow {
            sex: "nd".into(),
            age_band: "nd".into(),
            nationality: "ND".into(),
            sector: "agricoltura".into(),
            count: 0,
        });
    }
    rows
}

async fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    mut form: Typed,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    form.contacts = blank_rows(std::mem::take(&mut form.contacts));
    let failed = !errors.is_empty();
    let c = choices(state, &tr, user).await?;
    let needs = c.needs.iter().map(|(v, l)| (*v, l.clone(), form.needs.iter().any(|x| x == v))).collect();
    let mut res =
        render(FormPage { chrome: Chrome::for_user(state, ctx, user), needs, c, form, errors, today: today() })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn new_form(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::RecordOutreach, &Resource::FieldWork).await?;
    // The UUID is made when the form is shown: a form sent twice records one session.
    let form = Typed { client_uuid: uuid::Uuid::new_v4().to_string(), held_on: today(), ..Default::default() };
    form_page(&state, &ctx, &user, form, Vec::new()).await
}

fn typed(f: &[(String, String)]) -> Typed {
    let col = |n: &str| fields(f, n);
    let (sex, age, nat, sector, count) = (col("sex"), col("age_band"), col("nationality"), col("sector"), col("count"));
    let contacts = (0..sex.len())
        .map(|i| ContactRow {
            sex: sex[i].clone(),
            age_band: age.get(i).cloned().unwrap_or_default(),
            nationality: nat.get(i).cloned().unwrap_or_default(),
            sector: sector.get(i).cloned().unwrap_or_default(),
            count: count.get(i).map_or(0, |c| if c.trim().is_empty() { 0 } else { c.trim().parse().unwrap_or(-1) }),
        })
        .collect();
    let pairs_of = |a: &str, b: &str| -> Vec<(String, String)> { col(a).into_iter().zip(col(b)).collect() };
    Typed {
        client_uuid: field(f, "client_uuid"),
        held_on: field(f, "held_on"),
        comune: field(f, "comune"),
        team: field(f, "team"),
        settlement: field(f, "settlement"),
        lat: field(f, "lat"),
        lon: field(f, "lon"),
        contacts,
        leaflets: pairs_of("leaflet_language", "leaflet_quantity"),
        kits: pairs_of("kit", "kit_quantity"),
        needs: col("needs"),
        needs_note: f.iter().find(|(k, _)| k == "needs_note").map(|(_, v)| v.clone()).unwrap_or_default(),
    }
}

fn coordinate(v: &str) -> Option<f64> {
    let v = v.trim().replace(',', ".");
    if v.is_empty() { None } else { Some(v.parse().unwrap_or(f64::NAN)) }
}

impl Typed {
    /// The `i`-th (from 1) leaflet row typed: (language, quantity).
    pub fn leaflet(&self, i: &usize) -> (&str, &str) {
        self.leaflets.get(i.wrapping_sub(1)).map_or(("", ""), |(l, q)| (l.as_str(), q.as_str()))
    }

    /// The `i`-th (from 1) kit row typed: (material, quantity).
    pub fn kit(&self, i: &usize) -> (&str, &str) {
        self.kits.get(i.wrapping_sub(1)).map_or(("", ""), |(k, q)| (k.as_str(), q.as_str()))
    }
}

fn input_of(t: &Typed) -> SessionInput {
    let id = |p: &str| t.team.strip_prefix(p).and_then(|x| x.parse().ok());
    let qty = |q: &str| if q.trim().is_empty() { 0 } else { q.trim().parse().unwrap_or(-1) };
    let mut materials: Vec<MaterialRow> = t
        .leaflets
        .iter()
        .filter(|(l, _)| !l.is_empty())
        .map(|(l, q)| MaterialRow { material: "volantino".into(), language: l.clone(), quantity: qty(q) })
        .collect();
    materials.extend(t.kits.iter().filter(|(k, _)| !k.is_empty()).map(|(k, q)| MaterialRow {
        material: k.clone(),
        language: String::new(),
        quantity: qty(q),
    }));
    SessionInput {
        client_uuid: t.client_uuid.clone(),
        held_on: t.held_on.clone(),
        comune: t.comune.clone(),
        team_id: id("team:"),
        desk_id: id("desk:"),
        settlement_id: t.settlement.parse().ok(),
        // Typed but not a number: kept as NaN, which the check refuses as a position.
        lat: coordinate(&t.lat),
        lon: coordinate(&t.lon),
        contacts: t.contacts.clone(),
        materials,
        needs: t.needs.clone(),
        needs_note: t.needs_note.clone(),
    }
}

/// Why a session cannot be recorded by `user`, or what recording it did.
pub(crate) enum Outcome {
    Invalid(Vec<domain::OutreachError>),
    Recorded(Recorded),
}

/// Checks and records a session of the user's organisation (form, sync and API alike): the
/// team or listening point must be the organisation's, the Comune known; audited.
pub(crate) async fn record(
    state: &AppState,
    ctx: &RequestCtx,
    who: (&Actor, i64, &str),
    input: &SessionInput,
    source: &str,
) -> WebResult<Outcome> {
    let (actor, user_id, label) = who;
    let t = state.territory();
    let checked = match domain::check_session(input, &today()) {
        Ok(c) => c,
        Err(e) => return Ok(Outcome::Invalid(e)),
    };
    let Some(place) = path_of(&t, &checked.comune) else {
        return Ok(Outcome::Invalid(vec![domain::OutreachError::Comune]));
    };
    let record = Resource::FieldRecord { org_id: actor.org_id, places: vec![place] };
    check(state, ctx, actor, label, Action::RecordOutreach, &record).await?;
    let mut conn = state.db.pool().acquire().await?;
    let team_ok = match (checked.team_id, checked.desk_id) {
        (Some(team), _) => store::team(&mut conn, team).await.ok().is_some_and(|t| t.org_id == actor.org_id),
        (_, Some(desk)) => match argine_storage::services::at_location(&mut conn, desk).await {
            Ok(a) if a.listening_point == 1 => argine_storage::services::get(&mut conn, a.service_id)
                .await
                .ok()
                .is_some_and(|s| s.org_id == actor.org_id),
            _ => false,
        },
        _ => false,
    };
    let settlement_ok = match checked.settlement_id {
        Some(sid) => {
            argine_storage::settlements::get(&mut conn, sid).await.ok().is_some_and(|s| s.comune_code == checked.comune)
        }
        None => true,
    };
    drop(conn);
    if !team_ok {
        return Ok(Outcome::Invalid(vec![domain::OutreachError::Team]));
    }
    if !settlement_ok {
        return Ok(Outcome::Invalid(vec![domain::OutreachError::Comune]));
    }
    let mut tx = state.db.begin().await?;
    let r = match store::record(&mut tx, actor.org_id, &checked, source, Some(user_id)).await {
        Ok(r) => r,
        Err(argine_storage::StorageError::Conflict(_)) => return Err(WebError::Conflict("outreach-error-uuid-taken")),
        Err(e) => return Err(e.into()),
    };
    if let Recorded::Created(id) = r {
        argine_storage::audit::append(
            &mut tx,
            &argine_storage::audit::NewEntry {
                actor_user_id: Some(user_id),
                actor_label: label.to_owned(),
                action: "outreach_session.create".into(),
                outcome: "ok".into(),
                record_type: "outreach_session".into(),
                record_id: id.to_string(),
                ip: ctx.ip.clone(),
                request_id: ctx.request_id.clone(),
                details: json!({"source": source, "contacts": Totals::of(&checked.contacts).contacts,
                    "client_uuid": checked.client_uuid})
                .to_string(),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome::Recorded(r))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::RecordOutreach, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = typed(&pairs(&body));
    match record(&state, &ctx, (&user.actor, user.user.id, user.label()), &input_of(&t), "web").await? {
        Outcome::Recorded(r) => Ok(Redirect::to(&format!("/uscite/{}", r.id())).into_response()),
        Outcome::Invalid(e) => {
            let msgs = e.iter().map(|x| tr.t(&format!("outreach-error-{}", x.code()))).collect();
            form_page(&state, &ctx, &user, t, msgs).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Offline

#[derive(Template)]
#[template(path = "outreach/offline.html")]
struct OfflinePage {
    chrome: Chrome,
    c: Choices,
    today: String,
}

/// The page a phone keeps for the field: the service worker caches it, the script keeps the
/// records in IndexedDB (anonymous counts and coded needs only) and syncs them.
pub async fn offline(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::RecordOutreach, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let mut res = render(OfflinePage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        c: choices(&state, &tr, &user).await?,
        today: today(),
    })?;
    res.headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("private, no-cache"));
    Ok(res)
}

/// `POST /uscite/sincronizza`: one offline record as JSON, from the page (session cookie; the
/// CSRF middleware admits same-origin requests only). Idempotent on `client_uuid`: 201 when
/// created, 200 when it was already stored.
pub async fn sync(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::RecordOutreach, &Resource::FieldWork).await?;
    let input: SessionInput =
        serde_json::from_slice(&body).map_err(|_| WebError::BadRequest("outreach-error-payload"))?;
    sync_answer(record(&state, &ctx, (&user.actor, user.user.id, user.label()), &input, "offline").await?)
}

pub(crate) fn sync_answer(o: Outcome) -> WebResult<Response> {
    Ok(match o {
        Outcome::Recorded(Recorded::Created(id)) => {
            (StatusCode::CREATED, axum::Json(json!({"id": id, "created": true}))).into_response()
        }
        Outcome::Recorded(Recorded::Existing(id)) => {
            (StatusCode::OK, axum::Json(json!({"id": id, "created": false}))).into_response()
        }
        Outcome::Invalid(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"errors": e.iter().map(|x| x.code()).collect::<Vec<_>>()})),
        )
            .into_response(),
    })
}
