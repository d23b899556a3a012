//! Bencher Metric Format (BMF) JSON, for continuous-benchmarking services such as Bencher:
//! `{ "<benchmark>": { "latency": { "value", "lower_value", "upper_value" }, ... } }`.
//!
//! Bencher's built-in measures are used as its documentation defines them (Bencher, "How to
//! track custom benchmarks": every project has Latency in nanoseconds and Throughput in
//! operations per second); other figures go under custom measures, which Bencher creates on
//! first sight of their slug:
//! - `latency`: the median time per iteration (ns) and its 95% bootstrap interval.
//! - `throughput`: declared elements per second at the median (an element is one operation),
//!   with the interval that the median's interval implies.
//! - `bytes-per-second` (custom): the same for a byte throughput, which is not operations.
//! - `instructions` (custom): per iteration, from callgrind (`--instructions`) or the hardware
//!   counter.
//! - `allocations` (custom): heap allocations per iteration, with a `CountingAlloc`.
//! - each custom metric (`b.metric`) under its own name (custom): its median, with the 95%
//!   interval of the median when it has per-sample values. Metric names cannot take the names
//!   above.
//!
//! Benchmarks that did not measure (failed, timed out) are left out: BMF has no status. A
//! benchmark id that occurs in more than one bench target is written as `<target>::<id>`.

use crate::schema::Throughput;
use crate::schema::{BenchResult, RunReport};
use serde_json::{Map, Value, json};

/// The BMF document for `reports`.
pub fn render(reports: &[RunReport]) -> Vec<u8> {
    let mut doc = Map::new();
    for (name, _, r) in super::qualified::names(reports) {
        if let Some(measures) = measures(r) {
            doc.insert(name, Value::Object(measures));
        }
    }
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(doc)).expect("BMF serializes");
    bytes.push(b'\n');
    bytes
}

