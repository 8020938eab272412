//! `cargo bench -p argine-domain --bench priority`: scoring all 7,904 Comuni of the synthetic
//! 2021 census — indicators, normalisation, score, ranking and the ±20% sensitivity of every
//! weight (13 rankings) — target < 50 ms.

use argine_domain::census::answers::Answers;
use argine_domain::census::synth::{generate, universe_2021};
use argine_domain::priority::{Level, Normalisation, Weights, rank, territories};
use argine_domain::report::census::ComuneInput;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const COMUNI: &str = include_str!("../../../data/territory/comuni.csv");
const ANPR: &str = include_str!("../../../data/territory/anpr_comuni.csv");

fn bench(c: &mut Criterion) {
    let Ok(universe) = universe_2021(COMUNI, ANPR) else { return };
    let Ok(census) = generate(&universe, 2021) else { return };
    // Every invited Comune is scored: the non-respondents with empty answers (all zero), the
    // worst case for ties.
    let inputs: Vec<ComuneInput> = universe
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
            answers: Some(if r.responded { r.answers.clone() } else { Answers::new() }),
        })
        .collect();
    let weights = Weights::default_weights();
    let t = territories(&inputs, Level::Comune);
    eprintln!("scoring {} Comuni", t.len());
    c.bench_function("priority: indicators + score + sensitivity, all 7,904 comuni (min-max)", |b| {
        b.iter(|| {
            let t = territories(black_box(&inputs), Level::Comune);
            rank(&t, &weights, Normalisation::MinMax).map(|r| r.rows.len())
        })
    });
    c.bench_function("priority: score + sensitivity only, all 7,904 comuni (rank)", |b| {
        b.iter(|| rank(black_box(&t), &weights, Normalisation::Rank).map(|r| r.rows.len()))
    });
    c.bench_function("priority: indicators, provinces", |b| {
        b.iter(|| territories(black_box(&inputs), Level::Provincia))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
