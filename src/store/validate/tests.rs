use super::read::{limit_from, parse, read_limited};
use super::*;
use crate::schema::{Overhead, RunReport};

/// A real report the harness wrote: three measured benchmarks with samples and a comparison.
fn real() -> RunReport {
    serde_json::from_str(include_str!("../../report/testdata/run-work.json")).unwrap()
}

/// The first error of `report` after `edit`.
fn error_after(kept: Kept, edit: impl FnOnce(&mut RunReport)) -> String {
    let mut r = real();
    edit(&mut r);
    report(&r, kept)
        .expect_err("the edit makes the report invalid")
        .to_string()
}

#[test]
fn what_the_harness_writes_is_valid() {
    let r = real();
    report(&r, Kept::Samples).unwrap();
    // The history's copy drops the samples; a failed benchmark has no statistics.
    let mut stripped = r.clone();
    for b in &mut stripped.benchmarks {
        b.samples_ns.clear();
        b.iters_per_sample.clear();
    }
    report(&stripped, Kept::Estimates).unwrap();
    let mut failed = r.clone();
    let b = &mut failed.benchmarks[0];
    (b.status, b.error) = (Status::Failed, Some("boom".into()));
    (b.time_ns, b.percentiles_ns, b.outliers, b.overhead) = (None, None, None, None);
    (b.samples_ns, b.iters_per_sample) = (Vec::new(), Vec::new());
    report(&failed, Kept::Samples).unwrap();
    // A skipped benchmark has its reason, and only a skipped one has a reason.
    let mut skipped = failed.clone();
    let b = &mut skipped.benchmarks[0];
    (b.status, b.error, b.skip_reason) = (Status::Skipped, None, Some("not here".into()));
    report(&skipped, Kept::Samples).unwrap();
    skipped.benchmarks[0].skip_reason = None;
    let e = report(&skipped, Kept::Samples).unwrap_err();
    assert!(e.to_string().contains("skip_reason"), "{e}");
    // A metric has values and a median within them.
    let mut metric = r.clone();
    let m: crate::schema::MetricResult = serde_json::from_value(serde_json::json!({
        "unit": "rounds", "values": [10.0], "median": 10.0, "mean": 10.0, "min": 10.0,
        "max": 10.0, "median_ci": null
    }))
    .unwrap();
    metric.benchmarks[0]
        .metrics
        .insert("rounds".into(), m.clone());
    report(&metric, Kept::Samples).unwrap();
    metric.benchmarks[0].metrics.insert(
        "rounds".into(),
        crate::schema::MetricResult {
            median: 11.0,
            ..m.clone()
        },
    );
    let e = report(&metric, Kept::Samples).unwrap_err();
    assert!(e.to_string().contains("metrics.rounds.median"), "{e}");
    metric.benchmarks[0].metrics.clear();
    metric.benchmarks[0].metrics.insert("a b".into(), m);
    assert!(report(&metric, Kept::Samples).is_err());
    let mut reasoned = r.clone();
    reasoned.benchmarks[0].skip_reason = Some("not here".into());
    assert!(report(&reasoned, Kept::Samples).is_err());
    // Times are clamped at 0 after the overheads are subtracted: 0 is a measured time (of a
    // benchmark whose samples took no longer than the overheads).
    let mut zero = r.clone();
    let b = &mut zero.benchmarks[0];
    b.samples_ns.iter_mut().for_each(|s| *s = 0);
    let t = b.time_ns.as_mut().unwrap();
    (t.min, t.median, t.median_ci.lower) = (0.0, 0.0, 0.0);
    report(&zero, Kept::Samples).unwrap();
    // But a median of 0 over samples of some 38 ns is an edited file: a comparison would read
    // it as "no change" whatever the new run measured.
    let mut edited = r;
    let t = edited.benchmarks[0].time_ns.as_mut().unwrap();
    (t.min, t.median, t.median_ci.lower) = (0.0, 0.0, 0.0);
    let e = report(&edited, Kept::Samples).unwrap_err().to_string();
    assert!(
        e.starts_with("benchmarks[0] (`batched_work`).time_ns.median is 0 ns, outside the 35.")
            && e.contains("the statistics do not belong to these samples"),
        "{e}"
    );
}

#[test]
fn an_ok_benchmark_needs_samples_unless_the_history_kept_it() {
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[1].samples_ns.clear();
        r.benchmarks[1].iters_per_sample.clear();
    });
    assert_eq!(
        e,
        "benchmarks[1] (`loop_work/1000`).samples_ns is empty but status is `ok`; a measured \
         benchmark keeps its raw samples (only the history's copy of a report drops them)"
    );
    let e = error_after(Kept::Estimates, |r| r.benchmarks[2].time_ns = None);
    assert_eq!(
        e,
        "benchmarks[2] (`tunable`).time_ns is null but status is `ok`; a measured benchmark has \
         its time statistics"
    );
}

