//! Working groups: a PLM's local working group, a Consiglio Territoriale per l'Immigrazione, a
//! task force. Members by organisation, meetings, open decisions and an iCalendar feed.

use super::form::{field, pairs};
use super::orgs::audit_write;
use super::{
    Choice, Tab, group_resource, org_resource, place_suggestions, resolve_place, tabs, unit_input, unit_jurisdiction,
};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Actor, Resource, authorize};
use argine_domain::calendar::{self, Event};
use argine_domain::network::{DecisionStatus, GroupKind, MemberRole};
use argine_domain::territory::TerritoryUnit;
use argine_storage::StorageError;
use argine_storage::network::{self, Meeting, NewGroup, NewMeeting, WorkingGroup};
use argine_storage::orgs;
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

#[derive(Default, Clone)]
pub struct GroupDraft {
    pub name: String,
    pub kind: String,
    pub place: String,
    pub lead: String,
    pub description: String,
}

impl GroupDraft {
    fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            name: field(p, "name"),
            kind: field(p, "kind"),
            place: field(p, "place"),
            lead: field(p, "lead"),
            description: field(p, "description"),
        }
    }
}

struct ValidGroup {
    name: String,
    kind: GroupKind,
    unit: Option<String>,
    lead: Option<i64>,
    description: String,
}

impl ValidGroup {
    fn new_group(&self) -> NewGroup<'_> {
        NewGroup {
            name: &self.name,
            kind: self.kind,
            unit: self.unit.as_deref(),
            lead_org_id: self.lead,
            description: &self.description,
        }
    }
}

fn validate(state: &AppState, tr: &Tr, d: &GroupDraft) -> Result<ValidGroup, Vec<String>> {
    let mut errors = Vec::new();
    let name = d.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(tr.t("form-error-name"));
    }
    let kind = GroupKind::from_code(&d.kind);
    if kind.is_none() {
        errors.push(tr.t("form-error-kind"));
    }
    let unit = resolve_place(&state.territory(), &d.place)
        .unwrap_or_else(|e| {
            errors.push(e.message(tr));
            None
        })
        .map(|u: TerritoryUnit| u.to_key());
    let lead = if d.lead.is_empty() {
        None
    } else {
        match d.lead.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(tr.t("form-error-lead"));
                None
            }
        }
    };
    match (errors.is_empty(), kind) {
        (true, Some(kind)) => Ok(ValidGroup { name, kind, unit, lead, description: d.description.trim().to_owned() }),
        _ => Err(errors),
    }
}

/// Organisations the actor can see, as choices.
async fn org_choices(state: &AppState, actor: &Actor, selected: &str) -> WebResult<Vec<Choice>> {
    Ok(orgs::list(&state.db)
        .await?
        .into_iter()
        .filter(|o| authorize(actor, Action::ViewOrganisations, &org_resource(o)).is_allowed())
        .map(|o| Choice { selected: o.id.to_string() == selected, value: o.id.to_string(), label: o.name })
        .collect())
}

pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub place: String,
    pub members: usize,
    pub next_meeting: String,
}

#[derive(Template)]
#[template(path = "network/groups.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    groups: Vec<GroupRow>,
    can_create: bool,
    form: GroupDraft,
    kinds: Vec<Choice>,
    orgs: Vec<Choice>,
    suggestions: Vec<String>,
    errors: Vec<String>,
}

fn place_label(state: &AppState, tr: &Tr, unit: Option<&str>) -> String {
    match unit.and_then(TerritoryUnit::parse) {
        Some(u) => super::unit_label(&state.territory(), tr, &u),
        None => tr.t("jurisdiction-national"),
    }
}

/// Can the actor create a group at all (somewhere in their jurisdiction, or led by their own
/// organisation)?
fn may_create(actor: &Actor) -> bool {
    let here =
        Resource::WorkingGroup { id: 0, jurisdiction: actor.jurisdiction.clone(), lead_org: None, members: vec![] };
    let led = Resource::WorkingGroup {
        id: 0,
        jurisdiction: actor.jurisdiction.clone(),
        lead_org: Some(actor.org_id),
        members: vec![actor.org_id],
    };
    authorize(actor, Action::ManageNetwork, &here).is_allowed()
        || authorize(actor, Action::ManageNetwork, &led).is_allowed()
}

