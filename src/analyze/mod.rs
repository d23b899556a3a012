//! From a benchmark's measured outcome to its entry in the run report: pure functions, no
//! timing, printing or files, so that every rule here is unit-tested without running a
//! benchmark.

pub mod figures;
mod metrics;
pub mod timing;
pub mod uncertainty;

#[cfg(test)]
mod tests;

use crate::bencher::Finished;
use crate::measure::Settings;
use crate::registry::Benchmark;
use crate::schema::{BenchResult, EffectiveSettings, Location, Status, SystemMetrics};

/// The error of a benchmark that returned without timing anything.
pub const NO_TIMING_CALL: &str = "the benchmark never called b.iter (or iter_batched, \
iter_custom, iter_parallel, iter_async, with_inputs)";

/// How a benchmark function ended.
pub(crate) enum Outcome {
    /// It returned (boxed: the measurements are large next to the other variants).
    Returned(Box<Finished>),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not return within the timeout (and grace); its thread is abandoned.
    Hung,
    /// Its isolated child process ended without a result: why, and its last stderr lines.
    Died(String),
}

/// Everything known about one benchmark's run besides its outcome.
pub(crate) struct Context<'a> {
    /// The benchmark.
    pub bench: &'a Benchmark,
    /// The settings it ran with.
    pub settings: Settings,
    /// System metrics over its run, if sampled.
    pub system: Option<SystemMetrics>,
    /// Its wall time, setup to teardown (s).
    pub wall_time_s: f64,
}

/// A benchmark's report entry, and whether its thread had to be abandoned (it may still be
/// running, sharing the CPU with what is measured next).
pub(crate) struct Analyzed {
    /// The report entry.
    pub result: BenchResult,
    /// Whether the benchmark did not stop at its timeout.
    pub hung: bool,
}

/// The report entry of one benchmark run.
pub(crate) fn result(ctx: Context<'_>, outcome: Outcome) -> Analyzed {
    let timeout_s = ctx.settings.timeout.as_secs_f64();
    let threads = ctx.bench.threads.unwrap_or(1);
    let mut result = skeleton(ctx);
    let timeout_text = format!("timed out after {timeout_s:.3}s");
    let hung = matches!(outcome, Outcome::Hung);
    match outcome {
        Outcome::Panicked(message) | Outcome::Died(message) => result.error = Some(message),
        Outcome::Hung => {
            result.status = Status::Timeout;
            result.error = Some(format!(
                "{timeout_text}; the benchmark did not stop and was abandoned"
            ));
        }
        Outcome::Returned(f) if f.skipped.is_some() => {
            result.status = Status::Skipped;
            result.skip_reason = f.skipped;
        }
        Outcome::Returned(f) if !f.timed => result.error = Some(NO_TIMING_CALL.into()),
        Outcome::Returned(f) => {
            let f = *f;
            result.metrics = metrics::summarize_all(f.metrics);
            match f.measured {
                None => {
                    result.status = Status::Timeout;
                    result.error = Some(timeout_text);
                }
                Some(measured) => timing::fill(&mut result, measured, f.throughput, threads),
            }
        }
    }
    Analyzed { result, hung }
}

/// The entry before the outcome is known: who the benchmark is and how it ran, `failed` with
/// nothing measured.
fn skeleton(ctx: Context<'_>) -> BenchResult {
    let bench = ctx.bench;
    BenchResult {
        id: bench.id.clone(),
        name: bench.entry.name.to_string(),
        arg: bench.arg.clone(),
        suite: bench.suite.clone(),
        tags: bench.entry.tags.iter().map(|t| t.to_string()).collect(),
        location: Location {
            file: bench.entry.file.to_string(),
            line: bench.entry.line,
        },
        status: Status::Failed,
        error: None,
        skip_reason: None,
        config: EffectiveSettings::from(ctx.settings),
        iters_per_sample: Vec::new(),
        samples_ns: Vec::new(),
        overhead: None,
        time_ns: None,
        percentiles_ns: None,
        outliers: None,
        throughput: None,
        warmup: None,
        counters: None,
        alloc: None,
        instructions: None,
        target: None,
        threads: bench.threads.map(|t| t as u64),
        comparison: None,
        system: ctx.system,
        wall_time_s: ctx.wall_time_s,
        stop_reason: None,
        measure_wall_ns: None,
        uncertainty: None,
        measured_in: None,
        isolation: None,
        metrics: Default::default(),
    }
}
