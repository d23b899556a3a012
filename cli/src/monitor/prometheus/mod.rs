//! Prometheus exposition (OpenMetrics text, through prometheus-client) of the latest run
//! reports and of runs in flight. `qudag-bench monitor` serves it at `/metrics`.
//!
//! Every series carries `bench_target`; per-benchmark series also `suite` and `benchmark`
//! (the id). Times are in seconds, as Prometheus does. A figure the report does not have (a
//! failed benchmark's latency, a comparison that was not made) is absent, never zero.
//!
//! | metric | labels | value |
//! |---|---|---|
//! | `qudag_bench_latency_seconds` | `quantile` (0.5, 0.9, 0.99, 0.999, 1 = max), `granularity` | latency percentile |
//! | `qudag_bench_median_seconds` | | median time per iteration (the estimate `compare` uses) |
//! | `qudag_bench_throughput` | `unit` (`bytes`, `elements`) | units per second at the median |
//! | `qudag_bench_metric` | `name`, `unit` | a custom metric's median (`b.metric`) |
//! | `qudag_bench_regressed` | | 1 if the baseline comparison says regressed, else 0 |
//! | `qudag_bench_regressions` | `bench_target` only | benchmarks regressed against the baseline |
//! | `qudag_bench_benchmarks` | `bench_target`, `status` | benchmarks per status in the latest run |
//! | `qudag_bench_run_timestamp_seconds` | `bench_target` only | when the latest run finished (unix time) |
//! | `qudag_bench_progress` | `bench_target`, `current` | done / total of the latest run, 0 to 1 |
//! | `qudag_bench_progress_done`, `_total` | `bench_target` | benchmarks finished, selected |
//! | `qudag_bench_running` | `bench_target` | 1 while a run is in flight, else 0 |
//! | `qudag_bench_progress_updated_timestamp_seconds` | `bench_target` | last progress update |
//! | `qudag_bench_report_errors` | | files under the home skipped at this scrape |

use prometheus_client::encoding::{EncodeMetric, MetricEncoder, text};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};
use qudag_bench::schema::BenchResult;
use qudag_bench::schema::Granularity;
use qudag_bench::schema::Progress;
use qudag_bench::schema::Throughput;
use qudag_bench::schema::Verdict;
use qudag_bench::schema::{RunReport, Status};
use std::time::UNIX_EPOCH;

/// The HTTP content type of [`encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The latest progress file of a bench target, and whether its run is still in flight
/// (not finished, and its process alive).
#[derive(Debug, Clone)]
pub struct RunProgress {
    /// As read from `progress/<bench-target>.json`.
    pub progress: Progress,
    /// Whether the run is in flight.
    pub running: bool,
}

