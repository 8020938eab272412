//! Case work across organisations (migration 0013): duplicate signals between two
//! organisations' records of the same person, consent-based links between them, and the
//! aggregate counts that anonymisation must leave unchanged.
//!
//! Nothing here reads or writes personal values: signals and links are pairs of person ids
//! with the blind-index kinds that matched.

use crate::{Result, now};
use sqlx::{AnyConnection, FromRow};

/// A likely duplicate between two people (`person_a < person_b`).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Signal {
    pub id: i64,
    pub person_a: i64,
    pub person_b: i64,
    pub kinds: String,
    pub likelihood: String,
    pub found_at: i64,
    pub status: String,
}

const SIGNAL_COLUMNS: &str =
    "SELECT s.id, s.person_a, s.person_b, s.kinds, s.likelihood, s.found_at, s.status FROM duplicate_signals s";

/// Records (or refreshes) the signal of a pair; the pair is ordered here. A signal already
/// linked or dismissed keeps its status; its kinds are refreshed. Returns the signal id.
pub async fn upsert_signal(conn: &mut AnyConnection, a: i64, b: i64, kinds: &str, likelihood: &str) -> Result<i64> {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO duplicate_signals (person_a, person_b, kinds, likelihood, found_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (person_a, person_b) DO UPDATE SET kinds = excluded.kinds, likelihood = excluded.likelihood
         RETURNING id",
    )
    .bind(a)
    .bind(b)
    .bind(kinds)
    .bind(likelihood)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Removes the open signals of `person` with anyone not in `keep` (their identity changed and
/// no longer matches). Linked or dismissed signals stay: they record a decision.
pub async fn drop_stale_signals(conn: &mut AnyConnection, person: i64, keep: &[i64]) -> Result<u64> {
    // Integers only: formatted, never user text.
    let keep_list =
        if keep.is_empty() { "0".to_owned() } else { keep.iter().map(i64::to_string).collect::<Vec<_>>().join(",") };
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM duplicate_signals WHERE status = 'open' AND
           ((person_a = $1 AND person_b NOT IN ({keep_list})) OR (person_b = $1 AND person_a NOT IN ({keep_list})))"
    )))
    .bind(person)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}

/// One signal as an organisation sees it: its own person and case, the other organisation.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SignalLine {
    pub id: i64,
    pub kinds: String,
    pub likelihood: String,
    pub found_at: i64,
    pub status: String,
    pub own_person: i64,
    pub own_code: String,
    pub own_case: i64,
    pub other_person: i64,
    pub other_org: i64,
    pub other_org_name: String,
    /// The other record's pseudonymous code (shown only while the records are linked).
    pub other_code: String,
    pub other_case: i64,
}

/// The signals that concern `org`'s people, newest first (a pair of two of its own people is
/// listed once per side).
pub async fn signals_for_org(conn: &mut AnyConnection, org: i64) -> Result<Vec<SignalLine>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.kinds, s.likelihood, s.found_at, s.status,
                mine.id AS own_person, mine.code AS own_code, mc.id AS own_case,
                other.id AS other_person, other.owner_org AS other_org, o.name AS other_org_name,
                other.code AS other_code, oc.id AS other_case
         FROM duplicate_signals s
         JOIN persons mine ON mine.id IN (s.person_a, s.person_b)
         JOIN persons other ON other.id IN (s.person_a, s.person_b) AND other.id <> mine.id
         JOIN cases mc ON mc.person_id = mine.id
         JOIN cases oc ON oc.person_id = other.id
         JOIN organisations o ON o.id = other.owner_org
         WHERE mine.owner_org = $1
         ORDER BY s.found_at DESC, s.id DESC, mine.id",
    )
    .bind(org)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn signal(conn: &mut AnyConnection, id: i64) -> Result<Signal> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SIGNAL_COLUMNS} WHERE s.id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn signals_of_person(conn: &mut AnyConnection, person: i64) -> Result<Vec<Signal>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SIGNAL_COLUMNS} WHERE s.person_a = $1 OR s.person_b = $1 ORDER BY s.id"
    )))
    .bind(person)
    .fetch_all(&mut *conn)
    .await?)
}

