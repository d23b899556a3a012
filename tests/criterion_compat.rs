//! The criterion drop-in (`criterion-compat/`, used as `criterion` by renaming the
//! dependency) on a real criterion bench file, `tests/fixture/benches/criterion_style.rs`:
//! criterion's ids, every Bencher form, a panic that fails one benchmark only, criterion's
//! flags, and the harness's baselines, gate, A/B and instruction counts on such benchmarks.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const TARGET: &str = "criterion_style";

/// Every benchmark of the file, in the order offered, named as criterion names them.
const IDS: &[&str] = &[
    "empty",
    "tunable",
    "sum 100",
    "sum_input/200",
    "sizes/16",
    "sizes/elements/16",
    "sizes/256",
    "sizes/elements/256",
    "sizes/decimal",
    "forms/iter_custom",
    "forms/hangs",
    "forms/iter_batched",
    "forms/iter_batched_ref",
    "forms/iter_with_setup",
    "forms/iter_with_large_drop",
    "forms/panics",
    "async/iter",
    "async/iter_custom",
];

#[test]
fn list_gives_criterion_ids_in_the_order_offered() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench(TARGET, &["--list", "--format", "terse"], home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.trim_end_matches(": benchmark"))
        .collect();
    assert_eq!(listed, IDS);
}

