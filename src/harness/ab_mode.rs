//! The hidden worker mode behind `qudag-bench ab` (`--qudag-bench-ab-worker`): the controller
//! opens one benchmark at a time and asks for samples of a given number of iterations, so it
//! can alternate two builds sample by sample. The protocol is in
//! [`crate::ab::protocol`].

use super::exec::panic_message;
use super::select::Selection;
use crate::ab::protocol::{CPU_ENV, Command, ProtocolError, Reply, VERSION};
use crate::analyze::NO_TIMING_CALL;
use crate::bencher::{Bencher, Mode};
use crate::cli::Cli;
use crate::config::Resolver;
use crate::exit::ExitStatus;
use crate::measure::affinity;
use crate::measure::probe::Probe;
use crate::measure::{ExternalDriver, Guard, Instruments, MeasureContext};
use crate::schema::Calibration;
use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Serves the protocol on stdin/stdout until `quit` or end of input; returns the exit code.
pub fn run(cli: &Cli, resolver: &Resolver, selection: Selection) -> ExitStatus {
    let (to_run, _, _) = selection.filtered(cli);
    // Single-threaded benchmarks run on the CPU the controller names; threaded ones on all.
    let all_cpus = affinity::allowed_cpus().unwrap_or_default();
    let pin: Option<usize> = std::env::var(CPU_ENV).ok().and_then(|v| v.parse().ok());
    if let Some(cpu) = pin {
        let _ = affinity::set_allowed(&[cpu]);
    }
    // Calibrated on the CPU the samples will run on.
    let calibration = Calibration::measure();
    send(&Reply::Hello {
        version: VERSION,
        ids: to_run.iter().map(|b| b.id.clone()).collect(),
    });
    loop {
        let command = match next_command() {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                send(&Reply::Failed(e.to_string()));
                continue;
            }
            None => return ExitStatus::Success,
        };
        let id = match command {
            Command::Open(id) => id,
            Command::Quit => return ExitStatus::Success,
            other => {
                send(&Reply::Failed(format!(
                    "`{}` needs an open benchmark",
                    other.to_line()
                )));
                continue;
            }
        };
        let Some(bench) = to_run.iter().find(|b| b.id == id) else {
            send(&Reply::Failed(format!(
                "no selected benchmark has the id `{id}`"
            )));
            continue;
        };
        // Setup runs on any CPU (the controller opens both sides at once); the timed part of a
        // single-threaded benchmark runs on the round's CPU.
        if pin.is_some() {
            let _ = affinity::set_allowed(&all_cpus);
        }
        let threaded = bench.threads.unwrap_or(1) > 1;
        let driver = Arc::new(StdioDriver {
            pin: pin.filter(|_| !threaded),
            opened: AtomicBool::new(false),
        });
        let ctx = Arc::new(MeasureContext {
            settings: resolver.settings(bench),
            calibration,
            // The controller kills a worker that stops answering; nothing to time out here.
            guard: Guard::after(Instant::now(), Duration::MAX),
            instruments: Instruments::default(),
            external: Some(driver.clone()),
        });
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut bencher = Bencher::new(Mode::Measure(ctx), bench.threads.unwrap_or(1));
            bench.call(&mut bencher);
            bencher.finish().skipped
        }));
        match outcome {
            Err(payload) => send(&Reply::Failed(panic_message(payload.as_ref()))),
            // Nothing was measured on this side, so there is nothing to compare.
            Ok(Some(reason)) => send(&Reply::Failed(format!(
                "skipped itself (b.skip: {reason}); an A/B comparison needs it measured"
            ))),
            Ok(None) if !driver.opened.load(Ordering::SeqCst) => {
                send(&Reply::Failed(NO_TIMING_CALL.to_string()))
            }
            Ok(None) => send(&Reply::Closed),
        }
    }
}

/// Hands a benchmark's samples to the controller's commands.
#[derive(Debug)]
struct StdioDriver {
    /// The CPU to run the samples on.
    pin: Option<usize>,
    /// Whether the benchmark reached its timing call.
    opened: AtomicBool,
}

impl ExternalDriver for StdioDriver {
    fn drive(
        &self,
        (sample_ns, iter_ns): (f64, f64),
        sample: &mut dyn FnMut(u64, &mut Probe) -> Duration,
    ) {
        self.opened.store(true, Ordering::SeqCst);
        if let Some(cpu) = self.pin {
            let _ = affinity::set_allowed(&[cpu]);
        }
        send(&Reply::Opened { sample_ns, iter_ns });
        let mut probe = Probe::off();
        loop {
            match next_command() {
                Some(Ok(Command::Sample(n))) => {
                    let elapsed = sample(n, &mut probe);
                    send(&Reply::Elapsed(
                        elapsed.as_nanos().min(u128::from(u64::MAX)) as u64,
                    ));
                }
                Some(Ok(Command::Close)) => return,
                Some(Ok(Command::Quit)) | None => super::exit_guard::exit(ExitStatus::Success),
                Some(Ok(Command::Open(_))) => {
                    send(&Reply::Failed("a benchmark is already open".into()))
                }
                Some(Err(e)) => send(&Reply::Failed(e.to_string())),
            }
        }
    }
}

/// The next command on stdin; `None` at end of input.
fn next_command() -> Option<Result<Command, ProtocolError>> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(Command::parse(&line)),
    }
}

/// Writes one reply line; a controller that has gone away ends the worker.
fn send(reply: &Reply) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", reply.to_line())
        .and_then(|()| out.flush())
        .is_err()
    {
        super::exit_guard::exit(ExitStatus::Success);
    }
}
