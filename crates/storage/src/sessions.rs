//! Server-side sessions. The cookie holds a random secret; the table holds its SHA-256.

use crate::{Db, Result, flag, now};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub mfa_verified: i64,
    pub ip: String,
    pub user_agent: String,
}

impl SessionRow {
    pub fn mfa_verified(&self) -> bool {
        flag(self.mfa_verified)
    }
}

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: i64,
    pub expires_at: i64,
    pub mfa_verified: bool,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn create(conn: &mut AnyConnection, s: NewSession<'_>) -> Result<()> {
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, mfa_verified, ip, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7)",
    )
    .bind(s.id_hash)
    .bind(s.user_id)
    .bind(t)
    .bind(s.expires_at)
    .bind(i64::from(s.mfa_verified))
    .bind(s.ip)
    .bind(s.user_agent)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A session still within its absolute and idle limits.
pub async fn find_live(db: &Db, id_hash: &str, idle_secs: i64) -> Result<Option<SessionRow>> {
    let t = now();
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT id_hash, user_id, created_at, last_seen_at, expires_at, mfa_verified, ip, user_agent
         FROM sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
    )
    .bind(id_hash)
    .bind(t)
    .bind(t - idle_secs)
    .fetch_optional(db.pool())
    .await?;
    Ok(row)
}

/// Marks activity. Called at most once a minute per session to keep reads cheap.
pub async fn touch(db: &Db, id_hash: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now())
        .bind(id_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of a user ("log out everywhere", password change, disable).
pub async fn delete_all_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    Ok(r.rows_affected())
}

pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<SessionRow>> {
    let rows = sqlx::query_as(
        "SELECT id_hash, user_id, created_at, last_seen_at, expires_at, mfa_verified, ip, user_agent
         FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .bind(now())
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &Db, idle_secs: i64) -> Result<u64> {
    let t = now();
    let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(t)
        .bind(t - idle_secs)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
