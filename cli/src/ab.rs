//! `qudag-bench ab`: the paired A/B gate of two bench binaries, or with `--instructions` the
//! instruction-count gate.

use crate::baseline_arm;
use crate::home::Home;
use crate::instructions;
use clap::Args;
use qudag_bench::ab::paired as ab;
use qudag_bench::ab::worker::Arm;
use qudag_bench::config::limits;
use qudag_bench::error::Error;
use qudag_bench::escape::Term;
use qudag_bench::exit::ExitStatus;
use qudag_bench::gate::ab::{GateOutcome, REGRESSION, WARNING};
use qudag_bench::report::ab as render;
use qudag_bench::schema::AbReport;
use qudag_bench::schema::InstrVerdict;
use qudag_bench::schema::Thresholds;
use qudag_bench::schema::{InstrReport, ids};
use qudag_bench::schema::{Measurement, Plan};
use qudag_bench::store::atomic;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Flags of `qudag-bench ab`.
#[derive(Args)]
pub struct AbArgs {
    /// The base build's bench binary (e.g. from the merge base), or baseline:NAME[/TARGET]
    /// for the executable kept with saved baseline NAME.
    #[arg(long, value_name = "BIN")]
    base: PathBuf,
    /// The head build's bench binary, or baseline:NAME[/TARGET].
    #[arg(long, value_name = "BIN")]
    head: PathBuf,
    /// Only benchmarks whose id contains FILTER (libtest's rules, as in the harness).
    filter: Option<String>,
    /// FILTER must match an id exactly.
    #[arg(long)]
    exact: bool,
    /// Skip benchmarks whose id contains PATTERN (repeatable).
    #[arg(long, value_name = "PATTERN")]
    skip: Vec<String>,
    /// Changes smaller than this are not regressions, percent.
    #[arg(long, value_name = "PCT", default_value_t = 100.0 * Thresholds::default().margin)]
    margin: f64,
    /// Slowdowns this large must be caught, percent.
    #[arg(long, value_name = "PCT", default_value_t = 100.0 * Thresholds::default().must_catch)]
    must_catch: f64,
    /// Wall time per benchmark before it stops undecided, seconds (1 ms to 24 h).
    #[arg(long, value_name = "SECS", default_value_t = Plan::default().budget.as_secs_f64(),
          value_parser = |t: &str| limits::AB_BUDGET.parse(t).map(|d| d.as_secs_f64()))]
    budget: f64,
    /// Longest wait for one reply of a worker (a sample, or a benchmark's setup), seconds
    /// (1 ms to 24 h).
    #[arg(long, value_name = "SECS", default_value_t = Plan::default().timeout.as_secs_f64(),
          value_parser = |t: &str| limits::AB_TIMEOUT.parse(t).map(|d| d.as_secs_f64()))]
    timeout: f64,
    /// Rounds before precision may stop a benchmark (the study sets it high to collect a
    /// whole budget of rounds).
    #[arg(long, value_name = "N", default_value_t = Plan::default().min_rounds,
          value_parser = clap::value_parser!(u32).range(2..))]
    min_rounds: u32,
    /// Seed of the order inside each pair.
    #[arg(long, default_value_t = Plan::default().seed)]
    seed: u64,
    /// Do not re-measure flagged regressions in fresh processes before failing.
    #[arg(long)]
    no_confirm: bool,
    /// Fail (exit 3) on INCONCLUSIVE too.
    #[arg(long)]
    strict: bool,
    /// Compare callgrind instruction counts instead of times (needs valgrind).
    #[arg(long)]
    instructions: bool,
    /// Write the report as JSON (schema qudag-bench/ab/v1).
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Write a Markdown summary for a pull-request comment.
    #[arg(long, value_name = "PATH")]
    markdown: Option<PathBuf>,
}

/// A duration flag's value, checked against `range` when it was parsed.
fn seconds(flag: &str, value: f64, range: limits::DurationRange) -> Result<Duration, Error> {
    range
        .from_secs(value)
        .map_err(|e| e.context(&format!("{flag} {value}")).into())
}

/// The two sides from `--base` and `--head`, each a bench binary or `baseline:NAME[/TARGET]`
/// (an error names the flag). When a side is a baseline's kept executable, both sides run
/// with the environment and working directory cargo gave it: the same for both, so that
/// neither gets a layout the other does not.
fn arms(home: &Home, args: &AbArgs) -> Result<(Arm, Arm), Error> {
    let mut selection: Vec<OsString> = Vec::new();
    if let Some(f) = &args.filter {
        selection.push(f.into());
    }
    if args.exact {
        selection.push("--exact".into());
    }
    for s in &args.skip {
        selection.extend(["--skip".into(), s.into()]);
    }
    let side = |label: &'static str, spec: &Path, other: &Path| -> Result<Arm, Error> {
        let other = baseline_arm::parse(other).is_none().then_some(other);
        match baseline_arm::parse(spec) {
            Some(named) => {
                let kept = baseline_arm::resolve(home, &format!("--{label}"), named, other)?;
                let mut arm = Arm::new(label, kept.exe, selection.clone());
                (arm.env, arm.dir) = (kept.env, kept.dir);
                Ok(arm)
            }
            None => Ok(Arm::new(label, binary(label, spec)?, selection.clone())),
        }
    };
    let mut base = side("base", &args.base, &args.head)?;
    let mut head = side("head", &args.head, &args.base)?;
    // A baseline's environment for both (the base's, when both are baselines).
    let shared = [&base, &head]
        .into_iter()
        .find(|a| !a.env.is_empty() || a.dir.is_some())
        .map(|a| (a.env.clone(), a.dir.clone()));
    if let Some((env, dir)) = shared {
        (base.env, base.dir) = (env.clone(), dir.clone());
        (head.env, head.dir) = (env, dir);
    }
    Ok((base, head))
}

