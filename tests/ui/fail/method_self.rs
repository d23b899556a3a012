use qudag_bench::{Bencher, qudag_bench};

struct Suite;

impl Suite {
    #[qudag_bench]
    fn run(&self, b: &mut Bencher) {
        b.iter(|| 1 + 1);
    }
}

qudag_bench::main!();
