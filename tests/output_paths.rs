//! Output destinations of a bench-mode run are checked before anything is measured: a
//! directory, FIFO, socket or device (other than /dev/null), or a directory that cannot hold
//! files, is exit 2 naming the flag and the path, at once.

mod common;
use common::*;
use std::path::Path;

#[track_caller]
fn assert_refused_before_measuring(run: &Run, home: &Path, needles: &[&str]) {
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for needle in needles {
        assert_contains(&run.stderr, needle);
    }
    assert_eq!(run.stdout, "", "nothing measured");
    assert!(!home.join("results").exists(), "nothing written");
    assert!(!home.join("history.sqlite").exists(), "nothing recorded");
    assert!(!home.join("history-spool").exists(), "nothing spooled");
}

/// Makes a FIFO at `fifo` and runs `f` with a reader on it, so that a program which writes to
/// the FIFO (as the harness used to, after measuring) fails the test instead of blocking it.
/// Returns `f`'s result and what the reader got.
fn with_fifo_reader<T>(fifo: &Path, f: impl FnOnce() -> T) -> (T, Vec<u8>) {
    use std::os::unix::fs::OpenOptionsExt;
    let made = std::process::Command::new("mkfifo")
        .arg(fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.to_path_buf();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let result = f();
    // Release the reader if nothing opened the FIFO (non-blocking: if something did, the
    // reader is gone and a blocking open would wait for another).
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo),
    );
    (result, reader.join().unwrap())
}

#[test]
fn a_fifo_destination_is_refused_at_once_instead_of_hanging() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("forms.fifo");
    let dest = home.path().join("{target}.fifo");
    let mut args = vec!["--bench", "plain", "--json", dest.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let (run, written) = with_fifo_reader(&fifo, || run_bench("forms", &args, home.path(), &[]));
    assert_refused_before_measuring(
        &run,
        home.path(),
        &[
            &format!("--json {}: cannot write", fifo.display()),
            "it is a FIFO",
        ],
    );
    assert!(written.is_empty(), "nothing written to the FIFO");
}

#[test]
fn ab_refuses_a_fifo_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ab.fifo");
    let exe = bench_exe("ab");
    let exe = exe.to_str().unwrap();
    let fifo_arg = fifo.to_str().unwrap();
    let args = ["ab", "--base", exe, "--head", exe, "--markdown", fifo_arg];
    let ((code, out, err), written) = with_fifo_reader(&fifo, || qudag_bench(args));
    assert_eq!(code, 2, "{out}\n{err}");
    assert_contains(
        &err,
        &format!("--markdown {fifo_arg}: cannot write {fifo_arg}: it is a FIFO"),
    );
    assert!(written.is_empty());
}

#[test]
fn devices_dirs_and_unusable_parents_are_refused_before_measuring() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let blocker = h.join("blocker");
    std::fs::write(&blocker, b"keep").unwrap();
    let under_file = blocker.join("out.csv");
    let cases: [(&str, &str, &str); 5] = [
        ("--json", "/dev/full", "it is a device"),
        (
            "--html",
            "/proc/x/{target}.html",
            "cannot create a file in /proc",
        ),
        ("--markdown", h.to_str().unwrap(), "it is a directory"),
        ("--csv", under_file.to_str().unwrap(), "is not a directory"),
        ("--bmf", "/dev/zero", "it is a device"),
    ];
    for (flag, dest, why) in cases {
        let mut args = vec!["--bench", "plain", flag, dest];
        args.extend_from_slice(FAST);
        let run = run_bench("forms", &args, h, &[]);
        let named = format!("{flag} {}", dest.replace("{target}", "forms"));
        assert_refused_before_measuring(&run, h, &[&named, why]);
    }
    assert_eq!(std::fs::read(&blocker).unwrap(), b"keep");
}

#[test]
fn dev_null_discards_the_file_and_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--bench",
        "plain",
        "--json",
        "/dev/null",
        "--csv",
        "/dev/null",
    ];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
}

#[test]
fn run_refuses_a_json_destination_it_could_not_write_before_building() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("group.fifo");
    let fifo_arg = fifo.to_str().unwrap();
    let args = [
        "--home",
        home.path().to_str().unwrap(),
        "run",
        "--json",
        fifo_arg,
        "--bench",
        "forms",
    ];
    let run = |args: &[&str]| {
        let out = std::process::Command::new(cli_exe())
            .args(args)
            .current_dir(fixture_dir())
            .env("CARGO_TARGET_DIR", fixture_target_dir())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let ((code, err), written) = with_fifo_reader(&fifo, || run(&args));
    assert_eq!(code, Some(2), "{err}");
    assert_contains(&err, &format!("--json {fifo_arg}: cannot write"));
    assert!(!err.contains("Running"), "a target ran: {err}");
    assert!(written.is_empty());
}

#[test]
fn json_outside_a_measured_run_says_it_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["plain", "--json", "-"][..],
        &["--list", "--json", "-"],
        &["--bench", "--list", "--json", "-"],
    ] {
        let run = run_bench("forms", args, home.path(), &[]);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_contains(&run.stderr, "--json -: nothing is written");
        assert!(!run.stdout.contains("\"schema\""), "{}", run.stdout);
    }
}
