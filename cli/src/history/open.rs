//! Opening the history: read-only first, so that a file that is not a qudag-bench history is
//! never written to; then, for writers only, created or migrated under the write lock and
//! switched to WAL. Errors name the file and the real cause (permissions, a read-only file
//! system, a full disk, a lock, another program's file); every one is [`Error::History`].

use super::schema::{self, Found, LATEST, Refusal};
use qudag_bench::error::Error;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a writer waits for another one before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the history at `path` for writing: creates it if needed (and its directory), migrates
/// it to the latest schema, WAL mode. A file that is not a qudag-bench history, or one of a
/// newer qudag-bench, is an error naming it, and is left byte for byte as it was.
pub fn open(path: &Path) -> Result<Connection, Error> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            history(
                path,
                format!(
                    "cannot create {}, the directory of the history {}: {}",
                    dir.display(),
                    path.display(),
                    io_words(&e)
                ),
            )
        })?;
    }
    // Look before writing: only a file recognised as ours (or an empty one) is opened for
    // writing. An up-to-date history needs no write lock at all.
    let found = match exists(path)? {
        true => {
            let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            identify(path, &conn)?
        }
        false => Found::New,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let mut conn = connect(path, flags)?;
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        // SQLite falls back to read-only on a file it may not write.
        return Err(cannot_write(path, None));
    }
    if found != Found::Ours(LATEST) {
        create_or_migrate(path, &mut conn)?;
    }
    use_wal(&conn, deadline).map_err(|e| describe(path, &e, Some(&conn)))?;
    Ok(conn)
}

/// Opens the history at `path` read-only, for queries: `None` when there is none (no file, or
/// an empty one). Nothing is created, migrated or written; a history of an older version is
/// read through temporary views with the latest schema's columns.
pub fn open_read(path: &Path) -> Result<Option<Connection>, Error> {
    if !exists(path)? {
        return Ok(None);
    }
    // A WAL database needs its `-shm` file even to be read; in a directory that cannot take
    // one (a read-only mount, a downloaded artifact) read the file as it is instead.
    let conn = match dir_writable(path) {
        true => connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?,
        false => connect_immutable(path)?,
    };
    match identify(path, &conn)? {
        Found::New => Ok(None),
        Found::Ours(version) => {
            schema::read_as_latest(&conn, version).map_err(|e| describe(path, &e, Some(&conn)))?;
            Ok(Some(conn))
        }
    }
}

/// Whether the history at `path` is one of an older qudag-bench, which a writer migrates
/// (bench binaries refuse a history without qudag-bench's application_id until then). Reads
/// only; another program's file is an error naming it.
pub fn needs_upgrade(path: &Path) -> Result<bool, Error> {
    if !exists(path)? || !dir_writable(path) {
        return Ok(false);
    }
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(matches!(identify(path, &conn)?, Found::Ours(v) if v < LATEST))
}

/// Whether there is a file at `path`; anything there that is not a regular file (a directory,
/// a FIFO, which opening would block on, a device) is an error naming it.
fn exists(path: &Path) -> Result<bool, Error> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(_) => Err(history(
            path,
            format!(
                "{} is not a qudag-bench history: it is not a regular file; it is left as it is",
                path.display()
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(history(
            path,
            format!(
                "cannot use the history {}: {}",
                path.display(),
                io_words(&e)
            ),
        )),
    }
}

/// A connection with the busy timeout set. Read-only connections also never checkpoint.
fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, Error> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| describe(path, &e, None))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| describe(path, &e, Some(&conn)))?;
    Ok(conn)
}

/// Whether the directory of `path` could take a new file (`access(2)`, which also says no on
/// a read-only file system to root).
fn dir_writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(dir) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `dir` is a NUL-terminated path; access only looks.
    unsafe { libc::access(dir.as_ptr(), libc::W_OK) == 0 }
}

/// A read-only connection that takes the file as unchanging: no lock, no `-shm` or `-wal`
/// file. What a run left in a write-ahead log (none after a clean end) is not seen.
fn connect_immutable(path: &Path) -> Result<Connection, Error> {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| describe(path, &e, None))
}

/// [`schema::identify`] with its refusals in words.
fn identify(path: &Path, conn: &Connection) -> Result<Found, Error> {
    schema::identify(conn, false).map_err(|r| refusal(path, r, conn))
}

fn refusal(path: &Path, r: Refusal, conn: &Connection) -> Error {
    let message = match r {
        Refusal::Sql(e) => return describe(path, &e, Some(conn)),
        Refusal::Foreign(why) => format!(
            "{} is not a qudag-bench history: {why}; it is left as it is (move it away, or \
             choose another home with --home or QUDAG_BENCH_HOME)",
            path.display()
        ),
        Refusal::Newer(version) => format!(
            "{} has history schema version {version}; this qudag-bench knows up to {LATEST} (a \
             newer qudag-bench wrote it?)",
            path.display()
        ),
    };
    history(path, message)
}

/// The error `message` about the history at `path`.
pub(super) fn history(path: &Path, message: String) -> Error {
    Error::History {
        path: path.to_path_buf(),
        message,
    }
}

