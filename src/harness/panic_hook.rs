//! The panic message on stderr. Rust's default hook prints the panicking thread's name (for a
//! benchmark, its id) and the message as they are, so a panic message or an id carrying
//! `ESC[2J` would clear the user's screen. Text with control characters is printed escaped
//! instead; any other panic is left to the default hook, backtraces and all.

use crate::escape::{Term, TermLines, terminal, terminal_lines};
use crate::measure::parallel::panic_text;
use std::backtrace::{Backtrace, BacktraceStatus};
use std::borrow::Cow;
use std::panic::PanicHookInfo;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Installs the hook (once per process).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !print_escaped(info) {
                default(info);
            }
        }));
    });
}

/// Prints the panic like the default hook but escaped, if its text needs it; returns whether
/// it printed.
fn print_escaped(info: &PanicHookInfo<'_>) -> bool {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    let message = panic_text(info.payload()).unwrap_or_else(|| "Box<dyn Any>".into());
    let location = info.location().map_or(String::new(), |l| l.to_string());
    let unchanged = matches!(terminal(name), Cow::Borrowed(_))
        && matches!(terminal(&location), Cow::Borrowed(_))
        && matches!(terminal_lines(&message), Cow::Borrowed(_));
    if unchanged {
        return false;
    }
    eprintln!(
        "\nthread '{}' panicked at {}:\n{}",
        Term(name),
        Term(&location),
        TermLines(&message)
    );
    static NOTED: AtomicBool = AtomicBool::new(false);
    let backtrace = Backtrace::capture();
    if backtrace.status() == BacktraceStatus::Captured {
        eprintln!("stack backtrace:\n{backtrace}");
    } else if !NOTED.swap(true, Ordering::Relaxed) {
        eprintln!("note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace");
    }
    true
}
