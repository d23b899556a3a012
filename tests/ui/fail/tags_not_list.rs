use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(tags = "fast")]
fn single_tag(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
