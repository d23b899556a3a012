//! The bench executable kept with a baseline: `baselines/NAME/bin/sha256-HEX`, named by its
//! content, so that saving the same build twice stores it once and every target of a
//! baseline shares the directory. A file no `*.json` of the baseline names any more is removed
//! when a newer build is kept. The baseline's JSON records it ([`KeptBinary`]) with paths
//! relative to the baseline's directory: a directory copied to another home (a CI cache)
//! still works.

use super::atomic;
use crate::ab::protocol;
use crate::error::Error;
use crate::escape::Term;
use crate::schema::KeptBinary;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The subdirectory of a baseline that holds kept executables.
pub const DIR: &str = "bin";
/// An unreferenced kept file younger than this is left alone: another bench target saving into
/// the same baseline may have just kept it and not yet written its JSON.
const PRUNE_AGE: Duration = Duration::from_secs(600);

/// The platform this build runs on, as recorded in [`KeptBinary::platform`].
pub fn platform() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// `sha256:` and the SHA-256 of `bytes` in lower-case hex.
pub fn digest(bytes: &[u8]) -> String {
    let hash = hmac_sha256::Hash::hash(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The kept file's path relative to the baseline's directory, for a digest.
fn file_for(digest: &str) -> String {
    format!("{DIR}/{}", digest.replacen(':', "-", 1))
}

/// Keeps the executable `exe` in the baseline directory `dir` (atomically; not again when the
/// same content is already there) and describes it. `cwd` is the directory cargo ran it in.
pub fn keep(dir: &Path, exe: &Path, cwd: &Path) -> Result<KeptBinary, Error> {
    let bytes = std::fs::read(exe).map_err(|e| Error::Unreadable {
        path: exe.to_path_buf(),
        message: format!(
            "cannot read the bench executable {} to keep it with the baseline: {e} \
             (--no-save-binary saves the baseline without it)",
            exe.display()
        ),
    })?;
    let digest = digest(&bytes);
    let file = file_for(&digest);
    let dest = dir.join(&file);
    let same = std::fs::read(&dest).is_ok_and(|kept| kept == bytes);
    if same {
        // Fresh again, so that a concurrent prune does not take it before our JSON names it.
        let _ = std::fs::File::options()
            .append(true)
            .open(&dest)
            .and_then(|f| f.set_modified(SystemTime::now()));
    } else {
        atomic::write_executable(&dest, &bytes)?;
    }
    Ok(KeptBinary {
        digest,
        file,
        size: bytes.len() as u64,
        platform: platform(),
        protocol: protocol::VERSION,
        package_dir: cwd.display().to_string(),
        exe_relative: relative(exe, cwd).display().to_string(),
        cargo_env: cargo_env(std::env::vars()),
    })
}

/// The variables cargo sets for a bench binary it runs, from `vars`. An allow-list: other
/// `CARGO_*` variables may hold a registry token, which a baseline must never carry.
fn cargo_env(vars: impl Iterator<Item = (String, String)>) -> BTreeMap<String, String> {
    const NAMES: [&str; 5] = [
        "CARGO",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_CRATE_NAME",
    ];
    vars.filter(|(k, _)| k.starts_with("CARGO_PKG_") || NAMES.contains(&k.as_str()))
        .collect()
}

/// `path` relative to `base` (both absolute, or both relative to the same directory).
fn relative(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = base[common..].iter().map(|_| "..").collect();
    out.extend(&path[common..]);
    out
}

/// Removes kept executables of the baseline directory `dir` that none of its `*.json` files
/// names and that are older than [`PRUNE_AGE`]. Best effort, and nothing at all when a JSON
/// file cannot be read: what it names is unknown.
pub fn prune(dir: &Path) {
    let Some(named) = named_files(dir) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir.join(DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = format!("{DIR}/{}", entry.file_name().to_string_lossy());
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= PRUNE_AGE);
        if name.starts_with(&format!("{DIR}/sha256-")) && old && !named.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The `binary.file` of every `*.json` in `dir`; `None` when one cannot be read or parsed.
fn named_files(dir: &Path) -> Option<Vec<String>> {
    let mut named = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
        if let Some(file) = doc.pointer("/binary/file").and_then(|f| f.as_str()) {
            named.push(file.to_string());
        }
    }
    Some(named)
}

/// Why a baseline's kept executable cannot serve as the A/B base.
#[derive(Debug, Clone, PartialEq)]
pub enum Unusable {
    /// The baseline was saved without it (`--no-save-binary`, or before binaries were kept).
    NotKept,
    /// Its file is not in the baseline's directory.
    Missing(PathBuf),
    /// It was built for another platform.
    OtherPlatform(String),
    /// It speaks another A/B protocol version.
    OtherProtocol(u32),
    /// The file's content is not what was kept.
    Altered(PathBuf),
    /// The JSON names a file outside `bin/`.
    BadName(String),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::NotKept => f.write_str(
                "it was saved without its bench executable (--no-save-binary, or before \
                 executables were kept)",
            ),
            Unusable::Missing(path) => write!(
                f,
                "its bench executable {} is missing",
                Term(&path.display().to_string())
            ),
            Unusable::OtherPlatform(p) => write!(
                f,
                "its bench executable was built for {}, this is {}",
                Term(p),
                platform()
            ),
            Unusable::OtherProtocol(v) => write!(
                f,
                "its bench executable speaks A/B protocol {v}, this build {}",
                protocol::VERSION
            ),
            Unusable::Altered(path) => write!(
                f,
                "its bench executable {} does not match the digest the baseline recorded",
                Term(&path.display().to_string())
            ),
            Unusable::BadName(file) => write!(
                f,
                "it names its executable `{}`, not a file of its `{DIR}/` directory",
                Term(file)
            ),
        }
    }
}

/// The path of the executable kept with a baseline whose directory is `dir`, after checking
/// that it can serve as the A/B base here: recorded, on this platform and protocol, present,
/// and unchanged (its digest is computed again).
pub fn usable(dir: &Path, kept: Option<&KeptBinary>) -> Result<PathBuf, Unusable> {
    let kept = kept.ok_or(Unusable::NotKept)?;
    if kept.file != file_for(&kept.digest) || !kept.digest.starts_with("sha256:") {
        return Err(Unusable::BadName(kept.file.clone()));
    }
    if kept.platform != platform() {
        return Err(Unusable::OtherPlatform(kept.platform.clone()));
    }
    if kept.protocol != protocol::VERSION {
        return Err(Unusable::OtherProtocol(kept.protocol));
    }
    let path = dir.join(&kept.file);
    let bytes = std::fs::read(&path).map_err(|_| Unusable::Missing(path.clone()))?;
    if digest(&bytes) != kept.digest {
        return Err(Unusable::Altered(path));
    }
    restore_exec_bit(&path);
    Ok(path)
}

/// Some caches and copies drop the executable bit; put it back if we may (the file's content
/// was just checked). If we may not, starting it fails and says so.
fn restore_exec_bit(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o111 == 0
    {
        let mode = meta.permissions().mode() | 0o755;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
}

#[cfg(test)]
mod tests;
