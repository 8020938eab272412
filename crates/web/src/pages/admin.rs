//! Administration: users, organisations, the audit log and the job queue.

use crate::AppState;
use crate::auth::{CurrentUser, audit_event, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, Role, authorize};
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, NewUser, UserStatus};
use argine_storage::orgs::{self, Organisation};
use argine_storage::{StorageError, audit, jobs, sessions};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

/// Human-readable jurisdiction.
pub fn jurisdiction_text(tr: &Tr, j: &Jurisdiction) -> String {
    match j {
        Jurisdiction::National => tr.t("jurisdiction-national"),
        Jurisdiction::Nowhere => tr.t("jurisdiction-none"),
        Jurisdiction::Units(u) => u
            .iter()
            .map(|u| match u {
                TerritoryUnit::Region(c) => tr.t1("unit-region", "code", c),
                TerritoryUnit::Province(c) => tr.t1("unit-province", "code", c),
                TerritoryUnit::Comune(c) => tr.t1("unit-comune", "code", c),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn user_resource(id: i64, org: &Organisation) -> Resource {
    Resource::User { id, org_id: org.id, org_jurisdiction: org.jurisdiction.clone() }
}

pub struct UserRowView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub org: String,
    pub roles: String,
    pub status: String,
    pub mfa: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRowView>,
    can_invite: bool,
    orgs: Vec<Choice>,
    roles: Vec<Choice>,
    form_email: String,
    form_name: String,
    error: Option<String>,
    message: Option<String>,
}

#[derive(Default)]
struct InviteDraft {
    email: String,
    name: String,
    org: String,
    roles: Vec<String>,
}

async fn users_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    draft: InviteDraft,
    error: Option<String>,
    message: Option<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let all_orgs = orgs::list(&state.db).await?;
    let org_by_id = |id: i64| all_orgs.iter().find(|o| o.id == id);
    let mut rows = Vec::new();
    for u in accounts::list(&state.db, None).await? {
        let Some(org) = org_by_id(u.org_id) else { continue };
        if !authorize(&user.actor, Action::ViewUsers, &user_resource(u.id, org)).is_allowed() {
            continue;
        }
        rows.push(UserRowView {
            id: u.id,
            name: u.display_name.clone(),
            email: u.email.clone(),
            org: org.name.clone(),
            roles: u.roles.iter().map(|r| tr.t(&r.label_key())).collect::<Vec<_>>().join(", "),
            status: tr.t(&format!("status-{}", u.status.code())),
            mfa: u.mfa_enrolled(),
        });
    }
    let manageable: Vec<&Organisation> = all_orgs
        .iter()
        .filter(|o| authorize(&user.actor, Action::ManageUsers, &user_resource(0, o)).is_allowed())
        .collect();
    let mut res = render(UsersPage {
        can_invite: !manageable.is_empty(),
        orgs: manageable
            .iter()
            .map(|o| Choice { value: o.id.to_string(), label: o.name.clone(), selected: draft.org == o.id.to_string() })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: tr.t(&r.label_key()),
                selected: draft.roles.iter().any(|x| x == r.code()),
            })
            .collect(),
        chrome: Chrome::for_user(state, ctx, user),
        users: rows,
        form_email: draft.email,
        form_name: draft.name,
        error: error.clone(),
        message,
    })?;
    if error.is_some() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn users(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewUsers, &Resource::Users).await?;
    users_page(&state, &ctx, &user, InviteDraft::default(), None, None).await
}

use crate::network::form::{field, fields, pairs};

