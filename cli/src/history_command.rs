//! `qudag-bench history`: the runs recorded in `$QUDAG_BENCH_HOME/history.sqlite`, listed
//! with [`crate::history::list`] (the queries live with the tables) and printed
//! one result a line.

use crate::home::Home;
use crate::{history, level_changes};
use clap::Args;
use qudag_bench::error::{BadValue, Error};
use qudag_bench::escape::Term;
use qudag_bench::schema::ChangeMeasure;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

/// `qudag-bench history` flags.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// Only this benchmark id (shows its median run by run).
    #[arg(long)]
    bench: Option<String>,
    /// Only benchmarks of this suite.
    #[arg(long)]
    suite: Option<String>,
    /// Only benchmarks with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only runs started at or after this time: RFC 3339 (2026-11-01T09:30:00Z, offsets
    /// allowed), a date (2026-11-01, midnight UTC) or a duration ago (12h, 2d, 1week).
    #[arg(long, value_name = "TIME", value_parser = time_bound)]
    since: Option<SystemTime>,
    /// Only runs started before this time (same forms as --since).
    #[arg(long, value_name = "TIME", value_parser = time_bound)]
    until: Option<SystemTime>,
    /// Only runs at this git commit (prefix).
    #[arg(long)]
    commit: Option<String>,
    /// Only runs of this run group (`qudag-bench run`), or `latest` for the latest group.
    #[arg(long, value_name = "ID|latest")]
    group: Option<String>,
    /// Show this custom metric (`b.metric`) of each result that recorded it, instead of the
    /// time: its median, unit and interval (with --bench, the change against the first run).
    #[arg(long, value_name = "NAME", value_parser = metric_name)]
    metric: Option<String>,
    /// Find the runs where a benchmark's median moved to a new level (E-divisive means over
    /// each benchmark's runs on each host), with the shift, its p-value and the commits.
    #[arg(long, conflicts_with = "metric")]
    changes: bool,
    /// With --changes: look in each run's instructions per iteration (recorded by runs with
    /// --instructions) instead of its median time: the same on every run of one build, so a
    /// small step shows on a machine whose timings drift.
    #[arg(long, requires = "changes")]
    instructions: bool,
    /// With --changes: list shifts of at least PCT percent (default 5).
    #[arg(long, value_name = "PCT", requires = "changes", value_parser = min_change)]
    min_change: Option<f64>,
    /// With --changes: `table` (default), `json` (qudag-bench/changes/v1) or `markdown`.
    #[arg(long, value_enum, requires = "changes", default_value = "table")]
    format: ChangesFormat,
}

/// What `qudag-bench history` does besides listing.
#[derive(clap::Subcommand)]
pub enum Action {
    /// Copy the runs recorded locally (the home's spool and history file, or --from) into
    /// the history --history names (for example the team's PostgreSQL server); runs it holds
    /// already are not copied again.
    Push {
        /// The local history file [default: history.sqlite in the home].
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
    },
}

/// How `--changes` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangesFormat {
    /// One line per change.
    Table,
    /// The `qudag-bench/changes/v1` document.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Lists the results the flags select.
pub fn run(home: &Home, args: HistoryArgs) -> Result<ExitCode, Error> {
    if let Some(Action::Push { from }) = args.action {
        return push(home, from).map(|()| ExitCode::SUCCESS);
    }
    let filter = history::Filter {
        bench: args.bench,
        suite: args.suite,
        tag: args.tag,
        since: args.since,
        until: args.until,
        commit: args.commit,
        group: args.group,
        metric: args.metric,
    };
    if args.changes {
        let min_change = args.min_change.map_or(0.05, |pct| pct / 100.0);
        let measure = match args.instructions {
            true => ChangeMeasure::Instructions,
            false => ChangeMeasure::Time,
        };
        let found = level_changes::report(&home.history()?, &filter, min_change, measure)?;
        print!("{}", level_changes::render(&found, args.format));
        return Ok(ExitCode::SUCCESS);
    }
    print(home, &filter).map(|()| ExitCode::SUCCESS)
}

