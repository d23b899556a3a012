//! qudag-bench's own flags as a table, built into clap arguments by one loop and read back by
//! hand. clap's derive wrote the same thing as one builder chain per flag, which the bench
//! profile inlined into two functions of about 60 KB of machine code each (one of them never
//! called): some 2.5 s of every user's clean build for a few microseconds of parsing
//! (docs/build-time.md).

use super::{HarnessArgs, OutputFormat};
use crate::config::{NoiseThreshold, Precision};
use crate::error::BadValue;
use clap::builder::{BoolishValueParser, EnumValueParser, ValueParser};
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command, FromArgMatches};
use std::path::PathBuf;
use std::time::Duration;

/// What a flag takes.
#[derive(Clone, Copy)]
enum Kind {
    /// Nothing on the command line; its variable holds a boolean word (`1`, `true`, `no`, ...).
    Switch,
    /// One value, checked by the parser.
    Value(fn() -> ValueParser),
    /// Values, repeated or comma-separated.
    List(fn() -> ValueParser),
}

/// One flag: its long name (also its clap id), placeholder, variable, help text and kind.
struct Flag {
    long: &'static str,
    value_name: &'static str,
    env: &'static str,
    help: &'static str,
    kind: Kind,
    default: Option<&'static str>,
    requires: Option<&'static str>,
    hidden: bool,
    secret: bool,
}

impl Flag {
    const fn new(long: &'static str, value_name: &'static str, kind: Kind) -> Flag {
        Flag {
            long,
            value_name,
            env: "",
            help: "",
            kind,
            default: None,
            requires: None,
            hidden: false,
            secret: false,
        }
    }

    /// A documented flag read also from `env`.
    const fn public(
        long: &'static str,
        value_name: &'static str,
        env: &'static str,
        kind: Kind,
        help: &'static str,
    ) -> Flag {
        Flag {
            env,
            help,
            ..Flag::new(long, value_name, kind)
        }
    }

    /// A flag the harness passes to its own child processes, not shown in `--help`.
    const fn internal(long: &'static str, value_name: &'static str, kind: Kind) -> Flag {
        Flag {
            hidden: true,
            ..Flag::new(long, value_name, kind)
        }
    }

    const fn default(self, value: &'static str) -> Flag {
        Flag {
            default: Some(value),
            ..self
        }
    }

    const fn requires(self, other: &'static str) -> Flag {
        Flag {
            requires: Some(other),
            ..self
        }
    }

    /// The variable's value is not shown in `--help` (it may hold a token).
    const fn secret(self) -> Flag {
        Flag {
            secret: true,
            ..self
        }
    }

    fn arg(&self) -> Arg {
        let mut arg = Arg::new(self.long).long(self.long).help(self.help);
        if !self.value_name.is_empty() {
            arg = arg.value_name(self.value_name);
        }
        if !self.env.is_empty() {
            arg = arg.env(self.env);
        }
        arg = match self.kind {
            Kind::Switch => arg
                .action(ArgAction::SetTrue)
                .value_parser(BoolishValueParser::new()),
            Kind::Value(parser) => arg.action(ArgAction::Set).value_parser(parser()),
            Kind::List(parser) => arg
                .action(ArgAction::Append)
                .value_delimiter(',')
                .value_parser(parser()),
        };
        if let Some(value) = self.default {
            arg = arg.default_value(value);
        }
        if let Some(other) = self.requires {
            arg = arg.requires(other);
        }
        arg.hide(self.hidden).hide_env_values(self.secret)
    }
}

fn string() -> ValueParser {
    ValueParser::string()
}

fn path() -> ValueParser {
    ValueParser::path_buf()
}

fn report_path() -> ValueParser {
    checked(super::report_path)
}

/// A parser from a checking function, taken as a function pointer: every function item is a
/// type of its own, and clap's parser code would be compiled once for each.
fn checked<T: Clone + Send + Sync + 'static>(
    check: fn(&str) -> Result<T, BadValue>,
) -> ValueParser {
    ValueParser::new(check)
}

fn baseline_name() -> ValueParser {
    ValueParser::new(super::baseline_name)
}

use Kind::{List, Switch, Value};

