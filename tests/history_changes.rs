//! `qudag-bench history --changes --min-change 15` over real runs: 30 runs of the fixture's
//! `tunable` show no level change, and 15 more of a build with three tenths more work show one,
//! at the first of them. Not a tenth, as issue 20 asked: unchanged runs of this guest drifted
//! by up to 7% within a minute (docs/history.md), so a 10% step is not told from that here;
//! tests/history_changes_instructions.rs finds a tenth in instruction counts, which do not drift.
//! One test in its own binary: `cargo test` runs test binaries one at a time, so no other test
//! shares the CPU with these runs and moves their level. This guest also has slow phases of
//! its own, seconds long (docs/gating.md), which can mask a 10% step or fake one: the whole
//! scenario runs again, in a new home, once, before the test fails (both attempts are shown).

mod common;
use common::*;
use std::path::Path;

/// Runs `exe`'s `tunable` once and returns the run's id. 100 ms of measurement, all of it
/// (`--precision 0`; not the usual test's 20 ms), keep each run's median steady through a
/// short burst of other load.
fn run_tunable(exe: &Path, home: &Path) -> String {
    let args = [
        "--bench",
        "tunable",
        "--exact",
        "--warmup-time",
        "10ms",
        "--measure-time",
        "100ms",
        "--precision",
        "0",
    ];
    let run = run_exe(exe, &args, home, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&home.join("results/work.json"));
    report["run_id"].as_str().unwrap().to_string()
}

fn changes(home: &Path) -> serde_json::Value {
    let h = home.to_str().unwrap();
    let args = [
        "history",
        "--home",
        h,
        "--changes",
        "--min-change",
        "15",
        "--bench",
        "tunable",
        "--format",
        "json",
    ];
    let (code, out, err) = qudag_bench(args);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_valid_against(&report, "changes-v1.schema.json");
    report
}

/// 30 runs of `before` then 15 of `after` in a new home: the home and the first run of
/// `after`, or what the change report said wrong.
fn scenario(before: &Path, after: &Path) -> Result<(tempfile::TempDir, String), String> {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for _ in 0..30 {
        run_tunable(before, h);
    }
    let flat = changes(h);
    assert_eq!(flat["series"], 1, "{flat}");
    if flat["changes"] != serde_json::json!([]) {
        return Err(format!("30 unchanged runs showed a change: {flat}"));
    }
    let first = run_tunable(after, h);
    for _ in 0..14 {
        run_tunable(after, h);
    }
    let stepped = changes(h);
    let found = stepped["changes"].as_array().unwrap();
    let [change] = found.as_slice() else {
        let (_, medians, _) = qudag_bench([
            "history",
            "--home",
            h.to_str().unwrap(),
            "--bench",
            "tunable",
        ]);
        return Err(format!("not one change: {stepped}\n{medians}"));
    };
    let shift = change["shift"].as_f64().unwrap();
    let right = change["run_id"] == first.as_str()
        && (&change["runs_before"], &change["runs_after"]) == (&30.into(), &15.into())
        // Three tenths more work; this guest's phases move a level by up to a tenth.
        && (0.15..0.50).contains(&shift)
        && change["p_value"].as_f64().unwrap() <= 0.01;
    match right {
        true => Ok((home, first)),
        false => Err(format!(
            "not at run {first}, 30 -> 15 runs, +5-15%: {change}"
        )),
    }
}

#[test]
fn a_thirty_percent_step_is_found_at_its_first_run_and_thirty_unchanged_runs_show_none() {
    let (before, after) = (bench_exe("work"), step_work_exe());
    let (home, first) = scenario(&before, &after)
        .or_else(|first_try| {
            eprintln!("first attempt: {first_try}; once more in a new home");
            scenario(&before, &after).map_err(|again| format!("{first_try}\nagain: {again}"))
        })
        .unwrap_or_else(|both| panic!("{both}"));
    let h = home.path();

    // The table and Markdown say the same.
    let hs = h.to_str().unwrap();
    let (code, table, _) =
        qudag_bench(["history", "--home", hs, "--changes", "--min-change", "15"]);
    assert_eq!(code, 0);
    assert_contains(&table, &format!("run {first} (work)"));
    let md_args = ["--changes", "--min-change", "15", "--format", "markdown"];
    let (_, md, _) = qudag_bench(["history", "--home", hs].into_iter().chain(md_args));
    assert_contains(&md, &format!("| `{first}` |"));
    // --format belongs to --changes.
    let (code, _, err) = qudag_bench(["history", "--home", hs, "--format", "json"]);
    assert_eq!(code, 2, "{err}");
}
