//! National totals corrected for non-response by post-stratification.
//!
//! The universe is every unit of the [`Dataset`] (invited or not). The strata are the cells
//! region × [`PopClass`]. In stratum *h*, with `N_h` units in the universe and `n_h`
//! respondents with a value for the variable (item non-response counts as non-response):
//!
//! * estimated total `Ŷ_h = N_h · ȳ_h`, with `ȳ_h` the respondents' mean;
//! * variance `V_h = N_h² (1 − n_h / N_h) s_h² / n_h`, with `s_h²` the respondents' sample
//!   variance (divisor `n_h − 1`);
//! * `Ŷ = Σ Ŷ_h`, `V = Σ V_h`, standard error `√V`, 95% interval `Ŷ ± 1.959963984540054 √V`
//!   (normal approximation).
//!
//! # Collapsing strata
//!
//! A stratum needs at least 2 respondents (for `s_h²`). Strata with fewer are collapsed, by a
//! fixed rule, so that no unit of the universe is ever dropped:
//!
//! 1. **Within a region**, the cells that have universe units are taken from the smallest
//!    population class up; consecutive cells are pooled until the pool has 2 respondents, which
//!    closes a stratum. A final pool with fewer than 2 is merged into the region's last closed
//!    stratum (the next smaller classes).
//! 2. **A region with fewer than 2 respondents in all** is pooled with the other such regions
//!    of its macro-area (in region-code order). If that pool still has fewer than 2, it is
//!    merged into the last stratum of the macro-area (highest region code, largest classes).
//! 3. A macro-area with fewer than 2 respondents in all is an error
//!    ([`StatsError::InsufficientRespondents`]): the variance cannot be estimated there.

use std::collections::BTreeMap;

use super::StatsError;
use super::data::{Dataset, MacroArea, PopClass, RegionCode, Value};

/// The 0.975 quantile of the standard normal distribution.
pub const Z_95: f64 = 1.959963984540054;

/// One (possibly collapsed) stratum of the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    /// The region × class cells it is made of, in order.
    pub cells: Vec<(RegionCode, PopClass)>,
    /// `N_h`: units in the universe.
    pub universe: u64,
    /// `n_h`: respondents with a value.
    pub respondents: u64,
    /// `ȳ_h`.
    pub mean: f64,
    /// `s_h²` (divisor `n_h − 1`).
    pub sample_variance: f64,
    /// `N_h ȳ_h`.
    pub total: f64,
    /// `N_h² (1 − n_h / N_h) s_h² / n_h`.
    pub variance: f64,
}

/// A post-stratified estimate of a national total.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalEstimate {
    pub total: f64,
    pub variance: f64,
    pub std_error: f64,
    /// Lower bound of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper bound of the 95% confidence interval.
    pub ci_high: f64,
    /// The strata after collapsing, in region then class order.
    pub strata: Vec<Stratum>,
}

/// A pool of cells being built into a stratum.
#[derive(Debug, Default)]
struct Pool {
    cells: Vec<(RegionCode, PopClass)>,
    universe: u64,
    values: Vec<f64>,
}

impl Pool {
    fn absorb(&mut self, other: Pool) {
        self.cells.extend(other.cells);
        self.universe += other.universe;
        self.values.extend(other.values);
    }

    fn n(&self) -> usize {
        self.values.len()
    }
}

/// The region × class cells of the universe, with the respondents' values of `var`.
fn cells(data: &Dataset, var: &str) -> Result<BTreeMap<RegionCode, BTreeMap<PopClass, Pool>>, StatsError> {
    let mut out: BTreeMap<RegionCode, BTreeMap<PopClass, Pool>> = BTreeMap::new();
    for u in data.units() {
        let pool = out.entry(u.region).or_default().entry(u.pop_class()).or_default();
        if pool.cells.is_empty() {
            pool.cells.push((u.region, u.pop_class()));
        }
        pool.universe += 1;
        if !u.responded {
            continue;
        }
        match u.value(var) {
            Value::Number(x) => pool.values.push(*x),
            Value::Missing => {}
            Value::Code(_) => {
                return Err(StatsError::NotNumeric { variable: var.to_owned(), istat: u.istat.clone() });
            }
        }
    }
    Ok(out)
}

/// The strata after the collapse rule of the module documentation.
fn collapse(cells: BTreeMap<RegionCode, BTreeMap<PopClass, Pool>>) -> Result<Vec<Pool>, StatsError> {
    // Step 1, per region; regions left with < 2 respondents wait for step 2.
    let mut by_area: BTreeMap<MacroArea, (Vec<Pool>, Pool)> = BTreeMap::new();
    for (region, classes) in cells {
        let mut closed: Vec<Pool> = Vec::new();
        let mut current = Pool::default();
        for (_, cell) in classes {
            current.absorb(cell);
            if current.n() >= 2 {
                closed.push(std::mem::take(&mut current));
            }
        }
        let (strata, deficient) = by_area.entry(region.macro_area()).or_default();
        if !current.cells.is_empty() {
            match closed.last_mut() {
                Some(last) => last.absorb(current),
                None => deficient.absorb(current),
            }
        }
        strata.extend(closed);
    }
    // Step 2, per macro-area.
    let mut out = Vec::new();
    for (area, (mut strata, deficient)) in by_area {
        if !deficient.cells.is_empty() {
            if deficient.n() >= 2 {
                // Keep region order: the pooled regions' stratum goes where its first region was.
                let first = deficient.cells.first().map(|c| c.0);
                let at = strata.iter().position(|s| s.cells.first().map(|c| c.0) > first).unwrap_or(strata.len());
                strata.insert(at, deficient);
            } else {
                match strata.last_mut() {
                    Some(last) => last.absorb(deficient),
                    None => return Err(StatsError::InsufficientRespondents(area.label())),
                }
            }
        }
        out.extend(strata);
    }
    Ok(out)
}

