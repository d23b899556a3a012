//! Runs one benchmark function on its own thread, so that a panic or a hang cannot take the
//! run down: panics are caught and reported; a benchmark past its timeout is reported as timed
//! out and abandoned (the process exits with 101 at the end, which ends the thread).

use crate::analyze::Outcome;
use crate::bencher::{Bencher, Mode};
use crate::channel::{self, RecvTimeoutError};
use crate::registry::Benchmark;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

/// Extra time given after the timeout for a sample in flight and the teardown to finish.
pub const GRACE: Duration = Duration::from_secs(1);

/// Calls `bench` with a [`Bencher`] in `mode` on a new thread and waits up to `wait`.
pub fn run(bench: &Benchmark, mode: Mode, wait: Duration) -> Outcome {
    let (tx, rx) = channel::channel();
    let bench_owned = bench.clone();
    let spawned = std::thread::Builder::new()
        // Shown by the panic hook; escaped so that it cannot hold a NUL (which would make
        // the spawn fail) or a terminal control sequence.
        .name(crate::escape::terminal(&bench.id).into_owned())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                let mut bencher = Bencher::new(mode, bench_owned.threads.unwrap_or(1));
                bench_owned.call(&mut bencher);
                bencher.finish()
            }));
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Outcome::Panicked(format!("cannot start the benchmark's thread: {e}"));
    }
    match rx.recv_timeout(wait) {
        Ok(Ok(finished)) => Outcome::Returned(Box::new(finished)),
        Ok(Err(payload)) => Outcome::Panicked(panic_message(payload.as_ref())),
        Err(RecvTimeoutError::Timeout) => Outcome::Hung,
        Err(RecvTimeoutError::Disconnected) => {
            Outcome::Panicked("the benchmark's thread ended without a result".into())
        }
    }
}

/// The text of a panic payload (`&str` or `String`), as libtest shows it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = crate::measure::parallel::panic_text(payload);
    match text {
        Some(t) => format!("panicked: {t}"),
        None => "panicked".into(),
    }
}
