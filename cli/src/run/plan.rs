//! What `qudag-bench run` runs: the workspace from `cargo metadata`, the selection checked
//! against it, the bench executables from `cargo bench|test --no-run --message-format=json`,
//! and the order in which they run.

use qudag_bench::error::Error;
use qudag_bench::exit::ExitStatus;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A bench target's package, as `cargo metadata` describes it.
#[derive(Debug, Clone)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// Its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// Its bench targets: name and source file.
    pub benches: Vec<(String, PathBuf)>,
}

/// The workspace.
#[derive(Debug)]
pub struct Workspace {
    /// Its member packages, in `cargo metadata` order.
    pub packages: Vec<Package>,
    /// cargo's target directory.
    pub target_dir: PathBuf,
}

/// One bench executable to run.
#[derive(Debug, Clone)]
pub struct Target {
    /// The bench target's name (`--bench NAME`).
    pub name: String,
    /// Its package.
    pub package: Package,
    /// Its source file.
    pub src_path: PathBuf,
    /// The built executable.
    pub executable: PathBuf,
}

impl Target {
    /// The name its reports and the history use (`CARGO_CRATE_NAME`: `-` as `_`).
    pub fn crate_name(&self) -> String {
        self.name.replace('-', "_")
    }

    /// The package's directory, where cargo runs the executable.
    pub fn package_dir(&self) -> &Path {
        self.package
            .manifest_path
            .parent()
            .unwrap_or(Path::new("."))
    }
}

pub use qudag_bench::store::paths::cargo;

/// Reads the workspace with `cargo metadata --no-deps`.
pub fn workspace(manifest_path: Option<&Path>) -> Result<Workspace, Error> {
    let mut cmd = Command::new(cargo());
    cmd.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(p) = manifest_path {
        cmd.arg("--manifest-path").arg(p);
    }
    let out = cmd.stderr(Stdio::inherit()).output().map_err(cannot_run)?;
    if !out.status.success() {
        return Err(tool(
            "`cargo metadata` failed (see above): is this a cargo package?".into(),
        ));
    }
    let meta: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        tool(format!(
            "`cargo metadata` printed something else than JSON: {e}"
        ))
    })?;
    let str_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let packages = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Package {
            name: str_of(&p["name"]),
            version: str_of(&p["version"]),
            manifest_path: PathBuf::from(str_of(&p["manifest_path"])),
            benches: p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.contains(&"bench".into()))
                })
                .map(|t| (str_of(&t["name"]), PathBuf::from(str_of(&t["src_path"]))))
                .collect(),
        })
        .collect();
    Ok(Workspace {
        packages,
        target_dir: PathBuf::from(str_of(&meta["target_directory"])),
    })
}

/// Checks `--package` and `--bench` against the workspace; the error names the flag and value.
pub fn check_selection(
    ws: &Workspace,
    packages: &[String],
    benches: &[String],
) -> Result<(), Error> {
    let names = |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(", ");
    for p in packages {
        if !ws.packages.iter().any(|k| &k.name == p) {
            return Err(Error::setting(format!(
                "--package {p}: no such package in the workspace (packages: {})",
                names(&mut ws.packages.iter().map(|k| k.name.as_str()))
            )));
        }
    }
    let scope: Vec<&Package> = ws
        .packages
        .iter()
        .filter(|k| packages.is_empty() || packages.contains(&k.name))
        .collect();
    for b in benches {
        if !scope.iter().any(|k| k.benches.iter().any(|(n, _)| n == b)) {
            let known = names(
                &mut scope
                    .iter()
                    .flat_map(|k| k.benches.iter().map(|(n, _)| n.as_str())),
            );
            return Err(Error::setting(format!(
                "--bench {b}: no bench target named `{b}` (bench targets: {})",
                if known.is_empty() { "none" } else { &known }
            )));
        }
    }
    Ok(())
}

/// Cargo that cannot be used.
fn tool(message: String) -> Error {
    Error::Tool { message }
}

/// Cargo that cannot be started.
fn cannot_run(e: std::io::Error) -> Error {
    tool(format!("cannot run {}: {e}", cargo().to_string_lossy()))
}

/// How the targets are built.
pub struct Build<'a> {
    /// `cargo test --no-run` (test profile) instead of `cargo bench --no-run`.
    pub test: bool,
    /// `--package` values.
    pub packages: &'a [String],
    /// `--bench` values (none: `--benches`).
    pub benches: &'a [String],
    /// `--manifest-path`.
    pub manifest_path: Option<&'a Path>,
    /// `--profile`.
    pub profile: Option<&'a str>,
}

