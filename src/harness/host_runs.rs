//! Earlier runs on this host, for the between-run part of each benchmark's uncertainty: the
//! recent-medians file is read once when the run starts and this run's medians are added to it
//! at the end. An unreadable file is reported once, left as it is, and the run goes on without
//! the between-run spread.

use crate::analyze::uncertainty::uncertainty;
use crate::escape::TermLines;
use crate::schema::{BenchResult, RecentMedians, RunReport, Status};
use crate::store::recent;
use std::path::{Path, PathBuf};

/// What the run knows of earlier runs on this host.
pub struct HostRuns {
    file: PathBuf,
    known: Result<(RecentMedians, String), String>,
}

impl HostRuns {
    /// Reads the recent medians of `bench_target` under `home` for `host`; `history` false
    /// (`--no-history`) reads and records nothing.
    pub fn load(home: &Path, bench_target: &str, history: bool, host: Option<&str>) -> HostRuns {
        let file = recent::path(home, bench_target);
        let known = match (history, host) {
            (false, _) => Err("--no-history: earlier runs are not read".to_string()),
            (true, None) => Err("the host name is unknown".to_string()),
            (true, Some(host)) => match recent::read(&file) {
                Ok(recent) => Ok((recent, host.to_string())),
                Err(e) => {
                    eprintln!(
                        "qudag-bench: warning: {}; runs are reported without the spread \
                         between earlier runs, and the file is left as it is",
                        TermLines(&e.to_string())
                    );
                    Err(format!("{} cannot be read", file.display()))
                }
            },
        };
        HostRuns { file, known }
    }

    /// Sets `result.uncertainty` for a measured benchmark.
    pub fn attach(&self, result: &mut BenchResult) {
        let Some(time) = result
            .time_ns
            .as_ref()
            .filter(|_| result.status == Status::Ok)
        else {
            return;
        };
        let found = match &self.known {
            Ok((recent, host)) => uncertainty(time, Ok(&recent::earlier(recent, &result.id, host))),
            Err(reason) => uncertainty(time, Err(reason)),
        };
        result.uncertainty = Some(found);
    }

    /// Adds `report`'s medians to the file, when it could be read at the start. A failed
    /// write is a warning: the run's own results are elsewhere.
    pub fn record(&self, report: &RunReport) {
        if self.known.is_err() || report.benchmarks.is_empty() {
            return;
        }
        if let Err(e) = recent::record(&self.file, report) {
            eprintln!(
                "qudag-bench: warning: {}; this run's medians are not kept for the between-run \
                 spread",
                TermLines(&e.to_string())
            );
        }
    }
}
