//! Running bench executables as `cargo bench` / `cargo test` would: in the package's
//! directory, with cargo's run-time environment, one after another (output streamed) or, in
//! test mode, several at once (each target's output buffered and printed whole when it ends).

use super::plan::Target;
use qudag_bench::escape::Term;
use qudag_bench::exit::ExitStatus;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use qudag_bench::harness::exit_guard::STATUS_FILE_ENV;

/// Where target `t` records the exit code its harness chose.
fn status_file(t: &Target, s: &Settings) -> std::path::PathBuf {
    // The crate name: short (a path could pass NAME_MAX) and unique among the targets of a
    // run (`plan::check_distinct`).
    s.status_dir.join(format!("{}.status", t.crate_name()))
}

/// The exit code that counts for target `t`: its own, unless the process ended some other
/// way than through its harness (a benchmark calling `exit`, a signal), which is a failed
/// benchmark (101), said on stderr with the benchmark that was running when it is known.
fn verified(t: &Target, s: &Settings, status: std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    // No file: not a qudag-bench harness (libtest's, criterion's), whose code stands.
    let recorded = std::fs::read_to_string(status_file(t, s)).ok();
    let chosen = recorded
        .as_deref()
        .and_then(|text| text.trim().parse::<i32>().ok());
    let how = match (status.code(), status.signal()) {
        // The harness's reserved codes count only when the harness chose them.
        (Some(c), _)
            if recorded.is_some()
                && ExitStatus::from_code(c).is_some_and(|s| s != ExitStatus::BenchFailed)
                && chosen != Some(c) =>
        {
            format!("exited with code {c}, but its harness did not end it")
        }
        (None, Some(sig)) => format!("was killed by signal {sig}"),
        (code, _) => return code,
    };
    let progress = qudag_bench::store::progress::read(&qudag_bench::store::progress::path(
        &s.home,
        &t.crate_name(),
    ));
    let during = match progress {
        Ok(p) if !p.finished && p.current.is_some() => format!(
            " while running `{}` ({} of {} benchmarks finished before it)",
            Term(&p.current.unwrap_or_default()),
            p.done,
            p.total
        ),
        _ => String::new(),
    };
    eprintln!(
        "error: {} {how}{during}; counted as a failed benchmark (exit code {})",
        Term(&t.name),
        ExitStatus::BenchFailed.code()
    );
    status.code().map(|_| ExitStatus::BenchFailed.code())
}

/// How every target runs.
pub struct Settings {
    /// Measured (`--bench` appended) or smoke test.
    pub measure: bool,
    /// The harness arguments after `--`.
    pub harness_args: Vec<OsString>,
    /// `$QUDAG_BENCH_HOME` for every target (absolute).
    pub home: std::path::PathBuf,
    /// The run group id.
    pub group: String,
    /// Send the targets' stdout to stderr (stdout carries `run --json -`), and no progress.
    pub stdout_to_stderr: bool,
    /// A private directory where each target's harness records the exit code it chose.
    pub status_dir: std::path::PathBuf,
    /// `run --notify`: the webhook each target's harness tells of a failed gate (passed in
    /// the environment, out of process listings: a webhook URL may hold a token).
    pub notify: Option<String>,
}

/// A target's run.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    /// Wall time.
    pub wall: Duration,
    /// The target's stdout, when it was captured (test mode).
    pub stdout: String,
}

/// The command for one target.
fn command(t: &Target, s: &Settings) -> Command {
    let mut cmd = Command::new(&t.executable);
    cmd.args(&s.harness_args);
    if s.measure {
        cmd.arg("--bench");
    }
    let dir = t.package_dir();
    // What cargo sets when it runs a bench or test executable (those a program may read).
    cmd.current_dir(dir)
        .env("CARGO", super::plan::cargo())
        .env("CARGO_MANIFEST_DIR", dir)
        .env("CARGO_MANIFEST_PATH", &t.package.manifest_path)
        .env("CARGO_PKG_NAME", &t.package.name)
        .env("CARGO_PKG_VERSION", &t.package.version)
        .env("CARGO_CRATE_NAME", t.crate_name())
        .env(qudag_bench::store::paths::HOME_ENV, &s.home)
        .env("QUDAG_BENCH_RUN_GROUP", &s.group)
        .envs(s.notify.as_ref().map(|url| ("QUDAG_BENCH_NOTIFY", url)))
        .env(STATUS_FILE_ENV, status_file(t, s));
    if let Some(deps) = t.executable.parent() {
        let mut paths = vec![deps.to_path_buf()];
        paths.extend(std::env::split_paths(
            &std::env::var_os("LD_LIBRARY_PATH").unwrap_or_default(),
        ));
        if let Ok(joined) = std::env::join_paths(paths) {
            cmd.env("LD_LIBRARY_PATH", joined);
        }
    }
    if s.stdout_to_stderr {
        cmd.env("QUDAG_BENCH_NO_PROGRESS", "1");
    }
    cmd
}

