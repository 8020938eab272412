//! The job worker: claims due jobs from the database queue and runs them. Runs inside
//! `argine serve` (several processes may run it: claims are exclusive).

use crate::config::{Config, MailConfig};
use anyhow::Context;
use argine_storage::jobs;
use argine_web::AppState;
use argine_web::census::mailing;
use argine_web::mail::{EmailMessage, JOB_KIND, decrypt_payload};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How e-mail leaves the system.
#[derive(Clone)]
pub enum Mailer {
    /// Development: each message becomes an `.eml` file in a folder.
    File(PathBuf),
    Smtp(Arc<AsyncSmtpTransport<Tokio1Executor>>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "Mailer::File({})", p.display()),
            Self::Smtp(_) => f.write_str("Mailer::Smtp"),
        }
    }
}

impl Mailer {
    pub fn from_config(cfg: &Config) -> anyhow::Result<Self> {
        let m: &MailConfig = &cfg.mail;
        Ok(match m.transport.as_str() {
            "smtp" => {
                let builder = match m.smtp_tls.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&m.smtp_host)?,
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&m.smtp_host),
                    _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&m.smtp_host)
                        .tls(Tls::Required(TlsParameters::new(m.smtp_host.clone())?)),
                };
                let mut builder = builder.port(m.smtp_port).timeout(Some(Duration::from_secs(20)));
                if !m.smtp_username.is_empty() {
                    builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                        m.smtp_username.clone(),
                        m.smtp_password.expose().to_owned(),
                    ));
                }
                Self::Smtp(Arc::new(builder.build()))
            }
            _ => Self::File(cfg.mail_dir()),
        })
    }

    /// Sends one message. `key` names the job so that a re-run rewrites the same file.
    pub async fn send(&self, from: &str, msg: &EmailMessage, key: &str) -> anyhow::Result<()> {
        let from: Mailbox = from.parse().context("invalid sender")?;
        let to: Mailbox = msg.to.parse().context("invalid recipient address")?;
        let builder = Message::builder().from(from).to(to).subject(msg.subject.clone());
        let email = if msg.attachments.is_empty() {
            builder.header(ContentType::TEXT_PLAIN).body(msg.text.clone())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(msg.text.clone()));
            for a in &msg.attachments {
                let kind = ContentType::parse(&a.content_type).context("attachment content type")?;
                parts = parts.singlepart(Attachment::new(a.filename.clone()).body(a.data.clone(), kind));
            }
            builder.multipart(parts)
        }
        .context("building the message")?;
        match self {
            Self::File(dir) => {
                tokio::fs::create_dir_all(dir).await.with_context(|| format!("creating {}", dir.display()))?;
                let path = dir.join(format!("{key}.eml"));
                tokio::fs::write(&path, email.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            Self::Smtp(t) => {
                t.send(email).await.context("SMTP delivery failed")?;
            }
        }
        Ok(())
    }
}

/// Runs one due job, if any. Returns whether a job was found.
pub async fn run_once(state: &AppState, mailer: &Mailer, from: &str) -> anyhow::Result<bool> {
    let db = &state.db;
    let Some(job) = jobs::claim(db, 300).await? else { return Ok(false) };
    let key = format!("job-{:08}", job.id);
    let result = match job.kind.as_str() {
        JOB_KIND => match decrypt_payload(&state.keyring, &job.payload) {
            Ok(msg) => mailer.send(from, &msg, &key).await,
            Err(e) => Err(anyhow::Error::new(e).context("cannot decrypt the e-mail payload")),
        },
        mailing::JOB_KIND => match mailing::compose(state, &job.payload).await {
            Ok(Some(msg)) => mailer.send(from, &msg, &key).await,
            Ok(None) => {
                tracing::info!(job_id = job.id, "census e-mail no longer due (submitted, closed or revoked): not sent");
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("composing the census e-mail")),
        },
        argine_web::reports::job::JOB_KIND => argine_web::reports::job::run(state, &job.payload)
            .await
            .map_err(|e| anyhow::Error::new(e).context("building the report")),
        argine_web::cases::retention::JOB_KIND => argine_web::cases::retention::run(state, &job.payload)
            .await
            .map(|_| ())
            .map_err(|e| anyhow::Error::new(e).context("case retention")),
        other => Err(anyhow::anyhow!("unknown job kind {other}")),
    };
    match result {
        Ok(()) => {
            jobs::complete(db, job.id).await?;
            metrics::counter!("jobs_total", "kind" => job.kind.clone(), "outcome" => "done").increment(1);
            tracing::info!(job_id = job.id, kind = %job.kind, "job done");
        }
        Err(e) => {
            // The error chain names the transport problem, never the payload.
            let message = format!("{e:#}");
            jobs::fail(db, &job, &message).await?;
            metrics::counter!("jobs_total", "kind" => job.kind.clone(), "outcome" => "failed").increment(1);
            tracing::warn!(job_id = job.id, kind = %job.kind, attempts = job.attempts, error = %message, "job failed");
        }
    }
    Ok(true)
}

/// Works the queue until `shutdown` resolves; idles for `idle` between empty polls.
pub async fn run(
    state: AppState,
    mailer: Mailer,
    from: String,
    idle: Duration,
    schedule_every: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut next_schedule = tokio::time::Instant::now();
    loop {
        if *shutdown.borrow() {
            return;
        }
        if tokio::time::Instant::now() >= next_schedule {
            next_schedule = tokio::time::Instant::now() + schedule_every;
            if let Err(e) = mailing::schedule(&state).await {
                tracing::error!(error = %e, "census mailing schedule failed");
            }
            match argine_web::cases::work::schedule_reminders(&state).await {
                Ok((0, 0)) => {}
                Ok((reminded, escalated)) => tracing::info!(reminded, escalated, "referral reminders queued"),
                Err(e) => tracing::error!(error = %e, "referral reminders failed"),
            }
            // Once a day (the job's dedup key is the day).
            if let Err(e) = argine_web::cases::retention::schedule(&state).await {
                tracing::error!(error = %e, "case retention schedule failed");
            }
        }
        match run_once(&state, &mailer, &from).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error.cause_chain = ?e, "job worker error"),
        }
        tokio::select! {
            _ = tokio::time::sleep(idle) => {}
            _ = shutdown.changed() => {}
        }
    }
}
