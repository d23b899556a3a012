//! qudag-bench measuring itself: the cost of the statistics run after every benchmark
//! (summary, bootstrap CIs of mean and median, Tukey outliers). The design caps it at 50 ms.

use qudag_bench::{Bencher, black_box, qudag_bench};

/// Timing-like samples: a 250 ns body with a 5% exponential-ish tail, deterministic.
fn samples(n: usize) -> Vec<f64> {
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|i| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let u = (rng >> 11) as f64 / (1u64 << 53) as f64;
            if i % 20 == 0 {
                250.0 - 60.0 * (1.0 - u).ln()
            } else {
                245.0 + 10.0 * u
            }
        })
        .collect()
}

#[qudag_bench(args = [100, 1000, 10000], tags = ["stats"])]
fn analyze(b: &mut Bencher, n: usize) {
    let data = samples(n);
    b.iter(|| qudag_bench::stats::analyze(black_box(&data)));
}

qudag_bench::main!();
