//! The paired, interleaved measurement: rounds of fresh base/head worker processes; in each
//! round and for each benchmark still measuring, a short warmup of both, then pairs of one
//! sample on each side in random order, all with the same iteration count. Each round gives
//! the median of its pairs' log ratios; a benchmark stops when the rounds' interval is precise
//! enough to decide (see [`crate::gate::ab`]) or its time budget is spent.

use super::worker::{Arm, Worker, WorkerError};
use crate::error::Error;
use crate::schema::Thresholds;
use crate::schema::{Measurement, Plan};
use crate::stats::paired::{log_ratios, round_estimate};
use crate::stats::summarize;
use std::time::{Duration, Instant};

/// Measures `benches` until each is decided or out of budget; `progress` hears about each
/// finished round. An error is returned only when a worker cannot be started at all.
pub fn measure(
    base: &Arm,
    head: &Arm,
    benches: &mut [Measurement],
    plan: &Plan,
    thresholds: &Thresholds,
    progress: &mut dyn FnMut(&Measurement),
) -> Result<(), Error> {
    let mut rng = fastrand::Rng::with_seed(plan.seed);
    let cpus = crate::measure::affinity::allowed_cpus().unwrap_or_default();
    let mut round = 0usize;
    // Whether each benchmark is decided, failed or out of budget.
    let mut done = vec![false; benches.len()];
    while done.iter().any(|d| !d) {
        // Both workers of a round share one CPU; rounds rotate over the CPUs.
        let cpu = (!cpus.is_empty()).then(|| cpus[round % cpus.len()]);
        round += 1;
        let mut workers: Option<(Worker, Worker)> = None;
        let pending = benches
            .iter_mut()
            .zip(done.iter_mut())
            .filter(|(_, d)| !**d);
        for (bench, done) in pending {
            let (b, h) = match &mut workers {
                Some(w) => w,
                None => match spawn_round(base, head, plan, cpu, &mut rng) {
                    Ok(w) => workers.insert(w),
                    // The binaries started at first: whatever stops them now is a failure
                    // of this benchmark, not bad input.
                    Err(e) => {
                        *done = fail(bench, e.to_string());
                        progress(bench);
                        continue;
                    }
                },
            };
            let started = Instant::now();
            let result = one_round(b, h, bench, plan, &mut rng);
            let took = started.elapsed().as_secs_f64();
            bench.wall_s += took;
            match result {
                Ok(round) => {
                    bench.round_wall_s.push(took);
                    bench.round_pairs.push(round.pairs);
                    bench.round_estimates.push(round.estimate);
                    bench.round_se.push(round.se);
                    *done = decide_stop(bench, plan, thresholds);
                }
                Err(WorkerError::Failed(text)) => *done = fail(bench, text),
                Err(WorkerError::Dead(text)) => {
                    *done = fail(bench, text);
                    workers = None;
                }
            }
            progress(bench);
        }
    }
    Ok(())
}

/// A fresh pair of workers. Which side starts first alternates at random: the first process
/// may get memory (huge pages, say) that the second does not.
fn spawn_round(
    base: &Arm,
    head: &Arm,
    plan: &Plan,
    cpu: Option<usize>,
    rng: &mut fastrand::Rng,
) -> Result<(Worker, Worker), Error> {
    if rng.bool() {
        Worker::spawn_pair(base, head, plan.timeout, cpu)
    } else {
        let (h, b) = Worker::spawn_pair(head, base, plan.timeout, cpu)?;
        Ok((b, h))
    }
}

/// Records why `bench` failed; it is then done (returns `true`).
fn fail(bench: &mut Measurement, text: String) -> bool {
    bench.error = Some(text);
    true
}

/// Stops a benchmark once it is precise enough (after the minimum rounds), or when another
/// round would overrun its budget. Returns whether it is done.
fn decide_stop(bench: &mut Measurement, plan: &Plan, t: &Thresholds) -> bool {
    let rounds = bench.round_estimates.len() as u32;
    let per_round = bench.wall_s / f64::from(rounds);
    // Once set it stays: shorter rounds have larger errors of their own, which would
    // otherwise switch long rounds back on.
    if rounds >= plan.min_rounds && !bench.short_rounds {
        bench.short_rounds = between_rounds_dominate(bench);
    }
    if rounds >= plan.min_rounds && t.precise_enough(&bench.combined(t)) {
        true
    } else if bench.wall_s + per_round > plan.budget.as_secs_f64() {
        bench.budget_exhausted = true;
        true
    } else {
        false
    }
}