fn estimate(pool: Pool) -> Stratum {
    let n = pool.values.len() as f64;
    let big_n = pool.universe as f64;
    let mean = pool.values.iter().sum::<f64>() / n;
    let sample_variance = pool.values.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / (n - 1.0);
    let variance = big_n * big_n * (1.0 - n / big_n) * sample_variance / n;
    Stratum {
        cells: pool.cells,
        universe: pool.universe,
        respondents: pool.values.len() as u64,
        mean,
        sample_variance,
        total: big_n * mean,
        variance,
    }
}

/// The post-stratified estimate of the national total of the numeric variable `var` (see the
/// module documentation for the formulas and the collapse rule).
pub fn post_stratified_total(data: &Dataset, var: &str) -> Result<TotalEstimate, StatsError> {
    if data.is_empty() {
        return Err(StatsError::InsufficientRespondents("Italia"));
    }
    let strata: Vec<Stratum> = collapse(cells(data, var)?)?.into_iter().map(estimate).collect();
    let total = strata.iter().map(|s| s.total).sum::<f64>();
    let variance = strata.iter().map(|s| s.variance).sum::<f64>();
    let std_error = variance.sqrt();
    Ok(TotalEstimate {
        total,
        variance,
        std_error,
        ci_low: total - Z_95 * std_error,
        ci_high: total + Z_95 * std_error,
        strata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::data::Unit;

    fn unit(i: usize, region: &str, pop: u32, y: Option<f64>) -> Unit {
        let u = Unit::new(&format!("{i:06}"), RegionCode::parse(region).unwrap(), "001", pop);
        match y {
            Some(y) => u.participation(true, true).with("y", Value::Number(y)),
            None => u.participation(true, false),
        }
    }

    #[test]
    fn full_response_has_no_variance() {
        let data = Dataset::new(vec![
            unit(1, "01", 100, Some(1.0)),
            unit(2, "01", 100, Some(3.0)),
            unit(3, "01", 10_000, Some(5.0)),
            unit(4, "01", 10_000, Some(7.0)),
        ])
        .unwrap();
        let e = post_stratified_total(&data, "y").unwrap();
        assert_eq!(e.strata.len(), 2);
        assert_eq!(e.total, 16.0);
        assert_eq!(e.variance, 0.0);
        assert_eq!((e.ci_low, e.ci_high), (16.0, 16.0));
    }

    #[test]
    fn one_stratum_by_hand() {
        // N = 4, n = 2, values 2 and 4: mean 3, s² = 2, total 12, V = 16 · 0.5 · 2 / 2 = 8.
        let data = Dataset::new(vec![
            unit(1, "05", 100, Some(2.0)),
            unit(2, "05", 100, Some(4.0)),
            unit(3, "05", 100, None),
            unit(4, "05", 100, None),
        ])
        .unwrap();
        let e = post_stratified_total(&data, "y").unwrap();
        assert_eq!((e.total, e.variance), (12.0, 8.0));
        assert_eq!(e.ci_high, 12.0 + Z_95 * 8f64.sqrt());
    }

    #[test]
    fn collapse_keeps_every_unit() {
        let data = Dataset::new(vec![
            // Piemonte: class 1 has one respondent, class 2 one, class 5 none: 1+2 close, 5 joins.
            unit(1, "01", 100, Some(1.0)),
            unit(2, "01", 100, None),
            unit(3, "01", 6_000, Some(2.0)),
            unit(4, "01", 200_000, None),
            // Valle d'Aosta: no respondent: pooled with no one, merged into Lombardia (last).
            unit(5, "02", 100, None),
            // Lombardia: two respondents.
            unit(6, "03", 100, Some(4.0)),
            unit(7, "03", 100, Some(6.0)),
        ])
        .unwrap();
        let e = post_stratified_total(&data, "y").unwrap();
        let cells: Vec<usize> = e.strata.iter().map(|s| s.cells.len()).collect();
        assert_eq!(cells, [3, 2]);
        assert_eq!(e.strata.iter().map(|s| s.universe).sum::<u64>(), 7);
        assert_eq!(e.strata[1].cells[1].0.code(), "02");
        let lonely = Dataset::new(vec![unit(1, "19", 100, Some(1.0)), unit(2, "20", 100, None)]).unwrap();
        assert!(matches!(post_stratified_total(&lonely, "y"), Err(StatsError::InsufficientRespondents("Isole"))));
    }
}
