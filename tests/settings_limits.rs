//! Every duration setting has a range checked when it is parsed, from a flag, its variable, the
//! configuration file or the attribute: a value outside it (NaN, inf, negative, huge, 1e-300)
//! is exit 2 naming the setting, before anything is measured, and never a panic. The file's
//! `noise_threshold` is read and used like `--noise-threshold`.

mod common;
use common::*;
use std::path::Path;

/// Asserts a usage error naming every one of `names`, with nothing measured or written.
#[track_caller]
fn assert_refused(run: &Run, home: &Path, names: &[&str]) {
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for name in names {
        assert_contains(&run.stderr, name);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing measured");
    assert!(!home.join("results").exists(), "nothing written");
}

#[test]
fn a_huge_timeout_is_exit_2_from_the_flag_the_variable_and_the_file() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let range = "expected a duration from 1ms to 86400s (24 h)";
    let run = run_bench("forms", &["--bench", "--timeout", "1e19"], h, &[]);
    assert_refused(&run, h, &["--timeout", "1e19", range]);

    let run = run_bench("forms", &["--bench"], h, &[("QUDAG_BENCH_TIMEOUT", "1e19")]);
    assert_refused(
        &run,
        h,
        &["--timeout", "QUDAG_BENCH_TIMEOUT", "1e19", range],
    );

    let cfg = h.join("q.toml");
    std::fs::write(&cfg, "[global]\ntimeout = 1e19\n").unwrap();
    let run = run_bench(
        "forms",
        &["--bench", "--config", cfg.to_str().unwrap()],
        h,
        &[],
    );
    assert_refused(&run, h, &["q.toml", "`global.timeout`", range]);
}

#[test]
fn every_duration_flag_refuses_every_numeric_edge() {
    let home = tempfile::tempdir().unwrap();
    let flags = [
        ("--warmup-time", "from 0 to 3600s (1 h)"),
        ("--measure-time", "from 1ms to 3600s (1 h)"),
        ("--timeout", "from 1ms to 86400s (24 h)"),
    ];
    for (flag, range) in flags {
        for value in [
            "1e12", "1e19", "nan", "inf", "-1", "-1e-300", "1e400", "1e19s",
        ] {
            // `--flag=value`: clap would take a separate `-1` for a flag.
            let arg = format!("{flag}={value}");
            let run = run_bench("forms", &["--bench", &arg], home.path(), &[]);
            assert_refused(&run, home.path(), &[flag, value, range]);
        }
    }
    // 1e-300 s rounds to no time at all: a valid warmup, but no measurement or timeout.
    for flag in ["--measure-time", "--timeout"] {
        let run = run_bench("forms", &["--bench", flag, "1e-300"], home.path(), &[]);
        assert_refused(&run, home.path(), &[flag, "from 1ms to "]);
    }
}

#[test]
fn ab_durations_have_ranges_too() {
    for (flag, value) in [
        ("--budget", "1e19"),
        ("--timeout", "nan"),
        ("--budget", "0"),
    ] {
        let (code, _, err) = qudag_bench(["ab", "--base", "b", "--head", "h", flag, value]);
        assert_eq!(code, 2, "{err}");
        assert_contains(
            &err,
            &format!("invalid value '{value}' for '{flag} <SECS>'"),
        );
        assert_contains(&err, "from 1ms to 86400s (24 h)");
    }
}

#[test]
fn times_that_pass_a_set_timeout_are_exit_2_naming_both() {
    let home = tempfile::tempdir().unwrap();
    let args = ["--bench", "plain", "--warmup-time", "2", "--timeout", "1"];
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_refused(
        &run,
        home.path(),
        &[
            "benchmark `plain`",
            "warmup_time 2s (--warmup-time or QUDAG_BENCH_WARMUP_TIME)",
            "timeout 1s (--timeout or QUDAG_BENCH_TIMEOUT)",
        ],
    );
}

#[test]
fn noise_threshold_in_the_file_reaches_the_comparison_in_percent_like_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let json = h.join("out.json");
    let run_with = |extra: &[&str]| {
        let mut args = vec!["--bench", "--exact", "plain", "--no-confirm"];
        args.extend_from_slice(FAST);
        args.extend_from_slice(&["--json", json.to_str().unwrap()]);
        args.extend_from_slice(extra);
        let run = run_bench("forms", &args, h, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report = read_json(&json);
        let b = bench(&report, "plain");
        (
            b["config"]["noise_threshold_pct"].as_f64().unwrap(),
            b["comparison"]["noise_threshold"].as_f64(),
        )
    };
    run_with(&["--save-baseline", "main"]);
    let cfg = h.join("q.toml");
    std::fs::write(
        &cfg,
        "[global]\nnoise_threshold = 37\n[suite.forms]\nnoise_threshold = \"41%\"\n",
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let (pct, used) = run_with(&["--baseline", "main", "--config", cfg]);
    assert_eq!((pct, used), (41.0, Some(0.41)), "the suite section wins");
    let (pct, used) = run_with(&[
        "--baseline",
        "main",
        "--config",
        cfg,
        "--noise-threshold",
        "45",
    ]);
    assert_eq!((pct, used), (45.0, Some(0.45)), "the flag beats the file");

    // `qudag-bench compare --noise-threshold` takes percent too and applies the same fraction.
    for flag in ["45", "45%"] {
        let (code, out, err) = qudag_bench([
            "--home",
            h.to_str().unwrap(),
            "compare",
            "main",
            "latest",
            "--format",
            "json",
            "--noise-threshold",
            flag,
        ]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["benchmarks"][0]["comparison"]["noise_threshold"], 0.45);
    }

    std::fs::write(h.join("bad.toml"), "[bench.plain]\nnoise_threshold = 250\n").unwrap();
    let bad = h.join("bad.toml");
    let run = run_bench(
        "forms",
        &["--bench", "--config", bad.to_str().unwrap()],
        h,
        &[],
    );
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, "`bench.plain.noise_threshold`");
    assert_contains(
        &run.stderr,
        "expected a percentage from 0 up to (not including) 100",
    );
}
