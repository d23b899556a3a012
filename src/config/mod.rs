//! Layered settings. Precedence, lowest first: built-in defaults < attribute options <
//! `qudag-bench.toml` (global < suite < benchmark sections) < `--quick` < environment < flags.
//! Environment and flags are merged by clap (a flag beats its `QUDAG_BENCH_*` variable).

pub mod duration;
pub mod file;
pub mod isolation;
pub mod limits;
pub mod target;
pub mod toml_value;

use crate::error::{BadValue, Error};
use crate::registry::{AttrOptions, Benchmark};
use std::path::Path;
use std::time::Duration;

pub use crate::measure::{NoiseThreshold, Precision};
pub use file::{ConfigError, FileConfig};
pub use isolation::Isolation;

use crate::measure::Settings;

/// Built-in defaults: at most about 1 s of wall time per benchmark, warmup included, and
/// usually far less: measurement stops once the median is known to ±1%. The timeout is a
/// floor: unless some layer sets a timeout, it is [`default_timeout`].
pub const DEFAULTS: Settings = Settings {
    warmup_time: Duration::from_millis(200),
    measure_time: Duration::from_millis(600),
    samples: 1000,
    timeout: Duration::from_secs(60),
    noise_threshold: NoiseThreshold::DEFAULT,
    precision: Precision::DEFAULT,
};

/// `--quick`: at most about 0.2 s per benchmark.
pub const QUICK: Layer = Layer {
    warmup_time: Some(Duration::from_millis(50)),
    measure_time: Some(Duration::from_millis(120)),
    samples: None,
    timeout: None,
    noise_threshold: None,
    precision: None,
    isolation: Isolation::NONE,
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
    pub noise_threshold: Option<NoiseThreshold>,
    /// See [`Settings::precision`].
    pub precision: Option<Precision>,
    /// Whether it runs in a child process, and its limits there (not a measurement setting:
    /// [`Resolver::isolation`] resolves it).
    pub isolation: Isolation,
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
            precision: self.precision.unwrap_or(base.precision),
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
            precision: opts.precision.and_then(|p| Precision::from_percent(p).ok()),
            isolation: Isolation::from_attr(opts),
        }
    }
}

/// The timeout of a benchmark whose timeout nobody set: 60 s, or twice its warmup plus
/// measurement time if that is longer, so that asking for long measurements never turns them
/// into timeouts (the timeout is there to catch hangs).
pub fn default_timeout(warmup_time: Duration, measure_time: Duration) -> Duration {
    DEFAULTS
        .timeout
        .max(warmup_time.saturating_add(measure_time).saturating_mul(2))
}

/// Checks the attribute's time options against [`limits`] (the macro checks them at compile
/// time too; this catches entries registered some other way, and a drift between the macro's
/// copy of the bounds and these). Errors name the option.
pub fn check_attr(opts: &AttrOptions) -> Result<(), BadValue> {
    let ranges = [
        ("warmup_time", opts.warmup_time, limits::WARMUP_TIME),
        ("measure_time", opts.measure_time, limits::MEASURE_TIME),
        ("timeout", opts.timeout, limits::TIMEOUT),
    ];
    for (key, value, range) in ranges {
        if let Some(secs) = value {
            range
                .from_secs(secs)
                .map_err(|e| e.context(&format!("attribute option `{key} = {secs}`")))?;
        }
    }
    if let Some(pct) = opts.precision {
        Precision::from_percent(pct)
            .map_err(|e| e.context(&format!("attribute option `precision = {pct}`")))?;
    }
    Ok(())
}

/// Where a setting's value came from, for error messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// The `#[qudag_bench(...)]` attribute.
    Attribute,
    /// A section of the configuration file (`global`, `suite.crypto`, `bench."id"`).
    File(String),
    /// `--quick`.
    Quick,
    /// A flag or its `QUDAG_BENCH_*` variable.
    Flag,
}

impl Source {
    /// Names the setting `key` as set by this source: "`global.timeout` in qudag-bench.toml".
    pub fn describe(&self, key: &str, file: Option<&Path>) -> String {
        match self {
            Source::Default => "the default".into(),
            Source::Attribute => format!("`{key}` in the #[qudag_bench] attribute"),
            Source::File(section) => format!(
                "`{section}.{key}` in {}",
                file.map_or("the configuration file".into(), |p| p.display().to_string())
            ),
            Source::Quick => "--quick".into(),
            Source::Flag => format!(
                "--{} or QUDAG_BENCH_{}",
                key.replace('_', "-"),
                key.to_ascii_uppercase()
            ),
        }
    }
}

/// Settings with the source of each time setting.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The effective settings.
    pub settings: Settings,
    /// Where `warmup_time` came from.
    pub warmup_time: Source,
    /// Where `measure_time` came from.
    pub measure_time: Source,
    /// Where `timeout` came from ([`Source::Default`]: [`default_timeout`]).
    pub timeout: Source,
}

