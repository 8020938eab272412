//! A tiny deterministic random number generator: xoshiro256** seeded with SplitMix64.
//!
//! Dependency-free and identical on every platform (integer arithmetic only; the float helpers
//! use exact conversions), so a seed always gives the same census.

/// SplitMix64 step: the standard seeding generator for the xoshiro family.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64 bits: turns stream labels and ISTAT codes into seed material.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3))
}

/// xoshiro256** (Blackman & Vigna), period 2^256 − 1.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for `seed`, independent of the other streams: each step of the generator
    /// draws from its own stream (`label`, and for per-comune details the ISTAT code), so
    /// changing one step does not shift the draws of the others.
    pub(crate) fn stream(seed: u64, label: &str, key: &str) -> Self {
        let mut sm = seed ^ fnv1a(label).rotate_left(17) ^ fnv1a(key).rotate_left(41);
        let mut s = [0; 4];
        for x in &mut s {
            *x = splitmix64(&mut sm);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Self { s }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub(crate) fn f64(&mut self) -> f64 {
        // A 53-bit integer converts to f64 exactly.
        #[expect(clippy::cast_precision_loss, reason = "53-bit value, exact")]
        let x = (self.next_u64() >> 11) as f64;
        x * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    pub(crate) fn f64_open0(&mut self) -> f64 {
        1.0 - self.f64()
    }

    /// Uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        let span = u64::from(hi - lo) + 1;
        // Lemire's multiply-shift; the bias (span / 2^64) is negligible here.
        let r = ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u64;
        lo + u32::try_from(r).unwrap_or(0)
    }

    /// Uniform index below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let r = (u128::from(self.next_u64()) * n as u128) >> 64;
        usize::try_from(r).unwrap_or(0)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// A uniformly chosen element (`None` for an empty slice).
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }
}

/// Picks `k` of `candidates` without replacement, each with probability proportional to its
/// weight at every draw (Efraimidis–Spirakis: the `k` largest `ln(u) / w`). Returns the chosen
/// items in candidate order, or `None` if fewer than `k` candidates have a positive weight.
pub(crate) fn weighted_sample(rng: &mut Rng, candidates: &[(usize, f64)], k: usize) -> Option<Vec<usize>> {
    let mut keyed: Vec<(f64, usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| *w > 0.0 && w.is_finite())
        .map(|(pos, &(item, w))| (rng.f64_open0().ln() / w, pos, item))
        .collect();
    if keyed.len() < k {
        return None;
    }
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.truncate(k);
    keyed.sort_by_key(|&(_, pos, _)| pos);
    Some(keyed.into_iter().map(|(_, _, item)| item).collect())
}

/// Splits `total` into integers proportional to `weights`, each at least `min`, summing exactly
/// to `total` (largest remainders; ties to the earlier item). `None` when `total` is smaller than
/// `min × weights.len()` or a weight is not positive.
pub(crate) fn apportion(total: u32, weights: &[f64], min: u32) -> Option<Vec<u32>> {
    let n = u32::try_from(weights.len()).ok()?;
    let floor_total = min.checked_mul(n)?;
    let spare = total.checked_sub(floor_total)?;
    if weights.iter().any(|w| !(*w > 0.0 && w.is_finite())) {
        return None;
    }
    if weights.is_empty() {
        return (total == 0).then(Vec::new);
    }
    let sum: f64 = weights.iter().sum();
    let shares: Vec<f64> = weights.iter().map(|w| w / sum * f64::from(spare)).collect();
    let mut out: Vec<u32> = shares.iter().map(|s| min + float_floor_u32(*s)).collect();
    let given: u32 = out.iter().sum();
    let mut left = total.checked_sub(given)?;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = shares[a] - shares[a].floor();
        let fb = shares[b] - shares[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut i = 0;
    while left > 0 {
        let idx = order[i % order.len()];
        out[idx] += 1;
        left -= 1;
        i += 1;
    }
    Some(out)
}

/// `floor(x)` as `u32`, saturating (0 for negative or NaN).
pub(crate) fn float_floor_u32(x: f64) -> u32 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "range checked above")]
        let v = x.floor() as u32;
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<u64> = (0..4).scan(Rng::stream(7, "x", "1"), |r, _| Some(r.next_u64())).collect();
        let b: Vec<u64> = (0..4).scan(Rng::stream(7, "x", "1"), |r, _| Some(r.next_u64())).collect();
        let c: Vec<u64> = (0..4).scan(Rng::stream(7, "y", "1"), |r, _| Some(r.next_u64())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn ranges_and_floats_stay_in_bounds() {
        let mut r = Rng::stream(1, "t", "");
        for _ in 0..10_000 {
            let x = r.f64();
            assert!((0.0..1.0).contains(&x));
            let y = r.range(3, 9);
            assert!((3..=9).contains(&y));
            assert!(r.below(5) < 5);
            assert!(r.f64_open0() > 0.0);
        }
    }

    #[test]
    fn apportion_is_exact_and_respects_the_minimum() {
        let parts = apportion(7_000, &[1.0, 2.0, 3.5, 0.1], 5);
        assert_eq!(parts.as_ref().map(|p| p.iter().sum::<u32>()), Some(7_000));
        assert!(parts.is_some_and(|p| p.iter().all(|&x| x >= 5)));
        assert_eq!(apportion(3, &[1.0, 1.0], 2), None);
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0], 0), Some(vec![4, 3, 3]));
    }

    #[test]
    fn weighted_sample_takes_k_distinct_items() {
        let mut r = Rng::stream(3, "w", "");
        let cands: Vec<(usize, f64)> = (0..100).map(|i| (i, 1.0 + f64::from(u32::try_from(i).unwrap_or(0)))).collect();
        let s = weighted_sample(&mut r, &cands, 30).unwrap_or_default();
        assert_eq!(s.len(), 30);
        let mut d = s.clone();
        d.dedup();
        assert_eq!(d.len(), 30, "sorted and distinct");
        assert!(weighted_sample(&mut r, &cands, 101).is_none());
    }
}
