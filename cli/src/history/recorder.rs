//! Writing one spooled run into the history, in one transaction: its run row, a result row
//! per benchmark it finished, its report. Idempotent by run id: a run imported while in
//! flight is replaced when it is imported again, a complete run is kept as it is.

use super::open::describe;
use qudag_bench::error::Error;
use qudag_bench::schema::Spooled;
use qudag_bench::schema::{BenchResult, RunReport};
use qudag_bench::store::process::Process;
use qudag_bench::store::spool::lean;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::Path;

/// What a spooled run is when it is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Finished: its report is final.
    Complete,
    /// Its process ended before it finished.
    Interrupted,
    /// Still in flight (or of another host): imported as far as it got, imported again later.
    Running,
}

impl State {
    /// The state as the `runs.state` column holds it.
    pub(super) fn column(self) -> &'static str {
        match self {
            State::Complete => "complete",
            State::Interrupted => "interrupted",
            State::Running => "running",
        }
    }
}

/// Stores the spooled run `doc` as `state` in the history open on `conn` (at `path`, for
/// errors), in one transaction. Returns false when the history holds the run already as it
/// stays ([`is_final`]): nothing was written.
pub fn store(
    conn: &mut Connection,
    path: &Path,
    doc: &Spooled,
    state: State,
) -> Result<bool, Error> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| describe(path, &e, None))?;
    let written = (|| {
        let r = &doc.report;
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, state FROM runs WHERE run_id = ?1",
                [&r.run_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((_, done)) if is_final(&done, state) => return Ok(false),
            Some((id, _)) => {
                tx.execute("DELETE FROM results WHERE run = ?1", [id])?;
                tx.execute("DELETE FROM metrics WHERE run = ?1", [id])?;
                tx.execute("DELETE FROM reports WHERE run = ?1", [id])?;
                tx.execute("DELETE FROM runs WHERE id = ?1", [id])?;
            }
            None => {}
        }
        insert_run(&tx, r, doc.process())?;
        let run = tx.last_insert_rowid();
        for b in &r.benchmarks {
            insert_result(&tx, run, b)?;
            insert_metrics(&tx, run, b)?;
        }
        store_report(&tx, run, r)?;
        match state {
            State::Complete => update_run(&tx, run, r)?,
            _ => {
                tx.execute(
                    "UPDATE runs SET state = ?1, current_bench = ?2 WHERE id = ?3",
                    params![state.column(), doc.running, run],
                )?;
            }
        }
        Ok(true)
    })();
    let written = written.map_err(|e: rusqlite::Error| describe(path, &e, Some(&tx)))?;
    tx.commit().map_err(|e| describe(path, &e, None))?;
    Ok(written)
}

/// Whether a run stored in state `stored` (the column's text) stays as it is when the same
/// run comes again as `incoming`: a complete run always does, an interrupted one unless the
/// run now comes complete (a push of the same history again writes nothing).
pub(super) fn is_final(stored: &str, incoming: State) -> bool {
    stored == "complete" || (stored == "interrupted" && incoming != State::Complete)
}

/// Records the finished run `report` in the history at `path` (creating or migrating it), in
/// one transaction; false when the history holds the run already (nothing is written).
pub fn record(path: &Path, report: &RunReport) -> Result<bool, Error> {
    let mut conn = super::open(path)?;
    store(&mut conn, path, &spooled(report), State::Complete)
}

/// The finished run `report` as this process would have spooled it.
pub(super) fn spooled(report: &RunReport) -> Spooled {
    let me = Process::this();
    Spooled {
        schema: qudag_bench::schema::ids::SPOOL.to_string(),
        pid: me.pid,
        pid_started: me.started,
        running: None,
        noted: false,
        report: report.clone(),
    }
}

/// The host fingerprint stored with each run.
pub(super) fn fingerprint(report: &RunReport) -> String {
    let env = &report.environment;
    format!(
        "{} | {} | {} | opt-level {}",
        env.host.as_deref().unwrap_or("?"),
        env.cpu_model.as_deref().unwrap_or("?"),
        env.rustc.as_deref().unwrap_or("?"),
        env.profile.opt_level
    )
}

