use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(suite = "a", samples = 10, suite = "b")]
fn twice(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
