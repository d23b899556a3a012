//! `memory_limit` as a memory cgroup of the child's own: cgroup v1's memory controller, where
//! the harness may create a cgroup under its own (root, or a delegated tree). A cgroup limits
//! the memory the child uses (resident pages, page cache, swap), and its out-of-memory killer
//! says when the limit ended the child; `RLIMIT_AS`, the fallback, limits address space, so a
//! benchmark that reserves more than it touches (a big `Vec::with_capacity`, thread stacks, a
//! mapped file) fails under it without using the memory.
//!
//! cgroup v2 is not used: enabling its memory controller for a child cgroup needs the harness's
//! own cgroup to hold no process (the no-internal-process rule), so the harness would first have
//! to move itself into a leaf; and this project's machines mount the memory controller on v1,
//! so that path could not be tested. On a v2-only host the limit is `RLIMIT_AS`, said once.

use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Prefix of the cgroups the harness creates (then its pid and a sequence number).
const PREFIX: &str = "qudag-bench-";

/// A memory cgroup made for one child; removed when dropped (after the child has ended).
#[derive(Debug)]
pub struct MemoryCgroup {
    dir: PathBuf,
    /// `<dir>/cgroup.procs`, ready for the forked child (no allocation after `fork`).
    procs: CString,
}

impl MemoryCgroup {
    /// A new cgroup under the harness's own memory cgroup, limited to `bytes` (swap included
    /// where the kernel accounts it); why not, when the host has no writable v1 memory
    /// hierarchy.
    pub fn create(bytes: u64) -> Result<MemoryCgroup, String> {
        let parent = own_memory_cgroup()?;
        remove_stale(&parent);
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{PREFIX}{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = parent.join(name);
        std::fs::create_dir(&dir)
            .map_err(|e| format!("cannot create a memory cgroup in {}: {e}", parent.display()))?;
        let procs = CString::new(dir.join("cgroup.procs").as_os_str().as_bytes())
            .map_err(|_| format!("{} has a NUL byte", dir.display()))?;
        let cgroup = MemoryCgroup { dir, procs };
        cgroup.limit(bytes)?;
        Ok(cgroup)
    }

    /// Writes the limit: memory first, then memory plus swap, which may not be below it.
    fn limit(&self, bytes: u64) -> Result<(), String> {
        write_value(&self.dir.join("memory.limit_in_bytes"), bytes)?;
        let memsw = self.dir.join("memory.memsw.limit_in_bytes");
        if memsw.exists() {
            write_value(&memsw, bytes)?;
        }
        Ok(())
    }

    /// The path the child writes itself into, for [`join`].
    pub fn procs(&self) -> CString {
        self.procs.clone()
    }

    /// Whether the cgroup's out-of-memory killer killed a process in it (`oom_kill` in
    /// `memory.oom_control`, Linux 4.13 and later; `under_oom` before).
    pub fn oom_killed(&self) -> bool {
        let Ok(text) = std::fs::read_to_string(self.dir.join("memory.oom_control")) else {
            return false;
        };
        text.lines().any(|line| {
            let mut words = line.split_whitespace();
            matches!(
                (
                    words.next(),
                    words.next().and_then(|n| n.parse::<u64>().ok())
                ),
                (Some("oom_kill" | "under_oom"), Some(1..))
            )
        })
    }
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Moves the calling process into the cgroup whose `cgroup.procs` is `procs` (`0` is the
/// writer itself). Runs in the forked child before `exec`: system calls only.
pub fn join(procs: &std::ffi::CStr) -> std::io::Result<()> {
    // SAFETY: `procs` is a valid C string; the descriptor is ours and closed below.
    let fd = unsafe { libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: writes one byte from a static buffer to the descriptor opened above.
    let written = unsafe { libc::write(fd, b"0".as_ptr().cast(), 1) };
    let error = std::io::Error::last_os_error();
    // SAFETY: closes the descriptor opened above, once.
    unsafe { libc::close(fd) };
    match written {
        1 => Ok(()),
        _ => Err(error),
    }
}

/// The directory of the harness's own cgroup in the v1 memory hierarchy.
fn own_memory_cgroup() -> Result<PathBuf, String> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup")
        .map_err(|e| format!("cannot read /proc/self/cgroup: {e}"))?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")
        .map_err(|e| format!("cannot read /proc/self/mountinfo: {e}"))?;
    let path = memory_path(&cgroups).ok_or(
        "this host has no cgroup v1 memory hierarchy (cgroup v2's is not used: see the \
         docs), so memory_limit is RLIMIT_AS",
    )?;
    let mount = memory_mount(&mountinfo)
        .ok_or("the cgroup v1 memory hierarchy is not mounted in this mount namespace")?;
    Ok(mount.join(path.trim_start_matches('/')))
}

/// The harness's path in the v1 memory hierarchy, from `/proc/self/cgroup`
/// (`4:memory:/some/path`; the controller list may name several).
pub fn memory_path(cgroups: &str) -> Option<&str> {
    cgroups.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        controllers
            .split(',')
            .any(|c| c == "memory")
            .then_some(path)
    })
}

/// Where the v1 memory hierarchy is mounted, from `/proc/self/mountinfo`: the mount point
/// (field 5) of a `cgroup` file system whose super options include `memory`.
pub fn memory_mount(mountinfo: &str) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        let (mount, fs) = line.split_once(" - ")?;
        let mut fs = fs.split_whitespace();
        let (kind, _source, options) = (fs.next()?, fs.next()?, fs.next()?);
        let point = mount.split_whitespace().nth(4)?;
        (kind == "cgroup" && options.split(',').any(|o| o == "memory")).then(|| unescape(point))
    })
}

