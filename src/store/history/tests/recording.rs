//! Recording a run as it goes, and what a crash leaves.

use super::super::*;
use super::report;
use std::time::SystemTime;

/// The pid of a process that has ended (and been reaped).
fn dead_pid() -> i64 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = i64::from(child.id());
    child.wait().unwrap();
    pid
}

/// A run as stored: its state, its current benchmark, and the verdict of each result by id.
type Stored = (String, Option<String>, Vec<(String, Option<String>)>);

/// Run `run_id` as stored.
fn stored(p: &Path, run_id: &str) -> Stored {
    let conn = open_read(p).unwrap().unwrap();
    let (id, state, current): (i64, String, Option<String>) = conn
        .query_row(
            "SELECT id, state, current_bench FROM runs WHERE run_id = ?1",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT bench_id, verdict FROM results WHERE run = ?1 ORDER BY bench_id")
        .unwrap();
    let results = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (state, current, results)
}

#[test]
fn a_run_that_dies_keeps_what_it_recorded_and_the_next_run_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("history.sqlite");
    let mut full = report();
    // This host's: `list` then tells whether the run's process is gone.
    full.environment.host = sysinfo::System::host_name().ok();
    let mut so_far = full.clone();
    so_far.benchmarks.clear();
    so_far.baseline = None;

    let (mut rec, interrupted) = begin(&p, &so_far).unwrap();
    assert!(interrupted.is_empty());
    for b in &full.benchmarks[..2] {
        rec.bench_started(&b.id).unwrap();
        let mut b = b.clone();
        b.comparison = None; // verdicts come at the end of a run
        so_far.benchmarks.push(b);
        rec.record_partial(&so_far).unwrap();
    }
    rec.bench_started(&full.benchmarks[2].id).unwrap();
    // The process dies here: no finish, and its pid is gone.
    drop(rec);
    let conn = open(&p).unwrap();
    conn.execute("UPDATE runs SET pid = ?1", [dead_pid()])
        .unwrap();
    drop(conn);
    assert_eq!(
        stored(&p, &full.run_id),
        (
            "running".to_string(),
            Some("tunable".to_string()),
            vec![
                ("batched_work".into(), None),
                ("loop_work/1000".into(), None)
            ]
        )
    );
    // The history shows it interrupted already (its process is gone), with its results.
    let rows = list(&p, &Filter::default()).unwrap();
    let running = RunState::Interrupted {
        running: Some("tunable".into()),
    };
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.state == running), "{rows:?}");
    assert_eq!(
        running.to_string(),
        "interrupted while running tunable",
        "what `qudag-bench history` prints"
    );
    // `qudag-bench report RUN` gets the benchmarks it finished.
    let kept = load_run(&p, &full.run_id).unwrap();
    assert_eq!(kept[0].benchmarks.len(), 2);

    let mut next = full.clone();
    next.run_id = "next".into();
    let (rec, interrupted) = begin(&p, &next).unwrap();
    assert_eq!(
        interrupted,
        [InterruptedRun {
            run_id: full.run_id.clone(),
            bench_target: "work".into(),
            running: Some("tunable".into()),
            recorded: 2,
        }]
    );
    let (state, current, results) = stored(&p, &full.run_id);
    assert_eq!(
        (state.as_str(), current.as_deref()),
        ("interrupted", Some("tunable"))
    );
    assert_eq!(results.len(), 2, "its results stay");
    // Marked once: the run after that finds nothing more.
    rec.finish(&next).unwrap();
    let (_, interrupted) = begin(&p, &next_of(&full, "third")).unwrap();
    assert!(interrupted.is_empty(), "{interrupted:?}");
}

fn next_of(r: &RunReport, run_id: &str) -> RunReport {
    let mut r = r.clone();
    r.run_id = run_id.into();
    r
}

#[test]
fn finish_replaces_the_results_with_the_final_figures() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("history.sqlite");
    let full = report();
    let mut so_far = full.clone();
    for b in &mut so_far.benchmarks {
        b.comparison = None;
    }
    let (mut rec, _) = begin(&p, &full).unwrap();
    rec.record_partial(&so_far).unwrap();
    rec.record_partial(&so_far).unwrap(); // nothing new: recorded once
    let (state, _, results) = stored(&p, &full.run_id);
    assert_eq!(state, "running");
    assert!(results.iter().all(|(_, v)| v.is_none()), "{results:?}");
    rec.finish(&full).unwrap();
    let (state, current, results) = stored(&p, &full.run_id);
    assert_eq!((state.as_str(), current), ("complete", None));
    assert_eq!(
        results,
        [
            ("batched_work".into(), Some("unchanged".into())),
            ("loop_work/1000".into(), Some("unchanged".into())),
            ("tunable".into(), Some("regressed".into())),
        ]
    );
    let rows = list(&p, &Filter::default()).unwrap();
    assert!(rows.iter().all(|r| r.state == RunState::Complete));
    assert_eq!(
        load_run(&p, &full.run_id).unwrap()[0].baseline,
        full.baseline
    );
}

