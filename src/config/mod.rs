//! Layered settings. Precedence, lowest first: built-in defaults < attribute options <
//! `qudag-bench.toml` (global < suite < benchmark sections) < `--quick` < environment < flags.
//! Environment and flags are merged by clap (a flag beats its `QUDAG_BENCH_*` variable).

pub mod duration;
pub mod file;
pub mod target;

use crate::registry::{AttrOptions, Benchmark};
use std::time::Duration;

pub use file::{ConfigError, FileConfig};

/// The settings one benchmark is measured with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Time-boxed warmup, which also estimates the time per iteration.
    pub warmup_time: Duration,
    /// Measurement stops when this much wall time has passed ...
    pub measure_time: Duration,
    /// ... or when this many samples were taken, whichever comes first.
    pub samples: u32,
    /// The whole benchmark (setup, warmup, measurement) is stopped after this long.
    pub timeout: Duration,
    /// Smallest change against a baseline that counts (a fraction: 0.02 = 2%).
    pub noise_threshold: f64,
}

/// Built-in defaults: at most about 1 s of wall time per benchmark, warmup included.
pub const DEFAULTS: Settings = Settings {
    warmup_time: Duration::from_millis(200),
    measure_time: Duration::from_millis(600),
    samples: 1000,
    timeout: Duration::from_secs(60),
    noise_threshold: 0.02,
};

/// `--quick`: at most about 0.2 s per benchmark.
pub const QUICK: Layer = Layer {
    warmup_time: Some(Duration::from_millis(50)),
    measure_time: Some(Duration::from_millis(120)),
    samples: None,
    timeout: None,
    noise_threshold: None,
};

/// Smallest and largest accepted `samples`.
pub const SAMPLES_RANGE: std::ops::RangeInclusive<u32> = 2..=1_000_000;

/// One layer of settings; `None` leaves the lower layer's value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Layer {
    /// See [`Settings::warmup_time`].
    pub warmup_time: Option<Duration>,
    /// See [`Settings::measure_time`].
    pub measure_time: Option<Duration>,
    /// See [`Settings::samples`].
    pub samples: Option<u32>,
    /// See [`Settings::timeout`].
    pub timeout: Option<Duration>,
    /// See [`Settings::noise_threshold`].
    pub noise_threshold: Option<f64>,
}

impl Layer {
    /// Applies this layer on top of `base`.
    pub fn apply(&self, base: Settings) -> Settings {
        Settings {
            warmup_time: self.warmup_time.unwrap_or(base.warmup_time),
            measure_time: self.measure_time.unwrap_or(base.measure_time),
            samples: self.samples.unwrap_or(base.samples),
            timeout: self.timeout.unwrap_or(base.timeout),
            noise_threshold: self.noise_threshold.unwrap_or(base.noise_threshold),
        }
    }

    /// The attribute's options as a layer (the macro validated them).
    pub fn from_attr(opts: &AttrOptions) -> Layer {
        Layer {
            warmup_time: opts.warmup_time.and_then(duration::from_secs),
            measure_time: opts.measure_time.and_then(duration::from_secs),
            samples: opts.samples,
            timeout: opts.timeout.and_then(duration::from_secs),
            noise_threshold: None,
        }
    }
}

/// Everything above the attribute: the file, `--quick`, and environment/flags.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// The parsed `qudag-bench.toml`, if any.
    pub file: FileConfig,
    /// Whether `--quick` is on.
    pub quick: bool,
    /// Values given as flags or `QUDAG_BENCH_*` variables.
    pub overrides: Layer,
}

impl Resolver {
    /// The effective settings of `bench`.
    pub fn settings(&self, bench: &Benchmark) -> Settings {
        let mut s = Layer::from_attr(&bench.entry.options).apply(DEFAULTS);
        s = self.file.global.apply(s);
        if let Some(layer) = self.file.suites.get(&bench.suite) {
            s = layer.apply(s);
        }
        // A section for the function covers all its arguments; one for the full id wins.
        if bench.arg.is_some()
            && let Some(layer) = self.file.benches.get(&bench.base_id)
        {
            s = layer.apply(s);
        }
        if let Some(layer) = self.file.benches.get(&bench.id) {
            s = layer.apply(s);
        }
        if self.quick {
            s = QUICK.apply(s);
        }
        self.overrides.apply(s)
    }

    /// The target of `bench`, as written and parsed: its id's entry, else its function's.
    pub fn target(&self, bench: &Benchmark) -> Option<&(String, target::Target)> {
        self.file
            .targets
            .get(&bench.id)
            .or_else(|| self.file.targets.get(&bench.base_id))
    }

    /// The settings for benchmarks with no attribute options in `suite` (for the report).
    pub fn global(&self) -> Settings {
        let s = self.file.global.apply(DEFAULTS);
        let s = if self.quick { QUICK.apply(s) } else { s };
        self.overrides.apply(s)
    }
}
