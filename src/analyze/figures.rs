//! Per-iteration figures from raw totals (counters, allocations) and the verdict of a
//! performance target.

use crate::measure::alloc::AllocCounts;
use crate::measure::counters::arith::{per_iteration, ratio};
use crate::measure::counters::{HARDWARE, Totals};
use crate::schema::BenchResult;
use crate::schema::PerfTarget;
use crate::schema::{AllocResult, CounterResult, TargetResult};

/// Per-iteration counters from the totals of `samples` samples and `iterations` iterations.
pub fn counters(totals: &Totals, samples: u64, iterations: u64) -> CounterResult {
    let mut out = CounterResult {
        context_switches_kernel: totals.context_switches_kernel,
        ..CounterResult::default()
    };
    for (event, result) in &totals.events {
        let name = event.name();
        match result {
            Ok((reading, switch_cost)) => {
                let fraction = reading.running_fraction();
                if HARDWARE.contains(event) {
                    out.hardware_running_fraction = fraction;
                } else {
                    out.software_running_fraction = fraction;
                }
                match per_iteration(*reading, *switch_cost, samples, iterations) {
                    Some(v) => *out.field_mut(name).expect("every event has a field") = Some(v),
                    None => {
                        out.unavailable
                            .insert(name.into(), "the counter was never scheduled".into());
                    }
                }
            }
            Err(reason) => {
                out.unavailable.insert(name.into(), reason.to_string());
            }
        }
    }
    out.ipc = ratio(out.instructions, out.cycles);
    if out.ipc.is_none() {
        out.unavailable
            .insert("ipc".into(), "needs instructions and cycles".into());
    }
    out.branch_miss_rate = ratio(out.branch_misses, out.branches);
    if out.branch_miss_rate.is_none() {
        out.unavailable.insert(
            "branch_miss_rate".into(),
            "needs branches and branch misses".into(),
        );
    }
    out
}

/// Per-iteration allocation figures.
pub fn alloc(counts: AllocCounts, iterations: u64) -> Option<AllocResult> {
    let n = iterations as f64;
    (iterations > 0).then(|| AllocResult {
        allocs_per_iter: counts.allocs as f64 / n,
        deallocs_per_iter: counts.deallocs as f64 / n,
        reallocs_per_iter: counts.reallocs as f64 / n,
        bytes_per_iter: counts.bytes_allocated as f64 / n,
        freed_bytes_per_iter: counts.bytes_deallocated as f64 / n,
    })
}

/// Checks `result` against `target` (written as `expression`).
pub fn target(expression: &str, target: &PerfTarget, result: &BenchResult) -> TargetResult {
    let (measured, reason) = match target {
        PerfTarget::Time { statistic, .. } => match time_statistic(result, statistic) {
            Some(v) => (Some(v), None),
            None => (None, Some(format!("no `{statistic}` was measured"))),
        },
        PerfTarget::Throughput { unit, .. } => throughput_measured(result, unit),
        PerfTarget::Metric { name, unit, .. } => metric_measured(result, name, unit.as_deref()),
    };
    let met = measured.map(|m| match target {
        PerfTarget::Time { below_ns, .. } => m < *below_ns,
        PerfTarget::Throughput {
            above_per_second, ..
        } => m > *above_per_second,
        PerfTarget::Metric { below, above, .. } => {
            below.is_none_or(|b| m < b) && above.is_none_or(|a| m > a)
        }
    });
    TargetResult {
        expression: expression.to_string(),
        target: target.clone(),
        measured,
        met,
        reason,
    }
}

/// The throughput a target in `unit` per second compares, or why there is none.
fn throughput_measured(result: &BenchResult, unit: &str) -> (Option<f64>, Option<String>) {
    let Some(t) = &result.throughput else {
        let why =
            "the benchmark declares no throughput (b.throughput_bytes or b.throughput_elements)";
        return (None, Some(why.into()));
    };
    let declared = match t.per_iter {
        crate::schema::Throughput::Bytes(_) => "bytes",
        crate::schema::Throughput::Elements(_) => "elements",
    };
    if declared != unit {
        let why =
            format!("the target is in {unit} per second but the benchmark declares {declared}");
        return (None, Some(why));
    }
    let why = t
        .per_second
        .is_none()
        .then(|| "the median time is 0".into());
    (t.per_second, why)
}

