use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(ignore = 1)]
fn ignored(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
