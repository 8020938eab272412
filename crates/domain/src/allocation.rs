//! Fund allocation: an amount split among chosen Comuni by a formula, as the PNRR M5C2
//! investment 2.2 decree (DM 29 March 2022) split €200M among 37 Comuni — a fixed share each,
//! a variable share proportional to an indicator (declared presences), corrected by
//! multiplicative factors (the settlements' age, initiatives already started).
//!
//! Amounts are whole euro (`i64`) and the total is exact: the variable shares are computed in
//! exact integer arithmetic and rounded by largest remainder (Hamilton). Indicator values count
//! to the thousandth and factors to the ten-thousandth ([`INDICATOR_SCALE`], [`FACTOR_SCALE`]).

use std::collections::{BTreeMap, BTreeSet};

#[cfg(test)]
mod tests;

/// Indicator values are taken to three decimals.
pub const INDICATOR_SCALE: f64 = 1_000.0;
/// Factors are taken to four decimals.
pub const FACTOR_SCALE: f64 = 10_000.0;
/// The largest factor accepted.
pub const MAX_FACTOR: f64 = 1_000.0;
/// The largest indicator value accepted.
pub const MAX_INDICATOR: f64 = 1e12;

/// A Comune the fund is split among.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// ISTAT code.
    pub code: String,
    pub name: String,
    /// The indicator the variable share is proportional to (e.g. declared presences).
    pub indicator: f64,
    /// Multiplicative correction factors (1 = no correction), one per factor of the formula.
    pub factors: Vec<f64>,
}

/// The parameters of a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    /// The fund, in euro.
    pub fund: i64,
    /// The fixed share each Comune gets first, in euro.
    pub fixed: i64,
}

/// Why a split cannot be made. `code()` names the Italian message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AllocationError {
    #[error("no Comuni to split the fund among")]
    NoRecipients,
    #[error("{0} is listed twice")]
    Duplicate(String),
    #[error("the fund is negative")]
    NegativeFund,
    #[error("the fixed share is negative")]
    NegativeFixed,
    #[error("the fund ({fund}) is smaller than the fixed shares ({fixed_total})")]
    FundBelowFixed { fund: i64, fixed_total: i64 },
    #[error("the indicator of {0} is negative or not a number")]
    InvalidIndicator(String),
    #[error("a correction factor of {0} is negative, too large or not a number")]
    InvalidFactor(String),
    #[error("{0} has a different number of factors")]
    FactorCount(String),
    #[error("the indicator is zero for every Comune (after the factors)")]
    AllZero,
    #[error("the amounts are too large to compute exactly")]
    TooLarge,
}

impl AllocationError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoRecipients => "allocation-no-recipients",
            Self::Duplicate(_) => "allocation-duplicate",
            Self::NegativeFund => "allocation-negative-fund",
            Self::NegativeFixed => "allocation-negative-fixed",
            Self::FundBelowFixed { .. } => "allocation-fund-below-fixed",
            Self::InvalidIndicator(_) => "allocation-invalid-indicator",
            Self::InvalidFactor(_) => "allocation-invalid-factor",
            Self::FactorCount(_) => "allocation-factor-count",
            Self::AllZero => "allocation-all-zero",
            Self::TooLarge => "allocation-too-large",
        }
    }
}

/// What one Comune gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub code: String,
    pub name: String,
    pub indicator: f64,
    /// The product of its factors.
    pub factor: f64,
    /// Its part of the variable pool before rounding, from 0 to 1.
    pub quota: f64,
    pub fixed: i64,
    pub variable: i64,
    pub total: i64,
}

/// A split: the shares in the order of the recipients given.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub formula: Formula,
    /// The fund less the fixed shares.
    pub variable_pool: i64,
    pub shares: Vec<Share>,
}

impl Allocation {
    pub fn total(&self) -> i64 {
        self.shares.iter().map(|s| s.total).sum()
    }
}

fn scaled(x: f64, scale: f64) -> i128 {
    (x * scale).round() as i128
}

