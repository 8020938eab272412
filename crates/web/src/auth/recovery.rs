//! Password reset and invitation acceptance through single-use e-mailed links.

use super::{audit_event, hash_blocking};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::auth::{password, token};
use argine_storage::accounts::{self, LinkPurpose, UserStatus};
use argine_storage::sessions;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    email: String,
    sent: bool,
    error: Option<String>,
}

pub async fn forgot_form(State(state): State<AppState>, ctx: RequestCtx) -> WebResult<Response> {
    render(ForgotPage { chrome: Chrome::anonymous(&state, &ctx), email: String::new(), sent: false, error: None })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

/// Always answers the same way, whether or not the address has an account.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Form(f): Form<ForgotForm>,
) -> WebResult<Response> {
    let tr = crate::i18n::Tr::new(ctx.lang);
    let Ok(email) = argine_domain::Email::parse(&f.email) else {
        return render(ForgotPage {
            chrome: Chrome::anonymous(&state, &ctx),
            email: f.email,
            sent: false,
            error: Some(tr.t("form-error-email")),
        });
    };
    let mut tx = state.db.begin().await?;
    if let Some(user) = accounts::find_by_email(&mut tx, email.as_str()).await?
        && matches!(user.status, UserStatus::Active | UserStatus::Locked)
    {
        crate::mail::enqueue_reset(&mut tx, &state, &user, ctx.lang).await?;
        tx.commit().await.map_err(argine_storage::StorageError::from)?;
        audit_event(
            &state,
            &ctx,
            Some((user.id, &user.email)),
            "user.reset_request",
            "ok",
            ("user", user.id.to_string()),
            json!({}),
        )
        .await;
    }
    render(ForgotPage { chrome: Chrome::anonymous(&state, &ctx), email: String::new(), sent: true, error: None })
}

#[derive(Template)]
#[template(path = "auth/set_password.html")]
struct SetPasswordPage {
    chrome: Chrome,
    title_id: &'static str,
    action: String,
    valid: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetPasswordForm {
    password: String,
    confirm: String,
}

async fn link_form(state: &AppState, ctx: &RequestCtx, token_str: &str, purpose: LinkPurpose) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    let valid = accounts::peek_link(&mut conn, &token::digest(token_str), purpose).await?.is_some();
    let (title_id, action) = paths(purpose, token_str);
    let mut res =
        render(SetPasswordPage { chrome: Chrome::anonymous(state, ctx), title_id, action, valid, error: None })?;
    if !valid {
        *res.status_mut() = axum::http::StatusCode::GONE;
    }
    Ok(res)
}

fn paths(purpose: LinkPurpose, token_str: &str) -> (&'static str, String) {
    match purpose {
        LinkPurpose::PasswordReset => ("reset-title", format!("/password/reimposta/{token_str}")),
        LinkPurpose::Invitation => ("invite-title", format!("/invito/{token_str}")),
    }
}

async fn link_submit(
    state: &AppState,
    ctx: &RequestCtx,
    token_str: &str,
    purpose: LinkPurpose,
    f: SetPasswordForm,
) -> WebResult<Response> {
    let tr = crate::i18n::Tr::new(ctx.lang);
    let (title_id, action) = paths(purpose, token_str);
    let again = |error: String| {
        render(SetPasswordPage {
            chrome: Chrome::anonymous(state, ctx),
            title_id,
            action: action.clone(),
            valid: true,
            error: Some(error),
        })
    };
    if f.password != f.confirm {
        return again(tr.t("password-error-mismatch"));
    }
    if let Err(e) = password::check_policy(&f.password) {
        return again(match e {
            password::PasswordPolicyError::TooShort(n) => tr.t1("password-error-short", "min", n),
            password::PasswordPolicyError::TooLong => tr.t("password-error-long"),
            password::PasswordPolicyError::TooCommon => tr.t("password-error-common"),
        });
    }
    let cost = state.config.hash_cost;
    let pw = f.password.clone();
    let phc =
        hash_blocking(state, move || password::hash(&pw, cost)).await?.map_err(|e| WebError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    let Some(user_id) = accounts::consume_link(&mut tx, &token::digest(token_str), purpose).await? else {
        return Err(WebError::NotFound);
    };
    let user = accounts::get(&mut tx, user_id).await?;
    if user.status == UserStatus::Disabled {
        return Err(WebError::NotFound);
    }
    accounts::set_password(&mut tx, user_id, &phc).await?;
    sessions::delete_all_for_user(&mut tx, user_id).await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    let action_name = if purpose == LinkPurpose::Invitation { "user.invite_accept" } else { "user.password_reset" };
    audit_event(
        state,
        ctx,
        Some((user.id, &user.email)),
        action_name,
        "ok",
        ("user", user.id.to_string()),
        json!({"unlocked": user.status == UserStatus::Locked}),
    )
    .await;
    crate::pages::message(state, ctx, "password-set-title", "password-set-body", Some(("/login", "login-submit")))
}

pub async fn reset_form(State(state): State<AppState>, ctx: RequestCtx, Path(t): Path<String>) -> WebResult<Response> {
    link_form(&state, &ctx, &t, LinkPurpose::PasswordReset).await
}
pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(t): Path<String>,
    Form(f): Form<SetPasswordForm>,
) -> WebResult<Response> {
    link_submit(&state, &ctx, &t, LinkPurpose::PasswordReset, f).await
}
pub async fn invite_form(State(state): State<AppState>, ctx: RequestCtx, Path(t): Path<String>) -> WebResult<Response> {
    link_form(&state, &ctx, &t, LinkPurpose::Invitation).await
}
pub async fn invite_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(t): Path<String>,
    Form(f): Form<SetPasswordForm>,
) -> WebResult<Response> {
    link_submit(&state, &ctx, &t, LinkPurpose::Invitation, f).await
}