#[test]
fn sample_lists_must_match_and_stay_within_the_sample_limit() {
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].iters_per_sample.pop();
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).iters_per_sample has 3 entries but \
         benchmarks[0] (`batched_work`).samples_ns has 4; expected one iteration count per sample"
    );
    let e = error_after(Kept::Samples, |r| r.benchmarks[0].iters_per_sample[2] = 0);
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).iters_per_sample[2] is 0; expected at least 1 iteration \
         per sample"
    );
    let e = error_after(Kept::Samples, |r| {
        let b = &mut r.benchmarks[0];
        b.samples_ns = vec![1000; MAX_SAMPLES + 1];
        b.iters_per_sample = vec![1; MAX_SAMPLES + 1];
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).samples_ns has 1000001 samples; a benchmark has at most \
         1000000 (the largest `--samples`)"
    );
}

#[test]
fn times_are_non_negative_finite_and_ordered() {
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].time_ns.as_mut().unwrap().median = -5.2
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).time_ns.median is -5.2; expected a non-negative finite \
         number of ns"
    );
    let e = error_after(Kept::Estimates, |r| {
        r.benchmarks[2].time_ns.as_mut().unwrap().std_dev = f64::INFINITY
    });
    assert_eq!(
        e,
        "benchmarks[2] (`tunable`).time_ns.std_dev is inf; expected a non-negative finite number \
         of ns"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].time_ns.as_mut().unwrap().median = 1e6
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).time_ns.median is 1000000 but \
         benchmarks[0] (`batched_work`).time_ns.max is 41.605317034722226; expected min <= \
         median <= max"
    );
    let e = error_after(Kept::Samples, |r| {
        let ci = &mut r.benchmarks[1].time_ns.as_mut().unwrap().median_ci;
        (ci.lower, ci.upper) = (ci.upper, ci.lower);
    });
    assert!(
        e.starts_with(
            "benchmarks[1] (`loop_work/1000`).time_ns.median_ci.lower is 807.0153426292127 but \
             benchmarks[1] (`loop_work/1000`).time_ns.median_ci.upper is 806.9960374933626; \
             expected lower <= upper"
        ),
        "{e}"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[1].time_ns.as_mut().unwrap().mean_ci.level = 95.0
    });
    assert_eq!(
        e,
        "benchmarks[1] (`loop_work/1000`).time_ns.mean_ci.level is 95; expected a confidence \
         level between 0 and 1"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[2].percentiles_ns.as_mut().unwrap().p90 = 1e9
    });
    assert_eq!(
        e,
        "benchmarks[2] (`tunable`).percentiles_ns.p90 is 1000000000 but \
         benchmarks[2] (`tunable`).percentiles_ns.p99 is 2439.167; expected p50 <= p90 <= p99 \
         <= p999 <= max"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].overhead = Some(Overhead {
            per_sample_ns: -1.0,
            per_iter_ns: 0.0,
        })
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).overhead.per_sample_ns is -1; expected a non-negative \
         finite number of ns"
    );
    let e = error_after(Kept::Samples, |r| r.environment.timer.overhead_ns = -20.0);
    assert_eq!(
        e,
        "environment.timer.overhead_ns is -20; expected a non-negative finite number of ns"
    );
    let e = error_after(Kept::Samples, |r| r.benchmarks[1].wall_time_s = -0.5);
    assert_eq!(
        e,
        "benchmarks[1] (`loop_work/1000`).wall_time_s is -0.5; expected a non-negative finite \
         number"
    );
}

#[test]
fn counts_rates_and_settings_are_non_negative() {
    let e = error_after(Kept::Samples, |r| r.config.defaults.measure_time_s = -1.0);
    assert_eq!(
        e,
        "config.defaults.measure_time_s is -1; expected a non-negative finite number"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[2].config.noise_threshold_pct = f64::NAN
    });
    assert_eq!(
        e,
        "benchmarks[2] (`tunable`).config.noise_threshold_pct is NaN; expected a non-negative \
         finite number"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].counters = Some(crate::schema::CounterResult {
            page_faults: Some(-3.0),
            ..Default::default()
        })
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).counters.page_faults is -3; expected a non-negative \
         finite number"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].alloc = Some(crate::schema::AllocResult {
            allocs_per_iter: 1.0,
            deallocs_per_iter: 1.0,
            reallocs_per_iter: 0.0,
            bytes_per_iter: -64.0,
            freed_bytes_per_iter: 64.0,
        })
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).alloc.bytes_per_iter is -64; expected a non-negative \
         finite number"
    );
}