/// The bench binary at `path` for `--{label}`, absolute: a bare name like `bench-bin` would
/// otherwise be looked up in PATH.
fn binary(label: &str, path: &Path) -> Result<PathBuf, Error> {
    if path.is_file() {
        return std::path::absolute(path).map_err(|e| {
            Error::setting(format!(
                "--{label} {}: cannot resolve the path: {e}",
                path.display()
            ))
        });
    }
    let what = match std::fs::metadata(path) {
        Ok(meta) => format!(
            "it is {}",
            qudag_bench::store::atomic::file_kind(meta.file_type())
        ),
        Err(e) => e.to_string(),
    };
    Err(Error::Unreadable {
        path: path.to_path_buf(),
        message: format!(
            "--{label} {}: {what} (expected a bench binary, e.g. from `cargo bench --no-run`, \
             or baseline:NAME for the executable kept with a saved baseline)",
            Term(&path.display().to_string())
        ),
    })
}

/// Runs the command; `Err` is a usage or input error (exit 2).
pub fn run(home: &Home, args: AbArgs) -> Result<ExitCode, Error> {
    let thresholds = Thresholds {
        margin: args.margin / 100.0,
        must_catch: args.must_catch / 100.0,
        ..Thresholds::default()
    };
    thresholds.validate()?;
    let plan = Plan {
        budget: seconds("--budget", args.budget, limits::AB_BUDGET)?,
        timeout: seconds("--timeout", args.timeout, limits::AB_TIMEOUT)?,
        seed: args.seed,
        min_rounds: args.min_rounds,
        ..Plan::default()
    };
    let (base, head) = arms(home, &args)?;
    // Before measuring: a bad output path found afterwards would turn the verdict into exit 2.
    for (flag, path) in [("--json", &args.json), ("--markdown", &args.markdown)] {
        if let Some(path) = path {
            check_output(flag, path)?;
        }
    }
    if args.instructions {
        return run_instructions(&args, &base, &head, plan.timeout);
    }
    let live = std::io::stderr().is_terminal();
    let mut progress = |m: &Measurement| {
        if live {
            eprint!(
                "\r\x1b[2K{}: round {} ({:.1} s)",
                Term(&m.id),
                m.round_estimates.len(),
                m.wall_s
            );
        }
    };
    let report = ab::run(
        &base,
        &head,
        &plan,
        &thresholds,
        !args.no_confirm,
        &mut progress,
    )?;
    if live {
        eprint!("\r\x1b[2K");
    }
    print!("{}", render::table(&report, args.strict));
    write_outputs(&args, &report)?;
    Ok(exit_code(&report, args.strict))
}

/// Whether a report can be written at `path` (a regular file or /dev/null, in a directory that
/// exists or can be created; see `atomic::check`).
fn check_output(flag: &str, path: &Path) -> Result<(), Error> {
    atomic::check(path).map_err(|e| e.context(&format!("{flag} {}", path.display())))
}

/// Writes `--json` and `--markdown`, if asked for.
fn write_outputs(args: &AbArgs, report: &AbReport) -> Result<(), Error> {
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(report).expect("an A/B report serializes");
        atomic::write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.markdown {
        atomic::write(path, render::markdown(report, args.strict).as_bytes())?;
    }
    Ok(())
}

/// 3 when the gate fails, 101 when a benchmark failed (as the harness does), else 0.
fn exit_code(report: &AbReport, strict: bool) -> ExitCode {
    match report.gate(strict) {
        GateOutcome::Failed => ExitStatus::GateFailed.into(),
        GateOutcome::NotPassed => ExitStatus::BenchFailed.into(),
        GateOutcome::Passed => ExitCode::SUCCESS,
    }
}

fn run_instructions(
    args: &AbArgs,
    base: &Arm,
    head: &Arm,
    timeout: Duration,
) -> Result<ExitCode, Error> {
    let live = std::io::stderr().is_terminal();
    let results = instructions::compare(base, head, timeout, &mut |r| {
        if live {
            eprint!("\r\x1b[2K{} counted", Term(&r.id));
        }
    })?;
    if live {
        eprint!("\r\x1b[2K");
    }
    print!("{}", render::instructions_table(&results, false));
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    println!(
        "\nab --instructions: {} regressed, {} warnings, {} ok, {} failed",
        count(InstrVerdict::Regressed),
        count(InstrVerdict::Warning),
        count(InstrVerdict::Ok),
        count(InstrVerdict::Failed)
    );
    if let Some(path) = &args.json {
        let doc = InstrReport {
            schema: ids::AB_INSTRUCTIONS.to_string(),
            base: base.exe.display().to_string(),
            head: head.exe.display().to_string(),
            regression: REGRESSION,
            warning: WARNING,
            benchmarks: results.clone(),
        };
        let text = serde_json::to_string_pretty(&doc).expect("an instruction report serializes");
        atomic::write(path, text.as_bytes())?;
    }
    if let Some(path) = &args.markdown {
        atomic::write(path, render::instructions_table(&results, true).as_bytes())?;
    }
    Ok(if count(InstrVerdict::Regressed) > 0 {
        ExitStatus::GateFailed.into()
    } else if count(InstrVerdict::Failed) > 0 {
        ExitStatus::BenchFailed.into()
    } else {
        ExitCode::SUCCESS
    })
}
