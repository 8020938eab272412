//! Queries to a Comune during data control (migration 0010): the secretariat's message about
//! an issue or a question, the secret link of the query (its SHA-256 only), the Comune's
//! answer, and the closing — with the correction made from the answer, or without change.

use crate::{Result, StorageError, now};
use sqlx::{AnyConnection, FromRow};

/// A query as stored, with its Comune and the state of its e-mail.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Query {
    pub id: i64,
    pub campaign_id: i64,
    pub invitation_id: i64,
    pub comune_code: String,
    pub comune_name: String,
    /// The data-control rule of the issue; "" for a free query.
    pub rule: String,
    pub subject: String,
    pub fingerprint: String,
    /// The question asked about (`FieldPath` as text); "" for none.
    pub path: String,
    pub message: String,
    /// `pec | email`
    pub channel: String,
    pub job_id: Option<i64>,
    /// The e-mail job's state: queued | running | done | failed (NULL once purged).
    pub job_status: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub opened_at: Option<i64>,
    /// `open | answered | closed` (`argine_domain::census::query::Status`).
    pub status: String,
    pub answer: Option<String>,
    pub proposed_value: Option<String>,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
    /// `corrected | unchanged`
    pub outcome: Option<String>,
    pub close_note: String,
    pub correction_id: Option<i64>,
}

impl Query {
    pub fn is_closed(&self) -> bool {
        self.status == "closed"
    }

    /// Whether the link still works at `t`: not expired, query not closed.
    pub fn link_works_at(&self, t: i64) -> bool {
        !self.is_closed() && self.expires_at >= t
    }
}

const COLUMNS: &str = "SELECT q.id, q.campaign_id, q.invitation_id, i.comune_code, i.comune_name, q.rule, q.subject,
        q.fingerprint, q.path, q.message, q.channel, q.job_id, j.status AS job_status, q.created_by, q.created_at,
        q.expires_at, q.opened_at, q.status, q.answer, q.proposed_value, q.answered_at, q.closed_at, q.closed_by,
        q.outcome, q.close_note, q.correction_id
     FROM census_queries q JOIN census_invitations i ON i.id = q.invitation_id
     LEFT JOIN jobs j ON j.id = q.job_id";

/// A new query (parse it with `argine_domain::census::query::NewQuery` first).
pub struct NewQuery<'a> {
    pub invitation_id: i64,
    pub rule: &'a str,
    pub subject: &'a str,
    pub fingerprint: &'a str,
    pub path: &'a str,
    pub message: &'a str,
    pub channel: &'a str,
    /// SHA-256 (hex) of the link's token.
    pub token_hash: &'a str,
    pub expires_at: i64,
}

/// Records a query of the invitation's campaign; returns its id. `NotFound` for an unknown
/// invitation.
pub async fn create_query(conn: &mut AnyConnection, q: &NewQuery<'_>, by: Option<i64>) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO census_queries (campaign_id, invitation_id, rule, subject, fingerprint, path, message, channel,
             created_by, created_at, token_hash, expires_at)
         SELECT campaign_id, id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM census_invitations WHERE id = $11
         RETURNING id",
    )
    .bind(q.rule)
    .bind(q.subject)
    .bind(q.fingerprint)
    .bind(q.path)
    .bind(q.message)
    .bind(q.channel)
    .bind(by)
    .bind(now())
    .bind(q.token_hash)
    .bind(q.expires_at)
    .bind(q.invitation_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| r.0).ok_or(StorageError::NotFound)
}

/// Links a query to the job that sends its e-mail.
pub async fn set_query_job(conn: &mut AnyConnection, id: i64, job_id: i64) -> Result<()> {
    sqlx::query("UPDATE census_queries SET job_id = $1 WHERE id = $2")
        .bind(job_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn query(conn: &mut AnyConnection, id: i64) -> Result<Query> {
    let sql = format!("{COLUMNS} WHERE q.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?)
}

/// The query whose link has this token hash (closed and expired ones too: the caller says why
/// a link no longer works).
pub async fn query_by_link(conn: &mut AnyConnection, token_hash: &str) -> Result<Query> {
    let sql = format!("{COLUMNS} WHERE q.token_hash = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_one(&mut *conn).await?)
}

/// The queries of a campaign, newest first; with `status`, those in that state.
pub async fn queries(conn: &mut AnyConnection, campaign_id: i64, status: Option<&str>) -> Result<Vec<Query>> {
    let rows = match status {
        Some(s) => {
            let sql = format!("{COLUMNS} WHERE q.campaign_id = $1 AND q.status = $2 ORDER BY q.id DESC");
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(s).fetch_all(&mut *conn).await?
        }
        None => {
            let sql = format!("{COLUMNS} WHERE q.campaign_id = $1 ORDER BY q.id DESC");
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).fetch_all(&mut *conn).await?
        }
    };
    Ok(rows)
}

/// The queries of one invitation, newest first.
pub async fn queries_of(conn: &mut AnyConnection, invitation_id: i64) -> Result<Vec<Query>> {
    let sql = format!("{COLUMNS} WHERE q.invitation_id = $1 ORDER BY q.id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(invitation_id).fetch_all(&mut *conn).await?)
}

/// Counts of a campaign's queries by status.
pub async fn query_counts(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT status, COUNT(*) FROM census_queries WHERE campaign_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Stamps the first opening of a query's link.
pub async fn mark_query_opened(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE census_queries SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores the Comune's answer (replacing an earlier one) through the link whose token hash is
/// `link`, at `at`. `Conflict` when the query is closed or the link expired: the answer is not
/// taken then.
pub async fn answer_query(
    conn: &mut AnyConnection,
    id: i64,
    answer: &str,
    proposed: Option<&str>,
    link: &str,
    at: i64,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_queries SET status = 'answered', answer = $1, proposed_value = $2, answered_at = $3,
             answer_link = $4
         WHERE id = $5 AND status <> 'closed' AND expires_at >= $3 AND token_hash = $4",
    )
    .bind(answer)
    .bind(proposed)
    .bind(at)
    .bind(link)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::Conflict("census_queries_closed".into())) } else { Ok(()) }
}

/// How the secretariat closes a query.
pub enum Closing<'a> {
    /// The answer was applied as this correction.
    Corrected { correction_id: i64, note: &'a str },
    /// Nothing changes, for this reason.
    Unchanged { note: &'a str },
}

/// Closes a query that is not closed yet. `answered_at` is the time of the answer the
/// secretariat saw (`None`: no answer yet): if the Comune has answered or changed its answer
/// since, nothing is closed and the result is `Conflict`, as it is for a query already closed.
pub async fn close_query(
    conn: &mut AnyConnection,
    id: i64,
    answered_at: Option<i64>,
    closing: &Closing<'_>,
    by: Option<i64>,
) -> Result<()> {
    let (outcome, correction, note) = match closing {
        Closing::Corrected { correction_id, note } => ("corrected", Some(*correction_id), *note),
        Closing::Unchanged { note } => ("unchanged", None, *note),
    };
    // The answer's time as seen (-1 for none, so that the comparison is plain equality).
    let r = sqlx::query(
        "UPDATE census_queries SET status = 'closed', closed_at = $1, closed_by = $2, outcome = $3, close_note = $4,
             correction_id = $5
         WHERE id = $6 AND status <> 'closed' AND COALESCE(answered_at, -1) = $7",
    )
    .bind(now())
    .bind(by)
    .bind(outcome)
    .bind(note)
    .bind(correction)
    .bind(id)
    .bind(answered_at.unwrap_or(-1))
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::Conflict("census_queries_changed".into())) } else { Ok(()) }
}
