//! Threaded benchmarks (`threads = [..]`, `b.iter_parallel`) and async ones (`b.iter_async`)
//! with real threads and a real tokio runtime.

mod common;
use common::*;
use serde_json::Value;

fn median(report: &Value, id: &str) -> f64 {
    bench(report, id)["time_ns"]["median"].as_f64().unwrap()
}

#[test]
fn one_benchmark_per_thread_count_and_a_contended_lock_is_slower() {
    let report = measure_json("concurrency", &["lock"]).1;
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
    let report = measure_json("concurrency", &["threads=2", "--skip", "all_cores"]).1;
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
