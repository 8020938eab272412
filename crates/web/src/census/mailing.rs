//! Invitation and reminder e-mails of census campaigns, on each campaign's schedule.
//!
//! [`schedule`] runs periodically in the job worker: it finds the e-mails due (the invitation
//! once a campaign has opened, then a reminder every `reminder_days` until the Comune submits,
//! at most `reminders`, none after the deadline) and queues each as a job, recording it in the
//! same transaction so that it is queued once. The job carries only the invitation and the
//! reminder number; [`compose`] writes the message when the job runs — in Italian, with the
//! Comune, the deadline and its secret link, and the compilation guide attached as PDF — and
//! writes nothing if the Comune has submitted in the meantime. A failed send is retried with
//! backoff by the queue and shown on the campaign page, where it can be retried by hand.

use super::document::{GuideContext, guide_data, render};
use super::forms::definition;
use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::mail::{Attachment, EmailMessage};
use argine_storage::census::{self, DueMail};
use argine_storage::{StorageError, jobs};
use serde::{Deserialize, Serialize};

pub const JOB_KIND: &str = "census.mail";
/// The associated data of an encrypted link secret.
pub const LINK_AAD: &str = "census_invitations.link_secret";
/// Attempts before a send is left failed (about a day and a half of backoff).
const MAX_ATTEMPTS: i64 = 10;
/// E-mails queued per look at the schedule (the rest on the next look).
const BATCH: i64 = 500;

/// A job's payload: nothing personal, nothing secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailJob {
    pub invitation: i64,
    pub seq: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("job payload: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("the invitation's link cannot be decrypted (was the field key rotated away?)")]
    Link,
    #[error("the questionnaire cannot be read: {0}")]
    Form(String),
    #[error("the compilation guide could not be typeset: {0}")]
    Pdf(String),
}

/// Today in Italian time, as an ISO date.
fn today() -> String {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string()
}

/// Where a Comune's e-mails go: `(channel, address)`, its PEC first, else its e-mail.
pub fn recipient(inv: &census::Invitation) -> Option<(&'static str, String)> {
    match (&inv.pec, &inv.email) {
        (Some(pec), _) => Some(("pec", pec.clone())),
        (None, Some(email)) => Some(("email", email.clone())),
        (None, None) => None,
    }
}

/// Queues the e-mails due now. Returns how many were queued.
pub async fn schedule(state: &AppState) -> Result<usize, MailingError> {
    let now = argine_storage::now();
    let mut conn = state.db.pool().acquire().await.map_err(StorageError::from)?;
    let due = census::due_mails(&mut conn, now, &today(), BATCH).await?;
    drop(conn);
    let mut queued = 0;
    for d in &due {
        if queue(state, d).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        tracing::info!(queued, "census e-mails queued");
    }
    Ok(queued)
}

/// Queues one due e-mail and records it, atomically; false if another worker got there first.
async fn queue(state: &AppState, d: &DueMail) -> Result<bool, MailingError> {
    let mut tx = state.db.begin().await?;
    let inv = census::invitation(&mut tx, d.invitation_id).await?;
    let channel = recipient(&inv).map_or("email", |(c, _)| c);
    let payload = serde_json::to_string(&MailJob { invitation: d.invitation_id, seq: d.seq })?;
    let key = format!("census-mail:{}:{}", d.invitation_id, d.seq);
    let Some(job) = jobs::enqueue(&mut tx, JOB_KIND, &payload, Some(&key), MAX_ATTEMPTS).await? else {
        return Ok(false);
    };
    match census::record_mail(&mut tx, d, channel, Some(job)).await {
        Ok(()) => {}
        Err(StorageError::Conflict(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await.map_err(StorageError::from)?;
    Ok(true)
}

/// The message of a census mail job, or `None` when it must not be sent any more: the
/// Comune submitted (a reminder), the campaign closed, or the link was revoked.
pub async fn compose(state: &AppState, payload: &str) -> Result<Option<EmailMessage>, MailingError> {
    let job: MailJob = serde_json::from_str(payload)?;
    let mut conn = state.db.pool().acquire().await.map_err(StorageError::from)?;
    let inv = census::invitation(&mut conn, job.invitation).await?;
    let campaign = census::campaign(&mut conn, inv.campaign_id).await?;
    if campaign.status != "open" || inv.token_revoked_at.is_some() || (job.seq > 0 && inv.submitted_at.is_some()) {
        return Ok(None);
    }
    let Some((_, to)) = recipient(&inv) else { return Ok(None) };
    let secret = census::link_secret(&mut conn, inv.id).await?.ok_or(MailingError::Link)?;
    let secret = state.keyring.decrypt(&secret, LINK_AAD).map_err(|_| MailingError::Link)?;
    let secret = String::from_utf8(secret).map_err(|_| MailingError::Link)?;
    let version = census::version(&mut conn, campaign.form_version_id).await?;
    drop(conn);
    let form = definition(&version).map_err(|e| MailingError::Form(format!("{e:?}")))?;

    let tr = Tr::new(Lang::It);
    let link = format!("{}/risposta/{secret}", state.config.public_url.trim_end_matches('/'));
    let args = [
        ("comune", inv.comune_name.clone()),
        ("campaign", campaign.name.clone()),
        ("deadline", tr.date(&campaign.deadline)),
        ("link", link),
        ("instance", state.config.instance_name.clone()),
        ("n", job.seq.to_string()),
    ];
    let (subject, body) = if job.seq == 0 {
        ("census-mail-invitation-subject", "census-mail-invitation-body")
    } else {
        ("census-mail-reminder-subject", "census-mail-reminder-body")
    };
    let guide = GuideContext { campaign: &campaign.name, deadline: &campaign.deadline, comune: Some(&inv.comune_name) };
    let data = guide_data(&tr, &form, &state.config.instance_name, Some(&guide));
    let pdf = state.pdf.clone();
    let guide_pdf = tokio::task::spawn_blocking(move || render(&pdf, &data))
        .await
        .map_err(|e| MailingError::Pdf(e.to_string()))?
        .map_err(|e| MailingError::Pdf(e.to_string()))?;
    Ok(Some(EmailMessage {
        to,
        subject: tr.args(subject, &args),
        text: tr.args(body, &args),
        attachments: vec![Attachment {
            filename: "guida-alla-compilazione.pdf".into(),
            content_type: "application/pdf".into(),
            data: guide_pdf,
        }],
    }))
}

/// Gives an invitation a new secret link valid until `expires_at`, keeping the token encrypted
/// for the e-mails. Returns the token (shown once to whoever asked for it).
pub async fn issue_link(
    conn: &mut sqlx::AnyConnection,
    keyring: &argine_domain::crypto::Keyring,
    invitation_id: i64,
    expires_at: i64,
) -> Result<String, MailingError> {
    use argine_domain::auth::token;
    let secret = token::new_secret("");
    census::set_link(conn, invitation_id, &token::digest(&secret), expires_at).await?;
    let encrypted = keyring.encrypt(secret.as_bytes(), LINK_AAD).map_err(|_| MailingError::Link)?;
    census::set_link_secret(conn, invitation_id, &encrypted).await?;
    Ok(secret)
}
