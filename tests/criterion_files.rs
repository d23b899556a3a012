//! Criterion's files, both ways: `qudag-bench import criterion` on results the real criterion
//! crate wrote (a tiny crate built here), and the tree `report::criterion_tree` writes, read by
//! critcmp and imported back.
//!
//! critcmp must be installed (`cargo install --locked critcmp`; CI does); without it the
//! critcmp test fails saying so, unless `QUDAG_BENCH_SKIP_CRITCMP=1`.

mod common;

use common::{assert_contains, cli_exe, read_json};
use qudag_bench::report::criterion_tree;
use qudag_bench::schema::RunReport;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A crate benchmarked with criterion 0.5: a top-level `bench_function`, a group with
/// `BenchmarkId::new` and bytes throughput, and `BenchmarkId::from_parameter`.
const BENCH: &str = r#"use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    c.bench_function("sum", |b| b.iter(|| (0..black_box(200u64)).sum::<u64>()));
    let mut g = c.benchmark_group("hash");
    for n in [64u64, 256] {
        g.throughput(Throughput::Bytes(n));
        g.bench_with_input(BenchmarkId::new("fold", n), &n, |b, &n| {
            b.iter(|| (0..black_box(n)).fold(0u64, |a, x| a.rotate_left(5) ^ x))
        });
    }
    g.throughput(Throughput::Elements(1000));
    g.bench_with_input(BenchmarkId::from_parameter(1000), &1000u64, |b, &n| {
        b.iter(|| (0..black_box(n)).sum::<u64>())
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
"#;

const MANIFEST: &str = r#"[package]
name = "crit-import"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dev-dependencies]
criterion = { version = "0.5", default-features = false }

[[bench]]
name = "crit"
harness = false
"#;

/// The crate's directory (kept between runs, so criterion is built once).
fn criterion_crate() -> PathBuf {
    crate_in("criterion-crate", MANIFEST)
}

/// A crate named `name` under the tests' temp dir with manifest `manifest` and the bench file
/// [`BENCH`]; each file is rewritten only when changed (a new mtime would rebuild the crate).
fn crate_in(name: &str, manifest: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    for (path, text) in [
        ("Cargo.toml", manifest),
        ("src/lib.rs", ""),
        ("benches/crit.rs", BENCH),
    ] {
        let path = dir.join(path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
    }
    dir
}

/// `qudag-bench ARGS` in `dir` with `CARGO_TARGET_DIR=target`: exit code, stdout, stderr.
fn qudag_bench_in(dir: &Path, target: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(cli_exe())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("QUDAG_BENCH_HOME")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn real_criterion_results_become_a_baseline_that_compare_reads() {
    let dir = criterion_crate();
    let target = dir.join("target");
    let crit = target.join("criterion");
    let _ = std::fs::remove_dir_all(&crit);
    let _ = std::fs::remove_dir_all(target.join("qudag-bench"));
    let out = Command::new(env!("CARGO"))
        .args(["bench", "--bench", "crit", "--", "--warm-up-time", "0.1"])
        .args(["--measurement-time", "0.3", "--sample-size", "10"])
        .args(["--save-baseline", "crit"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "criterion's bench failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // DIR defaults to <cargo target dir>/criterion, the home to <target dir>/qudag-bench.
    let (code, _, err) = qudag_bench_in(
        &dir,
        &target,
        &["import", "criterion", "--baseline", "crit"],
    );
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "imported 4 benchmark(s) of criterion's set `crit`");
    let saved = read_json(&target.join("qudag-bench/baselines/crit/criterion.json"));
    common::assert_valid(&saved);
    let report: RunReport = serde_json::from_value(saved).unwrap();
    let mut ids: Vec<&str> = report.benchmarks.iter().map(|b| b.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["hash/1000", "hash/fold/256", "hash/fold/64", "sum"]);
    for b in &report.benchmarks {
        assert_eq!(
            b.samples_ns.len(),
            10,
            "{}: criterion's --sample-size",
            b.id
        );
        // criterion's median is the type-7 (linearly interpolated) median of the same
        // per-iteration times, times[i] / iters[i], and so is qudag-bench's: the two agree to
        // rounding (criterion's times are whole nanoseconds, read back exactly). Only the
        // median's point estimate is compared: the intervals come from different bootstraps.
        let est = read_json(&crit.join(&b.id).join("crit/estimates.json"));
        let theirs = est["median"]["point_estimate"].as_f64().unwrap();
        let ours = b.time_ns.as_ref().unwrap().median;
        assert!(
            (ours - theirs).abs() <= 1e-9 * theirs,
            "{}: median {ours} vs criterion's {theirs}",
            b.id
        );
    }
    let fold = report
        .benchmarks
        .iter()
        .find(|b| b.id == "hash/fold/64")
        .unwrap();
    assert_eq!(fold.arg.as_deref(), Some("64"));
    assert_eq!(
        serde_json::to_value(fold.throughput.unwrap().per_iter).unwrap(),
        serde_json::json!({"kind": "bytes", "per_iter": 64})
    );
    assert!(
        report.environment.host.is_none() && report.environment.unavailable.contains_key("host")
    );
    let (code, out, err) = qudag_bench_in(&dir, &target, &["compare", "crit", "crit"]);
    assert_eq!(code, 0, "{err}");
    for id in ids {
        assert_contains(&out, id);
    }
    // One run in the history; importing the same set again is the same run.
    let (code, _, err) = qudag_bench_in(
        &dir,
        &target,
        &["import", "criterion", "--baseline", "crit"],
    );
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "already in the history");
    let (code, out, err) = qudag_bench_in(&dir, &target, &["history"]);
    assert_eq!(code, 0, "{err}");
    // One row per benchmark, all of the one run.
    let rows: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 4, "{out}");
    assert!(rows.iter().all(|r| r.contains(&report.run_id)), "{out}");
}

/// A small criterion tree: one benchmark in set `new`.
fn tree_with(sample: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("criterion/g/f/new");
    std::fs::create_dir_all(&at).unwrap();
    std::fs::write(
        at.join("benchmark.json"),
        r#"{"group_id":"g","function_id":"f","value_str":null,"throughput":null,
            "full_id":"g/f","directory_name":"g/f","title":"g/f"}"#,
    )
    .unwrap();
    std::fs::write(at.join("sample.json"), sample).unwrap();
    dir
}

#[test]
fn bad_criterion_input_exits_2_naming_the_file_and_keeps_the_users_files() {
    let dir = tree_with(r#"{"sampling_mode":"Flat","iters":[1.0,1.0],"times":[5.0]}"#);
    let home = dir.path().join("home");
    let crit = dir.path().join("criterion");
    let run = |args: &[&str]| {
        let mut all = vec!["--home", home.to_str().unwrap(), "import", "criterion"];
        all.extend_from_slice(args);
        common::qudag_bench(all)
    };
    let (code, _, err) = run(&[crit.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "g/f/new/sample.json");
    assert_contains(&err, "expected one of each per sample");
    let (code, _, err) = run(&[dir.path().join("nothing").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "nothing is not a directory of criterion results");
    let (code, _, err) = run(&[crit.to_str().unwrap(), "--baseline", "main"]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "has no criterion results of set `main`");
    assert_contains(&err, "`new`");
    // A baseline that does not read is left as it is.
    let good = tree_with(r#"{"sampling_mode":"Flat","iters":[1.0,2.0],"times":[5.0,9.0]}"#);
    let mine = home.join("baselines/new/criterion.json");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, b"{ my notes").unwrap();
    let (code, _, err) = run(&[good.path().join("criterion").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "not saving baseline `new`");
    assert_eq!(std::fs::read(&mine).unwrap(), b"{ my notes");
    assert!(!home.join("history.sqlite").exists(), "nothing recorded");
}

/// `qudag-bench --home HOME import criterion CRIT ARGS`, which must succeed.
fn import(home: &Path, crit: &Path, args: &[&str]) {
    let mut all = vec!["--home", home.to_str().unwrap(), "import", "criterion"];
    all.push(crit.to_str().unwrap());
    all.extend_from_slice(args);
    let (code, _, err) = common::qudag_bench(all);
    assert_eq!(code, 0, "{err}");
}

/// A fixture report of the renderers' tests.
fn fixture(name: &str) -> RunReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/report/testdata")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn critcmp_reads_the_tree_written_from_two_reports() {
    let target = tempfile::tempdir().unwrap();
    let crit = target.path().join("criterion");
    let (before, after) = (fixture("run-work"), fixture("run-compare"));
    let split = &criterion_tree::split_id;
    criterion_tree::write_set(&before, &crit, "before", split).unwrap();
    criterion_tree::write_set(&after, &crit, "after", split).unwrap();
    let run = Command::new("critcmp")
        .args(["--color", "never", "--target-dir"])
        .arg(target.path())
        .args(["before", "after"])
        .env_remove("CARGO_TARGET_DIR")
        .output();
    let out = match run {
        Err(e) if std::env::var_os("QUDAG_BENCH_SKIP_CRITCMP").is_some_and(|v| v == "1") => {
            eprintln!("skipped: critcmp cannot run ({e}) and QUDAG_BENCH_SKIP_CRITCMP=1");
            return;
        }
        Err(e) => panic!(
            "critcmp cannot run ({e}): install it with `cargo install --locked critcmp`, or set \
             QUDAG_BENCH_SKIP_CRITCMP=1 to skip this test"
        ),
        Ok(out) => out,
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_contains(&stdout, "before");
    assert_contains(&stdout, "after");
    for r in [&before, &after] {
        for b in r.benchmarks.iter().filter(|b| b.time_ns.is_some()) {
            let row = stdout
                .lines()
                .find(|l| l.split_whitespace().next() == Some(b.id.as_str()));
            assert!(row.is_some(), "critcmp lists no `{}`:\n{stdout}", b.id);
        }
    }
}

#[test]
fn a_written_tree_imports_back_with_the_reports_medians() {
    let dir = tempfile::tempdir().unwrap();
    let crit = dir.path().join("criterion");
    let report = fixture("run-work");
    criterion_tree::write(&report, &crit).unwrap();
    let home = dir.path().join("home");
    import(
        &home,
        &crit,
        &["--save-baseline", "back", "--target", "work"],
    );
    let back: RunReport =
        serde_json::from_value(read_json(&home.join("baselines/back/work.json"))).unwrap();
    for b in &report.benchmarks {
        let again = back.benchmarks.iter().find(|x| x.id == b.id).unwrap();
        // The fixture's samples are cut to 4: its medians are recomputed from them, minus the
        // overheads the harness subtracts, which the written sample.json has taken off.
        let o = b.overhead.unwrap();
        let per_iter = qudag_bench::stats::per_iteration(
            &b.iters_per_sample,
            &b.samples_ns,
            o.per_sample_ns,
            o.per_iter_ns,
        );
        let want = qudag_bench::stats::summarize(&per_iter).median;
        let got = again.time_ns.as_ref().unwrap().median;
        // sample.json's times are rounded to whole ns on import: within 1 ns per sample.
        let slack = 1.0 / *b.iters_per_sample.iter().min().unwrap() as f64;
        assert!((got - want).abs() <= slack, "{}: {got} vs {want}", b.id);
    }
}

/// The same crate after the switch: the dependency renamed to the drop-in, the bench file
/// unchanged.
fn switched_crate() -> PathBuf {
    let compat = Path::new(env!("CARGO_MANIFEST_DIR")).join("criterion-compat");
    let manifest = MANIFEST.replace(
        r#"criterion = { version = "0.5", default-features = false }"#,
        &format!(
            "criterion = {{ package = \"qudag-bench-criterion\", path = {:?} }}",
            compat.display().to_string()
        ),
    );
    crate_in("criterion-crate-switched", &manifest)
}

#[test]
fn the_first_run_after_the_switch_is_compared_with_the_last_criterion_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let (crit, home) = (tmp.path().join("criterion"), tmp.path().join("home"));
    // The last run under criterion, kept as a criterion baseline (its own target dir is
    // shared with the other test; CRITERION_HOME keeps the results apart).
    let dir = criterion_crate();
    let out = Command::new(env!("CARGO"))
        .args(["bench", "--bench", "crit", "--", "--warm-up-time", "0.1"])
        .args(["--measurement-time", "0.3", "--sample-size", "10"])
        .args(["--save-baseline", "before"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CRITERION_HOME", &crit)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    import(&home, &crit, &["--baseline", "before", "--target", "crit"]);
    // The first run on qudag-bench, the same bench file, against that baseline.
    let dir = switched_crate();
    let json = tmp.path().join("out.json");
    let out = Command::new(env!("CARGO"))
        .args([
            "bench",
            "--bench",
            "crit",
            "--",
            "--baseline",
            "before",
            "--json",
        ])
        .arg(&json)
        .args(["--warmup-time", "5ms", "--measure-time", "20ms"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("QUDAG_BENCH_HOME", &home)
        .env("CRITERION_HOME", tmp.path().join("criterion-after"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report = read_json(&json);
    assert_eq!(report["baseline"]["name"], "before", "{stderr}");
    assert_eq!(report["baseline"]["compared"], 4, "{}", report["baseline"]);
    for b in report["benchmarks"].as_array().unwrap() {
        assert!(b["comparison"].is_object(), "{} has no comparison", b["id"]);
    }
}
