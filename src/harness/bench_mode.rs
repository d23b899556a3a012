//! Bench mode (`cargo bench`, which passes `--bench`): calibrate the timer, then measure the
//! selected benchmarks one at a time, print each result as it finishes, and write the run
//! report to `$QUDAG_BENCH_HOME/results/<target>.json` and to `--json`.

use super::exec::{self, GRACE, Outcome};
use super::select::Selection;
use super::test_mode::NO_TIMING_CALL;
use super::{EXIT_FAILED, EXIT_GATE, EXIT_OK, EXIT_USAGE, Target, gating};
use super::{preflight, results};
use crate::bencher::{Finished, Mode};
use crate::cli::{Cli, OutputFormat};
use crate::config::Resolver;
use crate::measure::{
    Calibration, Guard, Instruments, MeasureContext, callgrind, environment, system,
};
use crate::registry::Benchmark;
use crate::report::json;
use crate::report::libtest::LibtestReporter;
use crate::report::terminal::PrettyReporter;
use crate::report::{Reporter, StartInfo};
use crate::stats::{Granularity, analyze, per_iteration, percentiles};
use crate::store::report::{
    EffectiveSettings, Location, Overhead, RunConfig, RunSummary, ThroughputResult,
};
use crate::store::{BenchResult, RunReport, SCHEMA_ID, Status, history, paths, progress};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Measures the selection; returns the exit code.
pub fn run(cli: &Cli, resolver: &Resolver, selection: Selection, target: Target) -> i32 {
    let started_at = SystemTime::now();
    let start = Instant::now();
    let (to_run, ignored, filtered_out) = selection.filtered(cli);
    let json_to_stdout = cli.harness.json.as_deref() == Some("-");
    let out: Box<dyn Write> = if json_to_stdout {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let mut reporter: Box<dyn Reporter> = match cli.harness.output_format {
        OutputFormat::Pretty => Box::new(PrettyReporter::new(out, cli.harness.verbose)),
        OutputFormat::Bencher => Box::new(LibtestReporter::new(out)),
    };
    if crate::report::progress_line::enabled(cli) {
        reporter = Box::new(crate::report::progress_line::ProgressReporter::new(
            reporter,
        ));
    }

    let valgrind = match cli.harness.instructions.then(callgrind::valgrind_version) {
        None => None,
        Some(Ok(version)) => Some(version),
        Some(Err(e)) => {
            eprintln!("error: --instructions: {e}");
            return EXIT_USAGE;
        }
    };
    if let Err(e) = super::outputs::check(&cli.harness, target.crate_name) {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let home = paths::home();
    let base = match gating::load(cli, &home, target.crate_name) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let history = (!cli.harness.no_history).then(|| history::path(&home));
    if let Some(path) = &history
        && let Err(e) = history::open(path)
    {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let preflight = preflight::run(cli, target.debug_assertions);
    let calibration = Calibration::measure();
    let ids: Vec<String> = to_run.iter().map(|b| b.id.clone()).collect();
    let ignored_ids: Vec<String> = ignored.iter().map(|b| b.id.clone()).collect();
    let run_id = run_id(started_at);
    let mut progress = progress::Publisher::start(&home, target.crate_name, &run_id, ids.len());
    reporter.start(&StartInfo {
        ids: &ids,
        ignored: &ignored_ids,
        precision_ns: calibration.precision_ns,
        overhead_ns: calibration.overhead_ns,
    });

    let mut results = Vec::with_capacity(to_run.len());
    let mut ended = Vec::with_capacity(to_run.len());
    let mut hung = Vec::new();
    for bench in &to_run {
        reporter.bench_started(&bench.id);
        progress.bench_started(&bench.id);
        let mut result = measure_one(bench, resolver, calibration, preflight.instruments);
        if result.status == Status::Ok
            && let Some((expression, target)) = resolver.target(bench)
        {
            result.target = Some(results::target(expression, target, &result));
        }
        if let (Some(version), Some(time)) = (&valgrind, &result.time_ns) {
            let iterations = callgrind::iterations_for(time.median);
            result.instructions = Some(callgrind::count(&exe, &bench.id, iterations, version));
        }
        if result.status == Status::Timeout
            && result
                .error
                .as_deref()
                .is_some_and(|e| e.contains("abandoned"))
        {
            hung.push(bench.id.clone());
        }
        reporter.bench_finished(&result);
        progress.bench_finished();
        results.push(result);
        ended.push(Instant::now());
    }
    let summary = RunSummary {
        ok: results.iter().filter(|r| r.status == Status::Ok).count() as u64,
        failed: results
            .iter()
            .filter(|r| r.status == Status::Failed)
            .count() as u64,
        timeout: results
            .iter()
            .filter(|r| r.status == Status::Timeout)
            .count() as u64,
        ignored: ignored.len() as u64,
        filtered_out,
        targets_met: count_targets(&results, true),
        targets_missed: count_targets(&results, false),
    };
    reporter.finish(&results, &summary, start.elapsed());
    if !hung.is_empty() {
        eprintln!(
            "warning: {} kept running after the timeout; measurements taken after it shared the \
             CPU with it",
            hung.join(", ")
        );
    }

    let mut report = RunReport {
        schema: SCHEMA_ID.to_string(),
        run_id,
        bench_target: target.crate_name.to_string(),
        started_at: humantime::format_rfc3339_millis(started_at).to_string(),
        finished_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        environment: environment::collect(
            Path::new(target.manifest_dir),
            target.debug_assertions,
            calibration,
            preflight.counters.clone(),
            preflight.stability.clone(),
        ),
        config: RunConfig {
            config_file: resolver.file.path.as_ref().map(|p| p.display().to_string()),
            quick: resolver.quick,
            defaults: resolver.global().into(),
            filter: cli.libtest.filter.clone(),
            exact: cli.libtest.exact,
            skip: cli.libtest.skip.clone(),
            suites: cli.harness.suite.clone(),
            tags: cli.harness.tag.clone(),
        },
        benchmarks: results,
        summary,
        baseline: None,
        gate: None,
        run_group: cli.harness.run_group.clone(),
    };
    if let Some(base) = &base {
        gating::compare(&mut report, base, &to_run, resolver);
        if !cli.harness.no_confirm {
            gating::confirm(&mut report, base, &to_run, &ended, &mut |bench| {
                measure_one(bench, resolver, calibration, preflight.instruments)
            });
        }
    }
    if cli.harness.gate {
        report.gate = Some(gating::gate(&report));
    }
    let mut out: Box<dyn Write> = if json_to_stdout {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    crate::report::comparison::print(&mut *out, &report);
    let mut write_failed = false;
    // A run that selected nothing (say, `cargo bench -- FILTER` in the other targets) keeps
    // the target's latest results instead of replacing them with an empty report.
    let results_file = (!report.benchmarks.is_empty()).then(|| {
        paths::results_file(&home, target.crate_name)
            .display()
            .to_string()
    });
    // `--json` always describes this run, even an empty one: it says what was selected.
    let json_dest = cli
        .harness
        .json
        .as_deref()
        .map(|d| super::outputs::expand(d, target.crate_name));
    for dest in [results_file, json_dest].into_iter().flatten() {
        if let Err(e) = json::write(&report, &dest) {
            eprintln!("error: {e}");
            write_failed = true;
        }
    }
    if let Some(path) = &history
        && !report.benchmarks.is_empty()
        && let Err(e) = history::record(path, &report)
    {
        eprintln!("error: {e}");
        write_failed = true;
    }
    if let Err(e) = gating::save(cli, &home, &report) {
        eprintln!("error: {e}");
        write_failed = true;
    }
    let outputs = match report.benchmarks.is_empty() {
        true => Vec::new(), // nothing selected here: keep the files of the targets that ran
        false => super::outputs::write(&cli.harness, &report, history.as_deref()),
    };
    for e in outputs {
        eprintln!("error: {e}");
        write_failed = true;
    }
    progress.finish();
    if summary.failed + summary.timeout > 0 {
        EXIT_FAILED
    } else if write_failed {
        EXIT_USAGE
    } else if report.gate.as_ref().is_some_and(|g| g.failed) {
        EXIT_GATE
    } else {
        EXIT_OK
    }
}

/// Runs and analyses one benchmark.
fn measure_one(
    bench: &Benchmark,
    resolver: &Resolver,
    calibration: Calibration,
    instruments: Instruments,
) -> BenchResult {
    let settings = resolver.settings(bench);
    let started = Instant::now();
    let guard = Guard::new(started + settings.timeout);
    let ctx = Arc::new(MeasureContext {
        settings,
        calibration,
        guard: guard.clone(),
        instruments,
        external: None,
    });
    let sampler = instruments.system.map(system::Sampler::start);
    let outcome = exec::run(bench, Mode::Measure(ctx), settings.timeout + GRACE);
    let system = sampler.map(system::Sampler::stop);
    let wall_time_s = started.elapsed().as_secs_f64();
    let mut result = BenchResult {
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
        config: EffectiveSettings::from(settings),
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
        system,
        wall_time_s,
    };
    let timeout_text = format!("timed out after {:.3}s", settings.timeout.as_secs_f64());
    match outcome {
        Outcome::Panicked(message) => result.error = Some(message),
        Outcome::Hung => {
            guard.cancel();
            result.status = Status::Timeout;
            result.error = Some(format!(
                "{timeout_text}; the benchmark did not stop and was abandoned"
            ));
        }
        Outcome::Returned(f) if !f.timed => result.error = Some(NO_TIMING_CALL.into()),
        Outcome::Returned(f) if f.measured.is_none() => {
            result.status = Status::Timeout;
            result.error = Some(timeout_text);
        }
        Outcome::Returned(f) => {
            let Finished {
                measured,
                throughput,
                ..
            } = *f;
            let m = measured.expect("the arm above takes a missing measurement");
            let threads = bench.threads.unwrap_or(1);
            let per_iter = per_iteration(
                &m.iters,
                &m.elapsed_ns,
                m.sample_overhead_ns,
                m.iter_overhead_ns,
            );
            let (time, outliers) = analyze(&per_iter);
            result.percentiles_ns = match &m.latencies_ns {
                Some(lat) => percentiles(
                    lat.iter().map(|&l| l as f64 - m.iter_overhead_ns),
                    Granularity::Iteration,
                ),
                None => percentiles(per_iter.iter().copied(), Granularity::Sample),
            };
            result.throughput = throughput.map(|t| ThroughputResult {
                per_iter: t,
                per_second: (time.median > 0.0).then(|| {
                    let units = match t {
                        crate::bencher::Throughput::Bytes(n)
                        | crate::bencher::Throughput::Elements(n) => n,
                    };
                    // Every thread does `units` per iteration in the median time.
                    units as f64 * threads as f64 * 1e9 / time.median
                }),
            });
            result.status = Status::Ok;
            result.overhead = Some(Overhead {
                per_sample_ns: m.sample_overhead_ns,
                per_iter_ns: m.iter_overhead_ns,
            });
            result.time_ns = Some(time);
            result.outliers = Some(outliers);
            let iterations: u64 = m.iters.iter().sum();
            let samples = m.iters.len() as u64;
            result.counters = m
                .counters
                .as_ref()
                .map(|t| results::counters(t, samples, iterations));
            result.alloc = m.alloc.and_then(|a| results::alloc(a, iterations));
            result.warmup = Some(m.warmup);
            result.iters_per_sample = m.iters;
            result.samples_ns = m.elapsed_ns;
        }
    }
    result
}

fn count_targets(results: &[BenchResult], met: bool) -> u64 {
    results
        .iter()
        .filter(|r| r.target.as_ref().and_then(|t| t.met) == Some(met))
        .count() as u64
}

/// A run id unique enough for one host: start time in ms, process id, and a random suffix.
fn run_id(started_at: SystemTime) -> String {
    let ms = started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{ms:x}-{:x}-{:04x}", std::process::id(), fastrand::u16(..))
}
