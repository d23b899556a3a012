use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(std::samples = 3)]
fn path(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
