//! The operations on a case shared by the pages and the API: each asks `authorize` itself
//! (through [`check`], which audits a denial), validates, writes in one transaction with the
//! timeline event and the audit entry, and says why it refused in codes the caller renders
//! (a Fluent id for a page, a JSON problem for the API).

use super::vault::{self, Loaded, Who};
use crate::AppState;
use crate::auth::check;
use crate::error::WebResult;
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Resource};
use argine_domain::cases::consent::{self, Gap, Purpose};
use argine_domain::cases::identity::parse_date;
use argine_domain::cases::{FieldGroup, ReferralStatus, Stage};
use argine_storage::cases as store;
use serde_json::json;

/// Longest reason or response accepted, in characters.
pub const MAX_REASON: usize = 4000;

/// Why an operation was refused although the caller may do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The person's consents do not cover the referral (message id `consent-gap-<code>`).
    Consent(Gap),
    /// A field of the request is wrong: (field, Fluent message id).
    Invalid(&'static str, &'static str),
    /// The case or referral is not in a state that allows it (Fluent message id).
    State(&'static str),
}

/// A referral to another organisation, as asked.
#[derive(Debug, Clone, Default)]
pub struct Referral {
    pub to_org: i64,
    pub service: Option<i64>,
    /// The field groups to share; each must be in the consent that covers the referral.
    pub fields: Vec<FieldGroup>,
    /// Why (encrypted with the person's key).
    pub reason: String,
    /// Answer expected by (YYYY-MM-DD).
    pub due_on: String,
}

/// Refers the case's person to `r.to_org`: the owner organisation only (`ManageCase`), only
/// with an active consent naming the organisation, the referral purpose and every field group
/// shared. Returns the referral's id.
pub async fn refer(
    state: &AppState,
    ctx: &RequestCtx,
    who: &Who<'_>,
    l: &Loaded,
    r: &Referral,
) -> WebResult<Result<i64, Refused>> {
    check(state, ctx, who.actor, who.label, Action::ManageCase, &l.resource()).await?;
    if l.is_anonymised() || Stage::from_code(&l.case.stage) == Some(Stage::Closed) {
        return Ok(Err(Refused::State("case-closed")));
    }
    if r.to_org == l.case.owner_org {
        return Ok(Err(Refused::Invalid("to_org", "referral-to-self")));
    }
    match state.organisation(r.to_org).await {
        Ok(_) => {}
        Err(argine_storage::StorageError::NotFound) => {
            return Ok(Err(Refused::Invalid("to_org", "referral-to-unknown")));
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(sid) = r.service {
        let mut conn = state.db.pool().acquire().await?;
        match argine_storage::services::get(&mut conn, sid).await {
            Ok(s) if s.org_id == r.to_org && s.status == "active" => {}
            Ok(_) | Err(argine_storage::StorageError::NotFound) => {
                return Ok(Err(Refused::Invalid("service_id", "referral-service-invalid")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if r.fields.is_empty() {
        return Ok(Err(Refused::Invalid("fields", "referral-fields-empty")));
    }
    match parse_date(&r.due_on) {
        None => return Ok(Err(Refused::Invalid("due_on", "referral-due-invalid"))),
        Some(d) if d < argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date() => {
            return Ok(Err(Refused::Invalid("due_on", "referral-due-past")));
        }
        Some(_) => {}
    }
    if r.reason.trim().is_empty() {
        return Ok(Err(Refused::Invalid("reason", "referral-reason-empty")));
    }
    if r.reason.chars().count() > MAX_REASON {
        return Ok(Err(Refused::Invalid("reason", "referral-reason-too-long")));
    }
    let consent = match consent::covering(&l.domain_consents(), Purpose::Referral, r.to_org, &r.fields) {
        Ok(c) => c,
        Err(gap) => return Ok(Err(Refused::Consent(gap))),
    };
    let Some(key) = vault::data_key(state, &l.person)? else {
        return Ok(Err(Refused::State("case-closed")));
    };
    let fields = FieldGroup::list_code(&r.fields);
    let mut tx = state.db.begin().await?;
    let id = store::add_referral(
        &mut tx,
        &store::NewReferral {
            case: l.case.id,
            from_org: l.case.owner_org,
            to_org: r.to_org,
            service: r.service,
            consent,
            fields: &fields,
            due_on: r.due_on.trim(),
            by: who.user_id,
        },
    )
    .await?;
    let reason = vault::seal_text(&key, r.reason.trim(), &vault::aad("referrals.reason", id))?;
    store::set_referral_reason(&mut tx, id, &reason).await?;
    let detail = json!({"referral": id, "to": r.to_org, "service": r.service, "fields": fields, "consent": consent});
    store::add_event(&mut tx, l.case.id, Some(who.actor.org_id), Some(who.user_id), "referral", &detail).await?;
    vault::audit_case_write(&mut tx, ctx, who, "case.refer", l.case.id, detail).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// The answer of the receiving organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
}

impl Decision {
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "accept" => Some(Self::Accept),
            "decline" => Some(Self::Decline),
            _ => None,
        }
    }

    fn status(self) -> ReferralStatus {
        match self {
            Self::Accept => ReferralStatus::Accepted,
            Self::Decline => ReferralStatus::Declined,
        }
    }
}

/// Accepts or declines referral `referral` (`RespondReferral` on the referral: the organisation
/// it is addressed to). A decline needs a reason. Returns the case's id.
pub async fn respond(
    state: &AppState,
    ctx: &RequestCtx,
    who: &Who<'_>,
    referral: i64,
    decision: Option<Decision>,
    reason: &str,
) -> WebResult<Result<i64, Refused>> {
    let r = store::referral(&mut *state.db.pool().acquire().await?, referral).await?;
    let l = vault::load(state, r.case_id).await?;
    let resource = Resource::Referral { case: l.access.clone(), to_org: r.to_org };
    check(state, ctx, who.actor, who.label, Action::RespondReferral, &resource).await?;
    let Some(decision) = decision else {
        return Ok(Err(Refused::Invalid("decision", "referral-decision-invalid")));
    };
    let reason = reason.trim();
    if decision == Decision::Decline && reason.is_empty() {
        return Ok(Err(Refused::Invalid("reason", "referral-decline-reason")));
    }
    if reason.chars().count() > MAX_REASON {
        return Ok(Err(Refused::Invalid("reason", "referral-reason-too-long")));
    }
    if ReferralStatus::from_code(&r.status) != Some(ReferralStatus::Pending) {
        return Ok(Err(Refused::State("referral-not-pending")));
    }
    let Some(key) = vault::data_key(state, &l.person)? else {
        return Ok(Err(Refused::State("case-closed")));
    };
    let response = vault::seal_text(&key, reason, &vault::aad("referrals.response", r.id))?;
    let status = decision.status();
    let mut tx = state.db.begin().await?;
    if !store::respond_referral(&mut tx, r.id, status.code(), who.user_id, &response).await? {
        return Ok(Err(Refused::State("referral-not-pending")));
    }
    let kind = match decision {
        Decision::Accept => "referral_accepted",
        Decision::Decline => "referral_declined",
    };
    let detail = json!({"referral": r.id, "to": r.to_org});
    store::add_event(&mut tx, l.case.id, Some(who.actor.org_id), Some(who.user_id), kind, &detail).await?;
    let audit = json!({"referral": r.id, "to": r.to_org, "decision": status.code()});
    vault::audit_case_write(&mut tx, ctx, who, "case.referral_response", l.case.id, audit).await?;
    tx.commit().await?;
    Ok(Ok(l.case.id))
}
