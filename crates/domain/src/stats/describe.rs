//! Descriptive statistics by group: frequencies, cross-tabulations with margins, sums, means,
//! medians and quantiles, response rates.
//!
//! Each function works on the units of the [`Dataset`] it is given: pass
//! [`Dataset::respondents`] for statistics on the answers, the whole dataset for
//! [`response_rates`]. Groups are those that occur among the given units (as a pandas
//! `groupby`), in published order.

use std::collections::BTreeMap;

use super::StatsError;
use super::data::{Dataset, GroupKey, Grouping, Unit, Value};

/// How often one category occurs in a group.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryCount {
    pub category: String,
    pub count: u64,
    /// Percentage of the group's *non-missing* values (`count / (total − missing) × 100`).
    pub percent: f64,
}

/// The frequency distribution of a categorical variable in one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Frequencies {
    pub group: GroupKey,
    /// Units in the group.
    pub total: u64,
    /// Units whose value is missing, counted apart from the categories.
    pub missing: u64,
    /// Categories that occur, sorted by code.
    pub categories: Vec<CategoryCount>,
}

impl Frequencies {
    /// Percentage of the group's units whose value is missing (`None` for an empty group).
    pub fn missing_percent(&self) -> Option<f64> {
        ratio(self.missing, self.total).map(|r| r * 100.0)
    }
}

/// `a / b`, `None` when `b` is 0.
fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The code of a categorical value; `None` when missing; an error for a number.
fn code_of<'u>(unit: &'u Unit, var: &str) -> Result<Option<&'u str>, StatsError> {
    match unit.value(var) {
        Value::Missing => Ok(None),
        Value::Code(c) => Ok(Some(c)),
        Value::Number(_) => Err(StatsError::NotCategorical { variable: var.to_owned(), istat: unit.istat.clone() }),
    }
}

/// The number of a numeric value; `None` when missing; an error for a code.
fn number_of(unit: &Unit, var: &str) -> Result<Option<f64>, StatsError> {
    match unit.value(var) {
        Value::Missing => Ok(None),
        Value::Number(x) => Ok(Some(*x)),
        Value::Code(_) => Err(StatsError::NotNumeric { variable: var.to_owned(), istat: unit.istat.clone() }),
    }
}

/// Frequencies of the categorical variable `var` in each group of `by`.
///
/// Fails when a unit has a number for `var`.
pub fn frequencies(data: &Dataset, var: &str, by: Grouping) -> Result<Vec<Frequencies>, StatsError> {
    let mut out = Vec::new();
    for (group, units) in data.groups(by) {
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        let mut missing = 0;
        for u in &units {
            match code_of(u, var)? {
                Some(c) => *counts.entry(c).or_default() += 1,
                None => missing += 1,
            }
        }
        let total = units.len() as u64;
        let valid = total - missing;
        let categories = counts
            .into_iter()
            .map(|(c, count)| CategoryCount {
                category: c.to_owned(),
                count,
                percent: ratio(count, valid).unwrap_or(0.0) * 100.0,
            })
            .collect();
        out.push(Frequencies { group, total, missing, categories });
    }
    Ok(out)
}

/// One side of a cross-tabulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    /// Groups of a territorial grouping, labelled by [`GroupKey::code`].
    Group(Grouping),
    /// The categories of a categorical variable; units where it is missing are left out of
    /// the table (as pandas `crosstab` does).
    Variable(String),
}

impl Dimension {
    /// The sort key and label of a unit on this dimension; `None` when missing.
    fn key(&self, unit: &Unit) -> Result<Option<(GroupKey, String)>, StatsError> {
        Ok(match self {
            Self::Group(g) => {
                let k = unit.key(*g);
                let code = k.code();
                Some((k, code))
            }
            Self::Variable(v) => code_of(unit, v)?.map(|c| (GroupKey::National, c.to_owned())),
        })
    }
}

/// A two-way table of counts. Margins are computed, never stored, so they always add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    /// Row labels (group codes or category codes).
    pub rows: Vec<String>,
    /// Column labels.
    pub cols: Vec<String>,
    /// `cells[r][c]`: units in row `r` and column `c`.
    pub cells: Vec<Vec<u64>>,
}