/// cargo's `Running` line: `     Running benches/work.rs (target/release/deps/work-1a2b)`.
pub fn running_line(t: &Target) -> String {
    let rel = |p: &Path, base: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let cwd = std::env::current_dir().unwrap_or_default();
    format!(
        "     Running {} ({})",
        rel(&t.src_path, t.package_dir()),
        rel(&t.executable, &cwd)
    )
}

fn spawn_error(t: &Target, e: std::io::Error) -> Finished {
    eprintln!(
        "error: cannot run {} ({}): {e}",
        Term(&t.name),
        Term(&t.executable.display().to_string())
    );
    Finished {
        code: Some(ExitStatus::BenchFailed.code()),
        wall: Duration::ZERO,
        stdout: String::new(),
    }
}

/// Runs one target with its output going straight to ours; in test mode stdout is copied
/// through line by line and kept (for its `test result:` line).
pub fn run_streamed(t: &Target, s: &Settings) -> Finished {
    eprintln!("{}", running_line(t));
    let start = Instant::now();
    let mut cmd = command(t, s);
    if s.measure {
        // Straight to the terminal: the progress line on stderr and the result lines on stdout
        // must reach it in the order they were written.
        cmd.stdout(if s.stdout_to_stderr {
            Stdio::from(std::io::stderr())
        } else {
            Stdio::inherit()
        });
        return match cmd.status() {
            Ok(status) => Finished {
                code: verified(t, s, status),
                wall: start.elapsed(),
                stdout: String::new(),
            },
            Err(e) => spawn_error(t, e),
        };
    }
    let mut child = match cmd.stdout(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return spawn_error(t, e),
    };
    let mut kept = String::new();
    if let Some(pipe) = child.stdout.take() {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if s.stdout_to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    let code = match child.wait() {
        Ok(status) => verified(t, s, status),
        Err(_) => None,
    };
    Finished {
        code,
        wall: start.elapsed(),
        stdout: kept,
    }
}

/// Runs one target with its output captured.
fn run_captured(t: &Target, s: &Settings) -> (Finished, Vec<u8>) {
    let start = Instant::now();
    match command(t, s).stdin(Stdio::null()).output() {
        Ok(out) => (
            Finished {
                code: verified(t, s, out.status),
                wall: start.elapsed(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            },
            out.stderr,
        ),
        Err(e) => (spawn_error(t, e), Vec::new()),
    }
}

/// Runs `targets` on `jobs` threads, each target's output printed whole when it finishes
/// (its `Running` line and stdout to stdout, its stderr to stderr). Results in `targets`' order.
pub fn run_concurrently(targets: &[Target], s: &Settings, jobs: usize) -> Vec<Finished> {
    let queue = Mutex::new((0..targets.len()).collect::<VecDeque<usize>>());
    let results: Mutex<Vec<Option<Finished>>> = Mutex::new(vec![None; targets.len()]);
    let print = Mutex::new(());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(targets.len()) {
            scope.spawn(|| {
                loop {
                    let Some(i) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let t = &targets[i];
                    let (finished, stderr) = run_captured(t, s);
                    {
                        let _turn = print.lock().unwrap();
                        let block = format!("{}\n{}", running_line(t), finished.stdout);
                        if s.stdout_to_stderr {
                            let _ = std::io::stderr().lock().write_all(block.as_bytes());
                        } else {
                            let mut out = std::io::stdout().lock();
                            let _ = out.write_all(block.as_bytes());
                            let _ = out.flush();
                        }
                        let mut err = std::io::stderr().lock();
                        let _ = err.write_all(&stderr);
                        let _ = err.flush();
                    }
                    results.lock().unwrap()[i] = Some(finished);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every target ran"))
        .collect()
}
