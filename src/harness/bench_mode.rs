//! Bench mode (`cargo bench`, which passes `--bench`): calibrate the timer, then measure the
//! selected benchmarks one at a time, print each result as it finishes, and write the run
//! report to `$QUDAG_BENCH_HOME/results/<target>.json` and to `--json`.

use super::exec::{self, GRACE, Outcome};
use super::journal::Journal;
use super::select::Selection;
use super::test_mode::NO_TIMING_CALL;
use super::{EXIT_FAILED, EXIT_GATE, EXIT_OK, EXIT_USAGE, Target, gating};
use super::{preflight, results};
use crate::bencher::{Finished, Mode};
use crate::cli::{Cli, OutputFormat};
use crate::config::Resolver;
use crate::escape::{Term, TermLines};
use crate::measure::{Guard, Instruments, MeasureContext, callgrind, environment, system};
use crate::registry::Benchmark;
use crate::report::json;
use crate::report::libtest::LibtestReporter;
use crate::report::terminal::PrettyReporter;
use crate::report::{Reporter, StartInfo};
use crate::schema::Calibration;
use crate::schema::Granularity;
use crate::schema::ids;
use crate::schema::{BenchResult, RunReport, Status};
use crate::schema::{
    EffectiveSettings, Incomplete, Location, Overhead, RunConfig, RunSummary, ThroughputResult,
};
use crate::stats::{analyze, per_iteration, percentiles};
use crate::store::{history, paths};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// What bench mode needs from before the first benchmark until the last write.
struct Setup {
    home: PathBuf,
    valgrind: Option<String>,
    base: Option<(String, RunReport)>,
    history: Option<PathBuf>,
}

/// Measures the selection; returns the exit code.
pub fn run(cli: &Cli, resolver: &Resolver, selection: Selection, target: Target) -> i32 {
    super::stdout_guard::reserve_for_json(cli);
    let started_at = SystemTime::now();
    let start = Instant::now();
    let registered = selection.registered.clone();
    let (to_run, ignored, filtered_out) = selection.filtered(cli);
    let setup = match prepare(cli, target, &to_run) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", TermLines(&e));
            return EXIT_USAGE;
        }
    };
    let mut reporter = reporter(cli);
    let preflight = preflight::run(cli, target.debug_assertions);
    let calibration = Calibration::measure();
    let mut report = header(cli, resolver, target, started_at, &preflight, calibration);
    report.incomplete = Some(Incomplete {
        pid: std::process::id(),
        selected: to_run.len() as u64,
    });
    report.summary.ignored = ignored.len() as u64;
    report.summary.filtered_out = filtered_out;
    let mut journal = match Journal::start(&setup.home, &report, setup.history.as_deref()) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {}", TermLines(&e));
            return EXIT_USAGE;
        }
    };
    let ids: Vec<String> = to_run.iter().map(|b| b.id.clone()).collect();
    let ignored_ids: Vec<String> = ignored.iter().map(|b| b.id.clone()).collect();
    reporter.start(&StartInfo {
        ids: &ids,
        ignored: &ignored_ids,
        precision_ns: calibration.precision_ns,
        overhead_ns: calibration.overhead_ns,
    });
    let measure =
        |bench: &Benchmark| measure_one(bench, resolver, calibration, preflight.instruments);
    let ended = measure_all(
        &to_run,
        &mut report,
        &mut journal,
        &mut *reporter,
        &|bench| {
            let mut result = measure(bench);
            finish_result(&mut result, bench, resolver, setup.valgrind.as_deref());
            result
        },
    );
    reporter.finish(&report.benchmarks, &report.summary, start.elapsed());
    if let Some(base) = &setup.base {
        gating::compare(&mut report, base, &to_run, resolver);
        if !cli.harness.no_confirm {
            gating::confirm(&mut report, base, &to_run, &ended, &mut |bench| {
                journal.remeasuring(Some(&bench.id));
                let again = measure(bench);
                journal.remeasuring(None);
                again
            });
        }
    }
    if cli.harness.gate {
        report.gate = Some(gating::gate(&report));
    }
    report.incomplete = None;
    report.finished_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    crate::report::comparison::print(&mut *console(cli), &report);
    let write_failed = write_all(cli, target, &setup, &report, journal, &registered);
    exit_status(&report, write_failed)
}

