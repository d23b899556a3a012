//! Every function form the attribute accepts.
use qudag_bench::{Bencher, black_box, qudag_bench};

#[qudag_bench]
fn with_bencher(b: &mut Bencher) {
    b.iter(|| black_box(2u64).pow(10));
}

#[qudag_bench(args = [1, 64, 1024])]
fn with_int_arg(b: &mut Bencher, len: usize) {
    b.iter(|| vec![0u8; black_box(len)]);
}

#[qudag_bench(args = ["ab", "abcd"])]
fn with_str_arg(b: &mut Bencher, s: &str) {
    b.iter(|| black_box(s).chars().rev().collect::<String>());
}

#[qudag_bench(args = [-1, 0, 1])]
fn with_signed_arg(b: &mut Bencher, n: i32) {
    b.iter(|| black_box(n).abs());
}

#[qudag_bench]
fn plain_returning() -> u64 {
    black_box(20u64).pow(2)
}

#[qudag_bench]
fn plain_unit() {
    black_box(1 + 1);
}

// The parameters may have any pattern.
#[qudag_bench(args = [1, 2])]
fn patterns(bencher: &mut Bencher, mut n: u32) {
    n += 1;
    bencher.iter(|| black_box(n) * 2);
}

qudag_bench::main!();
