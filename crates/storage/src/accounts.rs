//! User accounts, roles, MFA recovery codes and single-use e-mail links.

use crate::{Db, Result, StorageError, now};
use argine_domain::access::Role;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    /// Invited, no password yet.
    Invited,
    Active,
    /// Locked after too many failed logins; a password reset unlocks it.
    Locked,
    /// Disabled by an administrator.
    Disabled,
}

impl UserStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Locked => "locked",
            Self::Disabled => "disabled",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "invited" => Some(Self::Invited),
            "active" => Some(Self::Active),
            "locked" => Some(Self::Locked),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// A user row with its roles. `Debug` hides credentials.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub org_id: i64,
    pub status: UserStatus,
    pub password_hash: Option<String>,
    pub totp_secret_enc: Option<String>,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
    pub throttled_until: i64,
    pub locale: Option<String>,
    pub roles: Vec<Role>,
    pub created_at: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("status", &self.status)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

impl User {
    pub fn mfa_enrolled(&self) -> bool {
        self.totp_secret_enc.is_some()
    }
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    org_id: i64,
    status: String,
    password_hash: Option<String>,
    totp_secret_enc: Option<String>,
    totp_last_step: Option<i64>,
    failed_logins: i64,
    throttled_until: i64,
    locale: Option<String>,
    created_at: i64,
}

const USER_COLUMNS: &str = "SELECT id, email, display_name, org_id, status, password_hash, totp_secret_enc, \
     totp_last_step, failed_logins, throttled_until, locale, created_at FROM users";

impl UserRow {
    fn into_user(self, roles: Vec<Role>) -> Result<User> {
        Ok(User {
            status: UserStatus::from_code(&self.status)
                .ok_or_else(|| StorageError::Corrupt(format!("user {} has unknown status", self.id)))?,
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            org_id: self.org_id,
            password_hash: self.password_hash,
            totp_secret_enc: self.totp_secret_enc,
            totp_last_step: self.totp_last_step,
            failed_logins: self.failed_logins,
            throttled_until: self.throttled_until,
            locale: self.locale,
            roles,
            created_at: self.created_at,
        })
    }
}

async fn roles_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Role>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    // Unknown role codes (from a newer version) grant nothing.
    Ok(rows.iter().filter_map(|(r,)| Role::from_code(r)).collect())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub org_id: i64,
    pub status: UserStatus,
    pub password_hash: Option<&'a str>,
    pub roles: &'a [Role],
}

pub async fn create(conn: &mut AnyConnection, u: NewUser<'_>) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, display_name, org_id, status, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(u.email)
    .bind(u.display_name)
    .bind(u.org_id)
    .bind(u.status.code())
    .bind(u.password_hash)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    set_roles(conn, id, u.roles).await?;
    Ok(id)
}

pub async fn set_roles(conn: &mut AnyConnection, user_id: i64, roles: &[Role]) -> Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(r.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<User> {
    let row: UserRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let roles = roles_of(conn, id).await?;
    row.into_user(roles)
}

pub async fn find_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE email = $1")))
        .bind(email)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => {
            let roles = roles_of(conn, r.id).await?;
            Ok(Some(r.into_user(roles)?))
        }
        None => Ok(None),
    }
}

/// Users of the given organisations (all when `orgs` is `None`), by name.
pub async fn list(db: &Db, orgs: Option<&[i64]>) -> Result<Vec<User>> {
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} ORDER BY display_name, id")))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        if orgs.is_some_and(|o| !o.contains(&r.org_id)) {
            continue;
        }
        let roles = roles_of(&mut conn, r.id).await?;
        out.push(r.into_user(roles)?);
    }
    Ok(out)
}

pub async fn set_password(conn: &mut AnyConnection, id: i64, phc: &str) -> Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, failed_logins = 0, throttled_until = 0,
         status = CASE WHEN status IN ('invited', 'locked') THEN 'active' ELSE status END, updated_at = $2
         WHERE id = $3",
    )
    .bind(phc)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_status(conn: &mut AnyConnection, id: i64, status: UserStatus) -> Result<()> {
    let r = sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.code())
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