/// Checks everything that can be checked before measuring: `--instructions` needs valgrind,
/// `--baseline` must load (and with `--gate` hold some of `to_run`), `--save-baseline` must
/// not replace an unreadable baseline, the history must be a qudag-bench history.
fn prepare(cli: &Cli, target: Target, to_run: &[Benchmark]) -> Result<Setup, String> {
    let valgrind = match cli.harness.instructions.then(callgrind::valgrind_version) {
        None => None,
        Some(Ok(version)) => Some(version),
        Some(Err(e)) => return Err(format!("--instructions: {e}")),
    };
    super::outputs::check(&cli.harness, target.crate_name)?;
    let home = paths::home();
    let base = gating::load(cli, &home, target.crate_name)?;
    gating::check_common(cli, base.as_ref(), to_run)?;
    gating::check_save(cli, &home, target.crate_name)?;
    let history = (!cli.harness.no_history).then(|| history::path(&home));
    if let Some(path) = &history {
        history::open(path)?;
    }
    Ok(Setup {
        home,
        valgrind,
        base,
        history,
    })
}

/// Where the human-readable output goes: stderr when stdout carries `--json -`.
fn console(cli: &Cli) -> Box<dyn Write> {
    if cli.harness.json.as_deref() == Some("-") {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    }
}

/// The reporter for `--output-format`, with the progress line when it is on.
fn reporter(cli: &Cli) -> Box<dyn Reporter> {
    let out = console(cli);
    let reporter: Box<dyn Reporter> = match cli.harness.output_format {
        OutputFormat::Pretty => Box::new(PrettyReporter::new(out, cli.harness.verbose)),
        OutputFormat::Bencher => Box::new(LibtestReporter::new(out)),
    };
    if crate::report::progress_line::enabled(cli) {
        return Box::new(crate::report::progress_line::ProgressReporter::new(
            reporter,
        ));
    }
    reporter
}

/// The run report before any benchmark: who, where, how configured.
fn header(
    cli: &Cli,
    resolver: &Resolver,
    target: Target,
    started_at: SystemTime,
    preflight: &preflight::Preflight,
    calibration: Calibration,
) -> RunReport {
    let started = humantime::format_rfc3339_millis(started_at).to_string();
    RunReport {
        schema: ids::RUN.to_string(),
        run_id: run_id(started_at),
        bench_target: target.crate_name.to_string(),
        started_at: started.clone(),
        finished_at: started,
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
        benchmarks: Vec::new(),
        summary: RunSummary::default(),
        baseline: None,
        gate: None,
        run_group: cli.harness.run_group.clone(),
        incomplete: None,
    }
}

/// Measures `to_run` one at a time into `report`, keeping the journal and the reporter up to
/// date after each; returns when each benchmark's measurement ended.
fn measure_all(
    to_run: &[Benchmark],
    report: &mut RunReport,
    journal: &mut Journal,
    reporter: &mut dyn Reporter,
    measure: &dyn Fn(&Benchmark) -> BenchResult,
) -> Vec<Instant> {
    let mut ended = Vec::with_capacity(to_run.len());
    let mut hung = Vec::new();
    for bench in to_run {
        reporter.bench_started(&bench.id);
        journal.bench_started(&bench.id);
        let result = measure(bench);
        if result.status == Status::Timeout
            && result
                .error
                .as_deref()
                .is_some_and(|e| e.contains(ABANDONED))
        {
            hung.push(bench.id.clone());
        }
        reporter.bench_finished(&result);
        report.benchmarks.push(result);
        count(report);
        // The history stores it as the run's end until the final write.
        report.finished_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        journal.bench_finished(report);
        ended.push(Instant::now());
    }
    if !hung.is_empty() {
        eprintln!(
            "warning: {} kept running after the timeout; measurements taken after it shared the \
             CPU with it",
            Term(&hung.join(", "))
        );
    }
    ended
}

