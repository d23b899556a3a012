use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(measure_time = "1s")]
fn string_time(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
