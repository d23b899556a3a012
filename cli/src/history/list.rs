//! Listing recorded runs for `qudag-bench history`: filters, each run's state, and the time
//! bounds of `--since` and `--until`.

use super::columns::{Columns, Dialect, SQLITE};
use super::open::{describe, history, open_read};
use qudag_bench::error::BadValue;
use qudag_bench::error::Error;
use qudag_bench::store::process::Process;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Which results to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// This benchmark id only.
    pub bench: Option<String>,
    /// Benchmarks of this suite.
    pub suite: Option<String>,
    /// Benchmarks with this tag.
    pub tag: Option<String>,
    /// Runs started at or after this time.
    pub since: Option<SystemTime>,
    /// Runs started before this time.
    pub until: Option<SystemTime>,
    /// Runs at a git commit starting with this.
    pub commit: Option<String>,
    /// Runs of this run group; `latest` for the latest group.
    pub group: Option<String>,
    /// Only results that recorded this custom metric, each row with its value.
    pub metric: Option<String>,
}

/// A custom metric's summary in one result, as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    /// Its median.
    pub median: f64,
    /// Its unit.
    pub unit: String,
    /// How many values it had.
    pub count: i64,
    /// The 95% interval of the median, when it had enough values.
    pub median_ci: Option<(f64, f64)>,
}

/// Where a recorded run got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Finished and recorded in full.
    Complete,
    /// Still running, in process `pid` (on another host when `host` differs from this one).
    Running {
        /// Its process id.
        pid: Option<i64>,
    },
    /// Its process ended before it finished (crash, abort, kill); `running` is the benchmark
    /// it was running then, `None` between benchmarks.
    Interrupted {
        /// The benchmark that was running.
        running: Option<String>,
    },
}

impl std::fmt::Display for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunState::Complete => f.write_str("complete"),
            RunState::Running { pid: Some(pid) } => write!(f, "running (pid {pid})"),
            RunState::Running { pid: None } => f.write_str("running"),
            RunState::Interrupted { running: Some(id) } => {
                write!(f, "interrupted while running {id}")
            }
            RunState::Interrupted { running: None } => {
                f.write_str("interrupted between benchmarks")
            }
        }
    }
}

/// One result of one run, or a run that recorded no result (`bench_id` `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The run's id.
    pub run_id: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// Its bench target.
    pub bench_target: String,
    /// Its git commit ("" if unknown).
    pub commit: String,
    /// Its git branch ("" if unknown).
    pub branch: String,
    /// The benchmark.
    pub bench_id: Option<String>,
    /// Its status (`ok`, `failed`, `timeout`, `skipped`).
    pub status: Option<String>,
    /// Its median time per iteration, ns.
    pub median_ns: Option<f64>,
    /// Its verdict against the baseline ("" without one).
    pub verdict: String,
    /// The run's state.
    pub state: RunState,
    /// The host it ran on, if recorded.
    pub host: Option<String>,
    /// The metric [`Filter::metric`] asks for, in this result.
    pub metric: Option<MetricPoint>,
    /// Its instructions per iteration, from runs with `--instructions`.
    pub instructions: Option<f64>,
}

/// The results in the history at `path` that `filter` selects, oldest run first. The file is
/// only read; a `running` run whose process on this host is gone is shown `interrupted`.
pub fn list(path: &Path, filter: &Filter) -> Result<Vec<Row>, Error> {
    let conn = open_read(path)?.ok_or_else(|| {
        history(
            path,
            format!(
                "no history at {} (bench-mode runs create it)",
                path.display()
            ),
        )
    })?;
    let fail = |e: rusqlite::Error| describe(path, &e, Some(&conn));
    let (sql, params) = query(filter, &SQLITE);
    let this_host = qudag_bench::measure::procfs::host_name();
    let mut stmt = conn.prepare(&sql).map_err(fail)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            row_of(r, this_host.as_deref())
        })
        .map_err(fail)?;
    rows.collect::<rusqlite::Result<_>>().map_err(fail)
}

