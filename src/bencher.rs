//! The user-facing [`Bencher`]: the code before a timing call is setup, the code after it is
//! teardown, and exactly one timing call (`iter`, `with_inputs(..).bench_*`, `iter_batched`,
//! `iter_custom`) measures the routine.

use crate::executor::Executor;
use crate::measure::MeasureContext;
use crate::measure::loops::timed_loop_async;
use crate::measure::loops::{
    batched_refs_sample, batched_values_sample, timed_loop_custom, timed_loop_iter,
};
use crate::measure::metrics::{Metrics, Recorded};
use crate::measure::probe::Probe;
use crate::measure::sampler::{self, LoopKind, Measured};
use crate::measure::{parallel, timer};
use crate::schema::Throughput;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

pub(crate) enum Mode {
    /// Run the routine once (test mode: `cargo test --benches`).
    Smoke,
    /// Warm up, plan and sample.
    Measure(Arc<MeasureContext>),
    /// Run the timed loop once with this many iterations, nothing else (the worker that
    /// `--instructions` runs under callgrind).
    Instructions(u64),
}

/// Handed to each benchmark function; see the module docs.
pub struct Bencher {
    mode: Mode,
    /// Threads for `iter_parallel` (the benchmark's `threads` option), 1 otherwise.
    threads: usize,
    throughput: Option<Throughput>,
    measured: Option<Measured>,
    timed: bool,
    skipped: Option<String>,
    metrics: Metrics,
}

impl Bencher {
    pub(crate) fn new(mode: Mode, threads: usize) -> Bencher {
        Bencher {
            mode,
            threads: threads.max(1),
            throughput: None,
            measured: None,
            timed: false,
            skipped: None,
            metrics: Metrics::default(),
        }
    }

    /// Declares that each iteration processes `bytes` bytes.
    pub fn throughput_bytes(&mut self, bytes: u64) {
        self.throughput = Some(Throughput::Bytes(bytes));
    }

    /// Declares that each iteration processes `elements` elements.
    pub fn throughput_elements(&mut self, elements: u64) {
        self.throughput = Some(Throughput::Elements(elements));
    }

