//! The input of every statistic: a [`Dataset`] of [`Unit`]s, one per Comune, each with its
//! territorial keys and its variables ([`Value`]s), and the territorial groupings
//! ([`Grouping`], [`GroupKey`]) derived from the keys.
//!
//! The macro-area and the population class are *derived* from the region code and the
//! population, never stored, so a unit cannot carry an inconsistent pair.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::StatsError;

/// An Italian region, by its two-digit ISTAT code (`01` Piemonte … `20` Sardegna).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(u8);

/// Names of the regions, indexed by code − 1 (as in `data/territory/regioni.csv`).
const REGION_NAMES: [&str; 20] = [
    "Piemonte",
    "Valle d'Aosta/Vallée d'Aoste",
    "Lombardia",
    "Trentino-Alto Adige/Südtirol",
    "Veneto",
    "Friuli-Venezia Giulia",
    "Liguria",
    "Emilia-Romagna",
    "Toscana",
    "Umbria",
    "Marche",
    "Lazio",
    "Abruzzo",
    "Molise",
    "Campania",
    "Puglia",
    "Basilicata",
    "Calabria",
    "Sicilia",
    "Sardegna",
];

impl RegionCode {
    /// Parses a two-digit code `01` … `20`.
    pub fn parse(code: &str) -> Result<Self, StatsError> {
        let bad = || StatsError::BadRegion(code.to_owned());
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        match code.parse::<u8>() {
            Ok(n @ 1..=20) => Ok(Self(n)),
            _ => Err(bad()),
        }
    }

    /// The two-digit code, e.g. `"05"`.
    pub fn code(self) -> String {
        format!("{:02}", self.0)
    }

    /// The region's official name.
    pub fn name(self) -> &'static str {
        REGION_NAMES.get(usize::from(self.0) - 1).copied().unwrap_or("")
    }

    /// The ISTAT *ripartizione geografica* the region belongs to.
    pub fn macro_area(self) -> MacroArea {
        match self.0 {
            1..=3 | 7 => MacroArea::NordOvest,
            4..=6 | 8 => MacroArea::NordEst,
            9..=12 => MacroArea::Centro,
            13..=18 => MacroArea::Sud,
            _ => MacroArea::Isole,
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// The five ISTAT *ripartizioni geografiche* (NUTS 1), in ISTAT order.
///
/// Nord-Ovest: Piemonte (01), Valle d'Aosta (02), Lombardia (03), Liguria (07); Nord-Est:
/// Trentino-Alto Adige (04), Veneto (05), Friuli-Venezia Giulia (06), Emilia-Romagna (08);
/// Centro: 09–12; Sud: 13–18; Isole: 19–20 (as `macroarea_code` in `data/territory/regioni.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MacroArea {
    NordOvest,
    NordEst,
    Centro,
    Sud,
    Isole,
}

impl MacroArea {
    /// All five, in ISTAT order.
    pub const ALL: [MacroArea; 5] = [Self::NordOvest, Self::NordEst, Self::Centro, Self::Sud, Self::Isole];

    /// The ISTAT code, 1 … 5.
    pub fn code(self) -> u8 {
        match self {
            Self::NordOvest => 1,
            Self::NordEst => 2,
            Self::Centro => 3,
            Self::Sud => 4,
            Self::Isole => 5,
        }
    }

    /// The Italian name, as ISTAT writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NordOvest => "Nord-Ovest",
            Self::NordEst => "Nord-Est",
            Self::Centro => "Centro",
            Self::Sud => "Sud",
            Self::Isole => "Isole",
        }
    }
}

/// Population classes of Comuni (*classi di ampiezza demografica*).
///
/// Five classes: small Comuni up to 5,000 inhabitants (the legal threshold of *piccoli comuni*,
/// L. 158/2017), then 5,001–20,000, 20,001–50,000, 50,001–100,000 and over 100,000. The InCaS
/// 2021 report's own classes are not known (its text was not read), so these bounds are this
/// project's choice, written down in `docs/STATISTICS.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PopClass {
    /// Up to 5,000 inhabitants.
    UpTo5k,
    /// 5,001 – 20,000.
    From5kTo20k,
    /// 20,001 – 50,000.
    From20kTo50k,
    /// 50,001 – 100,000.
    From50kTo100k,
    /// Over 100,000.
    Over100k,
}

impl PopClass {
    /// All classes, smallest first.
    pub const ALL: [PopClass; 5] =
        [Self::UpTo5k, Self::From5kTo20k, Self::From20kTo50k, Self::From50kTo100k, Self::Over100k];

