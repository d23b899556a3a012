//! Threaded benchmarks (`threads = [..]`, `b.iter_parallel`) and async ones (`b.iter_async`)
//! with real threads and a real tokio runtime.

mod common;
use common::*;
use serde_json::Value;

fn run(args: &[&str]) -> Value {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let mut all = vec!["--bench", "--json", json.to_str().unwrap()];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    let run = run_bench("concurrency", &all, home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    report
}

fn bench<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(report)))
}

fn median(report: &Value, id: &str) -> f64 {
    bench(report, id)["time_ns"]["median"].as_f64().unwrap()
}

#[test]
fn one_benchmark_per_thread_count_and_a_contended_lock_is_slower() {
    let report = run(&["lock"]);
    assert_eq!(
        ids(&report),
        ["contended_lock/threads=1", "contended_lock/threads=2"]
    );
    assert_eq!(bench(&report, "contended_lock/threads=2")["threads"], 2);
    assert_eq!(bench(&report, "contended_lock/threads=1")["threads"], 1);
    // Both at 2 threads, measured back to back in one process, compared by their fastest
    // samples. Load (say, cargo compiling other tests on both cores) only makes samples slower,
    // and by chance more for one benchmark than the other, so medians can cross; the fastest
    // samples cannot: every iteration of a thread takes the lock once, so the lock's best is at
    // least its uncontended cost (4.0 ns here) while private atomics reach 1.8 ns.
    let report = run(&["threads=2", "--skip", "all_cores"]);
    let fastest = |id: &str| bench(&report, id)["time_ns"]["min"].as_f64().unwrap();
    let (lock, atomic) = (
        fastest("contended_lock/threads=2"),
        fastest("private_atomic/threads=2"),
    );
    assert!(
        lock > atomic,
        "fastest samples: contended lock {lock} ns vs private atomic {atomic} ns"
    );
}

#[test]
fn zero_means_all_cores_and_throughput_is_aggregate() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let report = run(&["all_cores"]);
    let id = format!("all_cores/threads={cores}");
    let b = bench(&report, &id);
    let m = b["time_ns"]["median"].as_f64().unwrap();
    let per_second = b["throughput"]["per_second"].as_f64().unwrap();
    let expected = cores as f64 * 1e9 / m;
    assert!(
        (per_second - expected).abs() <= 1e-9 * expected,
        "{per_second} vs {expected}"
    );
}

#[test]
fn threads_flag_overrides_declared_counts() {
    let report = run(&["private_atomic", "--threads", "3"]);
    assert_eq!(ids(&report), ["private_atomic/threads=3"]);
    let report = run(&["--exact", "sync_noop", "--threads", "3"]);
    assert_eq!(
        ids(&report),
        ["sync_noop"],
        "benchmarks without `threads` stay single-threaded"
    );
}

#[test]
fn an_async_noop_costs_about_as_little_as_a_sync_noop() {
    let report = run(&["noop"]);
    let a = median(&report, "async_noop");
    let s = median(&report, "sync_noop");
    // Both loops' own costs are calibrated and subtracted, so both are near 0; 5 ns is far
    // above what a mis-calibration during one of the machine's slow phases leaves (< 1 ns).
    assert!(a < 5.0 && s < 5.0, "async {a} ns, sync {s} ns");
}
