//! `baseline:NAME` (or `baseline:NAME/TARGET`) where `qudag-bench ab` takes a bench binary:
//! the executable kept with saved baseline NAME of bench target TARGET. Without TARGET, the
//! target is the other side's (`crypto` for `target/release/deps/crypto-0123abcd`), or the
//! baseline's only one.

use crate::home::Home;
use qudag_bench::error::Error;
use qudag_bench::escape::Term;
use qudag_bench::store::{baseline, kept_binary};
use std::path::{Path, PathBuf};

/// What names a kept executable.
pub const PREFIX: &str = "baseline:";

/// A baseline's kept executable, ready to run as a worker the way cargo ran it.
pub struct KeptArm {
    /// The executable.
    pub exe: PathBuf,
    /// The `CARGO*` variables cargo gave it.
    pub env: Vec<(String, String)>,
    /// Its package directory, if it still exists here.
    pub dir: Option<PathBuf>,
}

/// `(NAME, TARGET)` when `spec` is `baseline:NAME[/TARGET]`.
pub fn parse(spec: &Path) -> Option<(&str, Option<&str>)> {
    let rest = spec.to_str()?.strip_prefix(PREFIX)?;
    Some(match rest.split_once('/') {
        Some((name, target)) => (name, Some(target)),
        None => (rest, None),
    })
}

/// The bench target a cargo-built executable's file name belongs to: the name before cargo's
/// `-` and 16 hex digits.
fn target_of_file(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let (target, hash) = name.rsplit_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(target)
}

/// The kept executable `flag` (`--base` or `--head`) names, `baseline:NAME[/TARGET]`; `other`
/// is the other side's binary when it is one. Errors name the flag and say what to give.
pub fn resolve(
    home: &Home,
    flag: &str,
    (name, target): (&str, Option<&str>),
    other: Option<&Path>,
) -> Result<KeptArm, Error> {
    let context = format!("{flag} {PREFIX}{name}");
    baseline::validate_name(name).map_err(|e| e.context(&context))?;
    let home = home.dir().map_err(|e| e.context(&context))?;
    let dir = baseline::dir(home, name);
    let target = match target.or_else(|| other.and_then(target_of_file)) {
        Some(t) => t.to_string(),
        None => only_target(&dir).map_err(|e| e.context(&context))?,
    };
    let report = baseline::load(home, name, &target).map_err(|e| match e {
        // Its own text says which file; the flag goes in front.
        Error::MissingBaseline { .. } => Error::setting(format!("{context}: {e}")),
        e => e.context(&context),
    })?;
    let exe = kept_binary::usable(&dir, report.binary.as_ref()).map_err(|why| {
        Error::setting(format!(
            "{context}: baseline `{}` of {} cannot serve as a build: {why}",
            Term(name),
            Term(&target)
        ))
    })?;
    let kept = report.binary.expect("usable() checked it is recorded");
    let package = PathBuf::from(&kept.package_dir);
    Ok(KeptArm {
        exe,
        env: kept.cargo_env.into_iter().collect(),
        dir: package.is_dir().then_some(package),
    })
}

/// The bench target of a baseline that holds one only.
fn only_target(dir: &Path) -> Result<String, Error> {
    let mut targets: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::setting(format!("no baseline at {}: {e}", dir.display())))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    targets.sort();
    match targets.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(Error::setting(format!(
            "the baseline holds bench targets {}: name one, as in baseline:NAME/TARGET",
            if targets.is_empty() {
                "none".to_string()
            } else {
                targets.join(", ")
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_file_names() {
        assert_eq!(parse(Path::new("baseline:main")), Some(("main", None)));
        assert_eq!(
            parse(Path::new("baseline:main/crypto")),
            Some(("main", Some("crypto")))
        );
        assert_eq!(parse(Path::new("target/crypto")), None);
        let deps = Path::new("target/release/deps/crypto-d3a70744a4172e8c");
        assert_eq!(target_of_file(deps), Some("crypto"));
        assert_eq!(
            target_of_file(Path::new("x/my-bench-0123456789abcdef")),
            Some("my-bench")
        );
        assert_eq!(target_of_file(Path::new("x/crypto")), None);
        assert_eq!(target_of_file(Path::new("x/crypto-copy")), None);
    }
}
