//! The registry of benchmarks: a linkme distributed slice filled by `#[qudag_bench]`, entry
//! metadata, ids, and the harness's own filters (suite and tag).

use crate::bencher::Bencher;
use std::fmt::Display;

/// Every benchmark linked into this binary, in link order.
#[linkme::distributed_slice]
pub static BENCHMARKS: [BenchEntry];

/// Options written in the attribute; `None` means "not set there".
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AttrOptions {
    /// Target number of samples.
    pub samples: Option<u32>,
    /// Warmup time in seconds.
    pub warmup_time: Option<f64>,
    /// Measurement time in seconds.
    pub measure_time: Option<f64>,
    /// Timeout in seconds for the whole benchmark.
    pub timeout: Option<f64>,
    /// Precision target in percent of the median (0 = the fixed plan).
    pub precision: Option<f64>,
    /// Ignored unless `--ignored` or `--include-ignored` is given.
    pub ignore: bool,
    /// Runs in a child process of its own (`isolate`), as with `--isolate`.
    pub isolate: bool,
    /// Limits on that child; a benchmark that declares any is always isolated.
    pub limits: ResourceLimits,
    /// `network = "none"`: isolated in a network namespace with only loopback; `None` when
    /// the attribute does not say.
    pub network: Option<NetworkAccess>,
    /// `requires = [..]`: checks run before the benchmark; the first that fails skips it with
    /// its reason.
    pub requires: &'static [Requirement],
}

/// A requirement check (`requires = [has_ipv6]`): `Err(reason)` when this host cannot run the
/// benchmark. See [`crate::requires`] for ready-made ones.
pub type Requirement = fn() -> Result<(), String>;

/// What network a benchmark may reach (`network = "..."`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkAccess {
    /// The host's network, as any process (the default).
    Host,
    /// None: a network namespace of its own with only loopback (`network = "none"`).
    None,
}

/// Resource limits on a benchmark's child process (`memory_limit`, `cpu_time_limit`,
/// `open_files` in the attribute), applied as rlimits; `None` leaves the limit as inherited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResourceLimits {
    /// Address space (`RLIMIT_AS`), bytes.
    pub memory_bytes: Option<u64>,
    /// CPU time (`RLIMIT_CPU`), whole seconds.
    pub cpu_time_s: Option<u64>,
    /// Open file descriptors (`RLIMIT_NOFILE`).
    pub open_files: Option<u64>,
}

impl ResourceLimits {
    /// No limit set (usable in a `static`).
    pub const NONE: ResourceLimits = ResourceLimits {
        memory_bytes: None,
        cpu_time_s: None,
        open_files: None,
    };

    /// Whether any limit is set.
    pub fn any(&self) -> bool {
        *self != ResourceLimits::default()
    }
}

/// How to call a registered benchmark.
#[derive(Clone, Copy)]
pub enum BenchFn {
    /// A `fn(&mut Bencher)` (plain functions are wrapped into one by the attribute).
    Single(fn(&mut Bencher)),
    /// A `fn(&mut Bencher, T)` with one benchmark per argument.
    WithArgs {
        /// Number of arguments.
        count: usize,
        /// The arguments' display names, in order.
        names: fn() -> Vec<String>,
        /// Runs the benchmark with the argument at `index`.
        run: fn(&mut Bencher, usize),
    },
    /// A benchmark offered at run time ([`crate::runtime`]): its closure lives in the code
    /// that offers it and is run there.
    Dynamic,
}

/// One `#[qudag_bench]` function as registered.
pub struct BenchEntry {
    /// Function name, or the `name` option.
    pub name: &'static str,
    /// `module_path!()` where the function is defined.
    pub module_path: &'static str,
    /// Source file.
    pub file: &'static str,
    /// Source line.
    pub line: u32,
    /// The `suite` option; defaults to the bench target's name.
    pub suite: Option<&'static str>,
    /// The `tags` option.
    pub tags: &'static [&'static str],
    /// Other attribute options.
    pub options: AttrOptions,
    /// The `threads` option: one benchmark per thread count (0 = all cores); empty when the
    /// benchmark is single-threaded.
    pub threads: &'static [usize],
    /// The function.
    pub bench: BenchFn,
}

/// One runnable benchmark: an entry, or an entry with one of its arguments.
#[derive(Clone)]
pub struct Benchmark {
    /// The stable id: `<module path inside the target>::<name>[/<arg>]`.
    pub id: String,
    /// The name part of the id without the argument (`ml_kem::keygen` of `ml_kem::keygen/768`).
    pub base_id: String,
    /// The argument's display name, if any.
    pub arg: Option<String>,
    /// The suite.
    pub suite: String,
    /// The entry this benchmark comes from.
    pub entry: &'static BenchEntry,
    /// Index of the argument for [`BenchFn::WithArgs`].
    pub arg_index: usize,
    /// Threads that run the routine at once (`threads` option); `None` when single-threaded.
    pub threads: Option<usize>,
}

