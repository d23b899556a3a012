//! Workloads of the A/B gate study, each with a fractional amount of extra work set at
//! compile time by `GATE_PANEL_SLOWDOWN_BP` (basis points: 100 = 1% more of the workload's own
//! unit of work per iteration, 0 or unset = none). The extra work is spread evenly: every
//! iteration adds its share to an accumulator and the whole units due are added to that
//! iteration's own count (more rounds, hops or allocations in the same call), so base and head
//! run the same code with different counts.

use std::hint::black_box;

/// The injected slowdown in basis points.
pub const SLOWDOWN_BP: u64 = parse(option_env!("GATE_PANEL_SLOWDOWN_BP"));

const fn parse(v: Option<&str>) -> u64 {
    let Some(s) = v else { return 0 };
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0u64;
    while i < b.len() {
        assert!(
            b[i].is_ascii_digit(),
            "GATE_PANEL_SLOWDOWN_BP must be an integer"
        );
        n = n * 10 + (b[i] - b'0') as u64;
        i += 1;
    }
    n
}

/// Extra work per iteration, in thousandths of a unit, for a workload of `units` units.
/// Opaque to the optimiser, so that every build has the same machine code apart from this
/// value: with a constant 0 the base build's loop compiled differently and ran 6% faster
/// than the heads' (the first run of the study).
pub fn extra_milli(units: u64) -> u64 {
    std::hint::black_box(units * SLOWDOWN_BP / 10)
}

/// The whole units of extra work due in this iteration.
#[inline(always)]
pub fn due(acc: &mut u64, extra_milli: u64) -> u64 {
    *acc += extra_milli;
    let whole = *acc / 1000;
    *acc -= whole * 1000;
    whole
}

/// `rounds` dependent multiply/xor-shift rounds: CPU-bound, about 1 ns each.
#[inline(never)]
pub fn mix(seed: u64, rounds: u64) -> u64 {
    let mut x = seed;
    for _ in 0..black_box(rounds) {
        x ^= x >> 29;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    x
}

/// A single random cycle through `len` slots (Sattolo's algorithm), for pointer chasing.
pub fn random_cycle(len: usize, seed: u64) -> Vec<u32> {
    let mut next: Vec<u32> = (0..len as u32).collect();
    let mut s = seed | 1;
    for i in (1..len).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let j = (s % i as u64) as usize;
        next.swap(i, j);
    }
    next
}

/// Follows `hops` links from `at`.
#[inline(never)]
pub fn chase(next: &[u32], at: u32, hops: u64) -> u32 {
    let mut i = at;
    for _ in 0..black_box(hops) {
        i = next[i as usize];
    }
    i
}

/// Allocates, touches and frees `count` buffers of varying sizes (16 B to 2 KiB).
#[inline(never)]
pub fn allocate(count: u64, start: usize) -> usize {
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(count as usize);
    for k in 0..count as usize {
        let size = 16 << ((start + k) % 8);
        let mut v = Vec::with_capacity(size);
        v.push(k as u8);
        kept.push(black_box(v));
    }
    kept.iter().map(|v| v.capacity()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_visits_every_slot() {
        let next = random_cycle(1000, 7);
        let mut seen = vec![false; 1000];
        let mut i = 0u32;
        for _ in 0..1000 {
            assert!(!seen[i as usize]);
            seen[i as usize] = true;
            i = next[i as usize];
        }
        assert_eq!(i, 0);
    }

    #[test]
    fn padding_spreads_fractions_evenly() {
        let mut acc = 0;
        let units: u64 = (0..1000).map(|_| due(&mut acc, 80)).sum();
        assert_eq!(units, 80);
        let mut acc = 0;
        assert_eq!(due(&mut acc, 2500), 2);
        assert_eq!(due(&mut acc, 2500), 3);
        assert_eq!(parse(Some("250")), 250);
        assert_eq!(parse(None), 0);
    }
}
