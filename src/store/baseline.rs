//! Baselines: run reports saved under a name (`--save-baseline NAME`) at
//! `$QUDAG_BENCH_HOME/baselines/NAME/<bench-target>.json`, read back by `--baseline NAME`.
//! Names are plain words (no path separators or traversal); a missing, corrupt, truncated or
//! newer-schema file is an error naming the file, and is never modified.

use super::atomic;
use crate::error::Error;
use crate::schema::RunReport;
use std::path::{Path, PathBuf};

/// Checks a baseline name: 1-100 characters of letters, digits, `-`, `_` and `.`, not starting
/// with `.`. A bad name is [`Error::Setting`].
pub fn validate_name(name: &str) -> Result<(), Error> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.is_empty() || name.len() > 100 || !ok_chars || name.starts_with('.') {
        return Err(Error::setting(format!(
            "invalid baseline name `{name}`: use 1-100 letters, digits, `-`, `_` or `.`, not \
             starting with `.` (no path separators)"
        )));
    }
    Ok(())
}

/// The directory of baseline `name` under `home`: one JSON file per bench target, and the
/// kept executables (`bin/`, see [`super::kept_binary`]).
pub fn dir(home: &Path, name: &str) -> PathBuf {
    home.join("baselines").join(name)
}

/// Where baseline `name` of `bench_target` lives under `home`.
pub fn path(home: &Path, name: &str, bench_target: &str) -> PathBuf {
    dir(home, name).join(format!("{bench_target}.json"))
}

/// Saves `report` as baseline `name` (atomically).
pub fn save(home: &Path, name: &str, report: &RunReport) -> Result<PathBuf, Error> {
    validate_name(name)?;
    let path = path(home, name, &report.bench_target);
    let mut bytes = serde_json::to_vec_pretty(report).expect("a run report always serializes");
    bytes.push(b'\n');
    // A baseline that `--baseline` would refuse to read is not saved (the old one stays).
    fits(
        &path,
        name,
        bytes.len(),
        super::validate::max_report_bytes()?,
    )?;
    atomic::write(&path, &bytes)?;
    Ok(path)
}

/// Refuses a baseline of `size` bytes over `limit`, the size a run report may have when read,
/// as a write to `path` that is not done.
fn fits(path: &Path, name: &str, size: usize, limit: u64) -> Result<(), Error> {
    if size as u64 <= limit {
        return Ok(());
    }
    let message = format!(
        "not saving baseline `{name}`: it would be {:.1} MiB, larger than the {} MiB a run \
         report may have to be read back (set {} to raise the limit); the previous baseline \
         is kept",
        size as f64 / (1 << 20) as f64,
        limit >> 20,
        super::validate::MAX_REPORT_ENV
    );
    Err(Error::Write {
        path: path.to_path_buf(),
        message,
    })
}

/// Loads baseline `name` of `bench_target`.
pub fn load(home: &Path, name: &str, bench_target: &str) -> Result<RunReport, Error> {
    validate_name(name)?;
    let path = path(home, name, bench_target);
    if !path.exists() && path.symlink_metadata().is_err() {
        return Err(Error::MissingBaseline {
            name: name.to_string(),
            path,
        });
    }
    let report = read_report(&path).map_err(|e| e.context(&format!("baseline `{name}`")))?;
    if report.bench_target != bench_target {
        return Err(Error::Corrupt {
            message: format!(
                "baseline `{name}`: {} holds a report of bench target `{}`, not \
                 `{bench_target}` (a copied file?)",
                path.display(),
                crate::escape::Term(&report.bench_target)
            ),
            path,
        });
    }
    Ok(report)
}

/// Reads a run report file: refused above the size limit, then its schema and values checked
/// (see [`super::validate`]); errors name the file and the field.
pub fn read_report(path: &Path) -> Result<RunReport, Error> {
    super::validate::read_report(path)
}

/// Parses `text`, read from `path` by the caller, as a run report, with the same checks as
/// [`read_report`] except the size limit; errors name `path`.
pub fn parse_report(path: &Path, text: &str) -> Result<RunReport, Error> {
    super::validate::parse_report(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_words() {
        for ok in ["main", "v1.2", "pr-42_base"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "..",
            "sp ace",
            &"x".repeat(101),
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_baseline_too_large_to_read_back_is_not_saved() {
        let p = Path::new("main.json");
        assert!(fits(p, "main", 1 << 20, 1 << 20).is_ok());
        let e = fits(p, "main", (1 << 20) + 1, 1 << 20).unwrap_err();
        assert!(matches!(e, Error::Write { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("not saving baseline `main`: it would be 1.0 MiB, larger than the 1 MiB")
                && e.contains("QUDAG_BENCH_MAX_REPORT_MIB"),
            "{e}"
        );
    }

    #[test]
    fn bad_files_are_errors_naming_them_and_stay_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let e = load(home, "main", "crypto").unwrap_err();
        assert!(matches!(e, Error::MissingBaseline { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("baselines/main/crypto.json") && e.contains("does not exist"),
            "{e}"
        );
        let p = path(home, "main", "crypto");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        for (bytes, needle) in [
            (
                &b"{\"schema\": \"qudag-bench/run/v1\", \"run_id\": "[..],
                "corrupt or truncated",
            ),
            (
                b"{\"schema\": \"qudag-bench/run/v9\"}",
                "has schema `qudag-bench/run/v9`",
            ),
            (b"{\"hello\": 1}", "not a qudag-bench run report"),
            (b"{\"schema\": \"qudag-bench/run/v1\"}", "does not match"),
        ] {
            std::fs::write(&p, bytes).unwrap();
            let e = load(home, "main", "crypto").unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "{e:?}");
            let e = e.to_string();
            assert!(e.contains(needle) && e.contains("crypto.json"), "{e}");
            assert_eq!(std::fs::read(&p).unwrap(), bytes, "file untouched");
        }
    }
}
