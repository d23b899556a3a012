//! `qudag-bench run` on the fixture crate: one summary and one run group over several bench
//! targets, the harness's exit codes passed through and combined (101 > 2 > 3 > 0), the test
//! mode with concurrent targets, and bad input.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// `qudag-bench run ARGS` in the fixture with home `home`; the fixture's own target dir.
fn run_tool(home: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(cli_exe());
    cmd.arg("run")
        .args(args)
        .current_dir(fixture_dir())
        .env("CARGO_TARGET_DIR", fixture_target_dir())
        .env("QUDAG_BENCH_HOME", home)
        .env("RUST_BACKTRACE", "0");
    for (k, _) in std::env::vars() {
        if k.starts_with("QUDAG_BENCH_") && k != "QUDAG_BENCH_HOME" {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `-- ARGS` with the FAST settings.
fn harness<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--"];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    all
}

fn groups_in_history(home: &Path) -> Vec<(String, Option<String>)> {
    let db = rusqlite::Connection::open(home.join("history.sqlite")).unwrap();
    let mut stmt = db
        .prepare("SELECT bench_target, run_group FROM runs ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_measured_run_of_two_targets_is_one_group_with_one_summary() {
    let home = tempfile::tempdir().unwrap();
    let doc_path = home.path().join("group.json");
    let mut args = vec![
        "--bench",
        "work",
        "--bench",
        "forms",
        "--json",
        doc_path.to_str().unwrap(),
    ];
    let html = home.path().join("{target}.html");
    args.extend(harness(&[
        "--skip",
        "loop_work",
        "--html",
        html.to_str().unwrap(),
    ]));
    let r = run_tool(home.path(), &args);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.matches("summary of").count(), 1, "{}", r.stdout);
    // Report paths with `{target}` pass through: one file per bench target.
    for target in ["work", "forms"] {
        assert!(
            home.path().join(format!("{target}.html")).is_file(),
            "{target}"
        );
    }
    assert_contains(&r.stdout, "summary of 2 bench targets");
    // Both targets ran, in cargo's order, each announced like cargo does.
    let forms = r
        .stderr
        .find("Running benches/forms.rs")
        .expect("forms ran");
    let work = r.stderr.find("Running benches/work.rs").expect("work ran");
    assert!(forms < work, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("  forms ") && l.contains(" ok "))
    );
    assert_contains(&r.stdout, "exit code 0: ok");

    let doc = read_json(&doc_path);
    assert_valid_against(&doc, "group-v1.schema.json");
    let group = doc["run_group"].as_str().unwrap().to_string();
    assert_contains(&r.stdout, &format!("history --group {group}"));
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    for t in targets {
        assert_eq!(t["exit_code"], 0);
        assert_valid(&t["report"]);
        assert_eq!(t["report"]["run_group"], group.as_str());
    }
    // The latest results carry the group, and the history has one group of two runs.
    assert_eq!(
        read_json(&home.path().join("results/work.json"))["run_group"],
        group.as_str()
    );
    let rows = groups_in_history(home.path());
    assert_eq!(
        rows,
        [
            ("forms".to_string(), Some(group.clone())),
            ("work".to_string(), Some(group.clone()))
        ]
    );
    let (code, out, err) = qudag_bench([
        "--home",
        home.path().to_str().unwrap(),
        "history",
        "--group",
        "latest",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().any(|l| l.contains(" forms ")) && out.lines().any(|l| l.contains(" work "))
    );
    let (_, out, _) = qudag_bench([
        "--home",
        home.path().to_str().unwrap(),
        "history",
        "--group",
        "x",
    ]);
    assert!(out.trim().is_empty(), "{out}");
}

#[test]
fn failures_beat_the_gate_and_every_target_still_runs() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("q.toml");
    std::fs::write(&cfg, "[targets]\n\"tunable\" = \"< 1ns\"\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    // Alone, the missed target is the gate's exit 3, passed through.
    let mut args = vec!["--bench", "work"];
    args.extend(harness(&["--exact", "tunable", "--config", cfg, "--gate"]));
    let r = run_tool(home.path(), &args);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_contains(&r.stdout, "GATE FAILED");
    assert_contains(&r.stdout, "exit code 3: the gate failed");

    // With the failing benchmarks of `faults`, which runs first, the run exits 101 and
    // `work` still runs (cargo bench would stop after `faults`).
    let mut args = vec!["--bench", "faults", "--bench", "work"];
    args.extend(harness(&["--config", cfg, "--gate", "--skip", "loop_work"]));
    let r = run_tool(home.path(), &args);
    assert_eq!(r.code, 101, "{}\n{}", r.stdout, r.stderr);
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(&format!("  {name} ")))
            .unwrap_or_else(|| panic!("no summary line for {name}:\n{}", r.stdout))
            .to_string()
    };
    assert!(
        line("faults").starts_with("  faults  FAILED "),
        "{}",
        r.stdout
    );
    assert_contains(&line("faults"), "1 ok   2 failed   2 timed out");
    assert!(
        line("work").starts_with("  work    GATE FAILED "),
        "{}",
        r.stdout
    );
    assert_contains(&r.stdout, "gate failed in 1 of 2 targets");
    assert_contains(&r.stdout, "exit code 101: a benchmark failed");
}

