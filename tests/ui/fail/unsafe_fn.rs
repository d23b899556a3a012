use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
unsafe fn dangerous(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
