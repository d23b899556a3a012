//! Which benchmarks run: `--suite` and `--tag` first, then libtest's FILTER, `--exact`,
//! `--skip` and `--ignored` (applied by libtest-mimic's own rules, so they behave the same in
//! both modes).
//!
//! libtest-mimic prints the names it filters on (`--list`, test mode), so a trial is named by
//! the id as the terminal shows it, control characters escaped ([`listed_name`]); filters
//! match that form, unless a filter itself holds a control character (the raw id, as
//! `--instructions` passes it to its worker).

use crate::cli::Cli;
use crate::escape::{is_terminal_control, terminal};
use crate::registry::{Benchmark, matches_suite_and_tags};
use libtest_mimic::{Completion, Trial};

/// Selected benchmarks and what was left out.
pub struct Selection {
    /// Benchmarks after `--suite`/`--tag` (libtest-mimic applies its filters itself in test
    /// mode; see [`Selection::filtered`]).
    pub benches: Vec<Benchmark>,
    /// Benchmarks removed by `--suite`/`--tag`.
    pub excluded_by_suite_or_tag: u64,
    /// The id of every benchmark registered in this binary, selected or not.
    pub registered: Vec<String>,
}

/// Applies `--suite` and `--tag`.
pub fn select(cli: &Cli, all: Vec<Benchmark>) -> Selection {
    let before = all.len() as u64;
    let registered = all.iter().map(|b| b.id.clone()).collect();
    let benches: Vec<Benchmark> = all
        .into_iter()
        .filter(|b| matches_suite_and_tags(b, &cli.harness.suite, &cli.harness.tag))
        .collect();
    let excluded_by_suite_or_tag = before - benches.len() as u64;
    Selection {
        benches,
        excluded_by_suite_or_tag,
        registered,
    }
}

/// The name `bench` goes by for libtest-mimic under `cli`'s filters: its id with control
/// characters escaped, or the raw id when a FILTER or `--skip` holds a control character.
pub fn listed_name(cli: &Cli, bench: &Benchmark) -> String {
    let args = &cli.libtest;
    let raw_filters = args
        .filter
        .iter()
        .chain(&args.skip)
        .any(|f| f.chars().any(is_terminal_control));
    if raw_filters {
        bench.id.clone()
    } else {
        terminal(&bench.id).into_owned()
    }
}

/// A libtest-mimic trial standing for `bench`, for filtering and listing, named `name` (see
/// [`listed_name`]).
pub fn trial_of(
    bench: &Benchmark,
    name: String,
    is_bench: bool,
    runner: Option<Box<dyn FnOnce() -> Result<Completion, libtest_mimic::Failed> + Send>>,
) -> Trial {
    let trial = match (is_bench, runner) {
        (true, _) => Trial::bench(name, |_| Ok(None)),
        // Ignorable: a benchmark that calls `b.skip` is reported ignored, with its reason.
        (false, Some(run)) => Trial::ignorable_test(name, run),
        (false, None) => Trial::test(name, || Ok(())),
    };
    trial.with_ignored_flag(bench.entry.options.ignore)
}

impl Selection {
    /// Bench mode: the benchmarks that will be measured (not filtered out, not ignored).
    pub fn to_run(&self, cli: &Cli) -> Vec<Benchmark> {
        self.benches
            .iter()
            .filter(|b| {
                let trial = trial_of(b, listed_name(cli, b), true, None);
                !cli.libtest.is_filtered_out(&trial) && !cli.libtest.is_ignored(&trial)
            })
            .cloned()
            .collect()
    }

    /// Bench mode: splits the selection into (to run, ignored) by libtest's filter rules, and
    /// returns how many were filtered out in total.
    pub fn filtered(self, cli: &Cli) -> (Vec<Benchmark>, Vec<Benchmark>, u64) {
        let mut run = Vec::new();
        let mut ignored = Vec::new();
        let mut filtered_out = self.excluded_by_suite_or_tag;
        for bench in self.benches {
            let trial = trial_of(&bench, listed_name(cli, &bench), true, None);
            if cli.libtest.is_filtered_out(&trial) {
                filtered_out += 1;
            } else if cli.libtest.is_ignored(&trial) {
                ignored.push(bench);
            } else {
                run.push(bench);
            }
        }
        (run, ignored, filtered_out)
    }
}
