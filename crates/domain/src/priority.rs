//! Priority territories: indicators per Comune, province and region computed from the census
//! answers, a priority score with weights the user sets, the ranking, each indicator's
//! contribution, how ranks move when a weight moves by ±20%, and a shortlist with its reasons.
//!
//! Question names are those of the default questionnaire (`data/census/incas_2021.xlsx`), as in
//! [`crate::report::census`]: `B1` workers present, `B3a`/`B3b` stable and seasonal workers,
//! the repeat `insediamenti` (`E3` people, `anni_insediamento` = 2021 − `E5` years since it
//! formed, `E6` services present) and `F1` housing initiatives promoted by the Comune.
//! docs/PRIORITY.md explains every choice.

use crate::census::answers::Answers;
use crate::report::census::ComuneInput;
use crate::stats::data::RegionCode;
use std::collections::BTreeMap;

#[cfg(test)]
mod tests;

/// The indicators a territory is scored on, in the order of [`Indicator::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    /// Declared foreign farm workers, stable and seasonal (`B3a` + `B3b`).
    Presenze,
    /// Informal settlements (instances of the `insediamenti` repeat).
    Insediamenti,
    /// People living in informal settlements (`E3`, summed).
    Persone,
    /// Years the oldest settlement has stood (`anni_insediamento`, the maximum).
    Persistenza,
    /// Share of the essential services (water, electricity, toilets) missing in the settlements
    /// (`E6`), from 0 to 1.
    ServiziMancanti,
    /// Comuni that promoted housing initiatives (`F1` = yes).
    Iniziative,
}

/// How many indicators there are.
pub const INDICATORS: usize = 6;

/// The essential services of `E6` whose absence [`Indicator::ServiziMancanti`] counts.
pub const ESSENTIAL_SERVICES: [&str; 3] = ["acqua", "elettr", "igien"];

impl Indicator {
    pub const ALL: [Indicator; INDICATORS] = [
        Indicator::Presenze,
        Indicator::Insediamenti,
        Indicator::Persone,
        Indicator::Persistenza,
        Indicator::ServiziMancanti,
        Indicator::Iniziative,
    ];

    /// Its stable code: form field names, API parameters (`w.<code>`), Fluent keys.
    pub fn code(self) -> &'static str {
        match self {
            Self::Presenze => "presenze",
            Self::Insediamenti => "insediamenti",
            Self::Persone => "persone",
            Self::Persistenza => "persistenza",
            Self::ServiziMancanti => "servizi_mancanti",
            Self::Iniziative => "iniziative",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }

    /// Its position in [`Indicator::ALL`] and in every per-indicator array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in Italian, for the reasons of a shortlist.
    pub fn label(self) -> &'static str {
        match self {
            Self::Presenze => "lavoratori stranieri dichiarati",
            Self::Insediamenti => "insediamenti informali",
            Self::Persone => "persone negli insediamenti informali",
            Self::Persistenza => "anni di persistenza dell'insediamento più vecchio",
            Self::ServiziMancanti => "servizi essenziali mancanti negli insediamenti",
            Self::Iniziative => "Comuni con iniziative abitative avviate",
        }
    }

    /// The questions it is read from, as docs/PRIORITY.md lists them.
    pub fn source(self) -> &'static str {
        match self {
            Self::Presenze => "B1, B3a, B3b",
            Self::Insediamenti => "insediamenti (repeat)",
            Self::Persone => "E3",
            Self::Persistenza => "anni_insediamento (2021 − E5)",
            Self::ServiziMancanti => "E6",
            Self::Iniziative => "F1",
        }
    }
}

/// The level territories are compared at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Comune,
    Provincia,
    Regione,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Comune, Level::Provincia, Level::Regione];

    pub fn code(self) -> &'static str {
        match self {
            Self::Comune => "comune",
            Self::Provincia => "provincia",
            Self::Regione => "regione",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// One territory with its indicator values.
#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    /// ISTAT code of the Comune, UTS code of the province or region code.
    pub code: String,
    pub name: String,
    /// The region it is in (itself for a region).
    pub region: String,
    /// Invited Comuni in it, and how many of them answered.
    pub invited: u32,
    pub respondents: u32,
    /// Values by [`Indicator::index`].
    pub values: [f64; INDICATORS],
    /// Settlements whose services (`E6`) were answered, and essential services missing in them:
    /// the parts of [`Indicator::ServiziMancanti`], kept to aggregate it exactly.
    pub settlements_with_services: u32,
    pub missing_services: u32,
}

impl Territory {
    pub fn value(&self, i: Indicator) -> f64 {
        self.values[i.index()]
    }
}

