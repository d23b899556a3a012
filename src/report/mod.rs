//! Output formats. Terminal formats implement [`Reporter`] and print as the run goes; file
//! formats render a finished [`RunReport`](crate::schema::RunReport). Report code never measures.

pub mod ab;
pub mod action;
pub mod bmf;
pub mod comparison;
pub mod criterion_tree;
pub mod csv;
pub mod files;
pub mod html;
pub mod json;
pub mod libtest;
pub mod markdown;
pub mod progress_line;
pub mod qualified;
pub mod rule;
pub mod terminal;
pub mod trend;
pub mod unfinished;
pub mod units;

#[cfg(test)]
pub(crate) mod tests;

use crate::schema::BenchResult;
use crate::schema::RunSummary;
use std::time::Duration;

/// What a terminal reporter is told at the start of a bench-mode run.
pub struct StartInfo<'a> {
    /// Benchmarks about to run, in order.
    pub ids: &'a [String],
    /// Ignored benchmarks (listed, not run).
    pub ignored: &'a [String],
    /// Timer precision (ns).
    pub precision_ns: f64,
    /// Timer read overhead (ns).
    pub overhead_ns: f64,
}

/// A terminal output format.
pub trait Reporter {
    /// Before the first benchmark.
    fn start(&mut self, info: &StartInfo);
    /// A benchmark is about to run.
    fn bench_started(&mut self, id: &str);
    /// A benchmark finished (in any status).
    fn bench_finished(&mut self, result: &BenchResult);
    /// After the last benchmark.
    fn finish(&mut self, results: &[BenchResult], summary: &RunSummary, elapsed: Duration);
}