#[test]
fn every_form_is_measured_into_a_valid_report() {
    let (_, report) = measure_json(TARGET, &[]);
    assert_eq!(ids(&report), IDS);
    for id in IDS {
        let b = bench(&report, id);
        assert_eq!(b["status"], "ok", "{b}");
        assert!(b["time_ns"]["median"].as_f64().is_some(), "{b}");
        assert!(
            b["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("criterion_style.rs"),
            "{b}"
        );
        assert!(b["location"]["line"].as_u64().unwrap() > 1, "{b}");
    }
    // The group's throughput applies to the benchmarks offered after it is set.
    let per_iter = |id: &str| {
        let t = &bench(&report, id)["throughput"];
        (
            t["kind"].as_str().unwrap().to_string(),
            t["per_iter"].as_u64().unwrap(),
        )
    };
    assert_eq!(per_iter("sizes/256"), ("bytes".into(), 256));
    assert_eq!(per_iter("sizes/elements/16"), ("elements".into(), 16));
    assert_eq!(per_iter("sizes/decimal"), ("bytes".into(), 1000));
    assert!(bench(&report, "forms/iter_custom")["throughput"].is_null());
    let with_arg = bench(&report, "sizes/elements/16");
    assert_eq!(with_arg["name"], "sizes/elements");
    assert_eq!(with_arg["arg"], "16");
    // The layer adds nothing per iteration: an empty routine is the loop alone, whose cost
    // is measured and subtracted (as for a native `b.iter(|| ())`).
    let empty = bench(&report, "empty")["time_ns"]["median"]
        .as_f64()
        .unwrap();
    assert!(empty <= 1.0, "empty routine: {empty} ns");
}

#[test]
fn a_panic_fails_that_benchmark_and_the_others_run() {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap(), "forms"];
    args.extend_from_slice(FAST);
    let run = run_bench(TARGET, &args, home.path(), &[("FIXTURE_PANIC", "1")]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    let panicked = bench(&report, "forms/panics");
    assert_eq!(panicked["status"], "failed");
    assert_contains(panicked["error"].as_str().unwrap(), "asked to panic");
    let ok = report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "ok")
        .count();
    assert_eq!(ok, 6, "the other forms/ benchmarks, before and after it");

    // Test mode (`cargo test --benches`): each runs once; the panic fails that one test.
    let run = run_bench(TARGET, &[], home.path(), &[("FIXTURE_PANIC", "1")]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    assert_contains(&run.stdout, "forms/panics");
    assert_contains(&run.stdout, &format!("{} passed; 1 failed", IDS.len() - 1));
    let run = run_bench(TARGET, &[], home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn a_hang_times_out_and_the_benchmarks_after_it_still_run() {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let mut args = vec![
        "--bench",
        "--json",
        json.to_str().unwrap(),
        "--timeout",
        "0.3",
    ];
    args.extend_from_slice(&[FAST, &["forms"]].concat());
    let run = run_bench(TARGET, &args, home.path(), &[("FIXTURE_HANG", "1")]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_eq!(bench(&report, "forms/hangs")["status"], "timeout");
    // Offered after it in the same group: served by a fresh driver thread.
    for id in [
        "forms/iter_batched",
        "forms/iter_with_large_drop",
        "forms/panics",
    ] {
        assert_eq!(bench(&report, id)["status"], "ok", "{id}");
    }
    // Test mode too.
    let run = run_bench(
        TARGET,
        &["--timeout", "0.3", "forms"],
        home.path(),
        &[("FIXTURE_HANG", "1")],
    );
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    assert_contains(&run.stdout, "6 passed; 1 failed");
}

#[test]
fn criterion_flags_are_translated_or_noted() {
    let (run, report) = measure_json(
        TARGET,
        &[
            "--sample-size",
            "20",
            "--noplot",
            "--nresamples",
            "500",
            "--exact",
            "tunable",
        ],
    );
    assert_contains(&run.stderr, "--nresamples is accepted and not used");
    assert_eq!(ids(&report), ["tunable"]);
    assert_eq!(bench(&report, "tunable")["config"]["samples"], 20);
    // criterion's lenient baseline: none yet is a note, not an error.
    let (run, report) = measure_json(TARGET, &["--baseline-lenient", "main", "--exact", "empty"]);
    assert_contains(&run.stderr, "no baseline `main`");
    assert!(report["baseline"].is_null());
}

#[test]
fn a_saved_baseline_gates_unchanged_and_three_times_the_work() {
    let home = tempfile::tempdir().unwrap();
    let gate = |args: &[&str], work: &str| {
        let mut all = vec!["--bench", "--exact", "tunable", "--warmup-time", "20ms"];
        all.extend_from_slice(&["--measure-time", "100ms"]);
        all.extend_from_slice(args);
        run_bench(TARGET, &all, home.path(), &[("QUDAG_FIXTURE_WORK", work)])
    };
    // Without the executable: the "slower build" is the environment (see tests/gate.rs).
    let r = gate(&["--save-baseline", "main", "--no-save-binary"], "1000");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A 50% threshold and 3x the work, as tests/gate.rs explains for native benchmarks. In a
    // criterion-style binary the flag takes criterion's fraction.
    let strict = ["--baseline", "main", "--gate", "--noise-threshold", "0.5"];
    let r = gate(&strict, "1000");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = gate(&strict, "3000");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_contains(&r.stdout, "tunable");
}

/// A script that runs the fixture's criterion-style binary with `env` set (a second build).
fn wrapper(dir: &Path, env: &str) -> std::path::PathBuf {
    let path = dir.join("head");
    let exe = bench_exe(TARGET);
    std::fs::write(
        &path,
        format!("#!/bin/sh\n{env} exec '{}' \"$@\"\n", exe.display()),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn qudag_bench_ab_drives_criterion_style_workers() {
    let dir = tempfile::tempdir().unwrap();
    let base = bench_exe(TARGET);
    let head = wrapper(dir.path(), "QUDAG_FIXTURE_WORK=3000");
    let (code, out, err) = qudag_bench([
        "ab".as_ref(),
        "--base".as_ref(),
        base.as_os_str(),
        "--head".as_ref(),
        head.as_os_str(),
        "--budget".as_ref(),
        "1".as_ref(),
        "tunable".as_ref(),
        "--exact".as_ref(),
    ]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert_contains(&out, "REGRESSED");
}

#[test]
fn instruction_counts_reach_criterion_style_benchmarks() {
    if std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "CI must install valgrind");
        eprintln!("valgrind is not installed: skipping");
        return;
    }
    let (_, report) = measure_json(TARGET, &["--instructions", "--exact", "tunable"]);
    let counted = &bench(&report, "tunable")["instructions"];
    assert!(counted["error"].is_null(), "{counted}");
    // 1000 loop steps of a few instructions each.
    let per_iter = counted["per_iter"].as_f64().unwrap();
    assert!(per_iter > 1000.0, "{counted}");
}

#[test]
fn cargo_nextest_runs_criterion_style_benchmarks_as_tests() {
    let probe = cargo(&["nextest", "--version"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("cargo-nextest is not installed: skipping (CI installs it)");
        return;
    }
    let run = run_cargo(cargo(&["nextest", "run", "--bench", TARGET]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(
        &format!("{}{}", run.stdout, run.stderr),
        &format!("{} tests run: {} passed", IDS.len(), IDS.len()),
    );
}

#[test]
fn a_run_leaves_criterion_files_that_critcmp_reads() {
    let home = tempfile::tempdir().unwrap();
    let crit = home.path().join("target/criterion");
    let crit_env = [("CRITERION_HOME", crit.to_str().unwrap())];
    let mut args = vec!["--bench", "sizes", "--save-baseline", "before"];
    args.extend_from_slice(FAST);
    let run = run_bench(TARGET, &args, home.path(), &crit_env);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    // criterion's own layout: the id's parts, set `new` and the saved set.
    for set in ["new", "before"] {
        let bench = read_json(
            &crit
                .join("sizes/elements/16")
                .join(set)
                .join("benchmark.json"),
        );
        assert_eq!(bench["full_id"], "sizes/elements/16");
        assert_eq!(bench["group_id"], "sizes");
        assert_eq!(bench["function_id"], "elements");
        assert_eq!(bench["value_str"], "16");
    }
    let estimates = read_json(&crit.join("sizes/16/new/estimates.json"));
    assert!(estimates["median"]["point_estimate"].as_f64().unwrap() > 0.0);

    // Turned off, nothing is written.
    let quiet = home.path().join("quiet");
    let mut args = vec!["--bench", "--no-criterion-files", "sizes/decimal"];
    args.extend_from_slice(FAST);
    let run = run_bench(
        TARGET,
        &args,
        home.path(),
        &[("CRITERION_HOME", quiet.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!quiet.exists());

    // critcmp compares the two sets (CI installs it; tests/criterion_files.rs says how).
    let Ok(out) = std::process::Command::new("critcmp")
        .args(["--color", "never", "--target-dir"])
        .arg(home.path().join("target"))
        .args(["before", "new"])
        .env_remove("CARGO_TARGET_DIR")
        .output()
    else {
        assert!(std::env::var_os("CI").is_none(), "CI must install critcmp");
        eprintln!("critcmp is not installed: skipping its part");
        return;
    };
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{listed}");
    for id in ["sizes/16", "sizes/elements/256", "sizes/decimal"] {
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(id)),
            "critcmp lists no {id}:\n{listed}"
        );
    }
}
