//! The synthetic national census: a seeded, deterministic generator of the answers of a whole
//! census campaign (one response per invited Comune) to the default questionnaire
//! (`data/census/incas_2021.xlsx`), reproducing *exactly* every published figure of the real
//! 2021 census ([`PUBLISHED`]) and plausible everywhere else. It feeds `argine demo` and
//! `argine census synth --seed N`.
//!
//! # What is fixed and what the seed changes
//!
//! Fixed, whatever the seed: every number of [`PUBLISHED`]; the 38 Comuni with informal
//! settlements and how many settlements each has (a fixed table of real agricultural
//! Comuni); the regional quotas of Comuni with workers ([`WORKER_COMUNI_BY_REGION`]) and with
//! structures and/or settlements ([`HOUSING_COMUNI_BY_REGION`]). The seed chooses everything
//! else: which other Comuni respond, have workers or structures (weighted by population and by
//! how agricultural the province is), how many structures each has (Cuneo always has the most),
//! the size of every structure and settlement (the totals are fixed), which settlements are
//! stable and which have a known formation year (the counts are fixed), names, roles, contacts,
//! months, services, answer days.
//!
//! # Answers
//!
//! Each response fits the form: the required questions of every relevant section are answered,
//! nothing irrelevant is, every value passes its constraint (checked with [`super::expr`] by the
//! tests). Respondents are fictitious (`A2`), e-mail addresses use the reserved `.invalid`
//! top-level domain and telephone numbers the `000` subscriber range. The metadata `start` and
//! `end` are filled as a client would (ODK date-time with the Italian offset) and so are the
//! form's `calculate` fields (`anni_insediamento`, `n_strutture`, `tot_ospiti_strutture`,
//! `n_insediamenti`, `tot_persone_insediamenti`), with the values the form's own expressions
//! give.
//!
//! # Interpretation of the published figures
//!
//! * 78.8% «workers in private dwellings» is read as 479 of the 608 Comuni with `private` in
//!   `C1`, and «poco meno del 22%» as 133 Comuni with structures and/or settlements. Since `C1`
//!   is required, the 475 other Comuni can only answer `private`: so exactly 4 of the 133 also
//!   tick `private` (78.8% + 21.9% ≈ 100.7% says the same).
//! * Structure types: 175 structures, 77 SAI (exactly 44%) and 18 CAS (10.29%, shown 10.3%):
//!   the smallest count where SAI is exactly 44% and CAS rounds to 10.3% (116 would round both,
//!   with SAI at 43.97%). About 40 guests per structure for the ≈7,000.
//! * People in informal settlements: «at least 10,000» is taken as exactly 10,000, with
//!   Borgo Mezzanone 4,000 and the Gran Ghetto di Rignano 2,100.
//! * Age of settlements (2021 − `E5`, for the 90 with a known year): over 20 years 11; 11–20
//!   years 7; 7–10 years 16 («16 fino a dieci»); 4–6 years 21 («21 da sei»); 1–3 years 27
//!   («27 da uno a tre»); under a year 8. So 34 are at least 7 years old (37.8% ≈ 38%) and 11
//!   over 20 (12.2%), as published; 7 and 8 are the only counts that make the published ones
//!   add up to 34 and 90.
//! * «The South has the most Comuni by macro-area» is read on the five ISTAT ripartizioni:
//!   the Sud (Abruzzo … Calabria) has more Comuni with workers than the Nord-Ovest.
//! * «Lombardia 8th by Comuni with formal and informal settlements»: 8th, without ties, among
//!   the regions ranked by Comuni with structures and/or settlements.

mod calibration;
pub mod large;
mod rng;
mod text;
mod universe;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, PrimitiveDateTime, Time};

use super::answers::Answers;
use calibration::{SETTLEMENT_COMUNI, agri};
use rng::{Rng, apportion, float_floor_u32, weighted_sample};

pub use calibration::{HOUSING_COMUNI_BY_REGION, MANFREDONIA, REGIONS, Region, SAN_SEVERO, WORKER_COMUNI_BY_REGION};
pub use universe::{CENSUS_2021_DATE, comuni_from_csv, universe_2021};

/// An invited Comune.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comune {
    /// ISTAT code, 6 digits.
    pub istat: String,
    /// Belfiore (cadastral) code, e.g. `E885`.
    pub belfiore: String,
    pub name: String,
    /// UTS code (3 digits, e.g. `071`; `280` for the CM of Reggio Calabria).
    pub province_code: String,
    /// Province abbreviation (`FG`).
    pub sigla: String,
    /// Region code (2 digits).
    pub region_code: String,
    pub population: u32,
    pub area_km2: f64,
}

/// A whole synthetic campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthCensus {
    /// One per invited Comune, in the order of the universe.
    pub responses: Vec<SynthResponse>,
}

impl SynthCensus {
    /// Comuni invited (the universe).
    pub fn invited(&self) -> usize {
        self.responses.len()
    }

    /// Comuni that answered.
    pub fn respondents(&self) -> usize {
        self.responses.iter().filter(|r| r.responded).count()
    }
}

/// The outcome of one invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthResponse {
    pub istat: String,
    pub responded: bool,
    /// The submitted answers; empty when the Comune did not answer.
    pub answers: Answers,
    /// Days after the campaign opened ([`CAMPAIGN_OPENED`]) when the answers were submitted:
    /// most near the deadline ([`DEADLINE_DAY`]), a long tail to [`LAST_DAY`]. `None` when the
    /// Comune did not answer.
    pub submitted_day: Option<u16>,
}

