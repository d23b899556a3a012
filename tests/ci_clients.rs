//! The CI tools people already run read qudag-bench's output, checked with the tools' own
//! code: github-action-benchmark's parser (`extract.js` in the tool library's
//! `shared/clients`, run on Node.js) on the bencher lines of every QuDAG suite target and on
//! `qudag-bench report --format github-action-benchmark`.
//!
//! Without Node.js or the parser the tests say why and pass, unless
//! `QUDAG_BENCH_REQUIRE_CLIENTS=1` (set by `.ci/run`, which installs Node.js) makes that a
//! failure.

mod common;

use common::FAST;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// github-action-benchmark's bundled parser: `$QUDAG_BENCH_CLIENTS` (a `clients` directory),
/// else `shared/clients` beside this checkout or beside one of its parents.
fn action_parser() -> Option<PathBuf> {
    let file = "github-action-benchmark/extract.js";
    if let Some(dir) = std::env::var_os("QUDAG_BENCH_CLIENTS") {
        return Some(Path::new(&dir).join(file)).filter(|p| p.is_file());
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/clients").join(file))
        .find(|p| p.is_file())
}

/// The parser and Node.js, or `None` after saying what is missing (a failure when required).
fn client() -> Option<PathBuf> {
    let node = Command::new("node").arg("--version").output();
    let missing = match (node, action_parser()) {
        (Ok(out), Some(parser)) if out.status.success() => return Some(parser),
        (Ok(_), None) => "github-action-benchmark's extract.js (set QUDAG_BENCH_CLIENTS)",
        _ => "Node.js (`node`)",
    };
    let required = std::env::var("QUDAG_BENCH_REQUIRE_CLIENTS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "QUDAG_BENCH_REQUIRE_CLIENTS=1 but {missing} is missing"
    );
    eprintln!("skipped: {missing} is missing");
    None
}

/// Runs `extract.js TOOL FILE`; the benchmarks it found.
fn parse_with_action(parser: &Path, tool: &str, file: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("node")
        .arg(parser)
        .arg(tool)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "github-action-benchmark rejected {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The executables of this package's bench targets (the QuDAG suites), built with the test
/// profile: the output format does not depend on the optimizer, and `cargo test --benches`
/// builds the same ones.
fn suite_exes() -> Vec<(String, PathBuf)> {
    common::built_executables(&["test", "--benches", "--no-run"])
        .into_iter()
        .filter(|(_, kind, _)| kind == "bench")
        .map(|(name, _, path)| (name, path))
        .collect()
}

#[test]
fn github_action_benchmark_reads_every_suite_benchmark_at_the_reports_median_both_ways() {
    let Some(parser) = client() else { return };
    let dir = tempfile::tempdir().unwrap();
    let exes = suite_exes();
    assert!(exes.len() >= 5, "{exes:?}");
    for (target, exe) in exes {
        let json = dir.path().join(format!("{target}.json"));
        let text = dir.path().join(format!("{target}.txt"));
        // As `cargo bench -- --output-format bencher 2>&1 | tee output.txt` captures it:
        // stdout and stderr in one file, so a benchmark's own stderr lands between lines.
        let file = std::fs::File::create(&text).unwrap();
        let status = Command::new(&exe)
            .args(["--bench", "--output-format", "bencher", "--no-history"])
            .args(FAST)
            .arg("--json")
            .arg(&json)
            .env("QUDAG_BENCH_HOME", dir.path())
            .stdout(file.try_clone().unwrap())
            .stderr(Stdio::from(file))
            .status()
            .unwrap();
        assert!(status.success(), "{target}: {status}");
        let report = common::read_json(&json);
        let measured = report["benchmarks"].as_array().unwrap();
        let parsed = parse_with_action(&parser, "cargo", &text);
        assert_eq!(
            parsed.len(),
            measured.len(),
            "{target}: the action read {} of {} benchmarks from:\n{}",
            parsed.len(),
            measured.len(),
            std::fs::read_to_string(&text).unwrap()
        );
        // Printed with two decimals.
        assert_read_at_medians(&target, &parsed, measured, 0.005);
        // The same report as the action's custom JSON, read as `customSmallerIsBetter`.
        let custom = dir.path().join(format!("{target}.action.json"));
        let (code, _, err) = common::qudag_bench([
            "report".as_ref(),
            json.as_os_str(),
            "--format".as_ref(),
            "github-action-benchmark".as_ref(),
            "--out".as_ref(),
            custom.as_os_str(),
        ]);
        assert_eq!(code, 0, "{err}");
        let parsed = parse_with_action(&parser, "customSmallerIsBetter", &custom);
        assert_eq!(parsed.len(), measured.len(), "{target}");
        assert_read_at_medians(&target, &parsed, measured, 0.0);
    }
}

/// The action's benchmarks are the report's, in order, in ns/iter, at the medians within
/// `precision`.
#[track_caller]
fn assert_read_at_medians(
    target: &str,
    parsed: &[serde_json::Value],
    measured: &[serde_json::Value],
    precision: f64,
) {
    for (seen, bench) in parsed.iter().zip(measured) {
        assert_eq!(seen["name"], bench["id"], "{target}");
        assert_eq!(seen["unit"], "ns/iter", "{target}");
        let median = bench["time_ns"]["median"].as_f64().unwrap();
        let value = seen["value"].as_f64().unwrap();
        assert!(
            (value - median).abs() <= precision + median * 1e-12,
            "{target} {}: the action read {value}, the report says {median}",
            bench["id"]
        );
    }
}
