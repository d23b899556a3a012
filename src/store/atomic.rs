//! Atomic file writes: a temporary file in the same directory, synced, then renamed over the
//! target, so that an interrupted run never leaves a half-written file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating parent directories. Errors name the path.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |what: &str, e: std::io::Error| format!("cannot {what} {}: {e}", path.display());
    std::fs::create_dir_all(dir).map_err(|e| fail("create the directory of", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".qudag-bench-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("create a temporary file for", e))?;
    tmp.write_all(bytes).map_err(|e| fail("write", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("sync", e))?;
    tmp.persist(path).map_err(|e| fail("replace", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/report.json");
        super::write(&path, b"first version, longer").unwrap();
        super::write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn error_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = super::write(&blocker.join("report.json"), b"y").unwrap_err();
        assert!(err.contains("report.json"), "{err}");
    }
}
