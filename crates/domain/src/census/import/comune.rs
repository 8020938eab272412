//! Which Comune a row is about: by ISTAT code (leading zeros lost by a spreadsheet are put
//! back), by Belfiore code, or by name (accents, case, apostrophes and a `Comune di` prefix
//! ignored; `Name (FG)` narrows to a province), among the Comuni the caller supplies.

use std::collections::{HashMap, HashSet};

use crate::territory::search::{edit_distance_within, normalise};

use super::values::unescape;

/// A Comune a row can be matched to (the campaign's invited Comuni).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComuneRef {
    /// ISTAT code, 6 digits.
    pub istat: String,
    /// Belfiore (cadastral) code, e.g. `H926`.
    pub belfiore: String,
    /// Name; a bilingual name written `Bolzano/Bozen` is found by either part.
    pub name: String,
    /// Province abbreviation (`FG`) or code (`071`).
    pub province_code: String,
    /// Still an existing Comune (a suppressed one is only chosen when nothing else matches).
    pub active: bool,
}

/// The outcome of matching a cell to a Comune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComuneMatch {
    /// One Comune: its ISTAT code.
    Matched(String),
    /// Several Comuni fit (a name shared by Comuni of different provinces, no province given):
    /// their ISTAT codes, sorted. A person chooses (see [`super::ImportOptions::resolutions`]).
    Ambiguous(Vec<String>),
    /// None fits; up to three ISTAT codes of Comuni within one typo.
    NotFound { suggestions: Vec<String> },
}

impl ComuneMatch {
    /// The ISTAT code when matched.
    pub fn istat(&self) -> Option<&str> {
        match self {
            Self::Matched(istat) => Some(istat),
            _ => None,
        }
    }
}

/// Most suggestions for a Comune not found.
const MAX_SUGGESTIONS: usize = 3;

/// Prefixes of a name that are not part of it (normalised).
const NAME_PREFIXES: [&str; 5] = ["comune di ", "comune d ", "comune ", "citta di ", "municipio di "];

/// A lookup of Comuni by code and name.
#[derive(Debug)]
pub struct ComuneIndex<'c> {
    comuni: &'c [ComuneRef],
    by_istat: HashMap<&'c str, usize>,
    by_belfiore: HashMap<String, usize>,
    /// Compact names (normalised, without spaces) → Comuni.
    by_name: HashMap<String, Vec<usize>>,
    provinces: HashSet<String>,
}

/// Normalised, without spaces: `Sant'Agata`, `SANT AGATA` and `Santagata` are one key.
fn compact(s: &str) -> String {
    normalise(s).replace(' ', "")
}

/// A province as compared: upper case, leading zeros of a numeric code dropped.
fn province_key(s: &str) -> String {
    let s = s.trim().to_uppercase();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let t = s.trim_start_matches('0');
        return if t.is_empty() { "0".into() } else { t.to_owned() };
    }
    s
}

/// The digits of a code a spreadsheet may have written as a number (`71051`, `71051.0`).
fn digits(s: &str) -> Option<&str> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// A 6-digit ISTAT code from a cell that holds one (leading zeros restored).
pub(super) fn istat_code(s: &str) -> Option<String> {
    digits(unescape(s.trim())).map(|d| format!("{d:0>6}"))
}

fn is_belfiore(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_alphabetic() && b[1..].iter().all(u8::is_ascii_digit)
}

impl<'c> ComuneIndex<'c> {
    pub fn new(comuni: &'c [ComuneRef]) -> Self {
        let mut index = Self {
            comuni,
            by_istat: HashMap::new(),
            by_belfiore: HashMap::new(),
            by_name: HashMap::new(),
            provinces: HashSet::new(),
        };
        for (i, c) in comuni.iter().enumerate() {
            index.by_istat.entry(c.istat.as_str()).or_insert(i);
            if !c.belfiore.is_empty() {
                index.by_belfiore.entry(c.belfiore.to_uppercase()).or_insert(i);
            }
            let mut keys = vec![compact(&c.name)];
            if c.name.contains('/') {
                keys.extend(c.name.split('/').map(compact));
            }
            keys.retain(|k| !k.is_empty());
            keys.dedup();
            for k in keys {
                let list = index.by_name.entry(k).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
            index.provinces.insert(province_key(&c.province_code));
        }
        index
    }

    /// The Comune with this ISTAT code.
    pub fn get(&self, istat: &str) -> Option<&'c ComuneRef> {
        self.by_istat.get(istat).map(|&i| &self.comuni[i])
    }