    /// Times `routine`, called repeatedly; its output is passed through [`black_box`] and
    /// dropped inside the timed region (use [`Bencher::with_inputs`] to keep drops out).
    pub fn iter<O, R: FnMut() -> O>(&mut self, mut routine: R) {
        self.single_threaded("b.iter");
        if !self.start_timing() {
            return;
        }
        match &self.mode {
            Mode::Smoke => {
                black_box(routine());
            }
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), self.metrics.clone());
                let result = measure_metered(&ctx, LoopKind::Iter, &metrics, &mut |n, probe| {
                    timed_loop_iter(&mut routine, n, probe)
                });
                self.measured = result;
            }
            Mode::Instructions(n) => {
                timed_loop_iter(&mut routine, *n, &mut Probe::off());
            }
        }
    }

    /// Times `routine` on the benchmark's threads at once (its `threads = [..]` option, one
    /// thread without it). Shared state built before this call is borrowed by every thread;
    /// it is dropped after timing. Threads are started once and reused for every sample, each
    /// sample starting them together; the time is per iteration per thread (the slowest
    /// thread's), and a declared throughput is aggregated over the threads.
    pub fn iter_parallel<O, R: Fn() -> O + Sync>(&mut self, routine: R) {
        if !self.start_timing() {
            return;
        }
        match &self.mode {
            Mode::Smoke => parallel::once_on_each(self.threads, &routine),
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), self.metrics.clone());
                self.measured = parallel::with_threads(self.threads, &routine, |sample| {
                    measure_metered(&ctx, LoopKind::Parallel, &metrics, sample)
                });
            }
            Mode::Instructions(n) => {
                timed_loop_iter(&mut || routine(), *n, &mut Probe::off());
            }
        }
    }

    /// Times the futures `routine` returns, awaited on `executor` (e.g. a tokio `Runtime`, with
    /// the `tokio` feature). A whole sample runs inside one `block_on`; the per-iteration cost
    /// of the async loop on this executor is measured before warmup and subtracted.
    pub fn iter_async<O, F, R, E>(&mut self, executor: &E, mut routine: R)
    where
        F: std::future::Future<Output = O>,
        R: FnMut() -> F,
        E: Executor,
    {
        self.single_threaded("b.iter_async");
        if !self.start_timing() {
            return;
        }
        match &self.mode {
            Mode::Smoke => {
                black_box(executor.block_on(routine()));
            }
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), self.metrics.clone());
                let loop_ns = timer::loop_cost_ns(ctx.calibration.overhead_ns, &mut |n| {
                    executor.block_on(timed_loop_async(&mut || async {}, n, &mut Probe::off()))
                });
                self.measured = measure_metered(
                    &ctx,
                    LoopKind::Async { loop_ns },
                    &metrics,
                    &mut |n, probe| executor.block_on(timed_loop_async(&mut routine, n, probe)),
                );
            }
            Mode::Instructions(n) => {
                executor.block_on(timed_loop_async(&mut routine, *n, &mut Probe::off()));
            }
        }
    }

    /// Times `routine` on fresh inputs from `setup`; inputs are built, and outputs dropped,
    /// outside the timed region. Same as `with_inputs(setup).bench_values(routine)`.
    pub fn iter_batched<I, O, S, R>(&mut self, setup: S, routine: R)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.with_inputs(setup).bench_values(routine)
    }

    /// Starts a benchmark over inputs built by `setup` outside the timed region.
    pub fn with_inputs<I, S: FnMut() -> I>(&mut self, setup: S) -> Inputs<'_, S> {
        Inputs {
            bencher: self,
            setup,
        }
    }

    /// Lets `routine` time `iters` iterations itself and return the elapsed time (for work
    /// that must be timed from inside, such as other threads). No overhead is subtracted.
    pub fn iter_custom<R: FnMut(u64) -> Duration>(&mut self, mut routine: R) {
        if !self.start_timing() {
            return;
        }
        match &self.mode {
            Mode::Smoke => {
                black_box(routine(1));
            }
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), self.metrics.clone());
                self.measured =
                    measure_metered(&ctx, LoopKind::Custom, &metrics, &mut |n, probe| {
                        timed_loop_custom(&mut routine, n, probe)
                    });
            }
            Mode::Instructions(n) => {
                timed_loop_custom(&mut routine, *n, &mut Probe::off());
            }
        }
    }

    /// `iter` and the batched forms run on one thread: refuse them in a threaded benchmark
    /// rather than report single-threaded numbers under a `threads=N` id.
    fn single_threaded(&self, method: &str) {
        assert!(
            self.threads == 1,
            "this benchmark has `threads = [..]`: time it with b.iter_parallel, not {method} (which runs on one thread)"
        );
    }

    /// Marks the timing call; `false` after [`Bencher::skip`]: the routine is not run.
    fn start_timing(&mut self) -> bool {
        if self.skipped.is_some() {
            return false;
        }
        assert!(
            !self.timed,
            "a benchmark must call exactly one of b.iter, b.iter_batched, b.with_inputs(..).bench_*, \
             b.iter_custom; this one called a second"
        );
        self.timed = true;
        true
    }

    /// Skips this benchmark: it cannot run here (no IPv6, no device, too little memory, ...).
    /// Call it before the timing call and return; a timing call after it does nothing. The
    /// benchmark is reported as `skipped` with `reason` in every output, counted in the
    /// summary, and is neither a failure nor compared with a baseline.
    ///
    /// ```no_run
    /// # fn has_ipv6() -> bool { true }
    /// #[qudag_bench::qudag_bench]
    /// fn over_ipv6(b: &mut qudag_bench::Bencher) {
    ///     if !has_ipv6() {
    ///         return b.skip("this host has no IPv6 address");
    ///     }
    ///     b.iter(|| ());
    /// }
    /// ```
    ///
    /// # Panics
    /// After the timing call: what was measured cannot be taken back.
    pub fn skip(&mut self, reason: impl Into<String>) {
        assert!(
            !self.timed,
            "b.skip must come before the timing call (b.iter, b.iter_custom, ...); this \
             benchmark was already timed"
        );
        self.skipped = Some(reason.into());
    }

    /// Records the benchmark's own figure `value` of the metric `name`, in `unit`: rounds to
    /// finality, messages sent, bytes on the wire. Called outside the timing call, it is one
    /// value (call it again for more); it appears next to the times in every output, and a
    /// performance target can name it (`"consensus" = "rounds < 200"`). To record one value
    /// per sample from inside a routine, use the handle from [`Bencher::metrics`].
    ///
    /// ```no_run
    /// # fn run_to_finality() -> u32 { 10 }
    /// #[qudag_bench::qudag_bench]
    /// fn finality(b: &mut qudag_bench::Bencher) {
    ///     let rounds = run_to_finality();
    ///     b.metric("rounds_to_finality", rounds as f64, "rounds");
    ///     b.iter(run_to_finality);
    /// }
    /// ```
    ///
    /// # Panics
    /// On a name that is empty, over 64 bytes, not made of ASCII letters, digits, `_`, `-`,
    /// `.`, or taken by a built-in measure (`latency`, `p99`, ...); on a value that is not
    /// finite; on a unit that differs from an earlier value's.
    pub fn metric(&mut self, name: &str, value: f64, unit: &str) {
        self.metrics.record(name, value, unit);
    }

    /// A handle that records metrics from inside the timed routine, where `b` is borrowed: a
    /// value recorded while a measured sample runs is that sample's value of the metric (the
    /// mean, when recorded several times in the sample, as once per iteration of `b.iter` or
    /// `iter_async`); the per-sample values are summarized by their median and a 95%
    /// interval. Values recorded during warmup and calibration runs are dropped. Recording
    /// takes a lock: inside `b.iter`'s routine its cost is timed with the routine, so prefer
    /// `iter_custom`, which records once per sample outside the user's timing.
    ///
    /// ```no_run
    /// use std::time::{Duration, Instant};
    /// #[qudag_bench::qudag_bench]
    /// fn sign(b: &mut qudag_bench::Bencher) {
    ///     let metrics = b.metrics();
    ///     b.iter_custom(|iters| {
    ///         let start = Instant::now();
    ///         for _ in 0..iters { std::hint::black_box(()); }
    ///         let elapsed = start.elapsed();
    ///         metrics.record("ops_per_sec", iters as f64 / elapsed.as_secs_f64().max(1e-9), "ops/s");
    ///         elapsed
    ///     });
    /// }
    /// ```
    pub fn metrics(&self) -> Metrics {
        self.metrics.clone()
    }

    /// What the benchmark did: `None` if it never called a timing method.
    pub(crate) fn finish(self) -> Finished {
        Finished {
            metrics: self.metrics.take(),
            skipped: self.skipped,
            timed: self.timed,
            throughput: self.throughput,
            measured: self.measured,
        }
    }
}

