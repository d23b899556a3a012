//! The bench binary's command line: libtest's flags (via libtest-mimic's `Arguments`, flattened)
//! plus qudag-bench's own, each also read from a `QUDAG_BENCH_*` environment variable. A flag
//! beats its variable.

use crate::config::{NoiseThreshold, Precision, SAMPLES_RANGE, limits};
use crate::error::{BadValue, Error};
use crate::exit::ExitStatus;
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// The bench binary's arguments.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "qudag-bench",
    about = "Runs the #[qudag_bench] benchmarks of this bench target.",
    long_about = None,
    disable_version_flag = true,
    help_template = "{about}\n\nUsage: {usage}\n\n{all-args}{after-help}",
    after_help = "\nWithout --bench (which `cargo bench` passes) each benchmark runs once as a smoke \
                  test.\nExit codes: 0 ok, 101 a benchmark failed or timed out, 2 bad usage, \
                  configuration or input.\nFiles: $QUDAG_BENCH_HOME/results/<bench-target>.json \
                  (default home: <cargo target dir>/qudag-bench)."
)]
pub struct Cli {
    /// libtest's flags and FILTER.
    #[command(flatten)]
    pub libtest: libtest_mimic::Arguments,
    /// qudag-bench's flags.
    #[command(flatten)]
    pub harness: HarnessArgs,
}

/// How results are printed on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// One compact line per benchmark: median, its 95% CI, throughput, outliers.
    #[default]
    Pretty,
    /// libtest's `test NAME ... bench: N ns/iter (+/- M)` lines, for tools that parse them.
    Bencher,
}

