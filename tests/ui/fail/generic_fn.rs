use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
fn generic<T: Default>(b: &mut Bencher) {
    b.iter(T::default);
}

qudag_bench::main!();
