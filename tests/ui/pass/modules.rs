//! Benchmarks in nested modules, and functions of the same name in different modules.
use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench]
fn keygen(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

mod ml_kem {
    use qudag_bench::{Bencher, qudag_bench};

    #[qudag_bench]
    fn keygen(b: &mut Bencher) {
        b.iter(|| 2 + 2);
    }

    pub mod inner {
        use qudag_bench::{Bencher, qudag_bench};

        #[qudag_bench(args = [1, 2])]
        pub fn keygen(b: &mut Bencher, n: u8) {
            b.iter(|| n + 1);
        }

        #[qudag_bench]
        fn plain() -> u8 {
            3
        }
    }
}

mod ml_dsa {
    #[qudag_bench::qudag_bench(suite = "sign")]
    fn keygen(b: &mut qudag_bench::Bencher) {
        b.iter(|| 3 + 3);
    }
}

// The annotated function stays an ordinary item that can be named and called.
const _: fn(&mut Bencher, u8) = ml_kem::inner::keygen;

qudag_bench::main!();
