//! Where qudag-bench keeps its files: `$QUDAG_BENCH_HOME`, by default
//! `<cargo target dir>/qudag-bench`. One rule, [`resolve_home`], for the bench harness and
//! every `qudag-bench` command, so that both land in the same directory.

use crate::error::Error;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable that overrides the home directory.
pub const HOME_ENV: &str = "QUDAG_BENCH_HOME";

/// What the default home is derived from when neither a flag nor [`HOME_ENV`] names one.
#[derive(Debug, Clone, Copy)]
pub enum Fallback<'a> {
    /// A bench executable (the harness): the cargo target directory holding it.
    Exe(&'a Path),
    /// The cargo workspace around the current directory, or of this `Cargo.toml` (the
    /// `qudag-bench` command, which is not inside a target directory once installed): its
    /// target directory as cargo itself reports it, honouring `CARGO_TARGET_DIR` and
    /// `build.target-dir`.
    Workspace(Option<&'a Path>),
    /// A cargo target directory the caller already knows (`qudag-bench run` reads the
    /// workspace anyway).
    TargetDir(&'a Path),
}

/// Why the home could not be found: a setting to give ([`Error::Setting`]).
#[derive(Debug, Clone)]
pub enum HomeError {
    /// No flag, no [`HOME_ENV`], and `cargo metadata` gave no target directory.
    NoWorkspace {
        /// The directory (or manifest) cargo was asked about.
        at: PathBuf,
        /// What went wrong with `cargo metadata`.
        reason: String,
    },
}

impl fmt::Display for HomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HomeError::NoWorkspace { at, reason } => write!(
                f,
                "cannot tell where qudag-bench's files are: no --home, {HOME_ENV} is not set, \
                 and the cargo target directory of {} is unknown ({reason}); pass --home DIR, \
                 set {HOME_ENV}, or run inside the cargo workspace whose benchmarks wrote them",
                at.display()
            ),
        }
    }
}

impl std::error::Error for HomeError {}

impl From<HomeError> for Error {
    fn from(e: HomeError) -> Self {
        Error::setting(e.to_string())
    }
}

/// The home directory: `flag` if given, else `$QUDAG_BENCH_HOME`, else
/// `<target dir of fallback>/qudag-bench`. Empty values count as not given.
pub fn resolve_home(flag: Option<&Path>, fallback: Fallback<'_>) -> Result<PathBuf, HomeError> {
    resolve_with(flag, std::env::var_os(HOME_ENV), fallback)
}

/// [`resolve_home`] with the environment variable's value passed in.
fn resolve_with(
    flag: Option<&Path>,
    env: Option<OsString>,
    fallback: Fallback<'_>,
) -> Result<PathBuf, HomeError> {
    if let Some(dir) = flag.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let target = match fallback {
        Fallback::Exe(exe) => target_dir_of(exe),
        Fallback::TargetDir(dir) => dir.to_path_buf(),
        Fallback::Workspace(manifest) => workspace_target_dir(manifest)?,
    };
    Ok(target.join("qudag-bench"))
}

/// The home of this bench executable (the harness's rule).
pub fn home() -> PathBuf {
    // Without its own path the executable can only guess; `.` keeps the old behaviour.
    let exe = std::env::current_exe().unwrap_or_default();
    match resolve_home(None, Fallback::Exe(&exe)) {
        Ok(home) => home,
        Err(_) => unreachable!("an executable's home needs no cargo metadata"),
    }
}

/// The cargo target directory holding `exe`: the nearest ancestor with cargo's
/// `CACHEDIR.TAG`, else three levels up (`target/<profile>/deps/<exe>`).
pub fn target_dir_of(exe: &Path) -> PathBuf {
    let tagged = exe
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file());
    match tagged {
        Some(dir) => dir.to_path_buf(),
        None => exe
            .ancestors()
            .nth(3)
            .unwrap_or(Path::new("."))
            .to_path_buf(),
    }
}

