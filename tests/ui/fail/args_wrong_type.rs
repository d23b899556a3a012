use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [1, "two", 3])]
fn wrong_type(b: &mut Bencher, n: usize) {
    b.iter(|| n + 1);
}

qudag_bench::main!();