fn measures(r: &BenchResult) -> Option<Map<String, Value>> {
    let t = r.time_ns.as_ref()?;
    let mut m = Map::new();
    m.insert(
        "latency".into(),
        json!({"value": t.median, "lower_value": t.median_ci.lower, "upper_value": t.median_ci.upper}),
    );
    if let Some(tp) = r.throughput
        && let Some(per_second) = tp.per_second
    {
        let (measure, units) = match tp.per_iter {
            Throughput::Elements(n) => ("throughput", n as f64),
            Throughput::Bytes(n) => ("bytes-per-second", n as f64),
        };
        let mut metric = Map::new();
        metric.insert("value".into(), json!(per_second));
        // Faster time, higher throughput: the bounds swap. A zero bound has no finite rate.
        if t.median_ci.upper > 0.0 {
            metric.insert("lower_value".into(), json!(units / t.median_ci.upper * 1e9));
        }
        if t.median_ci.lower > 0.0 {
            metric.insert("upper_value".into(), json!(units / t.median_ci.lower * 1e9));
        }
        m.insert(measure.into(), Value::Object(metric));
    }
    if let Some(v) = r.instructions_per_iter() {
        m.insert("instructions".into(), json!({"value": v}));
    }
    if let Some(alloc) = &r.alloc {
        m.insert(
            "allocations".into(),
            json!({"value": alloc.allocs_per_iter}),
        );
    }
    for (name, metric) in &r.metrics {
        let mut value = Map::new();
        value.insert("value".into(), json!(metric.median));
        if let Some(ci) = &metric.median_ci {
            value.insert("lower_value".into(), json!(ci.lower));
            value.insert("upper_value".into(), json!(ci.upper));
        }
        m.insert(name.clone(), Value::Object(value));
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{RUNS, bench, run, run_with};

    fn doc(reports: &[RunReport]) -> Map<String, Value> {
        let bytes = render(reports);
        assert!(bytes.ends_with(b"}\n"));
        match serde_json::from_slice(&bytes).unwrap() {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    /// Bencher's shape: benchmark -> measure -> `value` with optional `lower_value` and
    /// `upper_value` around it, all finite numbers.
    #[track_caller]
    fn assert_bencher_shape(doc: &Map<String, Value>) {
        for (name, measures) in doc {
            let measures = measures.as_object().unwrap_or_else(|| panic!("{name}"));
            assert!(!measures.is_empty(), "{name}");
            for (measure, metric) in measures {
                let metric = metric.as_object().unwrap();
                for key in metric.keys() {
                    assert!(
                        ["value", "lower_value", "upper_value"].contains(&key.as_str()),
                        "{name}/{measure}: {key}"
                    );
                }
                let num = |k: &str| metric.get(k).map(|v| v.as_f64().unwrap());
                let value = num("value").unwrap_or_else(|| panic!("{name}/{measure}"));
                assert!(value.is_finite());
                assert!(
                    num("lower_value").is_none_or(|l| l <= value),
                    "{name}/{measure}"
                );
                assert!(
                    num("upper_value").is_none_or(|u| u >= value),
                    "{name}/{measure}"
                );
            }
        }
    }

    #[test]
    fn every_fixture_has_bencher_shape_and_only_measured_benchmarks() {
        for name in RUNS {
            let report = run(name);
            let doc = doc(std::slice::from_ref(&report));
            assert_bencher_shape(&doc);
            let measured: Vec<&str> = report
                .benchmarks
                .iter()
                .filter(|r| r.time_ns.is_some())
                .map(|r| r.id.as_str())
                .collect();
            assert_eq!(doc.len(), measured.len(), "{name}");
            for id in measured {
                assert!(doc.contains_key(id), "{name}: {id}");
            }
        }
    }

    #[test]
    fn latency_is_the_median_and_its_interval() {
        let report = run("run-compare");
        let doc = doc(std::slice::from_ref(&report));
        for r in &report.benchmarks {
            let t = r.time_ns.as_ref().unwrap();
            let latency = &doc[&r.id]["latency"];
            assert_eq!(latency["value"], t.median, "{}", r.id);
            assert_eq!(latency["lower_value"], t.median_ci.lower);
            assert_eq!(latency["upper_value"], t.median_ci.upper);
            assert!(doc[&r.id].get("throughput").is_none(), "none declared");
        }
    }

    #[test]
    fn failed_and_timed_out_benchmarks_are_left_out() {
        let report = run("run-faults");
        let doc = doc(std::slice::from_ref(&report));
        for r in &report.benchmarks {
            let ok = crate::report::units::status(r.status) == "ok";
            assert_eq!(doc.contains_key(&r.id), ok, "{}", r.id);
        }
        assert!(doc.contains_key("fine"));
        assert!(!doc.contains_key("panics") && !doc.contains_key("hangs"));
    }

    #[test]
    fn throughput_bounds_come_from_the_median_interval_swapped() {
        let report = run("run-forms");
        let doc = doc(std::slice::from_ref(&report));
        // Elements are Bencher's throughput (operations per second); bytes are not.
        for (id, measure) in [
            ("sum_bytes/1024", "bytes-per-second"),
            ("strings/abcd", "throughput"),
        ] {
            let r = report.benchmarks.iter().find(|r| r.id == id).unwrap();
            let t = r.time_ns.as_ref().unwrap();
            let units = match r.throughput.unwrap().per_iter {
                Throughput::Bytes(n) | Throughput::Elements(n) => n as f64,
            };
            let other = ["throughput", "bytes-per-second"]
                .into_iter()
                .find(|m| *m != measure);
            assert!(doc[id].get(other.unwrap()).is_none(), "{id}");
            let tp = &doc[id][measure];
            assert_eq!(tp["value"], r.throughput.unwrap().per_second.unwrap());
            assert_eq!(tp["lower_value"], units / t.median_ci.upper * 1e9, "{id}");
            assert_eq!(tp["upper_value"], units / t.median_ci.lower * 1e9, "{id}");
        }
        assert!(doc["fib10"].get("throughput").is_none());
    }

    #[test]
    fn instructions_are_per_iteration() {
        let report = run_with("run-work", |v| {
            bench(v, "tunable")["instructions"] = serde_json::json!({
                "per_iter": 4012.5, "iterations": 10, "totals": [1, 2],
                "valgrind": "valgrind-3.22.0", "error": null
            });
        });
        let doc = doc(&[report]);
        assert_eq!(
            doc["tunable"]["instructions"],
            serde_json::json!({"value": 4012.5})
        );
        assert!(doc["batched_work"].get("instructions").is_none());
    }

    #[test]
    fn allocations_are_per_iteration_where_counted() {
        let report = run("run-alloc");
        let doc = doc(std::slice::from_ref(&report));
        let mut counted = 0;
        for r in report.benchmarks.iter().filter(|r| r.time_ns.is_some()) {
            match &r.alloc {
                Some(a) => {
                    counted += 1;
                    let value = serde_json::json!({ "value": a.allocs_per_iter });
                    assert_eq!(doc[&r.id]["allocations"], value, "{}", r.id);
                }
                None => assert!(doc[&r.id].get("allocations").is_none(), "{}", r.id),
            }
        }
        assert!(counted > 0, "the fixture counts allocations");
    }

    #[test]
    fn an_id_in_two_bench_targets_is_qualified_by_its_target() {
        let work = run("run-work");
        let other = run_with("run-work", |v| {
            v["bench_target"] = "other".into();
            v["benchmarks"].as_array_mut().unwrap().truncate(1);
        });
        let shared = other.benchmarks[0].id.clone();
        let doc = doc(&[work.clone(), other]);
        assert!(doc.contains_key(&format!("work::{shared}")));
        assert!(doc.contains_key(&format!("other::{shared}")));
        assert!(!doc.contains_key(&shared));
        assert!(
            doc.contains_key("tunable"),
            "an id in one target stays as it is"
        );
        assert_eq!(doc.len(), work.benchmarks.len() + 1);
    }
}