/// Adds what comes after the timing: the performance target and callgrind's count.
fn finish_result(
    result: &mut BenchResult,
    bench: &Benchmark,
    resolver: &Resolver,
    valgrind: Option<&str>,
) {
    if result.status == Status::Ok
        && let Some((expression, target)) = resolver.target(bench)
    {
        result.target = Some(results::target(expression, target, result));
    }
    if let (Some(version), Some(time)) = (valgrind, &result.time_ns) {
        let exe = std::env::current_exe().unwrap_or_default();
        let iterations = callgrind::iterations_for(time.median);
        result.instructions = Some(callgrind::count(&exe, &bench.id, iterations, version));
    }
}

/// Recounts the summary's per-status and target counts from `report.benchmarks`.
fn count(report: &mut RunReport) {
    let by = |s: Status| report.benchmarks.iter().filter(|r| r.status == s).count() as u64;
    let (ok, failed, timeout) = (by(Status::Ok), by(Status::Failed), by(Status::Timeout));
    let targets = |met: bool| {
        report
            .benchmarks
            .iter()
            .filter(|r| r.target.as_ref().and_then(|t| t.met) == Some(met))
            .count() as u64
    };
    let (targets_met, targets_missed) = (targets(true), targets(false));
    let s = &mut report.summary;
    (s.ok, s.failed, s.timeout) = (ok, failed, timeout);
    (s.targets_met, s.targets_missed) = (targets_met, targets_missed);
}

/// Writes the final report to `results/`, the history and `--json`, saves the baseline and
/// writes the other report files; returns whether any write failed (each error printed).
fn write_all(
    cli: &Cli,
    target: Target,
    setup: &Setup,
    report: &RunReport,
    journal: Journal,
    registered: &[String],
) -> bool {
    let mut errors = journal.finish(report);
    // `--json` always describes this run, even an empty one: it says what was selected.
    if let Some(dest) = cli.harness.json.as_deref() {
        let dest = super::outputs::expand(dest, target.crate_name);
        errors.extend(json::write(report, &dest).err());
    }
    errors.extend(gating::save(cli, &setup.home, report, registered).err());
    if !report.benchmarks.is_empty() {
        // Nothing selected here: keep the files of the targets that ran.
        errors.extend(super::outputs::write(
            &cli.harness,
            report,
            setup.history.as_deref(),
        ));
    }
    for e in &errors {
        eprintln!("error: {}", TermLines(e));
    }
    !errors.is_empty()
}

/// The exit code: a failed benchmark first, then a failed write, then the gate.
fn exit_status(report: &RunReport, write_failed: bool) -> i32 {
    if report.summary.failed + report.summary.timeout > 0 {
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
    let guard = Guard::after(started, settings.timeout);
    let ctx = Arc::new(MeasureContext {
        settings,
        calibration,
        guard: guard.clone(),
        instruments,
        external: None,
    });
    let sampler = instruments.system.map(system::Sampler::start);
    let outcome = exec::run(
        bench,
        Mode::Measure(ctx),
        settings.timeout.saturating_add(GRACE),
    );
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
                "{timeout_text}; the benchmark did not stop and was {ABANDONED}"
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
                        crate::schema::Throughput::Bytes(n)
                        | crate::schema::Throughput::Elements(n) => n,
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

/// The word in a timeout's error that says the benchmark's thread never stopped.
const ABANDONED: &str = "abandoned";

/// A run id unique enough for one host: start time in ms, process id, and a random suffix.
fn run_id(started_at: SystemTime) -> String {
    let ms = started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{ms:x}-{:x}-{:04x}", std::process::id(), fastrand::u16(..))
}
