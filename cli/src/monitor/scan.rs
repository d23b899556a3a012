//! What a scrape reads from the home: `results/<bench-target>.json` and
//! `progress/<bench-target>.json`, each file on its own so that one bad file costs only
//! itself. A file is read only if it is a regular file of at most [`MAX_FILE_BYTES`], opened
//! without blocking (a FIFO would otherwise hold the scrape until some writer opened it), and
//! exported only if it is the file the harness writes for the bench target it holds (a copy
//! such as `results/work-backup.json` would repeat every series of `work`).

use super::prometheus::RunProgress;
use qudag_bench::error::Error;
use qudag_bench::escape::TermLines;
use qudag_bench::schema::RunReport;
use qudag_bench::store::{baseline, paths, progress};
use std::collections::HashMap;
use std::fs::{File, FileType, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Largest results or progress file a scrape reads (a report with raw samples of a few hundred
/// benchmarks is a few MiB); a larger one is skipped.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// One scrape's reading of the home.
#[derive(Default)]
pub struct Scan {
    /// The latest report of each bench target.
    pub reports: Vec<RunReport>,
    /// The latest progress of each bench target.
    pub runs: Vec<RunProgress>,
    /// Files left out, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads the home's results and progress files; never blocks on a file.
pub fn scan(home: &Path) -> Scan {
    let mut scan = Scan::default();
    for path in json_files(&home.join("results"), &mut scan.skipped) {
        let report = read_regular(&path).and_then(|text| baseline::parse_report(&path, &text));
        match report.and_then(|r| {
            let expected = paths::results_file(home, &r.bench_target);
            own_file(&path, &expected, "report", &r.bench_target).map(|()| r)
        }) {
            Ok(r) => scan.reports.push(r),
            Err(e) => scan.skipped.push((path, e.to_string())),
        }
    }
    for path in json_files(&home.join("progress"), &mut scan.skipped) {
        let read = read_regular(&path).and_then(|text| progress::parse(&path, &text));
        match read.and_then(|p| {
            let expected = progress::path(home, &p.bench_target);
            own_file(&path, &expected, "progress", &p.bench_target).map(|()| p)
        }) {
            Ok(p) => scan.runs.push(RunProgress {
                running: !p.finished && !qudag_bench::store::process::gone(p.pid),
                progress: p,
            }),
            Err(e) => scan.skipped.push((path, e.to_string())),
        }
    }
    scan
}

/// Only the file the harness writes for a bench target speaks for it: two files holding the
/// same target would give the same label sets twice, which Prometheus rejects.
fn own_file(path: &Path, expected: &Path, what: &str, target: &str) -> Result<(), Error> {
    if path == expected {
        return Ok(());
    }
    let message = format!(
        "{} holds the {what} of bench target `{target}`, which is read from {} only (a copy or \
         backup? keep it outside the home's results/ and progress/)",
        path.display(),
        expected.display()
    );
    // A valid document in the wrong place: not the file it claims to be.
    Err(Error::Corrupt {
        path: path.to_path_buf(),
        message,
    })
}

/// The `*.json` files of `dir`, sorted; none if `dir` does not exist yet.
fn json_files(dir: &Path, skipped: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            skipped.push((
                dir.to_path_buf(),
                format!("cannot read {}: {e}", dir.display()),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The text of `path` if it is a regular file (a symlink to one is fine) of at most
/// [`MAX_FILE_BYTES`]. The type is checked before opening, so a FIFO or device is never
/// opened, and again on the open file, which may have been swapped in between; the open is
/// non-blocking for that case.
fn read_regular(path: &Path) -> Result<String, Error> {
    let unreadable = |message| Error::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let cannot = |e: std::io::Error| unreadable(format!("cannot read {}: {e}", path.display()));
    let check = |file_type: FileType, len: u64| {
        if !file_type.is_file() {
            return Err(unreadable(format!(
                "{} is not a regular file ({}); only regular files are read",
                path.display(),
                qudag_bench::store::atomic::file_kind(file_type)
            )));
        }
        if len > MAX_FILE_BYTES {
            return Err(unreadable(format!(
                "{} is larger than {} MiB ({len} bytes); such a file is not read",
                path.display(),
                MAX_FILE_BYTES >> 20
            )));
        }
        Ok(())
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    check(meta.file_type(), meta.len())?;
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    check(meta.file_type(), meta.len())?;
    let mut bytes = Vec::new();
    // Bounded even if the file grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    check(meta.file_type(), bytes.len() as u64)?;
    String::from_utf8(bytes).map_err(|e| Error::Corrupt {
        path: path.to_path_buf(),
        message: format!("{} is not UTF-8 text: {e}", path.display()),
    })
}

/// Skipped files: each reason is printed once (again only if it changes, or comes back after
/// the file was fixed or removed).
#[derive(Default)]
pub struct ErrorLog {
    printed: HashMap<PathBuf, String>,
}

impl ErrorLog {
    /// Prints what is new in `skipped` and forgets files no longer skipped.
    pub fn note(&mut self, skipped: &[(PathBuf, String)]) {
        let mut now = HashMap::with_capacity(skipped.len());
        for (path, why) in skipped {
            if self.printed.get(path) != Some(why) {
                eprintln!("qudag-bench monitor: skipped: {}", TermLines(why));
            }
            now.insert(path.clone(), why.clone());
        }
        self.printed = now;
    }
}
