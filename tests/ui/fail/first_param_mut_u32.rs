use qudag_bench::qudag_bench;

#[qudag_bench]
fn counter(n: &mut u32) {
    *n += 1;
}

qudag_bench::main!();
