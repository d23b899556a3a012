//! The peer workloads under qudag-bench, default settings.
use qudag_bench::{Bencher, black_box, qudag_bench};

#[qudag_bench]
fn empty(b: &mut Bencher) {
    b.iter(|| {});
}

#[qudag_bench]
fn cpu_50ns(b: &mut Bencher) {
    b.iter(|| peers::mix(black_box(&peers::SHORT)));
}

#[qudag_bench]
fn cpu_20us(b: &mut Bencher) {
    b.iter(|| peers::mix(black_box(&peers::LONG)));
}

qudag_bench::main!();
