//! Tells the harness's own exit from a benchmark ending the process.
//!
//! The harness's exit codes (0, 2, 3, 101) are reserved: a benchmark that calls
//! `std::process::exit(3)` must not read as a failed gate. [`install`] registers an `atexit`
//! hook that turns any exit the harness did not make itself into 101 with a message naming the
//! benchmark that was running, and signal handlers that name it when the process crashes
//! (segfault, abort, stack overflow). [`exit`] is the harness's own way out: it also writes the
//! code to `$QUDAG_BENCH_STATUS_FILE` when that is set, so that `qudag-bench run` can tell a
//! code the harness chose from one a benchmark's `_exit` chose.

use crate::escape::Term;
use crate::exit::ExitStatus;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The environment variable naming the file that receives the harness's exit code.
pub const STATUS_FILE_ENV: &str = "QUDAG_BENCH_STATUS_FILE";

/// The status file named by [`STATUS_FILE_ENV`] at start.
static STATUS_FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
/// Set once the harness itself decided to exit.
static HARNESS_EXITING: AtomicBool = AtomicBool::new(false);
/// The benchmark running now, for the `atexit` message.
static RUNNING: Mutex<Option<String>> = Mutex::new(None);
/// The crash message for the benchmark running now, pre-formatted because a signal handler
/// may only `write(2)`. One pointer to a leaked buffer (a few dozen bytes per benchmark), so
/// that a handler on any thread sees a whole message or none, and never freed memory.
static CRASH_MESSAGE: AtomicPtr<Box<[u8]>> = AtomicPtr::new(std::ptr::null_mut());
/// Set by the first fatal signal, so that a stack overflow (SIGSEGV, then SIGABRT from Rust's
/// own handler) is named once.
static CRASH_REPORTED: AtomicBool = AtomicBool::new(false);

const FATAL_SIGNALS: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
];
/// The handlers that were installed before ours (Rust's stack-overflow handler for SIGSEGV
/// and SIGBUS), called after our message.
static PREVIOUS: Mutex<Vec<(libc::c_int, libc::sigaction)>> = Mutex::new(Vec::new());

/// What the harness writes to [`STATUS_FILE_ENV`] at start, before its exit code replaces it:
/// a file holding it says "a qudag-bench harness ran and did not choose its exit".
pub const STARTED: &str = "started";

/// Installs the `atexit` hook and the fatal-signal handlers, and marks the status file (if
/// any) as started. Call once, first thing in `main`.
pub fn install() {
    if let Some(path) = std::env::var_os(STATUS_FILE_ENV).filter(|p| !p.is_empty()) {
        let _ = std::fs::write(&path, format!("{STARTED}\n"));
        let _ = STATUS_FILE.set(path.into());
    }
    // Taken out of the environment so that child processes of this binary (callgrind's runs
    // of it) cannot write this process's code.
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe { std::env::remove_var(STATUS_FILE_ENV) };
    // SAFETY: `on_exit` is an `extern "C" fn()` that lives for the whole program.
    unsafe { libc::atexit(on_exit) };
    let mut previous = PREVIOUS.lock().unwrap_or_else(|e| e.into_inner());
    for signal in FATAL_SIGNALS {
        // SAFETY: a zeroed sigaction is a valid value to fill in; the handler only calls
        // async-signal-safe functions (write, sigaction, raise) and the saved handler.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal_signal as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, &action, &mut old) != 0 {
                continue;
            }
            if old.sa_sigaction == libc::SIG_IGN {
                // Ignored on purpose by whoever started us: leave it so.
                libc::sigaction(signal, &old, std::ptr::null_mut());
                continue;
            }
            previous.push((signal, old));
        }
    }
}

/// Records that `id` is running now (or nothing, with `None`), with `done` benchmarks of this
/// run finished before it and kept in `kept_in` (for example `results/crypto.json`), for the
/// messages printed if the process ends during it.
pub fn running(id: Option<&str>, done: usize, kept_in: &str) {
    *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = id.map(str::to_string);
    let kept = format!("the {done} benchmark(s) measured before it are kept in {kept_in}");
    set_message(id, &kept);
}

/// Pre-formats the crash message for a signal handler (see [`CRASH_MESSAGE`]), naming `id`
/// and ending with `kept` (what was kept).
fn set_message(id: Option<&str>, kept: &str) {
    let message = id.map(|id| {
        format!(
            "\nqudag-bench: the process crashed while running benchmark `{}`; {kept}\n",
            Term(id)
        )
    });
    let ptr = message.map_or(std::ptr::null_mut(), |m| {
        Box::into_raw(Box::new(m.into_bytes().into_boxed_slice()))
    });
    CRASH_MESSAGE.store(ptr, Ordering::SeqCst);
}

