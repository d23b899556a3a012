//! Performance counters through `perf_event_open` (the `sys` submodule): a hardware group
//! (instructions, cycles, branches, branch misses, cache misses) where the kernel exposes a
//! PMU, and a software group (task clock, page faults, context switches, CPU migrations)
//! everywhere. The counters observe the benchmark's own thread and are switched on only around
//! each sample's timed loop; the cost of switching is calibrated and removed. Anything that
//! cannot be opened is reported with the reason and the run goes on without it.

pub mod arith;
mod sys;

use arith::Reading;
use std::io;
use sys::{Group, Kind, hw, sw};

/// The counted events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Retired instructions (hardware).
    Instructions,
    /// CPU cycles (hardware).
    Cycles,
    /// Retired branch instructions (hardware).
    Branches,
    /// Mispredicted branches (hardware).
    BranchMisses,
    /// Last-level cache misses (hardware).
    CacheMisses,
    /// Time on the CPU in ns (software).
    TaskClock,
    /// Page faults (software).
    PageFaults,
    /// Context switches (software).
    ContextSwitches,
    /// Migrations to another CPU (software).
    CpuMigrations,
}

/// Hardware events, in report order.
pub const HARDWARE: [Event; 5] = [
    Event::Instructions,
    Event::Cycles,
    Event::Branches,
    Event::BranchMisses,
    Event::CacheMisses,
];
/// Software events, in report order.
pub const SOFTWARE: [Event; 4] = [
    Event::TaskClock,
    Event::PageFaults,
    Event::ContextSwitches,
    Event::CpuMigrations,
];

impl Event {
    /// The report's field name.
    pub fn name(self) -> &'static str {
        match self {
            Event::Instructions => "instructions",
            Event::Cycles => "cycles",
            Event::Branches => "branches",
            Event::BranchMisses => "branch_misses",
            Event::CacheMisses => "cache_misses",
            Event::TaskClock => "task_clock_ns",
            Event::PageFaults => "page_faults",
            Event::ContextSwitches => "context_switches",
            Event::CpuMigrations => "cpu_migrations",
        }
    }

    /// The kernel's name of the event.
    fn kernel_event(self) -> (Kind, u64) {
        match self {
            Event::Instructions => (Kind::Hardware, hw::INSTRUCTIONS),
            Event::Cycles => (Kind::Hardware, hw::CPU_CYCLES),
            Event::Branches => (Kind::Hardware, hw::BRANCH_INSTRUCTIONS),
            Event::BranchMisses => (Kind::Hardware, hw::BRANCH_MISSES),
            Event::CacheMisses => (Kind::Hardware, hw::CACHE_MISSES),
            Event::TaskClock => (Kind::Software, sw::TASK_CLOCK),
            Event::PageFaults => (Kind::Software, sw::PAGE_FAULTS),
            Event::ContextSwitches => (Kind::Software, sw::CONTEXT_SWITCHES),
            Event::CpuMigrations => (Kind::Software, sw::CPU_MIGRATIONS),
        }
    }
}

/// Why a counter has no value, worded for the report (`counters.unavailable`).
#[derive(Debug, Clone, PartialEq)]
pub enum Unavailable {
    /// Its group could not be opened: what the error means (see [`explain`]).
    Open(String),
    /// Its group was open but could not be read: the system's error.
    Read(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::Open(reason) => f.write_str(reason),
            Unavailable::Read(e) => write!(f, "read failed: {e}"),
        }
    }
}

impl std::error::Error for Unavailable {}

/// What could be opened on this machine, with reasons for what could not.
#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    /// `Err(reason)` when the hardware group cannot be opened.
    pub hardware: Result<(), Unavailable>,
    /// `Err(reason)` when the software group cannot be opened.
    pub software: Result<(), Unavailable>,
    /// Whether context switches are counted including the kernel side (where they happen);
    /// when refused, they are counted user-side only and read mostly 0.
    pub context_switches_kernel: bool,
}

