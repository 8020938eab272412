//! Password login with throttling and lock-out, and logout.

use super::{audit_event, hash_blocking, start_session};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::auth::password;
use argine_storage::accounts::{self, UserStatus};
use argine_storage::{now, sessions, throttle};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

/// After this many consecutive failures the account is locked (a password reset unlocks it).
pub const LOCK_AFTER: i64 = 10;
/// From this many failures on, each attempt must wait an exponentially growing delay.
pub const SLOW_AFTER: i64 = 5;
const ADDRESS_WINDOW_SECS: i64 = 15 * 60;

/// Seconds an account must wait after its `failures`-th consecutive failure: nothing before
/// [`SLOW_AFTER`], then `base`, doubling each time (capped at 2^12 × base).
pub fn throttle_delay(failures: i64, base: i64) -> i64 {
    if failures >= SLOW_AFTER { base.saturating_mul(1 << (failures - SLOW_AFTER).min(12)) } else { 0 }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

/// Only local paths are accepted as a post-login destination (no open redirect).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/login") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

pub async fn form(State(state): State<AppState>, ctx: RequestCtx, Query(q): Query<NextParam>) -> WebResult<Response> {
    render(LoginPage {
        chrome: Chrome::anonymous(&state, &ctx),
        email: String::new(),
        next: safe_next(&q.next),
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> WebResult<Response> {
    let next = safe_next(&f.next);
    let email = f.email.trim().to_owned();
    let fail = |msg: String| {
        let page = LoginPage {
            chrome: Chrome::anonymous(&state, &ctx),
            email: email.clone(),
            next: next.clone(),
            error: Some(msg),
        };
        render(page).map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            r
        })
    };
    let tr = crate::i18n::Tr::new(ctx.lang);
    let address_key = format!("ip:{}", ctx.ip);
    if throttle::failures(&state.db, &address_key, ADDRESS_WINDOW_SECS).await? >= state.config.max_failures_per_address
    {
        audit_event(&state, &ctx, None, "user.login", "throttled", ("address", ctx.ip.clone()), json!({})).await;
        return Err(WebError::TooManyRequests { retry_after_secs: ADDRESS_WINDOW_SECS });
    }
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    let user = match argine_domain::Email::parse(&email) {
        Ok(e) => accounts::find_by_email(&mut conn, e.as_str()).await?,
        Err(_) => None,
    };
    drop(conn);
    let Some(user) = user else {
        // Same work as for a real account, so that timing does not reveal which e-mails exist.
        let dummy = state.dummy_hash.clone();
        let pw = f.password.clone();
        hash_blocking(&state, move || password::verify(&pw, &dummy)).await?;
        throttle::record_failure(&state.db, &address_key, ADDRESS_WINDOW_SECS).await?;
        audit_event(
            &state,
            &ctx,
            None,
            "user.login",
            "failed",
            ("user", String::new()),
            json!({"reason": "unknown_account"}),
        )
        .await;
        return fail(tr.t("login-error-credentials"));
    };
    let label = user.email.clone();
    let who = Some((user.id, label.as_str()));
    let t = now();
    if user.status == UserStatus::Locked {
        audit_event(
            &state,
            &ctx,
            who,
            "user.login",
            "failed",
            ("user", user.id.to_string()),
            json!({"reason": "locked"}),
        )
        .await;
        return fail(tr.t("login-error-locked"));
    }
    if user.throttled_until > t {
        audit_event(&state, &ctx, who, "user.login", "throttled", ("user", user.id.to_string()), json!({})).await;
        return fail(tr.t1("login-error-wait", "seconds", user.throttled_until - t));
    }
    let phc = user.password_hash.clone().unwrap_or_else(|| state.dummy_hash.to_string());
    let pw = f.password.clone();
    let ok = hash_blocking(&state, move || password::verify(&pw, &phc)).await?
        && user.status == UserStatus::Active
        && user.password_hash.is_some();
    if !ok {
        throttle::record_failure(&state.db, &address_key, ADDRESS_WINDOW_SECS).await?;
        let failures = user.failed_logins + 1;
        let delay = throttle_delay(failures, state.config.throttle_base_secs);
        // The wait runs from the refusal, not from the request: the hash check takes time.
        let until = if delay > 0 { now() + delay } else { 0 };
        let mut tx = state.db.begin().await?;
        accounts::record_failure(&mut tx, user.id, until).await?;
        if failures >= LOCK_AFTER && user.status == UserStatus::Active {
            accounts::set_status(&mut tx, user.id, UserStatus::Locked).await?;
            sessions::delete_all_for_user(&mut tx, user.id).await?;
            argine_storage::audit::append(
                &mut tx,
                &argine_storage::audit::NewEntry {
                    actor_user_id: Some(user.id),
                    actor_label: label.clone(),
                    action: "user.lock".into(),
                    outcome: "ok".into(),
                    record_type: "user".into(),
                    record_id: user.id.to_string(),
                    ip: ctx.ip.clone(),
                    request_id: ctx.request_id.clone(),
                    details: json!({"reason": "too_many_failed_logins", "failures": failures}).to_string(),
                    ..Default::default()
                },
            )
            .await?;
            crate::mail::enqueue_account_locked(&mut tx, &state, &user, ctx.lang).await?;
        }
        tx.commit().await.map_err(argine_storage::StorageError::from)?;
        audit_event(
            &state,
            &ctx,
            who,
            "user.login",
            "failed",
            ("user", user.id.to_string()),
            json!({"reason": "password", "failures": failures}),
        )
        .await;
        return fail(if failures >= LOCK_AFTER { tr.t("login-error-locked") } else { tr.t("login-error-credentials") });
    }
    let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
    accounts::reset_failures(&mut conn, user.id).await?;
    if user.locale.is_none() {
        accounts::set_locale(&mut conn, user.id, ctx.lang.code()).await?;
    }
    drop(conn);
    let old =
        crate::middleware::cookie(&headers, state.config.session_cookie()).map(argine_domain::auth::token::digest);
    let cookie = start_session(&state, &ctx, user.id, false, old.as_deref()).await?;
    let needs_mfa = user.mfa_enrolled() || user.roles.iter().any(|r| r.requires_mfa());
    audit_event(
        &state,
        &ctx,
        who,
        "user.login",
        "ok",
        ("user", user.id.to_string()),
        json!({"mfa_pending": needs_mfa}),
    )
    .await;
    let target = if user.mfa_enrolled() {
        format!("/login/mfa?next={}", urlencode(&next))
    } else if needs_mfa {
        "/account/mfa".to_owned()
    } else {
        next
    };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response())
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<super::CurrentUser>,
) -> WebResult<Response> {
    if let Some(u) = user {
        let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
        sessions::delete(&mut conn, &u.session_hash).await?;
        drop(conn);
        audit_event(
            &state,
            &ctx,
            Some((u.user.id, u.label())),
            "user.logout",
            "ok",
            ("user", u.user.id.to_string()),
            json!({}),
        )
        .await;
    }
    Ok(([(header::SET_COOKIE, super::end_session_cookie(&state))], Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_at_the_fifth_failure_and_double() {
        assert_eq!((1..5).map(|n| throttle_delay(n, 2)).sum::<i64>(), 0);
        assert_eq!(throttle_delay(5, 2), 2);
        assert_eq!(throttle_delay(6, 2), 4);
        assert_eq!(throttle_delay(9, 2), 32);
        assert_eq!(throttle_delay(40, 1), 4096, "capped");
    }

    #[test]
    fn only_local_destinations_after_login() {
        assert_eq!(safe_next("/admin/utenti"), "/admin/utenti");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\\\evil"), "/");
        assert_eq!(safe_next("/login/mfa"), "/");
    }
}