impl Benchmark {
    /// Whether it was offered at run time ([`crate::runtime`]).
    pub fn is_dynamic(&self) -> bool {
        matches!(self.entry.bench, BenchFn::Dynamic)
    }

    /// Calls the benchmark function with `b`.
    pub fn call(&self, b: &mut Bencher) {
        let unmet = (self.entry.options.requires.iter()).find_map(|check| check().err());
        if let Some(reason) = unmet {
            return b.skip(reason);
        }
        match self.entry.bench {
            BenchFn::Single(f) => f(b),
            BenchFn::WithArgs { run, .. } => run(b, self.arg_index),
            BenchFn::Dynamic => crate::runtime::call(&self.id, b),
        }
    }
}

/// Builds the id base: the module path without the crate's own segment, then the name.
pub fn base_id(module_path: &str, name: &str) -> String {
    match module_path.split_once("::") {
        Some((_, rest)) => format!("{rest}::{name}"),
        None => name.to_string(),
    }
}

/// Expands entries into benchmarks (one per argument and thread count), in a stable order: by
/// function id, then arguments in the attribute's order, then thread counts. A threaded
/// benchmark's id ends in `/threads=N`; `threads_override` (from `--threads`) replaces the
/// thread counts of benchmarks that declare any. Thread count 0 means all cores.
pub fn collect(
    entries: &'static [BenchEntry],
    target: &str,
    threads_override: &[usize],
) -> Vec<Benchmark> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = Vec::new();
    for entry in entries {
        let base = base_id(entry.module_path, entry.name);
        let suite = entry.suite.unwrap_or(target).to_string();
        let args: Vec<(usize, Option<String>)> = match entry.bench {
            BenchFn::Single(_) | BenchFn::Dynamic => vec![(0, None)],
            BenchFn::WithArgs { names, .. } => names()
                .into_iter()
                .enumerate()
                .map(|(i, a)| (i, Some(a)))
                .collect(),
        };
        let declared = if entry.threads.is_empty() || threads_override.is_empty() {
            entry.threads
        } else {
            threads_override
        };
        let threads: Vec<Option<usize>> = if declared.is_empty() {
            vec![None]
        } else {
            // 0 means all cores, which may equal a count also listed: keep one of each.
            let mut counts: Vec<usize> = declared
                .iter()
                .map(|&t| if t == 0 { cores } else { t })
                .collect();
            counts.sort_unstable();
            counts.dedup();
            counts.into_iter().map(Some).collect()
        };
        for (arg_index, arg) in &args {
            for &thread_count in &threads {
                let mut id = match arg {
                    Some(a) => format!("{base}/{a}"),
                    None => base.clone(),
                };
                if let Some(t) = thread_count {
                    id.push_str(&format!("/threads={t}"));
                }
                out.push(Benchmark {
                    id,
                    base_id: base.clone(),
                    arg: arg.clone(),
                    suite: suite.clone(),
                    entry,
                    arg_index: *arg_index,
                    threads: thread_count,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.base_id, a.arg_index, a.threads).cmp(&(&b.base_id, b.arg_index, b.threads))
    });
    out
}

/// Ids registered more than once (two functions with the same name and module, or equal args).
pub fn duplicate_ids(benches: &[Benchmark]) -> Vec<String> {
    let mut ids: Vec<&str> = benches.iter().map(|b| b.id.as_str()).collect();
    ids.sort_unstable();
    let mut dups: Vec<String> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].to_string())
        .collect();
    dups.dedup();
    dups
}

/// Keeps a benchmark when it is in one of `suites` (if any) and carries every tag in `tags`.
pub fn matches_suite_and_tags(bench: &Benchmark, suites: &[String], tags: &[String]) -> bool {
    let suite_ok = suites.is_empty() || suites.contains(&bench.suite);
    let tags_ok = tags.iter().all(|t| bench.entry.tags.contains(&t.as_str()));
    suite_ok && tags_ok
}

/// Display names of `args` (called by the attribute's expansion).
pub fn arg_names<T: Display>(_bench: fn(&mut Bencher, T), args: Vec<T>) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Calls `bench` with the argument at `index` (called by the attribute's expansion).
pub fn run_with_arg<T>(bench: fn(&mut Bencher, T), args: Vec<T>, index: usize, b: &mut Bencher) {
    let arg = args
        .into_iter()
        .nth(index)
        .expect("argument index within the attribute's args");
    bench(b, arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_drops_the_crate_segment() {
        assert_eq!(base_id("crypto", "keygen"), "keygen");
        assert_eq!(base_id("crypto::ml_kem", "keygen"), "ml_kem::keygen");
        assert_eq!(base_id("crypto::a::b", "f"), "a::b::f");
    }
}
