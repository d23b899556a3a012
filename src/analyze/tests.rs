//! The report entry of each way a benchmark can end, without running one.

use super::*;
use crate::bencher::Finished;
use crate::config::DEFAULTS;
use crate::measure::sampler::Measured;
use crate::registry::{AttrOptions, BenchEntry, BenchFn, ResourceLimits};
use crate::schema::{Granularity, Throughput, Warmup};

static ENTRY: BenchEntry = BenchEntry {
    name: "keygen",
    module_path: "crypto::ml_kem",
    file: "benches/crypto.rs",
    line: 7,
    suite: Some("crypto"),
    tags: &["fast"],
    options: AttrOptions {
        samples: None,
        warmup_time: None,
        measure_time: None,
        timeout: None,
        precision: None,
        ignore: false,
        isolate: false,
        limits: ResourceLimits::NONE,
        network: None,
        requires: &[],
    },
    threads: &[],
    bench: BenchFn::Single(|_| {}),
};

fn bench(threads: Option<usize>) -> Benchmark {
    Benchmark {
        id: "ml_kem::keygen".into(),
        base_id: "ml_kem::keygen".into(),
        arg: None,
        suite: "crypto".into(),
        entry: &ENTRY,
        arg_index: 0,
        threads,
    }
}

fn analyzed(threads: Option<usize>, outcome: Outcome) -> Analyzed {
    let bench = bench(threads);
    let ctx = Context {
        bench: &bench,
        settings: DEFAULTS,
        system: None,
        wall_time_s: 0.5,
    };
    result(ctx, outcome)
}

fn returned(timed: bool, measured: Option<Measured>, throughput: Option<Throughput>) -> Outcome {
    Outcome::Returned(Box::new(Finished {
        skipped: None,
        timed,
        throughput,
        measured,
        metrics: Default::default(),
    }))
}

/// Four samples of 10 iterations whose per-iteration times, less 20 ns per sample and 1 ns per
/// iteration, are 9, 10, 11 and 12 ns.
fn four_samples() -> Measured {
    Measured {
        iters: vec![10; 4],
        elapsed_ns: vec![120, 130, 140, 150],
        sample_overhead_ns: 20.0,
        iter_overhead_ns: 1.0,
        warmup: Warmup {
            iterations: 100,
            wall_ns: 5_000,
            estimate_ns: 10.0,
            wall_per_timed: 1.0,
            settled: None,
        },
        measure_wall_ns: 540,
        counters: None,
        alloc: None,
        latencies_ns: None,
        stop_reason: crate::measure::stop::StopReason::Samples,
    }
}

#[test]
fn a_panic_is_a_failure_with_its_message_and_who_it_was() {
    let a = analyzed(None, Outcome::Panicked("panicked: boom".into()));
    let r = &a.result;
    assert!(!a.hung);
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.error.as_deref(), Some("panicked: boom"));
    assert_eq!(
        (r.id.as_str(), r.name.as_str(), r.suite.as_str()),
        ("ml_kem::keygen", "keygen", "crypto")
    );
    assert_eq!(r.tags, ["fast"]);
    assert_eq!(
        (r.location.file.as_str(), r.location.line),
        ("benches/crypto.rs", 7)
    );
    assert_eq!(r.wall_time_s, 0.5);
    assert!(r.time_ns.is_none() && r.samples_ns.is_empty());
}

#[test]
fn a_hang_is_a_timeout_that_says_the_thread_was_abandoned() {
    let a = analyzed(None, Outcome::Hung);
    assert!(a.hung);
    assert_eq!(a.result.status, Status::Timeout);
    let error = a.result.error.unwrap();
    assert!(error.starts_with("timed out after 60.000s"), "{error}");
    assert!(error.contains("did not stop"), "{error}");
}

