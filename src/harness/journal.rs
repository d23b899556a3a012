//! What a bench-mode run keeps on disk while it goes, so that a process that crashes, aborts
//! or is killed loses nothing it had measured: the progress file, the run report
//! (`results/<target>.json`, rewritten atomically after each benchmark, marked `incomplete`
//! until the end) and the history, recorded benchmark by benchmark. At start it also says
//! whether the previous run of the target ended that way.

use super::exit_guard;
use crate::report::escape::Term;
use crate::store::{RunReport, history, paths, progress};
use std::path::{Path, PathBuf};

/// The on-disk trail of one bench-mode run.
pub struct Journal {
    /// Where the finished benchmarks are kept, for the crash message.
    kept_in: String,
    results_file: PathBuf,
    progress: progress::Publisher,
    history: Option<PathBuf>,
    /// Benchmarks finished so far.
    done: usize,
    /// Set after the first failed write of the report, which is then not retried until the
    /// end (the final write reports its own error).
    results_failed: bool,
}

impl Journal {
    /// Starts the trail of `header` (the report of the run, no benchmarks yet, `incomplete`
    /// set) under `home`, recording into `history` unless it is `None`. Reports an earlier run
    /// of the same target that never finished.
    pub fn start(
        home: &Path,
        header: &RunReport,
        history: Option<&Path>,
    ) -> Result<Journal, String> {
        let target = header.bench_target.as_str();
        let selected = header
            .incomplete
            .as_ref()
            .map_or(0, |i| i.selected as usize);
        if selected > 0 {
            warn_if_previous_run_died(home, target);
        }
        let recorder = history.filter(|_| selected > 0).map(Path::to_path_buf);
        let mut kept_in = format!("results/{target}.json");
        if recorder.is_some() {
            kept_in.push_str(" and the history");
        }
        Ok(Journal {
            kept_in,
            results_file: paths::results_file(home, target),
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
    }

    /// A benchmark finished; `so_far` is the run's report with every finished benchmark.
    pub fn bench_finished(&mut self, so_far: &RunReport) {
        self.done += 1;
        exit_guard::running(None, self.done, &self.kept_in);
        self.progress.bench_finished();
        if !self.results_failed
            && let Err(e) =
                crate::report::json::write(so_far, &self.results_file.display().to_string())
        {
            eprintln!("warning: cannot keep the partial results ({e}); retrying at the end");
            self.results_failed = true;
        }
    }

    /// The run ended: writes the final report to `results/` (unless nothing was selected) and
    /// the history. Returns the errors, each naming its file.
    pub fn finish(mut self, report: &RunReport) -> Vec<String> {
        let mut errors = Vec::new();
        if !report.benchmarks.is_empty()
            && let Err(e) =
                crate::report::json::write(report, &self.results_file.display().to_string())
        {
            errors.push(e);
        }
        if let Some(recorder) = self.history.take()
            && let Err(e) = history::record(&recorder, report)
        {
            errors.push(e);
        }
        self.progress.finish();
        errors
    }
}

/// Prints a warning when the previous run of `bench_target` under `home` started benchmarks
/// and its process is gone without finishing.
fn warn_if_previous_run_died(home: &Path, bench_target: &str) {
    let Ok(previous) = progress::read(&progress::path(home, bench_target)) else {
        return;
    };
    if previous.finished || previous.pid == std::process::id() || !previous.process_gone() {
        return;
    }
    let during = match &previous.current {
        Some(id) => format!("while running `{}`", Term(&id)),
        None => "between benchmarks".to_string(),
    };
    eprintln!(
        "warning: the previous run {} of {} did not finish: its process ended {during}, after \
         {} of {} benchmarks (a crash, a kill or an exit); what it measured is kept in the \
         history",
        previous.run_id,
        Term(&bench_target),
        previous.done,
        previous.total
    );
}
