//! `qudag-bench run`: builds the bench targets with cargo, runs each bench executable
//! directly (so that the harness's exit codes survive: cargo would turn each into 101 and stop
//! at the first), gives the whole invocation one run group id, prints one summary and exits
//! with the combined code.

mod exec;
mod plan;
mod summary;

use crate::history;
use clap::Args;
use qudag_bench::cli::Cli;
use qudag_bench::error::Error;
use qudag_bench::escape::{Term, TermLines};
use qudag_bench::exit::ExitStatus;
use qudag_bench::schema::{GroupDocument, GroupMode, TargetOutcome, ids};
use qudag_bench::store::{atomic, baseline, paths};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

/// Flags of `qudag-bench run`.
#[derive(Args)]
#[command(after_help = "\
Measured runs go one bench target at a time; `--jobs N` applies only with --test (concurrent \
benchmarks share the CPUs and disturb each other's timings). With --test and --jobs above 1, \
the targets that took longest in the history start first (targets with no recorded run before \
all others) and each target's output is printed whole when it finishes.

Every target gets the same run group id (QUDAG_BENCH_RUN_GROUP), stored in its report and in \
the history: `qudag-bench history --group ID`. The home is --home, else $QUDAG_BENCH_HOME, else \
<cargo target dir>/qudag-bench, the same for every target.

Exit codes, the most important over all targets: 101 a benchmark failed or timed out (also: \
the build failed, or a target crashed) > 2 usage, configuration or input error (bad flag, \
unknown --package or --bench, bad baseline) > 3 the gate failed (so 3 means every target ran \
and only the gate failed) > 0 ok.")]
pub struct RunArgs {
    /// Only this package (repeatable) [default: cargo's selection].
    #[arg(short = 'p', long = "package", value_name = "P")]
    package: Vec<String>,
    /// Only this bench target (repeatable) [default: every bench target].
    #[arg(long = "bench", value_name = "B")]
    bench: Vec<String>,
    /// Smoke test: build in the test profile and run every benchmark once, as `cargo test
    /// --benches` does; nothing is measured or recorded.
    #[arg(long)]
    test: bool,
    /// Bench targets running at once, with --test only [default: 1].
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,
    /// Path to the Cargo.toml (passed to cargo).
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Cargo build profile (passed to cargo) [default: bench, with --test: test].
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Write every target's report and the summary as one document (schema
    /// `qudag-bench/group/v1`); `-` is stdout, all else then goes to stderr.
    #[arg(long, value_name = "PATH|-")]
    json: Option<String>,
    /// POST a JSON summary (`qudag-bench/notification/v1`) to this webhook for each target
    /// whose gate fails, and once for the level changes this run makes visible in the history.
    #[arg(long, value_name = "URL", value_parser = qudag_bench::notify::check_url)]
    notify: Option<String>,
    /// Arguments for every bench executable (the harness's flags and FILTER, as after
    /// `cargo bench --`).
    #[arg(last = true, value_name = "HARNESS ARGS")]
    harness: Vec<OsString>,
}

/// A run group id: start time in ms and process id, hex, with a random suffix.
fn new_group() -> String {
    let ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("{ms:x}-{:x}-{:04x}", std::process::id(), fastrand::u16(..))
}

/// Checks the harness arguments with the harness's own parser; returns the group id to use
/// (`--run-group` among them, else `QUDAG_BENCH_RUN_GROUP`, else a new one), whether the
/// history is off (`--no-history`) and the webhook (`--notify`, or `QUDAG_BENCH_NOTIFY`).
fn check_harness_args(args: &[OsString]) -> Result<(String, bool, Option<String>), ExitCode> {
    let argv = std::iter::once(OsString::from("qudag-bench")).chain(args.iter().cloned());
    let cli = match <Cli as clap::Parser>::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => return Err(qudag_bench::cli::print_parse_error(&e).into()),
    };
    let refuse = |message: &str| {
        eprintln!("error: {}", TermLines(message));
        Err(ExitStatus::Usage.into())
    };
    if cli.libtest.bench {
        return refuse(
            "--bench after `--`: `qudag-bench run` passes it itself when measuring (use \
             `qudag-bench run --bench NAME` to select a target, --test for smoke tests)",
        );
    }
    let h = &cli.harness;
    let paths = [
        ("json", &h.json),
        ("html", &h.html),
        ("csv", &h.csv),
        ("csv-samples", &h.csv_samples),
        ("csv-metrics", &h.csv_metrics),
        ("markdown", &h.markdown),
        ("bmf", &h.bmf),
    ];
    // Every bench target gets the same flags: one path would be rewritten by each in turn.
    for (flag, path) in paths {
        if let Some(path) = path
            && !path.contains("{target}")
        {
            return refuse(&format!(
                "--{flag} {path} after `--`: every bench target would rewrite it; put \
                 `{{target}}` in the path (one file per bench target), or use \
                 `qudag-bench run --json PATH` or `qudag-bench report latest --format {}` for \
                 one file of all targets",
                flag
            ));
        }
    }
    let no_history = cli.harness.no_history;
    let group = cli.harness.run_group.unwrap_or_else(new_group);
    Ok((group, no_history, cli.harness.notify))
}

