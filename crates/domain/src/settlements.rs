//! The settlement registry's rules: kinds and types of settlement, what a census answer says
//! about one (and how a later census wave finds the same settlement again), the trend of its
//! observations, and what a reader may see of its position.
//!
//! A settlement is a place, not a survey answer: the census describes it once a year, field
//! teams visit it, a Prefettura reports on it. Each of these is an [`Observation`]; the
//! registry keeps them all and shows the latest state and the trend.

use crate::census::answers::Answers;
use crate::territory::search::normalise;
use serde::{Deserialize, Serialize};

/// Formal or informal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Occupied farmhouses or buildings, shacks, tents, caravans, containers.
    Informal,
    /// Foresterie, alberghi diffusi, SAI/CAS places, structures run by public or private bodies.
    Formal,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Informal => "informal",
            Self::Formal => "formal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "informal" => Some(Self::Informal),
            "formal" => Some(Self::Formal),
            _ => None,
        }
    }
}

/// The types of settlement, each of one kind (message ids `settlement-type-<code>`).
pub const TYPES: [(&str, Kind); 14] = [
    ("casolari", Kind::Informal),
    ("palazzi", Kind::Informal),
    ("baracche", Kind::Informal),
    ("tende", Kind::Informal),
    ("roulotte", Kind::Informal),
    ("container", Kind::Informal),
    ("informale_altro", Kind::Informal),
    ("foresteria", Kind::Formal),
    ("albergo_diffuso", Kind::Formal),
    ("sai", Kind::Formal),
    ("cas", Kind::Formal),
    ("struttura_pubblica", Kind::Formal),
    ("struttura_privata", Kind::Formal),
    ("formale_altro", Kind::Formal),
];

/// The kind of a type code.
pub fn kind_of(settlement_type: &str) -> Option<Kind> {
    TYPES.iter().find(|(c, _)| *c == settlement_type).map(|(_, k)| *k)
}

/// Services a settlement may have (message ids `settlement-service-<code>`). The census asks
/// about the first five.
pub const SERVICES: [&str; 9] =
    ["acqua", "elettr", "igien", "mediaz", "alfab", "rifiuti", "trasporti", "sanita", "riscaldamento"];

/// The basic services whose absence makes a settlement a priority.
pub const BASIC_SERVICES: [&str; 3] = ["acqua", "elettr", "igien"];

/// Risks observed (message ids `settlement-risk-<code>`).
pub const RISKS: [&str; 4] = ["incendi", "sgomberi", "crolli", "sfruttamento"];

/// Where an observation comes from.
pub const SOURCES: [&str; 4] = ["censimento", "visita", "segnalazione", "import"];

/// Yes, no, unknown: the census's `si_no_nd` (1, 2, 9).
pub fn yes_no(code: &str) -> &'static str {
    match code {
        "1" | "si" => "si",
        "2" | "no" => "no",
        _ => "nd",
    }
}

/// A settlement as the census describes it: one instance of a repeat of a Comune's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct CensusSettlement {
    pub kind: Kind,
    pub settlement_type: String,
    pub name: String,
    /// The instance's path in the answers: `insediamenti[0]`.
    pub instance: String,
    /// `<comune>:<normalised name>:<n>`: the n-th (from 1) settlement of this kind and name in
    /// the Comune.
    pub match_key: String,
    pub year_formed: Option<i64>,
    pub observation: Observation,
}

/// One observation of a settlement at a date.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Observation {
    pub observed_on: String,
    pub source: String,
    pub people: Option<i64>,
    pub women: String,
    pub minors: String,
    pub families: String,
    /// Service codes present.
    pub services: Vec<String>,
    pub distance_km: Option<f64>,
    pub risks: Vec<String>,
    /// `stabile | stagionale | ''`
    pub nature: String,
    pub note: String,
}

fn int(a: &Answers, q: &str) -> Option<i64> {
    a.value(q).trim().parse().ok()
}

fn codes(a: &Answers, q: &str) -> Vec<String> {
    a.value(q).split_whitespace().filter(|c| *c != "nessuno").map(str::to_owned).collect()
}

