//! The statistics engine against values computed independently with pandas by
//! `scripts/stats/fixtures.py` (committed in `tests/fixtures/stats/`; CI has no pandas).
//!
//! Integers must be equal; floats must agree to 10 significant digits (both sides formatted
//! with `{:.9e}`): the engine does not reproduce NumPy's pairwise summation order, so the last
//! bits of a sum may differ, never the first ten digits.

#![expect(clippy::panic, clippy::unwrap_used, reason = "test helpers report what went wrong")]

use std::path::PathBuf;

use argine_domain::stats::describe::{self, Dimension};
use argine_domain::stats::poststrat::post_stratified_total;
use argine_domain::stats::{Dataset, GroupKey, Grouping, RegionCode, Unit, Value};
use serde_json::Value as Json;

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const CATEGORICAL: [&str; 2] = ["presenza", "alloggio"];
const NUMERIC: [&str; 2] = ["lavoratori", "distanza_km"];

/// The units of `units.csv`; checks that the engine derives the file's macro-area and class.
fn dataset() -> Dataset {
    let text = fixture("units.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let mut units = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let get = |name: &str| rec.get(col(name)).unwrap();
        let region = RegionCode::parse(get("region")).unwrap();
        let population: u32 = get("population").parse().unwrap();
        let mut u = Unit::new(get("istat"), region, get("province"), population)
            .participation(get("invited") == "1", get("responded") == "1");
        assert_eq!(u.macro_area().code().to_string(), get("macro_area"), "{}", u.istat);
        assert_eq!(u.pop_class().code().to_string(), get("pop_class"), "{}", u.istat);
        for v in CATEGORICAL {
            if !get(v).is_empty() {
                u = u.with(v, Value::Code(get(v).to_owned()));
            }
        }
        for v in NUMERIC {
            if !get(v).is_empty() {
                u = u.with(v, Value::Number(get(v).parse().unwrap()));
            }
        }
        units.push(u);
    }
    Dataset::new(units).unwrap()
}

fn expected() -> Json {
    serde_json::from_str(&fixture("expected.json")).unwrap()
}

fn grouping(name: &str) -> Grouping {
    match name {
        "national" => Grouping::National,
        "region" => Grouping::Region,
        "province" => Grouping::Province,
        "macro_area" => Grouping::MacroArea,
        "pop_class" => Grouping::PopClass,
        other => panic!("unknown grouping {other}"),
    }
}

/// 10 significant digits.
fn sig10(x: f64) -> String {
    format!("{x:.9e}")
}

/// Compares a float (or its absence) with a JSON number (or null).
#[track_caller]
fn assert_float(actual: Option<f64>, expected: &Json, what: &str) {
    let expected = expected.as_f64();
    assert_eq!(actual.map(sig10), expected.map(sig10), "{what}");
}

#[track_caller]
fn assert_int(actual: u64, expected: &Json, what: &str) {
    assert_eq!(Some(actual), expected.as_u64(), "{what}");
}

fn code(k: &GroupKey) -> String {
    k.code()
}

