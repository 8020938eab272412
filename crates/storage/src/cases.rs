//! Front-line case work (migration 0013): people, cases, consents, assessments, referrals,
//! plans, the timeline, break-the-glass accesses, duplicate signals and links, retention.
//!
//! This layer stores what it is given: identity values arrive already encrypted (`*_ct`) and
//! as blind-index digests; the web layer encrypts and decrypts with the keyring, behind the
//! access check and the audit log.

use crate::{Result, now};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Person {
    pub id: i64,
    pub code: String,
    pub owner_org: i64,
    pub wrapped_key: String,
    pub identity_ct: String,
    pub sex: String,
    pub age_band: String,
    pub nationality: String,
    pub languages: String,
    pub residence_status: String,
    pub permit_expiry: Option<String>,
    pub sector: String,
    pub employment_ct: String,
    pub comune_code: String,
    pub outreach_session: Option<i64>,
    pub created_at: i64,
    pub anonymised_at: Option<i64>,
}

const PERSON_COLUMNS: &str =
    "SELECT id, code, owner_org, wrapped_key, identity_ct, sex, age_band, nationality, languages,
    residence_status, permit_expiry, sector, employment_ct, comune_code, outreach_session, created_at, anonymised_at
    FROM persons";

/// The coded (not encrypted) attributes of a person.
#[derive(Debug, Clone, Default)]
pub struct PersonAttributes {
    pub sex: String,
    pub age_band: String,
    pub nationality: String,
    pub languages: String,
    pub residence_status: String,
    pub permit_expiry: Option<String>,
    pub sector: String,
    pub comune_code: String,
}

/// Creates a person without secrets (the caller encrypts them with the row id, then calls
/// [`set_person_secrets`] in the same transaction).
pub async fn insert_person(
    conn: &mut AnyConnection,
    code: &str,
    owner_org: i64,
    a: &PersonAttributes,
    outreach_session: Option<i64>,
    by: Option<i64>,
) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO persons (code, owner_org, sex, age_band, nationality, languages, residence_status, permit_expiry,
                              sector, comune_code, outreach_session, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(code)
    .bind(owner_org)
    .bind(&a.sex)
    .bind(&a.age_band)
    .bind(&a.nationality)
    .bind(&a.languages)
    .bind(&a.residence_status)
    .bind(a.permit_expiry.clone())
    .bind(&a.sector)
    .bind(&a.comune_code)
    .bind(outreach_session)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update_person_attributes(conn: &mut AnyConnection, id: i64, a: &PersonAttributes) -> Result<()> {
    sqlx::query(
        "UPDATE persons SET sex = $1, age_band = $2, nationality = $3, languages = $4, residence_status = $5,
                permit_expiry = $6, sector = $7, comune_code = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&a.sex)
    .bind(&a.age_band)
    .bind(&a.nationality)
    .bind(&a.languages)
    .bind(&a.residence_status)
    .bind(a.permit_expiry.clone())
    .bind(&a.sector)
    .bind(&a.comune_code)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_person_secrets(
    conn: &mut AnyConnection,
    id: i64,
    wrapped_key: &str,
    identity_ct: &str,
    employment_ct: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE persons SET wrapped_key = $1, identity_ct = $2, employment_ct = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(wrapped_key)
    .bind(identity_ct)
    .bind(employment_ct)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces a person's blind indexes.
pub async fn set_blind_index(conn: &mut AnyConnection, person: i64, tokens: &[(&str, &str)]) -> Result<()> {
    sqlx::query("DELETE FROM person_blind_index WHERE person_id = $1").bind(person).execute(&mut *conn).await?;
    for (kind, digest) in tokens {
        sqlx::query("INSERT INTO person_blind_index (person_id, kind, digest) VALUES ($1, $2, $3)")
            .bind(person)
            .bind(*kind)
            .bind(*digest)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn person(conn: &mut AnyConnection, id: i64) -> Result<Person> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{PERSON_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Wrapped keys to rotate: (person id, wrapped key) of every person with secrets.
pub async fn wrapped_keys(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, wrapped_key FROM persons WHERE wrapped_key <> '' ORDER BY id")
        .fetch_all(&mut *conn)
        .await?)
}

pub async fn set_wrapped_key(conn: &mut AnyConnection, id: i64, wrapped: &str) -> Result<()> {
    sqlx::query("UPDATE persons SET wrapped_key = $1 WHERE id = $2").bind(wrapped).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// People sharing at least one digest with `person` (other than itself): (person id, kind).
pub async fn blind_matches(conn: &mut AnyConnection, person: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT o.person_id, o.kind FROM person_blind_index m
         JOIN person_blind_index o ON o.digest = m.digest AND o.kind = m.kind AND o.person_id <> m.person_id
         WHERE m.person_id = $1 AND m.kind <> 'name' ORDER BY o.person_id, o.kind",
    )
    .bind(person)
    .fetch_all(&mut *conn)
    .await?)
}

/// People whose blind index of `kind` is one of `digests`, owned by `org` (name search).
pub async fn persons_by_digest(conn: &mut AnyConnection, org: i64, kind: &str, digest: &str) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT b.person_id FROM person_blind_index b JOIN persons p ON p.id = b.person_id
         WHERE b.kind = $1 AND b.digest = $2 AND p.owner_org = $3 ORDER BY b.person_id",
    )
    .bind(kind)
    .bind(digest)
    .bind(org)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every blind index (person id, kind, digest), ordered by person: the full screening.
pub async fn all_blind(conn: &mut AnyConnection) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT person_id, kind, digest FROM person_blind_index WHERE kind <> 'name' ORDER BY person_id")
        .fetch_all(&mut *conn)
        .await?)
}

// --- Cases ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Case {
    pub id: i64,
    pub person_id: i64,
    pub owner_org: i64,
    pub stage: String,
    pub stage_before: Option<String>,
    pub outcome: Option<String>,
    pub formal_outcome: Option<String>,
    pub formal_org: Option<i64>,
    pub formal_on: Option<String>,
    pub comune_code: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    pub retention_until: Option<i64>,
    pub updated_at: i64,
}