/// qudag-bench's own flags.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "qudag-bench options")]
pub struct HarnessArgs {
    /// Run only benchmarks of these suites (repeat or comma-separate).
    #[arg(
        long,
        value_name = "S",
        env = "QUDAG_BENCH_SUITE",
        value_delimiter = ','
    )]
    pub suite: Vec<String>,
    /// Run only benchmarks carrying every one of these tags (repeat or comma-separate).
    #[arg(long, value_name = "T", env = "QUDAG_BENCH_TAG", value_delimiter = ',')]
    pub tag: Vec<String>,
    /// Short runs: 50 ms warmup and 120 ms measurement per benchmark.
    #[arg(long, env = "QUDAG_BENCH_QUICK", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub quick: bool,
    /// Warmup time per benchmark: seconds, or a number with ns/us/ms/s (0 to 1 h).
    #[arg(long, value_name = "SECS", env = "QUDAG_BENCH_WARMUP_TIME", value_parser = warmup)]
    pub warmup_time: Option<Duration>,
    /// Measurement time limit per benchmark (1 ms to 1 h).
    #[arg(long, value_name = "SECS", env = "QUDAG_BENCH_MEASURE_TIME", value_parser = measure)]
    pub measure_time: Option<Duration>,
    /// Sample target per benchmark (measurement stops at it or at the time limit).
    #[arg(long, value_name = "N", env = "QUDAG_BENCH_SAMPLES", value_parser = samples)]
    pub samples: Option<u32>,
    /// Timeout per benchmark, setup included; a benchmark past it is reported as timed out
    /// (1 ms to 24 h; default 60 s, or twice the warmup plus measurement time if longer).
    #[arg(long, value_name = "SECS", env = "QUDAG_BENCH_TIMEOUT", value_parser = timeout)]
    pub timeout: Option<Duration>,
    /// Configuration file [default: qudag-bench.toml in the package root, if present].
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// Also write the JSON run report here; `-` writes it to stdout and everything else to
    /// stderr. In this and the other report paths, `{target}` is the bench target's name.
    #[arg(long, value_name = "PATH|-", env = "QUDAG_BENCH_JSON")]
    pub json: Option<String>,
    /// Also write a self-contained HTML report with charts here (opens offline).
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_HTML", value_parser = report_path)]
    pub html: Option<String>,
    /// Also write a CSV table, one row per benchmark, here (columns: docs/reports.md).
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_CSV", value_parser = report_path)]
    pub csv: Option<String>,
    /// Also write every raw sample as CSV here.
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_CSV_SAMPLES", value_parser = report_path)]
    pub csv_samples: Option<String>,
    /// Also write the custom metrics (`b.metric`) as CSV here, one row per metric.
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_CSV_METRICS", value_parser = report_path)]
    pub csv_metrics: Option<String>,
    /// Also write a Markdown table for a pull-request comment here.
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_MARKDOWN", value_parser = report_path)]
    pub markdown: Option<String>,
    /// Also write Bencher Metric Format JSON (for bencher.dev) here.
    #[arg(long, value_name = "PATH", env = "QUDAG_BENCH_BMF", value_parser = report_path)]
    pub bmf: Option<String>,
    /// Thread counts for benchmarks that declare `threads` (repeat or comma-separate; 0 means
    /// all cores).
    #[arg(
        long,
        value_name = "N",
        env = "QUDAG_BENCH_THREADS",
        value_delimiter = ','
    )]
    pub threads: Vec<usize>,
    /// Do not open performance counters.
    #[arg(long, env = "QUDAG_BENCH_NO_PERF", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_perf: bool,
    /// Do not sample system metrics (memory, CPU, load, I/O) during benchmarks.
    #[arg(long, env = "QUDAG_BENCH_NO_SYSTEM_METRICS", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_system_metrics: bool,
    /// System metrics sampling rate, per second.
    #[arg(long, value_name = "HZ", env = "QUDAG_BENCH_METRICS_HZ", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub metrics_hz: u32,
    /// Show counters, allocations and system metrics under each result.
    #[arg(long, env = "QUDAG_BENCH_VERBOSE", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub verbose: bool,
    /// Also count instructions per iteration under valgrind's callgrind (deterministic, slow;
    /// needs valgrind).
    #[arg(long, env = "QUDAG_BENCH_INSTRUCTIONS", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub instructions: bool,
    /// Internal: run the selected benchmark's timed loop once with N iterations.
    #[arg(long = "qudag-bench-worker-iters", value_name = "N", hide = true)]
    pub worker_iters: Option<u64>,
    /// Internal: serve `qudag-bench ab` on stdin/stdout (see `gate::ab::protocol`).
    #[arg(long = "qudag-bench-ab-worker", hide = true)]
    pub ab_worker: bool,
    /// Run each benchmark in a fresh child process of this binary: a crash, abort, stack
    /// overflow or exit() fails that benchmark only (benchmarks with resource limits always are).
    #[arg(long, env = "QUDAG_BENCH_ISOLATE", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub isolate: bool,
    /// Internal: measure benchmark ID alone and write its result to stdout (`--isolate`).
    #[arg(long = "qudag-bench-isolated", value_name = "ID", hide = true)]
    pub isolated_child: Option<String>,
    /// Save this run as baseline NAME ($QUDAG_BENCH_HOME/baselines/NAME/<target>.json).
    // The doc comment is the flag's --help text, where `<target>` is a placeholder, not HTML.
    #[allow(rustdoc::invalid_html_tags)]
    #[arg(long, value_name = "NAME", env = "QUDAG_BENCH_SAVE_BASELINE", value_parser = baseline_name)]
    pub save_baseline: Option<String>,
    /// Compare this run with baseline NAME.
    #[arg(long, value_name = "NAME", env = "QUDAG_BENCH_BASELINE", value_parser = baseline_name)]
    pub baseline: Option<String>,
    /// Do not run: compare saved baseline NAME with --baseline (both of this bench target).
    #[arg(long, value_name = "NAME", env = "QUDAG_BENCH_LOAD_BASELINE", value_parser = baseline_name,
          requires = "baseline")]
    pub load_baseline: Option<String>,
    /// Stop measuring a benchmark once its median's 95% interval is within +-PCT percent; 0
    /// measures until the time or sample cap [default: 0].
    #[arg(long, value_name = "PCT", env = "QUDAG_BENCH_PRECISION", value_parser = Precision::parse)]
    pub precision: Option<Precision>,
    /// Smallest change against the baseline that counts, percent [default: 2].
    #[arg(long, value_name = "PCT", env = "QUDAG_BENCH_NOISE_THRESHOLD",
          value_parser = NoiseThreshold::parse)]
    pub noise_threshold: Option<NoiseThreshold>,
    /// Exit with code 3 if a benchmark regressed against the baseline or missed its target.
    #[arg(long, env = "QUDAG_BENCH_GATE", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub gate: bool,
    /// With --baseline: do not measure a benchmark found regressed or improved a second time
    /// to confirm the verdict.
    #[arg(long, env = "QUDAG_BENCH_NO_CONFIRM", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_confirm: bool,
    /// With --save-baseline: do not keep the bench executable with the baseline (the stored
    /// gate then confirms a flagged benchmark by measuring it again in-process, not by A/B).
    #[arg(long, env = "QUDAG_BENCH_NO_SAVE_BINARY", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_save_binary: bool,
    /// Criterion-style binaries: do not write criterion's results tree
    /// (`target/criterion/<id>/new/*.json`, read by critcmp).
    #[arg(long, env = "QUDAG_BENCH_NO_CRITERION_FILES", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_criterion_files: bool,
    /// Do not record this run in $QUDAG_BENCH_HOME/history.sqlite.
    #[arg(long, env = "QUDAG_BENCH_NO_HISTORY", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_history: bool,
    /// Terminal output format.
    #[arg(long, value_enum, value_name = "FORMAT", env = "QUDAG_BENCH_OUTPUT_FORMAT",
          default_value_t = OutputFormat::Pretty)]
    pub output_format: OutputFormat,
    /// Do not show the progress line (shown in bench mode only when stderr is a terminal, the
    /// format is pretty and --json is not `-`).
    #[arg(long, env = "QUDAG_BENCH_NO_PROGRESS", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub no_progress: bool,
    /// POST a JSON summary (schema `qudag-bench/notification/v1`) to this webhook when the
    /// gate fails; sent with curl, best effort (a failure to send is a warning).
    #[arg(long, value_name = "URL", env = "QUDAG_BENCH_NOTIFY", hide_env_values = true,
          value_parser = crate::notify::check_url)]
    pub notify: Option<String>,
    /// Tag the report and the history entry with this run group id (`qudag-bench run` sets it
    /// for every bench target of one invocation).
    #[arg(long, value_name = "ID", env = "QUDAG_BENCH_RUN_GROUP", value_parser = run_group)]
    pub run_group: Option<String>,
}

