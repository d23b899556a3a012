//! The `qudag-bench` command: run bench targets, render reports, compare runs and baselines,
//! gate two builds, query the history, serve Prometheus metrics.
//!
//! ```text
//! qudag-bench compare OLD NEW [--format table|json|markdown] [--noise-threshold PCT] [--gate]
//! qudag-bench history [--bench ID] [--suite S] [--tag T] [--since T] [--until T] [--commit C]
//! qudag-bench ab --base BIN --head BIN [FILTER] [--instructions] [--json P] [--markdown P]
//! qudag-bench report [RUN|latest|FILE] [--format html|csv|csv-samples|markdown|json|bmf] [--out P]
//! qudag-bench monitor [--listen 127.0.0.1:9091] [--allow-remote]
//! qudag-bench import criterion [DIR] [--baseline SET] [--save-baseline NAME] [--target NAME]
//! qudag-bench run [--package P] [--bench B] [--test [--jobs N]] [--json P] [-- HARNESS ARGS]
//! ```
//! OLD and NEW are each a run report file, a baseline name (every bench target saved under it)
//! or `latest` (the latest results of every bench target). Exit codes: 0, 2 for bad input,
//! 3 when `--gate` (or `ab`) finds a regression, 101 when `ab` saw a benchmark fail.

mod ab;
mod baseline_arm;
mod history;
mod history_command;
mod home;
mod import;
mod instructions;
mod level_changes;
mod monitor;
mod report;
mod run;
mod sources;

use clap::{Parser, Subcommand, ValueEnum};
use qudag_bench::config::NoiseThreshold;
use qudag_bench::error::Error;
use qudag_bench::escape::{Term, TermLines};
use qudag_bench::exit::ExitStatus;
use qudag_bench::gate::{self, verdict};
use qudag_bench::report::{comparison, files};
use qudag_bench::schema::RunReport;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "qudag-bench",
    about = "Run every bench target, render reports, compare runs and baselines, gate two builds with a paired A/B run, query the history, and serve results to Prometheus."
)]
struct Args {
    /// Home directory [default: $QUDAG_BENCH_HOME, else <target dir of the cargo workspace
    /// around the current directory>/qudag-bench, where its benchmarks write].
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// The history: a PostgreSQL server shared by every runner (postgres://USER@HOST:PORT/DB;
    /// a password from the URL, PGPASSWORD or ~/.pgpass), or an SQLite file (sqlite://PATH or
    /// a path) [default: history.sqlite in the home].
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "QUDAG_BENCH_HISTORY",
        hide_env_values = true
    )]
    history: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Paired, interleaved A/B of two builds' bench binaries: exit 3 on a confirmed regression.
    Ab(ab::AbArgs),
    /// Compare NEW with OLD: per benchmark the change of the median and of the fastest samples,
    /// their 95% CIs and a verdict.
    Compare {
        /// A report file, a baseline name or `latest`.
        old: String,
        /// A report file, a baseline name or `latest`.
        new: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Smallest change that counts, percent [default: each benchmark's setting in NEW].
        #[arg(long, value_name = "PCT",
              value_parser = NoiseThreshold::parse)]
        noise_threshold: Option<NoiseThreshold>,
        /// Exit 3 if any benchmark regressed.
        #[arg(long)]
        gate: bool,
    },
    /// Import results of another harness: `import criterion [DIR]` makes criterion's results
    /// a baseline and a run in the history.
    Import(import::ImportArgs),
    /// Render runs as HTML with charts, CSV, Markdown, JSON or Bencher Metric Format.
    Report(report::ReportArgs),
    /// Serve the latest results and the progress of runs in flight as Prometheus metrics.
    Monitor(monitor::MonitorArgs),
    /// List recorded runs, or with --bench the trend of one benchmark.
    History(history_command::HistoryArgs),
    /// Build and run the bench targets (like `cargo bench`, keeping the harness's exit codes),
    /// record them as one run group and print one summary.
    Run(run::RunArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Markdown,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => return qudag_bench::cli::print_parse_error(&e).into(),
    };
    let home = home::Home::new(args.home.clone(), args.history.clone());
    let imported = match &args.command {
        Command::History(_) | Command::Report(_) => import_spool(&home, true),
        Command::Compare { .. } | Command::Monitor(_) | Command::Import(_) => {
            import_spool(&home, false)
        }
        Command::Ab(_) | Command::Run(_) => Ok(()), // `run` imports into its own home
    };
    if let Err(e) = imported {
        return fail(&e);
    }
    let result = match args.command {
        Command::Ab(ab_args) => ab::run(&home, ab_args),
        Command::Report(report_args) => report::run(&home, report_args),
        Command::Import(import_args) => import::run(&home, import_args),
        Command::Monitor(monitor_args) => {
            home.dir().and_then(|home| monitor::run(home, monitor_args))
        }
        Command::Compare {
            old,
            new,
            format,
            noise_threshold,
            gate,
        } => run_compare(&home, &old, &new, format, noise_threshold, gate),
        Command::History(history_args) => history_command::run(&home, history_args),
        Command::Run(run_args) => run::run(run_args, args.home.clone(), args.history.as_deref()),
    };
    result.unwrap_or_else(|e| fail(&e))
}

/// Says what stopped the command; its exit status comes from the kind of error.
fn fail(e: &Error) -> ExitCode {
    eprintln!("error: {}", TermLines(&e.to_string()));
    e.status().into()
}

