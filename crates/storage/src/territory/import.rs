//! Applies an ISTAT update plan ([`argine_domain::territory::istat::Plan`]) in one transaction:
//! history is kept (versions are closed, never overwritten) and every record that referred to a
//! changed comune is re-pointed.

use super::{Comune, NewVersion, close_version, insert_version, set_successor};
use crate::{Db, Result, now};
use argine_domain::territory::istat::{Known, Plan};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// What was applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub new_comuni: usize,
    pub changed: usize,
    pub suppressed: usize,
    pub new_provinces: usize,
    pub repointed_units: u64,
}

/// The current comuni and province codes, for planning.
pub async fn known(db: &Db) -> Result<(Vec<Known>, Vec<String>)> {
    let current: Vec<Comune> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{} WHERE valid_to IS NULL", super::COMUNE_COLUMNS)))
            .fetch_all(db.pool())
            .await?;
    let known = current
        .into_iter()
        .map(|c| Known {
            istat: c.istat,
            belfiore: c.belfiore,
            name: c.name,
            name_other: c.name_other,
            province_code: c.province_code,
            region_code: c.region_code,
        })
        .collect();
    let provinces: Vec<(String,)> =
        sqlx::query_as("SELECT code FROM provinces WHERE active = 1 ORDER BY code").fetch_all(db.pool()).await?;
    Ok((known, provinces.into_iter().map(|p| p.0).collect()))
}

fn day_before(d: &str) -> String {
    super::day_before(d)
}

async fn current_by_belfiore(conn: &mut AnyConnection, belfiore: &str) -> Result<Option<Comune>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE belfiore = $1 AND valid_to IS NULL",
        super::COMUNE_COLUMNS
    )))
    .bind(belfiore)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Re-points jurisdiction units from an old comune code to a new one.
async fn repoint(conn: &mut AnyConnection, old: &str, new: &str) -> Result<u64> {
    let (old_u, new_u) = (format!("comune:{old}"), format!("comune:{new}"));
    // An organisation that already covers the new code keeps one unit.
    sqlx::query("DELETE FROM organisation_units WHERE unit = $1 AND org_id IN (SELECT org_id FROM organisation_units WHERE unit = $2)")
        .bind(&old_u)
        .bind(&new_u)
        .execute(&mut *conn)
        .await?;
    let mut moved = 0;
    // Every table that places a record on a comune.
    for sql in [
        "UPDATE organisation_units SET unit = $1 WHERE unit = $2",
        "UPDATE protocols SET unit = $1 WHERE unit = $2",
        "UPDATE working_groups SET unit = $1 WHERE unit = $2",
    ] {
        moved += sqlx::query(sql).bind(&new_u).bind(&old_u).execute(&mut *conn).await?.rows_affected();
    }
    Ok(moved)
}

