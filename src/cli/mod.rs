//! The bench binary's command line: libtest's flags (via libtest-mimic's `Arguments`, flattened)
//! plus qudag-bench's own (the table in `flags`), each also read from a `QUDAG_BENCH_*`
//! environment variable. A flag beats its variable.

use crate::config::{NoiseThreshold, Precision, SAMPLES_RANGE, limits};
use crate::error::{BadValue, Error};
use crate::exit::ExitStatus;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

mod flags;

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

/// qudag-bench's own flags, parsed by the table in `flags` (their `--help` texts are there).
#[derive(Debug, Clone, Default)]
pub struct HarnessArgs {
    /// `--suite`: run only benchmarks of these suites.
    pub suite: Vec<String>,
    /// `--tag`: run only benchmarks carrying every one of these tags.
    pub tag: Vec<String>,
    /// `--quick`: short warmup and measurement.
    pub quick: bool,
    /// `--warmup-time`: warmup time per benchmark.
    pub warmup_time: Option<Duration>,
    /// `--measure-time`: measurement time limit per benchmark.
    pub measure_time: Option<Duration>,
    /// `--samples`: sample target per benchmark.
    pub samples: Option<u32>,
    /// `--timeout`: timeout per benchmark, setup included.
    pub timeout: Option<Duration>,
    /// `--config`: the configuration file.
    pub config: Option<PathBuf>,
    /// `--json`: also write the JSON run report here (`-`: stdout).
    pub json: Option<String>,
    /// `--html`: also write the HTML report here.
    pub html: Option<String>,
    /// `--csv`: also write the CSV table here.
    pub csv: Option<String>,
    /// `--csv-samples`: also write every raw sample as CSV here.
    pub csv_samples: Option<String>,
    /// `--csv-metrics`: also write the custom metrics as CSV here.
    pub csv_metrics: Option<String>,
    /// `--markdown`: also write a Markdown table here.
    pub markdown: Option<String>,
    /// `--bmf`: also write Bencher Metric Format JSON here.
    pub bmf: Option<String>,
    /// `--threads`: thread counts for benchmarks that declare `threads`.
    pub threads: Vec<usize>,
    /// `--no-perf`: do not open performance counters.
    pub no_perf: bool,
    /// `--no-system-metrics`: do not sample system metrics.
    pub no_system_metrics: bool,
    /// `--metrics-hz`: system metrics sampling rate, per second.
    pub metrics_hz: u32,
    /// `--verbose`: show counters, allocations and system metrics.
    pub verbose: bool,
    /// `--instructions`: also count instructions under callgrind.
    pub instructions: bool,
    /// Internal: run the selected benchmark's timed loop once with N iterations.
    pub worker_iters: Option<u64>,
    /// Internal: serve `qudag-bench ab` on stdin/stdout (see `ab::protocol`).
    pub ab_worker: bool,
    /// `--isolate`: run each benchmark in a fresh child process.
    pub isolate: bool,
    /// Internal: measure benchmark ID alone and write its result to stdout (`--isolate`).
    pub isolated_child: Option<String>,
    /// `--save-baseline`: save this run as this baseline.
    pub save_baseline: Option<String>,
    /// `--baseline`: compare this run with this baseline.
    pub baseline: Option<String>,
    /// `--load-baseline`: compare this saved baseline with `--baseline` instead of running.
    pub load_baseline: Option<String>,
    /// `--precision`: stop once the median's interval is this tight.
    pub precision: Option<Precision>,
    /// `--noise-threshold`: smallest change against the baseline that counts.
    pub noise_threshold: Option<NoiseThreshold>,
    /// `--gate`: exit with 3 on a regression or a missed target.
    pub gate: bool,
    /// `--no-confirm`: do not confirm a verdict by measuring again.
    pub no_confirm: bool,
    /// `--no-save-binary`: do not keep the bench executable with a saved baseline.
    pub no_save_binary: bool,
    /// `--no-criterion-files`: do not write criterion's results tree.
    pub no_criterion_files: bool,
    /// `--no-history`: do not record this run in the history.
    pub no_history: bool,
    /// `--output-format`: the terminal output format.
    pub output_format: OutputFormat,
    /// `--no-progress`: do not show the progress line.
    pub no_progress: bool,
    /// `--notify`: the webhook told when the gate fails.
    pub notify: Option<String>,
    /// `--run-group`: the run group id of this run.
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
