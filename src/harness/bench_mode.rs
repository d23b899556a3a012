//! Bench mode (`cargo bench`, which passes `--bench`): calibrate the timer, then measure the
//! selected benchmarks one at a time, print each result as it finishes, and write the run
//! report to `$QUDAG_BENCH_HOME/results/<target>.json` and to `--json`.

use super::exec::{self, GRACE};
use super::host_runs::HostRuns;
use super::journal::Journal;
use super::select::Selection;
use super::{BenchTarget, ab_confirm, gating, preflight};
use crate::analyze::{self, Analyzed, Outcome, figures};
use crate::bencher::Mode;
use crate::cli::{Cli, OutputFormat};
use crate::config::Resolver;
use crate::error::Error;
use crate::escape::{Term, TermLines};
use crate::exit::ExitStatus;
use crate::measure::{Guard, Instruments, MeasureContext, callgrind, environment, system};
use crate::registry::Benchmark;
use crate::report::json;
use crate::report::libtest::LibtestReporter;
use crate::report::terminal::PrettyReporter;
use crate::report::{Reporter, StartInfo};
use crate::schema::{BenchResult, Calibration, Incomplete, RunConfig, RunReport, RunSummary};
use crate::schema::{Status, ids};
use crate::store::{paths, spool};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// What bench mode needs from before the first benchmark until the last write.
struct Setup {
    home: PathBuf,
    valgrind: Option<String>,
    base: Option<(String, RunReport)>,
    /// Whether the run is spooled for the history.
    history: bool,
    /// Whether `--save-baseline` keeps the bench executable (`--no-save-binary`,
    /// `[baseline] save_binary`).
    keep_binary: bool,
}

/// A run in progress: what it measures, with what, and where it reports.
struct Session<'a> {
    cli: &'a Cli,
    resolver: &'a Resolver,
    target: BenchTarget,
    setup: Setup,
    to_run: Vec<Benchmark>,
    registered: Vec<String>,
    calibration: Calibration,
    instruments: Instruments,
    report: RunReport,
    journal: Journal,
    host_runs: HostRuns,
    reporter: Box<dyn Reporter>,
    start: Instant,
}

/// Measures the selection; returns the exit code. The steps: check what can be checked and
/// start the report, measure every benchmark, compare with the baseline and gate, write.
pub fn run(
    cli: &Cli,
    resolver: &Resolver,
    selection: Selection,
    target: BenchTarget,
) -> ExitStatus {
    super::stdout_guard::reserve_for_json(cli);
    let mut session = match start(cli, resolver, selection, target) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", TermLines(&e.to_string()));
            return e.status();
        }
    };
    let ended = measure_all(&mut session);
    judge(&mut session, &ended);
    let (report, write_error) = finish(session);
    if let Some(url) = &cli.harness.notify
        && let Some(notification) = crate::notify::gate_failed(&report)
    {
        crate::notify::send(url, &notification);
    }
    exit_status(&report, write_error)
}

/// Checks everything that can be checked before measuring, then starts the report, the
/// journal and the reporter.
fn start<'a>(
    cli: &'a Cli,
    resolver: &'a Resolver,
    selection: Selection,
    target: BenchTarget,
) -> Result<Session<'a>, Error> {
    let started_at = SystemTime::now();
    let start = Instant::now();
    let registered = selection.registered.clone();
    let (to_run, ignored, filtered_out) = selection.filtered(cli);
    let mut setup = prepare(cli, target, &to_run)?;
    setup.keep_binary = !cli.harness.no_save_binary && resolver.file.save_binary != Some(false);
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
    let journal = Journal::start(&setup.home, &report, setup.history, &registered)?;
    let host = report.environment.host.as_deref();
    let host_runs = HostRuns::load(&setup.home, target.crate_name, setup.history, host);
    let ids: Vec<String> = to_run.iter().map(|b| b.id.clone()).collect();
    let ignored_ids: Vec<String> = ignored.iter().map(|b| b.id.clone()).collect();
    reporter.start(&StartInfo {
        ids: &ids,
        ignored: &ignored_ids,
        precision_ns: calibration.precision_ns,
        overhead_ns: calibration.overhead_ns,
    });
    Ok(Session {
        cli,
        resolver,
        target,
        setup,
        to_run,
        registered,
        calibration,
        instruments: preflight.instruments,
        report,
        journal,
        host_runs,
        reporter,
        start,
    })
}

