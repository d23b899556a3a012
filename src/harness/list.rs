//! `--list`: libtest's listing, one `NAME: benchmark` line per selected benchmark (only the
//! ignored ones with `--ignored`), then libtest's count line unless `--format terse`.
//!
//! libtest calls a `#[bench]` function a `benchmark` in its list whatever the mode, and
//! `cargo nextest bench` runs only the items listed so (each with `--exact NAME --bench`),
//! while `cargo nextest run` runs them as tests (without `--bench`, a smoke run here).
//! libtest-mimic lists `test`, or `bench` with `--bench`, which nextest's benchmark mode does
//! not know, so the harness prints the list itself.

use super::select::{Selection, listed_name, trial_of};
use crate::cli::Cli;
use crate::exit::ExitStatus;
use libtest_mimic::FormatSetting;
use std::io::Write;

/// Prints the list of `selection` under `cli`'s filters.
pub fn run(cli: &Cli, selection: Selection) -> ExitStatus {
    let mut text = String::new();
    let mut count = 0;
    for bench in &selection.benches {
        let name = listed_name(cli, bench);
        let trial = trial_of(bench, name.clone(), true, None);
        if cli.libtest.is_filtered_out(&trial)
            || (cli.libtest.ignored && !bench.entry.options.ignore)
        {
            continue;
        }
        count += 1;
        text.push_str(&format!("{name}: benchmark\n"));
    }
    if cli.libtest.format != Some(FormatSetting::Terse) {
        text.push_str(&format!(
            "\n0 tests, {count} {}\n",
            plural(count, "benchmark")
        ));
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitStatus::Success,
        Err(_) => ExitStatus::Usage,
    }
}

/// `noun`, with an `s` unless `count` is 1 (libtest: `1 benchmark`, `2 benchmarks`).
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}
