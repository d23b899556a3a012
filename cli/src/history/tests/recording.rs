//! Recording a run as it goes, and what a crash leaves.

use super::super::*;
use super::report;
use qudag_bench::schema::Incomplete;
use qudag_bench::schema::Spooled;
use qudag_bench::store::spool;
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

/// Spools `report` under `home` as a bench binary with process `pid` would, running `running`.
fn spool_run(home: &Path, report: &RunReport, pid: i64, running: Option<&str>) {
    let doc = Spooled {
        schema: qudag_bench::schema::ids::SPOOL.to_string(),
        pid,
        pid_started: None,
        running: running.map(str::to_string),
        noted: false,
        report: report.clone(),
    };
    let path = spool::dir(home).join(format!("{}.json", report.run_id));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec(&doc).unwrap()).unwrap();
}

/// `full` as spooled after its first two benchmarks (no verdicts yet), `incomplete` set.
fn after_two(full: &RunReport) -> RunReport {
    let mut so_far = full.clone();
    so_far.benchmarks.truncate(2);
    for b in &mut so_far.benchmarks {
        b.comparison = None; // verdicts come at the end of a run
    }
    so_far.incomplete = Some(Incomplete {
        pid: 1,
        selected: full.benchmarks.len() as u64,
    });
    so_far
}

fn spooled_count(home: &Path) -> usize {
    spool::files(home).unwrap().len()
}

#[test]
fn a_spooled_run_whose_process_died_is_imported_interrupted_with_what_it_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (home, p) = (dir.path(), path(dir.path()));
    let mut full = report();
    // This host's: the import then tells whether the run's process is gone.
    full.environment.host = qudag_bench::measure::procfs::host_name();
    spool_run(home, &after_two(&full), dead_pid(), Some("tunable"));
    import(home).unwrap();
    let recorded = vec![
        ("batched_work".into(), None),
        ("loop_work/1000".into(), None),
    ];
    let interrupted = ("interrupted".to_string(), Some("tunable".to_string()));
    assert_eq!(
        stored(&p, &full.run_id),
        (
            interrupted.0.clone(),
            interrupted.1.clone(),
            recorded.clone()
        )
    );
    assert_eq!(
        spooled_count(home),
        0,
        "committed, so its spool file is gone"
    );
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
    assert_eq!(load_run(&p, &full.run_id).unwrap()[0].benchmarks.len(), 2);
    // Importing again (nothing spooled) changes nothing.
    import(home).unwrap();
    assert_eq!(
        stored(&p, &full.run_id),
        (interrupted.0, interrupted.1, recorded)
    );
}

#[test]
fn a_run_in_flight_is_imported_running_then_replaced_by_its_final_report() {
    let dir = tempfile::tempdir().unwrap();
    let (home, p) = (dir.path(), path(dir.path()));
    let mut full = report();
    full.environment.host = qudag_bench::measure::procfs::host_name();
    // This process is alive: its run is in flight.
    let me = i64::from(std::process::id());
    spool_run(home, &after_two(&full), me, Some("tunable"));
    import(home).unwrap();
    let (state, current, results) = stored(&p, &full.run_id);
    assert_eq!(
        (state.as_str(), current.as_deref()),
        ("running", Some("tunable"))
    );
    assert!(results.iter().all(|(_, v)| v.is_none()), "{results:?}");
    assert_eq!(spooled_count(home), 1, "kept, to be imported again");
    let rows = list(&p, &Filter::default()).unwrap();
    assert!(
        rows.iter()
            .all(|r| r.state == RunState::Running { pid: Some(me) })
    );

    // It finishes: the final report replaces what was imported, verdicts included.
    spool_run(home, &full, me, None);
    import(home).unwrap();
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
    assert_eq!(spooled_count(home), 0);
    assert_eq!(
        load_run(&p, &full.run_id).unwrap()[0].baseline,
        full.baseline
    );
    // A stale copy of the run in flight does not undo the complete run, and goes.
    spool_run(home, &after_two(&full), me, Some("tunable"));
    import(home).unwrap();
    assert_eq!(stored(&p, &full.run_id).0, "complete");
    assert_eq!(spooled_count(home), 0);
}

#[test]
fn a_run_of_another_host_is_left_to_that_host() {
    let dir = tempfile::tempdir().unwrap();
    let (home, p) = (dir.path(), path(dir.path()));
    let mut full = report();
    full.environment.host = Some("elsewhere".into());
    spool_run(home, &after_two(&full), dead_pid(), None);
    import(home).unwrap();
    assert_eq!(stored(&p, &full.run_id).0, "running");
    assert_eq!(
        spooled_count(home),
        1,
        "a dead pid of another host says nothing"
    );
}

#[test]
fn a_spool_file_that_is_not_one_is_skipped_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let bad = spool::dir(home).join("garbage.json");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::fs::write(&bad, "{not json").unwrap();
    spool_run(home, &report(), dead_pid(), None);
    import(home).unwrap();
    assert_eq!(stored(&path(home), &report().run_id).0, "complete");
    assert!(bad.exists(), "left for a person to look at");
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
        let e = parse_time(bad, now).unwrap_err().to_string();
        assert!(
            e.contains(&format!("`{bad}`")) && e.contains(TIME_FORMS),
            "{e}"
        );
    }
}

#[test]
fn metrics_are_recorded_per_result_and_listed_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.sqlite");
    let mut r = report();
    let metric: qudag_bench::schema::MetricResult = serde_json::from_value(serde_json::json!({
        "unit": "rounds", "values": [9.0, 10.0, 11.0, 10.0, 12.0, 8.0], "median": 10.0,
        "mean": 10.0, "min": 8.0, "max": 12.0,
        "median_ci": {"lower": 8.0, "upper": 12.0, "level": 0.95}
    }))
    .unwrap();
    r.benchmarks[0].metrics.insert("rounds".into(), metric);
    record(&p, &r).unwrap();
    let by = |metric: &str| {
        let filter = Filter {
            metric: Some(metric.into()),
            ..Filter::default()
        };
        list(&p, &filter).unwrap()
    };
    let rows = by("rounds");
    assert_eq!(rows.len(), 1, "only the result that recorded it");
    assert_eq!(
        rows[0].bench_id.as_deref(),
        Some(r.benchmarks[0].id.as_str())
    );
    let point = rows[0].metric.as_ref().unwrap();
    assert_eq!(
        (point.median, point.unit.as_str(), point.count),
        (10.0, "rounds", 6)
    );
    assert_eq!(point.median_ci, Some((8.0, 12.0)));
    assert!(by("queries").is_empty());
    let all = list(&p, &Filter::default()).unwrap();
    assert_eq!(all.len(), r.benchmarks.len());
    assert!(all.iter().all(|row| row.metric.is_none()));
}

#[test]
fn tag_and_commit_filters_match_text_not_like_patterns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.sqlite");
    let mut r = report();
    r.benchmarks[0].tags = vec!["fast".into()];
    r.environment.git = Some(qudag_bench::schema::Git {
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
