//! The service directory (migration 0012), shaped like Open Referral HSDS 3.0: services of an
//! organisation, locations, the service at a location (a listening point when flagged) and its
//! opening hours. Every row has a UUID for the HSDS export.

use crate::{Result, StorageError, now};
use argine_domain::outreach::Opening;
use sqlx::{AnyConnection, FromRow};

fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Service {
    pub id: i64,
    pub uuid: String,
    pub org_id: i64,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub languages: String,
    pub email: String,
    pub phone: String,
    pub url: String,
    pub status: String,
    pub updated_at: i64,
}

const SERVICE_COLUMNS: &str = "SELECT id, uuid, org_id, kind, name, description, eligibility, languages, email, phone,
    url, status, updated_at FROM services";

/// What a service says about itself (new or changed).
#[derive(Debug, Clone, Default)]
pub struct ServiceFields<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub eligibility: &'a str,
    /// space-separated ISO 639-1 codes
    pub languages: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub url: &'a str,
}

/// Gives an organisation its HSDS UUID if it has none yet.
pub async fn ensure_org_uuid(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO organisation_uuids (org_id, uuid) VALUES ($1, $2) ON CONFLICT (org_id) DO NOTHING")
        .bind(org_id)
        .bind(new_uuid())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// (organisation id, UUID) of every organisation that has one.
pub async fn org_uuids(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT org_id, uuid FROM organisation_uuids ORDER BY org_id").fetch_all(&mut *conn).await?)
}

pub async fn create(conn: &mut AnyConnection, org_id: i64, f: &ServiceFields<'_>, by: Option<i64>) -> Result<i64> {
    ensure_org_uuid(conn, org_id).await?;
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO services (uuid, org_id, kind, name, description, eligibility, languages, email, phone, url,
                               created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(new_uuid())
    .bind(org_id)
    .bind(f.kind)
    .bind(f.name)
    .bind(f.description)
    .bind(f.eligibility)
    .bind(f.languages)
    .bind(f.email)
    .bind(f.phone)
    .bind(f.url)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update(conn: &mut AnyConnection, id: i64, f: &ServiceFields<'_>, status: &str) -> Result<()> {
    let r = sqlx::query(
        "UPDATE services SET kind = $1, name = $2, description = $3, eligibility = $4, languages = $5, email = $6,
                phone = $7, url = $8, status = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(f.kind)
    .bind(f.name)
    .bind(f.description)
    .bind(f.eligibility)
    .bind(f.languages)
    .bind(f.email)
    .bind(f.phone)
    .bind(f.url)
    .bind(status)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Service> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SERVICE_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Every service, by organisation then name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Service>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SERVICE_COLUMNS} ORDER BY org_id, name, id")))
        .fetch_all(&mut *conn)
        .await?)
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Location {
    pub id: i64,
    pub uuid: String,
    pub org_id: i64,
    pub name: String,
    pub address: String,
    pub comune_code: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

const LOCATION_COLUMNS: &str = "SELECT id, uuid, org_id, name, address, comune_code, lon, lat FROM service_locations";

pub async fn create_location(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
    address: &str,
    comune_code: &str,
    point: Option<(f64, f64)>,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO service_locations (uuid, org_id, name, address, comune_code, lon, lat, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new_uuid())
    .bind(org_id)
    .bind(name)
    .bind(address)
    .bind(comune_code)
    .bind(point.map(|p| p.0))
    .bind(point.map(|p| p.1))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn locations(conn: &mut AnyConnection) -> Result<Vec<Location>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{LOCATION_COLUMNS} ORDER BY id"))).fetch_all(&mut *conn).await?)
}

/// A service offered at a location, with its opening hours.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ServiceAtLocation {
    pub id: i64,
    pub uuid: String,
    pub service_id: i64,
    pub location_id: i64,
    pub listening_point: i64,
    pub note: String,
}

/// Offers a service at a location (a listening point when `listening_point`), with its hours.
/// The same service twice at the same location is `Conflict("service_at_location_pair_key")`
/// on both databases (SQLite names the columns, not the constraint); the caller's transaction
/// is then spent on PostgreSQL.
pub async fn offer_at(
    conn: &mut AnyConnection,
    service_id: i64,
    location_id: i64,
    listening_point: bool,
    note: &str,
    hours: &[Opening],
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO service_at_location (uuid, service_id, location_id, listening_point, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new_uuid())
    .bind(service_id)
    .bind(location_id)
    .bind(i64::from(listening_point))
    .bind(note)
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match StorageError::from(e) {
        StorageError::Conflict(_) => StorageError::Conflict("service_at_location_pair_key".into()),
        other => other,
    })?;
    set_hours(conn, id, hours).await?;
    Ok(id)
}

/// Replaces the opening hours of a service at a location.
pub async fn set_hours(conn: &mut AnyConnection, sal_id: i64, hours: &[Opening]) -> Result<()> {
    sqlx::query("DELETE FROM service_schedules WHERE service_at_location_id = $1")
        .bind(sal_id)
        .execute(&mut *conn)
        .await?;
    for h in hours {
        sqlx::query(
            "INSERT INTO service_schedules (service_at_location_id, weekday, opens_at, closes_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(sal_id)
        .bind(i64::from(h.weekday))
        .bind(&h.opens_at)
        .bind(&h.closes_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn at_locations(conn: &mut AnyConnection) -> Result<Vec<ServiceAtLocation>> {
    Ok(sqlx::query_as(
        "SELECT id, uuid, service_id, location_id, listening_point, note FROM service_at_location ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn at_location(conn: &mut AnyConnection, id: i64) -> Result<ServiceAtLocation> {
    Ok(sqlx::query_as(
        "SELECT id, uuid, service_id, location_id, listening_point, note FROM service_at_location WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Every opening interval: (service at location id, opening), by weekday and time.
pub async fn schedules(conn: &mut AnyConnection) -> Result<Vec<(i64, Opening)>> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT service_at_location_id, weekday, opens_at, closes_at FROM service_schedules
         ORDER BY service_at_location_id, weekday, opens_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(s, w, o, c)| (s, Opening { weekday: u8::try_from(w).unwrap_or(0), opens_at: o, closes_at: c }))
        .collect())
}

/// The whole directory, read once: what every page and the export are built from.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub services: Vec<Service>,
    pub locations: Vec<Location>,
    pub at_locations: Vec<ServiceAtLocation>,
    pub schedules: Vec<(i64, Opening)>,
    /// (organisation id, HSDS UUID)
    pub org_uuids: Vec<(i64, String)>,
}

impl Directory {
    pub fn location(&self, id: i64) -> Option<&Location> {
        self.locations.iter().find(|l| l.id == id)
    }

    pub fn service(&self, id: i64) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The places (service at location, location) of a service.
    pub fn places_of(&self, service_id: i64) -> Vec<(&ServiceAtLocation, &Location)> {
        self.at_locations
            .iter()
            .filter(|a| a.service_id == service_id)
            .filter_map(|a| self.location(a.location_id).map(|l| (a, l)))
            .collect()
    }

    pub fn hours_of(&self, sal_id: i64) -> Vec<Opening> {
        self.schedules.iter().filter(|(s, _)| *s == sal_id).map(|(_, o)| o.clone()).collect()
    }
}

pub async fn directory(conn: &mut AnyConnection) -> Result<Directory> {
    Ok(Directory {
        services: list(conn).await?,
        locations: locations(conn).await?,
        at_locations: at_locations(conn).await?,
        schedules: schedules(conn).await?,
        org_uuids: org_uuids(conn).await?,
    })
}