/// A mountinfo path with its octal escapes (`\040` for a space) decoded.
fn unescape(field: &str) -> PathBuf {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(std::ffi::OsStr::from_bytes(&out))
}

/// Removes cgroups an earlier harness left behind when it was killed: ours by name, with a
/// process id that is gone. A cgroup still in use cannot be removed (the kernel refuses).
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = (name.to_str())
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

fn write_value(path: &Path, value: u64) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut f| f.write_all(value.to_string().as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_hierarchy_is_found_in_proc_files() {
        let cgroups = "9:name=systemd:/\n4:cpu,memory:/process_api/abc\n0::/\n";
        assert_eq!(memory_path(cgroups), Some("/process_api/abc"));
        assert_eq!(memory_path("0::/user.slice\n"), None, "v2 only");
        let mountinfo = "30 25 0:26 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n\
                         33 25 0:29 / /sys/fs/cgroup/mem\\040ory rw,relatime - cgroup cgroup rw,memory\n";
        assert_eq!(
            memory_mount(mountinfo),
            Some(PathBuf::from("/sys/fs/cgroup/mem ory"))
        );
        let v2 = "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
        assert_eq!(memory_mount(v2), None);
    }

    /// On this host (root, a writable v1 memory hierarchy) the cgroup is made with its limit
    /// and removed when dropped; elsewhere the reason names what is missing.
    #[test]
    fn a_cgroup_is_created_limited_and_removed_or_the_reason_given() {
        match MemoryCgroup::create(64 << 20) {
            Ok(cgroup) => {
                let dir = cgroup.dir.clone();
                let limit = std::fs::read_to_string(dir.join("memory.limit_in_bytes")).unwrap();
                assert_eq!(limit.trim(), (64u64 << 20).to_string());
                assert!(!cgroup.oom_killed());
                drop(cgroup);
                assert!(!dir.exists());
            }
            Err(why) => {
                eprintln!("no memory cgroup here: {why}");
                assert!(why.contains("cgroup") || why.contains("/proc"), "{why}");
            }
        }
    }
}
