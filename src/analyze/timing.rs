//! The figures of a benchmark that was measured: time statistics, percentiles, throughput,
//! counters and allocations per iteration.

use super::figures;
use crate::measure::sampler::Measured;
use crate::schema::{BenchResult, Granularity, Overhead, Status, Throughput, ThroughputResult};
use crate::stats::{analyze, per_iteration, percentiles};

/// Fills `result` from the samples of a measured benchmark run by `threads` threads.
pub fn fill(result: &mut BenchResult, m: Measured, throughput: Option<Throughput>, threads: usize) {
    let per_iter = per_iteration(
        &m.iters,
        &m.elapsed_ns,
        m.sample_overhead_ns,
        m.iter_overhead_ns,
    );
    let (time, outliers) = analyze(&per_iter);
    result.percentiles_ns = match &m.latencies_ns {
        Some(lat) => percentiles(
            lat.iter().map(|&l| l as f64 - m.iter_overhead_ns),
            Granularity::Iteration,
        ),
        None => percentiles(per_iter.iter().copied(), Granularity::Sample),
    };
    result.throughput = throughput.map(|t| throughput_at(t, time.median, threads));
    result.status = Status::Ok;
    result.overhead = Some(Overhead {
        per_sample_ns: m.sample_overhead_ns,
        per_iter_ns: m.iter_overhead_ns,
    });
    result.time_ns = Some(time);
    result.outliers = Some(outliers);
    let iterations: u64 = m.iters.iter().sum();
    let samples = m.iters.len() as u64;
    result.counters = m
        .counters
        .as_ref()
        .map(|t| figures::counters(t, samples, iterations));
    result.alloc = m.alloc.and_then(|a| figures::alloc(a, iterations));
    result.warmup = Some(m.warmup);
    result.stop_reason = Some(m.stop_reason);
    result.measure_wall_ns = Some(m.measure_wall_ns);
    result.iters_per_sample = m.iters;
    result.samples_ns = m.elapsed_ns;
}

/// Throughput when each of `threads` threads processes `per_iter` in `median_ns`.
pub fn throughput_at(per_iter: Throughput, median_ns: f64, threads: usize) -> ThroughputResult {
    let units = match per_iter {
        Throughput::Bytes(n) | Throughput::Elements(n) => n,
    };
    ThroughputResult {
        per_iter,
        per_second: (median_ns > 0.0).then(|| units as f64 * threads as f64 * 1e9 / median_ns),
    }
}
