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
        Probe { counters, alloc }
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

    /// Counter totals (if counters were on) and allocation totals (if counted).
    pub fn finish(mut self) -> (Option<Totals>, Option<AllocCounts>) {
        (
            self.counters.as_mut().map(CounterSet::totals),
            self.alloc.map(|(total, _)| total),
        )
    }
}
