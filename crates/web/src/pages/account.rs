//! The user's own account: password, sessions, API tokens.

use crate::AppState;
use crate::auth::{CurrentUser, audit_event, check, hash_blocking, start_session};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, TokenScope};
use argine_domain::auth::{password, token};
use argine_storage::{accounts, now, sessions, tokens};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

pub struct SessionView {
    pub started: String,
    pub last_seen: String,
    pub ip: String,
    pub agent: String,
    pub current: bool,
}

pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub expires: String,
    pub last_used: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    org: String,
    mfa_enrolled: bool,
    sessions: Vec<SessionView>,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    message: Option<String>,
    error: Option<String>,
    token_name: String,
}

fn me(user: &CurrentUser) -> Resource {
    Resource::User { id: user.user.id, org_id: user.org.id, org_jurisdiction: user.org.jurisdiction.clone() }
}

async fn page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    new_token: Option<String>,
    message: Option<String>,
    error: Option<String>,
    token_name: String,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let sessions = sessions::list_for_user(&state.db, user.user.id)
        .await?
        .into_iter()
        .map(|s| SessionView {
            started: tr.datetime(s.created_at),
            last_seen: tr.datetime(s.last_seen_at),
            ip: s.ip,
            agent: s.user_agent.chars().take(60).collect(),
            current: s.id_hash == user.session_hash,
        })
        .collect();
    let t = now();
    let tokens = tokens::list_for_user(&state.db, user.user.id)
        .await?
        .into_iter()
        .map(|k| TokenView {
            id: k.id,
            name: k.name,
            scope: tr.t(&format!("token-scope-{}", k.scope.replace('_', "-"))),
            expires: tr.datetime(k.expires_at),
            last_used: k.last_used_at.map(|x| tr.datetime(x)).unwrap_or_else(|| tr.t("never")),
            active: k.revoked_at.is_none() && k.expires_at > t,
        })
        .collect();
    let mut res = render(AccountPage {
        chrome: Chrome::for_user(state, ctx, user),
        email: user.user.email.clone(),
        org: user.org.name.clone(),
        mfa_enrolled: user.user.mfa_enrolled(),
        sessions,
        tokens,
        new_token,
        message,
        error: error.clone(),
        token_name,
    })?;
    if error.is_some() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOwnAccount, &me(&user)).await?;
    page(&state, &ctx, &user, None, None, None, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    password: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOwnAccount, &me(&user)).await?;
    let tr = Tr::new(ctx.lang);
    let phc = user.user.password_hash.clone().unwrap_or_default();
    let cur = f.current.clone();
    if !hash_blocking(&state, move || password::verify(&cur, &phc)).await? {
        return page(&state, &ctx, &user, None, None, Some(tr.t("password-error-current")), String::new()).await;
    }
    if f.password != f.confirm {
        return page(&state, &ctx, &user, None, None, Some(tr.t("password-error-mismatch")), String::new()).await;
    }
    if let Err(e) = password::check_policy(&f.password) {
        let msg = match e {
            password::PasswordPolicyError::TooShort(n) => tr.t1("password-error-short", "min", n),
            password::PasswordPolicyError::TooLong => tr.t("password-error-long"),
            password::PasswordPolicyError::TooCommon => tr.t("password-error-common"),
        };
        return page(&state, &ctx, &user, None, None, Some(msg), String::new()).await;
    }
    let cost = state.config.hash_cost;
    let pw = f.password.clone();
    let new_phc =
        hash_blocking(&state, move || password::hash(&pw, cost)).await?.map_err(|e| WebError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    accounts::set_password(&mut tx, user.user.id, &new_phc).await?;
    sessions::delete_all_for_user(&mut tx, user.user.id).await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    audit_event(
        &state,
        &ctx,
        Some((user.user.id, user.label())),
        "user.password_change",
        "ok",
        ("user", user.user.id.to_string()),
        json!({}),
    )
    .await;
    let cookie = start_session(&state, &ctx, user.user.id, user.actor.mfa_verified, None).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/account")).into_response())
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOwnAccount, &me(&user)).await?;
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    let n = sessions::delete_all_for_user(&mut conn, user.user.id).await?;
    drop(conn);
    audit_event(
        &state,
        &ctx,
        Some((user.user.id, user.label())),
        "user.logout_all",
        "ok",
        ("user", user.user.id.to_string()),
        json!({"sessions": n}),
    )
    .await;
    Ok(([(header::SET_COOKIE, crate::auth::end_session_cookie(&state))], Redirect::to("/login")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    scope: String,
    days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOwnTokens, &me(&user)).await?;
    let tr = Tr::new(ctx.lang);
    let name = f.name.trim();
    let days: i64 = f.days.trim().parse().unwrap_or(0);
    let (Some(scope), true, true) =
        (TokenScope::from_code(&f.scope), !name.is_empty() && name.chars().count() <= 80, (1..=365).contains(&days))
    else {
        return page(&state, &ctx, &user, None, None, Some(tr.t("token-error-form")), f.name.clone()).await;
    };
    let secret = token::new_secret("argn_");
    let mut tx = state.db.begin().await?;
    let id = tokens::create(&mut tx, user.user.id, name, &token::digest(&secret), scope.code(), now() + days * 86400)
        .await?;
    argine_storage::audit::append(
        &mut tx,
        &argine_storage::audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: "token.create".into(),
            outcome: "ok".into(),
            record_type: "api_token".into(),
            record_id: id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: json!({"scope": scope.code(), "days": days}).to_string(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    page(&state, &ctx, &user, Some(secret), Some(tr.t("token-created")), None, String::new()).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOwnTokens, &me(&user)).await?;
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    if !tokens::revoke(&mut conn, user.user.id, id).await? {
        return Err(WebError::NotFound);
    }
    drop(conn);
    audit_event(
        &state,
        &ctx,
        Some((user.user.id, user.label())),
        "token.revoke",
        "ok",
        ("api_token", id.to_string()),
        json!({}),
    )
    .await;
    Ok(Redirect::to("/account").into_response())
}
