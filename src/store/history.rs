//! The run history: every bench-mode run recorded in `$QUDAG_BENCH_HOME/history.sqlite`
//! (SQLite, bundled). The schema is versioned with `PRAGMA user_version` and migrated forward
//! in a transaction; WAL and a busy timeout let bench targets that run one after another, or two
//! runs at once, all record. A file that is not a usable history is an error naming it, and is
//! not modified.

use super::report::RunReport;
use rusqlite::{Connection, OpenFlags, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The history file under `home`.
pub fn path(home: &Path) -> PathBuf {
    home.join("history.sqlite")
}

/// Migrations, in order; `user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    // 1: runs and per-benchmark estimates.
    "CREATE TABLE runs (
         id INTEGER PRIMARY KEY,
         run_id TEXT NOT NULL UNIQUE,
         bench_target TEXT NOT NULL,
         started_at TEXT NOT NULL,
         finished_at TEXT NOT NULL,
         git_commit TEXT,
         git_branch TEXT,
         git_dirty INTEGER,
         host TEXT,
         fingerprint TEXT NOT NULL,
         config TEXT NOT NULL,
         baseline TEXT,
         gate_failed INTEGER
     );
     CREATE TABLE results (
         run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
         bench_id TEXT NOT NULL,
         suite TEXT NOT NULL,
         tags TEXT NOT NULL,
         status TEXT NOT NULL,
         median_ns REAL,
         mean_ns REAL,
         median_ci_lower_ns REAL,
         median_ci_upper_ns REAL,
         throughput_per_second REAL,
         verdict TEXT,
         change REAL,
         PRIMARY KEY (run, bench_id)
     );
     CREATE INDEX results_by_bench ON results (bench_id);
     CREATE INDEX runs_by_time ON runs (started_at);",
    // 2: each run's report without raw samples and metric series, for `qudag-bench report RUN`.
    "CREATE TABLE reports (
         run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
         json TEXT NOT NULL
     );",
    // 3: the run group of `qudag-bench run` (NULL for runs of their own).
    "ALTER TABLE runs ADD COLUMN run_group TEXT;
     CREATE INDEX runs_by_group ON runs (run_group);",
];

/// Opens (creating if needed) and migrates the history at `path`.
pub fn open(path: &Path) -> Result<Connection, String> {
    let fail = |e: rusqlite::Error| format!("history {}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(fail)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(fail)?;
    // Reading the version first fails cleanly on a file that is not a database, before any write.
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| {
            format!(
                "{} is not a qudag-bench history (corrupt or another file): {e}",
                path.display()
            )
        })?;
    if version as usize > MIGRATIONS.len() {
        return Err(format!(
            "{} has history schema version {version}; this qudag-bench knows up to {} (a newer \
             qudag-bench wrote it?)",
            path.display(),
            MIGRATIONS.len()
        ));
    }
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(fail)?;
    if version as usize == MIGRATIONS.len() {
        return Ok(conn);
    }
    // Two processes may migrate at once: take the write lock first, then read the version
    // again, so the second one finds the work done instead of repeating it.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(fail)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(fail)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql).map_err(fail)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(fail)?;
    }
    tx.commit().map_err(fail)?;
    Ok(conn)
}