const CASE_COLUMNS: &str = "SELECT id, person_id, owner_org, stage, stage_before, outcome, formal_outcome, formal_org,
    formal_on, comune_code, opened_at, closed_at, close_reason, retention_until, updated_at FROM cases";

pub async fn open_case(conn: &mut AnyConnection, person: i64, owner_org: i64, comune: &str, by: i64) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cases (person_id, owner_org, comune_code, opened_by, opened_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(person)
    .bind(owner_org)
    .bind(comune)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn case(conn: &mut AnyConnection, id: i64) -> Result<Case> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{CASE_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn case_of_person(conn: &mut AnyConnection, person: i64) -> Result<Case> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{CASE_COLUMNS} WHERE person_id = $1")))
        .bind(person)
        .fetch_one(&mut *conn)
        .await?)
}

/// One line of the case list.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CaseLine {
    pub id: i64,
    pub code: String,
    pub owner_org: i64,
    pub stage: String,
    pub outcome: Option<String>,
    pub comune_code: String,
    pub opened_at: i64,
    pub updated_at: i64,
    /// Referrals to the reader's organisation still waiting for an answer.
    pub pending_to_me: i64,
}

/// Filters of the case list. The list holds the cases of `org` and those referred to it
/// (pending or accepted); the caller still checks each case with `authorize`.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub org: i64,
    pub stage: Option<String>,
    /// A pseudonymous code or its beginning.
    pub code: Option<String>,
    /// Only these people (a name search through the blind index).
    pub persons: Option<Vec<i64>>,
    pub limit: i64,
    pub offset: i64,
    /// How the referred cases are found; [`ListPlan::Auto`] but in tests that compare the plans.
    pub plan: ListPlan,
}

/// The two ways of finding the page's cases referred to an organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListPlan {
    /// The cheaper of the two, by the number of referrals the organisation holds.
    #[default]
    Auto,
    /// Gather every case referred (through `referrals_to_idx`) and sort them: cheap when they are few.
    Gather,
    /// Walk all cases newest first (`cases_updated_idx`), keeping the referred ones, until the page
    /// is full: cheap when they are many.
    Walk,
}

