//! The run history: every bench-mode run recorded in `$QUDAG_BENCH_HOME/history.sqlite`
//! (SQLite, bundled). Bench binaries spool their runs as they go
//! ([`qudag_bench::store::spool`]); every command that reads the history first imports the
//! spool ([`import`]), so that a run whose process died keeps the benchmarks it finished.
//! The schema is versioned with `PRAGMA user_version` and migrated forward in a transaction;
//! `PRAGMA application_id` ([`spool::HISTORY_APPLICATION_ID`]) marks the file as qudag-bench's.
//! Every command opens the file read-only first and writes only to a file it recognises as a
//! history, so another program's database is never modified. WAL and a busy timeout let
//! several commands import at once.

mod columns;
mod import;
mod list;
mod location;
mod open;
mod push;
mod recorder;
mod schema;
mod server;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub use import::import;
pub use list::{Filter, Row, RunState, TIME_FORMS, list, parse_time};
pub use location::{Location, resolve};
use open::needs_upgrade;
pub use open::{open, open_read};
pub use push::local_runs;
pub use recorder::record;

use open::{describe, history};
use qudag_bench::error::Error;
use qudag_bench::report::trend::{TrendPoint, Trends};
use qudag_bench::schema::RunReport;
use qudag_bench::store::spool;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The history file under `home`.
pub fn path(home: &Path) -> PathBuf {
    spool::history_file(home)
}

/// Wall time in seconds of each bench target's latest complete run, keyed by bench target
/// (its crate name). Empty when there is no history at `path`. Reads the file only.
pub fn latest_durations(path: &Path) -> Result<BTreeMap<String, f64>, Error> {
    let Some(conn) = open_read(path)? else {
        return Ok(BTreeMap::new());
    };
    let fail = |e: rusqlite::Error| describe(path, &e, Some(&conn));
    let mut stmt = conn
        .prepare(
            "SELECT bench_target, (julianday(finished_at) - julianday(started_at)) * 86400.0
             FROM runs WHERE id IN
                 (SELECT MAX(id) FROM runs WHERE state = 'complete' GROUP BY bench_target)",
        )
        .map_err(fail)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<f64>>(1)?))
        })
        .map_err(fail)?;
    let mut out = BTreeMap::new();
    for row in rows {
        if let (target, Some(seconds)) = row.map_err(fail)? {
            out.insert(target, seconds);
        }
    }
    Ok(out)
}

/// The stored reports of the run `run_id` (a run id, or the unique prefix of one). Reports
/// recorded by the history keep estimates but no raw samples or metric series; those of a run
/// that did not finish hold the benchmarks it recorded. Reads the file only.
#[cfg(test)]
pub fn load_run(path: &Path, run_id: &str) -> Result<Vec<RunReport>, Error> {
    Ok(load_run_states(path, run_id)?
        .into_iter()
        .map(|(report, _)| report)
        .collect())
}

/// [`load_run`] with the state of each report's run: whether it finished or was interrupted.
pub fn load_run_states(path: &Path, run_id: &str) -> Result<Vec<(RunReport, RunState)>, Error> {
    let Some(conn) = open_read(path)? else {
        return Err(history(
            path,
            format!("no run `{run_id}` in {} (it is empty)", path.display()),
        ));
    };
    let fail = |e: rusqlite::Error| describe(path, &e, Some(&conn));
    let this_host = qudag_bench::measure::procfs::host_name();
    let mut stmt = conn
        .prepare(
            "SELECT r.run_id, p.json, r.state, r.host, r.pid, r.pid_started, r.current_bench \
             FROM runs r LEFT JOIN reports p ON p.run = r.id \
             WHERE ?1 <> '' AND substr(r.run_id, 1, length(?1)) = ?1 \
             ORDER BY r.started_at, r.id",
        )
        .map_err(fail)?;
    let rows: Vec<(String, Option<String>, RunState)> = stmt
        .query_map([run_id], |row| {
            let state = list::state_of(row, 2, this_host.as_deref())?;
            Ok((row.get(0)?, row.get(1)?, state))
        })
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let corrupt = |message: String| Error::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    let shown = path.display().to_string();
    decode_runs(rows, run_id, &shown, |m| history(path, m), corrupt)
}

