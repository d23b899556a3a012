//! A benchmark's resource limits, set as rlimits in its child between `fork` and `exec`.

use crate::registry::ResourceLimits;

/// Sets `limits` on the calling process. Runs in the forked child before `exec`, so it only
/// makes system calls (no allocation, no locks).
pub fn apply(limits: &ResourceLimits) -> std::io::Result<()> {
    let set = |resource, value: Option<u64>| match value {
        None => Ok(()),
        Some(v) => set_rlimit(resource, v),
    };
    set(libc::RLIMIT_AS, limits.memory_bytes)?;
    set(libc::RLIMIT_CPU, limits.cpu_time_s)?;
    set(libc::RLIMIT_NOFILE, limits.open_files)
}

/// Lowers both the soft and hard limit of `resource` to `value` (never raises the hard one).
fn set_rlimit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(resource, &mut current) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let value = value.min(current.rlim_max);
    let new = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit reads the struct we own.
    if unsafe { libc::setrlimit(resource, &new) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
