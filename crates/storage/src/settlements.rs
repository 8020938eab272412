//! The settlement registry (migration 0011): settlements and their observations over time,
//! and the census feeding it without duplicates.

use crate::{Result, now};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Settlement {
    pub id: i64,
    pub kind: String,
    pub settlement_type: String,
    pub name: String,
    pub comune_code: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub position_source: String,
    pub area: String,
    pub owner: String,
    pub year_formed: Option<i64>,
    pub status: String,
    pub match_key: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "SELECT id, kind, settlement_type, name, comune_code, lon, lat, position_source, area, owner,
    year_formed, status, match_key, created_at, updated_at FROM settlements";

/// A new settlement.
#[derive(Debug, Clone, Default)]
pub struct NewSettlement<'a> {
    pub kind: &'a str,
    pub settlement_type: &'a str,
    pub name: &'a str,
    pub comune_code: &'a str,
    pub point: Option<(f64, f64)>,
    pub position_source: &'a str,
    pub owner: &'a str,
    pub year_formed: Option<i64>,
    pub match_key: &'a str,
    pub created_by: Option<i64>,
}

pub async fn create(conn: &mut AnyConnection, s: &NewSettlement<'_>) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO settlements (kind, settlement_type, name, comune_code, lon, lat, position_source, owner, year_formed,
                                  match_key, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(s.kind)
    .bind(s.settlement_type)
    .bind(s.name)
    .bind(s.comune_code)
    .bind(s.point.map(|p| p.0))
    .bind(s.point.map(|p| p.1))
    .bind(s.position_source)
    .bind(s.owner)
    .bind(s.year_formed)
    .bind(s.match_key)
    .bind(s.created_by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Settlement> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1"))).bind(id).fetch_one(&mut *conn).await?)
}

pub async fn by_match_key(conn: &mut AnyConnection, key: &str) -> Result<Option<Settlement>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE match_key = $1 ORDER BY id LIMIT 1")))
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Every settlement, optionally of one kind, by Comune then id.
pub async fn list(conn: &mut AnyConnection, kind: Option<&str>) -> Result<Vec<Settlement>> {
    Ok(match kind {
        Some(k) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE kind = $1 ORDER BY comune_code, id")))
                .bind(k.to_owned())
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY comune_code, id")))
                .fetch_all(&mut *conn)
                .await?
        }
    })
}

/// The `updated_at` of a change by hand: now, or one second after the newest change of the
/// registry if that is not earlier, so that [`fingerprint`] (which reads the newest
/// `updated_at`) sees two changes made within the same second, in any process.
const TOUCH: &str = "CASE WHEN (SELECT COALESCE(MAX(updated_at), 0) FROM settlements) >= $1
    THEN (SELECT COALESCE(MAX(updated_at), 0) FROM settlements) + 1 ELSE $1 END";

/// Moves a settlement's point (a position taken on site or placed on the map).
pub async fn set_position(conn: &mut AnyConnection, id: i64, point: (f64, f64), source: &str) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE settlements SET lon = $2, lat = $3, position_source = $4, updated_at = {TOUCH} WHERE id = $5"
    )))
    .bind(now())
    .bind(point.0)
    .bind(point.1)
    .bind(source)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets a settlement's status (`active`, `cleared`, `relocated`, `closed`: the codes of
/// `argine_domain::settlements::Status`).
pub async fn set_status(conn: &mut AnyConnection, id: i64, status: &str) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE settlements SET status = $2, updated_at = {TOUCH} WHERE id = $3")))
        .bind(now())
        .bind(status)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Keeps the year the settlement formed when a later source gives it.
