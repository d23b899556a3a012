//! The environment fingerprint of a run: host, OS, CPU, memory, toolchain, build, git.

use crate::schema::Calibration;
use crate::schema::CounterAvailability;
use crate::schema::Stability;
use crate::schema::{Environment, Git, Profile};
use std::collections::BTreeMap;
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
    let mut note = |field: &str, value: Result<String, String>| match value {
        Ok(v) => Some(v),
        Err(reason) => {
            unavailable.insert(field.to_string(), reason);
            None
        }
    };
    let sys_err = |e: sysinfo::Error| e.to_string();
    let host = note("host", sysinfo::System::host_name().map_err(sys_err));
    let os = note("os", sysinfo::System::long_os_version().map_err(sys_err));
    let kernel = note("kernel", sysinfo::System::kernel_version().map_err(sys_err));
    let cores_physical = note(
        "cores_physical",
        sysinfo::System::physical_core_count()
            .map(|n| n.to_string())
            .map_err(sys_err),
    )
    .and_then(|s| s.parse().ok());
    let (cpu_model, cores_logical, memory_bytes) = match cpu_and_memory() {
        Ok(v) => v,
        Err(reason) => {
            for field in ["cpu_model", "cores_logical", "memory_bytes"] {
                unavailable.insert(field.to_string(), reason.clone());
            }
            (None, None, None)
        }
    };
    let rustc = option_env!("QUDAG_BENCH_RUSTC_VERSION").map(str::to_string);
    if rustc.is_none() {
        unavailable.insert(
            "rustc".into(),
            "`rustc -V` failed when qudag-bench was built".into(),
        );
    }
    let git = match git_state(package_dir) {
        Ok(g) => Some(g),
        Err(reason) => {
            unavailable.insert("git".into(), reason);
            None
        }
    };
    Environment {
        qudag_bench_version: env!("CARGO_PKG_VERSION").to_string(),
        host,
        os,
        kernel,
        cpu_model,
        cores_logical,
        cores_physical,
        memory_bytes,
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

type CpuMemory = (Option<String>, Option<u64>, Option<u64>);

fn cpu_and_memory() -> Result<CpuMemory, String> {
    use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};
    let kind = RefreshKind::nothing()
        .with_cpu(CpuRefreshKind::nothing())
        .with_memory(MemoryRefreshKind::nothing().with_ram());
    let sys = System::new_with_specifics(kind).map_err(|e| e.to_string())?;
    let cpus = sys.cpus();
    let model = cpus
        .first()
        .map(|c| c.brand().trim().to_string())
        .filter(|s| !s.is_empty());
    let logical = (!cpus.is_empty()).then_some(cpus.len() as u64);
    let memory = Some(sys.total_memory()).filter(|&m| m > 0);
    Ok((model, logical, memory))
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(format!("git {}: {first}", args.join(" ")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn git_state(dir: &Path) -> Result<Git, String> {
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    let branch = git(dir, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    let status = git(dir, &["status", "--porcelain", "--untracked-files=no"])?;
    Ok(Git {
        commit,
        branch: (branch != "HEAD").then_some(branch),
        dirty: !status.is_empty(),
    })
}