impl Session<'_> {
    /// Runs `bench` once and analyses it.
    fn measure(&self, bench: &Benchmark) -> Analyzed {
        let how = (self.resolver, self.calibration, self.instruments);
        measure_here_or_isolated(bench, how)
    }
}

/// Runs `bench` in this process, or in a child of its own when it is isolated (`--isolate`,
/// its `isolate` option or a resource limit).
fn measure_here_or_isolated(
    bench: &Benchmark,
    (resolver, calibration, instruments): (&Resolver, Calibration, Instruments),
) -> Analyzed {
    let isolation = resolver.isolation(bench);
    if isolation.isolated() {
        let settings = resolver.settings(bench);
        return super::isolate::measure(bench, settings, isolation, &calibration);
    }
    measure_one(bench, resolver, calibration, instruments)
}

/// Compares with `--baseline` (confirming what it flags by A/B against the baseline's kept
/// executable, else by measuring it again) and decides `--gate`.
fn judge(s: &mut Session<'_>, ended: &[Instant]) {
    s.reporter
        .finish(&s.report.benchmarks, &s.report.summary, s.start.elapsed());
    if let Some(base) = &s.setup.base {
        gating::compare(&mut s.report, base, &s.to_run, s.resolver);
        if !s.cli.harness.no_confirm {
            let flagged = gating::flagged(&s.report);
            let kept = base.1.binary.as_ref();
            let left = ab_confirm::confirm(&mut s.report, &s.setup.home, &base.0, kept, &flagged);
            let how = (s.resolver, s.calibration, s.instruments);
            let journal = &mut s.journal;
            gating::confirm(&mut s.report, base, &s.to_run, ended, &left, &mut |bench| {
                journal.remeasuring(Some(&bench.id));
                let again = measure_here_or_isolated(bench, how).result;
                journal.remeasuring(None);
                again
            });
        }
    }
    if s.cli.harness.gate {
        s.report.gate = Some(gating::gate(&s.report));
    }
}

/// Ends the report, prints the comparison and writes every output; returns the report and
/// the status of the failed writes, if any.
fn finish(mut s: Session<'_>) -> (RunReport, Option<ExitStatus>) {
    s.report.incomplete = None;
    s.report.finished_at = crate::timestamp::rfc3339_millis(SystemTime::now());
    crate::report::comparison::print(&mut *console(s.cli), &s.report);
    s.host_runs.record(&s.report);
    let criterion_style = s.to_run.iter().any(Benchmark::is_dynamic);
    let mut failed = write_all(
        s.cli,
        s.target,
        &s.setup,
        &s.report,
        s.journal,
        &s.registered,
    );
    if criterion_style && !s.report.benchmarks.is_empty() {
        let errors = super::outputs::write_criterion_tree(&s.cli.harness, &s.report);
        for e in &errors {
            eprintln!("error: {}", TermLines(&e.to_string()));
        }
        failed = errors
            .iter()
            .map(Error::status)
            .chain(failed)
            .reduce(ExitStatus::max);
    }
    (s.report, failed)
}

