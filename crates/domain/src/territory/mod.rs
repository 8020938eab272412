//! Territorial references used by access control.
//!
//! A *comune* is an Italian municipality, identified by its 6-digit ISTAT code; it lies in a
//! *provincia* (3-digit UTS code) inside a *regione* (2-digit code). The full reference data
//! (names, boundaries, history) lives in the territory area; access control only needs the path.

pub mod istat;
pub mod search;

use serde::{Deserialize, Serialize};

/// Where a record lies: always a region, optionally down to a province and a comune.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TerritoryPath {
    pub region: String,
    pub province: Option<String>,
    pub comune: Option<String>,
}

impl TerritoryPath {
    pub fn region(code: &str) -> Self {
        Self { region: code.to_owned(), province: None, comune: None }
    }
    pub fn province(region: &str, province: &str) -> Self {
        Self { region: region.to_owned(), province: Some(province.to_owned()), comune: None }
    }
    pub fn comune(region: &str, province: &str, comune: &str) -> Self {
        Self { region: region.to_owned(), province: Some(province.to_owned()), comune: Some(comune.to_owned()) }
    }
}

/// One unit of a jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "level", content = "code", rename_all = "snake_case")]
pub enum TerritoryUnit {
    Region(String),
    Province(String),
    Comune(String),
}

impl TerritoryUnit {
    /// Parses `regione:05`, `provincia:020`, `comune:020030`.
    pub fn parse(s: &str) -> Option<Self> {
        let (level, code) = s.split_once(':')?;
        let code = code.trim();
        let digits = |n: usize| code.len() == n && code.bytes().all(|b| b.is_ascii_digit());
        match level.trim() {
            "regione" | "region" if digits(2) => Some(Self::Region(code.to_owned())),
            "provincia" | "province" if digits(3) => Some(Self::Province(code.to_owned())),
            "comune" if digits(6) => Some(Self::Comune(code.to_owned())),
            _ => None,
        }
    }

    pub fn to_key(&self) -> String {
        match self {
            Self::Region(c) => format!("regione:{c}"),
            Self::Province(c) => format!("provincia:{c}"),
            Self::Comune(c) => format!("comune:{c}"),
        }
    }

    fn contains(&self, path: &TerritoryPath) -> bool {
        match self {
            Self::Region(c) => path.region == *c,
            Self::Province(c) => path.province.as_deref() == Some(c),
            Self::Comune(c) => path.comune.as_deref() == Some(c),
        }
    }
}

/// The territory an organisation acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Jurisdiction {
    /// The whole country (ministries, ANCI/Cittalia, national bodies).
    National,
    /// A set of regions, provinces or comuni; empty means nowhere.
    #[default]
    Nowhere,
    Units(Vec<TerritoryUnit>),
}

impl Jurisdiction {
    pub fn from_units(units: Vec<TerritoryUnit>) -> Self {
        if units.is_empty() { Self::Nowhere } else { Self::Units(units) }
    }

    /// True when `path` lies inside this jurisdiction.
    pub fn covers(&self, path: &TerritoryPath) -> bool {
        match self {
            Self::National => true,
            Self::Nowhere => false,
            Self::Units(units) => units.iter().any(|u| u.contains(path)),
        }
    }

    /// True when this jurisdiction includes every place `other` includes.
    pub fn includes(&self, other: &Jurisdiction) -> bool {
        match (self, other) {
            (Self::National, _) => true,
            (_, Self::Nowhere) => true,
            (_, Self::National) | (Self::Nowhere, _) => false,
            (Self::Units(mine), Self::Units(theirs)) => theirs.iter().all(|t| {
                mine.iter().any(|m| match (m, t) {
                    (a, b) if a == b => true,
                    // A unit is inside a region/province when its code starts with the wider code
                    // only for comuni inside provinces (ISTAT codes share the province prefix);
                    // otherwise the relation needs the reference data and is not assumed.
                    (TerritoryUnit::Province(p), TerritoryUnit::Comune(c)) => c.starts_with(p.as_str()),
                    _ => false,
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_by_level() {
        let mantova = TerritoryPath::comune("03", "020", "020030");
        let lombardia = Jurisdiction::Units(vec![TerritoryUnit::Region("03".into())]);
        let prov_mn = Jurisdiction::Units(vec![TerritoryUnit::Province("020".into())]);
        let prov_cr = Jurisdiction::Units(vec![TerritoryUnit::Province("019".into())]);
        assert!(lombardia.covers(&mantova));
        assert!(prov_mn.covers(&mantova));
        assert!(!prov_cr.covers(&mantova));
        assert!(Jurisdiction::National.covers(&mantova));
        assert!(!Jurisdiction::Nowhere.covers(&mantova));
        // a region-level record is not inside a province jurisdiction
        assert!(!prov_mn.covers(&TerritoryPath::region("03")));
    }

    #[test]
    fn parses_units() {
        assert_eq!(TerritoryUnit::parse("provincia:020"), Some(TerritoryUnit::Province("020".into())));
        assert_eq!(TerritoryUnit::parse("comune:20030"), None);
        assert_eq!(TerritoryUnit::parse("stato:1"), None);
        let u = TerritoryUnit::parse("comune:020030").unwrap();
        assert_eq!(TerritoryUnit::parse(&u.to_key()), Some(u));
    }
}