#[test]
fn fixtures_record_their_provenance() {
    let e = expected();
    assert_eq!(e["generated_by"], "scripts/stats/fixtures.py");
    assert!(e["pandas"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(e["units"].as_u64(), Some(dataset().len() as u64));
}

#[test]
fn frequencies_match_pandas() {
    let data = dataset().respondents();
    let e = expected();
    let mut checked = 0;
    for var in CATEGORICAL {
        for (g, groups) in e["frequencies"][var].as_object().unwrap() {
            let ours = describe::frequencies(&data, var, grouping(g)).unwrap();
            let theirs = groups.as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{var} by {g}: groups");
            for (o, t) in ours.iter().zip(theirs) {
                let what = format!("{var} by {g}, group {}", code(&o.group));
                assert_eq!(code(&o.group), t["group"].as_str().unwrap(), "{what}");
                assert_int(o.total, &t["total"], &what);
                assert_int(o.missing, &t["missing"], &what);
                let cats = t["categories"].as_array().unwrap();
                assert_eq!(o.categories.len(), cats.len(), "{what}: categories");
                for (oc, tc) in o.categories.iter().zip(cats) {
                    assert_eq!(oc.category, tc["category"].as_str().unwrap(), "{what}");
                    assert_int(oc.count, &tc["count"], &what);
                    assert_float(Some(oc.percent), &tc["percent"], &format!("{what}, {} %", oc.category));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} groups checked");
}

fn dimension(name: &str) -> Dimension {
    if CATEGORICAL.contains(&name) { Dimension::Variable(name.to_owned()) } else { Dimension::Group(grouping(name)) }
}

#[test]
fn crosstabs_with_margins_match_pandas() {
    let data = dataset().respondents();
    for t in expected()["crosstabs"].as_array().unwrap() {
        let (rows, cols) = (t["rows"].as_str().unwrap(), t["cols"].as_str().unwrap());
        let ours = describe::crosstab(&data, &dimension(rows), &dimension(cols)).unwrap();
        let labels =
            |j: &Json| j.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(ours.rows, labels(&t["row_labels"]), "{rows} × {cols}: rows");
        assert_eq!(ours.cols, labels(&t["col_labels"]), "{rows} × {cols}: cols");
        let grid: Vec<Vec<u64>> = t["grid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect())
            .collect();
        assert_eq!(ours.with_margins(), grid, "{rows} × {cols}");
    }
}

#[test]
fn summaries_match_pandas() {
    let data = dataset().respondents();
    let e = expected();
    let probs = [0.25, 0.5, 0.75, 0.9];
    let mut checked = 0;
    for var in NUMERIC {
        for (g, groups) in e["summaries"][var].as_object().unwrap() {
            let ours = describe::summarize(&data, var, grouping(g), &probs).unwrap();
            let theirs = groups.as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{var} by {g}: groups");
            for (o, t) in ours.iter().zip(theirs) {
                let what = format!("{var} by {g}, group {}", code(&o.group));
                assert_eq!(code(&o.group), t["group"].as_str().unwrap(), "{what}");
                assert_int(o.count, &t["count"], &what);
                assert_int(o.missing, &t["missing"], &what);
                assert_float(Some(o.sum), &t["sum"], &format!("{what}: sum"));
                assert_float(o.mean, &t["mean"], &format!("{what}: mean"));
                assert_float(o.median, &t["median"], &format!("{what}: median"));
                let qs = t["quantiles"].as_array().unwrap();
                assert_eq!(o.quantiles.len(), qs.len());
                for ((p, q), tq) in o.quantiles.iter().zip(qs) {
                    assert_eq!(Some(*p), tq[0].as_f64());
                    assert_float(*q, &tq[1], &format!("{what}: quantile {p}"));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} groups checked");
}

#[test]
fn response_rates_match_pandas() {
    let data = dataset();
    for (g, groups) in expected()["response_rates"].as_object().unwrap() {
        let ours = describe::response_rates(&data, grouping(g));
        let theirs = groups.as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "by {g}: groups");
        for (o, t) in ours.iter().zip(theirs) {
            let what = format!("by {g}, group {}", code(&o.group));
            assert_eq!(code(&o.group), t["group"].as_str().unwrap(), "{what}");
            assert_int(o.invited, &t["invited"], &what);
            assert_int(o.respondents, &t["respondents"], &what);
            assert_float(o.rate, &t["rate"], &what);
        }
    }
}

#[test]
fn post_stratified_total_matches_pandas() {
    let e = expected();
    let t = &e["post_stratified"];
    let ours = post_stratified_total(&dataset(), t["variable"].as_str().unwrap()).unwrap();
    let strata = t["strata"].as_array().unwrap();
    assert_eq!(ours.strata.len(), strata.len(), "strata after collapsing");
    for (i, (o, s)) in ours.strata.iter().zip(strata).enumerate() {
        let cells: Vec<(String, u64)> = o.cells.iter().map(|(r, c)| (r.code(), u64::from(c.code()))).collect();
        let expected_cells: Vec<(String, u64)> = s["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_str().unwrap().to_owned(), c[1].as_u64().unwrap()))
            .collect();
        assert_eq!(cells, expected_cells, "stratum {i}");
        let what = format!("stratum {i} {cells:?}");
        assert_int(o.universe, &s["universe"], &what);
        assert_int(o.respondents, &s["respondents"], &what);
        assert_float(Some(o.mean), &s["mean"], &format!("{what}: mean"));
        assert_float(Some(o.sample_variance), &s["sample_variance"], &format!("{what}: s²"));
        assert_float(Some(o.total), &s["total"], &format!("{what}: total"));
        assert_float(Some(o.variance), &s["variance"], &format!("{what}: variance"));
    }
    assert_float(Some(ours.total), &t["total"], "total");
    assert_float(Some(ours.variance), &t["variance"], "variance");
    assert_float(Some(ours.std_error), &t["std_error"], "standard error");
    assert_float(Some(ours.ci_low), &t["ci_low"], "CI low");
    assert_float(Some(ours.ci_high), &t["ci_high"], "CI high");
    // Nothing dropped: the strata cover the universe.
    assert_eq!(ours.strata.iter().map(|s| s.universe).sum::<u64>(), dataset().len() as u64);
}

#[test]
fn published_crosstab_is_protected() {
    use argine_domain::stats::disclosure::{Cell, Reason, SdcRules, protect, recoverable};
    let data = dataset().respondents();
    let t = describe::crosstab(&data, &Dimension::Group(Grouping::Region), &Dimension::Variable("alloggio".into()))
        .unwrap();
    let p = protect(&t, &SdcRules::default()).unwrap();
    let grid = t.with_margins();
    let mut primary = 0;
    for (i, row) in p.cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let sensitive = (1..3).contains(&grid[i][j]);
            assert_eq!(matches!(cell, Cell::Suppressed(Reason::Primary)), sensitive, "cell ({i}, {j})");
            primary += usize::from(sensitive);
        }
    }
    assert!(primary > 0, "the fixture should have small cells");
    assert!(recoverable(&p.suppressed()).unwrap().is_empty());
}
