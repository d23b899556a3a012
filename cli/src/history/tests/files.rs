//! Which files are histories, and that nothing else is written to.

use super::super::schema::{APPLICATION_ID, LATEST};
use super::super::*;
use super::{bytes, foreign, legacy, pragma, report};
use qudag_bench::error::Error;

#[test]
fn a_new_history_has_the_latest_schema_and_qudag_benchs_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h/history.sqlite");
    let conn = open(&p).unwrap();
    assert_eq!(pragma(&conn, "user_version"), LATEST as i64);
    assert_eq!(pragma(&conn, "application_id"), i64::from(APPLICATION_ID));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    open(&p).unwrap(); // idempotent
    // An empty file (`touch`, or a first run that died before writing) is a new history.
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    assert!(open_read(&empty).unwrap().is_none(), "read: nothing there");
    assert_eq!(bytes(&empty), b"", "reading wrote nothing");
    open(&empty).unwrap();
}

/// Every way into a file, each of which must refuse `path` without changing a byte of it.
fn assert_refused_untouched(path: &Path, before: &[u8], needle: &str) {
    let r = report();
    let attempts: Vec<(&str, Result<(), Error>)> = vec![
        ("open", open(path).map(drop)),
        ("open_read", open_read(path).map(drop)),
        ("record", record(path, &r).map(drop)),
        ("list", list(path, &Filter::default()).map(drop)),
        ("load_run", load_run(path, "1a2").map(drop)),
        ("latest_durations", latest_durations(path).map(drop)),
        (
            "trends",
            trends(path, std::slice::from_ref(&r), 5).map(drop),
        ),
    ];
    for (what, result) in attempts {
        let e = result.expect_err(what).to_string();
        assert!(e.contains(&path.display().to_string()), "{what}: {e}");
        assert!(e.contains(needle), "{what}: {e}");
        if path.is_file() {
            assert_eq!(bytes(path), before, "{what} changed {}", path.display());
        }
    }
}

#[test]
fn another_programs_database_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.sqlite");
    let before = foreign(
        &users,
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO users (name) VALUES ('ada');",
    );
    assert_refused_untouched(&users, &before, "its tables (users) at user_version 0");

    let versioned = dir.path().join("versioned.sqlite");
    let before = foreign(
        &versioned,
        "CREATE TABLE notes (body TEXT); PRAGMA user_version = 2;",
    );
    assert_refused_untouched(&versioned, &before, "its tables (notes) at user_version 2");

    // A `runs` table, but not ours, at a version ours had.
    let runs = dir.path().join("runs.sqlite");
    let before = foreign(
        &runs,
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, lap_time REAL);
         CREATE TABLE results (run INTEGER, place INTEGER);
         PRAGMA user_version = 1;",
    );
    assert_refused_untouched(
        &runs,
        &before,
        "its `runs` table has the columns (id, lap_time)",
    );

    // Another program's application_id, in WAL mode (the checks must not checkpoint it).
    let tagged = dir.path().join("tagged.sqlite");
    let before = foreign(
        &tagged,
        "PRAGMA journal_mode = WAL; PRAGMA application_id = 1234; CREATE TABLE t (x);",
    );
    assert_refused_untouched(&tagged, &before, "another program's");

    // A FIFO would block the open; a directory is no database either.
    let fifo = dir.path().join("fifo.sqlite");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    assert_refused_untouched(&fifo, b"", "not a regular file");

    let junk = dir.path().join("junk.sqlite");
    std::fs::write(
        &junk,
        b"this is not a database, it is a text file of some length....",
    )
    .unwrap();
    let before = bytes(&junk);
    assert_refused_untouched(&junk, &before, "not an SQLite database");
}

#[test]
fn a_newer_qudag_bench_history_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.sqlite");
    let before = foreign(
        &newer,
        &format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 99; CREATE TABLE runs (x);"
        ),
    );
    assert_refused_untouched(&newer, &before, "version 99");
}