/// The settlements a Comune's census answers describe: each informal settlement (repeat
/// `insediamenti`: E1 name, E2 type, E3 people, E4 nature, E5 year, E6 services, E7 distance,
/// E10 women/minors/families) and each formal structure (repeat `strutture`: D1 type, D2 who
/// runs it, D3 guests, D4 services), observed on `date`.
pub fn from_census(comune: &str, answers: &Answers, date: &str) -> Vec<CensusSettlement> {
    let mut out = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut key = |kind: Kind, name: &str| {
        let base = format!("{comune}:{}:{}", kind.code(), normalise(name));
        let n = seen.entry(base.clone()).or_default();
        *n += 1;
        format!("{base}:{n}")
    };
    for (i, s) in answers.repeat("insediamenti").iter().enumerate() {
        let types: Vec<&str> = s.value("E2").split_whitespace().collect();
        let settlement_type = match types.first() {
            Some(t) if kind_of(t) == Some(Kind::Informal) => (*t).to_owned(),
            _ => "informale_altro".to_owned(),
        };
        let name = match s.value("E1").trim() {
            "" => format!("Insediamento {}", i + 1),
            n => n.to_owned(),
        };
        let family = yes_no(s.value("E10"));
        out.push(CensusSettlement {
            kind: Kind::Informal,
            match_key: key(Kind::Informal, &name),
            settlement_type,
            instance: format!("insediamenti[{i}]"),
            year_formed: int(s, "E5"),
            observation: Observation {
                observed_on: date.to_owned(),
                source: "censimento".into(),
                people: int(s, "E3"),
                // The census asks one question about women, minors or families together.
                women: family.into(),
                minors: family.into(),
                families: family.into(),
                services: codes(s, "E6"),
                distance_km: s.value("E7").trim().replace(',', ".").parse().ok(),
                risks: if yes_no(s.value("E9")) == "si" { vec!["sfruttamento".into()] } else { Vec::new() },
                nature: match s.value("E4") {
                    n @ ("stabile" | "stagionale") => n.to_owned(),
                    _ => String::new(),
                },
                note: String::new(),
            },
            name,
        });
    }
    for (i, s) in answers.repeat("strutture").iter().enumerate() {
        let settlement_type = match s.value("D1") {
            "sai" => "sai",
            "cas" => "cas",
            _ if s.value("D2") == "pubbl" => "struttura_pubblica",
            _ if s.value("D2") == "priv" => "struttura_privata",
            _ => "formale_altro",
        }
        .to_owned();
        let name = match s.value("D1_altro").trim() {
            "" => format!("Struttura {}", i + 1),
            n => n.to_owned(),
        };
        out.push(CensusSettlement {
            kind: Kind::Formal,
            match_key: key(Kind::Formal, &name),
            settlement_type,
            instance: format!("strutture[{i}]"),
            year_formed: None,
            observation: Observation {
                observed_on: date.to_owned(),
                source: "censimento".into(),
                people: int(s, "D3"),
                women: "nd".into(),
                minors: "nd".into(),
                families: "nd".into(),
                services: codes(s, "D4"),
                distance_km: None,
                risks: Vec::new(),
                nature: String::new(),
                note: String::new(),
            },
            name,
        });
    }
    out
}

/// The basic services an observation lacks.
pub fn missing_basic(o: &Observation) -> Vec<&'static str> {
    BASIC_SERVICES.iter().copied().filter(|s| !o.services.iter().any(|x| x == s)).collect()
}

/// People observed by month of the year (1–12): the mean of the observations in that month,
/// over every year — the seasonality of a settlement. Months without observations are `None`.
pub fn seasonality(observations: &[(String, Option<i64>)]) -> [Option<f64>; 12] {
    let mut sums = [(0.0_f64, 0_u32); 12];
    for (date, people) in observations {
        let (Some(p), Some(m)) = (people, date.get(5..7).and_then(|m| m.parse::<usize>().ok())) else { continue };
        if (1..=12).contains(&m) {
            sums[m - 1].0 += *p as f64;
            sums[m - 1].1 += 1;
        }
    }
    sums.map(|(s, n)| if n == 0 { None } else { Some(s / f64::from(n)) })
}

/// What a reader sees of a settlement's position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// The exact point (allowed to see it, or a formal structure: a public address).
    Exact { lon: f64, lat: f64 },
    /// Only the Comune (its centroid, for the map).
    Comune { lon: f64, lat: f64 },
    /// Nothing to place it with.
    Unknown,
}

