//! The environment fingerprint of a run: host, OS, CPU, memory, toolchain, build, git.

use super::procfs::{self, Missing};
use crate::schema::Calibration;
use crate::schema::CounterAvailability;
use crate::schema::Stability;
use crate::schema::{Environment, Git, Profile};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::process::Command;

/// Collects the environment. `package_dir` is the bench target's package (for git).
pub fn collect(
    package_dir: &Path,
    debug_assertions: bool,
    timer: Calibration,
    counters: CounterAvailability,
    stability: Stability,
) -> Environment {
    let mut unavailable = BTreeMap::new();
    let host = Host::read(&mut unavailable);
    let rustc = option_env!("QUDAG_BENCH_RUSTC_VERSION").map(str::to_string);
    if rustc.is_none() {
        unavailable.insert(
            "rustc".into(),
            "`rustc -V` failed when qudag-bench was built".into(),
        );
    }
    let git = known(&mut unavailable, "git", git_state(package_dir));
    Environment {
        qudag_bench_version: env!("CARGO_PKG_VERSION").to_string(),
        host: host.name,
        os: Some(host.os),
        kernel: host.kernel,
        cpu_model: host.cpu_model,
        cores_logical: host.cores_logical,
        cores_physical: host.cores_physical,
        memory_bytes: host.memory_bytes,
        rustc,
        profile: Profile {
            name: env!("QUDAG_BENCH_PROFILE").to_string(),
            opt_level: env!("QUDAG_BENCH_OPT_LEVEL").to_string(),
            debug_assertions,
        },
        git,
        timer,
        counters,
        stability,
        unavailable,
    }
}

/// `value`, or `None` with its reason's text recorded under `field`.
fn known<T, E: fmt::Display>(
    unavailable: &mut BTreeMap<String, String>,
    field: &str,
    value: Result<T, E>,
) -> Option<T> {
    value
        .map_err(|reason| unavailable.insert(field.to_string(), reason.to_string()))
        .ok()
}

/// `entry` of `path`, which the parser did not find there.
fn no(path: &'static str, entry: &'static str) -> Missing {
    Missing::NoEntry { path, entry }
}

/// What the kernel says about the machine.
struct Host {
    name: Option<String>,
    os: String,
    kernel: Option<String>,
    cpu_model: Option<String>,
    cores_logical: Option<u64>,
    cores_physical: Option<u64>,
    memory_bytes: Option<u64>,
}

impl Host {
    /// Reads the host's facts; each one that cannot be read is recorded in `unavailable`.
    fn read(unavailable: &mut BTreeMap<String, String>) -> Host {
        let uname = procfs::uname();
        let cpuinfo = procfs::read("/proc/cpuinfo").map(|text| procfs::cpuinfo(&text));
        let (model, physical) = match cpuinfo {
            Ok((model, physical)) => (
                model.ok_or(no("/proc/cpuinfo", "`model name`")),
                physical.ok_or(no("/proc/cpuinfo", "processors")),
            ),
            Err(reason) => (Err(reason.clone()), Err(reason)),
        };
        let logical = procfs::read("/proc/stat")
            .and_then(|text| procfs::logical_cpus(&text).ok_or(no("/proc/stat", "`cpuN` lines")));
        let memory = procfs::read("/proc/meminfo").and_then(|text| {
            procfs::kib_field(&text, "MemTotal:").ok_or(no("/proc/meminfo", "`MemTotal`"))
        });
        let os_release = procfs::read("/etc/os-release").ok();
        Host {
            name: known(unavailable, "host", uname.clone().map(|(host, _)| host)),
            os: procfs::os_name(os_release.as_deref()),
            kernel: known(unavailable, "kernel", uname.map(|(_, release)| release)),
            cpu_model: known(unavailable, "cpu_model", model),
            cores_logical: known(unavailable, "cores_logical", logical),
            cores_physical: known(unavailable, "cores_physical", physical),
            memory_bytes: known(unavailable, "memory_bytes", memory),
        }
    }
}

/// Why the git state is absent from the environment.
#[derive(Debug)]
enum GitUnknown {
    /// `git` could not be started.
    NotRun(std::io::Error),
    /// `git ARGS` failed; the first line it printed.
    Failed { args: String, first_line: String },
}

impl fmt::Display for GitUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitUnknown::NotRun(e) => write!(f, "cannot run git: {e}"),
            GitUnknown::Failed { args, first_line } => write!(f, "git {args}: {first_line}"),
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String, GitUnknown> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(GitUnknown::NotRun)?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(GitUnknown::Failed {
            args: args.join(" "),
            first_line: err.lines().next().unwrap_or("").trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn git_state(dir: &Path) -> Result<Git, GitUnknown> {
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    let branch = git(dir, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    let status = git(dir, &["status", "--porcelain", "--untracked-files=no"])?;
    Ok(Git {
        commit,
        branch: (branch != "HEAD").then_some(branch),
        dirty: !status.is_empty(),
    })
}
