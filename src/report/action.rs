//! github-action-benchmark's custom JSON (`tool: customSmallerIsBetter`): a list of
//! `{ "name", "unit", "value", "range", "extra" }`, one entry per measured benchmark, for
//! teams that want the action to chart more than the libtest lines carry.
//!
//! - `name`: the benchmark id, or `<target>::<id>` for an id in several bench targets (as BMF);
//!   the same names as the action reads from `--output-format bencher`.
//! - `value`, `unit`: the median time per iteration in `ns/iter`, the unit of the bencher
//!   lines, so a chart started with `tool: cargo` goes on.
//! - `range`: `± h`, half the width of the median's 95% interval, in ns.
//! - `extra`: the interval itself, the number of samples, the bench target and the custom
//!   metrics (`b.metric`), which the action shows in the point's tooltip.
//!
//! Benchmarks that did not measure are left out, as in BMF. Throughput is not here: the
//! action's format has one direction per file, and smaller is better for time.

use crate::schema::{BenchResult, RunReport};
use serde::Serialize;

/// One entry of the action's list.
#[derive(Serialize)]
struct Entry {
    name: String,
    unit: &'static str,
    value: f64,
    range: String,
    extra: String,
}

/// The action's JSON for `reports`.
pub fn render(reports: &[RunReport]) -> Vec<u8> {
    let entries: Vec<Entry> = super::qualified::names(reports)
        .into_iter()
        .filter_map(|(name, target, r)| entry(name, target, r))
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&entries).expect("entries serialize");
    bytes.push(b'\n');
    bytes
}

fn entry(name: String, target: &str, r: &BenchResult) -> Option<Entry> {
    let t = r.time_ns.as_ref()?;
    let (lower, upper) = (t.median_ci.lower, t.median_ci.upper);
    let metrics: Vec<String> = (r.metrics.iter())
        .map(|(name, m)| format!("{name} {}", super::units::metric(m)))
        .collect();
    let metrics = match metrics.is_empty() {
        true => String::new(),
        false => format!("; metrics: {}", metrics.join(", ")),
    };
    Some(Entry {
        name,
        unit: "ns/iter",
        value: t.median,
        range: format!("± {:.2}", (upper - lower) / 2.0),
        extra: format!(
            "95% CI of the median [{lower:.2}, {upper:.2}] ns; {} samples; bench target {}{metrics}",
            r.samples_ns.len(),
            target
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{run, run_with};
    use serde_json::Value;

    fn entries(reports: &[RunReport]) -> Vec<Value> {
        let bytes = render(reports);
        assert!(bytes.ends_with(b"]\n"));
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn one_entry_per_measured_benchmark_at_its_median() {
        let report = run("run-faults");
        let list = entries(std::slice::from_ref(&report));
        let measured: Vec<&BenchResult> = report
            .benchmarks
            .iter()
            .filter(|r| r.time_ns.is_some())
            .collect();
        assert!(
            measured.len() < report.benchmarks.len(),
            "the fixture has failures"
        );
        assert_eq!(list.len(), measured.len());
        for (entry, r) in list.iter().zip(measured) {
            let t = r.time_ns.as_ref().unwrap();
            assert_eq!(entry["name"], r.id.as_str());
            assert_eq!(entry["unit"], "ns/iter");
            assert_eq!(entry["value"], t.median);
            let half = (t.median_ci.upper - t.median_ci.lower) / 2.0;
            assert_eq!(entry["range"], format!("± {half:.2}"));
            let extra = entry["extra"].as_str().unwrap();
            assert!(
                extra.contains(&format!("{} samples", r.samples_ns.len())),
                "{extra}"
            );
            assert!(extra.ends_with(&format!("bench target {}", report.bench_target)));
        }
    }

    #[test]
    fn an_id_in_two_bench_targets_is_qualified_by_its_target() {
        let work = run("run-work");
        let other = run_with("run-work", |v| {
            v["bench_target"] = "other".into();
            v["benchmarks"].as_array_mut().unwrap().truncate(1);
        });
        let shared = other.benchmarks[0].id.clone();
        let names: Vec<Value> = entries(&[work, other])
            .into_iter()
            .map(|e| e["name"].clone())
            .collect();
        assert!(names.contains(&Value::from(format!("work::{shared}"))));
        assert!(names.contains(&Value::from(format!("other::{shared}"))));
        assert!(!names.contains(&Value::from(shared)));
    }
}