/// Opens and drops both groups once to learn what is available (used at start-up).
pub fn availability() -> Availability {
    let set = CounterSet::open();
    Availability {
        hardware: set.hardware.as_ref().map(|_| ()).map_err(Clone::clone),
        software: set.software.as_ref().map(|_| ()).map_err(Clone::clone),
        context_switches_kernel: set.context_switches_kernel,
    }
}

struct OpenGroup {
    group: Group,
    /// The events, in the order they were added to `group`.
    members: Vec<Event>,
}

impl OpenGroup {
    fn open(events: &[Event], kernel_switches: bool) -> io::Result<OpenGroup> {
        let mut group = Group::new()?;
        for &event in events {
            let (kind, config) = event.kernel_event();
            let count_kernel = event == Event::ContextSwitches && kernel_switches;
            group.add(kind, config, count_kernel)?;
        }
        Ok(OpenGroup {
            group,
            members: events.to_vec(),
        })
    }

    fn read(&mut self) -> io::Result<Vec<(Event, Reading)>> {
        let data = self.group.read()?;
        Ok(self
            .members
            .iter()
            .zip(data.values)
            .map(|(event, value)| {
                (
                    *event,
                    Reading {
                        value,
                        time_enabled_ns: data.time_enabled,
                        time_running_ns: data.time_running,
                    },
                )
            })
            .collect())
    }
}

/// The counters of one benchmark thread.
pub struct CounterSet {
    hardware: Result<OpenGroup, Unavailable>,
    software: Result<OpenGroup, Unavailable>,
    context_switches_kernel: bool,
    /// Calibrated counts of one start/stop pair, per event.
    switch_cost: Vec<(Event, f64)>,
}

/// One event's accumulated reading with the calibrated cost of a start/stop pair, or why the
/// event could not be counted.
pub type EventTotal = Result<(Reading, f64), Unavailable>;

/// Totals of a measurement, ready for per-iteration arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Per event: the accumulated reading (or why there is none) and the switch cost.
    pub events: Vec<(Event, EventTotal)>,
    /// See [`Availability::context_switches_kernel`].
    pub context_switches_kernel: bool,
}

impl CounterSet {
    /// Opens the counters for the calling thread; failures are kept as reasons.
    pub fn open() -> CounterSet {
        let unopened = |e: io::Error| Unavailable::Open(explain(&e));
        let hardware = OpenGroup::open(&HARDWARE, false).map_err(unopened);
        let (software, context_switches_kernel) = match OpenGroup::open(&SOFTWARE, true) {
            Ok(g) => (Ok(g), true),
            Err(_) => (OpenGroup::open(&SOFTWARE, false).map_err(unopened), false),
        };
        CounterSet {
            hardware,
            software,
            context_switches_kernel,
            switch_cost: Vec::new(),
        }
    }

    /// Whether any counter is open.
    pub fn any(&self) -> bool {
        self.hardware.is_ok() || self.software.is_ok()
    }

    /// Switches the counters on (just before a timed loop).
    #[inline]
    pub fn start(&mut self) {
        if let Ok(g) = &mut self.software {
            let _ = g.group.enable();
        }
        if let Ok(g) = &mut self.hardware {
            let _ = g.group.enable();
        }
    }

    /// Switches the counters off (just after a timed loop).
    #[inline]
    pub fn stop(&mut self) {
        if let Ok(g) = &mut self.hardware {
            let _ = g.group.disable();
        }
        if let Ok(g) = &mut self.software {
            let _ = g.group.disable();
        }
    }

    fn reset(&mut self) {
        for g in [&mut self.hardware, &mut self.software]
            .into_iter()
            .flatten()
        {
            let _ = g.group.reset();
        }
    }

    fn read_all(&mut self) -> Vec<(Event, Result<Reading, Unavailable>)> {
        let mut out = Vec::new();
        for (group, events) in [
            (&mut self.hardware, &HARDWARE[..]),
            (&mut self.software, &SOFTWARE[..]),
        ] {
            match group {
                Ok(g) => match g.read() {
                    Ok(readings) => out.extend(readings.into_iter().map(|(e, r)| (e, Ok(r)))),
                    Err(e) => out.extend(
                        events
                            .iter()
                            .map(|&ev| (ev, Err(Unavailable::Read(e.to_string())))),
                    ),
                },
                Err(reason) => out.extend(events.iter().map(|&ev| (ev, Err(reason.clone())))),
            }
        }
        out
    }

