//! A meeting of a working group: agenda, attendance register, minutes (draft → approved and
//! frozen), decisions with owner and due date, and the minutes as PDF.

use super::form::{date, field, fields, opt, pairs};
use super::groups::{MeetingDraft, load as load_group};
use super::orgs::audit_write;
use super::{Choice, Tab, group_resource, tabs};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, authorize};
use argine_domain::network::{Attendance, DecisionStatus};
use argine_storage::StorageError;
use argine_storage::network::{self, AttendanceRow, Decision, Meeting, WorkingGroup};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

pub struct AttendanceView {
    pub org_id: i64,
    pub org_name: String,
    pub status: String,
    pub status_label: String,
    pub attendee: String,
}

pub struct DecisionView {
    pub id: i64,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub status_code: &'static str,
}

#[derive(Template)]
#[template(path = "network/meeting.html")]
struct DetailPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    id: i64,
    group_id: i64,
    group_name: String,
    title: String,
    when: String,
    place: String,
    agenda: Vec<String>,
    cancelled: bool,
    minutes: String,
    minutes_approved: bool,
    approved_at: String,
    attendance: Vec<AttendanceView>,
    statuses: Vec<Choice>,
    decisions: Vec<DecisionView>,
    decision_statuses: Vec<Choice>,
    owners: Vec<Choice>,
    can_edit: bool,
    meeting: MeetingDraft,
    errors: Vec<String>,
}

async fn load(state: &AppState, id: i64) -> WebResult<(Meeting, WorkingGroup)> {
    let mut conn = state.db.pool().acquire().await?;
    let m = network::meeting(&mut conn, id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    })?;
    drop(conn);
    let g = load_group(state, m.group_id).await?;
    Ok((m, g))
}

