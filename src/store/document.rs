//! Reading a small JSON document of ours that may be absent (a spool file, the recent
//! medians): one way to read it, refuse what is not a regular file (opening a FIFO would block
//! until a writer comes), parse it from bytes, and check its schema id, with errors that name
//! the file.

use crate::error::Error;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Reads the document at `path`, described as `kind` in errors ("spool file"), whose schema
/// id (read by `schema_of`) must be `id`. `Ok(None)`: there is no file. Errors are
/// [`Error::Unreadable`] or [`Error::Corrupt`]; the file is never modified.
pub fn read_if_present<T: DeserializeOwned>(
    path: &Path,
    kind: &str,
    id: &str,
    schema_of: impl Fn(&T) -> &str,
) -> Result<Option<T>, Error> {
    let unreadable = |message| Error::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let cannot_read =
        |e: std::io::Error| unreadable(format!("cannot read {}: {e}", path.display()));
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot_read(e)),
        Ok(meta) if !meta.is_file() => {
            return Err(unreadable(format!(
                "{} is not a regular file; a qudag-bench {kind} is JSON",
                path.display()
            )));
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        // Removed in between (another importer took a spool file).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot_read(e)),
    };
    let corrupt = |message| Error::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    // From bytes, like every document this crate reads: see store::progress::parse.
    let doc: T = serde_json::from_slice(&bytes).map_err(|e| {
        corrupt(format!(
            "{} is not a qudag-bench {kind}: {e}",
            path.display()
        ))
    })?;
    let schema = schema_of(&doc);
    if schema != id {
        return Err(corrupt(format!(
            "{} has schema `{schema}`; this qudag-bench reads `{id}`",
            path.display()
        )));
    }
    Ok(Some(doc))
}
