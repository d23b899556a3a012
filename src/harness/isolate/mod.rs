//! `--isolate`: each benchmark is measured in a fresh child process of this bench binary
//! (`--qudag-bench-isolated ID`, [`child`]), under its resource limits ([`limits`]) and, with
//! `network = "none"`, in a network namespace of its own ([`sandbox`]). A child
//! that dies (a signal, an abort, a stack overflow, `exit(N)`, a limit) fails that benchmark
//! alone, with the cause and the end of its stderr ([`death`]); the parent goes on and
//! assembles the one report as in-process runs do.

mod cgroup;
pub mod child;
mod death;
mod limits;
mod sandbox;

use super::exec::GRACE;
use crate::analyze::{self, Analyzed, Outcome};
use crate::bencher::Finished;
use crate::config::Isolation;
use crate::measure::Settings;
use crate::registry::Benchmark;
use crate::schema::{BenchResult, Calibration, IsolationRun};
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The harness's arguments, passed on to each child (with the child's own flag added).
static ARGS: OnceLock<Vec<OsString>> = OnceLock::new();

/// Time given to a child beyond the benchmark's timeout and grace: start-up and calibration.
const START_UP: Duration = Duration::from_secs(10);

/// The parent's timer calibration as JSON, for the child to use instead of measuring its own
/// (about 30 ms of the 50 a child costs): one binary on one machine, and every benchmark of
/// the run then has the same overheads subtracted, isolated or not.
pub const CALIBRATION_ENV: &str = "QUDAG_BENCH_ISOLATED_CALIBRATION";

/// How much of a child's stderr is kept (its end), for the message of a child that died.
const STDERR_TAIL: usize = 4096;

/// Records the harness's arguments (the first is the program name) for the children.
pub fn remember_args(args: &[OsString]) {
    let _ = ARGS.set(args.iter().skip(1).cloned().collect());
}

/// Measures `bench` in a child process as `isolation` says and returns its analysed result,
/// a `failed` one saying why the child left none, or a `skipped` one when it needs a network
/// namespace this host does not allow.
pub fn measure(
    bench: &Benchmark,
    settings: Settings,
    isolation: Isolation,
    calibration: &Calibration,
) -> Analyzed {
    let started = Instant::now();
    let memory = isolation.limits.memory_bytes.and_then(memory_cgroup);
    let child = Spawn {
        bench,
        isolation,
        memory: memory.as_ref(),
        calibration,
    };
    let mut analyzed = run_child(child, settings, started);
    analyzed.result.isolation = Some(described(isolation, memory.is_some()));
    analyzed
}

/// A memory cgroup limited to `bytes`, or `None` (then `RLIMIT_AS`) with the reason said once
/// per run.
fn memory_cgroup(bytes: u64) -> Option<cgroup::MemoryCgroup> {
    static SAID: std::sync::Once = std::sync::Once::new();
    cgroup::MemoryCgroup::create(bytes)
        .map_err(|why| {
            SAID.call_once(|| {
                eprintln!(
                    "qudag-bench: memory_limit is set as RLIMIT_AS (address space), not by a \
                     memory cgroup: {why}"
                )
            })
        })
        .ok()
}

/// How `isolation` is written in the report; `by_cgroup`: its memory limit was a cgroup's.
fn described(isolation: Isolation, by_cgroup: bool) -> IsolationRun {
    let limits = isolation.limits;
    let rlimits = limits.cpu_time_s.is_some()
        || limits.open_files.is_some()
        || (limits.memory_bytes.is_some() && !by_cgroup);
    let limits_by = match (by_cgroup, rlimits) {
        (true, true) => Some("cgroup-v1+rlimit"),
        (true, false) => Some("cgroup-v1"),
        (false, true) => Some("rlimit"),
        (false, false) => None,
    };
    let memory_by = match by_cgroup {
        true => "cgroup-v1",
        false => "rlimit",
    };
    IsolationRun {
        memory_limit_bytes: limits.memory_bytes,
        cpu_time_limit_s: limits.cpu_time_s,
        open_files_limit: limits.open_files,
        limits_by: limits_by.map(str::to_string),
        memory_limit_by: limits.memory_bytes.map(|_| memory_by.to_string()),
        network: match isolation.without_network() {
            true => "none",
            false => "host",
        }
        .to_string(),
    }
}

