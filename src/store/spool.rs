//! The history spool: how a bench-mode run reaches the history without the bench binary
//! linking SQLite. The run writes `$QUDAG_BENCH_HOME/history-spool/<run_id>.json` (atomically,
//! at start, when each benchmark starts and ends, and at the end); the `qudag-bench` command
//! imports every spool file into `history.sqlite` before it reads the history, and deletes a
//! file once its run is committed there. A file whose run is still `incomplete` and whose
//! process is gone is imported as the interrupted run it is.
//!
//! Keeping SQLite (a 45 s C build) out of the bench binary keeps a user's `cargo bench`
//! build short; see docs/build-time.md.

use super::process::Process;
use crate::error::Error;
use crate::schema::ids::SPOOL as SCHEMA_ID;
use crate::schema::{RunReport, Spooled};
use std::path::{Path, PathBuf};

/// SQLite `application_id` of a qudag-bench history (`history.sqlite`): the bytes `QDBH`,
/// big-endian as SQLite stores it at offset 68 of the file's header.
pub const HISTORY_APPLICATION_ID: i32 = 0x5144_4248;

impl Spooled {
    /// The process that writes this run.
    pub fn process(&self) -> Process {
        Process {
            pid: self.pid,
            started: self.pid_started,
        }
    }

    /// Whether the run ended without finishing: it is incomplete, it was recorded on
    /// `this_host` and its process is gone. (Runs of other hosts are left to their host.)
    pub fn interrupted(&self, this_host: Option<&str>) -> bool {
        self.report.incomplete.is_some()
            && self.report.environment.host.is_some()
            && self.report.environment.host.as_deref() == this_host
            && !self.process().is_alive()
    }
}

/// The history file under `home`.
pub fn history_file(home: &Path) -> PathBuf {
    home.join("history.sqlite")
}

/// The spool directory under `home`.
pub fn dir(home: &Path) -> PathBuf {
    home.join("history-spool")
}

/// `report` without what makes it large: raw samples and system metric series. About 2 KB
/// per benchmark remain, against up to 100 KB with the samples.
pub fn lean(report: &RunReport) -> RunReport {
    let mut kept = report.clone();
    for b in &mut kept.benchmarks {
        b.iters_per_sample.clear();
        b.samples_ns.clear();
        if let Some(s) = &mut b.system {
            s.series.clear();
        }
    }
    kept
}

/// The spool files under `home`, oldest name first. None when there is no spool directory.
pub fn files(home: &Path) -> Result<Vec<PathBuf>, Error> {
    let dir = dir(home);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Unreadable {
                message: format!("cannot read {}: {e}", dir.display()),
                path: dir,
            });
        }
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads the spool file at `path`. `Ok(None)`: it is gone (another importer took it).
/// Errors are [`Error::Unreadable`] or [`Error::Corrupt`].
pub fn read(path: &Path) -> Result<Option<Spooled>, Error> {
    super::document::read_if_present(path, "spool file", SCHEMA_ID, |d: &Spooled| {
        d.schema.as_str()
    })
}

/// Checks, before a run measures, that the history at `path` can take it: absent, empty, or a
/// qudag-bench history by its `application_id`. Reads the SQLite header only (the bench binary
/// does not link SQLite); the `qudag-bench` command checks the rest when it imports. Errors
/// are [`Error::History`].
pub fn check_history(path: &Path) -> Result<(), Error> {
    let history = |message| Error::History {
        path: path.to_path_buf(),
        message,
    };
    let not_ours = |why: &str| {
        history(format!(
            "{} is not a qudag-bench history: {why}; it is left as it is (a history of a \
             qudag-bench older than its application_id is upgraded by `qudag-bench history`)",
            path.display()
        ))
    };
    let bytes = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => return Err(not_ours("it is not a regular file")),
        Ok(_) => read_header(path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(history(format!(
                "cannot use the history {}: {e}",
                path.display()
            )));
        }
    };
    // A new history whose first writes are still in its write-ahead log looks empty or blank.
    let wal = path.with_extension("sqlite-wal");
    if bytes.is_empty() || std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        return Ok(());
    }
    if bytes.len() < 100 || !bytes.starts_with(b"SQLite format 3\0") {
        return Err(not_ours("it is not an SQLite database"));
    }
    let app = i32::from_be_bytes([bytes[68], bytes[69], bytes[70], bytes[71]]);
    match app == HISTORY_APPLICATION_ID {
        true => Ok(()),
        false => Err(not_ours(&format!(
            "its application_id is {app:#x}, not qudag-bench's"
        ))),
    }
}

