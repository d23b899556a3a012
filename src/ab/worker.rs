//! The controller's side of one worker process: a bench binary started in A/B worker mode,
//! with a reader thread so that every reply can be waited for with a timeout.

use crate::ab::protocol::{CPU_ENV, Command, ProtocolError, Reply, VERSION, WORKER_FLAG};
use crate::channel::{self, Receiver, RecvTimeoutError};
use crate::error::Error;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One side of the comparison: a bench binary and the selection arguments it gets.
#[derive(Debug, Clone)]
pub struct Arm {
    /// `base` or `head`, for messages.
    pub label: &'static str,
    /// The bench binary.
    pub exe: PathBuf,
    /// libtest selection arguments (FILTER, `--exact`, `--skip`, ...).
    pub args: Vec<OsString>,
    /// Variables set for the worker on top of the controller's environment.
    pub env: Vec<(String, String)>,
    /// The worker's working directory; `None`: the controller's.
    pub dir: Option<PathBuf>,
}

impl Arm {
    /// A side run as the controller runs: its environment and working directory.
    pub fn new(label: &'static str, exe: PathBuf, args: Vec<OsString>) -> Arm {
        Arm {
            label,
            exe,
            args,
            env: Vec::new(),
            dir: None,
        }
    }
}

/// Why a request did not get the reply it asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerError {
    /// The benchmark failed (panicked, or never timed anything); the worker is still usable.
    Failed(String),
    /// The worker died, hung past the timeout or broke the protocol; it must be replaced.
    Dead(String),
}

/// A running worker process.
pub struct Worker {
    label: &'static str,
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Result<Reply, ProtocolError>>,
    stderr: Arc<Mutex<String>>,
    timeout: Duration,
}

/// Longest wait for a starting worker's `hello` (the harness calibrates for about 30 ms).
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this much of a worker's stderr is kept for error messages.
const STDERR_KEEP: usize = 4096;

impl Worker {
    /// Starts `arm`'s binary in worker mode and waits for its `hello`; returns the worker and
    /// its selected benchmark ids. `timeout` bounds every wait for a reply; `cpu` is the CPU
    /// its single-threaded benchmarks are pinned to.
    pub fn spawn(
        arm: &Arm,
        timeout: Duration,
        cpu: Option<usize>,
    ) -> Result<(Worker, Vec<String>), Error> {
        Worker::start(arm, timeout, cpu)?.hello()
    }

    /// Starts two workers at once (their start-ups overlap) and waits for both.
    pub fn spawn_pair(
        base: &Arm,
        head: &Arm,
        timeout: Duration,
        cpu: Option<usize>,
    ) -> Result<(Worker, Worker), Error> {
        let b = Worker::start(base, timeout, cpu)?;
        let h = Worker::start(head, timeout, cpu)?;
        Ok((b.hello()?.0, h.hello()?.0))
    }

    /// A worker process started, its `hello` not yet read.
    fn start(arm: &Arm, timeout: Duration, cpu: Option<usize>) -> Result<Starting, Error> {
        let mut process = Process::new(&arm.exe);
        process.envs(arm.env.iter().cloned());
        if let Some(dir) = &arm.dir {
            process.current_dir(dir);
        }
        if let Some(cpu) = cpu {
            process.env(CPU_ENV, cpu.to_string());
        }
        let mut child = process
            .arg("--bench")
            .arg(WORKER_FLAG)
            .args(&arm.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::worker(format!(
                    "{} binary {}: cannot start it: {e}",
                    arm.label,
                    arm.exe.display()
                ))
            })?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr_pipe = child.stderr.take().expect("stderr is piped");
        let (tx, replies) = channel::channel();
        std::thread::spawn(move || {
            // Bytes, not `lines()`: output of the benchmark that is not UTF-8 must not end
            // the reader while replies are still coming.
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
                if let Some(reply) = Reply::find(&String::from_utf8_lossy(&buf))
                    && tx.send(reply).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let keep = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            let mut pipe = stderr_pipe;
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut kept = keep.lock().unwrap_or_else(|e| e.into_inner());
                kept.push_str(&String::from_utf8_lossy(&buf[..n]));
                if kept.len() > STDERR_KEEP {
                    let cut = kept.len() - STDERR_KEEP;
                    let cut = (cut..kept.len())
                        .find(|&i| kept.is_char_boundary(i))
                        .unwrap_or(0);
                    kept.drain(..cut);
                }
            }
        });
        Ok(Starting {
            worker: Worker {
                label: arm.label,
                child,
                stdin,
                replies,
                stderr,
                timeout,
            },
            exe: arm.exe.clone(),
        })
    }
}

/// A worker whose `hello` has not been read yet.
struct Starting {
    worker: Worker,
    exe: PathBuf,
}

