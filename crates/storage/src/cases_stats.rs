//! Counts of case work for the indicators: grouped in the database, never a row about a person
//! leaves this module. Disclosure control is the caller's (the web layer withholds small cells).
//!
//! A territory is a list of province codes: the first three digits of a Comune's ISTAT code are
//! its province's code, so a region is the list of its provinces.

use crate::Result;
use sqlx::AnyConnection;

/// The period (Unix seconds, `from` included, `to` excluded) and the territory.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Province codes (`020`); `None`: everywhere.
    pub provinces: Option<Vec<String>>,
}

/// A group and its count.
pub type Counts = Vec<(Vec<String>, i64)>;

/// Appends `AND …` for the period on `at` and the territory on `comune`, binding from `$n+1`.
fn scope_sql(sql: &mut String, s: &Scope, at: &str, comune: &str, n: &mut usize) {
    if s.from.is_some() {
        *n += 1;
        sql.push_str(&format!(" AND {at} >= ${n}"));
    }
    if s.to.is_some() {
        *n += 1;
        sql.push_str(&format!(" AND {at} < ${n}"));
    }
    if let Some(p) = &s.provinces {
        let marks: Vec<String> = p
            .iter()
            .map(|_| {
                *n += 1;
                format!("${n}")
            })
            .collect();
        if marks.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            sql.push_str(&format!(" AND SUBSTR({comune}, 1, 3) IN ({})", marks.join(", ")));
        }
    }
}

/// Runs a grouping query whose select list is `keys` (text or integer columns, NULL read as '')
/// then a count, within the scope. The keys are grouped as they are, never through an
/// expression: each count walks a covering index in the order of its groups (migration 0015)
/// instead of sorting the rows.
async fn grouped(
    conn: &mut AnyConnection,
    select_from: &str,
    keys: &[&str],
    at: &str,
    comune: &str,
    s: &Scope,
) -> Result<Counts> {
    let mut cols: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    cols.push("COUNT(*)".into());
    let mut sql = format!("SELECT {} FROM {select_from} WHERE 1 = 1", cols.join(", "));
    let mut n = 0;
    scope_sql(&mut sql, s, at, comune, &mut n);
    // No keys: one count, without a GROUP BY (grouping by a constant sorts every row).
    if !keys.is_empty() {
        sql.push_str(&format!(" GROUP BY {}", keys.join(", ")));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(f) = s.from {
        q = q.bind(f);
    }
    if let Some(t) = s.to {
        q = q.bind(t);
    }
    for p in s.provinces.iter().flatten() {
        q = q.bind(p.clone());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    use sqlx::Row;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut key = Vec::with_capacity(keys.len());
        for i in 0..keys.len() {
            let v = match r.try_get::<Option<String>, _>(i) {
                Ok(v) => v.unwrap_or_default(),
                Err(_) => r.try_get::<Option<i64>, _>(i)?.map(|n| n.to_string()).unwrap_or_default(),
            };
            key.push(v);
        }
        out.push((key, r.try_get::<i64, _>(keys.len())?));
    }
    Ok(out)
}

/// Contacts: people recorded in the period (each record is a contact, whether or not it became a
/// case), by the Comune where they were met.
pub async fn contacts(conn: &mut AnyConnection, s: &Scope) -> Result<i64> {
    let rows = grouped(conn, "persons p", &[], "p.created_at", "p.comune_code", s).await?;
    Ok(rows.into_iter().map(|(_, n)| n).sum())
}

/// Cases opened in the period by (stage, outcome).
pub async fn cases_by_stage_outcome(conn: &mut AnyConnection, s: &Scope) -> Result<Counts> {
    grouped(conn, "cases c", &["c.stage", "c.outcome"], "c.opened_at", "c.comune_code", s).await
}

/// People whose case was opened in the period by (sex, age band, nationality): the person's
/// attributes as copied on the case by the triggers of migration 0015.
pub async fn cases_by_person(conn: &mut AnyConnection, s: &Scope) -> Result<Counts> {
    grouped(
        conn,
        "cases c",
        &["c.person_sex", "c.person_age_band", "c.person_nationality"],
        "c.opened_at",
        "c.comune_code",
        s,
    )
    .await
}

/// Cases closed in the period by reason.
pub async fn closures(conn: &mut AnyConnection, s: &Scope) -> Result<Counts> {
    grouped(
        conn,
        "cases c",
        &["c.close_reason"],
        "c.closed_at",
        "c.comune_code",
        &Scope { from: s.from.or(Some(0)), ..s.clone() },
    )
    .await
}

/// The referrals, joined to their case only when the territory asks for its Comune.
fn referrals_from(s: &Scope) -> &'static str {
    match s.provinces {
        Some(_) => "referrals r JOIN cases c ON c.id = r.case_id",
        None => "referrals r",
    }
}

