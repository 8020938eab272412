//! Following a case after the referral: the individual plan (goals with the organisation
//! responsible), tasks with due dates and follow-up notes; the formal identification recorded
//! by the anti-trafficking body that does it; "break the glass" access with its review; the
//! reminders and escalation of referrals left unanswered.

use super::vault::{self, Who};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::mail::{self, EmailMessage};
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::cases::{FieldGroup, Outcome, ReferralStatus, Stage};
use argine_domain::network::OrgType;
use argine_storage::cases as store;
use argine_storage::orgs;
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// How long a break-the-glass access lasts.
pub const GLASS_SECS: i64 = 4 * 3600;

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/casi/{id}#{anchor}")).into_response()
}

/// A plan item as shown.
pub struct ItemLine {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub org: String,
    pub due: String,
    pub overdue: bool,
    pub done: bool,
}

/// The plan, tasks and follow-ups a reader may see (the `notes` field group), decrypted.
pub async fn items(
    state: &AppState,
    l: &vault::Loaded,
    sees_notes: bool,
    tr: &Tr,
    org_name: &(dyn Fn(i64) -> String + Sync),
) -> WebResult<Vec<ItemLine>> {
    if !sees_notes {
        return Ok(Vec::new());
    }
    let Some(key) = vault::data_key(state, &l.person)? else { return Ok(Vec::new()) };
    let mut conn = state.db.pool().acquire().await?;
    let rows = store::items(&mut conn, l.case.id).await?;
    let today = today().to_string();
    rows.into_iter()
        .map(|i| {
            Ok(ItemLine {
                id: i.id,
                kind: tr.t(&format!("case-item-{}", i.item_kind)),
                text: vault::open_text(&key, &i.text_ct, &vault::aad("case_items.text", i.id))?,
                org: i.org_id.map(org_name).unwrap_or_default(),
                overdue: i.done_at.is_none() && i.due_on.as_deref().is_some_and(|d| d < today.as_str()),
                due: i.due_on.as_deref().map(|d| tr.date(d)).unwrap_or_default(),
                done: i.done_at.is_some(),
            })
        })
        .collect()
}

/// Adds a goal, a task or a follow-up note (the owner organisation; an organisation the
/// case was referred to, and accepted, with the `notes` group shared, adds follow-ups).
pub async fn add_item(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCaseField, &l.field(FieldGroup::Notes)).await?;
    let owner = authorize(&user.actor, Action::ManageCase, &l.resource()).is_allowed();
    let p = pairs(&body);
    let kind = field(&p, "kind");
    if !matches!(kind.as_str(), "goal" | "task" | "followup") {
        return Err(WebError::BadRequest("case-error-item"));
    }
    if !owner && kind != "followup" {
        check(&state, &ctx, &user.actor, user.label(), Action::ManageCase, &l.resource()).await?;
    }
    let text = field(&p, "text");
    let due = field(&p, "due_on");
    if text.is_empty() || text.chars().count() > 4000 {
        return Err(WebError::BadRequest("case-error-item-text"));
    }
    let due = match due.as_str() {
        "" => None,
        d if argine_domain::cases::identity::parse_date(d).is_some() => Some(d.to_owned()),
        _ => return Err(WebError::BadRequest("case-error-item-due")),
    };
    let org = match field(&p, "org").parse::<i64>() {
        Ok(o) => Some(o),
        Err(_) => Some(user.org.id),
    };
    let Some(key) = vault::data_key(&state, &l.person)? else {
        return Err(WebError::Conflict("case-error-anonymised"));
    };
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let item = store::add_item(&mut tx, id, &kind, org, due.as_deref(), user.user.id).await?;
    store::set_item_text(&mut tx, item, &vault::seal_text(&key, &text, &vault::aad("case_items.text", item))?).await?;
    store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "item", &json!({"item": item, "kind": kind}))
        .await?;
    vault::audit_case_write(&mut tx, &ctx, &who, "case.item", id, json!({"item": item, "kind": kind})).await?;
    tx.commit().await?;
    Ok(back(id, "piano"))
}

pub async fn complete_item(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, item)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCase, &l.resource()).await?;
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    if !store::complete_item(&mut tx, id, item).await? {
        return Err(WebError::NotFound);
    }
    vault::audit_case_write(&mut tx, &ctx, &who, "case.item_done", id, json!({"item": item})).await?;
    tx.commit().await?;
    Ok(back(id, "piano"))
}

