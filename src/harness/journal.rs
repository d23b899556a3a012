//! What a bench-mode run keeps on disk while it goes, so that a process that crashes, aborts
//! or is killed loses nothing it had measured: the progress file, the run report
//! (`results/<target>.json`, rewritten atomically after each benchmark, marked `incomplete`
//! until the end) and the history spool, rewritten benchmark by benchmark (`qudag-bench`
//! imports it into the history). At start it also says
//! whether the previous run of the target ended that way.
//!
//! `results/<target>.json` holds the latest result of every benchmark the target registers:
//! a run that measures only some of them keeps the others' from the file it replaces, each
//! marked with the run that measured it (see [`merge`]).

use super::exit_guard;
use crate::error::Error;
use crate::escape::{Term, TermLines};
use crate::schema::RunReport;
use crate::store::merge::merge;
use crate::store::spool::{self, InterruptedRun, Spool};
use crate::store::{baseline, paths, progress};
use std::path::{Path, PathBuf};

/// The on-disk trail of one bench-mode run.
pub struct Journal {
    /// Where the finished benchmarks are kept, for the crash message.
    kept_in: String,
    results_file: PathBuf,
    /// The results the previous runs left, to keep those this run does not replace.
    earlier: Option<RunReport>,
    /// Every benchmark the target registers, selected or not.
    registered: Vec<String>,
    progress: progress::Publisher,
    history: Option<Spool>,
    /// Benchmarks finished so far.
    done: usize,
    /// Set after the first failed write of the report, which is then not retried until the
    /// end (the final write reports its own error).
    results_failed: bool,
}

impl Journal {
    /// Starts the trail of `header` (the report of the run, no benchmarks yet, `incomplete`
    /// set) under `home`, spooling it for the history if `history`. Reports earlier runs that
    /// never finished. `registered` lists every benchmark of the target.
    pub fn start(
        home: &Path,
        header: &RunReport,
        history: bool,
        registered: &[String],
    ) -> Result<Journal, Error> {
        let target = header.bench_target.as_str();
        let selected = header
            .incomplete
            .as_ref()
            .map_or(0, |i| i.selected as usize);
        let (recorder, interrupted) = match history && selected > 0 {
            true => {
                let host = header.environment.host.as_deref();
                let interrupted = spool::take_interrupted(home, host);
                let spool = Spool::start(home, header)?;
                (Some(spool), interrupted)
            }
            false => (None, Vec::new()),
        };
        if selected > 0 {
            report_interrupted(home, target, &interrupted);
        }
        let mut kept_in = format!("results/{target}.json");
        if recorder.is_some() {
            kept_in.push_str(" and the history");
        }
        let results_file = paths::results_file(home, target);
        Ok(Journal {
            kept_in,
            earlier: earlier_results(&results_file, target),
            registered: registered.to_vec(),
            results_file,
            progress: progress::Publisher::start(home, target, &header.run_id, selected),
            history: recorder,
            done: 0,
            results_failed: false,
        })
    }

    /// Benchmark `id` is about to run.
    pub fn bench_started(&mut self, id: &str) {
        self.progress.bench_started(id);
        exit_guard::running(Some(id), self.done, &self.kept_in);
        if let Some(recorder) = &mut self.history
            && let Err(e) = recorder.running(Some(id))
        {
            eprintln!("warning: {}", TermLines(&e.to_string()));
        }
    }

    /// Benchmark `id` is measured again to confirm its verdict (`None`: that ended), so that
    /// a crash during it is named like one during the first measurement.
    pub fn remeasuring(&mut self, id: Option<&str>) {
        exit_guard::running(id, self.done, &self.kept_in);
        if let (Some(recorder), Some(id)) = (&mut self.history, id)
            && let Err(e) = recorder.running(Some(id))
        {
            eprintln!("warning: {}", TermLines(&e.to_string()));
        }
    }

    /// A benchmark finished; `so_far` is the run's report with every finished benchmark.
    pub fn bench_finished(&mut self, so_far: &RunReport) {
        self.done += 1;
        exit_guard::running(None, self.done, &self.kept_in);
        self.progress.bench_finished();
        if !self.results_failed
            && let Err(e) = self.write_results(so_far)
        {
            eprintln!("warning: cannot keep the partial results ({e}); retrying at the end");
            self.results_failed = true;
        }
        if let Some(recorder) = &mut self.history
            && let Err(e) = recorder.record_partial(so_far)
        {
            eprintln!("warning: {}", TermLines(&e.to_string()));
        }
    }

