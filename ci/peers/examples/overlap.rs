//! Why the ~50 ns workload disagrees between short and long timed loops when the ~20 us one
//! barely does (docs/accuracy.md): `peers::mix`'s rounds on the short input, with a seed folded
//! into the starting state, timed two ways.
//!
//! - `independent`: back-to-back calls on the same input, as every tool's benchmark loop makes
//!   them. Consecutive calls do not depend on each other, so the CPU overlaps them in its
//!   out-of-order window.
//! - `dependent`: each call's input seed is the previous call's result, so calls run strictly
//!   one after another, latency-bound like the long workload.
//!
//! Each is timed in 100 us chunks (the median, and the 75th and 90th percentiles, over 2,000
//! chunks) and in three loops of about 1 s (their median). Usage: `overlap [ROUNDS]` (default 6).
//! Prints one line per round and way.
use std::hint::black_box;
use std::time::Instant;

/// The rounds of `peers::mix`, starting from a state that depends on `seed`, so that the
/// dependent way can chain calls through it.
#[inline(never)]
fn mix_seeded(seed: u64, data: &[u64]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed;
    for &w in data {
        h = (h ^ w).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 31;
    }
    h
}

fn chunk(dependent: bool, n: u64) -> f64 {
    let start = Instant::now();
    if dependent {
        let mut h = 0u64;
        for _ in 0..n {
            h = mix_seeded(h & 1, black_box(&peers::SHORT[..]));
        }
        black_box(h);
    } else {
        for _ in 0..n {
            black_box(mix_seeded(0, black_box(&peers::SHORT[..])));
        }
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("ROUNDS must be a number"))
        .unwrap_or(6);
    let warm = Instant::now();
    while warm.elapsed().as_millis() < 300 {
        chunk(false, 10_000);
    }
    for round in 0..rounds {
        for dependent in [false, true] {
            let per_call = chunk(dependent, 20_000);
            let n = ((100_000.0 / per_call) as u64).max(1);
            let mut short: Vec<f64> = (0..2000).map(|_| chunk(dependent, n)).collect();
            short.sort_by(f64::total_cmp);
            let mut long: Vec<f64> = (0..3).map(|_| chunk(dependent, n * 10_000)).collect();
            long.sort_by(f64::total_cmp);
            let (median, long_median) = (quantile(&short, 0.5), long[1]);
            println!(
                "round {round} {:<11} 100us chunks: median {median:.2} ns, p75 {:.2}, p90 {:.2}; \
                 1 s loop {long_median:.2} ns; median / 1 s loop {:.4}",
                if dependent {
                    "dependent"
                } else {
                    "independent"
                },
                quantile(&short, 0.75),
                quantile(&short, 0.9),
                median / long_median
            );
        }
    }
}
