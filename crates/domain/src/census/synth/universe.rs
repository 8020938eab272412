//! The universe of invited Comuni: the current list (`comuni.csv`) or the list of the 2021
//! census rebuilt from it and the ANPR history (`anpr_comuni.csv`).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::calibration::MERGED_AFTER_2021;
use super::text::italian_case;
use super::{Comune, SynthError};

/// The day the 2021 census opened (the ministry's launch, 1 October 2021): the list of Comuni
/// in force that day is the census universe.
pub const CENSUS_2021_DATE: &str = "2021-10-01";

#[derive(Debug, Deserialize)]
struct ComuneRow {
    istat: String,
    belfiore: String,
    name: String,
    province_code: String,
    region_code: String,
    sigla: String,
    pop_total: u32,
    area_km2: f64,
}

#[derive(Debug, Deserialize)]
struct AnprRow {
    belfiore: String,
    name: String,
    province: String,
    date_created: String,
    date_deleted: String,
}

fn read_csv<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, SynthError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| SynthError::Csv { file, message: e.to_string() })
}

impl From<ComuneRow> for Comune {
    fn from(r: ComuneRow) -> Self {
        Self {
            istat: r.istat,
            belfiore: r.belfiore,
            name: r.name,
            province_code: r.province_code,
            sigla: r.sigla,
            region_code: r.region_code,
            population: r.pop_total,
            area_km2: r.area_km2,
        }
    }
}

/// The Comuni of `data/territory/comuni.csv` as they are (the current universe, 7,896 rows).
///
/// # Errors
/// [`SynthError::Csv`] when the text is not that file's format.
pub fn comuni_from_csv(comuni_csv: &str) -> Result<Vec<Comune>, SynthError> {
    Ok(read_csv::<ComuneRow>("comuni.csv", comuni_csv)?.into_iter().map(Comune::from).collect())
}

