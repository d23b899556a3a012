//! A benchmark that skipped itself (`b.skip`), in every format: `run-faults` with its
//! `never_iterates` turned into a skip, as a real run writes one (tests/skips.rs runs one).

use super::*;
use crate::report::libtest::LibtestReporter;
use crate::report::terminal::PrettyReporter;
use std::time::Duration;

const REASON: &str = "needs a device | this host lacks";

fn skipped_run() -> RunReport {
    run_with("run-faults", |v| {
        let b = bench(v, "never_iterates");
        b["status"] = "skipped".into();
        b["error"] = Value::Null;
        b["skip_reason"] = REASON.into();
        v["summary"]["failed"] = (v["summary"]["failed"].as_u64().unwrap() - 1).into();
        v["summary"]["skipped"] = 1.into();
    })
}

#[test]
fn the_terminal_says_skipped_with_the_reason_and_counts_it_apart_from_failures() {
    let report = skipped_run();
    let out = Buffer::default();
    drive(
        &mut PrettyReporter::new(out.writer(), false),
        &report,
        23.0,
        Duration::from_millis(2250),
    );
    let text = out.text();
    assert!(text.contains(&format!("skipped: {REASON}")), "{text}");
    assert!(text.contains("; 1 skipped; "), "{text}");
    let failures = text.split("\nfailures:").nth(1).unwrap();
    assert!(!failures.contains("never_iterates"), "{failures}");
}

#[test]
fn libtest_lines_show_it_ignored_with_the_reason_and_not_among_failures() {
    let report = skipped_run();
    let out = Buffer::default();
    drive(
        &mut LibtestReporter::new(out.writer()),
        &report,
        23.0,
        Duration::from_millis(2250),
    );
    let text = out.text();
    assert!(
        text.contains(&format!("test never_iterates ... ignored, {REASON}\n")),
        "{text}"
    );
    assert!(!text.contains("    never_iterates\n"), "{text}");
    let ignored = report.summary.ignored + 1;
    assert!(text.contains(&format!(" {ignored} ignored; ")), "{text}");
}

#[test]
fn markdown_lists_it_under_skipped_with_the_reason_escaped() {
    let text = crate::report::markdown::render(&[skipped_run()]);
    assert!(text.contains("\n**Skipped**\n"), "{text}");
    assert!(
        text.contains("- `never_iterates`: needs a device \\| this host lacks\n"),
        "{text}"
    );
    let failures = text.split("**Failures**").nth(1).unwrap();
    assert!(!failures.contains("never_iterates"), "{failures}");
}

#[test]
fn csv_and_html_carry_the_status_and_the_reason() {
    let report = skipped_run();
    let bytes = crate::report::csv::summary(std::slice::from_ref(&report));
    let mut rows = ::csv::Reader::from_reader(bytes.as_slice());
    let header = rows.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| &r[at("id")] == "never_iterates")
        .unwrap();
    assert_eq!(
        (
            &row[at("status")],
            &row[at("skip_reason")],
            &row[at("error")]
        ),
        ("skipped", REASON, "")
    );
    let reports = [report];
    let page = crate::report::html::Page {
        reports: &reports,
        trends: None,
    };
    let html = crate::report::html::render(&page);
    assert!(html.contains(&format!("skipped: {REASON}")), "{html}");
}

#[test]
fn bmf_leaves_it_out() {
    let bytes = crate::report::bmf::render(&[skipped_run()]);
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let names: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert!(
        !names.iter().any(|n| n.contains("never_iterates")),
        "{names:?}"
    );
}
