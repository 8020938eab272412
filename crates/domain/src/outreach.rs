//! The non-personal half of front-line work: the service directory (shaped like Open Referral
//! HSDS 3.0: organisation → service → location → service at location with its schedule),
//! listening points (*sportelli*), itinerant teams (*unità mobili*) and outreach sessions
//! (*uscite*) with anonymous contact counts.
//!
//! Nothing here is personal data: a session records how many people of a sex, age band,
//! nationality and sector were met, what was given and which needs were heard — never who.
//! [`SessionInput`] is also the shape of an offline record kept on a phone, so what a device
//! may hold is exactly what this type admits (unknown fields are refused).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of service of the directory (message ids `service-kind-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// Consulenza legale: permits, labour disputes, complaints.
    LegalAdvice,
    /// Sanità: health care, screening, ATS outpatient services.
    Health,
    /// Alloggio: housing, shelters, foresterie.
    Housing,
    /// Anti-tratta: the anti-trafficking bodies (Numero Verde, projects of the Programma unico).
    AntiTrafficking,
    /// Sportello sindacale: trade union desks.
    UnionDesk,
    /// Centro per l'impiego / job matching (IDOL).
    JobCentre,
    /// Corsi di lingua: CPIA and other Italian courses.
    LanguageCourses,
    /// Mediazione culturale.
    Mediation,
    /// Supporto psicologico.
    Psychological,
    /// Orientamento ai servizi / segretariato sociale.
    SocialDesk,
    Other,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 11] = [
        Self::LegalAdvice,
        Self::Health,
        Self::Housing,
        Self::AntiTrafficking,
        Self::UnionDesk,
        Self::JobCentre,
        Self::LanguageCourses,
        Self::Mediation,
        Self::Psychological,
        Self::SocialDesk,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::LegalAdvice => "legal_advice",
            Self::Health => "health",
            Self::Housing => "housing",
            Self::AntiTrafficking => "anti_trafficking",
            Self::UnionDesk => "union_desk",
            Self::JobCentre => "job_centre",
            Self::LanguageCourses => "language_courses",
            Self::Mediation => "mediation",
            Self::Psychological => "psychological",
            Self::SocialDesk => "social_desk",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Languages a service, a team or a leaflet may use: ISO 639-1 (message ids `language-<code>`).
pub const LANGUAGES: [&str; 18] =
    ["it", "en", "fr", "ar", "pa", "hi", "ur", "bn", "wo", "ff", "bm", "ro", "sq", "ru", "uk", "es", "zh", "ti"];

/// Keeps the known language codes of a list, each once, in the order of [`LANGUAGES`].
pub fn languages<S: AsRef<str>>(codes: &[S]) -> Vec<&'static str> {
    LANGUAGES.iter().filter(|l| codes.iter().any(|c| c.as_ref().trim() == **l)).copied().collect()
}

/// Sex as counted (message ids `outreach-sex-<code>`); `nd`: not noted.
pub const SEXES: [&str; 4] = ["f", "m", "x", "nd"];
/// Age bands (message ids `outreach-age-<code>`).
pub const AGE_BANDS: [&str; 7] = ["u18", "18_24", "25_34", "35_44", "45_54", "55_plus", "nd"];
/// Sectors of work (message ids `outreach-sector-<code>`).
pub const SECTORS: [&str; 8] =
    ["agricoltura", "edilizia", "logistica", "manifattura", "ristorazione", "servizi_domestici", "altro", "nd"];
/// Materials given (message ids `outreach-material-<code>`); leaflets have a language.
pub const MATERIALS: [&str; 7] = ["volantino", "kit_igiene", "kit_sanitario", "dpi", "acqua", "cibo", "altro"];
/// Needs heard (message ids `outreach-need-<code>`).
pub const NEEDS: [&str; 13] = [
    "lavoro",
    "salario",
    "contratto",
    "documenti",
    "permesso",
    "alloggio",
    "sanita",
    "legale",
    "lingua",
    "trasporti",
    "sfruttamento",
    "violenza",
    "altro",
];

/// Nationalities offered first in the forms (ISO 3166-1 alpha-2; message ids
/// `country-<code>`): those most met in Italian agriculture. Any other alpha-2 code is accepted.
pub const COMMON_NATIONALITIES: [&str; 16] =
    ["IN", "MA", "RO", "AL", "SN", "NG", "PK", "BD", "TN", "GM", "ML", "GH", "CI", "BF", "EG", "IT"];