/// Integer ids as an SQL list (integers only: formatted, never user text).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The first code after every code that starts with `prefix` (codes are `[0-9A-Z-]`, compared
/// byte by byte: `persons.code` has the C collation on PostgreSQL too), so that a prefix search is
/// a range on the unique index of the codes.
fn code_range(prefix: &str) -> (String, String) {
    let p: String = prefix.to_uppercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let end = format!("{p}~");
    (p, end)
}

/// The cases of the list, newest change first: two branches, each stopping at the page's end —
/// the organisation's own cases walking `cases_owner_updated_idx` (or, by stage,
/// `cases_owner_stage_idx`) and the cases referred to it, gathered through `referrals_to_idx` or
/// walked on `cases_updated_idx` ([`ListPlan`]) — then the page of the two merged; the codes and
/// the pending referrals are read only for that page.
pub async fn list_cases(conn: &mut AnyConnection, f: &CaseFilter) -> Result<Vec<CaseLine>> {
    if f.persons.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    // Parameters: $1 org, $2 rows per branch, then stage, code range, page limit and offset.
    let mut filters = String::new();
    let mut n = 2;
    if f.stage.is_some() {
        n += 1;
        filters.push_str(&format!(" AND c.stage = ${n}"));
    }
    if f.code.is_some() {
        filters.push_str(&format!(
            " AND c.person_id IN (SELECT id FROM persons WHERE code >= ${} AND code < ${})",
            n + 1,
            n + 2
        ));
        n += 2;
    }
    if let Some(ids) = &f.persons {
        filters.push_str(&format!(" AND c.person_id IN ({})", id_list(ids)));
    }
    let columns = "c.id, c.person_id, c.owner_org, c.stage, c.outcome, c.comune_code, c.opened_at, c.updated_at";
    let branch_order = "ORDER BY c.updated_at DESC, c.id DESC LIMIT $2";
    let referred = "SELECT case_id FROM referrals WHERE to_org = $1 AND status IN ('pending', 'accepted')";
    let walk = match f.plan {
        ListPlan::Walk => true,
        ListPlan::Gather => false,
        // A code prefix drives the walk through the unique index of codes: a few rows, whoever
        // holds how many referrals.
        ListPlan::Auto if f.code.is_some() => true,
        // Gathering costs about the number of referred cases; walking, the rows wanted times
        // the cases per referred one (`MAX(id)` bounds the cases) — on `cases_updated_idx`, or
        // by stage on `cases_stage_updated_idx`, where the same ratio holds.
        ListPlan::Auto if f.persons.is_none() => {
            let (held,): (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM ({referred}) AS h")))
                    .bind(f.org)
                    .fetch_one(&mut *conn)
                    .await?;
            let (cases,): (i64,) =
                sqlx::query_as("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM cases").fetch_one(&mut *conn).await?;
            held.saturating_mul(held) > (f.limit + f.offset).max(1).saturating_mul(cases)
        }
        ListPlan::Auto => false,
    };
    let referred_branch = if walk {
        format!(
            "SELECT {columns} FROM cases c
             WHERE c.owner_org <> $1 AND EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id AND r.to_org = $1
                                                 AND r.status IN ('pending', 'accepted')){filters} {branch_order}"
        )
    } else {
        format!(
            "SELECT {columns} FROM cases c WHERE c.id IN ({referred}) AND c.owner_org <> $1{filters} {branch_order}"
        )
    };
    let sql = format!(
        "SELECT l.id, p.code, l.owner_org, l.stage, l.outcome, l.comune_code, l.opened_at, l.updated_at,
                (SELECT COUNT(*) FROM referrals r WHERE r.case_id = l.id AND r.to_org = $1 AND r.status = 'pending')
                  AS pending_to_me
         FROM (SELECT * FROM (SELECT {columns} FROM cases c WHERE c.owner_org = $1{filters} {branch_order}) AS owned
               UNION ALL
               SELECT * FROM ({referred_branch}) AS referred) AS l
         JOIN persons p ON p.id = l.person_id
         ORDER BY l.updated_at DESC, l.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(f.org).bind(f.limit + f.offset);
    if let Some(s) = &f.stage {
        q = q.bind(s.clone());
    }
    if let Some(c) = &f.code {
        let (from, to) = code_range(c);
        q = q.bind(from).bind(to);
    }
    Ok(q.bind(f.limit).bind(f.offset).fetch_all(&mut *conn).await?)
}

/// Cases by id (any order).
pub async fn cases_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Case>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{CASE_COLUMNS} WHERE id IN ({})", id_list(ids))))
        .fetch_all(&mut *conn)
        .await?)
}

