//! `--save-baseline` never loses a baseline's benchmarks: a filtered save updates what it
//! measured and keeps the rest, an empty selection saves nothing, and an unreadable baseline
//! is refused before measuring (issue 21, item 1).

mod common;

use common::*;
use std::path::Path;

/// Runs the fixture's `crash` target (four quick benchmarks; nothing crashes without
/// `FIXTURE_CRASH`) in bench mode with `args`.
fn bench(home: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--bench"];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    run_bench("crash", &all, home, &[])
}

fn baseline_file(home: &Path) -> std::path::PathBuf {
    home.join("baselines/main/crash.json")
}

/// (id, run-specific fingerprint: the first raw sample) per benchmark of the baseline.
fn entries(home: &Path) -> Vec<(String, serde_json::Value)> {
    let report = read_json(&baseline_file(home));
    assert_valid(&report);
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_string(),
                b["samples_ns"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_filtered_save_updates_what_it_measured_and_keeps_the_rest() {
    let home = tempfile::tempdir().unwrap();
    let r = bench(home.path(), &["--save-baseline", "main"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = entries(home.path());
    assert_eq!(before.len(), 4);
    let bytes = std::fs::read(baseline_file(home.path())).unwrap();

    // A filter that matches nothing saves nothing.
    let r = bench(home.path(), &["zzz", "--save-baseline", "main"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_contains(&r.stderr, "not saving baseline `main`");
    assert_eq!(std::fs::read(baseline_file(home.path())).unwrap(), bytes);

    // A filter that matches one benchmark replaces that one only, and says so.
    let r = bench(home.path(), &["b_second", "--save-baseline", "main"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_contains(&r.stderr, "3 kept from the previous baseline");
    let after = entries(home.path());
    let ids: Vec<&str> = after.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a_first", "b_second", "c_crash", "d_after"]);
    for ((id, old), (_, new)) in before.iter().zip(&after) {
        assert_eq!(old == new, id != "b_second", "{id}");
    }

    // `--skip` and `--exact` select too; the gate then compares every benchmark.
    let r = bench(
        home.path(),
        &["--skip", "a_first", "--save-baseline", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(entries(home.path()).len(), 4);
    let r = bench(
        home.path(),
        &["--baseline", "main", "--gate", "--noise-threshold", "50"],
    );
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    let latest = read_json(&home.path().join("results/crash.json"));
    for b in latest["benchmarks"].as_array().unwrap() {
        assert_ne!(b["comparison"]["verdict"], "new", "{b}");
    }
}

#[test]
fn an_unreadable_baseline_is_refused_before_measuring_and_left_as_it_is() {
    let home = tempfile::tempdir().unwrap();
    let file = baseline_file(home.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"{\"schema\": \"qudag-bench/run/v9\"}").unwrap();
    let r = bench(home.path(), &["b_second", "--save-baseline", "main"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_contains(&r.stderr, "--save-baseline main");
    assert_contains(&r.stderr, "crash.json");
    assert!(
        !r.stdout.contains("b_second"),
        "measured anyway:\n{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"{\"schema\": \"qudag-bench/run/v9\"}"
    );
}

#[test]
fn a_gate_against_a_baseline_holding_none_of_the_benchmarks_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let r = bench(h, &["--save-baseline", "main"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // An emptied baseline (as a filtered save used to leave one), and a copied one of another
    // target.
    let mut report = read_json(&baseline_file(h));
    let good = serde_json::to_vec(&report).unwrap();
    report["benchmarks"] = serde_json::json!([]);
    let empty_dir = h.join("baselines/empty");
    std::fs::create_dir_all(&empty_dir).unwrap();
    std::fs::write(
        empty_dir.join("crash.json"),
        serde_json::to_vec(&report).unwrap(),
    )
    .unwrap();
    let r = bench(h, &["--baseline", "empty", "--gate"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_contains(
        &r.stderr,
        "baseline `empty` of crash holds none of the 4 benchmark(s)",
    );
    assert!(
        !r.stdout.contains("a_first"),
        "measured anyway:\n{}",
        r.stdout
    );
    let r = bench(h, &["--baseline", "empty"]);
    assert_eq!(r.code, 0, "without --gate it only reports: {}", r.stderr);

    let mut other: serde_json::Value = serde_json::from_slice(&good).unwrap();
    other["bench_target"] = "work".into();
    let other_dir = h.join("baselines/other");
    std::fs::create_dir_all(&other_dir).unwrap();
    std::fs::write(
        other_dir.join("crash.json"),
        serde_json::to_vec(&other).unwrap(),
    )
    .unwrap();
    let r = bench(h, &["--baseline", "other"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_contains(
        &r.stderr,
        "holds a report of bench target `work`, not `crash`",
    );

    // `compare --gate` with nothing in common is refused too.
    let empty = empty_dir.join("crash.json");
    let (code, _, err) = qudag_bench([
        "compare".as_ref(),
        empty.as_os_str(),
        baseline_file(h).as_os_str(),
        "--gate".as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "so the gate would compare nothing");
}
