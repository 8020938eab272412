//! Authentication (sessions, API tokens, login, MFA, recovery) and the bridge to the one
//! authorization function.

pub mod login;
pub mod mfa;
pub mod recovery;
mod session;

pub use session::{ApiUser, CurrentUser, end_session_cookie, start_session};

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Actor, Decision, Denial, Resource, authorize};
use argine_storage::audit::{self, NewEntry};

/// Asks [`authorize`]; a denial is written to the audit log and becomes 403 (or a redirect to
/// the second-factor page when that is what is missing).
pub async fn check(
    state: &AppState,
    ctx: &RequestCtx,
    actor: &Actor,
    label: &str,
    action: Action,
    resource: &Resource,
) -> WebResult<()> {
    match authorize(actor, action, resource) {
        Decision::Allow => Ok(()),
        Decision::Deny(Denial::MfaRequired) if actor.token_scope.is_none() => Err(WebError::MfaRequired),
        Decision::Deny(reason) => {
            let entry = NewEntry {
                actor_user_id: Some(actor.user_id),
                actor_label: label.to_owned(),
                action: "access.denied".into(),
                outcome: "denied".into(),
                record_type: resource_type(resource).into(),
                record_id: resource_id(resource),
                ip: ctx.ip.clone(),
                request_id: ctx.request_id.clone(),
                details: serde_json::json!({ "action": action, "reason": format!("{reason:?}"), "path": ctx.path })
                    .to_string(),
                ..Default::default()
            };
            if let Err(e) = audit::record(&state.db, &entry).await {
                tracing::error!(error = %e, "could not audit a denied access");
            }
            Err(WebError::Forbidden)
        }
    }
}

fn resource_type(r: &Resource) -> &'static str {
    match r {
        Resource::System => "system",
        Resource::User { .. } | Resource::Users => "user",
        Resource::Organisation { .. } | Resource::Organisations => "organisation",
        Resource::Territory(_) => "territory",
        Resource::AuditLog => "audit_log",
        Resource::JobQueue => "job",
        Resource::Protocol { .. } => "protocol",
        Resource::WorkingGroup { .. } => "working_group",
        Resource::Network => "network",
        Resource::Census => "census",
        Resource::Settlements => "settlements",
        Resource::Cases | Resource::Case(_) | Resource::CaseField { .. } => "case",
        Resource::Referral { .. } => "referral",
        Resource::FieldRecord { .. } => "field_record",
        Resource::FieldWork => "field_work",
    }
}

fn resource_id(r: &Resource) -> String {
    match r {
        Resource::User { id, .. }
        | Resource::Organisation { id, .. }
        | Resource::Protocol { id, .. }
        | Resource::WorkingGroup { id, .. } => id.to_string(),
        Resource::Territory(p) => p.comune.clone().or_else(|| p.province.clone()).unwrap_or_else(|| p.region.clone()),
        Resource::Case(c) | Resource::CaseField { case: c, .. } | Resource::Referral { case: c, .. } => {
            c.case_id.to_string()
        }
        _ => String::new(),
    }
}

/// Writes an audit entry for an event of the current request.
pub async fn audit_event(
    state: &AppState,
    ctx: &RequestCtx,
    actor: Option<(i64, &str)>,
    action: &str,
    outcome: &str,
    record: (&str, String),
    details: serde_json::Value,
) {
    let entry = NewEntry {
        actor_user_id: actor.map(|a| a.0),
        actor_label: actor.map_or_else(|| "anonymous".to_owned(), |a| a.1.to_owned()),
        action: action.into(),
        outcome: outcome.into(),
        record_type: record.0.into(),
        record_id: record.1,
        personal: false,
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
        details: details.to_string(),
    };
    if let Err(e) = audit::record(&state.db, &entry).await {
        tracing::error!(error = %e, action, "could not write audit entry");
    }
}

/// Records a read of a record marked personal (`personal = true`), before it is shown. If the
/// entry cannot be written the read does not happen.
pub async fn audit_personal_read(
    state: &AppState,
    ctx: &RequestCtx,
    actor: (i64, &str),
    record: (&str, String),
    details: serde_json::Value,
) -> WebResult<()> {
    let entry = NewEntry {
        actor_user_id: Some(actor.0),
        actor_label: actor.1.to_owned(),
        action: format!("{}.read", record.0),
        outcome: "ok".into(),
        record_type: record.0.into(),
        record_id: record.1,
        personal: true,
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
        details: details.to_string(),
    };
    audit::record(&state.db, &entry).await?;
    Ok(())
}

/// Runs a password hash or verification on the blocking pool, at most two at a time.
pub async fn hash_blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> T + Send + 'static,
) -> WebResult<T> {
    let _permit = state.hash_permits.acquire().await.map_err(|e| WebError::Internal(e.into()))?;
    tokio::task::spawn_blocking(f).await.map_err(|e| WebError::Internal(e.into()))
}