/// Creates the schema in a new file, or migrates an older history, under the write lock. The
/// file is recognised again once the lock is held: a concurrent first run may have created it
/// meanwhile, and then there is nothing left to do.
fn create_or_migrate(path: &Path, conn: &mut Connection) -> Result<(), Error> {
    let fail = |e: rusqlite::Error, conn: &Connection| describe(path, &e, Some(conn));
    // BEGIN IMMEDIATE waits for the lock with the busy handler; nothing is written yet.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| describe(path, &e, None))?;
    let from = match schema::identify(&tx, true) {
        Ok(Found::New) => 0,
        Ok(Found::Ours(v)) => v,
        Err(r) => return Err(refusal(path, r, &tx)),
    };
    if from < LATEST {
        schema::migrate(&tx, from).map_err(|e| fail(e, &tx))?;
    }
    tx.commit().map_err(|e| describe(path, &e, None))
}

/// Switches to WAL mode unless the file is in it already. Changing the journal mode takes an
/// exclusive lock without calling the busy handler, so concurrent first runs would get
/// `database is locked` here: retry until `deadline`.
fn use_wal(conn: &Connection, deadline: Instant) -> rusqlite::Result<()> {
    let mut pause = Duration::from_millis(2);
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            // A file system without WAL support keeps the rollback journal; the busy timeout
            // still serialises writers.
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause + Duration::from_micros(fastrand::u64(0..2000)));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The error `e` on the history at `path` in words that say the cause. `conn` is the
/// connection it happened on, if it was open: SQLite keeps the operating system's error of
/// its last failed call there.
pub(super) fn describe(path: &Path, e: &rusqlite::Error, conn: Option<&Connection>) -> Error {
    use rusqlite::ErrorCode as C;
    let p = path.display();
    let os = conn.and_then(os_error);
    let message = match e.sqlite_error_code() {
        Some(C::NotADatabase) => format!(
            "{p} is not a qudag-bench history: it is not an SQLite database (corrupt, or another \
             program's file); it is left as it is"
        ),
        Some(C::DatabaseCorrupt) => format!("the history {p} is corrupt: {e}"),
        Some(C::DiskFull) => format!("cannot write the history {p}: the disk is full"),
        Some(C::DatabaseBusy | C::DatabaseLocked) => format!(
            "the history {p} stayed locked by another process for {} s: {e}",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(C::ReadOnly) => return cannot_write(path, os),
        // Opening fails for want of a file SQLite could not create (the history, its `-shm`)
        // and saves the errno of its last attempt, often a fallback's ENOENT: trying the
        // writes ourselves tells more. A failed read or write keeps its own errno (ENOSPC,
        // EIO).
        Some(C::CannotOpen | C::PermissionDenied) => match probe(path).or(os) {
            Some(os) => format!("cannot use the history {p}: {}", io_words(&os)),
            None => format!("cannot use the history {p}: {e}"),
        },
        Some(C::SystemIoFailure | C::NoLargeFileSupport) => match os.or_else(|| probe(path)) {
            Some(os) => format!("cannot use the history {p}: {}", io_words(&os)),
            None => format!("cannot use the history {p}: {e}"),
        },
        _ => format!("history {p}: {e}"),
    };
    history(path, message)
}

/// Why `path` cannot be written: what opening the file (or its WAL files, or a new file in its
/// directory) for writing says, else the operating system's error if SQLite kept one.
fn cannot_write(path: &Path, os: Option<std::io::Error>) -> Error {
    let why = probe(path)
        .or(os)
        .map_or("it is read-only".to_string(), |e| io_words(&e));
    history(
        path,
        format!("cannot write the history {}: {why}", path.display()),
    )
}

/// The operating system's error of the last failed call on `conn`, if there was one.
fn os_error(conn: &Connection) -> Option<std::io::Error> {
    // SAFETY: the handle is valid while `conn` lives; the call only reads the errno SQLite
    // saved on it.
    let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(conn.handle()) };
    (errno != 0).then(|| std::io::Error::from_raw_os_error(errno))
}

/// Tries the operations SQLite needs (write the file and its `-wal` and `-shm` files, create
/// a file in the directory) and returns the first error, without changing any file.
fn probe(path: &Path) -> Option<std::io::Error> {
    let open_rw = |p: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(p)
            .err()
    };
    if path.exists()
        && let Some(e) = open_rw(path)
    {
        return Some(e);
    }
    for suffix in ["-wal", "-shm"] {
        let side = path.with_file_name(format!(
            "{}{suffix}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ));
        if side.exists()
            && let Some(e) = open_rw(&side)
        {
            return Some(e);
        }
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    // A temporary file in the directory, removed when dropped.
    tempfile::tempfile_in(dir).err()
}

/// An I/O error as a short sentence: the full disk and read-only cases in plain words.
fn io_words(e: &std::io::Error) -> String {
    let words = match e.raw_os_error() {
        Some(libc::ENOSPC | libc::EDQUOT) => "the disk is full",
        Some(libc::EROFS) => "the file system is read-only",
        Some(libc::EACCES | libc::EPERM) => "permission denied",
        _ => return e.to_string(),
    };
    format!(
        "{words} (os error {})",
        e.raw_os_error().unwrap_or_default()
    )
}
