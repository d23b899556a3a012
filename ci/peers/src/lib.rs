//! The workloads that every tool in `benches/` measures: `cpu_50ns` is `mix(&SHORT)`, `cpu_20us`
//! is `mix(&LONG)`, each input passed through `black_box`; `empty` is a closure with an empty
//! body, written in each bench file.
//!
//! `mix` is a serial chain of multiply/xor-shift rounds over a slice of words: its time is set by
//! latency, and it cannot be vectorized or folded away while its input is opaque. It is
//! `#[inline(never)]` so that every tool calls the very same machine code. Back-to-back calls on
//! short inputs partly overlap in the CPU's out-of-order window, so the time is not quite linear
//! in the length at the short end. The two lengths were chosen on the project's 2-vCPU machine to
//! land near 50 ns and 20 us per call.

/// Words hashed by the ~50 ns workload.
pub const SHORT_LEN: usize = 48;
/// Words hashed by the ~20 us workload.
pub const LONG_LEN: usize = 12_300;

/// Input of the ~50 ns workload.
pub static SHORT: [u64; SHORT_LEN] = words::<SHORT_LEN>();
/// Input of the ~20 us workload.
pub static LONG: [u64; LONG_LEN] = words::<LONG_LEN>();

/// Deterministic, non-trivial input words (an LCG sequence), built at compile time.
const fn words<const N: usize>() -> [u64; N] {
    let mut out = [0u64; N];
    let mut state: u64 = 0x0123_4567_89ab_cdef;
    let mut i = 0;
    while i < N {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out[i] = state;
        i += 1;
    }
    out
}

/// Hashes `data` with one dependent multiply/xor-shift round per word.
#[inline(never)]
pub fn mix(data: &[u64]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for &w in data {
        h = (h ^ w).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 31;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_is_deterministic_and_input_dependent() {
        assert_eq!(mix(&SHORT), mix(&SHORT));
        assert_ne!(mix(&SHORT), mix(&SHORT[1..]));
        assert_ne!(mix(&LONG), mix(&SHORT));
    }
}
