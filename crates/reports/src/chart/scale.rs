//! Value axes: "nice" ticks (steps of 1, 2 or 5 times a power of ten) and a linear scale.

/// The ticks of a value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// The distance between ticks: 1, 2 or 5 times a power of ten.
    pub step: f64,
    /// From the first tick at or below the smallest value to the first at or above the largest.
    pub values: Vec<f64>,
    /// Decimal places the step needs (0 for a step of 1 or more).
    pub decimals: usize,
}

impl Ticks {
    /// The first tick (the axis start).
    pub fn first(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }

    /// The last tick (the axis end).
    pub fn last(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }
}

/// About `target` ticks (at least 2 intervals are not promised: at most `target`) covering
/// `lo..=hi` with a step of 1, 2 or 5 × 10ⁿ. An empty or reversed range becomes `lo..=lo + 1`
/// (so all-zero data gets the axis 0–1); values that are not finite count as 0.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let lo = if lo.is_finite() { lo } else { 0.0 };
    let hi = if hi.is_finite() { hi } else { 0.0 };
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let target = target.clamp(1, 20) as f64;
    let raw = (hi - lo) / target;
    let mut exponent = raw.log10().floor();
    let mut multiple = 10.0;
    for m in [1.0, 2.0, 5.0, 10.0] {
        if (hi - lo) / (m * 10f64.powf(exponent)) <= target + 1e-9 {
            multiple = m;
            break;
        }
    }
    if multiple >= 10.0 {
        multiple = 1.0;
        exponent += 1.0;
    }
    let step = multiple * 10f64.powf(exponent);
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small non-negative exponent")]
    let decimals = if exponent < 0.0 { (-exponent) as usize } else { 0 };
    // Tick k is k × step; rounding to the step's decimals keeps 0.1 + 0.2 from showing.
    let tolerance = 1e-9;
    let first = (lo / step + tolerance).floor();
    let last = (hi / step - tolerance).ceil();
    let factor = 10f64.powi(i32::try_from(decimals).unwrap_or(0));
    let mut values = Vec::new();
    let mut k = first;
    while k <= last + 0.5 {
        let v = ((k * step) * factor).round() / factor + 0.0;
        values.push(v);
        k += 1.0;
    }
    Ticks { step, values, decimals }
}

/// Maps a value range onto a pixel range, linearly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub(crate) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span.abs() < f64::EPSILON {
            return self.r0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step is 1, 2 or 5 × 10ⁿ, every tick a multiple of it, and the ticks cover the range.
    fn check(lo: f64, hi: f64, target: usize) -> Ticks {
        let t = nice_ticks(lo, hi, target);
        let mantissa = t.step / 10f64.powf(t.step.log10().floor());
        assert!(
            [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
            "step {} of {lo}..{hi} is not 1-2-5",
            t.step
        );
        for v in &t.values {
            let k = v / t.step;
            assert!((k - k.round()).abs() < 1e-6, "tick {v} not a multiple of {}", t.step);
        }
        assert!(t.first() <= lo.min(hi) + 1e-9 && t.last() >= hi - 1e-9, "{t:?} does not cover {lo}..{hi}");
        assert!(t.values.len() <= target + 2, "{t:?}: too many ticks for {target}");
        t
    }

    #[test]
    fn ticks_are_one_two_five_and_cover_the_range() {
        assert_eq!(check(0.0, 100.0, 5).values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(check(0.0, 9_876.0, 5).values, vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10_000.0]);
        assert_eq!(check(0.0, 0.7, 4).values, vec![0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(check(0.0, 0.7, 4).decimals, 1);
        assert_eq!(check(-35.0, 120.0, 5).values.first(), Some(&-50.0));
        assert_eq!(check(0.0, 0.0, 5).values.last(), Some(&1.0));
        for (lo, hi) in [(0.0, 1.0), (0.0, 3.0), (0.0, 47.0), (12.0, 13.5), (-0.003, 0.0), (0.0, 1e9), (3.0, 3.0)] {
            for target in [2, 3, 5, 8] {
                check(lo, hi, target);
            }
        }
        assert_eq!(nice_ticks(f64::NAN, f64::INFINITY, 5).values.last(), Some(&1.0));
    }
}
