//! criterion's setting types. They are accepted so that bench files compile unchanged; what
//! each one changes under qudag-bench is said on it (docs/criterion.md has the whole table).

/// The amount of work per iteration (criterion's `Throughput`): reported as throughput
/// beside the time. The same type as in criterion's files (`schema::criterion`): bytes (either
/// kind) as bytes per second; elements, criterion 0.6+'s bits and elements-and-bytes as
/// elements per second, the report having bytes and elements only.
pub use qudag_bench::schema::criterion::Throughput;

/// How many inputs `iter_batched` builds at a time. qudag-bench chooses its own batch sizes
/// (inputs are built outside the timed region either way), so the value is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchSize {
    /// Inputs are small.
    SmallInput,
    /// Inputs are large.
    LargeInput,
    /// One input per batch.
    PerIteration,
    /// This many batches per sample.
    NumBatches(u64),
    /// This many iterations per batch.
    NumIterations(u64),
}

/// criterion's sampling plan; qudag-bench has its own (short samples, docs/measurement.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SamplingMode {
    /// criterion's choice.
    #[default]
    Auto,
    /// Linearly growing iteration counts.
    Linear,
    /// Equal iteration counts.
    Flat,
}

/// Axis scale of criterion's plots (no plots here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AxisScale {
    /// Linear.
    #[default]
    Linear,
    /// Logarithmic.
    Logarithmic,
}

/// Plot settings of a group (no plots here).
#[derive(Debug, Clone, Default)]
pub struct PlotConfiguration {
    summary_scale: AxisScale,
}

impl PlotConfiguration {
    /// Sets the summary plot's axis scale.
    #[must_use]
    pub fn summary_scale(mut self, new_scale: AxisScale) -> PlotConfiguration {
        self.summary_scale = new_scale;
        self
    }
}

/// criterion's plotting backends (no plots here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlottingBackend {
    /// gnuplot.
    Gnuplot,
    /// plotters.
    Plotters,
    /// No plots.
    None,
}

/// criterion's own check: fewer than 10 samples is refused.
pub(crate) fn check_sample_size(n: usize) {
    assert!(n >= 10, "sample_size must be at least 10, got {n}");
}
