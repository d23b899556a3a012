//! qudag-bench: the benchmark harness for QuDAG crates.
//!
//! Annotate functions with [`qudag_bench`](macro@qudag_bench), end the bench target with [`main!`], set
//! `harness = false` for it in `Cargo.toml`, and run `cargo bench`:
//!
//! ```no_run
//! use qudag_bench::{Bencher, black_box, qudag_bench};
//!
//! #[qudag_bench(suite = "crypto", tags = ["fast"])]
//! fn sum(b: &mut Bencher) {
//!     let data: Vec<u64> = (0..1000).collect(); // setup, not timed
//!     b.iter(|| black_box(&data).iter().sum::<u64>());
//! }
//!
//! #[qudag_bench(args = [64, 1024])] // ids `len/64` and `len/1024`
//! fn len(b: &mut Bencher, n: usize) {
//!     b.throughput_bytes(n as u64);
//!     b.iter(|| vec![0u8; n]);
//! }
//!
//! #[qudag_bench]
//! fn plain() -> u64 { black_box(20u64).pow(2) } // timed as `b.iter(plain)`
//!
//! qudag_bench::main!();
//! ```
//!
//! Attribute options: `name = "..."`, `suite = "..."`, `tags = [..]`, `args = [..]`,
//! `samples = N`, `warmup_time = SECS`, `measure_time = SECS`, `timeout = SECS`, `ignore`.
#![warn(missing_docs)]

// Lets the attribute's `::qudag_bench::...` paths resolve inside this crate's own tests.
extern crate self as qudag_bench;

pub mod schema;

// The rest is public so that the `qudag-bench` command and the tests can reach it; it is not
// part of the documented API and may change in any release.
#[doc(hidden)]
pub mod ab;
#[doc(hidden)]
pub mod analyze;
#[doc(hidden)]
pub mod bencher;
mod channel;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod config;
#[doc(hidden)]
pub mod error;
#[doc(hidden)]
pub mod escape;
#[doc(hidden)]
pub mod executor;
#[doc(hidden)]
pub mod exit;
#[doc(hidden)]
pub mod gate;
#[doc(hidden)]
pub mod harness;
#[doc(hidden)]
pub mod measure;
#[doc(hidden)]
pub mod notify;
#[doc(hidden)]
pub mod registry;
#[doc(hidden)]
pub mod report;
pub mod requires;
pub mod runtime;
#[doc(hidden)]
pub mod stats;
#[doc(hidden)]
pub mod store;
mod timestamp;

pub use bencher::{Bencher, Inputs};
pub use executor::Executor;
pub use measure::alloc::CountingAlloc;
pub use measure::metrics::Metrics;
pub use qudag_bench_macros::qudag_bench;
pub use schema::Throughput;
pub use std::hint::black_box;

/// Defines the bench target's `main`, which runs every registered benchmark.
///
/// Put `qudag_bench::main!();` once at the end of each bench target (`harness = false`).
#[macro_export]
macro_rules! main {
    () => {
        fn main() {
            $crate::harness::main($crate::harness::BenchTarget {
                crate_name: ::core::env!("CARGO_CRATE_NAME"),
                manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                debug_assertions: ::core::cfg!(debug_assertions),
            })
        }
    };
}

/// Items the `#[qudag_bench]` expansion refers to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{
        AttrOptions, BENCHMARKS, BenchEntry, BenchFn, NetworkAccess, Requirement, ResourceLimits,
        arg_names, run_with_arg,
    };
    pub use linkme;
}
