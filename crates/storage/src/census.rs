//! Census questionnaires: XLSForm forms and their immutable versions.
//!
//! The storage layer keeps the uploaded workbook and the parsed definition (JSON, produced and
//! read by `argine_domain::census::xlsform`) side by side; it never interprets the definition.
//! There is no function that changes a stored version: a new import is a new version.

use crate::{Result, StorageError, now};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};

/// A questionnaire (one XLSForm `form_id`) with a summary of its versions.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct Form {
    pub id: i64,
    pub form_key: String,
    pub title: String,
    pub created_at: i64,
    /// How many versions are stored.
    pub versions: i64,
    /// The newest version's id.
    pub latest_version_id: i64,
    /// The newest published version's id, if any.
    pub published_version_id: Option<i64>,
}

/// One stored version, without its source workbook.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct FormVersion {
    pub id: i64,
    pub form_id: i64,
    pub form_key: String,
    pub version: String,
    pub title: String,
    pub source_sha256: String,
    #[serde(skip)]
    pub definition: String,
    pub questions: i64,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

impl FormVersion {
    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }
}

/// What an import stores.
#[derive(Debug, Clone, Copy)]
pub struct NewFormVersion<'a> {
    pub form_key: &'a str,
    pub version: &'a str,
    pub title: &'a str,
    pub source: &'a [u8],
    pub definition: &'a str,
    pub questions: i64,
}

/// Stores a new version (creating the form on its first import). Returns the version's id.
/// The same `form_key` and `version` twice is `Conflict("census_form_versions_version")`: a
/// version number, once used, always means the same questions.
pub async fn add_version(conn: &mut AnyConnection, v: &NewFormVersion<'_>, by: Option<i64>) -> Result<i64> {
    let t = now();
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM census_forms WHERE form_key = $1")
        .bind(v.form_key)
        .fetch_optional(&mut *conn)
        .await?;
    let form_id = match existing {
        Some((id,)) => {
            sqlx::query("UPDATE census_forms SET title = $1 WHERE id = $2")
                .bind(v.title)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO census_forms (form_key, title, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(v.form_key)
            .bind(v.title)
            .bind(by)
            .bind(t)
            .fetch_one(&mut *conn)
            .await?;
            id
        }
    };
    let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(v.source));
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO census_form_versions
             (form_id, version, title, source, source_sha256, definition, questions, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(form_id)
    .bind(v.version)
    .bind(v.title)
    .bind(v.source)
    .bind(sha)
    .bind(v.definition)
    .bind(v.questions)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Stamps a version as published (the version used by campaigns). Publishing twice is a no-op
/// that keeps the first stamp.
pub async fn publish(conn: &mut AnyConnection, version_id: i64, by: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_form_versions SET published_at = COALESCE(published_at, $1),
                published_by = COALESCE(published_by, $2) WHERE id = $3",
    )
    .bind(now())
    .bind(by)
    .bind(version_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Every questionnaire, by title.
pub async fn forms(conn: &mut AnyConnection) -> Result<Vec<Form>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.form_key, f.title, f.created_at,
                (SELECT COUNT(*) FROM census_form_versions v WHERE v.form_id = f.id) AS versions,
                (SELECT MAX(v.id) FROM census_form_versions v WHERE v.form_id = f.id) AS latest_version_id,
                (SELECT MAX(v.id) FROM census_form_versions v
                  WHERE v.form_id = f.id AND v.published_at IS NOT NULL) AS published_version_id
         FROM census_forms f ORDER BY f.title, f.id",
    )
    .fetch_all(&mut *conn)
    .await?)
}

const VERSION_COLUMNS: &str = "SELECT v.id, v.form_id, f.form_key, v.version, v.title, v.source_sha256, v.definition,
        v.questions, v.published_at, v.created_at
 FROM census_form_versions v JOIN census_forms f ON f.id = v.form_id";

/// The versions of a form, newest first.
pub async fn versions(conn: &mut AnyConnection, form_id: i64) -> Result<Vec<FormVersion>> {
    let sql = format!("{VERSION_COLUMNS} WHERE v.form_id = $1 ORDER BY v.id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(form_id).fetch_all(&mut *conn).await?)
}

pub async fn version(conn: &mut AnyConnection, version_id: i64) -> Result<FormVersion> {
    let sql = format!("{VERSION_COLUMNS} WHERE v.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(version_id).fetch_one(&mut *conn).await?)
}

/// The workbook a version was imported from, byte for byte.
pub async fn version_source(conn: &mut AnyConnection, version_id: i64) -> Result<Vec<u8>> {
    let (bytes,): (Vec<u8>,) = sqlx::query_as("SELECT source FROM census_form_versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(bytes)
}