impl Starting {
    /// Waits for the worker's `hello`; returns it with its benchmark ids.
    fn hello(mut self) -> Result<(Worker, Vec<String>), Error> {
        let label = self.worker.label;
        let exe = self.exe.display().to_string();
        let not_worker = |why: String| {
            Error::worker(format!(
                "{label} binary {exe} is not a qudag-bench bench binary speaking A/B protocol \
                 {VERSION} ({why})"
            ))
        };
        // A binary that is not a worker may say nothing at all: do not wait for the (long)
        // reply timeout, which is there for benchmarks' setups.
        let timeout = std::mem::replace(&mut self.worker.timeout, HELLO_TIMEOUT);
        let hello = self.worker.receive();
        self.worker.timeout = timeout;
        match hello {
            Ok(Reply::Hello { version, ids }) if version == VERSION => Ok((self.worker, ids)),
            Ok(Reply::Hello { version, .. }) => {
                Err(not_worker(format!("it speaks version {version}")))
            }
            Ok(other) => Err(not_worker(format!("it began with {other:?}"))),
            Err(WorkerError::Dead(why) | WorkerError::Failed(why)) => Err(not_worker(why)),
        }
    }
}

impl Worker {
    /// Runs benchmark `id` up to its timing call; returns its loop overheads (per sample, per
    /// iteration, ns).
    pub fn open(&mut self, id: &str) -> Result<(f64, f64), WorkerError> {
        self.start_open(id)?;
        self.finish_open()
    }

    /// Sends `open` without waiting, so that two workers can run their setups at once.
    pub fn start_open(&mut self, id: &str) -> Result<(), WorkerError> {
        self.send(&Command::Open(id.to_string()))
    }

    /// Waits for the reply to [`Worker::start_open`].
    pub fn finish_open(&mut self) -> Result<(f64, f64), WorkerError> {
        match self.reply()? {
            Reply::Opened { sample_ns, iter_ns } => Ok((sample_ns, iter_ns)),
            other => Err(self.unexpected("opened", &other)),
        }
    }

    /// One sample of `iters` iterations; its elapsed time in ns.
    pub fn sample(&mut self, iters: u64) -> Result<u64, WorkerError> {
        match self.request(&Command::Sample(iters))? {
            Reply::Elapsed(ns) => Ok(ns),
            other => Err(self.unexpected("elapsed", &other)),
        }
    }

    /// Leaves the open benchmark (its teardown runs).
    pub fn close(&mut self) -> Result<(), WorkerError> {
        match self.request(&Command::Close)? {
            Reply::Closed => Ok(()),
            other => Err(self.unexpected("closed", &other)),
        }
    }

    fn request(&mut self, command: &Command) -> Result<Reply, WorkerError> {
        self.send(command)?;
        self.reply()
    }

    fn send(&mut self, command: &Command) -> Result<(), WorkerError> {
        writeln!(self.stdin, "{}", command.to_line())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| WorkerError::Dead(self.died(&format!("cannot write to it: {e}"))))
    }

    /// The next reply, with `failed` turned into [`WorkerError::Failed`].
    fn reply(&mut self) -> Result<Reply, WorkerError> {
        match self.receive()? {
            Reply::Failed(text) => Err(WorkerError::Failed(text)),
            reply => Ok(reply),
        }
    }

    fn receive(&mut self) -> Result<Reply, WorkerError> {
        match self.replies.recv_timeout(self.timeout) {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(malformed)) => Err(WorkerError::Dead(self.died(&malformed.to_string()))),
            Err(RecvTimeoutError::Timeout) => Err(WorkerError::Dead(
                self.died(&format!("no reply within {:?} (timed out)", self.timeout)),
            )),
            Err(RecvTimeoutError::Disconnected) => {
                // Give the exit status and stderr a moment to arrive, but do not wait on a
                // process that closed its output and lives on.
                let mut status = None;
                for _ in 0..100 {
                    status = self.child.try_wait().ok().flatten();
                    if status.is_some() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                std::thread::sleep(Duration::from_millis(20));
                let why = match status {
                    Some(s) => format!("it exited ({s})"),
                    None => "it closed its output".into(),
                };
                Err(WorkerError::Dead(self.died(&why)))
            }
        }
    }

    fn unexpected(&mut self, wanted: &str, got: &Reply) -> WorkerError {
        WorkerError::Dead(self.died(&format!("expected `{wanted}`, got {got:?}")))
    }

    /// A message about this worker's failure, with the end of its stderr.
    fn died(&mut self, why: &str) -> String {
        let _ = self.child.kill();
        let stderr = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        if tail.is_empty() {
            format!("{} worker: {why}", self.label)
        } else {
            format!(
                "{} worker: {why}; its stderr ends: {}",
                self.label,
                tail.join(" / ")
            )
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", Command::Quit.to_line());
        let _ = self.stdin.flush();
        // A worker stuck inside a benchmark does not read `quit`.
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