pub async fn set_stage(conn: &mut AnyConnection, id: i64, stage: &str) -> Result<()> {
    sqlx::query("UPDATE cases SET stage = $1, updated_at = $2 WHERE id = $3")
        .bind(stage)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_outcome(conn: &mut AnyConnection, id: i64, outcome: &str) -> Result<()> {
    sqlx::query("UPDATE cases SET outcome = $1, updated_at = $2 WHERE id = $3")
        .bind(outcome)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_formal(conn: &mut AnyConnection, id: i64, outcome: &str, org: i64, on: &str) -> Result<()> {
    sqlx::query("UPDATE cases SET formal_outcome = $1, formal_org = $2, formal_on = $3, updated_at = $4 WHERE id = $5")
        .bind(outcome)
        .bind(org)
        .bind(on)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Closes a case; it will be anonymised at `retention_until`.
pub async fn close_case(conn: &mut AnyConnection, id: i64, reason: &str, retention_until: i64) -> Result<()> {
    let t = now();
    sqlx::query(
        "UPDATE cases SET stage_before = stage, stage = 'closed', closed_at = $1, close_reason = $2,
                retention_until = $3, updated_at = $1 WHERE id = $4 AND stage <> 'closed'",
    )
    .bind(t)
    .bind(reason)
    .bind(retention_until)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn reopen_case(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET stage = COALESCE(stage_before, 'contact'), stage_before = NULL, closed_at = NULL,
                close_reason = NULL, retention_until = NULL, updated_at = $1 WHERE id = $2 AND stage = 'closed'",
    )
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// --- Timeline ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub kind: String,
    pub detail: String,
}

pub async fn add_event(
    conn: &mut AnyConnection,
    case: i64,
    org: Option<i64>,
    user: Option<i64>,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    sqlx::query("INSERT INTO case_events (case_id, at, org_id, user_id, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case)
        .bind(now())
        .bind(org)
        .bind(user)
        .bind(kind)
        .bind(detail.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn events(conn: &mut AnyConnection, case: i64) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(
        "SELECT id, at, org_id, user_id, kind, detail FROM case_events WHERE case_id = $1 ORDER BY at, id",
    )
    .bind(case)
    .fetch_all(&mut *conn)
    .await?)
}

// --- Consents ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ConsentRow {
    pub id: i64,
    pub person_id: i64,
    pub purposes: String,
    pub fields: String,
    pub recipients: String,
    pub language: String,
    pub mediator: String,
    pub given_on: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
    pub withdrawn_at: Option<i64>,
}

impl ConsentRow {
    pub fn recipient_ids(&self) -> Vec<i64> {
        self.recipients.split(',').filter_map(|s| s.trim().parse().ok()).collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewConsent<'a> {
    pub person: i64,
    pub purposes: &'a str,
    pub fields: &'a str,
    pub recipients: &'a [i64],
    pub language: &'a str,
    pub mediator: &'a str,
    pub given_on: &'a str,
    pub by: i64,
}

pub async fn add_consent(conn: &mut AnyConnection, c: &NewConsent<'_>) -> Result<i64> {
    let recipients = c.recipients.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO consents (person_id, purposes, fields, recipients, language, mediator, given_on, recorded_by,
                               recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.person)
    .bind(c.purposes)
    .bind(c.fields)
    .bind(recipients)
    .bind(c.language)
    .bind(c.mediator)
    .bind(c.given_on)
    .bind(c.by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn consents(conn: &mut AnyConnection, person: i64) -> Result<Vec<ConsentRow>> {
    consents_of(conn, &[person]).await
}

/// The consents of several people, by person then in the order they were given.
pub async fn consents_of(conn: &mut AnyConnection, persons: &[i64]) -> Result<Vec<ConsentRow>> {
    if persons.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, person_id, purposes, fields, recipients, language, mediator, given_on, recorded_by, recorded_at,
                withdrawn_at FROM consents WHERE person_id IN ({}) ORDER BY person_id, id",
        id_list(persons)
    )))
    .fetch_all(&mut *conn)
    .await?)
}

/// Withdraws a consent and the live referrals that rested on it; returns those referrals.
pub async fn withdraw_consent(conn: &mut AnyConnection, id: i64, by: i64) -> Result<Vec<i64>> {
    let t = now();
    sqlx::query("UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL")
        .bind(t)
        .bind(by)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let rows: Vec<(i64,)> = sqlx::query_as(
        "UPDATE referrals SET status = 'withdrawn', responded_at = $1
         WHERE consent_id = $2 AND status IN ('pending', 'accepted') RETURNING id",
    )
    .bind(t)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// --- Assessments ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AssessmentRow {
    pub id: i64,
    pub checklist: String,
    pub version: i64,
    pub outcome: String,
    pub present: i64,
    pub answers_ct: String,
    pub org_id: i64,
    pub assessed_by: Option<i64>,
    pub assessed_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewAssessment<'a> {
    pub case: i64,
    pub checklist: &'a str,
    pub version: i64,
    pub outcome: &'a str,
    pub present: i64,
    pub answers_ct: &'a str,
    pub org: i64,
    pub by: i64,
}

/// Adds an assessment; its encrypted answers are set next with [`set_assessment_answers`]
/// (the ciphertext is bound to the row id).
pub async fn add_assessment(conn: &mut AnyConnection, a: &NewAssessment<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assessments (case_id, checklist, version, outcome, present, answers_ct, org_id, assessed_by,
                                  assessed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.case)
    .bind(a.checklist)
    .bind(a.version)
    .bind(a.outcome)
    .bind(a.present)
    .bind(a.answers_ct)
    .bind(a.org)
    .bind(a.by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn set_assessment_answers(conn: &mut AnyConnection, id: i64, answers_ct: &str) -> Result<()> {
    sqlx::query("UPDATE assessments SET answers_ct = $1 WHERE id = $2")
        .bind(answers_ct)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn assessments(conn: &mut AnyConnection, case: i64) -> Result<Vec<AssessmentRow>> {
    Ok(sqlx::query_as(
        "SELECT id, checklist, version, outcome, present, answers_ct, org_id, assessed_by, assessed_at
         FROM assessments WHERE case_id = $1 ORDER BY id",
    )
    .bind(case)
    .fetch_all(&mut *conn)
    .await?)
}

// --- Referrals ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Referral {
    pub id: i64,
    pub case_id: i64,
    pub from_org: i64,
    pub to_org: i64,
    pub service_id: Option<i64>,
    pub consent_id: i64,
    pub fields: String,
    pub reason_ct: String,
    pub status: String,
    pub due_on: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub responded_by: Option<i64>,
    pub responded_at: Option<i64>,
    pub response_ct: String,
    pub reminded_at: Option<i64>,
    pub escalated_at: Option<i64>,
}

const REFERRAL_COLUMNS: &str =
    "SELECT id, case_id, from_org, to_org, service_id, consent_id, fields, reason_ct, status,
    due_on, created_by, created_at, responded_by, responded_at, response_ct, reminded_at, escalated_at FROM referrals";

#[derive(Debug, Clone, Default)]
pub struct NewReferral<'a> {
    pub case: i64,
    pub from_org: i64,
    pub to_org: i64,
    pub service: Option<i64>,
    pub consent: i64,
    pub fields: &'a str,
    pub due_on: &'a str,
    pub by: i64,
}

/// Adds a referral; its encrypted reason is set next with [`set_referral_reason`] (the
/// ciphertext is bound to the row id).
pub async fn add_referral(conn: &mut AnyConnection, r: &NewReferral<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO referrals (case_id, from_org, to_org, service_id, consent_id, fields, due_on, created_by,
                                created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.case)
    .bind(r.from_org)
    .bind(r.to_org)
    .bind(r.service)
    .bind(r.consent)
    .bind(r.fields)
    .bind(r.due_on)
    .bind(r.by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn set_referral_reason(conn: &mut AnyConnection, id: i64, reason_ct: &str) -> Result<()> {
    sqlx::query("UPDATE referrals SET reason_ct = $1 WHERE id = $2")
        .bind(reason_ct)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn referral(conn: &mut AnyConnection, id: i64) -> Result<Referral> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{REFERRAL_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn referrals(conn: &mut AnyConnection, case: i64) -> Result<Vec<Referral>> {
    referrals_of(conn, &[case]).await
}

/// The referrals of several cases, by case then in the order they were made.
pub async fn referrals_of(conn: &mut AnyConnection, cases: &[i64]) -> Result<Vec<Referral>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REFERRAL_COLUMNS} WHERE case_id IN ({}) ORDER BY case_id, id",
        id_list(cases)
    )))
    .fetch_all(&mut *conn)
    .await?)
}

/// Accepts or declines a pending referral; false when it was no longer pending.
pub async fn respond_referral(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    by: i64,
    response_ct: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE referrals SET status = $1, responded_by = $2, responded_at = $3, response_ct = $4
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(by)
    .bind(now())
    .bind(response_ct)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn withdraw_referral(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE referrals SET status = 'withdrawn', responded_at = $1 WHERE id = $2 AND status IN ('pending', 'accepted')",
    )
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Pending referrals due on or before `date` (YYYY-MM-DD) that were not yet reminded
/// (`reminded`) or escalated.
pub async fn pending_due(conn: &mut AnyConnection, date: &str, escalation: bool) -> Result<Vec<Referral>> {
    let column = if escalation { "escalated_at" } else { "reminded_at" };
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{REFERRAL_COLUMNS} WHERE status = 'pending' AND due_on <= $1 AND {column} IS NULL ORDER BY id"
    )))
    .bind(date)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn mark_referral(conn: &mut AnyConnection, id: i64, escalation: bool) -> Result<()> {
    let column = if escalation { "escalated_at" } else { "reminded_at" };
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE referrals SET {column} = $1 WHERE id = $2")))
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// --- Plan, tasks, follow-ups ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Item {
    pub id: i64,
    pub item_kind: String,
    pub text_ct: String,
    pub org_id: Option<i64>,
    pub service_id: Option<i64>,
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

/// Adds a goal, task or follow-up; its encrypted text is set next with [`set_item_text`].
pub async fn add_item(
    conn: &mut AnyConnection,
    case: i64,
    kind: &str,
    org: Option<i64>,
    due_on: Option<&str>,
    by: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO case_items (case_id, item_kind, text_ct, org_id, due_on, created_by, created_at)
         VALUES ($1, $2, '', $3, $4, $5, $6) RETURNING id",
    )
    .bind(case)
    .bind(kind)
    .bind(org)
    .bind(due_on)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn set_item_text(conn: &mut AnyConnection, id: i64, text_ct: &str) -> Result<()> {
    sqlx::query("UPDATE case_items SET text_ct = $1 WHERE id = $2").bind(text_ct).bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn items(conn: &mut AnyConnection, case: i64) -> Result<Vec<Item>> {
    Ok(sqlx::query_as(
        "SELECT id, item_kind, text_ct, org_id, service_id, due_on, done_at, created_by, created_at
         FROM case_items WHERE case_id = $1 ORDER BY item_kind, id",
    )
    .bind(case)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn complete_item(conn: &mut AnyConnection, case: i64, id: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE case_items SET done_at = $1 WHERE id = $2 AND case_id = $3 AND done_at IS NULL")
        .bind(now())
        .bind(id)
        .bind(case)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

// --- Break the glass ---

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Glass {
    pub id: i64,
    pub case_id: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub reason: String,
    pub granted_at: i64,
    pub expires_at: i64,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub review: Option<String>,
    pub review_note: String,
}

const GLASS_COLUMNS: &str = "SELECT id, case_id, user_id, org_id, reason, granted_at, expires_at, reviewed_by,
    reviewed_at, review, review_note FROM glass_access";

pub async fn grant_glass(
    conn: &mut AnyConnection,
    case: i64,
    user: i64,
    org: i64,
    reason: &str,
    secs: i64,
) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO glass_access (case_id, user_id, org_id, reason, granted_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case)
    .bind(user)
    .bind(org)
    .bind(reason)
    .bind(t)
    .bind(t + secs)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Users with an unexpired access to `case`.
pub async fn glass_users(conn: &mut AnyConnection, case: i64) -> Result<Vec<i64>> {
    Ok(glass_users_of(conn, &[case]).await?.into_iter().map(|(_, user)| user).collect())
}

/// (case, user) of every unexpired break-the-glass access to these cases, once each.
pub async fn glass_users_of(conn: &mut AnyConnection, cases: &[i64]) -> Result<Vec<(i64, i64)>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT case_id, user_id FROM glass_access WHERE case_id IN ({}) AND expires_at > $1
         ORDER BY case_id, user_id",
        id_list(cases)
    )))
    .bind(now())
    .fetch_all(&mut *conn)
    .await?)
}

