//! Test mode (`cargo test --benches`, `cargo nextest run`): libtest-mimic runs each selected
//! benchmark once as a smoke test, in parallel like libtest, with the benchmark's timeout.

use super::exec;
use super::select::{Selection, listed_name, trial_of};
use crate::analyze::{NO_TIMING_CALL, Outcome};
use crate::bencher::Mode;
use crate::cli::Cli;
use crate::config::Resolver;
use crate::escape::terminal_lines;
use crate::exit::ExitStatus;
use libtest_mimic::{Completion, Failed};
use std::sync::Arc;

/// Why a `network = "none"` benchmark is not smoke-tested.
const NO_NETWORK_IN_TESTS: &str =
    "network = \"none\": measured by cargo bench in a network namespace, not smoke-tested here";

/// Smoke-tests the selection; returns libtest's exit code (0 or 101).
pub fn run(cli: &Cli, resolver: &Resolver, selection: Selection) -> ExitStatus {
    let resolver = Arc::new(resolver.clone());
    let mut args = cli.libtest.clone();
    if selection.benches.iter().any(|b| b.is_dynamic()) {
        // One thread runs the closures of benchmarks offered at run time, in the order
        // offered (crate::runtime): parallel trials would only wait for it, out of order.
        args.test_threads = Some(1);
    }
    let trials = selection
        .benches
        .into_iter()
        .map(|bench| {
            let name = listed_name(cli, &bench);
            let resolver = resolver.clone();
            let b = bench.clone();
            trial_of(
                &bench,
                name,
                false,
                Some(Box::new(move || {
                    if resolver.isolation(&b).without_network() {
                        // Smoke tests run in-process, with the host's network: never that.
                        return Ok(Completion::ignored_with(NO_NETWORK_IN_TESTS));
                    }
                    let timeout = resolver.settings(&b).timeout;
                    super::exit_guard::test_running(&b.id, true);
                    let outcome = exec::run(&b, Mode::Smoke, timeout);
                    super::exit_guard::test_running(&b.id, false);
                    match outcome {
                        Outcome::Returned(f) if f.skipped.is_some() => {
                            let reason = terminal_lines(f.skipped.as_deref().unwrap_or(""));
                            Ok(Completion::ignored_with(reason))
                        }
                        Outcome::Returned(f) if !f.timed => Err(Failed::from(NO_TIMING_CALL)),
                        Outcome::Returned(_) => Ok(Completion::Completed),
                        Outcome::Panicked(message) | Outcome::Died(message) => {
                            Err(Failed::from(terminal_lines(&message).into_owned()))
                        }
                        Outcome::Hung => Err(Failed::from(format!(
                            "timed out after {:.3}s",
                            timeout.as_secs_f64()
                        ))),
                    }
                })),
            )
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if conclusion.has_failed() {
        ExitStatus::BenchFailed
    } else {
        ExitStatus::Success
    }
}
