//! libtest's selection flags behave as in libtest: FILTER, --exact, --skip, --list, --ignored,
//! --include-ignored; plus --suite and --tag (flags and environment).

mod common;
use common::*;

fn measured_ids(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let mut all = vec!["--bench", "--json", json.to_str().unwrap()];
    all.extend_from_slice(FAST);
    all.extend_from_slice(args);
    let run = run_bench("forms", &all, home.path(), env);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    ids(&read_json(&json))
}

#[test]
fn list_prints_every_benchmark_as_libtest_lists_a_bench_function() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench("forms", &["--list"], home.path(), &[]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.contains(&"sum_bytes/64: benchmark"), "{}", run.stdout);
    assert!(lines.contains(&"nested::inner: benchmark"));
    assert!(lines.contains(&"ignored_one: benchmark"));
    assert!(
        lines.contains(&"sort_batched: benchmark"),
        "the name option renames"
    );
    let listed = lines.iter().filter(|l| l.ends_with(": benchmark")).count();
    assert_eq!(listed, 13);
    // libtest's count line ends the pretty list.
    assert!(
        run.stdout.ends_with("\n\n0 tests, 13 benchmarks\n"),
        "{}",
        run.stdout
    );

    // The same with --bench: nextest's benchmark mode lists without it, cargo may add it.
    let with_bench = run_bench("forms", &["--list", "--bench"], home.path(), &[]);
    assert_eq!(with_bench.stdout, run.stdout);

    // nextest's form: only `name: benchmark` lines on stdout.
    let run = run_bench("forms", &["--list", "--format", "terse"], home.path(), &[]);
    assert_eq!(run.stdout.lines().count(), 13, "{}", run.stdout);
    assert!(
        run.stdout.lines().all(|l| l.ends_with(": benchmark")),
        "{}",
        run.stdout
    );
    let run = run_bench(
        "forms",
        &["--list", "--format", "terse", "--ignored"],
        home.path(),
        &[],
    );
    assert_eq!(run.stdout.trim(), "ignored_one: benchmark");
    let run = run_bench(
        "forms",
        &["--list", "--format", "terse", "--exact", "plain"],
        home.path(),
        &[],
    );
    assert_eq!(run.stdout, "plain: benchmark\n");
}

#[test]
fn filter_is_a_substring_and_exact_is_exact() {
    assert_eq!(
        measured_ids(&["sum_bytes"], &[]),
        ["sum_bytes/64", "sum_bytes/1024"]
    );
    assert_eq!(
        measured_ids(&["--exact", "sum_bytes/64"], &[]),
        ["sum_bytes/64"]
    );
    assert!(measured_ids(&["--exact", "sum_bytes"], &[]).is_empty());
    assert_eq!(measured_ids(&["inner"], &[]), ["nested::inner"]);
}

#[test]
fn skip_removes_matches() {
    let got = measured_ids(&["s", "--skip", "sum", "--skip", "sort"], &[]);
    assert_eq!(
        got,
        ["custom", "nested::inner", "strings/ab", "strings/abcd"]
    );
}

#[test]
fn ignored_runs_only_with_ignored_flags() {
    assert!(!measured_ids(&[], &[]).contains(&"ignored_one".to_string()));
    assert_eq!(measured_ids(&["--ignored"], &[]), ["ignored_one"]);
    assert!(measured_ids(&["--include-ignored"], &[]).contains(&"ignored_one".to_string()));
}

#[test]
fn suite_and_tag_select_by_flag_and_environment() {
    assert_eq!(measured_ids(&["--suite", "cpu"], &[]), ["custom", "fib10"]);
    assert_eq!(
        measured_ids(&[], &[("QUDAG_BENCH_SUITE", "cpu")]),
        ["custom", "fib10"]
    );
    assert_eq!(measured_ids(&["--tag", "fast"], &[]), ["fib10"]);
    assert_eq!(measured_ids(&["--tag", "fast,fib"], &[]), ["fib10"]);
    assert!(measured_ids(&["--tag", "fast", "--tag", "bytes"], &[]).is_empty());
    // The suite defaults to the bench target's name.
    assert_eq!(
        measured_ids(&["--suite", "forms", "sum"], &[]),
        ["sum_bytes/64", "sum_bytes/1024"]
    );
}
