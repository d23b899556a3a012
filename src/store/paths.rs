//! Where qudag-bench keeps its files: `$QUDAG_BENCH_HOME`, by default
//! `<cargo target dir>/qudag-bench`.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the home directory.
pub const HOME_ENV: &str = "QUDAG_BENCH_HOME";

/// The home directory for this process.
pub fn home() -> PathBuf {
    if let Some(dir) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    target_dir_of(&exe).join("qudag-bench")
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
}