/// Whether the rounds' spread is more than twice what their own errors explain.
fn between_rounds_dominate(bench: &Measurement) -> bool {
    let sd = summarize(&bench.round_estimates).std_dev;
    let se = bench.round_se.iter().sum::<f64>() / bench.round_se.len() as f64;
    sd > 2.0 * se
}

/// One round's result.
struct Round {
    pairs: u32,
    /// Median log ratio.
    estimate: f64,
    /// Its standard error from the round's own pairs.
    se: f64,
}

/// One round of one benchmark: open both, (calibrate,) warm up, take pairs, close both.
fn one_round(
    base: &mut Worker,
    head: &mut Worker,
    bench: &mut Measurement,
    plan: &Plan,
    rng: &mut fastrand::Rng,
) -> Result<Round, WorkerError> {
    // Both setups run at once (the workers pin themselves only for the timed part).
    base.start_open(&bench.id)?;
    if let Err(e) = head.start_open(&bench.id) {
        return Err(match base.finish_open() {
            Ok(_) => close_after(base, e),
            Err(_) => e,
        });
    }
    let (base_overhead, head_overhead) = match (base.finish_open(), head.finish_open()) {
        (Ok(b), Ok(h)) => (b, h),
        (Err(e), Ok(_)) => return Err(close_after(head, e)),
        (Ok(_), Err(e)) => return Err(close_after(base, e)),
        (Err(b), Err(h)) => return Err(worse(b, h)),
    };
    let result = sample_pairs(base, head, bench, plan, rng, base_overhead, head_overhead);
    let result = match result {
        Ok(r) => r,
        // The failing side has left its benchmark; the other is still inside it.
        Err((WorkerError::Failed(text), failed_base)) => {
            let other = if failed_base { head } else { base };
            return Err(close_after(other, WorkerError::Failed(text)));
        }
        Err((dead, _)) => return Err(dead),
    };
    // Both sides leave the benchmark whatever happens to the other (a teardown that panics
    // on one side must not leave the other inside it).
    match (base.close(), head.close()) {
        (Ok(()), Ok(())) => Ok(result),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(b), Err(h)) => Err(worse(b, h)),
    }
}

/// Of two errors, the one that needs the workers replaced.
fn worse(a: WorkerError, b: WorkerError) -> WorkerError {
    match (&a, &b) {
        (WorkerError::Failed(_), WorkerError::Dead(_)) => b,
        _ => a,
    }
}

/// Closes `worker`'s open benchmark after the other side failed; returns the first error.
fn close_after(worker: &mut Worker, first: WorkerError) -> WorkerError {
    match worker.close() {
        Ok(()) | Err(WorkerError::Failed(_)) => first,
        Err(dead) => match first {
            WorkerError::Failed(text) => WorkerError::Dead(format!("{text}; then {dead:?}")),
            d => d,
        },
    }
}

/// Calibration (first round only), warmup and pairs. On error, says whether the base side
/// failed.
fn sample_pairs(
    base: &mut Worker,
    head: &mut Worker,
    bench: &mut Measurement,
    plan: &Plan,
    rng: &mut fastrand::Rng,
    base_overhead: (f64, f64),
    head_overhead: (f64, f64),
) -> Result<Round, (WorkerError, bool)> {
    let iters = match bench.iters_per_sample {
        Some(n) => n,
        None => {
            let n = calibrate_either(base, head, plan.sample_target, rng)?;
            bench.iters_per_sample = Some(n);
            n
        }
    };
    // One overhead for both sides: each worker calibrated its own, and two calibrations
    // disagree by more than the change being measured on short routines. The smaller is
    // nearer the loop's real cost (disturbances only add to it).
    let overhead = (
        base_overhead.0.min(head_overhead.0),
        base_overhead.1.min(head_overhead.1),
    );
    let (warmup, pairs_time) = if bench.short_rounds {
        (plan.warmup / 2, plan.pairs_time / 4)
    } else {
        (plan.warmup, plan.pairs_time)
    };
    warm_up(base, head, iters, warmup, rng)?;
    let cost = overhead.0 / iters as f64 + overhead.1;
    let (base_t, head_t) = pairs(base, head, iters, cost, pairs_time, plan.min_pairs, rng)?;
    let ratios = log_ratios(&base_t, &head_t);
    let (estimate, se) = round_estimate(&ratios);
    Ok(Round {
        pairs: ratios.len() as u32,
        estimate,
        se,
    })
}

