use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
async fn asynchronous(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
