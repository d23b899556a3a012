//! The shared benchmarks with the default (system) allocator.
include!("../src/benches.rs");

qudag_bench::main!();
