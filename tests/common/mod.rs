//! Builds the fixture crate (`tests/fixture`, a user's crate depending on qudag-bench by path)
//! once per test binary and runs its bench binaries as cargo would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The fixture's package directory.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture")
}

/// A target directory for the fixture, separate from the workspace's.
pub fn fixture_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-target")
}

/// A `cargo` command in the fixture with its own target directory.
pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(fixture_dir())
        .env("CARGO_TARGET_DIR", fixture_target_dir())
        .env_remove("QUDAG_BENCH_HOME")
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// Builds the fixture's bench targets with `cargo bench --no-run` and `extra` arguments; the
/// executables by target name.
fn build_benches(extra: &[&str]) -> Vec<(String, PathBuf)> {
    let out = cargo(&["bench", "--no-run", "--message-format=json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building the fixture ({extra:?}) failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["kind"][0] == "bench")
        .map(|msg| {
            let name = msg["target"]["name"].as_str().unwrap().to_string();
            (name, PathBuf::from(msg["executable"].as_str().unwrap()))
        })
        .collect()
}

/// The executable of bench target `name` among `exes`.
fn find_exe(exes: &[(String, PathBuf)], name: &str) -> PathBuf {
    exes.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no bench target {name}"))
        .1
        .clone()
}

/// Paths of the fixture's bench executables by target name, built in the bench profile.
pub fn bench_exe(name: &str) -> PathBuf {
    static EXES: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    find_exe(EXES.get_or_init(|| build_benches(&[])), name)
}

/// Settings that keep measured runs short in tests.
pub const FAST: &[&str] = &["--warmup-time", "5ms", "--measure-time", "20ms"];

/// A finished run of a bench binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().expect("exited normally"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs bench target `name` with `args` and `QUDAG_BENCH_HOME=home`, plus extra env vars.
pub fn run_bench(name: &str, args: &[&str], home: &Path, env: &[(&str, &str)]) -> Run {
    run_exe(&bench_exe(name), args, home, env)
}

/// The `work` bench executable of a second build of the fixture, with the `slow-build`
/// feature: three times the work in `tunable`, compiled in. It sits next to the first in the
/// fixture's target directory (its features give it another file name).
pub fn slow_work_exe() -> PathBuf {
    static EXES: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    let extra = ["--bench", "work", "--features", "slow-build"];
    find_exe(EXES.get_or_init(|| build_benches(&extra)), "work")
}

/// The `work` bench executable of a build of the fixture with the `step-build` feature: a
/// three tenths more work in `tunable`, compiled in.
pub fn step_work_exe() -> PathBuf {
    static EXES: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    let extra = ["--bench", "work", "--features", "step-build"];
    find_exe(EXES.get_or_init(|| build_benches(&extra)), "work")
}

/// The `work` bench executable of a build of the fixture with the `tenth-build` feature: a
/// tenth more work in `tunable`, compiled in.
pub fn tenth_work_exe() -> PathBuf {
    static EXES: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    let extra = ["--bench", "work", "--features", "tenth-build"];
    find_exe(EXES.get_or_init(|| build_benches(&extra)), "work")
}

/// Runs the bench executable `exe` as cargo would (from the fixture's directory), with
/// `QUDAG_BENCH_HOME` set to `home` and no other `QUDAG_BENCH_*` variable of the caller's.
pub fn run_exe(exe: &Path, args: &[&str], home: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home)
        .env("RUST_BACKTRACE", "0");
    for (k, _) in std::env::vars() {
        if k.starts_with("QUDAG_BENCH_") && k != "QUDAG_BENCH_HOME" {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().unwrap())
}

/// Runs a cargo command and captures it.
pub fn run_cargo(mut cmd: Command) -> Run {
    Run::from(cmd.output().unwrap())
}

/// Parses a JSON report.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Ids of the benchmarks in a report, in order.
pub fn ids(report: &serde_json::Value) -> Vec<String> {
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect()
}

/// Validates a run report against `schema/run-v1.schema.json`, listing every violation.
pub fn assert_valid(report: &serde_json::Value) {
    assert_valid_against(report, "run-v1.schema.json");
}

/// Validates a document against `schema/<schema_file>`, listing every violation.
pub fn assert_valid_against(report: &serde_json::Value, schema_file: &str) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(schema_file);
    let schema = read_json(&schema_path);
    let validator = jsonschema::validator_for(&schema).expect("the schema itself is valid");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates the schema:\n{}",
        errors.join("\n")
    );
}