/// The register as it stands, with every current member listed (unrecorded members "absent").
fn register(g: &WorkingGroup, saved: &[AttendanceRow]) -> Vec<(i64, String, Attendance, String)> {
    let mut out: Vec<(i64, String, Attendance, String)> = g
        .members
        .iter()
        .map(|m| match saved.iter().find(|a| a.org_id == m.org_id) {
            Some(a) => (m.org_id, m.org_name.clone(), a.status, a.attendee.clone()),
            None => (m.org_id, m.org_name.clone(), Attendance::Absent, m.delegate.clone()),
        })
        .collect();
    // Former members who attended stay in the register of past meetings.
    for a in saved.iter().filter(|a| !g.members.iter().any(|m| m.org_id == a.org_id)) {
        out.push((a.org_id, a.org_name.clone(), a.status, a.attendee.clone()));
    }
    out
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    m: &Meeting,
    g: &WorkingGroup,
    form: Option<MeetingDraft>,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let saved = network::attendance(&mut conn, m.id).await?;
    let decisions = network::decisions(&mut conn, Some(m.id), None).await?;
    drop(conn);
    let can_edit = authorize(&user.actor, Action::ManageNetwork, &group_resource(g)).is_allowed();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(DetailPage {
        tabs: tabs(&tr, &ctx.path),
        id: m.id,
        group_id: g.id,
        group_name: g.name.clone(),
        title: m.title.clone(),
        when: format!("{} – {}", tr.local_time(&m.starts_at), &m.ends_at[11..]),
        place: m.place.clone(),
        agenda: m.agenda_items().into_iter().map(str::to_owned).collect(),
        cancelled: m.cancelled,
        minutes: m.minutes.clone(),
        minutes_approved: m.minutes_approved,
        approved_at: m.approved_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        attendance: register(g, &saved)
            .into_iter()
            .map(|(org_id, org_name, s, attendee)| AttendanceView {
                org_id,
                org_name,
                status: s.code().into(),
                status_label: tr.t(&s.label_key()),
                attendee,
            })
            .collect(),
        statuses: Choice::list(Attendance::ALL, Attendance::code, |a| tr.t(&a.label_key()), ""),
        decisions: decisions
            .into_iter()
            .map(|d: Decision| DecisionView {
                id: d.id,
                owner: d.owner_org_name.unwrap_or_default(),
                due: d.due_on.as_deref().map(|x| tr.date(x)).unwrap_or_default(),
                status: tr.t(&d.status.label_key()),
                status_code: d.status.code(),
                text: d.text,
            })
            .collect(),
        decision_statuses: Choice::list(DecisionStatus::ALL, DecisionStatus::code, |s| tr.t(&s.label_key()), ""),
        owners: g
            .members
            .iter()
            .map(|x| Choice { value: x.org_id.to_string(), label: x.org_name.clone(), selected: false })
            .collect(),
        can_edit,
        meeting: form.unwrap_or_else(|| MeetingDraft::of(m)),
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
    let (m, g) = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewGroups, &group_resource(&g)).await?;
    detail_page(&state, &ctx, &user, &m, &g, None, Vec::new()).await
}

/// `op`: `update`, `cancel`, `restore`, `attendance`, `minutes`, `approve`, `add_decision`,
/// `decision_status`.
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let (m, g) = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &group_resource(&g)).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let op = field(&f, "op");
    let mut tx = state.db.begin().await?;
    let mut anchor = "";
    match op.as_str() {
        "update" => {
            let draft = MeetingDraft::from_pairs(&f);
            let v = match draft.validate(&tr) {
                Ok(v) => v,
                Err(errors) => {
                    drop(tx);
                    return detail_page(&state, &ctx, &user, &m, &g, Some(draft), errors).await;
                }
            };
            network::update_meeting(&mut tx, id, &v.new_meeting()).await?;
        }
        "cancel" | "restore" => network::set_cancelled(&mut tx, id, op == "cancel").await?,
        "attendance" => {
            let orgs = fields(&f, "org");
            let mut rows = Vec::new();
            for org in orgs {
                let org_id: i64 = org.parse().map_err(|_| WebError::BadRequest("org"))?;
                let status = Attendance::from_code(&field(&f, &format!("status_{org_id}")))
                    .ok_or(WebError::BadRequest("status"))?;
                let who: String = field(&f, &format!("attendee_{org_id}")).chars().take(200).collect();
                rows.push((org_id, status, who));
            }
            network::set_attendance(&mut tx, id, &rows).await?;
            anchor = "#presenze";
        }
        "minutes" => {
            let text = f.iter().find(|(k, _)| k == "minutes").map(|(_, v)| v.replace("\r\n", "\n")).unwrap_or_default();
            if text.chars().count() > 200_000 {
                drop(tx);
                return detail_page(&state, &ctx, &user, &m, &g, None, vec![tr.t("form-error-too-long")]).await;
            }
            if let Err(StorageError::Conflict(_)) = network::set_minutes(&mut tx, id, &text).await {
                drop(tx);
                let errors = vec![tr.t("minutes-error-approved")];
                return detail_page(&state, &ctx, &user, &m, &g, None, errors).await;
            }
            anchor = "#verbale";
        }
        "approve" => {
            if m.minutes.trim().is_empty() {
                drop(tx);
                let errors = vec![tr.t("minutes-error-empty")];
                return detail_page(&state, &ctx, &user, &m, &g, None, errors).await;
            }
            network::approve_minutes(&mut tx, id, user.user.id)
                .await
                .map_err(|_| WebError::Conflict("minutes-approved"))?;
            anchor = "#verbale";
        }
        "add_decision" => {
            let text = field(&f, "text");
            let owner = opt(&field(&f, "owner"))
                .map(str::parse::<i64>)
                .transpose()
                .map_err(|_| WebError::BadRequest("owner"))?;
            let due = date(&field(&f, "due_on"));
            let mut errors = Vec::new();
            if text.is_empty() || text.chars().count() > 2000 {
                errors.push(tr.t("form-error-decision"));
            }
            if due.is_err() {
                errors.push(tr.t1("form-error-date-field", "field", tr.t("field-due-on")));
            }
            if owner.is_some_and(|o| !g.members.iter().any(|x| x.org_id == o)) {
                return Err(WebError::BadRequest("owner"));
            }
            if !errors.is_empty() {
                drop(tx);
                return detail_page(&state, &ctx, &user, &m, &g, None, errors).await;
            }
            network::add_decision(&mut tx, id, &text, owner, due.ok().flatten().as_deref()).await?;
            anchor = "#decisioni";
        }
        "decision_status" => {
            let did: i64 = field(&f, "decision").parse().map_err(|_| WebError::BadRequest("decision"))?;
            let status = DecisionStatus::from_code(&field(&f, "status")).ok_or(WebError::BadRequest("status"))?;
            network::set_decision_status(&mut tx, id, did, status).await.map_err(|_| WebError::NotFound)?;
            anchor = "#decisioni";
        }
        _ => return Err(WebError::BadRequest("op")),
    }
    audit_write(&mut tx, &user, &ctx, &format!("meeting.{op}"), ("meeting", id), json!({"group": g.id})).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/rete/riunioni/{id}{anchor}")).into_response())
}