pub async fn invite_user(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewUsers, &Resource::Users).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let draft = InviteDraft {
        email: field(&p, "email"),
        name: field(&p, "name"),
        org: field(&p, "org"),
        roles: fields(&p, "roles"),
    };
    let email = match argine_domain::Email::parse(&draft.email) {
        Ok(e) => e,
        Err(_) => return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-email")), None).await,
    };
    if draft.name.is_empty() || draft.name.chars().count() > 120 {
        return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-name")), None).await;
    }
    let roles: Vec<Role> = draft.roles.iter().filter_map(|r| Role::from_code(r)).collect();
    if roles.is_empty() {
        return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-roles")), None).await;
    }
    let Ok(org_id) = draft.org.parse::<i64>() else {
        return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-org")), None).await;
    };
    let mut tx = state.db.begin().await?;
    let org = match orgs::get(&mut tx, org_id).await {
        Ok(o) => o,
        Err(StorageError::NotFound) => {
            drop(tx);
            return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-org")), None).await;
        }
        Err(e) => return Err(e.into()),
    };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageUsers, &user_resource(0, &org)).await?;
    let id = match accounts::create(
        &mut tx,
        NewUser {
            email: email.as_str(),
            display_name: &draft.name,
            org_id,
            status: UserStatus::Invited,
            password_hash: None,
            roles: &roles,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(StorageError::Conflict(_)) => {
            drop(tx);
            return users_page(&state, &ctx, &user, draft, Some(tr.t("form-error-email-taken")), None).await;
        }
        Err(e) => return Err(e.into()),
    };
    let new_user = accounts::get(&mut tx, id).await?;
    crate::mail::enqueue_invitation(&mut tx, &state, &new_user, &org.name, ctx.lang).await?;
    audit::append(
        &mut tx,
        &audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: "user.invite".into(),
            outcome: "ok".into(),
            record_type: "user".into(),
            record_id: id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: json!({"org_id": org_id, "roles": roles}).to_string(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    users_page(&state, &ctx, &user, InviteDraft::default(), None, Some(tr.t1("user-invited", "email", email.as_str())))
        .await
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    chrome: Chrome,
    id: i64,
    name: String,
    email: String,
    org: String,
    status: String,
    disabled: bool,
    mfa: bool,
    roles: Vec<Choice>,
    can_manage: bool,
}

async fn load_user(state: &AppState, id: i64) -> WebResult<(argine_storage::accounts::User, Organisation)> {
    let mut conn = state.db.pool().acquire().await.map_err(StorageError::from)?;
    let u = accounts::get(&mut conn, id).await?;
    let org = orgs::get(&mut conn, u.org_id).await?;
    Ok((u, org))
}

pub async fn user_detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (u, org) = load_user(&state, id).await?;
    let res = user_resource(u.id, &org);
    check(&state, &ctx, &user.actor, user.label(), Action::ViewUsers, &res).await?;
    // A colleague's account (name, e-mail, status) is personal data: the read is audited.
    crate::auth::audit_personal_read(&state, &ctx, (user.user.id, user.label()), ("user", u.id.to_string()), json!({}))
        .await?;
    let tr = Tr::new(ctx.lang);
    render(UserPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id: u.id,
        name: u.display_name.clone(),
        email: u.email.clone(),
        org: org.name.clone(),
        status: tr.t(&format!("status-{}", u.status.code())),
        disabled: u.status == UserStatus::Disabled,
        mfa: u.mfa_enrolled(),
        roles: Role::ALL
            .iter()
            .map(|r| Choice { value: r.code().into(), label: tr.t(&r.label_key()), selected: u.roles.contains(r) })
            .collect(),
        can_manage: authorize(&user.actor, Action::ManageUsers, &res).is_allowed(),
    })
}

pub async fn update_user(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let (u, org) = load_user(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageUsers, &user_resource(u.id, &org)).await?;
    let p = pairs(&body);
    let op = field(&p, "op");
    let mut tx = state.db.begin().await?;
    let details = match op.as_str() {
        "disable" => {
            accounts::set_status(&mut tx, id, UserStatus::Disabled).await?;
            sessions::delete_all_for_user(&mut tx, id).await?;
            json!({})
        }
        "enable" => {
            accounts::set_status(
                &mut tx,
                id,
                if u.password_hash.is_some() { UserStatus::Active } else { UserStatus::Invited },
            )
            .await?;
            json!({})
        }
        "reset_mfa" => {
            accounts::reset_totp(&mut tx, id).await?;
            sessions::delete_all_for_user(&mut tx, id).await?;
            json!({})
        }
        "roles" => {
            let roles: Vec<Role> = fields(&p, "roles").iter().filter_map(|r| Role::from_code(r)).collect();
            if id == user.user.id && !roles.contains(&Role::Admin) && user.user.roles.contains(&Role::Admin) {
                // An administrator cannot remove their own administration role by mistake.
                return Err(WebError::Conflict("error-own-admin"));
            }
            accounts::set_roles(&mut tx, id, &roles).await?;
            sessions::delete_all_for_user(&mut tx, id).await?;
            json!({"from": u.roles, "to": roles})
        }
        _ => return Err(WebError::BadRequest("error-400")),
    };
    audit::append(
        &mut tx,
        &audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: format!("user.{op}"),
            outcome: "ok".into(),
            record_type: "user".into(),
            record_id: id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: details.to_string(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/admin/utenti/{id}")).into_response())
}

pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub record: String,
    pub personal: bool,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditView>,
    q_actor: String,
    q_action: String,
    q_record_type: String,
    q_record_id: String,
    q_from: String,
    q_to: String,
    q_personal: bool,
    next_before: Option<i64>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    from: String,
    to: String,
    personal: String,
    before: String,
}

fn parse_day(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), fmt).ok().map(|d| d.midnight().assume_utc().unix_timestamp())
}

