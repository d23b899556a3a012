use qudag_bench::{Bencher, black_box, qudag_bench};

/// One 1 KiB allocation and free per iteration.
#[qudag_bench]
fn vec_1k(b: &mut Bencher) {
    b.iter(|| black_box(vec![7u8; 1024]));
}

/// One small allocation and free per iteration.
#[qudag_bench]
fn box_u64(b: &mut Bencher) {
    b.iter(|| black_box(Box::new(black_box(42u64))));
}

/// Growing a Vec to 4 KiB: one allocation, reallocations, one free.
#[qudag_bench]
fn vec_push_4k(b: &mut Bencher) {
    b.iter(|| {
        let mut v = Vec::new();
        for i in 0..4096u32 {
            v.push(i as u8);
        }
        black_box(v)
    });
}

/// CPU-bound, no allocation: ~100 us per iteration.
#[qudag_bench]
fn fib(b: &mut Bencher) {
    b.iter(|| qudag_bench_overhead::fib(black_box(22)));
}
