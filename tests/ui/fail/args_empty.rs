use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [])]
fn no_args(b: &mut Bencher, n: usize) {
    b.iter(|| n + 1);
}

qudag_bench::main!();
