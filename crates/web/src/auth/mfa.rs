//! Second factor: TOTP enrolment with recovery codes, and the login challenge.

use super::{CurrentUser, audit_event, login::safe_next, start_session};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::auth::{token, totp};
use argine_storage::{accounts, now};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Template)]
#[template(path = "auth/mfa_challenge.html")]
struct ChallengePage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChallengeQuery {
    next: String,
}

pub async fn challenge_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ChallengeQuery>,
) -> WebResult<Response> {
    if !user.user.mfa_enrolled() {
        return Ok(Redirect::to("/account/mfa").into_response());
    }
    if user.actor.mfa_verified {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    render(ChallengePage { chrome: Chrome::anonymous(&state, &ctx), next: safe_next(&q.next), error: None })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChallengeForm {
    code: String,
    next: String,
}

fn secret_aad(user_id: i64) -> String {
    format!("users.totp_secret.{user_id}")
}

pub async fn challenge_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Form(f): Form<ChallengeForm>,
) -> WebResult<Response> {
    let tr = crate::i18n::Tr::new(ctx.lang);
    let next = safe_next(&f.next);
    let Some(enc) = user.user.totp_secret_enc.as_deref() else {
        return Ok(Redirect::to("/account/mfa").into_response());
    };
    if user.user.throttled_until > now() {
        return render(ChallengePage {
            chrome: Chrome::anonymous(&state, &ctx),
            next,
            error: Some(tr.t1("login-error-wait", "seconds", user.user.throttled_until - now())),
        });
    }
    let secret = state.keyring.decrypt(enc, &secret_aad(user.user.id)).map_err(|e| WebError::Internal(e.into()))?;
    let code = f.code.trim();
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    let ok = if code.len() > 8 {
        let h = token::digest(&totp::normalise_recovery_code(code));
        accounts::use_recovery_code(&mut conn, user.user.id, &h).await?
    } else {
        match totp::verify(&secret, code, now(), user.user.totp_last_step) {
            Some(step) => accounts::advance_totp_step(&mut conn, user.user.id, step).await?,
            None => false,
        }
    };
    let who = Some((user.user.id, user.label()));
    if !ok {
        let failures = user.user.failed_logins + 1;
        let delay = super::login::throttle_delay(failures, state.config.throttle_base_secs);
        accounts::record_failure(&mut conn, user.user.id, if delay > 0 { now() + delay } else { 0 }).await?;
        drop(conn);
        audit_event(
            &state,
            &ctx,
            who,
            "user.mfa",
            "failed",
            ("user", user.user.id.to_string()),
            json!({"failures": failures}),
        )
        .await;
        let page = ChallengePage { chrome: Chrome::anonymous(&state, &ctx), next, error: Some(tr.t("mfa-error-code")) };
        return render(page);
    }
    accounts::reset_failures(&mut conn, user.user.id).await?;
    drop(conn);
    let method = if code.len() > 8 { "recovery_code" } else { "totp" };
    audit_event(&state, &ctx, who, "user.mfa", "ok", ("user", user.user.id.to_string()), json!({"method": method}))
        .await;
    let cookie = start_session(&state, &ctx, user.user.id, true, Some(&user.session_hash)).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}

#[derive(Template)]
#[template(path = "auth/mfa_setup.html")]
struct SetupPage {
    chrome: Chrome,
    secret_b32: String,
    otpauth: String,
    pending: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
struct CodesPage {
    chrome: Chrome,
    codes: Vec<String>,
}

/// The pending secret travels in the form, encrypted and bound to this user and session.
fn pending_aad(user: &CurrentUser) -> String {
    format!("mfa.pending.{}.{}", user.user.id, user.session_hash)
}

pub async fn setup_form(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    let me = Resource::User { id: user.user.id, org_id: user.org.id, org_jurisdiction: user.org.jurisdiction.clone() };
    super::check(&state, &ctx, &user.actor, user.label(), Action::EnrollMfa, &me).await?;
    // Changing an existing factor needs the current one verified in this session.
    if user.user.mfa_enrolled() && !user.actor.mfa_verified {
        return Ok(Redirect::to("/login/mfa?next=/account/mfa").into_response());
    }
    let secret = totp::new_secret();
    setup_page(&state, &ctx, &user, &secret, None)
}

fn setup_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    secret: &[u8],
    error: Option<String>,
) -> WebResult<Response> {
    let pending = state.keyring.encrypt(secret, &pending_aad(user)).map_err(|e| WebError::Internal(e.into()))?;
    render(SetupPage {
        chrome: Chrome::for_user(state, ctx, user),
        secret_b32: totp::secret_base32(secret),
        otpauth: totp::otpauth_uri(secret, &state.config.instance_name, &user.user.email),
        pending,
        error,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    pending: String,
    code: String,
}

pub async fn setup_submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Form(f): Form<SetupForm>,
) -> WebResult<Response> {
    let me = Resource::User { id: user.user.id, org_id: user.org.id, org_jurisdiction: user.org.jurisdiction.clone() };
    super::check(&state, &ctx, &user.actor, user.label(), Action::EnrollMfa, &me).await?;
    if user.user.mfa_enrolled() && !user.actor.mfa_verified {
        return Err(WebError::MfaRequired);
    }
    let secret =
        state.keyring.decrypt(&f.pending, &pending_aad(&user)).map_err(|_| WebError::BadRequest("error-400"))?;
    let Some(step) = totp::verify(&secret, &f.code, now(), None) else {
        let tr = crate::i18n::Tr::new(ctx.lang);
        return setup_page(&state, &ctx, &user, &secret, Some(tr.t("mfa-error-code")));
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| token::digest(c)).collect();
    let enc = state.keyring.encrypt(&secret, &secret_aad(user.user.id)).map_err(|e| WebError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    accounts::enable_totp(&mut tx, user.user.id, &enc, step, &hashes).await?;
    argine_storage::audit::append(
        &mut tx,
        &argine_storage::audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: "user.mfa_enable".into(),
            outcome: "ok".into(),
            record_type: "user".into(),
            record_id: user.user.id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    let cookie = start_session(&state, &ctx, user.user.id, true, Some(&user.session_hash)).await?;
    let mut res = render(CodesPage { chrome: Chrome::for_user(&state, &ctx, &user), codes })?;
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}