    /// The ISTAT code of a Comune of the list given by its code (leading zeros optional), as a
    /// person's choice for an ambiguous row is.
    pub fn resolve(&self, code: &str) -> Option<&'c str> {
        let code = istat_code(code)?;
        self.get(&code).map(|c| c.istat.as_str())
    }

    /// `Name (PROV)` for messages.
    pub fn describe(&self, istat: &str) -> String {
        self.get(istat).map_or_else(|| istat.to_owned(), |c| format!("{} ({})", c.name, c.province_code))
    }

    /// The Comune a cell names: an ISTAT code, a Belfiore code or a name.
    pub fn find(&self, cell: &str) -> ComuneMatch {
        let text = unescape(cell.trim()).trim();
        if let Some(code) = istat_code(text) {
            return match self.by_istat.get(code.as_str()) {
                Some(&i) => ComuneMatch::Matched(self.comuni[i].istat.clone()),
                None => self.code_suggestions(&code, self.comuni.iter().map(|c| c.istat.as_str())),
            };
        }
        if is_belfiore(text) {
            let code = text.to_uppercase();
            return match self.by_belfiore.get(&code) {
                Some(&i) => ComuneMatch::Matched(self.comuni[i].istat.clone()),
                None => self.code_suggestions(&code, self.comuni.iter().map(|c| c.belfiore.as_str())),
            };
        }
        self.find_name(text)
    }

    /// Comuni whose code is within one typo of `code` (compared with `codes`, in list order).
    fn code_suggestions<'a>(&self, code: &str, codes: impl Iterator<Item = &'a str>) -> ComuneMatch {
        let mut suggestions: Vec<String> = codes
            .enumerate()
            .filter(|(_, c)| edit_distance_within(&c.to_uppercase(), code, 1).is_some())
            .map(|(i, _)| self.comuni[i].istat.clone())
            .collect();
        suggestions.sort();
        suggestions.dedup();
        suggestions.truncate(MAX_SUGGESTIONS);
        ComuneMatch::NotFound { suggestions }
    }

    fn find_name(&self, text: &str) -> ComuneMatch {
        // A province: `Name (FG)`, `Name, FG`, `Name - FG`.
        let mut attempts: Vec<(&str, Option<String>)> = Vec::new();
        let split = if let Some(body) = text.strip_suffix(')')
            && let Some((name, prov)) = body.rsplit_once('(')
        {
            Some((name, prov))
        } else {
            text.rsplit_once(',').or_else(|| text.rsplit_once(" - "))
        };
        if let Some((name, prov)) = split
            && self.provinces.contains(&province_key(prov))
            && !prov.trim().is_empty()
        {
            attempts.push((name, Some(province_key(prov))));
        }
        attempts.push((text, None));
        let mut fallback = None;
        for (name, province) in attempts {
            let norm = normalise(name);
            let mut keys = vec![norm.replace(' ', "")];
            for prefix in NAME_PREFIXES {
                if let Some(rest) = norm.strip_prefix(prefix) {
                    keys.push(rest.replace(' ', ""));
                }
            }
            for key in &keys {
                let Some(found) = self.by_name.get(key) else { continue };
                let in_province: Vec<usize> = found
                    .iter()
                    .copied()
                    .filter(|&i| province.as_ref().is_none_or(|p| province_key(&self.comuni[i].province_code) == *p))
                    .collect();
                if in_province.is_empty() {
                    // The name exists, in another province: suggest those.
                    fallback.get_or_insert_with(|| found.clone());
                    continue;
                }
                return self.pick(in_province);
            }
            if fallback.is_none() {
                let near = self.near(&keys);
                if !near.is_empty() {
                    fallback = Some(near);
                }
            }
        }
        let mut suggestions: Vec<String> = Vec::new();
        for i in fallback.unwrap_or_default() {
            let istat = &self.comuni[i].istat;
            if !suggestions.contains(istat) {
                suggestions.push(istat.clone());
            }
        }
        suggestions.truncate(MAX_SUGGESTIONS);
        ComuneMatch::NotFound { suggestions }
    }

    /// One Comune, or the only active one, or several.
    fn pick(&self, found: Vec<usize>) -> ComuneMatch {
        let active: Vec<usize> = found.iter().copied().filter(|&i| self.comuni[i].active).collect();
        let chosen = if active.is_empty() { found } else { active };
        if let [i] = chosen[..] {
            return ComuneMatch::Matched(self.comuni[i].istat.clone());
        }
        let mut codes: Vec<String> = chosen.iter().map(|&i| self.comuni[i].istat.clone()).collect();
        codes.sort();
        codes.dedup();
        ComuneMatch::Ambiguous(codes)
    }

    /// Comuni whose name is within one typo of one of `keys`, closest first, then by name.
    fn near(&self, keys: &[String]) -> Vec<usize> {
        let mut hits: Vec<(usize, &str, usize)> = Vec::new();
        for (name, list) in &self.by_name {
            let best = keys.iter().filter_map(|k| edit_distance_within(k, name, 1)).min();
            if let Some(d) = best {
                hits.extend(list.iter().map(|&i| (d, self.comuni[i].name.as_str(), i)));
            }
        }
        hits.sort_unstable();
        hits.into_iter().map(|(_, _, i)| i).collect()
    }
}