/// Runs `cargo ARGS --message-format=json-render-diagnostics` in the workspace (with the
/// cargo running the tests, in the workspace's target dir) and returns the executables it
/// built: (target name, target kind, path).
pub fn built_executables(args: &[&str]) -> Vec<(String, String, PathBuf)> {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact")
        .filter_map(|msg| {
            let name = msg["target"]["name"].as_str()?.to_string();
            let kind = msg["target"]["kind"][0].as_str()?.to_string();
            Some((name, kind, PathBuf::from(msg["executable"].as_str()?)))
        })
        .collect()
}

/// The `qudag-bench` command (package `qudag-bench-cli`, a workspace member), built once per
/// test binary.
pub fn cli_exe() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        built_executables(&["build", "-p", "qudag-bench-cli", "--bin", "qudag-bench"])
            .into_iter()
            .find_map(|(name, _, path)| (name == "qudag-bench").then_some(path))
            .expect("cargo names the qudag-bench executable")
    })
    .clone()
}

/// Runs the `qudag-bench` command with `args`; returns its exit code, stdout and stderr.
pub fn qudag_bench<I, S>(args: I) -> (i32, String, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(cli_exe())
        .args(args)
        .env_remove("QUDAG_BENCH_HISTORY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Asserts that `text` contains `needle`, showing `text` when it does not.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

/// Runs bench target `target` in bench mode with [`FAST`] settings and `args`, in a fresh
/// home; asserts exit code 0, validates the JSON report against the schema and returns both.
pub fn measure_json(target: &str, args: &[&str]) -> (Run, serde_json::Value) {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let mut all = vec!["--bench", "--json", json.to_str().unwrap()];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    let run = run_bench(target, &all, home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    (run, report)
}

/// The benchmark `id` of a report.
pub fn bench<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(report)))
}

/// Reads the stderr of a `qudag-bench monitor` just started by the caller until it says where
/// it serves; returns that `host:port`, the lines read so far, and the rest of its stderr.
pub fn monitor_address(
    child: &mut std::process::Child,
) -> (
    String,
    String,
    std::io::Lines<std::io::BufReader<std::process::ChildStderr>>,
) {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("the monitor's stderr is piped");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut seen = String::new();
    loop {
        let Some(line) = lines.next() else {
            let _ = child.wait();
            panic!("the monitor exited before serving:\n{seen}");
        };
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if let Some(rest) = line.split("serving http://").nth(1) {
            let addr = rest.split("/metrics").next().unwrap().to_string();
            return (addr, seen, lines);
        }
    }
}

/// A new, empty database on the PostgreSQL server of `QUDAG_BENCH_TEST_POSTGRES` (a URL whose
/// user may create databases; `ci/postgres.sh start` prints one), as a URL; `None` when the
/// variable is unset, unless `QUDAG_BENCH_REQUIRE_POSTGRES=1` (CI), which makes that a
/// failure.
pub fn postgres_database(name: &str) -> Option<String> {
    postgres_database_on("QUDAG_BENCH_TEST_POSTGRES", name)
}

/// [`postgres_database`] on the server the variable `var` names (made over a connection
/// without TLS, which the tests' servers take).
pub fn postgres_database_on(var: &str, name: &str) -> Option<String> {
    let Ok(base) = std::env::var(var) else {
        let required = std::env::var("QUDAG_BENCH_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "QUDAG_BENCH_REQUIRE_POSTGRES=1 but {var} is unset"
        );
        eprintln!("note: {var} is unset (ci/postgres.sh start); skipped");
        return None;
    };
    let db = format!("qb_{name}_{}", std::process::id());
    let mut client = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("{var}: cannot connect: {e}"));
    // One statement per call: a multi-statement batch is one transaction, which these refuse.
    for sql in [
        format!("DROP DATABASE IF EXISTS {db}"),
        format!("CREATE DATABASE {db}"),
    ] {
        client.batch_execute(&sql).unwrap();
    }
    let (head, _) = base.rsplit_once('/').expect("a URL with a database");
    Some(format!("{head}/{db}"))
}
