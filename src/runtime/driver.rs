//! The thread that runs the groups in serving passes, and the harness's side of it: [`call`]
//! sends a request (an id and a [`Bencher`]) and waits for the closure to have run with it.
//!
//! Requests come one at a time (bench mode, the gate's re-measurement, the A/B and callgrind
//! workers, and test mode, which runs these benchmarks on one thread). A request that finds
//! the one before it unfinished knows that one is past its timeout (the harness abandoned it,
//! as it abandons a hung `#[qudag_bench]` thread) and starts a fresh driver thread, whose
//! first pass runs the groups again from the start: the benchmarks after a hung one still
//! run, sharing the CPU with it.

use super::{Group, Pass, run_pass};
use crate::bencher::{Bencher, Mode};
use crate::channel::{self, Receiver, Sender};
use crate::escape::Term;
use crate::measure::affinity;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The groups, set by the listing pass.
static GROUPS: OnceLock<Vec<Group>> = OnceLock::new();
/// The driver thread serving requests, started with the first one.
static DRIVER: Mutex<Option<Driver>> = Mutex::new(None);

/// A driver thread as the callers see it.
struct Driver {
    inbox: Sender<Request>,
    /// The id of its request in flight, from the sending until the reply.
    in_flight: InFlight,
}

type InFlight = Arc<Mutex<Option<String>>>;

/// Name of the driver thread (shown by the panic hook when a closure panics).
const THREAD_NAME: &str = "qudag-bench: benchmarks offered at run time";

/// Run one benchmark's closure with `bencher`.
struct Request {
    id: String,
    /// The driver's in-flight mark, cleared with the reply.
    in_flight: InFlight,
    // Boxed: it is large, and moves through two channels and a thread-local per request.
    bencher: Box<Bencher>,
    /// The caller's allowed CPUs, applied to the driver thread before the closure runs (the
    /// A/B worker unpins for setup and pins for samples).
    cpus: Option<Vec<usize>>,
    reply: Sender<Reply>,
}

/// How a request ended.
enum Reply {
    /// The closure ran (and may have panicked).
    Ran {
        bencher: Box<Bencher>,
        panic: Option<Box<dyn Any + Send>>,
    },
    /// A whole pass went by without the id being offered.
    NotOffered,
}

/// The driver thread's state during a pass.
pub(super) struct Serving {
    inbox: Receiver<Request>,
    waiting: Option<Waiting>,
}

/// A request not yet served, and whether it has waited since the pass began (then a pass
/// that ends without serving it has seen every offer).
struct Waiting {
    request: Request,
    since_start: bool,
}

/// Remembers the groups for the serving passes.
pub(super) fn set_groups(groups: &[Group]) {
    let _ = GROUPS.set(groups.to_vec());
}

/// Runs the benchmark `id` with `b` on the driver thread; a panic of its closure is resumed
/// here, so that the caller's `catch_unwind` sees it as the benchmark's own.
pub(crate) fn call(id: &str, b: &mut Bencher) {
    let (inbox, in_flight) = driver_for(id);
    let (reply, replies) = channel::channel();
    let request = Request {
        id: id.to_string(),
        in_flight,
        bencher: Box::new(std::mem::replace(b, Bencher::new(Mode::Smoke, 1))),
        cpus: affinity::allowed_cpus().ok(),
        reply,
    };
    if inbox.send(request).is_err() {
        panic!("the thread that runs benchmarks offered at run time has ended");
    }
    match replies.recv() {
        Ok(Reply::Ran { bencher, panic }) => {
            *b = *bencher;
            if let Some(payload) = panic {
                resume_unwind(payload);
            }
        }
        Ok(Reply::NotOffered) => panic!(
            "`{}` was listed but not offered when it was to run: the benchmark groups offer \
             different benchmarks from one run of them to the next",
            Term(id)
        ),
        Err(_) => panic!("the thread that runs benchmarks offered at run time has ended"),
    }
}