fn number(a: &Answers, name: &str) -> Option<f64> {
    a.value(name).trim().parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

fn comune_territory(c: &ComuneInput, a: &Answers) -> Territory {
    let workers = a.value("B1") == "1";
    let presenze = if workers { number(a, "B3a").unwrap_or(0.0) + number(a, "B3b").unwrap_or(0.0) } else { 0.0 };
    let settlements = a.repeat("insediamenti");
    let persone: f64 = settlements.iter().filter_map(|s| number(s, "E3")).sum();
    let persistenza = settlements.iter().filter_map(|s| number(s, "anni_insediamento")).fold(0.0, f64::max);
    let mut asked = 0u32;
    let mut missing = 0u32;
    for s in settlements {
        let services = s.value("E6");
        if services.trim().is_empty() {
            continue;
        }
        asked += 1;
        let has = |code: &str| services.split_whitespace().any(|c| c == code);
        missing += ESSENTIAL_SERVICES.iter().filter(|code| !has(code)).count() as u32;
    }
    let mut t = Territory {
        code: c.istat.clone(),
        name: c.name.clone(),
        region: c.region.clone(),
        invited: 1,
        respondents: 1,
        values: [0.0; INDICATORS],
        settlements_with_services: asked,
        missing_services: missing,
    };
    t.values[Indicator::Presenze.index()] = presenze;
    t.values[Indicator::Insediamenti.index()] = settlements.len() as f64;
    t.values[Indicator::Persone.index()] = persone;
    t.values[Indicator::Persistenza.index()] = persistenza;
    t.values[Indicator::ServiziMancanti.index()] = services_share(asked, missing);
    t.values[Indicator::Iniziative.index()] = f64::from(u8::from(a.value("F1") == "1"));
    t
}

fn services_share(asked: u32, missing: u32) -> f64 {
    if asked == 0 { 0.0 } else { f64::from(missing) / (f64::from(asked) * ESSENTIAL_SERVICES.len() as f64) }
}

/// The territories of a campaign at `level`, in code order.
///
/// A Comune that did not answer has no values and is left out at the level of Comuni; a
/// province or a region is listed when at least one of its Comuni answered, with the counts,
/// people and initiatives summed over its respondents, the persistence the oldest of its
/// settlements and the missing services pooled over all its settlements.
pub fn territories(comuni: &[ComuneInput], level: Level) -> Vec<Territory> {
    let mut out: BTreeMap<String, Territory> = BTreeMap::new();
    for c in comuni {
        let key = match level {
            Level::Comune => c.istat.clone(),
            Level::Provincia => c.province.clone(),
            Level::Regione => c.region.clone(),
        };
        let t = out.entry(key).or_insert_with_key(|key| empty(c, level, key));
        t.invited += 1;
        if let Some(a) = c.answers.as_ref() {
            merge(t, &comune_territory(c, a));
        }
    }
    out.into_values().filter(|t| t.respondents > 0).collect()
}

fn empty(c: &ComuneInput, level: Level, key: &str) -> Territory {
    let name = match level {
        Level::Comune => c.name.clone(),
        Level::Provincia => c.province_name.clone(),
        Level::Regione => RegionCode::parse(key).map(|r| r.name().to_owned()).unwrap_or_else(|_| key.to_owned()),
    };
    Territory {
        code: key.to_owned(),
        name,
        region: c.region.clone(),
        invited: 0,
        respondents: 0,
        values: [0.0; INDICATORS],
        settlements_with_services: 0,
        missing_services: 0,
    }
}

/// Adds one answering Comune to a territory.
fn merge(into: &mut Territory, one: &Territory) {
    into.respondents += 1;
    for i in [Indicator::Presenze, Indicator::Insediamenti, Indicator::Persone, Indicator::Iniziative] {
        into.values[i.index()] += one.values[i.index()];
    }
    let p = Indicator::Persistenza.index();
    into.values[p] = into.values[p].max(one.values[p]);
    into.settlements_with_services += one.settlements_with_services;
    into.missing_services += one.missing_services;
    into.values[Indicator::ServiziMancanti.index()] =
        services_share(into.settlements_with_services, into.missing_services);
}

/// How each indicator is brought to the 0–1 scale before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalisation {
    /// `(x − min) / (max − min)` over the territories compared; 0 for all when they are equal.
    #[default]
    MinMax,
    /// `(r − 1) / (n − 1)` with `r` the ascending rank (ties share their mean rank): robust to
    /// one very large value (Borgo Mezzanone), blind to distances.
    Rank,
}

impl Normalisation {
    pub fn code(self) -> &'static str {
        match self {
            Self::MinMax => "minmax",
            Self::Rank => "rank",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::MinMax, Self::Rank].into_iter().find(|n| n.code() == code)
    }
}