/// Checks everything that can be checked before measuring: `--instructions` needs valgrind,
/// `--baseline` must load (and with `--gate` hold some of `to_run`), `--save-baseline` must
/// not replace an unreadable baseline, the history must be a qudag-bench history.
fn prepare(cli: &Cli, target: BenchTarget, to_run: &[Benchmark]) -> Result<Setup, Error> {
    let valgrind = match cli.harness.instructions.then(callgrind::valgrind_version) {
        None => None,
        Some(Ok(version)) => Some(version),
        Some(Err(e)) => return Err(e.context("--instructions")),
    };
    super::outputs::check(&cli.harness, target.crate_name)?;
    let home = paths::home();
    let base = gating::load(cli, &home, target.crate_name)?;
    gating::check_common(cli, base.as_ref(), to_run)?;
    gating::check_save(cli, &home, target.crate_name)?;
    let history = !cli.harness.no_history;
    if history {
        let path = spool::history_file(&home);
        spool::check_history(&path)?;
    }
    Ok(Setup {
        home,
        valgrind,
        base,
        history,
        keep_binary: true,
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
    target: BenchTarget,
    started_at: SystemTime,
    preflight: &preflight::Preflight,
    calibration: Calibration,
) -> RunReport {
    let started = crate::timestamp::rfc3339_millis(started_at);
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
        run_group: cli.harness.run_group.clone().or_else(nextest_run),
        incomplete: None,
        binary: None,
    }
}

/// Under `cargo nextest bench`, which starts one process per benchmark, the id nextest gives
/// the whole invocation (`NEXTEST_RUN_ID`), so that the history holds its runs as one group.
fn nextest_run() -> Option<String> {
    let id = std::env::var("NEXTEST_RUN_ID").ok()?;
    crate::cli::run_group(&format!("nextest-{id}")).ok()
}

/// Measures the benchmarks one at a time into the report, keeping the journal and the
/// reporter up to date after each; returns when each benchmark's measurement ended.
fn measure_all(s: &mut Session<'_>) -> Vec<Instant> {
    let mut ended = Vec::with_capacity(s.to_run.len());
    let mut hung = Vec::new();
    for bench in &s.to_run {
        s.reporter.bench_started(&bench.id);
        s.journal.bench_started(&bench.id);
        let Analyzed {
            mut result,
            hung: abandoned,
        } = s.measure(bench);
        finish_result(&mut result, bench, s.resolver, s.setup.valgrind.as_deref());
        s.host_runs.attach(&mut result);
        if abandoned {
            hung.push(bench.id.clone());
        }
        s.reporter.bench_finished(&result);
        s.report.benchmarks.push(result);
        count(&mut s.report);
        // The history stores it as the run's end until the final write.
        s.report.finished_at = crate::timestamp::rfc3339_millis(SystemTime::now());
        s.journal.bench_finished(&s.report);
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
        result.target = Some(figures::target(expression, target, result));
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
    let skipped = by(Status::Skipped);
    let targets = |met: bool| {
        report
            .benchmarks
            .iter()
            .filter(|r| r.target.as_ref().and_then(|t| t.met) == Some(met))
            .count() as u64
    };
    let (targets_met, targets_missed) = (targets(true), targets(false));
    let s = &mut report.summary;
    (s.ok, s.failed, s.timeout, s.skipped) = (ok, failed, timeout, skipped);
    (s.targets_met, s.targets_missed) = (targets_met, targets_missed);
}

/// Writes the final report to `results/`, the history and `--json`, saves the baseline and
/// writes the other report files; returns the most important status of the writes that
/// failed (each error printed), `None` when none did.
fn write_all(
    cli: &Cli,
    target: BenchTarget,
    setup: &Setup,
    report: &RunReport,
    journal: Journal,
    registered: &[String],
) -> Option<ExitStatus> {
    let mut errors = journal.finish(report);
    // `--json` always describes this run, even an empty one: it says what was selected.
    if let Some(dest) = cli.harness.json.as_deref() {
        let dest = super::outputs::expand(dest, target.crate_name);
        errors.extend(json::write(report, &dest).err());
    }
    errors.extend(gating::save(cli, &setup.home, report, registered, setup.keep_binary).err());
    if !report.benchmarks.is_empty() {
        // Nothing selected here: keep the files of the targets that ran.
        errors.extend(super::outputs::write(&cli.harness, report));
    }
    for e in &errors {
        eprintln!("error: {}", TermLines(&e.to_string()));
    }
    errors.iter().map(Error::status).reduce(ExitStatus::max)
}

/// The exit code: a failed benchmark first, then a failed write (its error's status), then
/// the gate.
fn exit_status(report: &RunReport, write_error: Option<ExitStatus>) -> ExitStatus {
    if report.summary.failed + report.summary.timeout > 0 {
        ExitStatus::BenchFailed
    } else if let Some(status) = write_error {
        status
    } else if report.gate.as_ref().is_some_and(|g| g.failed) {
        ExitStatus::GateFailed
    } else {
        ExitStatus::Success
    }
}

/// Runs one benchmark and analyses what it left.
pub(super) fn measure_one(
    bench: &Benchmark,
    resolver: &Resolver,
    calibration: Calibration,
    instruments: Instruments,
) -> Analyzed {
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
    if matches!(outcome, Outcome::Hung) {
        // Tells the abandoned thread's sampler to stop at its next check.
        guard.cancel();
    }
    let context = analyze::Context {
        bench,
        settings,
        system: sampler.map(system::Sampler::stop),
        wall_time_s: started.elapsed().as_secs_f64(),
    };
    analyze::result(context, outcome)
}

/// A run id unique enough for one host: start time in ms, process id, and a random suffix.
fn run_id(started_at: SystemTime) -> String {
    let ms = started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{ms:x}-{:x}-{:04x}", std::process::id(), fastrand::u16(..))
}
