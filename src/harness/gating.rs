//! The baseline workflow of a bench-mode run: load `--baseline` before measuring (so a bad one
//! fails fast with exit 2), compare after, re-measure what was flagged, decide `--gate`, print
//! both, and save `--save-baseline` when every benchmark ran.

use crate::cli::Cli;
use crate::config::Resolver;
use crate::error::Error;
use crate::escape::{Term, TermLines};
use crate::exit::ExitStatus;
use crate::gate::verdict;
use crate::registry::Benchmark;
use crate::schema::GateResult;
use crate::schema::{BenchResult, KeptBinary, RunReport, Status};
use crate::store::{baseline, kept_binary, merge};
use std::path::Path;
use std::time::{Duration, Instant};

/// Loads `--baseline NAME` for `target`, if given.
pub fn load(cli: &Cli, home: &Path, target: &str) -> Result<Option<(String, RunReport)>, Error> {
    match &cli.harness.baseline {
        None => Ok(None),
        Some(name) => baseline::load(home, name, target).map(|r| Some((name.clone(), r))),
    }
}

/// Before measuring: with `--gate`, a baseline that holds none of the benchmarks about to run
/// would gate nothing (each would be `new`), and a gate that compared nothing proves nothing.
pub fn check_common(
    cli: &Cli,
    base: Option<&(String, RunReport)>,
    to_run: &[Benchmark],
) -> Result<(), Error> {
    let Some((name, base)) = base.filter(|_| cli.harness.gate && !to_run.is_empty()) else {
        return Ok(());
    };
    if to_run
        .iter()
        .any(|b| base.benchmarks.iter().any(|o| o.id == b.id))
    {
        return Ok(());
    }
    Err(Error::setting(format!(
        "--gate: baseline `{name}` of {} holds none of the {} benchmark(s) selected ({} in \
         the baseline), so the gate would compare nothing; save the baseline again, or run \
         without --gate",
        Term(&base.bench_target),
        to_run.len(),
        base.benchmarks.len()
    )))
}

/// Compares `report` with the baseline and attaches the results.
pub fn compare(
    report: &mut RunReport,
    base: &(String, RunReport),
    benches: &[Benchmark],
    resolver: &Resolver,
) {
    let threshold = |r: &crate::schema::BenchResult| {
        benches
            .iter()
            .find(|b| b.id == r.id)
            .map_or(crate::config::DEFAULTS.noise_threshold, |b| {
                resolver.settings(b).noise_threshold
            })
            .fraction()
    };
    verdict::compare_run(report, &base.0, &base.1, &threshold);
}

/// The least time between a flagged benchmark's first measurement and its re-measurement: the
/// machine's slow phases last about a second or more (docs/accuracy.md), so a re-measurement
/// right after the first would often fall into the same one.
pub const CONFIRM_GAP: Duration = Duration::from_secs(2);

/// The benchmarks of `report` (indices) whose comparison found them regressed or improved and
/// awaits its second look.
pub fn flagged(report: &RunReport) -> Vec<usize> {
    (0..report.benchmarks.len())
        .filter(|&i| {
            report.benchmarks[i]
                .comparison
                .as_ref()
                .is_some_and(verdict::needs_confirmation)
        })
        .collect()
}