/// Prints a command-line parse error as clap would, but with control characters in the
/// user's values shown escaped (clap repeats a bad value as it was given); help and version
/// texts, which hold no user input, print as they are. Returns the exit code: 2 for an error,
/// 0 for help or version.
pub fn print_parse_error(err: &clap::Error) -> ExitStatus {
    if !err.use_stderr() {
        let _ = err.print();
        return ExitStatus::Success;
    }
    let text = err.render().to_string();
    eprint!("{}", crate::escape::TermLines(&text));
    ExitStatus::Usage
}

/// When `err` is about a bad value that came from a flag's `QUDAG_BENCH_*` variable (the flag is
/// not in `args`), a line naming the variable: clap's message names only the flag.
pub fn env_note(err: &clap::Error, args: &[std::ffi::OsString]) -> Option<String> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        err.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.strip_prefix("--")?.split(['=', ' ']).next()?;
    let flag = format!("--{long}");
    let on_command_line = args.iter().any(|a| {
        let a = a.to_string_lossy();
        a == flag || a.starts_with(&format!("{flag}="))
    });
    let command = Cli::command();
    let var = command
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?
        .get_env()?
        .to_string_lossy()
        .into_owned();
    (!on_command_line && std::env::var_os(&var).is_some())
        .then(|| format!("note: the value of {flag} came from the environment variable {var}"))
}

/// Checks a run group id: 1 to 64 ASCII letters, digits, `.`, `_` or `-`.
pub fn run_group(text: &str) -> Result<String, BadValue> {
    let ok = (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(text.to_string())
    } else {
        Err(BadValue::new(
            "expected 1 to 64 ASCII letters, digits, `.`, `_` or `-`",
        ))
    }
}

fn warmup(text: &str) -> Result<Duration, BadValue> {
    limits::WARMUP_TIME.parse(text)
}

fn measure(text: &str) -> Result<Duration, BadValue> {
    limits::MEASURE_TIME.parse(text)
}

fn timeout(text: &str) -> Result<Duration, BadValue> {
    limits::TIMEOUT.parse(text)
}

fn report_path(text: &str) -> Result<String, BadValue> {
    match text {
        "-" => Err(BadValue::new(
            "expected a file path: stdout carries the results (only --json takes `-`; \
                    `qudag-bench report --format FORMAT` prints any format to stdout)",
        )),
        "" => Err(BadValue::new("expected a file path")),
        path => Ok(path.to_string()),
    }
}

fn baseline_name(text: &str) -> Result<String, Error> {
    crate::store::baseline::validate_name(text).map(|()| text.to_string())
}

fn samples(text: &str) -> Result<u32, BadValue> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| SAMPLES_RANGE.contains(n))
        .ok_or_else(|| {
            BadValue::new(format!(
                "expected an integer from {} to {}",
                SAMPLES_RANGE.start(),
                SAMPLES_RANGE.end()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("bench").chain(args.iter().copied()))
    }

    #[test]
    fn libtest_and_harness_flags_together() {
        let cli = parse(&[
            "keygen",
            "--exact",
            "--skip",
            "x",
            "--suite",
            "crypto,dag",
            "--quick",
            "--warmup-time",
            "50ms",
            "--samples",
            "10",
            "--json",
            "-",
            "--bench",
        ])
        .unwrap();
        assert_eq!(cli.libtest.filter.as_deref(), Some("keygen"));
        assert!(cli.libtest.exact && cli.libtest.bench);
        assert_eq!(cli.libtest.skip, vec!["x"]);
        assert_eq!(cli.harness.suite, vec!["crypto", "dag"]);
        assert!(cli.harness.quick);
        assert_eq!(cli.harness.warmup_time, Some(Duration::from_millis(50)));
        assert_eq!(cli.harness.samples, Some(10));
        assert_eq!(cli.harness.json.as_deref(), Some("-"));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            &["--samples", "1"][..],
            &["--timeout", "0"],
            &["--measure-time", "x"],
            &["--output-format", "xml"],
            &["--no-such-flag"],
            &["--csv", "-"],
            &["--html", ""],
            &["--run-group", "a b"],
            &["--run-group", ""],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
    }
}
