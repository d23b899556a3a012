//! A benchmark that ends the process (segfault, abort, stack overflow, SIGKILL as from the OOM
//! killer, `exit(3)`, `_exit(3)`) loses nothing measured before it, is named, and never reads
//! as one of the harness's own exit codes (issue 21, items 2 and 3).

mod common;

use common::*;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

/// A run of the fixture's `crash` target that may end by a signal.
struct Ended {
    code: Option<i32>,
    signal: Option<i32>,
    stderr: String,
}

fn run_crash(home: &Path, kind: &str, args: &[&str]) -> Ended {
    let mut cmd = Command::new(bench_exe("crash"));
    cmd.arg("--bench")
        .args(FAST)
        .args(args)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home)
        .env("FIXTURE_CRASH", kind)
        .env("RUST_BACKTRACE", "0");
    for (k, _) in std::env::vars() {
        if k.starts_with("QUDAG_BENCH_") && k != "QUDAG_BENCH_HOME" {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().unwrap();
    Ended {
        code: out.status.code(),
        signal: out.status.signal(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The statuses of the benchmarks in `results/crash.json`.
fn kept(home: &Path) -> (Vec<String>, serde_json::Value) {
    let report = read_json(&home.join("results/crash.json"));
    assert_valid(&report);
    (ids(&report), report)
}

#[test]
fn a_crash_keeps_the_benchmarks_measured_before_it_and_names_the_one_running() {
    for (kind, signal, named) in [
        ("segv", libc_signal::SEGV, true),
        ("abort", libc_signal::ABRT, true),
        ("overflow", libc_signal::ABRT, true),
        ("kill", libc_signal::KILL, false),
    ] {
        let home = tempfile::tempdir().unwrap();
        let ended = run_crash(home.path(), kind, &[]);
        assert_eq!(ended.signal, Some(signal), "{kind}: {}", ended.stderr);
        if named {
            assert_contains(&ended.stderr, "crashed while running benchmark `c_crash`");
        }
        let (ids, report) = kept(home.path());
        assert_eq!(ids, ["a_first", "b_second"], "{kind}");
        assert_eq!(report["incomplete"]["selected"], 4, "{kind}");
        assert!(
            report["benchmarks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["status"] == "ok" && !b["samples_ns"].as_array().unwrap().is_empty()),
            "{kind}: {report}"
        );

        // `qudag-bench report` on what was kept says what happened.
        let results = home.path().join("results/crash.json");
        let (code, _, err) = qudag_bench([
            "report".as_ref(),
            results.as_os_str(),
            "--format".as_ref(),
            "markdown".as_ref(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert_contains(&err, "did not finish (its process ended");
        assert_contains(&err, "2 of 4 benchmarks measured");
        // The Markdown says so too, and a gate on the partial run is refused.
        let (_, out, _) = qudag_bench([
            "report".as_ref(),
            results.as_os_str(),
            "--format".as_ref(),
            "markdown".as_ref(),
        ]);
        assert_contains(&out, "**Incomplete:** run ");
        let (code, _, err) = qudag_bench([
            "compare".as_ref(),
            results.as_os_str(),
            results.as_os_str(),
            "--gate".as_ref(),
        ]);
        assert_eq!(code, 2, "{err}");
        assert_contains(&err, "a gate on a run that did not finish");

        // The history has the two, and says the run was interrupted in `c_crash`.
        let (code, out, err) = qudag_bench([
            "history".as_ref(),
            "--home".as_ref(),
            home.path().as_os_str(),
        ]);
        assert_eq!(code, 0, "{err}");
        let rows: Vec<&str> = out.lines().filter(|l| l.contains(" crash ")).collect();
        assert_eq!(rows.len(), 2, "{kind}: {out}");
        for (row, id) in rows.iter().zip(["a_first", "b_second"]) {
            assert_contains(row, id);
            assert_contains(row, "[interrupted while running c_crash]");
        }

        // The next run says what happened, then completes.
        let next = run_crash(home.path(), "", &[]);
        assert_eq!(next.code, Some(0), "{}", next.stderr);
        assert_contains(&next.stderr, "did not finish");
        assert_contains(
            &next.stderr,
            "while running `c_crash`, after 2 of 4 benchmarks",
        );
        assert_contains(&next.stderr, "kept in the history, marked interrupted");
        let (ids, report) = kept(home.path());
        assert_eq!(ids.len(), 4);
        assert!(report.get("incomplete").is_none(), "{report}");
    }
}

#[test]
fn a_benchmark_calling_exit_3_is_a_failed_benchmark_not_a_failed_gate() {
    let home = tempfile::tempdir().unwrap();
    let ended = run_crash(home.path(), "exit3", &[]);
    assert_eq!(ended.code, Some(101), "{}", ended.stderr);
    assert_contains(&ended.stderr, "benchmark `c_crash` ended the process");
    assert_eq!(kept(home.path()).0, ["a_first", "b_second"]);
}

/// `qudag-bench run` on the `crash` target with `FIXTURE_CRASH=kind`.
fn qudag_bench_run(home: &Path, kind: &str) -> Run {
    let mut cmd = Command::new(cli_exe());
    cmd.args(["run", "--home"])
        .arg(home)
        .args(["--bench", "crash", "--"])
        .args(FAST)
        .current_dir(fixture_dir())
        .env("CARGO_TARGET_DIR", fixture_target_dir())
        .env("FIXTURE_CRASH", kind)
        .env("RUST_BACKTRACE", "0");
    run_cargo(cmd)
}

#[test]
fn run_tells_a_benchmarks_exit_code_from_the_harnesss() {
    for kind in ["exit3", "_exit3"] {
        let home = tempfile::tempdir().unwrap();
        let r = qudag_bench_run(home.path(), kind);
        assert_eq!(r.code, 101, "{kind}: {}\n{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains("the gate failed"), "{}", r.stdout);
    }
    let home = tempfile::tempdir().unwrap();
    let r = qudag_bench_run(home.path(), "_exit3");
    assert_contains(
        &r.stderr,
        "exited with code 3, but its harness did not end it",
    );
    assert_contains(&r.stderr, "while running `c_crash`");
    let r = qudag_bench_run(home.path(), "segv");
    assert_eq!(r.code, 101, "{}", r.stderr);
    assert_contains(&r.stderr, "was killed by signal 11 while running `c_crash`");
    // The summary counts the two benchmarks that never finished as failed.
    assert_contains(&r.stdout, "2 failed");
    assert_contains(&r.stdout, "(interrupted: 2 not finished)");
    let r = qudag_bench_run(home.path(), "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// Signal numbers on Linux, without a libc dependency in the tests.
mod libc_signal {
    pub const ABRT: i32 = 6;
    pub const KILL: i32 = 9;
    pub const SEGV: i32 = 11;
}

#[test]
fn run_believes_a_harness_whose_executable_path_is_long() {
    // A target dir reached through a long name: the executable's path passes 255 bytes, which
    // once made the harness's exit-code record fail and `run` disbelieve a real 0.
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("e".repeat(215));
    std::os::unix::fs::symlink(fixture_target_dir(), &long).unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(cli_exe());
    cmd.args(["run", "--home"])
        .arg(home.path())
        .args(["--bench", "crash", "--"])
        .args(FAST)
        .arg("a_first")
        .current_dir(fixture_dir())
        .env("CARGO_TARGET_DIR", &long)
        .env("RUST_BACKTRACE", "0");
    let r = run_cargo(cmd);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_crash_while_the_gate_measures_again_is_named_too() {
    let home = tempfile::tempdir().unwrap();
    // Without the executable, so that the flagged benchmark is measured again in-process
    // (the "slower build" is the environment, see tests/gate.rs).
    let save = ["--save-baseline", "main", "--no-save-binary"];
    let saved = run_crash(home.path(), "", &save);
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let args = ["--baseline", "main", "--gate", "--noise-threshold", "50"];
    let ended = run_crash(home.path(), "slow_then_segv", &args);
    assert_eq!(ended.signal, Some(libc_signal::SEGV), "{}", ended.stderr);
    assert_contains(&ended.stderr, "again to confirm");
    assert_contains(&ended.stderr, "crashed while running benchmark `c_crash`");
    // All four first measurements are kept.
    assert_eq!(kept(home.path()).0.len(), 4);
}

#[test]
fn fifos_at_the_harnesss_own_files_never_block_a_run() {
    for file in ["progress/crash.json", "results/crash.json"] {
        let home = tempfile::tempdir().unwrap();
        let fifo = home.path().join(file);
        std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // `timeout` bounds the test if the run blocks on the FIFO, as it once did.
        let out = Command::new("timeout")
            .arg("120")
            .arg(bench_exe("crash"))
            .args(["--bench", "a_first"])
            .args(FAST)
            .env("QUDAG_BENCH_HOME", home.path())
            .env_remove("FIXTURE_CRASH")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(124), "{file}: blocked\n{err}");
        assert_contains(&err, "it is a FIFO");
    }
}

#[test]
fn test_mode_names_the_benchmark_that_crashed_or_exited() {
    for (kind, message) in [
        ("segv", "crashed while running benchmark `c_crash"),
        ("exit3", "benchmark `c_crash"),
    ] {
        let out = Command::new(bench_exe("crash"))
            .args(["--test-threads", "1"])
            .current_dir(fixture_dir())
            .env("FIXTURE_CRASH", kind)
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{kind}: {err}");
        assert_ne!(out.status.code(), Some(3), "{kind}: {err}");
        assert_contains(&err, message);
    }
}

#[test]
fn a_fatal_signal_sent_from_outside_still_ends_the_run() {
    // SIGABRT and SIGFPE sent with `kill` (a CI watchdog): no instruction repeats them, so the
    // handler must raise them again after naming the benchmark.
    for signal in ["ABRT", "FPE"] {
        let home = tempfile::tempdir().unwrap();
        let mut child = Command::new(bench_exe("crash"))
            .args([
                "--bench",
                "--measure-time",
                "30s",
                "--samples",
                "1000000",
                // The fixed plan: a precision stop would end the run before the signal.
                "--precision",
                "0",
                "a_first",
            ])
            .current_dir(fixture_dir())
            .env("QUDAG_BENCH_HOME", home.path())
            .env_remove("FIXTURE_CRASH")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        // Bounded: a process that swallowed the signal is killed after 60 s and fails below.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                break child.wait().unwrap();
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let expected = if signal == "ABRT" { 6 } else { 8 };
        assert_eq!(status.signal(), Some(expected), "SIG{signal}: {status:?}");
    }
}

#[test]
fn run_keeps_the_code_of_a_target_on_another_harness() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(cli_exe());
    cmd.args(["run", "--home"])
        .arg(home.path())
        .args(["--bench", "libtest"])
        .current_dir(fixture_dir())
        .env("CARGO_TARGET_DIR", fixture_target_dir());
    let r = run_cargo(cmd);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("did not end it"), "{}", r.stderr);
}
