//! Failed-login counting per client address, in fixed windows.

use crate::{Db, Result, now};

/// Failures recorded for `key` in the current window (0 when the window has passed).
pub async fn failures(db: &Db, key: &str, window_secs: i64) -> Result<i64> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT window_start, failures FROM login_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some((start, n)) if start > now() - window_secs => n,
        _ => 0,
    })
}

/// Records one failure for `key`; returns the count in the current window.
pub async fn record_failure(db: &Db, key: &str, window_secs: i64) -> Result<i64> {
    let t = now();
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO login_throttle (key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.failures + 1 ELSE 1 END,
           window_start = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.window_start ELSE $2 END
         RETURNING failures",
    )
    .bind(key)
    .bind(t)
    .bind(t - window_secs)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
