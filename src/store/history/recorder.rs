//! Recording a run as it goes: the run row first (state `running`), then each finished
//! benchmark, then the final figures. A process that dies in between leaves every benchmark
//! it finished in the history; the next run on the same host marks it `interrupted`.

use super::open::{describe, open};
use super::{process, without_raw_data};
use crate::schema::RunReport;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A run being recorded in the history. Dropping it without [`Recorder::finish`] leaves the
/// run `running`, with what [`Recorder::record_partial`] recorded; the next [`begin`] on this
/// host marks it `interrupted` once its process is gone.
pub struct Recorder {
    conn: Connection,
    path: PathBuf,
    /// The run's row id.
    run: i64,
    /// Benchmarks with a result row.
    recorded: BTreeSet<String>,
    /// The benchmark last given to [`Recorder::bench_started`].
    current: Option<String>,
}

/// An earlier run whose process ended before it finished, found by [`begin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptedRun {
    /// Its run id.
    pub run_id: String,
    /// Its bench target.
    pub bench_target: String,
    /// The benchmark it was running when its process ended; `None` between benchmarks.
    pub running: Option<String>,
    /// How many benchmarks it recorded.
    pub recorded: u64,
}

/// Starts recording the run `header` (its benchmarks, if any, are not recorded yet) in the
/// history at `path`, creating or migrating it. In the same transaction, marks as interrupted
/// every earlier `running` run on this host (`header`'s host) whose process is gone, and
/// returns those so the caller can say what happened.
pub fn begin(path: &Path, header: &RunReport) -> Result<(Recorder, Vec<InterruptedRun>), String> {
    let mut conn = open(path)?;
    let fail = |e: rusqlite::Error, conn: &Connection| describe(path, &e, Some(conn));
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| describe(path, &e, None))?;
    let interrupted =
        mark_interrupted(&tx, header.environment.host.as_deref()).map_err(|e| fail(e, &tx))?;
    let me = process::Process::this();
    insert_run(&tx, header, me).map_err(|e| fail(e, &tx))?;
    let run = tx.last_insert_rowid();
    store_report(&tx, run, header).map_err(|e| fail(e, &tx))?;
    tx.commit().map_err(|e| describe(path, &e, None))?;
    let recorder = Recorder {
        conn,
        path: path.to_path_buf(),
        run,
        recorded: BTreeSet::new(),
        current: None,
    };
    Ok((recorder, interrupted))
}

/// Records the finished run `report` in one go ([`begin`], then [`Recorder::finish`]).
pub fn record(path: &Path, report: &RunReport) -> Result<(), String> {
    let (recorder, _) = begin(path, report)?;
    recorder.finish(report)
}

impl Recorder {
    /// Sets the benchmark that is running now (one small write; a failure costs only the name
    /// of the benchmark if the process dies during it).
    pub fn bench_started(&mut self, id: &str) -> Result<(), String> {
        self.conn
            .execute(
                "UPDATE runs SET current_bench = ?1 WHERE id = ?2",
                params![id, self.run],
            )
            .map_err(|e| self.fail(e))?;
        self.current = Some(id.to_string());
        Ok(())
    }