/// Break-the-glass accesses: of one case, or all not yet reviewed.
pub async fn glass_list(conn: &mut AnyConnection, case: Option<i64>) -> Result<Vec<Glass>> {
    Ok(match case {
        Some(c) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{GLASS_COLUMNS} WHERE case_id = $1 ORDER BY id DESC")))
                .bind(c)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{GLASS_COLUMNS} WHERE reviewed_at IS NULL ORDER BY id")))
                .fetch_all(&mut *conn)
                .await?
        }
    })
}

pub async fn glass(conn: &mut AnyConnection, id: i64) -> Result<Glass> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{GLASS_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn review_glass(conn: &mut AnyConnection, id: i64, by: i64, review: &str, note: &str) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE glass_access SET reviewed_by = $1, reviewed_at = $2, review = $3, review_note = $4
         WHERE id = $5 AND reviewed_at IS NULL",
    )
    .bind(by)
    .bind(now())
    .bind(review)
    .bind(note)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

// --- Retention ---

/// Closed cases whose retention period ended and whose person still has secrets.
pub async fn expired_cases(conn: &mut AnyConnection, at: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.person_id FROM cases c JOIN persons p ON p.id = c.person_id
         WHERE c.stage = 'closed' AND c.retention_until IS NOT NULL AND c.retention_until <= $1
           AND p.anonymised_at IS NULL ORDER BY c.id",
    )
    .bind(at)
    .fetch_all(&mut *conn)
    .await?)
}

/// Destroys everything that identifies a person and what was written about them: the wrapped
/// key and every ciphertext, the blind indexes, the consents' mediator names. The coded
/// columns stay, so the indicators do not change.
pub async fn anonymise_person(conn: &mut AnyConnection, person: i64) -> Result<()> {
    let t = now();
    sqlx::query(
        "UPDATE persons SET wrapped_key = '', identity_ct = '', employment_ct = '', anonymised_at = $1, updated_at = $1
         WHERE id = $2",
    )
    .bind(t)
    .bind(person)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM person_blind_index WHERE person_id = $1").bind(person).execute(&mut *conn).await?;
    sqlx::query("UPDATE consents SET mediator = '' WHERE person_id = $1").bind(person).execute(&mut *conn).await?;
    for sql in [
        "UPDATE assessments SET answers_ct = '' WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
        "UPDATE referrals SET reason_ct = '', response_ct = '' WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
        "UPDATE case_items SET text_ct = '' WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)",
    ] {
        sqlx::query(sql).bind(person).execute(&mut *conn).await?;
    }
    Ok(())
}