/// The [`Row`] of a result row of [`query`]'s SQL.
pub(super) fn row_of<C: Columns>(r: &C, this_host: Option<&str>) -> Result<Row, C::Error> {
    Ok(Row {
        run_id: r.text(0)?,
        started_at: r.text(1)?,
        bench_target: r.text(2)?,
        commit: r.text(3)?,
        branch: r.text(4)?,
        bench_id: r.opt_text(5)?,
        status: r.opt_text(6)?,
        median_ns: r.opt_real(7)?,
        verdict: r.text(8)?,
        state: state_of(r, 9, this_host)?,
        host: r.opt_text(10)?,
        metric: metric_point(r, 14)?,
        instructions: r.opt_real(19)?,
    })
}

/// The state of the run in row `r`, from its columns `state, host, pid, pid_started,
/// current_bench` starting at `first`. A `running` run on this host whose process is gone was
/// interrupted (the next run will record that; a reader only says it).
pub(super) fn state_of<C: Columns>(
    r: &C,
    first: usize,
    this_host: Option<&str>,
) -> Result<RunState, C::Error> {
    let state = r.text(first)?;
    let host = r.opt_text(first + 1)?;
    let pid = r.opt_int(first + 2)?;
    let running = || r.opt_text(first + 4);
    Ok(match state.as_str() {
        "running" => {
            let owner = Process::from_row(pid, r.opt_int(first + 3)?);
            let here = host.is_some() && host.as_deref() == this_host;
            match here && !owner.is_some_and(|p| p.is_alive()) {
                true => RunState::Interrupted {
                    running: running()?,
                },
                false => RunState::Running { pid },
            }
        }
        "interrupted" => RunState::Interrupted {
            running: running()?,
        },
        _ => RunState::Complete,
    })
}

/// The metric columns `median, unit, count, median_ci_lower, median_ci_upper` from `first`.
fn metric_point<C: Columns>(r: &C, first: usize) -> Result<Option<MetricPoint>, C::Error> {
    let Some(median) = r.opt_real(first)? else {
        return Ok(None);
    };
    let bounds = (r.opt_real(first + 3)?, r.opt_real(first + 4)?);
    Ok(Some(MetricPoint {
        median,
        unit: r.text(first + 1)?,
        count: r.opt_int(first + 2)?.unwrap_or(0),
        median_ci: match bounds {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ => None,
        },
    }))
}

/// The SQL of `filter` in `dialect` and its parameters. Times are compared as times, not as
/// text.
pub(super) fn query(filter: &Filter, dialect: &Dialect) -> (String, Vec<String>) {
    let mut sql = String::from(
        "SELECT r.run_id, r.started_at, r.bench_target, COALESCE(r.git_commit, ''),
                COALESCE(r.git_branch, ''), x.bench_id, x.status, x.median_ns,
                COALESCE(x.verdict, ''), r.state, r.host, r.pid, r.pid_started, r.current_bench,
                m.median, m.unit, m.count, m.median_ci_lower, m.median_ci_upper,
                x.instructions_per_iter
         FROM runs r LEFT JOIN results x ON x.run = r.id",
    );
    let mut params: Vec<String> = Vec::new();
    let p = dialect.param;
    // With a metric, only the results that recorded it.
    match &filter.metric {
        Some(name) => {
            params.push(name.clone());
            sql.push_str(&format!(
                " JOIN metrics m ON m.run = r.id AND m.bench_id = x.bench_id AND m.name = {}",
                p(1)
            ));
        }
        None => sql.push_str(&format!(" LEFT JOIN metrics m ON {}", dialect.never)),
    }
    sql.push_str(" WHERE 1 = 1");
    let mut add = |clause: String, value: Option<String>| {
        if let Some(v) = value {
            params.push(v);
            sql.push_str(&clause.replace('?', &p(params.len())));
        }
    };
    let time = |t: Option<SystemTime>| t.map(|t| humantime::format_rfc3339_millis(t).to_string());
    let started = (dialect.time)("r.started_at");
    add(" AND x.bench_id = ?".into(), filter.bench.clone());
    add(" AND x.suite = ?".into(), filter.suite.clone());
    // Plain text matches, not LIKE patterns: `_` and `%` in a tag or a commit are literal.
    let tag = (dialect.find)("',' || x.tags || ','", "',' || ? || ','");
    add(format!(" AND {tag} > 0"), filter.tag.clone());
    let bound = (dialect.time)("?");
    add(format!(" AND {started} >= {bound}"), time(filter.since));
    add(format!(" AND {started} < {bound}"), time(filter.until));
    add(
        " AND substr(r.git_commit, 1, length(?)) = ?".into(),
        filter.commit.clone(),
    );
    match filter.group.as_deref() {
        Some("latest") => sql.push_str(
            " AND r.run_group = (SELECT run_group FROM runs WHERE run_group IS NOT NULL \
             ORDER BY id DESC LIMIT 1)",
        ),
        _ => add(" AND r.run_group = ?".into(), filter.group.clone()),
    }
    sql.push_str(&format!(" ORDER BY {started}, r.id, x.bench_id"));
    (sql, params)
}

