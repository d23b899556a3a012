//! Tests of the history against real SQLite files in temporary directories.

mod causes;
mod files;
mod recording;

use qudag_bench::schema::RunReport;
use rusqlite::Connection;
use std::path::Path;

/// A real report of the fixture's `work` target (3 benchmarks, compared against a baseline).
fn report() -> RunReport {
    serde_json::from_str(include_str!(
        "../../../../src/report/testdata/run-work.json"
    ))
    .unwrap()
}

/// `path`'s bytes, to check that a command left it as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A file created by another program: `sql` run on a new database.
fn foreign(path: &Path, sql: &str) -> Vec<u8> {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    bytes(path)
}

/// A history as an older qudag-bench left it: the first `version` migrations, in WAL mode,
/// without `application_id` up to the legacy versions (with it after them), with one run.
fn legacy(path: &Path, version: usize) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for sql in &super::schema::MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    if version > super::schema::LEGACY {
        conn.pragma_update(None, "application_id", super::schema::APPLICATION_ID)
            .unwrap();
    }
    conn.execute(
        "INSERT INTO runs (run_id, bench_target, started_at, finished_at, fingerprint, config)
         VALUES ('old', 'crypto', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.500Z',
                 'f', '{}')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO results (run, bench_id, suite, tags, status, median_ns)
         VALUES (1, 'aes', 'crypto', '', 'ok', 12.5)",
        [],
    )
    .unwrap();
}

fn pragma(conn: &Connection, name: &str) -> i64 {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap()
}
