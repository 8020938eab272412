//! Territory: the in-memory index of the reference data, public pages ("scheda territorio"),
//! the interactive map and the public read-only API.

pub mod api;
pub mod pages;
pub mod svg;

use argine_domain::territory::search::{Entry, Hit, Index, normalise};
use argine_storage::territory::{self, Comune, Province, Region, Summary};
use argine_storage::{Db, Result};
use std::collections::HashMap;

/// Everything about places, loaded once from the database (7,894 comuni and their history).
#[derive(Debug, Default)]
pub struct Territory {
    pub summary: Option<Summary>,
    pub regions: Vec<Region>,
    pub provinces: Vec<Province>,
    versions: Vec<Comune>,
    by_id: HashMap<i64, usize>,
    current_by_istat: HashMap<String, usize>,
    current_by_belfiore: HashMap<String, usize>,
    former_by_istat: HashMap<String, Vec<usize>>,
    former_by_belfiore: HashMap<String, Vec<usize>>,
    /// Current comuni per province code, by name.
    by_province: HashMap<String, Vec<usize>>,
    index: Index,
    neighbours: HashMap<String, Vec<String>>,
    /// Current version → former versions that lead to it, newest first.
    former_of: HashMap<usize, Vec<usize>>,
}

/// How a code or name was resolved.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub current: &'a Comune,
    /// The former version that matched (a suppressed comune, an old name or code), if any.
    pub via: Option<&'a Comune>,
}

const NEIGHBOURS_CSV: &str = include_str!("../../../../data/territory/comuni_confinanti.csv");

