//! Priority territories and fund allocation on the synthetic 2021 census: the indicators add up
//! to the published figures, the ranking puts the two great ghettos of the Capitanata first, and
//! a split of €200M among the Comuni with informal settlements is exact to the euro.

#![expect(clippy::panic, clippy::unwrap_used, reason = "test helpers report what went wrong")]

use argine_domain::allocation::{ClassFactor, Formula, Recipient, allocate};
use argine_domain::census::synth::{generate, universe_2021};
use argine_domain::priority::{Indicator, Level, Normalisation, Weights, rank, shortlist, territories};
use argine_domain::report::census::ComuneInput;
use std::path::PathBuf;

fn data(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inputs(seed: u64) -> Vec<ComuneInput> {
    let universe = universe_2021(&data("data/territory/comuni.csv"), &data("data/territory/anpr_comuni.csv")).unwrap();
    let census = generate(&universe, seed).unwrap();
    universe
        .iter()
        .zip(&census.responses)
        .map(|(c, r)| ComuneInput {
            istat: c.istat.clone(),
            name: c.name.clone(),
            region: c.region_code.clone(),
            province: c.province_code.clone(),
            province_name: c.sigla.clone(),
            population: c.population,
            point: None,
            answers: r.responded.then(|| r.answers.clone()),
        })
        .collect()
}

fn sum(t: &[argine_domain::priority::Territory], i: Indicator) -> f64 {
    t.iter().map(|t| t.value(i)).sum()
}

#[test]
fn the_indicators_of_the_2021_census_at_every_level() {
    let input = inputs(2021);
    let comuni = territories(&input, Level::Comune);
    assert_eq!(comuni.len(), 3_851, "the respondents");
    assert_eq!(sum(&comuni, Indicator::Insediamenti), 150.0);
    assert_eq!(comuni.iter().filter(|t| t.value(Indicator::Insediamenti) > 0.0).count(), 38);
    assert_eq!(sum(&comuni, Indicator::Persone), 10_000.0);
    assert!(comuni.iter().filter(|t| t.value(Indicator::Presenze) > 0.0).count() <= 608);
    let oldest = comuni.iter().map(|t| t.value(Indicator::Persistenza)).fold(0.0, f64::max);
    assert!(oldest > 20.0, "{oldest}");
    for level in [Level::Provincia, Level::Regione] {
        let t = territories(&input, level);
        assert_eq!(sum(&t, Indicator::Insediamenti), 150.0, "{level:?}");
        assert_eq!(sum(&t, Indicator::Persone), 10_000.0, "{level:?}");
        assert_eq!(sum(&t, Indicator::Presenze), sum(&comuni, Indicator::Presenze), "{level:?}");
        assert_eq!(sum(&t, Indicator::Iniziative), sum(&comuni, Indicator::Iniziative), "{level:?}");
        assert_eq!(t.iter().map(|t| t.respondents).sum::<u32>(), 3_851);
        assert_eq!(t.iter().map(|t| t.invited).sum::<u32>() as usize, input.len() - not_covered(&input, level));
    }
    let regions = territories(&input, Level::Regione);
    assert_eq!(regions.iter().filter(|t| t.value(Indicator::Insediamenti) > 0.0).count(), 11);
}

/// Invited Comuni of territories where nobody answered (those are not listed).
fn not_covered(input: &[ComuneInput], level: Level) -> usize {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
    for c in input {
        let k = if level == Level::Regione { c.region.as_str() } else { c.province.as_str() };
        let e = by.entry(k).or_default();
        e.0 += 1;
        e.1 |= c.answers.is_some();
    }
    by.values().filter(|(_, any)| !any).map(|(n, _)| n).sum()
}

#[test]
fn the_ranking_and_the_shortlist() {
    let t = territories(&inputs(2021), Level::Comune);
    let mut w = [0.0; 6];
    w[Indicator::Persone.index()] = 1.0;
    let r = rank(&t, &Weights::new(w).unwrap(), Normalisation::MinMax).unwrap();
    assert_eq!(t[r.rows[0].index].name, "Manfredonia");
    assert_eq!(t[r.rows[1].index].name, "San Severo");
    let s = shortlist(&t, &rank(&t, &Weights::default_weights(), Normalisation::MinMax).unwrap(), 10);
    assert_eq!(s.len(), 10);
    assert!(s.iter().all(|x| !x.reasons.is_empty() && !x.reasons_it.is_empty()));
    assert!(s.iter().any(|x| x.name == "Manfredonia"), "{s:?}");
}

#[test]
fn two_hundred_million_among_the_comuni_with_settlements() {
    let t = territories(&inputs(2021), Level::Comune);
    let age = ClassFactor { classes: vec![(7.0, 1.2), (21.0, 1.5)] };
    let started = ClassFactor { classes: vec![(1.0, 1.1)] };
    let rs: Vec<Recipient> = t
        .iter()
        .filter(|t| t.value(Indicator::Insediamenti) > 0.0)
        .map(|t| Recipient {
            code: t.code.clone(),
            name: t.name.clone(),
            indicator: t.value(Indicator::Presenze),
            factors: vec![age.factor(t.value(Indicator::Persistenza)), started.factor(t.value(Indicator::Iniziative))],
        })
        .collect();
    assert_eq!(rs.len(), 38);
    let a = allocate(Formula { fund: 200_000_000, fixed: 1_000_000 }, &rs).unwrap();
    assert_eq!(a.total(), 200_000_000);
    assert_eq!(a.variable_pool, 162_000_000);
    assert!(a.shares.iter().all(|s| s.total >= 1_000_000));
}
