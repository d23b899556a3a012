use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(timeout = 0)]
fn no_time(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