/// Why a synthetic census could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    /// A Comune the calibration needs (one of the 38 with informal settlements) is not in the
    /// universe.
    #[error("the universe lacks {name} ({istat}), which the published figures need")]
    MissingComune { istat: &'static str, name: &'static str },
    /// Not enough Comuni (overall, or in a region) to draw the published counts from.
    #[error("the universe is too small: {what} needs {needed} Comuni, it has {available}")]
    TooSmall { what: String, needed: usize, available: usize },
    /// The same ISTAT code twice in the universe.
    #[error("ISTAT code {0} appears twice in the universe")]
    DuplicateComune(String),
    /// The universe makes a published figure unreachable (e.g. no Comune in the province of
    /// Cuneo).
    #[error("the published figures cannot be met: {0}")]
    Infeasible(String),
    /// A reference file could not be read.
    #[error("{file}: {message}")]
    Csv { file: &'static str, message: String },
    /// The 2021 list could not be rebuilt from the reference files.
    #[error("cannot rebuild the 2021 list of Comuni: {0}")]
    Reconstruction(String),
}

/// An age class of informal settlements: age = 2021 − `E5`, from `min_age` to `max_age`
/// (inclusive; `None` = no upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeClass {
    pub label: &'static str,
    pub min_age: u16,
    pub max_age: Option<u16>,
    /// Settlements in the class.
    pub count: u32,
}

impl AgeClass {
    /// Whether a settlement of this age is in the class.
    pub fn contains(&self, age: u16) -> bool {
        age >= self.min_age && self.max_age.is_none_or(|max| age <= max)
    }
}

/// The published figures of the 2021 census (`docs/QUESTIONNAIRE.md` §3), with the exact
/// values chosen where the sources are approximate (see the module documentation). The
/// generator meets every one for every seed; the tests recompute each from the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Comuni invited in 2021 (the 2021 list; see [`universe_2021`]).
    pub invited_2021: u32,
    /// Comuni that answered.
    pub respondents: u32,
    /// Respondents with foreign agri-food workers (`B1` = `1`).
    pub with_workers: u32,
    /// Of these, with workers in private dwellings (`C1` has `private`): 78.8%.
    pub private_dwellings: u32,
    /// Of these, with structures and/or informal settlements («poco meno del 22%»).
    pub with_structures_or_settlements: u32,
    /// Structures (instances of `strutture`).
    pub structures: u32,
    /// Structures of type SAI/SIPROIMI/SPRAR (44%).
    pub structures_sai: u32,
    /// Structures of type CAS (10.3%).
    pub structures_cas: u32,
    /// People housed in structures (sum of `D3`, ≈7,000).
    pub structure_guests: u32,
    /// Informal settlements (instances of `insediamenti`).
    pub settlements: u32,
    /// Comuni with informal settlements.
    pub settlement_comuni: u32,
    /// Regions with informal settlements.
    pub settlement_regions: u32,
    /// Comuni with informal settlements by region code.
    pub settlement_comuni_by_region: &'static [(&'static str, u32)],
    /// Comuni with informal settlements by province (sigla); every other province has at most 1.
    pub settlement_comuni_by_province: &'static [(&'static str, u32)],
    /// People in informal settlements (sum of `E3`, «at least 10,000»).
    pub settlement_people: u32,
    /// People at Borgo Mezzanone (Manfredonia), the largest settlement.
    pub borgo_mezzanone_people: u32,
    /// People at the Gran Ghetto di Rignano (San Severo), the second largest (> 2,000).
    pub gran_ghetto_people: u32,
    /// Settlements with `E4` = `stabile` (41.3%).
    pub stable_settlements: u32,
    /// Settlements with a known formation year (`E5`).
    pub settlements_with_year: u32,
    /// Their age classes.
    pub age_classes: &'static [AgeClass],
    /// The two regions with most Comuni with workers, first then second.
    pub top_regions_by_worker_comuni: [&'static str; 2],
    /// The ISTAT ripartizione with most Comuni with workers (4 = Sud).
    pub top_macroarea_by_worker_comuni: u8,
    /// The region with most Comuni with structures.
    pub top_region_by_structure_comuni: &'static str,
    /// The province (sigla) with most structures.
    pub top_province_by_structures: &'static str,
    /// Lombardia's rank among regions by Comuni with structures and/or settlements.
    pub lombardia_rank_by_housing_comuni: u32,
}