/// A problem with what was typed or sent (message ids `outreach-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutreachError {
    #[error("the client identifier is not a UUID")]
    Uuid,
    #[error("the date is not a date, or is in the future")]
    Date,
    #[error("the Comune is not an ISTAT code")]
    Comune,
    #[error("a session belongs to exactly one team or listening point")]
    Team,
    #[error("a contact row has an unknown sex, age band, nationality or sector")]
    ContactCode,
    #[error("a count is not a whole number between 1 and 10000")]
    Count,
    #[error("an unknown material, or a material language")]
    Material,
    #[error("an unknown need")]
    Need,
    #[error("the note is too long")]
    NoteLength,
    #[error("a position outside Italy")]
    Position,
    #[error("opening hours are not like 09:00-13:00")]
    Hours,
    #[error("a name is required")]
    Name,
    #[error("unknown kind of service")]
    Kind,
}

impl OutreachError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Uuid => "uuid",
            Self::Date => "date",
            Self::Comune => "comune",
            Self::Team => "team",
            Self::ContactCode => "contact-code",
            Self::Count => "count",
            Self::Material => "material",
            Self::Need => "need",
            Self::NoteLength => "note-length",
            Self::Position => "position",
            Self::Hours => "hours",
            Self::Name => "name",
            Self::Kind => "kind",
        }
    }
}

/// True for an ISTAT Comune code (six digits).
pub fn is_comune_code(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

/// True for a canonical (hyphenated, 36 characters) UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes()
            .enumerate()
            .all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// True for an ISO date (YYYY-MM-DD) that exists.
pub fn is_date(s: &str) -> bool {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, &f).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Opening hours

/// One opening interval of a weekday (1 = Monday … 7 = Sunday), local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub weekday: u8,
    pub opens_at: String,
    pub closes_at: String,
}

/// Weekday codes as HSDS (`byday`) writes them.
pub const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The intervals of one weekday as typed: `09:00-13:00 15:00-18:00` (commas or spaces between
/// intervals); "" is closed. Each interval must end after it starts.
pub fn parse_day(weekday: u8, text: &str) -> Result<Vec<Opening>, OutreachError> {
    if !(1..=7).contains(&weekday) {
        return Err(OutreachError::Hours);
    }
    let mut out = Vec::new();
    for part in text.split([',', ' ', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').ok_or(OutreachError::Hours)?;
        let (from, to) = (hhmm(a.trim()).ok_or(OutreachError::Hours)?, hhmm(b.trim()).ok_or(OutreachError::Hours)?);
        if to <= from {
            return Err(OutreachError::Hours);
        }
        out.push(Opening { weekday, opens_at: a.trim().to_owned(), closes_at: b.trim().to_owned() });
    }
    Ok(out)
}

/// A weekday's intervals written back as typed.
pub fn format_day(openings: &[Opening], weekday: u8) -> String {
    openings
        .iter()
        .filter(|o| o.weekday == weekday)
        .map(|o| format!("{}-{}", o.opens_at, o.closes_at))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Outreach sessions

/// One row of the contact grid: how many people of this sex, age band, nationality and sector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRow {
    pub sex: String,
    pub age_band: String,
    pub nationality: String,
    pub sector: String,
    pub count: i64,
}

/// Material given: a code, a language for leaflets, a quantity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialRow {
    pub material: String,
    #[serde(default)]
    pub language: String,
    pub quantity: i64,
}

/// An outreach session as a form, the API or a phone's offline record sends it. Nothing in it
/// names or describes a person; unknown fields are refused so that nothing else can ride along.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// Generated by the client; the same UUID sent twice is one session.
    pub client_uuid: String,
    pub held_on: String,
    pub comune: String,
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub desk_id: Option<i64>,
    #[serde(default)]
    pub settlement_id: Option<i64>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub contacts: Vec<ContactRow>,
    #[serde(default)]
    pub materials: Vec<MaterialRow>,
    #[serde(default)]
    pub needs: Vec<String>,
    /// A note on the needs heard (online only: the offline form has none). Never names.
    #[serde(default)]
    pub needs_note: String,
}

/// A session checked: rows merged and sorted, zero rows dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSession {
    pub client_uuid: String,
    pub held_on: String,
    pub comune: String,
    pub team_id: Option<i64>,
    pub desk_id: Option<i64>,
    pub settlement_id: Option<i64>,
    pub point: Option<(f64, f64)>,
    pub contacts: Vec<ContactRow>,
    pub materials: Vec<MaterialRow>,
    pub needs: Vec<&'static str>,
    pub needs_note: String,
}

/// The longest needs note accepted.
pub const MAX_NOTE: usize = 2000;
/// The largest count of one row (a typo guard).
pub const MAX_COUNT: i64 = 10_000;

fn nationality_ok(n: &str) -> bool {
    n == "ND" || (n.len() == 2 && n.bytes().all(|b| b.is_ascii_uppercase()))
}

