//! The SQLite history: every bench-mode run of every bench target is spooled and imported by
//! the `qudag-bench` command; a file that is not a history stops the run before measuring
//! (exit 2) and is left untouched.

mod common;
use common::*;

#[test]
fn runs_of_several_targets_are_all_recorded() {
    let home = tempfile::tempdir().unwrap();
    for (target, filter) in [("forms", "plain"), ("work", "tunable"), ("forms", "fib10")] {
        let mut args = vec!["--bench", "--exact", filter];
        args.extend_from_slice(FAST);
        let r = run_bench(target, &args, home.path(), &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut args = vec!["--bench", "--exact", "plain", "--no-history"];
    args.extend_from_slice(FAST);
    assert_eq!(run_bench("forms", &args, home.path(), &[]).code, 0);
    assert_eq!(
        std::fs::read_dir(home.path().join("history-spool"))
            .unwrap()
            .count(),
        3,
        "one spool file per recorded run"
    );

    // The command imports the spool before it reads the history.
    let h = home.path().to_str().unwrap();
    let (code, out, err) = qudag_bench(["history", "--home", h]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3, "{out}");
    assert_eq!(
        std::fs::read_dir(home.path().join("history-spool"))
            .unwrap()
            .count(),
        0,
        "imported, the spool files are gone"
    );
    let db = rusqlite::Connection::open(home.path().join("history.sqlite")).unwrap();
    let mut stmt = db
        .prepare("SELECT r.bench_target, x.bench_id, x.status, x.median_ns FROM runs r JOIN results x ON x.run = r.id ORDER BY r.id")
        .unwrap();
    let rows: Vec<(String, String, String, Option<f64>)> = stmt
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let ids: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    assert_eq!(
        ids,
        [("forms", "plain"), ("work", "tunable"), ("forms", "fib10")],
        "--no-history run not recorded"
    );
    assert!(
        rows.iter()
            .all(|r| r.2 == "ok" && r.3.is_some_and(|m| m > 0.0))
    );
}

#[test]
fn a_file_that_is_not_a_history_is_exit_2_and_untouched() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("history.sqlite");
    std::fs::write(
        &path,
        b"definitely not an SQLite database, just some bytes to keep intact",
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut args = vec!["--bench", "--exact", "plain"];
    args.extend_from_slice(FAST);
    let r = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_contains(&r.stderr, "history.sqlite");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(
        !home.path().join("results").exists(),
        "stopped before measuring"
    );
}

/// Databases of other programs at `history.sqlite`: the name, and the SQL that makes one.
const FOREIGN: &[(&str, &str)] = &[
    (
        "own users table",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');",
    ),
    (
        "user_version 2, none of our tables",
        "CREATE TABLE notes (body TEXT); PRAGMA user_version = 2;",
    ),
    (
        "own runs table",
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, lap_time REAL); PRAGMA user_version = 3;",
    ),
];

/// A home whose `history.sqlite` is another program's database made by `sql`; its bytes.
fn foreign_home(sql: &str) -> (tempfile::TempDir, Vec<u8>) {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("history.sqlite");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(sql).unwrap();
    drop(db);
    let bytes = std::fs::read(&path).unwrap();
    (home, bytes)
}

#[test]
fn another_programs_database_is_left_byte_for_byte_by_every_command() {
    for (what, sql) in FOREIGN {
        let (home, before) = foreign_home(sql);
        let path = home.path().join("history.sqlite");
        let h = home.path().to_str().unwrap();
        for args in [
            vec!["history", "--home", h],
            vec!["history", "--home", h, "--bench", "plain"],
            vec!["report", "1a2b", "--home", h, "--format", "markdown"],
        ] {
            let (code, _, stderr) = qudag_bench(&args);
            assert_eq!(code, 2, "{what}: {args:?}: {stderr}");
            assert_contains(&stderr, &path.display().to_string());
            assert_contains(&stderr, "is not a qudag-bench history");
            assert_eq!(std::fs::read(&path).unwrap(), before, "{what}: {args:?}");
        }
        let mut args = vec!["--bench", "--exact", "plain"];
        args.extend_from_slice(FAST);
        let r = run_bench("forms", &args, home.path(), &[]);
        assert_eq!(r.code, 2, "{what}: {}", r.stderr);
        assert_contains(&r.stderr, "is not a qudag-bench history");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{what}: a bench-mode run"
        );
    }
}

#[test]
fn since_and_until_refuse_what_is_not_a_time_naming_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    for (flag, value) in [("--since", "yesterday"), ("--until", "2026-13-01")] {
        let (code, _, stderr) = qudag_bench(["history", "--home", h, flag, value]);
        assert_eq!(code, 2, "{stderr}");
        assert_contains(&stderr, flag);
        assert_contains(&stderr, value);
        assert_contains(&stderr, "RFC 3339");
    }
    // A time is accepted; with no history, that is the error.
    let (code, _, stderr) = qudag_bench(["history", "--home", h, "--since", "2d"]);
    assert_eq!(code, 2);
    assert_contains(&stderr, "no history at");
}

#[test]
fn a_run_whose_process_died_is_listed_as_interrupted_with_its_results() {
    use qudag_bench::schema::{Incomplete, RunReport};
    use qudag_bench::store::spool;
    let home = tempfile::tempdir().unwrap();
    let path = spool::history_file(home.path());
    let text = include_str!("../src/report/testdata/run-work.json");
    let mut report: RunReport = serde_json::from_str(text).unwrap();
    report.environment.host = qudag_bench::measure::procfs::host_name();
    let mut so_far = report.clone();
    so_far.benchmarks.truncate(2);
    so_far.incomplete = Some(Incomplete {
        pid: 1,
        selected: 3,
    });
    // Its process is gone: a reaped child's pid.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    // As the bench binary left it, while running `tunable`.
    let doc = qudag_bench::schema::Spooled {
        schema: qudag_bench::schema::ids::SPOOL.into(),
        pid: i64::from(pid),
        pid_started: None,
        running: Some("tunable".into()),
        noted: false,
        report: spool::lean(&so_far),
    };
    let spooled = spool::dir(home.path()).join(format!("{}.json", report.run_id));
    std::fs::create_dir_all(spooled.parent().unwrap()).unwrap();
    std::fs::write(&spooled, serde_json::to_vec(&doc).unwrap()).unwrap();

    let h = home.path().to_str().unwrap();
    let (code, stdout, stderr) = qudag_bench(["history", "--home", h]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !spooled.exists(),
        "imported as interrupted: its spool file is gone"
    );
    let after = std::fs::read(&path).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("batched_work") && lines[1].contains("loop_work/1000"));
    for line in &lines {
        assert_contains(line, "[interrupted while running tunable]");
    }
    let (code, stdout, _) = qudag_bench(["history", "--home", h, "--bench", "loop_work/1000"]);
    assert_eq!(code, 0);
    assert_contains(&stdout, "interrupted while running tunable");
    // `report RUN` renders what it recorded, and says the run did not finish.
    let run_id = &report.run_id;
    let (code, stdout, stderr) = qudag_bench(["report", run_id, "--home", h, "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_contains(
        &stderr,
        "did not finish (interrupted while running tunable)",
    );
    assert_contains(&stderr, "the 2 benchmark(s) it recorded");
    assert!(stdout.contains("loop_work/1000") && !stdout.contains("tunable"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        after,
        "readers wrote nothing once the spool was imported"
    );
}