/// The driver to send `id` to, marked in flight: the current one, or a new one when there is
/// none yet or the current one still holds an earlier request (abandoned past its timeout).
fn driver_for(id: &str) -> (Sender<Request>, InFlight) {
    let mut driver = lock(&DRIVER);
    let busy = driver
        .as_ref()
        .is_some_and(|d| lock(&d.in_flight).is_some());
    if driver.is_none() || busy {
        *driver = Some(start());
    }
    let d = driver.as_ref().expect("a driver was just started");
    *lock(&d.in_flight) = Some(id.to_string());
    (d.inbox.clone(), d.in_flight.clone())
}

/// Locks `m`, ignoring poisoning (the data is a plain mark or handle).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts a driver thread.
fn start() -> Driver {
    let (tx, rx) = channel::channel();
    let groups = GROUPS.get().cloned().unwrap_or_default();
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        // The main thread's size: criterion runs these closures on the main thread.
        .stack_size(8 << 20)
        .spawn(move || drive(&groups, rx))
        .expect("cannot start the thread that runs benchmarks offered at run time");
    Driver {
        inbox: tx,
        in_flight: Arc::default(),
    }
}

/// The driver thread: a serving pass for each request that the pass before could not serve.
fn drive(groups: &[Group], inbox: Receiver<Request>) {
    let mut inbox = inbox;
    let mut pending: Option<Request> = None;
    loop {
        let request = match pending.take() {
            Some(r) => r,
            None => match inbox.recv() {
                Ok(r) => r,
                Err(_) => return,
            },
        };
        let serving = Serving {
            inbox,
            waiting: Some(Waiting {
                request,
                since_start: true,
            }),
        };
        let Some(Pass::Serving(ended)) = run_pass(groups, Pass::Serving(serving)) else {
            return;
        };
        inbox = ended.inbox;
        match ended.waiting {
            Some(w) if w.since_start => finish(w.request, Reply::NotOffered),
            Some(w) => pending = Some(w.request),
            None => {}
        }
    }
}

/// Serves `id` as offered in a pass: runs its closure for each request for it, and returns
/// once the request waiting is for another benchmark.
pub(super) fn serve(id: &str, routine: &mut dyn FnMut(&mut Bencher)) {
    while let Some(request) = next_request_for(id) {
        run(request, routine);
    }
}

/// The waiting request if it is for `id` (waiting for the next one first if none is).
fn next_request_for(id: &str) -> Option<Request> {
    super::PASS.with(|p| {
        let mut pass = p.borrow_mut();
        let Some(Pass::Serving(s)) = pass.as_mut() else {
            return None;
        };
        if s.waiting.is_none() {
            let request = s.inbox.recv().ok()?;
            s.waiting = Some(Waiting {
                request,
                since_start: false,
            });
        }
        match &s.waiting {
            Some(w) if w.request.id == id => s.waiting.take().map(|w| w.request),
            _ => None,
        }
    })
}

/// Runs `routine` for `request` and replies.
fn run(request: Request, routine: &mut dyn FnMut(&mut Bencher)) {
    let Request {
        mut bencher,
        cpus,
        reply,
        in_flight,
        ..
    } = request;
    if let Some(cpus) = &cpus {
        let _ = affinity::set_allowed(cpus);
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| routine(&mut bencher)));
    let panic = outcome.err();
    reply_to(&in_flight, reply, Reply::Ran { bencher, panic });
}

/// Ends the request in flight with `reply`.
fn finish(request: Request, reply: Reply) {
    reply_to(&request.in_flight, request.reply, reply);
}

/// Clears the driver's in-flight mark, then sends `reply` (the caller may have stopped
/// waiting).
fn reply_to(in_flight: &InFlight, to: Sender<Reply>, reply: Reply) {
    *lock(in_flight) = None;
    let _ = to.send(reply);
}
