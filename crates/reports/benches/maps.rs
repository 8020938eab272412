//! `cargo bench -p argine-reports`: the national choropleth of all comuni (target < 100 ms,
//! < 1.5 MB) and a province zoom.

use argine_reports::map::{Area, Choropleth, choropleth, load_geojson};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::hint::black_box;

const COMUNI: &str = include_str!("../../../data/territory/geo/comuni.geojson");

fn bench(c: &mut Criterion) {
    let areas = load_geojson(COMUNI, "istat").unwrap_or_default();
    // Deterministic values spread over the range (the real density is read from the database
    // by the web layer; the renderer's cost does not depend on the values).
    let values: HashMap<String, f64> =
        areas.iter().enumerate().map(|(i, a)| (a.code.clone(), ((i * 7919) % 5000) as f64)).collect();
    let fmt = |x: f64| format!("{x:.0}");
    let spec = Choropleth {
        title: "Densità di popolazione",
        legend_title: "ab./km²",
        format: &fmt,
        source: "Fonte: ISTAT",
        no_data: "n.d.",
        width: 1000,
    };
    let all: Vec<&Area> = areas.iter().collect();
    let size = choropleth(&all, &values, &spec).map(|s| s.len()).unwrap_or(0);
    eprintln!("national comuni map: {} areas, {size} bytes", all.len());
    c.bench_function("svg choropleth, all 7,896 comuni", |b| {
        b.iter(|| choropleth(black_box(&all), black_box(&values), &spec))
    });
    let mantova: Vec<&Area> = areas.iter().filter(|a| a.attrs.get("prov").map(String::as_str) == Some("020")).collect();
    c.bench_function("svg choropleth, comuni of one province", |b| {
        b.iter(|| choropleth(black_box(&mantova), black_box(&values), &spec))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