/// Splits `formula.fund` among `recipients`: each gets `fixed`, and the rest (the variable pool
/// `V`) goes in proportion to `w = indicator × Π factors`. The exact share `V·w/W` is floored
/// and the euros left over go one each to the largest remainders; equal remainders go first to
/// the larger weight, then by code. The shares sum to the fund exactly.
///
/// # Errors
/// See [`AllocationError`].
pub fn allocate(formula: Formula, recipients: &[Recipient]) -> Result<Allocation, AllocationError> {
    if recipients.is_empty() {
        return Err(AllocationError::NoRecipients);
    }
    if formula.fund < 0 {
        return Err(AllocationError::NegativeFund);
    }
    if formula.fixed < 0 {
        return Err(AllocationError::NegativeFixed);
    }
    let mut seen = BTreeSet::new();
    let factor_count = recipients[0].factors.len();
    let mut weights: Vec<i128> = Vec::with_capacity(recipients.len());
    for r in recipients {
        if !seen.insert(r.code.as_str()) {
            return Err(AllocationError::Duplicate(r.code.clone()));
        }
        if !(r.indicator.is_finite() && r.indicator >= 0.0 && r.indicator <= MAX_INDICATOR) {
            return Err(AllocationError::InvalidIndicator(r.code.clone()));
        }
        if r.factors.len() != factor_count {
            return Err(AllocationError::FactorCount(r.code.clone()));
        }
        let mut w = scaled(r.indicator, INDICATOR_SCALE);
        for f in &r.factors {
            if !(f.is_finite() && *f >= 0.0 && *f <= MAX_FACTOR) {
                return Err(AllocationError::InvalidFactor(r.code.clone()));
            }
            w = w.checked_mul(scaled(*f, FACTOR_SCALE)).ok_or(AllocationError::TooLarge)?;
        }
        weights.push(w);
    }
    let n = i64::try_from(recipients.len()).map_err(|_| AllocationError::TooLarge)?;
    let fixed_total = formula.fixed.checked_mul(n).ok_or(AllocationError::TooLarge)?;
    if fixed_total > formula.fund {
        return Err(AllocationError::FundBelowFixed { fund: formula.fund, fixed_total });
    }
    let pool = formula.fund - fixed_total;
    let total_weight = weights.iter().try_fold(0i128, |acc, w| acc.checked_add(*w)).ok_or(AllocationError::TooLarge)?;
    if total_weight == 0 && pool > 0 {
        return Err(AllocationError::AllZero);
    }
    let mut variable = vec![0i64; recipients.len()];
    if pool > 0 {
        let mut remainders: Vec<(usize, i128)> = Vec::with_capacity(recipients.len());
        let mut given: i64 = 0;
        for (k, w) in weights.iter().enumerate() {
            let num = i128::from(pool).checked_mul(*w).ok_or(AllocationError::TooLarge)?;
            let q = i64::try_from(num / total_weight).map_err(|_| AllocationError::TooLarge)?;
            variable[k] = q;
            given += q;
            remainders.push((k, num % total_weight));
        }
        remainders.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| weights[b.0].cmp(&weights[a.0]))
                .then_with(|| recipients[a.0].code.cmp(&recipients[b.0].code))
        });
        // At most one euro each is left: the floors lose less than one per Comune.
        let left = usize::try_from(pool - given).map_err(|_| AllocationError::TooLarge)?;
        for (k, _) in remainders.into_iter().take(left) {
            variable[k] += 1;
        }
    }
    let shares = recipients
        .iter()
        .zip(&weights)
        .zip(variable)
        .map(|((r, w), v)| Share {
            code: r.code.clone(),
            name: r.name.clone(),
            indicator: r.indicator,
            factor: r.factors.iter().product(),
            quota: if total_weight == 0 { 0.0 } else { *w as f64 / total_weight as f64 },
            fixed: formula.fixed,
            variable: v,
            total: formula.fixed + v,
        })
        .collect();
    Ok(Allocation { formula, variable_pool: pool, shares })
}

/// A correction factor by classes of a value: the factor of the highest class whose lower bound
/// the value reaches, 1 below them all. E.g. the settlements' age: `[(7, 1.2), (21, 1.5)]` gives
/// 1.5 to a Comune whose oldest settlement is over twenty years old.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassFactor {
    /// `(lower bound, factor)`, any order.
    pub classes: Vec<(f64, f64)>,
}

impl ClassFactor {
    pub fn factor(&self, value: f64) -> f64 {
        self.classes.iter().filter(|(lo, _)| value >= *lo).max_by(|a, b| a.0.total_cmp(&b.0)).map_or(1.0, |(_, f)| *f)
    }
}

/// One Comune in two scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub code: String,
    pub name: String,
    /// Its total in each scenario (0 when it is not in it).
    pub a: i64,
    pub b: i64,
    /// `b − a`.
    pub difference: i64,
}

/// Two splits side by side, Comune by Comune: those of `a` in its order, then those only in `b`.
pub fn compare(a: &Allocation, b: &Allocation) -> Vec<Difference> {
    let in_b: BTreeMap<&str, i64> = b.shares.iter().map(|t| (t.code.as_str(), t.total)).collect();
    let in_a: BTreeSet<&str> = a.shares.iter().map(|s| s.code.as_str()).collect();
    let mut out: Vec<Difference> = a
        .shares
        .iter()
        .map(|s| {
            let other = in_b.get(s.code.as_str()).copied().unwrap_or(0);
            Difference { code: s.code.clone(), name: s.name.clone(), a: s.total, b: other, difference: other - s.total }
        })
        .collect();
    for t in &b.shares {
        if !in_a.contains(t.code.as_str()) {
            out.push(Difference { code: t.code.clone(), name: t.name.clone(), a: 0, b: t.total, difference: t.total });
        }
    }
    out
}