/// Every flag, in the order `--help` shows them.
const FLAGS: &[Flag] = &[
    Flag::public(
        "suite",
        "S",
        "QUDAG_BENCH_SUITE",
        List(string),
        "Run only benchmarks of these suites (repeat or comma-separate)",
    ),
    Flag::public(
        "tag",
        "T",
        "QUDAG_BENCH_TAG",
        List(string),
        "Run only benchmarks carrying every one of these tags (repeat or comma-separate)",
    ),
    Flag::public(
        "quick",
        "",
        "QUDAG_BENCH_QUICK",
        Switch,
        "Short runs: 50 ms warmup and 120 ms measurement per benchmark",
    ),
    Flag::public(
        "warmup-time",
        "SECS",
        "QUDAG_BENCH_WARMUP_TIME",
        Value(|| checked(super::warmup)),
        "Warmup time per benchmark: seconds, or a number with ns/us/ms/s (0 to 1 h)",
    ),
    Flag::public(
        "measure-time",
        "SECS",
        "QUDAG_BENCH_MEASURE_TIME",
        Value(|| checked(super::measure)),
        "Measurement time limit per benchmark (1 ms to 1 h)",
    ),
    Flag::public(
        "samples",
        "N",
        "QUDAG_BENCH_SAMPLES",
        Value(|| checked(super::samples)),
        "Sample target per benchmark (measurement stops at it or at the time limit)",
    ),
    Flag::public(
        "timeout",
        "SECS",
        "QUDAG_BENCH_TIMEOUT",
        Value(|| checked(super::timeout)),
        "Timeout per benchmark, setup included; a benchmark past it is reported as timed out \
         (1 ms to 24 h; default 60 s, or twice the warmup plus measurement time if longer)",
    ),
    Flag::public(
        "config",
        "PATH",
        "QUDAG_BENCH_CONFIG",
        Value(path),
        "Configuration file [default: qudag-bench.toml in the package root, if present]",
    ),
    Flag::public(
        "json",
        "PATH|-",
        "QUDAG_BENCH_JSON",
        Value(string),
        "Also write the JSON run report here; `-` writes it to stdout and everything else to \
         stderr. In this and the other report paths, `{target}` is the bench target's name",
    ),
    Flag::public(
        "html",
        "PATH",
        "QUDAG_BENCH_HTML",
        Value(report_path),
        "Also write a self-contained HTML report with charts here (opens offline)",
    ),
    Flag::public(
        "csv",
        "PATH",
        "QUDAG_BENCH_CSV",
        Value(report_path),
        "Also write a CSV table, one row per benchmark, here (columns: docs/reports.md)",
    ),
    Flag::public(
        "csv-samples",
        "PATH",
        "QUDAG_BENCH_CSV_SAMPLES",
        Value(report_path),
        "Also write every raw sample as CSV here",
    ),
    Flag::public(
        "csv-metrics",
        "PATH",
        "QUDAG_BENCH_CSV_METRICS",
        Value(report_path),
        "Also write the custom metrics (`b.metric`) as CSV here, one row per metric",
    ),
    Flag::public(
        "markdown",
        "PATH",
        "QUDAG_BENCH_MARKDOWN",
        Value(report_path),
        "Also write a Markdown table for a pull-request comment here",
    ),
    Flag::public(
        "bmf",
        "PATH",
        "QUDAG_BENCH_BMF",
        Value(report_path),
        "Also write Bencher Metric Format JSON (for bencher.dev) here",
    ),
    Flag::public(
        "threads",
        "N",
        "QUDAG_BENCH_THREADS",
        List(|| clap::value_parser!(usize).into()),
        "Thread counts for benchmarks that declare `threads` (repeat or comma-separate; 0 \
         means all cores)",
    ),
    Flag::public(
        "no-perf",
        "",
        "QUDAG_BENCH_NO_PERF",
        Switch,
        "Do not open performance counters",
    ),
    Flag::public(
        "no-system-metrics",
        "",
        "QUDAG_BENCH_NO_SYSTEM_METRICS",
        Switch,
        "Do not sample system metrics (memory, CPU, load, I/O) during benchmarks",
    ),
    Flag::public(
        "metrics-hz",
        "HZ",
        "QUDAG_BENCH_METRICS_HZ",
        Value(|| clap::value_parser!(u32).range(1..=1000).into()),
        "System metrics sampling rate, per second",
    )
    .default("10"),
    Flag::public(
        "verbose",
        "",
        "QUDAG_BENCH_VERBOSE",
        Switch,
        "Show counters, allocations and system metrics under each result",
    ),
    Flag::public(
        "instructions",
        "",
        "QUDAG_BENCH_INSTRUCTIONS",
        Switch,
        "Also count instructions per iteration under valgrind's callgrind (deterministic, \
         slow; needs valgrind)",
    ),
    Flag::internal(
        "qudag-bench-worker-iters",
        "N",
        Value(|| clap::value_parser!(u64).into()),
    ),
    Flag::internal("qudag-bench-ab-worker", "", Switch),
    Flag::public(
        "isolate",
        "",
        "QUDAG_BENCH_ISOLATE",
        Switch,
        "Run each benchmark in a fresh child process of this binary: a crash, abort, stack \
         overflow or exit() fails that benchmark only (benchmarks with resource limits always \
         are)",
    ),
    Flag::internal("qudag-bench-isolated", "ID", Value(string)),
    Flag::public(
        "save-baseline",
        "NAME",
        "QUDAG_BENCH_SAVE_BASELINE",
        Value(baseline_name),
        "Save this run as baseline NAME ($QUDAG_BENCH_HOME/baselines/NAME/<target>.json)",
    ),
    Flag::public(
        "baseline",
        "NAME",
        "QUDAG_BENCH_BASELINE",
        Value(baseline_name),
        "Compare this run with baseline NAME",
    ),
    Flag::public(
        "load-baseline",
        "NAME",
        "QUDAG_BENCH_LOAD_BASELINE",
        Value(baseline_name),
        "Do not run: compare saved baseline NAME with --baseline (both of this bench target)",
    )
    .requires("baseline"),
    Flag::public(
        "precision",
        "PCT",
        "QUDAG_BENCH_PRECISION",
        Value(|| checked(Precision::parse)),
        "Stop measuring a benchmark once its median's 95% interval is within +-PCT percent; 0 \
         measures until the time or sample cap [default: 0]",
    ),
    Flag::public(
        "noise-threshold",
        "PCT",
        "QUDAG_BENCH_NOISE_THRESHOLD",
        Value(|| checked(NoiseThreshold::parse)),
        "Smallest change against the baseline that counts, percent [default: 2]",
    ),
    Flag::public(
        "gate",
        "",
        "QUDAG_BENCH_GATE",
        Switch,
        "Exit with code 3 if a benchmark regressed against the baseline or missed its target",
    ),
    Flag::public(
        "no-confirm",
        "",
        "QUDAG_BENCH_NO_CONFIRM",
        Switch,
        "With --baseline: do not measure a benchmark found regressed or improved a second time \
         to confirm the verdict",
    ),
    Flag::public(
        "no-save-binary",
        "",
        "QUDAG_BENCH_NO_SAVE_BINARY",
        Switch,
        "With --save-baseline: do not keep the bench executable with the baseline (the stored \
         gate then confirms a flagged benchmark by measuring it again in-process, not by A/B)",
    ),
    Flag::public(
        "no-criterion-files",
        "",
        "QUDAG_BENCH_NO_CRITERION_FILES",
        Switch,
        "Criterion-style binaries: do not write criterion's results tree \
         (`target/criterion/<id>/new/*.json`, read by critcmp)",
    ),
    Flag::public(
        "no-history",
        "",
        "QUDAG_BENCH_NO_HISTORY",
        Switch,
        "Do not record this run in $QUDAG_BENCH_HOME/history.sqlite",
    ),
    Flag::public(
        "output-format",
        "FORMAT",
        "QUDAG_BENCH_OUTPUT_FORMAT",
        Value(|| ValueParser::new(EnumValueParser::<OutputFormat>::new())),
        "Terminal output format",
    )
    .default("pretty"),
    Flag::public(
        "no-progress",
        "",
        "QUDAG_BENCH_NO_PROGRESS",
        Switch,
        "Do not show the progress line (shown in bench mode only when stderr is a terminal, \
         the format is pretty and --json is not `-`)",
    ),
    Flag::public(
        "notify",
        "URL",
        "QUDAG_BENCH_NOTIFY",
        Value(|| checked(crate::notify::check_url)),
        "POST a JSON summary (schema `qudag-bench/notification/v1`) to this webhook when the \
         gate fails; sent with curl, best effort (a failure to send is a warning)",
    )
    .secret(),
    Flag::public(
        "run-group",
        "ID",
        "QUDAG_BENCH_RUN_GROUP",
        Value(|| checked(super::run_group)),
        "Tag the report and the history entry with this run group id (`qudag-bench run` sets \
         it for every bench target of one invocation)",
    ),
];

