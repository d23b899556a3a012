use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(samples = 1)]
fn one_sample(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
