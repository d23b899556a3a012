//! The hidden worker mode behind `--instructions`: run the selected benchmark's timed loop
//! once with exactly N iterations and nothing else (no calibration, warmup, counters, sampler
//! or report), so that callgrind sees only the benchmark.

use super::select::Selection;
use crate::analyze::NO_TIMING_CALL;
use crate::bencher::{Bencher, Mode};
use crate::cli::Cli;
use crate::escape::Term;
use crate::exit::ExitStatus;

/// Runs each selected benchmark once with `iterations`; returns the exit code.
pub fn run(cli: &Cli, selection: Selection, iterations: u64) -> ExitStatus {
    let (to_run, _, _) = selection.filtered(cli);
    for bench in to_run {
        let mut bencher = Bencher::new(Mode::Instructions(iterations), 1);
        bench.call(&mut bencher);
        let finished = bencher.finish();
        if let Some(reason) = finished.skipped {
            eprintln!(
                "{}: skipped itself (b.skip: {}); no instructions to count",
                Term(&bench.id),
                Term(&reason)
            );
            return ExitStatus::BenchFailed;
        }
        if !finished.timed {
            eprintln!("{}: {NO_TIMING_CALL}", Term(&bench.id));
            return ExitStatus::BenchFailed;
        }
    }
    ExitStatus::Success
}
