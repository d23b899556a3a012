//! Threaded samples for `b.iter_parallel`: the routine runs on N threads at once. The worker
//! threads are started once per benchmark and reused for every sample; each sample starts them
//! together behind a barrier, each times its own loop, and the sample's time is the span from
//! the first thread's start to the last thread's end: threads that take turns (a contended
//! lock) show as slower than threads that overlap. The time per iteration is per thread, and
//! N / time is the aggregate rate.
//! A panic on a worker is caught, reported on the benchmark's thread, and the workers released.

use super::loops::timed_loop_iter;
use super::probe::Probe;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

/// The coordination of one benchmark's threads.
struct Shared {
    start: Barrier,
    end: Barrier,
    iters: AtomicU64,
    stop: AtomicBool,
    /// Per thread: start and end of its loop, ns since `epoch`.
    spans: Vec<(AtomicU64, AtomicU64)>,
    epoch: Instant,
    panic: Mutex<Option<String>>,
}

/// Runs `body` with a sample function that times `routine` on `threads` threads (the calling
/// thread is thread 0 and gets `probe`). Worker threads live until `body` returns.
pub fn with_threads<O, R, T>(
    threads: usize,
    routine: &R,
    body: impl FnOnce(&mut dyn FnMut(u64, &mut Probe) -> Duration) -> T,
) -> T
where
    R: Fn() -> O + Sync,
{
    let shared = Shared {
        start: Barrier::new(threads),
        end: Barrier::new(threads),
        iters: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        spans: (0..threads)
            .map(|_| (AtomicU64::new(0), AtomicU64::new(0)))
            .collect(),
        epoch: Instant::now(),
        panic: Mutex::new(None),
    };
    std::thread::scope(|s| {
        for index in 1..threads {
            let shared = &shared;
            std::thread::Builder::new()
                .name(format!("qudag-bench-worker-{index}"))
                .spawn_scoped(s, move || worker(index, shared, routine))
                .expect("spawning a benchmark worker thread");
        }
        let mut sample = |iters: u64, probe: &mut Probe| {
            shared.iters.store(iters, Ordering::SeqCst);
            shared.start.wait();
            run_timed(&shared, 0, iters, routine, probe);
            shared.end.wait();
            if let Some(message) = shared
                .panic
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
            {
                release(&shared);
                panic!("{message}");
            }
            let first = shared
                .spans
                .iter()
                .map(|(s, _)| s.load(Ordering::SeqCst))
                .min()
                .unwrap_or(0);
            let last = shared
                .spans
                .iter()
                .map(|(_, e)| e.load(Ordering::SeqCst))
                .max()
                .unwrap_or(0);
            Duration::from_nanos(last.saturating_sub(first))
        };
        let out = body(&mut sample);
        release(&shared);
        out
    })
}

/// Runs `routine` once on each of `threads` threads at once (test mode).
pub fn once_on_each<O, R: Fn() -> O + Sync>(threads: usize, routine: &R) {
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                std::hint::black_box(routine());
            });
        }
    });
}

fn worker<O, R: Fn() -> O + Sync>(index: usize, shared: &Shared, routine: &R) {
    let mut probe = Probe::off();
    loop {
        shared.start.wait();
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let iters = shared.iters.load(Ordering::SeqCst);
        run_timed(shared, index, iters, routine, &mut probe);
        shared.end.wait();
    }
}

/// Thread `index`'s part of a sample: its timed loop, recorded as a span since the epoch.
fn run_timed<O, R: Fn() -> O + Sync>(
    shared: &Shared,
    index: usize,
    iters: u64,
    routine: &R,
    probe: &mut Probe,
) {
    let start = shared.epoch.elapsed();
    match catch_unwind(AssertUnwindSafe(|| {
        timed_loop_iter(&mut || routine(), iters, probe)
    })) {
        Ok(e) => {
            let (s, end) = &shared.spans[index];
            s.store(start.as_nanos() as u64, Ordering::SeqCst);
            end.store((start + e).as_nanos() as u64, Ordering::SeqCst);
        }
        Err(p) => record_panic(shared, p.as_ref()),
    }
}

/// Lets the workers leave their loop.
fn release(shared: &Shared) {
    if !shared.stop.swap(true, Ordering::SeqCst) {
        shared.start.wait();
    }
}

fn record_panic(shared: &Shared, payload: &(dyn std::any::Any + Send)) {
    let text = panic_text(payload).unwrap_or_else(|| "a worker thread panicked".into());
    shared
        .panic
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert(text);
}

/// The message of a panic payload (`&str` or `String`, what `panic!` produces).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn every_thread_runs_every_iteration_and_threads_are_reused() {
        let calls = AtomicUsize::new(0);
        let ids = Mutex::new(std::collections::HashSet::new());
        let routine = || {
            calls.fetch_add(1, Ordering::Relaxed);
            ids.lock().unwrap().insert(std::thread::current().id());
        };
        with_threads(3, &routine, |sample| {
            for _ in 0..5 {
                sample(10, &mut Probe::off());
            }
        });
        assert_eq!(calls.load(Ordering::Relaxed), 3 * 5 * 10);
        assert_eq!(
            ids.lock().unwrap().len(),
            3,
            "the same 3 threads for all samples"
        );
    }

    #[test]
    fn a_worker_panic_reaches_the_caller_without_deadlock() {
        let routine = || {
            if std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("qudag-bench-worker"))
            {
                panic!("worker failed");
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            with_threads(2, &routine, |sample| {
                sample(1, &mut Probe::off());
            })
        }));
        let payload = result.unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("worker failed")
        );
    }
}