    /// The class of a Comune with `population` inhabitants (bounds inclusive above).
    pub fn of(population: u32) -> Self {
        match population {
            0..=5_000 => Self::UpTo5k,
            5_001..=20_000 => Self::From5kTo20k,
            20_001..=50_000 => Self::From20kTo50k,
            50_001..=100_000 => Self::From50kTo100k,
            _ => Self::Over100k,
        }
    }

    /// A stable code, 1 (smallest) … 5.
    pub fn code(self) -> u8 {
        match self {
            Self::UpTo5k => 1,
            Self::From5kTo20k => 2,
            Self::From20kTo50k => 3,
            Self::From50kTo100k => 4,
            Self::Over100k => 5,
        }
    }

    /// The Italian label used in published tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::UpTo5k => "fino a 5.000 abitanti",
            Self::From5kTo20k => "da 5.001 a 20.000 abitanti",
            Self::From20kTo50k => "da 20.001 a 50.000 abitanti",
            Self::From50kTo100k => "da 50.001 a 100.000 abitanti",
            Self::Over100k => "oltre 100.000 abitanti",
        }
    }
}

/// The value of one variable for one unit.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not answered, not applicable, or not collected.
    Missing,
    /// A quantity (a count, an amount, a distance). Never NaN: see [`Unit::with`].
    Number(f64),
    /// A categorical answer, by its code (a choice name such as `si`, `private`).
    Code(String),
}

/// One Comune of the universe: territorial keys, participation in the census, variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The six-digit ISTAT code of the comune.
    pub istat: String,
    /// The region the comune lies in.
    pub region: RegionCode,
    /// The province (UTS) code, three digits.
    pub province: String,
    /// Resident population, which gives the [`PopClass`].
    pub population: u32,
    /// Whether the Comune was invited to the census.
    pub invited: bool,
    /// Whether it answered (implies `invited`).
    pub responded: bool,
    /// Variables by name; an absent variable is [`Value::Missing`].
    pub values: BTreeMap<String, Value>,
}

impl Unit {
    /// A unit without variables.
    pub fn new(istat: &str, region: RegionCode, province: &str, population: u32) -> Self {
        Self {
            istat: istat.to_owned(),
            region,
            province: province.to_owned(),
            population,
            invited: false,
            responded: false,
            values: BTreeMap::new(),
        }
    }

    /// Builder: sets the census participation.
    #[must_use]
    pub fn participation(mut self, invited: bool, responded: bool) -> Self {
        self.invited = invited;
        self.responded = responded;
        self
    }

    /// Builder: sets a variable (a NaN number is stored as [`Value::Missing`]).
    #[must_use]
    pub fn with(mut self, name: &str, value: Value) -> Self {
        let value = match value {
            Value::Number(x) if x.is_nan() => Value::Missing,
            v => v,
        };
        self.values.insert(name.to_owned(), value);
        self
    }

    /// The value of variable `name` ([`Value::Missing`] when absent).
    pub fn value(&self, name: &str) -> &Value {
        self.values.get(name).unwrap_or(&Value::Missing)
    }

    /// The macro-area of the unit's region.
    pub fn macro_area(&self) -> MacroArea {
        self.region.macro_area()
    }

    /// The population class of the unit's population.
    pub fn pop_class(&self) -> PopClass {
        PopClass::of(self.population)
    }

    /// The group of this unit under `grouping`.
    pub fn key(&self, grouping: Grouping) -> GroupKey {
        match grouping {
            Grouping::National => GroupKey::National,
            Grouping::Region => GroupKey::Region(self.region),
            Grouping::Province => GroupKey::Province(self.province.clone()),
            Grouping::MacroArea => GroupKey::MacroArea(self.macro_area()),
            Grouping::PopClass => GroupKey::PopClass(self.pop_class()),
        }
    }
}

/// A territorial (or demographic) way to split the units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// One group: the whole of Italy.
    National,
    Region,
    Province,
    MacroArea,
    PopClass,
}

/// One group of a [`Grouping`]. Ordered as published: regions and provinces by code,
/// macro-areas in ISTAT order, population classes from the smallest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    National,
    Region(RegionCode),
    Province(String),
    MacroArea(MacroArea),
    PopClass(PopClass),
}

