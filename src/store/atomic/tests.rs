use super::*;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Makes a leftover temporary file as a killed writer `pid` would have, `age` old.
fn leftover(dir: &Path, pid: &str, age: Duration) -> PathBuf {
    let path = dir.join(format!("{PREFIX}{pid}-{}{SUFFIX}", age.as_secs()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
    path
}

#[test]
fn a_new_file_is_readable_by_others_and_a_replaced_one_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    write(&path, b"{}").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o644);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    write(&path, b"[]").unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn replaces_whole_file_and_leaves_no_temporaries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/report.json");
    write(&path, b"first version, longer").unwrap();
    write(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert_eq!(names(&dir.path().join("sub")), ["report.json"]);
}

#[test]
fn a_fifo_is_refused_at_once_and_left_a_fifo() {
    // A FIFO also stands for devices here, without risking the machine's own. Before, the
    // write opened it and blocked until a reader came, forever in a bench run.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    for result in [write(&fifo, b"x"), check(&fifo)] {
        let err = result.unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot write {}: it is a FIFO; reports are written as regular files (or \
                 /dev/null to discard)",
                fifo.display()
            )
        );
    }
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(dir.path()), ["pipe"], "no temporary file left");
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for result in [write(dir.path(), b"x"), check(dir.path())] {
        let err = result.unwrap_err().to_string();
        assert!(err.contains("it is a directory"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}

#[test]
fn dev_null_is_accepted_and_not_written() {
    write(Path::new("/dev/null"), b"discarded").unwrap();
    check(Path::new("/dev/null")).unwrap();
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "still the device");
    // Any other device is refused: /dev/full would fail the write only after measuring.
    let err = check(Path::new("/dev/full")).unwrap_err().to_string();
    assert!(err.contains("/dev/full: it is a device"), "{err}");
}

#[test]
fn check_refuses_a_parent_that_is_a_file_or_cannot_hold_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let err = check(&blocker.join("deeper/report.json"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "cannot write {}: {} is not a directory",
            blocker.join("deeper/report.json").display(),
            blocker.display()
        )
    );
    // /proc takes no new files, even from root (file permissions would not stop root).
    let err = check(Path::new("/proc/qudag-bench-missing/x.html"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "cannot write /proc/qudag-bench-missing/x.html: cannot create a file in /proc: "
        ),
        "{err}"
    );
    // A missing directory under a writable one is fine, and check does not create it.
    check(&dir.path().join("new/sub/report.json")).unwrap();
    assert_eq!(names(dir.path()), ["file"]);
}

#[test]
fn a_link_is_followed_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    std::fs::write(&real, b"old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
}

#[test]
fn error_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let err = write(&blocker.join("report.json"), b"y")
        .unwrap_err()
        .to_string();
    assert!(err.contains("report.json"), "{err}");
}

#[test]
fn a_failed_replace_removes_its_temporary_file() {
    // Renaming a file over a non-empty directory fails after the temporary file is written.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("busy");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), b"x").unwrap();
    let err = replace(dir.path(), &target, b"data", None)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot replace "), "{err}");
    assert_eq!(names(dir.path()), ["busy"]);
}

#[test]
fn leftovers_of_dead_writers_and_old_ones_are_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    // A process that has exited: its pid is free (until reused, which the age rule covers).
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id().to_string();
    child.wait().unwrap();
    let dead_old = leftover(dir.path(), &dead, DEAD_WRITER_AGE * 2);
    let dead_fresh = leftover(dir.path(), &dead, Duration::ZERO);
    let ours = leftover(
        dir.path(),
        &std::process::id().to_string(),
        DEAD_WRITER_AGE * 2,
    );
    let no_pid_old = dir.path().join(format!("{PREFIX}Xy12Zq{SUFFIX}"));
    std::fs::File::create(&no_pid_old)
        .unwrap()
        .set_modified(SystemTime::now() - STALE_AGE - Duration::from_secs(1))
        .unwrap();
    let live_ancient = leftover(dir.path(), "1", STALE_AGE * 2);
    let not_ours = dir.path().join(".other-tool-1.tmp");
    std::fs::write(&not_ours, b"x").unwrap();

    write(&dir.path().join("report.json"), b"{}").unwrap();
    for gone in [&dead_old, &no_pid_old, &live_ancient] {
        assert!(!gone.exists(), "{} kept", gone.display());
    }
    for kept in [&dead_fresh, &ours, &not_ours] {
        assert!(kept.exists(), "{} removed", kept.display());
    }
}
