//! Why an isolated child ended without a result, in words: the signal and what it usually
//! means, a limit it ran into, or the exit code it chose.

use crate::registry::ResourceLimits;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

/// What the parent saw of a child that left no result.
pub struct Death<'a> {
    /// How the process ended; `None` when the parent killed it after the deadline.
    pub status: Option<ExitStatus>,
    /// The end of its stderr.
    pub stderr_tail: &'a str,
    /// The limits it ran under.
    pub limits: ResourceLimits,
    /// Whether the memory cgroup that set its `memory_limit` killed it for memory.
    pub oom_killed: bool,
}

/// The cause, for the benchmark's `error`: one sentence, then the stderr tail if any.
pub fn describe(d: &Death<'_>) -> String {
    let cause = cause(d);
    let tail = d.stderr_tail.trim_end();
    if tail.is_empty() {
        cause
    } else {
        format!("{cause}\nlast lines of its stderr:\n{tail}")
    }
}

fn cause(d: &Death<'_>) -> String {
    let Some(status) = d.status else {
        return "its process did not end after the timeout and was killed".into();
    };
    let overflow = d.stderr_tail.contains("has overflowed its stack");
    let no_memory = d.stderr_tail.contains("memory allocation of");
    if d.oom_killed && status.signal().is_some() {
        return format!(
            "exceeded memory_limit = {} (the memory cgroup's out-of-memory killer ended its \
             process)",
            size(d.limits.memory_bytes.unwrap_or_default())
        );
    }
    match (status.signal(), status.code()) {
        (Some(_), _) if overflow => "stack overflow (its process was killed by SIGABRT)".into(),
        (Some(_), _) if no_memory => out_of_memory(d.limits),
        (Some(libc::SIGXCPU), _) if d.limits.cpu_time_s.is_some() => format!(
            "exceeded cpu_time_limit = {} s (its process was killed by SIGXCPU)",
            d.limits.cpu_time_s.unwrap_or_default()
        ),
        (Some(signal), _) => format!("its process was killed by {}", signal_name(signal)),
        (None, Some(code)) => format!(
            "the benchmark ended its process with exit code {code} (std::process::exit or \
             similar) before reporting"
        ),
        (None, None) => "its process ended without a result".into(),
    }
}

/// An allocation that failed, under `memory_limit` or not.
fn out_of_memory(limits: ResourceLimits) -> String {
    match limits.memory_bytes {
        Some(bytes) => format!(
            "exceeded memory_limit = {} (an allocation failed and the process aborted)",
            size(bytes)
        ),
        None => "out of memory (an allocation failed and the process aborted)".into(),
    }
}

/// `SIGSEGV (segmentation fault)`: the name and what it usually means.
pub fn signal_name(signal: i32) -> String {
    let (name, meaning) = match signal {
        libc::SIGSEGV => ("SIGSEGV", "segmentation fault: an invalid memory access"),
        libc::SIGABRT => ("SIGABRT", "abort"),
        libc::SIGBUS => ("SIGBUS", "bus error"),
        libc::SIGILL => ("SIGILL", "illegal instruction"),
        libc::SIGFPE => ("SIGFPE", "arithmetic error"),
        libc::SIGKILL => (
            "SIGKILL",
            "killed outright, often by the kernel's out-of-memory killer",
        ),
        libc::SIGTERM => ("SIGTERM", "asked to terminate"),
        libc::SIGXCPU => ("SIGXCPU", "CPU time limit exceeded"),
        libc::SIGXFSZ => ("SIGXFSZ", "file size limit exceeded"),
        libc::SIGPIPE => ("SIGPIPE", "wrote to a closed pipe"),
        other => return format!("signal {other}"),
    };
    format!("{name} ({meaning})")
}

/// Bytes as the attribute would write them: `512MiB`, or plain bytes.
pub fn size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, scale) in UNITS {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{unit}", bytes / scale);
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn died(raw: i32, tail: &str, limits: ResourceLimits) -> String {
        describe(&Death {
            status: Some(ExitStatus::from_raw(raw)),
            stderr_tail: tail,
            limits,
            oom_killed: false,
        })
    }

    #[test]
    fn each_way_of_dying_is_named() {
        let none = ResourceLimits::NONE;
        // A wait status: the signal in the low 7 bits, or the exit code in the next byte.
        assert!(died(libc::SIGSEGV, "", none).contains("SIGSEGV (segmentation fault"));
        assert!(died(libc::SIGABRT, "", none).contains("SIGABRT (abort)"));
        let overflow = "thread 'x' has overflowed its stack\nfatal runtime error: stack overflow";
        let text = died(libc::SIGABRT, overflow, none);
        assert!(text.starts_with("stack overflow"), "{text}");
        assert!(text.ends_with(overflow), "the tail is kept: {text}");
        assert!(died(3 << 8, "", none).contains("exit code 3"));
        let limited = ResourceLimits {
            memory_bytes: Some(64 << 20),
            ..none
        };
        let oom = died(
            libc::SIGABRT,
            "memory allocation of 8 bytes failed",
            limited,
        );
        assert!(oom.starts_with("exceeded memory_limit = 64MiB"), "{oom}");
        let cpu = ResourceLimits {
            cpu_time_s: Some(1),
            ..none
        };
        assert!(died(libc::SIGXCPU, "", cpu).starts_with("exceeded cpu_time_limit = 1 s"));
        let cgroup_oom = describe(&Death {
            status: Some(ExitStatus::from_raw(libc::SIGKILL)),
            stderr_tail: "",
            limits: limited,
            oom_killed: true,
        });
        assert!(
            cgroup_oom.starts_with("exceeded memory_limit = 64MiB (the memory cgroup's"),
            "{cgroup_oom}"
        );
        let killed = describe(&Death {
            status: None,
            stderr_tail: "",
            limits: none,
            oom_killed: false,
        });
        assert!(killed.contains("killed"), "{killed}");
    }

    #[test]
    fn sizes_are_written_in_the_largest_exact_unit() {
        assert_eq!(size(512 << 20), "512MiB");
        assert_eq!(size(3 << 30), "3GiB");
        assert_eq!(size(1000), "1000 B");
    }
}
