//! `--json -` in bench mode: stdout carries the JSON report and nothing else. A benchmark
//! printing to stdout (in its setup or timed loop) would otherwise put its bytes before the
//! document. So the real stdout is kept aside on a duplicate descriptor for the report, and
//! fd 1 is pointed at stderr: the benchmarks' own output and the harness's lines go there.

use crate::cli::Cli;
use crate::report::files;
use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, RawFd};

/// With `--json -`, keeps the real stdout for the JSON report and sends everything else
/// written to stdout (by the benchmarks, the harness, child processes) to stderr. If the
/// descriptors cannot be juggled (no descriptor left), says so and leaves stdout as it is.
pub fn reserve_for_json(cli: &Cli) {
    if cli.harness.json.as_deref() != Some("-") {
        return;
    }
    match redirect() {
        Ok(kept) => files::keep_stdout_for_documents(kept),
        Err(e) => eprintln!(
            "warning: --json -: cannot keep stdout for the report alone ({e}); output the \
             benchmarks print to stdout comes before it"
        ),
    }
}

/// Duplicates fd 1 (close-on-exec: child processes must not write into the document), then
/// makes fd 1 a copy of fd 2. Returns the duplicate.
pub(super) fn redirect() -> std::io::Result<File> {
    // Bytes still in Rust's buffer belong before the switch; after it they would reach stderr.
    std::io::stdout().flush()?;
    // SAFETY: plain descriptor calls; `kept` is a fresh descriptor we own from here on.
    let kept: RawFd = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_DUPFD_CLOEXEC, 3) };
    if kept < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `kept` is open and owned by nobody else.
    let kept = unsafe { File::from_raw_fd(kept) };
    // SAFETY: dup2 on two descriptors of this process; fd 1 stays open throughout.
    if unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(kept)
}
