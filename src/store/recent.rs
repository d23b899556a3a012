//! The recent-medians file, `$QUDAG_BENCH_HOME/recent/<bench-target>.json`
//! ([`RecentMedians`]): read when a run starts, for the between-run spread of each benchmark
//! on this host, and merged with the run's medians at its end (read again first, so that a
//! run that ended in between keeps its entries). A file that cannot be read is left as it is.

use super::{atomic, document};
use crate::error::Error;
use crate::schema::ids::RECENT as SCHEMA_ID;
use crate::schema::{RecentMedians, RecentRun, RunReport, Status};
use crate::stats::between_runs::WINDOW;
use std::path::{Path, PathBuf};

/// `recent/<bench-target>.json` under `home`.
pub fn path(home: &Path, bench_target: &str) -> PathBuf {
    home.join("recent").join(format!("{bench_target}.json"))
}

/// Reads the file at `path`; an absent file is an empty one. Errors are
/// [`Error::Unreadable`] or [`Error::Corrupt`], naming the file.
pub fn read(path: &Path) -> Result<RecentMedians, Error> {
    let doc = document::read_if_present(
        path,
        "recent-medians file",
        SCHEMA_ID,
        |d: &RecentMedians| d.schema.as_str(),
    )?;
    Ok(doc.unwrap_or_else(empty))
}

/// A file with no runs yet.
pub fn empty() -> RecentMedians {
    RecentMedians {
        schema: SCHEMA_ID.to_string(),
        benchmarks: Default::default(),
    }
}

/// The medians of `id` measured on `host` before now, oldest first.
pub fn earlier(recent: &RecentMedians, id: &str, host: &str) -> Vec<f64> {
    recent.benchmarks.get(id).map_or_else(Vec::new, |runs| {
        runs.iter()
            .filter(|r| r.host == host)
            .map(|r| r.median_ns)
            .collect()
    })
}

/// Adds the medians `report` measured (not the results it carried over) on its host, keeping
/// the latest [`WINDOW`] runs per benchmark and host. A report without a host adds nothing.
pub fn add(recent: &mut RecentMedians, report: &RunReport) {
    let Some(host) = report.environment.host.as_deref() else {
        return;
    };
    let measured = report
        .benchmarks
        .iter()
        .filter(|b| b.status == Status::Ok && b.measured_in.is_none());
    for b in measured {
        let Some(time) = &b.time_ns else { continue };
        let runs = recent.benchmarks.entry(b.id.clone()).or_default();
        if runs.iter().any(|r| r.run_id == report.run_id) {
            continue;
        }
        runs.push(RecentRun {
            run_id: report.run_id.clone(),
            host: host.to_string(),
            median_ns: time.median,
        });
        let on_host = runs.iter().filter(|r| r.host == host).count();
        let mut excess = on_host.saturating_sub(WINDOW);
        runs.retain(|r| {
            let drop = excess > 0 && r.host == host;
            excess -= usize::from(drop);
            !drop
        });
    }
}

/// Merges `report` into the file at `path` (read again now) and writes it atomically; an
/// unreadable file is left unchanged and its error returned.
pub fn record(path: &Path, report: &RunReport) -> Result<(), Error> {
    let mut recent = read(path)?;
    add(&mut recent, report);
    let mut bytes = serde_json::to_vec_pretty(&recent).expect("recent medians serialize");
    bytes.push(b'\n');
    atomic::write(path, &bytes)
}

#[cfg(test)]
mod tests;
