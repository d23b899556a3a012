//! criterion's `AsyncBencher` (`b.to_async(&runtime)`): the routine returns a future,
//! awaited on the runner.
//!
//! `iter` runs each sample's whole loop inside one `block_on`, and qudag-bench subtracts the
//! async loop's own cost. The other forms call `block_on` once per iteration (inside the
//! timed region for the routine), so their figures include one `block_on` each: a few
//! hundred nanoseconds on tokio's current-thread runtime, which matters only for routines
//! that short.

use crate::async_executor::{AsExecutor, AsyncExecutor};
use crate::bencher::Bencher;
use crate::measurement::{Measurement, WallTime};
use crate::settings::BatchSize;
use std::future::Future;

/// Times futures awaited on an executor (criterion's `AsyncBencher`).
pub struct AsyncBencher<'a, 'b, A: AsyncExecutor, M: Measurement = WallTime> {
    bencher: &'b mut Bencher<'a, M>,
    runner: A,
}

impl<'a, 'b, A: AsyncExecutor, M: Measurement> AsyncBencher<'a, 'b, A, M> {
    pub(crate) fn new(bencher: &'b mut Bencher<'a, M>, runner: A) -> Self {
        AsyncBencher { bencher, runner }
    }

    /// Times the futures `routine` returns.
    pub fn iter<O, R, F>(&mut self, routine: R)
    where
        R: FnMut() -> F,
        F: Future<Output = O>,
    {
        let executor = AsExecutor(&self.runner);
        self.bencher.inner().iter_async(&executor, routine);
    }

    /// Lets the future `routine` returns time `iters` iterations and return the time taken.
    pub fn iter_custom<R, F>(&mut self, mut routine: R)
    where
        R: FnMut(u64) -> F,
        F: Future<Output = M::Value>,
    {
        let runner = &self.runner;
        self.bencher
            .inner()
            .iter_custom(|iters| M::to_duration(runner.block_on(routine(iters))));
    }

    /// Times `routine`; its outputs are dropped outside the timed region.
    pub fn iter_with_large_drop<O, R, F>(&mut self, mut routine: R)
    where
        R: FnMut() -> F,
        F: Future<Output = O>,
    {
        let runner = &self.runner;
        self.bencher
            .inner()
            .with_inputs(|| ())
            .bench_values(|()| runner.block_on(routine()));
    }

    /// Times `routine` on inputs from `setup`, built outside the timed region.
    pub fn iter_with_setup<I, O, S, R, F>(&mut self, setup: S, routine: R)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> F,
        F: Future<Output = O>,
    {
        self.iter_batched(setup, routine, BatchSize::PerIteration);
    }

    /// Times `routine` on inputs from `setup`; `size` is not used (see [`Bencher`]).
    pub fn iter_batched<I, O, S, R, F>(&mut self, setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> F,
        F: Future<Output = O>,
    {
        let _ = size;
        let runner = &self.runner;
        self.bencher
            .inner()
            .with_inputs(setup)
            .bench_values(|input| runner.block_on(routine(input)));
    }

    /// [`iter_batched`](Self::iter_batched) with the input passed by reference.
    pub fn iter_batched_ref<I, O, S, R, F>(&mut self, setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(&mut I) -> F,
        F: Future<Output = O>,
    {
        let _ = size;
        let runner = &self.runner;
        self.bencher
            .inner()
            .with_inputs(setup)
            .bench_refs(|input| runner.block_on(routine(input)));
    }
}
