//! Names and literals that must not trip up the expansion.
use qudag_bench::{Bencher, qudag_bench};

// Names differing only in case get distinct entries.
#[qudag_bench]
fn keygen(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[allow(non_snake_case)]
#[qudag_bench]
fn KEYGEN(b: &mut Bencher) {
    b.iter(|| 2 + 2);
}

// A raw identifier is registered without its `r#`.
#[qudag_bench]
fn r#loop(b: &mut Bencher) {
    b.iter(|| 3 + 3);
}

// Suffixed literals are taken for their value.
#[qudag_bench(
    samples = 10u64,
    warmup_time = 1.5f32,
    measure_time = 1_000,
    timeout = 2e1
)]
fn suffixed(b: &mut Bencher) {
    b.iter(|| 4 + 4);
}

// A benchmark declared inside a function body.
fn _scope() {
    #[qudag_bench]
    fn local(b: &mut Bencher) {
        b.iter(|| 5 + 5);
    }
}

qudag_bench::main!();