impl CountTable {
    /// A table from its cells; fails unless every row has `cols.len()` cells.
    pub fn new(rows: Vec<String>, cols: Vec<String>, cells: Vec<Vec<u64>>) -> Result<Self, StatsError> {
        if cells.len() != rows.len() || cells.iter().any(|r| r.len() != cols.len()) {
            return Err(StatsError::BadTable);
        }
        Ok(Self { rows, cols, cells })
    }

    /// The total of each row.
    pub fn row_totals(&self) -> Vec<u64> {
        self.cells.iter().map(|r| r.iter().sum()).collect()
    }

    /// The total of each column.
    pub fn col_totals(&self) -> Vec<u64> {
        (0..self.cols.len()).map(|c| self.cells.iter().map(|r| r[c]).sum()).collect()
    }

    /// The grand total.
    pub fn total(&self) -> u64 {
        self.cells.iter().flatten().sum()
    }

    /// The table with its margins as an extra last row and column: `(rows + 1) × (cols + 1)`,
    /// the grand total in the bottom-right corner.
    pub fn with_margins(&self) -> Vec<Vec<u64>> {
        let mut out: Vec<Vec<u64>> = self
            .cells
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.push(r.iter().sum());
                r
            })
            .collect();
        let mut last = self.col_totals();
        last.push(self.total());
        out.push(last);
        out
    }
}

/// Cross-tabulation of `rows` by `cols`, counting units. Units missing on either side are left
/// out. Rows and columns that occur, in published order (groups) or by code (categories).
pub fn crosstab(data: &Dataset, rows: &Dimension, cols: &Dimension) -> Result<CountTable, StatsError> {
    let mut counts: BTreeMap<(GroupKey, String), BTreeMap<(GroupKey, String), u64>> = BTreeMap::new();
    let mut all_cols: BTreeMap<(GroupKey, String), ()> = BTreeMap::new();
    for u in data.units() {
        let (Some(r), Some(c)) = (rows.key(u)?, cols.key(u)?) else { continue };
        all_cols.insert(c.clone(), ());
        *counts.entry(r).or_default().entry(c).or_default() += 1;
    }
    let col_keys: Vec<(GroupKey, String)> = all_cols.into_keys().collect();
    let mut row_labels = Vec::new();
    let mut cells = Vec::new();
    for ((_, label), row) in counts {
        row_labels.push(label);
        cells.push(col_keys.iter().map(|k| row.get(k).copied().unwrap_or(0)).collect());
    }
    CountTable::new(row_labels, col_keys.into_iter().map(|(_, l)| l).collect(), cells)
}

/// Numeric summary of a variable in one group. Statistics are over the non-missing values;
/// `None` where they are undefined (no values).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub group: GroupKey,
    /// Non-missing values.
    pub count: u64,
    pub missing: u64,
    /// Sum of the values (0 when there are none, as pandas).
    pub sum: f64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// `(p, quantile p)` for each requested probability, in the order requested.
    pub quantiles: Vec<(f64, Option<f64>)>,
}

/// The quantile `p` (0 ≤ p ≤ 1) of `sorted` (ascending, no NaN), by linear interpolation
/// between order statistics: Hyndman & Fan type 7, the default of R, NumPy (`linear`) and
/// pandas. With `h = (n − 1) p`, `q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋])`, 0-based.
/// `None` for an empty slice or `p` outside [0, 1].
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor();
    // `lo` is in 0..n by construction; the cast cannot truncate a meaningful value.
    let i = lo as usize;
    let a = *sorted.get(i)?;
    match sorted.get(i + 1) {
        Some(&b) => Some(a + (h - lo) * (b - a)),
        None => Some(a),
    }
}

/// The median: [`quantile`] 0.5 (the mean of the two middle values for an even count).
pub fn median(sorted: &[f64]) -> Option<f64> {
    quantile(sorted, 0.5)
}

