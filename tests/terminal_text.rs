//! User text never drives the terminal: ids, arguments, tags, a suite and panic messages with
//! control sequences (`tests/fixture/benches/hostile.rs`) are shown escaped by the harness in
//! both formats, by `qudag-bench compare`, `history` and `report`; and `--json -` keeps stdout
//! for the JSON document even when a benchmark prints to stdout.

mod common;
use common::*;
use std::path::Path;

/// The first terminal control character in `text` other than a line break, with its context.
fn control_in(text: &str) -> Option<String> {
    let controls = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
            )
            || matches!(c, '\u{2066}'..='\u{2069}')
    };
    let at = text.find(controls)?;
    let start = text.floor_char_boundary(at.saturating_sub(60));
    let end = text.ceil_char_boundary((at + 60).min(text.len()));
    Some(format!("{:?}", &text[start..end]))
}

/// Asserts that neither output of a command holds a control character.
#[track_caller]
fn assert_clean(what: &str, stdout: &str, stderr: &str) {
    for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
        if let Some(context) = control_in(text) {
            panic!("{what}: a control character reached {stream}: {context}\n{text}");
        }
    }
}

fn tool(home: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = vec!["--home".as_ref(), home.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    qudag_bench(all)
}

fn bench(home: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["--bench"];
    args.extend_from_slice(FAST);
    args.extend_from_slice(extra);
    run_bench("hostile", &args, home, &[])
}

#[test]
fn control_sequences_in_user_text_are_shown_escaped() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    let run = bench(h, &[]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    assert_clean("the pretty format", &run.stdout, &run.stderr);
    assert_contains(&run.stdout, "escapes/\\u{1b}[2J ");
    assert_contains(&run.stdout, "escapes/\\u{1b}]0;retitled\\u{7} ");
    assert_contains(&run.stdout, "escapes/tab\\there\\u{202e} ");
    // The panic message keeps its two lines, the second indented under the id.
    assert_contains(
        &run.stdout,
        "panics_with_escapes: panicked: \\u{1b}[2J\\u{1b}]0;retitled\\u{7}screen cleared\n    \
         second line \\u{9b}31mred",
    );
    // The panic hook's own message on stderr.
    assert_contains(
        &run.stderr,
        "\\u{1b}[2J\\u{1b}]0;retitled\\u{7}screen cleared",
    );
    // The report keeps the text as it is.
    let report = read_json(&h.join("results/hostile.json"));
    assert!(ids(&report).contains(&"escapes/\u{1b}[2J".to_string()));

    let run = bench(h, &["--output-format", "bencher"]);
    assert_eq!(run.code, 101);
    assert_clean("the bencher format", &run.stdout, &run.stderr);
    assert_contains(&run.stdout, "test escapes/\\u{1b}[2J ... bench:");
    assert_contains(&run.stdout, "---- panics_with_escapes ----\npanicked: ");

    // A baseline, then a run compared with it: the harness's comparison table.
    let run = bench(h, &["--skip", "panics", "--save-baseline", "main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = bench(h, &["--skip", "panics", "--baseline", "main", "--gate"]);
    assert_clean("a run against a baseline", &run.stdout, &run.stderr);
    assert_contains(&run.stdout, "against baseline `main`");

    for args in [
        &["compare", "main", "latest"][..],
        &["compare", "main", "latest", "--format", "markdown"],
        &["history"],
        &["history", "--bench", "escapes/\u{1b}[2J"],
        &["history", "--tag", "\u{1b}[31mred"],
        &["report", "latest", "--format", "markdown"],
    ] {
        let (code, out, err) = tool(h, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_clean(&format!("qudag-bench {args:?}"), &out, &err);
        assert_contains(&out, "escapes/\\u{1b}");
    }
}

#[test]
fn listed_names_are_escaped_and_select_as_shown() {
    let home = tempfile::tempdir().unwrap();
    let list = run_bench("hostile", &["--list"], home.path(), &[]);
    assert_eq!(list.code, 0);
    assert_clean("--list", &list.stdout, &list.stderr);
    assert_contains(&list.stdout, "escapes/\\u{1b}[2J: benchmark\n");

    // The listed name selects the benchmark, in test mode and in bench mode alike.
    let shown = "escapes/\\u{1b}[2J";
    let test = run_bench("hostile", &["--exact", shown], home.path(), &[]);
    assert_eq!(test.code, 0, "{}", test.stdout);
    assert_clean("test mode", &test.stdout, &test.stderr);
    assert_contains(&test.stdout, "1 passed");
    let run = bench(home.path(), &["--exact", shown]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        ids(&read_json(&home.path().join("results/hostile.json"))),
        ["escapes/\u{1b}[2J"]
    );
    // The raw id still selects it (as `--instructions` passes it to its worker).
    let run = bench(home.path(), &["--exact", "escapes/\u{1b}[2J"]);
    assert_contains(&run.stdout, "1 measured");
}

#[test]
fn json_to_stdout_stays_valid_when_a_benchmark_prints() {
    let home = tempfile::tempdir().unwrap();
    let run = bench(home.path(), &["--exact", "noisy", "--json", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", run.stdout));
    assert_valid(&report);
    assert_eq!(ids(&report), ["noisy"]);
    // The benchmark's own output and the result lines went to stderr.
    assert_contains(&run.stderr, "noise from the setup");
    assert_contains(&run.stderr, "noise from the timed loop");
    assert_contains(&run.stderr, "1 measured");
}

#[test]
fn bad_flag_values_are_repeated_escaped() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Escape sequences, a bare bell and backspace, and a C1 control.
    let esc = "\u{1b}]0;retitled\u{7}\u{1b}[2J\u{7}\u{8}\u{9b}31m";
    // The harness: clap's own error for a bad value, from the flag and from its variable.
    let run = run_bench("hostile", &["--bench", "--output-format", esc], h, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_clean("a bad --output-format", &run.stdout, &run.stderr);
    assert_contains(&run.stderr, "invalid value");
    let run = run_bench(
        "hostile",
        &["--bench"],
        h,
        &[("QUDAG_BENCH_OUTPUT_FORMAT", esc)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_clean("a bad QUDAG_BENCH_OUTPUT_FORMAT", &run.stdout, &run.stderr);
    // The harness's own check of a baseline name.
    let run = run_bench("hostile", &["--bench", "--baseline", esc], h, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_clean("a bad --baseline", &run.stdout, &run.stderr);
    // The qudag-bench command, before and after its subcommand.
    for args in [
        &["compare", "a", "b", "--format", esc][..],
        &["history", "--since", esc],
        &[esc],
        &["run", "--", "--output-format", esc],
    ] {
        let (code, out, err) = tool(h, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_clean(&format!("qudag-bench {args:?}"), &out, &err);
    }
}

#[test]
fn documents_printed_on_a_terminal_show_user_text_escaped() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("`script` (util-linux) is not installed: skipping the terminal check");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = bench(h, &["escapes", "--skip", "panics"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exe = cli_exe();
    for format in ["csv", "html", "json", "bmf"] {
        let line = format!(
            "{} --home {} report latest --format {format}",
            exe.display(),
            h.display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        // The pseudo-terminal turns each line break into CR LF.
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert_clean(
            &format!("report --format {format} on a terminal"),
            &text,
            "",
        );
        if matches!(format, "csv" | "html") {
            // (JSON writes ESC as `\u001b` itself.)
            assert_contains(&text, "escapes/\\u{1b}[2J");
        }
    }
    // Piped, the document is the data as it is.
    let (code, out, _) = tool(h, &["report", "latest", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("escapes/\u{1b}[2J"), "{out}");
}
