//! Organisations and their jurisdiction.

use crate::{Db, Result, StorageError, flag, now};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub org_type: OrgType,
    pub jurisdiction: Jurisdiction,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(FromRow)]
struct OrgRow {
    id: i64,
    name: String,
    org_type: String,
    national: i64,
    email: Option<String>,
    pec: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub org_type: OrgType,
    pub jurisdiction: &'a Jurisdiction,
    pub email: Option<&'a str>,
    pub pec: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
}

pub async fn create(conn: &mut AnyConnection, o: NewOrganisation<'_>) -> Result<i64> {
    let t = now();
    let national = i64::from(*o.jurisdiction == Jurisdiction::National);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO organisations (name, org_type, national, email, pec, phone, address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(o.name)
    .bind(o.org_type.code())
    .bind(national)
    .bind(o.email)
    .bind(o.pec)
    .bind(o.phone)
    .bind(o.address)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    if let Jurisdiction::Units(units) = o.jurisdiction {
        for u in units {
            sqlx::query("INSERT INTO organisation_units (org_id, unit) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(u.to_key())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(id)
}

async fn units_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<TerritoryUnit>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT unit FROM organisation_units WHERE org_id = $1 ORDER BY unit")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|(u,)| {
            TerritoryUnit::parse(u).ok_or_else(|| StorageError::Corrupt(format!("organisation {id}: bad unit {u}")))
        })
        .collect()
}

async fn hydrate(conn: &mut AnyConnection, r: OrgRow) -> Result<Organisation> {
    let org_type = OrgType::from_code(&r.org_type)
        .ok_or_else(|| StorageError::Corrupt(format!("organisation {} has unknown type", r.id)))?;
    let jurisdiction =
        if flag(r.national) { Jurisdiction::National } else { Jurisdiction::from_units(units_of(conn, r.id).await?) };
    Ok(Organisation {
        id: r.id,
        name: r.name,
        org_type,
        jurisdiction,
        email: r.email,
        pec: r.pec,
        phone: r.phone,
        address: r.address,
    })
}

const ORG_COLUMNS: &str = "SELECT id, name, org_type, national, email, pec, phone, address FROM organisations";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Organisation> {
    let r: OrgRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORG_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    hydrate(conn, r).await
}

pub async fn list(db: &Db) -> Result<Vec<Organisation>> {
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<OrgRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORG_COLUMNS} ORDER BY name"))).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(hydrate(&mut conn, r).await?);
    }
    Ok(out)
}

pub async fn find_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<Organisation>> {
    let r: Option<OrgRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORG_COLUMNS} WHERE name = $1")))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    match r {
        Some(r) => Ok(Some(hydrate(conn, r).await?)),
        None => Ok(None),
    }
}