async fn list_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    form: GroupDraft,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let now = calendar::rome_now();
    let mut conn = state.db.pool().acquire().await?;
    let mut rows = Vec::new();
    for g in network::groups(&mut conn).await? {
        if !authorize(&user.actor, Action::ViewGroups, &group_resource(&g)).is_allowed() {
            continue;
        }
        let next = network::meetings_of(&mut conn, g.id)
            .await?
            .into_iter()
            .find(|m| m.starts_at >= now && !m.cancelled)
            .map(|m| tr.local_time(&m.starts_at))
            .unwrap_or_default();
        rows.push(GroupRow {
            id: g.id,
            kind: tr.t(&g.kind.label_key()),
            place: place_label(state, &tr, g.unit.as_deref()),
            members: g.members.len(),
            next_meeting: next,
            name: g.name,
        });
    }
    drop(conn);
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let can_create = may_create(&user.actor);
    let mut res = render(ListPage {
        chrome: Chrome::for_user(state, ctx, user),
        tabs: tabs(&tr, &ctx.path),
        groups: rows,
        can_create,
        kinds: Choice::list(GroupKind::ALL, GroupKind::code, |k| tr.t(&k.label_key()), &form.kind),
        orgs: if can_create { org_choices(state, &user.actor, &form.lead).await? } else { Vec::new() },
        suggestions: place_suggestions(&state.territory()),
        form,
        errors,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewGroups, &Resource::Network).await?;
    list_page(&state, &ctx, &user, GroupDraft::default(), Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &Resource::Network).await?;
    let tr = Tr::new(ctx.lang);
    let draft = GroupDraft::from_pairs(&pairs(&body));
    let v = match validate(&state, &tr, &draft) {
        Ok(v) => v,
        Err(errors) => return list_page(&state, &ctx, &user, draft, errors).await,
    };
    let res = Resource::WorkingGroup {
        id: 0,
        jurisdiction: unit_jurisdiction(v.unit.as_deref()),
        lead_org: v.lead,
        members: v.lead.into_iter().collect(),
    };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &res).await?;
    let mut tx = state.db.begin().await?;
    if let Some(lead) = v.lead {
        orgs::get(&mut tx, lead).await.map_err(|_| WebError::BadRequest("lead"))?;
    }
    let id = network::create_group(&mut tx, &v.new_group()).await?;
    audit_write(&mut tx, &user, &ctx, "group.create", ("working_group", id), json!({"kind": v.kind.code()})).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/rete/gruppi/{id}")).into_response())
}

pub struct MemberView {
    pub org_id: i64,
    pub org_name: String,
    pub role: String,
    pub delegate: String,
}

pub struct MeetingRow {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub upcoming: bool,
    pub cancelled: bool,
    pub minutes_approved: bool,
}

pub struct DecisionView {
    pub text: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub meeting_id: i64,
}

#[derive(Default, Clone)]
pub struct MeetingDraft {
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub agenda: String,
}

impl MeetingDraft {
    pub fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            title: field(p, "title"),
            starts_at: field(p, "starts_at"),
            ends_at: field(p, "ends_at"),
            place: field(p, "place"),
            agenda: p.iter().find(|(k, _)| k == "agenda").map(|(_, v)| v.replace("\r\n", "\n")).unwrap_or_default(),
        }
    }

    pub fn of(m: &Meeting) -> Self {
        Self {
            title: m.title.clone(),
            starts_at: m.starts_at.clone(),
            ends_at: m.ends_at.clone(),
            place: m.place.clone(),
            agenda: m.agenda.clone(),
        }
    }

    /// Checks the fields; times are normalised to `YYYY-MM-DDTHH:MM`.
    pub fn validate(&self, tr: &Tr) -> Result<MeetingDraft, Vec<String>> {
        let mut errors = Vec::new();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() || title.chars().count() > 300 {
            errors.push(tr.t("form-error-title"));
        }
        let start = calendar::parse_local(&self.starts_at);
        if start.is_none() {
            errors.push(tr.t1("form-error-datetime", "field", tr.t("field-starts-at")));
        }
        // No end: two hours, the usual length of a meeting of these bodies.
        let end = if self.ends_at.trim().is_empty() {
            start.map(|s| s + time::Duration::hours(2))
        } else {
            let e = calendar::parse_local(&self.ends_at);
            if e.is_none() {
                errors.push(tr.t1("form-error-datetime", "field", tr.t("field-ends-at")));
            }
            e
        };
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            errors.push(tr.t("form-error-end-before-start"));
        }
        if self.agenda.chars().count() > 20_000 || self.place.chars().count() > 300 {
            errors.push(tr.t("form-error-too-long"));
        }
        match (errors.is_empty(), start, end) {
            (true, Some(s), Some(e)) => Ok(MeetingDraft {
                title,
                starts_at: calendar::format_local(s),
                ends_at: calendar::format_local(e),
                place: self.place.trim().to_owned(),
                agenda: self.agenda.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }

    pub fn new_meeting(&self) -> NewMeeting<'_> {
        NewMeeting {
            title: &self.title,
            starts_at: &self.starts_at,
            ends_at: &self.ends_at,
            place: &self.place,
            agenda: &self.agenda,
        }
    }
}