/// The 7,904 Comuni of the 2021 census (the list in force on [`CENSUS_2021_DATE`]), rebuilt
/// from `comuni.csv` (the ISTAT list of the first half of 2024) and `anpr_comuni.csv`.
///
/// The ANPR records valid on 1 October 2021 give exactly 7,904 Belfiore codes: the 7,890 current
/// Comuni that already existed, and 14 Comuni merged since (2023–2024) into 6 new ones, which
/// are left out. The 14 get their 2021 ISTAT codes from a table of this module (the shipped files
/// carry none; every row is checked against ANPR: Belfiore code valid on that day and no longer
/// valid today, same name, successor present), their province and region from their successor,
/// and an equal share of the successor's population (1/1/2023) and area — the files hold nothing
/// better (no population or boundary of a suppressed Comune); shares are exact integers for the
/// population, so totals are preserved. A successor that kept the code of one of its members
/// (Campospinoso Albaredo, 018026, formerly Campospinoso) is split the same way. Comuni renamed
/// since 2021 (Calliano Monferrato, Campospinoso Albaredo, Popoli Terme…) get their 2021 ANPR
/// name, in Italian capitalisation. Population and area are otherwise the current ones. Sorted
/// by ISTAT code.
///
/// # Errors
/// [`SynthError::Csv`] for unreadable files; [`SynthError::Reconstruction`] when a Comune
/// valid in 2021 is missing from both `comuni.csv` and that table, or a row of the table disagrees
/// with the files.
pub fn universe_2021(comuni_csv: &str, anpr_csv: &str) -> Result<Vec<Comune>, SynthError> {
    let comuni = read_csv::<ComuneRow>("comuni.csv", comuni_csv)?;
    let anpr = read_csv::<AnprRow>("anpr_comuni.csv", anpr_csv)?;
    let valid = |a: &AnprRow, day: &str| {
        a.date_created.as_str() <= day && (a.date_deleted.is_empty() || a.date_deleted.as_str() >= day)
    };
    let mut in_2021: BTreeMap<&str, &AnprRow> = BTreeMap::new();
    for a in anpr.iter().filter(|a| valid(a, CENSUS_2021_DATE)) {
        if in_2021.insert(a.belfiore.as_str(), a).is_some() {
            return Err(SynthError::Reconstruction(format!(
                "two ANPR records of {} on {CENSUS_2021_DATE}",
                a.belfiore
            )));
        }
    }
    let current_names: HashMap<&str, &str> =
        anpr.iter().filter(|a| a.date_deleted.is_empty()).map(|a| (a.belfiore.as_str(), a.name.as_str())).collect();
    let by_belfiore: HashMap<&str, &ComuneRow> = comuni.iter().map(|c| (c.belfiore.as_str(), c)).collect();
    let by_istat: HashMap<&str, &ComuneRow> = comuni.iter().map(|c| (c.istat.as_str(), c)).collect();

    // Members of each successor (successor ISTAT code → 2021 Comuni sharing its population).
    let mut members: BTreeMap<&str, u32> = BTreeMap::new();
    for &(belfiore, _, name, successor) in &MERGED_AFTER_2021 {
        let record = in_2021.get(belfiore).ok_or_else(|| {
            SynthError::Reconstruction(format!("{belfiore} ({name}) is not an ANPR Comune on {CENSUS_2021_DATE}"))
        })?;
        if !record.name.eq_ignore_ascii_case(name) {
            return Err(SynthError::Reconstruction(format!("{belfiore}: ANPR says {}, the table {name}", record.name)));
        }
        if by_belfiore.contains_key(belfiore) || current_names.contains_key(belfiore) {
            return Err(SynthError::Reconstruction(format!("{belfiore} ({name}) still exists")));
        }
        let succ = by_istat
            .get(successor)
            .ok_or_else(|| SynthError::Reconstruction(format!("successor {successor} of {name} not in comuni.csv")))?;
        if succ.sigla != record.province {
            return Err(SynthError::Reconstruction(format!(
                "{name} was in {}, its successor is in {}",
                record.province, succ.sigla
            )));
        }
        *members.entry(successor).or_insert(0) += 1;
    }
    for (successor, n) in &mut members {
        if by_istat.get(successor).is_some_and(|c| in_2021.contains_key(c.belfiore.as_str())) {
            *n += 1;
        }
    }
    // Member `k` (0-based, in table order; the code-keeping member last) of a split of `total`.
    let share = |total: u32, n: u32, k: u32| total / n + u32::from(k < total % n);
    let area_share = |total: f64, n: u32| (total / f64::from(n) * 100.0).round() / 100.0;

    let mut out = Vec::with_capacity(in_2021.len());
    for c in &comuni {
        let Some(record) = in_2021.get(c.belfiore.as_str()) else {
            continue; // created after the census opened
        };
        let mut comune = Comune {
            istat: c.istat.clone(),
            belfiore: c.belfiore.clone(),
            name: c.name.clone(),
            province_code: c.province_code.clone(),
            sigla: c.sigla.clone(),
            region_code: c.region_code.clone(),
            population: c.pop_total,
            area_km2: c.area_km2,
        };
        if current_names.get(c.belfiore.as_str()).is_some_and(|now| !now.eq_ignore_ascii_case(&record.name)) {
            comune.name = italian_case(&record.name);
        }
        if let Some(&n) = members.get(c.istat.as_str()) {
            comune.population = share(c.pop_total, n, n - 1);
            comune.area_km2 = area_share(c.area_km2, n);
        }
        out.push(comune);
    }
    let mut seen_of: BTreeMap<&str, u32> = BTreeMap::new();
    for &(belfiore, istat, name, successor) in &MERGED_AFTER_2021 {
        let succ = by_istat
            .get(successor)
            .ok_or_else(|| SynthError::Reconstruction(format!("successor {successor} missing")))?;
        let n = members.get(successor).copied().unwrap_or(1);
        let k = seen_of.entry(successor).or_insert(0);
        out.push(Comune {
            istat: istat.to_owned(),
            belfiore: belfiore.to_owned(),
            name: name.to_owned(),
            province_code: succ.province_code.clone(),
            sigla: succ.sigla.clone(),
            region_code: succ.region_code.clone(),
            population: share(succ.pop_total, n, *k),
            area_km2: area_share(succ.area_km2, n),
        });
        *k += 1;
    }
    if let Some(missing) =
        in_2021.keys().find(|b| !by_belfiore.contains_key(*b) && !MERGED_AFTER_2021.iter().any(|(mb, ..)| mb == *b))
    {
        return Err(SynthError::Reconstruction(format!(
            "{missing} ({}) was a Comune on {CENSUS_2021_DATE} but is neither in comuni.csv nor a known merger",
            in_2021.get(missing).map_or("", |a| a.name.as_str())
        )));
    }
    out.sort_by(|a, b| a.istat.cmp(&b.istat));
    Ok(out)
}