/// The position shown: an informal settlement's point only to a reader allowed to see it
/// (`exact_allowed`); a point that is only the Comune's centroid is never presented as exact.
pub fn position(
    kind: Kind,
    point: Option<(f64, f64)>,
    position_source: &str,
    comune_point: Option<(f64, f64)>,
    exact_allowed: bool,
) -> Position {
    match point {
        Some((lon, lat)) if position_source != "comune" && (exact_allowed || kind == Kind::Formal) => {
            Position::Exact { lon, lat }
        }
        _ => match comune_point {
            Some((lon, lat)) => Position::Comune { lon, lat },
            None => Position::Unknown,
        },
    }
}

/// Why a field observation is refused (message ids `settlement-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ObservationError {
    #[error("the date is not a valid date (YYYY-MM-DD) up to today")]
    Date,
    #[error("the number of people is not a whole number from 0 to 100000")]
    People,
    #[error("the position is not a valid longitude and latitude in Italy")]
    Position,
    #[error("the distance is not a number of kilometres from 0 to 500")]
    Distance,
    #[error("unknown source")]
    Source,
    #[error("the note is longer than 2000 characters")]
    Note,
}

impl ObservationError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::People => "people",
            Self::Position => "position",
            Self::Distance => "distance",
            Self::Source => "source",
            Self::Note => "note",
        }
    }
}

/// Checks a position typed or taken by a device: inside Italy's bounding box.
pub fn parse_position(lon: &str, lat: &str) -> Result<Option<(f64, f64)>, ObservationError> {
    let (lon, lat) = (lon.trim().replace(',', "."), lat.trim().replace(',', "."));
    if lon.is_empty() && lat.is_empty() {
        return Ok(None);
    }
    match (lon.parse::<f64>(), lat.parse::<f64>()) {
        (Ok(x), Ok(y)) if (6.0..=19.0).contains(&x) && (35.0..=47.5).contains(&y) => Ok(Some((x, y))),
        _ => Err(ObservationError::Position),
    }
}

/// The typed fields of a field observation.
#[derive(Debug, Clone, Default)]
pub struct ObservationForm<'a> {
    pub observed_on: &'a str,
    pub source: &'a str,
    pub people: &'a str,
    pub distance_km: &'a str,
    pub note: &'a str,
}

/// Checks a field observation's typed values against `today` (ISO); every problem is returned.
pub fn check_observation(
    f: &ObservationForm<'_>,
    today: &str,
) -> Result<(Option<i64>, Option<f64>), Vec<ObservationError>> {
    let mut errors = Vec::new();
    let date_ok = time::Date::parse(f.observed_on, &time::format_description::well_known::Iso8601::DATE).is_ok()
        && f.observed_on.len() == 10
        && f.observed_on <= today;
    if !date_ok {
        errors.push(ObservationError::Date);
    }
    if !SOURCES.contains(&f.source) {
        errors.push(ObservationError::Source);
    }
    let people = match f.people.trim() {
        "" => None,
        p => match p.replace('.', "").parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => Some(n),
            _ => {
                errors.push(ObservationError::People);
                None
            }
        },
    };
    let distance = match f.distance_km.trim() {
        "" => None,
        d => match d.replace(',', ".").parse::<f64>() {
            Ok(x) if (0.0..=500.0).contains(&x) => Some(x),
            _ => {
                errors.push(ObservationError::Distance);
                None
            }
        },
    };
    if f.note.chars().count() > 2000 {
        errors.push(ObservationError::Note);
    }
    if errors.is_empty() { Ok((people, distance)) } else { Err(errors) }
}

/// The state of a settlement (message ids `settlement-status-<code>`; stored as the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// People live there (or the structure is open).
    Active,
    /// Cleared by the authorities (sgomberato).
    Cleared,
    /// Its people were moved to other housing (ricollocato).
    Relocated,
    /// No longer used (a structure closed, a place abandoned).
    Closed,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::Active, Self::Cleared, Self::Relocated, Self::Closed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Cleared => "cleared",
            Self::Relocated => "relocated",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// The key by which a later import or census wave finds a settlement added by hand or imported:
/// `<comune>:<kind>:<normalised name>:1` (the first of that name in the Comune).
pub fn match_key(comune: &str, kind: Kind, name: &str) -> String {
    format!("{comune}:{}:{}:1", kind.code(), normalise(name))
}

/// Longest name and owner typed by hand.
pub const MAX_NAME: usize = 200;

