//! Network API: organisations with contacts and people, protocols, working groups with members,
//! meetings and decisions, and each group's iCalendar feed. Read-only; every item is filtered by
//! the same `authorize` as the pages; reading people is audited.

use super::groups::{events, ics_response, load as load_group};
use super::{group_resource, org_resource, protocol_resource};
use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Resource, authorize};
use argine_storage::StorageError;
use argine_storage::network;
use argine_storage::orgs;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

fn not_found(e: StorageError) -> WebError {
    match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    }
}

/// A person of the network (professional contact).
#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    id: i64,
    full_name: String,
    role_title: String,
    email: Option<String>,
    phone: Option<String>,
    active: bool,
}

/// An organisation with its contacts; `people` only for roles that may see them.
#[derive(Serialize, ToSchema)]
pub struct OrganisationDetailOut {
    id: i64,
    name: String,
    org_type: String,
    national: bool,
    jurisdiction: Vec<String>,
    email: Option<String>,
    pec: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    website: Option<String>,
    ipa_code: Option<String>,
    people: Option<Vec<PersonOut>>,
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "network",
    params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = OrganisationDetailOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn organisation(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let o = orgs::get(&mut conn, id).await.map_err(not_found)?;
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewOrganisations, &org_resource(&o)).await?;
    let people = if authorize(&user.actor, Action::ViewContacts, &org_resource(&o)).is_allowed() {
        let list = network::people_of(&mut conn, id).await?;
        drop(conn);
        if !list.is_empty() {
            audit_personal_read(
                &state,
                &ctx,
                (user.user.id, &user.user.email),
                ("network_people", id.to_string()),
                serde_json::json!({"people": list.len(), "via": "api"}),
            )
            .await?;
        }
        Some(
            list.into_iter()
                .map(|p| PersonOut {
                    id: p.id,
                    active: p.is_active(),
                    full_name: p.full_name,
                    role_title: p.role_title,
                    email: p.email,
                    phone: p.phone,
                })
                .collect(),
        )
    } else {
        None
    };
    let c = o.contacts;
    Ok(json(OrganisationDetailOut {
        id: o.id,
        name: o.name,
        org_type: o.org_type.code().to_owned(),
        national: o.jurisdiction == argine_domain::territory::Jurisdiction::National,
        jurisdiction: match o.jurisdiction {
            argine_domain::territory::Jurisdiction::Units(u) => u.iter().map(|x| x.to_key()).collect(),
            _ => Vec::new(),
        },
        email: c.email,
        pec: c.pec,
        phone: c.phone,
        address: c.address,
        website: c.website,
        ipa_code: c.ipa_code,
        people,
    }))
}

/// A party to a protocol.
#[derive(Serialize, ToSchema)]
pub struct PartyOut {
    organisation_id: i64,
    organisation: String,
    #[schema(example = "signatory")]
    role: String,
    signatory_name: String,
    signatory_title: String,
    signed_on: Option<String>,
}

/// A protocol or agreement.
#[derive(Serialize, ToSchema)]
pub struct ProtocolOut {
    id: i64,
    title: String,
    #[schema(example = "intesa")]
    kind: String,
    /// Territory unit (`provincia:020`); null = national.
    territory: Option<String>,
    summary: String,
    signed_on: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    parties: Vec<PartyOut>,
}

