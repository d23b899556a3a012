//! The history's tables on a PostgreSQL server: the SQLite history's schema version by
//! version, in the schema `qudag_bench`, with the version in `qudag_bench.meta`. Migrating
//! takes a transaction-level advisory lock, so that runners starting at once migrate once.

use super::Server;
use qudag_bench::error::Error;

/// The advisory lock key of migrations ("QDBH", the SQLite history's application id).
const MIGRATION_LOCK: i64 = 0x5144_4248;

/// Migrations, in order, matching the SQLite history's versions (`schema.rs` there).
const MIGRATIONS: &[&str] = &[
    // 1: runs and per-benchmark estimates.
    "CREATE TABLE runs (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         run_id TEXT NOT NULL UNIQUE,
         bench_target TEXT NOT NULL,
         started_at TEXT NOT NULL,
         finished_at TEXT NOT NULL,
         git_commit TEXT,
         git_branch TEXT,
         git_dirty BOOLEAN,
         host TEXT,
         fingerprint TEXT NOT NULL,
         config TEXT NOT NULL,
         baseline TEXT,
         gate_failed BOOLEAN
     );
     CREATE TABLE results (
         run BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
         bench_id TEXT NOT NULL,
         suite TEXT NOT NULL,
         tags TEXT NOT NULL,
         status TEXT NOT NULL,
         median_ns DOUBLE PRECISION,
         mean_ns DOUBLE PRECISION,
         median_ci_lower_ns DOUBLE PRECISION,
         median_ci_upper_ns DOUBLE PRECISION,
         throughput_per_second DOUBLE PRECISION,
         verdict TEXT,
         change DOUBLE PRECISION,
         PRIMARY KEY (run, bench_id)
     );
     CREATE INDEX results_by_bench ON results (bench_id);
     CREATE INDEX runs_by_time ON runs (started_at);",
    // 2: each run's report without raw samples.
    "CREATE TABLE reports (
         run BIGINT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
         json TEXT NOT NULL
     );",
    // 3: the run group of `qudag-bench run`.
    "ALTER TABLE runs ADD COLUMN run_group TEXT;
     CREATE INDEX runs_by_group ON runs (run_group);",
    // 4: runs recorded as they go (see the SQLite history's version 4).
    "ALTER TABLE runs ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
         CHECK (state IN ('running', 'complete', 'interrupted'));
     ALTER TABLE runs ADD COLUMN pid BIGINT;
     ALTER TABLE runs ADD COLUMN pid_started BIGINT;
     ALTER TABLE runs ADD COLUMN current_bench TEXT;
     CREATE INDEX runs_by_state ON runs (state);",
    // 5: custom metrics.
    "CREATE TABLE metrics (
         run BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
         bench_id TEXT NOT NULL,
         name TEXT NOT NULL,
         unit TEXT NOT NULL,
         count BIGINT NOT NULL,
         median DOUBLE PRECISION NOT NULL,
         median_ci_lower DOUBLE PRECISION,
         median_ci_upper DOUBLE PRECISION,
         PRIMARY KEY (run, bench_id, name)
     );
     CREATE INDEX metrics_by_name ON metrics (name, bench_id);",
];

/// The schema version this qudag-bench writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// A connection to `server` with the history's tables at the latest version (created or
/// migrated under the lock). A server that is down, refuses the login, or holds a newer
/// schema is an error before anything is written.
pub fn open(server: &Server) -> Result<postgres::Client, Error> {
    let mut client = server.connect()?;
    let fail = |e: postgres::Error| server.error(&e, "cannot set up");
    client
        .batch_execute("SET search_path = qudag_bench")
        .map_err(fail)?;
    if version(&mut client).map_err(fail)? == Some(LATEST) {
        return Ok(client);
    }
    let mut tx = client.transaction().map_err(fail)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(fail)?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS qudag_bench;
         CREATE TABLE IF NOT EXISTS qudag_bench.meta (
             application TEXT NOT NULL PRIMARY KEY,
             version BIGINT NOT NULL
         );",
    )
    .map_err(fail)?;
    let row = tx
        .query_opt(
            "SELECT version FROM qudag_bench.meta WHERE application = 'qudag-bench'",
            &[],
        )
        .map_err(fail)?;
    let from: i64 = row.map_or(0, |r| r.get(0));
    if from > LATEST {
        return Err(newer(server, from));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.batch_execute(sql).map_err(fail)?;
        let v = (i + 1) as i64;
        tx.execute(
            "INSERT INTO qudag_bench.meta (application, version) VALUES ('qudag-bench', $1)
             ON CONFLICT (application) DO UPDATE SET version = EXCLUDED.version",
            &[&v],
        )
        .map_err(fail)?;
    }
    tx.commit().map_err(fail)?;
    Ok(client)
}

/// The schema version on the server, `None` before the first migration; a newer one than
/// this qudag-bench knows is read as it is (the caller refuses it under the lock).
fn version(client: &mut postgres::Client) -> Result<Option<i64>, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('qudag_bench.meta') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client.query_opt(
        "SELECT version FROM qudag_bench.meta WHERE application = 'qudag-bench'",
        &[],
    )?;
    Ok(row.map(|r| r.get(0)))
}

fn newer(server: &Server, version: i64) -> Error {
    server.refuse(format!(
        "the history {} has schema version {version}; this qudag-bench knows up to {LATEST} (a \
         newer qudag-bench wrote it?)",
        server.shown()
    ))
}
