//! Whether the process that wrote a file or recorded a run is still there: its pid, and on
//! Linux its start time, which tells the run's own process from a later one that got the
//! same pid. The history, the progress files, the incomplete run reports and `monitor` all ask
//! here.

/// A process as the history stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    /// Its process id.
    pub pid: i64,
    /// Its start time in clock ticks after boot (`/proc/PID/stat`), where known.
    pub started: Option<i64>,
}

impl Process {
    /// This process.
    pub fn this() -> Process {
        let pid = i64::from(std::process::id());
        Process {
            pid,
            started: stat(pid).map(|s| s.started),
        }
    }

    /// The process stored in a run's row, if one was (`pid` is NULL in rows of older versions).
    pub fn from_row(pid: Option<i64>, started: Option<i64>) -> Option<Process> {
        pid.map(|pid| Process { pid, started })
    }

    /// Whether the process still runs: a zombie (dead, not yet reaped) does not, nor does a
    /// process that got the pid later (another start time). Call this only for processes of
    /// this host.
    pub fn is_alive(&self) -> bool {
        let Ok(pid) = libc::pid_t::try_from(self.pid) else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        // SAFETY: signal 0 sends nothing; it only checks that the pid exists.
        let exists = unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH);
        if !exists {
            return false;
        }
        match stat(self.pid) {
            Some(now) => !now.zombie && self.started.is_none_or(|s| s == now.started),
            None => true, // no /proc: the pid exists, which is all that can be told
        }
    }
}

/// Whether no live process has id `pid` on this host (known by its pid alone: a later process
/// with the same pid reads as alive, so a run is then taken to be in flight, never wrongly as
/// interrupted).
pub fn gone(pid: u32) -> bool {
    !Process {
        pid: i64::from(pid),
        started: None,
    }
    .is_alive()
}

/// The fields of `/proc/PID/stat` used here.
struct Stat {
    zombie: bool,
    started: i64,
}

fn stat(pid: i64) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces and parentheses: the
    // fields after it start after the last `)`. There, field 3 (state) is first and field 22
    // (starttime) is the 20th.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        zombie: matches!(fields.first(), Some(&("Z" | "X"))),
        started: fields.get(19)?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_or_a_reused_pid_is_not() {
        let me = Process::this();
        assert!(me.is_alive());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = i64::from(child.id());
        child.wait().unwrap();
        let dead = Process { pid, started: None };
        assert!(!dead.is_alive(), "pid {pid} was reaped");
        if me.started.is_some() {
            let reused = Process {
                started: me.started.map(|s| s + 1),
                ..me
            };
            assert!(!reused.is_alive(), "another start time is another process");
        }
    }

    #[test]
    fn a_zombie_is_not_alive() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Wait for the exit without reaping: the child stays a zombie.
        // SAFETY: `info` is written by waitid; the pid is our own child's.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let rc =
            unsafe { libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT) };
        assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
        let zombie = Process {
            pid: i64::from(pid),
            started: None,
        };
        assert!(!zombie.is_alive());
        child.wait().unwrap();
    }
}
