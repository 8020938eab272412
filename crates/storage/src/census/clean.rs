//! Raw and clean: corrections over submitted responses, the clean pages the statistics read,
//! and the secretariat's decisions on data-control issues (migration 0007); the clean pages
//! carry the codes of coded open answers too (migration 0009, [`super::coding`]).

use super::{SubmittedResponse, submitted_page, version};
use crate::{Result, StorageError, now};
use argine_domain::census::answers::Answers;
use argine_domain::census::clean::{self as domain, Correction as DomainCorrection};
use argine_domain::census::coding::{self, Assigned};
use argine_domain::census::engine::{Engine, FieldPath};
use argine_domain::census::xlsform::Form;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;

/// A correction as stored, with its history.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Correction {
    pub id: i64,
    pub invitation_id: i64,
    /// A `FieldPath` as text: `A1`, `insediamenti[1]/E3`.
    pub path: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    /// `telefonata | documento | ricontatto | altro` (`argine_domain::census::clean::Source`).
    pub source: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_by: Option<i64>,
    pub withdraw_reason: String,
}

impl Correction {
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// As the domain's `apply` takes it. A stored path that does not parse is corrupt data.
    pub fn to_domain(&self) -> Result<DomainCorrection> {
        let path: FieldPath = self
            .path
            .parse()
            .map_err(|_| StorageError::Corrupt(format!("correction {} has an invalid path", self.id)))?;
        Ok(DomainCorrection {
            id: self.id,
            path,
            new_value: self.new_value.clone(),
            withdrawn: self.withdrawn_at.is_some(),
        })
    }
}

/// A new correction (parse it with `argine_domain::census::clean::NewCorrection` first).
pub struct NewCorrection<'a> {
    pub invitation_id: i64,
    pub path: &'a str,
    pub old_value: &'a str,
    pub new_value: &'a str,
    pub reason: &'a str,
    pub source: &'a str,
}

/// A correction with the code of its Comune (for [`clean_page`]).
#[derive(FromRow)]
struct CodedCorrection {
    comune_code: String,
    #[sqlx(flatten)]
    correction: Correction,
}

