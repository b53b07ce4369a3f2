//! A small deterministic random generator for the demo data.
//!
//! SplitMix64 (Steele, Lea and Flood, 2014), written here rather than taken from the `rand`
//! crates: their algorithms and value-mapping helpers may change between versions, and the
//! demo promises that the same seed gives byte-identical files forever. Everything below uses
//! integer arithmetic or exactly specified IEEE operations, so it is also the same on every
//! platform.

/// SplitMix64 state.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent stream for one part of the data, so that adding draws to one part
    /// (say, more directory noise) does not reshuffle the others.
    pub fn stream(seed: u64, label: &str) -> Rng {
        // FNV-1a of the label, mixed with the seed through one SplitMix64 step.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in label.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut mixer = Rng::new(seed ^ hash);
        Rng::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by Lemire's multiply-shift; the bias is below 2⁻³².
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// An index in `0..n` (`n` > 0).
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high);
        low + self.below((high - low + 1) as u64) as i64
    }

    /// True with probability `p` (0 ≤ p ≤ 1).
    pub fn chance(&mut self, p: f64) -> bool {
        // 53 random bits give an exactly representable fraction in [0, 1).
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index drawn with probability proportional to its weight; at least one weight > 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        debug_assert!(total > 0);
        let mut target = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if target < u64::from(w) {
                return i;
            }
            target -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_splitmix64_output() {
        // First outputs of SplitMix64 seeded with 0 (reference C implementation).
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn stays_in_bounds_and_is_repeatable() {
        let mut a = Rng::stream(42, "factures");
        let mut b = Rng::stream(42, "factures");
        let mut c = Rng::stream(42, "clients");
        let xs: Vec<i64> = (0..1000).map(|_| a.range(-3, 7)).collect();
        let ys: Vec<i64> = (0..1000).map(|_| b.range(-3, 7)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| (-3..=7).contains(x)));
        assert!((-3..=7).all(|v| xs.contains(&v)));
        assert_ne!(a.next_u64(), c.next_u64());
        let picks = (0..1000).filter(|_| a.weighted(&[1, 0, 3]) == 1).count();
        assert_eq!(picks, 0);
    }
}