/// Normalised headers of a column naming the Comune, most precise first: ISTAT codes, Belfiore
/// codes, names. A column also counts when the label of its question is one of them (the
/// default questionnaire's `A1a` "Codice Catastale del Comune:", `A1` "Denominazione Comune:").
pub(super) const COMUNE_HEADERS: &[&str] = &[
    "comune istat",
    "comune code",
    "codice istat",
    "istat",
    "pro com t",
    "pro com",
    "codice comune",
    "cod istat",
    "codice istat comune",
    "codice istat del comune",
    "istat code",
    "belfiore",
    "codice catastale",
    "cod catastale",
    "codice belfiore",
    "comune belfiore",
    "comune catastale",
    "codice catastale del comune",
    "comune",
    "comune name",
    "comune nome",
    "nome comune",
    "nome del comune",
    "denominazione",
    "denominazione comune",
    "denominazione del comune",
    "municipality",
    "name of the municipality",
    "comune di",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn c(istat: &str, belfiore: &str, name: &str, prov: &str) -> ComuneRef {
        ComuneRef {
            istat: istat.into(),
            belfiore: belfiore.into(),
            name: name.into(),
            province_code: prov.into(),
            active: true,
        }
    }

    fn comuni() -> Vec<ComuneRef> {
        vec![
            c("071051", "I158", "San Severo", "FG"),
            c("071029", "E885", "Manfredonia", "FG"),
            c("013030", "B639", "Calliano", "CO"),
            c("022032", "B418", "Calliano", "TN"),
            c("065116", "I129", "Sant'Agata de' Goti", "BN"),
            c("021008", "A952", "Bolzano/Bozen", "BZ"),
            c("054013", "C745", "Città di Castello", "PG"),
            c("001001", "A074", "Agliè", "TO"),
        ]
    }

    #[test]
    fn codes_with_and_without_leading_zeros() {
        let list = comuni();
        let ix = ComuneIndex::new(&list);
        assert_eq!(ix.find("071051"), ComuneMatch::Matched("071051".into()));
        assert_eq!(ix.find("71051"), ComuneMatch::Matched("071051".into()));
        assert_eq!(ix.find("71051.0"), ComuneMatch::Matched("071051".into()));
        assert_eq!(ix.find("1001"), ComuneMatch::Matched("001001".into()));
        assert_eq!(ix.find("i158"), ComuneMatch::Matched("071051".into()));
        assert_eq!(ix.find("E885"), ComuneMatch::Matched("071029".into()));
        assert_eq!(ix.find("071052"), ComuneMatch::NotFound { suggestions: vec!["071051".into()] });
        assert_eq!(ix.find("Z999"), ComuneMatch::NotFound { suggestions: vec![] });
        assert_eq!(ix.resolve("71029"), Some("071029"));
        assert_eq!(ix.resolve("999999"), None);
    }

    #[test]
    fn names_forgive_case_accents_prefixes_and_apostrophes() {
        let list = comuni();
        let ix = ComuneIndex::new(&list);
        let m = |s: &str| ix.find(s).istat().map(str::to_owned);
        assert_eq!(m("SAN SEVERO").as_deref(), Some("071051"));
        assert_eq!(m("Comune di San Severo").as_deref(), Some("071051"));
        assert_eq!(m("comune di sanseveró").as_deref(), Some("071051"));
        assert_eq!(m("Sant Agata de Goti").as_deref(), Some("065116"));
        assert_eq!(m("SANT'AGATA DE' GOTI (BN)").as_deref(), Some("065116"));
        assert_eq!(m("Bozen").as_deref(), Some("021008"));
        assert_eq!(m("Bolzano - BZ").as_deref(), Some("021008"));
        assert_eq!(m("Città di Castello").as_deref(), Some("054013"), "a prefix that is part of the name");
        assert_eq!(m("Comune di Agliè").as_deref(), Some("001001"));
        assert_eq!(ix.find("Calliano"), ComuneMatch::Ambiguous(vec!["013030".into(), "022032".into()]));
        assert_eq!(m("Calliano (TN)").as_deref(), Some("022032"));
        assert_eq!(m("Calliano, CO").as_deref(), Some("013030"));
        assert_eq!(
            ix.find("Calliano (FG)"),
            ComuneMatch::NotFound { suggestions: vec!["013030".into(), "022032".into()] }
        );
        assert_eq!(ix.find("Manfredona"), ComuneMatch::NotFound { suggestions: vec!["071029".into()] });
        assert_eq!(ix.find("Roma"), ComuneMatch::NotFound { suggestions: vec![] });
        assert_eq!(ix.describe("071051"), "San Severo (FG)");
    }

    #[test]
    fn an_active_comune_wins_over_a_suppressed_one() {
        let mut list = comuni();
        list[2].active = false;
        let ix = ComuneIndex::new(&list);
        assert_eq!(ix.find("Calliano"), ComuneMatch::Matched("022032".into()));
    }
}
