//! Census questionnaires: XLSForm forms and their immutable versions.
//!
//! The storage layer keeps the uploaded workbook and the parsed definition (JSON, produced and
//! read by `argine_domain::census::xlsform`) side by side; it never interprets the definition.
//! There is no function that changes a stored version: a new import is a new version.

pub mod clean;
pub mod coding;
pub mod queries;

pub use clean::clean_page;

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
pub async fn publish(conn: &mut AnyConnection, version_id: i64, by: Option<i64>) -> Result<()> {
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

// ---------------------------------------------------------------------------------------------
// Campaigns, invitations, responses

/// A campaign as listed.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub form_version_id: i64,
    pub universe: String,
    pub opens_on: String,
    pub deadline: String,
    pub status: String,
    pub reminders: i64,
    pub reminder_days: i64,
    /// Submissions after the deadline are accepted (until the campaign is closed): 0 or 1.
    pub accept_late: i64,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub form_version_id: i64,
    pub universe: &'a str,
    pub opens_on: &'a str,
    pub deadline: &'a str,
    pub status: &'a str,
    pub reminders: i64,
    pub reminder_days: i64,
    pub accept_late: bool,
}

pub async fn create_campaign(conn: &mut AnyConnection, c: &NewCampaign<'_>, by: Option<i64>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO census_campaigns
             (name, form_version_id, universe, opens_on, deadline, status, reminders, reminder_days, created_by, created_at,
              closed_at, accept_late)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $6 = 'closed' THEN $10 END, $11) RETURNING id",
    )
    .bind(c.name)
    .bind(c.form_version_id)
    .bind(c.universe)
    .bind(c.opens_on)
    .bind(c.deadline)
    .bind(c.status)
    .bind(c.reminders)
    .bind(c.reminder_days)
    .bind(by)
    .bind(now())
    .bind(i64::from(c.accept_late))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const CAMPAIGN_COLUMNS: &str = "SELECT id, name, form_version_id, universe, opens_on, deadline, status, reminders,
        reminder_days, accept_late, created_at, closed_at FROM census_campaigns";

pub async fn campaigns(conn: &mut AnyConnection) -> Result<Vec<Campaign>> {
    let sql = format!("{CAMPAIGN_COLUMNS} ORDER BY opens_on DESC, id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?)
}

pub async fn campaign(conn: &mut AnyConnection, id: i64) -> Result<Campaign> {
    let sql = format!("{CAMPAIGN_COLUMNS} WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?)
}

/// One Comune to invite, as it is on the day of the invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub comune_code: String,
    pub comune_name: String,
    pub province_code: String,
    pub region_code: String,
    pub email: Option<String>,
    pub pec: Option<String>,
    /// Unix time the invitation went out (None: not sent yet).
    pub invited_at: Option<i64>,
}

/// Rows per multi-row INSERT (9 parameters each: well under SQLite's limit).
const BATCH: usize = 500;

/// Adds invitations in batches; returns their ids in input order. A comune invited twice to
/// the same campaign is `Conflict("census_invitations…")` and the caller's transaction
/// should be dropped.
pub async fn add_invitations(conn: &mut AnyConnection, campaign_id: i64, list: &[NewInvitation]) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(list.len());
    for chunk in list.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO census_invitations
                 (campaign_id, comune_code, comune_name, province_code, region_code, email, pec, invited_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 8;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8
            ));
        }
        sql.push_str(" RETURNING id");
        let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
        for inv in chunk {
            q = q
                .bind(campaign_id)
                .bind(inv.comune_code.clone())
                .bind(inv.comune_name.clone())
                .bind(inv.province_code.clone())
                .bind(inv.region_code.clone())
                .bind(inv.email.clone())
                .bind(inv.pec.clone())
                .bind(inv.invited_at);
        }
        let mut rows = q.fetch_all(&mut *conn).await?;
        // RETURNING follows insertion order on both databases for a single VALUES list, but
        // sort to be certain: ids grow with insertion.
        rows.sort_unstable();
        ids.extend(rows.into_iter().map(|(id,)| id));
    }
    Ok(ids)
}

