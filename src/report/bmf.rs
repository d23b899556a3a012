//! Bencher Metric Format (BMF) JSON, for continuous-benchmarking services such as Bencher:
//! `{ "<benchmark>": { "latency": { "value", "lower_value", "upper_value" }, ... } }`.
//!
//! - `latency`: the median time per iteration (ns) and its 95% bootstrap interval.
//! - `throughput`: the declared units (elements, or bytes) per second at the median, with the
//!   interval that the median's interval implies.
//! - `instructions`: per iteration, from callgrind (`--instructions`) or the hardware counter.
//!
//! Benchmarks that did not measure (failed, timed out) are left out: BMF has no status. A
//! benchmark id that occurs in more than one bench target is written as `<target>::<id>`.

use crate::schema::Throughput;
use crate::schema::{BenchResult, RunReport};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The BMF document for `reports`.
pub fn render(reports: &[RunReport]) -> Vec<u8> {
    let mut targets_of: BTreeMap<&str, usize> = BTreeMap::new();
    for report in reports {
        for r in &report.benchmarks {
            *targets_of.entry(r.id.as_str()).or_default() += 1;
        }
    }
    let mut doc = Map::new();
    for report in reports {
        for r in &report.benchmarks {
            let Some(measures) = measures(r) else {
                continue;
            };
            let name = if targets_of[r.id.as_str()] > 1 {
                format!("{}::{}", report.bench_target, r.id)
            } else {
                r.id.clone()
            };
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
        let units = match tp.per_iter {
            Throughput::Bytes(n) | Throughput::Elements(n) => n as f64,
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
        m.insert("throughput".into(), Value::Object(metric));
    }
    let instructions = r.instructions_per_iter();
    if let Some(v) = instructions {
        m.insert("instructions".into(), json!({"value": v}));
    }
    Some(m)
}
