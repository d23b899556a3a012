use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [1])]
fn number_first(n: u32, b: &mut Bencher) {
    let _ = (n, b);
}

qudag_bench::main!();