/// Records `report` in one transaction.
pub fn record(path: &Path, report: &RunReport) -> Result<(), String> {
    let fail = |e: rusqlite::Error| format!("history {}: {e}", path.display());
    let mut conn = open(path)?;
    let tx = conn.transaction().map_err(fail)?;
    let env = &report.environment;
    let fingerprint = format!(
        "{} | {} | {} | opt-level {}",
        env.host.as_deref().unwrap_or("?"),
        env.cpu_model.as_deref().unwrap_or("?"),
        env.rustc.as_deref().unwrap_or("?"),
        env.profile.opt_level
    );
    let config = serde_json::to_string(&report.config).expect("config serializes");
    tx.execute(
        "INSERT INTO runs (run_id, bench_target, started_at, finished_at, git_commit, git_branch,
             git_dirty, host, fingerprint, config, baseline, gate_failed, run_group)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            report.run_id,
            report.bench_target,
            report.started_at,
            report.finished_at,
            env.git.as_ref().map(|g| g.commit.clone()),
            env.git.as_ref().and_then(|g| g.branch.clone()),
            env.git.as_ref().map(|g| g.dirty),
            env.host,
            fingerprint,
            config,
            report.baseline.as_ref().map(|b| b.name.clone()),
            report.gate.as_ref().map(|g| g.failed),
            report.run_group,
        ],
    )
    .map_err(fail)?;
    let run = tx.last_insert_rowid();
    for b in &report.benchmarks {
        let status = serde_json::to_value(b.status).expect("status serializes");
        let verdict = b
            .comparison
            .as_ref()
            .map(|c| serde_json::to_value(c.verdict).expect("verdict serializes"));
        tx.execute(
            "INSERT INTO results (run, bench_id, suite, tags, status, median_ns, mean_ns,
                 median_ci_lower_ns, median_ci_upper_ns, throughput_per_second, verdict, change)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                run,
                b.id,
                b.suite,
                b.tags.join(","),
                status.as_str(),
                b.time_ns.as_ref().map(|t| t.median),
                b.time_ns.as_ref().map(|t| t.mean),
                b.time_ns.as_ref().map(|t| t.median_ci.lower),
                b.time_ns.as_ref().map(|t| t.median_ci.upper),
                b.throughput.and_then(|t| t.per_second),
                verdict
                    .as_ref()
                    .and_then(|v| v.as_str().map(str::to_string)),
                b.comparison.as_ref().and_then(|c| c.change),
            ],
        )
        .map_err(fail)?;
    }
    let kept = serde_json::to_string(&without_raw_data(report)).expect("a report serializes");
    tx.execute(
        "INSERT INTO reports (run, json) VALUES (?1, ?2)",
        params![run, kept],
    )
    .map_err(fail)?;
    tx.commit().map_err(fail)
}

/// Wall time in seconds of each bench target's latest recorded run, keyed by bench target
/// (its crate name). Empty when there is no history at `path`.
pub fn latest_durations(path: &Path) -> Result<BTreeMap<String, f64>, String> {
    if !path.is_file() {
        return Ok(BTreeMap::new());
    }
    let fail = |e: rusqlite::Error| format!("history {}: {e}", path.display());
    let conn = open(path)?;
    let mut stmt = conn
        .prepare(
            "SELECT bench_target, (julianday(finished_at) - julianday(started_at)) * 86400.0
             FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY bench_target)",
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

/// `report` without what makes it large: raw samples and system metric series. About 2 KB
/// per benchmark remain, against up to 100 KB with the samples.
fn without_raw_data(report: &RunReport) -> RunReport {
    let mut kept = report.clone();
    for b in &mut kept.benchmarks {
        b.iters_per_sample.clear();
        b.samples_ns.clear();
        if let Some(s) = &mut b.system {
            s.series.clear();
        }
    }
    kept
}

/// The stored reports of the run `run_id` (a run id, or the unique prefix of one). Reports
/// recorded by the history keep estimates but no raw samples or metric series.
pub fn load_run(path: &Path, run_id: &str) -> Result<Vec<RunReport>, String> {
    let fail = |e: rusqlite::Error| format!("history {}: {e}", path.display());
    let conn = open(path)?;
    let mut stmt = conn
        .prepare(
            "SELECT r.run_id, p.json FROM runs r LEFT JOIN reports p ON p.run = r.id \
             WHERE ?1 <> '' AND substr(r.run_id, 1, length(?1)) = ?1 \
             ORDER BY r.started_at, r.id",
        )
        .map_err(fail)?;
    let rows: Vec<(String, Option<String>)> = stmt
        .query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    match ids.len() {
        0 => return Err(format!("no run `{run_id}` in {}", path.display())),
        1 => {}
        n => {
            return Err(format!(
                "`{run_id}` matches {n} runs in {}; give more of the run id",
                path.display()
            ));
        }
    }
    rows.into_iter()
        .map(|(id, json)| {
            let json = json.ok_or_else(|| {
                format!(
                    "run `{id}` in {} was recorded before the history kept reports",
                    path.display()
                )
            })?;
            let bad =
                |e: String| format!("history {}: the report of run `{id}`: {e}", path.display());
            let report: RunReport = serde_json::from_str(&json).map_err(|e| bad(e.to_string()))?;
            super::validate::report(&report, super::validate::Kept::Estimates).map_err(bad)?;
            Ok(report)
        })
        .collect()
}

/// One run's estimate of a benchmark, for trend charts.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The run's id.
    pub run_id: String,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Its git commit, if known.
    pub commit: Option<String>,
    /// Median time per iteration, ns.
    pub median_ns: f64,
    /// Lower bound of the median's 95% interval, ns.
    pub lower_ns: Option<f64>,
    /// Upper bound.
    pub upper_ns: Option<f64>,
}

