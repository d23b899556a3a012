//! What runs just outside each timed loop: performance counters switched on and off, and
//! allocation counts taken, so that they cover the timed work and nothing else (not the inputs
//! built for `with_inputs`, not the timer reads).

use super::alloc::AllocCounts;
use super::counters::{CounterSet, Totals};

/// Per-sample instruments of one benchmark thread. [`Probe::off`] does nothing.
#[derive(Default)]
pub struct Probe {
    counters: Option<CounterSet>,
    alloc: Option<(AllocCounts, AllocCounts)>,
    /// Per-iteration latencies (ns, as read), when iterations are long enough to time alone.
    latencies: Option<Vec<u64>>,
    /// Whether the samples it sees are the measured ones (not warmup or calibration).
    measured: bool,
}

impl Probe {
    /// A probe that measures nothing (warmup, calibration, smoke tests).
    pub fn off() -> Probe {
        Probe::default()
    }

    /// A probe with counters (if `perf` and any opens) and allocation counting (if `alloc`).
    /// Must be created on the thread that runs the timed loops.
    pub fn new(perf: bool, alloc: bool) -> Probe {
        let counters = perf
            .then(CounterSet::open)
            .filter(CounterSet::any)
            .map(|mut c| {
                c.calibrate();
                c
            });
        let alloc = alloc.then(|| (AllocCounts::default(), AllocCounts::default()));
        Probe {
            counters,
            alloc,
            latencies: None,
            measured: true,
        }
    }

    /// Whether this probe belongs to the measured samples: [`Probe::new`] is made for them,
    /// [`Probe::off`] for everything else.
    pub fn is_measured(&self) -> bool {
        self.measured
    }

    /// From now on the timed loops also record each iteration's latency.
    pub fn record_iterations(&mut self) {
        self.latencies.get_or_insert_with(Vec::new);
    }

    /// Whether the timed loops should record latencies.
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.latencies.is_some()
    }

    /// The latency buffer with room for `additional` more, taken out for a timed loop (so that
    /// it never grows inside the timed region); give it back with [`Probe::put_latencies`].
    pub fn take_latencies(&mut self, additional: u64) -> Vec<u64> {
        let mut buf = self.latencies.take().unwrap_or_default();
        buf.reserve(usize::try_from(additional).unwrap_or(usize::MAX));
        buf
    }

    /// Returns the buffer taken by [`Probe::take_latencies`].
    pub fn put_latencies(&mut self, buf: Vec<u64>) {
        self.latencies = Some(buf);
    }

    /// Just before a timed loop.
    #[inline]
    pub fn start(&mut self) {
        if let Some((_, start)) = &mut self.alloc {
            *start = AllocCounts::now();
        }
        if let Some(c) = &mut self.counters {
            c.start();
        }
    }

    /// Just after a timed loop.
    #[inline]
    pub fn stop(&mut self) {
        if let Some(c) = &mut self.counters {
            c.stop();
        }
        if let Some((total, start)) = &mut self.alloc {
            total.add(AllocCounts::now().since(*start));
        }
    }

    /// Counter totals (if counters were on), allocation totals (if counted) and recorded
    /// latencies (if recording).
    pub fn finish(mut self) -> Finished {
        Finished {
            counters: self.counters.as_mut().map(CounterSet::totals),
            alloc: self.alloc.map(|(total, _)| total),
            latencies: self.latencies,
        }
    }
}

/// What a probe collected.
pub struct Finished {
    /// Counter totals.
    pub counters: Option<Totals>,
    /// Allocation totals.
    pub alloc: Option<AllocCounts>,
    /// Per-iteration latencies as read (ns).
    pub latencies: Option<Vec<u64>>,
}
