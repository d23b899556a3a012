//! The SQLite history: every bench-mode run of every bench target is recorded; a file that is
//! not a history stops the run before measuring (exit 2) and is left untouched.

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