/// The median of metric `name` that a target compares, or why there is none: the benchmark
/// did not record it, or the target's unit is not the metric's.
fn metric_measured(
    result: &BenchResult,
    name: &str,
    unit: Option<&str>,
) -> (Option<f64>, Option<String>) {
    let Some(m) = result.metrics.get(name) else {
        let why = format!("the benchmark recorded no metric `{name}` (b.metric)");
        return (None, Some(why));
    };
    match unit {
        Some(unit) if unit != m.unit => {
            let why = format!(
                "the target is in `{unit}` but the metric `{name}` is in `{}`",
                m.unit
            );
            (None, Some(why))
        }
        _ => (Some(m.median), None),
    }
}

fn time_statistic(result: &BenchResult, statistic: &str) -> Option<f64> {
    let t = result.time_ns.as_ref();
    let p = result.percentiles_ns.as_ref();
    match statistic {
        "median" => t.map(|t| t.median),
        "mean" => t.map(|t| t.mean),
        "p50" => p.map(|p| p.p50),
        "p90" => p.map(|p| p.p90),
        "p99" => p.map(|p| p.p99),
        "p999" => p.map(|p| p.p999),
        "max" => p.map(|p| p.max),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::counters::arith::Reading;
    use crate::measure::counters::{Event, EventTotal, Unavailable};

    fn ok(value: u64, enabled: u64, running: u64, cost: f64) -> EventTotal {
        Ok((
            Reading {
                value,
                time_enabled_ns: enabled,
                time_running_ns: running,
            },
            cost,
        ))
    }

    #[test]
    fn synthetic_hardware_readings_give_ipc_and_miss_rate() {
        // 10 samples x 1,000 iterations; hardware multiplexed half the time; each on/off
        // switch adds 100 instructions, 80 cycles, 20 branches, 2 misses.
        let totals = Totals {
            events: vec![
                (Event::Instructions, ok((40_000 + 1_000) / 2, 2, 1, 100.0)),
                (Event::Cycles, ok((20_000 + 800) / 2, 2, 1, 80.0)),
                (Event::Branches, ok((5_000 + 200) / 2, 2, 1, 20.0)),
                (Event::BranchMisses, ok((50 + 20) / 2, 2, 1, 2.0)),
                (Event::CacheMisses, Err(Unavailable::Open("no PMU".into()))),
                (Event::TaskClock, ok(1_000_000, 5, 5, 0.0)),
            ],
            context_switches_kernel: true,
        };
        let c = counters(&totals, 10, 10_000);
        assert_eq!(c.instructions, Some(4.0));
        assert_eq!(c.cycles, Some(2.0));
        assert_eq!(c.ipc, Some(2.0));
        assert_eq!(c.branch_miss_rate, Some(0.01));
        assert_eq!(c.hardware_running_fraction, Some(0.5));
        assert_eq!(c.software_running_fraction, Some(1.0));
        assert_eq!(c.task_clock_ns, Some(100.0));
        assert_eq!(c.cache_misses, None);
        assert_eq!(c.unavailable["cache_misses"], "no PMU");
    }

    #[test]
    fn without_hardware_ratios_are_null_with_reasons() {
        let totals = Totals {
            events: vec![
                (Event::Instructions, Err(Unavailable::Open("no PMU".into()))),
                (Event::TaskClock, ok(500, 1, 1, 0.0)),
            ],
            context_switches_kernel: false,
        };
        let c = counters(&totals, 1, 5);
        assert_eq!(c.ipc, None);
        assert!(c.unavailable.contains_key("ipc"));
        assert_eq!(c.task_clock_ns, Some(100.0));
        assert!(!c.context_switches_kernel);
    }

    #[test]
    fn allocation_figures_are_per_iteration() {
        let counts = AllocCounts {
            allocs: 100,
            deallocs: 100,
            reallocs: 0,
            bytes_allocated: 102_400,
            bytes_deallocated: 102_400,
        };
        let a = alloc(counts, 100).unwrap();
        assert_eq!((a.allocs_per_iter, a.bytes_per_iter), (1.0, 1024.0));
        assert_eq!(alloc(counts, 0), None);
    }

    fn result_with(
        median: f64,
        throughput: Option<crate::schema::ThroughputResult>,
    ) -> BenchResult {
        let report: BenchResult = serde_json::from_value(serde_json::json!({
            "id": "x", "name": "x", "arg": null, "suite": "s", "tags": [],
            "location": {"file": "f", "line": 1}, "status": "ok", "error": null,
            "config": {"warmup_time_s": 0.1, "measure_time_s": 0.1, "samples": 10, "timeout_s": 1.0, "noise_threshold_pct": 2.0},
            "iters_per_sample": [], "samples_ns": [], "overhead": null,
            "time_ns": {"mean": median, "median": median, "std_dev": 0.0, "mad": 0.0, "min": median,
                "max": median, "cv": 0.0, "mean_ci": {"lower": median, "upper": median, "level": 0.95},
                "median_ci": {"lower": median, "upper": median, "level": 0.95}},
            "percentiles_ns": null, "outliers": null, "throughput": null, "warmup": null,
            "wall_time_s": 1.0, "counters": null, "alloc": null, "system": null,
            "instructions": null, "target": null, "threads": null, "comparison": null
        }))
        .unwrap();
        BenchResult {
            throughput,
            ..report
        }
    }

    #[test]
    fn metric_targets_compare_the_median_in_the_metrics_unit() {
        use crate::config::target::parse;
        let mut r = result_with(1.0, None);
        r.metrics.insert(
            "rounds".into(),
            serde_json::from_value(serde_json::json!({
                "unit": "rounds", "values": [12.0, 10.0, 14.0], "median": 12.0, "mean": 12.0,
                "min": 10.0, "max": 14.0, "median_ci": null
            }))
            .unwrap(),
        );
        let check = |e: &str| target(e, &parse(e).unwrap(), &r);
        assert_eq!(check("rounds < 200").met, Some(true));
        assert_eq!(check("rounds < 12").met, Some(false), "strictly below");
        assert_eq!(check("rounds > 11 rounds").met, Some(true));
        assert_eq!(check("rounds < 200").measured, Some(12.0));
        let other_unit = check("rounds < 200 ms");
        assert_eq!(other_unit.met, None);
        assert!(other_unit.reason.unwrap().contains("`ms`"));
        assert!(
            check("queries < 5")
                .reason
                .unwrap()
                .contains("no metric `queries`")
        );
    }

    #[test]
    fn time_and_throughput_targets_are_checked() {
        use crate::config::target::parse;
        let r = result_with(900_000.0, None);
        let t = target("< 1ms", &parse("< 1ms").unwrap(), &r);
        assert_eq!((t.measured, t.met), (Some(900_000.0), Some(true)));
        let t = target("< 500us", &parse("< 500us").unwrap(), &r);
        assert_eq!(t.met, Some(false));
        let t = target("p99 < 1s", &parse("p99 < 1s").unwrap(), &r);
        assert_eq!(t.met, None, "no percentiles measured");
        assert!(t.reason.unwrap().contains("p99"));
        let t = target("> 10 msg/s", &parse("> 10 msg/s").unwrap(), &r);
        assert!(t.reason.unwrap().contains("declares no throughput"));
        let tp = crate::schema::ThroughputResult {
            per_iter: crate::schema::Throughput::Elements(100),
            per_second: Some(2e4),
        };
        let r = result_with(5e6, Some(tp));
        assert_eq!(
            target("> 10000 msg/s", &parse("> 10000 msg/s").unwrap(), &r).met,
            Some(true)
        );
        assert_eq!(
            target("> 30k msg/s", &parse("> 30k msg/s").unwrap(), &r).met,
            Some(false)
        );
        let t = target("> 1 MB/s", &parse("> 1 MB/s").unwrap(), &r);
        assert_eq!(t.met, None, "bytes target on an elements benchmark");
    }
}
