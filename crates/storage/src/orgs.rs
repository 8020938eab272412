//! Organisations of the network, their jurisdiction and their contacts.

use crate::{Db, Result, StorageError, flag, now};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use sqlx::{AnyConnection, FromRow};

/// How to reach an organisation. Empty values are stored as NULL.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Contacts {
    pub email: Option<String>,
    /// Posta elettronica certificata: the legally binding address of Italian bodies.
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    /// Code in the Indice dei domicili digitali della PA (IPA), for public bodies.
    pub ipa_code: Option<String>,
}

impl Contacts {
    /// Turns "" into `None` for every field.
    pub fn normalised(self) -> Self {
        let n = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            email: n(self.email),
            pec: n(self.pec),
            phone: n(self.phone),
            address: n(self.address),
            website: n(self.website),
            ipa_code: n(self.ipa_code),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub org_type: OrgType,
    pub jurisdiction: Jurisdiction,
    pub contacts: Contacts,
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
    website: Option<String>,
    ipa_code: Option<String>,
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub org_type: OrgType,
    pub jurisdiction: &'a Jurisdiction,
    pub contacts: Contacts,
}

pub async fn create(conn: &mut AnyConnection, o: NewOrganisation<'_>) -> Result<i64> {
    let t = now();
    let c = o.contacts.normalised();
    let national = i64::from(*o.jurisdiction == Jurisdiction::National);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO organisations (name, org_type, national, email, pec, phone, address, website, ipa_code,
                                    created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(o.name)
    .bind(o.org_type.code())
    .bind(national)
    .bind(c.email)
    .bind(c.pec)
    .bind(c.phone)
    .bind(c.address)
    .bind(c.website)
    .bind(c.ipa_code)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    set_units(conn, id, o.jurisdiction).await?;
    Ok(id)
}

/// Replaces name, type, jurisdiction and contacts of an organisation.
pub async fn update(conn: &mut AnyConnection, id: i64, o: NewOrganisation<'_>) -> Result<()> {
    let c = o.contacts.normalised();
    let r = sqlx::query(
        "UPDATE organisations SET name = $1, org_type = $2, national = $3, email = $4, pec = $5, phone = $6,
                address = $7, website = $8, ipa_code = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(o.name)
    .bind(o.org_type.code())
    .bind(i64::from(*o.jurisdiction == Jurisdiction::National))
    .bind(c.email)
    .bind(c.pec)
    .bind(c.phone)
    .bind(c.address)
    .bind(c.website)
    .bind(c.ipa_code)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StorageError::NotFound);
    }
    sqlx::query("DELETE FROM organisation_units WHERE org_id = $1").bind(id).execute(&mut *conn).await?;
    set_units(conn, id, o.jurisdiction).await
}

async fn set_units(conn: &mut AnyConnection, id: i64, j: &Jurisdiction) -> Result<()> {
    if let Jurisdiction::Units(units) = j {
        for u in units {
            sqlx::query("INSERT INTO organisation_units (org_id, unit) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(u.to_key())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
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
        contacts: Contacts {
            email: r.email,
            pec: r.pec,
            phone: r.phone,
            address: r.address,
            website: r.website,
            ipa_code: r.ipa_code,
        },
    })
}

const ORG_COLUMNS: &str =
    "SELECT id, name, org_type, national, email, pec, phone, address, website, ipa_code FROM organisations";

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
