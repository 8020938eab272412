//! Territory: regions, provinces and comuni with their history.
//!
//! The shipped reference data ([`reference`]) is loaded on first start in one transaction:
//! the ISTAT list, then the hand-kept patches (renames, mergers since the list), then ANPR's
//! history of former names and suppressed comuni, each closed version pointing to its successor.

pub mod import;
pub mod reference;

use crate::{Db, Result, StorageError, flag};
use reference::{AnprRow, ComuneRow, PatchRow, ProvinceRow, RegionRow, parse};
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;

#[derive(Debug, Clone, FromRow)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub macroarea: String,
    pub nuts1: String,
    pub nuts2: String,
    pub pop_total: i64,
    pub area_km2: f64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Province {
    pub code: String,
    pub name: String,
    pub sigla: String,
    pub region_code: String,
    pub uts_type: i64,
    pub uts_label: String,
    pub pop_total: i64,
    pub area_km2: f64,
}

/// One version of a comune.
#[derive(Debug, Clone, FromRow)]
pub struct Comune {
    pub id: i64,
    pub istat: String,
    pub belfiore: String,
    pub name: String,
    pub name_other: String,
    pub province_code: String,
    pub region_code: String,
    pub sigla: String,
    pub capoluogo: i64,
    pub nuts3: String,
    pub pop_total: i64,
    pub pop_male: i64,
    pub pop_female: i64,
    pub pop_0_14: i64,
    pub pop_15_64: i64,
    pub pop_65_plus: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub area_km2: Option<f64>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub successor_id: Option<i64>,
    pub change_kind: Option<String>,
    pub change_source: Option<String>,
}

impl Comune {
    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }
    pub fn is_capoluogo(&self) -> bool {
        flag(self.capoluogo)
    }
    /// "Bolzano/Bozen" for bilingual comuni.
    pub fn display_name(&self) -> String {
        if self.name_other.is_empty() { self.name.clone() } else { format!("{}/{}", self.name, self.name_other) }
    }
}

pub(crate) const COMUNE_COLUMNS: &str = "SELECT id, istat, belfiore, name, name_other, province_code, region_code, sigla, capoluogo, nuts3, \
     pop_total, pop_male, pop_female, pop_0_14, pop_15_64, pop_65_plus, lat, lon, area_km2, valid_from, valid_to, \
     successor_id, change_kind, change_source FROM comuni";

/// Counts and dates of the loaded reference data.
#[derive(Debug, Clone)]
pub struct Summary {
    pub regions: i64,
    pub provinces: i64,
    pub comuni: i64,
    pub vintage: String,
    pub patched_to: String,
    pub population_date: String,
}

/// The next calendar day of an ISO date (the date itself if it does not parse).
pub fn day_after(date: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, fmt)
        .ok()
        .and_then(|d| d.next_day())
        .and_then(|d| d.format(fmt).ok())
        .unwrap_or_else(|| date.to_owned())
}

pub(crate) fn day_before(date: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, fmt)
        .ok()
        .and_then(|d| d.previous_day())
        .and_then(|d| d.format(fmt).ok())
        .unwrap_or_else(|| date.to_owned())
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("shipped reference data {what}: {e}"))
}

#[derive(Default)]
pub(crate) struct NewVersion<'a> {
    pub(crate) istat: &'a str,
    pub(crate) belfiore: &'a str,
    pub(crate) name: &'a str,
    pub(crate) name_other: &'a str,
    pub(crate) province_code: &'a str,
    pub(crate) region_code: &'a str,
    pub(crate) sigla: &'a str,
    pub(crate) capoluogo: i64,
    pub(crate) nuts3: &'a str,
    pub(crate) pop: [i64; 6],
    pub(crate) lat: Option<f64>,
    pub(crate) lon: Option<f64>,
    pub(crate) area: Option<f64>,
    pub(crate) valid_from: &'a str,
    pub(crate) valid_to: Option<&'a str>,
    pub(crate) successor_id: Option<i64>,
    pub(crate) change_kind: Option<&'a str>,
    pub(crate) change_source: Option<&'a str>,
}

pub(crate) async fn insert_version(conn: &mut AnyConnection, v: &NewVersion<'_>) -> Result<i64> {
    let ids = insert_versions(conn, std::slice::from_ref(v)).await?;
    ids.first().map(|(id, _)| *id).ok_or_else(|| StorageError::Corrupt("insert returned no id".into()))
}