impl Territory {
    pub async fn load(db: &Db) -> Result<Self> {
        let summary = territory::summary(db).await?;
        let regions = territory::regions(db).await?;
        let provinces = territory::provinces(db).await?;
        let versions = territory::all_versions(db).await?;
        let mut t = Territory { summary: Some(summary), regions, provinces, ..Default::default() };
        for (i, v) in versions.iter().enumerate() {
            t.by_id.insert(v.id, i);
            if v.is_current() {
                if !v.istat.is_empty() {
                    t.current_by_istat.insert(v.istat.clone(), i);
                }
                t.current_by_belfiore.insert(v.belfiore.clone(), i);
                t.by_province.entry(v.province_code.clone()).or_default().push(i);
            } else {
                if !v.istat.is_empty() {
                    t.former_by_istat.entry(v.istat.clone()).or_default().push(i);
                }
                t.former_by_belfiore.entry(v.belfiore.clone()).or_default().push(i);
            }
        }
        for list in t.by_province.values_mut() {
            list.sort_by(|a, b| normalise(&versions[*a].name).cmp(&normalise(&versions[*b].name)));
        }
        t.versions = versions;
        // Search keys: current names plus every former name that leads to the comune.
        let mut keys: HashMap<usize, Vec<String>> = HashMap::new();
        for (i, v) in t.versions.iter().enumerate() {
            let target = if v.is_current() { Some(i) } else { t.follow(i) };
            let Some(target) = target else { continue };
            if target != i {
                t.former_of.entry(target).or_default().push(i);
            }
            let k = keys.entry(target).or_default();
            for name in [&v.name, &v.name_other] {
                let n = normalise(name);
                if !n.is_empty() && !k.contains(&n) {
                    k.push(n);
                }
            }
        }
        let versions = &t.versions;
        for list in t.former_of.values_mut() {
            list.sort_by(|a, b| versions[*b].valid_to.cmp(&versions[*a].valid_to));
        }
        let entries = t
            .versions
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_current())
            .map(|(i, v)| Entry {
                istat: if v.istat.is_empty() { v.belfiore.clone() } else { v.istat.clone() },
                belfiore: v.belfiore.clone(),
                keys: keys.remove(&i).unwrap_or_default(),
                population: v.pop_total,
            })
            .collect();
        t.index = Index::new(entries);
        for line in NEIGHBOURS_CSV.lines().skip(1) {
            if let Some((a, b)) = line.trim().split_once(',') {
                t.neighbours.entry(a.to_owned()).or_default().push(b.to_owned());
                t.neighbours.entry(b.to_owned()).or_default().push(a.to_owned());
            }
        }
        Ok(t)
    }

    /// Follows successors from a version to the current comune (bounded, in case of cycles).
    fn follow(&self, mut i: usize) -> Option<usize> {
        for _ in 0..16 {
            let v = &self.versions[i];
            if v.is_current() {
                return Some(i);
            }
            i = *self.by_id.get(&v.successor_id?)?;
        }
        None
    }

    pub fn current(&self) -> impl Iterator<Item = &Comune> {
        self.versions.iter().filter(|v| v.is_current())
    }

    /// The key used in URLs: the ISTAT code, or the Belfiore code while the ISTAT code is unknown.
    pub fn key(c: &Comune) -> &str {
        if c.istat.is_empty() { &c.belfiore } else { &c.istat }
    }

    /// Resolves an ISTAT or Belfiore code, current or former.
    pub fn resolve(&self, code: &str) -> Option<Resolved<'_>> {
        let code = code.trim();
        let upper = code.to_ascii_uppercase();
        if let Some(i) = self.current_by_istat.get(code).or_else(|| self.current_by_belfiore.get(&upper)) {
            return Some(Resolved { current: &self.versions[*i], via: None });
        }
        let former = self.former_by_istat.get(code).or_else(|| self.former_by_belfiore.get(&upper))?;
        // The most recent former version that leads somewhere.
        let mut candidates: Vec<usize> = former.clone();
        candidates.sort_by(|a, b| self.versions[*b].valid_to.cmp(&self.versions[*a].valid_to));
        candidates
            .into_iter()
            .find_map(|i| self.follow(i).map(|c| Resolved { current: &self.versions[c], via: Some(&self.versions[i]) }))
    }

    /// A former version by code with no successor (a suppressed comune), for "no longer exists".
    pub fn suppressed(&self, code: &str) -> Option<&Comune> {
        let upper = code.trim().to_ascii_uppercase();
        self.former_by_belfiore
            .get(&upper)
            .and_then(|v| v.iter().map(|i| &self.versions[*i]).max_by(|a, b| a.valid_to.cmp(&b.valid_to)))
    }

    pub fn search(&self, q: &str, limit: usize) -> Vec<(&Comune, Hit)> {
        self.index.search(q, limit).into_iter().filter_map(|h| self.resolve(&h.istat).map(|r| (r.current, h))).collect()
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces.iter().find(|p| p.code == code || p.sigla.eq_ignore_ascii_case(code))
    }

    pub fn provinces_of(&self, region: &str) -> Vec<&Province> {
        self.provinces.iter().filter(|p| p.region_code == region).collect()
    }

    pub fn comuni_of(&self, province: &str) -> Vec<&Comune> {
        self.by_province.get(province).map(|v| v.iter().map(|i| &self.versions[*i]).collect()).unwrap_or_default()
    }

    /// Former versions that lead to this comune (old names, merged comuni), newest first.
    pub fn history_of(&self, c: &Comune) -> Vec<&Comune> {
        self.by_id
            .get(&c.id)
            .and_then(|i| self.former_of.get(i))
            .map(|v| v.iter().map(|i| &self.versions[*i]).collect())
            .unwrap_or_default()
    }

    pub fn neighbours_of(&self, c: &Comune) -> Vec<&Comune> {
        let mut out: Vec<&Comune> = self
            .neighbours
            .get(&c.istat)
            .map(|v| v.iter().filter_map(|code| self.resolve(code).map(|r| r.current)).collect())
            .unwrap_or_default();
        out.sort_by_key(|a| normalise(&a.name));
        out.dedup_by_key(|c| c.id);
        out
    }
}
