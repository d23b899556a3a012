//! Run reports read from disk are checked before use: a baseline, a report file or `latest`
//! with impossible values, or too large, is exit 2 naming the file and the field, before
//! anything is measured, and the file is left as it was.

mod common;
use common::*;
use std::path::Path;

/// `tunable` alone in bench mode, short.
fn run_tunable(home: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--bench", "--exact", "tunable"];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    run_bench("work", &all, home, &[("QUDAG_FIXTURE_WORK", "1000")])
}

#[test]
fn a_baseline_whose_ok_benchmark_has_no_samples_is_exit_2_before_measuring() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let r = run_tunable(h, &["--save-baseline", "main"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = h.join("baselines/main/work.json");
    let mut report = read_json(&path);
    report["benchmarks"][0]["samples_ns"] = serde_json::json!([]);
    report["benchmarks"][0]["iters_per_sample"] = serde_json::json!([]);
    let bytes = serde_json::to_vec_pretty(&report).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let results = h.join("results/work.json");
    let results_before = std::fs::read(&results).unwrap();

    let r = run_tunable(h, &["--baseline", "main", "--gate"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_contains(
        &r.stderr,
        "baselines/main/work.json: benchmarks[0] (`tunable`).samples_ns",
    );
    assert_contains(&r.stderr, "is empty but status is `ok`");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the baseline is untouched"
    );
    assert_eq!(
        std::fs::read(&results).unwrap(),
        results_before,
        "nothing was measured: the previous results stand"
    );
}

/// The report the repository keeps as test data, written to `dir/name` after `edit`.
fn report_file(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let text = include_str!("../src/report/testdata/run-work.json");
    let mut report: serde_json::Value = serde_json::from_str(text).unwrap();
    edit(&mut report);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(&report).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn compare_refuses_a_negative_median_naming_file_and_field() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let good = report_file(h, "good.json", |_| {});
    let bad = report_file(h, "bad.json", |r| {
        r["benchmarks"][1]["time_ns"]["median"] = serde_json::json!(-5.2)
    });
    let before = std::fs::read(&bad).unwrap();
    for (old, new) in [(&bad, &good), (&good, &bad)] {
        let (code, out, err) = qudag_bench(["--home", h.to_str().unwrap(), "compare", old, new]);
        assert_eq!(code, 2, "{out}\n{err}");
        assert_contains(
            &err,
            &format!(
                "{bad}: benchmarks[1] (`loop_work/1000`).time_ns.median is -5.2; expected a \
                 non-negative finite number of ns"
            ),
        );
        assert!(!out.contains('%'), "nothing is compared: {out}");
    }
    assert_eq!(std::fs::read(&bad).unwrap(), before);
    let (code, _, err) = qudag_bench(["--home", h.to_str().unwrap(), "compare", &good, &good]);
    assert_eq!(code, 0, "the unedited report compares: {err}");
}

#[test]
fn a_report_above_the_size_limit_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let path = report_file(h, "padded.json", |_| {});
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.resize((1 << 20) + 1, b' ');
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new(cli_exe())
        .args([
            "--home",
            h.to_str().unwrap(),
            "report",
            &path,
            "--format",
            "csv",
        ])
        .env("QUDAG_BENCH_MAX_REPORT_MIB", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_contains(
        &err,
        &format!("{path} is 1.0 MiB, larger than the 1 MiB a run report may have"),
    );
    let out = std::process::Command::new(cli_exe())
        .args([
            "--home",
            h.to_str().unwrap(),
            "report",
            &path,
            "--format",
            "csv",
        ])
        .env("QUDAG_BENCH_MAX_REPORT_MIB", "2")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
