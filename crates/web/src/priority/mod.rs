//! Priority territories and fund allocation over a census campaign's clean answers: the pages
//! `/territori/priorita` and `/territori/ripartizione`, their exports and the JSON API. The
//! computing is the domain's ([`argine_domain::priority`], [`argine_domain::allocation`]); this
//! module parses what was typed, reads the campaign's inputs and shapes view models.
//!
//! Everything shown is aggregate census data per territory, no personal data: reading needs
//! `ViewCensus` on the census, like the reports.

pub mod api;
pub mod pages;

use crate::AppState;
use crate::error::{WebError, WebResult};
use argine_domain::allocation::{AllocationError, ClassFactor, Recipient};
use argine_domain::priority::{INDICATORS, Indicator, Level, Normalisation, Territory, Weights, territories};
use argine_storage::census;

/// The largest shortlist.
pub const MAX_SHORTLIST: usize = 100;

/// A number as typed in Italian or English: `1.234,5`, `1234.5`, `1 234`, `€ 200.000.000`.
/// With both `.` and `,`, the last one is the decimal mark; a lone `,` is decimal; a lone `.`
/// is decimal unless it groups thousands (`200.000.000`, `1.000`).
pub fn parse_number(s: &str) -> Option<f64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}').collect();
    if s.is_empty() {
        return None;
    }
    let normal = match (s.rfind('.'), s.rfind(',')) {
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (None, Some(_)) => s.replace(',', "."),
        (Some(_), None) => {
            let groups: Vec<&str> = s.split('.').collect();
            let lead = groups[0].trim_start_matches('-');
            let thousands = groups.len() > 1
                && (1..=3).contains(&lead.len())
                && lead != "0"
                && groups[1..].iter().all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
            if thousands { s.replace('.', "") } else { s }
        }
        (None, None) => s,
    };
    normal.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whole euro as typed.
pub fn parse_euro(s: &str) -> Option<i64> {
    let x = parse_number(s)?;
    (x.fract() == 0.0 && x.abs() < 1e15).then_some(x as i64)
}

/// The campaign asked for among `all`, or else the most recent closed one (its answers are
/// final), or else the most recent; `None` when there is none.
///
/// # Errors
/// Not found when the campaign asked for is not one of them.
pub fn campaign_or_latest(all: &[census::Campaign], id: Option<i64>) -> WebResult<Option<census::Campaign>> {
    Ok(match id {
        Some(id) => Some(all.iter().find(|c| c.id == id).cloned().ok_or(WebError::NotFound)?),
        None => all.iter().find(|c| c.status == "closed").or(all.first()).cloned(),
    })
}

/// Every campaign, most recent first.
pub async fn campaigns(state: &AppState) -> WebResult<Vec<census::Campaign>> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(census::campaigns(&mut conn).await?)
}

/// The territories of a campaign at a level, from its clean answers.
pub async fn load(state: &AppState, campaign: i64, level: Level) -> WebResult<Vec<Territory>> {
    let territory = state.territory();
    let inputs = crate::reports::inputs(&state.db, &territory, campaign)
        .await
        .map_err(|e| WebError::Internal(anyhow::Error::new(e)))?;
    Ok(territories(&inputs, level))
}

/// What the scoring forms and the API take, parsed; `errors` holds Fluent ids of what was wrong.
#[derive(Debug, Clone)]
pub struct ScoreParams {
    pub campaign: Option<i64>,
    pub level: Level,
    pub normalisation: Normalisation,
    /// As typed, by [`Indicator::index`].
    pub weights_typed: [String; INDICATORS],
    pub weights: Option<Weights>,
    pub top_typed: String,
    pub top: usize,
    pub errors: Vec<(&'static str, Option<Indicator>)>,
}

impl ScoreParams {
    /// From query pairs: `campaign`, `level`, `norm`, `w.<indicator>`, `n`.
    pub fn parse(p: &[(String, String)]) -> Self {
        let get = |k: &str| crate::network::form::field(p, k);
        let mut errors = Vec::new();
        let campaign = get("campaign").parse::<i64>().ok();
        let level = Level::parse(&get("level")).unwrap_or(Level::Comune);
        let normalisation = Normalisation::parse(&get("norm")).unwrap_or_default();
        let defaults = Weights::default_weights();
        let any_weight = p.iter().any(|(k, _)| k.starts_with("w."));
        let mut typed: [String; INDICATORS] = Default::default();
        let mut w = [0.0; INDICATORS];
        for i in Indicator::ALL {
            let t = get(&format!("w.{}", i.code()));
            let v = if t.is_empty() {
                if any_weight { Some(0.0) } else { Some(defaults.get(i)) }
            } else {
                parse_number(&t)
            };
            typed[i.index()] = if t.is_empty() && !any_weight { format_weight(defaults.get(i)) } else { t };
            match v {
                Some(x) => w[i.index()] = x,
                None => errors.push(("priority-weight-invalid", Some(i))),
            }
        }
        let weights = if errors.is_empty() {
            match Weights::new(w) {
                Ok(w) => Some(w),
                Err(e) => {
                    errors.push((e.code(), weight_of(&e)));
                    None
                }
            }
        } else {
            None
        };
        let top_typed = get("n");
        let top = if top_typed.is_empty() {
            10
        } else {
            match top_typed.parse::<usize>() {
                Ok(n) if (1..=MAX_SHORTLIST).contains(&n) => n,
                _ => {
                    errors.push(("priority-top-invalid", None));
                    10
                }
            }
        };
        let top_typed = if top_typed.is_empty() { "10".into() } else { top_typed };
        Self { campaign, level, normalisation, weights_typed: typed, weights, top_typed, top, errors }
    }
}

fn weight_of(e: &argine_domain::priority::PriorityError) -> Option<Indicator> {
    use argine_domain::priority::PriorityError as E;
    match e {
        E::NegativeWeight(i) | E::InvalidWeight(i) => Some(*i),
        E::AllZero | E::NoTerritories => None,
    }
}

pub fn format_weight(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") }
}

/// One scenario of a split, as the page and the API take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub fund: i64,
    pub fixed: i64,
    /// The indicator the variable share follows.
    pub indicator: Indicator,
    /// Factor for Comuni whose oldest settlement is at least 7 years old, and over 20.
    pub age_7: f64,
    pub age_21: f64,
    /// Factor for Comuni with initiatives already started (`F1`).
    pub initiatives: f64,
}