/// Smoke tests running now (test mode runs several at once), for the messages.
static TESTS_RUNNING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Test mode: benchmark `id` starts (`true`) or ends (`false`) its smoke test, so that a
/// crash during it is named.
pub fn test_running(id: &str, started: bool) {
    let mut running = TESTS_RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    if started {
        running.push(id.to_string());
    } else if let Some(i) = running.iter().position(|r| r == id) {
        running.remove(i);
    }
    let named = match running.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [first, rest @ ..] => Some(format!(
            "{}` (or one of the {} others running with it: `{}",
            first,
            rest.len(),
            rest.join("`, `")
        )),
    };
    set_message(named.as_deref(), "a smoke test records no results");
    *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = named;
}

/// An isolated child (`--isolate`): a benchmark's `exit(N)` keeps its code, which the parent
/// reports, instead of becoming 101 here.
pub fn pass_exit_codes_through() {
    HARNESS_EXITING.store(true, Ordering::SeqCst);
}

/// The harness's own exit: records its code in `$QUDAG_BENCH_STATUS_FILE` (if set) and exits.
pub fn exit(status: ExitStatus) -> ! {
    HARNESS_EXITING.store(true, Ordering::SeqCst);
    let code = status.code();
    if let Some(path) = STATUS_FILE.get() {
        // `qudag-bench run` takes a file still saying "started" as not the harness's exit.
        if let Err(e) = std::fs::write(path, format!("{code}\n")) {
            eprintln!(
                "warning: cannot record exit code {code} in {} ({e}); `qudag-bench run` will \
                 count this target as failed",
                Term(&path.to_string_lossy())
            );
        }
    }
    std::process::exit(code)
}

extern "C" fn on_exit() {
    if HARNESS_EXITING.load(Ordering::SeqCst) {
        return;
    }
    let running = RUNNING.try_lock().ok().and_then(|r| r.clone());
    let what = match running {
        Some(id) => format!("benchmark `{}`", Term(&id)),
        None => "a benchmark".to_string(),
    };
    eprintln!(
        "\nerror: {what} ended the process (std::process::exit or similar) before the harness \
         finished; exit code {}, as for a failed benchmark (the harness's codes 0, 2 \
         and 3 are its own)",
        ExitStatus::BenchFailed.code()
    );
    // SAFETY: `_exit` ends the process at once; nothing runs after it.
    unsafe { libc::_exit(ExitStatus::BenchFailed.code()) }
}

extern "C" fn on_fatal_signal(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    let message = CRASH_MESSAGE.load(Ordering::SeqCst);
    if !message.is_null() && !CRASH_REPORTED.swap(true, Ordering::SeqCst) {
        // SAFETY: a non-null pointer is a leaked, never-freed message.
        let bytes: &[u8] = unsafe { &*message };
        // SAFETY: write(2) on a buffer we own.
        unsafe { libc::write(libc::STDERR_FILENO, bytes.as_ptr().cast(), bytes.len()) };
    }
    // Hand over to whoever was there before (Rust's stack-overflow report), else to the
    // default action: returning re-runs the faulting instruction, or for SIGABRT lets
    // `abort` finish.
    let previous = PREVIOUS
        .try_lock()
        .ok()
        .and_then(|p| p.iter().find(|(s, _)| *s == signal).map(|(_, a)| *a));
    match previous {
        Some(old)
            if old.sa_sigaction != libc::SIG_DFL
                && old.sa_sigaction != libc::SIG_IGN
                && old.sa_flags & libc::SA_SIGINFO != 0 =>
        {
            // SAFETY: the saved handler was installed for this signal with SA_SIGINFO.
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { std::mem::transmute(old.sa_sigaction) };
            handler(signal, info, context);
            // Rust's handler deals with stack overflows only and returns for anything else,
            // expecting the faulting instruction to fault again; a signal sent with `kill` or
            // `raise` repeats nothing, so it must be raised again to end the process.
            // SAFETY: `info` is the kernel's siginfo for this signal, or null.
            if !info.is_null() && unsafe { (*info).si_code } <= 0 {
                default_and_raise(signal);
            }
        }
        // The raised signal is delivered when this handler returns: a signal sent with `kill`
        // (which no instruction repeats) ends the process too.
        _ => default_and_raise(signal),
    }
}

/// Restores the default action of `signal` and raises it.
fn default_and_raise(signal: libc::c_int) {
    // SAFETY: restoring the default action and raising are async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
        libc::raise(signal);
    }
}
