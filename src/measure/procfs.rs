//! The kernel's own accounts of the host and of this process, read from `/proc`, `/etc` and
//! `uname(2)`: the figures behind the environment fingerprint and the system sampler.
//!
//! The harness runs on Linux only (it calls `perf_event_open` and `sched_setaffinity`), so it
//! reads these files itself instead of compiling a portable system-information crate into
//! every user's bench build (docs/build-time.md). The parsers take the files' text and are
//! tested on samples; the readers add the paths.

use std::collections::BTreeSet;
use std::fmt;
use std::io::ErrorKind;

/// Why a figure of the kernel's is absent; its text is what the report records (the
/// environment's `unavailable`).
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// A file could not be read.
    Unreadable {
        /// The file.
        path: &'static str,
        /// What the system said.
        kind: ErrorKind,
    },
    /// The file has no such entry.
    NoEntry {
        /// The file.
        path: &'static str,
        /// The entry looked for.
        entry: &'static str,
    },
    /// A system call failed.
    Call {
        /// The call.
        name: &'static str,
        /// What the system said.
        kind: ErrorKind,
    },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Unreadable { path, kind } => write!(f, "cannot read {path}: {kind}"),
            Missing::NoEntry { path, entry } => write!(f, "no {entry} in {path}"),
            Missing::Call { name, kind } => write!(f, "{name} failed: {kind}"),
        }
    }
}

/// The text of `path`, or why it cannot be read.
pub fn read(path: &'static str) -> Result<String, Missing> {
    std::fs::read_to_string(path).map_err(|e| Missing::Unreadable {
        path,
        kind: e.kind(),
    })
}

/// The value after `key` on its line of a `Key: value kB` file (meminfo, status), in bytes.
pub fn kib_field(text: &str, key: &str) -> Option<u64> {
    let rest = text.lines().find_map(|l| l.strip_prefix(key))?;
    let kib: u64 = rest
        .trim_start_matches(':')
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Host facts from `/proc/cpuinfo`: the first processor's model name and the number of
/// distinct physical cores, counted as distinct (`physical id`, `core id`) pairs, or one per
/// processor where the file has no such fields (many ARM boards).
pub fn cpuinfo(text: &str) -> (Option<String>, Option<u64>) {
    let model = text
        .lines()
        .find_map(|l| value_of(l, "model name"))
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    let mut cores = BTreeSet::new();
    for block in text.split("\n\n") {
        let get = |key| block.lines().find_map(|l| value_of(l, key));
        match (get("physical id"), get("core id"), get("processor")) {
            (Some(package), Some(core), _) => cores.insert(format!("{package}/{core}")),
            (_, _, Some(processor)) => cores.insert(processor.to_string()),
            _ => false,
        };
    }
    (model, (!cores.is_empty()).then_some(cores.len() as u64))
}

/// `value` of a `key<tabs>: value` line of `/proc/cpuinfo`.
fn value_of<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let (name, value) = line.split_once(':')?;
    (name.trim_end() == key).then(|| value.trim())
}

/// The number of CPUs the kernel accounts for in `/proc/stat` (its `cpuN` lines).
pub fn logical_cpus(stat: &str) -> Option<u64> {
    let n = stat
        .lines()
        .filter(|l| {
            l.strip_prefix("cpu")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count();
    (n > 0).then_some(n as u64)
}

/// The system's CPU time from the aggregate `cpu` line of `/proc/stat`, in clock ticks:
/// (busy, total). Idle and I/O wait are not busy; guest time is already inside user time, so
/// it is not added again.
pub fn cpu_times(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map_while(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// This process's CPU time (user + system) from `/proc/self/stat`, in clock ticks.
pub fn process_cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11); // to field 14, utime
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Resident pages from `/proc/self/statm` (its second field).
pub fn resident_pages(statm: &str) -> Option<u64> {
    statm.split_whitespace().nth(1)?.parse().ok()
}

/// Bytes this process made the storage layer read and write, from `/proc/self/io`.
pub fn process_io(io: &str) -> Option<(u64, u64)> {
    let field = |key: &str| -> Option<u64> {
        let rest = io.lines().find_map(|l| l.strip_prefix(key))?;
        rest.trim().parse().ok()
    };
    Some((field("read_bytes:")?, field("write_bytes:")?))
}

/// Bytes received and sent by every interface of `/proc/net/dev`, summed.
pub fn network_bytes(dev: &str) -> Option<(u64, u64)> {
    let mut sums = None;
    for line in dev.lines() {
        let Some((_, counters)) = line.split_once(':') else {
            continue;
        };
        let fields: Vec<u64> = counters
            .split_whitespace()
            .map_while(|f| f.parse().ok())
            .collect();
        if let (Some(rx), Some(tx)) = (fields.first(), fields.get(8)) {
            let (r, t) = sums.unwrap_or((0, 0));
            sums = Some((r + rx, t + tx));
        }
    }
    sums
}

/// The one-minute load average, the first field of `/proc/loadavg`.
pub fn load1(loadavg: &str) -> Option<f64> {
    loadavg.split_whitespace().next()?.parse().ok()
}

/// `NAME` and `VERSION_ID` of `/etc/os-release` as "Linux (NAME VERSION_ID)", "Linux (NAME)"
/// without a version, or "Linux" without the file's facts.
pub fn os_name(os_release: Option<&str>) -> String {
    let get = |key: &str| {
        let text = os_release?;
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))?;
        Some(value.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty())
    };
    match (get("NAME"), get("VERSION_ID")) {
        (Some(name), Some(version)) => format!("Linux ({name} {version})"),
        (Some(name), None) => format!("Linux ({name})"),
        _ => "Linux".to_string(),
    }
}

/// The host name and kernel release from `uname(2)`.
pub fn uname() -> Result<(String, String), Missing> {
    let mut raw = std::mem::MaybeUninit::<libc::utsname>::zeroed();
    // SAFETY: uname fills the struct it is given; on failure it is not read.
    if unsafe { libc::uname(raw.as_mut_ptr()) } != 0 {
        let kind = std::io::Error::last_os_error().kind();
        return Err(Missing::Call {
            name: "uname",
            kind,
        });
    }
    // SAFETY: uname returned 0, so the struct is filled.
    let info = unsafe { raw.assume_init() };
    let text = |field: &[libc::c_char]| {
        let bytes: Vec<u8> = field
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok((text(&info.nodename), text(&info.release)))
}

/// This machine's name as runs record it (`environment.host`), if `uname` answers.
pub fn host_name() -> Option<String> {
    uname().ok().map(|(host, _)| host)
}

/// The kernel's page size and clock ticks per second (`sysconf`).
pub fn page_size_and_ticks() -> (u64, u64) {
    // SAFETY: sysconf only reads configuration values.
    let (page, ticks) = unsafe {
        (
            libc::sysconf(libc::_SC_PAGESIZE),
            libc::sysconf(libc::_SC_CLK_TCK),
        )
    };
    (page.max(1) as u64, ticks.max(1) as u64)
}

#[cfg(test)]
mod tests;
