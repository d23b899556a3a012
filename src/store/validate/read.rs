//! Reading a run report file: refused above a size limit before anything is read, read once
//! into memory and deserialized once (no intermediate `serde_json::Value`, which took about
//! five times the file's size), then checked by [`super::report`].

use super::Kept;
use crate::error::Error;
use crate::schema::RunReport;
use crate::schema::ids::RUN as SCHEMA_ID;
use serde::Deserialize;
use std::io::Read;
use std::path::Path;

/// The largest run report read, in MiB, unless [`MAX_REPORT_ENV`] says otherwise. A report
/// takes up to about 100 KB per benchmark at the default 1,000 samples (the full crypto suite
/// writes a few MB), so 64 MiB holds some 600 benchmarks at defaults, while an edited or
/// runaway file cannot make a command take minutes and gigabytes.
pub const DEFAULT_MAX_REPORT_MIB: u64 = 64;

/// Environment variable giving the size limit of a run report in MiB (a positive integer).
pub const MAX_REPORT_ENV: &str = "QUDAG_BENCH_MAX_REPORT_MIB";

/// The size limit of a run report in bytes: [`MAX_REPORT_ENV`] or [`DEFAULT_MAX_REPORT_MIB`];
/// a bad value of the variable is [`Error::Setting`].
pub fn max_report_bytes() -> Result<u64, Error> {
    limit_from(std::env::var_os(MAX_REPORT_ENV).as_deref())
}

/// The size limit in bytes given the value of [`MAX_REPORT_ENV`], if set.
pub(super) fn limit_from(value: Option<&std::ffi::OsStr>) -> Result<u64, Error> {
    let Some(text) = value else {
        return Ok(DEFAULT_MAX_REPORT_MIB << 20);
    };
    let text = text.to_string_lossy();
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|&mib| mib > 0)
        .and_then(|mib| mib.checked_mul(1 << 20))
        .ok_or_else(|| {
            Error::setting(format!(
                "{MAX_REPORT_ENV}={}: expected a size in MiB, a whole number from 1",
                text.escape_debug()
            ))
        })
}

/// Reads the complete run report at `path`: size-limited, schema and values checked. Every
/// error names the file; the file is never modified.
pub fn read_report(path: &Path) -> Result<RunReport, Error> {
    let bytes = read_limited(path, max_report_bytes()?)?;
    parse_report(path, &bytes)
}

/// Parses and checks a complete run report that the caller read from `path`.
pub fn parse_report(path: &Path, bytes: &[u8]) -> Result<RunReport, Error> {
    let report = parse(path, bytes)?;
    super::report(&report, Kept::Samples)
        .map_err(|e| corrupt(path, format!("{}: {e}", path.display())))?;
    Ok(report)
}

/// The bytes of the regular file at `path`, refused when larger than `limit`. The file type
/// and size come from its metadata, before it is opened: opening a FIFO would block. Errors
/// are [`Error::Unreadable`].
pub(super) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let unreadable = |message| Error::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let cannot_read =
        |e: std::io::Error| unreadable(format!("cannot read {}: {e}", path.display()));
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(unreadable(format!(
                "{} does not exist (save one with --save-baseline)",
                path.display()
            )));
        }
        Err(e) => return Err(cannot_read(e)),
    };
    if !meta.is_file() {
        return Err(unreadable(format!(
            "{} is not a regular file; a run report is a JSON file",
            path.display()
        )));
    }
    let too_large = |size: u64| {
        unreadable(format!(
            "{} is {:.1} MiB, larger than the {} MiB a run report may have (set {MAX_REPORT_ENV} \
             to read larger ones)",
            path.display(),
            size as f64 / (1 << 20) as f64,
            limit >> 20
        ))
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    // The file may have grown since: read at most one byte past the limit to tell.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Deserializes a run report, saying why a document is not one: not JSON, another schema, or
/// the right schema with a wrong field. Errors are [`Error::Corrupt`].
pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<RunReport, Error> {
    let error = match serde_json::from_slice::<RunReport>(bytes) {
        Ok(report) => return schema(path, Some(&report.schema)).map(|()| report),
        Err(e) => e,
    };
    // A wrong value can stop the parse before a syntax error later on: tell them apart by
    // parsing the syntax alone (only on this error path).
    if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(corrupt(
            path,
            format!("{} is corrupt or truncated: {syntax}", path.display()),
        ));
    }
    // Valid JSON of another shape: read just the schema id.
    #[derive(Deserialize)]
    struct Head {
        schema: Option<serde_json::Value>,
    }
    let head = serde_json::from_slice::<Head>(bytes).ok();
    let id = head.as_ref().and_then(|h| h.schema.as_ref()?.as_str());
    schema(path, id)?;
    Err(corrupt(
        path,
        format!("{} does not match `{SCHEMA_ID}`: {error}", path.display()),
    ))
}

/// Checks the schema id `id` of the document at `path`.
fn schema(path: &Path, id: Option<&str>) -> Result<(), Error> {
    match id {
        Some(SCHEMA_ID) => Ok(()),
        Some(other) => Err(corrupt(
            path,
            format!(
                "{} has schema `{}`; this qudag-bench reads `{SCHEMA_ID}` (a newer qudag-bench wrote it?)",
                path.display(),
                other.escape_debug()
            ),
        )),
        None => Err(corrupt(
            path,
            format!(
                "{} is not a qudag-bench run report (no `schema`)",
                path.display()
            ),
        )),
    }
}

/// A document at `path` that is not a valid run report.
fn corrupt(path: &Path, message: String) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        message,
    }
}