    /// Records the benchmarks of `so_far` not recorded yet and stores `so_far` as the run's
    /// report (without raw samples, as [`record`] does), in one transaction. Its `finished_at`
    /// becomes the run's end until [`Recorder::finish`]: set it to now.
    pub fn record_partial(&mut self, so_far: &RunReport) -> Result<(), String> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| describe(&self.path, &e, None))?;
        let fresh: Vec<_> = so_far
            .benchmarks
            .iter()
            .filter(|b| !self.recorded.contains(&b.id))
            .collect();
        let current_done =
            (self.current.as_ref()).is_some_and(|c| fresh.iter().any(|b| &b.id == c));
        let written = (|| {
            for b in &fresh {
                insert_result(&tx, self.run, b)?;
            }
            // The benchmark that was running is finished now: a crash from here on happens
            // between benchmarks.
            if current_done {
                tx.execute(
                    "UPDATE runs SET current_bench = NULL WHERE id = ?1",
                    [self.run],
                )?;
            }
            tx.execute(
                "UPDATE runs SET finished_at = ?1 WHERE id = ?2",
                params![so_far.finished_at, self.run],
            )?;
            store_report(&tx, self.run, so_far)
        })();
        written.map_err(|e| describe(&self.path, &e, Some(&tx)))?;
        tx.commit().map_err(|e| describe(&self.path, &e, None))?;
        self.recorded.extend(fresh.iter().map(|b| b.id.clone()));
        if current_done {
            self.current = None;
        }
        Ok(())
    }

    /// The final write, one transaction: the run row (finish time, baseline, gate, state
    /// `complete`), every result row replaced with the final figures (verdicts are known only
    /// now), the report.
    pub fn finish(mut self, report: &RunReport) -> Result<(), String> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| describe(&self.path, &e, None))?;
        let written = (|| {
            update_run(&tx, self.run, report)?;
            tx.execute("DELETE FROM results WHERE run = ?1", [self.run])?;
            for b in &report.benchmarks {
                insert_result(&tx, self.run, b)?;
            }
            store_report(&tx, self.run, report)
        })();
        written.map_err(|e| describe(&self.path, &e, Some(&tx)))?;
        tx.commit().map_err(|e| describe(&self.path, &e, None))
    }

    fn fail(&self, e: rusqlite::Error) -> String {
        describe(&self.path, &e, Some(&self.conn))
    }
}

/// Marks the `running` runs on `host` whose process is gone as `interrupted`; returns them.
fn mark_interrupted(tx: &Transaction, host: Option<&str>) -> rusqlite::Result<Vec<InterruptedRun>> {
    let mut stmt = tx.prepare(
        "SELECT id, run_id, bench_target, current_bench, pid, pid_started,
                (SELECT COUNT(*) FROM results x WHERE x.run = runs.id)
         FROM runs WHERE state = 'running' AND host IS ?1 ORDER BY id",
    )?;
    let running: Vec<(i64, InterruptedRun, Option<process::Process>)> = stmt
        .query_map([host], |r| {
            let run = InterruptedRun {
                run_id: r.get(1)?,
                bench_target: r.get(2)?,
                running: r.get(3)?,
                recorded: r.get::<_, i64>(6)? as u64,
            };
            Ok((
                r.get(0)?,
                run,
                process::Process::from_row(r.get(4)?, r.get(5)?),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut gone = Vec::new();
    for (id, run, owner) in running {
        if owner.is_some_and(|p| p.is_alive()) {
            continue; // a run in flight, of another process on this host
        }
        tx.execute("UPDATE runs SET state = 'interrupted' WHERE id = ?1", [id])?;
        gone.push(run);
    }
    Ok(gone)
}

/// The host fingerprint stored with each run.
fn fingerprint(report: &RunReport) -> String {
    let env = &report.environment;
    format!(
        "{} | {} | {} | opt-level {}",
        env.host.as_deref().unwrap_or("?"),
        env.cpu_model.as_deref().unwrap_or("?"),
        env.rustc.as_deref().unwrap_or("?"),
        env.profile.opt_level
    )
}

fn insert_run(tx: &Transaction, r: &RunReport, me: process::Process) -> rusqlite::Result<()> {
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

fn insert_result(
    tx: &Transaction,
    run: i64,
    b: &crate::schema::BenchResult,
) -> rusqlite::Result<()> {
    let status = serde_json::to_value(b.status).expect("status serializes");
    let verdict = b
        .comparison
        .as_ref()
        .map(|c| serde_json::to_value(c.verdict).expect("verdict serializes"));
    let time = b.time_ns.as_ref();
    tx.execute(
        "INSERT OR REPLACE INTO results (run, bench_id, suite, tags, status, median_ns, mean_ns,
             median_ci_lower_ns, median_ci_upper_ns, throughput_per_second, verdict, change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
        ],
    )?;
    Ok(())
}

/// Stores `report` without its raw samples as the run's report (replacing an earlier one).
fn store_report(tx: &Transaction, run: i64, report: &RunReport) -> rusqlite::Result<()> {
    let kept = serde_json::to_string(&without_raw_data(report)).expect("a report serializes");
    tx.execute(
        "INSERT OR REPLACE INTO reports (run, json) VALUES (?1, ?2)",
        params![run, kept],
    )?;
    Ok(())
}
