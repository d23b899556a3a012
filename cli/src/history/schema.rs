//! The history's schema: its migrations, the `application_id` that marks a file as
//! qudag-bench's, and how a file is recognised before anything writes to it.

use rusqlite::Connection;

/// SQLite `application_id` of a qudag-bench history, set on every file qudag-bench creates or
/// migrates (defined with the spool: bench binaries check it before a run).
pub const APPLICATION_ID: i32 = qudag_bench::store::spool::HISTORY_APPLICATION_ID;

/// Migrations, in order; `user_version` counts those applied.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 4: runs recorded as they go. `state` is 'running' until the run finishes ('complete');
    // a run whose process died is marked 'interrupted' by the next run on its host, with
    // `current_bench` the benchmark it was running. `pid_started` (the process's start time
    // in clock ticks after boot, Linux) tells a reused pid from the run's own process.
    "ALTER TABLE runs ADD COLUMN state TEXT NOT NULL DEFAULT 'complete'
         CHECK (state IN ('running', 'complete', 'interrupted'));
     ALTER TABLE runs ADD COLUMN pid INTEGER;
     ALTER TABLE runs ADD COLUMN pid_started INTEGER;
     ALTER TABLE runs ADD COLUMN current_bench TEXT;
     CREATE INDEX runs_by_state ON runs (state);",
    // 5: custom metrics (`b.metric`), one row per metric of each result, for
    // `qudag-bench history --metric NAME`.
    "CREATE TABLE metrics (
         run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
         bench_id TEXT NOT NULL,
         name TEXT NOT NULL,
         unit TEXT NOT NULL,
         count INTEGER NOT NULL,
         median REAL NOT NULL,
         median_ci_lower REAL,
         median_ci_upper REAL,
         PRIMARY KEY (run, bench_id, name)
     );
     CREATE INDEX metrics_by_name ON metrics (name, bench_id);",
    // 6: instructions per iteration counted by callgrind (`--instructions`), for
    // `qudag-bench history --changes --instructions`.
    "ALTER TABLE results ADD COLUMN instructions_per_iter REAL;",
];

/// The schema version this qudag-bench writes.
pub(super) const LATEST: usize = MIGRATIONS.len();

/// The last version written without `application_id`: files up to it are recognised by the
/// shape of their tables.
pub(super) const LEGACY: usize = 3;

/// What a file holds, as far as the history is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// Nothing yet (an empty file, or one a concurrent first run has just created).
    New,
    /// A qudag-bench history at this schema version.
    Ours(usize),
}

/// Why a file is not usable as a history, or why it could not be looked at.
#[derive(Debug)]
pub(super) enum Refusal {
    /// Reading failed; the error says why (permissions, locks, not a database...).
    Sql(rusqlite::Error),
    /// Another program's database: why we think so.
    Foreign(String),
    /// A history of a newer qudag-bench, at this version.
    Newer(i64),
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Sql(e)
    }
}