/// The data of the minutes document, passed to the typesetter as JSON (never as markup).
pub async fn minutes_data(state: &AppState, tr: &Tr, m: &Meeting, g: &WorkingGroup) -> WebResult<serde_json::Value> {
    let mut conn = state.db.pool().acquire().await?;
    let saved = network::attendance(&mut conn, m.id).await?;
    let decisions = network::decisions(&mut conn, Some(m.id), None).await?;
    drop(conn);
    let place = match g.unit.as_deref().and_then(argine_domain::territory::TerritoryUnit::parse) {
        Some(u) => super::unit_label(&state.territory(), tr, &u),
        None => tr.t("jurisdiction-national"),
    };
    Ok(json!({
        "lang": tr.lang(),
        "labels": {
            "minutes": tr.t("minutes-title"),
            "group": tr.t("field-group"),
            "territory": tr.t("field-territory"),
            "when": tr.t("field-when"),
            "place": tr.t("field-place"),
            "agenda": tr.t("meeting-agenda"),
            "attendance": tr.t("meeting-attendance"),
            "organisation": tr.t("field-organisation"),
            "attendee": tr.t("field-attendee"),
            "status": tr.t("field-status"),
            "decisions": tr.t("meeting-decisions"),
            "owner": tr.t("field-owner"),
            "due": tr.t("field-due-on"),
            "text": tr.t("minutes-text"),
            "draft": tr.t("minutes-draft-watermark"),
            "approved": tr.t("minutes-approved-on"),
            "cancelled": tr.t("meeting-cancelled"),
            "none": tr.t("none"),
        },
        "group": g.name,
        "kind": tr.t(&g.kind.label_key()),
        "territory": place,
        "title": m.title,
        "when": format!("{} – {}", tr.local_time(&m.starts_at), &m.ends_at[11..]),
        "place": m.place,
        "agenda": m.agenda_items(),
        "attendance": register(g, &saved).into_iter().map(|(_, name, s, who)| json!({
            "organisation": name, "attendee": who, "status": tr.t(&s.label_key()), "present": s == Attendance::Present,
        })).collect::<Vec<_>>(),
        "minutes": m.minutes.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>(),
        "decisions": decisions.iter().map(|d| json!({
            "text": d.text,
            "owner": d.owner_org_name.clone().unwrap_or_default(),
            "due": d.due_on.as_deref().map(|x| tr.date(x)).unwrap_or_default(),
            "status": tr.t(&d.status.label_key()),
        })).collect::<Vec<_>>(),
        "approved": m.minutes_approved,
        "approved_at": m.approved_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        "cancelled": m.cancelled,
        "footer": format!("argine · {} · {}", state.config.instance_name, tr.t("minutes-footer")),
    }))
}

/// The typst template of the minutes; every text comes from `data.json`.
const MINUTES_TYP: &str = include_str!("../../templates/pdf/minutes.typ");

pub async fn minutes_pdf(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (m, g) = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewGroups, &group_resource(&g)).await?;
    let tr = Tr::new(ctx.lang);
    let data = minutes_data(&state, &tr, &m, &g).await?;
    let bytes = render_pdf(&state, &data).await?;
    let name = format!("verbale-{}.pdf", &m.starts_at[..10]);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Typesets the minutes off the async threads (a page takes tens of milliseconds of CPU).
pub async fn render_pdf(state: &AppState, data: &serde_json::Value) -> WebResult<Vec<u8>> {
    crate::download::typeset(&state.pdf, MINUTES_TYP, data, "minutes").await
}
