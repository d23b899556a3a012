//! The timed loops. Every timed region of the harness is one of these functions, which
//! `--instructions` relies on: callgrind collects only inside functions named `timed_loop_*`.
//! They are `#[inline(never)]` so that the calibration of their overhead measures the same code
//! shape as the benchmarks.

use super::probe::Probe;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The timed loop of `Bencher::iter`; also used to calibrate its overhead.
#[inline(never)]
pub fn timed_loop_iter<O, R: FnMut() -> O>(
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    if probe.is_recording() {
        return timed_loop_iter_recorded(routine, iters, probe);
    }
    probe.start();
    let start = Instant::now();
    for _ in 0..iters {
        black_box(routine());
    }
    let elapsed = start.elapsed();
    probe.stop();
    elapsed
}

/// [`timed_loop_iter`] that also records each iteration's latency: one timer read per iteration,
/// worthwhile only when iterations are long (the sampler decides).
#[inline(never)]
pub fn timed_loop_iter_recorded<O, R: FnMut() -> O>(
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    let mut latencies = probe.take_latencies(iters);
    probe.start();
    let start = Instant::now();
    let mut last = start;
    for _ in 0..iters {
        black_box(routine());
        let now = Instant::now();
        latencies.push(now.duration_since(last).as_nanos() as u64);
        last = now;
    }
    probe.stop();
    probe.put_latencies(latencies);
    last.duration_since(start)
}

/// One sample over inputs taken by value: builds `iters` inputs, times the routine over them
/// in [`timed_loop_batched_values`], then drops inputs and outputs outside the timed region.
pub fn batched_values_sample<I, O, S: FnMut() -> I, R: FnMut(I) -> O>(
    setup: &mut S,
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    batched_sample(setup, iters, probe, |inputs, outputs, latencies, probe| {
        timed_loop_batched_values(inputs, outputs, routine, latencies, probe)
    })
}

/// One sample over inputs taken by reference; see [`batched_values_sample`].
pub fn batched_refs_sample<I, O, S: FnMut() -> I, R: FnMut(&mut I) -> O>(
    setup: &mut S,
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    batched_sample(setup, iters, probe, |inputs, outputs, latencies, probe| {
        timed_loop_batched_refs(inputs, outputs, routine, latencies, probe)
    })
}

/// The untimed frame of a batched sample: inputs built before, latencies handed over, inputs
/// and outputs dropped after.
fn batched_sample<I, O, S: FnMut() -> I>(
    setup: &mut S,
    iters: u64,
    probe: &mut Probe,
    timed: impl FnOnce(&mut Vec<I>, &mut Vec<O>, Option<&mut Vec<u64>>, &mut Probe) -> Duration,
) -> Duration {
    let mut inputs: Vec<I> = (0..iters).map(|_| setup()).collect();
    let mut outputs = Vec::with_capacity(inputs.len());
    let mut latencies = probe.is_recording().then(|| probe.take_latencies(iters));
    let elapsed = timed(&mut inputs, &mut outputs, latencies.as_mut(), probe);
    if let Some(lat) = latencies {
        probe.put_latencies(lat);
    }
    drop(outputs);
    drop(inputs);
    elapsed
}

/// The timed loop over inputs taken by value (recording latencies into `latencies` if given).
/// `drain` rather than `into_iter`: the inputs' buffer is freed after the timed region.
#[inline(never)]
pub fn timed_loop_batched_values<I, O, R: FnMut(I) -> O>(
    inputs: &mut Vec<I>,
    outputs: &mut Vec<O>,
    routine: &mut R,
    latencies: Option<&mut Vec<u64>>,
    probe: &mut Probe,
) -> Duration {
    timed_over(inputs.drain(..), outputs, routine, latencies, probe)
}

/// The timed loop over inputs taken by reference.
#[inline(never)]
pub fn timed_loop_batched_refs<I, O, R: FnMut(&mut I) -> O>(
    inputs: &mut [I],
    outputs: &mut Vec<O>,
    routine: &mut R,
    latencies: Option<&mut Vec<u64>>,
    probe: &mut Probe,
) -> Duration {
    timed_over(inputs.iter_mut(), outputs, routine, latencies, probe)
}

/// The body of the batched loops: `routine` over `items`, outputs kept for dropping later.
#[inline(always)]
fn timed_over<T, O>(
    items: impl Iterator<Item = T>,
    outputs: &mut Vec<O>,
    routine: &mut impl FnMut(T) -> O,
    latencies: Option<&mut Vec<u64>>,
    probe: &mut Probe,
) -> Duration {
    probe.start();
    let start = Instant::now();
    let elapsed = match latencies {
        None => {
            for item in items {
                outputs.push(black_box(routine(item)));
            }
            start.elapsed()
        }
        Some(lat) => {
            let mut last = start;
            for item in items {
                outputs.push(black_box(routine(item)));
                let now = Instant::now();
                lat.push(now.duration_since(last).as_nanos() as u64);
                last = now;
            }
            last.duration_since(start)
        }
    };
    probe.stop();
    elapsed
}

/// The timed loop of `Bencher::iter_async`: awaits `iters` futures in a row inside one future,
/// so a whole sample runs in one `block_on` and the executor's entry cost is not per iteration.
pub async fn timed_loop_async<O, F: std::future::Future<Output = O>, R: FnMut() -> F>(
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    probe.start();
    let start = Instant::now();
    for _ in 0..iters {
        black_box(routine().await);
    }
    let elapsed = start.elapsed();
    probe.stop();
    elapsed
}

/// The timed region of `iter_custom`: the routine times itself.
#[inline(never)]
pub fn timed_loop_custom<R: FnMut(u64) -> Duration>(
    routine: &mut R,
    iters: u64,
    probe: &mut Probe,
) -> Duration {
    probe.start();
    let elapsed = routine(iters);
    probe.stop();
    elapsed
}