/// Owner organisation of every person (the full screening keeps only pairs across
/// organisations).
pub async fn person_owners(conn: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, owner_org FROM persons ORDER BY id").fetch_all(&mut *conn).await?)
}

// --- Links ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Link {
    pub id: i64,
    pub signal_id: i64,
    pub person_a: i64,
    pub person_b: i64,
    pub consent_a: i64,
    pub consent_b: i64,
    pub linked_by: Option<i64>,
    pub linked_at: i64,
    pub unlinked_at: Option<i64>,
}

/// Links the pair of a signal (consents already checked by the caller); false when the
/// signal was not open.
pub async fn link(
    conn: &mut AnyConnection,
    s: &Signal,
    consent_a: i64,
    consent_b: i64,
    by: i64,
) -> Result<Option<i64>> {
    let t = now();
    let r = sqlx::query(
        "UPDATE duplicate_signals SET status = 'linked', decided_by = $1, decided_at = $2
         WHERE id = $3 AND status = 'open'",
    )
    .bind(by)
    .bind(t)
    .bind(s.id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(None);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO person_links (signal_id, person_a, person_b, consent_a, consent_b, linked_by, linked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.id)
    .bind(s.person_a)
    .bind(s.person_b)
    .bind(consent_a)
    .bind(consent_b)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// Undoes the live link of a signal; returns the link id, or `None` when none was live.
pub async fn unlink(conn: &mut AnyConnection, signal: i64, by: i64) -> Result<Option<i64>> {
    let t = now();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE person_links SET unlinked_by = $1, unlinked_at = $2
         WHERE signal_id = $3 AND unlinked_at IS NULL RETURNING id",
    )
    .bind(by)
    .bind(t)
    .bind(signal)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        sqlx::query("UPDATE duplicate_signals SET status = 'open', decided_by = $1, decided_at = $2 WHERE id = $3")
            .bind(by)
            .bind(t)
            .bind(signal)
            .execute(&mut *conn)
            .await?;
    }
    Ok(row.map(|r| r.0))
}

/// A live link seen from one side: the other record's organisation and case code.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct LinkedRecord {
    pub link_id: i64,
    pub signal_id: i64,
    pub other_person: i64,
    pub other_org: i64,
    pub other_org_name: String,
    pub other_code: String,
    pub linked_at: i64,
}

/// The live links of `person`.
pub async fn linked_records(conn: &mut AnyConnection, person: i64) -> Result<Vec<LinkedRecord>> {
    Ok(sqlx::query_as(
        "SELECT l.id AS link_id, l.signal_id, other.id AS other_person, other.owner_org AS other_org,
                o.name AS other_org_name, other.code AS other_code, l.linked_at
         FROM person_links l
         JOIN persons other ON other.id = CASE WHEN l.person_a = $1 THEN l.person_b ELSE l.person_a END
         JOIN organisations o ON o.id = other.owner_org
         WHERE (l.person_a = $1 OR l.person_b = $1) AND l.unlinked_at IS NULL
         ORDER BY l.id",
    )
    .bind(person)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn links_of_signal(conn: &mut AnyConnection, signal: i64) -> Result<Vec<Link>> {
    Ok(sqlx::query_as(
        "SELECT id, signal_id, person_a, person_b, consent_a, consent_b, linked_by, linked_at, unlinked_at
         FROM person_links WHERE signal_id = $1 ORDER BY id",
    )
    .bind(signal)
    .fetch_all(&mut *conn)
    .await?)
}

// --- Aggregates ---

/// Case counts by stage, outcome, sex and nationality: what the indicators are made of, and
/// what anonymisation must not change. (stage, outcome, sex, nationality, count)
pub async fn aggregate_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.stage, COALESCE(c.outcome, ''), p.sex, p.nationality, COUNT(*)
         FROM cases c JOIN persons p ON p.id = c.person_id
         GROUP BY c.stage, COALESCE(c.outcome, ''), p.sex, p.nationality
         ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets a case's retention limit (tests and the erasure path; closing sets it too).
pub async fn set_retention_until(conn: &mut AnyConnection, case: i64, until: i64) -> Result<()> {
    sqlx::query("UPDATE cases SET retention_until = $1 WHERE id = $2")
        .bind(until)
        .bind(case)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
