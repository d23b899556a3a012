//! Progress of a bench-mode run in flight: `$QUDAG_BENCH_HOME/progress/<bench-target>.json`
//! (schema `qudag-bench/progress/v1`), rewritten atomically when the run starts, when each
//! benchmark starts and finishes, and when the run ends. `qudag-bench monitor` reads it.
//!
//! Publishing progress is best effort: a write that fails prints one warning on stderr and
//! turns publishing off for the rest of the run, which goes on as if nothing happened.

use super::atomic;
use crate::error::Error;
use crate::schema::{Progress, ids};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// `progress/<bench-target>.json` under `home`.
pub fn path(home: &Path, bench_target: &str) -> PathBuf {
    home.join("progress").join(format!("{bench_target}.json"))
}

/// Reads a progress file, checking its schema: [`Error::Unreadable`] or [`Error::Corrupt`].
pub fn read(path: &Path) -> Result<Progress, Error> {
    let unreadable = |message| Error::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let cannot_read =
        |e: std::io::Error| unreadable(format!("cannot read {}: {e}", path.display()));
    // Opening a FIFO would block until a writer comes: look at the type first.
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(unreadable(format!(
            "{} is not a regular file; a progress file is JSON",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(cannot_read)?;
    parse(path, &text)
}

/// Parses `text`, read from `path` by the caller, as a progress file, checking its schema;
/// errors are [`Error::Corrupt`], naming `path`.
pub fn parse(path: &Path, text: &str) -> Result<Progress, Error> {
    let corrupt = |message| Error::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    // Every document is parsed from bytes (`from_slice`): one deserializer type means the
    // derived deserializers are compiled once (docs/build-time.md).
    let value: serde_json::Value = serde_json::from_slice(text.as_bytes())
        .map_err(|e| corrupt(format!("{} is corrupt or truncated: {e}", path.display())))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(ids::PROGRESS) => {}
        other => {
            return Err(corrupt(format!(
                "{} has schema {other:?}; this qudag-bench reads `{}`",
                path.display(),
                ids::PROGRESS
            )));
        }
    }
    let progress = serde_json::from_slice(text.as_bytes()).map_err(|e| {
        corrupt(format!(
            "{} does not match `{}`: {e}",
            path.display(),
            ids::PROGRESS
        ))
    })?;
    Ok(progress)
}

/// Writes a run's progress as it goes. Every method is infallible: see the module docs.
pub struct Publisher {
    path: PathBuf,
    state: Progress,
    enabled: bool,
}

impl Publisher {
    /// Publishes the start of run `run_id` of `bench_target` with `total` benchmarks. A run
    /// with nothing to run publishes nothing (and leaves the previous run's file alone).
    pub fn start(home: &Path, bench_target: &str, run_id: &str, total: usize) -> Publisher {
        let now = now();
        let mut publisher = Publisher {
            path: path(home, bench_target),
            state: Progress {
                schema: ids::PROGRESS.to_string(),
                run_id: run_id.to_string(),
                bench_target: bench_target.to_string(),
                pid: std::process::id(),
                total: total as u64,
                done: 0,
                current: None,
                started_at: now.clone(),
                updated_at: now,
                finished: false,
            },
            enabled: total > 0,
        };
        publisher.publish();
        publisher
    }

    /// Benchmark `id` is about to run.
    pub fn bench_started(&mut self, id: &str) {
        self.state.current = Some(id.to_string());
        self.publish();
    }

    /// The current benchmark finished.
    pub fn bench_finished(&mut self) {
        self.state.current = None;
        self.state.done += 1;
        self.publish();
    }

    /// The run ended.
    pub fn finish(&mut self) {
        self.state.current = None;
        self.state.finished = true;
        self.publish();
    }

    /// The state last published (or that would have been).
    pub fn state(&self) -> &Progress {
        &self.state
    }

    fn publish(&mut self) {
        if !self.enabled {
            return;
        }
        self.state.updated_at = now();
        let mut bytes = serde_json::to_vec_pretty(&self.state).expect("progress serializes");
        bytes.push(b'\n');
        if let Err(e) = atomic::write(&self.path, &bytes) {
            eprintln!(
                "warning: cannot publish progress ({}); the run goes on without it",
                crate::escape::TermLines(&e.to_string())
            );
            self.enabled = false;
        }
    }
}

fn now() -> String {
    crate::timestamp::rfc3339_millis(SystemTime::now())
}

/// Whether the process that published `progress` is gone (see [`super::process::gone`]).
pub fn process_gone(progress: &Progress) -> bool {
    super::process::gone(progress.pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_each_step_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let mut p = Publisher::start(home, "crypto", "run-1", 2);
        let file = path(home, "crypto");
        let read_now = || read(&file).unwrap();
        assert_eq!((read_now().done, read_now().total), (0, 2));
        assert!(!read_now().finished);
        p.bench_started("ml_kem::keygen");
        assert_eq!(read_now().current.as_deref(), Some("ml_kem::keygen"));
        p.bench_finished();
        assert_eq!((read_now().done, read_now().current), (1, None));
        assert_eq!(read_now().ratio(), 0.5);
        p.bench_started("ml_kem::encaps");
        p.bench_finished();
        p.finish();
        let last = read_now();
        assert!(last.finished);
        assert_eq!(last.ratio(), 1.0);
        assert_eq!(last.run_id, "run-1");
        assert_eq!(last.pid, std::process::id());
        assert_eq!(&last, p.state());
    }

    #[test]
    fn an_empty_run_leaves_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Publisher::start(dir.path(), "dag", "old", 1);
        p.finish();
        let mut empty = Publisher::start(dir.path(), "dag", "new", 0);
        empty.finish();
        assert_eq!(read(&path(dir.path(), "dag")).unwrap().run_id, "old");
    }

    #[test]
    fn a_failed_write_is_not_an_error_and_stops_publishing() {
        let dir = tempfile::tempdir().unwrap();
        // `progress` is a file, so `progress/<target>.json` cannot be created.
        std::fs::write(dir.path().join("progress"), b"x").unwrap();
        let mut p = Publisher::start(dir.path(), "e2e", "r", 3);
        assert!(!p.enabled);
        p.bench_started("a");
        p.bench_finished();
        p.finish();
        assert_eq!(p.state().done, 1);
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read(&fifo).unwrap_err().to_string();
        assert!(e.contains("p.json is not a regular file"), "{e}");
    }

    #[test]
    fn bad_files_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.json");
        std::fs::write(&file, b"{ not json").unwrap();
        let e = read(&file).unwrap_err().to_string();
        assert!(
            e.contains("x.json") && e.contains("corrupt or truncated"),
            "{e}"
        );
        let mut p = Publisher::start(dir.path(), "x", "r", 1);
        p.state.schema = "qudag-bench/progress/v9".into();
        p.publish();
        let e = read(&path(dir.path(), "x")).unwrap_err().to_string();
        assert!(e.contains("progress/v9"), "{e}");
    }
}