impl GroupKey {
    /// A stable code: `IT`, the region or province code, the macro-area or class code.
    pub fn code(&self) -> String {
        match self {
            Self::National => "IT".to_owned(),
            Self::Region(r) => r.code(),
            Self::Province(p) => p.clone(),
            Self::MacroArea(m) => m.code().to_string(),
            Self::PopClass(c) => c.code().to_string(),
        }
    }

    /// The Italian label for published tables (a province is labelled by its code: names are
    /// reference data, outside this crate).
    pub fn label(&self) -> String {
        match self {
            Self::National => "Italia".to_owned(),
            Self::Region(r) => r.name().to_owned(),
            Self::Province(p) => p.clone(),
            Self::MacroArea(m) => m.label().to_owned(),
            Self::PopClass(c) => c.label().to_owned(),
        }
    }
}

/// A table of units, at most one per Comune.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    units: Vec<Unit>,
}

impl Dataset {
    /// Checks that ISTAT codes are unique and that only invited units responded.
    pub fn new(units: Vec<Unit>) -> Result<Self, StatsError> {
        let mut seen = BTreeSet::new();
        for u in &units {
            if !seen.insert(u.istat.as_str()) {
                return Err(StatsError::DuplicateUnit(u.istat.clone()));
            }
            if u.responded && !u.invited {
                return Err(StatsError::RespondedUninvited(u.istat.clone()));
            }
        }
        Ok(Self { units })
    }

    /// The units, in the order given.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The units that answered the census: the base of the descriptive statistics.
    pub fn respondents(&self) -> Dataset {
        Self { units: self.units.iter().filter(|u| u.responded).cloned().collect() }
    }

    /// The units satisfying `keep`.
    pub fn filter(&self, keep: impl Fn(&Unit) -> bool) -> Dataset {
        Self { units: self.units.iter().filter(|u| keep(u)).cloned().collect() }
    }

    /// The units split by `grouping`, groups in published order, units in dataset order.
    pub fn groups(&self, grouping: Grouping) -> BTreeMap<GroupKey, Vec<&Unit>> {
        let mut out: BTreeMap<GroupKey, Vec<&Unit>> = BTreeMap::new();
        for u in &self.units {
            out.entry(u.key(grouping)).or_default().push(u);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_macro_areas() {
        assert_eq!(RegionCode::parse("07").unwrap().macro_area(), MacroArea::NordOvest);
        assert_eq!(RegionCode::parse("04").unwrap().macro_area(), MacroArea::NordEst);
        assert_eq!(RegionCode::parse("08").unwrap().macro_area(), MacroArea::NordEst);
        assert_eq!(RegionCode::parse("12").unwrap().macro_area(), MacroArea::Centro);
        assert_eq!(RegionCode::parse("18").unwrap().macro_area(), MacroArea::Sud);
        assert_eq!(RegionCode::parse("20").unwrap().macro_area(), MacroArea::Isole);
        assert_eq!(RegionCode::parse("16").unwrap().name(), "Puglia");
        for bad in ["00", "21", "1", "001", "a1", ""] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn macro_areas_match_reference_data() {
        let csv = include_str!("../../../../data/territory/regioni.csv");
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let r = RegionCode::parse(f[0]).unwrap();
            assert_eq!(r.macro_area().code().to_string(), f[2], "{line}");
            assert_eq!(r.macro_area().label(), f[3], "{line}");
            assert_eq!(r.name(), f[1], "{line}");
        }
    }

    #[test]
    fn population_classes_bounds() {
        assert_eq!(PopClass::of(0), PopClass::UpTo5k);
        assert_eq!(PopClass::of(5_000), PopClass::UpTo5k);
        assert_eq!(PopClass::of(5_001), PopClass::From5kTo20k);
        assert_eq!(PopClass::of(20_000), PopClass::From5kTo20k);
        assert_eq!(PopClass::of(20_001), PopClass::From20kTo50k);
        assert_eq!(PopClass::of(100_000), PopClass::From50kTo100k);
        assert_eq!(PopClass::of(100_001), PopClass::Over100k);
    }

    #[test]
    fn dataset_rejects_duplicates_and_uninvited_respondents() {
        let r = RegionCode::parse("01").unwrap();
        let a = Unit::new("001001", r, "201", 10).participation(true, true);
        assert!(matches!(Dataset::new(vec![a.clone(), a.clone()]), Err(StatsError::DuplicateUnit(_))));
        let b = Unit::new("001002", r, "201", 10).participation(false, true);
        assert!(matches!(Dataset::new(vec![a, b]), Err(StatsError::RespondedUninvited(_))));
    }
}