/// Imports the runs bench binaries spooled under `home` into its history (see
/// [`history::import`]). A failure is an error when the command reads the history (`needed`),
/// else a warning. A home that cannot be resolved has nothing to import (the command says so
/// if it needs one).
fn import_spool(home: &home::Home, needed: bool) -> Result<(), Error> {
    let Ok(dir) = home.get() else {
        return Ok(());
    };
    let history = home.history()?;
    // A server named on purpose must be usable: down is an error, whatever the command.
    let needed = needed || matches!(history, history::Location::Server(_));
    import_spool_at(dir, &history, needed)
}

/// [`import_spool`] of the home directory `home` into `history`. When it is not `needed`, a
/// failure is a warning that says where the runs wait and how to send them later.
fn import_spool_at(
    home: &std::path::Path,
    history: &history::Location,
    needed: bool,
) -> Result<(), Error> {
    match history.import(home) {
        Err(e) if !needed => {
            eprintln!(
                "warning: the history spool was not imported into {}: {}
the runs wait in \
                 {}; `qudag-bench history push` sends them once the history can be reached",
                Term(&history.shown()),
                TermLines(&e.to_string()),
                Term(&qudag_bench::store::spool::dir(home).display().to_string())
            );
            Ok(())
        }
        result => result,
    }
}

/// `qudag-bench compare OLD NEW`: compares every bench target the two have in common, prints
/// the comparisons in `format` and, with `--gate`, fails on a confirmed regression.
fn run_compare(
    home: &home::Home,
    old: &str,
    new: &str,
    format: Format,
    noise_threshold: Option<NoiseThreshold>,
    gate_on: bool,
) -> Result<ExitCode, Error> {
    let (olds, _) = sources::load(home, old, false)?;
    let (news, _) = sources::load(home, new, false)?;
    let compared = compare_all(old, &olds, news, noise_threshold, gate_on);
    if compared.is_empty() {
        return Err(Error::setting(format!(
            "`{old}` and `{new}` have no bench target in common"
        )));
    }
    if gate_on {
        check_gate_inputs(old, new, &compared)?;
    }
    print_compared(&compared, format)?;
    let failed = compared
        .iter()
        .any(|r| r.gate.as_ref().is_some_and(|g| g.failed));
    Ok(if failed {
        ExitStatus::GateFailed.into()
    } else {
        ExitCode::SUCCESS
    })
}

/// Each report of `news` compared with the report of its bench target in `olds` (named
/// `old`), and gated when `gate_on`; targets `old` lacks are skipped with a note.
fn compare_all(
    old: &str,
    olds: &[RunReport],
    news: Vec<RunReport>,
    noise_threshold: Option<NoiseThreshold>,
    gate_on: bool,
) -> Vec<RunReport> {
    let mut compared = Vec::new();
    for mut report in news {
        let Some(base) = olds.iter().find(|o| o.bench_target == report.bench_target) else {
            eprintln!(
                "qudag-bench: `{}` has no report for bench target `{}`; skipped",
                Term(old),
                Term(&report.bench_target)
            );
            continue;
        };
        let threshold = |r: &qudag_bench::schema::BenchResult| {
            noise_threshold
                .unwrap_or(NoiseThreshold::recorded(r.config.noise_threshold_pct))
                .fraction()
        };
        verdict::compare_run(&mut report, old, base, &threshold);
        // The gate is this command's decision: a loaded report's own (from its run's `--gate`)
        // says nothing about this comparison.
        report.gate = gate_on.then(|| gate::decide(&report));
        compared.push(report);
    }
    compared
}

/// A gate must have judged something: refuses a run that did not finish, or a comparison in
/// which no measured benchmark was in both.
fn check_gate_inputs(old: &str, new: &str, compared: &[RunReport]) -> Result<(), Error> {
    if let Some(partial) = compared.iter().find(|r| r.incomplete.is_some()) {
        return Err(Error::setting(format!(
            "--gate: {}; a gate on a run that did not finish would pass what it never measured",
            qudag_bench::report::unfinished::note(partial).unwrap_or_default()
        )));
    }
    let benchmarks_compared: u64 = compared
        .iter()
        .filter_map(|r| r.baseline.as_ref().map(|b| b.compared))
        .sum();
    if benchmarks_compared == 0 {
        return Err(Error::setting(format!(
            "--gate: `{}` and `{}` have no measured benchmark in common, so the gate would \
             compare nothing",
            Term(old),
            Term(new)
        )));
    }
    Ok(())
}

/// Prints the comparisons as a table, Markdown or JSON.
fn print_compared(compared: &[RunReport], format: Format) -> Result<(), Error> {
    match format {
        Format::Table => {
            let mut out = std::io::stdout().lock();
            for r in compared {
                println!("\n{}:", Term(&r.bench_target));
                comparison::print(&mut out, r);
            }
        }
        Format::Markdown => {
            for r in compared {
                println!("{}", comparison::markdown(r));
            }
        }
        Format::Json => {
            let value: Vec<serde_json::Value> = compared
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "bench_target": r.bench_target,
                        "baseline": r.baseline,
                        "gate": r.gate,
                        "benchmarks": r.benchmarks.iter().map(|b| serde_json::json!({
                            "id": b.id, "median_ns": b.time_ns.as_ref().map(|t| t.median), "comparison": b.comparison,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&value).expect("serializes") + "\n";
            let mut out = std::io::stdout().lock();
            let shown = files::for_a_terminal(text.as_bytes(), out.is_terminal());
            out.write_all(&shown).map_err(|e| stdout_error(&e))?;
        }
    }
    Ok(())
}

/// A failed write of a command's output to stdout (`-`).
fn stdout_error(e: &std::io::Error) -> Error {
    Error::Write {
        path: "-".into(),
        message: format!("cannot write to stdout: {e}"),
    }
}