type Labels = Vec<(&'static str, String)>;

/// The samples of one gauge family in the order they were set (prometheus-client's `Family`
/// is a hash map: its output order changes from scrape to scrape). A family without samples
/// is left out of the output, descriptor included.
#[derive(Debug, Default)]
struct Series(Vec<(Labels, f64)>);

impl EncodeMetric for Series {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        for (labels, value) in self.0.iter() {
            encoder.encode_family(labels)?.encode_gauge(value)?;
        }
        Ok(())
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Gauge
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One metric family and its descriptor.
struct Metric {
    name: &'static str,
    help: &'static str,
    unit: Option<Unit>,
    series: Series,
}

impl Metric {
    fn new(name: &'static str, help: &'static str, unit: Option<Unit>) -> Metric {
        Metric {
            name,
            help,
            unit,
            series: Series::default(),
        }
    }

    fn set(&mut self, labels: Labels, value: f64) {
        self.series.0.push((labels, value));
    }
}

/// The OpenMetrics text for `reports` (the latest report of each bench target), `progress`
/// (the latest progress of each bench target) and `report_errors` (files skipped: unreadable,
/// not regular files, too large, or not the bench target's own file), ending with `# EOF`.
pub fn encode(reports: &[RunReport], progress: &[RunProgress], report_errors: u64) -> String {
    let mut runs = RunFamilies::new();
    for report in reports {
        runs.add(report);
    }
    let mut flight = ProgressFamilies::new();
    for p in progress {
        flight.add(p);
    }
    let mut registry = Registry::with_prefix("qudag_bench");
    for m in runs.into_metrics().into_iter().chain(flight.into_metrics()) {
        match m.unit {
            Some(unit) => registry.register_with_unit(m.name, m.help, unit, m.series),
            None => registry.register(m.name, m.help, m.series),
        }
    }
    let errors: Gauge = Gauge::default();
    errors.set(report_errors as i64);
    registry.register(
        "report_errors",
        "Result and progress files skipped at this scrape: unreadable, not regular, too large, or copies (see the monitor's stderr)",
        errors,
    );
    let mut out = String::new();
    text::encode(&mut out, &registry).expect("writing to a String cannot fail");
    out
}

/// The families drawn from the run reports, in output order.
struct RunFamilies {
    latency: Metric,
    median: Metric,
    throughput: Metric,
    metric: Metric,
    regressed: Metric,
    regressions: Metric,
    benchmarks: Metric,
    run_timestamp: Metric,
}

impl RunFamilies {
    fn new() -> RunFamilies {
        RunFamilies {
            latency: Metric::new(
                "latency",
                "Latency percentiles per iteration (granularity iteration) or of per-sample means (sample)",
                Some(Unit::Seconds),
            ),
            median: Metric::new("median", "Median time per iteration", Some(Unit::Seconds)),
            throughput: Metric::new(
                "throughput",
                "Throughput at the median time, units (label unit) per second",
                None,
            ),
            metric: Metric::new(
                "metric",
                "A benchmark's own figure (b.metric): the median of its values, in its unit (label unit)",
                None,
            ),
            regressed: Metric::new(
                "regressed",
                "1 if the benchmark regressed against the baseline, 0 if not; absent without a comparison",
                None,
            ),
            regressions: Metric::new(
                "regressions",
                "Benchmarks of the latest run that regressed against its baseline; absent without one",
                None,
            ),
            benchmarks: Metric::new(
                "benchmarks",
                "Benchmarks of the latest run per status",
                None,
            ),
            run_timestamp: Metric::new(
                "run_timestamp",
                "When the latest run of the bench target finished, unix time",
                Some(Unit::Seconds),
            ),
        }
    }

    /// The series of one bench target's latest report.
    fn add(&mut self, report: &RunReport) {
        let target = || vec![("bench_target", report.bench_target.clone())];
        for b in &report.benchmarks {
            let mut labels = target();
            labels.push(("suite", b.suite.clone()));
            labels.push(("benchmark", b.id.clone()));
            self.add_benchmark(&labels, b);
        }
        if report.baseline.is_some() {
            let n = report
                .benchmarks
                .iter()
                .filter(|b| b.comparison.as_ref().map(|c| c.verdict) == Some(Verdict::Regressed))
                .count();
            self.regressions.set(target(), n as f64);
        }
        for (status, name) in [
            (Status::Ok, "ok"),
            (Status::Failed, "failed"),
            (Status::Timeout, "timeout"),
            (Status::Skipped, "skipped"),
        ] {
            let n = report
                .benchmarks
                .iter()
                .filter(|b| b.status == status)
                .count();
            let mut l = target();
            l.push(("status", name.to_string()));
            self.benchmarks.set(l, n as f64);
        }
        if let Some(t) = unix_seconds(&report.finished_at) {
            self.run_timestamp.set(target(), t);
        }
    }

    /// The series of benchmark `b`, labelled `labels` (bench target, suite, id).
    fn add_benchmark(&mut self, labels: &Labels, b: &BenchResult) {
        let with = |name: &'static str, value: &str| {
            let mut l = labels.clone();
            l.push((name, value.to_string()));
            l
        };
        if let Some(p) = &b.percentiles_ns {
            let granularity = match p.granularity {
                Granularity::Iteration => "iteration",
                Granularity::Sample => "sample",
            };
            for (q, ns) in [
                ("0.5", p.p50),
                ("0.9", p.p90),
                ("0.99", p.p99),
                ("0.999", p.p999),
                ("1", p.max),
            ] {
                let mut l = with("quantile", q);
                l.push(("granularity", granularity.to_string()));
                self.latency.set(l, ns / 1e9);
            }
        }
        if let Some(t) = &b.time_ns {
            self.median.set(labels.clone(), t.median / 1e9);
        }
        if let Some(t) = &b.throughput
            && let Some(per_second) = t.per_second
        {
            let unit = match t.per_iter {
                Throughput::Bytes(_) => "bytes",
                Throughput::Elements(_) => "elements",
            };
            self.throughput.set(with("unit", unit), per_second);
        }
        for (name, m) in &b.metrics {
            let mut l = with("name", name);
            l.push(("unit", m.unit.clone()));
            self.metric.set(l, m.median);
        }
        if let Some(c) = &b.comparison {
            self.regressed
                .set(labels.clone(), f64::from(c.verdict == Verdict::Regressed));
        }
    }

    fn into_metrics(self) -> [Metric; 8] {
        [
            self.latency,
            self.median,
            self.throughput,
            self.metric,
            self.regressed,
            self.regressions,
            self.benchmarks,
            self.run_timestamp,
        ]
    }
}

/// The families drawn from the progress files, in output order.
struct ProgressFamilies {
    ratio: Metric,
    done: Metric,
    total: Metric,
    running: Metric,
    updated: Metric,
}

impl ProgressFamilies {
    fn new() -> ProgressFamilies {
        ProgressFamilies {
            ratio: Metric::new(
                "progress",
                "Benchmarks done / selected in the latest run, 0 to 1; label current is the one running",
                None,
            ),
            done: Metric::new(
                "progress_done",
                "Benchmarks finished in the latest run",
                None,
            ),
            total: Metric::new(
                "progress_total",
                "Benchmarks selected in the latest run",
                None,
            ),
            running: Metric::new(
                "running",
                "1 while a run of the bench target is in flight, 0 once it finished or its process died",
                None,
            ),
            updated: Metric::new(
                "progress_updated_timestamp",
                "Last progress update of the latest run, unix time",
                Some(Unit::Seconds),
            ),
        }
    }

    /// The series of one bench target's latest progress.
    fn add(&mut self, p: &RunProgress) {
        let target = || vec![("bench_target", p.progress.bench_target.clone())];
        let mut l = target();
        if let Some(current) = p.progress.current.as_ref().filter(|_| p.running) {
            l.push(("current", current.clone()));
        }
        self.ratio.set(l, p.progress.ratio());
        self.done.set(target(), p.progress.done as f64);
        self.total.set(target(), p.progress.total as f64);
        self.running.set(target(), f64::from(p.running));
        if let Some(t) = unix_seconds(&p.progress.updated_at) {
            self.updated.set(target(), t);
        }
    }

    fn into_metrics(self) -> [Metric; 5] {
        [
            self.ratio,
            self.done,
            self.total,
            self.running,
            self.updated,
        ]
    }
}

/// An RFC 3339 time as unix seconds.
fn unix_seconds(rfc3339: &str) -> Option<f64> {
    humantime::parse_rfc3339(rfc3339)
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs_f64())
}

#[cfg(test)]
mod tests;