/// What a finished benchmark function left in its [`Bencher`].
pub(crate) struct Finished {
    /// The reason given to [`Bencher::skip`].
    pub skipped: Option<String>,
    pub timed: bool,
    pub throughput: Option<Throughput>,
    /// `None` in smoke mode, or when measurement was cancelled by the timeout.
    pub measured: Option<Measured>,
    /// Custom metrics recorded, by name.
    pub metrics: BTreeMap<String, Recorded>,
}

/// Measures `sample` with the metric recorder told where each sample starts and whether it
/// was a measured one, so that values recorded in warmup and calibration are dropped.
fn measure_metered(
    ctx: &crate::measure::MeasureContext,
    kind: LoopKind,
    metrics: &Metrics,
    sample: &mut dyn FnMut(u64, &mut Probe) -> Duration,
) -> Option<Measured> {
    sampler::measure(ctx, kind, &mut |n, probe| {
        metrics.begin_sample();
        let elapsed = sample(n, probe);
        metrics.end_sample(probe.is_measured());
        elapsed
    })
}

/// A benchmark over per-iteration inputs; see [`Bencher::with_inputs`].
pub struct Inputs<'b, S> {
    bencher: &'b mut Bencher,
    setup: S,
}

impl<I, S: FnMut() -> I> Inputs<'_, S> {
    /// Times `routine(input)`, taking each input by value.
    pub fn bench_values<O, R: FnMut(I) -> O>(self, mut routine: R) {
        let Inputs { bencher, mut setup } = self;
        bencher.single_threaded("b.with_inputs");
        if !bencher.start_timing() {
            return;
        }
        match &bencher.mode {
            Mode::Smoke => {
                black_box(routine(setup()));
            }
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), bencher.metrics.clone());
                bencher.measured =
                    measure_metered(&ctx, LoopKind::Batched, &metrics, &mut |n, probe| {
                        batched_values_sample(&mut setup, &mut routine, n, probe)
                    });
            }
            Mode::Instructions(n) => {
                batched_values_sample(&mut setup, &mut routine, *n, &mut Probe::off());
            }
        }
    }

    /// Times `routine(&mut input)`; inputs and outputs are dropped outside the timed region.
    pub fn bench_refs<O, R: FnMut(&mut I) -> O>(self, mut routine: R) {
        let Inputs { bencher, mut setup } = self;
        bencher.single_threaded("b.with_inputs");
        if !bencher.start_timing() {
            return;
        }
        match &bencher.mode {
            Mode::Smoke => {
                let mut input = setup();
                black_box(routine(&mut input));
            }
            Mode::Measure(ctx) => {
                let (ctx, metrics) = (ctx.clone(), bencher.metrics.clone());
                bencher.measured =
                    measure_metered(&ctx, LoopKind::Batched, &metrics, &mut |n, probe| {
                        batched_refs_sample(&mut setup, &mut routine, n, probe)
                    });
            }
            Mode::Instructions(n) => {
                batched_refs_sample(&mut setup, &mut routine, *n, &mut Probe::off());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::AssertUnwindSafe;

    #[test]
    fn after_skip_no_routine_runs_and_a_skip_after_timing_panics() {
        let mut b = Bencher::new(Mode::Smoke, 1);
        b.skip("not here");
        b.iter(|| panic!("ran"));
        b.iter_custom(|_| panic!("ran"));
        let f = b.finish();
        assert_eq!(f.skipped.as_deref(), Some("not here"));
        assert!(!f.timed);
        let mut timed = Bencher::new(Mode::Smoke, 1);
        timed.iter(|| ());
        let late = std::panic::catch_unwind(AssertUnwindSafe(|| timed.skip("too late")));
        assert!(late.is_err());
    }
}