/// Applies `plan`, effective from `effective` (YYYY-MM-DD), all or nothing.
pub async fn apply(db: &Db, plan: &Plan, effective: &str, source: &str) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let mut applied = Applied::default();
    let closed_to = day_before(effective);
    for p in &plan.new_provinces {
        sqlx::query(
            "INSERT INTO provinces (code, name, sigla, region_code, uts_type, uts_label, pop_total, area_km2, active)
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 1)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, sigla = excluded.sigla, active = 1",
        )
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.sigla)
        .bind(&p.region_code)
        .bind(p.uts_type.parse::<i64>().unwrap_or(0))
        .bind(&p.uts_type)
        .execute(&mut *tx)
        .await?;
        applied.new_provinces += 1;
    }
    // Changes to existing comuni first: close, then open the new version (one current version
    // per ISTAT code at any time).
    let mut moves: Vec<(String, String)> = Vec::new();
    for c in &plan.changes {
        let Some(old) = current_by_belfiore(&mut tx, &c.before.belfiore).await? else { continue };
        let kind = [(c.recoded, "recode"), (c.moved, "province"), (c.renamed, "rename")]
            .iter()
            .filter(|(b, _)| *b)
            .map(|(_, k)| *k)
            .collect::<Vec<_>>()
            .join("+");
        close_version(&mut tx, old.id, &closed_to, None, &kind, source).await?;
        let new_id = insert_version(
            &mut tx,
            &NewVersion {
                istat: &c.after.istat,
                belfiore: &c.after.belfiore,
                name: &c.after.name,
                name_other: &c.after.name_other,
                province_code: &c.after.province_code,
                region_code: &c.after.region_code,
                sigla: &c.after.sigla,
                capoluogo: i64::from(c.after.capoluogo),
                nuts3: &old.nuts3,
                pop: [old.pop_total, old.pop_male, old.pop_female, old.pop_0_14, old.pop_15_64, old.pop_65_plus],
                lat: old.lat,
                lon: old.lon,
                area: old.area_km2,
                valid_from: effective,
                change_kind: Some(&kind),
                change_source: Some(source),
                ..Default::default()
            },
        )
        .await?;
        set_successor(&mut tx, old.id, new_id).await?;
        if c.recoded && !old.istat.is_empty() {
            moves.push((old.istat.clone(), c.after.istat.clone()));
        }
        applied.changed += 1;
    }
    // New comuni; a merger's result takes the people and area of the comuni it replaces.
    let mut merged_into: HashMap<&str, Vec<&argine_domain::territory::istat::Suppression>> = HashMap::new();
    for s in &plan.suppressed {
        if let Some(succ) = &s.successor {
            merged_into.entry(succ.as_str()).or_default().push(s);
        }
    }
    let mut new_ids: HashMap<String, (i64, String)> = HashMap::new();
    for n in &plan.new_comuni {
        let mut pop = [0i64; 6];
        let (mut area, mut lat, mut lon) = (None, None, None);
        for s in merged_into.get(n.belfiore.as_str()).into_iter().flatten() {
            if let Some(old) = current_by_belfiore(&mut tx, &s.before.belfiore).await? {
                for (acc, v) in pop.iter_mut().zip([
                    old.pop_total,
                    old.pop_male,
                    old.pop_female,
                    old.pop_0_14,
                    old.pop_15_64,
                    old.pop_65_plus,
                ]) {
                    *acc += v;
                }
                area = Some(area.unwrap_or(0.0) + old.area_km2.unwrap_or(0.0));
                lat = lat.or(old.lat);
                lon = lon.or(old.lon);
            }
        }
        let id = insert_version(
            &mut tx,
            &NewVersion {
                istat: &n.istat,
                belfiore: &n.belfiore,
                name: &n.name,
                name_other: &n.name_other,
                province_code: &n.province_code,
                region_code: &n.region_code,
                sigla: &n.sigla,
                capoluogo: i64::from(n.capoluogo),
                pop,
                lat,
                lon,
                area,
                valid_from: effective,
                change_kind: Some(if merged_into.contains_key(n.belfiore.as_str()) { "merge" } else { "new" }),
                change_source: Some(source),
                ..Default::default()
            },
        )
        .await?;
        new_ids.insert(n.belfiore.clone(), (id, n.istat.clone()));
        applied.new_comuni += 1;
    }
    for s in &plan.suppressed {
        let Some(old) = current_by_belfiore(&mut tx, &s.before.belfiore).await? else { continue };
        let successor = match &s.successor {
            Some(bf) => match new_ids.get(bf) {
                Some((id, istat)) => Some((*id, istat.clone())),
                None => current_by_belfiore(&mut tx, bf).await?.map(|c| (c.id, c.istat)),
            },
            None => None,
        };
        let kind = if successor.is_some() { "merge" } else { "suppressed" };
        close_version(&mut tx, old.id, &closed_to, successor.as_ref().map(|s| s.0), kind, source).await?;
        if let (Some((_, new_istat)), false) = (&successor, old.istat.is_empty()) {
            moves.push((old.istat.clone(), new_istat.clone()));
        }
        applied.suppressed += 1;
    }
    for (old, new) in &moves {
        if old != new && !new.is_empty() {
            applied.repointed_units += repoint(&mut tx, old, new).await?;
        }
    }
    for code in &plan.unused_provinces {
        sqlx::query("UPDATE provinces SET active = 0 WHERE code = $1").bind(code).execute(&mut *tx).await?;
    }
    // Province totals follow the comuni.
    sqlx::query(
        "UPDATE provinces SET pop_total = (SELECT COALESCE(SUM(pop_total), 0) FROM comuni WHERE comuni.province_code = provinces.code AND valid_to IS NULL),
                              area_km2 = (SELECT COALESCE(SUM(area_km2), 0) FROM comuni WHERE comuni.province_code = provinces.code AND valid_to IS NULL)
         WHERE active = 1",
    )
    .execute(&mut *tx)
    .await?;
    for (k, v) in [
        ("vintage", format!("{source} (in vigore dal {effective})")),
        ("patched_to", effective.to_owned()),
        ("revision", now().to_string()),
    ] {
        sqlx::query("INSERT INTO territory_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(k)
            .bind(v)
            .execute(&mut *tx)
            .await?;
    }
    crate::audit::append(
        &mut tx,
        &crate::audit::NewEntry {
            actor_label: "cli".into(),
            action: "territory.import".into(),
            outcome: "ok".into(),
            record_type: "territory".into(),
            details: format!(
                "{{\"source\":{},\"effective\":\"{effective}\",\"new\":{},\"changed\":{},\"suppressed\":{},\"new_provinces\":{},\"repointed_units\":{}}}",
                serde_json::Value::String(source.to_owned()),
                applied.new_comuni,
                applied.changed,
                applied.suppressed,
                applied.new_provinces,
                applied.repointed_units
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(applied)
}

/// A value that changes whenever the territory is updated (servers reload when it does).
pub async fn revision(db: &Db) -> Result<String> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT value FROM territory_meta WHERE key = 'revision'").fetch_optional(db.pool()).await?;
    Ok(r.map(|r| r.0).unwrap_or_default())
}