fn protocol_out(p: network::Protocol) -> ProtocolOut {
    ProtocolOut {
        id: p.id,
        title: p.title,
        kind: p.kind.code().to_owned(),
        territory: p.unit,
        summary: p.summary,
        signed_on: p.signed_on,
        valid_from: p.valid_from,
        valid_until: p.valid_until,
        parties: p
            .parties
            .into_iter()
            .map(|x| PartyOut {
                organisation_id: x.org_id,
                organisation: x.org_name,
                role: x.role.code().to_owned(),
                signatory_name: x.signatory_name,
                signatory_title: x.signatory_title,
                signed_on: x.signed_on,
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/protocols", tag = "network",
    responses((status = 200, body = [ProtocolOut]), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn protocols(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewProtocols, &Resource::Network).await?;
    let mut conn = state.db.pool().acquire().await?;
    let out: Vec<ProtocolOut> = network::protocols(&mut conn)
        .await?
        .into_iter()
        .filter(|p| authorize(&user.actor, Action::ViewProtocols, &protocol_resource(p)).is_allowed())
        .map(protocol_out)
        .collect();
    Ok(json(out))
}

#[utoipa::path(get, path = "/api/v1/protocols/{id}", tag = "network",
    params(("id" = i64, Path, description = "Protocol id")),
    responses((status = 200, body = ProtocolOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn protocol(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let p = network::protocol(&mut conn, id).await.map_err(not_found)?;
    drop(conn);
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewProtocols, &protocol_resource(&p)).await?;
    Ok(json(protocol_out(p)))
}

/// A member organisation of a working group.
#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    organisation_id: i64,
    organisation: String,
    #[schema(example = "chair")]
    role: String,
    delegate: String,
}

/// A meeting (times are Europe/Rome wall-clock, `YYYY-MM-DDTHH:MM`).
#[derive(Serialize, ToSchema)]
pub struct MeetingOut {
    id: i64,
    uid: String,
    title: String,
    starts_at: String,
    ends_at: String,
    place: String,
    agenda: Vec<String>,
    cancelled: bool,
    minutes_approved: bool,
}

/// A decision taken in a meeting.
#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    id: i64,
    meeting_id: i64,
    text: String,
    owner_organisation_id: Option<i64>,
    due_on: Option<String>,
    #[schema(example = "open")]
    status: String,
}

/// A working group.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    id: i64,
    name: String,
    #[schema(example = "task_force")]
    kind: String,
    territory: Option<String>,
    lead_organisation_id: Option<i64>,
    description: String,
    members: Vec<MemberOut>,
    /// Only in `GET /api/v1/groups/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    meetings: Option<Vec<MeetingOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decisions: Option<Vec<DecisionOut>>,
}

fn group_out(g: network::WorkingGroup) -> GroupOut {
    GroupOut {
        id: g.id,
        name: g.name,
        kind: g.kind.code().to_owned(),
        territory: g.unit,
        lead_organisation_id: g.lead_org_id,
        description: g.description,
        members: g
            .members
            .into_iter()
            .map(|m| MemberOut {
                organisation_id: m.org_id,
                organisation: m.org_name,
                role: m.role.code().to_owned(),
                delegate: m.delegate,
            })
            .collect(),
        meetings: None,
        decisions: None,
    }
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "network",
    responses((status = 200, body = [GroupOut]), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn groups(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewGroups, &Resource::Network).await?;
    let mut conn = state.db.pool().acquire().await?;
    let out: Vec<GroupOut> = network::groups(&mut conn)
        .await?
        .into_iter()
        .filter(|g| authorize(&user.actor, Action::ViewGroups, &group_resource(g)).is_allowed())
        .map(group_out)
        .collect();
    Ok(json(out))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "network",
    params(("id" = i64, Path, description = "Working group id")),
    responses((status = 200, body = GroupOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn group(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let g = load_group(&state, id).await?;
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewGroups, &group_resource(&g)).await?;
    let mut conn = state.db.pool().acquire().await?;
    let meetings = network::meetings_of(&mut conn, id).await?;
    let decisions = network::decisions(&mut conn, None, Some(id)).await?;
    drop(conn);
    let mut out = group_out(g);
    out.meetings = Some(
        meetings
            .into_iter()
            .map(|m| MeetingOut {
                agenda: m.agenda_items().into_iter().map(str::to_owned).collect(),
                id: m.id,
                uid: m.uid,
                title: m.title,
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                place: m.place,
                cancelled: m.cancelled,
                minutes_approved: m.minutes_approved,
            })
            .collect(),
    );
    out.decisions = Some(
        decisions
            .into_iter()
            .map(|d| DecisionOut {
                id: d.id,
                meeting_id: d.meeting_id,
                text: d.text,
                owner_organisation_id: d.owner_org_id,
                due_on: d.due_on,
                status: d.status.code().to_owned(),
            })
            .collect(),
    );
    Ok(json(out))
}

#[utoipa::path(get, path = "/api/v1/groups/{id}/calendar.ics", tag = "network",
    params(("id" = i64, Path, description = "Working group id")),
    responses((status = 200, description = "iCalendar (RFC 5545) feed of the group's meetings", content_type = "text/calendar"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn group_calendar(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let g = load_group(&state, id).await?;
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewGroups, &group_resource(&g)).await?;
    Ok(ics_response(&g.name, &events(&state, &g).await?))
}