/// Re-measures the benchmarks `flagged` of `report` (indices, from [`flagged`]), each at
/// least [`CONFIRM_GAP`] after its first measurement ended (`ended[i]` for
/// `report.benchmarks[i]`), and keeps the verdict only if the re-measurement reaches it too.
/// `measure` measures a benchmark again.
pub fn confirm(
    report: &mut RunReport,
    base: &(String, RunReport),
    benches: &[Benchmark],
    ended: &[Instant],
    flagged: &[usize],
    measure: &mut dyn FnMut(&Benchmark) -> BenchResult,
) {
    let compared = report.baseline.as_ref().map_or(1, |b| b.compared);
    if flagged.is_empty() {
        return;
    }
    let ids: Vec<&str> = flagged
        .iter()
        .map(|&i| report.benchmarks[i].id.as_str())
        .collect();
    eprintln!(
        "qudag-bench: measuring {} again to confirm {} against the baseline",
        Term(&ids.join(", ")),
        if ids.len() == 1 {
            "its verdict"
        } else {
            "their verdicts"
        }
    );
    for &i in flagged {
        let id = report.benchmarks[i].id.clone();
        let (Some(bench), Some(old)) = (
            benches.iter().find(|b| b.id == id),
            base.1
                .benchmarks
                .iter()
                .find(|b| b.id == id && b.status == Status::Ok),
        ) else {
            continue;
        };
        if let Some(wait) = ended
            .get(i)
            .and_then(|t| CONFIRM_GAP.checked_sub(t.elapsed()))
        {
            std::thread::sleep(wait);
        }
        let again = measure(bench);
        if again.status != Status::Ok {
            eprintln!(
                "warning: {}: the re-measurement did not complete ({}); the first verdict stays",
                Term(&id),
                TermLines(again.error.as_deref().unwrap_or("no error text"))
            );
        }
        if let Some(c) = report.benchmarks[i].comparison.as_mut() {
            verdict::confirm(c, old, &again, compared);
        }
    }
}

/// The gate's decision for `report`.
pub fn gate(report: &RunReport) -> GateResult {
    crate::gate::decide(report)
}

/// Saves `--save-baseline NAME` if every selected benchmark ran. A failed run never replaces
/// a baseline, and a run that selected nothing saves nothing. A filtered run (FILTER,
/// `--skip`, `--suite`, `--tag`, ignored benchmarks) updates the benchmarks it measured and
/// keeps the previous baseline's others that `registered` still holds; it says so.
pub fn save(
    cli: &Cli,
    home: &Path,
    report: &RunReport,
    registered: &[String],
    keep_binary: bool,
) -> Result<(), Error> {
    let Some(name) = &cli.harness.save_baseline else {
        return Ok(());
    };
    baseline::validate_name(name)?;
    if report.benchmarks.is_empty() {
        eprintln!(
            "qudag-bench: not saving baseline `{name}` for {}: no benchmark was selected; the \
             previous baseline is kept",
            Term(&report.bench_target)
        );
        return Ok(());
    }
    let previous_path = baseline::path(home, name, &report.bench_target);
    let kept = match previous_path.exists() {
        true => "the previous baseline is kept",
        false => "there is none yet",
    };
    if report.benchmarks.iter().any(|r| r.status.is_failure()) {
        return Err(Error::Write {
            message: format!("not saving baseline `{name}`: some benchmarks failed; {kept}"),
            path: previous_path,
        });
    }
    // A regression must not become the reference: re-running a red job would pass.
    if report.gate.as_ref().is_some_and(|g| g.failed) {
        eprintln!("qudag-bench: not saving baseline `{name}`: the gate failed; {kept}");
        return Ok(());
    }
    let merged = merged_with_previous(home, name, report, registered, &previous_path)?;
    let mut to_save = merged.as_ref().map_or(report, |m| &m.report).clone();
    let dir = baseline::dir(home, name);
    if keep_binary {
        to_save.binary = keep_executable(&dir, name);
    }
    let path = baseline::save(home, name, &to_save)?;
    kept_binary::prune(&dir);
    say_saved(name, &path, &to_save, report, merged.as_ref());
    Ok(())
}

/// `report` merged into the baseline `name` saved before at `previous_path`, if there is one;
/// an unreadable one is an error that leaves it as it is.
fn merged_with_previous(
    home: &Path,
    name: &str,
    report: &RunReport,
    registered: &[String],
    previous_path: &Path,
) -> Result<Option<merge::Merged>, Error> {
    if !previous_path.exists() {
        return Ok(None);
    }
    let previous =
        baseline::load(home, name, &report.bench_target).map_err(|e| Error::Corrupt {
            message: format!(
                "not saving baseline `{name}`: {e}; it is left as it is (remove it, or save under \
             another name)"
            ),
            path: previous_path.to_path_buf(),
        })?;
    Ok(Some(merge::merge(&previous, report, registered)))
}