    /// Measures what one start/stop pair adds to each counter (mean of 200 empty pairs), then
    /// zeroes the counters.
    pub fn calibrate(&mut self) {
        const PAIRS: u64 = 200;
        self.reset();
        for _ in 0..PAIRS {
            self.start();
            self.stop();
        }
        self.switch_cost = self
            .read_all()
            .into_iter()
            .map(|(e, r)| {
                (
                    e,
                    r.ok()
                        .and_then(|r| r.scaled())
                        .map_or(0.0, |v| v / PAIRS as f64),
                )
            })
            .collect();
        self.reset();
    }

    /// Reads the accumulated counts.
    pub fn totals(&mut self) -> Totals {
        let costs = self.switch_cost.clone();
        let cost_of = |e: Event| costs.iter().find(|(c, _)| *c == e).map_or(0.0, |(_, v)| *v);
        Totals {
            events: self
                .read_all()
                .into_iter()
                .map(|(e, r)| (e, r.map(|r| (r, cost_of(e)))))
                .collect(),
            context_switches_kernel: self.context_switches_kernel,
        }
    }
}

// Linux errno values (asm-generic), for the explanations below.
const EPERM: i32 = 1;
const ENOENT: i32 = 2;
const EACCES: i32 = 13;
const ENODEV: i32 = 19;
const EINVAL: i32 = 22;
const ENOSYS: i32 = 38;
const EOPNOTSUPP: i32 = 95;

/// Translates a `perf_event_open` error into what it means for the user.
pub fn explain(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(ENOENT) => {
            "no PMU exposed to this machine (perf_event_open: ENOENT); usual in virtual \
                         machines and containers"
                .into()
        }
        Some(ENODEV) => "this CPU has no such event (perf_event_open: ENODEV)".into(),
        Some(EOPNOTSUPP) => {
            "not supported by this CPU or kernel (perf_event_open: EOPNOTSUPP)".into()
        }
        Some(EACCES) | Some(EPERM) => {
            let paranoid = std::fs::read_to_string("/proc/sys/kernel/perf_event_paranoid")
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "unknown".into());
            format!(
                "not permitted (perf_event_open: {}): kernel.perf_event_paranoid is {paranoid}; \
                 counting one's own process needs 2 or less, or CAP_PERFMON",
                if err.raw_os_error() == Some(EACCES) {
                    "EACCES"
                } else {
                    "EPERM"
                }
            )
        }
        Some(ENOSYS) => "perf_event_open is not available (kernel built without perf events, or \
                         blocked by seccomp): ENOSYS"
            .into(),
        Some(EINVAL) => "rejected by the kernel (perf_event_open: EINVAL)".into(),
        _ => format!("perf_event_open failed: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_explained() {
        let e = |n| explain(&io::Error::from_raw_os_error(n));
        assert!(e(ENOENT).starts_with("no PMU"));
        assert!(e(EACCES).contains("perf_event_paranoid"));
        assert!(e(ENOSYS).contains("seccomp"));
        assert!(e(EOPNOTSUPP).contains("not supported"));
    }

    #[test]
    fn software_counters_see_the_work_and_hardware_reports_a_reason() {
        let mut set = CounterSet::open();
        if set.software.is_err() {
            // Counters refused entirely (e.g. seccomp): the reason must say so.
            assert!(!set.software.as_ref().err().unwrap().to_string().is_empty());
            return;
        }
        set.calibrate();
        set.start();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        set.stop();
        let totals = set.totals();
        let task_clock = totals
            .events
            .iter()
            .find(|(e, _)| *e == Event::TaskClock)
            .unwrap();
        let (reading, _) = task_clock.1.as_ref().unwrap();
        assert!(reading.value > 0, "task clock counted the loop");
        for (event, result) in &totals.events {
            if HARDWARE.contains(event)
                && let Err(reason) = result
            {
                assert!(!reason.to_string().is_empty());
            }
        }
    }
}
