//! `/servizi`: the service directory with its filters, a service's record with its places and
//! opening hours, the forms of one's own organisation, the listening points (`/servizi/sportelli`)
//! and the itinerant teams with their route (`/servizi/unita-mobili`).

use super::{comune_name, language_choices, language_labels, path_of, service_resource, team_resource, today};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, fields, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::outreach::{self as domain, Opening, ServiceKind, WEEKDAYS};
use argine_storage::outreach as team_store;
use argine_storage::services::{self as store, Directory, ServiceFields};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Organisation names by id.
async fn org_names(state: &AppState) -> WebResult<BTreeMap<i64, String>> {
    Ok(argine_storage::orgs::list(&state.db).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

async fn directory(state: &AppState) -> WebResult<Directory> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(store::directory(&mut conn).await?)
}

/// A service as a list shows it.
pub struct ServiceRow {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub kind: String,
    pub comuni: String,
    pub languages: String,
    pub listening_point: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    tipo: String,
    comune: String,
    lingua: String,
}

#[derive(Template)]
#[template(path = "outreach/services.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ServiceRow>,
    kinds: Vec<(&'static str, String)>,
    comuni: Vec<(String, String)>,
    languages: Vec<(&'static str, String)>,
    tipo: String,
    comune: String,
    lingua: String,
    can_manage: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let d = directory(&state).await?;
    let names = org_names(&state).await?;
    let kind = ServiceKind::parse(&q.tipo).map(ServiceKind::code);
    let lang = domain::LANGUAGES.iter().find(|l| **l == q.lingua).copied();
    let comune = Some(q.comune.as_str()).filter(|c| domain::is_comune_code(c));
    let mut all_comuni = BTreeSet::new();
    let rows = d
        .services
        .iter()
        .filter(|s| authorize(&user.actor, Action::ViewServices, &service_resource(&t, &d, s)).is_allowed())
        .filter_map(|s| {
            let places = d.places_of(s.id);
            let codes: BTreeSet<&str> = places.iter().map(|(_, l)| l.comune_code.as_str()).collect();
            all_comuni.extend(codes.iter().map(|c| (*c).to_owned()));
            let keep = kind.is_none_or(|k| s.kind == k)
                && lang.is_none_or(|l| s.languages.split_whitespace().any(|x| x == l))
                && comune.is_none_or(|c| codes.contains(c));
            keep.then(|| ServiceRow {
                id: s.id,
                name: s.name.clone(),
                org: names.get(&s.org_id).cloned().unwrap_or_default(),
                kind: tr.t(&format!("service-kind-{}", s.kind)),
                comuni: codes.iter().map(|c| comune_name(&t, c)).collect::<Vec<_>>().join(", "),
                languages: language_labels(&tr, &s.languages),
                listening_point: places.iter().any(|(a, _)| a.listening_point == 1),
            })
        })
        .collect();
    render(ListPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        rows,
        kinds: ServiceKind::ALL.iter().map(|k| (k.code(), tr.t(&format!("service-kind-{}", k.code())))).collect(),
        comuni: all_comuni.into_iter().map(|c| (comune_name(&t, &c), c)).map(|(n, c)| (c, n)).collect(),
        languages: domain::LANGUAGES.iter().map(|c| (*c, tr.t(&format!("language-{c}")))).collect(),
        tipo: kind.unwrap_or_default().to_owned(),
        comune: comune.unwrap_or_default().to_owned(),
        lingua: lang.unwrap_or_default().to_owned(),
        can_manage: authorize(&user.actor, Action::ManageServices, &Resource::FieldWork).is_allowed(),
    })
}

// ---------------------------------------------------------------------------------------------
// A service's form

/// What was typed in a service form, shown back after an error.
#[derive(Default, Clone)]
pub struct ServiceTyped {
    pub kind: String,
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub languages: String,
    pub email: String,
    pub phone: String,
    pub url: String,
    pub status: String,
}

/// What was typed in a location form.
#[derive(Default, Clone)]
pub struct PlaceTyped {
    pub name: String,
    pub address: String,
    pub comune: String,
    pub lat: String,
    pub lon: String,
    pub listening_point: bool,
    /// The hours typed for each weekday, Monday first.
    pub hours: [String; 7],
}

fn typed_service(f: &[(String, String)]) -> ServiceTyped {
    ServiceTyped {
        kind: field(f, "kind"),
        name: field(f, "name"),
        description: field(f, "description"),
        eligibility: field(f, "eligibility"),
        languages: domain::languages(&fields(f, "languages")).join(" "),
        email: field(f, "email"),
        phone: field(f, "phone"),
        url: field(f, "url"),
        status: if field(f, "status") == "inactive" { "inactive".into() } else { "active".into() },
    }
}

fn typed_place(f: &[(String, String)]) -> PlaceTyped {
    PlaceTyped {
        name: field(f, "place_name"),
        address: field(f, "address"),
        comune: field(f, "comune"),
        lat: field(f, "lat"),
        lon: field(f, "lon"),
        listening_point: field(f, "listening_point") == "1",
        hours: std::array::from_fn(|i| field(f, &format!("hours_{}", i + 1))),
    }
}

fn check_service(s: &ServiceTyped) -> Vec<domain::OutreachError> {
    let mut e = Vec::new();
    if ServiceKind::parse(&s.kind).is_none() {
        e.push(domain::OutreachError::Kind);
    }
    if s.name.is_empty() || s.name.chars().count() > 200 {
        e.push(domain::OutreachError::Name);
    }
    if [&s.description, &s.eligibility].iter().any(|x| x.chars().count() > domain::MAX_NOTE) {
        e.push(domain::OutreachError::NoteLength);
    }
    e
}

/// A place checked: its point and its opening hours.
type CheckedPlace = (Option<(f64, f64)>, Vec<Opening>);

fn check_place(t: &crate::territory::Territory, p: &PlaceTyped) -> Result<CheckedPlace, Vec<domain::OutreachError>> {
    let mut e = Vec::new();
    if p.name.is_empty() {
        e.push(domain::OutreachError::Name);
    }
    if path_of(t, &p.comune).is_none() {
        e.push(domain::OutreachError::Comune);
    }
    let point = argine_domain::settlements::parse_position(&p.lon, &p.lat).unwrap_or_else(|_| {
        e.push(domain::OutreachError::Position);
        None
    });
    let mut hours = Vec::new();
    for (i, h) in p.hours.iter().enumerate() {
        match domain::parse_day(u8::try_from(i + 1).unwrap_or(0), h) {
            Ok(mut d) => hours.append(&mut d),
            Err(x) => {
                if !e.contains(&x) {
                    e.push(x);
                }
            }
        }
    }
    if e.is_empty() { Ok((point, hours)) } else { Err(e) }
}

#[derive(Template)]
#[template(path = "outreach/service_form.html")]
struct FormPage {
    chrome: Chrome,
    /// `None`: a new service.
    id: Option<i64>,
    form: ServiceTyped,
    place: PlaceTyped,
    errors: Vec<String>,
    kinds: Vec<(&'static str, String)>,
    languages: Vec<(&'static str, String, bool)>,
    weekdays: Vec<(usize, String)>,
}

fn weekdays(tr: &Tr) -> Vec<(usize, String)> {
    WEEKDAYS.iter().enumerate().map(|(i, d)| (i + 1, tr.t(&format!("weekday-{}", d.to_ascii_lowercase())))).collect()
}

fn form_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: Option<i64>,
    form: ServiceTyped,
    place: PlaceTyped,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let failed = !errors.is_empty();
    let mut res = render(FormPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        kinds: ServiceKind::ALL.iter().map(|k| (k.code(), tr.t(&format!("service-kind-{}", k.code())))).collect(),
        languages: language_choices(&tr, &form.languages),
        weekdays: weekdays(&tr),
        form,
        place,
        errors,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn messages(tr: &Tr, errors: &[domain::OutreachError]) -> Vec<String> {
    errors.iter().map(|e| tr.t(&format!("outreach-error-{}", e.code()))).collect()
}

pub async fn new_form(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let form = ServiceTyped { kind: "social_desk".into(), languages: "it".into(), ..Default::default() };
    form_page(&state, &ctx, &user, None, form, PlaceTyped::default(), Vec::new())
}

/// A new service of the user's organisation, with its first place (where and when).
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let f = pairs(&body);
    let s = typed_service(&f);
    let p = typed_place(&f);
    let mut errors = check_service(&s);
    let place = check_place(&t, &p).map_err(|e| errors.extend(e)).ok();
    let Some((point, hours)) = place.filter(|_| errors.is_empty()) else {
        let msgs = messages(&tr, &errors);
        return form_page(&state, &ctx, &user, None, s, p, msgs);
    };
    let record = Resource::FieldRecord { org_id: user.org.id, places: path_of(&t, &p.comune).into_iter().collect() };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &record).await?;
    let mut tx = state.db.begin().await?;
    let id = store::create(&mut tx, user.org.id, &fields_of(&s), Some(user.user.id)).await?;
    let loc = store::create_location(&mut tx, user.org.id, &p.name, &p.address, &p.comune, point).await?;
    let sal = store::offer_at(&mut tx, id, loc, p.listening_point, "", &hours).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "service.create",
        ("service", id),
        json!({"kind": s.kind, "location": loc, "service_at_location": sal, "listening_point": p.listening_point}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/{id}")).into_response())
}

fn fields_of(s: &ServiceTyped) -> ServiceFields<'_> {
    ServiceFields {
        kind: &s.kind,
        name: &s.name,
        description: &s.description,
        eligibility: &s.eligibility,
        languages: &s.languages,
        email: &s.email,
        phone: &s.phone,
        url: &s.url,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let t = state.territory();
    let d = directory(&state).await?;
    let s = d.service(id).ok_or(WebError::NotFound)?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &service_resource(&t, &d, s)).await?;
    let form = ServiceTyped {
        kind: s.kind.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        eligibility: s.eligibility.clone(),
        languages: s.languages.clone(),
        email: s.email.clone(),
        phone: s.phone.clone(),
        url: s.url.clone(),
        status: s.status.clone(),
    };
    form_page(&state, &ctx, &user, Some(id), form, PlaceTyped::default(), Vec::new())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let d = directory(&state).await?;
    let existing = d.service(id).ok_or(WebError::NotFound)?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &service_resource(&t, &d, existing)).await?;
    let f = pairs(&body);
    let s = typed_service(&f);
    let errors = check_service(&s);
    if !errors.is_empty() {
        let msgs = messages(&tr, &errors);
        return form_page(&state, &ctx, &user, Some(id), s, PlaceTyped::default(), msgs);
    }
    let mut tx = state.db.begin().await?;
    store::update(&mut tx, id, &fields_of(&s), &s.status).await?;
    audit_write(&mut tx, &user, &ctx, "service.update", ("service", id), json!({"kind": s.kind, "status": s.status}))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// A service's record

/// A place of a service with its hours by weekday.
pub struct PlaceView {
    pub name: String,
    pub address: String,
    pub comune: String,
    pub listening_point: bool,
    pub point: Option<(f64, f64)>,
    /// (weekday label, hours)
    pub hours: Vec<(String, String)>,
}

fn place_views(tr: &Tr, t: &crate::territory::Territory, d: &Directory, service_id: i64) -> Vec<PlaceView> {
    d.places_of(service_id)
        .into_iter()
        .map(|(a, l)| {
            let hours = d.hours_of(a.id);
            PlaceView {
                name: l.name.clone(),
                address: l.address.clone(),
                comune: comune_name(t, &l.comune_code),
                listening_point: a.listening_point == 1,
                point: l.lon.zip(l.lat),
                hours: (1..=7u8)
                    .map(|w| {
                        let day = domain::format_day(&hours, w);
                        (tr.t(&format!("weekday-{}", WEEKDAYS[usize::from(w - 1)].to_ascii_lowercase())), day)
                    })
                    .filter(|(_, h)| !h.is_empty())
                    .collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "outreach/service_detail.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    uuid: String,
    name: String,
    org: String,
    kind: String,
    status: String,
    description: String,
    eligibility: String,
    languages: String,
    email: String,
    phone: String,
    url: String,
    places: Vec<PlaceView>,
    can_manage: bool,
    place: PlaceTyped,
    errors: Vec<String>,
    weekdays: Vec<(usize, String)>,
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    place: PlaceTyped,
    errors: Vec<String>,
) -> WebResult<Response> {
    check(state, ctx, &user.actor, user.label(), Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let d = directory(state).await?;
    let s = d.service(id).ok_or(WebError::NotFound)?;
    let res = service_resource(&t, &d, s);
    check(state, ctx, &user.actor, user.label(), Action::ViewServices, &res).await?;
    let names = org_names(state).await?;
    let failed = !errors.is_empty();
    let mut out = render(DetailPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        uuid: s.uuid.clone(),
        name: s.name.clone(),
        org: names.get(&s.org_id).cloned().unwrap_or_default(),
        kind: tr.t(&format!("service-kind-{}", s.kind)),
        status: tr.t(&format!("service-status-{}", s.status)),
        description: s.description.clone(),
        eligibility: s.eligibility.clone(),
        languages: language_labels(&tr, &s.languages),
        email: s.email.clone(),
        phone: s.phone.clone(),
        url: s.url.clone(),
        places: place_views(&tr, &t, &d, id),
        can_manage: authorize(&user.actor, Action::ManageServices, &res).is_allowed(),
        place,
        errors,
        weekdays: weekdays(&tr),
    })?;
    if failed {
        *out.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(out)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    detail_page(&state, &ctx, &user, id, PlaceTyped::default(), Vec::new()).await
}

/// Another place where (and when) the service is offered.
pub async fn add_place(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let d = directory(&state).await?;
    let s = d.service(id).ok_or(WebError::NotFound)?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &service_resource(&t, &d, s)).await?;
    let p = typed_place(&pairs(&body));
    let (point, hours) = match check_place(&t, &p) {
        Ok(x) => x,
        Err(e) => return detail_page(&state, &ctx, &user, id, p, messages(&tr, &e)).await,
    };
    let mut tx = state.db.begin().await?;
    let loc = store::create_location(&mut tx, s.org_id, &p.name, &p.address, &p.comune, point).await?;
    let sal = store::offer_at(&mut tx, id, loc, p.listening_point, "", &hours).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "service.add_location",
        ("service", id),
        json!({"location": loc, "service_at_location": sal, "listening_point": p.listening_point}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/{id}#sedi")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Listening points

pub struct DeskRow {
    pub service_id: i64,
    pub service: String,
    pub org: String,
    pub place: PlaceView,
}

#[derive(Template)]
#[template(path = "outreach/desks.html")]
struct DesksPage {
    chrome: Chrome,
    rows: Vec<DeskRow>,
}

pub async fn desks(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let d = directory(&state).await?;
    let names = org_names(&state).await?;
    let mut rows = Vec::new();
    for s in &d.services {
        if !authorize(&user.actor, Action::ViewServices, &service_resource(&t, &d, s)).is_allowed() {
            continue;
        }
        for place in place_views(&tr, &t, &d, s.id).into_iter().filter(|p| p.listening_point) {
            rows.push(DeskRow {
                service_id: s.id,
                service: s.name.clone(),
                org: names.get(&s.org_id).cloned().unwrap_or_default(),
                place,
            });
        }
    }
    render(DesksPage { chrome: Chrome::for_user(&state, &ctx, &user), rows })
}

// ---------------------------------------------------------------------------------------------
// Itinerant teams

pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub comune: String,
    pub languages: String,
    pub next_stop: String,
}

#[derive(Template)]
#[template(path = "outreach/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    rows: Vec<TeamRow>,
    can_manage: bool,
    form: TeamTyped,
    errors: Vec<String>,
    languages_choice: Vec<(&'static str, String, bool)>,
    colleagues: Vec<(i64, String, bool)>,
}

#[derive(Default, Clone)]
pub struct TeamTyped {
    pub name: String,
    pub comune: String,
    pub languages: String,
    pub mediators: String,
    pub members: Vec<i64>,
}

async fn teams_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    form: TeamTyped,
    errors: Vec<String>,
) -> WebResult<Response> {
    check(state, ctx, &user.actor, user.label(), Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let names = org_names(state).await?;
    let mut conn = state.db.pool().acquire().await?;
    let teams = team_store::teams(&mut conn).await?;
    let mut rows = Vec::new();
    let today = today();
    for team in teams {
        if !authorize(&user.actor, Action::ViewServices, &team_resource(&t, &team)).is_allowed() {
            continue;
        }
        let route = team_store::route(&mut conn, team.id).await?;
        let next = route.iter().find(|s| s.visit_on >= today);
        rows.push(TeamRow {
            id: team.id,
            name: team.name.clone(),
            org: names.get(&team.org_id).cloned().unwrap_or_default(),
            comune: comune_name(&t, &team.comune_code),
            languages: language_labels(&tr, &team.languages),
            next_stop: next
                .map(|s| format!("{} · {}", tr.date(&s.visit_on), comune_name(&t, &s.comune_code)))
                .unwrap_or_default(),
        });
    }
    drop(conn);
    let can_manage = authorize(&user.actor, Action::ManageServices, &Resource::FieldWork).is_allowed();
    let colleagues = if can_manage { colleague_choices(state, user, &form.members).await? } else { Vec::new() };
    let failed = !errors.is_empty();
    let mut res = render(TeamsPage {
        chrome: Chrome::for_user(state, ctx, user),
        rows,
        can_manage,
        languages_choice: language_choices(&tr, &form.languages),
        colleagues,
        form,
        errors,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn teams(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    teams_page(&state, &ctx, &user, TeamTyped::default(), Vec::new()).await
}

/// The colleagues of the user's organisation: (id, name, chosen).
async fn colleague_choices(
    state: &AppState,
    user: &CurrentUser,
    chosen: &[i64],
) -> WebResult<Vec<(i64, String, bool)>> {
    Ok(argine_storage::accounts::list(&state.db, Some(&[user.org.id][..]))
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name, chosen.contains(&u.id)))
        .collect())
}

/// A team form as typed (members only among the user's colleagues), and its place when the
/// form is right, or the errors.
async fn team_typed(
    state: &AppState,
    user: &CurrentUser,
    f: &[(String, String)],
) -> WebResult<(TeamTyped, Result<argine_domain::territory::TerritoryPath, Vec<domain::OutreachError>>)> {
    let colleagues: Vec<i64> = colleague_choices(state, user, &[]).await?.into_iter().map(|(id, _, _)| id).collect();
    let typed = TeamTyped {
        name: field(f, "name"),
        comune: field(f, "comune"),
        languages: domain::languages(&fields(f, "languages")).join(" "),
        mediators: field(f, "mediators"),
        members: fields(f, "members")
            .iter()
            .filter_map(|m| m.parse().ok())
            .filter(|m| colleagues.contains(m))
            .collect(),
    };
    let mut errors = Vec::new();
    if typed.name.is_empty() {
        errors.push(domain::OutreachError::Name);
    }
    let place = path_of(&state.territory(), &typed.comune);
    if place.is_none() {
        errors.push(domain::OutreachError::Comune);
    }
    Ok(match place {
        Some(p) if errors.is_empty() => (typed, Ok(p)),
        _ => (typed, Err(errors)),
    })
}

/// A new itinerant team of the user's organisation; its members are colleagues of the same
/// organisation.
pub async fn create_team(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let (typed, place) = team_typed(&state, &user, &pairs(&body)).await?;
    let place = match place {
        Ok(p) => p,
        Err(errors) => return teams_page(&state, &ctx, &user, typed, messages(&tr, &errors)).await,
    };
    let record = Resource::FieldRecord { org_id: user.org.id, places: vec![place] };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &record).await?;
    let mut tx = state.db.begin().await?;
    let id = team_store::create_team(
        &mut tx,
        &team_store::NewTeam {
            org_id: user.org.id,
            service_id: None,
            name: &typed.name,
            comune_code: &typed.comune,
            languages: &typed.languages,
            mediators: &typed.mediators,
            members: &typed.members,
            created_by: Some(user.user.id),
        },
    )
    .await?;
    audit_write(&mut tx, &user, &ctx, "outreach_team.create", ("outreach_team", id), json!({"members": typed.members}))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/unita-mobili/{id}")).into_response())
}

pub struct StopView {
    pub id: i64,
    pub date: String,
    pub comune: String,
    pub settlement: Option<(i64, String)>,
    pub place: String,
    pub hours: String,
}

#[derive(Template)]
#[template(path = "outreach/team_detail.html")]
struct TeamPage {
    chrome: Chrome,
    id: i64,
    name: String,
    org: String,
    comune: String,
    languages: String,
    mediators: String,
    members: Vec<String>,
    stops: Vec<StopView>,
    can_manage: bool,
    errors: Vec<String>,
    today: String,
    settlements: Vec<(i64, String)>,
    /// The edit form: as stored, or as typed after an error (`editing`).
    form: TeamTyped,
    editing: bool,
    languages_choice: Vec<(&'static str, String, bool)>,
    colleagues: Vec<(i64, String, bool)>,
}

async fn team_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    typed: Option<TeamTyped>,
) -> WebResult<Response> {
    check(state, ctx, &user.actor, user.label(), Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let team = team_store::team(&mut conn, id).await?;
    let res = team_resource(&t, &team);
    drop(conn);
    check(state, ctx, &user.actor, user.label(), Action::ViewServices, &res).await?;
    let mut conn = state.db.pool().acquire().await?;
    let member_rows = team_store::members(&mut conn, id).await?;
    let route = team_store::route(&mut conn, id).await?;
    let all_settlements = argine_storage::settlements::list(&mut conn, None).await?;
    drop(conn);
    let can_manage = authorize(&user.actor, Action::ManageServices, &res).is_allowed();
    // Settlements are named only to those who may see the registry of their Comune.
    let visible = |comune: &str| {
        path_of(&t, comune)
            .is_some_and(|p| authorize(&user.actor, Action::ViewSettlements, &Resource::Territory(p)).is_allowed())
    };
    let names = org_names(state).await?;
    let stops = route
        .iter()
        .map(|s| StopView {
            id: s.id,
            date: tr.date(&s.visit_on),
            comune: comune_name(&t, &s.comune_code),
            settlement: s
                .settlement_id
                .and_then(|sid| all_settlements.iter().find(|x| x.id == sid))
                .filter(|x| visible(&x.comune_code))
                .map(|x| (x.id, x.name.clone())),
            place: s.place.clone(),
            hours: s.hours.clone(),
        })
        .collect();
    let settlements = if can_manage {
        all_settlements
            .iter()
            .filter(|s| s.comune_code.starts_with(&team.comune_code[..3.min(team.comune_code.len())]))
            .filter(|s| visible(&s.comune_code))
            .map(|s| (s.id, format!("{} ({})", s.name, comune_name(&t, &s.comune_code))))
            .collect()
    } else {
        Vec::new()
    };
    let editing = typed.is_some();
    let form = typed.unwrap_or_else(|| TeamTyped {
        name: team.name.clone(),
        comune: team.comune_code.clone(),
        languages: team.languages.clone(),
        mediators: team.mediators.clone(),
        members: member_rows.iter().map(|(uid, _)| *uid).collect(),
    });
    let colleagues = if can_manage { colleague_choices(state, user, &form.members).await? } else { Vec::new() };
    let members = member_rows.into_iter().map(|(_, n)| n).collect();
    let failed = !errors.is_empty();
    let mut out = render(TeamPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        name: team.name.clone(),
        org: names.get(&team.org_id).cloned().unwrap_or_default(),
        comune: comune_name(&t, &team.comune_code),
        languages: language_labels(&tr, &team.languages),
        mediators: team.mediators.clone(),
        members,
        stops,
        can_manage,
        errors,
        today: today(),
        settlements,
        languages_choice: language_choices(&tr, &form.languages),
        form,
        editing,
        colleagues,
    })?;
    if failed {
        *out.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(out)
}

pub async fn team(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    team_page(&state, &ctx, &user, id, Vec::new(), None).await
}

/// The team `id`, if the user may manage it (denied before anything is read, like the other
/// writes of the directory).
async fn managed_team(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
) -> WebResult<argine_storage::outreach::Team> {
    check(state, ctx, &user.actor, user.label(), Action::ManageServices, &Resource::FieldWork).await?;
    let team = {
        let mut conn = state.db.pool().acquire().await?;
        team_store::team(&mut conn, id).await?
    };
    check(state, ctx, &user.actor, user.label(), Action::ManageServices, &team_resource(&state.territory(), &team))
        .await?;
    Ok(team)
}

/// Changes a team of the user's organisation (same checks as a new one); audited.
pub async fn update_team(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let team = managed_team(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let (typed, place) = team_typed(&state, &user, &pairs(&body)).await?;
    let place = match place {
        Ok(p) => p,
        Err(errors) => return team_page(&state, &ctx, &user, id, messages(&tr, &errors), Some(typed)).await,
    };
    // The new base must be in the organisation's territory too.
    let record = Resource::FieldRecord { org_id: team.org_id, places: vec![place] };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageServices, &record).await?;
    let mut tx = state.db.begin().await?;
    team_store::update_team(
        &mut tx,
        id,
        &team_store::NewTeam {
            name: &typed.name,
            comune_code: &typed.comune,
            languages: &typed.languages,
            mediators: &typed.mediators,
            members: &typed.members,
            ..Default::default()
        },
    )
    .await?;
    audit_write(&mut tx, &user, &ctx, "outreach_team.update", ("outreach_team", id), json!({"members": typed.members}))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/unita-mobili/{id}")).into_response())
}

/// Removes a stop of the team's route; audited.
pub async fn remove_stop(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, stop)): Path<(i64, i64)>,
) -> WebResult<Response> {
    managed_team(&state, &ctx, &user, id).await?;
    let mut tx = state.db.begin().await?;
    if !team_store::remove_stop(&mut tx, id, stop).await? {
        return Err(WebError::NotFound);
    }
    audit_write(&mut tx, &user, &ctx, "outreach_team.remove_stop", ("outreach_team", id), json!({"stop": stop}))
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/unita-mobili/{id}#percorso")).into_response())
}

/// A stop of the team's route: a date, a Comune, optionally a settlement of the registry.
pub async fn add_stop(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    managed_team(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let f = pairs(&body);
    let (date, comune, place, hours) =
        (field(&f, "visit_on"), field(&f, "comune"), field(&f, "place"), field(&f, "hours"));
    let settlement: Option<i64> = field(&f, "settlement").parse().ok();
    let mut errors = Vec::new();
    if !domain::is_date(&date) {
        errors.push(domain::OutreachError::Date);
    }
    if path_of(&t, &comune).is_none() {
        errors.push(domain::OutreachError::Comune);
    }
    if !hours.is_empty() && domain::parse_day(1, &hours).is_err() {
        errors.push(domain::OutreachError::Hours);
    }
    if let Some(sid) = settlement {
        let mut conn = state.db.pool().acquire().await?;
        let found = argine_storage::settlements::get(&mut conn, sid).await;
        if !matches!(found, Ok(ref s) if s.comune_code == comune) {
            errors.push(domain::OutreachError::Comune);
        }
    }
    if !errors.is_empty() {
        return team_page(&state, &ctx, &user, id, messages(&tr, &errors), None).await;
    }
    let mut tx = state.db.begin().await?;
    let stop = team_store::add_stop(&mut tx, id, &date, &comune, settlement, &place, &hours).await?;
    audit_write(&mut tx, &user, &ctx, "outreach_team.add_stop", ("outreach_team", id), json!({"stop": stop})).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/servizi/unita-mobili/{id}#percorso")).into_response())
}