/// The `cargo` to run: `$CARGO` (set when run by cargo) or `cargo` on the PATH.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The target directory of the workspace around the current directory (or of `manifest`),
/// from `cargo metadata --no-deps` (about 80 ms): cargo applies its own precedence of
/// `CARGO_TARGET_DIR`, `build.target-dir` in every config file and the default, which a copy
/// of those rules here would get wrong as cargo adds to them.
pub fn workspace_target_dir(manifest: Option<&Path>) -> Result<PathBuf, HomeError> {
    let at = match manifest {
        Some(m) => m.to_path_buf(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    let fail = |reason: String| HomeError::NoWorkspace {
        at: at.clone(),
        reason,
    };
    let mut cmd = Command::new(cargo());
    cmd.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run {}: {e}", cargo().to_string_lossy())))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let first = first.trim().trim_start_matches("error: ");
        return Err(fail(format!("`cargo metadata` failed: {first}")));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| fail(format!("`cargo metadata` printed no JSON: {e}")))?;
    match meta["target_directory"].as_str() {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Err(fail("`cargo metadata` gave no target_directory".into())),
    }
}

/// `results/<bench-target>.json` under `home`.
pub fn results_file(home: &Path, bench_target: &str) -> PathBuf {
    home.join("results").join(format!("{bench_target}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_tagged_target_dir() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::create_dir_all(target.join("release/deps")).unwrap();
        std::fs::write(
            target.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        let exe = target.join("release/deps/crypto-0123");
        assert_eq!(target_dir_of(&exe), target);
        assert_eq!(target_dir_of(Path::new("/a/b/c/d/exe")), Path::new("/a/b"));
    }

    #[test]
    fn the_flag_beats_the_variable_which_beats_the_target_dir() {
        let exe = Path::new("/w/target/release/deps/crypto-0123");
        let fallback = Fallback::Exe(exe);
        let flag = Some(Path::new("/flag"));
        let env = || Some(OsString::from("/env"));
        assert_eq!(
            resolve_with(flag, env(), fallback).unwrap(),
            Path::new("/flag")
        );
        assert_eq!(
            resolve_with(None, env(), fallback).unwrap(),
            Path::new("/env")
        );
        let default = Path::new("/w/target/qudag-bench");
        assert_eq!(resolve_with(None, None, fallback).unwrap(), default);
        // Empty means unset, as for every QUDAG_BENCH_* variable.
        let empty = Some(Path::new(""));
        assert_eq!(
            resolve_with(empty, Some("".into()), fallback).unwrap(),
            default
        );
        let known = Fallback::TargetDir(Path::new("/t"));
        assert_eq!(
            resolve_with(None, None, known).unwrap(),
            Path::new("/t/qudag-bench")
        );
    }

    #[test]
    fn a_workspace_member_resolves_to_the_workspace_target_dir() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        std::fs::create_dir_all(ws.join("member/src")).unwrap();
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"member\"]\nresolver = \"3\"\n",
        )
        .unwrap();
        std::fs::write(
            ws.join("member/Cargo.toml"),
            "[package]\nname = \"member\"\nversion = \"0.0.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(ws.join("member/src/lib.rs"), "").unwrap();
        let manifest = ws.join("member/Cargo.toml");
        let home = resolve_with(None, None, Fallback::Workspace(Some(&manifest))).unwrap();
        // cargo may report the temp dir by its real path; a CARGO_TARGET_DIR set around the
        // test run wins, as it does for cargo.
        let mut expected = vec![
            ws.join("target/qudag-bench"),
            ws.canonicalize().unwrap().join("target/qudag-bench"),
        ];
        expected.extend(
            std::env::var_os("CARGO_TARGET_DIR").map(|t| Path::new(&t).join("qudag-bench")),
        );
        assert!(expected.contains(&home), "{}", home.display());
    }

    #[test]
    fn no_workspace_is_an_error_naming_what_was_tried() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        let e = resolve_with(None, None, Fallback::Workspace(Some(&manifest))).unwrap_err();
        let text = e.to_string();
        for needle in [
            "--home",
            HOME_ENV,
            "cargo metadata",
            &manifest.display().to_string(),
        ] {
            assert!(text.contains(needle), "{needle:?} not in {text}");
        }
    }
}