#[test]
fn comparisons_are_changes_of_at_least_minus_one_and_probabilities() {
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].comparison.as_mut().unwrap().change = Some(-6.84)
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).comparison.change is -6.84; expected a finite relative \
         change of at least -1 (-100%)"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].comparison.as_mut().unwrap().p_value = Some(1.5)
    });
    assert_eq!(
        e,
        "benchmarks[0] (`batched_work`).comparison.p_value is 1.5; expected a probability from \
         0 to 1"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[1]
            .comparison
            .as_mut()
            .unwrap()
            .baseline_median_ns = Some(-807.0)
    });
    assert_eq!(
        e,
        "benchmarks[1] (`loop_work/1000`).comparison.baseline_median_ns is -807; expected a \
         non-negative finite number of ns"
    );
    let e = error_after(Kept::Samples, |r| {
        let ci = r.benchmarks[2].comparison.as_mut().unwrap();
        ci.change_ci.as_mut().unwrap().lower = -2.0;
    });
    assert_eq!(
        e,
        "benchmarks[2] (`tunable`).comparison.change_ci.lower is -2; expected a finite relative \
         change of at least -1 (-100%)"
    );
}

#[test]
fn the_schema_is_checked_and_ids_are_shown_escaped() {
    let e = error_after(Kept::Estimates, |r| r.schema = "qudag-bench/run/v9".into());
    assert_eq!(
        e,
        "schema is `qudag-bench/run/v9`; this qudag-bench reads `qudag-bench/run/v1` (a newer \
         qudag-bench wrote it?)"
    );
    let e = error_after(Kept::Samples, |r| {
        r.benchmarks[0].id = "evil\u{1b}[2J".into();
        r.benchmarks[0].wall_time_s = -1.0;
    });
    assert!(
        e.starts_with("benchmarks[0] (`evil\\u{1b}[2J`).wall_time_s"),
        "{e}"
    );
}

#[test]
fn files_name_themselves_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crypto.json");
    let mut r = real();
    r.benchmarks[2].time_ns.as_mut().unwrap().median = -5.2;
    let bytes = serde_json::to_vec_pretty(&r).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let e = read_report(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: benchmarks[2] (`tunable`).time_ns.median is -5.2; expected a non-negative finite \
             number of ns",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "file untouched");
    // One parse: a report of the right shape and another schema names the schema.
    r.schema = "qudag-bench/run/v2".into();
    let e = parse(&path, &serde_json::to_vec(&r).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("crypto.json has schema `qudag-bench/run/v2`"),
        "{e}"
    );
    for (bytes, needle) in [
        (&b"[1, 2"[..], "is corrupt or truncated"),
        (b"[1, 2]", "is not a qudag-bench run report (no `schema`)"),
        (b"{\"schema\": \"qudag-bench/run/v1\"}", "does not match"),
    ] {
        let e = parse(&path, bytes).unwrap_err().to_string();
        assert!(e.contains(needle) && e.contains("crypto.json"), "{e}");
    }
}

#[test]
fn large_files_and_non_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::write(&path, vec![b' '; (1 << 20) + 1]).unwrap();
    let e = read_limited(&path, 1 << 20).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{} is 1.0 MiB, larger than the 1 MiB a run report may have (set \
             QUDAG_BENCH_MAX_REPORT_MIB to read larger ones)",
            path.display()
        )
    );
    assert_eq!(read_limited(&path, 2 << 20).unwrap().len(), (1 << 20) + 1);
    let e = read_limited(dir.path(), 1 << 20).unwrap_err().to_string();
    assert!(
        e.ends_with("is not a regular file; a run report is a JSON file"),
        "{e}"
    );
    // A FIFO would block the reader forever if it were opened.
    let fifo = dir.path().join("fifo.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let e = read_limited(&fifo, 1 << 20).unwrap_err().to_string();
        assert!(e.contains("is not a regular file"), "{e}");
    }
}

#[test]
fn the_size_limit_is_64_mib_unless_set() {
    assert_eq!(limit_from(None).unwrap(), 64 << 20);
    assert_eq!(limit_from(Some("200".as_ref())).unwrap(), 200 << 20);
    for bad in ["0", "-1", "1.5", "big", ""] {
        let e = limit_from(Some(bad.as_ref())).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("QUDAG_BENCH_MAX_REPORT_MIB={bad}: expected")),
            "{e}"
        );
    }
}