#[derive(Template)]
#[template(path = "network/group.html")]
struct DetailPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    id: i64,
    name: String,
    kind: String,
    place: String,
    lead: String,
    description: String,
    members: Vec<MemberView>,
    meetings: Vec<MeetingRow>,
    decisions: Vec<DecisionView>,
    can_edit: bool,
    form: GroupDraft,
    kinds: Vec<Choice>,
    orgs: Vec<Choice>,
    roles: Vec<Choice>,
    suggestions: Vec<String>,
    meeting: MeetingDraft,
    errors: Vec<String>,
}

pub async fn load(state: &AppState, id: i64) -> WebResult<WorkingGroup> {
    let mut conn = state.db.pool().acquire().await?;
    network::group(&mut conn, id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    })
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    g: &WorkingGroup,
    form: Option<GroupDraft>,
    meeting: MeetingDraft,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let now = calendar::rome_now();
    let today = &now[..10];
    let mut conn = state.db.pool().acquire().await?;
    let meetings = network::meetings_of(&mut conn, g.id).await?;
    let decisions = network::decisions(&mut conn, None, Some(g.id)).await?;
    drop(conn);
    let can_edit = authorize(&user.actor, Action::ManageNetwork, &group_resource(g)).is_allowed();
    let form = form.unwrap_or_else(|| GroupDraft {
        name: g.name.clone(),
        kind: g.kind.code().into(),
        place: unit_input(&state.territory(), &tr, g.unit.as_deref()),
        lead: g.lead_org_id.map(|x| x.to_string()).unwrap_or_default(),
        description: g.description.clone(),
    });
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(DetailPage {
        tabs: tabs(&tr, &ctx.path),
        id: g.id,
        name: g.name.clone(),
        kind: tr.t(&g.kind.label_key()),
        place: place_label(state, &tr, g.unit.as_deref()),
        lead: g
            .members
            .iter()
            .find(|m| Some(m.org_id) == g.lead_org_id)
            .map(|m| m.org_name.clone())
            .unwrap_or_default(),
        description: g.description.clone(),
        members: g
            .members
            .iter()
            .map(|m| MemberView {
                org_id: m.org_id,
                org_name: m.org_name.clone(),
                role: tr.t(&m.role.label_key()),
                delegate: m.delegate.clone(),
            })
            .collect(),
        meetings: meetings
            .iter()
            .rev()
            .map(|m| MeetingRow {
                id: m.id,
                title: m.title.clone(),
                when: tr.local_time(&m.starts_at),
                place: m.place.clone(),
                upcoming: m.starts_at.as_str() >= now.as_str(),
                cancelled: m.cancelled,
                minutes_approved: m.minutes_approved,
            })
            .collect(),
        decisions: decisions
            .into_iter()
            .filter(|d| d.status == DecisionStatus::Open)
            .map(|d| DecisionView {
                overdue: d.due_on.as_deref().is_some_and(|x| x < today),
                due: d.due_on.as_deref().map(|x| tr.date(x)).unwrap_or_default(),
                owner: d.owner_org_name.unwrap_or_default(),
                meeting_id: d.meeting_id,
                text: d.text,
            })
            .collect(),
        can_edit,
        kinds: Choice::list(GroupKind::ALL, GroupKind::code, |k| tr.t(&k.label_key()), &form.kind),
        orgs: if can_edit { org_choices(state, &user.actor, &form.lead).await? } else { Vec::new() },
        roles: Choice::list(MemberRole::ALL, MemberRole::code, |r| tr.t(&r.label_key()), "member"),
        suggestions: place_suggestions(&state.territory()),
        form,
        meeting,
        chrome: Chrome::for_user(state, ctx, user),
        errors,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let g = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewGroups, &group_resource(&g)).await?;
    detail_page(&state, &ctx, &user, &g, None, MeetingDraft::default(), Vec::new()).await
}

