//! `/api/v1/services` (the directory as Open Referral HSDS 3.0 objects: organizations,
//! services, locations, service_at_locations with schedules; UUID ids), `/api/v1/outreach/teams`
//! and `/api/v1/outreach/sessions` (read, and record idempotently on the client UUID).

use super::sessions::{self, visible};
use super::{can, service_resource, team_resource};
use crate::AppState;
use crate::auth::{ApiUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Resource};
use argine_domain::outreach::{SessionInput, WEEKDAYS};
use argine_storage::outreach as store;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `GET /api/v1/services`: the directory the caller may see, as HSDS 3.0 objects.
#[utoipa::path(get, path = "/api/v1/services", tag = "services",
    responses((status = 200, description = "HSDS 3.0 shaped directory: `organizations`, `services`, `locations`, `service_at_locations` (with `schedules`), every object identified by a UUID"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn services(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewServices, &Resource::FieldWork).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let d = argine_storage::services::directory(&mut conn).await?;
    drop(conn);
    let orgs = argine_storage::orgs::list(&state.db).await?;
    let org_uuid = |id: i64| d.org_uuids.iter().find(|(o, _)| *o == id).map(|(_, u)| u.clone());
    let shown: Vec<_> =
        d.services.iter().filter(|s| can(&user.actor, Action::ViewServices, &service_resource(&t, &d, s))).collect();
    let services: Vec<_> = shown
        .iter()
        .map(|s| {
            json!({
                "id": s.uuid, "organization_id": org_uuid(s.org_id), "name": s.name, "description": s.description,
                "email": s.email, "url": s.url, "status": s.status, "eligibility_description": s.eligibility,
                "languages": s.languages.split_whitespace().map(|c| json!({"code": c, "name": tr.t(&format!("language-{c}"))})).collect::<Vec<_>>(),
                "phones": if s.phone.is_empty() { vec![] } else { vec![json!({"number": s.phone})] },
                "attributes": [{"taxonomy_term": {"code": s.kind, "name": tr.t(&format!("service-kind-{}", s.kind)),
                    "taxonomy": "argine-service-kind"}}],
            })
        })
        .collect();
    let sals: Vec<_> = d
        .at_locations
        .iter()
        .filter(|a| shown.iter().any(|s| s.id == a.service_id))
        .filter_map(|a| {
            let s = d.service(a.service_id)?;
            let l = d.location(a.location_id)?;
            Some(json!({
                "id": a.uuid, "service_id": s.uuid, "location_id": l.uuid, "description": a.note,
                "attributes": [{"taxonomy_term": {"code": if a.listening_point == 1 { "listening_point" } else { "office" },
                    "taxonomy": "argine-delivery"}}],
                "schedules": d.hours_of(a.id).iter().map(|h| json!({
                    "freq": "WEEKLY", "byday": WEEKDAYS[usize::from(h.weekday.clamp(1, 7) - 1)],
                    "opens_at": h.opens_at, "closes_at": h.closes_at,
                })).collect::<Vec<_>>(),
            }))
        })
        .collect();
    let locations: Vec<_> = d
        .locations
        .iter()
        .filter(|l| d.at_locations.iter().any(|a| a.location_id == l.id && shown.iter().any(|s| s.id == a.service_id)))
        .map(|l| {
            let c = t.resolve(&l.comune_code).map(|r| r.current);
            json!({
                "id": l.uuid, "organization_id": org_uuid(l.org_id), "name": l.name, "location_type": "physical",
                "latitude": l.lat, "longitude": l.lon,
                "addresses": [{"address_1": l.address, "city": c.map(|c| c.name.clone()).unwrap_or_default(),
                    "state_province": c.map(|c| c.sigla.clone()).unwrap_or_default(), "country": "IT",
                    "address_type": "physical"}],
                "external_identifiers": [{"identifier_type": "istat_comune", "identifier": l.comune_code}],
            })
        })
        .collect();
    let organizations: Vec<_> = orgs
        .iter()
        .filter(|o| shown.iter().any(|s| s.org_id == o.id))
        .map(|o| {
            json!({"id": org_uuid(o.id), "name": o.name, "description": "", "email": o.contacts.email,
                "website": o.contacts.website, "external_identifiers": [{"identifier_type": "argine_organisation", "identifier": o.id.to_string()}]})
        })
        .collect();
    Ok(axum::Json(json!({
        "hsds_version": "3.0",
        "organizations": organizations, "services": services, "locations": locations,
        "service_at_locations": sals,
    }))
    .into_response())
}

/// `GET /api/v1/outreach/teams`: the itinerant teams the caller may see, with their route.
#[utoipa::path(get, path = "/api/v1/outreach/teams", tag = "outreach",
    responses((status = 200, description = "itinerant teams with languages, mediators and route (dates, Comuni, settlement ids)"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn teams(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewServices, &Resource::FieldWork).await?;
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let mut out = Vec::new();
    for team in store::teams(&mut conn).await? {
        if !can(&user.actor, Action::ViewServices, &team_resource(&t, &team)) {
            continue;
        }
        let route = store::route(&mut conn, team.id).await?;
        out.push(json!({
            "id": team.id, "uuid": team.uuid, "organisation_id": team.org_id, "name": team.name,
            "comune_istat": team.comune_code, "languages": team.languages.split_whitespace().collect::<Vec<_>>(),
            "mediators": team.mediators,
            "route": route.iter().map(|s| json!({"date": s.visit_on, "comune_istat": s.comune_code,
                "settlement_id": s.settlement_id, "place": s.place, "hours": s.hours})).collect::<Vec<_>>(),
        }));
    }
    Ok(axum::Json(json!({"teams": out})).into_response())
}

/// `GET /api/v1/outreach/sessions`: the sessions the caller may see with their anonymous grids.
#[utoipa::path(get, path = "/api/v1/outreach/sessions", tag = "outreach",
    responses((status = 200, description = "outreach sessions with their contact grid (sex, age band, nationality, sector, count), materials and needs; anonymous counts only"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn list_sessions(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewOutreach, &Resource::FieldWork).await?;
    let all = visible(&state, &user.actor).await?;
    let mut conn = state.db.pool().acquire().await?;
    let mut out = Vec::new();
    for s in &all {
        out.push(json!({
            "id": s.id, "client_uuid": s.client_uuid, "organisation_id": s.org_id, "team_id": s.team_id,
            "desk_id": s.desk_id, "held_on": s.held_on, "comune_istat": s.comune_code, "settlement_id": s.settlement_id,
            "contacts_total": s.contacts, "source": s.source,
            "contacts": store::contacts(&mut conn, s.id).await?,
            "materials": store::materials(&mut conn, s.id).await?,
            "needs": s.needs.split_whitespace().collect::<Vec<_>>(), "needs_note": s.needs_note,
        }));
    }
    Ok(axum::Json(json!({"sessions": out, "contacts_total": all.iter().map(|s| s.contacts).sum::<i64>()}))
        .into_response())
}

/// `POST /api/v1/outreach/sessions`: records a session of the caller's organisation; the same
/// `client_uuid` sent again answers 200 with the stored session instead of adding one.
#[utoipa::path(post, path = "/api/v1/outreach/sessions", tag = "outreach",
    request_body(content = String, description = "a session: client_uuid, held_on, comune, team_id or desk_id, contacts [{sex, age_band, nationality, sector, count}], materials [{material, language, quantity}], needs [codes], needs_note; unknown fields are refused", content_type = "application/json"),
    responses((status = 201, description = "created: {id, created: true}"), (status = 200, description = "already stored (same client_uuid): {id, created: false}"),
        (status = 422, description = "invalid: {errors: [codes]}"),
        (status = 403, body = crate::api::Problem, content_type = "application/problem+json")))]
pub async fn create_session(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::RecordOutreach, &Resource::FieldWork).await?;
    let input: SessionInput =
        serde_json::from_slice(&body).map_err(|_| WebError::BadRequest("outreach-error-payload"))?;
    sessions::sync_answer(
        sessions::record(&state, &ctx, (&user.actor, user.user.id, &user.user.email), &input, "api").await?,
    )
}