/// Whether `org_id` may record the formal identification: an anti-trafficking body whose
/// referral for this case was accepted.
pub fn may_identify(l: &vault::Loaded, org_id: i64, org_type: OrgType) -> bool {
    org_type == OrgType::AntiTratta
        && l.referrals.iter().any(|r| r.to_org == org_id && r.status == ReferralStatus::Accepted.code())
}

/// The formal identification, recorded by the anti-trafficking body that did it.
pub async fn identify(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    let referral = l
        .referrals
        .iter()
        .find(|r| r.to_org == user.org.id && r.status == ReferralStatus::Accepted.code())
        .ok_or(WebError::Forbidden);
    let resource = match &referral {
        Ok(r) => Resource::Referral { case: l.access.clone(), to_org: r.to_org },
        Err(_) => Resource::Referral { case: l.access.clone(), to_org: 0 },
    };
    check(&state, &ctx, &user.actor, user.label(), Action::RespondReferral, &resource).await?;
    if !may_identify(&l, user.org.id, user.org.org_type) {
        return Err(WebError::Forbidden);
    }
    let p = pairs(&body);
    let Some(outcome) = Outcome::from_code(&field(&p, "outcome")) else {
        return Err(WebError::BadRequest("case-error-formal-outcome"));
    };
    let on = field(&p, "on");
    match argine_domain::cases::identity::parse_date(&on) {
        Some(d) if d <= today() => {}
        _ => return Err(WebError::BadRequest("case-error-formal-date")),
    }
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    store::set_formal(&mut tx, id, outcome.code(), user.org.id, &on).await?;
    let stage = Stage::from_code(&l.case.stage).unwrap_or(Stage::Contact);
    if outcome == Outcome::PresumedVictim && argine_domain::cases::may_move(stage, Stage::FormalIdentification) {
        store::set_stage(&mut tx, id, Stage::FormalIdentification.code()).await?;
    }
    store::add_event(
        &mut tx,
        id,
        Some(user.org.id),
        Some(user.user.id),
        "formal_identification",
        &json!({"outcome": outcome.code()}),
    )
    .await?;
    vault::audit_case_write(&mut tx, &ctx, &who, "case.formal_identification", id, json!({"outcome": outcome.code()}))
        .await?;
    tx.commit().await?;
    Ok(back(id, "identificazione"))
}

// --- Break the glass ---

#[derive(Template)]
#[template(path = "cases/glass.html")]
struct GlassPage {
    chrome: Chrome,
    id: i64,
    error: Option<String>,
    reason: String,
    hours: i64,
}

pub async fn glass_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::BreakGlass, &l.resource()).await?;
    render(GlassPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        error: None,
        reason: String::new(),
        hours: GLASS_SECS / 3600,
    })
}

/// Grants a time-limited access with a written reason; audited, and listed for review.
pub async fn glass_grant(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::BreakGlass, &l.resource()).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let reason = field(&p, "reason");
    if reason.chars().count() < 20 {
        let mut res = render(GlassPage {
            chrome: Chrome::for_user(&state, &ctx, &user),
            id,
            error: Some(tr.t("case-glass-error-reason")),
            reason,
            hours: GLASS_SECS / 3600,
        })?;
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let grant = store::grant_glass(&mut tx, id, user.user.id, user.org.id, &reason, GLASS_SECS).await?;
    store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "glass", &json!({"grant": grant})).await?;
    vault::audit_case_write(&mut tx, &ctx, &who, "case.break_glass", id, json!({"grant": grant, "secs": GLASS_SECS}))
        .await?;
    tx.commit().await?;
    tracing::warn!(case = id, user = user.user.id, "break-the-glass access granted");
    Ok(Redirect::to(&format!("/casi/{id}")).into_response())
}

pub struct GlassLine {
    pub id: i64,
    pub case_id: i64,
    pub who: String,
    pub org: String,
    pub reason: String,
    pub granted: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "cases/glass_review.html")]
struct ReviewPage {
    chrome: Chrome,
    rows: Vec<GlassLine>,
}