pub async fn audit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewAuditLog, &Resource::AuditLog).await?;
    let tr = Tr::new(ctx.lang);
    let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut error = None;
    let from = nonempty(&q.from).and_then(|s| {
        parse_day(&s).or_else(|| {
            error = Some(tr.t("form-error-date"));
            None
        })
    });
    let to = nonempty(&q.to).and_then(|s| {
        parse_day(&s).map(|d| d + 86400).or_else(|| {
            error = Some(tr.t("form-error-date"));
            None
        })
    });
    let filter = audit::Filter {
        actor: nonempty(&q.actor),
        action: nonempty(&q.action),
        record_type: nonempty(&q.record_type),
        record_id: nonempty(&q.record_id),
        from_unix: from,
        to_unix: to,
        personal_only: !q.personal.is_empty(),
        before_seq: q.before.trim().parse().ok(),
        limit: 100,
    };
    // The log names people and their addresses: searching it is itself a personal-data read.
    crate::auth::audit_personal_read(
        &state,
        &ctx,
        (user.user.id, user.label()),
        ("audit_log", String::new()),
        json!({"actor": filter.actor, "action": filter.action, "record_type": filter.record_type, "record_id": filter.record_id}),
    )
    .await?;
    let found = audit::search(&state.db, &filter).await?;
    let next_before = if found.len() == 100 { found.last().map(|e| e.seq) } else { None };
    let entries = found
        .into_iter()
        .map(|e| AuditView {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor_label,
            action: e.action,
            outcome: e.outcome,
            record: if e.record_type.is_empty() { String::new() } else { format!("{} {}", e.record_type, e.record_id) },
            personal: e.personal,
            ip: e.ip,
        })
        .collect();
    render(AuditPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        entries,
        q_actor: q.actor,
        q_action: q.action,
        q_record_type: q.record_type,
        q_record_id: q.record_id,
        q_from: q.from,
        q_to: q.to,
        q_personal: !q.personal.is_empty(),
        next_before,
        error,
    })
}

pub struct JobView {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub status_code: String,
    pub attempts: String,
    pub run_at: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    chrome: Chrome,
    counts: Vec<(String, i64)>,
    jobs: Vec<JobView>,
}

pub async fn jobs(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewJobs, &Resource::JobQueue).await?;
    let tr = Tr::new(ctx.lang);
    let counts =
        jobs::counts(&state.db).await?.into_iter().map(|(s, n)| (tr.t(&format!("job-status-{s}")), n)).collect();
    let list = jobs::list(&state.db, None, 200)
        .await?
        .into_iter()
        .map(|j| JobView {
            id: j.id,
            kind: j.kind,
            status: tr.t(&format!("job-status-{}", j.status)),
            status_code: j.status,
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            run_at: tr.datetime(j.run_at),
            // Errors are transport messages (no payload content).
            error: j.last_error.unwrap_or_default().chars().take(200).collect(),
        })
        .collect();
    render(JobsPage { chrome: Chrome::for_user(&state, &ctx, &user), counts, jobs: list })
}

pub async fn retry_job(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewJobs, &Resource::JobQueue).await?;
    if !jobs::retry(&state.db, id).await? {
        return Err(WebError::NotFound);
    }
    audit_event(
        &state,
        &ctx,
        Some((user.user.id, user.label())),
        "job.retry",
        "ok",
        ("job", id.to_string()),
        json!({}),
    )
    .await;
    Ok(Redirect::to("/admin/job").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_parsing_repeats_and_decodes() {
        let p = pairs(b"email=a%40b.it&roles=admin&roles=viewer&name=Mario+Rossi&x=%ZZ");
        assert_eq!(field(&p, "email"), "a@b.it");
        assert_eq!(fields(&p, "roles"), vec!["admin", "viewer"]);
        assert_eq!(field(&p, "name"), "Mario Rossi");
        assert_eq!(field(&p, "x"), "%ZZ");
        assert_eq!(field(&p, "missing"), "");
    }
}