/// Why a settlement typed by hand is refused (message ids `settlement-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SettlementError {
    #[error("the name is missing or longer than 200 characters")]
    Name,
    #[error("unknown type of settlement")]
    Type,
    #[error("the year is not a year from 1950 to this one")]
    Year,
    #[error("the owner is longer than 200 characters")]
    Owner,
    #[error("the position is not a valid longitude and latitude in Italy")]
    Position,
    #[error("unknown status")]
    Status,
}

impl SettlementError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Type => "type",
            Self::Year => "year",
            Self::Owner => "owner",
            Self::Position => "position",
            Self::Status => "status",
        }
    }
}

/// The typed fields of a settlement added by hand (its Comune is resolved by the caller).
#[derive(Debug, Clone, Default)]
pub struct SettlementForm<'a> {
    pub name: &'a str,
    pub settlement_type: &'a str,
    pub year_formed: &'a str,
    pub owner: &'a str,
    pub status: &'a str,
    pub lon: &'a str,
    pub lat: &'a str,
}

/// A settlement typed by hand, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSettlement {
    pub kind: Kind,
    pub settlement_type: &'static str,
    pub name: String,
    pub year_formed: Option<i64>,
    pub owner: String,
    pub status: Status,
    pub point: Option<(f64, f64)>,
}

/// Checks a settlement typed by hand against `this_year`; every problem is returned.
pub fn check_settlement(f: &SettlementForm<'_>, this_year: i64) -> Result<NewSettlement, Vec<SettlementError>> {
    let mut errors = Vec::new();
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        errors.push(SettlementError::Name);
    }
    let settlement_type = TYPES.iter().map(|(c, _)| *c).find(|c| *c == f.settlement_type);
    if settlement_type.is_none() {
        errors.push(SettlementError::Type);
    }
    let year_formed = match f.year_formed.trim() {
        "" => None,
        y => match y.parse::<i64>() {
            Ok(n) if (1950..=this_year).contains(&n) => Some(n),
            _ => {
                errors.push(SettlementError::Year);
                None
            }
        },
    };
    let owner = f.owner.trim();
    if owner.chars().count() > MAX_NAME {
        errors.push(SettlementError::Owner);
    }
    let status = match f.status {
        "" => Some(Status::Active),
        s => Status::parse(s),
    };
    if status.is_none() {
        errors.push(SettlementError::Status);
    }
    let point = parse_position(f.lon, f.lat).unwrap_or_else(|_| {
        errors.push(SettlementError::Position);
        None
    });
    match (settlement_type, status) {
        (Some(t), Some(status)) if errors.is_empty() => Ok(NewSettlement {
            kind: kind_of(t).unwrap_or(Kind::Informal),
            settlement_type: t,
            name: name.to_owned(),
            year_formed,
            owner: owner.to_owned(),
            status,
            point,
        }),
        _ => Err(errors),
    }
}

