//! criterion's `Criterion`: the configuration builders (accepted, see the crate docs), and
//! the benchmarks and groups made from it.

use crate::bencher::Bencher;
use crate::group::{BenchmarkGroup, offer};
use crate::id::{BenchmarkId, FullId};
use crate::measurement::{Measurement, WallTime};
use crate::settings::{PlottingBackend, check_sample_size};
use std::marker::PhantomData;
use std::panic::Location;
use std::time::Duration;

/// The benchmark manager handed to each target of `criterion_group!` (criterion's
/// `Criterion`).
pub struct Criterion<M: Measurement = WallTime> {
    measurement: PhantomData<M>,
}

impl Default for Criterion {
    fn default() -> Criterion {
        Criterion {
            measurement: PhantomData,
        }
    }
}

/// Builders that take and return the configuration: accepted so that `config = ..` compiles,
/// and not applied (qudag-bench's plan, flags and config file decide; see the crate docs).
impl<M: Measurement> Criterion<M> {
    /// Accepted; see the crate docs. Panics below 10, as criterion does.
    #[must_use]
    pub fn sample_size(self, n: usize) -> Self {
        check_sample_size(n);
        self
    }

    /// Accepted; see the crate docs.
    #[must_use]
    pub fn warm_up_time(self, duration: Duration) -> Self {
        let _ = duration;
        self
    }

    /// Accepted; see the crate docs.
    #[must_use]
    pub fn measurement_time(self, duration: Duration) -> Self {
        let _ = duration;
        self
    }

    /// Accepted; see the crate docs.
    #[must_use]
    pub fn nresamples(self, n: usize) -> Self {
        let _ = n;
        self
    }

    /// Accepted; the noise threshold is qudag-bench's `--noise-threshold` or config key.
    #[must_use]
    pub fn noise_threshold(self, threshold: f64) -> Self {
        let _ = threshold;
        self
    }

    /// Accepted; qudag-bench's intervals are 95%.
    #[must_use]
    pub fn confidence_level(self, level: f64) -> Self {
        let _ = level;
        self
    }

    /// Accepted; qudag-bench's comparisons test at 5%.
    #[must_use]
    pub fn significance_level(self, level: f64) -> Self {
        let _ = level;
        self
    }

    /// Accepted; there are no plots (`qudag-bench report --format html` draws charts).
    #[must_use]
    pub fn with_plots(self) -> Self {
        self
    }

    /// Accepted; there are no plots.
    #[must_use]
    pub fn without_plots(self) -> Self {
        self
    }

    /// Accepted; there are no plots.
    #[must_use]
    pub fn plotting_backend(self, backend: PlottingBackend) -> Self {
        let _ = backend;
        self
    }

    /// Accepted; the terminal's colours follow `--color`.
    #[must_use]
    pub fn with_output_color(self, enabled: bool) -> Self {
        let _ = enabled;
        self
    }

    /// Accepted; benchmarks are selected by the command line's FILTER.
    #[must_use]
    pub fn with_filter<S: Into<String>>(self, filter: S) -> Self {
        let _ = filter.into();
        self
    }

    /// Accepted; baselines are saved with `--save-baseline NAME` (docs/criterion.md).
    #[must_use]
    pub fn save_baseline(self, baseline: String) -> Self {
        let _ = baseline;
        self
    }

    /// Accepted; compare with `--baseline NAME` (docs/criterion.md).
    #[must_use]
    pub fn retain_baseline(self, baseline: String, strict: bool) -> Self {
        let _ = (baseline, strict);
        self
    }

    /// Accepted; see `--profile-time` in docs/criterion.md.
    #[must_use]
    pub fn profile_time(self, profile_time: Option<Duration>) -> Self {
        let _ = profile_time;
        self
    }

    /// The same configuration with measurement `measurement` ([`WallTime`] is the one there
    /// is).
    #[must_use]
    pub fn with_measurement<M2: Measurement>(self, measurement: M2) -> Criterion<M2> {
        let _ = measurement;
        Criterion {
            measurement: PhantomData,
        }
    }

    /// Accepted: the harness reads the command line itself, criterion's flags included.
    #[must_use]
    pub fn configure_from_args(self) -> Self {
        self
    }

    /// Offers a benchmark named `id`.
    #[track_caller]
    pub fn bench_function<F>(&mut self, id: &str, mut f: F) -> &mut Self
    where
        F: FnMut(&mut Bencher<'_, M>),
    {
        let id = FullId::in_group(id, &BenchmarkId::none());
        offer(id, None, Location::caller(), &mut f);
        self
    }

    /// Offers a benchmark named by `id` (`function/parameter`), given `input`.
    #[track_caller]
    pub fn bench_with_input<F, I>(&mut self, id: BenchmarkId, input: &I, mut f: F) -> &mut Self
    where
        F: FnMut(&mut Bencher<'_, M>, &I),
    {
        // criterion refuses this too: the function name is the group's.
        let group = id
            .function()
            .expect(
                "Criterion::bench_with_input needs a BenchmarkId with a function name \
                 (BenchmarkId::new), or use a BenchmarkGroup",
            )
            .to_string();
        let id = FullId::in_group(&group, &id.parameter_only());
        offer(id, None, Location::caller(), &mut |b| f(b, input));
        self
    }

    /// Starts a group named `group_name`.
    pub fn benchmark_group<S: Into<String>>(&mut self, group_name: S) -> BenchmarkGroup<'_, M> {
        BenchmarkGroup::new(group_name.into())
    }

    /// Accepted; qudag-bench prints its summary when the run ends.
    pub fn final_summary(&self) {}
}
