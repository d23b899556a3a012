//! The `qudag-bench` binary: `compare` (baselines, `latest`, report files; table, Markdown,
//! JSON; `--gate`) and `history`, on reports written by a real bench binary.

mod common;
use common::*;

fn tool(home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = vec!["--home".as_ref(), home.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    qudag_bench(all)
}

fn measure(home: &std::path::Path, work: &str, extra: &[&str]) {
    let mut args = vec![
        "--bench",
        "--exact",
        "tunable",
        "--warmup-time",
        "20ms",
        "--measure-time",
        "100ms",
    ];
    args.extend_from_slice(extra);
    let r = run_bench("work", &args, home, &[("QUDAG_FIXTURE_WORK", work)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn compare_and_history_over_real_runs() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    measure(h, "1000", &["--save-baseline", "main"]);
    measure(h, "3000", &[]);

    let (code, out, err) = tool(
        h,
        &[
            "compare",
            "main",
            "latest",
            "--gate",
            "--noise-threshold",
            "50",
        ],
    );
    assert_eq!(code, 3, "{out}\n{err}");
    assert_contains(&out, "tunable regressed: fastest samples +");
    let (code, out, _) = tool(h, &["compare", "main", "latest", "--format", "markdown"]);
    assert_eq!(code, 0, "without --gate the exit code is 0");
    assert_contains(&out, "| `tunable` | REGRESSED |");
    let (code, out, _) = tool(h, &["compare", "main", "latest", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["benchmarks"][0]["comparison"]["verdict"], "regressed");
    // A report file works as a side too; comparing a run with itself changes nothing.
    let latest = h.join("results/work.json");
    let (code, out, _) = tool(
        h,
        &["compare", latest.to_str().unwrap(), "latest", "--gate"],
    );
    assert_eq!(code, 0, "{out}");
    assert_contains(&out, "unchanged");

    let (code, out, _) = tool(h, &["history"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().filter(|l| l.contains("tunable")).count(),
        2,
        "{out}"
    );
    let (_, out, _) = tool(h, &["history", "--bench", "tunable"]);
    assert_contains(&out, "vs first");
    let (_, out, _) = tool(h, &["history", "--suite", "no-such-suite"]);
    assert!(out.trim().is_empty(), "{out}");
}

#[test]
fn bad_input_is_exit_2_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let bad = h.join("bad.json");
    std::fs::write(&bad, b"{ truncated").unwrap();
    let (code, _, err) = tool(h, &["compare", bad.to_str().unwrap(), "latest"]);
    assert_eq!(code, 2);
    assert_contains(&err, "bad.json");
    let (code, _, err) = tool(h, &["compare", "../x", "latest"]);
    assert_eq!(code, 2);
    assert_contains(&err, "invalid baseline name");
    let (code, _, err) = tool(h, &["history"]);
    assert_eq!(code, 2);
    assert_contains(&err, "history.sqlite");
    let (code, _, _) = tool(
        h,
        &["compare", "main", "latest", "--noise-threshold", "250"],
    );
    assert_eq!(code, 2);
}

#[test]
fn compare_without_gate_ignores_the_gate_a_loaded_report_carries() {
    // A report whose own run failed its `--gate`: comparing it without `--gate` is exit 0.
    let dir = tempfile::tempdir().unwrap();
    let mut report: serde_json::Value =
        serde_json::from_str(include_str!("../src/report/testdata/run-work.json")).unwrap();
    report["gate"] = serde_json::json!({"failed": true, "reasons": ["from its own run"]});
    let file = dir.path().join("gated.json");
    std::fs::write(&file, serde_json::to_vec(&report).unwrap()).unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = tool(dir.path(), &["compare", f, f]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = tool(dir.path(), &["compare", f, f, "--gate"]);
    assert_eq!(
        code, 0,
        "an unchanged comparison passes its own gate: {err}"
    );
}