/// Runs `qudag-bench run`; `home` is `--home` and `history` `--history` if given.
pub fn run(args: RunArgs, home: Option<PathBuf>, history: Option<&str>) -> Result<ExitCode, Error> {
    let started_at = SystemTime::now();
    let start = Instant::now();
    let (group, no_history, harness_notify) = match check_harness_args(&args.harness) {
        Ok(g) => g,
        Err(code) => return Ok(code),
    };
    let notify = args.notify.clone().or(harness_notify);
    let measure = !args.test;
    if measure && args.jobs > 1 {
        eprintln!(
            "note: --jobs {} ignored: measured runs go one bench target at a time, because \
             benchmarks running at once share the CPUs and disturb each other's timings \
             (--jobs applies with --test)",
            args.jobs
        );
    }
    let Prepared {
        home,
        history,
        targets,
    } = match prepare(&args, home.as_deref(), history, measure && !no_history)? {
        Ok(prepared) => prepared,
        Err(code) => {
            eprintln!(
                "error: the build failed (cargo exited with {code}); nothing ran\nexit code \
                 101: a benchmark failed (cargo bench's code for a failed build)"
            );
            return Ok(ExitStatus::BenchFailed.into());
        }
    };
    let to_stdout = args.json.as_deref() == Some("-");
    let outcomes = execute(&args, &home, &group, &targets, args.notify.clone())?;
    let mut status = ExitStatus::combine(outcomes.iter().map(|o| o.exit_code));
    if let Some(dest) = &args.json {
        let mode = match measure {
            true => GroupMode::Bench,
            false => GroupMode::Test,
        };
        status = write_group(dest, &group, mode, (started_at, start), status, &outcomes);
    }
    // The targets' runs go into the history now, so that `history --group` shows them.
    if measure && !no_history {
        crate::import_spool_at(&home, &history, false)?;
        if let Some(url) = &notify {
            crate::level_changes::notify_made_visible(&history, &outcomes, url);
        }
    }
    let mut out: Box<dyn std::io::Write> = if to_stdout {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    summary::print(
        &mut *out,
        &group,
        measure,
        &outcomes,
        start.elapsed(),
        status,
    );
    if outcomes.iter().any(|o| o.report.is_some()) {
        let recorded = if no_history {
            String::new()
        } else {
            format!("; in the history: qudag-bench history --group {group}")
        };
        let home = home.join("results").display().to_string();
        let _ = writeln!(out, "reports in {}{recorded}", Term(&home));
    }
    Ok(status.into())
}

/// Writes the run group's document to `--json` `dest` and returns `status` with a failed
/// write's status combined in (the error is printed).
fn write_group(
    dest: &str,
    group: &str,
    mode: GroupMode,
    (started_at, start): (SystemTime, Instant),
    status: ExitStatus,
    outcomes: &[TargetOutcome],
) -> ExitStatus {
    let doc = GroupDocument {
        schema: ids::GROUP.to_string(),
        run_group: group.to_string(),
        mode,
        started_at: humantime::format_rfc3339_millis(started_at).to_string(),
        finished_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        wall_time_s: start.elapsed().as_secs_f64(),
        exit_code: status.code(),
        targets: outcomes.to_vec(),
    };
    match write_document(&doc, dest) {
        Ok(()) => status,
        Err(e) => {
            eprintln!(
                "error: --json {}: {}",
                Term(dest),
                TermLines(&e.to_string())
            );
            status.max(e.status())
        }
    }
}

/// What `run` found before running anything.
struct Prepared {
    home: PathBuf,
    history: history::Location,
    targets: Vec<plan::Target>,
}

/// Checks the destination of `--json`, the workspace and the selection, builds the bench
/// targets and orders them; `Err(code)` inside when the build failed with cargo's `code`. A
/// history server that the run will record to (`recording`) must answer before anything runs.
fn prepare(
    args: &RunArgs,
    home: Option<&Path>,
    history: Option<&str>,
    recording: bool,
) -> Result<Result<Prepared, i32>, Error> {
    // Like the harness's own report flags: a destination that cannot take the document is
    // refused before anything is built or measured.
    if let Some(dest) = args.json.as_deref().filter(|d| *d != "-") {
        atomic::check(Path::new(dest)).map_err(|e| e.context(&format!("--json {}", Term(dest))))?;
    }
    let ws = plan::workspace(args.manifest_path.as_deref())?;
    plan::check_selection(&ws, &args.package, &args.bench)?;
    let home = paths::resolve_home(home, paths::Fallback::TargetDir(&ws.target_dir))?;
    let home = std::path::absolute(&home)
        .map_err(|e| Error::setting(format!("--home {}: {e}", home.display())))?;
    let history = history::resolve(history, Some(&home))?;
    let server = matches!(history, history::Location::Server(_));
    let build = plan::Build {
        test: args.test,
        packages: &args.package,
        benches: &args.bench,
        manifest_path: args.manifest_path.as_deref(),
        profile: args.profile.as_deref(),
    };
    let mut targets = match plan::build(&build, &ws)? {
        Ok(t) => t,
        Err(code) => return Ok(Err(code)),
    };
    if targets.is_empty() {
        return Err(Error::setting(
            "no bench targets to run in the selected packages",
        ));
    }
    plan::check_distinct(&targets)?;
    crate::import_spool_at(&home, &history, server && recording)?;
    if jobs(args) > 1 {
        match history.latest_durations() {
            Ok(durations) => plan::longest_first(&mut targets, &durations),
            Err(e) => eprintln!(
                "warning: {}; targets run in manifest order",
                TermLines(&e.to_string())
            ),
        }
    }
    Ok(Ok(Prepared {
        home,
        history,
        targets,
    }))
}

/// The targets run at once: `--jobs` in test mode, one at a time when measuring.
fn jobs(args: &RunArgs) -> usize {
    if args.test { usize::from(args.jobs) } else { 1 }
}

/// Runs every target and collects what each left.
fn execute(
    args: &RunArgs,
    home: &Path,
    group: &str,
    targets: &[plan::Target],
    notify: Option<String>,
) -> Result<Vec<TargetOutcome>, Error> {
    let measure = !args.test;
    let status_dir = tempfile::tempdir().map_err(|e| Error::Io {
        message: format!("cannot create a temporary directory: {e}"),
    })?;
    let settings = exec::Settings {
        measure,
        harness_args: args.harness.clone(),
        home: home.to_path_buf(),
        group: group.to_string(),
        stdout_to_stderr: args.json.as_deref() == Some("-"),
        status_dir: status_dir.path().to_path_buf(),
        notify,
    };
    let finished: Vec<exec::Finished> = if jobs(args) > 1 {
        exec::run_concurrently(targets, &settings, jobs(args))
    } else {
        targets
            .iter()
            .map(|t| exec::run_streamed(t, &settings))
            .collect()
    };
    Ok(targets
        .iter()
        .zip(&finished)
        .map(|(t, f)| TargetOutcome {
            bench_target: t.name.clone(),
            package: t.package.name.clone(),
            exit_code: f.code,
            wall_time_s: f.wall.as_secs_f64(),
            tests: (!measure)
                .then(|| summary::test_counts(&f.stdout))
                .flatten(),
            report: measure
                .then(|| report_of(home, &t.crate_name(), group))
                .flatten(),
        })
        .collect())
}

/// Writes the group document to `dest` (a file, atomically, or `-` for stdout).
fn write_document(doc: &GroupDocument, dest: &str) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec_pretty(doc).expect("the document serializes");
    bytes.push(b'\n');
    if dest == "-" {
        std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| crate::stdout_error(&e))
    } else {
        atomic::write(Path::new(dest), &bytes)
    }
}

/// The target's report of this run group, if it wrote one.
fn report_of(home: &Path, crate_name: &str, group: &str) -> Option<qudag_bench::schema::RunReport> {
    let path = paths::results_file(home, crate_name);
    if !path.is_file() {
        return None;
    }
    match baseline::read_report(&path) {
        Ok(r) if r.run_group.as_deref() == Some(group) => Some(r),
        Ok(_) => None,
        Err(e) => {
            eprintln!("warning: {}", TermLines(&e.to_string()));
            None
        }
    }
}
