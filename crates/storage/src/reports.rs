//! Census reports: template versions, builds with their progress and files, and the
//! publication of a build's open-data package (migration 0008).

use crate::{Result, StorageError, now};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};

/// One saved version of a template.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TemplateVersion {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

const TEMPLATE_COLUMNS: &str = "SELECT id, name, body, note, created_by, created_at FROM report_templates";

/// Saves a new version of template `name`; returns its id.
pub async fn save_template(
    conn: &mut AnyConnection,
    name: &str,
    body: &str,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO report_templates (name, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind(name)
    .bind(body)
    .bind(note)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The newest version of template `name`, if it was ever saved.
pub async fn current_template(conn: &mut AnyConnection, name: &str) -> Result<Option<TemplateVersion>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEMPLATE_COLUMNS} WHERE name = $1 ORDER BY id DESC LIMIT 1")))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Every version of template `name`, newest first.
pub async fn template_history(conn: &mut AnyConnection, name: &str) -> Result<Vec<TemplateVersion>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEMPLATE_COLUMNS} WHERE name = $1 ORDER BY id DESC")))
        .bind(name)
        .fetch_all(&mut *conn)
        .await?)
}

pub async fn template_version(conn: &mut AnyConnection, id: i64) -> Result<TemplateVersion> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEMPLATE_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// The names of the saved templates with their number of versions and newest version's id.
pub async fn template_names(conn: &mut AnyConnection) -> Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as("SELECT name, COUNT(*), MAX(id) FROM report_templates GROUP BY name ORDER BY name")
        .fetch_all(&mut *conn)
        .await?)
}

/// A report build.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Build {
    pub id: i64,
    pub campaign_id: i64,
    pub template_name: String,
    pub template_version: Option<i64>,
    pub template_body: String,
    pub report_date: String,
    /// `queued | running | done | failed`
    pub status: String,
    pub progress: i64,
    pub error: String,
    pub title: String,
    pub pages: i64,
    pub tables: i64,
    pub figures: i64,
    pub values_json: String,
    pub requested_by: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub published_at: Option<i64>,
    pub published_by: Option<i64>,
    pub publisher_ipa: String,
    pub publisher_name: String,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by: Option<i64>,
}

impl Build {
    /// On the public download page: published and not withdrawn.
    pub fn is_public(&self) -> bool {
        self.published_at.is_some() && self.withdrawn_at.is_none()
    }
}

const BUILD_COLUMNS: &str =
    "SELECT id, campaign_id, template_name, template_version, template_body, report_date, status,
    progress, error, title, pages, tables, figures, values_json, requested_by, created_at, started_at, finished_at,
    published_at, published_by, publisher_ipa, publisher_name, withdrawn_at, withdrawn_by FROM report_builds";

/// What a new build is made from.
#[derive(Debug, Clone)]
pub struct NewBuild<'a> {
    pub campaign_id: i64,
    pub template_name: &'a str,
    pub template_version: Option<i64>,
    pub template_body: &'a str,
    pub report_date: &'a str,
    pub requested_by: Option<i64>,
}

/// Queues a build; the caller enqueues its job in the same transaction.
pub async fn queue_build(conn: &mut AnyConnection, b: &NewBuild<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO report_builds (campaign_id, template_name, template_version, template_body, report_date, status,
                                    requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) RETURNING id",
    )
    .bind(b.campaign_id)
    .bind(b.template_name)
    .bind(b.template_version)
    .bind(b.template_body)
    .bind(b.report_date)
    .bind(b.requested_by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn build(conn: &mut AnyConnection, id: i64) -> Result<Build> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{BUILD_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// A campaign's builds, newest first.
pub async fn builds_of(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<Build>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{BUILD_COLUMNS} WHERE campaign_id = $1 ORDER BY id DESC")))
        .bind(campaign_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// The last finished build before `b` of the same campaign and template: what `b` is compared
/// with.
pub async fn previous_done(conn: &mut AnyConnection, b: &Build) -> Result<Option<Build>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILD_COLUMNS} WHERE campaign_id = $1 AND template_name = $2 AND status = 'done' AND id < $3
         ORDER BY id DESC LIMIT 1"
    )))
    .bind(b.campaign_id)
    .bind(&b.template_name)
    .bind(b.id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The published builds on the public page, newest first.
pub async fn published(conn: &mut AnyConnection) -> Result<Vec<Build>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILD_COLUMNS} WHERE published_at IS NOT NULL AND withdrawn_at IS NULL ORDER BY published_at DESC, id DESC"
    )))
    .fetch_all(&mut *conn)
    .await?)
}

