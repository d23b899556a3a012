//! The peer workloads under criterion, default settings.
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    c.bench_function("empty", |b| b.iter(|| {}));
    c.bench_function("cpu_50ns", |b| {
        b.iter(|| peers::mix(black_box(&peers::SHORT)))
    });
    c.bench_function("cpu_20us", |b| {
        b.iter(|| peers::mix(black_box(&peers::LONG)))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