/// The reports of [`load_run_states`]'s rows (run id, stored report, state): exactly one run
/// must match `run_id`, and its reports must read. `missing` words an error about the runs,
/// `corrupt` one about a stored report; `shown` names the history.
pub(super) fn decode_runs(
    rows: Vec<(String, Option<String>, RunState)>,
    run_id: &str,
    shown: &str,
    missing: impl Fn(String) -> Error,
    corrupt: impl Fn(String) -> Error,
) -> Result<Vec<(RunReport, RunState)>, Error> {
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    match ids.len() {
        0 => return Err(missing(format!("no run `{run_id}` in {shown}"))),
        1 => {}
        n => {
            return Err(missing(format!(
                "`{run_id}` matches {n} runs in {shown}; give more of the run id"
            )));
        }
    }
    rows.into_iter()
        .map(|(id, json, state)| {
            let json = json.ok_or_else(|| {
                missing(format!(
                    "run `{id}` in {shown} was recorded before the history kept reports"
                ))
            })?;
            Ok((stored_report(&json, &id, shown, &corrupt)?, state))
        })
        .collect()
}

/// The stored report `json` of run `id` in the history `shown`, read and checked. One that
/// does not read is a damaged history, not a bad file: `corrupt` words that error.
pub(super) fn stored_report(
    json: &str,
    id: &str,
    shown: &str,
    corrupt: &dyn Fn(String) -> Error,
) -> Result<RunReport, Error> {
    let bad = |e: &dyn std::fmt::Display| {
        corrupt(format!("history {shown}: the report of run `{id}`: {e}"))
    };
    let report: RunReport = serde_json::from_str(json).map_err(|e| bad(&e))?;
    qudag_bench::store::validate::report(&report, qudag_bench::store::validate::Kept::Estimates)
        .map_err(|e| bad(&e))?;
    Ok(report)
}

/// The trend of every benchmark in `reports` (the last `limit` runs of each) from the history
/// at `path`. Reads the file only.
pub fn trends(path: &Path, reports: &[RunReport], limit: usize) -> Result<Trends, Error> {
    let mut out = Trends::new();
    let Some(conn) = open_read(path)? else {
        return Ok(out);
    };
    let fail = |e: rusqlite::Error| describe(path, &e, Some(&conn));
    for report in reports {
        for b in &report.benchmarks {
            let points = trend(&conn, &report.bench_target, &b.id, limit).map_err(fail)?;
            out.insert((report.bench_target.clone(), b.id.clone()), points);
        }
    }
    Ok(out)
}

/// The last `limit` measured medians of benchmark `bench_id` of `bench_target`, oldest first.
pub fn trend(
    conn: &Connection,
    bench_target: &str,
    bench_id: &str,
    limit: usize,
) -> rusqlite::Result<Vec<TrendPoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.run_id, r.started_at, r.git_commit, x.median_ns, x.median_ci_lower_ns,
                x.median_ci_upper_ns
         FROM runs r JOIN results x ON x.run = r.id
         WHERE r.bench_target = ?1 AND x.bench_id = ?2 AND x.median_ns IS NOT NULL
         ORDER BY r.started_at DESC, r.id DESC LIMIT ?3",
    )?;
    let mut points: Vec<TrendPoint> = stmt
        .query_map(params![bench_target, bench_id, limit as i64], |row| {
            trend_point(row)
        })?
        .collect::<Result<_, _>>()?;
    points.reverse();
    Ok(points)
}

/// A trend point from the columns `run_id, started_at, git_commit, median_ns,
/// median_ci_lower_ns, median_ci_upper_ns`.
pub(super) fn trend_point<C: columns::Columns>(row: &C) -> Result<TrendPoint, C::Error> {
    Ok(TrendPoint {
        run_id: row.text(0)?,
        started_at: row.text(1)?,
        commit: row.opt_text(2)?,
        median_ns: row.real(3)?,
        lower_ns: row.opt_real(4)?,
        upper_ns: row.opt_real(5)?,
    })
}
