//! Database-backed job queue. Jobs are enqueued in the same transaction as the change that
//! causes them (outbox), claimed by workers (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
//! has a single writer, so a plain `UPDATE … RETURNING` suffices), retried with exponential
//! backoff. Handlers must be idempotent: a job may run again after a crash.

use crate::{Backend, Db, Result, now};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at";

/// Enqueues a job. With a `dedup_key`, a second job with the same key is not added.
pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    dedup_key: Option<&str>,
    max_attempts: i64,
) -> Result<Option<i64>> {
    let t = now();
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, dedup_key, created_at, updated_at)
         VALUES ($1, $2, 'queued', 0, $3, $4, $5, $4, $4)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(max_attempts)
    .bind(t)
    .bind(dedup_key)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Claims the next due job, marking it running with a lease of `lease_secs`. Jobs whose lease
/// expired (a worker died) are claimed again.
pub async fn claim(db: &Db, lease_secs: i64) -> Result<Option<Job>> {
    let t = now();
    let sql = match db.backend() {
        Backend::Postgres => {
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
             WHERE id = (SELECT id FROM jobs
                         WHERE (status = 'queued' AND run_at <= $2) OR (status = 'running' AND locked_until < $2)
                         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at"
        }
        Backend::Sqlite => {
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
             WHERE id = (SELECT id FROM jobs
                         WHERE (status = 'queued' AND run_at <= $2) OR (status = 'running' AND locked_until < $2)
                         ORDER BY run_at, id LIMIT 1)
             RETURNING id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at"
        }
    };
    let mut tx = db.begin().await?;
    let job: Option<Job> = sqlx::query_as(sql).bind(t + lease_secs).bind(t).fetch_optional(&mut *tx).await?;
    tx.commit().await?;
    Ok(job)
}

pub async fn complete(db: &Db, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = $1 WHERE id = $2",
    )
    .bind(now())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Backoff before attempt `attempts + 1`: 30 s, 2 min, 8 min, … capped at 6 h.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    (30_i64 * 4_i64.pow(exp)).min(6 * 3600)
}

/// Records a failure: requeued with backoff, or failed for good after `max_attempts`.
pub async fn fail(db: &Db, job: &Job, error: &str) -> Result<()> {
    let t = now();
    let final_failure = job.attempts >= job.max_attempts;
    sqlx::query(
        "UPDATE jobs SET status = $1, run_at = $2, locked_until = NULL, last_error = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(if final_failure { "failed" } else { "queued" })
    .bind(t + backoff_secs(job.attempts))
    .bind(error)
    .bind(t)
    .bind(job.id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Puts a failed job back in the queue (administrator's "retry").
pub async fn retry(db: &Db, id: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE jobs SET status = 'queued', run_at = $1, attempts = 0, updated_at = $1 WHERE id = $2 AND status = 'failed'")
        .bind(now())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn list(db: &Db, status: Option<&str>, limit: i64) -> Result<Vec<Job>> {
    let rows = match status {
        Some(s) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM jobs WHERE status = $1 ORDER BY id DESC LIMIT $2"
            )))
            .bind(s.to_owned())
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1")))
                .bind(limit)
                .fetch_all(db.pool())
                .await?
        }
    };
    Ok(rows)
}

/// Counts by status, for the administrators' page and metrics.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status").fetch_all(db.pool()).await?)
}
