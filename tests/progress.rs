//! The progress line: absent when output is piped; on a pseudo-terminal (util-linux `script`,
//! skipped if missing) drawn on stderr and cleared around whole result lines, and off with
//! `--no-progress`, `QUDAG_BENCH_NO_PROGRESS` or `--json -`.

mod common;
use common::*;
use std::process::Command;

#[test]
fn piped_output_has_no_progress_text_or_escape_codes() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "--exact", "tunable"];
    args.extend_from_slice(FAST);
    let r = run_bench("work", &args, home.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
        assert!(!text.contains("elapsed"), "{text}");
    }
    assert!(
        r.stdout.lines().any(|l| l.starts_with("tunable ")),
        "{}",
        r.stdout
    );
}

/// Runs the `work` bench binary under `script` (a pseudo-terminal for stdout and stderr);
/// `None` when `script` is not installed.
fn on_a_terminal(extra: &[&str], env: &[(&str, &str)]) -> Option<String> {
    Command::new("script").arg("--version").output().ok()?;
    let home = tempfile::tempdir().unwrap();
    let mut line = format!(
        "{} --bench --exact tunable --warmup-time 5ms --measure-time 20ms",
        bench_exe("work").display()
    );
    for a in extra {
        line.push(' ');
        line.push_str(a);
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home.path())
        .env("TERM", "xterm");
    for (k, _) in std::env::vars() {
        if k.starts_with("QUDAG_BENCH_") && k != "QUDAG_BENCH_HOME" {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{text}");
    Some(text)
}

#[test]
fn a_terminal_gets_a_progress_line_that_never_breaks_a_result_line() {
    let Some(text) = on_a_terminal(&[], &[]) else {
        eprintln!("`script` (util-linux) is not installed: skipping the terminal check");
        return;
    };
    assert_contains(&text, "\r\x1b[2K[1/1] tunable  ");
    assert_contains(&text, " elapsed");
    // The result line is printed whole, right after the progress line was erased.
    let result = text
        .split("\r\x1b[2K")
        .find(|part| part.starts_with("tunable "))
        .unwrap_or_else(|| panic!("no whole result line in {text:?}"));
    let result = result.lines().next().unwrap();
    // The median with its interval (its unit depends on the machine's speed: ns or µs).
    assert!(
        result.contains("s  [") && result.contains("]  ±"),
        "{result:?}"
    );
    assert!(!result.contains("elapsed"), "{result:?}");
    // Cleared at the end: the summary line is not preceded by progress text.
    let last = text.rfind("elapsed").unwrap();
    let summary = text.find("result: ok.").unwrap();
    assert!(last < summary, "{text:?}");
}

#[test]
fn no_progress_flag_env_and_json_to_stdout_turn_it_off() {
    for (extra, env) in [
        (&["--no-progress"][..], &[][..]),
        (&[], &[("QUDAG_BENCH_NO_PROGRESS", "1")]),
        (&["--json", "-"], &[]),
        (&["--output-format", "bencher"], &[]),
    ] {
        let Some(text) = on_a_terminal(extra, env) else {
            return;
        };
        assert!(!text.contains("elapsed"), "{extra:?} {env:?}: {text:?}");
    }
}