/// Why a score cannot be computed. `code()` names the Italian message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriorityError {
    #[error("the weight of {} is negative", .0.code())]
    NegativeWeight(Indicator),
    #[error("the weight of {} is not a number", .0.code())]
    InvalidWeight(Indicator),
    #[error("every weight is zero")]
    AllZero,
    #[error("no territory to compare")]
    NoTerritories,
}

impl PriorityError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NegativeWeight(_) => "priority-weight-negative",
            Self::InvalidWeight(_) => "priority-weight-invalid",
            Self::AllZero => "priority-weights-zero",
            Self::NoTerritories => "priority-no-territories",
        }
    }
}

/// The user's weights, by [`Indicator::index`]: finite, non-negative, not all zero. Only their
/// ratios matter: the score divides by their sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights([f64; INDICATORS]);

impl Weights {
    /// # Errors
    /// A negative or non-finite weight, or all of them zero.
    pub fn new(w: [f64; INDICATORS]) -> Result<Self, PriorityError> {
        for i in Indicator::ALL {
            let x = w[i.index()];
            if !x.is_finite() {
                return Err(PriorityError::InvalidWeight(i));
            }
            if x < 0.0 {
                return Err(PriorityError::NegativeWeight(i));
            }
        }
        if w.iter().all(|x| *x == 0.0) {
            return Err(PriorityError::AllZero);
        }
        Ok(Self(w))
    }

    /// The default: the PNRR decree's emphasis on presences and settlements' age, with the
    /// living conditions next.
    pub fn default_weights() -> Self {
        Self([3.0, 1.0, 2.0, 2.0, 1.0, 1.0])
    }

    pub fn get(&self, i: Indicator) -> f64 {
        self.0[i.index()]
    }

    pub fn as_array(&self) -> [f64; INDICATORS] {
        self.0
    }

    /// The weights divided by their sum.
    fn shares(&self) -> [f64; INDICATORS] {
        let sum: f64 = self.0.iter().sum();
        self.0.map(|w| w / sum)
    }
}

/// The normalised values of every territory, by territory then indicator.
fn normalise(territories: &[Territory], how: Normalisation) -> Vec<[f64; INDICATORS]> {
    let n = territories.len();
    let mut out = vec![[0.0; INDICATORS]; n];
    for i in 0..INDICATORS {
        match how {
            Normalisation::MinMax => {
                let (lo, hi) = territories
                    .iter()
                    .map(|t| t.values[i])
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
                let span = hi - lo;
                for (row, t) in out.iter_mut().zip(territories) {
                    row[i] = if span > 0.0 { (t.values[i] - lo) / span } else { 0.0 };
                }
            }
            Normalisation::Rank => {
                if n < 2 {
                    continue;
                }
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by(|a, b| territories[*a].values[i].total_cmp(&territories[*b].values[i]));
                let mut start = 0;
                while start < n {
                    let x = territories[order[start]].values[i];
                    let mut end = start;
                    while end + 1 < n && territories[order[end + 1]].values[i] == x {
                        end += 1;
                    }
                    // Ranks start..=end (0-based) share their mean.
                    let mean = (start + end) as f64 / 2.0;
                    for k in &order[start..=end] {
                        out[*k][i] = mean / (n - 1) as f64;
                    }
                    start = end + 1;
                }
            }
        }
    }
    out
}

/// The score on a fixed grid, so that the order is a total one and does not depend on the last
/// bit of a sum: scores closer than 10⁻⁹ are ties.
fn score_key(score: f64) -> i64 {
    (score * 1e9).round() as i64
}

/// The ranking order of `scores`: highest first, ties by code.
fn order(territories: &[Territory], scores: &[f64]) -> Vec<usize> {
    let keys: Vec<i64> = scores.iter().map(|s| score_key(*s)).collect();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order
        .sort_unstable_by(|a, b| keys[*b].cmp(&keys[*a]).then_with(|| territories[*a].code.cmp(&territories[*b].code)));
    order
}

/// Ranks (1-based) by territory index.
fn ranks(territories: &[Territory], scores: &[f64]) -> Vec<usize> {
    let mut r = vec![0; scores.len()];
    for (pos, k) in order(territories, scores).into_iter().enumerate() {
        r[k] = pos + 1;
    }
    r
}

fn scores(norm: &[[f64; INDICATORS]], shares: &[f64; INDICATORS]) -> Vec<f64> {
    norm.iter().map(|row| row.iter().zip(shares).map(|(x, w)| x * w).sum()).collect()
}

/// The relative change of a weight in the sensitivity analysis.
pub const SENSITIVITY_STEP: f64 = 0.2;

/// How a territory's rank moves when one weight at a time moves by ±[`SENSITIVITY_STEP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sensitivity {
    /// The best and worst rank over the variations.
    pub best: usize,
    pub worst: usize,
    /// Places gained at most (`rank − best`) and lost at most (`worst − rank`).
    pub max_up: usize,
    pub max_down: usize,
}

