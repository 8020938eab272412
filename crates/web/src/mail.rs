//! E-mails are composed here and queued as jobs in the same transaction as the change that
//! causes them; the worker (in the `argine` crate) sends them. Payloads are encrypted with the
//! field keyring: they hold addresses and single-use links, which must not sit in the database
//! in plain text.

use crate::AppState;
use crate::i18n::{Lang, Tr};
use argine_domain::auth::token;
use argine_storage::accounts::{self, LinkPurpose, User};
use argine_storage::{StorageError, jobs};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

pub const JOB_KIND: &str = "email";
const PAYLOAD_AAD: &str = "jobs.email";
pub const RESET_TTL_SECS: i64 = 3600;
pub const INVITE_TTL_SECS: i64 = 7 * 24 * 3600;

/// One message to send.
#[derive(Clone, Serialize, Deserialize)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Files attached (composed at send time, never stored in a job's payload).
    #[serde(default, skip)]
    pub attachments: Vec<Attachment>,
}

/// A file attached to a message.
#[derive(Clone, Default)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for EmailMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailMessage").field("subject", &self.subject).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("encryption: {0}")]
    Crypto(#[from] argine_domain::crypto::CryptoError),
    #[error("payload: {0}")]
    Payload(#[from] serde_json::Error),
}

impl From<MailError> for crate::error::WebError {
    fn from(e: MailError) -> Self {
        Self::Internal(anyhow::Error::new(e))
    }
}

pub async fn enqueue(conn: &mut AnyConnection, state: &AppState, msg: &EmailMessage) -> Result<(), MailError> {
    enqueue_job(conn, state, msg).await.map(|_| ())
}

/// [`enqueue`], returning the job's id (to show the state of the sending).
pub async fn enqueue_job(
    conn: &mut AnyConnection,
    state: &AppState,
    msg: &EmailMessage,
) -> Result<Option<i64>, MailError> {
    let payload = state.keyring.encrypt(serde_json::to_string(msg)?.as_bytes(), PAYLOAD_AAD)?;
    Ok(jobs::enqueue(conn, JOB_KIND, &payload, None, 8).await?)
}

pub fn decrypt_payload(keyring: &argine_domain::crypto::Keyring, payload: &str) -> Result<EmailMessage, MailError> {
    Ok(serde_json::from_slice(&keyring.decrypt(payload, PAYLOAD_AAD)?)?)
}

fn lang_of(user: &User, fallback: Lang) -> Lang {
    user.locale.as_deref().and_then(Lang::from_code).unwrap_or(fallback)
}

async fn link(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    purpose: LinkPurpose,
    ttl: i64,
) -> Result<String, MailError> {
    let secret = token::new_secret("");
    accounts::create_link(conn, &token::digest(&secret), purpose, user.id, ttl).await?;
    let base = state.config.public_url.trim_end_matches('/');
    Ok(match purpose {
        LinkPurpose::PasswordReset => format!("{base}/password/reimposta/{secret}"),
        LinkPurpose::Invitation => format!("{base}/invito/{secret}"),
    })
}

/// A password-reset link sent with the given subject and body (reset requested, or account locked).
async fn enqueue_reset_link(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    lang: Lang,
    subject_id: &str,
    body_id: &str,
) -> Result<(), MailError> {
    let tr = Tr::new(lang_of(user, lang));
    let url = link(conn, state, user, LinkPurpose::PasswordReset, RESET_TTL_SECS).await?;
    let msg = EmailMessage {
        to: user.email.clone(),
        subject: tr.t(subject_id),
        text: tr.args(
            body_id,
            &[("name", user.display_name.clone()), ("link", url), ("minutes", (RESET_TTL_SECS / 60).to_string())],
        ),
        attachments: Vec::new(),
    };
    enqueue(conn, state, &msg).await
}

/// Password reset requested by the user.
pub async fn enqueue_reset(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<(), MailError> {
    enqueue_reset_link(conn, state, user, lang, "mail-reset-subject", "mail-reset-body").await
}

/// The account was locked after too many failed logins: tell its owner and give a way back.
pub async fn enqueue_account_locked(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<(), MailError> {
    enqueue_reset_link(conn, state, user, lang, "mail-locked-subject", "mail-locked-body").await
}

pub async fn enqueue_invitation(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &User,
    org_name: &str,
    lang: Lang,
) -> Result<(), MailError> {
    let tr = Tr::new(lang_of(user, lang));
    let url = link(conn, state, user, LinkPurpose::Invitation, INVITE_TTL_SECS).await?;
    let msg = EmailMessage {
        to: user.email.clone(),
        subject: tr.t1("mail-invite-subject", "instance", state.config.instance_name.clone()),
        text: tr.args(
            "mail-invite-body",
            &[("name", user.display_name.clone()), ("org", org_name.to_owned()), ("link", url), ("days", "7".into())],
        ),
        attachments: Vec::new(),
    };
    enqueue(conn, state, &msg).await
}