pub async fn set_locale(conn: &mut AnyConnection, id: i64, locale: &str) -> Result<()> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2").bind(locale).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Records a failed login; returns the new failure count.
pub async fn record_failure(conn: &mut AnyConnection, id: i64, throttled_until: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE users SET failed_logins = failed_logins + 1, throttled_until = $1, updated_at = $2
         WHERE id = $3 RETURNING failed_logins",
    )
    .bind(throttled_until)
    .bind(now())
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

pub async fn reset_failures(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, throttled_until = 0 WHERE id = $1 AND (failed_logins <> 0 OR throttled_until <> 0)")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores an (encrypted) TOTP secret and replaces the recovery codes.
pub async fn enable_totp(
    conn: &mut AnyConnection,
    id: i64,
    secret_enc: &str,
    step: i64,
    recovery_hashes: &[String],
) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret_enc = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4")
        .bind(secret_enc)
        .bind(step)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id).execute(&mut *conn).await?;
    for h in recovery_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(id)
            .bind(h)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn reset_totp(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret_enc = NULL, totp_last_step = NULL, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Moves the last used TOTP step forward; false if `step` is not newer (a replay).
pub async fn advance_totp_step(conn: &mut AnyConnection, id: i64, step: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Spends a recovery code; false if unknown or already used.
pub async fn use_recovery_code(conn: &mut AnyConnection, id: i64, code_hash: &str) -> Result<bool> {
    let r =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(now())
            .bind(id)
            .bind(code_hash)
            .execute(&mut *conn)
            .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn unused_recovery_codes(conn: &mut AnyConnection, id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// Purpose of a single-use link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    PasswordReset,
}

impl LinkPurpose {
    fn code(self) -> &'static str {
        match self {
            Self::Invitation => "invite",
            Self::PasswordReset => "reset",
        }
    }
}

pub async fn create_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    purpose: LinkPurpose,
    user_id: i64,
    ttl_secs: i64,
) -> Result<()> {
    let t = now();
    // A new link of the same purpose supersedes older unused ones.
    sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(t)
        .bind(user_id)
        .bind(purpose.code())
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(purpose.code())
        .bind(user_id)
        .bind(t)
        .bind(t + ttl_secs)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user a valid (unused, unexpired) link belongs to, without spending it.
pub async fn peek_link(conn: &mut AnyConnection, token_hash: &str, purpose: LinkPurpose) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.code())
    .bind(now())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Spends a link atomically; `None` if it is unknown, used or expired.
pub async fn consume_link(conn: &mut AnyConnection, token_hash: &str, purpose: LinkPurpose) -> Result<Option<i64>> {
    let t = now();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE one_time_tokens SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(t)
    .bind(token_hash)
    .bind(purpose.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.0))
}

#[derive(FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    s_last_seen_at: i64,
    s_mfa_verified: i64,
}

/// The user of a live session in one round trip (plus one for the roles): the hot path of every
/// authenticated page.
pub async fn by_live_session(db: &Db, id_hash: &str, idle_secs: i64) -> Result<Option<(User, i64, bool)>> {
    let t = now();
    let mut conn = db.pool().acquire().await?;
    let row: Option<SessionUserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.org_id, u.status, u.password_hash, u.totp_secret_enc, u.totp_last_step,
                u.failed_logins, u.throttled_until, u.locale, u.created_at,
                s.last_seen_at AS s_last_seen_at, s.mfa_verified AS s_mfa_verified
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(id_hash)
    .bind(t)
    .bind(t - idle_secs)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let roles = roles_of(&mut conn, r.user.id).await?;
    Ok(Some((r.user.into_user(roles)?, r.s_last_seen_at, r.s_mfa_verified != 0)))
}