/// Records a correction; returns its id.
pub async fn add_correction(conn: &mut AnyConnection, c: &NewCorrection<'_>, by: Option<i64>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO census_corrections (invitation_id, path, old_value, new_value, reason, source, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.invitation_id)
    .bind(c.path)
    .bind(c.old_value)
    .bind(c.new_value)
    .bind(c.reason)
    .bind(c.source)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Withdraws an active correction of `invitation_id` (kept, stamped). `NotFound` when there
/// is no such active correction.
pub async fn withdraw_correction(
    conn: &mut AnyConnection,
    invitation_id: i64,
    correction_id: i64,
    reason: &str,
    by: Option<i64>,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE census_corrections SET withdrawn_at = $1, withdrawn_by = $2, withdraw_reason = $3
         WHERE id = $4 AND invitation_id = $5 AND withdrawn_at IS NULL",
    )
    .bind(now())
    .bind(by)
    .bind(reason)
    .bind(correction_id)
    .bind(invitation_id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Every correction of an invitation, active and withdrawn, oldest first.
pub async fn corrections_of(conn: &mut AnyConnection, invitation_id: i64) -> Result<Vec<Correction>> {
    Ok(sqlx::query_as(
        "SELECT id, invitation_id, path, old_value, new_value, reason, source, created_by, created_at,
             withdrawn_at, withdrawn_by, withdraw_reason
         FROM census_corrections WHERE invitation_id = $1 ORDER BY id",
    )
    .bind(invitation_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The number of active corrections of each Comune (by comune code) of a campaign.
pub async fn correction_counts(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT i.comune_code, COUNT(*) FROM census_corrections c JOIN census_invitations i ON i.id = c.invitation_id
         WHERE i.campaign_id = $1 AND c.withdrawn_at IS NULL GROUP BY i.comune_code ORDER BY i.comune_code",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The day (UTC) of a Unix time, for the calculations of a corrected response.
fn day_of(t: Option<i64>) -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(t.unwrap_or_else(now))
        .map_or_else(|_| time::OffsetDateTime::now_utc().date(), |d| d.date())
}

/// [`submitted_page`] with the active corrections applied: the same responses, in the same
/// order and pages, each with its *clean* answers (`argine_domain::census::clean::clean_answers`:
/// corrections in id order, then the questionnaire's calculations again, as of the day of
/// submission, so that totals follow), then the codes of its coded open answers as variables
/// `<question>_codice` (`argine_domain::census::coding::apply_codes`: a code holds while the
/// clean text is the coded one). A response with no active correction and no code is returned
/// exactly as stored. This is what the statistics read. `Corrupt` when a stored correction no longer
/// fits its response (a path through an instance the response does not have).
pub async fn clean_page(
    conn: &mut AnyConnection,
    campaign_id: i64,
    after: &str,
    limit: i64,
) -> Result<Vec<SubmittedResponse>> {
    let mut page = submitted_page(conn, campaign_id, after, limit).await?;
    let Some(last) = page.last().map(|r| r.comune_code.clone()) else { return Ok(page) };
    let rows: Vec<CodedCorrection> = sqlx::query_as(
        "SELECT i.comune_code, c.id, c.invitation_id, c.path, c.old_value, c.new_value, c.reason, c.source,
             c.created_by, c.created_at, c.withdrawn_at, c.withdrawn_by, c.withdraw_reason
         FROM census_corrections c JOIN census_invitations i ON i.id = c.invitation_id
         WHERE i.campaign_id = $1 AND i.comune_code > $2 AND i.comune_code <= $3 AND c.withdrawn_at IS NULL
         ORDER BY c.id",
    )
    .bind(campaign_id)
    .bind(after)
    .bind(&last)
    .fetch_all(&mut *conn)
    .await?;
    let assigned = super::coding::current_between(conn, campaign_id, after, &last).await?;
    if rows.is_empty() && assigned.is_empty() {
        return Ok(page);
    }
    let mut by_comune: HashMap<String, Vec<DomainCorrection>> = HashMap::new();
    for r in rows {
        by_comune.entry(r.comune_code).or_default().push(r.correction.to_domain()?);
    }
    let mut codes_of: HashMap<String, Vec<Assigned>> = HashMap::new();
    for a in &assigned {
        codes_of.entry(a.comune_code.clone()).or_default().push(a.to_domain()?);
    }
    let mut forms: HashMap<i64, Form> = HashMap::new();
    for resp in &mut page {
        let (list, codes) = (by_comune.get(&resp.comune_code), codes_of.get(&resp.comune_code));
        if list.is_none() && codes.is_none() {
            continue;
        }
        let mut answers: Answers = serde_json::from_str(&resp.answers)
            .map_err(|e| StorageError::Corrupt(format!("response {} is unreadable: {e}", resp.id)))?;
        if let Some(list) = list {
            if !forms.contains_key(&resp.form_version_id) {
                let v = version(conn, resp.form_version_id).await?;
                let form: Form = serde_json::from_str(&v.definition)
                    .map_err(|e| StorageError::Corrupt(format!("form version {} is unreadable: {e}", v.id)))?;
                forms.insert(v.id, form);
            }
            let form = forms.get(&resp.form_version_id);
            let engine = form
                .map(Engine::new)
                .transpose()
                .map_err(|e| StorageError::Corrupt(format!("form version {}: {e:?}", resp.form_version_id)))?;
            answers = domain::clean_answers(&answers, list, engine.as_ref(), day_of(resp.submitted_at))
                .map_err(|e| StorageError::Corrupt(format!("response {}: {e}", resp.id)))?;
        }
        if let Some(codes) = codes {
            coding::apply_codes(&mut answers, codes);
        }
        resp.answers =
            serde_json::to_string(&answers).map_err(|e| StorageError::Corrupt(format!("response {}: {e}", resp.id)))?;
    }
    Ok(page)
}

/// A decision of the secretariat on a data-control issue.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IssueDecision {
    pub id: i64,
    pub campaign_id: i64,
    pub rule: String,
    pub comune_code: String,
    pub subject: String,
    pub decision: String,
    pub fingerprint: String,
    pub note: String,
    pub decided_by: Option<i64>,
    pub decided_at: i64,
}

/// The key of an issue: rule, Comune, subject.
pub struct IssueKey<'a> {
    pub campaign_id: i64,
    pub rule: &'a str,
    pub comune_code: &'a str,
    pub subject: &'a str,
}

/// Records (or replaces) the decision on an issue, with the values it was taken on.
pub async fn decide_issue(
    conn: &mut AnyConnection,
    key: &IssueKey<'_>,
    decision: &str,
    fingerprint: &str,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO census_issue_decisions
             (campaign_id, rule, comune_code, subject, decision, fingerprint, note, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (campaign_id, rule, comune_code, subject) DO UPDATE SET decision = excluded.decision,
             fingerprint = excluded.fingerprint, note = excluded.note, decided_by = excluded.decided_by,
             decided_at = excluded.decided_at
         RETURNING id",
    )
    .bind(key.campaign_id)
    .bind(key.rule)
    .bind(key.comune_code)
    .bind(key.subject)
    .bind(decision)
    .bind(fingerprint)
    .bind(note)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every decision on the issues of a campaign.
pub async fn issue_decisions(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<IssueDecision>> {
    Ok(sqlx::query_as(
        "SELECT id, campaign_id, rule, comune_code, subject, decision, fingerprint, note, decided_by, decided_at
         FROM census_issue_decisions WHERE campaign_id = $1 ORDER BY comune_code, rule, subject",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?)
}
