use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(measure_time = -1)]
fn negative(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
