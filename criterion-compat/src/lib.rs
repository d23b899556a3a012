//! criterion's API on the qudag-bench harness. A crate whose benchmarks are written for
//! criterion 0.5 (or 0.8) switches by renaming one dependency, and no bench file changes:
//!
//! ```toml
//! [dev-dependencies]
//! criterion = { package = "qudag-bench-criterion", version = "0.1", features = ["async_tokio"] }
//! ```
//!
//! Each `bench_function` and `bench_with_input` offers one benchmark to the harness
//! ([`qudag_bench::runtime`]) under criterion's own id (`group/function/parameter`), so
//! filters, baselines and the history key on the names the team knows, and everything the
//! harness does (`--list`, test mode, the JSON report, baselines and the gate, `qudag-bench
//! ab`, `--instructions`) works on them. A panic in one benchmark fails that benchmark; the
//! others still run.
//!
//! What is not applied, and why: criterion's `sample_size`, `measurement_time`,
//! `warm_up_time`, `nresamples`, `sampling_mode`, confidence and significance levels and
//! plot settings are accepted and leave qudag-bench's plan as it is. That plan reaches its
//! interval in well under a second per benchmark, where a group's `measurement_time(10 s)`
//! would make the run ten times longer and `sample_size(10)` would stretch each sample past
//! the machine's interruptions. On the command line, `--sample-size`, `--warm-up-time` and
//! `--measurement-time` are applied (there the user asks for them), and the config file sets
//! any benchmark's plan. docs/criterion.md has the whole table.
#![warn(missing_docs)]

mod args;
#[cfg(feature = "async")]
mod async_bencher;
mod bencher;
mod criterion;
mod group;
mod id;
pub mod measurement;
mod settings;

/// criterion's `async_executor` module: what `Bencher::to_async` accepts.
#[cfg(feature = "async")]
pub mod async_executor;

#[cfg(feature = "async")]
pub use async_bencher::AsyncBencher;
pub use bencher::Bencher;
pub use criterion::Criterion;
pub use group::BenchmarkGroup;
pub use id::{BenchmarkId, IntoBenchmarkId};
pub use settings::Throughput;
pub use settings::{AxisScale, BatchSize, PlotConfiguration, PlottingBackend, SamplingMode};
pub use std::hint::black_box;

/// Defines a function `$name` that runs the benchmark functions `$target` with one
/// [`Criterion`] (criterion's macro, in both of its forms).
#[macro_export]
macro_rules! criterion_group {
    (name = $name:ident; config = $config:expr; targets = $( $target:path ),+ $(,)*) => {
        pub fn $name() {
            let mut criterion: $crate::Criterion<_> = $config.configure_from_args();
            $( $target(&mut criterion); )+
        }
    };
    ($name:ident, $( $target:path ),+ $(,)*) => {
        $crate::criterion_group! {
            name = $name;
            config = $crate::Criterion::default();
            targets = $( $target ),+
        }
    };
}

/// Defines the bench target's `main`: the qudag-bench harness, with the benchmarks the
/// groups offer.
#[macro_export]
macro_rules! criterion_main {
    ( $( $group:path ),+ $(,)* ) => {
        fn main() {
            $crate::__private::main(
                $crate::__private::BenchTarget {
                    crate_name: ::core::env!("CARGO_CRATE_NAME"),
                    manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                    debug_assertions: ::core::cfg!(debug_assertions),
                },
                &[ $( $group ),+ ],
            )
        }
    };
}

/// What the macros' expansions call. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use qudag_bench::harness::BenchTarget;

    /// Runs the harness on `groups` with the process's arguments, criterion's flags
    /// translated.
    pub fn main(target: BenchTarget, groups: &[fn()]) -> ! {
        let mut t = crate::args::translate(std::env::args_os().collect());
        for note in &t.notes {
            eprintln!("{note}");
        }
        if let Some(name) = t.lenient {
            lenient(&mut t.args, name, target.crate_name);
        }
        qudag_bench::harness::main_with(target, groups, t.args)
    }

    /// `--baseline-lenient NAME`: compare with the baseline if this target has one, else run
    /// without a comparison (criterion's lenient mode), saying so.
    fn lenient(args: &mut Vec<std::ffi::OsString>, name: std::ffi::OsString, target: &str) {
        let home = qudag_bench::store::paths::home();
        let path = qudag_bench::store::baseline::path(&home, &name.to_string_lossy(), target);
        if path.is_file() {
            // Right after the program name: anything after a `--` would be a FILTER.
            let at = args.len().min(1);
            args.splice(at..at, ["--baseline".into(), name]);
        } else {
            eprintln!(
                "note: --baseline-lenient: no baseline `{}` for {target} yet ({}); measuring \
                 without a comparison",
                name.to_string_lossy(),
                path.display()
            );
        }
    }
}
