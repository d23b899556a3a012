use super::*;
use crate::report::tests::run;
use std::os::unix::fs::FileTypeExt;

/// The fixture run `run-work` (host `vm`, three measured benchmarks) as run `run_id`.
fn work(run_id: &str) -> RunReport {
    let mut report = run("run-work");
    report.run_id = run_id.to_string();
    report
}

#[test]
fn runs_are_kept_per_host_up_to_the_window() {
    let mut recent = empty();
    for k in 0..WINDOW + 3 {
        add(&mut recent, &work(&format!("r{k}")));
    }
    let mut other = work("elsewhere");
    other.environment.host = Some("ci-7".into());
    add(&mut recent, &other);
    let runs = &recent.benchmarks["tunable"];
    assert_eq!(runs.len(), WINDOW + 1);
    assert_eq!(runs[0].run_id, "r3", "the oldest three of host vm are gone");
    assert_eq!(earlier(&recent, "tunable", "vm").len(), WINDOW);
    assert_eq!(earlier(&recent, "tunable", "ci-7").len(), 1);
    assert!(earlier(&recent, "tunable", "nowhere").is_empty());
    // The same run twice is one run.
    add(&mut recent, &other);
    assert_eq!(earlier(&recent, "tunable", "ci-7").len(), 1);
}

#[test]
fn carried_over_failed_and_hostless_results_are_not_runs() {
    let mut report = work("r1");
    report.benchmarks[0].status = Status::Failed;
    report.benchmarks[1].measured_in = Some(crate::schema::MeasuredIn {
        run_id: "r0".into(),
        started_at: report.started_at.clone(),
    });
    let mut recent = empty();
    add(&mut recent, &report);
    assert_eq!(recent.benchmarks.keys().collect::<Vec<_>>(), ["tunable"]);
    let mut hostless = work("r2");
    hostless.environment.host = None;
    add(&mut recent, &hostless);
    assert_eq!(recent.benchmarks["tunable"].len(), 1);
}

#[test]
fn record_round_trips_and_leaves_a_bad_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = path(dir.path(), "work");
    record(&file, &work("r1")).unwrap();
    record(&file, &work("r2")).unwrap();
    let back = read(&file).unwrap();
    assert_eq!(earlier(&back, "tunable", "vm").len(), 2);
    std::fs::write(&file, b"{\"schema\": \"qudag-bench/run/v1\"}").unwrap();
    let e = record(&file, &work("r3")).unwrap_err();
    assert!(e.to_string().contains("recent-medians"), "{e}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"{\"schema\": \"qudag-bench/run/v1\"}"
    );
}

#[test]
fn a_fifo_in_place_of_the_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let file = path(dir.path(), "work");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(file.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let e = record(&file, &work("r1")).unwrap_err();
    assert!(e.to_string().contains("is not a regular file"), "{e}");
    assert!(std::fs::metadata(&file).unwrap().file_type().is_fifo());
}
