//! `qudag-bench history --changes` over real runs: 30 runs of the fixture's `tunable` show no
//! level change, and 15 more of a build with a tenth more work show one, at the first of them.
//! One test in its own binary: `cargo test` runs test binaries one at a time, so no other test
//! shares the CPU with these runs and moves their level.

mod common;
use common::*;
use std::path::Path;

/// Runs `exe`'s `tunable` once and returns the run's id. 100 ms of measurement (not the
/// usual test's 20) keep each run's median steady through a short burst of other load.
fn run_tunable(exe: &Path, home: &Path) -> String {
    let args = [
        "--bench",
        "tunable",
        "--exact",
        "--warmup-time",
        "10ms",
        "--measure-time",
        "100ms",
    ];
    let run = run_exe(exe, &args, home, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&home.join("results/work.json"));
    report["run_id"].as_str().unwrap().to_string()
}

fn changes(home: &Path) -> serde_json::Value {
    let h = home.to_str().unwrap();
    let args = [
        "history",
        "--home",
        h,
        "--changes",
        "--bench",
        "tunable",
        "--format",
        "json",
    ];
    let (code, out, err) = qudag_bench(args);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_valid_against(&report, "changes-v1.schema.json");
    report
}

#[test]
fn a_ten_percent_step_is_found_at_its_first_run_and_thirty_unchanged_runs_show_none() {
    let (before, after) = (bench_exe("work"), step_work_exe());
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for _ in 0..30 {
        run_tunable(&before, h);
    }
    let flat = changes(h);
    assert_eq!(flat["series"], 1, "{flat}");
    assert_eq!(flat["changes"], serde_json::json!([]), "{flat}");

    let first = run_tunable(&after, h);
    for _ in 0..14 {
        run_tunable(&after, h);
    }
    let stepped = changes(h);
    let found = stepped["changes"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{stepped}");
    let change = &found[0];
    assert_eq!(change["run_id"], first.as_str(), "{change}");
    assert_eq!(
        (&change["runs_before"], &change["runs_after"]),
        (&30.into(), &15.into())
    );
    let shift = change["shift"].as_f64().unwrap();
    assert!((0.05..0.15).contains(&shift), "a tenth more work: {change}");
    assert!(change["p_value"].as_f64().unwrap() <= 0.01, "{change}");

    // The table and Markdown say the same.
    let hs = h.to_str().unwrap();
    let (code, table, _) = qudag_bench(["history", "--home", hs, "--changes"]);
    assert_eq!(code, 0);
    assert_contains(&table, &format!("run {first} (work)"));
    let (_, md, _) = qudag_bench(["history", "--home", hs, "--changes", "--format", "markdown"]);
    assert_contains(&md, &format!("| `{first}` |"));
    // --format belongs to --changes.
    let (code, _, err) = qudag_bench(["history", "--home", hs, "--format", "json"]);
    assert_eq!(code, 2, "{err}");
}
