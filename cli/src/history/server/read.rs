//! Queries of the history on the server: the same ones the SQLite history answers, through
//! [`crate::history::list::query`] and the shared row readers.

use super::Server;
use crate::history::columns::POSTGRES;
use crate::history::list::{self, Filter, Row, RunState};
use qudag_bench::error::Error;
use qudag_bench::report::trend::TrendPoint;
use std::collections::BTreeMap;

/// The results `filter` selects, oldest run first.
pub fn list(
    client: &mut postgres::Client,
    server: &Server,
    filter: &Filter,
) -> Result<Vec<Row>, Error> {
    let fail = |e: postgres::Error| server.error(&e, "cannot read");
    let (sql, params) = list::query(filter, &POSTGRES);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect();
    let this_host = qudag_bench::measure::procfs::host_name();
    let rows = client.query(&sql, &params).map_err(fail)?;
    rows.iter()
        .map(|r| list::row_of(r, this_host.as_deref()))
        .collect::<Result<_, _>>()
        .map_err(fail)
}

/// Each stored report of the runs whose id starts with `run_id`: (run id, report JSON, state),
/// oldest first.
pub fn load_run_states(
    client: &mut postgres::Client,
    server: &Server,
    run_id: &str,
) -> Result<Vec<(String, Option<String>, RunState)>, Error> {
    let fail = |e: postgres::Error| server.error(&e, "cannot read");
    let this_host = qudag_bench::measure::procfs::host_name();
    let rows = client
        .query(
            "SELECT r.run_id, p.json, r.state, r.host, r.pid, r.pid_started, r.current_bench
             FROM runs r LEFT JOIN reports p ON p.run = r.id
             WHERE $1 <> '' AND starts_with(r.run_id, $1)
             ORDER BY r.started_at::timestamptz, r.id",
            &[&run_id],
        )
        .map_err(fail)?;
    rows.iter()
        .map(|r| {
            let state = list::state_of(r, 2, this_host.as_deref())?;
            Ok((r.try_get(0)?, r.try_get(1)?, state))
        })
        .collect::<Result<_, postgres::Error>>()
        .map_err(fail)
}

/// The last `limit` measured medians of benchmark `bench_id` of `bench_target`, oldest first.
pub fn trends(
    client: &mut postgres::Client,
    server: &Server,
    bench_target: &str,
    bench_id: &str,
    limit: usize,
) -> Result<Vec<TrendPoint>, Error> {
    let fail = |e: postgres::Error| server.error(&e, "cannot read");
    let rows = client
        .query(
            "SELECT r.run_id, r.started_at, r.git_commit, x.median_ns, x.median_ci_lower_ns,
                    x.median_ci_upper_ns
             FROM runs r JOIN results x ON x.run = r.id
             WHERE r.bench_target = $1 AND x.bench_id = $2 AND x.median_ns IS NOT NULL
             ORDER BY r.started_at::timestamptz DESC, r.id DESC LIMIT $3",
            &[&bench_target, &bench_id, &(limit as i64)],
        )
        .map_err(fail)?;
    let mut points: Vec<TrendPoint> = rows
        .iter()
        .map(crate::history::trend_point)
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    points.reverse();
    Ok(points)
}

/// Wall time in seconds of each bench target's latest complete run.
pub fn latest_durations(
    client: &mut postgres::Client,
    server: &Server,
) -> Result<BTreeMap<String, f64>, Error> {
    let fail = |e: postgres::Error| server.error(&e, "cannot read");
    let rows = client
        .query(
            "SELECT bench_target, EXTRACT(EPOCH FROM finished_at::timestamptz
                 - started_at::timestamptz)::float8
             FROM runs WHERE id IN
                 (SELECT MAX(id) FROM runs WHERE state = 'complete' GROUP BY bench_target)",
            &[],
        )
        .map_err(fail)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (target, seconds): (String, Option<f64>) =
            (row.try_get(0).map_err(fail)?, row.try_get(1).map_err(fail)?);
        if let Some(seconds) = seconds {
            out.insert(target, seconds);
        }
    }
    Ok(out)
}