/// The iterations per sample, calibrated by either side at random, so that neither is always
/// the warmer one; the other then runs the same samples, so both stay at the same point of
/// any input sequence the benchmark rotates through.
fn calibrate_either(
    base: &mut Worker,
    head: &mut Worker,
    target: Duration,
    rng: &mut fastrand::Rng,
) -> Result<u64, (WorkerError, bool)> {
    let on_base_side = rng.bool();
    let (first, second) = if on_base_side {
        (base, head)
    } else {
        (head, base)
    };
    let (n, sizes) = calibrate(first, target).map_err(|e| (e, on_base_side))?;
    for size in sizes {
        second.sample(size).map_err(|e| (e, !on_base_side))?;
    }
    Ok(n)
}

/// The side drawn first warms up for `warmup` (two samples at least, one when a single
/// sample outlasts it); the other takes as many samples, to stay in step.
fn warm_up(
    base: &mut Worker,
    head: &mut Worker,
    iters: u64,
    warmup: Duration,
    rng: &mut fastrand::Rng,
) -> Result<(), (WorkerError, bool)> {
    let base_first = rng.bool();
    let mut count = None;
    for side in [base_first, !base_first] {
        let worker = if side { &mut *base } else { &mut *head };
        let start = Instant::now();
        let mut taken = 0;
        while match count {
            Some(k) => taken < k,
            None => taken < 1 || (taken < 2 && iters > 1) || start.elapsed() < warmup,
        } {
            worker.sample(iters).map_err(|e| (e, side))?;
            taken += 1;
        }
        count = Some(taken);
    }
    Ok(())
}

/// Pairs of samples, in random order within each pair, for `time` and at least `min_pairs`:
/// the times per iteration of base and head with the loop's `cost` (ns per iteration)
/// subtracted; for a routine that costs (almost) nothing more than the loop, the raw times of
/// both sides, so that the ratio stays defined and fair.
fn pairs(
    base: &mut Worker,
    head: &mut Worker,
    iters: u64,
    cost: f64,
    time: Duration,
    min_pairs: u32,
    rng: &mut fastrand::Rng,
) -> Result<(Vec<f64>, Vec<f64>), (WorkerError, bool)> {
    let on_base = |e| (e, true);
    let on_head = |e| (e, false);
    let n = iters as f64;
    let pair = |b: u64, h: u64| {
        let (b, h) = (b as f64 / n, h as f64 / n);
        if b - cost > 0.01 * b && h - cost > 0.01 * h {
            (b - cost, h - cost)
        } else {
            (b.max(1e-3), h.max(1e-3))
        }
    };
    let mut base_t = Vec::new();
    let mut head_t = Vec::new();
    let start = Instant::now();
    while base_t.len() < min_pairs as usize || start.elapsed() < time {
        let (b, h) = if rng.bool() {
            let b = base.sample(iters).map_err(on_base)?;
            (b, head.sample(iters).map_err(on_head)?)
        } else {
            let h = head.sample(iters).map_err(on_head)?;
            (base.sample(iters).map_err(on_base)?, h)
        };
        let (b, h) = pair(b, h);
        base_t.push(b);
        head_t.push(h);
    }
    Ok((base_t, head_t))
}

/// Iterations per sample so that one sample lasts about `target`. Returns the count and the
/// sample sizes it ran.
fn calibrate(worker: &mut Worker, target: Duration) -> Result<(u64, Vec<u64>), WorkerError> {
    let (per_iter, sizes) = time_per_iter(worker, target)?;
    let n = ((target.as_nanos() as f64 / per_iter).round() as u64).max(1);
    Ok((n, sizes))
}

/// The time per iteration of the open benchmark (ns): doubling counts until a sample takes
/// half of `target`, then the fastest of that and three more samples at the count. Also returns
/// the sample sizes it ran.
pub fn time_per_iter(
    worker: &mut Worker,
    target: Duration,
) -> Result<(f64, Vec<u64>), WorkerError> {
    let target_ns = target.as_nanos() as f64;
    let mut sizes = Vec::new();
    let mut n = 1u64;
    loop {
        let elapsed = worker.sample(n)? as f64;
        sizes.push(n);
        if elapsed >= target_ns / 2.0 || n >= 1 << 40 {
            let mut best = elapsed;
            for _ in 0..3 {
                best = best.min(worker.sample(n)? as f64);
                sizes.push(n);
            }
            return Ok(((best / n as f64).max(1e-3), sizes));
        }
        n *= 2;
    }
}
