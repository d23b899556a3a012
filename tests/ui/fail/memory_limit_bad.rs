use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(memory_limit = "512 parsecs")]
fn odd_unit(b: &mut Bencher) {
    b.iter(|| 1);
}

#[qudag_bench(memory_limit = "1MiB")]
fn too_small(b: &mut Bencher) {
    b.iter(|| 1);
}

#[qudag_bench(open_files = 3, isolate = "yes")]
fn few_files(b: &mut Bencher) {
    b.iter(|| 1);
}

qudag_bench::main!();