/// Marks a build as running (again, after a crash: its files are replaced).
pub async fn start(conn: &mut AnyConnection, id: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE report_builds SET status = 'running', progress = 0, error = '', started_at = $1 WHERE id = $2
         AND status IN ('queued', 'running')",
    )
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}

pub async fn set_progress(conn: &mut AnyConnection, id: i64, progress: i64) -> Result<()> {
    sqlx::query("UPDATE report_builds SET progress = $1 WHERE id = $2 AND status = 'running'")
        .bind(progress)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What a finished build made.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub title: &'a str,
    pub pages: i64,
    pub tables: i64,
    pub figures: i64,
    pub values_json: &'a str,
    pub progress: i64,
    /// (name, media type, content)
    pub files: &'a [(String, String, Vec<u8>)],
}

/// Stores a finished build's files and figures and marks it done.
pub async fn finish(conn: &mut AnyConnection, id: i64, o: &Outcome<'_>) -> Result<()> {
    sqlx::query("DELETE FROM report_files WHERE build_id = $1").bind(id).execute(&mut *conn).await?;
    for (name, media, content) in o.files {
        let size = i64::try_from(content.len()).map_err(|_| StorageError::Corrupt("file too large".into()))?;
        sqlx::query(
            "INSERT INTO report_files (build_id, name, media_type, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(name)
        .bind(media)
        .bind(size)
        .bind(data_encoding::HEXLOWER.encode(&Sha256::digest(content)))
        .bind(&content[..])
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE report_builds SET status = 'done', progress = $1, title = $2, pages = $3, tables = $4, figures = $5,
                values_json = $6, finished_at = $7 WHERE id = $8",
    )
    .bind(o.progress)
    .bind(o.title)
    .bind(o.pages)
    .bind(o.tables)
    .bind(o.figures)
    .bind(o.values_json)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a build as failed with the reason (shown on its page).
pub async fn fail(conn: &mut AnyConnection, id: i64, error: &str) -> Result<()> {
    sqlx::query("UPDATE report_builds SET status = 'failed', error = $1, finished_at = $2 WHERE id = $3")
        .bind(error)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A stored file of a build, without its content.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct FileInfo {
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

pub async fn files_of(conn: &mut AnyConnection, build_id: i64) -> Result<Vec<FileInfo>> {
    Ok(sqlx::query_as("SELECT name, media_type, size, sha256 FROM report_files WHERE build_id = $1 ORDER BY name")
        .bind(build_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// One file's media type and content.
pub async fn file(conn: &mut AnyConnection, build_id: i64, name: &str) -> Result<(String, Vec<u8>)> {
    Ok(sqlx::query_as("SELECT media_type, content FROM report_files WHERE build_id = $1 AND name = $2")
        .bind(build_id)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?)
}

/// Publishes a finished build's open-data package (again, after a withdrawal).
pub async fn publish(conn: &mut AnyConnection, id: i64, ipa: &str, name: &str, by: Option<i64>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE report_builds SET published_at = $1, published_by = $2, publisher_ipa = $3, publisher_name = $4,
                withdrawn_at = NULL, withdrawn_by = NULL
         WHERE id = $5 AND status = 'done'",
    )
    .bind(now())
    .bind(by)
    .bind(ipa)
    .bind(name)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}

/// Takes a published package off the public page.
pub async fn withdraw(conn: &mut AnyConnection, id: i64, by: Option<i64>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE report_builds SET withdrawn_at = $1, withdrawn_by = $2
         WHERE id = $3 AND published_at IS NOT NULL AND withdrawn_at IS NULL",
    )
    .bind(now())
    .bind(by)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}