#[test]
fn a_skip_is_skipped_with_its_reason_and_nothing_measured() {
    let Outcome::Returned(mut finished) = returned(false, None, None) else {
        unreachable!()
    };
    finished.skipped = Some("no IPv6 here".into());
    let a = analyzed(None, Outcome::Returned(finished));
    assert_eq!(a.result.status, Status::Skipped);
    assert_eq!(a.result.skip_reason.as_deref(), Some("no IPv6 here"));
    assert!(a.result.error.is_none() && a.result.time_ns.is_none());
    assert!(!a.result.status.is_failure());
}

#[test]
fn recorded_metrics_go_with_a_measured_result_and_not_with_a_skip() {
    let rounds = || {
        let recorded = crate::measure::metrics::Recorded {
            unit: "rounds".into(),
            values: vec![10.0],
        };
        std::collections::BTreeMap::from([("rounds_to_finality".to_string(), recorded)])
    };
    let Outcome::Returned(mut finished) = returned(true, Some(four_samples()), None) else {
        unreachable!()
    };
    finished.metrics = rounds();
    let r = analyzed(None, Outcome::Returned(finished)).result;
    assert_eq!(r.status, Status::Ok);
    let m = &r.metrics["rounds_to_finality"];
    assert_eq!(
        (m.unit.as_str(), m.median, m.values.len()),
        ("rounds", 10.0, 1)
    );
    let Outcome::Returned(mut finished) = returned(false, None, None) else {
        unreachable!()
    };
    (finished.metrics, finished.skipped) = (rounds(), Some("not here".into()));
    assert!(
        analyzed(None, Outcome::Returned(finished))
            .result
            .metrics
            .is_empty()
    );
}

#[test]
fn returning_without_timing_fails_and_a_cancelled_measurement_times_out() {
    let untimed = analyzed(None, returned(false, None, None));
    assert_eq!(untimed.result.status, Status::Failed);
    assert_eq!(untimed.result.error.as_deref(), Some(NO_TIMING_CALL));
    let cancelled = analyzed(None, returned(true, None, None));
    assert!(!cancelled.hung);
    assert_eq!(cancelled.result.status, Status::Timeout);
    assert_eq!(
        cancelled.result.error.as_deref(),
        Some("timed out after 60.000s")
    );
}

#[test]
fn a_measured_benchmark_gets_statistics_of_the_samples_less_the_overheads() {
    let a = analyzed(None, returned(true, Some(four_samples()), None));
    let r = a.result;
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.error, None);
    let t = r.time_ns.unwrap();
    assert_eq!((t.min, t.median, t.max, t.mean), (9.0, 10.5, 12.0, 10.5));
    let o = r.overhead.unwrap();
    assert_eq!((o.per_sample_ns, o.per_iter_ns), (20.0, 1.0));
    assert_eq!(r.percentiles_ns.unwrap().granularity, Granularity::Sample);
    assert_eq!(r.samples_ns, [120, 130, 140, 150]);
    assert_eq!(r.iters_per_sample, [10; 4]);
    assert_eq!(r.warmup.unwrap().iterations, 100);
    assert_eq!(r.outliers.unwrap().total(), 0);
    assert!(r.throughput.is_none());
}

#[test]
fn throughput_is_per_second_at_the_median_over_all_threads() {
    let bytes = Some(Throughput::Bytes(100));
    let one = analyzed(None, returned(true, Some(four_samples()), bytes));
    let two = analyzed(Some(2), returned(true, Some(four_samples()), bytes));
    let per_second = |a: Analyzed| a.result.throughput.unwrap().per_second.unwrap();
    assert_eq!(per_second(one), 100.0 * 1e9 / 10.5);
    assert_eq!(per_second(two), 2.0 * 100.0 * 1e9 / 10.5);
}

#[test]
fn latencies_timed_one_by_one_give_per_iteration_percentiles() {
    let mut m = four_samples();
    m.latencies_ns = Some(vec![11, 12, 13, 14, 15]);
    let r = analyzed(None, returned(true, Some(m), None)).result;
    let p = r.percentiles_ns.unwrap();
    assert_eq!(p.granularity, Granularity::Iteration);
    assert_eq!(p.count, 5);
}
