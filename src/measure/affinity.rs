//! CPU affinity of the calling thread. The A/B workers of one round are pinned to the same
//! CPU: on the project's 2-vCPU guests the two vCPUs run at different speeds from moment to
//! moment, and two unpinned processes landing on different vCPUs gave round estimates off by
//! up to 16% on an A/A comparison (docs/gating.md).

use std::fmt;
use std::mem::{size_of, zeroed};

/// Why the affinity could not be read or set.
#[derive(Debug)]
pub enum AffinityError {
    /// A CPU number at or above `CPU_SETSIZE`.
    OutOfRange(usize),
    /// `sched_setaffinity` to these CPUs failed.
    Set(Vec<usize>, std::io::Error),
    /// `sched_getaffinity` failed.
    Get(std::io::Error),
}

impl fmt::Display for AffinityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AffinityError::OutOfRange(cpu) => write!(f, "CPU {cpu} is out of range"),
            AffinityError::Set(cpus, e) => write!(f, "sched_setaffinity({cpus:?}): {e}"),
            AffinityError::Get(e) => write!(f, "sched_getaffinity: {e}"),
        }
    }
}

impl std::error::Error for AffinityError {}

/// The CPUs the calling thread may run on (ascending).
pub fn allowed_cpus() -> Result<Vec<usize>, AffinityError> {
    let set = get()?;
    Ok((0..libc::CPU_SETSIZE as usize)
        // SAFETY: `set` is a valid cpu_set_t and the index is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect())
}

/// Restricts the calling thread to `cpus`.
pub fn set_allowed(cpus: &[usize]) -> Result<(), AffinityError> {
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut set: libc::cpu_set_t = unsafe { zeroed() };
    for &cpu in cpus {
        if cpu >= libc::CPU_SETSIZE as usize {
            return Err(AffinityError::OutOfRange(cpu));
        }
        // SAFETY: the index is below CPU_SETSIZE.
        unsafe { libc::CPU_SET(cpu, &mut set) };
    }
    // SAFETY: pid 0 is the calling thread; the set is valid for its size.
    let rc = unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) };
    if rc == 0 {
        Ok(())
    } else {
        Err(AffinityError::Set(
            cpus.to_vec(),
            std::io::Error::last_os_error(),
        ))
    }
}

fn get() -> Result<libc::cpu_set_t, AffinityError> {
    // SAFETY: an all-zero cpu_set_t is valid; the kernel fills it.
    let mut set: libc::cpu_set_t = unsafe { zeroed() };
    // SAFETY: pid 0 is the calling thread; the buffer is a whole cpu_set_t.
    let rc = unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) };
    if rc == 0 {
        Ok(set)
    } else {
        Err(AffinityError::Get(std::io::Error::last_os_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_a_thread_and_restoring_it() {
        // On a thread of its own, so the test runner's threads keep their mask.
        std::thread::spawn(|| {
            let all = allowed_cpus().unwrap();
            assert!(!all.is_empty());
            set_allowed(&all[..1]).unwrap();
            assert_eq!(allowed_cpus().unwrap(), all[..1].to_vec());
            set_allowed(&all).unwrap();
            assert_eq!(allowed_cpus().unwrap(), all);
            assert!(set_allowed(&[usize::MAX]).is_err());
        })
        .join()
        .unwrap();
    }
}