/// Checks a session; `today` is the local ISO date (a session cannot be in the future). Every
/// problem is reported, each once.
pub fn check_session(input: &SessionInput, today: &str) -> Result<CheckedSession, Vec<OutreachError>> {
    let mut errors = Vec::new();
    let mut err = |e: OutreachError| {
        if !errors.contains(&e) {
            errors.push(e);
        }
    };
    if !is_uuid(&input.client_uuid) {
        err(OutreachError::Uuid);
    }
    if !is_date(&input.held_on) || input.held_on.as_str() > today {
        err(OutreachError::Date);
    }
    if !is_comune_code(&input.comune) {
        err(OutreachError::Comune);
    }
    if input.team_id.is_some() == input.desk_id.is_some() {
        err(OutreachError::Team);
    }
    let mut grid: BTreeMap<(String, String, String, String), i64> = BTreeMap::new();
    for r in &input.contacts {
        let nat = r.nationality.trim().to_ascii_uppercase();
        if !SEXES.contains(&r.sex.as_str())
            || !AGE_BANDS.contains(&r.age_band.as_str())
            || !SECTORS.contains(&r.sector.as_str())
            || !nationality_ok(&nat)
        {
            err(OutreachError::ContactCode);
            continue;
        }
        if !(0..=MAX_COUNT).contains(&r.count) {
            err(OutreachError::Count);
            continue;
        }
        *grid.entry((r.sex.clone(), r.age_band.clone(), nat, r.sector.clone())).or_default() += r.count;
    }
    let contacts: Vec<ContactRow> = grid
        .into_iter()
        .filter(|(_, c)| *c > 0)
        .map(|((sex, age_band, nationality, sector), count)| ContactRow { sex, age_band, nationality, sector, count })
        .collect();
    if contacts.iter().any(|c| c.count > MAX_COUNT) {
        err(OutreachError::Count);
    }
    let mut mats: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in &input.materials {
        let lang = m.language.trim();
        let lang_ok = if m.material == "volantino" { LANGUAGES.contains(&lang) } else { lang.is_empty() };
        if !MATERIALS.contains(&m.material.as_str()) || !lang_ok {
            err(OutreachError::Material);
            continue;
        }
        if !(0..=MAX_COUNT).contains(&m.quantity) {
            err(OutreachError::Count);
            continue;
        }
        *mats.entry((m.material.clone(), lang.to_owned())).or_default() += m.quantity;
    }
    let materials = mats
        .into_iter()
        .filter(|(_, q)| *q > 0)
        .map(|((material, language), quantity)| MaterialRow { material, language, quantity })
        .collect();
    if input.needs.iter().any(|n| !NEEDS.contains(&n.as_str())) {
        err(OutreachError::Need);
    }
    let needs: Vec<&'static str> = NEEDS.iter().filter(|n| input.needs.iter().any(|x| x == *n)).copied().collect();
    if input.needs_note.chars().count() > MAX_NOTE {
        err(OutreachError::NoteLength);
    }
    let point = match (input.lat, input.lon) {
        (Some(lat), Some(lon)) if (35.0..=47.5).contains(&lat) && (6.0..=19.0).contains(&lon) => Some((lon, lat)),
        (None, None) => None,
        _ => {
            err(OutreachError::Position);
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CheckedSession {
        client_uuid: input.client_uuid.to_ascii_lowercase(),
        held_on: input.held_on.clone(),
        comune: input.comune.clone(),
        team_id: input.team_id,
        desk_id: input.desk_id,
        settlement_id: input.settlement_id,
        point,
        contacts,
        materials,
        needs,
        needs_note: input.needs_note.trim().to_owned(),
    })
}

/// Totals of a contact grid: all, and by each dimension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub contacts: i64,
    pub by_sex: BTreeMap<String, i64>,
    pub by_age_band: BTreeMap<String, i64>,
    pub by_nationality: BTreeMap<String, i64>,
    pub by_sector: BTreeMap<String, i64>,
}

impl Totals {
    pub fn of(rows: &[ContactRow]) -> Self {
        let mut t = Self::default();
        for r in rows {
            t.add(r);
        }
        t
    }

    pub fn add(&mut self, r: &ContactRow) {
        self.contacts += r.count;
        *self.by_sex.entry(r.sex.clone()).or_default() += r.count;
        *self.by_age_band.entry(r.age_band.clone()).or_default() += r.count;
        *self.by_nationality.entry(r.nationality.clone()).or_default() += r.count;
        *self.by_sector.entry(r.sector.clone()).or_default() += r.count;
    }
}

