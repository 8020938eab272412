//! Coding open answers (migration 0009): the codebook of each free-text question of a
//! campaign, and the codes assigned to answers with their history. The rules — which questions,
//! normalisation, suggestions, when a code still holds — are `argine_domain::census::coding`.
//! No function deletes a code: a code is retired, and answers coded with it keep it.

use crate::{Result, StorageError, now};
use argine_domain::census::coding::Assigned;
use argine_domain::census::engine::FieldPath;
use sqlx::{AnyConnection, FromRow};

/// A code of a codebook.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Code {
    pub id: i64,
    pub campaign_id: i64,
    pub question: String,
    pub code: String,
    pub label: String,
    pub description: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub retired_by: Option<i64>,
}

impl Code {
    pub fn is_retired(&self) -> bool {
        self.retired_at.is_some()
    }
}

/// A new code (parse it with `argine_domain::census::coding::NewCode` first).
pub struct NewCode<'a> {
    pub campaign_id: i64,
    pub question: &'a str,
    pub code: &'a str,
    pub label: &'a str,
    pub description: &'a str,
}

const CODE_COLUMNS: &str = "SELECT id, campaign_id, question, code, label, description, created_by, created_at,
        retired_at, retired_by FROM census_codes";

/// Adds a code to the codebook of a campaign's question; returns its id. The same code twice
/// in a codebook is `Conflict("census_codes_code")` (on both databases).
pub async fn add_code(conn: &mut AnyConnection, c: &NewCode<'_>, by: Option<i64>) -> Result<i64> {
    let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO census_codes (campaign_id, question, code, label, description, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(c.campaign_id)
    .bind(c.question)
    .bind(c.code)
    .bind(c.label)
    .bind(c.description)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await;
    match r.map_err(StorageError::from) {
        Ok((id,)) => Ok(id),
        // SQLite names the columns, PostgreSQL the constraint: one name for callers.
        Err(StorageError::Conflict(_)) => Err(StorageError::Conflict("census_codes_code".into())),
        Err(e) => Err(e),
    }
}

/// The codebook of a question: every code, retired ones too, by code.
pub async fn codes(conn: &mut AnyConnection, campaign_id: i64, question: &str) -> Result<Vec<Code>> {
    let sql = format!("{CODE_COLUMNS} WHERE campaign_id = $1 AND question = $2 ORDER BY code");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(question).fetch_all(&mut *conn).await?)
}

