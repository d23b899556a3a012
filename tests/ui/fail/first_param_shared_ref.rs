use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
fn shared(b: &Bencher) {
    let _ = b;
}

qudag_bench::main!();
