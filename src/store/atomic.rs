//! Atomic file writes: a temporary file in the same directory, synced, then renamed over the
//! target, so that an interrupted run never leaves a half-written file.
//!
//! Destinations are regular files only. A directory, FIFO, socket or device is refused (a FIFO
//! with no reader would block the write forever, and renaming over a device would replace it
//! with a file), except `/dev/null`, which is accepted and not written at all. A symbolic link
//! is followed: the file it points to is replaced, not the link. [`check`] says beforehand
//! whether [`write`](fn@write) can succeed, so a run can refuse a bad path before it measures anything.
//!
//! Temporary files are named `.qudag-bench-<pid>-<random>.tmp`. One left behind by a killed
//! process is removed by the next write into the same directory, once its writer is dead and
//! it is [`DEAD_WRITER_AGE`] old, or in any case once it is [`STALE_AGE`] old.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A temporary file this old is removed whatever its writer's state: no write takes that long.
pub const STALE_AGE: Duration = Duration::from_secs(3600);

/// A temporary file of a process that no longer exists is removed once it is this old. (The
/// margin keeps a writer in another PID namespace sharing the directory safe.)
pub const DEAD_WRITER_AGE: Duration = Duration::from_secs(10);

const PREFIX: &str = ".qudag-bench-";
const SUFFIX: &str = ".tmp";

/// What a destination path is.
enum Destination {
    /// `/dev/null` (or a link to it): nothing to write.
    Discard,
    /// A regular file, existing or not, at this path (symbolic links resolved).
    File(PathBuf),
}

/// Writes `bytes` to `path` atomically, creating parent directories. Errors are
/// [`Error::Write`], naming the path.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_mode(path, bytes, None)
}

/// [`write`](fn@write) for an executable: the new file is rwxr-xr-x (less the umask's bits, as
/// for any new file), whatever the file it replaces was.
pub fn write_executable(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_mode(path, bytes, Some(0o755))
}

/// [`write`](fn@write) with the new file's `mode`, else that of the file it replaces.
fn write_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), Error> {
    let path = match destination(path)? {
        Destination::Discard => return Ok(()),
        Destination::File(path) => path,
    };
    let dir = parent(&path);
    let fail = |what: &str, e: std::io::Error| {
        refused(&path, format!("cannot {what} {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| fail("create the directory of", e))?;
    remove_stale(dir);
    replace(dir, &path, bytes, mode)
}

/// Checks, without writing `path`, that [`write`](fn@write) can write it: it is not a directory or a
/// special file (see the module doc), and its directory exists and is writable or can be
/// created. A temporary file is created and removed to prove it. Errors are
/// [`Error::Write`], naming the path.
pub fn check(path: &Path) -> Result<(), Error> {
    let path = match destination(path)? {
        Destination::Discard => return Ok(()),
        Destination::File(path) => path,
    };
    // The nearest directory that exists: the write creates the missing ones below it.
    let mut dir = parent(&path);
    while std::fs::symlink_metadata(dir).is_err() {
        match dir.parent() {
            Some(up) if !up.as_os_str().is_empty() => dir = up,
            _ => {
                dir = Path::new(".");
                break;
            }
        }
    }
    let fail = |e: String| refused(&path, format!("cannot write {}: {e}", path.display()));
    if !dir.is_dir() {
        return Err(fail(format!("{} is not a directory", dir.display())));
    }
    TempFile::create(dir, None)
        .map(drop)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))
}

/// Classifies `path`: a file to replace (links resolved), `/dev/null`, or an error.
fn destination(path: &Path) -> Result<Destination, Error> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(meta) = std::fs::metadata(path) else {
        // Missing (or a dangling link, which would be replaced by the file): a new file.
        return Ok(Destination::File(path.to_path_buf()));
    };
    let kind = meta.file_type();
    if kind.is_file() {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        return Ok(Destination::File(if is_link {
            std::fs::canonicalize(path).map_err(|e| {
                refused(
                    path,
                    format!("cannot resolve the link {}: {e}", path.display()),
                )
            })?
        } else {
            path.to_path_buf()
        }));
    }
    let null = std::fs::metadata("/dev/null").ok();
    if kind.is_char_device() && null.is_some_and(|n| n.rdev() == meta.rdev()) {
        return Ok(Destination::Discard);
    }
    let what = file_kind(kind);
    Err(refused(
        path,
        format!(
            "cannot write {}: it is {what}; reports are written as regular files (or \
             /dev/null to discard)",
            path.display()
        ),
    ))
}

/// The error of a write to `path` that cannot be done.
fn refused(path: &Path, message: String) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        message,
    }
}

/// The directory of `path` (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A temporary file of ours (`.qudag-bench-<pid>-<random>.tmp`), removed on drop unless
/// [`TempFile::persist`]ed. (std only: the `tempfile` crate cost a user's build 4 crates.)
struct TempFile {
    file: std::fs::File,
    path: Option<PathBuf>,
}

impl TempFile {
    /// Creates a new file in `dir` with `mode` (else the umask's default), never an
    /// existing one.
    fn create(dir: &Path, mode: Option<u32>) -> std::io::Result<TempFile> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut tries = 0;
        loop {
            let name = format!(
                "{PREFIX}{}-{:016x}{SUFFIX}",
                std::process::id(),
                fastrand::u64(..)
            );
            let path = dir.join(name);
            let mut options = std::fs::OpenOptions::new();
            options
                .write(true)
                .create_new(true)
                .mode(mode.unwrap_or(0o600));
            match options.open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        file,
                        path: Some(path),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 100 => {
                    tries += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Renames the file over `dest`.
    fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        let path = self.path.take().expect("not persisted yet");
        std::fs::rename(&path, dest).inspect_err(|_| {
            let _ = std::fs::remove_file(&path);
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes `bytes` to a temporary file in `dir` and renames it over `path`. On every error the
/// temporary file is removed (dropping it deletes it).
fn replace(dir: &Path, path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |what: &str, e: std::io::Error| {
        refused(path, format!("cannot {what} {}: {e}", path.display()))
    };
    // A report is an ordinary file: keep the mode of the file it replaces, else rw-r--r--
    // (a temporary file would be created rw-------); the umask applies as to any new file.
    let mode = mode.unwrap_or_else(|| {
        std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777)
    });
    let mut tmp =
        TempFile::create(dir, Some(mode)).map_err(|e| fail("create a temporary file for", e))?;
    tmp.file.write_all(bytes).map_err(|e| fail("write", e))?;
    tmp.file.sync_all().map_err(|e| fail("sync", e))?;
    tmp.persist(path).map_err(|e| fail("replace", e))?;
    Ok(())
}

/// Removes temporary files of ours in `dir` that no write will finish (see the module doc).
/// Best effort: a file that cannot be read or removed is left.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name
            .strip_prefix(PREFIX)
            .and_then(|n| n.strip_suffix(SUFFIX))
        else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        let writer = middle.split_once('-').and_then(|(pid, _)| pid.parse().ok());
        let dead =
            writer.is_some_and(|pid: u32| pid != std::process::id() && super::process::gone(pid));
        if meta.is_file() && (age >= STALE_AGE || (dead && age >= DEAD_WRITER_AGE)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What a file that is not a regular file is, for messages ("it is a FIFO").
pub fn file_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests;
