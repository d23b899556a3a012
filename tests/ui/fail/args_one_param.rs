use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(args = [1, 2])]
fn no_param_for_args(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

qudag_bench::main!();