/// `op`: `update`, `set_member`, `remove_member`, `add_meeting`.
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let g = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &group_resource(&g)).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let mut tx = state.db.begin().await?;
    let mut target = format!("/rete/gruppi/{id}");
    match field(&f, "op").as_str() {
        "update" => {
            let draft = GroupDraft::from_pairs(&f);
            let v = match validate(&state, &tr, &draft) {
                Ok(v) => v,
                Err(errors) => {
                    drop(tx);
                    return detail_page(&state, &ctx, &user, &g, Some(draft), MeetingDraft::default(), errors).await;
                }
            };
            let after = Resource::WorkingGroup {
                id,
                jurisdiction: unit_jurisdiction(v.unit.as_deref()),
                lead_org: v.lead,
                members: g.member_ids(),
            };
            check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &after).await?;
            if let Some(lead) = v.lead {
                orgs::get(&mut tx, lead).await.map_err(|_| WebError::BadRequest("lead"))?;
                if !g.members.iter().any(|m| m.org_id == lead) {
                    network::set_member(&mut tx, id, lead, MemberRole::Chair, "").await?;
                }
            }
            network::update_group(&mut tx, id, &v.new_group()).await?;
            audit_write(&mut tx, &user, &ctx, "group.update", ("working_group", id), json!({})).await?;
        }
        "set_member" => {
            let org_id: i64 = field(&f, "org").parse().map_err(|_| WebError::BadRequest("org"))?;
            let role = MemberRole::from_code(&field(&f, "role")).ok_or(WebError::BadRequest("role"))?;
            orgs::get(&mut tx, org_id).await.map_err(|_| WebError::BadRequest("org"))?;
            let delegate: String = field(&f, "delegate").chars().take(200).collect();
            network::set_member(&mut tx, id, org_id, role, &delegate).await?;
            audit_write(
                &mut tx,
                &user,
                &ctx,
                "group.member",
                ("working_group", id),
                json!({"org": org_id, "role": role.code()}),
            )
            .await?;
            target.push_str("#membri");
        }
        "remove_member" => {
            let org_id: i64 = field(&f, "org").parse().map_err(|_| WebError::BadRequest("org"))?;
            network::remove_member(&mut tx, id, org_id).await.map_err(|_| WebError::NotFound)?;
            audit_write(&mut tx, &user, &ctx, "group.member_removed", ("working_group", id), json!({"org": org_id}))
                .await?;
            target.push_str("#membri");
        }
        "add_meeting" => {
            let draft = MeetingDraft::from_pairs(&f);
            let m = match draft.validate(&tr) {
                Ok(m) => m,
                Err(errors) => {
                    drop(tx);
                    return detail_page(&state, &ctx, &user, &g, None, draft, errors).await;
                }
            };
            let mid = network::create_meeting(&mut tx, id, &m.new_meeting()).await?;
            audit_write(&mut tx, &user, &ctx, "meeting.create", ("meeting", mid), json!({"group": id})).await?;
            target = format!("/rete/riunioni/{mid}");
        }
        _ => return Err(WebError::BadRequest("op")),
    }
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&target).into_response())
}

/// The iCalendar events of a group's meetings.
pub async fn events(state: &AppState, g: &WorkingGroup) -> WebResult<Vec<Event>> {
    let mut conn = state.db.pool().acquire().await?;
    let meetings = network::meetings_of(&mut conn, g.id).await?;
    drop(conn);
    let base = state.config.public_url.trim_end_matches('/');
    Ok(meetings
        .iter()
        .filter_map(|m| {
            Some(Event {
                uid: m.uid.clone(),
                sequence: m.sequence,
                start: calendar::parse_local(&m.starts_at)?,
                end: calendar::parse_local(&m.ends_at)?,
                summary: format!("{} — {}", g.name, m.title),
                location: m.place.clone(),
                description: m
                    .agenda_items()
                    .iter()
                    .enumerate()
                    .map(|(i, a)| format!("{}. {a}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n"),
                url: Some(format!("{base}/rete/riunioni/{}", m.id)),
                cancelled: m.cancelled,
                last_modified: time::OffsetDateTime::from_unix_timestamp(m.updated_at)
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            })
        })
        .collect())
}

pub fn ics_response(name: &str, events: &[Event]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"riunioni.ics\""),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        calendar::to_ics(name, events),
    )
        .into_response()
}

pub async fn calendar_feed(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let g = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewGroups, &group_resource(&g)).await?;
    Ok(ics_response(&g.name, &events(&state, &g).await?))
}
