//! Threaded benchmarks (`threads = [..]`, `b.iter_parallel`) and async ones (`b.iter_async`)
//! with real threads and a real tokio runtime.

mod common;
use common::*;
use serde_json::Value;

fn median(report: &Value, id: &str) -> f64 {
    bench(report, id)["time_ns"]["median"].as_f64().unwrap()
}

#[test]
fn one_benchmark_per_thread_count() {
    let report = measure_json("concurrency", &["lock"]).1;
    assert_eq!(
        ids(&report),
        ["contended_lock/threads=1", "contended_lock/threads=2"]
    );
    assert_eq!(bench(&report, "contended_lock/threads=2")["threads"], 2);
    assert_eq!(bench(&report, "contended_lock/threads=1")["threads"], 1);
    // Which of two 2-thread benchmarks is faster is a speed claim, not asserted here: under
    // load (cargo compiling on both cores) one thread of a pair can lose its core for a whole
    // run, and then even the fastest samples of private atomics exceeded a contended lock's
    // (4354 ns against 9.3 ns, seen in CI).
    let report = measure_json("concurrency", &["threads=2", "--skip", "all_cores"]).1;
    for id in ["contended_lock/threads=2", "private_atomic/threads=2"] {
        assert_eq!(bench(&report, id)["status"], "ok", "{id}");
        assert_eq!(bench(&report, id)["threads"], 2, "{id}");
        assert!(median(&report, id) > 0.0, "{id}");
    }
}

#[test]
fn zero_means_all_cores_and_throughput_is_aggregate() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let report = measure_json("concurrency", &["all_cores"]).1;
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
    let report = measure_json("concurrency", &["private_atomic", "--threads", "3"]).1;
    assert_eq!(ids(&report), ["private_atomic/threads=3"]);
    let report = measure_json("concurrency", &["--exact", "sync_noop", "--threads", "3"]).1;
    assert_eq!(
        ids(&report),
        ["sync_noop"],
        "benchmarks without `threads` stay single-threaded"
    );
}

#[test]
fn an_async_noop_costs_about_as_little_as_a_sync_noop() {
    let report = measure_json("concurrency", &["noop"]).1;
    let a = median(&report, "async_noop");
    let s = median(&report, "sync_noop");
    // Both loops' own costs are calibrated and subtracted, so both are near 0; 5 ns is far
    // above what a mis-calibration during one of the machine's slow phases leaves (< 1 ns).
    assert!(a < 5.0 && s < 5.0, "async {a} ns, sync {s} ns");
}