impl Resolved {
    /// Applies `layers`, lowest first, on the built-in defaults.
    fn fold(layers: &[(Source, Layer)]) -> Resolved {
        let mut out = Resolved {
            settings: DEFAULTS,
            warmup_time: Source::Default,
            measure_time: Source::Default,
            timeout: Source::Default,
        };
        for (source, layer) in layers {
            out.settings = layer.apply(out.settings);
            let fields = [
                (layer.warmup_time, &mut out.warmup_time),
                (layer.measure_time, &mut out.measure_time),
                (layer.timeout, &mut out.timeout),
            ];
            for (value, slot) in fields {
                if value.is_some() {
                    *slot = source.clone();
                }
            }
        }
        if out.timeout == Source::Default {
            let s = &mut out.settings;
            s.timeout = default_timeout(s.warmup_time, s.measure_time);
        }
        out
    }

    /// Checks that the settings work together: warmup and measurement must end before a
    /// timeout someone set, or the benchmark would always, or usually, time out. (Measurement
    /// may stop earlier, at the sample target, but the warmup always runs in full.)
    pub fn check(&self, file: Option<&Path>) -> Result<(), BadValue> {
        let s = &self.settings;
        let busy = s.warmup_time.saturating_add(s.measure_time);
        if self.timeout == Source::Default || busy < s.timeout {
            return Ok(());
        }
        Err(BadValue::new(format!(
            "warmup_time {:?} ({}) plus measure_time {:?} ({}) is {busy:?}, not below timeout \
             {:?} ({}): the benchmark would be stopped before it finished measuring; raise the \
             timeout or shorten the warmup or measurement",
            s.warmup_time,
            self.warmup_time.describe("warmup_time", file),
            s.measure_time,
            self.measure_time.describe("measure_time", file),
            s.timeout,
            self.timeout.describe("timeout", file),
        )))
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
        self.resolve(bench).settings
    }

    /// Whether `bench` runs in a child of its own and its limits there: the attribute, then
    /// the file's sections (global < suite < bench), then `--isolate`.
    pub fn isolation(&self, bench: &Benchmark) -> Isolation {
        let layers = self.layers(bench);
        let mut out = Isolation::NONE;
        for (_, layer) in &layers {
            out = layer.isolation.over(out);
        }
        self.overrides.isolation.over(out)
    }

    /// The effective settings of `bench` and where its times came from.
    pub fn resolve(&self, bench: &Benchmark) -> Resolved {
        self.finish(self.layers(bench))
    }

    /// The layers below the flags that apply to `bench`, lowest first.
    fn layers(&self, bench: &Benchmark) -> Vec<(Source, Layer)> {
        let mut layers = vec![(Source::Attribute, Layer::from_attr(&bench.entry.options))];
        layers.push((Source::File("global".into()), self.file.global));
        if let Some(layer) = self.file.suites.get(&bench.suite) {
            layers.push((Source::File(file::section("suite", &bench.suite)), *layer));
        }
        // A section for the function covers all its arguments; one for the full id wins.
        if bench.arg.is_some()
            && let Some(layer) = self.file.benches.get(&bench.base_id)
        {
            layers.push((Source::File(file::section("bench", &bench.base_id)), *layer));
        }
        if let Some(layer) = self.file.benches.get(&bench.id) {
            layers.push((Source::File(file::section("bench", &bench.id)), *layer));
        }
        layers
    }

    /// Checks the settings of each benchmark in `benches` ([`Resolved::check`]); the error
    /// names the first benchmark whose settings conflict and counts the others.
    pub fn check(&self, benches: &[Benchmark]) -> Result<(), Error> {
        let file = self.file.path.as_deref();
        let mut errors = benches
            .iter()
            .filter_map(|b| self.resolve(b).check(file).err().map(|e| (b, e)));
        let Some((first, error)) = errors.next() else {
            return Ok(());
        };
        let more = match errors.count() {
            0 => String::new(),
            n => format!(" ({n} more benchmarks have the same problem)"),
        };
        Err(Error::setting(format!(
            "benchmark `{}`: {error}{more}",
            first.id
        )))
    }

    /// Adds `--quick` and the flags above `layers` and folds them.
    fn finish(&self, mut layers: Vec<(Source, Layer)>) -> Resolved {
        if self.quick {
            layers.push((Source::Quick, QUICK));
        }
        layers.push((Source::Flag, self.overrides));
        Resolved::fold(&layers)
    }

    /// The target of `bench`, as written and parsed: its id's entry, else its function's.
    pub fn target(&self, bench: &Benchmark) -> Option<&(String, crate::schema::PerfTarget)> {
        self.file
            .targets
            .get(&bench.id)
            .or_else(|| self.file.targets.get(&bench.base_id))
    }

    /// The settings for benchmarks with no attribute options in `suite` (for the report).
    pub fn global(&self) -> Settings {
        let layers = vec![(Source::File("global".into()), self.file.global)];
        self.finish(layers).settings
    }
}

impl From<Settings> for crate::schema::EffectiveSettings {
    fn from(s: Settings) -> Self {
        crate::schema::EffectiveSettings {
            warmup_time_s: s.warmup_time.as_secs_f64(),
            measure_time_s: s.measure_time.as_secs_f64(),
            samples: s.samples,
            timeout_s: s.timeout.as_secs_f64(),
            noise_threshold_pct: s.noise_threshold.percent(),
            precision_pct: Some(s.precision.percent()),
        }
    }
}

#[cfg(test)]
mod tests;
