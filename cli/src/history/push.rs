//! `qudag-bench history push`: the runs of a local history file, each as its spool document
//! again (its report, process and state), for storing into another history. Run ids are
//! unique, so a run the destination holds complete already is not written twice.

use super::open::{describe, open_read};
use super::recorder::State;
use qudag_bench::error::Error;
use qudag_bench::schema::{Spooled, ids};
use std::path::Path;

/// The runs the history file at `path` can hand on (those recorded with their report), oldest
/// first, and how many it recorded without one (before the history kept reports).
pub fn local_runs(path: &Path) -> Result<(Vec<(Spooled, State)>, usize), Error> {
    let Some(conn) = open_read(path)? else {
        return Ok((Vec::new(), 0));
    };
    let fail = |e: rusqlite::Error| describe(path, &e, Some(&conn));
    let mut stmt = conn
        .prepare(
            "SELECT r.run_id, r.state, r.pid, r.pid_started, r.current_bench, p.json
             FROM runs r LEFT JOIN reports p ON p.run = r.id ORDER BY r.id",
        )
        .map_err(fail)?;
    type Stored = (
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Stored> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let mut runs = Vec::new();
    let mut without_report = 0;
    for (run_id, state, pid, pid_started, running, json) in rows {
        let Some(json) = json else {
            without_report += 1;
            continue;
        };
        let corrupt = |message| Error::Corrupt {
            path: path.to_path_buf(),
            message,
        };
        let report = super::stored_report(&json, &run_id, &path.display().to_string(), &corrupt)?;
        let state = match state.as_str() {
            "complete" => State::Complete,
            "interrupted" => State::Interrupted,
            _ => State::Running,
        };
        let doc = Spooled {
            schema: ids::SPOOL.to_string(),
            pid: pid.unwrap_or(0),
            pid_started,
            running,
            noted: false,
            report,
        };
        runs.push((doc, state));
    }
    Ok((runs, without_report))
}