/// Referrals made in the period by (receiving organisation, status).
pub async fn referrals(conn: &mut AnyConnection, s: &Scope) -> Result<Counts> {
    grouped(conn, referrals_from(s), &["r.to_org", "r.status"], "r.created_at", "c.comune_code", s).await
}

/// Seconds from referral to acceptance of the referrals made in the period and accepted,
/// sorted.
pub async fn seconds_to_acceptance(conn: &mut AnyConnection, s: &Scope) -> Result<Vec<i64>> {
    let mut sql = format!(
        "SELECT r.responded_at - r.created_at FROM {} WHERE r.status = 'accepted' AND r.responded_at IS NOT NULL",
        referrals_from(s)
    );
    let mut n = 0;
    scope_sql(&mut sql, s, "r.created_at", "c.comune_code", &mut n);
    let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
    if let Some(f) = s.from {
        q = q.bind(f);
    }
    if let Some(t) = s.to {
        q = q.bind(t);
    }
    for p in s.provinces.iter().flatten() {
        q = q.bind(p.clone());
    }
    let mut seconds: Vec<i64> = q.fetch_all(&mut *conn).await?.into_iter().map(|r| r.0).collect();
    seconds.sort_unstable();
    Ok(seconds)
}

/// The ISO day (UTC) of a Unix time: outreach sessions are dated by day.
fn iso_day(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| {
            let d = d.date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        })
        .unwrap_or_else(|_| if t < 0 { "0000-01-01".into() } else { "9999-12-31".into() })
}

/// Anonymous contacts of the outreach sessions held in the period (whole days: the day `from`
/// falls in is included), in the territory: the sum of their counts by sex, age band,
/// nationality and sector.
pub async fn outreach_contacts(conn: &mut AnyConnection, s: &Scope) -> Result<i64> {
    let mut sql = String::from(
        "SELECT CAST(COALESCE(SUM(oc.count), 0) AS BIGINT) FROM outreach_contacts oc
         JOIN outreach_sessions os ON os.id = oc.session_id WHERE 1 = 1",
    );
    let mut n = 0;
    scope_sql(&mut sql, s, "os.held_on", "os.comune_code", &mut n);
    let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
    if let Some(f) = s.from {
        q = q.bind(iso_day(f));
    }
    if let Some(t) = s.to {
        // `to` is excluded: a midnight excludes its day; any later time includes the day it is in.
        q = q.bind(iso_day(t.saturating_add(86_399)));
    }
    for p in s.provinces.iter().flatten() {
        q = q.bind(p.clone());
    }
    Ok(q.fetch_one(&mut *conn).await?.0)
}

/// The counter every write to persons, cases, referrals and outreach sessions moves (triggers
/// of migration 0014, inside the writing transaction): counts read after it stay true until it
/// moves.
pub async fn version(conn: &mut AnyConnection) -> Result<i64> {
    let (v,): (i64,) =
        sqlx::query_as("SELECT version FROM data_versions WHERE name = 'casework'").fetch_one(&mut *conn).await?;
    Ok(v)
}
