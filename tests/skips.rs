//! A benchmark that cannot run here calls `b.skip(reason)`: it is `skipped` with its reason in
//! every output, counted, not a failure, and never compared or gated
//! (`tests/fixture/benches/skips.rs`).

mod common;
use common::*;

const NEEDS_DEVICE: &str = "needs /dev/qudag-fixture-device, which this host lacks";

#[test]
fn a_skipped_benchmark_is_reported_with_its_reason_in_every_format() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = |name: &str| h.join(name).to_str().unwrap().to_string();
    let (json, csv, md, html) = (file("s.json"), file("s.csv"), file("s.md"), file("s.html"));
    let mut args = vec!["--bench", "--json", &json, "--csv", &csv, "--markdown", &md];
    args.extend(["--html", &html]);
    args.extend_from_slice(FAST);
    let run = run_bench("skips", &args, h, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);

    let report = read_json(std::path::Path::new(&json));
    assert_valid(&report);
    assert_eq!(bench(&report, "here")["status"], "ok");
    let device = bench(&report, "needs_device");
    assert_eq!(device["status"], "skipped");
    assert_eq!(device["skip_reason"], NEEDS_DEVICE);
    assert!(device["error"].is_null() && device["time_ns"].is_null());
    assert_eq!(bench(&report, "times_after_skipping")["status"], "skipped");
    assert_eq!(report["summary"]["skipped"], 3);
    assert_eq!(report["summary"]["ok"], 3);
    // A declared requirement that fails skips it with the check's reason, before it runs.
    let declared = bench(&report, "declares_a_device");
    assert_eq!(declared["status"], "skipped");
    assert_eq!(
        declared["skip_reason"],
        "no /dev/qudag-fixture-device on this host"
    );
    assert_eq!(bench(&report, "declares_what_is_here")["status"], "ok");
    assert_eq!(report["summary"]["failed"], 0);

    assert_contains(&run.stdout, &format!("skipped: {NEEDS_DEVICE}"));
    assert_contains(
        &run.stdout,
        "result: ok. 3 measured; 0 failed; 0 timed out; 3 skipped;",
    );

    let mut rows = csv::Reader::from_path(&csv).unwrap();
    let header = rows.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| &r[column("id")] == "needs_device")
        .unwrap();
    assert_eq!(&row[column("status")], "skipped");
    assert_eq!(&row[column("skip_reason")], NEEDS_DEVICE);
    assert_eq!(&row[column("median_ns")], "");

    let md = std::fs::read_to_string(&md).unwrap();
    assert_contains(&md, "**Skipped**");
    assert_contains(&md, &format!("- `needs_device`: {NEEDS_DEVICE}"));
    assert!(!md.contains("**Failures**"), "{md}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert_contains(&html, &format!("skipped: {NEEDS_DEVICE}"));

    // The history records the skip.
    let (code, out, err) = qudag_bench([
        "history",
        "--home",
        h.to_str().unwrap(),
        "--bench",
        "needs_device",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_contains(&out, "skipped");
}

#[test]
fn test_mode_shows_a_skipped_benchmark_as_ignored_with_its_reason() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench("skips", &[], home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // libtest-mimic's words for a test ignored at run time.
    let ignored = format!("... ignored ({NEEDS_DEVICE})");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("test needs_device ") && l.ends_with(&ignored)),
        "{}",
        run.stdout
    );
    assert_contains(&run.stdout, "3 passed; 0 failed; 3 ignored;");
}

#[test]
fn bencher_lines_show_a_skipped_benchmark_as_libtest_shows_an_ignored_test() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "--output-format", "bencher"];
    args.extend_from_slice(FAST);
    let run = run_bench("skips", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(
        &run.stdout,
        &format!("test needs_device ... ignored, {NEEDS_DEVICE}\n"),
    );
    assert_contains(&run.stdout, "0 failed; 3 ignored; 3 measured;");
}

#[test]
fn a_benchmark_skipped_here_is_not_gated_and_its_baseline_entry_is_kept() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut save = vec!["--bench", "--save-baseline", "main", "--no-save-binary"];
    save.extend_from_slice(FAST);
    let saved = run_bench("skips", &save, h, &[]);
    assert_eq!(saved.code, 0, "{}\n{}", saved.stdout, saved.stderr);

    // A host that cannot run `sometimes`: the gate passes and the baseline keeps its result.
    let json = h.join("gated.json");
    // What is gated here is which benchmarks are compared, not their speed: the threshold is
    // wide (tests/gate.rs says why) so that the host's noise between two processes never
    // fails it.
    let mut gate = vec![
        "--bench",
        "--baseline",
        "main",
        "--gate",
        "--noise-threshold",
        "50",
    ];
    gate.extend(["--save-baseline", "main", "--no-save-binary"]);
    gate.extend(["--json", json.to_str().unwrap()]);
    gate.extend_from_slice(FAST);
    let gated = run_bench("skips", &gate, h, &[("QUDAG_FIXTURE_SKIP", "1")]);
    assert_eq!(gated.code, 0, "{}\n{}", gated.stdout, gated.stderr);
    let report = read_json(&json);
    let sometimes = bench(&report, "sometimes");
    assert_eq!(sometimes["status"], "skipped");
    assert!(sometimes["comparison"].is_null(), "{sometimes}");
    assert!(!report["gate"]["failed"].as_bool().unwrap());

    let baseline = read_json(&h.join("baselines/main/skips.json"));
    let kept = bench(&baseline, "sometimes");
    assert_eq!(
        kept["status"], "ok",
        "the measured entry stays the reference"
    );
    assert!(kept["measured_in"].is_object(), "{kept}");
}

/// `qudag-bench ab` cannot compare a benchmark that skipped itself: it fails with the reason
/// rather than "never called b.iter".
#[test]
fn an_ab_run_names_the_skip_of_a_benchmark_it_cannot_compare() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("ab.json");
    let exe = bench_exe("skips");
    let (_, out, err) = qudag_bench([
        "ab".as_ref(),
        "--base".as_ref(),
        exe.as_os_str(),
        "--head".as_ref(),
        exe.as_os_str(),
        "--budget".as_ref(),
        "1".as_ref(),
        "--json".as_ref(),
        json.as_os_str(),
        "needs_device".as_ref(),
        "--exact".as_ref(),
    ]);
    let report = read_json(&json);
    let entry = &report["benchmarks"][0];
    assert_eq!(entry["verdict"], "failed", "{out}\n{err}");
    let note = entry["note"].as_str().unwrap();
    assert!(
        note.contains("skipped itself (b.skip: needs /dev/qudag-fixture-device"),
        "{note}"
    );
}