/// Recognises the file open on `conn` by reading it only: its `application_id`, its
/// `user_version` and, for files older qudag-bench versions wrote without an
/// `application_id`, the shape of their tables. `locked` says that `conn` holds the write
/// lock, in a transaction that has not written yet: SQLite then shows a new file as one empty
/// page, which a look without the lock would have seen as no page at all.
pub(super) fn identify(conn: &Connection, locked: bool) -> Result<Found, Refusal> {
    // One snapshot for every read below (the caller's transaction, if locked): a concurrent
    // migration must not show us the header before it and the tables after it.
    let _snapshot = match locked {
        true => None,
        false => Some(conn.unchecked_transaction()?),
    };
    let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
    let app = pragma("application_id")?;
    let version = pragma("user_version")?;
    let pages = pragma("page_count")?;
    let blank = app == 0 && version == 0 && pages == 1 && table_names(conn)?.is_empty();
    if pages == 0 || (locked && blank) {
        return Ok(Found::New);
    }
    if app == i64::from(APPLICATION_ID) {
        return match usize::try_from(version) {
            Ok(v) if (1..=LATEST).contains(&v) => Ok(Found::Ours(v)),
            _ if version > LATEST as i64 => Err(Refusal::Newer(version)),
            _ => Err(Refusal::Foreign(format!(
                "it has qudag-bench's application_id but schema version {version}"
            ))),
        };
    }
    if app != 0 {
        return Err(Refusal::Foreign(format!(
            "its application_id is {app:#010x}, another program's (qudag-bench's is \
             {APPLICATION_ID:#010x})"
        )));
    }
    let tables = table_names(conn)?;
    let legacy = usize::try_from(version)
        .ok()
        .filter(|v| (1..=LEGACY).contains(v));
    let Some(v) = legacy else {
        return Err(Refusal::Foreign(format!(
            "its tables ({}) at user_version {version} are not a qudag-bench schema",
            list_or_none(&tables)
        )));
    };
    let expected = expected_shape(v);
    if expected.iter().any(|(table, _)| !tables.contains(table)) {
        return Err(Refusal::Foreign(format!(
            "its tables ({}) at user_version {version} are not a qudag-bench schema",
            list_or_none(&tables)
        )));
    }
    for (table, columns) in &expected {
        let found = table_shape(conn, table)?;
        if &found != columns {
            let names: Vec<&str> = found.iter().map(|c| c.0.as_str()).collect();
            return Err(Refusal::Foreign(format!(
                "its `{table}` table has the columns ({}), not qudag-bench's",
                names.join(", ")
            )));
        }
    }
    Ok(Found::Ours(v))
}

fn list_or_none(names: &[String]) -> String {
    match names.is_empty() {
        true => "none".to_string(),
        false => names.join(", "),
    }
}

/// One column as `PRAGMA table_info` describes it: name, declared type, NOT NULL, primary key
/// position.
type Column = (String, String, bool, i64);

fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

fn table_shape(conn: &Connection, table: &str) -> rusqlite::Result<Vec<Column>> {
    let mut stmt = conn.prepare(
        "SELECT name, type, \"notnull\", pk FROM main.pragma_table_info(?1) ORDER BY cid",
    )?;
    stmt.query_map([table], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?
    .collect()
}

/// The tables and columns of schema version `version`, from the migrations themselves applied
/// to an in-memory database.
fn expected_shape(version: usize) -> Vec<(String, Vec<Column>)> {
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).expect("the migrations apply");
    }
    let mut tables = table_names(&conn).expect("an in-memory schema reads");
    // `runs` first: a foreign file's differences are named there first.
    tables.sort_by_key(|t| t != "runs");
    tables
        .into_iter()
        .map(|t| {
            let shape = table_shape(&conn, &t).expect("an in-memory schema reads");
            (t, shape)
        })
        .collect()
}

/// Applies the migrations after `from` and marks the file as qudag-bench's, inside the
/// caller's write transaction.
pub(super) fn migrate(tx: &rusqlite::Transaction, from: usize) -> rusqlite::Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
}

/// Lets the queries of the latest schema read a history of version `version` on a read-only
/// connection: temporary tables and views (which hide the file's own tables of the same name
/// and live outside the file) add what later migrations add, with the values the migrations
/// give existing rows.
pub(super) fn read_as_latest(conn: &Connection, version: usize) -> rusqlite::Result<()> {
    if version < 2 {
        conn.execute_batch(
            "CREATE TEMP TABLE reports (run INTEGER PRIMARY KEY, json TEXT NOT NULL);",
        )?;
    }
    if version < 5 {
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE metrics AS SELECT * FROM ({}) WHERE 0;",
            "SELECT NULL AS run, NULL AS bench_id, NULL AS name, NULL AS unit, NULL AS count, \
             NULL AS median, NULL AS median_ci_lower, NULL AS median_ci_upper"
        ))?;
    }
    if version < 4 {
        let group = if version < 3 {
            ", NULL AS run_group"
        } else {
            ""
        };
        conn.execute_batch(&format!(
            "CREATE TEMP VIEW runs AS SELECT *{group}, 'complete' AS state, NULL AS pid, \
             NULL AS pid_started, NULL AS current_bench FROM main.runs;"
        ))?;
    }
    if version < 6 {
        conn.execute_batch(
            "CREATE TEMP VIEW results AS SELECT *, NULL AS instructions_per_iter FROM main.results;",
        )?;
    }
    Ok(())
}
