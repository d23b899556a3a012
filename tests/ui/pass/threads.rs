use qudag_bench::{Bencher, qudag_bench};
use std::sync::atomic::{AtomicU64, Ordering};

#[qudag_bench(threads = [1, 2, 0])]
fn shared_counter(b: &mut Bencher) {
    let counter = AtomicU64::new(0);
    b.iter_parallel(|| counter.fetch_add(1, Ordering::Relaxed));
}

#[qudag_bench(args = [8, 16], threads = [2])]
fn with_args(b: &mut Bencher, n: u64) {
    b.iter_parallel(|| (0..n).sum::<u64>());
}

qudag_bench::main!();
