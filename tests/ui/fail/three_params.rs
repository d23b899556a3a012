use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [1])]
fn three(b: &mut Bencher, n: usize, m: usize) {
    b.iter(|| n + m);
}

qudag_bench::main!();
