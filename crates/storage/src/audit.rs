//! The append-only, hash-chained audit log.
//!
//! Appends take a lock (SQLite's write lock through `BEGIN IMMEDIATE`; an advisory transaction
//! lock on PostgreSQL) so that the chain never forks, and usually run in the same transaction as
//! the change they record.

use crate::{Db, Result, flag};
use argine_domain::audit::{ChainBreak, ChainVerifier, EntryFields, GENESIS, StoredEntry, entry_hash};
use sqlx::{AnyConnection, FromRow};
use time::format_description::well_known::Rfc3339;

/// What happened, written by the caller.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub actor_user_id: Option<i64>,
    /// Who, as shown to auditors (e-mail or `system`/`cli`).
    pub actor_label: String,
    /// Dotted verb, e.g. `user.login`, `user.lock`, `person.read`.
    pub action: String,
    /// `ok`, `denied`, `failed`.
    pub outcome: String,
    pub record_type: String,
    pub record_id: String,
    /// The entry records a read of a record marked personal.
    pub personal: bool,
    pub ip: String,
    pub request_id: String,
    /// JSON object with extra context; never secrets or personal field values.
    pub details: String,
}

/// Appends one entry; returns its sequence number.
pub async fn append(conn: &mut AnyConnection, e: &NewEntry) -> Result<i64> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock(727172)").execute(&mut *conn).await?;
    }
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let now = time::OffsetDateTime::now_utc();
    let at = now.replace_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now).format(&Rfc3339).unwrap_or_default();
    let details = if e.details.is_empty() { "{}" } else { e.details.as_str() };
    let fields = EntryFields {
        seq,
        at: &at,
        actor_user_id: e.actor_user_id,
        actor_label: &e.actor_label,
        action: &e.action,
        outcome: &e.outcome,
        record_type: &e.record_type,
        record_id: &e.record_id,
        personal: e.personal,
        ip: &e.ip,
        request_id: &e.request_id,
        details,
    };
    let hash = entry_hash(&prev, &fields);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, at_unix, actor_user_id, actor_label, action, outcome, record_type, record_id,
                                personal, ip, request_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(seq)
    .bind(&at)
    .bind(now.unix_timestamp())
    .bind(e.actor_user_id)
    .bind(&e.actor_label)
    .bind(&e.action)
    .bind(&e.outcome)
    .bind(&e.record_type)
    .bind(&e.record_id)
    .bind(i64::from(e.personal))
    .bind(&e.ip)
    .bind(&e.request_id)
    .bind(details)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

/// Appends in a transaction of its own (for events that are not part of a data change:
/// logins, failures, reads of personal data).
pub async fn record(db: &Db, e: &NewEntry) -> Result<i64> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(seq)
}

#[derive(Debug, Clone, FromRow)]
struct Row {
    seq: i64,
    at: String,
    actor_user_id: Option<i64>,
    actor_label: String,
    action: String,
    outcome: String,
    record_type: String,
    record_id: String,
    personal: i64,
    ip: String,
    request_id: String,
    details: String,
    prev_hash: String,
    hash: String,
}

impl From<Row> for StoredEntry {
    fn from(r: Row) -> Self {
        StoredEntry {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor_label: r.actor_label,
            action: r.action,
            outcome: r.outcome,
            record_type: r.record_type,
            record_id: r.record_id,
            personal: flag(r.personal),
            ip: r.ip,
            request_id: r.request_id,
            details: r.details,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "SELECT seq, at, actor_user_id, actor_label, action, outcome, record_type, record_id, personal, ip, \
                       request_id, details, prev_hash, hash FROM audit_log";

/// Result of verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub head: String,
    pub broken: Option<ChainBreak>,
}

/// Walks the whole log in order, in batches.
pub async fn verify(db: &Db) -> Result<Verification> {
    let mut v = ChainVerifier::default();
    let mut after = i64::MIN;
    loop {
        let rows: Vec<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT 5000")))
                .bind(after)
                .fetch_all(db.pool())
                .await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for r in rows {
            let e = StoredEntry::from(r);
            if let Err(b) = v.push(&e) {
                return Ok(Verification { checked: v.checked, head: v.head().to_owned(), broken: Some(b) });
            }
        }
    }
    Ok(Verification { checked: v.checked, head: v.head().to_owned(), broken: None })
}

/// Search filters for the administrators' page; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Matches the actor's label (substring, case-insensitive) or exact user id.
    pub actor: Option<String>,
    /// Matches the action by prefix (`user.` finds every user event).
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub from_unix: Option<i64>,
    pub to_unix: Option<i64>,
    pub personal_only: bool,
    /// Entries older than this sequence number (paging).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

pub async fn search(db: &Db, f: &Filter) -> Result<Vec<StoredEntry>> {
    // Only constant fragments are concatenated; every value is a bound parameter.
    let mut sql = format!("{COLUMNS} WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let actor_id = f.actor.as_deref().and_then(|a| a.trim().parse::<i64>().ok());
    if f.actor.is_some() {
        if actor_id.is_some() {
            sql += &format!(" AND actor_user_id = {}", next());
        } else {
            sql += &format!(" AND LOWER(actor_label) LIKE {}", next());
        }
    }
    if f.action.is_some() {
        sql += &format!(" AND action LIKE {}", next());
    }
    if f.record_type.is_some() {
        sql += &format!(" AND record_type = {}", next());
    }
    if f.record_id.is_some() {
        sql += &format!(" AND record_id = {}", next());
    }
    if f.from_unix.is_some() {
        sql += &format!(" AND at_unix >= {}", next());
    }
    if f.to_unix.is_some() {
        sql += &format!(" AND at_unix < {}", next());
    }
    if f.personal_only {
        sql += " AND personal = 1";
    }
    if f.before_seq.is_some() {
        sql += &format!(" AND seq < {}", next());
    }
    sql += &format!(" ORDER BY seq DESC LIMIT {}", next());
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
    if let Some(a) = &f.actor {
        match actor_id {
            Some(id) => q = q.bind(id),
            None => q = q.bind(format!("%{}%", escape_like(&a.trim().to_lowercase()))),
        }
    }
    if let Some(a) = &f.action {
        q = q.bind(format!("{}%", escape_like(a.trim())));
    }
    if let Some(v) = &f.record_type {
        q = q.bind(v.trim().to_owned());
    }
    if let Some(v) = &f.record_id {
        q = q.bind(v.trim().to_owned());
    }
    if let Some(v) = f.from_unix {
        q = q.bind(v);
    }
    if let Some(v) = f.to_unix {
        q = q.bind(v);
    }
    if let Some(v) = f.before_seq {
        q = q.bind(v);
    }
    q = q.bind(f.limit.clamp(1, 500));
    Ok(q.fetch_all(db.pool()).await?.into_iter().map(StoredEntry::from).collect())
}

/// Neutralises LIKE wildcards typed by the user without an ESCAPE clause (whose default differs
/// between SQLite and PostgreSQL): `%` and `_` become the single-character wildcard `_`, which
/// still matches them and cannot match a run of characters.
fn escape_like(s: &str) -> String {
    s.replace(['%', '_'], "_")
}
