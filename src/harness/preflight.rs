//! Start-up checks in bench mode: which optional instruments work here. Whatever is missing is
//! said once, on stderr, and the run goes on without it.

use crate::cli::Cli;
use crate::measure::stability;
use crate::measure::{Instruments, alloc, counters};
use crate::schema::CounterAvailability;
use crate::schema::Stability;
use std::time::Duration;

/// What the run will measure besides time, and how stable the machine looks.
pub struct Preflight {
    /// Stability facts and warnings (printed already).
    pub stability: Stability,
    /// Instruments switched on for every benchmark.
    pub instruments: Instruments,
    /// Counter availability for the report.
    pub counters: CounterAvailability,
}

/// Probes the instruments and the machine, and prints one line per missing instrument and per
/// stability warning.
pub fn run(cli: &Cli, debug_assertions: bool) -> Preflight {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stability = stability::collect(env!("QUDAG_BENCH_OPT_LEVEL"), debug_assertions, cores);
    for warning in &stability.warnings {
        eprintln!("qudag-bench: warning: {warning}");
    }
    let perf = !cli.harness.no_perf;
    let counters = if perf {
        let a = counters::availability();
        CounterAvailability {
            enabled: true,
            hardware: a.hardware.is_ok(),
            hardware_reason: a.hardware.err().map(|e| e.to_string()),
            software: a.software.is_ok(),
            software_reason: a.software.err().map(|e| e.to_string()),
            context_switches_kernel: a.context_switches_kernel,
        }
    } else {
        CounterAvailability {
            enabled: false,
            hardware: false,
            hardware_reason: Some("disabled by --no-perf".into()),
            software: false,
            software_reason: Some("disabled by --no-perf".into()),
            context_switches_kernel: false,
        }
    };
    if perf {
        match (&counters.hardware_reason, &counters.software_reason) {
            (Some(hw), None) => eprintln!(
                "qudag-bench: hardware counters (instructions, cycles, branches, cache misses) \
                 unavailable: {hw}; reporting software counters only"
            ),
            (Some(hw), Some(sw)) if hw == sw => {
                eprintln!("qudag-bench: performance counters unavailable: {hw}")
            }
            (Some(hw), Some(sw)) => eprintln!(
                "qudag-bench: performance counters unavailable: hardware: {hw}; software: {sw}"
            ),
            (None, Some(sw)) => eprintln!("qudag-bench: software counters unavailable: {sw}"),
            (None, None) => {}
        }
    }
    Preflight {
        stability,
        instruments: instruments(cli, perf && (counters.hardware || counters.software)),
        counters,
    }
}

/// The instruments, probed without a word: an isolated child's (its parent said what is
/// missing, once).
pub fn quiet_instruments(cli: &Cli) -> Instruments {
    let perf = !cli.harness.no_perf && {
        let a = counters::availability();
        a.hardware.is_ok() || a.software.is_ok()
    };
    instruments(cli, perf)
}

/// The instruments for the flags, with counters on when `perf` (asked for and working).
fn instruments(cli: &Cli, perf: bool) -> Instruments {
    Instruments {
        perf,
        alloc: alloc::installed(),
        system: (!cli.harness.no_system_metrics)
            .then(|| Duration::from_secs_f64(1.0 / f64::from(cli.harness.metrics_hz))),
    }
}