/// The id of the group holding every flag of ours (as clap's derive named it).
const GROUP: &str = "HarnessArgs";

impl clap::Args for HarnessArgs {
    fn group_id() -> Option<clap::Id> {
        Some(clap::Id::from(GROUP))
    }

    fn augment_args(cmd: Command) -> Command {
        let group = ArgGroup::new(GROUP)
            .multiple(true)
            .args(FLAGS.iter().map(|f| f.long));
        let cmd = cmd.group(group).next_help_heading("qudag-bench options");
        FLAGS.iter().fold(cmd, |cmd, flag| cmd.arg(flag.arg()))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for HarnessArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(m: &mut ArgMatches) -> Result<Self, clap::Error> {
        Ok(HarnessArgs {
            suite: many(m, "suite"),
            tag: many(m, "tag"),
            quick: m.get_flag("quick"),
            warmup_time: m.remove_one::<Duration>("warmup-time"),
            measure_time: m.remove_one::<Duration>("measure-time"),
            samples: m.remove_one::<u32>("samples"),
            timeout: m.remove_one::<Duration>("timeout"),
            config: m.remove_one::<PathBuf>("config"),
            json: m.remove_one::<String>("json"),
            html: m.remove_one::<String>("html"),
            csv: m.remove_one::<String>("csv"),
            csv_samples: m.remove_one::<String>("csv-samples"),
            csv_metrics: m.remove_one::<String>("csv-metrics"),
            markdown: m.remove_one::<String>("markdown"),
            bmf: m.remove_one::<String>("bmf"),
            threads: many(m, "threads"),
            no_perf: m.get_flag("no-perf"),
            no_system_metrics: m.get_flag("no-system-metrics"),
            metrics_hz: m
                .remove_one::<u32>("metrics-hz")
                .expect("--metrics-hz has a default"),
            verbose: m.get_flag("verbose"),
            instructions: m.get_flag("instructions"),
            worker_iters: m.remove_one::<u64>("qudag-bench-worker-iters"),
            ab_worker: m.get_flag("qudag-bench-ab-worker"),
            isolate: m.get_flag("isolate"),
            isolated_child: m.remove_one::<String>("qudag-bench-isolated"),
            save_baseline: m.remove_one::<String>("save-baseline"),
            baseline: m.remove_one::<String>("baseline"),
            load_baseline: m.remove_one::<String>("load-baseline"),
            precision: m.remove_one::<Precision>("precision"),
            noise_threshold: m.remove_one::<NoiseThreshold>("noise-threshold"),
            gate: m.get_flag("gate"),
            no_confirm: m.get_flag("no-confirm"),
            no_save_binary: m.get_flag("no-save-binary"),
            no_criterion_files: m.get_flag("no-criterion-files"),
            no_history: m.get_flag("no-history"),
            output_format: m
                .remove_one::<OutputFormat>("output-format")
                .unwrap_or_default(),
            no_progress: m.get_flag("no-progress"),
            notify: m.remove_one::<String>("notify"),
            run_group: m.remove_one::<String>("run-group"),
        })
    }

    /// Reads every flag of ours again (the bench binary parses its command line once).
    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The values of a repeatable flag, in order.
fn many<T: Clone + Send + Sync + 'static>(m: &mut ArgMatches, id: &str) -> Vec<T> {
    m.remove_many::<T>(id)
        .map(|values| values.collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_long_name_is_unique_and_every_public_flag_has_a_variable_and_help() {
        let mut seen = std::collections::BTreeSet::new();
        for flag in FLAGS {
            assert!(seen.insert(flag.long), "--{} twice", flag.long);
            if !flag.hidden {
                assert!(flag.env.starts_with("QUDAG_BENCH_"), "--{}", flag.long);
                assert!(!flag.help.is_empty(), "--{}", flag.long);
            }
        }
    }

    #[test]
    fn the_command_passes_clap_s_own_checks() {
        // Command::debug_assert panics on a conflicting or malformed definition.
        <super::super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
