use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
fn missing_args(b: &mut Bencher, n: usize) {
    b.iter(|| n + 1);
}

qudag_bench::main!();
