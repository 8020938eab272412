//! Personal API access tokens (stored hashed).

use crate::{Db, Result, now};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub scope: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    token_hash: &str,
    scope: &str,
    expires_at: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(scope)
    .bind(now())
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A token that is neither revoked nor expired.
pub async fn find_valid(db: &Db, token_hash: &str) -> Result<Option<ApiTokenRow>> {
    let row = sqlx::query_as(
        "SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    Ok(row)
}

pub async fn mark_used(db: &Db, id: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<ApiTokenRow>> {
    let rows = sqlx::query_as(
        "SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

/// Revokes a token of `user_id`; false if there is no such live token.
pub async fn revoke(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
