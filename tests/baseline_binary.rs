//! The bench executable kept with a baseline, and the stored gate's A/B confirmation against
//! it, on two real builds of the fixture's `work` target: the default build and one compiled
//! with three times the work in `tunable` (feature `slow-build`).

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// `tunable` of `exe` alone, short, against `home`, with `args`.
fn run(exe: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["--bench", "--exact", "tunable", "--warmup-time", "20ms"];
    all.extend_from_slice(&["--measure-time", "100ms"]);
    all.extend_from_slice(args);
    run_exe(exe, &all, home, env)
}

/// A gated run against baseline `main` at a 50% threshold (tests/gate.rs says why), with its
/// JSON report.
fn gated(exe: &Path, home: &Path, env: &[(&str, &str)]) -> (Run, serde_json::Value) {
    let json = home.join("out.json");
    let args = [
        "--baseline",
        "main",
        "--gate",
        "--noise-threshold",
        "50",
        "--json",
    ];
    let mut all = args.to_vec();
    all.push(json.to_str().unwrap());
    let r = run(exe, home, &all, env);
    let report = read_json(&json);
    assert_valid(&report);
    (r, report)
}

fn fast_exe() -> PathBuf {
    bench_exe("work")
}

fn kept_files(home: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(home.join("baselines/main/bin")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn a_kept_build_confirms_a_real_slowdown_of_another_build_by_ab_also_from_a_copied_home() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    for _ in 0..2 {
        let r = run(&fast_exe(), &home, &["--save-baseline", "main"], &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_contains(&r.stderr, "with its bench executable (");
    }
    let saved = read_json(&home.join("baselines/main/work.json"));
    let binary = &saved["binary"];
    let digest = binary["digest"].as_str().unwrap();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{binary}"
    );
    assert_eq!(binary["size"], std::fs::metadata(fast_exe()).unwrap().len());
    assert_eq!(binary["cargo_env"].get("CARGO_REGISTRY_TOKEN"), None);
    // Saved twice, kept once.
    assert_eq!(kept_files(&home).len(), 1, "{:?}", kept_files(&home));

    let (r, report) = gated(&slow_work_exe(), &home, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_contains(
        &r.stderr,
        "checking tunable by A/B against the bench executable",
    );
    let c = &report["benchmarks"][0]["comparison"];
    assert_eq!(c["verdict"], "regressed", "{c}");
    let again = &c["confirmation"];
    assert_eq!(again["method"], "ab", "{again}");
    assert_eq!(again["confirmed"], true, "{again}");
    assert_eq!(again["ab"]["binary"], digest, "{again}");
    assert_eq!(again["ab"]["found"], "regressed", "{again}");
    assert_eq!(again["ab"]["first_look"], "regressed", "{again}");
    // Three times the loop work: about +200%.
    let change = again["ab"]["change"].as_f64().unwrap();
    assert!(change > 1.0, "{again}");
    assert!(again["ab"]["lower"].as_f64().unwrap() > 0.5, "{again}");
    assert_contains(
        &r.stdout,
        "confirmed  A/B against the baseline's executable: +",
    );
    assert_contains(&r.stdout, "A/B against the baseline's executable: +");

    // As a CI cache restores it: the baseline directory alone, in another home.
    let other = tmp.path().join("restored");
    copy_dir(&home.join("baselines"), &other.join("baselines"));
    let (r, report) = gated(&slow_work_exe(), &other, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let again = &report["benchmarks"][0]["comparison"]["confirmation"];
    assert_eq!(
        (&again["method"], &again["confirmed"]),
        (&"ab".into(), &true.into())
    );
}

#[test]
fn ab_refutes_a_regression_only_the_first_measurement_saw() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let r = run(&fast_exe(), home, &["--save-baseline", "main"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The process's first measurement does 3x the work, as a slow phase covering just that
    // one would; the A/B workers share the environment, so both sides do the same.
    let env = [("QUDAG_FIXTURE_FIRST_WORK", "3000")];
    let (r, report) = gated(&fast_exe(), home, &env);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let c = &report["benchmarks"][0]["comparison"];
    assert_eq!(c["verdict"], "unchanged", "{c}");
    assert!(
        c["change"].as_f64().unwrap() > 0.5,
        "the first measurement: {c}"
    );
    assert_eq!(c["confirmation"]["method"], "ab", "{c}");
    assert_eq!(c["confirmation"]["confirmed"], false, "{c}");
    assert_eq!(c["confirmation"]["ab"]["found"], "unchanged", "{c}");
    let change = c["confirmation"]["ab"]["change"].as_f64().unwrap();
    assert!(change.abs() < 0.5, "{c}");
    assert_contains(
        &r.stdout,
        "refuted    A/B against the baseline's executable: ",
    );
    assert_contains(&r.stdout, "gate: passed");
}

#[test]
fn an_improvement_is_confirmed_by_ab_with_the_sides_swapped() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let r = run(&slow_work_exe(), home, &["--save-baseline", "main"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r, report) = gated(&fast_exe(), home, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let c = &report["benchmarks"][0]["comparison"];
    assert_eq!(c["verdict"], "improved", "{c}");
    let ab = &c["confirmation"]["ab"];
    assert_eq!(c["confirmation"]["confirmed"], true, "{c}");
    // A third of the work: about -67%, with the interval below zero.
    assert!(ab["change"].as_f64().unwrap() < -0.4, "{ab}");
    assert!(ab["upper"].as_f64().unwrap() < -0.3, "{ab}");
    assert!(
        ab["lower"].as_f64().unwrap() <= ab["upper"].as_f64().unwrap(),
        "{ab}"
    );
}

#[test]
fn without_its_executable_the_gate_falls_back_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let args = ["--save-baseline", "main", "--no-save-binary"];
    let r = run(&fast_exe(), home, &args, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("with its bench executable"),
        "{}",
        r.stderr
    );
    assert!(read_json(&home.join("baselines/main/work.json"))["binary"].is_null());
    assert!(kept_files(home).is_empty());

    let (r, report) = gated(&slow_work_exe(), home, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let fallback = "no A/B confirmation: it was saved without its bench executable";
    assert_eq!(r.stderr.matches(fallback).count(), 1, "{}", r.stderr);
    let again = &report["benchmarks"][0]["comparison"]["confirmation"];
    assert_eq!(
        (&again["method"], &again["confirmed"]),
        (&"remeasure".into(), &true.into())
    );

    // Kept, then lost (a cache that dropped it): one line naming the missing file.
    let r = run(&fast_exe(), home, &["--save-baseline", "main"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in kept_files(home) {
        std::fs::remove_file(f).unwrap();
    }
    let (r, _) = gated(&slow_work_exe(), home, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr.matches("no A/B confirmation").count(),
        1,
        "{}",
        r.stderr
    );
    assert_contains(
        &r.stderr,
        "is missing; confirming by measuring again in this process",
    );
}

#[test]
fn the_config_file_can_turn_keeping_off() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let config = home.join("qudag-bench.toml");
    std::fs::write(&config, "[baseline]\nsave_binary = false\n").unwrap();
    let args = [
        "--save-baseline",
        "main",
        "--config",
        config.to_str().unwrap(),
    ];
    let r = run(&fast_exe(), home, &args, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read_json(&home.join("baselines/main/work.json"))["binary"].is_null());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn qudag_bench_ab_takes_a_baseline_name_for_a_build() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let r = run(&fast_exe(), home, &["--save-baseline", "main"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let slow = slow_work_exe();
    let ab = |base: &str, head: &std::ffi::OsStr| {
        let h = home.as_os_str();
        let args: [&std::ffi::OsStr; 10] = [
            "--home".as_ref(),
            h,
            "ab".as_ref(),
            "--base".as_ref(),
            base.as_ref(),
            "--head".as_ref(),
            head,
            "--budget".as_ref(),
            "1".as_ref(),
            "tunable".as_ref(),
        ];
        qudag_bench(args)
    };
    // The target comes from the head's file name (work-<hash>).
    let (code, out, err) = ab("baseline:main", slow.as_os_str());
    assert_eq!(code, 3, "{out}\n{err}");
    assert_contains(&out, "REGRESSED");
    let (code, out, err) = ab("baseline:main/work", fast_exe().as_os_str());
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = ab("baseline:nope", slow.as_os_str());
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "--base baseline:nope: baseline `nope`: ");
    let (code, _, err) = ab("baseline:main/other", slow.as_os_str());
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "baselines/main/other.json does not exist");
}
