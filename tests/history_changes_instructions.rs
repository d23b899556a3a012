//! `qudag-bench history --changes --instructions` over real runs: 30 runs of the fixture's
//! `tunable` with `--instructions` show no level change, and 15 more of a build with a tenth
//! more work show one, at the first of them, with the default 5% floor. Issue 20's +10% step,
//! which this guest's drifting timings hide (tests/history_changes.rs), is exact in callgrind's
//! counts. Its own test binary, so that its valgrind runs never share the cores with the timed
//! runs of tests/history_changes.rs.

mod common;
use common::*;
use std::path::Path;

/// Runs `exe`'s `tunable` once under `--instructions` and returns the run's id and its
/// instructions per iteration.
fn run_counted(exe: &Path, home: &Path) -> (String, f64) {
    let args = ["--bench", "tunable", "--exact", "--instructions"];
    let run = run_exe(exe, &[&args[..], FAST].concat(), home, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&home.join("results/work.json"));
    let counted = report["benchmarks"][0]["instructions"]["per_iter"].as_f64();
    let run_id = report["run_id"].as_str().unwrap().to_string();
    (run_id, counted.expect("callgrind counted tunable"))
}

fn changes(home: &Path, format: &str) -> String {
    let h = home.to_str().unwrap();
    let args = ["history", "--home", h, "--changes", "--instructions"];
    let (code, out, err) = qudag_bench(args.into_iter().chain(["--format", format]));
    assert_eq!(code, 0, "{err}");
    out
}

fn changes_json(home: &Path) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_str(&changes(home, "json")).unwrap();
    assert_valid_against(&report, "changes-v1.schema.json");
    assert_eq!(report["method"]["measure"], "instructions", "{report}");
    report
}

#[test]
fn a_tenth_more_instructions_is_found_at_its_first_run_and_thirty_unchanged_runs_show_none() {
    let (before, after) = (bench_exe("work"), tenth_work_exe());
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let counts: Vec<f64> = (0..30).map(|_| run_counted(&before, h).1).collect();
    let flat = changes_json(h);
    assert_eq!(
        (&flat["series"], &flat["changes"]),
        (&1.into(), &serde_json::json!([])),
        "30 unchanged runs (counts {counts:?}): {flat}"
    );

    let (first, stepped_count) = run_counted(&after, h);
    for _ in 0..14 {
        run_counted(&after, h);
    }
    let stepped = changes_json(h);
    let found = stepped["changes"].as_array().unwrap();
    let [change] = found.as_slice() else {
        panic!("not one change: {stepped}");
    };
    assert_eq!(change["run_id"], first.as_str(), "{change}");
    assert_eq!(
        (&change["runs_before"], &change["runs_after"]),
        (&30.into(), &15.into())
    );
    assert!(change["p_value"].as_f64().unwrap() <= 0.01, "{change}");
    assert!(change.get("median_before_ns").is_none(), "{change}");
    // A tenth more loop work, and the per-iteration overhead around it: a little under +10%.
    let shift = change["shift"].as_f64().unwrap();
    assert!((0.07..0.101).contains(&shift), "{change}");
    let after_level = change["instructions_after"].as_f64().unwrap();
    assert!(
        (after_level / stepped_count - 1.0).abs() < 0.001,
        "{change}"
    );

    // The table and Markdown say the same; --instructions belongs to --changes.
    assert_contains(&changes(h, "table"), &format!("run {first} (work)"));
    assert_contains(&changes(h, "table"), "on instructions per iteration");
    assert_contains(&changes(h, "markdown"), &format!("| `{first}` |"));
    let hs = h.to_str().unwrap();
    let (code, _, err) = qudag_bench(["history", "--home", hs, "--instructions"]);
    assert_eq!(code, 2, "{err}");
}
