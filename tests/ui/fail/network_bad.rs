use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(network = "off")]
fn unknown_value(b: &mut Bencher) {
    b.iter(|| 1);
}

qudag_bench::main!();