/// Count, sum, mean, median and the quantiles `probs` of the numeric variable `var` in each
/// group of `by`. Fails when a unit has a code for `var`.
pub fn summarize(data: &Dataset, var: &str, by: Grouping, probs: &[f64]) -> Result<Vec<Summary>, StatsError> {
    let mut out = Vec::new();
    for (group, units) in data.groups(by) {
        let mut values = Vec::with_capacity(units.len());
        for u in &units {
            if let Some(x) = number_of(u, var)? {
                values.push(x);
            }
        }
        let count = values.len() as u64;
        let missing = units.len() as u64 - count;
        // Not `Iterator::sum`, whose empty sum is −0.0: pandas (and readers) expect 0.
        let sum = values.iter().fold(0.0, |a, x| a + x);
        let mean = (count > 0).then(|| sum / count as f64);
        values.sort_by(f64::total_cmp);
        out.push(Summary {
            group,
            count,
            missing,
            sum,
            mean,
            median: median(&values),
            quantiles: probs.iter().map(|&p| (p, quantile(&values, p))).collect(),
        });
    }
    Ok(out)
}

/// Participation in the census in one group.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRate {
    pub group: GroupKey,
    pub invited: u64,
    pub respondents: u64,
    /// `respondents / invited` (a fraction, not a percentage); `None` when nobody was invited.
    pub rate: Option<f64>,
}

/// Response rates (respondents / invited) in each group of `by` that has invited units.
/// Units that were not invited are left out.
pub fn response_rates(data: &Dataset, by: Grouping) -> Vec<ResponseRate> {
    data.filter(|u| u.invited)
        .groups(by)
        .into_iter()
        .map(|(group, units)| {
            let invited = units.len() as u64;
            let respondents = units.iter().filter(|u| u.responded).count() as u64;
            ResponseRate { group, invited, respondents, rate: ratio(respondents, invited) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::data::RegionCode;

    #[test]
    fn quantile_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.0), Some(1.0));
        assert_eq!(quantile(&x, 1.0), Some(4.0));
        assert_eq!(quantile(&x, 0.5), Some(2.5));
        assert_eq!(quantile(&x, 0.25), Some(1.75));
        assert!((quantile(&x, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&x, 1.5), None);
    }

    fn unit(istat: &str, region: &str, pop: u32) -> Unit {
        Unit::new(istat, RegionCode::parse(region).unwrap(), &istat[..3], pop).participation(true, true)
    }

    #[test]
    fn frequencies_count_missing_apart() {
        let data = Dataset::new(vec![
            unit("001001", "01", 100).with("b1", Value::Code("si".into())),
            unit("001002", "01", 100).with("b1", Value::Code("no".into())),
            unit("001003", "01", 100).with("b1", Value::Code("si".into())),
            unit("001004", "01", 100),
        ])
        .unwrap();
        let f = frequencies(&data, "b1", Grouping::National).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].total, f[0].missing), (4, 1));
        assert_eq!(f[0].categories[0].category, "no");
        assert_eq!(f[0].categories[1].count, 2);
        assert!((f[0].categories[1].percent - 200.0 / 3.0).abs() < 1e-12);
        assert_eq!(f[0].missing_percent(), Some(25.0));
        let bad = Dataset::new(vec![unit("001001", "01", 1).with("b1", Value::Number(1.0))]).unwrap();
        assert!(matches!(frequencies(&bad, "b1", Grouping::Region), Err(StatsError::NotCategorical { .. })));
    }

    #[test]
    fn crosstab_margins_add_up() {
        let data = Dataset::new(vec![
            unit("001001", "01", 100).with("b1", Value::Code("si".into())),
            unit("001002", "01", 100).with("b1", Value::Code("no".into())),
            unit("015001", "15", 100).with("b1", Value::Code("si".into())),
            unit("015002", "15", 100),
        ])
        .unwrap();
        let t = crosstab(&data, &Dimension::Group(Grouping::Region), &Dimension::Variable("b1".into())).unwrap();
        assert_eq!(t.rows, ["01", "15"]);
        assert_eq!(t.cols, ["no", "si"]);
        assert_eq!(t.cells, [[1, 1], [0, 1]]);
        assert_eq!(t.with_margins(), [vec![1, 1, 2], vec![0, 1, 1], vec![1, 2, 3]]);
    }

    #[test]
    fn response_rates_leave_out_uninvited() {
        let data = Dataset::new(vec![
            unit("001001", "01", 100),
            unit("001002", "01", 100).participation(true, false),
            unit("001003", "01", 100).participation(false, false),
        ])
        .unwrap();
        let r = response_rates(&data, Grouping::MacroArea);
        assert_eq!((r[0].invited, r[0].respondents, r[0].rate), (2, 1, Some(0.5)));
    }
}