impl Scenario {
    /// The decree's shape: €200M, €1M each, by presences, corrected by age and initiatives.
    pub fn decree() -> Self {
        Self {
            fund: 200_000_000,
            fixed: 1_000_000,
            indicator: Indicator::Presenze,
            age_7: 1.2,
            age_21: 1.5,
            initiatives: 1.1,
        }
    }

    /// An alternative: the same fund all by people in settlements, no fixed share, no factors.
    pub fn by_people() -> Self {
        Self { fund: 200_000_000, fixed: 0, indicator: Indicator::Persone, age_7: 1.0, age_21: 1.0, initiatives: 1.0 }
    }

    /// The recipients among `territories` (Comuni) with the codes given, in that order; the
    /// codes not found come back apart.
    pub fn recipients(&self, territories: &[Territory], codes: &[String]) -> (Vec<Recipient>, Vec<String>) {
        let age = ClassFactor { classes: vec![(7.0, self.age_7), (21.0, self.age_21)] };
        let started = ClassFactor { classes: vec![(1.0, self.initiatives)] };
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for code in codes {
            match territories.iter().find(|t| &t.code == code) {
                Some(t) => out.push(Recipient {
                    code: t.code.clone(),
                    name: t.name.clone(),
                    indicator: t.value(self.indicator),
                    factors: vec![
                        age.factor(t.value(Indicator::Persistenza)),
                        started.factor(t.value(Indicator::Iniziative)),
                    ],
                }),
                None => missing.push(code.clone()),
            }
        }
        (out, missing)
    }
}

/// The values of an allocation error's placeholders (amounts as Italian whole euro).
pub fn allocation_error_args(e: &AllocationError) -> Vec<(&'static str, String)> {
    use argine_domain::report::fmt::int;
    match e {
        AllocationError::FundBelowFixed { fund, fixed_total } => {
            vec![("fund", int(*fund)), ("fixed", int(*fixed_total))]
        }
        AllocationError::Duplicate(c)
        | AllocationError::InvalidIndicator(c)
        | AllocationError::InvalidFactor(c)
        | AllocationError::FactorCount(c) => vec![("comune", c.clone())],
        AllocationError::NoRecipients
        | AllocationError::NegativeFund
        | AllocationError::NegativeFixed
        | AllocationError::AllZero
        | AllocationError::TooLarge => Vec::new(),
    }
}

/// ISTAT codes typed: separated by spaces, commas, semicolons or new lines; duplicates dropped.
pub fn parse_codes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in s.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|c| !c.is_empty()) {
        if !out.iter().any(|x| x == c) {
            out.push(c.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_typed() {
        assert_eq!(parse_number("1,2"), Some(1.2));
        assert_eq!(parse_number("1.2"), Some(1.2));
        assert_eq!(parse_number("200.000.000"), Some(200_000_000.0));
        assert_eq!(parse_number("€ 1.000.000"), Some(1_000_000.0));
        assert_eq!(parse_number("1.000"), Some(1_000.0));
        assert_eq!(parse_number("1.234,5"), Some(1_234.5));
        assert_eq!(parse_number("1,234.5"), Some(1_234.5));
        assert_eq!(parse_number("0.125"), Some(0.125));
        assert_eq!(parse_number("3"), Some(3.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_euro("200 000 000"), Some(200_000_000));
        assert_eq!(parse_euro("10,5"), None);
        assert_eq!(parse_codes("071029, 071051\n071029;075035"), ["071029", "071051", "075035"]);
    }
}