#[test]
fn test_mode_runs_targets_concurrently_without_mixing_their_output() {
    let home = tempfile::tempdir().unwrap();
    let r = run_tool(
        home.path(),
        &[
            "--test", "--jobs", "2", "--bench", "forms", "--bench", "work", "--bench", "alloc",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // Each target's output is one block: its Running line, its tests, its result line.
    let blocks: Vec<&str> = r.stdout.split("     Running ").skip(1).collect();
    assert_eq!(blocks.len(), 3, "{}", r.stdout);
    for (file, own, other) in [
        ("forms.rs", "test fib10 ", "test tunable "),
        ("work.rs", "test tunable ", "test vec_1k "),
        ("alloc.rs", "test vec_1k ", "test fib10 "),
    ] {
        let block = blocks
            .iter()
            .find(|b| b.starts_with(&format!("benches/{file}")))
            .unwrap_or_else(|| panic!("no block for {file}:\n{}", r.stdout));
        assert_contains(block, own);
        assert!(
            !block.contains(other),
            "{file}'s block has {other:?}:\n{block}"
        );
        assert_eq!(block.matches("test result: ok.").count(), 1, "{block}");
    }
    assert_contains(&r.stdout, "summary of 3 bench targets");
    assert_contains(&r.stdout, "total: 22 passed, 0 failed, 1 ignored");
    assert!(
        !home.path().join("history.sqlite").exists(),
        "smoke tests record nothing"
    );
}

#[test]
fn jobs_above_one_when_measuring_run_one_at_a_time_and_say_why() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--jobs", "2", "--bench", "work"];
    args.extend(harness(&["--exact", "tunable"]));
    let r = run_tool(home.path(), &args);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_contains(&r.stderr, "--jobs 2 ignored");
    assert_contains(&r.stderr, "disturb each other's timings");
}

#[test]
fn bad_input_is_exit_2_naming_it() {
    let home = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["--bench", "nope"][..], "--bench nope"),
        (&["--package", "nope"], "--package nope"),
        (&["--", "--samples", "1"], "--samples"),
        (&["--", "--json", "x.json"], "--json x.json"),
        (&["--", "--html", "r.html"], "put `{target}` in the path"),
        (&["--", "--bench"], "--bench after `--`"),
        (&["--jobs", "0"], "--jobs"),
    ] {
        let r = run_tool(home.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert_contains(&r.stderr, needle);
    }
    assert!(!home.path().join("results").exists(), "nothing ran");
}

#[test]
fn a_build_failure_is_exit_101() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("benches")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         [workspace]\n[[bench]]\nname = \"b\"\nharness = false\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("benches/b.rs"),
        "fn main() { let x: u32 = \"not a number\"; }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    let manifest = dir.path().join("Cargo.toml");
    let out = Command::new(cli_exe())
        .args(["run", "--manifest-path", manifest.to_str().unwrap()])
        .env("CARGO_TARGET_DIR", dir.path().join("target"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{stderr}");
    assert_contains(&stderr, "mismatched types");
    assert_contains(&stderr, "the build failed");
}
