//! `perf_event_open(2)` groups through libc, the little of it the counters use: a disabled
//! dummy leader with members, switched on, off and reset together, read in one `read(2)`.
//! (Written here rather than taken from perf-event2, whose 7 crates cost a user's bench build
//! more than all of this.) Linux only, as the kernel interface is; the ioctl numbers are the
//! generic `_IOC` encoding (x86, Arm, RISC-V).

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd};

/// `perf_event_attr.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `PERF_TYPE_HARDWARE`.
    Hardware = 0,
    /// `PERF_TYPE_SOFTWARE`.
    Software = 1,
}

/// `PERF_COUNT_HW_*`.
pub mod hw {
    /// CPU cycles.
    pub const CPU_CYCLES: u64 = 0;
    /// Retired instructions.
    pub const INSTRUCTIONS: u64 = 1;
    /// Last-level cache misses.
    pub const CACHE_MISSES: u64 = 3;
    /// Retired branch instructions.
    pub const BRANCH_INSTRUCTIONS: u64 = 4;
    /// Mispredicted branches.
    pub const BRANCH_MISSES: u64 = 5;
}

/// `PERF_COUNT_SW_*`.
pub mod sw {
    /// Time on the CPU, ns.
    pub const TASK_CLOCK: u64 = 1;
    /// Page faults.
    pub const PAGE_FAULTS: u64 = 2;
    /// Context switches.
    pub const CONTEXT_SWITCHES: u64 = 3;
    /// Migrations to another CPU.
    pub const CPU_MIGRATIONS: u64 = 4;
    /// Counts nothing: a group leader.
    pub const DUMMY: u64 = 9;
}

const FORMAT_TOTAL_TIME_ENABLED: u64 = 1;
const FORMAT_TOTAL_TIME_RUNNING: u64 = 2;
const FORMAT_ID: u64 = 4;
const FORMAT_GROUP: u64 = 8;

const FLAG_DISABLED: u64 = 1 << 0;
const FLAG_EXCLUDE_KERNEL: u64 = 1 << 5;
const FLAG_EXCLUDE_HV: u64 = 1 << 6;

const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;
const IOC_FLAG_GROUP: libc::c_ulong = 1;
const IOC_ENABLE: libc::c_ulong = 0x2400;
const IOC_DISABLE: libc::c_ulong = 0x2401;
const IOC_RESET: libc::c_ulong = 0x2403;
/// `_IOR('$', 7, u64)`.
const IOC_ID: libc::c_ulong = 0x8008_2407;

/// `struct perf_event_attr` as of its first version (`PERF_ATTR_SIZE_VER0`, 64 bytes), which
/// every kernel accepts; later fields are zero, as they would be here anyway.
#[repr(C)]
#[derive(Default)]
struct Attr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

/// Opens one event on the calling thread, any CPU, disabled, user space only unless
/// `count_kernel`, in the group of `leader` (or leading a new one).
fn open(
    kind: Kind,
    config: u64,
    count_kernel: bool,
    read_format: u64,
    leader: Option<&File>,
) -> io::Result<File> {
    let mut attr = Attr {
        kind: kind as u32,
        size: std::mem::size_of::<Attr>() as u32,
        config,
        read_format,
        flags: FLAG_DISABLED | FLAG_EXCLUDE_HV | if count_kernel { 0 } else { FLAG_EXCLUDE_KERNEL },
        ..Attr::default()
    };
    let group_fd = leader.map_or(-1, |f| f.as_raw_fd());
    // SAFETY: `attr` is a valid perf_event_attr of the size it states; pid 0 and cpu -1 mean
    // this thread on any CPU.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &mut attr as *mut Attr,
            0 as libc::pid_t,
            -1 as libc::c_int,
            group_fd as libc::c_int,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new descriptor that nothing else owns.
    Ok(unsafe { File::from_raw_fd(fd as libc::c_int) })
}

