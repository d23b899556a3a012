//! `--instructions`: callgrind instruction counts per iteration, deterministic and sensitive to
//! a 1% change in work; a missing valgrind is a usage error.

mod common;
use common::*;

fn valgrind_present() -> bool {
    let ok = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install valgrind (.ci/run does)"
        );
        eprintln!("valgrind is not installed: skipping");
    }
    ok
}

fn per_iter(report: &serde_json::Value, id: &str) -> f64 {
    let b = report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap();
    let i = &b["instructions"];
    assert!(i["error"].is_null(), "{i}");
    i["per_iter"].as_f64().unwrap()
}

fn counted(filter: &str) -> serde_json::Value {
    measure_json("work", &["--instructions", filter]).1
}

#[test]
fn counts_are_identical_across_runs_and_see_one_percent_more_work() {
    if !valgrind_present() {
        return;
    }
    let first = counted("loop_work");
    let second = counted("loop_work");
    let a = per_iter(&first, "loop_work/1000");
    assert_eq!(
        a,
        per_iter(&second, "loop_work/1000"),
        "same binary, same input, same count"
    );
    assert_eq!(
        per_iter(&first, "loop_work/1010"),
        per_iter(&second, "loop_work/1010")
    );
    let change = per_iter(&first, "loop_work/1010") / a - 1.0;
    assert!(
        (change - 0.01).abs() <= 0.001,
        "1% more loop work counted as {:+.4}%",
        100.0 * change
    );
}

#[test]
fn setup_outside_the_timed_loop_is_not_counted() {
    if !valgrind_present() {
        return;
    }
    let report = counted("work");
    // The same routine with and without per-iteration inputs: the inputs' allocation and 4 KiB
    // fill (hundreds of instructions) must not appear, only the few of storing each output.
    let batched = per_iter(&report, "batched_work");
    let plain = per_iter(&report, "same_work_in_iter");
    assert!(
        batched >= plain && batched - plain < 50.0,
        "batched {batched} vs plain {plain}"
    );
}

#[test]
fn missing_valgrind_is_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let path = empty_path.path().to_str().unwrap();
    let run = run_bench(
        "work",
        &["--bench", "--instructions"],
        home.path(),
        &[("PATH", path)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "valgrind");
    assert!(
        !home.path().join("results").exists(),
        "nothing measured or written"
    );
}
