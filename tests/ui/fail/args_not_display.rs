use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [vec![1u8], vec![2u8, 3]])]
fn vectors(b: &mut Bencher, v: Vec<u8>) {
    b.iter(|| v.len());
}

qudag_bench::main!();
