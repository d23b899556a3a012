//! The bench binary's `main`: parse the command line, load the configuration, select
//! benchmarks, then list them, smoke-test them (test mode) or measure them (bench mode).

mod ab_confirm;
mod ab_mode;
mod bench_mode;
mod callgrind_mode;
mod exec;
pub mod exit_guard;
mod gating;
mod host_runs;
mod isolate;
mod journal;
mod list;
mod outputs;
mod panic_hook;
mod preflight;
mod select;
mod stdout_guard;
mod test_mode;

use crate::cli::Cli;
use crate::config::{FileConfig, Layer, Resolver};
use crate::error::Error;
use crate::escape::{Term, TermLines};
use crate::exit::ExitStatus;

use crate::registry::{self, BENCHMARKS, Benchmark};
use crate::runtime::{self, Group};
use clap::Parser;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Facts about the bench target, captured by [`main!`](crate::main) in the user's crate.
#[derive(Debug, Clone, Copy)]
pub struct BenchTarget {
    /// `CARGO_CRATE_NAME` of the bench target (its name, `-` as `_`).
    pub crate_name: &'static str,
    /// `CARGO_MANIFEST_DIR` of its package.
    pub manifest_dir: &'static str,
    /// `cfg!(debug_assertions)` in the bench target.
    pub debug_assertions: bool,
}

/// Runs the harness with the process's arguments and exits with its code.
pub fn main(target: BenchTarget) -> ! {
    main_with(target, &[], std::env::args_os())
}

/// Runs the harness on the registered benchmarks and those `groups` offer at run time
/// ([`crate::runtime`]), with `args` (the first is the program name), and exits with its code.
pub fn main_with(
    target: BenchTarget,
    groups: &[Group],
    args: impl IntoIterator<Item = OsString>,
) -> ! {
    exit_guard::install();
    let code = run_with(target, groups, args);
    exit_guard::exit(code)
}

/// Runs the harness with `args` (the first is the program name) and returns the exit code.
pub fn run(target: BenchTarget, args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    run_with(target, &[], args)
}

/// [`run`], with benchmarks offered at run time by `groups` too.
pub fn run_with(
    target: BenchTarget,
    groups: &[Group],
    args: impl IntoIterator<Item = OsString>,
) -> ExitStatus {
    panic_hook::install();
    let args: Vec<OsString> = args.into_iter().collect();
    isolate::remember_args(&args);
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let resolver = match resolver(&cli, Path::new(target.manifest_dir)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}", TermLines(&e.to_string()));
            return e.status();
        }
    };
    let benches = match benchmarks(&target, groups, &cli) {
        Ok(benches) => benches,
        Err(code) => return code,
    };
    let selection = select::select(&cli, benches);
    dispatch(&cli, &resolver, selection, target)
}

/// The command line, or the status of its error (printed, with a note on the variable that
/// set a bad value).
fn parse(args: &[OsString]) -> Result<Cli, ExitStatus> {
    Cli::try_parse_from(args).map_err(|err| {
        let code = crate::cli::print_parse_error(&err);
        if let Some(note) = crate::cli::env_note(&err, args) {
            eprintln!("{note}");
        }
        code
    })
}

/// Every benchmark of this binary: the registered ones, then those `groups` offer. Said
/// when there are none; bad attribute values and duplicate ids are usage errors.
fn benchmarks(
    target: &BenchTarget,
    groups: &[Group],
    cli: &Cli,
) -> Result<Vec<Benchmark>, ExitStatus> {
    if BENCHMARKS.is_empty() && groups.is_empty() {
        eprintln!(
            "qudag-bench: no benchmarks are registered in this binary. If it has #[qudag_bench] \
             functions, the linker dropped them: linkme needs the section start/stop symbols kept \
             (rustc passes `-z nostart-stop-gc` to lld; check custom linker flags), and \
             benchmarks defined in a library crate appear only if the bench target references \
             that crate, e.g. `use that_crate as _;`."
        );
    }
    if let Err(e) = check_attributes() {
        eprintln!("error: {e}");
        return Err(e.status());
    }
    let mut benches = registry::collect(&BENCHMARKS, target.crate_name, &cli.harness.threads);
    // After the registered ones, in the order offered: serving passes go in that order.
    benches.extend(runtime::list(groups, target.crate_name));
    let dups = registry::duplicate_ids(&benches);
    if !dups.is_empty() {
        eprintln!(
            "error: benchmark ids must be unique; registered more than once: {}",
            Term(&dups.join(", "))
        );
        return Err(ExitStatus::Usage);
    }
    Ok(benches)
}

/// Runs the mode the command line asks for: an isolated child, an A/B or callgrind worker, a
/// comparison with a saved baseline, the list, test mode or bench mode.
fn dispatch(
    cli: &Cli,
    resolver: &Resolver,
    selection: select::Selection,
    target: BenchTarget,
) -> ExitStatus {
    if let Some(id) = &cli.harness.isolated_child {
        return isolate::child::run(cli, resolver, &selection.benches, id);
    }
    if cli.harness.ab_worker {
        return ab_mode::run(cli, resolver, selection);
    }
    if let Some(iterations) = cli.harness.worker_iters {
        return callgrind_mode::run(cli, selection, iterations);
    }
    let measuring = cli.libtest.bench && !cli.libtest.list && cli.harness.load_baseline.is_none();
    if !measuring && let Some(dest) = &cli.harness.json {
        // Said, not refused: QUDAG_BENCH_JSON set for a whole CI job reaches `cargo test` too.
        eprintln!(
            "note: --json {}: nothing is written; the JSON report is of a measured run (cargo \
             bench, without --list or --load-baseline)",
            Term(dest)
        );
    }
    if cli.harness.load_baseline.is_some() {
        let home = crate::store::paths::home();
        let id = target.crate_name;
        return gating::compare_saved(cli, &home, id, &selection.benches, resolver);
    }
    if cli.libtest.list {
        return list::run(cli, selection);
    }
    if !cli.libtest.bench {
        return test_mode::run(cli, resolver, selection);
    }
    if let Err(e) = resolver.check(&selection.to_run(cli)) {
        eprintln!("error: {}", TermLines(&e.to_string()));
        return e.status();
    }
    bench_mode::run(cli, resolver, selection, target)
}

/// Checks every registered attribute's values against the library's limits (the macro
/// checked them against its copy of the limits when it compiled them).
fn check_attributes() -> Result<(), Error> {
    for entry in BENCHMARKS.iter() {
        crate::config::check_attr(&entry.options).map_err(|e| {
            Error::setting(format!(
                "benchmark `{}` ({}:{}): {e}",
                entry.name, entry.file, entry.line
            ))
        })?;
    }
    Ok(())
}

/// Loads the configuration file (`--config`, or `qudag-bench.toml` in the package root).
fn resolver(cli: &Cli, manifest_dir: &Path) -> Result<Resolver, Error> {
    let h = &cli.harness;
    let file = match &h.config {
        Some(path) => FileConfig::load(path)?,
        None => {
            let default: PathBuf = manifest_dir.join("qudag-bench.toml");
            if default.is_file() {
                FileConfig::load(&default)?
            } else {
                FileConfig::default()
            }
        }
    };
    Ok(Resolver {
        file,
        quick: h.quick,
        overrides: Layer {
            warmup_time: h.warmup_time,
            measure_time: h.measure_time,
            samples: h.samples,
            timeout: h.timeout,
            noise_threshold: h.noise_threshold,
            precision: h.precision,
            isolation: crate::config::Isolation {
                isolate: h.isolate.then_some(true),
                ..crate::config::Isolation::NONE
            },
        },
    })
}
