//! The peer workloads under divan, default settings.
use std::hint::black_box;

#[divan::bench]
fn empty(b: divan::Bencher) {
    b.bench(|| {});
}

#[divan::bench]
fn cpu_50ns(b: divan::Bencher) {
    b.bench(|| peers::mix(black_box(&peers::SHORT)));
}

#[divan::bench]
fn cpu_20us(b: divan::Bencher) {
    b.bench(|| peers::mix(black_box(&peers::LONG)));
}

fn main() {
    divan::main();
}
