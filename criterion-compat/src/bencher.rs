//! criterion's `Bencher`, timing through qudag-bench's: each criterion method maps onto the
//! qudag-bench call with the same meaning (the routine is timed, setup and drops are not).

use crate::measurement::{Measurement, WallTime};
use crate::settings::BatchSize;
use std::marker::PhantomData;

/// Times a routine (criterion's `Bencher`).
pub struct Bencher<'a, M: Measurement = WallTime> {
    inner: &'a mut qudag_bench::Bencher,
    measurement: PhantomData<M>,
}

impl<'a, M: Measurement> Bencher<'a, M> {
    pub(crate) fn new(inner: &'a mut qudag_bench::Bencher) -> Bencher<'a, M> {
        Bencher {
            inner,
            measurement: PhantomData,
        }
    }

    /// Times `routine`; its output is dropped outside the timed region only in
    /// [`iter_with_large_drop`](Self::iter_with_large_drop).
    pub fn iter<O, R: FnMut() -> O>(&mut self, routine: R) {
        self.inner.iter(routine);
    }

    /// Lets `routine` time `iters` iterations itself and return the time they took.
    pub fn iter_custom<R: FnMut(u64) -> M::Value>(&mut self, mut routine: R) {
        self.inner
            .iter_custom(|iters| M::to_duration(routine(iters)));
    }

    /// Times `routine` on inputs from `setup`, built outside the timed region.
    pub fn iter_with_setup<I, O, S, R>(&mut self, setup: S, routine: R)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.inner.with_inputs(setup).bench_values(routine);
    }

    /// Times `routine`; its outputs are dropped outside the timed region.
    pub fn iter_with_large_drop<O, R: FnMut() -> O>(&mut self, mut routine: R) {
        self.inner.with_inputs(|| ()).bench_values(|()| routine());
    }

    /// Times `routine` on inputs from `setup`, built (and the outputs dropped) outside the
    /// timed region. qudag-bench sizes the batches itself: `size` is not used.
    pub fn iter_batched<I, O, S, R>(&mut self, setup: S, routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        let _ = size;
        self.inner.with_inputs(setup).bench_values(routine);
    }

    /// [`iter_batched`](Self::iter_batched) with the input passed by reference (and dropped
    /// outside the timed region).
    pub fn iter_batched_ref<I, O, S, R>(&mut self, setup: S, routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(&mut I) -> O,
    {
        let _ = size;
        self.inner.with_inputs(setup).bench_refs(routine);
    }

    /// Times futures awaited on `runner` (a tokio `Runtime` with feature `async_tokio`,
    /// [`FuturesExecutor`](crate::async_executor::FuturesExecutor) with `async_futures`).
    #[cfg(feature = "async")]
    pub fn to_async<'b, A: crate::async_executor::AsyncExecutor>(
        &'b mut self,
        runner: A,
    ) -> crate::async_bencher::AsyncBencher<'a, 'b, A, M> {
        crate::async_bencher::AsyncBencher::new(self, runner)
    }

    /// The qudag-bench bencher underneath.
    #[cfg(feature = "async")]
    pub(crate) fn inner(&mut self) -> &mut qudag_bench::Bencher {
        self.inner
    }
}