/// A response to store: a draft saved, a submission, an import, or a synthetic answer.
#[derive(Debug, Clone)]
pub struct NewResponse {
    pub invitation_id: i64,
    pub form_version_id: i64,
    pub answers: String,
    pub submitted_at: Option<i64>,
    pub source: &'static str,
}

/// Stores many responses at once (imports, the synthetic census) and stamps their
/// invitations as started and (when submitted) submitted. Each invitation gets one response.
pub async fn add_responses(conn: &mut AnyConnection, list: &[NewResponse]) -> Result<()> {
    let t = now();
    for chunk in list.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO census_responses
                 (invitation_id, form_version_id, answers, status, source, updated_at, submitted_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 7;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q
                .bind(r.invitation_id)
                .bind(r.form_version_id)
                .bind(r.answers.clone())
                .bind(if r.submitted_at.is_some() { "submitted" } else { "draft" })
                .bind(r.source)
                .bind(r.submitted_at.unwrap_or(t))
                .bind(r.submitted_at);
        }
        q.execute(&mut *conn).await?;
    }
    // One statement per kind of stamp, over the rows just written.
    sqlx::query(
        "UPDATE census_invitations SET
             opened_at = COALESCE(opened_at, (SELECT COALESCE(r.submitted_at, r.updated_at) FROM census_responses r
                                              WHERE r.invitation_id = census_invitations.id)),
             started_at = COALESCE(started_at, (SELECT COALESCE(r.submitted_at, r.updated_at) FROM census_responses r
                                                WHERE r.invitation_id = census_invitations.id)),
             submitted_at = COALESCE(submitted_at, (SELECT r.submitted_at FROM census_responses r
                                                    WHERE r.invitation_id = census_invitations.id))
         WHERE id IN (SELECT invitation_id FROM census_responses) AND started_at IS NULL",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Progress of a campaign in one territory (or in total): how many Comuni were invited,
/// opened their link, started and submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub invited: i64,
    pub opened: i64,
    pub started: i64,
    pub submitted: i64,
}

impl Progress {
    /// Submitted over invited, in per cent with one decimal (0 when nobody was invited).
    pub fn rate(&self) -> f64 {
        if self.invited == 0 {
            return 0.0;
        }
        // Counts are far below 2^53, so the conversion is exact.
        let r = self.submitted as f64 * 1000.0 / self.invited as f64;
        r.round() / 10.0
    }
}

