use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(samples = "x")]
fn string_samples(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
