use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(threads = [1, 2, 2])]
fn counts(b: &mut Bencher) {
    b.iter_parallel(|| 1 + 1);
}

qudag_bench::main!();