const VERSION_INSERT: &str =
    "INSERT INTO comuni (istat, belfiore, name, name_other, province_code, region_code, sigla, capoluogo, nuts3,
            pop_total, pop_male, pop_female, pop_0_14, pop_15_64, pop_65_plus, lat, lon, area_km2,
            valid_from, valid_to, successor_id, change_kind, change_source) VALUES ";
const VERSION_FIELDS: usize = 23;
/// Rows per multi-row INSERT while loading reference data (23 parameters each).
const BATCH: usize = 200;

/// Inserts many versions with multi-row INSERTs (one statement per [`BATCH`] rows); returns
/// (id, Belfiore code) of each, in no particular order.
pub(crate) async fn insert_versions(conn: &mut AnyConnection, rows: &[NewVersion<'_>]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    // SQLite resolves `$N` names by a linear search per parameter, which is quadratic in a
    // multi-row statement: it gets positional `?` placeholders (bound in the same order).
    let positional = conn.backend_name() == "SQLite";
    for chunk in rows.chunks(BATCH) {
        // Only constant fragments and numbered placeholders are concatenated.
        let mut sql = String::from(VERSION_INSERT);
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for f in 0..VERSION_FIELDS {
                if f > 0 {
                    sql.push(',');
                }
                if positional {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&(i * VERSION_FIELDS + f + 1).to_string());
                }
            }
            sql.push(')');
        }
        sql.push_str(" RETURNING id, belfiore");
        let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for v in chunk {
            q = q
                .bind(v.istat)
                .bind(v.belfiore)
                .bind(v.name)
                .bind(v.name_other)
                .bind(v.province_code)
                .bind(v.region_code)
                .bind(v.sigla)
                .bind(v.capoluogo)
                .bind(v.nuts3)
                .bind(v.pop[0])
                .bind(v.pop[1])
                .bind(v.pop[2])
                .bind(v.pop[3])
                .bind(v.pop[4])
                .bind(v.pop[5])
                .bind(v.lat)
                .bind(v.lon)
                .bind(v.area)
                .bind(v.valid_from)
                .bind(v.valid_to)
                .bind(v.successor_id)
                .bind(v.change_kind)
                .bind(v.change_source);
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

pub(crate) async fn set_successor(conn: &mut AnyConnection, id: i64, successor: i64) -> Result<()> {
    sqlx::query("UPDATE comuni SET successor_id = $1 WHERE id = $2")
        .bind(successor)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn close_version(
    conn: &mut AnyConnection,
    id: i64,
    valid_to: &str,
    successor: Option<i64>,
    kind: &str,
    source: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE comuni SET valid_to = $1, successor_id = $2, change_kind = $3, change_source = $4 WHERE id = $5",
    )
    .bind(valid_to)
    .bind(successor)
    .bind(kind)
    .bind(source)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Loads the shipped reference data if the database has none yet. Returns whether it loaded.
#[tracing::instrument(skip(db))]
pub async fn ensure_loaded(db: &Db) -> Result<bool> {
    let loaded: Option<(String,)> =
        sqlx::query_as("SELECT value FROM territory_meta WHERE key = 'vintage'").fetch_optional(db.pool()).await?;
    if loaded.is_some() {
        return Ok(false);
    }
    let regions: Vec<RegionRow> = parse(reference::REGIONS_CSV).map_err(|e| corrupt("regioni.csv", e))?;
    let provinces: Vec<ProvinceRow> = parse(reference::PROVINCES_CSV).map_err(|e| corrupt("province.csv", e))?;
    let comuni: Vec<ComuneRow> = parse(reference::COMUNI_CSV).map_err(|e| corrupt("comuni.csv", e))?;
    let anpr: Vec<AnprRow> = parse(reference::ANPR_CSV).map_err(|e| corrupt("anpr_comuni.csv", e))?;
    let patches: Vec<PatchRow> = parse(reference::PATCHES_CSV).map_err(|e| corrupt("patches.csv", e))?;

    let mut tx = db.begin().await?;
    // Another process may have loaded it meanwhile.
    let again: Option<(String,)> =
        sqlx::query_as("SELECT value FROM territory_meta WHERE key = 'vintage'").fetch_optional(&mut *tx).await?;
    if again.is_some() {
        return Ok(false);
    }
    for r in &regions {
        sqlx::query("INSERT INTO regions (code, name, macroarea, nuts1, nuts2, pop_total, area_km2) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(&r.code)
            .bind(&r.name)
            .bind(&r.macroarea)
            .bind(&r.nuts1)
            .bind(&r.nuts2)
            .bind(r.pop_total)
            .bind(r.area_km2)
            .execute(&mut *tx)
            .await?;
    }
    for p in &provinces {
        sqlx::query(
            "INSERT INTO provinces (code, name, sigla, region_code, uts_type, uts_label, pop_total, area_km2) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.sigla)
        .bind(&p.region_code)
        .bind(p.uts_type)
        .bind(&p.uts_type_label)
        .bind(p.pop_total)
        .bind(p.area_km2)
        .execute(&mut *tx)
        .await?;
    }
    // When each active Belfiore code's current record began (ANPR).
    let mut created: HashMap<&str, &str> = HashMap::new();
    for a in anpr.iter().filter(|a| a.date_deleted.is_empty()) {
        created.insert(a.belfiore.as_str(), a.date_created.as_str());
    }
    let mut by_belfiore: HashMap<String, (i64, ComuneRow)> = HashMap::new();
    let first_day: Vec<&str> =
        comuni.iter().map(|c| created.get(c.belfiore.as_str()).copied().unwrap_or("1861-03-17")).collect();
    let versions: Vec<NewVersion<'_>> =
        comuni.iter().zip(&first_day).map(|(c, from)| version_of(c, from, None, None)).collect();
    let ids: HashMap<String, i64> =
        insert_versions(&mut tx, &versions).await?.into_iter().map(|(id, bf)| (bf, id)).collect();
    for c in &comuni {
        let id = *ids.get(&c.belfiore).ok_or_else(|| corrupt("comuni.csv", format!("{} not inserted", c.belfiore)))?;
        by_belfiore.insert(c.belfiore.clone(), (id, c.clone()));
    }
    apply_patches(&mut tx, &patches, &mut by_belfiore).await?;
    load_history(&mut tx, &anpr, &created, &by_belfiore).await?;
    for (k, v) in [
        ("vintage", reference::VINTAGE),
        ("patched_to", reference::PATCHED_TO),
        ("population_date", reference::POPULATION_DATE),
    ] {
        sqlx::query("INSERT INTO territory_meta (key, value) VALUES ($1, $2)")
            .bind(k)
            .bind(v)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(comuni = comuni.len(), "territory reference data loaded");
    Ok(true)
}

/// Renames and mergers after the shipped ISTAT list (data/territory/patches.csv).
async fn apply_patches(
    conn: &mut AnyConnection,
    patches: &[PatchRow],
    current: &mut HashMap<String, (i64, ComuneRow)>,
) -> Result<()> {
    let mut i = 0;
    while i < patches.len() {
        let p = &patches[i];
        match p.kind.as_str() {
            "rename" => {
                let (old_id, row) = current
                    .get(&p.old_belfiore)
                    .cloned()
                    .ok_or_else(|| corrupt("patches.csv", format!("unknown {}", p.old_belfiore)))?;
                let mut renamed = row.clone();
                renamed.name.clone_from(&p.new_name);
                // Close first: only one current version may hold an ISTAT code.
                close_version(conn, old_id, &day_before(&p.date), None, "rename", &p.source).await?;
                let new_id =
                    insert_version(conn, &version_of(&renamed, &p.date, Some("rename"), Some(&p.source))).await?;
                set_successor(conn, old_id, new_id).await?;
                current.insert(p.new_belfiore.clone(), (new_id, renamed));
                i += 1;
            }
            "merge" => {
                // Consecutive merge rows with the same target and date form one merger.
                let group: Vec<&PatchRow> = patches[i..]
                    .iter()
                    .take_while(|q| q.kind == "merge" && q.new_belfiore == p.new_belfiore && q.date == p.date)
                    .collect();
                let olds: Vec<(i64, ComuneRow)> = group
                    .iter()
                    .map(|q| {
                        current
                            .get(&q.old_belfiore)
                            .cloned()
                            .ok_or_else(|| corrupt("patches.csv", format!("unknown {}", q.old_belfiore)))
                    })
                    .collect::<Result<_>>()?;
                let target_id = if let Some((tid, target)) = current.get(&p.new_belfiore).cloned() {
                    // Incorporation into an existing comune: it keeps its codes and gains the people.
                    let mut grown = target.clone();
                    for (_, o) in &olds {
                        add_population(&mut grown, o);
                    }
                    sqlx::query("UPDATE comuni SET pop_total = $1, pop_male = $2, pop_female = $3, pop_0_14 = $4, pop_15_64 = $5, pop_65_plus = $6, area_km2 = $7 WHERE id = $8")
                        .bind(grown.pop_total)
                        .bind(grown.pop_male)
                        .bind(grown.pop_female)
                        .bind(grown.pop_0_14)
                        .bind(grown.pop_15_64)
                        .bind(grown.pop_65_plus)
                        .bind(grown.area_km2)
                        .bind(tid)
                        .execute(&mut *conn)
                        .await?;
                    current.insert(p.new_belfiore.clone(), (tid, grown));
                    tid
                } else {
                    // A new comune from the merger; its ISTAT code may be unknown until the official list is imported.
                    let mut merged = olds[0].1.clone();
                    merged.istat.clone_from(&p.new_istat);
                    merged.belfiore.clone_from(&p.new_belfiore);
                    merged.name.clone_from(&p.new_name);
                    merged.name_other.clear();
                    merged.capoluogo = 0;
                    for (_, o) in olds.iter().skip(1) {
                        add_population(&mut merged, o);
                    }
                    let id =
                        insert_version(conn, &version_of(&merged, &p.date, Some("merge"), Some(&p.source))).await?;
                    current.insert(p.new_belfiore.clone(), (id, merged));
                    id
                };
                for (q, (old_id, _)) in group.iter().zip(&olds) {
                    close_version(conn, *old_id, &day_before(&q.date), Some(target_id), "merge", &q.source).await?;
                    current.remove(&q.old_belfiore);
                }
                i += group.len();
            }
            other => return Err(corrupt("patches.csv", format!("unknown change kind {other}"))),
        }
    }
    Ok(())
}

fn add_population(into: &mut ComuneRow, from: &ComuneRow) {
    into.pop_total += from.pop_total;
    let add = |a: &mut Option<i64>, b: Option<i64>| *a = Some(a.unwrap_or(0) + b.unwrap_or(0));
    add(&mut into.pop_male, from.pop_male);
    add(&mut into.pop_female, from.pop_female);
    add(&mut into.pop_0_14, from.pop_0_14);
    add(&mut into.pop_15_64, from.pop_15_64);
    add(&mut into.pop_65_plus, from.pop_65_plus);
    into.area_km2 += from.area_km2;
}

fn version_of<'a>(c: &'a ComuneRow, from: &'a str, kind: Option<&'a str>, source: Option<&'a str>) -> NewVersion<'a> {
    NewVersion {
        istat: &c.istat,
        belfiore: &c.belfiore,
        name: &c.name,
        name_other: &c.name_other,
        province_code: &c.province_code,
        region_code: &c.region_code,
        sigla: &c.sigla,
        capoluogo: c.capoluogo,
        nuts3: &c.nuts3_2024,
        pop: [
            c.pop_total,
            c.pop_male.unwrap_or(0),
            c.pop_female.unwrap_or(0),
            c.pop_0_14.unwrap_or(0),
            c.pop_15_64.unwrap_or(0),
            c.pop_65_plus.unwrap_or(0),
        ],
        lat: Some(c.inside_lat),
        lon: Some(c.inside_lon),
        area: Some(c.area_km2),
        valid_from: from,
        change_kind: kind,
        change_source: source,
        ..Default::default()
    }
}

/// ANPR's history: former names of current comuni, and suppressed comuni with the comune that
/// took their place when it can be told (created in the same province the day after).
async fn load_history(
    conn: &mut AnyConnection,
    anpr: &[AnprRow],
    created: &HashMap<&str, &str>,
    current: &HashMap<String, (i64, ComuneRow)>,
) -> Result<()> {
    const SOURCE: &str = "ANPR via python-codicefiscale 0.12.1";
    let mut seen: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    // Names already present as versions (patched renames).
    let existing: Vec<(String, String)> =
        sqlx::query_as("SELECT belfiore, name FROM comuni").fetch_all(&mut *conn).await?;
    seen.extend(existing);
    let by_sigla: HashMap<&str, Vec<&(i64, ComuneRow)>> = current.values().fold(HashMap::new(), |mut m, v| {
        m.entry(v.1.sigla.as_str()).or_default().push(v);
        m
    });
    let mut pending: Vec<NewVersion<'_>> = Vec::new();
    for a in anpr.iter().filter(|a| !a.date_deleted.is_empty()) {
        if !seen.insert((a.belfiore.clone(), a.name.clone())) {
            continue;
        }
        if let Some((cur_id, cur)) = current.get(&a.belfiore) {
            // A former name of a comune that still exists (same Belfiore code).
            pending.push(NewVersion {
                istat: &cur.istat,
                belfiore: &a.belfiore,
                name: &a.name,
                name_other: &a.name_alt,
                province_code: &cur.province_code,
                region_code: &cur.region_code,
                sigla: &a.province,
                valid_from: &a.date_created,
                valid_to: Some(&a.date_deleted),
                successor_id: Some(*cur_id),
                change_kind: Some("rename"),
                change_source: Some(SOURCE),
                ..Default::default()
            });
            continue;
        }
        // A suppressed comune: find the comune created in its province the next day.
        let next = day_after(&a.date_deleted);
        let old_words: Vec<String> =
            argine_domain::territory::search::normalise(&a.name).split(' ').map(str::to_owned).collect();
        let candidates: Vec<&&(i64, ComuneRow)> = by_sigla
            .get(a.province.as_str())
            .map(|v| {
                v.iter()
                    .filter(|(_, c)| {
                        created.get(c.belfiore.as_str()).is_some_and(|d| *d == next || *d == a.date_deleted)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let successor = match candidates.as_slice() {
            [one] => Some(one.0),
            many => many
                .iter()
                .find(|(_, c)| {
                    let n = argine_domain::territory::search::normalise(&c.name);
                    old_words.iter().any(|w| w.len() > 3 && n.split(' ').any(|x| x == w))
                })
                .map(|c| c.0),
        };
        let (province_code, region_code) = by_sigla
            .get(a.province.as_str())
            .and_then(|v| v.first())
            .map(|(_, c)| (c.province_code.as_str(), c.region_code.as_str()))
            .unwrap_or(("", ""));
        pending.push(NewVersion {
            istat: "",
            belfiore: &a.belfiore,
            name: &a.name,
            name_other: &a.name_alt,
            province_code,
            region_code,
            sigla: &a.province,
            valid_from: &a.date_created,
            valid_to: Some(&a.date_deleted),
            successor_id: successor,
            change_kind: Some(if successor.is_some() { "merge" } else { "suppressed" }),
            change_source: Some(SOURCE),
            ..Default::default()
        });
    }
    insert_versions(conn, &pending).await?;
    Ok(())
}

pub async fn summary(db: &Db) -> Result<Summary> {
    let (regions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM regions").fetch_one(db.pool()).await?;
    let (provinces,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM provinces WHERE active = 1").fetch_one(db.pool()).await?;
    let (comuni,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM comuni WHERE valid_to IS NULL").fetch_one(db.pool()).await?;
    let meta: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM territory_meta").fetch_all(db.pool()).await?;
    let get = |k: &str| meta.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    Ok(Summary {
        regions,
        provinces,
        comuni,
        vintage: get("vintage"),
        patched_to: get("patched_to"),
        population_date: get("population_date"),
    })
}

pub async fn regions(db: &Db) -> Result<Vec<Region>> {
    Ok(sqlx::query_as("SELECT code, name, macroarea, nuts1, nuts2, pop_total, area_km2 FROM regions ORDER BY code")
        .fetch_all(db.pool())
        .await?)
}

pub async fn provinces(db: &Db) -> Result<Vec<Province>> {
    Ok(sqlx::query_as(
        "SELECT code, name, sigla, region_code, uts_type, uts_label, pop_total, area_km2 FROM provinces WHERE active = 1 ORDER BY name",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Every version, current and former (for the in-memory index).
pub async fn all_versions(db: &Db) -> Result<Vec<Comune>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{COMUNE_COLUMNS} ORDER BY id"))).fetch_all(db.pool()).await?)
}
