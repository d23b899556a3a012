use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(sample = 3)]
fn typo(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
