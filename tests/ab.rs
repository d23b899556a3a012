//! `qudag-bench ab`: the paired A/B gate driving two real bench binaries of the fixture as
//! worker processes. The head side is the same binary behind a wrapper script that sets the
//! fixture's environment (more work, a panic), as a second build would differ.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A script that runs the fixture's `ab` bench binary with `env` set and `extra` arguments.
fn wrapper(dir: &Path, name: &str, env: &str, extra: &str) -> PathBuf {
    let path = dir.join(name);
    let exe = bench_exe("ab");
    std::fs::write(
        &path,
        format!("#!/bin/sh\n{env} exec '{}' \"$@\" {extra}\n", exe.display()),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn ab(base: &Path, head: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = vec!["ab".as_ref(), "--base".as_ref(), base.as_ref()];
    all.extend([
        "--head".as_ref(),
        head.as_os_str(),
        "--budget".as_ref(),
        "1".as_ref(),
    ]);
    all.extend(args.iter().map(std::ffi::OsStr::new));
    qudag_bench(all)
}

fn assert_valid_ab(report: &serde_json::Value) {
    assert_valid_against(report, "ab-v1.schema.json");
}

fn verdict<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report}"))["verdict"]
        .as_str()
        .unwrap()
}

#[test]
fn the_same_build_passes_and_thirty_percent_more_work_fails() {
    let dir = tempfile::tempdir().unwrap();
    let base = bench_exe("ab");
    let json = dir.path().join("same.json");
    let (code, out, err) = ab(&base, &base, &["--json", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    let report = read_json(&json);
    assert_eq!(report["schema"], "qudag-bench/ab/v1");
    assert_valid_ab(&report);
    for id in ["tunable", "chatty", "fragile"] {
        assert_ne!(verdict(&report, id), "regressed", "{out}");
        assert_ne!(verdict(&report, id), "failed", "{out}");
    }
    // `chatty` printed around its timing call; the protocol still worked.
    let rounds = report["benchmarks"][1]["measurement"]["round_estimates"]
        .as_array()
        .unwrap()
        .len();
    assert!(rounds >= 2, "{out}");

    let slow = wrapper(dir.path(), "slow", "QUDAG_FIXTURE_WORK=1300", "");
    let json = dir.path().join("slow.json");
    let md = dir.path().join("slow.md");
    let (code, out, err) = ab(
        &base,
        &slow,
        &[
            "tunable",
            "--exact",
            "--json",
            json.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3, "{out}\n{err}");
    assert_contains(&out, "REGRESSED");
    let report = read_json(&json);
    assert_valid_ab(&report);
    assert_eq!(report["benchmarks"].as_array().unwrap().len(), 1);
    assert_eq!(verdict(&report, "tunable"), "regressed");
    let change = report["benchmarks"][0]["change"].as_f64().unwrap();
    assert!(change > 0.1, "30% more loop work measured as {change}");
    // Flagged, then confirmed in fresh processes.
    assert!(report["benchmarks"][0]["first_pass"].is_object());
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert_contains(&markdown, "| `tunable` | REGRESSED |");
    assert_contains(&markdown, "gate FAILED");
}

#[test]
fn a_failing_benchmark_and_unmatched_ids_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let base = wrapper(dir.path(), "base", "", "--skip chatty");
    let head = wrapper(
        dir.path(),
        "head",
        "QUDAG_FIXTURE_FRAGILE=1",
        "--skip tunable",
    );
    let json = dir.path().join("r.json");
    let (code, out, err) = ab(&base, &head, &["--json", json.to_str().unwrap()]);
    assert_eq!(code, 101, "{out}\n{err}");
    let report = read_json(&json);
    assert_valid_ab(&report);
    assert_eq!(verdict(&report, "fragile"), "failed");
    assert_eq!(verdict(&report, "chatty"), "new");
    assert_eq!(verdict(&report, "tunable"), "missing");
    let fragile = &report["benchmarks"][0];
    assert_contains(fragile["note"].as_str().unwrap(), "fragile broke after");
    // A benchmark that did not run may hide a regression: the gate did not pass.
    assert!(!out.contains("gate passed"), "{out}");
    assert_contains(&out, "gate not passed (1 benchmark failed to run)");
}

#[test]
fn nothing_in_common_is_an_error_not_a_passed_gate() {
    let dir = tempfile::tempdir().unwrap();
    let base = wrapper(dir.path(), "base", "", "--skip chatty --skip fragile");
    let head = wrapper(dir.path(), "head", "", "--skip tunable");
    let json = dir.path().join("r.json");
    for strict in [&[][..], &["--strict"][..]] {
        let mut args = vec!["--json", json.to_str().unwrap()];
        args.extend_from_slice(strict);
        let (code, out, err) = ab(&base, &head, &args);
        assert_eq!(code, 2, "{strict:?}\n{out}\n{err}");
        assert_contains(&err, "no benchmark in common between base and head");
        assert_contains(&err, "base has 1: `tunable`");
        assert_contains(&err, "head has 2: `chatty`, `fragile`");
        assert!(!out.contains("passed"), "{out}");
        assert!(!json.exists(), "no report of an empty comparison");
    }
    // A FILTER that matches nothing in either binary, also with --instructions.
    let exe = bench_exe("ab");
    for extra in [&[][..], &["--instructions"][..]] {
        let mut args = vec!["no_such_benchmark"];
        args.extend_from_slice(extra);
        let (code, out, err) = ab(&exe, &exe, &args);
        assert_eq!(code, 2, "{extra:?}\n{out}\n{err}");
        assert_contains(&err, "with the selection `no_such_benchmark`");
        assert_contains(&err, "base has none, head has none");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let exe = bench_exe("ab");
    let missing = dir.path().join("nope");
    let (code, _, err) = ab(&exe, &missing, &[]);
    assert_eq!(code, 2);
    assert_contains(&err, "--head");
    assert_contains(&err, "nope: No such file or directory");
    // A directory is named as one, not as a missing file.
    let (code, _, err) = ab(dir.path(), &exe, &[]);
    assert_eq!(code, 2);
    assert_contains(&err, "it is a directory (expected a bench binary");
    let (code, _, err) = ab(&exe, &exe, &["--margin", "3", "--must-catch", "2"]);
    assert_eq!(code, 2);
    assert_contains(&err, "--must-catch");
    // An output path that cannot be written is refused before anything runs.
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let bad = file.join("r.json");
    let (code, _, err) = ab(&exe, &exe, &["--json", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_contains(&err, "--json");
    assert_contains(&err, "file/r.json");
    // Not a qudag-bench binary: it never says hello.
    let (code, _, err) = ab(&exe, Path::new("/bin/true"), &[]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "/bin/true");
    assert_contains(&err, "A/B protocol");
}

#[test]
fn instruction_counts_catch_one_percent() {
    let dir = tempfile::tempdir().unwrap();
    let base = wrapper(dir.path(), "base", "QUDAG_FIXTURE_WORK=1000", "");
    let head = wrapper(dir.path(), "head", "QUDAG_FIXTURE_WORK=1010", "");
    let json = dir.path().join("i.json");
    let (code, out, err) = ab(
        &base,
        &head,
        &[
            "tunable",
            "--exact",
            "--instructions",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3, "{out}\n{err}");
    let report = read_json(&json);
    let b = &report["benchmarks"][0];
    assert_eq!(b["verdict"], "regressed", "{report}");
    let change = b["change"].as_f64().unwrap();
    assert!((0.009..0.011).contains(&change), "{change}");
    // The same build twice: identical counts.
    let (code, out, _) = ab(&base, &base, &["tunable", "--exact", "--instructions"]);
    assert_eq!(code, 0, "{out}");
    assert_contains(&out, "+0.00%");
}

#[test]
fn bare_relative_binary_names_are_run_from_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(bench_exe("ab"), dir.path().join("ab-bin")).unwrap();
    let out = std::process::Command::new(cli_exe())
        .current_dir(dir.path())
        .args([
            "ab", "--base", "ab-bin", "--head", "ab-bin", "tunable", "--exact",
        ])
        .args(["--budget", "0.5"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_contains(&String::from_utf8_lossy(&out.stdout), "tunable");
}

#[test]
fn a_benchmark_printing_to_stdout_does_not_break_the_worker_protocol() {
    // `noisy` prints in its setup and timed loop; the replies must still reach the controller.
    let exe = bench_exe("hostile");
    let (code, out, err) = ab(&exe, &exe, &["--exact", "noisy"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!err.contains("malformed"), "{err}");
    assert_contains(&out, "noisy");
}
