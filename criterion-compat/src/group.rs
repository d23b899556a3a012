//! criterion's `BenchmarkGroup`: benchmarks sharing a name prefix and a throughput. Each
//! `bench_*` call offers one benchmark to the harness (qudag_bench::runtime), which runs it
//! there and then when it is selected.

use crate::bencher::Bencher;
use crate::id::{FullId, IntoBenchmarkId};
use crate::measurement::{Measurement, WallTime};
use crate::settings::{PlotConfiguration, SamplingMode, Throughput, check_sample_size};
use qudag_bench::runtime::{self, Offer, Options};
use std::marker::PhantomData;
use std::panic::Location;
use std::time::Duration;

/// A group of benchmarks (criterion's `BenchmarkGroup`); made by
/// [`Criterion::benchmark_group`](crate::Criterion::benchmark_group).
pub struct BenchmarkGroup<'a, M: Measurement = WallTime> {
    name: String,
    throughput: Option<Throughput>,
    // Ties the group to the `Criterion` it came from, as criterion's does.
    criterion: PhantomData<&'a mut M>,
}

impl<M: Measurement> BenchmarkGroup<'_, M> {
    pub(crate) fn new(name: String) -> Self {
        BenchmarkGroup {
            name,
            throughput: None,
            criterion: PhantomData,
        }
    }

    /// Accepted; qudag-bench plans its own samples (see the crate docs).
    pub fn sample_size(&mut self, n: usize) -> &mut Self {
        check_sample_size(n);
        self
    }

    /// Accepted; qudag-bench plans its own warmup (see the crate docs).
    pub fn warm_up_time(&mut self, duration: Duration) -> &mut Self {
        let _ = duration;
        self
    }

    /// Accepted; qudag-bench plans its own measurement (see the crate docs).
    pub fn measurement_time(&mut self, duration: Duration) -> &mut Self {
        let _ = duration;
        self
    }

    /// Accepted; qudag-bench's bootstrap has its own resample count.
    pub fn nresamples(&mut self, n: usize) -> &mut Self {
        let _ = n;
        self
    }

    /// Accepted; the noise threshold is qudag-bench's `--noise-threshold` or config key.
    pub fn noise_threshold(&mut self, threshold: f64) -> &mut Self {
        let _ = threshold;
        self
    }

    /// Accepted; qudag-bench's intervals are 95%.
    pub fn confidence_level(&mut self, level: f64) -> &mut Self {
        let _ = level;
        self
    }

    /// Accepted; qudag-bench's comparisons test at 5%.
    pub fn significance_level(&mut self, level: f64) -> &mut Self {
        let _ = level;
        self
    }

    /// Accepted; qudag-bench has its own sampling plan.
    pub fn sampling_mode(&mut self, mode: SamplingMode) -> &mut Self {
        let _ = mode;
        self
    }

    /// Accepted; there are no plots.
    pub fn plot_config(&mut self, config: PlotConfiguration) -> &mut Self {
        let _ = config;
        self
    }

    /// Sets the work per iteration of the benchmarks offered after this call.
    pub fn throughput(&mut self, throughput: Throughput) -> &mut Self {
        self.throughput = Some(throughput);
        self
    }

    /// Offers a benchmark named `id` in this group.
    #[track_caller]
    pub fn bench_function<ID, F>(&mut self, id: ID, mut f: F) -> &mut Self
    where
        ID: IntoBenchmarkId,
        F: FnMut(&mut Bencher<'_, M>),
    {
        let id = FullId::in_group(&self.name, &id.into_benchmark_id());
        offer(id, self.throughput, Location::caller(), &mut f);
        self
    }

    /// Offers a benchmark named `id` in this group, given `input`.
    #[track_caller]
    pub fn bench_with_input<ID, F, I>(&mut self, id: ID, input: &I, mut f: F) -> &mut Self
    where
        ID: IntoBenchmarkId,
        F: FnMut(&mut Bencher<'_, M>, &I),
        I: ?Sized,
    {
        let id = FullId::in_group(&self.name, &id.into_benchmark_id());
        offer(id, self.throughput, Location::caller(), &mut |b| {
            f(b, input)
        });
        self
    }

    /// Ends the group (criterion prints its summary here; qudag-bench reports per benchmark).
    pub fn finish(self) {}
}

/// Offers one benchmark to the harness.
pub(crate) fn offer<M: Measurement>(
    id: FullId,
    throughput: Option<Throughput>,
    location: &'static Location<'static>,
    f: &mut dyn FnMut(&mut Bencher<'_, M>),
) {
    let offer = Offer {
        id: id.id,
        name: id.name,
        arg: id.arg,
        options: Options::default(),
        location,
    };
    runtime::offer(offer, &mut |inner| {
        match throughput {
            Some(Throughput::Bytes(n) | Throughput::BytesDecimal(n)) => inner.throughput_bytes(n),
            Some(
                Throughput::Elements(n)
                | Throughput::Bits(n)
                | Throughput::ElementsAndBytes { elements: n, .. },
            ) => inner.throughput_elements(n),
            None => {}
        }
        f(&mut Bencher::new(inner));
    });
}
