//! The sampler: a warmup (`warmup`) that also estimates the time per iteration, a plan of
//! iterations per sample, and jittered samples until the sample target or the time limit.
//!
//! Samples aim at 100 us to 1 ms: on the project's 2-vCPU machines preemptions of about 4 ms
//! hit roughly every 30 ms, so longer samples are almost all contaminated (DESIGN.md §3), while
//! 100 us is still 5,000 times the timer's 20 ns precision.

use super::MeasureContext;
use super::alloc::AllocCounts;
use super::counters::Totals;
use super::probe::Probe;
use super::stop::{Caps, PrecisionStop, StopReason};
use super::warmup::warm_up;
use crate::schema::Warmup;
use std::time::{Duration, Instant};

/// Shortest sample the plan aims for.
pub const MIN_SAMPLE: Duration = Duration::from_micros(100);
/// Longest sample the plan aims for (unless one iteration is longer).
pub const MAX_SAMPLE: Duration = Duration::from_millis(1);
/// Samples taken even when the time limit has passed (slow routines).
pub const MIN_SAMPLES: u32 = 5;
/// Seed of the iteration-count jitter: the same plan gives the same counts.
const JITTER_SEED: u64 = 0x5155_4441_4721;

/// Which timed loop a routine runs in, to pick the calibrated overhead to subtract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoopKind {
    /// `b.iter`.
    Iter,
    /// `with_inputs` / `iter_batched`.
    Batched,
    /// `iter_custom`: the user times the work; nothing is subtracted.
    Custom,
    /// `iter_parallel`: `b.iter`'s loop on several threads; latencies are not recorded.
    Parallel,
    /// `iter_async`, with the per-iteration cost of the async loop on this executor.
    Async {
        /// Calibrated per-iteration cost of awaiting an empty future (ns).
        loop_ns: f64,
    },
}

/// The raw result of measuring one routine.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Iterations in each sample.
    pub iters: Vec<u64>,
    /// Elapsed time of each sample in nanoseconds, as read from the timer.
    pub elapsed_ns: Vec<u64>,
    /// Overhead subtracted from each sample: one timer read (ns).
    pub sample_overhead_ns: f64,
    /// Overhead subtracted per iteration: the empty timed loop (ns).
    pub iter_overhead_ns: f64,
    /// The warmup.
    pub warmup: Warmup,
    /// Wall time of the measurement phase (ns).
    pub measure_wall_ns: u64,
    /// Performance counter totals over the measured samples, if counters were on.
    pub counters: Option<Totals>,
    /// Allocation totals over the measured samples, if a counting allocator is installed.
    pub alloc: Option<AllocCounts>,
    /// Each iteration's latency as read (ns), when iterations were long enough to time alone
    /// (at least [`RECORD_FACTOR`] times the timer precision).
    pub latencies_ns: Option<Vec<u64>>,
    /// Why measurement stopped.
    pub stop_reason: StopReason,
}

/// Iterations at least this many times the timer's precision are timed one by one too.
pub const RECORD_FACTOR: f64 = 100.0;