/// Runs of each benchmark shown in the HTML trend charts.
pub const TREND_RUNS: usize = 50;

/// Trend points by (bench target, benchmark id).
pub type Trends = BTreeMap<(String, String), Vec<TrendPoint>>;

/// The trend of every benchmark in `reports` (the last `limit` runs of each) from the history
/// at `path`.
pub fn trends(path: &Path, reports: &[RunReport], limit: usize) -> Result<Trends, String> {
    let fail = |e: rusqlite::Error| format!("history {}: {e}", path.display());
    let conn = open(path)?;
    let mut out = Trends::new();
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
            Ok(TrendPoint {
                run_id: row.get(0)?,
                started_at: row.get(1)?,
                commit: row.get(2)?,
                median_ns: row.get(3)?,
                lower_ns: row.get(4)?,
                upper_ns: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    points.reverse();
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_file_and_refuses_foreign_or_newer_ones_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h/history.sqlite");
        let conn = open(&p).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        drop(conn);
        open(&p).unwrap(); // idempotent

        let junk = dir.path().join("junk.sqlite");
        std::fs::write(
            &junk,
            b"this is not a database, it is a text file of some length....",
        )
        .unwrap();
        let before = std::fs::read(&junk).unwrap();
        let e = open(&junk).unwrap_err();
        assert!(e.contains("junk.sqlite"), "{e}");
        assert_eq!(std::fs::read(&junk).unwrap(), before);

        let newer = dir.path().join("newer.sqlite");
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let e = open(&newer).unwrap_err();
        assert!(e.contains("version 99"), "{e}");
    }

    #[test]
    fn a_version_1_history_migrates_keeping_its_runs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("history.sqlite");
        let v1 = Connection::open(&p).unwrap();
        v1.execute_batch(MIGRATIONS[0]).unwrap();
        v1.pragma_update(None, "user_version", 1).unwrap();
        v1.execute(
            "INSERT INTO runs (run_id, bench_target, started_at, finished_at, fingerprint, config)
             VALUES ('old', 'crypto', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.500Z',
                     'f', '{}')",
            [],
        )
        .unwrap();
        drop(v1);

        let conn = open(&p).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let (run_id, group): (String, Option<String>) = conn
            .query_row("SELECT run_id, run_group FROM runs", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((run_id.as_str(), group), ("old", None));
        drop(conn);
        let durations = latest_durations(&p).unwrap();
        assert!((durations["crypto"] - 2.5).abs() < 1e-3, "{durations:?}");
        assert!(
            latest_durations(&dir.path().join("none.sqlite"))
                .unwrap()
                .is_empty()
        );
        // The old run has no stored report, and says so; an unknown id is named.
        let e = load_run(&p, "ol").unwrap_err();
        assert!(e.contains("before the history kept reports"), "{e}");
        let e = load_run(&p, "zzz").unwrap_err();
        assert!(e.contains("no run `zzz`"), "{e}");
    }

    /// Opens `p` from `n` threads at once, each with its own connection as a process has;
    /// panics if any open fails.
    fn open_at_once(p: &Path, n: usize) {
        let openers: Vec<_> = (0..n)
            .map(|_| {
                let p = p.to_path_buf();
                std::thread::spawn(move || open(&p).map(drop))
            })
            .collect();
        for o in openers {
            o.join().unwrap().unwrap();
        }
    }

    #[test]
    fn processes_migrating_at_once_all_succeed() {
        // Before the write lock, two openers could both read version 1 and the second
        // failed with "table reports already exists".
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join(format!("h{round}.sqlite"));
            // A version-1 history as version 1 wrote it: in WAL mode.
            let v1 = Connection::open(&p).unwrap();
            v1.pragma_update(None, "journal_mode", "WAL").unwrap();
            v1.execute_batch(MIGRATIONS[0]).unwrap();
            v1.pragma_update(None, "user_version", 1).unwrap();
            drop(v1);
            open_at_once(&p, 4);
        }
    }

    #[test]
    fn processes_creating_a_history_at_once_all_succeed() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join(format!("n{round}.sqlite"));
            open_at_once(&p, 4);
        }
    }
}