/// The published figures, as exact values.
pub const PUBLISHED: Published = Published {
    invited_2021: 7_904,
    respondents: 3_851,
    with_workers: 608,
    private_dwellings: 479,
    with_structures_or_settlements: 133,
    structures: 175,
    structures_sai: 77,
    structures_cas: 18,
    structure_guests: 7_000,
    settlements: 150,
    settlement_comuni: 38,
    settlement_regions: 11,
    settlement_comuni_by_region: &[
        ("16", 12),
        ("19", 8),
        ("18", 5),
        ("15", 3),
        ("01", 2),
        ("12", 2),
        ("05", 2),
        ("13", 1),
        ("07", 1),
        ("11", 1),
        ("09", 1),
    ],
    settlement_comuni_by_province: &[("FG", 8), ("TP", 4), ("RC", 3), ("BT", 2), ("CE", 2), ("CN", 2), ("RO", 2)],
    settlement_people: 10_000,
    borgo_mezzanone_people: 4_000,
    gran_ghetto_people: 2_100,
    stable_settlements: 62,
    settlements_with_year: 90,
    age_classes: &[
        AgeClass { label: "oltre 20 anni", min_age: 21, max_age: None, count: 11 },
        AgeClass { label: "da 11 a 20 anni", min_age: 11, max_age: Some(20), count: 7 },
        AgeClass { label: "da 7 a 10 anni", min_age: 7, max_age: Some(10), count: 16 },
        AgeClass { label: "da 4 a 6 anni", min_age: 4, max_age: Some(6), count: 21 },
        AgeClass { label: "da 1 a 3 anni", min_age: 1, max_age: Some(3), count: 27 },
        AgeClass { label: "meno di un anno", min_age: 0, max_age: Some(0), count: 8 },
    ],
    top_regions_by_worker_comuni: ["01", "03"],
    top_macroarea_by_worker_comuni: 4,
    top_region_by_structure_comuni: "01",
    top_province_by_structures: "CN",
    lombardia_rank_by_housing_comuni: 8,
};

/// The day the campaign opened (day 0 of [`SynthResponse::submitted_day`]).
pub const CAMPAIGN_OPENED: Date = time::macros::date!(2021 - 10 - 01);
/// The deadline, 15 October 2021, in days after [`CAMPAIGN_OPENED`].
pub const DEADLINE_DAY: u16 = 14;
/// The last day answers arrived (mid-January 2022).
pub const LAST_DAY: u16 = 110;
/// The year settlement ages are counted from (the form's `2021 - ${E5}`).
pub const REFERENCE_YEAR: u16 = 2021;

/// Most structures a Comune gets.
const MAX_STRUCTURES_PER_COMUNE: u32 = 6;
/// Fewest people in a settlement / guests in a structure.
const MIN_SETTLEMENT_PEOPLE: u32 = 4;
const MIN_STRUCTURE_GUESTS: u32 = 2;

/// What the generator decided for one Comune before writing its answers.
#[derive(Debug, Clone, Default)]
struct Plan {
    responded: bool,
    workers: bool,
    housing: bool,
    private: bool,
    structures: Vec<StructurePlan>,
    settlements: Vec<SettlementPlan>,
}

#[derive(Debug, Clone)]
struct StructurePlan {
    kind: &'static str,
    guests: u32,
}

#[derive(Debug, Clone)]
struct SettlementPlan {
    name: String,
    shelters: String,
    people: u32,
    year: Option<u16>,
    stable: bool,
    /// Fixed by the calibration table (size, stability, year).
    pinned: bool,
}