/// Measures `sample` (which runs `n` iterations and returns their elapsed time).
/// Returns `None` when the guard tripped (timeout).
pub fn measure(
    ctx: &MeasureContext,
    kind: LoopKind,
    sample: &mut dyn FnMut(u64, &mut Probe) -> Duration,
) -> Option<Measured> {
    if let Some(driver) = &ctx.external {
        driver.drive(overheads(kind, false, &ctx.calibration), sample);
        return None;
    }
    let settings = &ctx.settings;
    let warmup = warm_up(
        ctx,
        settings.precision.target().is_some(),
        target_sample(settings.measure_time, settings.samples, 1.0),
        sample,
    )?;
    // Inputs built outside the timed region cost wall time too: shorter samples keep the
    // sample count up within the same time limit.
    let target = target_sample(
        settings.measure_time,
        settings.samples,
        warmup.wall_per_timed,
    );
    let iters = iters_per_sample(target, warmup.estimate_ns);

    let mut rng = fastrand::Rng::with_seed(JITTER_SEED);
    let mut out_iters = Vec::with_capacity(settings.samples.min(100_000) as usize);
    let mut out_elapsed = Vec::with_capacity(out_iters.capacity());
    let min_samples = MIN_SAMPLES.min(settings.samples) as usize;
    let mut probe = Probe::new(ctx.instruments.perf, ctx.instruments.alloc);
    let record = matches!(kind, LoopKind::Iter | LoopKind::Batched)
        && warmup.estimate_ns >= RECORD_FACTOR * ctx.calibration.precision_ns;
    if record {
        probe.record_iterations();
    }
    let (sample_overhead_ns, iter_overhead_ns) = overheads(kind, record, &ctx.calibration);
    let caps = Caps {
        samples: settings.samples,
        time: settings.measure_time,
    };
    let mut precision = (settings.precision.target())
        .map(|t| PrecisionStop::new(t, (sample_overhead_ns, iter_overhead_ns), caps));
    let start = Instant::now();
    let stop_reason = loop {
        if out_iters.len() >= settings.samples as usize {
            break StopReason::Samples;
        }
        if out_iters.len() >= min_samples && start.elapsed() >= settings.measure_time {
            break StopReason::Time;
        }
        if ctx.guard.tripped() {
            return None;
        }
        let n = jitter(iters, &mut rng);
        let elapsed = sample(n, &mut probe);
        out_iters.push(n);
        out_elapsed.push(elapsed.as_nanos().min(u64::MAX as u128) as u64);
        if let Some(reason) = precision
            .as_mut()
            .and_then(|p| p.check(&out_iters, &out_elapsed, start.elapsed()))
        {
            break reason;
        }
    };
    let measure_wall_ns = start.elapsed().as_nanos() as u64;
    let finished = probe.finish();
    Some(Measured {
        iters: out_iters,
        elapsed_ns: out_elapsed,
        sample_overhead_ns,
        iter_overhead_ns,
        warmup,
        measure_wall_ns,
        counters: finished.counters,
        alloc: finished.alloc,
        latencies_ns: finished.latencies,
        stop_reason,
    })
}

/// The calibrated overhead of a loop kind: (per sample, per iteration), in ns.
fn overheads(kind: LoopKind, record: bool, c: &crate::schema::Calibration) -> (f64, f64) {
    // A recording loop's sample is the sum of its iterations' intervals, each holding one
    // timer read: its whole overhead is per iteration.
    match (kind, record) {
        (LoopKind::Iter, false) => (c.overhead_ns, c.iter_loop_ns),
        (LoopKind::Iter, true) => (0.0, c.iter_recorded_ns),
        (LoopKind::Batched, false) => (c.overhead_ns, c.batched_loop_ns),
        (LoopKind::Batched, true) => (0.0, c.batched_recorded_ns),
        (LoopKind::Parallel, _) => (c.overhead_ns, c.iter_loop_ns),
        (LoopKind::Async { loop_ns }, _) => (c.overhead_ns, loop_ns),
        (LoopKind::Custom, _) => (0.0, 0.0),
    }
}

/// The timed length of a sample to aim for: the time limit spread over the sample target,
/// divided by the wall time each timed nanosecond costs (above 1 when inputs are built outside
/// the timed region), kept within [`MIN_SAMPLE`, `MAX_SAMPLE`].
pub fn target_sample(measure_time: Duration, samples: u32, wall_per_timed: f64) -> Duration {
    let per_sample =
        measure_time.as_secs_f64() / f64::from(samples.max(1)) / wall_per_timed.max(1.0);
    Duration::from_secs_f64(per_sample).clamp(MIN_SAMPLE, MAX_SAMPLE)
}

/// Iterations so that one sample lasts about `target` (at least one).
pub fn iters_per_sample(target: Duration, estimate_ns: f64) -> u64 {
    let n = target.as_nanos() as f64 / estimate_ns.max(0.01);
    (n.round() as u64).clamp(1, 1 << 40)
}

