//! Session cookies and API tokens → the current user and their [`Actor`].

use crate::AppState;
use crate::error::WebError;
use crate::middleware::{RequestCtx, cookie};
use argine_domain::access::{Actor, TokenScope};
use argine_domain::auth::token;
use argine_storage::accounts::{self, User, UserStatus};
use argine_storage::orgs::Organisation;
use argine_storage::sessions::{self, NewSession};
use argine_storage::{now, tokens};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::{HeaderValue, header, request::Parts};

/// The logged-in user of a page request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub org: Organisation,
    pub actor: Actor,
    pub session_hash: String,
}

impl CurrentUser {
    pub fn label(&self) -> &str {
        &self.user.email
    }
}

fn actor_for(user: &User, org: &Organisation, mfa_verified: bool, scope: Option<TokenScope>) -> Actor {
    Actor {
        user_id: user.id,
        org_id: org.id,
        jurisdiction: org.jurisdiction.clone(),
        roles: user.roles.clone(),
        mfa_verified,
        mfa_enrolled: user.mfa_enrolled() || scope.is_some(),
        token_scope: scope,
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let secret = cookie(&parts.headers, state.config.session_cookie()).ok_or(WebError::Unauthenticated)?;
        let hash = token::digest(secret);
        let (user, last_seen_at, mfa_verified) =
            accounts::by_live_session(&state.db, &hash, state.config.session_idle_secs)
                .await?
                .ok_or(WebError::Unauthenticated)?;
        if user.status != UserStatus::Active {
            return Err(WebError::Unauthenticated);
        }
        let org = state.organisation(user.org_id).await?;
        if last_seen_at < now() - 60 {
            sessions::touch(&state.db, &hash).await?;
        }
        let actor = actor_for(&user, &org, mfa_verified, None);
        let current = CurrentUser { user, org, actor, session_hash: hash };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(u) => Ok(Some(u)),
            Err(WebError::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The caller of an API route, authenticated by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub user: User,
    pub org: Organisation,
    pub actor: Actor,
    pub token_id: i64,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header =
            parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or(WebError::Unauthenticated)?;
        let secret = header.strip_prefix("Bearer ").map(str::trim).ok_or(WebError::Unauthenticated)?;
        let row = tokens::find_valid(&state.db, &token::digest(secret)).await?.ok_or(WebError::Unauthenticated)?;
        let scope = TokenScope::from_code(&row.scope).ok_or(WebError::Unauthenticated)?;
        let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
        let user = accounts::get(&mut conn, row.user_id).await?;
        drop(conn);
        if user.status != UserStatus::Active {
            return Err(WebError::Unauthenticated);
        }
        let org = state.organisation(user.org_id).await?;
        if row.last_used_at.is_none_or(|t| t < now() - 60) {
            tokens::mark_used(&state.db, row.id).await?;
        }
        let actor = actor_for(&user, &org, true, Some(scope));
        Ok(ApiUser { user, org, actor, token_id: row.id })
    }
}

/// Creates a new session (a fresh id: sessions are rotated at every privilege change) and
/// returns the `Set-Cookie` value.
pub async fn start_session(
    state: &AppState,
    ctx: &RequestCtx,
    user_id: i64,
    mfa_verified: bool,
    old_hash: Option<&str>,
) -> Result<HeaderValue, WebError> {
    let secret = token::new_secret("");
    let hash = token::digest(&secret);
    let mut tx = state.db.begin().await?;
    if let Some(old) = old_hash {
        sessions::delete(&mut tx, old).await?;
    }
    sessions::create(
        &mut tx,
        NewSession {
            id_hash: &hash,
            user_id,
            expires_at: now() + state.config.session_absolute_secs,
            mfa_verified,
            ip: &ctx.ip,
            user_agent: &ctx.user_agent,
        },
    )
    .await?;
    tx.commit().await.map_err(argine_storage::StorageError::from)?;
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.config.session_cookie(),
        state.config.session_absolute_secs
    ))
    .map_err(|e| WebError::Internal(e.into()))
}

/// A `Set-Cookie` value that deletes the session cookie.
pub fn end_session_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        state.config.session_cookie()
    ))
    .unwrap_or(HeaderValue::from_static("argine_session=; Path=/; Max-Age=0"))
}