/// Says where baseline `name` was saved, with its executable, and what a merge kept and
/// dropped.
fn say_saved(
    name: &str,
    path: &Path,
    saved: &RunReport,
    report: &RunReport,
    merged: Option<&merge::Merged>,
) {
    let with = match &saved.binary {
        Some(k) => format!(
            " with its bench executable ({:.1} MiB, {})",
            k.size as f64 / f64::from(1 << 20),
            k.digest
        ),
        None => String::new(),
    };
    eprintln!(
        "qudag-bench: saved baseline `{name}` to {}{with}",
        Term(&path.display().to_string())
    );
    if let Some(m) = merged {
        if !m.kept.is_empty() {
            eprintln!(
                "qudag-bench: baseline `{name}`: {} benchmark(s) measured now; {} kept from the \
                 previous baseline because this run did not select them: {}",
                report.benchmarks.len(),
                m.kept.len(),
                list(&m.kept)
            );
        }
        if !m.dropped.is_empty() {
            eprintln!(
                "qudag-bench: baseline `{name}`: dropped {} benchmark(s) that {} no longer has: {}",
                m.dropped.len(),
                Term(&report.bench_target),
                list(&m.dropped)
            );
        }
    }
}

/// Keeps this bench executable in the baseline directory `dir`; a failure is reported and
/// the baseline is saved without it (the gate then confirms in-process).
fn keep_executable(dir: &Path, name: &str) -> Option<KeptBinary> {
    let kept = std::env::current_exe()
        .map_err(|e| Error::Io {
            message: format!("cannot locate the running bench executable: {e}"),
        })
        .and_then(|exe| {
            let cwd = std::env::current_dir().map_err(|e| Error::Io {
                message: format!("cannot read the working directory: {e}"),
            })?;
            kept_binary::keep(dir, &exe, &cwd)
        });
    kept.inspect_err(|e| {
        eprintln!(
            "warning: baseline `{name}` is saved without its bench executable: {}; a later \
             --gate confirms flagged benchmarks by measuring them again in-process",
            TermLines(&e.to_string())
        )
    })
    .ok()
}

/// Before measuring: `--save-baseline NAME` has a valid name, and an existing baseline of
/// that name is readable (a run must not end by refusing to merge into it, nor replace it).
pub fn check_save(cli: &Cli, home: &Path, target: &str) -> Result<(), Error> {
    let Some(name) = &cli.harness.save_baseline else {
        return Ok(());
    };
    baseline::validate_name(name)?;
    if baseline::path(home, name, target).exists() {
        baseline::load(home, name, target).map_err(|e| {
            let path = baseline::path(home, name, target);
            Error::Corrupt {
                path,
                message: format!(
                    "--save-baseline {name}: {e}; it is left as it is (remove it, or save \
                     under another name)"
                ),
            }
        })?;
    }
    Ok(())
}

/// Ids for a message: the first few, then a count.
fn list(ids: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text: Vec<String> = ids
        .iter()
        .take(SHOWN)
        .map(|i| Term(i).to_string())
        .collect();
    if ids.len() > SHOWN {
        text.push(format!("and {} more", ids.len() - SHOWN));
    }
    text.join(", ")
}

/// `--load-baseline NAME --baseline BASE`: compares two saved baselines of `target` without
/// running anything, prints the comparison and the gate; returns the exit code.
pub fn compare_saved(
    cli: &Cli,
    home: &Path,
    target: &str,
    benches: &[Benchmark],
    resolver: &Resolver,
) -> ExitStatus {
    let outcome = || -> Result<ExitStatus, Error> {
        let name = cli
            .harness
            .load_baseline
            .as_deref()
            .ok_or_else(|| Error::setting("--load-baseline NAME is missing"))?;
        let base = load(cli, home, target)?
            .ok_or_else(|| Error::setting("--load-baseline needs --baseline"))?;
        let mut report = baseline::load(home, name, target)?;
        compare(&mut report, &base, benches, resolver);
        if cli.harness.gate {
            report.gate = Some(gate(&report));
        }
        crate::report::comparison::print(&mut std::io::stdout().lock(), &report);
        Ok(if report.gate.as_ref().is_some_and(|g| g.failed) {
            ExitStatus::GateFailed
        } else {
            ExitStatus::Success
        })
    };
    outcome().unwrap_or_else(|e| {
        eprintln!("error: {}", TermLines(&e.to_string()));
        e.status()
    })
}
