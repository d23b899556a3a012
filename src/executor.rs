//! Async runtimes for `b.iter_async`: anything that can block on a future. qudag-bench
//! implements [`Executor`] for tokio's `Runtime` (feature `tokio`); other runtimes implement it
//! for a type of their own (a newtype around their runtime or handle).

use std::future::Future;

/// Runs a future to completion on the calling thread.
pub trait Executor {
    /// Blocks until `future` completes and returns its output.
    fn block_on<F: Future>(&self, future: F) -> F::Output;
}

impl<E: Executor + ?Sized> Executor for &E {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        (**self).block_on(future)
    }
}

#[cfg(feature = "tokio")]
impl Executor for tokio::runtime::Runtime {
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        tokio::runtime::Runtime::block_on(self, future)
    }
}