/// The questions of a campaign that have a codebook (at least one code), by name.
pub async fn coded_questions(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT question FROM census_codes WHERE campaign_id = $1 ORDER BY question")
            .bind(campaign_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Retires a code of the campaign (stamped; answers coded with it keep it, it is no longer
/// offered). `NotFound` when there is no such active code.
pub async fn retire_code(conn: &mut AnyConnection, campaign_id: i64, code_id: i64, by: Option<i64>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_codes SET retired_at = $1, retired_by = $2
         WHERE id = $3 AND campaign_id = $4 AND retired_at IS NULL",
    )
    .bind(now())
    .bind(by)
    .bind(code_id)
    .bind(campaign_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// A code to assign to one answer.
pub struct NewAssignment<'a> {
    pub invitation_id: i64,
    /// A `FieldPath` as text: `A3_altro`, `strutture[0]/D1_altro`.
    pub path: &'a str,
    /// The (clean) text being coded.
    pub coded_text: &'a str,
    pub code_id: i64,
}

/// Assigns codes to answers of `question` in a campaign: for each answer, the current
/// assignment (if any) is stamped as replaced and the new one added, unless it is the same code
/// on the same text (then nothing changes). Returns how many assignments were made. Every code
/// must be an active code of this question's codebook (`NotFound` otherwise; run it in a
/// transaction, so that nothing is half done). The invitations must be the campaign's: the
/// caller found the answers in its responses.
pub async fn assign(
    conn: &mut AnyConnection,
    campaign_id: i64,
    question: &str,
    list: &[NewAssignment<'_>],
    by: Option<i64>,
) -> Result<usize> {
    let active: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM census_codes WHERE campaign_id = $1 AND question = $2 AND retired_at IS NULL")
            .bind(campaign_id)
            .bind(question)
            .fetch_all(&mut *conn)
            .await?;
    let t = now();
    let mut n = 0;
    for a in list {
        let path: FieldPath = a.path.parse().map_err(|_| StorageError::NotFound)?;
        if path.name != question || !active.iter().any(|(id,)| *id == a.code_id) {
            return Err(StorageError::NotFound);
        }
        let current: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT id, code_id, coded_text FROM census_code_assignments
             WHERE invitation_id = $1 AND path = $2 AND replaced_at IS NULL",
        )
        .bind(a.invitation_id)
        .bind(a.path)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((id, code_id, text)) = current {
            if code_id == a.code_id && text == a.coded_text {
                continue;
            }
            sqlx::query("UPDATE census_code_assignments SET replaced_at = $1, replaced_by = $2 WHERE id = $3")
                .bind(t)
                .bind(by)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query(
            "INSERT INTO census_code_assignments
                 (invitation_id, question, path, coded_text, code_id, assigned_by, assigned_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.invitation_id)
        .bind(question)
        .bind(a.path)
        .bind(a.coded_text)
        .bind(a.code_id)
        .bind(by)
        .bind(t)
        .execute(&mut *conn)
        .await?;
        n += 1;
    }
    Ok(n)
}

/// A current (not replaced) assignment, with its Comune and code.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Current {
    pub id: i64,
    pub invitation_id: i64,
    pub comune_code: String,
    pub question: String,
    pub path: String,
    pub coded_text: String,
    pub code_id: i64,
    pub code: String,
}

impl Current {
    /// As `argine_domain::census::coding::apply_codes` takes it. A stored path that does not
    /// parse is corrupt data.
    pub fn to_domain(&self) -> Result<Assigned> {
        let path: FieldPath = self
            .path
            .parse()
            .map_err(|_| StorageError::Corrupt(format!("code assignment {} has an invalid path", self.id)))?;
        Ok(Assigned { path, text: self.coded_text.clone(), code: self.code.clone() })
    }
}

const CURRENT: &str = "SELECT a.id, a.invitation_id, i.comune_code, a.question, a.path, a.coded_text, a.code_id, c.code
     FROM census_code_assignments a JOIN census_invitations i ON i.id = a.invitation_id
     JOIN census_codes c ON c.id = a.code_id";

/// The current assignments of a question of a campaign, by Comune and path.
pub async fn current(conn: &mut AnyConnection, campaign_id: i64, question: &str) -> Result<Vec<Current>> {
    let sql = format!(
        "{CURRENT} WHERE i.campaign_id = $1 AND a.question = $2 AND a.replaced_at IS NULL
         ORDER BY i.comune_code, a.path"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(question).fetch_all(&mut *conn).await?)
}

/// The current assignments of the Comuni with codes in `(after, last]` (one page of
/// [`super::clean_page`]), every question.
pub async fn current_between(
    conn: &mut AnyConnection,
    campaign_id: i64,
    after: &str,
    last: &str,
) -> Result<Vec<Current>> {
    let sql = format!(
        "{CURRENT} WHERE i.campaign_id = $1 AND i.comune_code > $2 AND i.comune_code <= $3 AND a.replaced_at IS NULL
         ORDER BY i.comune_code, a.path"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(campaign_id).bind(after).bind(last).fetch_all(&mut *conn).await?)
}

/// One assignment of the history.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Assignment {
    pub id: i64,
    pub invitation_id: i64,
    pub path: String,
    pub coded_text: String,
    pub code_id: i64,
    pub code: String,
    pub assigned_by: Option<i64>,
    pub assigned_at: i64,
    pub replaced_at: Option<i64>,
    pub replaced_by: Option<i64>,
}

/// Every assignment of one answer, current and replaced, oldest first.
pub async fn history(conn: &mut AnyConnection, invitation_id: i64, path: &str) -> Result<Vec<Assignment>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.invitation_id, a.path, a.coded_text, a.code_id, c.code, a.assigned_by, a.assigned_at,
             a.replaced_at, a.replaced_by
         FROM census_code_assignments a JOIN census_codes c ON c.id = a.code_id
         WHERE a.invitation_id = $1 AND a.path = $2 ORDER BY a.id",
    )
    .bind(invitation_id)
    .bind(path)
    .fetch_all(&mut *conn)
    .await?)
}
