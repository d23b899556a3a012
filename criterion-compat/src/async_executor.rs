//! criterion's `async_executor` module: what `to_async` accepts.

use std::future::Future;

/// Runs a future to completion (criterion's `AsyncExecutor`).
pub trait AsyncExecutor {
    /// Blocks until `future` completes and returns its output.
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T;
}

impl<E: AsyncExecutor + ?Sized> AsyncExecutor for &E {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        (**self).block_on(future)
    }
}

#[cfg(feature = "async_tokio")]
impl AsyncExecutor for tokio::runtime::Runtime {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        tokio::runtime::Runtime::block_on(self, future)
    }
}

/// The `futures` crate's single-threaded executor (feature `async_futures`).
#[cfg(feature = "async_futures")]
#[derive(Debug, Clone, Copy, Default)]
pub struct FuturesExecutor;

#[cfg(feature = "async_futures")]
impl AsyncExecutor for FuturesExecutor {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        futures::executor::block_on(future)
    }
}

/// An [`AsyncExecutor`] as qudag-bench's [`qudag_bench::Executor`].
pub(crate) struct AsExecutor<'r, A>(pub &'r A);

impl<A: AsyncExecutor> qudag_bench::Executor for AsExecutor<'_, A> {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }
}
