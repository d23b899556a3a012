use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(precision = 100)]
fn too_precise(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
