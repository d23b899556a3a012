//! `qudag-bench history`, `compare`, `report` and `monitor` find what the harness wrote under
//! the same rule (`store::paths::resolve_home`): run from a member crate of a workspace whose
//! target directory is set by `build.target-dir`, and with `CARGO_TARGET_DIR` set, with no
//! `--home` and no `$QUDAG_BENCH_HOME` on either side.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A workspace with one member crate holding one bench target, `member_bench`, whose target
/// directory is the fixture's (set in the workspace's `.cargo/config.toml`, so the bench and
/// the CLI learn it only from cargo). Kept between runs, like the fixture's target directory,
/// so only the member builds again. Returns the member's directory.
fn workspace() -> PathBuf {
    let ws = Path::new(env!("CARGO_TARGET_TMPDIR")).join("home-ws");
    let repo = env!("CARGO_MANIFEST_DIR");
    let target = fixture_target_dir();
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"member\"]\nresolver = \"3\"\n".to_string(),
        ),
        (
            ".cargo/config.toml",
            format!("[build]\ntarget-dir = {:?}\n", target.to_str().unwrap()),
        ),
        (
            "member/Cargo.toml",
            format!(
                "[package]\nname = \"member\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[lib]\nbench = false\n\n[dev-dependencies]\n\
                 qudag-bench = {{ path = {repo:?} }}\n\n\
                 [[bench]]\nname = \"member_bench\"\nharness = false\n"
            ),
        ),
        ("member/src/lib.rs", String::new()),
        (
            "member/benches/member_bench.rs",
            "use qudag_bench::{Bencher, qudag_bench};\n\n#[qudag_bench]\n\
             fn sum(b: &mut Bencher) {\n    b.iter(|| (0..100u64).sum::<u64>());\n}\n\n\
             qudag_bench::main!();\n"
                .to_string(),
        ),
    ];
    for (path, text) in files {
        let path = ws.join(path);
        // Rewritten only when changed: a new mtime would rebuild the member every time.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
    }
    // The fixture's versions, so the dependencies already built for it are reused.
    if !ws.join("Cargo.lock").exists() {
        std::fs::copy(fixture_dir().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    }
    ws.join("member")
}

/// A command run in `dir` with no home given and `CARGO_TARGET_DIR` as `target_dir` says.
fn user_command(
    program: impl AsRef<std::ffi::OsStr>,
    dir: &Path,
    target_dir: Option<&Path>,
) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir).env("RUST_BACKTRACE", "0");
    for (k, _) in std::env::vars() {
        if k.starts_with("QUDAG_BENCH_") {
            cmd.env_remove(k);
        }
    }
    match target_dir {
        Some(t) => cmd.env("CARGO_TARGET_DIR", t),
        None => cmd.env_remove("CARGO_TARGET_DIR"),
    };
    cmd
}

/// Runs `qudag-bench ARGS` as `user_command` sets it up.
fn cli(dir: &Path, target_dir: Option<&Path>, args: &[&str]) -> Run {
    let mut cmd = user_command(cli_exe(), dir, target_dir);
    run_cargo({
        cmd.args(args);
        cmd
    })
}

/// `cargo bench --bench TARGET -- ARGS --save-baseline BASELINE` in `dir`, then every
/// command that reads the home, from the same directory and environment. `home` is where the
/// harness is expected to write (asserted, so a wrong expectation fails here, not later).
fn bench_then_read(
    dir: &Path,
    target_dir: Option<&Path>,
    target: &str,
    args: &[&str],
    id: &str,
    baseline: &str,
) {
    let home = fixture_target_dir().join("qudag-bench");
    let mut bench = user_command(env!("CARGO"), dir, target_dir);
    bench
        .args(["bench", "--bench", target, "--"])
        .args(args)
        .args(FAST);
    bench.args(["--save-baseline", baseline]);
    let run = run_cargo(bench);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let results = read_json(&home.join("results").join(format!("{target}.json")));
    let run_id = results["run_id"].as_str().unwrap().to_string();
    assert!(
        home.join("baselines")
            .join(baseline)
            .join(format!("{target}.json"))
            .is_file(),
        "no baseline {baseline} in {}",
        home.display()
    );

    let history = cli(dir, target_dir, &["history", "--bench", id]);
    assert_eq!(history.code, 0, "history: {}", history.stderr);
    assert_contains(&history.stdout, &run_id);

    let compare = cli(
        dir,
        target_dir,
        &["compare", baseline, "latest", "--format", "json"],
    );
    assert_eq!(compare.code, 0, "compare: {}", compare.stderr);
    let compared: serde_json::Value = serde_json::from_str(&compare.stdout).unwrap();
    let ours = compared
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["bench_target"] == target)
        .unwrap_or_else(|| panic!("compare: no {target} in {}", compare.stdout));
    assert_eq!(ours["benchmarks"][0]["id"], id, "{}", compare.stdout);

    let report = cli(dir, target_dir, &["report", &run_id, "--format", "csv"]);
    assert_eq!(report.code, 0, "report: {}", report.stderr);
    assert_contains(&report.stdout, id);

    let metrics = scrape(dir, target_dir);
    assert_contains(&metrics, &format!("bench_target=\"{target}\""));
    assert_contains(&metrics, &format!("benchmark=\"{id}\""));
}

/// One scrape of `qudag-bench monitor` started in `dir`: its `/metrics` body.
fn scrape(dir: &Path, target_dir: Option<&Path>) -> String {
    let mut cmd = user_command(cli_exe(), dir, target_dir);
    let mut child = cmd
        .args(["monitor", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (addr, _, _) = monitor_address(&mut child);
    let mut stream = TcpStream::connect(&addr).unwrap();
    // A bound against a hang, not a speed claim.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    response
}

#[test]
fn the_cli_in_a_workspace_member_finds_what_the_bench_wrote() {
    let member = workspace();
    bench_then_read(&member, None, "member_bench", &[], "sum", "home-member");
}

#[test]
fn the_cli_with_cargo_target_dir_finds_what_the_bench_wrote() {
    let target = fixture_target_dir();
    let args = ["--exact", "tunable"];
    bench_then_read(
        &fixture_dir(),
        Some(&target),
        "work",
        &args,
        "tunable",
        "home-target-dir",
    );
}

#[test]
fn outside_a_workspace_a_command_that_needs_the_home_is_exit_2_naming_what_it_tried() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["history"][..],
        &["compare", "main", "latest"],
        &["report"],
    ] {
        let run = cli(dir.path(), None, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        for needle in ["--home", "QUDAG_BENCH_HOME", "cargo metadata"] {
            assert_contains(&run.stderr, needle);
        }
    }
    // A report file needs no home.
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/testdata/run-work.json");
    let run = cli(
        dir.path(),
        None,
        &["report", report.to_str().unwrap(), "--format", "csv"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
