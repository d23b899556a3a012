//! Writing one spooled run to the server in one transaction, as the SQLite history's recorder
//! does: idempotent by run id (a complete run is kept, one imported in flight is replaced),
//! with a per-run advisory lock so that two runners importing the same run take turns.

use super::Server;
use crate::history::recorder::{State, counted_instructions, fingerprint};
use postgres::Transaction;
use qudag_bench::error::Error;
use qudag_bench::schema::{BenchResult, RunReport, Spooled};
use qudag_bench::store::spool::lean;

/// Stores the spooled run `doc` as `state` on the server, in one transaction. Returns false
/// when the server holds the run already as it stays (nothing was written).
pub fn store(
    client: &mut postgres::Client,
    server: &Server,
    doc: &Spooled,
    state: State,
) -> Result<bool, Error> {
    let fail = |e: postgres::Error| server.error(&e, "cannot write to");
    let mut tx = client.transaction().map_err(fail)?;
    let written = store_in(&mut tx, doc, state).map_err(fail)?;
    tx.commit().map_err(fail)?;
    Ok(written)
}

fn store_in(tx: &mut Transaction, doc: &Spooled, state: State) -> Result<bool, postgres::Error> {
    let r = &doc.report;
    // Two-key advisory locks do not collide with the one-key migration lock.
    tx.execute(
        "SELECT pg_advisory_xact_lock(1363493448, hashtext($1))",
        &[&r.run_id],
    )?;
    let existing = tx.query_opt("SELECT id, state FROM runs WHERE run_id = $1", &[&r.run_id])?;
    if let Some(row) = existing {
        let (id, done): (i64, String) = (row.get(0), row.get(1));
        if super::super::recorder::is_final(&done, state) {
            return Ok(false);
        }
        // Results, metrics and the report go with the run (ON DELETE CASCADE).
        tx.execute("DELETE FROM runs WHERE id = $1", &[&id])?;
    }
    let run = insert_run(tx, doc)?;
    for b in &r.benchmarks {
        insert_result(tx, run, b)?;
        insert_metrics(tx, run, b)?;
    }
    let kept = serde_json::to_string(&lean(r)).expect("a report serializes");
    tx.execute(
        "INSERT INTO reports (run, json) VALUES ($1, $2)",
        &[&run, &kept],
    )?;
    let (state, running) = match state {
        State::Complete => ("complete", None),
        other => (other.column(), doc.running.clone()),
    };
    tx.execute(
        "UPDATE runs SET state = $1, current_bench = $2 WHERE id = $3",
        &[&state, &running, &run],
    )?;
    Ok(true)
}

/// The run's row, `running` until the caller sets its state; its id.
fn insert_run(tx: &mut Transaction, doc: &Spooled) -> Result<i64, postgres::Error> {
    let r: &RunReport = &doc.report;
    let env = &r.environment;
    let git = env.git.as_ref();
    let config = serde_json::to_string(&r.config).expect("config serializes");
    let me = doc.process();
    let row = tx.query_one(
        "INSERT INTO runs (run_id, bench_target, started_at, finished_at, git_commit, git_branch,
             git_dirty, host, fingerprint, config, baseline, gate_failed, run_group, state, pid,
             pid_started)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'running', $14, $15)
         RETURNING id",
        &[
            &r.run_id,
            &r.bench_target,
            &r.started_at,
            &r.finished_at,
            &git.map(|g| g.commit.clone()),
            &git.and_then(|g| g.branch.clone()),
            // Flags are integers, as in SQLite (the one schema for both).
            &git.map(|g| i64::from(g.dirty)),
            &env.host,
            &fingerprint(r),
            &config,
            &r.baseline.as_ref().map(|b| b.name.clone()),
            &r.gate.as_ref().map(|g| i64::from(g.failed)),
            &r.run_group,
            &me.pid,
            &me.started,
        ],
    )?;
    Ok(row.get(0))
}

fn insert_result(tx: &mut Transaction, run: i64, b: &BenchResult) -> Result<(), postgres::Error> {
    let status = serde_json::to_value(b.status).expect("status serializes");
    let verdict = b.comparison.as_ref().and_then(|c| {
        let v = serde_json::to_value(c.verdict).expect("verdict serializes");
        v.as_str().map(str::to_string)
    });
    let time = b.time_ns.as_ref();
    tx.execute(
        "INSERT INTO results (run, bench_id, suite, tags, status, median_ns, mean_ns,
             median_ci_lower_ns, median_ci_upper_ns, throughput_per_second, verdict, change,
             instructions_per_iter)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (run, bench_id) DO NOTHING",
        &[
            &run,
            &b.id,
            &b.suite,
            &b.tags.join(","),
            &status.as_str(),
            &time.map(|t| t.median),
            &time.map(|t| t.mean),
            &time.map(|t| t.median_ci.lower),
            &time.map(|t| t.median_ci.upper),
            &b.throughput.and_then(|t| t.per_second),
            &verdict,
            &b.comparison.as_ref().and_then(|c| c.change),
            &counted_instructions(b),
        ],
    )?;
    Ok(())
}

/// The custom metrics of result `b`, one row each.
fn insert_metrics(tx: &mut Transaction, run: i64, b: &BenchResult) -> Result<(), postgres::Error> {
    for (name, m) in &b.metrics {
        let ci = m.median_ci.as_ref();
        tx.execute(
            "INSERT INTO metrics (run, bench_id, name, unit, count, median, median_ci_lower,
                 median_ci_upper)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (run, bench_id, name) DO NOTHING",
            &[
                &run,
                &b.id,
                name,
                &m.unit,
                &(m.values.len() as i64),
                &m.median,
                &ci.map(|c| c.lower),
                &ci.map(|c| c.upper),
            ],
        )?;
    }
    Ok(())
}
