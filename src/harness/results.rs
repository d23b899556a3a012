//! Turns raw measurements into report entries: counter totals and allocation totals into
//! per-iteration figures.

use crate::measure::alloc::AllocCounts;
use crate::measure::counters::arith::{per_iteration, ratio};
use crate::measure::counters::{HARDWARE, Totals};
use crate::store::metrics::{AllocResult, CounterResult};

/// Per-iteration counters from the totals of `samples` samples and `iterations` iterations.
pub fn counters(totals: &Totals, samples: u64, iterations: u64) -> CounterResult {
    let mut out = CounterResult {
        context_switches_kernel: totals.context_switches_kernel,
        ..CounterResult::default()
    };
    for (event, result) in &totals.events {
        let name = event.name();
        match result {
            Ok((reading, switch_cost)) => {
                let fraction = reading.running_fraction();
                if HARDWARE.contains(event) {
                    out.hardware_running_fraction = fraction;
                } else {
                    out.software_running_fraction = fraction;
                }
                match per_iteration(*reading, *switch_cost, samples, iterations) {
                    Some(v) => *out.field_mut(name).expect("every event has a field") = Some(v),
                    None => {
                        out.unavailable
                            .insert(name.into(), "the counter was never scheduled".into());
                    }
                }
            }
            Err(reason) => {
                out.unavailable.insert(name.into(), reason.clone());
            }
        }
    }
    out.ipc = ratio(out.instructions, out.cycles);
    if out.ipc.is_none() {
        out.unavailable
            .insert("ipc".into(), "needs instructions and cycles".into());
    }
    out.branch_miss_rate = ratio(out.branch_misses, out.branches);
    if out.branch_miss_rate.is_none() {
        out.unavailable.insert(
            "branch_miss_rate".into(),
            "needs branches and branch misses".into(),
        );
    }
    out
}

/// Per-iteration allocation figures.
pub fn alloc(counts: AllocCounts, iterations: u64) -> Option<AllocResult> {
    let n = iterations as f64;
    (iterations > 0).then(|| AllocResult {
        allocs_per_iter: counts.allocs as f64 / n,
        deallocs_per_iter: counts.deallocs as f64 / n,
        reallocs_per_iter: counts.reallocs as f64 / n,
        bytes_per_iter: counts.bytes_allocated as f64 / n,
        freed_bytes_per_iter: counts.bytes_deallocated as f64 / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::counters::Event;
    use crate::measure::counters::arith::Reading;

    fn ok(value: u64, enabled: u64, running: u64, cost: f64) -> Result<(Reading, f64), String> {
        Ok((
            Reading {
                value,
                time_enabled_ns: enabled,
                time_running_ns: running,
            },
            cost,
        ))
    }

    #[test]
    fn synthetic_hardware_readings_give_ipc_and_miss_rate() {
        // 10 samples x 1,000 iterations; hardware multiplexed half the time; each on/off
        // switch adds 100 instructions, 80 cycles, 20 branches, 2 misses.
        let totals = Totals {
            events: vec![
                (Event::Instructions, ok((40_000 + 1_000) / 2, 2, 1, 100.0)),
                (Event::Cycles, ok((20_000 + 800) / 2, 2, 1, 80.0)),
                (Event::Branches, ok((5_000 + 200) / 2, 2, 1, 20.0)),
                (Event::BranchMisses, ok((50 + 20) / 2, 2, 1, 2.0)),
                (Event::CacheMisses, Err("no PMU".into())),
                (Event::TaskClock, ok(1_000_000, 5, 5, 0.0)),
            ],
            context_switches_kernel: true,
        };
        let c = counters(&totals, 10, 10_000);
        assert_eq!(c.instructions, Some(4.0));
        assert_eq!(c.cycles, Some(2.0));
        assert_eq!(c.ipc, Some(2.0));
        assert_eq!(c.branch_miss_rate, Some(0.01));
        assert_eq!(c.hardware_running_fraction, Some(0.5));
        assert_eq!(c.software_running_fraction, Some(1.0));
        assert_eq!(c.task_clock_ns, Some(100.0));
        assert_eq!(c.cache_misses, None);
        assert_eq!(c.unavailable["cache_misses"], "no PMU");
    }

    #[test]
    fn without_hardware_ratios_are_null_with_reasons() {
        let totals = Totals {
            events: vec![
                (Event::Instructions, Err("no PMU".into())),
                (Event::TaskClock, ok(500, 1, 1, 0.0)),
            ],
            context_switches_kernel: false,
        };
        let c = counters(&totals, 1, 5);
        assert_eq!(c.ipc, None);
        assert!(c.unavailable.contains_key("ipc"));
        assert_eq!(c.task_clock_ns, Some(100.0));
        assert!(!c.context_switches_kernel);
    }

    #[test]
    fn allocation_figures_are_per_iteration() {
        let counts = AllocCounts {
            allocs: 100,
            deallocs: 100,
            reallocs: 0,
            bytes_allocated: 102_400,
            bytes_deallocated: 102_400,
        };
        let a = alloc(counts, 100).unwrap();
        assert_eq!((a.allocs_per_iter, a.bytes_per_iter), (1.0, 1024.0));
        assert_eq!(alloc(counts, 0), None);
    }
}
