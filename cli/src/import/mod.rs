//! `qudag-bench import criterion [DIR]`: one set of criterion's results (`new`, `base` or a
//! saved criterion baseline) becomes a run report of bench target `criterion` (or `--target`),
//! with qudag-bench's own statistics of criterion's raw samples. It is saved as a baseline,
//! which `qudag-bench compare` and a bench binary's `--baseline NAME` read, and recorded in
//! the history as one run, so that a team keeps its trend across the switch.

mod samples;
mod tree;

use crate::home::Home;
use qudag_bench::config::DEFAULTS;
use qudag_bench::error::Error;
use qudag_bench::escape::Term;
use qudag_bench::schema::criterion::Throughput as CThroughput;
use qudag_bench::schema::{RunConfig, RunReport, RunSummary, Throughput, ids};
use qudag_bench::store::{baseline, paths};
use samples::ImportedSamples;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;
use tree::Found;

/// `qudag-bench import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    source: Source,
}

#[derive(clap::Subcommand)]
enum Source {
    /// Import one set of criterion's results (target/criterion/**/<set>/{benchmark,sample}.json)
    /// as a baseline and as one run in the history; statistics are computed from criterion's
    /// raw samples.
    Criterion(CriterionArgs),
}

/// `qudag-bench import criterion`.
#[derive(clap::Args)]
pub struct CriterionArgs {
    /// criterion's results directory [default: <cargo target dir of the workspace around the
    /// current directory>/criterion].
    dir: Option<PathBuf>,
    /// The criterion set to import: `new` (the latest run), `base`, or a baseline saved with
    /// criterion's --save-baseline.
    #[arg(long, value_name = "NAME", default_value = "new")]
    baseline: String,
    /// The qudag-bench baseline to save it as [default: the set's name].
    #[arg(long, value_name = "NAME")]
    save_baseline: Option<String>,
    /// The bench target the run is recorded as (the baseline's file name; a bench binary's
    /// `--baseline` reads the file of its own target).
    #[arg(long, value_name = "NAME", default_value = "criterion")]
    target: String,
}

/// Runs `qudag-bench import`.
pub fn run(home: &Home, args: ImportArgs) -> Result<ExitCode, Error> {
    match args.source {
        Source::Criterion(c) => criterion(home, c),
    }
}

fn criterion(home: &Home, args: CriterionArgs) -> Result<ExitCode, Error> {
    let name = args.save_baseline.as_deref().unwrap_or(&args.baseline);
    baseline::validate_name(name).map_err(|e| match args.save_baseline {
        Some(_) => e.context("--save-baseline"),
        None => {
            e.context("the set's name is no qudag-bench baseline name; give --save-baseline NAME")
        }
    })?;
    baseline::validate_name(&args.target).map_err(|_| {
        Error::setting(format!(
            "--target `{}`: use 1-100 letters, digits, `-`, `_` or `.`, not starting with `.`",
            Term(&args.target)
        ))
    })?;
    let dir = match args.dir {
        Some(dir) => dir,
        None => paths::workspace_target_dir(None)
            .map_err(|e| Error::setting(format!("{e}; or give DIR")))?
            .join("criterion"),
    };
    let found = tree::read_set(&dir, &args.baseline)?;
    let report = report(&found, &args.target)?;
    let history = home.history()?;
    let home = home.dir()?;
    check_existing(home, name, &args.target)?;
    let recorded = history.record(&report)?;
    let path = baseline::save(home, name, &report)?;
    eprintln!(
        "qudag-bench: imported {} benchmark(s) of criterion's set `{}` from {}",
        report.benchmarks.len(),
        Term(&args.baseline),
        Term(&dir.display().to_string())
    );
    eprintln!(
        "qudag-bench: saved baseline `{name}` of bench target `{}` to {}",
        Term(&args.target),
        Term(&path.display().to_string())
    );
    let run_note = if recorded { "recorded" } else { "already" };
    eprintln!(
        "qudag-bench: run {} {run_note} in the history",
        report.run_id
    );
    Ok(ExitCode::SUCCESS)
}