/// Sessions and contacts per key (a month `YYYY-MM`, a team…), in key order.
pub fn group_totals<K: Ord + Clone>(items: &[(K, i64)]) -> Vec<(K, usize, i64)> {
    let mut m: BTreeMap<K, (usize, i64)> = BTreeMap::new();
    for (k, c) in items {
        let e = m.entry(k.clone()).or_default();
        e.0 += 1;
        e.1 += c;
    }
    m.into_iter().map(|(k, (n, c))| (k, n, c)).collect()
}

/// The month (`YYYY-MM`) of an ISO date.
pub fn month_of(date: &str) -> &str {
    date.get(..7).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sex: &str, age: &str, nat: &str, sector: &str, count: i64) -> ContactRow {
        ContactRow { sex: sex.into(), age_band: age.into(), nationality: nat.into(), sector: sector.into(), count }
    }

    fn input() -> SessionInput {
        SessionInput {
            client_uuid: "0b6c1a5e-2f0d-4e43-9a57-3c1f0c9d8e21".into(),
            held_on: "2026-05-10".into(),
            comune: "020017".into(),
            team_id: Some(1),
            contacts: vec![row("m", "25_34", "in", "agricoltura", 3), row("m", "25_34", "IN", "agricoltura", 2)],
            materials: vec![MaterialRow { material: "volantino".into(), language: "pa".into(), quantity: 5 }],
            needs: vec!["salario".into(), "documenti".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_session_is_checked_and_its_grid_merged() {
        let s = check_session(&input(), "2026-05-10").unwrap();
        assert_eq!(s.contacts, vec![row("m", "25_34", "IN", "agricoltura", 5)]);
        assert_eq!(s.needs, vec!["salario", "documenti"]);
        assert_eq!(Totals::of(&s.contacts).contacts, 5);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut i = input();
        i.client_uuid = "not-a-uuid".into();
        i.held_on = "2026-05-11".into();
        i.comune = "Mantova".into();
        i.desk_id = Some(2);
        i.contacts.push(row("donna", "25_34", "IN", "agricoltura", 1));
        i.contacts.push(row("f", "25_34", "IN", "agricoltura", -1));
        i.materials.push(MaterialRow { material: "kit_igiene".into(), language: "it".into(), quantity: 1 });
        i.needs.push("nome".into());
        i.lat = Some(48.85);
        i.lon = Some(2.35);
        let e = check_session(&i, "2026-05-10").unwrap_err();
        for x in [
            OutreachError::Uuid,
            OutreachError::Date,
            OutreachError::Comune,
            OutreachError::Team,
            OutreachError::ContactCode,
            OutreachError::Count,
            OutreachError::Material,
            OutreachError::Need,
            OutreachError::Position,
        ] {
            assert!(e.contains(&x), "{x:?} in {e:?}");
        }
    }

    #[test]
    fn an_offline_record_cannot_carry_other_fields() {
        let with_name = r#"{"client_uuid":"0b6c1a5e-2f0d-4e43-9a57-3c1f0c9d8e21","held_on":"2026-05-10",
            "comune":"020017","team_id":1,"name":"Mario Rossi"}"#;
        assert!(serde_json::from_str::<SessionInput>(with_name).is_err());
        let row_with_phone = r#"{"client_uuid":"0b6c1a5e-2f0d-4e43-9a57-3c1f0c9d8e21","held_on":"2026-05-10",
            "comune":"020017","team_id":1,"contacts":[{"sex":"m","age_band":"nd","nationality":"ND",
            "sector":"nd","count":1,"phone":"333"}]}"#;
        assert!(serde_json::from_str::<SessionInput>(row_with_phone).is_err());
    }

    #[test]
    fn opening_hours_parse_and_format() {
        let d = parse_day(1, "09:00-13:00, 15:00-18:30").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(format_day(&d, 1), "09:00-13:00 15:00-18:30");
        assert_eq!(parse_day(2, "").unwrap(), vec![]);
        assert_eq!(parse_day(1, "13:00-09:00"), Err(OutreachError::Hours));
        assert_eq!(parse_day(1, "9-13"), Err(OutreachError::Hours));
        assert_eq!(parse_day(8, "09:00-10:00"), Err(OutreachError::Hours));
    }

    #[test]
    fn kinds_and_groups() {
        for k in ServiceKind::ALL {
            assert_eq!(ServiceKind::parse(k.code()), Some(k));
        }
        assert_eq!(languages(&["ar", "xx", "it", "ar"]), vec!["it", "ar"]);
        let g = group_totals(&[("2026-05", 3), ("2026-04", 1), ("2026-05", 2)]);
        assert_eq!(g, vec![("2026-04", 1, 1), ("2026-05", 2, 5)]);
        assert_eq!(month_of("2026-05-10"), "2026-05");
    }
}
