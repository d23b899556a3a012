//! The benchmarks shared by both bench targets (included into each with `include!`, since
//! `#[qudag_bench]` registers functions of the bench target itself).

/// Naive Fibonacci: CPU-bound, no allocation.
pub fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}