/// Where a point set by hand comes from: `gps` when the device gave it, else `mappa` (typed or
/// placed by hand).
pub fn hand_position_source(origin: &str) -> &'static str {
    if origin == "gps" { "gps" } else { "mappa" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settlement(name: &str, people: &str) -> Answers {
        Answers::new()
            .with("E1", name)
            .with("E2", "baracche tende")
            .with("E3", people)
            .with("E4", "stabile")
            .with("E5", "2005")
            .with("E6", "acqua")
            .with("E10", "1")
    }

    #[test]
    fn census_answers_become_settlements_with_stable_keys() {
        let a = Answers::new()
            .with_repeat(
                "insediamenti",
                vec![settlement("Borgo Mezzanone", "4000"), settlement("", "30"), settlement("borgo  mezzanone", "12")],
            )
            .with_repeat("strutture", vec![Answers::new().with("D1", "cas").with("D3", "40").with("D4", "nessuno")]);
        let s = from_census("071031", &a, "2021-11-03");
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].match_key, "071031:informal:borgo mezzanone:1");
        assert_eq!(s[2].match_key, "071031:informal:borgo mezzanone:2", "same name twice: two settlements");
        assert_eq!(s[1].name, "Insediamento 2");
        assert_eq!((s[0].settlement_type.as_str(), s[0].year_formed), ("baracche", Some(2005)));
        let o = &s[0].observation;
        assert_eq!((o.people, o.nature.as_str(), o.families.as_str()), (Some(4000), "stabile", "si"));
        assert_eq!(missing_basic(o), ["elettr", "igien"]);
        assert_eq!(
            (s[3].kind, s[3].settlement_type.as_str(), s[3].observation.people),
            (Kind::Formal, "cas", Some(40))
        );
        assert!(s[3].observation.services.is_empty(), "«nessuno» is no service");
        // The same answers give the same keys: a second wave finds the same settlements.
        assert_eq!(
            from_census("071031", &a, "2022-11-03").iter().map(|x| &x.match_key).collect::<Vec<_>>(),
            s.iter().map(|x| &x.match_key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_exact_point_of_an_informal_settlement_needs_the_permission() {
        let p = Some((15.9, 41.5));
        let c = Some((15.8, 41.6));
        assert_eq!(position(Kind::Informal, p, "gps", c, true), Position::Exact { lon: 15.9, lat: 41.5 });
        assert_eq!(position(Kind::Informal, p, "gps", c, false), Position::Comune { lon: 15.8, lat: 41.6 });
        assert_eq!(position(Kind::Formal, p, "gps", c, false), Position::Exact { lon: 15.9, lat: 41.5 });
        assert_eq!(position(Kind::Informal, p, "comune", c, true), Position::Comune { lon: 15.8, lat: 41.6 });
        assert_eq!(position(Kind::Informal, None, "comune", None, true), Position::Unknown);
    }

    #[test]
    fn seasonality_averages_by_month() {
        let obs = vec![
            ("2021-08-10".to_owned(), Some(800)),
            ("2022-08-20".to_owned(), Some(1200)),
            ("2022-01-15".to_owned(), Some(200)),
            ("2022-03-01".to_owned(), None),
        ];
        let s = seasonality(&obs);
        assert_eq!(s[7], Some(1000.0));
        assert_eq!(s[0], Some(200.0));
        assert_eq!(s[2], None);
    }

    #[test]
    fn a_settlement_typed_by_hand_is_checked() {
        let ok = SettlementForm {
            name: "  Pista di Borgo Mezzanone ",
            settlement_type: "baracche",
            year_formed: "2009",
            lon: "15,8427",
            lat: "41.4632",
            ..Default::default()
        };
        let s = check_settlement(&ok, 2026).unwrap();
        assert_eq!(
            (s.kind, s.settlement_type, s.name.as_str()),
            (Kind::Informal, "baracche", "Pista di Borgo Mezzanone")
        );
        assert_eq!((s.year_formed, s.status, s.point), (Some(2009), Status::Active, Some((15.8427, 41.4632))));
        let cas = SettlementForm { name: "CAS", settlement_type: "cas", ..Default::default() };
        assert_eq!(check_settlement(&cas, 2026).map(|s| (s.kind, s.point)), Ok((Kind::Formal, None)));
        let bad = SettlementForm {
            name: " ",
            settlement_type: "castello",
            year_formed: "2030",
            owner: &"x".repeat(201),
            status: "demolished",
            lon: "2.35",
            lat: "48.85",
        };
        assert_eq!(
            check_settlement(&bad, 2026).unwrap_err(),
            [
                SettlementError::Name,
                SettlementError::Type,
                SettlementError::Year,
                SettlementError::Owner,
                SettlementError::Status,
                SettlementError::Position
            ]
        );
        assert_eq!(match_key("071029", Kind::Informal, "Borgo  MEZZANONE"), "071029:informal:borgo mezzanone:1");
        assert_eq!(Status::ALL.map(|s| Status::parse(s.code())), Status::ALL.map(Some));
        assert_eq!(Status::parse("sgomberato"), None);
        assert_eq!(
            (hand_position_source("gps"), hand_position_source(""), hand_position_source("x")),
            ("gps", "mappa", "mappa")
        );
    }

    #[test]
    fn field_observations_are_checked() {
        let ok = ObservationForm {
            observed_on: "2026-07-01",
            source: "visita",
            people: "1.200",
            distance_km: "3,5",
            note: "",
        };
        assert_eq!(check_observation(&ok, "2026-12-01"), Ok((Some(1200), Some(3.5))));
        let bad =
            ObservationForm { observed_on: "2027-01-01", source: "x", people: "-3", distance_km: "mille", note: "" };
        assert_eq!(
            check_observation(&bad, "2026-12-01").unwrap_err(),
            [ObservationError::Date, ObservationError::Source, ObservationError::People, ObservationError::Distance]
        );
        assert_eq!(parse_position("15,91", "41.47"), Ok(Some((15.91, 41.47))));
        assert_eq!(parse_position("", ""), Ok(None));
        assert_eq!(parse_position("2.35", "48.85"), Err(ObservationError::Position), "Paris is not in Italy");
    }
}

/// Import of settlements from a table (CSV, XLSX) or GeoJSON: every row checked, all or
/// nothing.
pub mod import {
    use super::{Kind, Observation, SERVICES, TYPES, kind_of, parse_position};

    /// The services' Italian names, normalised, as people write them in a file.
    const SERVICE_NAMES: [&str; 9] = [
        "acqua",
        "elettricita",
        "servizi igienici",
        "mediazione culturale",
        "alfabetizzazione",
        "raccolta dei rifiuti",
        "trasporti",
        "presidio sanitario",
        "riscaldamento",
    ];
    use crate::sheet::{SheetError, Table};
    use crate::territory::search::normalise;

    /// Header names accepted for each column (normalised; English too).
    pub const COLUMNS: [(&str, &[&str]); 11] = [
        ("nome", &["nome", "denominazione", "localita", "name"]),
        ("tipo", &["tipo", "tipologia", "type"]),
        ("comune", &["comune", "codice comune", "istat", "codice istat", "comune istat"]),
        ("lat", &["lat", "latitudine", "latitude", "y"]),
        ("lon", &["lon", "lng", "longitudine", "longitude", "x"]),
        ("anno", &["anno", "anno formazione", "anno di formazione", "year", "year formed"]),
        ("data", &["data", "data osservazione", "date", "observed on"]),
        ("persone", &["persone", "presenze", "people"]),
        ("servizi", &["servizi", "services"]),
        ("proprieta", &["proprieta", "gestione", "proprietario", "owner"]),
        ("note", &["note", "notes"]),
    ];

    /// A problem with one row (message ids `settlement-import-<code>`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Problem {
        NoName,
        Type(String),
        Comune(String),
        /// The Comune is outside what the importer may manage.
        Outside(String),
        Position,
        Year(String),
        Date(String),
        People(String),
        Service(String),
    }

    impl Problem {
        pub fn code(&self) -> &'static str {
            match self {
                Self::NoName => "no-name",
                Self::Type(_) => "type",
                Self::Comune(_) => "comune",
                Self::Outside(_) => "outside",
                Self::Position => "position",
                Self::Year(_) => "year",
                Self::Date(_) => "date",
                Self::People(_) => "people",
                Self::Service(_) => "service",
            }
        }

        pub fn arg(&self) -> String {
            match self {
                Self::NoName | Self::Position => String::new(),
                Self::Type(s)
                | Self::Comune(s)
                | Self::Outside(s)
                | Self::Year(s)
                | Self::Date(s)
                | Self::People(s)
                | Self::Service(s) => s.clone(),
            }
        }
    }

    /// A checked row.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Row {
        pub line: usize,
        pub kind: Kind,
        pub settlement_type: String,
        pub name: String,
        pub comune: String,
        pub point: Option<(f64, f64)>,
        pub year_formed: Option<i64>,
        pub owner: String,
        /// `<comune>:<kind>:<normalised name>:1`: an existing settlement with this key gets an
        /// observation instead of a duplicate.
        pub match_key: String,
        pub observation: Observation,
    }

    /// A type by code or by its Italian name ("baracche", "Tende", "CAS").
    fn settlement_type(s: &str) -> Option<&'static str> {
        let n = normalise(s).replace(' ', "_");
        TYPES.iter().map(|(c, _)| *c).find(|c| *c == n || normalise(c) == normalise(s))
    }

    /// Checks every row of `table` (dated `today` when the row has no date). `comune` says
    /// whether a code is a Comune (`Some(true)`), a Comune outside the importer's reach
    /// (`Some(false)`) or no Comune at all (`None`).
    pub fn check(
        table: &Table,
        today: &str,
        comune: &dyn Fn(&str) -> Option<bool>,
    ) -> Vec<Result<Row, (usize, Vec<Problem>)>> {
        let col = |name: &str| {
            let aliases = COLUMNS.iter().find(|(c, _)| *c == name).map_or(&[][..], |(_, a)| *a);
            table.column(aliases)
        };
        let cols: Vec<Option<usize>> = COLUMNS.iter().map(|(c, _)| col(c)).collect();
        let get = |cells: &[String], i: usize| Table::cell(cells, cols[i]).to_owned();
        table
            .rows
            .iter()
            .map(|(line, cells)| {
                let mut problems = Vec::new();
                let name = get(cells, 0);
                if name.is_empty() {
                    problems.push(Problem::NoName);
                }
                let t = get(cells, 1);
                let settlement_type = settlement_type(&t);
                if settlement_type.is_none() {
                    problems.push(Problem::Type(t.clone()));
                }
                let code = get(cells, 2);
                match comune(&code) {
                    Some(true) => {}
                    Some(false) => problems.push(Problem::Outside(code.clone())),
                    None => problems.push(Problem::Comune(code.clone())),
                }
                let point = parse_position(&get(cells, 4), &get(cells, 3)).unwrap_or_else(|_| {
                    problems.push(Problem::Position);
                    None
                });
                let year = match get(cells, 5).as_str() {
                    "" => None,
                    y => match y.parse::<i64>() {
                        Ok(n) if (1950..=today.get(..4).and_then(|t| t.parse().ok()).unwrap_or(2100)).contains(&n) => {
                            Some(n)
                        }
                        _ => {
                            problems.push(Problem::Year(y.to_owned()));
                            None
                        }
                    },
                };
                let date = match get(cells, 6) {
                    d if d.is_empty() => today.to_owned(),
                    d => match parse_date(&d) {
                        Some(iso) if iso.as_str() <= today => iso,
                        _ => {
                            problems.push(Problem::Date(d));
                            today.to_owned()
                        }
                    },
                };
                let people = match get(cells, 7).replace('.', "").as_str() {
                    "" => None,
                    p => match p.parse::<i64>() {
                        Ok(n) if (0..=100_000).contains(&n) => Some(n),
                        _ => {
                            problems.push(Problem::People(get(cells, 7)));
                            None
                        }
                    },
                };
                let mut services = Vec::new();
                for s in get(cells, 8).split([',', ';', '|']).map(str::trim).filter(|s| !s.is_empty()) {
                    let n = normalise(s);
                    let found = SERVICES
                        .iter()
                        .zip(SERVICE_NAMES)
                        .find(|(c, name)| **c == n || n.starts_with(**c) || *name == n || name.starts_with(n.as_str()));
                    let found = found.map(|(c, _)| c);
                    match found {
                        Some(c) => services.push((*c).to_owned()),
                        None if n == "nessuno" => {}
                        None => problems.push(Problem::Service(s.to_owned())),
                    }
                }
                if !problems.is_empty() {
                    return Err((*line, problems));
                }
                let settlement_type = settlement_type.unwrap_or("informale_altro");
                let kind = kind_of(settlement_type).unwrap_or(Kind::Informal);
                Ok(Row {
                    line: *line,
                    kind,
                    settlement_type: settlement_type.to_owned(),
                    match_key: super::match_key(&code, kind, &name),
                    name,
                    comune: code,
                    point,
                    year_formed: year,
                    owner: get(cells, 9),
                    observation: Observation {
                        observed_on: date,
                        source: "import".into(),
                        people,
                        women: "nd".into(),
                        minors: "nd".into(),
                        families: "nd".into(),
                        services,
                        note: get(cells, 10),
                        ..Default::default()
                    },
                })
            })
            .collect()
    }

    /// `2022-08-18`, `18/08/2022` or `18-08-2022` as ISO.
    fn parse_date(s: &str) -> Option<String> {
        let s = s.trim();
        let (y, m, d) = if s.len() == 10 && s.as_bytes()[4] == b'-' {
            (s.get(..4)?, s.get(5..7)?, s.get(8..10)?)
        } else {
            let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
            if parts.len() != 3 {
                return None;
            }
            (parts[2], parts[1], parts[0])
        };
        let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let date = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
        Some(date.to_string())
    }

    /// A GeoJSON FeatureCollection of points as a table: the features' properties as columns
    /// and the point as `lon`/`lat`; the row number is the feature's (from 1).
    ///
    /// # Errors
    /// Not JSON, not a FeatureCollection, or too many features.
    pub fn geojson_table(bytes: &[u8]) -> Result<Table, SheetError> {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| SheetError::Format(format!("GeoJSON: {e}")))?;
        let features = v
            .get("features")
            .and_then(|f| f.as_array())
            .filter(|_| v.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection"))
            .ok_or_else(|| SheetError::Format("GeoJSON: not a FeatureCollection".into()))?;
        if features.len() > crate::sheet::MAX_ROWS {
            return Err(SheetError::TooManyRows(features.len(), crate::sheet::MAX_ROWS));
        }
        let mut headers: Vec<String> = vec!["lon".into(), "lat".into()];
        for f in features {
            if let Some(p) = f.get("properties").and_then(|p| p.as_object()) {
                for k in p.keys() {
                    if !headers.contains(k) && k != "lon" && k != "lat" {
                        headers.push(k.clone());
                    }
                }
            }
        }
        let text = |x: &serde_json::Value| match x {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        let rows = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let point = f
                    .get("geometry")
                    .filter(|g| g.get("type").and_then(|t| t.as_str()) == Some("Point"))
                    .and_then(|g| g.get("coordinates"))
                    .and_then(|c| c.as_array())
                    .map(|c| (c.first().map(text).unwrap_or_default(), c.get(1).map(text).unwrap_or_default()));
                let props = f.get("properties").and_then(|p| p.as_object());
                let cells = headers
                    .iter()
                    .enumerate()
                    .map(|(j, h)| match (j, &point) {
                        (0, Some((lon, _))) => lon.clone(),
                        (1, Some((_, lat))) => lat.clone(),
                        _ => props.and_then(|p| p.get(h)).map(text).unwrap_or_default(),
                    })
                    .collect();
                (i + 1, cells)
            })
            .collect();
        Ok(Table { headers, rows })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn table(rows: &[&[&str]]) -> Table {
            let headers =
                ["Nome", "Tipologia", "Comune", "Latitudine", "Longitudine", "Anno", "Data", "Persone", "Servizi"]
                    .map(str::to_owned)
                    .to_vec();
            Table {
                headers,
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i + 2, r.iter().map(|c| (*c).to_owned()).collect()))
                    .collect(),
            }
        }

        fn known(c: &str) -> Option<bool> {
            match c {
                "071029" => Some(true),
                "020030" => Some(false),
                _ => None,
            }
        }

        #[test]
        fn every_row_is_checked_and_every_problem_named() {
            let t = table(&[
                &[
                    "Borgo Mezzanone",
                    "Baracche",
                    "071029",
                    "41,46",
                    "15,84",
                    "2003",
                    "18/08/2022",
                    "3.500",
                    "acqua, Elettricità; Servizi igienici",
                ],
                &["", "torre", "999999", "48.8", "2.3", "1900", "2099-01-01", "tanti", "piscina"],
                &["Foresteria", "foresteria", "020030", "", "", "", "", "", ""],
            ]);
            let out = check(&t, "2026-12-02", &known);
            let first = out[0].as_ref().unwrap();
            assert_eq!(
                (first.kind, first.settlement_type.as_str(), first.point),
                (Kind::Informal, "baracche", Some((15.84, 41.46)))
            );
            assert_eq!(first.observation.observed_on, "2022-08-18");
            assert_eq!(first.observation.people, Some(3500));
            assert_eq!(first.observation.services, ["acqua", "elettr", "igien"]);
            assert_eq!(first.match_key, "071029:informal:borgo mezzanone:1");
            let (line, problems) = out[1].as_ref().unwrap_err();
            assert_eq!(*line, 3);
            assert_eq!(
                problems.iter().map(Problem::code).collect::<Vec<_>>(),
                ["no-name", "type", "comune", "position", "year", "date", "people", "service"]
            );
            assert_eq!(out[2].as_ref().unwrap_err().1, [Problem::Outside("020030".into())]);
        }

        #[test]
        fn geojson_points_become_rows() {
            let g = br#"{"type":"FeatureCollection","features":[
                {"type":"Feature","geometry":{"type":"Point","coordinates":[15.84,41.46]},"properties":{"nome":"Borgo","tipo":"tende","comune":"071029"}},
                {"type":"Feature","geometry":null,"properties":{"nome":"Senza punto","tipo":"tende","comune":"071029","persone":12}}]}"#;
            let t = geojson_table(g).unwrap();
            let out = check(&t, "2026-12-02", &known);
            assert_eq!(out[0].as_ref().unwrap().point, Some((15.84, 41.46)));
            let second = out[1].as_ref().unwrap();
            assert_eq!((second.point, second.observation.people), (None, Some(12)));
            assert!(geojson_table(br#"{"type":"Feature"}"#).is_err());
            assert!(geojson_table(b"not json").is_err());
        }
    }
}