/// `history push`: the runs of the local history file `from` (default: the home's) stored
/// into `--history`, each in one transaction; the home's spool went there already (every
/// `history` command imports it first).
fn push(home: &Home, from: Option<PathBuf>) -> Result<(), Error> {
    if home.history_flag().is_none() {
        return Err(Error::setting(
            "history push: give the history to push to with --history URL (or \
             QUDAG_BENCH_HISTORY)",
        ));
    }
    let to = home.history()?;
    let from = match from {
        Some(path) => path,
        None => history::path(home.dir()?),
    };
    if let history::Location::File(dest) = &to
        && same_file(dest, &from)
    {
        return Err(Error::setting(format!(
            "history push: --from {} is the history it would push to",
            from.display()
        )));
    }
    if !from.exists() {
        return Err(Error::setting(format!(
            "history push: --from {}: no such history file",
            from.display()
        )));
    }
    let (runs, without_report) = history::local_runs(&from)?;
    let written = to.store_all(&runs)?;
    eprintln!(
        "qudag-bench: pushed {written} of {} run(s) from {} to {} ({} there already{})",
        runs.len(),
        Term(&from.display().to_string()),
        Term(&to.shown()),
        runs.len() - written,
        match without_report {
            0 => String::new(),
            n => format!("; {n} run(s) recorded before the history kept reports stay behind"),
        }
    );
    Ok(())
}

/// Whether `a` and `b` are one file (or one path, when neither exists yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `--min-change`: a percentage from 0 to 1000.
fn min_change(value: &str) -> Result<f64, BadValue> {
    match value.parse::<f64>() {
        Ok(pct) if (0.0..=1000.0).contains(&pct) => Ok(pct),
        _ => Err(BadValue::new(format!(
            "`{value}` is not a percentage from 0 to 1000"
        ))),
    }
}

/// `--since` / `--until`: a bad value is a usage error (exit 2) naming the flag and the value.
fn time_bound(value: &str) -> Result<SystemTime, BadValue> {
    history::parse_time(value, SystemTime::now())
        .map_err(|_| BadValue::new(format!("expected {}", history::TIME_FORMS)))
}

/// `--metric`: a name `b.metric` would accept.
fn metric_name(value: &str) -> Result<String, BadValue> {
    qudag_bench::measure::metrics::check_name(value)
        .map(|()| value.to_string())
        .map_err(|problem| BadValue::new(format!("`{value}` is not a metric name: it {problem}")))
}

/// The figure a line shows: the metric's median with its unit and interval under
/// `--metric`, else the median time; `-` when the result has none.
fn figure(row: &history::Row, metric: bool) -> (String, Option<f64>) {
    if !metric {
        let text = row.median_ns.map_or("-".into(), |m| format!("{m:.3} ns"));
        return (text, row.median_ns);
    }
    let Some(m) = &row.metric else {
        return ("-".into(), None);
    };
    let number = qudag_bench::report::units::figure;
    let mut text = format!("{} {}", number(m.median), m.unit);
    if let Some((lo, hi)) = m.median_ci {
        text.push_str(&format!(" [{}, {}]", number(lo), number(hi)));
    }
    if m.count > 1 {
        text.push_str(&format!(" ({} values)", m.count));
    }
    (text, Some(m.median))
}

/// Prints the recorded results `filter` selects, one line each; a run that did not finish
/// says so on each of its lines (and has one line even without results).
fn print(home: &Home, filter: &history::Filter) -> Result<(), Error> {
    let rows = home.history()?.list(filter)?;
    let mut first: Option<f64> = None;
    for row in rows {
        let (median_text, value) = figure(&row, filter.metric.is_some());
        let median_text = Term(&median_text).to_string();
        let trend = match (filter.bench.is_some(), first, value) {
            (true, Some(f), Some(m)) if f != 0.0 => {
                format!("  {:+.2}% vs first", 100.0 * (m / f - 1.0))
            }
            (true, None, Some(m)) => {
                first = Some(m);
                String::new()
            }
            _ => String::new(),
        };
        let state = match &row.state {
            history::RunState::Complete => String::new(),
            other => format!("  [{}]", Term(&other.to_string())),
        };
        let commit: String = row.commit.chars().take(10).collect();
        let id = row.bench_id.as_deref().unwrap_or("-");
        let status = row.status.as_deref().unwrap_or("-");
        // Every column comes from the history file: shown escaped.
        let [started, run_id, target, commit, branch, id, status, verdict] = [
            &row.started_at,
            &row.run_id,
            &row.bench_target,
            &commit,
            &row.branch,
            id,
            status,
            &row.verdict,
        ]
        .map(Term);
        println!(
            "{started}  {run_id}  {target:<10} {commit:<10} {branch:<12} {id:<32} {status:<7} {median_text:>14} {verdict}{trend}{state}"
        );
    }
    Ok(())
}