/// The progress of a campaign by region (`region_code`, sorted) and in total.
pub async fn progress_by_region(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<(Progress, Vec<(String, Progress)>)> {
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT region_code, COUNT(*), COUNT(opened_at), COUNT(started_at), COUNT(submitted_at)
         FROM census_invitations WHERE campaign_id = $1 GROUP BY region_code ORDER BY region_code",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut total = Progress::default();
    let by = rows
        .into_iter()
        .map(|(code, invited, opened, started, submitted)| {
            total.invited += invited;
            total.opened += opened;
            total.started += started;
            total.submitted += submitted;
            (code, Progress { invited, opened, started, submitted })
        })
        .collect();
    Ok((total, by))
}

/// The submitted answers of a campaign (JSON text), with the invited comune's code.
pub async fn submitted_answers(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT i.comune_code, r.answers FROM census_responses r JOIN census_invitations i ON i.id = r.invitation_id
         WHERE i.campaign_id = $1 AND r.status = 'submitted' ORDER BY i.comune_code",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// One invitation with its campaign's dates, as the response pages need it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Invitation {
    pub id: i64,
    pub campaign_id: i64,
    pub comune_code: String,
    pub comune_name: String,
    pub region_code: String,
    pub province_code: String,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub token_expires_at: Option<i64>,
    pub token_revoked_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub started_at: Option<i64>,
    pub submitted_at: Option<i64>,
}

const INVITATION_COLUMNS: &str = "SELECT id, campaign_id, comune_code, comune_name, region_code, province_code, email,
        pec, token_expires_at, token_revoked_at, opened_at, started_at, submitted_at FROM census_invitations";

/// Gives an invitation a new secret link (the SHA-256 of its token), replacing any previous
/// one, valid until `expires_at`.
pub async fn set_link(conn: &mut AnyConnection, invitation_id: i64, token_hash: &str, expires_at: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_invitations SET token_hash = $1, token_expires_at = $2, token_revoked_at = NULL WHERE id = $3",
    )
    .bind(token_hash)
    .bind(expires_at)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Revokes an invitation's secret link at once.
pub async fn revoke_link(conn: &mut AnyConnection, invitation_id: i64) -> Result<()> {
    sqlx::query("UPDATE census_invitations SET token_revoked_at = $1 WHERE id = $2 AND token_revoked_at IS NULL")
        .bind(now())
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The invitation whose link has this token hash (revoked and expired ones too: the caller
/// says why a link no longer works).
pub async fn invitation_by_link(conn: &mut AnyConnection, token_hash: &str) -> Result<Invitation> {
    let sql = format!("{INVITATION_COLUMNS} WHERE token_hash = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_one(&mut *conn).await?)
}

pub async fn invitation(conn: &mut AnyConnection, id: i64) -> Result<Invitation> {
    let sql = format!("{INVITATION_COLUMNS} WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?)
}

/// The invitations of a campaign, by comune code.
pub async fn invitations(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<Invitation>> {
    let sql = format!("{INVITATION_COLUMNS} WHERE campaign_id = $1 ORDER BY comune_code");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).fetch_all(&mut *conn).await?)
}

/// Stamps the first opening of a link.
pub async fn mark_opened(conn: &mut AnyConnection, invitation_id: i64) -> Result<()> {
    sqlx::query("UPDATE census_invitations SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
        .bind(now())
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A response as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Response {
    pub id: i64,
    pub invitation_id: i64,
    pub form_version_id: i64,
    pub answers: String,
    pub status: String,
    pub revision: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

impl Campaign {
    /// Whether a Comune may still submit on `today` (ISO date): the campaign is open and the
    /// deadline has not passed, or late submissions are accepted.
    pub fn accepts_submissions(&self, today: &str) -> bool {
        self.status == "open" && (today <= self.deadline.as_str() || self.accept_late != 0)
    }
}

impl Response {
    pub fn is_submitted(&self) -> bool {
        self.status == "submitted"
    }
}

pub async fn response_of(conn: &mut AnyConnection, invitation_id: i64) -> Result<Option<Response>> {
    Ok(sqlx::query_as(
        "SELECT id, invitation_id, form_version_id, answers, status, revision, updated_at, submitted_at
         FROM census_responses WHERE invitation_id = $1",
    )
    .bind(invitation_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Saves a draft (creating the response on the first save, stamping the invitation as
/// started). A submitted response is not changed: `Conflict("census_responses_submitted")`.
pub async fn save_draft(
    conn: &mut AnyConnection,
    invitation_id: i64,
    form_version_id: i64,
    answers: &str,
) -> Result<()> {
    let t = now();
    let r = sqlx::query(
        "INSERT INTO census_responses (invitation_id, form_version_id, answers, status, source, updated_at)
         VALUES ($1, $2, $3, 'draft', 'web', $4)
         ON CONFLICT (invitation_id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at,
             revision = census_responses.revision + 1
         WHERE census_responses.status = 'draft'",
    )
    .bind(invitation_id)
    .bind(form_version_id)
    .bind(answers)
    .bind(t)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::Conflict("census_responses_submitted".into()));
    }
    sqlx::query(
        "UPDATE census_invitations SET started_at = COALESCE(started_at, $1), opened_at = COALESCE(opened_at, $1)
         WHERE id = $2",
    )
    .bind(t)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Submits: stores the final answers and stamps response and invitation. Only a draft can be
/// submitted (`Conflict("census_responses_submitted")` otherwise).
pub async fn submit(conn: &mut AnyConnection, invitation_id: i64, answers: &str) -> Result<i64> {
    let t = now();
    let r = sqlx::query(
        "UPDATE census_responses SET answers = $1, status = 'submitted', submitted_at = $2, updated_at = $2,
             revision = revision + 1
         WHERE invitation_id = $3 AND status = 'draft'",
    )
    .bind(answers)
    .bind(t)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::Conflict("census_responses_submitted".into()));
    }
    sqlx::query("UPDATE census_invitations SET submitted_at = $1 WHERE id = $2")
        .bind(t)
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(t)
}

/// [`save_draft`] then [`submit`] in two statements instead of four (the web submission, which
/// must not hold SQLite's write lock longer than it needs): the same rows afterwards — a
/// response created or updated as a draft and submitted, revision up by two (one when
/// created, as a draft saved then submitted), the invitation stamped opened, started and
/// submitted. A submitted response is not changed: `Conflict("census_responses_submitted")`.
pub async fn save_and_submit(
    conn: &mut AnyConnection,
    invitation_id: i64,
    form_version_id: i64,
    answers: &str,
) -> Result<i64> {
    let t = now();
    let r = sqlx::query(
        "INSERT INTO census_responses
             (invitation_id, form_version_id, answers, status, source, revision, updated_at, submitted_at)
         VALUES ($1, $2, $3, 'submitted', 'web', 2, $4, $4)
         ON CONFLICT (invitation_id) DO UPDATE SET answers = excluded.answers, status = 'submitted',
             updated_at = excluded.updated_at, submitted_at = excluded.submitted_at,
             revision = census_responses.revision + 2
         WHERE census_responses.status = 'draft'",
    )
    .bind(invitation_id)
    .bind(form_version_id)
    .bind(answers)
    .bind(t)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::Conflict("census_responses_submitted".into()));
    }
    sqlx::query(
        "UPDATE census_invitations SET started_at = COALESCE(started_at, $1), opened_at = COALESCE(opened_at, $1),
             submitted_at = $1
         WHERE id = $2",
    )
    .bind(t)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    Ok(t)
}

/// The submitted responses of a campaign with the invited comune's code and name, by code.
pub async fn submitted_responses(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT i.comune_code, i.comune_name, r.answers FROM census_responses r
         JOIN census_invitations i ON i.id = r.invitation_id
         WHERE i.campaign_id = $1 AND r.status = 'submitted' ORDER BY i.comune_code",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A submitted response as the exports read it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SubmittedResponse {
    pub id: i64,
    pub comune_code: String,
    pub comune_name: String,
    pub form_version_id: i64,
    pub submitted_at: Option<i64>,
    /// `argine_domain::census::answers::Answers` as JSON.
    pub answers: String,
}

/// One page of the submitted responses of a campaign, by comune code, after the code `after`
/// ("" for the first page): keyset pagination, so an export reads any number of responses in
/// pages of `limit` with the memory of one page. The key is the comune code (unique in a
/// campaign, and the order of every export) and the query walks the campaign's
/// `(campaign_id, comune_code)` index; a page shorter than `limit` is the last.
pub async fn submitted_page(
    conn: &mut AnyConnection,
    campaign_id: i64,
    after: &str,
    limit: i64,
) -> Result<Vec<SubmittedResponse>> {
    Ok(sqlx::query_as(
        "SELECT r.id, i.comune_code, i.comune_name, r.form_version_id, r.submitted_at, r.answers
         FROM census_invitations i JOIN census_responses r ON r.invitation_id = i.id
         WHERE i.campaign_id = $1 AND i.comune_code > $2 AND r.status = 'submitted'
         ORDER BY i.comune_code LIMIT $3",
    )
    .bind(campaign_id)
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// Reopens a submitted response so that the Comune can correct it through its link: the
/// response becomes a draft again and the invitation is no longer counted as submitted.
/// `NotFound` when the invitation has no submitted response.
pub async fn reopen(conn: &mut AnyConnection, invitation_id: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_responses SET status = 'draft', submitted_at = NULL, updated_at = $1, revision = revision + 1
         WHERE invitation_id = $2 AND status = 'submitted'",
    )
    .bind(now())
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    sqlx::query("UPDATE census_invitations SET submitted_at = NULL WHERE id = $1")
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Mailing: invitations and reminders on the campaign's schedule

/// The encrypted secret link of an invitation (see the migration: reminders resend it).
pub async fn set_link_secret(conn: &mut AnyConnection, invitation_id: i64, encrypted: &str) -> Result<()> {
    sqlx::query("UPDATE census_invitations SET link_secret = $1 WHERE id = $2")
        .bind(encrypted)
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn link_secret(conn: &mut AnyConnection, invitation_id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT link_secret FROM census_invitations WHERE id = $1")
        .bind(invitation_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.and_then(|r| r.0))
}

/// An e-mail an invitation is due.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DueMail {
    pub invitation_id: i64,
    pub campaign_id: i64,
    /// 0: the invitation; n: the n-th reminder.
    pub seq: i64,
}

impl DueMail {
    pub fn kind(&self) -> &'static str {
        if self.seq == 0 { "invitation" } else { "reminder" }
    }
}

/// The e-mails due at `now` (unix seconds; `today` is its ISO date in Italian time), at most
/// `limit`: the invitation of every Comune of an open campaign whose opening day has come and
/// that has an address and a link; then, until submission, a reminder every `reminder_days`
/// after the last e-mail, at most `reminders` of them, and none after the deadline.
pub async fn due_mails(conn: &mut AnyConnection, now: i64, today: &str, limit: i64) -> Result<Vec<DueMail>> {
    Ok(sqlx::query_as(
        "SELECT i.id AS invitation_id, i.campaign_id,
                CASE WHEN i.invited_at IS NULL THEN 0 ELSE i.reminders_sent + 1 END AS seq
         FROM census_invitations i JOIN census_campaigns c ON c.id = i.campaign_id
         WHERE c.status = 'open' AND c.opens_on <= $1 AND i.submitted_at IS NULL
           AND i.link_secret IS NOT NULL AND i.token_revoked_at IS NULL
           AND (i.pec IS NOT NULL OR i.email IS NOT NULL)
           AND (i.invited_at IS NULL
                OR (c.deadline >= $1 AND i.reminders_sent < c.reminders
                    AND COALESCE(i.last_reminder_at, i.invited_at) <= $2 - c.reminder_days * 86400))
         ORDER BY i.id LIMIT $3",
    )
    .bind(today)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// Records that `due` was queued as job `job_id` to `channel`, and moves the invitation's
/// schedule on. Fails with `Conflict` if that e-mail was already recorded (another worker).
pub async fn record_mail(conn: &mut AnyConnection, due: &DueMail, channel: &str, job_id: Option<i64>) -> Result<()> {
    let t = now();
    sqlx::query(
        "INSERT INTO census_mailings (invitation_id, kind, seq, channel, job_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(due.invitation_id)
    .bind(due.kind())
    .bind(due.seq)
    .bind(channel)
    .bind(job_id)
    .bind(t)
    .execute(&mut *conn)
    .await?;
    let sql = if due.seq == 0 {
        "UPDATE census_invitations SET invited_at = $1 WHERE id = $2"
    } else {
        "UPDATE census_invitations SET reminders_sent = reminders_sent + 1, last_reminder_at = $1 WHERE id = $2"
    };
    sqlx::query(sql).bind(t).bind(due.invitation_id).execute(&mut *conn).await?;
    Ok(())
}

/// One e-mail of a campaign with the state of the job that sends it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Mailing {
    pub id: i64,
    pub invitation_id: i64,
    pub comune_code: String,
    pub comune_name: String,
    pub kind: String,
    pub seq: i64,
    pub channel: String,
    pub job_id: Option<i64>,
    /// queued | running | done | failed (NULL once the job was purged: treat as done)
    pub job_status: Option<String>,
    pub attempts: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
}

const MAILING_COLUMNS: &str = "SELECT m.id, m.invitation_id, i.comune_code, i.comune_name, m.kind, m.seq, m.channel,
        m.job_id, j.status AS job_status, j.attempts, j.last_error, m.created_at
     FROM census_mailings m JOIN census_invitations i ON i.id = m.invitation_id
     LEFT JOIN jobs j ON j.id = m.job_id";

/// A campaign's e-mails, newest first; with `failed_only`, those whose job failed.
pub async fn mailings(
    conn: &mut AnyConnection,
    campaign_id: i64,
    failed_only: bool,
    limit: i64,
) -> Result<Vec<Mailing>> {
    let filter = if failed_only { " AND j.status = 'failed'" } else { "" };
    let sql = format!("{MAILING_COLUMNS} WHERE i.campaign_id = $1{filter} ORDER BY m.id DESC LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(limit).fetch_all(&mut *conn).await?)
}

/// The e-mails of one invitation, oldest first.
pub async fn mailings_of(conn: &mut AnyConnection, invitation_id: i64) -> Result<Vec<Mailing>> {
    let sql = format!("{MAILING_COLUMNS} WHERE m.invitation_id = $1 ORDER BY m.seq");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(invitation_id).fetch_all(&mut *conn).await?)
}

/// Counts of a campaign's e-mails by job status (`done` includes purged jobs).
pub async fn mailing_counts(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(j.status, 'done') AS status, COUNT(*) AS n
         FROM census_mailings m JOIN census_invitations i ON i.id = m.invitation_id
         LEFT JOIN jobs j ON j.id = m.job_id
         WHERE i.campaign_id = $1 GROUP BY COALESCE(j.status, 'done') ORDER BY 1",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets the addresses an invitation is sent to.
pub async fn set_addresses(
    conn: &mut AnyConnection,
    invitation_id: i64,
    email: Option<&str>,
    pec: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE census_invitations SET email = $1, pec = $2 WHERE id = $3")
        .bind(email)
        .bind(pec)
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Contact log

/// One contact with a Comune during the follow-up.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Contact {
    pub id: i64,
    pub invitation_id: i64,
    pub channel: String,
    pub outcome: String,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

pub async fn add_contact(
    conn: &mut AnyConnection,
    invitation_id: i64,
    channel: &str,
    outcome: &str,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO census_contacts (invitation_id, channel, outcome, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(invitation_id)
    .bind(channel)
    .bind(outcome)
    .bind(note)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The contact log of an invitation, newest first.
pub async fn contacts(conn: &mut AnyConnection, invitation_id: i64) -> Result<Vec<Contact>> {
    Ok(sqlx::query_as(
        "SELECT id, invitation_id, channel, outcome, note, created_by, created_at FROM census_contacts
         WHERE invitation_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(invitation_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The latest contact of every invitation of a campaign that has one.
pub async fn last_contacts(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<Contact>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.invitation_id, k.channel, k.outcome, k.note, k.created_by, k.created_at
         FROM census_contacts k JOIN census_invitations i ON i.id = k.invitation_id
         WHERE i.campaign_id = $1 AND k.id = (SELECT MAX(k2.id) FROM census_contacts k2
                                              WHERE k2.invitation_id = k.invitation_id)",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Closes an open campaign: links stop working, no more e-mails. `NotFound` if it is not open.
pub async fn close_campaign(conn: &mut AnyConnection, id: i64) -> Result<()> {
    let r =
        sqlx::query("UPDATE census_campaigns SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'")
            .bind(now())
            .bind(id)
            .execute(&mut *conn)
            .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Stores a response collected elsewhere as submitted (source `import`). Only a Comune with no
/// submitted response can be imported: `Conflict("census_responses_submitted")` otherwise.
pub async fn import_response(
    conn: &mut AnyConnection,
    invitation_id: i64,
    form_version_id: i64,
    answers: &str,
) -> Result<()> {
    save_draft(conn, invitation_id, form_version_id, answers).await?;
    submit(conn, invitation_id, answers).await?;
    sqlx::query("UPDATE census_responses SET source = 'import' WHERE invitation_id = $1")
        .bind(invitation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