/// Starts the child, waits for it and reads its result, or says why there is none.
fn run_child(spawn: Spawn<'_>, settings: Settings, started: Instant) -> Analyzed {
    let Spawn {
        bench,
        isolation,
        memory,
        ..
    } = spawn;
    let limits = isolation.limits;
    let died = |message: String| {
        let context = analyze::Context {
            bench,
            settings,
            system: None,
            wall_time_s: started.elapsed().as_secs_f64(),
        };
        analyze::result(context, Outcome::Died(message))
    };
    let mut child = match spawn.start() {
        Ok(child) => child,
        Err(e) if isolation.without_network() => {
            return skipped(bench, settings, started, &sandbox_refused(&e));
        }
        Err(e) => return died(format!("cannot start its isolated process: {e}")),
    };
    let stdout = read_all(child.stdout.take(), usize::MAX);
    let stderr = read_all(child.stderr.take(), STDERR_TAIL);
    let deadline = started
        + settings
            .timeout
            .saturating_add(GRACE)
            .saturating_add(START_UP);
    let status = wait_until(&mut child, deadline);
    let (stdout, stderr) = (joined(stdout), joined(stderr));
    if status.is_some_and(|s| s.success())
        && let Ok(result) = serde_json::from_slice::<BenchResult>(&stdout)
    {
        // The child exited: a benchmark it abandoned after its timeout went with it.
        return Analyzed {
            result,
            hung: false,
        };
    }
    let tail = String::from_utf8_lossy(&stderr);
    died(death::describe(&death::Death {
        status,
        stderr_tail: &tail,
        limits,
        oom_killed: memory.is_some_and(cgroup::MemoryCgroup::oom_killed),
    }))
}

/// Why a `network = "none"` benchmark is skipped: its child could not get a network namespace
/// (the first step after fork, so a failed start is that). The benchmark's line says it.
fn sandbox_refused(e: &std::io::Error) -> String {
    format!(
        "network = \"none\" needs a network namespace of its own, which this host does not \
         allow ({e}); not run with the host's network"
    )
}

/// `bench` skipped for `reason`, before anything ran.
fn skipped(bench: &Benchmark, settings: Settings, started: Instant, reason: &str) -> Analyzed {
    let context = analyze::Context {
        bench,
        settings,
        system: None,
        wall_time_s: started.elapsed().as_secs_f64(),
    };
    let finished = Finished {
        skipped: Some(reason.to_string()),
        timed: false,
        throughput: None,
        measured: None,
        metrics: Default::default(),
    };
    analyze::result(context, Outcome::Returned(Box::new(finished)))
}

/// What a child is started with.
#[derive(Clone, Copy)]
struct Spawn<'a> {
    bench: &'a Benchmark,
    isolation: Isolation,
    /// The cgroup of its `memory_limit`, if one could be made.
    memory: Option<&'a cgroup::MemoryCgroup>,
    /// The parent's timer calibration, passed on.
    calibration: &'a Calibration,
}

impl Spawn<'_> {
    /// Starts this binary as the child measuring the benchmark, isolated as `isolation` says,
    /// in the `memory` cgroup when there is one (then the memory limit is not also an rlimit).
    fn start(self) -> std::io::Result<Child> {
        let Spawn {
            bench,
            isolation,
            memory,
            calibration,
        } = self;
        // Pretty, like every document this crate writes: one JSON formatter compiled.
        let calibration = serde_json::to_vec_pretty(calibration).expect("a calibration serializes");
        let calibration = String::from_utf8(calibration).expect("serde_json writes UTF-8");
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.args(ARGS.get().map(Vec::as_slice).unwrap_or_default())
            .arg("--qudag-bench-isolated")
            .arg(&bench.id)
            .env(CALIBRATION_ENV, calibration)
            // The parent alone reports its exit code to `qudag-bench run`.
            .env_remove(super::exit_guard::STATUS_FILE_ENV)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (mut limits, network) = (isolation.limits, isolation.without_network());
        let procs = memory.map(cgroup::MemoryCgroup::procs);
        if procs.is_some() {
            limits.memory_bytes = None;
        }
        let parent = std::process::id();
        // SAFETY: the closure only makes system calls (prctl, getppid, open, write, close,
        // unshare, socket, ioctl, getrlimit, setrlimit), which are safe between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                end_with_parent(parent)?;
                if let Some(procs) = &procs {
                    cgroup::join(procs)?;
                }
                if network {
                    sandbox::enter_network_namespace()?;
                }
                limits::apply(&limits)
            });
        }
        cmd.spawn()
    }
}

/// Asks the kernel to kill the child when the thread that started it ends, so that a harness
/// that is killed does not leave its child measuring on until its timeout (the thread waits
/// for the child, so it never ends first otherwise); fails if the parent is already gone.
/// Runs between fork and exec.
fn end_with_parent(parent: u32) -> std::io::Result<()> {
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and nothing else.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: getppid has no arguments and cannot fail.
    if unsafe { libc::getppid() } as u32 != parent {
        return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
    }
    Ok(())
}

/// Reads `source` to its end on a thread, keeping at most its last `keep` bytes.
fn read_all(source: Option<impl Read + Send + 'static>, keep: usize) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(mut source) = source else {
            return kept;
        };
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = source.read(&mut buf) {
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > keep {
                kept.drain(..kept.len() - keep);
            }
        }
        kept
    })
}

fn joined(reader: JoinHandle<Vec<u8>>) -> Vec<u8> {
    reader.join().unwrap_or_default()
}

/// Waits for `child` until `deadline`; past it, kills it and returns `None`.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}