/// One territory of the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Its index in the territories scored.
    pub index: usize,
    /// 1 for the first.
    pub rank: usize,
    /// From 0 to 1: the weighted mean of the normalised values.
    pub score: f64,
    /// The normalised values, by [`Indicator::index`].
    pub normalised: [f64; INDICATORS],
    /// Each indicator's part of the score (weight share × normalised value); they sum to it.
    pub contributions: [f64; INDICATORS],
    pub sensitivity: Sensitivity,
}

impl Ranked {
    /// The indicators that contribute most, largest first (ties in [`Indicator::ALL`] order),
    /// leaving out those that contribute nothing.
    pub fn top_contributors(&self, n: usize) -> Vec<Indicator> {
        let mut by: Vec<Indicator> =
            Indicator::ALL.into_iter().filter(|i| self.contributions[i.index()] > 0.0).collect();
        by.sort_by(|a, b| self.contributions[b.index()].total_cmp(&self.contributions[a.index()]));
        by.truncate(n);
        by
    }
}

/// The ranking of the territories compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub weights: Weights,
    pub normalisation: Normalisation,
    /// In rank order.
    pub rows: Vec<Ranked>,
}

/// Scores and ranks `territories` and computes the sensitivity of every rank.
///
/// Sensitivity: for each indicator with a non-zero weight, the ranking is recomputed with that
/// weight × 0.8 and × 1.2, every other weight unchanged; the score divides by the sum of the
/// weights, so the weights are in effect renormalised. A zero weight stays zero.
///
/// # Errors
/// No territories.
pub fn rank(
    territories: &[Territory],
    weights: &Weights,
    normalisation: Normalisation,
) -> Result<Ranking, PriorityError> {
    if territories.is_empty() {
        return Err(PriorityError::NoTerritories);
    }
    let norm = normalise(territories, normalisation);
    let shares = weights.shares();
    let base = scores(&norm, &shares);
    let base_ranks = ranks(territories, &base);
    let mut best = base_ranks.clone();
    let mut worst = base_ranks.clone();
    for i in Indicator::ALL {
        if weights.get(i) == 0.0 {
            continue;
        }
        for factor in [1.0 - SENSITIVITY_STEP, 1.0 + SENSITIVITY_STEP] {
            let mut w = weights.as_array();
            w[i.index()] *= factor;
            let sum: f64 = w.iter().sum();
            let varied = scores(&norm, &w.map(|x| x / sum));
            for (k, r) in ranks(territories, &varied).into_iter().enumerate() {
                best[k] = best[k].min(r);
                worst[k] = worst[k].max(r);
            }
        }
    }
    let rows = order(territories, &base)
        .into_iter()
        .map(|k| {
            let mut contributions = [0.0; INDICATORS];
            for i in 0..INDICATORS {
                contributions[i] = norm[k][i] * shares[i];
            }
            let rank = base_ranks[k];
            Ranked {
                index: k,
                rank,
                score: base[k],
                normalised: norm[k],
                contributions,
                sensitivity: Sensitivity {
                    best: best[k],
                    worst: worst[k],
                    max_up: rank - best[k],
                    max_down: worst[k] - rank,
                },
            }
        })
        .collect();
    Ok(Ranking { weights: *weights, normalisation, rows })
}

/// One territory of a shortlist with the reasons it is on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortlisted {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub score: f64,
    /// Up to three indicators that contribute most.
    pub reasons: Vec<Indicator>,
    /// The reasons in Italian words with the values: "persone negli insediamenti informali
    /// (4.000); anni di persistenza dell'insediamento più vecchio (25)".
    pub reasons_it: String,
}

/// The first `n` of the ranking (the "dieci Comuni") with their reasons.
pub fn shortlist(territories: &[Territory], ranking: &Ranking, n: usize) -> Vec<Shortlisted> {
    ranking
        .rows
        .iter()
        .take(n)
        .map(|r| {
            let t = &territories[r.index];
            let reasons = r.top_contributors(3);
            let reasons_it = reasons
                .iter()
                .map(|i| format!("{} ({})", i.label(), format_value(*i, t.value(*i))))
                .collect::<Vec<_>>()
                .join("; ");
            Shortlisted {
                rank: r.rank,
                code: t.code.clone(),
                name: t.name.clone(),
                score: r.score,
                reasons,
                reasons_it,
            }
        })
        .collect()
}

/// An indicator's value as the Italian pages print it: whole numbers with `.` for thousands,
/// the missing services as a percentage with a decimal comma.
pub fn format_value(i: Indicator, x: f64) -> String {
    match i {
        Indicator::ServiziMancanti => crate::report::fmt::percent(x),
        _ => crate::report::fmt::int(x.round() as i64),
    }
}
