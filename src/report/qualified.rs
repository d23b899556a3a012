//! One name per benchmark across several bench targets, for formats that list benchmarks of
//! every target in one flat namespace (BMF, github-action-benchmark's JSON): the id, or
//! `<target>::<id>` for an id that more than one target has.

use crate::schema::{BenchResult, RunReport};
use std::collections::BTreeMap;

/// Every benchmark of `reports`, in order: (its name, its bench target, the result).
pub fn names(reports: &[RunReport]) -> Vec<(String, &str, &BenchResult)> {
    let mut targets_of: BTreeMap<&str, usize> = BTreeMap::new();
    for report in reports {
        for r in &report.benchmarks {
            *targets_of.entry(r.id.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for report in reports {
        for r in &report.benchmarks {
            let name = if targets_of[r.id.as_str()] > 1 {
                format!("{}::{}", report.bench_target, r.id)
            } else {
                r.id.clone()
            };
            out.push((name, report.bench_target.as_str(), r));
        }
    }
    out
}