    /// The run ended: writes the final report to `results/` (unless nothing was selected) and
    /// the history. Returns the errors, each naming its file.
    pub fn finish(mut self, report: &RunReport) -> Vec<Error> {
        let mut errors = Vec::new();
        if !report.benchmarks.is_empty() {
            match self.write_results(report) {
                Ok(0) => {}
                Ok(kept) => eprintln!(
                    "qudag-bench: {}: {} benchmark(s) measured now, the latest results of {kept} \
                     more kept from earlier runs (`measured_in` says which)",
                    Term(&self.results_file.display().to_string()),
                    report.benchmarks.len(),
                ),
                Err(e) => errors.push(e),
            }
        }
        if let Some(recorder) = self.history.take() {
            match recorder.finish(report) {
                Ok(()) => note_history_server(report),
                Err(e) => errors.push(e),
            }
        }
        self.progress.finish();
        errors
    }
}

impl Journal {
    /// Writes `report` to `results/` with the earlier results it does not replace (merged
    /// only when there are any, so a first run copies nothing); returns how many it kept.
    fn write_results(&self, report: &RunReport) -> Result<usize, Error> {
        let dest = self.results_file.display().to_string();
        match &self.earlier {
            Some(earlier) => {
                let merged = merge(earlier, report, &self.registered);
                crate::report::json::write(&merged.report, &dest).map(|()| merged.kept.len())
            }
            None => crate::report::json::write(report, &dest).map(|()| 0),
        }
    }
}

/// The report at `path` that the run will replace, if there is one to keep results from. One
/// that cannot be read is said once and replaced: it holds nothing the run could keep.
fn earlier_results(path: &Path, bench_target: &str) -> Option<RunReport> {
    if !path.exists() {
        return None;
    }
    match baseline::read_report(path) {
        Ok(report) if report.bench_target == bench_target => Some(report),
        Ok(_) => None,
        Err(e) => {
            eprintln!(
                "warning: {}; the earlier results in it are not kept",
                TermLines(&e.to_string())
            );
            None
        }
    }
}

/// Says once what became of earlier runs that never finished: the previous run of
/// `bench_target` (from its progress file, when its process is gone) and the runs the history
/// has just marked interrupted.
fn report_interrupted(home: &Path, bench_target: &str, in_history: &[InterruptedRun]) {
    let previous = progress::read(&progress::path(home, bench_target))
        .ok()
        .filter(|p| !p.finished && p.pid != std::process::id() && progress::process_gone(p));
    if let Some(p) = &previous {
        let during = match &p.current {
            Some(id) => format!("while running `{}`", Term(id)),
            None => "between benchmarks".to_string(),
        };
        let in_history = in_history.iter().any(|r| r.run_id == p.run_id)
            || spool::take_imported(home, &p.run_id);
        let kept = match in_history {
            true => "what it measured is kept in the history, marked interrupted",
            false => "what it measured was kept in results/ until this run",
        };
        eprintln!(
            "warning: the previous run {} of {} did not finish: its process ended {during}, \
             after {} of {} benchmarks (a crash, a kill, an exit, or its last writes failed); {kept}",
            Term(&p.run_id),
            Term(bench_target),
            p.done,
            p.total
        );
    }
    let shown = previous.as_ref().map(|p| p.run_id.as_str());
    for run in in_history
        .iter()
        .filter(|r| Some(r.run_id.as_str()) != shown)
    {
        eprintln!(
            "note: the history marks run {} of {} as interrupted ({} benchmark(s) recorded{})",
            Term(&run.run_id),
            Term(&run.bench_target),
            run.recorded,
            run.running
                .as_deref()
                .map_or(String::new(), |id| format!(", `{}` running", Term(id)))
        );
    }
}

/// When `QUDAG_BENCH_HISTORY` names a PostgreSQL server, says once where this run went: bench
/// binaries hold no database client (build time), so it waits in the spool for the next
/// `qudag-bench` command. Not under `qudag-bench run` (which sets the run group and imports
/// the spool itself when the targets are done).
fn note_history_server(report: &RunReport) {
    let server = std::env::var("QUDAG_BENCH_HISTORY").is_ok_and(|v| {
        let v = v.to_ascii_lowercase();
        v.starts_with("postgres://") || v.starts_with("postgresql://")
    });
    if server && report.run_group.is_none() {
        eprintln!(
            "note: the run is spooled for the history server QUDAG_BENCH_HISTORY names: bench \
             binaries do not connect to it; the next qudag-bench command (any of history, \
             report, compare, monitor, or `qudag-bench history push`) sends it there"
        );
    }
}