/// Spreads iteration counts by +-10% so that periodic disturbances do not line up with samples.
fn jitter(iters: u64, rng: &mut fastrand::Rng) -> u64 {
    if iters < 10 {
        return iters;
    }
    let spread = iters / 10;
    rng.u64(iters - spread..=iters + spread)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Settings;

    /// Measures a fake routine whose `k`-th sample takes `per_iter(k)` ns per iteration (no
    /// real time is read from it), with a time cap that never comes.
    fn measure_fake(precision: f64, samples: u32, per_iter: fn(u64) -> u64) -> Measured {
        let settings = Settings {
            warmup_time: Duration::from_millis(1),
            measure_time: Duration::from_secs(3600),
            samples,
            timeout: Duration::from_secs(3600),
            noise_threshold: super::super::NoiseThreshold::DEFAULT,
            precision: super::super::Precision::from_percent(precision).unwrap(),
        };
        let zero = crate::schema::Calibration {
            precision_ns: 1.0,
            overhead_ns: 0.0,
            iter_loop_ns: 0.0,
            batched_loop_ns: 0.0,
            iter_recorded_ns: 0.0,
            batched_recorded_ns: 0.0,
        };
        let ctx = MeasureContext {
            settings,
            calibration: zero,
            guard: super::super::Guard::after(Instant::now(), settings.timeout),
            instruments: Default::default(),
            external: None,
        };
        let mut k = 0;
        let mut sample = |n: u64, _: &mut Probe| {
            k += 1;
            Duration::from_nanos(n * per_iter(k))
        };
        measure(&ctx, LoopKind::Iter, &mut sample).unwrap()
    }

    #[test]
    fn a_precision_target_stops_steady_samples_at_the_floor() {
        let m = measure_fake(1.0, 1000, |_| 50);
        assert_eq!(m.stop_reason, StopReason::Precision);
        assert_eq!(m.iters.len(), super::super::stop::PRECISION_FLOOR);
    }

    #[test]
    fn a_precision_stop_reports_an_interval_within_the_target_on_both_sides() {
        // Right-skewed samples: most at 100-101 ns, every seventh 102, every 23rd 110.
        let skewed = |k: u64| match k {
            k if k % 23 == 0 => 110,
            k if k % 7 == 0 => 102,
            k => 100 + k % 2,
        };
        for target in [1.0, 0.5] {
            let m = measure_fake(target, 1000, skewed);
            assert_eq!(m.stop_reason, StopReason::Precision, "±{target}%");
            let values = crate::stats::per_iteration(&m.iters, &m.elapsed_ns, 0.0, 0.0);
            let (t, _) = crate::stats::analyze(&values);
            let reach = (t.median - t.median_ci.lower).max(t.median_ci.upper - t.median);
            assert!(reach <= target / 100.0 * t.median, "±{target}%: {t:?}");
        }
    }

    #[test]
    fn the_fixed_plan_runs_to_the_sample_cap_and_a_target_out_of_reach_stops_early() {
        let fixed = measure_fake(0.0, 80, |_| 50);
        assert_eq!(
            (fixed.stop_reason, fixed.iters.len()),
            (StopReason::Samples, 80)
        );
        // Samples spread from 50 to 150 ns: ±1% is out of reach within 300 samples.
        let wide = measure_fake(1.0, 300, |k| 50 + (k * 37) % 101);
        assert_eq!(wide.stop_reason, StopReason::Unreachable);
        let floor = super::super::stop::UNREACHABLE_FLOOR;
        assert!(
            (floor..300).contains(&wide.iters.len()),
            "{}",
            wide.iters.len()
        );
        let fixed_wide = measure_fake(0.0, 300, |k| 50 + (k * 37) % 101);
        assert_eq!(fixed_wide.stop_reason, StopReason::Samples);
    }

    #[test]
    fn sample_target_is_clamped_to_100us_1ms() {
        assert_eq!(
            target_sample(Duration::from_millis(600), 1000, 1.0),
            Duration::from_micros(600)
        );
        assert_eq!(target_sample(Duration::from_secs(10), 100, 1.0), MAX_SAMPLE);
        assert_eq!(
            target_sample(Duration::from_millis(10), 1000, 1.0),
            MIN_SAMPLE
        );
        // Building inputs takes twice the timed work: samples shrink so the count holds.
        assert_eq!(
            target_sample(Duration::from_millis(600), 1000, 3.0),
            Duration::from_micros(200)
        );
        assert_eq!(
            target_sample(Duration::from_millis(600), 1000, 10.0),
            MIN_SAMPLE
        );
    }

    #[test]
    fn iterations_fill_the_target() {
        assert_eq!(iters_per_sample(Duration::from_micros(600), 50.0), 12_000);
        assert_eq!(iters_per_sample(Duration::from_micros(600), 5e6), 1);
        assert_eq!(
            iters_per_sample(Duration::from_micros(100), 0.0),
            10_000_000
        );
    }

    #[test]
    fn jitter_stays_within_ten_percent_and_is_reproducible() {
        let mut a = fastrand::Rng::with_seed(JITTER_SEED);
        let mut b = fastrand::Rng::with_seed(JITTER_SEED);
        for _ in 0..1000 {
            let x = jitter(1000, &mut a);
            assert!((900..=1100).contains(&x));
            assert_eq!(x, jitter(1000, &mut b));
        }
        assert_eq!(jitter(5, &mut a), 5);
    }
}