/// Accesses waiting for review: those to one's organisation's cases (supervisors) or all
/// (national administrators).
pub async fn glass_review(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ReviewBreakGlass, &Resource::Cases).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let grants = store::glass_list(&mut conn, None).await?;
    let names: std::collections::HashMap<i64, String> =
        orgs::list(&state.db).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let mut rows = Vec::new();
    for g in grants {
        let l = vault::load_on(&mut conn, &t, g.case_id).await?;
        if !authorize(&user.actor, Action::ReviewBreakGlass, &l.resource()).is_allowed() {
            continue;
        }
        let who = argine_storage::accounts::get(&mut conn, g.user_id).await.map(|u| u.email).unwrap_or_default();
        rows.push(GlassLine {
            id: g.id,
            case_id: g.case_id,
            who,
            org: names.get(&g.org_id).cloned().unwrap_or_default(),
            reason: g.reason,
            granted: tr.datetime(g.granted_at),
            expires: tr.datetime(g.expires_at),
        });
    }
    render(ReviewPage { chrome: Chrome::for_user(&state, &ctx, &user), rows })
}

pub async fn glass_decide(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(grant): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ReviewBreakGlass, &Resource::Cases).await?;
    let mut conn = state.db.pool().acquire().await?;
    let g = store::glass(&mut conn, grant).await?;
    drop(conn);
    let l = vault::load(&state, g.case_id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ReviewBreakGlass, &l.resource()).await?;
    if g.user_id == user.user.id {
        return Err(WebError::Conflict("case-glass-error-self"));
    }
    let p = pairs(&body);
    let review = field(&p, "review");
    if !matches!(review.as_str(), "justified" | "unjustified") {
        return Err(WebError::BadRequest("case-error-decision"));
    }
    let note = field(&p, "note");
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    if !store::review_glass(&mut tx, grant, user.user.id, &review, &note).await? {
        return Err(WebError::Conflict("case-glass-error-reviewed"));
    }
    vault::audit_case_write(
        &mut tx,
        &ctx,
        &who,
        "case.break_glass_review",
        g.case_id,
        json!({"grant": grant, "review": review}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/casi/accessi").into_response())
}

// --- Reminders and escalation ---

async fn org_address(conn: &mut sqlx::AnyConnection, org: i64) -> Option<(String, String)> {
    let o = orgs::get(conn, org).await.ok()?;
    let to = o.contacts.email.clone().or(o.contacts.pec.clone())?;
    Some((to, o.name))
}

/// Reminds the receiving organisation the day before a referral's answer is due, and escalates
/// to both organisations once it is overdue; each once per referral, on the case's timeline.
/// The messages name the case by its pseudonymous code only. Returns (reminded, escalated).
pub async fn schedule_reminders(state: &AppState) -> WebResult<(usize, usize)> {
    let tr = Tr::new(crate::i18n::Lang::It);
    let today = today();
    let tomorrow = (today + time::Duration::days(1)).to_string();
    let yesterday = (today - time::Duration::days(1)).to_string();
    let mut done = (0, 0);
    for (escalation, date) in [(false, tomorrow), (true, yesterday)] {
        let mut conn = state.db.pool().acquire().await?;
        let due = store::pending_due(&mut conn, &date, escalation).await?;
        drop(conn);
        for r in due {
            let mut tx = state.db.begin().await?;
            let case = store::case(&mut tx, r.case_id).await?;
            let code = store::person(&mut tx, case.person_id).await?.code;
            let mut recipients = vec![r.to_org];
            if escalation {
                recipients.push(r.from_org);
            }
            let from_name = orgs::get(&mut tx, r.from_org).await.map(|o| o.name).unwrap_or_default();
            for org in recipients {
                let Some((to, _)) = org_address(&mut tx, org).await else { continue };
                let key = if escalation { "case-mail-escalation" } else { "case-mail-reminder" };
                let args = [
                    ("code", code.clone()),
                    ("from", from_name.clone()),
                    ("due", tr.date(&r.due_on)),
                    ("link", format!("{}/casi/{}", state.config.public_url, r.case_id)),
                ];
                let msg = EmailMessage {
                    to,
                    subject: tr.args(&format!("{key}-subject"), &args),
                    text: tr.args(&format!("{key}-text"), &args),
                    attachments: Vec::new(),
                };
                mail::enqueue(&mut tx, state, &msg).await?;
            }
            store::mark_referral(&mut tx, r.id, escalation).await?;
            let kind = if escalation { "referral_escalated" } else { "referral_reminded" };
            store::add_event(&mut tx, r.case_id, None, None, kind, &json!({"referral": r.id, "to": r.to_org})).await?;
            tx.commit().await?;
            if escalation { done.1 += 1 } else { done.0 += 1 }
        }
    }
    Ok(done)
}