#[test]
fn an_older_history_is_read_without_a_write_and_migrated_by_writers() {
    for version in 1..LATEST {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("history.sqlite");
        legacy(&p, version);
        let before = bytes(&p);
        // Readers see it as the latest schema would, through temporary views.
        let rows = list(&p, &Filter::default()).unwrap();
        assert_eq!(rows.len(), 1, "v{version}");
        assert_eq!(rows[0].bench_id.as_deref(), Some("aes"));
        assert_eq!(rows[0].state, RunState::Complete);
        let durations = latest_durations(&p).unwrap();
        assert!((durations["crypto"] - 2.5).abs() < 1e-3, "{durations:?}");
        let e = load_run(&p, "ol").unwrap_err().to_string();
        assert!(
            e.contains("before the history kept reports"),
            "v{version}: {e}"
        );
        assert_eq!(bytes(&p), before, "v{version}: a reader wrote");

        // A writer migrates it, keeps its run and marks the file as ours.
        let conn = open(&p).unwrap();
        assert_eq!(pragma(&conn, "user_version"), LATEST as i64);
        assert_eq!(pragma(&conn, "application_id"), i64::from(APPLICATION_ID));
        let (run_id, state): (String, String) = conn
            .query_row("SELECT run_id, state FROM runs", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((run_id.as_str(), state.as_str()), ("old", "complete"));
    }
}

#[test]
fn readers_of_a_missing_history_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("none/history.sqlite");
    assert!(latest_durations(&p).unwrap().is_empty());
    assert!(trends(&p, &[report()], 5).unwrap().is_empty());
    assert!(open_read(&p).unwrap().is_none());
    let e = list(&p, &Filter::default()).unwrap_err().to_string();
    assert!(e.contains("no history at"), "{e}");
    assert!(!dir.path().join("none").exists());
}

/// Runs `each` on `path` from `n` threads released at once, each with its own connection as a
/// process has; panics naming every failure.
fn at_once(path: &Path, n: usize, each: fn(&Path, usize) -> Result<(), Error>) {
    let start = std::sync::Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (path, start) = (path.to_path_buf(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                each(&path, i)
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().unwrap().err().map(|e| e.to_string()))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn first_runs_creating_a_history_at_once_all_succeed() {
    // Before, switching to WAL right after opening got `database is locked` (the journal mode
    // change does not wait for a lock): about 4 in 100 rounds of 6 openers failed.
    for round in 0..60 {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("n{round}/history.sqlite"));
        at_once(&p, 6, |p, _| open(p).map(drop));
    }
    // Whole first runs: start-up, then the run recorded as it goes.
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("r{round}/history.sqlite"));
        at_once(&p, 4, |p, i| {
            let mut r = report();
            r.run_id = format!("run-{i}");
            record(p, &r).map(drop)
        });
        let conn = open_read(&p).unwrap().unwrap();
        let complete: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM runs WHERE state = 'complete'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(complete, 4);
    }
}

#[test]
fn runs_migrating_an_older_history_at_once_all_succeed() {
    // Before the write lock, two openers could both read version 1 and the second failed with
    // "table reports already exists".
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("h{round}.sqlite"));
        legacy(&p, 1);
        at_once(&p, 4, |p, _| open(p).map(drop));
    }
}

#[test]
fn the_histories_reports_are_checked_without_needing_samples() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let r = report();
    record(&path, &r).unwrap();
    let loaded = load_run(&path, &r.run_id).unwrap();
    assert!(loaded[0].benchmarks.iter().all(|b| b.samples_ns.is_empty()));
    let mut bad = loaded[0].clone();
    bad.benchmarks[0].time_ns.as_mut().unwrap().median = -5.2;
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE reports SET json = ?1",
            [serde_json::to_string(&bad).unwrap()],
        )
        .unwrap();
    let e = load_run(&path, &r.run_id).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "history {}: the report of run `{}`: benchmarks[0] (`batched_work`).time_ns.median \
             is -5.2; expected a non-negative finite number of ns",
            path.display(),
            r.run_id
        )
    );
}