/// A baseline of that name that exists must read: an unreadable one is the user's to look at,
/// never replaced (as `--save-baseline` treats it).
fn check_existing(home: &Path, name: &str, target: &str) -> Result<(), Error> {
    let path = baseline::path(home, name, target);
    if path.symlink_metadata().is_err() {
        return Ok(());
    }
    baseline::load(home, name, target)
        .map(drop)
        .map_err(|e| Error::Corrupt {
            message: format!(
                "not saving baseline `{name}`: {e}; it is left as it is (remove it, or give \
             --save-baseline another name)"
            ),
            path,
        })
}

/// The run report of the imported benchmarks.
fn report(found: &[Found], target: &str) -> Result<RunReport, Error> {
    let mut benchmarks = Vec::with_capacity(found.len());
    for f in found {
        if let Some(twin) = benchmarks
            .iter()
            .position(|b: &qudag_bench::schema::BenchResult| b.id == f.benchmark.full_id)
        {
            return Err(Error::Corrupt {
                path: f.sample_path.clone(),
                message: format!(
                    "{} and {} are both benchmark `{}`; expected one directory per benchmark",
                    found[twin].sample_path.display(),
                    f.sample_path.display(),
                    Term(&f.benchmark.full_id)
                ),
            });
        }
        benchmarks.push(samples::from_samples(samples(f, target)));
    }
    let times: Vec<SystemTime> = found.iter().filter_map(|f| f.written).collect();
    let at = |t: Option<&SystemTime>| {
        humantime::format_rfc3339_millis(t.copied().unwrap_or_else(SystemTime::now)).to_string()
    };
    let summary = RunSummary {
        ok: benchmarks.len() as u64,
        ..RunSummary::default()
    };
    Ok(RunReport {
        schema: ids::RUN.to_string(),
        run_id: run_id(found),
        bench_target: target.to_string(),
        started_at: at(times.iter().min()),
        finished_at: at(times.iter().max()),
        environment: samples::unknown_environment(
            "criterion",
            "not recorded by criterion (imported from its results)",
        ),
        config: RunConfig {
            config_file: None,
            quick: false,
            defaults: DEFAULTS.into(),
            filter: None,
            exact: false,
            skip: Vec::new(),
            suites: Vec::new(),
            tags: Vec::new(),
        },
        benchmarks,
        baseline: None,
        gate: None,
        summary,
        run_group: None,
        incomplete: None,
        binary: None,
    })
}

/// One benchmark's samples, its id criterion's `full_id`.
fn samples(f: &Found, suite: &str) -> ImportedSamples {
    let b = &f.benchmark;
    let name = match &b.value_str {
        Some(v) => b
            .full_id
            .strip_suffix(v.as_str())
            .and_then(|n| n.strip_suffix('/'))
            .unwrap_or(&b.full_id),
        None => &b.full_id,
    };
    ImportedSamples {
        id: b.full_id.clone(),
        name: name.to_string(),
        arg: b.value_str.clone(),
        suite: suite.to_string(),
        source: f.sample_path.display().to_string(),
        iters: f.iters.clone(),
        samples_ns: f.times.clone(),
        throughput: throughput(b.throughput, &b.full_id),
    }
}

/// criterion's throughput in the report's terms: bytes (decimal or not) as bytes, elements
/// (also of `ElementsAndBytes`, where criterion reports them first) as elements. Bits have no
/// counterpart and are left out, with a note.
fn throughput(t: Option<CThroughput>, id: &str) -> Option<Throughput> {
    match t? {
        CThroughput::Bytes(n) | CThroughput::BytesDecimal(n) => Some(Throughput::Bytes(n)),
        CThroughput::Elements(n) | CThroughput::ElementsAndBytes { elements: n, .. } => {
            Some(Throughput::Elements(n))
        }
        CThroughput::Bits(_) => {
            eprintln!(
                "note: `{}`: criterion's throughput in bits has no counterpart in a run report; \
                 left out",
                Term(id)
            );
            None
        }
    }
}

/// A run id derived from the files: importing the same set again is the same run, which the
/// history keeps once.
fn run_id(found: &[Found]) -> String {
    // FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for f in found {
        for &byte in f.bytes.iter().chain(&[0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("criterion-{hash:016x}")
}