fn ioctl(file: &File, request: libc::c_ulong, arg: libc::c_ulong) -> io::Result<()> {
    // SAFETY: `file` is a perf event descriptor; these requests take an integer argument.
    match unsafe { libc::ioctl(file.as_raw_fd(), request as _, arg) } {
        -1 => Err(io::Error::last_os_error()),
        _ => Ok(()),
    }
}

/// A group of counters on the calling thread.
pub struct Group {
    leader: File,
    /// The members' descriptors (closing one removes its counter) and kernel ids.
    members: Vec<(File, u64)>,
}

/// One read of a group: the time it was enabled and running, and each member's value in the
/// order they were added.
pub struct GroupRead {
    /// ns the group was enabled.
    pub time_enabled: u64,
    /// ns it was on the PMU (less than enabled when multiplexed).
    pub time_running: u64,
    /// Member values, in the order of [`Group::add`].
    pub values: Vec<u64>,
}

impl Group {
    /// An empty group (its leader counts nothing).
    pub fn new() -> io::Result<Group> {
        let format =
            FORMAT_GROUP | FORMAT_ID | FORMAT_TOTAL_TIME_ENABLED | FORMAT_TOTAL_TIME_RUNNING;
        let leader = open(Kind::Software, sw::DUMMY, false, format, None)?;
        Ok(Group {
            leader,
            members: Vec::new(),
        })
    }

    /// Adds a counter of event `config` of `kind`; kernel-side events too if `count_kernel`.
    pub fn add(&mut self, kind: Kind, config: u64, count_kernel: bool) -> io::Result<()> {
        let format = FORMAT_TOTAL_TIME_ENABLED | FORMAT_TOTAL_TIME_RUNNING;
        let file = open(kind, config, count_kernel, format, Some(&self.leader))?;
        let mut id = 0u64;
        // SAFETY: PERF_EVENT_IOC_ID writes one u64 to the pointer.
        if unsafe { libc::ioctl(file.as_raw_fd(), IOC_ID as _, &mut id as *mut u64) } == -1 {
            return Err(io::Error::last_os_error());
        }
        self.members.push((file, id));
        Ok(())
    }

    /// Switches every counter on.
    #[inline]
    pub fn enable(&mut self) -> io::Result<()> {
        ioctl(&self.leader, IOC_ENABLE, IOC_FLAG_GROUP)
    }

    /// Switches every counter off.
    #[inline]
    pub fn disable(&mut self) -> io::Result<()> {
        ioctl(&self.leader, IOC_DISABLE, IOC_FLAG_GROUP)
    }

    /// Sets every counter to zero.
    pub fn reset(&mut self) -> io::Result<()> {
        ioctl(&self.leader, IOC_RESET, IOC_FLAG_GROUP)
    }

    /// Reads every counter: `nr, time_enabled, time_running, {value, id} * nr`, the leader
    /// first.
    pub fn read(&mut self) -> io::Result<GroupRead> {
        let words = 3 + 2 * (self.members.len() + 1);
        let mut bytes = vec![0u8; words * 8];
        let n = (&self.leader).read(&mut bytes)?;
        let word = |i: usize| u64::from_ne_bytes(bytes[i * 8..i * 8 + 8].try_into().unwrap());
        if n < 24 || n < (3 + 2 * word(0) as usize) * 8 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "short perf group read",
            ));
        }
        let entries: Vec<(u64, u64)> = (0..word(0) as usize)
            .map(|i| (word(3 + 2 * i + 1), word(3 + 2 * i)))
            .collect();
        let value_of = |id: u64| {
            entries
                .iter()
                .find(|(e, _)| *e == id)
                .map_or(0, |(_, v)| *v)
        };
        Ok(GroupRead {
            time_enabled: word(1),
            time_running: word(2),
            values: self.members.iter().map(|(_, id)| value_of(*id)).collect(),
        })
    }
}
