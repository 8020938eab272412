//! Outreach (migration 0012): itinerant teams with their members and route, and outreach
//! sessions with their anonymous contact counts, materials given and needs heard. A session is
//! keyed by the UUID its client generated, so sending it twice stores it once.

use crate::{Result, StorageError, now};
use argine_domain::outreach::{CheckedSession, ContactRow, MaterialRow};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Team {
    pub id: i64,
    pub uuid: String,
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub name: String,
    pub comune_code: String,
    pub languages: String,
    pub mediators: String,
}

const TEAM_COLUMNS: &str =
    "SELECT id, uuid, org_id, service_id, name, comune_code, languages, mediators FROM outreach_teams";

#[derive(Debug, Clone, Default)]
pub struct NewTeam<'a> {
    pub org_id: i64,
    pub service_id: Option<i64>,
    pub name: &'a str,
    pub comune_code: &'a str,
    pub languages: &'a str,
    pub mediators: &'a str,
    pub members: &'a [i64],
    pub created_by: Option<i64>,
}

pub async fn create_team(conn: &mut AnyConnection, t: &NewTeam<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outreach_teams (uuid, org_id, service_id, name, comune_code, languages, mediators, created_by,
                                     created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(t.org_id)
    .bind(t.service_id)
    .bind(t.name)
    .bind(t.comune_code)
    .bind(t.languages)
    .bind(t.mediators)
    .bind(t.created_by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    add_members(conn, id, t.members).await?;
    Ok(id)
}

async fn add_members(conn: &mut AnyConnection, team_id: i64, members: &[i64]) -> Result<()> {
    for m in members {
        sqlx::query("INSERT INTO outreach_team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(team_id)
            .bind(*m)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Changes a team's name, base, languages and mediators, and sets its members to `t.members`
/// (`t.org_id`, `service_id` and `created_by` are not changed).
pub async fn update_team(conn: &mut AnyConnection, id: i64, t: &NewTeam<'_>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE outreach_teams SET name = $1, comune_code = $2, languages = $3, mediators = $4 WHERE id = $5",
    )
    .bind(t.name)
    .bind(t.comune_code)
    .bind(t.languages)
    .bind(t.mediators)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    sqlx::query("DELETE FROM outreach_team_members WHERE team_id = $1").bind(id).execute(&mut *conn).await?;
    add_members(conn, id, t.members).await?;
    Ok(())
}

/// Removes a stop of the team's route; false when the team has no such stop.
pub async fn remove_stop(conn: &mut AnyConnection, team_id: i64, stop_id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM outreach_route_stops WHERE id = $1 AND team_id = $2")
        .bind(stop_id)
        .bind(team_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn team(conn: &mut AnyConnection, id: i64) -> Result<Team> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEAM_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn teams(conn: &mut AnyConnection) -> Result<Vec<Team>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TEAM_COLUMNS} ORDER BY org_id, name, id")))
        .fetch_all(&mut *conn)
        .await?)
}

/// The members of a team: (user id, display name), by name.
pub async fn members(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name FROM outreach_team_members m JOIN users u ON u.id = m.user_id
         WHERE m.team_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Stop {
    pub id: i64,
    pub team_id: i64,
    pub visit_on: String,
    pub comune_code: String,
    pub settlement_id: Option<i64>,
    pub place: String,
    pub hours: String,
}

pub async fn add_stop(
    conn: &mut AnyConnection,
    team_id: i64,
    visit_on: &str,
    comune_code: &str,
    settlement_id: Option<i64>,
    place: &str,
    hours: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outreach_route_stops (team_id, visit_on, comune_code, settlement_id, place, hours)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(team_id)
    .bind(visit_on)
    .bind(comune_code)
    .bind(settlement_id)
    .bind(place)
    .bind(hours)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A team's route, by date.
pub async fn route(conn: &mut AnyConnection, team_id: i64) -> Result<Vec<Stop>> {
    Ok(sqlx::query_as(
        "SELECT id, team_id, visit_on, comune_code, settlement_id, place, hours FROM outreach_route_stops
         WHERE team_id = $1 ORDER BY visit_on, id",
    )
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Session {
    pub id: i64,
    pub client_uuid: String,
    pub org_id: i64,
    pub team_id: Option<i64>,
    pub desk_id: Option<i64>,
    pub held_on: String,
    pub comune_code: String,
    pub settlement_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub needs: String,
    pub needs_note: String,
    pub source: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    /// The sum of the session's contact counts.
    pub contacts: i64,
}

const SESSION_COLUMNS: &str = "SELECT s.id, s.client_uuid, s.org_id, s.team_id, s.desk_id, s.held_on, s.comune_code,
    s.settlement_id, s.lon, s.lat, s.needs, s.needs_note, s.source, s.created_by, s.created_at,
    CAST(COALESCE((SELECT SUM(c.count) FROM outreach_contacts c WHERE c.session_id = s.id), 0) AS BIGINT) AS contacts
    FROM outreach_sessions s";

/// What recording a session did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new session with this id.
    Created(i64),
    /// The client UUID was already stored (a sync sent twice): this session, unchanged.
    Existing(i64),
}

impl Recorded {
    pub fn id(self) -> i64 {
        match self {
            Self::Created(id) | Self::Existing(id) => id,
        }
    }
}

async fn by_uuid(conn: &mut AnyConnection, client_uuid: &str) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, org_id FROM outreach_sessions WHERE client_uuid = $1")
        .bind(client_uuid)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Records a checked session of `org_id`, once per client UUID: a UUID already stored for the
/// same organisation returns that session untouched; for another organisation it is a
/// conflict. Run it in the caller's transaction (with the audit entry).
pub async fn record(
    conn: &mut AnyConnection,
    org_id: i64,
    s: &CheckedSession,
    source: &str,
    by: Option<i64>,
) -> Result<Recorded> {
    let existing = |found: Option<(i64, i64)>| match found {
        Some((id, org)) if org == org_id => Ok(Recorded::Existing(id)),
        _ => Err(StorageError::Conflict("outreach_sessions_client_uuid_key".into())),
    };
    if let Some(found) = by_uuid(conn, &s.client_uuid).await? {
        return existing(Some(found));
    }
    // A sync racing itself: the insert that loses waits for the other (PostgreSQL) or comes after
    // it (SQLite), inserts nothing and reads the session the other stored.
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO outreach_sessions (client_uuid, org_id, team_id, desk_id, held_on, comune_code, settlement_id,
                                        lon, lat, needs, needs_note, source, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (client_uuid) DO NOTHING RETURNING id",
    )
    .bind(&s.client_uuid)
    .bind(org_id)
    .bind(s.team_id)
    .bind(s.desk_id)
    .bind(&s.held_on)
    .bind(&s.comune)
    .bind(s.settlement_id)
    .bind(s.point.map(|p| p.0))
    .bind(s.point.map(|p| p.1))
    .bind(s.needs.join(" "))
    .bind(&s.needs_note)
    .bind(source)
    .bind(by)
    .bind(now())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id,)) = inserted else {
        return existing(by_uuid(conn, &s.client_uuid).await?);
    };
    for c in &s.contacts {
        sqlx::query(
            "INSERT INTO outreach_contacts (session_id, sex, age_band, nationality, sector, count)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&c.sex)
        .bind(&c.age_band)
        .bind(&c.nationality)
        .bind(&c.sector)
        .bind(c.count)
        .execute(&mut *conn)
        .await?;
    }
    for m in &s.materials {
        sqlx::query(
            "INSERT INTO outreach_materials (session_id, material, language, quantity) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&m.material)
        .bind(&m.language)
        .bind(m.quantity)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Recorded::Created(id))
}

pub async fn session(conn: &mut AnyConnection, id: i64) -> Result<Session> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SESSION_COLUMNS} WHERE s.id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Every session, newest first, with its contact total.
pub async fn sessions(conn: &mut AnyConnection) -> Result<Vec<Session>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SESSION_COLUMNS} ORDER BY s.held_on DESC, s.id DESC")))
        .fetch_all(&mut *conn)
        .await?)
}

/// How many sessions carry this client UUID (0 or 1: the unique constraint).
pub async fn count_by_uuid(conn: &mut AnyConnection, client_uuid: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outreach_sessions WHERE client_uuid = $1")
        .bind(client_uuid)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// A session's contact grid, in (sex, age band, nationality, sector) order.
pub async fn contacts(conn: &mut AnyConnection, session_id: i64) -> Result<Vec<ContactRow>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT sex, age_band, nationality, sector, count FROM outreach_contacts WHERE session_id = $1
         ORDER BY sex, age_band, nationality, sector",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(sex, age_band, nationality, sector, count)| ContactRow { sex, age_band, nationality, sector, count })
        .collect())
}

pub async fn materials(conn: &mut AnyConnection, session_id: i64) -> Result<Vec<MaterialRow>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT material, language, quantity FROM outreach_materials WHERE session_id = $1 ORDER BY material, language",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(material, language, quantity)| MaterialRow { material, language, quantity }).collect())
}