pub async fn set_year_formed(conn: &mut AnyConnection, id: i64, year: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE settlements SET year_formed = COALESCE($1, year_formed), updated_at = $2 WHERE id = $3")
        .bind(year)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Observation {
    pub id: i64,
    pub settlement_id: i64,
    pub observed_on: String,
    pub source: String,
    pub source_ref: Option<String>,
    pub people: Option<i64>,
    pub women: String,
    pub minors: String,
    pub families: String,
    pub services: String,
    pub distance_km: Option<f64>,
    pub risks: String,
    pub nature: String,
    pub note: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

const OBS_COLUMNS: &str = "SELECT id, settlement_id, observed_on, source, source_ref, people, women, minors, families,
    services, distance_km, risks, nature, note, lon, lat, created_by, created_at FROM settlement_observations";

/// A new observation; with a `source_ref` already stored, that observation is replaced (the
/// census answer it came from was corrected) and its id returned.
#[derive(Debug, Clone, Default)]
pub struct NewObservation<'a> {
    pub settlement_id: i64,
    pub observed_on: &'a str,
    pub source: &'a str,
    pub source_ref: Option<&'a str>,
    pub people: Option<i64>,
    pub women: &'a str,
    pub minors: &'a str,
    pub families: &'a str,
    pub services: &'a str,
    pub distance_km: Option<f64>,
    pub risks: &'a str,
    pub nature: &'a str,
    pub note: &'a str,
    pub point: Option<(f64, f64)>,
    pub created_by: Option<i64>,
}

pub async fn observe(conn: &mut AnyConnection, o: &NewObservation<'_>) -> Result<i64> {
    if let Some(r) = o.source_ref {
        sqlx::query("DELETE FROM settlement_observations WHERE source_ref = $1").bind(r).execute(&mut *conn).await?;
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO settlement_observations (settlement_id, observed_on, source, source_ref, people, women, minors,
             families, services, distance_km, risks, nature, note, lon, lat, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(o.settlement_id)
    .bind(o.observed_on)
    .bind(o.source)
    .bind(o.source_ref)
    .bind(o.people)
    .bind(o.women)
    .bind(o.minors)
    .bind(o.families)
    .bind(o.services)
    .bind(o.distance_km)
    .bind(o.risks)
    .bind(o.nature)
    .bind(o.note)
    .bind(o.point.map(|p| p.0))
    .bind(o.point.map(|p| p.1))
    .bind(o.created_by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE settlements SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(o.settlement_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// A settlement's observations, oldest first.
pub async fn observations(conn: &mut AnyConnection, settlement_id: i64) -> Result<Vec<Observation>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{OBS_COLUMNS} WHERE settlement_id = $1 ORDER BY observed_on, id")))
        .bind(settlement_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// The latest observation of every settlement (by date, then id): one ordered scan, the last
/// row of each settlement kept.
pub async fn latest_observations(conn: &mut AnyConnection) -> Result<Vec<Observation>> {
    let all: Vec<Observation> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{OBS_COLUMNS} ORDER BY settlement_id, observed_on, id")))
            .fetch_all(&mut *conn)
            .await?;
    let mut out: Vec<Observation> = Vec::new();
    for o in all {
        match out.last_mut() {
            Some(last) if last.settlement_id == o.settlement_id => *last = o,
            _ => out.push(o),
        }
    }
    Ok(out)
}

/// What feeding the registry from a census campaign did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CensusImport {
    /// Settlements added to the registry.
    pub created: usize,
    /// Settlements the census describes that the registry already had (an earlier wave, or
    /// this campaign imported before).
    pub matched: usize,
    /// Observations written (one per settlement described; replaced when imported again).
    pub observations: usize,
}

/// Feeds the registry from the clean answers of a campaign: every settlement and structure a
/// Comune describes becomes an observation of the settlement it is — found by Comune, kind and
/// name ([`argine_domain::settlements::CensusSettlement::match_key`]), or added. Imported again
/// (after corrections) it replaces its own observations and adds nothing twice. Run it in the
/// caller's transaction.
///
/// # Errors
/// The database, or a stored response that is not valid JSON.
pub async fn import_census(conn: &mut AnyConnection, campaign_id: i64, by: Option<i64>) -> Result<CensusImport> {
    use argine_domain::census::answers::Answers;
    let mut out = CensusImport::default();
    let mut after = String::new();
    loop {
        let page = crate::census::clean_page(conn, campaign_id, &after, 500).await?;
        let last = page.len() < 500;
        for r in &page {
            after.clone_from(&r.comune_code);
            let answers: Answers = serde_json::from_str(&r.answers)
                .map_err(|e| crate::StorageError::Corrupt(format!("response {}: {e}", r.id)))?;
            let date = r
                .submitted_at
                .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
                .map(|t| argine_domain::calendar::rome_local(t).date().to_string())
                .unwrap_or_default();
            for s in argine_domain::settlements::from_census(&r.comune_code, &answers, &date) {
                let id = match by_match_key(conn, &s.match_key).await? {
                    Some(found) => {
                        out.matched += 1;
                        set_year_formed(conn, found.id, s.year_formed).await?;
                        found.id
                    }
                    None => {
                        out.created += 1;
                        create(
                            conn,
                            &NewSettlement {
                                kind: s.kind.code(),
                                settlement_type: &s.settlement_type,
                                name: &s.name,
                                comune_code: &r.comune_code,
                                point: None,
                                position_source: "comune",
                                owner: "",
                                year_formed: s.year_formed,
                                match_key: &s.match_key,
                                created_by: by,
                            },
                        )
                        .await?
                    }
                };
                let o = &s.observation;
                let source_ref = format!("census:{campaign_id}:{}:{}", r.comune_code, s.instance);
                observe(
                    conn,
                    &NewObservation {
                        settlement_id: id,
                        observed_on: &o.observed_on,
                        source: "censimento",
                        source_ref: Some(&source_ref),
                        people: o.people,
                        women: &o.women,
                        minors: &o.minors,
                        families: &o.families,
                        services: &o.services.join(" "),
                        distance_km: o.distance_km,
                        risks: &o.risks.join(" "),
                        nature: &o.nature,
                        note: "",
                        point: None,
                        created_by: by,
                    },
                )
                .await?;
                out.observations += 1;
            }
        }
        if last {
            break;
        }
    }
    Ok(out)
}

/// What changes whenever the registry does (in any process): the numbers of settlements and
/// observations, the newest change of a settlement, the newest observation id (a replaced
/// observation gets a new one).
pub async fn fingerprint(conn: &mut AnyConnection) -> Result<(i64, i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM settlements), (SELECT COALESCE(MAX(updated_at), 0) FROM settlements),
                (SELECT COUNT(*) FROM settlement_observations), (SELECT COALESCE(MAX(id), 0) FROM settlement_observations)",
    )
    .fetch_one(&mut *conn)
    .await?)
}