/// Generates the census of `universe` for `seed`: one response per Comune, in order.
///
/// # Errors
/// [`SynthError::MissingComune`] when a Comune of the calibration (Manfredonia 071029, San
/// Severo 071051 and the other 36 with informal settlements) is missing;
/// [`SynthError::TooSmall`] when the universe (or a region of it) has fewer Comuni than the
/// published counts need; [`SynthError::DuplicateComune`], [`SynthError::Infeasible`].
pub fn generate(universe: &[Comune], seed: u64) -> Result<SynthCensus, SynthError> {
    let p = &PUBLISHED;
    let needed = usize::try_from(p.respondents).unwrap_or(usize::MAX);
    if universe.len() < needed {
        return Err(SynthError::TooSmall { what: "the respondents".into(), needed, available: universe.len() });
    }
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(universe.len());
    for (i, c) in universe.iter().enumerate() {
        if index.insert(c.istat.as_str(), i).is_some() {
            return Err(SynthError::DuplicateComune(c.istat.clone()));
        }
    }
    let mut plans = vec![Plan::default(); universe.len()];

    // 1. The Comuni with informal settlements (fixed).
    let mut pinned: Vec<(usize, &calibration::SettlementComune)> = Vec::with_capacity(SETTLEMENT_COMUNI.len());
    for sc in &SETTLEMENT_COMUNI {
        let &i = index.get(sc.istat).ok_or(SynthError::MissingComune { istat: sc.istat, name: sc.name })?;
        let plan = &mut plans[i];
        plan.responded = true;
        plan.workers = true;
        plan.housing = true;
        pinned.push((i, sc));
    }
    let mut structure_comuni: Vec<usize> =
        pinned.iter().filter(|(_, sc)| sc.with_structures).map(|&(i, _)| i).collect();

    // 2. The other Comuni with structures, by regional quota.
    let mut rng = Rng::stream(seed, "housing", "");
    for &(region, quota) in &HOUSING_COMUNI_BY_REGION {
        let have = count_in(universe, &plans, region, |pl| pl.housing);
        let need = quota.checked_sub(have).ok_or_else(|| {
            SynthError::Infeasible(format!("region {region}: {have} Comuni with settlements, quota {quota}"))
        })?;
        let candidates: Vec<(usize, f64)> = region_members(universe, region)
            .filter(|&i| !plans[i].housing)
            .map(|i| (i, agri(&universe[i].sigla).powi(2) * size_factor(universe[i].population, 500.0, 5_000.0, 0.5)))
            .collect();
        let chosen = sample(&mut rng, &candidates, need, || format!("Comuni with structures in region {region}"))?;
        for i in chosen {
            plans[i].responded = true;
            plans[i].workers = true;
            plans[i].housing = true;
            structure_comuni.push(i);
        }
    }
    structure_comuni.sort_unstable();

    // 3. The other Comuni with workers, by regional quota.
    let mut rng = Rng::stream(seed, "workers", "");
    for &(region, quota) in &WORKER_COMUNI_BY_REGION {
        let have = count_in(universe, &plans, region, |pl| pl.workers);
        let need = quota.checked_sub(have).ok_or_else(|| {
            SynthError::Infeasible(format!("region {region}: {have} Comuni with housing, worker quota {quota}"))
        })?;
        let candidates: Vec<(usize, f64)> = region_members(universe, region)
            .filter(|&i| !plans[i].workers)
            .map(|i| {
                (i, agri(&universe[i].sigla).powf(1.5) * size_factor(universe[i].population, 1_000.0, 10_000.0, 0.6))
            })
            .collect();
        for i in sample(&mut rng, &candidates, need, || format!("Comuni with workers in region {region}"))? {
            plans[i].responded = true;
            plans[i].workers = true;
        }
    }
    let workers_total = plans.iter().filter(|pl| pl.workers).count();
    if workers_total != usize::try_from(p.with_workers).unwrap_or(0) {
        return Err(SynthError::Infeasible(format!("{workers_total} Comuni with workers (quotas off)")));
    }

    // 4. The other respondents.
    let mut rng = Rng::stream(seed, "respondents", "");
    let candidates: Vec<(usize, f64)> = (0..universe.len())
        .filter(|&i| !plans[i].responded)
        .map(|i| {
            let c = &universe[i];
            (i, size_factor(c.population, 2_000.0, 5_000.0, 0.3) * (1.0 + 0.15 * (agri(&c.sigla) - 1.0)))
        })
        .collect();
    let need = needed - workers_total;
    for i in sample(&mut rng, &candidates, need, || "the respondents".to_owned())? {
        plans[i].responded = true;
    }

    // 5. Private dwellings: forced for the Comuni without structures or settlements (C1 is
    //    required), then the few others.
    let housing_total = plans.iter().filter(|pl| pl.housing).count();
    let forced = workers_total - housing_total;
    let extra = usize::try_from(p.private_dwellings)
        .ok()
        .and_then(|n| n.checked_sub(forced))
        .filter(|&n| n <= housing_total)
        .ok_or_else(|| SynthError::Infeasible("private dwellings vs Comuni with housing".into()))?;
    for pl in plans.iter_mut().filter(|pl| pl.workers && !pl.housing) {
        pl.private = true;
    }
    let mut rng = Rng::stream(seed, "private", "");
    let candidates: Vec<(usize, f64)> = (0..universe.len())
        .filter(|&i| plans[i].housing)
        .map(|i| (i, f64::from(universe[i].population) + 1.0))
        .collect();
    for i in sample(&mut rng, &candidates, extra, || "private dwellings".to_owned())? {
        plans[i].private = true;
    }

    // 6. Structures.
    plan_structures(universe, &mut plans, &structure_comuni, seed)?;

    // 7. Informal settlements.
    plan_settlements(universe, &mut plans, &pinned, seed)?;

    // 8. The answers.
    let responses = universe
        .iter()
        .zip(plans)
        .map(|(c, plan)| {
            let mut rng = Rng::stream(seed, "comune", &format!("{}/{}", c.istat, c.belfiore));
            if plan.responded {
                let day = submitted_day(&mut rng);
                let answers = write_answers(c, &plan, day, &mut rng);
                SynthResponse { istat: c.istat.clone(), responded: true, answers, submitted_day: Some(day) }
            } else {
                SynthResponse { istat: c.istat.clone(), responded: false, answers: Answers::new(), submitted_day: None }
            }
        })
        .collect();
    Ok(SynthCensus { responses })
}

/// Indexes of the Comuni of a region.
fn region_members<'a>(universe: &'a [Comune], region: &'a str) -> impl Iterator<Item = usize> + 'a {
    universe.iter().enumerate().filter(move |(_, c)| c.region_code == region).map(|(i, _)| i)
}

fn count_in(universe: &[Comune], plans: &[Plan], region: &str, pred: impl Fn(&Plan) -> bool) -> u32 {
    let n = region_members(universe, region).filter(|&i| pred(&plans[i])).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `((population + offset) / scale) ^ exponent`: bigger Comuni weigh more, sub-linearly.
fn size_factor(population: u32, offset: f64, scale: f64, exponent: f64) -> f64 {
    ((f64::from(population) + offset) / scale).powf(exponent)
}

fn sample(
    rng: &mut Rng,
    candidates: &[(usize, f64)],
    k: impl TryInto<usize>,
    what: impl FnOnce() -> String,
) -> Result<Vec<usize>, SynthError> {
    let k: usize = k.try_into().unwrap_or(usize::MAX);
    weighted_sample(rng, candidates, k).ok_or_else(|| SynthError::TooSmall {
        what: what(),
        needed: k,
        available: candidates.len(),
    })
}

/// One index drawn with probability proportional to its weight (`None` if all weights are 0).
fn pick_weighted(rng: &mut Rng, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let mut x = rng.f64() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return Some(i);
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0)
}