/// The cargo command line that builds the targets without running them.
pub fn build_command(b: &Build) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.arg(if b.test { "test" } else { "bench" });
    cmd.args(["--no-run", "--message-format=json-render-diagnostics"]);
    if let Some(p) = b.manifest_path {
        cmd.arg("--manifest-path").arg(p);
    }
    if let Some(p) = b.profile {
        cmd.args(["--profile", p]);
    }
    for p in b.packages {
        cmd.args(["--package", p]);
    }
    if b.benches.is_empty() {
        cmd.arg("--benches");
    }
    for t in b.benches {
        cmd.args(["--bench", t]);
    }
    cmd
}

/// Builds; returns the bench targets (sorted by package, then name, as cargo runs them), or
/// cargo's exit code when the build failed. Diagnostics go to stderr as cargo renders them.
pub fn build(b: &Build, ws: &Workspace) -> Result<Result<Vec<Target>, i32>, Error> {
    let out = build_command(b)
        .stderr(Stdio::inherit())
        .output()
        .map_err(cannot_run)?;
    if !out.status.success() {
        return Ok(Err(out
            .status
            .code()
            .unwrap_or(ExitStatus::BenchFailed.code())));
    }
    let mut targets: Vec<(usize, Target)> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let is_bench = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.contains(&"bench".into()));
        let (Some(exe), true) = (msg["executable"].as_str(), is_bench) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let manifest = PathBuf::from(msg["manifest_path"].as_str().unwrap_or_default());
        let Some((index, package)) = ws
            .packages
            .iter()
            .enumerate()
            .find(|(_, p)| p.manifest_path == manifest)
        else {
            continue;
        };
        let name = msg["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if targets.iter().any(|(_, t)| t.executable == Path::new(exe)) {
            continue;
        }
        targets.push((
            index,
            Target {
                src_path: PathBuf::from(msg["target"]["src_path"].as_str().unwrap_or_default()),
                name,
                package: package.clone(),
                executable: PathBuf::from(exe),
            },
        ));
    }
    targets.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    Ok(Ok(targets.into_iter().map(|(_, t)| t).collect()))
}

/// Refuses two selected bench targets with one report name in different packages: they would
/// share `results/<target>.json`, their baselines and their history.
pub fn check_distinct(targets: &[Target]) -> Result<(), Error> {
    for (i, a) in targets.iter().enumerate() {
        if let Some(b) = targets[i + 1..]
            .iter()
            .find(|b| b.crate_name() == a.crate_name())
        {
            return Err(Error::setting(format!(
                "bench target `{}` of package `{}` and `{}` of package `{}` would share the \
                 reports, baselines and history of `{}`; select one with --package",
                a.name,
                a.package.name,
                b.name,
                b.package.name,
                a.crate_name()
            )));
        }
    }
    Ok(())
}

/// Longest first by `durations` (seconds of each target's latest recorded run, by crate name);
/// targets with no recorded run go first, in their given order, since they may be the longest.
pub fn longest_first(targets: &mut [Target], durations: &BTreeMap<String, f64>) {
    // A stable sort: ties (and all the unknowns) keep their order.
    targets.sort_by(|a, b| {
        let key = |t: &Target| {
            durations
                .get(&t.crate_name())
                .copied()
                .unwrap_or(f64::INFINITY)
        };
        key(b).total_cmp(&key(a))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str) -> Target {
        Target {
            name: name.into(),
            package: Package {
                name: "p".into(),
                version: "0".into(),
                manifest_path: "/p/Cargo.toml".into(),
                benches: Vec::new(),
            },
            src_path: PathBuf::new(),
            executable: PathBuf::new(),
        }
    }

    #[test]
    fn same_report_name_in_two_packages_is_refused() {
        let mut other = target("crypto");
        other.package.name = "q".into();
        let e = check_distinct(&[target("crypto"), target("dag"), other])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("package `p`") && e.contains("package `q`"),
            "{e}"
        );
        let mut dashed = target("my-bench");
        dashed.package.name = "q".into();
        assert!(check_distinct(&[target("my_bench"), dashed]).is_err());
        assert!(check_distinct(&[target("crypto"), target("dag")]).is_ok());
    }

    #[test]
    fn unknown_targets_first_then_longest_first() {
        let mut ts: Vec<Target> = ["a", "b-x", "c", "d"].into_iter().map(target).collect();
        let durations = BTreeMap::from([("a".into(), 1.0), ("b_x".into(), 5.0), ("d".into(), 3.0)]);
        longest_first(&mut ts, &durations);
        let names: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["c", "b-x", "d", "a"]);
    }

    #[test]
    fn the_selection_is_checked_naming_the_flag() {
        let mut p = target("x").package;
        p.benches = vec![("work".into(), PathBuf::new())];
        let ws = Workspace {
            packages: vec![p],
            target_dir: PathBuf::new(),
        };
        assert!(check_selection(&ws, &["p".into()], &["work".into()]).is_ok());
        let e = check_selection(&ws, &[], &["nope".into()])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--bench nope:") && e.contains("work"), "{e}");
        let e = check_selection(&ws, &["q".into()], &[])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--package q:") && e.contains("p"), "{e}");
    }
}
