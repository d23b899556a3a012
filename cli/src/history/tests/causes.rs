//! Errors name the real cause: permissions, a read-only file system, a full disk. Each case
//! runs in a child process (this test binary) that cannot write: as an unprivileged user, or
//! in a mount namespace with a small, full or read-only tmpfs.

use super::super::*;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::Command;

const HISTORY_ENV: &str = "QUDAG_BENCH_TEST_HISTORY";
const ACCESS_ENV: &str = "QUDAG_BENCH_TEST_ACCESS";

/// The child's side: opens the history named by the environment for writing (`open`) or
/// reading (`list`) and prints the outcome on one line.
#[test]
#[ignore = "run by the other tests of this module in a child process"]
fn child() {
    let Ok(path) = std::env::var(HISTORY_ENV) else {
        return;
    };
    let path = Path::new(&path);
    let outcome = match std::env::var(ACCESS_ENV).as_deref() {
        Ok("read") => list(path, &Filter::default()).map(drop),
        _ => open(path).map(drop),
    }
    .map_err(|e| e.to_string());
    println!("outcome: {outcome:?}");
}

/// This test binary running [`child`] on `path` with `access`.
fn child_command(path: &Path, access: &str) -> Command {
    child_command_of(&std::env::current_exe().unwrap(), path, access)
}

/// `exe`, a copy of this test binary, running [`child`] on `path` with `access`.
fn child_command_of(exe: &Path, path: &Path, access: &str) -> Command {
    let name = format!("{}::child", module_path!().split_once("::").unwrap().1);
    let mut cmd = Command::new(exe);
    cmd.args([
        &name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(HISTORY_ENV, path)
    .env(ACCESS_ENV, access);
    cmd
}

/// Runs `cmd` and returns the child's outcome line.
fn outcome(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.split_once("outcome: ").map(|(_, o)| o))
        .unwrap_or_else(|| {
            panic!(
                "no outcome from the child:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .to_string()
}

/// Runs as a user who may not write what this process created: `nobody` when this process is
/// root (whom permissions do not stop), else this user (the modes then stop us).
fn unprivileged(mut cmd: Command) -> Command {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    cmd
}

/// A copy of this test binary in `dir`, which the unprivileged user can reach: the build's
/// own directory may not be (a checkout in a `mktemp -d` directory is mode 0700).
fn reachable_exe(dir: &Path) -> PathBuf {
    let exe = dir.join("child-exe");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    chmod(&exe, 0o755);
    exe
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_directory_or_file_without_write_permission_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    // No history yet, in a directory we may not write.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    open(&locked.join("history.sqlite")).unwrap();
    let missing = locked.join("new/history.sqlite");
    let existing = locked.join("history.sqlite");
    record(&existing, &super::report()).unwrap();
    chmod(&locked, 0o555);
    // A history we may not write, in a directory we may write.
    let open_dir = dir.path().join("open");
    std::fs::create_dir(&open_dir).unwrap();
    chmod(&open_dir, 0o777);
    let read_only = open_dir.join("history.sqlite");
    record(&read_only, &super::report()).unwrap();
    chmod(&read_only, 0o444);
    let before = super::bytes(&existing);
    let exe = reachable_exe(dir.path());
    let child = |path: &Path, access: &str| unprivileged(child_command_of(&exe, path, access));
    for path in [&missing, &existing, &read_only] {
        let e = outcome(child(path, "write"));
        assert!(e.starts_with("Err("), "{e}");
        assert!(e.contains("permission denied"), "{e}");
        assert!(!e.contains("not a qudag-bench history"), "{e}");
    }
    assert_eq!(super::bytes(&existing), before);
    // The read-only file can still be read, and so can a history in a read-only directory
    // (where SQLite cannot make the `-shm` file a WAL database needs), leaving nothing there.
    assert_eq!(outcome(child(&read_only, "read")), "Ok(())");
    assert_eq!(outcome(child(&existing, "read")), "Ok(())");
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 1);
    chmod(&locked, 0o755);
}

/// Runs the child on a copy of a history in a 256 KiB tmpfs mounted in a mount namespace,
/// after `then` (shell) has run there; `None` when this host cannot make mount namespaces.
fn on_small_tmpfs(access: &str, then: &str) -> Option<String> {
    let can = Command::new("unshare").args(["-m", "true"]).output();
    if !can.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `unshare -m` is not permitted here");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.sqlite");
    record(&source, &super::report()).unwrap();
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let target = mnt.join("history.sqlite");
    let child = child_command(&target, access);
    let script = format!(
        "set -e; mount -t tmpfs -o size=256k tmpfs \"$MNT\"; cp \"$SOURCE\" \"$TARGET\"; {then}; \
         exec \"$@\""
    );
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c", &script, "sh"])
        .arg(child.get_program())
        .args(child.get_args())
        .envs(child.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("MNT", &mnt)
        .env("SOURCE", &source)
        .env("TARGET", &target);
    Some(outcome(cmd))
}

#[test]
fn a_full_disk_is_named_as_such() {
    let fill = "dd if=/dev/zero of=\"$MNT/fill\" bs=4096 2>/dev/null || true";
    for access in ["write", "read"] {
        let Some(e) = on_small_tmpfs(access, fill) else {
            return;
        };
        assert!(e.contains("the disk is full"), "{access}: {e}");
        assert!(!e.contains("not a qudag-bench history"), "{access}: {e}");
    }
}

#[test]
fn a_read_only_file_system_is_named_as_such() {
    let Some(e) = on_small_tmpfs("write", "mount -o remount,ro \"$MNT\"") else {
        return;
    };
    assert!(e.contains("the file system is read-only"), "{e}");
    assert!(!e.contains("not a qudag-bench history"), "{e}");
}