/// The first 100 bytes of `path` (fewer if it is shorter).
fn read_header(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut bytes))
        .map_err(|e| Error::History {
            path: path.to_path_buf(),
            message: format!("cannot read the history {}: {e}", path.display()),
        })?;
    Ok(bytes)
}

/// The mark the command leaves for an interrupted run it imported (and removed from the
/// spool), so that the bench target's next run can say the run is in the history.
pub fn imported_mark(home: &Path, run_id: &str) -> PathBuf {
    dir(home).join(format!("{run_id}.imported"))
}

/// Whether the interrupted run `run_id` went into the history (spooled still, or imported);
/// forgets the mark of an imported one, which was needed for this question only.
pub fn take_imported(home: &Path, run_id: &str) -> bool {
    let spooled = dir(home).join(format!("{run_id}.json")).is_file();
    let mark = imported_mark(home, run_id);
    let imported = mark.is_file();
    if imported {
        let _ = std::fs::remove_file(&mark);
    }
    spooled || imported
}

/// An earlier run whose process ended before it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptedRun {
    /// Its run id.
    pub run_id: String,
    /// Its bench target.
    pub bench_target: String,
    /// The benchmark it was running when its process ended; `None` between benchmarks.
    pub running: Option<String>,
    /// How many benchmarks it recorded.
    pub recorded: u64,
}

/// The spooled runs under `home` that were interrupted on `this_host` and that no run has
/// named yet; marks them named. A spool file that cannot be read is skipped: the command's
/// import names it.
pub fn take_interrupted(home: &Path, this_host: Option<&str>) -> Vec<InterruptedRun> {
    let mut out = Vec::new();
    for path in files(home).unwrap_or_default() {
        let Ok(Some(mut doc)) = read(&path) else {
            continue;
        };
        if doc.noted || !doc.interrupted(this_host) {
            continue;
        }
        doc.noted = true;
        // Its process is gone: nothing else writes this file (an importer may remove it).
        if path.exists() && write(&path, &doc).is_err() {
            continue;
        }
        out.push(InterruptedRun {
            run_id: doc.report.run_id.clone(),
            bench_target: doc.report.bench_target.clone(),
            running: doc.running.clone(),
            recorded: doc.report.benchmarks.len() as u64,
        });
    }
    out
}

fn write(path: &Path, doc: &Spooled) -> Result<(), Error> {
    // Pretty like every other document: one serializer type compiles the derived serializers
    // once (docs/build-time.md).
    let mut bytes = serde_json::to_vec_pretty(doc).expect("a spool document serializes");
    bytes.push(b'\n');
    super::atomic::write(path, &bytes)
}

/// The spool file of one run in flight, rewritten as the run goes.
pub struct Spool {
    path: PathBuf,
    doc: Spooled,
}

impl Spool {
    /// Starts spooling the run `header` (no benchmarks yet, `incomplete` set) under `home`.
    pub fn start(home: &Path, header: &RunReport) -> Result<Spool, Error> {
        let me = Process::this();
        let spool = Spool {
            path: dir(home).join(format!("{}.json", header.run_id)),
            doc: Spooled {
                schema: SCHEMA_ID.to_string(),
                pid: me.pid,
                pid_started: me.started,
                running: None,
                noted: false,
                report: lean(header),
            },
        };
        spool.save()?;
        Ok(spool)
    }

    /// Benchmark `id` is about to run (`None`: none is).
    pub fn running(&mut self, id: Option<&str>) -> Result<(), Error> {
        self.doc.running = id.map(str::to_string);
        self.save()
    }

    /// `so_far` holds every finished benchmark; the benchmark that was running is done.
    pub fn record_partial(&mut self, so_far: &RunReport) -> Result<(), Error> {
        let done = |id: &String| so_far.benchmarks.iter().any(|b| &b.id == id);
        if self.doc.running.as_ref().is_some_and(done) {
            self.doc.running = None;
        }
        self.doc.report = lean(so_far);
        self.save()
    }

    /// The run ended with `report` (`incomplete` unset).
    pub fn finish(mut self, report: &RunReport) -> Result<(), Error> {
        self.doc.running = None;
        self.doc.report = lean(report);
        self.save()
    }

    fn save(&self) -> Result<(), Error> {
        write(&self.path, &self.doc).map_err(|e| e.context("the history spool"))
    }
}
