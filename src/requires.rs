//! Ready-made requirement checks for the attribute's `requires = [..]`: each returns
//! `Err(reason)` when this host lacks what a benchmark needs, and the benchmark is then
//! `skipped` with that reason (see [`Bencher::skip`](crate::Bencher::skip)). Write your own as
//! any `fn() -> Result<(), String>`; the parameterised checks here ([`command`],
//! [`available_memory`]) are for calling from one:
//!
//! ```no_run
//! use qudag_bench::{Bencher, qudag_bench, requires};
//!
//! fn four_gib() -> Result<(), String> {
//!     requires::available_memory(4 << 30)
//! }
//!
//! #[qudag_bench(requires = [requires::ipv6, four_gib])]
//! fn big_mesh(b: &mut Bencher) {
//!     b.iter(|| ());
//! }
//! # qudag_bench::main!();
//! ```

use std::process::{Command, Stdio};

/// The host has IPv6 loopback: a UDP socket binds to `[::1]:0`.
pub fn ipv6() -> Result<(), String> {
    std::net::UdpSocket::bind("[::1]:0")
        .map(drop)
        .map_err(|e| format!("this host has no IPv6 loopback ([::1] cannot be bound: {e})"))
}

/// `valgrind` runs here (`valgrind --version`).
pub fn valgrind() -> Result<(), String> {
    command("valgrind")
}

/// `program --version` runs and exits 0: the program is installed and on `PATH`.
pub fn command(program: &str) -> Result<(), String> {
    let status = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{program} --version` failed ({s})")),
        Err(e) => Err(format!("`{program}` cannot be run here: {e}")),
    }
}

/// At least `bytes` of memory are available (`MemAvailable` in `/proc/meminfo`).
pub fn available_memory(bytes: u64) -> Result<(), String> {
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .map_err(|e| format!("cannot read /proc/meminfo to check the memory available: {e}"))?;
    let available = mem_available(&meminfo)
        .ok_or("/proc/meminfo has no MemAvailable line to check the memory available")?;
    match available >= bytes {
        true => Ok(()),
        false => Err(format!(
            "needs {} MiB of available memory, this host has {} MiB",
            bytes >> 20,
            available >> 20
        )),
    }
}

/// `MemAvailable` in bytes, from `/proc/meminfo` text (`MemAvailable:  123456 kB`).
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_read_in_kib() {
        let text = "MemTotal:       24683520 kB\nMemAvailable:   23500000 kB\n";
        assert_eq!(mem_available(text), Some(23_500_000 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert!(available_memory(1).is_ok(), "a running host has a byte");
        let e = available_memory(u64::MAX).unwrap_err();
        assert!(
            e.starts_with("needs ") && e.contains("MiB of available memory"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_command_names_itself() {
        let e = command("qudag-bench-no-such-program").unwrap_err();
        assert!(
            e.contains("`qudag-bench-no-such-program` cannot be run here"),
            "{e}"
        );
        assert_eq!(command("true"), Ok(()));
        let dir = tempfile::tempdir().unwrap();
        let failing = dir.path().join("fails");
        std::fs::write(&failing, "#!/bin/sh\nexit 3\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = command(failing.to_str().unwrap()).unwrap_err();
        assert!(e.contains("--version` failed (exit status: 3)"), "{e}");
    }
}