fn insert_run(tx: &Transaction, r: &RunReport, me: Process) -> rusqlite::Result<()> {
    let env = &r.environment;
    let config = serde_json::to_string(&r.config).expect("config serializes");
    tx.execute(
        "INSERT INTO runs (run_id, bench_target, started_at, finished_at, git_commit, git_branch,
             git_dirty, host, fingerprint, config, baseline, gate_failed, run_group, state, pid,
             pid_started)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'running', ?14, ?15)",
        params![
            r.run_id,
            r.bench_target,
            r.started_at,
            r.finished_at,
            env.git.as_ref().map(|g| g.commit.clone()),
            env.git.as_ref().and_then(|g| g.branch.clone()),
            env.git.as_ref().map(|g| g.dirty),
            env.host,
            fingerprint(r),
            config,
            r.baseline.as_ref().map(|b| b.name.clone()),
            r.gate.as_ref().map(|g| g.failed),
            r.run_group,
            me.pid,
            me.started,
        ],
    )?;
    Ok(())
}

/// The run row with the final report's figures, `complete`.
fn update_run(tx: &Transaction, run: i64, r: &RunReport) -> rusqlite::Result<()> {
    let config = serde_json::to_string(&r.config).expect("config serializes");
    tx.execute(
        "UPDATE runs SET finished_at = ?1, fingerprint = ?2, config = ?3, baseline = ?4,
             gate_failed = ?5, run_group = ?6, state = 'complete', current_bench = NULL
         WHERE id = ?7",
        params![
            r.finished_at,
            fingerprint(r),
            config,
            r.baseline.as_ref().map(|b| b.name.clone()),
            r.gate.as_ref().map(|g| g.failed),
            r.run_group,
            run,
        ],
    )?;
    Ok(())
}

/// The instructions per iteration callgrind counted for `b` (`--instructions`), the figure of
/// `history --changes --instructions`. Not a hardware counter's: one series must not mix two
/// ways of counting.
pub(super) fn counted_instructions(b: &BenchResult) -> Option<f64> {
    b.instructions.as_ref().and_then(|i| i.per_iter)
}

fn insert_result(tx: &Transaction, run: i64, b: &BenchResult) -> rusqlite::Result<()> {
    let status = serde_json::to_value(b.status).expect("status serializes");
    let verdict = b
        .comparison
        .as_ref()
        .map(|c| serde_json::to_value(c.verdict).expect("verdict serializes"));
    let time = b.time_ns.as_ref();
    tx.execute(
        "INSERT OR REPLACE INTO results (run, bench_id, suite, tags, status, median_ns, mean_ns,
             median_ci_lower_ns, median_ci_upper_ns, throughput_per_second, verdict, change,
             instructions_per_iter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            run,
            b.id,
            b.suite,
            b.tags.join(","),
            status.as_str(),
            time.map(|t| t.median),
            time.map(|t| t.mean),
            time.map(|t| t.median_ci.lower),
            time.map(|t| t.median_ci.upper),
            b.throughput.and_then(|t| t.per_second),
            verdict
                .as_ref()
                .and_then(|v| v.as_str().map(str::to_string)),
            b.comparison.as_ref().and_then(|c| c.change),
            counted_instructions(b),
        ],
    )?;
    Ok(())
}

/// The custom metrics of result `b`, one row each.
fn insert_metrics(tx: &Transaction, run: i64, b: &BenchResult) -> rusqlite::Result<()> {
    for (name, m) in &b.metrics {
        let ci = m.median_ci.as_ref();
        tx.execute(
            "INSERT OR REPLACE INTO metrics (run, bench_id, name, unit, count, median,
                 median_ci_lower, median_ci_upper)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run,
                b.id,
                name,
                m.unit,
                m.values.len() as i64,
                m.median,
                ci.map(|c| c.lower),
                ci.map(|c| c.upper),
            ],
        )?;
    }
    Ok(())
}

/// Stores `report` without its raw samples as the run's report (replacing an earlier one).
fn store_report(tx: &Transaction, run: i64, report: &RunReport) -> rusqlite::Result<()> {
    let kept = serde_json::to_string(&lean(report)).expect("a report serializes");
    tx.execute(
        "INSERT OR REPLACE INTO reports (run, json) VALUES (?1, ?2)",
        params![run, kept],
    )?;
    Ok(())
}