#[test]
fn a_run_in_flight_is_not_marked_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("history.sqlite");
    let full = report();
    // This process is alive: its run is in flight, as a concurrent run's would be.
    let (mut first, _) = begin(&p, &full).unwrap();
    first.bench_started("batched_work").unwrap();
    let (_, interrupted) = begin(&p, &next_of(&full, "second")).unwrap();
    assert!(interrupted.is_empty(), "{interrupted:?}");
    let rows = list(&p, &Filter::default()).unwrap();
    let first_row = rows.iter().find(|r| r.run_id == full.run_id).unwrap();
    let pid = Some(i64::from(std::process::id()));
    assert_eq!(first_row.state, RunState::Running { pid });
    // A run that recorded nothing yet is listed too, without a benchmark.
    assert_eq!(first_row.bench_id, None);
    // On another host, a dead pid says nothing: that host's next run decides.
    let conn = open(&p).unwrap();
    conn.execute(
        "UPDATE runs SET pid = ?1, host = 'elsewhere'",
        [super::super::process::Process::this().pid + 1_000_000],
    )
    .unwrap();
    drop(conn);
    let (_, interrupted) = begin(&p, &next_of(&full, "third")).unwrap();
    assert!(interrupted.is_empty(), "{interrupted:?}");
}

#[test]
fn since_and_until_compare_times_not_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("history.sqlite");
    record(&p, &report()).unwrap(); // started 2026-12-01T09:13:12.389Z
    let now = SystemTime::now();
    let count = |since: &str, until: &str| {
        let filter = Filter {
            since: (!since.is_empty()).then(|| parse_time(since, now).unwrap()),
            until: (!until.is_empty()).then(|| parse_time(until, now).unwrap()),
            ..Filter::default()
        };
        list(&p, &filter).unwrap().len()
    };
    // As text, "2026-12-01T10:00:00+01:00" sorts after the start; as a time it is before.
    assert_eq!(count("2026-12-01T10:00:00+01:00", ""), 3);
    assert_eq!(count("2026-12-01T10:14:00+01:00", ""), 0);
    assert_eq!(count("", "2026-12-01T10:14:00+01:00"), 3);
    assert_eq!(count("2026-12-01", "2026-12-02"), 3);
    assert_eq!(
        count("2026-12-01T09:13:12.389Z", ""),
        3,
        "since is inclusive"
    );
    assert_eq!(
        count("", "2026-12-01T09:13:12.389Z"),
        0,
        "until is exclusive"
    );
    assert_eq!(count("2026-12-02", ""), 0);
    assert_eq!(count("", "2026-12-01"), 0);
}

#[test]
fn time_bounds_accept_rfc_3339_dates_and_durations_ago_and_name_anything_else() {
    let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
    let now = at("2026-12-02T12:00:00Z");
    let cases = [
        ("2026-11-01T09:30:00Z", "2026-11-01T09:30:00Z"),
        ("2026-11-01t09:30:00.250z", "2026-11-01T09:30:00.250Z"),
        ("2026-11-01T09:30:00+02:00", "2026-11-01T07:30:00Z"),
        ("2026-11-01T09:30:00.5-01:30", "2026-11-01T11:00:00.5Z"),
        ("2026-11-01 09:30:00", "2026-11-01T09:30:00Z"),
        ("2026-11-01", "2026-11-01T00:00:00Z"),
        ("12h", "2026-12-02T00:00:00Z"),
        ("2d", "2026-11-30T12:00:00Z"),
        ("1week", "2026-11-25T12:00:00Z"),
    ];
    for (value, expected) in cases {
        assert_eq!(parse_time(value, now), Ok(at(expected)), "{value}");
    }
    for bad in [
        "yesterday",
        "",
        "2026-13-01",
        "2026-11-01T25:00:00Z",
        "2026-11-01T09:30:00+25:00",
        "2026-11-01T09:30",
        "1969-12-31",
        "2026-11-01T09:30:00+0é:00",
        "-2d",
        "1000000000y",
    ] {
        let e = parse_time(bad, now).unwrap_err();
        assert!(
            e.contains(&format!("`{bad}`")) && e.contains(TIME_FORMS),
            "{e}"
        );
    }
}

#[test]
fn tag_and_commit_filters_match_text_not_like_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.sqlite");
    let mut r = report();
    r.benchmarks[0].tags = vec!["fast".into()];
    r.environment.git = Some(crate::schema::Git {
        commit: "f61b082fd2".into(),
        branch: None,
        dirty: false,
    });
    record(&p, &r).unwrap();
    let rows = |tag: Option<&str>, commit: Option<&str>| {
        let filter = Filter {
            tag: tag.map(str::to_string),
            commit: commit.map(str::to_string),
            ..Filter::default()
        };
        list(&p, &filter).unwrap().len()
    };
    assert_eq!(rows(Some("fast"), None), 1);
    assert_eq!(rows(Some("f_st"), None), 0, "`_` is not a wildcard");
    assert_eq!(rows(Some("%"), None), 0, "`%` is not a wildcard");
    assert_eq!(rows(None, Some("f61b")), r.benchmarks.len());
    assert_eq!(rows(None, Some("f_1")), 0);
    assert_eq!(rows(None, Some("%")), 0);
}