/// What `--since` and `--until` accept, for error messages.
pub const TIME_FORMS: &str = "an RFC 3339 time (2026-11-01T09:30:00Z, or with an offset such \
                              as +02:00; UTC when none is given), a date (2026-11-01, its \
                              midnight UTC) or a duration ago (12h, 2d, 1week)";

/// Parses a time bound: an RFC 3339 time, a date `YYYY-MM-DD` (its midnight UTC), or a
/// duration meaning that long before `now`.
pub fn parse_time(value: &str, now: SystemTime) -> Result<SystemTime, BadValue> {
    let wrong = || BadValue::new(format!("`{value}` is not a time: expected {TIME_FORMS}"));
    let v = value.trim();
    if !v.is_ascii() {
        return Err(wrong());
    }
    let date_like = v.len() >= 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-';
    if !date_like {
        let ago = humantime::parse_duration(v).map_err(|_| wrong())?;
        // Runs are after 1970; so are the times that can be written as RFC 3339 here.
        return now
            .checked_sub(ago)
            .filter(|t| *t >= SystemTime::UNIX_EPOCH)
            .ok_or_else(wrong);
    }
    if v.len() == 10 {
        return humantime::parse_rfc3339(&format!("{v}T00:00:00Z")).map_err(|_| wrong());
    }
    let v = v.to_ascii_uppercase();
    // humantime reads `Z` only: an offset `+HH:MM` / `-HH:MM` is taken off here.
    let (local, offset) = match v.len().checked_sub(6).map(|i| v.split_at(i)) {
        Some((local, off)) if local.len() >= 19 && off.as_bytes()[3] == b':' => {
            let sign = match off.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => 0,
            };
            let hours = off[1..3].parse::<u64>().ok().filter(|&h| h < 24);
            let minutes = off[4..6].parse::<u64>().ok().filter(|&m| m < 60);
            match (sign, hours, minutes) {
                (0, ..) => (v.as_str(), 0),
                (s, Some(h), Some(m)) => (local, s * (h * 3600 + m * 60) as i64),
                _ => return Err(wrong()),
            }
        }
        _ => (v.as_str(), 0),
    };
    let local = humantime::parse_rfc3339_weak(local).map_err(|_| wrong())?;
    // 10:00+02:00 is 08:00 UTC.
    let utc = match offset >= 0 {
        true => local.checked_sub(Duration::from_secs(offset as u64)),
        false => local.checked_add(Duration::from_secs(offset.unsigned_abs())),
    };
    utc.filter(|t| *t >= SystemTime::UNIX_EPOCH)
        .ok_or_else(wrong)
}
