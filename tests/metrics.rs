//! Measurements besides time, on real bench binaries: performance counters (with graceful
//! fallback where the machine has no PMU) and allocation counts.

mod common;
use common::*;

#[test]
fn allocations_are_counted_per_iteration_inside_the_timed_loop_only() {
    let (_, report) = measure_json("alloc", &["--skip", "holds_100_mib"]);
    let a = &bench(&report, "vec_1k")["alloc"];
    assert_eq!(a["allocs_per_iter"], 1.0, "{a}");
    assert_eq!(a["bytes_per_iter"], 1024.0, "{a}");
    assert_eq!(a["deallocs_per_iter"], 1.0, "{a}");
    let a = &bench(&report, "no_alloc")["alloc"];
    assert_eq!(
        (a["allocs_per_iter"].as_f64(), a["bytes_per_iter"].as_f64()),
        (Some(0.0), Some(0.0))
    );
    let a = &bench(&report, "grow_to_16k")["alloc"];
    assert_eq!(a["allocs_per_iter"], 1.0);
    assert!(a["reallocs_per_iter"].as_f64().unwrap() >= 1.0, "{a}");
    let a = &bench(&report, "inputs_not_counted")["alloc"];
    assert_eq!(
        a["allocs_per_iter"], 0.0,
        "inputs are built outside the timed region: {a}"
    );
    assert_eq!(
        a["deallocs_per_iter"], 0.0,
        "outputs and the input buffer are freed outside: {a}"
    );
}

#[test]
fn without_the_counting_allocator_alloc_is_null() {
    let (_, report) = measure_json("forms", &["plain"]);
    assert!(bench(&report, "plain")["alloc"].is_null());
}

#[test]
fn counters_degrade_gracefully_and_are_plausible() {
    let (run, report) = measure_json("forms", &["fib10"]);
    let avail = &report["environment"]["counters"];
    assert_eq!(avail["enabled"], true);
    let c = &bench(&report, "fib10")["counters"];
    if avail["hardware"] == false {
        let reason = avail["hardware_reason"].as_str().unwrap();
        assert!(!reason.is_empty());
        assert_eq!(
            run.stderr.matches("hardware counters").count(),
            1,
            "one warning line: {}",
            run.stderr
        );
        assert!(c["instructions"].is_null() && c["ipc"].is_null(), "{c}");
        assert_eq!(c["unavailable"]["instructions"], reason);
    } else {
        assert!(c["instructions"].as_f64().unwrap() > 0.0, "{c}");
        assert!(c["ipc"].as_f64().unwrap() > 0.0, "{c}");
    }
    if avail["software"] == true {
        // The task clock counts time on the CPU only, the timer also time off it (tests run
        // in parallel here). So the task clock per iteration lies between half the fastest
        // sample (nothing runs the loop faster) and twice the mean (it cannot exceed the wall
        // time): a bracket that holds however busy the machine is.
        let task = c["task_clock_ns"].as_f64().unwrap();
        let t = &bench(&report, "fib10")["time_ns"];
        let (min, mean) = (t["min"].as_f64().unwrap(), t["mean"].as_f64().unwrap());
        assert!(
            task > 0.5 * min && task < 2.0 * mean,
            "task clock {task}, min {min}, mean {mean}"
        );
        assert!(c["page_faults"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn no_perf_turns_counters_off_silently() {
    let (run, report) = measure_json("forms", &["fib10", "--no-perf"]);
    assert_eq!(report["environment"]["counters"]["enabled"], false);
    assert!(bench(&report, "fib10")["counters"].is_null());
    assert!(!run.stderr.contains("counters"), "{}", run.stderr);
}

#[test]
fn system_metrics_see_memory_held_by_a_benchmark() {
    let (_, report) = measure_json("alloc", &["holds_100_mib"]);
    let s = &bench(&report, "holds_100_mib")["system"];
    let peak = s["summary"]["peak_rss_bytes"].as_u64().unwrap();
    assert!(peak >= 100 << 20, "peak RSS {peak} < 100 MiB: {s}");
    assert!(
        s["series"].as_array().unwrap().len() >= 2,
        "a reading at the start and at the end"
    );
    assert!(s["summary"]["mean_process_cpu_pct"].as_f64().is_some());

    let (_, report) = measure_json("alloc", &["holds_100_mib", "--no-system-metrics"]);
    assert!(bench(&report, "holds_100_mib")["system"].is_null());
}

#[test]
fn percentiles_per_iteration_for_long_iterations_else_per_sample() {
    let (run, report) = measure_json("faults", &["fine"]);
    let p = &bench(&report, "fine")["percentiles_ns"];
    assert_eq!(p["granularity"], "sample", "a sub-nanosecond routine: {p}");
    assert!(!run.stdout.contains("p99"), "{}", run.stdout);

    // About 10 us per iteration: far above the timer's precision.
    let (run, report) = measure_json("alloc", &["grow_to_16k"]);
    let b = bench(&report, "grow_to_16k");
    let p = &b["percentiles_ns"];
    let precision = report["environment"]["timer"]["precision_ns"]
        .as_f64()
        .unwrap();
    let median = b["time_ns"]["median"].as_f64().unwrap();
    if median >= 100.0 * precision {
        assert_eq!(p["granularity"], "iteration", "{p}");
        assert_eq!(
            p["count"].as_u64().unwrap(),
            b["iters_per_sample"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
                .sum::<u64>()
        );
        assert_contains(&run.stdout, "p99");
    }
    let q = |k: &str| p[k].as_f64().unwrap();
    assert!(
        q("p50") <= q("p90")
            && q("p90") <= q("p99")
            && q("p99") <= q("p999")
            && q("p999") <= q("max"),
        "{p}"
    );
}

#[test]
fn verbose_adds_a_detail_line() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "vec_1k", "--verbose"];
    args.extend_from_slice(FAST);
    let run = run_bench("alloc", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "1.00 allocs, 0.00 reallocs, 1024 B");
    assert_contains(&run.stdout, "whole benchmark: peak RSS");
}