/// How many structures each Comune has (Cuneo's province the most), their types and guests.
fn plan_structures(universe: &[Comune], plans: &mut [Plan], comuni: &[usize], seed: u64) -> Result<(), SynthError> {
    let p = &PUBLISHED;
    let mut rng = Rng::stream(seed, "structures", "");
    let n = u32::try_from(comuni.len()).unwrap_or(u32::MAX);
    let extras =
        p.structures.checked_sub(n).ok_or_else(|| SynthError::Infeasible("too many structure Comuni".into()))?;
    let mut counts = vec![1_u32; comuni.len()];
    let weights: Vec<f64> = comuni
        .iter()
        .map(|&i| agri(&universe[i].sigla) * size_factor(universe[i].population, 2_000.0, 10_000.0, 0.5))
        .collect();
    for _ in 0..extras {
        let open: Vec<f64> =
            weights.iter().zip(&counts).map(|(w, &c)| if c < MAX_STRUCTURES_PER_COMUNE { *w } else { 0.0 }).collect();
        let k = pick_weighted(&mut rng, &open).ok_or_else(|| SynthError::Infeasible("structures cap".into()))?;
        counts[k] += 1;
    }
    // Cuneo must have strictly more structures than any other province: move structures
    // there, one at a time, from the strongest rival (or from anywhere when the rival's Comuni
    // have one each). Each move raises Cuneo's lead, so this ends within `structures` moves.
    let top = p.top_province_by_structures;
    let mut leads = false;
    for _ in 0..=p.structures {
        let mut by_province: BTreeMap<&str, u32> = BTreeMap::new();
        for (k, &i) in comuni.iter().enumerate() {
            *by_province.entry(universe[i].sigla.as_str()).or_insert(0) += counts[k];
        }
        let ours = by_province.get(top).copied().unwrap_or(0);
        let rival = by_province.iter().filter(|(s, _)| **s != top).max_by_key(|(_, n)| **n);
        let (rival, rival_n) = rival.map_or(("", 0), |(s, n)| (*s, *n));
        if ours > rival_n {
            leads = true;
            break;
        }
        let donor = (0..comuni.len())
            .filter(|&k| counts[k] > 1 && universe[comuni[k]].sigla != top)
            .max_by_key(|&k| (universe[comuni[k]].sigla == rival, counts[k], std::cmp::Reverse(k)));
        let recipient = (0..comuni.len())
            .filter(|&k| universe[comuni[k]].sigla == top && counts[k] < MAX_STRUCTURES_PER_COMUNE)
            .min_by_key(|&k| (counts[k], k));
        let (Some(d), Some(r)) = (donor, recipient) else { break };
        counts[d] -= 1;
        counts[r] += 1;
    }
    if !leads {
        return Err(SynthError::Infeasible(format!("the province {top} cannot have the most structures")));
    }

    // Types: foresterie and the like ("altro") more often in Cuneo's province.
    let mut slots: Vec<(f64, usize, usize)> = Vec::new(); // (key, comune position, order)
    for (k, &i) in comuni.iter().enumerate() {
        for _ in 0..counts[k] {
            let bias = if universe[i].sigla == top { 0.5 } else { 0.0 };
            slots.push((rng.f64() + bias, k, slots.len()));
        }
    }
    slots.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    let altro = p.structures - p.structures_sai - p.structures_cas;
    let split = usize::try_from(altro).unwrap_or(0).min(slots.len());
    let (head, tail) = slots.split_at_mut(split);
    rng.shuffle(tail);
    let mut kinds: Vec<(usize, usize, &'static str)> = head.iter().map(|s| (s.2, s.1, "altro")).collect();
    for (j, s) in tail.iter().enumerate() {
        let kind = if j < usize::try_from(p.structures_cas).unwrap_or(0) { "cas" } else { "sai" };
        kinds.push((s.2, s.1, kind));
    }
    kinds.sort_unstable_by_key(|&(order, _, _)| order);
    let weights: Vec<f64> = kinds
        .iter()
        .map(|&(_, _, kind)| {
            let mean = match kind {
                "altro" => 55.0,
                "cas" => 30.0,
                _ => 11.0,
            };
            mean * rng.uniform(0.5, 1.6)
        })
        .collect();
    let guests = apportion(p.structure_guests, &weights, MIN_STRUCTURE_GUESTS)
        .ok_or_else(|| SynthError::Infeasible("structure guests".into()))?;
    for ((_, k, kind), guests) in kinds.into_iter().zip(guests) {
        plans[comuni[k]].structures.push(StructurePlan { kind, guests });
    }
    Ok(())
}

/// The 150 settlements: names, shelters, people, stability and formation years.
fn plan_settlements(
    universe: &[Comune],
    plans: &mut [Plan],
    pinned: &[(usize, &calibration::SettlementComune)],
    seed: u64,
) -> Result<(), SynthError> {
    let p = &PUBLISHED;
    let mut rng = Rng::stream(seed, "settlements", "");
    let mut all: Vec<(usize, SettlementPlan, f64)> = Vec::new(); // (comune, plan, size weight)
    for &(i, sc) in pinned {
        let c = &universe[i];
        let mut names: Vec<String> = Vec::new();
        for k in 0..sc.settlements {
            let named = usize::try_from(k).ok().and_then(|k| sc.named.get(k));
            let (name, shelters) = match named {
                Some(ns) => (ns.name.to_owned(), ns.shelters.to_owned()),
                None => {
                    let mut name = text::settlement_name(&mut rng, &c.region_code);
                    for _ in 0..20 {
                        if !names.contains(&name) {
                            break;
                        }
                        name = text::settlement_name(&mut rng, &c.region_code);
                    }
                    if names.contains(&name) {
                        name = format!("{name} {}", k + 1);
                    }
                    (name, generic_shelters(&mut rng, &c.region_code))
                }
            };
            names.push(name.clone());
            let weight = sc.scale * rng.uniform(0.4, 1.6) * if named.is_some() { 3.0 } else { 1.0 };
            let plan = SettlementPlan {
                name,
                shelters,
                people: named.and_then(|ns| ns.people).unwrap_or(0),
                year: named.and_then(|ns| ns.year),
                stable: named.and_then(|ns| ns.stable).unwrap_or(false),
                pinned: named.is_some_and(|ns| ns.people.is_some()),
            };
            all.push((i, plan, weight));
        }
    }
    if all.len() != usize::try_from(p.settlements).unwrap_or(0) {
        return Err(SynthError::Infeasible(format!("{} settlements in the calibration table", all.len())));
    }
    // People: the fixed ones, the rest apportioned.
    let fixed: u32 = all.iter().filter(|s| s.1.pinned).map(|s| s.1.people).sum();
    let free: Vec<usize> = (0..all.len()).filter(|&k| !all[k].1.pinned).collect();
    let weights: Vec<f64> = free.iter().map(|&k| all[k].2).collect();
    let people = p
        .settlement_people
        .checked_sub(fixed)
        .and_then(|left| apportion(left, &weights, MIN_SETTLEMENT_PEOPLE))
        .ok_or_else(|| SynthError::Infeasible("settlement people".into()))?;
    for (&k, n) in free.iter().zip(people) {
        all[k].1.people = n;
    }
    // Stability: bigger settlements are more often stable.
    let stable_fixed = u32::try_from(all.iter().filter(|s| s.1.pinned && s.1.stable).count()).unwrap_or(0);
    let candidates: Vec<(usize, f64)> = free.iter().map(|&k| (k, f64::from(all[k].1.people).sqrt())).collect();
    let need = p.stable_settlements.saturating_sub(stable_fixed);
    for k in sample(&mut rng, &candidates, need, || "stable settlements".to_owned())? {
        all[k].1.stable = true;
    }
    // Formation years: stable settlements are more often known and older.
    let mut class_left: Vec<u32> = p.age_classes.iter().map(|c| c.count).collect();
    let mut known_fixed = 0_u32;
    for s in all.iter().filter(|s| s.1.pinned) {
        if let Some(year) = s.1.year {
            let age = REFERENCE_YEAR.saturating_sub(year);
            let class = p.age_classes.iter().position(|c| c.contains(age));
            let left = class.and_then(|c| class_left.get_mut(c)).filter(|n| **n > 0);
            let left = left.ok_or_else(|| SynthError::Infeasible(format!("pinned year {year}")))?;
            *left -= 1;
            known_fixed += 1;
        }
    }
    let candidates: Vec<(usize, f64)> = free.iter().map(|&k| (k, if all[k].1.stable { 2.0 } else { 1.0 })).collect();
    let need = p.settlements_with_year.saturating_sub(known_fixed);
    let mut known: Vec<(f64, usize)> = sample(&mut rng, &candidates, need, || "settlements with a year".to_owned())?
        .into_iter()
        .map(|k| (rng.f64() + if all[k].1.stable { 0.4 } else { 0.0 }, k))
        .collect();
    known.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut slots = known.into_iter().map(|(_, k)| k);
    for (class, &left) in p.age_classes.iter().zip(&class_left) {
        for _ in 0..left {
            let k = slots.next().ok_or_else(|| SynthError::Infeasible("age classes".into()))?;
            let max = class.max_age.unwrap_or(class.min_age + 15);
            let age = u16::try_from(rng.range(u32::from(class.min_age), u32::from(max))).unwrap_or(class.min_age);
            all[k].1.year = Some(REFERENCE_YEAR - age);
        }
    }
    for (i, plan, _) in all {
        plans[i].settlements.push(plan);
    }
    Ok(())
}

/// `tipo_sist` for a settlement that the table does not describe.
fn generic_shelters(rng: &mut Rng, region_code: &str) -> String {
    let south = matches!(region_code, "13" | "14" | "15" | "16" | "17" | "18" | "19" | "20");
    let options: &[(&str, f64)] = if south {
        &[
            ("casolari", 0.45),
            ("casolari baracche", 0.2),
            ("baracche", 0.15),
            ("baracche tende", 0.1),
            ("tende", 0.05),
            ("roulotte", 0.05),
        ]
    } else {
        &[("casolari", 0.35), ("palazzi", 0.2), ("tende", 0.2), ("baracche", 0.15), ("roulotte", 0.1)]
    };
    let weights: Vec<f64> = options.iter().map(|o| o.1).collect();
    let k = pick_weighted(rng, &weights).unwrap_or(0);
    options.get(k).map_or("casolari", |o| o.0).to_owned()
}

/// Days after the opening when a Comune answered: a few early, most in the days before the
/// deadline, then the reminders' tail.
fn submitted_day(rng: &mut Rng) -> u16 {
    let u = rng.f64();
    let day = if u < 0.18 {
        rng.range(0, 7)
    } else if u < 0.62 {
        u32::from(DEADLINE_DAY) - rng.range(0, 6).min(rng.range(0, 6))
    } else if u < 0.88 {
        rng.range(15, 45)
    } else {
        rng.range(46, u32::from(LAST_DAY))
    };
    u16::try_from(day).unwrap_or(LAST_DAY)
}

/// A rounded estimate, as people write them.
fn estimate(x: f64) -> u32 {
    let n = float_floor_u32(x.round()).max(1);
    let step = match n {
        0..50 => 1,
        50..200 => 5,
        200..1_000 => 10,
        _ => 50,
    };
    (n / step * step).max(1)
}

/// ODK date-time with the Italian offset (CEST until 31 October 2021, then CET).
fn odk_datetime(dt: PrimitiveDateTime) -> String {
    let offset = if dt.date() < time::macros::date!(2021 - 10 - 31) { "+02:00" } else { "+01:00" };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000{offset}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// Months of most seasonal presence, by the crops of the region: a window of months.
fn months(rng: &mut Rng, region_code: &str) -> String {
    let (start, len) = match region_code {
        "18" => (rng.range(10, 11), rng.range(4, 6)),                    // citrus
        "19" => (rng.range(8, 9), rng.range(5, 7)),                      // grapes, olives, citrus, greenhouses
        "13" | "14" | "15" | "17" => (rng.range(6, 7), rng.range(3, 4)), // tomatoes
        "16" => (rng.range(6, 7), rng.range(3, 5)),
        "09" | "10" | "11" | "12" | "20" => (rng.range(5, 6), rng.range(4, 6)),
        _ => (rng.range(6, 7), rng.range(4, 5)), // fruit and grapes in the north
    };
    let mut chosen: Vec<u32> = (0..len).map(|k| (start - 1 + k) % 12 + 1).collect();
    chosen.sort_unstable();
    chosen.iter().map(|m| format!("m{m:02}")).collect::<Vec<_>>().join(" ")
}

fn pick_text(rng: &mut Rng, list: &[&str]) -> String {
    rng.pick(list).copied().unwrap_or_default().to_owned()
}

/// The answers of a responding Comune.
fn write_answers(c: &Comune, plan: &Plan, day: u16, rng: &mut Rng) -> Answers {
    let mut a = Answers::new();

    // Section A.
    let first = pick_text(rng, &text::FIRST_NAMES);
    let last = pick_text(rng, &text::SURNAMES);
    a.set("A1", c.name.clone());
    a.set("A1a", c.belfiore.clone());
    a.set("A2", format!("{first} {last}"));
    let roles = [0.18, 0.12, 0.42, 0.08, 0.15, 0.05];
    let role = pick_weighted(rng, &roles).unwrap_or(2) + 1;
    a.set("A3", role.to_string());
    match role {
        2 => a.set("A3a", pick_text(rng, &text::PORTFOLIOS)),
        3 if rng.chance(0.85) => a.set("A3b", pick_text(rng, &text::OFFICES)),
        6 => a.set("A3_altro", pick_text(rng, &text::OTHER_ROLES)),
        _ => {}
    }
    if rng.chance(0.85) {
        let tel = if rng.chance(0.7) {
            format!("0{} 000{:04}", rng.range(10, 999), rng.range(0, 9_999))
        } else {
            format!("+39 3{:02} 000{:04}", rng.range(20, 99), rng.range(0, 9_999))
        };
        a.set("A4_tel", tel);
    }
    if rng.chance(0.92) {
        a.set(
            "A4_email",
            format!(
                "{}.{}@comune-{}.invalid",
                text::ascii_slug(&first),
                text::ascii_slug(&last),
                text::ascii_slug(&c.name)
            ),
        );
    }

    // Section B.
    a.set("B1", if plan.workers { "1" } else { "2" });
    let mut minutes = rng.range(4, 15);
    if plan.workers {
        minutes += rng.range(10, 40);
        write_workers(&mut a, c, plan, rng);
    }
    let structures: Vec<Answers> = plan.structures.iter().map(|s| structure_answers(s, rng)).collect();
    let settlements: Vec<Answers> = plan.settlements.iter().map(|s| settlement_answers(s, rng)).collect();
    minutes += 6 * u32::try_from(structures.len() + settlements.len()).unwrap_or(0);
    a.set("n_strutture", structures.len().to_string());
    a.set("tot_ospiti_strutture", plan.structures.iter().map(|s| s.guests).sum::<u32>().to_string());
    a.set("n_insediamenti", settlements.len().to_string());
    a.set("tot_persone_insediamenti", plan.settlements.iter().map(|s| s.people).sum::<u32>().to_string());
    a.set_repeat("strutture", structures);
    a.set_repeat("insediamenti", settlements);

    // Section F.
    if plan.workers && rng.chance(0.85) {
        let yes = rng.chance(if plan.housing { 0.55 } else { 0.25 });
        a.set("F1", if yes { "1" } else { "2" });
        if yes && rng.chance(0.9) {
            let measure = if !plan.settlements.is_empty() && rng.chance(0.5) {
                pick_text(rng, &text::SETTLEMENT_MEASURES)
            } else {
                pick_text(rng, &text::MEASURES)
            };
            a.set("F2", measure);
        }
    }

    // Metadata: started in office hours, submitted on the answer day.
    let start_time = Time::from_hms(
        u8::try_from(rng.range(8, 16)).unwrap_or(10),
        u8::try_from(rng.range(0, 59)).unwrap_or(0),
        u8::try_from(rng.range(0, 59)).unwrap_or(0),
    )
    .unwrap_or(Time::MIDNIGHT);
    let start = PrimitiveDateTime::new(CAMPAIGN_OPENED + Duration::days(i64::from(day)), start_time);
    let end = start + Duration::minutes(i64::from(minutes));
    a.set("start", odk_datetime(start));
    a.set("end", odk_datetime(end));
    a
}

/// Sections B (after B1) and C of a Comune with workers.
fn write_workers(a: &mut Answers, c: &Comune, plan: &Plan, rng: &mut Rng) {
    let (stab, stag) = if plan.housing {
        (true, true)
    } else {
        match pick_weighted(rng, &[0.55, 0.30, 0.15]) {
            Some(1) => (false, true),
            Some(2) => (true, false),
            _ => (true, true),
        }
    };
    let b2: Vec<&str> = [(stab, "stab"), (stag, "stag")].iter().filter(|x| x.0).map(|x| x.1).collect();
    a.set("B2", b2.join(" "));
    let housed: u32 =
        plan.structures.iter().map(|s| s.guests).sum::<u32>() + plan.settlements.iter().map(|s| s.people).sum::<u32>();
    let base = (f64::from(c.population) + 500.0).powf(0.75) / 12.0 * agri(&c.sigla) * rng.uniform(0.5, 1.5);
    let stable = estimate(base * rng.uniform(0.6, 1.4));
    let mut seasonal = estimate(base * 1.6 * rng.uniform(0.6, 1.4));
    if plan.housing {
        let floor = f64::from(housed) * rng.uniform(1.15, 1.6);
        if f64::from(stable + seasonal) < floor {
            seasonal = estimate(floor - f64::from(stable));
        }
    }
    if stab && (plan.housing || rng.chance(0.9)) {
        a.set("B3a", stable.to_string());
    }
    if stag {
        if plan.housing || rng.chance(0.9) {
            a.set("B3b", seasonal.to_string());
        }
        if rng.chance(0.85) {
            a.set("B4", months(rng, &c.region_code));
        }
    }
    let c1: Vec<&str> = [
        (plan.private, "private"),
        (!plan.structures.is_empty(), "strutture"),
        (!plan.settlements.is_empty(), "informali"),
    ]
    .iter()
    .filter(|x| x.0)
    .map(|x| x.1)
    .collect();
    a.set("C1", c1.join(" "));
}

fn structure_answers(s: &StructurePlan, rng: &mut Rng) -> Answers {
    let mut a = Answers::new().with("D1", s.kind);
    if s.kind == "altro" {
        a.set("D1_altro", pick_text(rng, &text::OTHER_STRUCTURES));
    }
    let public = match s.kind {
        "sai" | "cas" => rng.chance(0.85),
        _ => rng.chance(0.5),
    };
    a.set("D2", if public { "pubbl" } else { "priv" });
    a.set("D3", s.guests.to_string());
    if rng.chance(0.8) {
        let mut services: Vec<&str> = Vec::new();
        for (name, p) in [("acqua", 0.95), ("elettr", 0.93), ("igien", 0.9), ("mediaz", 0.5), ("alfab", 0.4)] {
            let p = if s.kind == "altro" && matches!(name, "mediaz" | "alfab") { p * 0.4 } else { p };
            if rng.chance(p) {
                services.push(name);
            }
        }
        if services.is_empty() {
            services.push("nessuno");
        }
        a.set("D4", services.join(" "));
    }
    a
}

fn settlement_answers(s: &SettlementPlan, rng: &mut Rng) -> Answers {
    let mut a =
        Answers::new().with("E1", s.name.clone()).with("E2", s.shelters.clone()).with("E3", s.people.to_string());
    a.set("E4", if s.stable { "stabile" } else { "stagionale" });
    if let Some(year) = s.year {
        a.set("E5", year.to_string());
        a.set("anni_insediamento", (REFERENCE_YEAR - year).to_string());
    }
    if rng.chance(0.85) {
        let mut services: Vec<&str> = Vec::new();
        for (name, p) in [("acqua", 0.3), ("elettr", 0.15), ("igien", 0.1), ("mediaz", 0.12), ("alfab", 0.06)] {
            if rng.chance(p) {
                services.push(name);
            }
        }
        if services.is_empty() {
            services.push("nessuno");
        }
        a.set("E6", services.join(" "));
    }
    if rng.chance(0.8) {
        let km = if s.people >= 1_000 { rng.uniform(8.0, 20.0) } else { rng.uniform(0.5, 15.0) };
        a.set("E7", format!("{:.1}", (km * 10.0).round() / 10.0));
    }
    let answer = |rng: &mut Rng, yes: f64, no: f64| -> Option<&'static str> {
        if !rng.chance(0.9) {
            return None;
        }
        let u = rng.f64();
        Some(if u < yes {
            "1"
        } else if u < yes + no {
            "2"
        } else {
            "9"
        })
    };
    let big = s.people >= 500;
    for (name, yes, no) in
        [("E8", 0.15, 0.75), ("E9", if big { 0.7 } else { 0.35 }, 0.25), ("E10", if big { 0.8 } else { 0.25 }, 0.55)]
    {
        if let Some(v) = answer(rng, yes, no) {
            a.set(name, v);
        }
    }
    a
}
