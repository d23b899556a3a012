//! What a command's RUN argument names: a report file, `latest` (the latest results of every
//! bench target), a baseline name, or a run id (or its unique prefix) in the history.

use crate::history;
use crate::home::Home;
use qudag_bench::error::Error;
use qudag_bench::escape::{Term, TermLines};
use qudag_bench::report::unfinished;
use qudag_bench::schema::RunReport;
use qudag_bench::store::baseline;
use std::path::{Path, PathBuf};

/// Where loaded reports came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Complete run reports (files, `latest`, baselines).
    Reports,
    /// The history, which keeps estimates but no raw samples or metric series.
    History,
}

/// The reports `spec` names; `allow_run_id` also looks `spec` up in the history (whose
/// reports have no raw samples, so only the callers that need none allow it).
pub fn load(
    home: &Home,
    spec: &str,
    allow_run_id: bool,
) -> Result<(Vec<RunReport>, Origin), Error> {
    let complete = |r: Result<Vec<RunReport>, Error>| {
        let reports = r?;
        for note in reports.iter().filter_map(unfinished::note) {
            eprintln!("note: {}", TermLines(&note));
        }
        Ok((reports, Origin::Reports))
    };
    let path = Path::new(spec);
    if path.is_file() {
        return complete(baseline::read_report(path).map(|r| vec![r]));
    }
    let history = home.history();
    let home = home
        .get()
        .map_err(|e| Error::setting(format!("`{spec}` is not a report file, and {e}")))?;
    if spec == "latest" {
        return complete(read_dir(spec, &home.join("results")));
    }
    let named = baseline::validate_name(spec).map(|()| home.join("baselines").join(spec));
    if let Ok(dir) = &named
        && dir.is_dir()
    {
        return complete(read_dir(spec, dir));
    }
    let history = history?;
    let recorded = match &history {
        history::Location::File(path) => path.is_file(),
        history::Location::Server(_) => true,
    };
    if allow_run_id && recorded {
        let runs = history.load_run_states(spec).map_err(|e| {
            e.context(&format!(
                "`{spec}` is not a report file, `latest` or a baseline name, and"
            ))
        })?;
        for (report, state) in &runs {
            if *state != history::RunState::Complete {
                eprintln!(
                    "note: run {} of {} did not finish ({}); its report holds the {} \
                     benchmark(s) it recorded",
                    Term(&report.run_id),
                    Term(&report.bench_target),
                    Term(&state.to_string()),
                    report.benchmarks.len()
                );
            }
        }
        return Ok((runs.into_iter().map(|(r, _)| r).collect(), Origin::History));
    }
    Err(Error::setting(match named {
        Err(e) => format!("`{spec}` is neither a report file nor a baseline: {e}"),
        Ok(dir) => format!(
            "`{spec}` is not a report file, `latest`{}, and there is no baseline {}",
            if allow_run_id {
                format!(" or a run in {}", history.shown())
            } else {
                String::new()
            },
            dir.display()
        ),
    }))
}

/// The run reports in `dir`, which `spec` named.
fn read_dir(spec: &str, dir: &Path) -> Result<Vec<RunReport>, Error> {
    let unreadable = |message| Error::Unreadable {
        path: dir.to_path_buf(),
        message,
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| unreadable(format!("`{spec}`: cannot read {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(unreadable(format!(
            "`{spec}`: no reports in {}",
            dir.display()
        )));
    }
    files.iter().map(|f| baseline::read_report(f)).collect()
}
