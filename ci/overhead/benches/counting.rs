//! The shared benchmarks with qudag-bench's counting allocator installed.
#[global_allocator]
static ALLOC: qudag_bench::CountingAlloc = qudag_bench::CountingAlloc::new();

include!("../src/benches.rs");

qudag_bench::main!();
