//! Report entries for samples measured by another tool (`qudag-bench import criterion`):
//! qudag-bench's own statistics of the imported raw samples, by the same code as a measured
//! benchmark's ([`qudag_bench::stats::analyze`], [`qudag_bench::stats::percentiles`]), and an environment
//! in which everything the other tool did not record is `null` with the reason.

use qudag_bench::analyze::timing::throughput_at;
use qudag_bench::schema::{
    BenchResult, CounterAvailability, EffectiveSettings, Environment, Granularity, Location,
    Overhead, Profile, Stability, Status, Throughput,
};
use qudag_bench::stats::{analyze, per_iteration, percentiles};
use std::collections::BTreeMap;

/// One benchmark's samples as another tool recorded them.
pub struct ImportedSamples {
    /// The benchmark's id.
    pub id: String,
    /// Its name (the id without the argument).
    pub name: String,
    /// Its argument, if any.
    pub arg: Option<String>,
    /// Its suite.
    pub suite: String,
    /// The file the samples were read from (kept as the entry's location, line 0).
    pub source: String,
    /// Iterations in each sample (each at least 1).
    pub iters: Vec<u64>,
    /// Total time of each sample, ns, as the tool measured it.
    pub samples_ns: Vec<u64>,
    /// What one iteration processes.
    pub throughput: Option<Throughput>,
}

/// The report entry of imported samples (at least one): status `ok`, statistics of the time
/// per iteration (`samples_ns[i] / iters[i]`: nothing is subtracted, so the overheads are 0),
/// percentiles of the per-sample means, outliers, throughput at the median. Settings the tool
/// did not record are qudag-bench's defaults except the sample count (the samples') and the
/// measurement time (the time the samples add up to, also the wall time: the tool recorded
/// none); warmup, counters, allocations and system metrics are `null`.
pub fn from_samples(s: ImportedSamples) -> BenchResult {
    assert!(!s.iters.is_empty(), "imported samples are never empty");
    let per_iter = per_iteration(&s.iters, &s.samples_ns, 0.0, 0.0);
    let (time, outliers) = analyze(&per_iter);
    let sampled_s = s.samples_ns.iter().map(|&t| t as f64).sum::<f64>() / 1e9;
    let mut config = EffectiveSettings::from(qudag_bench::config::DEFAULTS);
    config.samples = u32::try_from(s.iters.len()).unwrap_or(u32::MAX);
    config.measure_time_s = sampled_s;
    BenchResult {
        id: s.id,
        name: s.name,
        arg: s.arg,
        suite: s.suite,
        tags: Vec::new(),
        location: Location {
            file: s.source,
            line: 0,
        },
        status: Status::Ok,
        skip_reason: None,
        error: None,
        config,
        percentiles_ns: percentiles(per_iter.iter().copied(), Granularity::Sample),
        throughput: s.throughput.map(|t| throughput_at(t, time.median, 1)),
        overhead: Some(Overhead {
            per_sample_ns: 0.0,
            per_iter_ns: 0.0,
        }),
        time_ns: Some(time),
        outliers: Some(outliers),
        iters_per_sample: s.iters,
        samples_ns: s.samples_ns,
        warmup: None,
        counters: None,
        alloc: None,
        instructions: None,
        target: None,
        comparison: None,
        threads: None,
        system: None,
        wall_time_s: sampled_s,
        stop_reason: None,
        measure_wall_ns: None,
        uncertainty: None,
        measured_in: None,
        isolation: None,
        metrics: Default::default(),
    }
}

/// The environment of a run imported from `tool`, which recorded none of it: every optional
/// fact `null` and the others zero or `unknown`, each named in `unavailable` with `reason`.
/// `qudag_bench_version` is the importing qudag-bench's, marked as such.
pub fn unknown_environment(tool: &str, reason: &str) -> Environment {
    let why = || Some(reason.to_string());
    let unavailable: BTreeMap<String, String> = [
        "host",
        "os",
        "kernel",
        "cpu_model",
        "cores_logical",
        "cores_physical",
        "memory_bytes",
        "rustc",
        "profile",
        "git",
        "timer",
    ]
    .into_iter()
    .map(|field| (field.to_string(), reason.to_string()))
    .collect();
    Environment {
        qudag_bench_version: format!(
            "{} (imported from {tool}, which measured)",
            env!("CARGO_PKG_VERSION")
        ),
        host: None,
        os: None,
        kernel: None,
        cpu_model: None,
        cores_logical: None,
        cores_physical: None,
        memory_bytes: None,
        rustc: None,
        profile: Profile {
            name: "unknown".into(),
            opt_level: "unknown".into(),
            debug_assertions: false,
        },
        git: None,
        timer: qudag_bench::schema::Calibration {
            precision_ns: 0.0,
            overhead_ns: 0.0,
            iter_loop_ns: 0.0,
            batched_loop_ns: 0.0,
            iter_recorded_ns: 0.0,
            batched_recorded_ns: 0.0,
        },
        counters: CounterAvailability {
            enabled: false,
            hardware: false,
            hardware_reason: why(),
            software: false,
            software_reason: why(),
            context_switches_kernel: false,
        },
        stability: Stability {
            unavailable: ["governor", "turbo", "load1", "virtualized"]
                .into_iter()
                .map(|f| (f.to_string(), reason.to_string()))
                .collect(),
            ..Stability::default()
        },
        unavailable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qudag_bench::store::validate::{self, Kept};

    fn samples() -> ImportedSamples {
        ImportedSamples {
            id: "g/f/8".into(),
            name: "g/f".into(),
            arg: Some("8".into()),
            suite: "criterion".into(),
            source: "target/criterion/g/f/8/new/sample.json".into(),
            iters: vec![1, 2, 3, 4],
            // Per iteration: 100, 110, 90, 105 ns.
            samples_ns: vec![100, 220, 270, 420],
            throughput: Some(Throughput::Bytes(8)),
        }
    }

    #[test]
    fn statistics_are_of_the_samples_divided_by_their_iterations() {
        let b = from_samples(samples());
        let t = b.time_ns.as_ref().unwrap();
        assert_eq!((t.median, t.min, t.max), (102.5, 90.0, 110.0));
        assert_eq!(t.mean, 101.25);
        assert_eq!(b.config.samples, 4);
        assert!((b.config.measure_time_s - 1010e-9).abs() < 1e-15);
        let tp = b.throughput.unwrap();
        assert_eq!(tp.per_second, Some(8.0 * 1e9 / 102.5));
        assert_eq!(b.percentiles_ns.unwrap().granularity, Granularity::Sample);
        assert_eq!(b.location.file, "target/criterion/g/f/8/new/sample.json");
    }

    #[test]
    fn an_imported_report_passes_the_readers_checks() {
        let mut report: qudag_bench::schema::RunReport =
            serde_json::from_str(include_str!("../../../src/report/testdata/run-work.json"))
                .unwrap();
        report.environment = unknown_environment("criterion", "not recorded by criterion");
        report.benchmarks = vec![from_samples(samples())];
        validate::report(&report, Kept::Samples).unwrap();
        let env = &report.environment;
        assert_eq!(env.host, None);
        assert_eq!(env.unavailable["timer"], "not recorded by criterion");
        assert!(env.qudag_bench_version.contains("imported from criterion"));
    }
}
