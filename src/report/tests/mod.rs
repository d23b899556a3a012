//! What the renderers' unit tests share: the fixture reports (real runs of the fixture crate,
//! see `testdata/README.md`), read from JSON so that the tests name the report types only in
//! the few `use` lines here, and the words each format gives a verdict, in one place.

pub use crate::schema::RunReport;
use crate::schema::{AbReport, InstrResult};
use serde_json::Value;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// The JSON text of fixture `name` (`testdata/<name>.json`).
fn text(name: &str) -> &'static str {
    match name {
        "run-work" => include_str!("../testdata/run-work.json"),
        "run-compare" => include_str!("../testdata/run-compare.json"),
        "run-faults" => include_str!("../testdata/run-faults.json"),
        "run-hostile" => include_str!("../testdata/run-hostile.json"),
        "run-forms" => include_str!("../testdata/run-forms.json"),
        "run-alloc" => include_str!("../testdata/run-alloc.json"),
        "run-incomplete" => include_str!("../testdata/run-incomplete.json"),
        "ab" => include_str!("../testdata/ab.json"),
        other => panic!("no fixture {other}"),
    }
}

/// Every run-report fixture, by name.
pub const RUNS: &[&str] = &[
    "run-work",
    "run-compare",
    "run-faults",
    "run-hostile",
    "run-forms",
    "run-alloc",
    "run-incomplete",
];

/// The fixture `name` as a JSON value.
pub fn value(name: &str) -> Value {
    serde_json::from_str(text(name)).unwrap()
}

/// The run report of fixture `name` (`run-work`, `run-compare`, ...).
pub fn run(name: &str) -> RunReport {
    serde_json::from_value(value(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The run report of fixture `name` after `edit` changed its JSON: for a case no real run of
/// the fixture crate produces (an id starting with `=`, a `|` in a panic message).
pub fn run_with(name: &str, edit: impl FnOnce(&mut Value)) -> RunReport {
    let mut v = value(name);
    edit(&mut v);
    serde_json::from_value(v).unwrap()
}

/// The benchmark `id` of a fixture's JSON, to edit.
pub fn bench<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["benchmarks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no benchmark {id}"))
}

/// The A/B report of a real `qudag-bench ab` run (`testdata/ab.json`).
pub fn ab() -> AbReport {
    serde_json::from_str(text("ab")).unwrap()
}

/// Instruction-count results from JSON (no fixture: a real run needs valgrind).
pub fn instr_results(json: Value) -> Vec<InstrResult> {
    serde_json::from_value(json).unwrap()
}

/// The verdict of benchmark `id` in `report` as the JSON writes it (`regressed`, ...), or
/// `None` when it was not compared.
pub fn verdict_of(report: &RunReport, id: &str) -> Option<String> {
    let r = report.benchmarks.iter().find(|r| r.id == id)?;
    let c = r.comparison.as_ref()?;
    Some(
        serde_json::to_value(c.verdict)
            .unwrap()
            .as_str()?
            .to_string(),
    )
}

/// Where a verdict is shown.
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    /// The comparison lines on the terminal and the comparison's Markdown table.
    Comparison,
    /// The change column of the Markdown comment (`markdown.rs`).
    Markdown,
    /// A CSV cell, and the CSS class of the HTML report.
    Plain,
}

/// The word `shown` gives the JSON verdict `verdict`: the one place these tests state how
/// formats word a verdict, so a change of wording edits only this.
pub fn verdict_word(shown: Shown, verdict: &str) -> &'static str {
    match (shown, verdict) {
        (Shown::Comparison, "regressed") => "REGRESSED",
        (Shown::Markdown, "regressed") => "**regressed**",
        (_, "regressed") => "regressed",
        (_, "improved") => "improved",
        (_, "unchanged") => "unchanged",
        (_, "new") => "new",
        (_, other) => panic!("no verdict {other}"),
    }
}

/// The word the A/B table and Markdown give the JSON A/B verdict `verdict`.
pub fn ab_verdict_word(verdict: &str) -> &'static str {
    match verdict {
        "regressed" => "REGRESSED",
        "ok" => "OK",
        "inconclusive" => "INCONCLUSIVE",
        "failed" => "FAILED",
        "new" => "NEW",
        "missing" => "MISSING",
        other => panic!("no A/B verdict {other}"),
    }
}

/// Asserts that `text` (Markdown comment, HTML report, terminal) states the verdict rule of
/// `report`'s baseline in the words of [`verdict_rule`](crate::report::rule::verdict_rule):
/// the whole sentence, escaped for HTML or not, or on the terminal its significance test; and
/// that those words carry the test, its correction, the number compared and alpha.
#[track_caller]
pub fn assert_states_the_rule(text: &str, report: &RunReport) {
    let b = report.baseline.as_ref().expect("compared");
    let rule = crate::report::rule::verdict_rule(b);
    let stated = [
        rule.sentence.clone(),
        crate::escape::html(&rule.sentence),
        rule.significance.clone(),
    ];
    assert!(
        stated.iter().any(|s| text.contains(s.as_str())),
        "the rule is not stated in the words of verdict_rule in:\n{text}"
    );
    for part in [
        "Holm".to_string(),
        format!("{} ", b.compared),
        format!("alpha {}", b.alpha),
    ] {
        assert!(text.contains(&part), "no {part:?} in:\n{text}");
    }
}

/// An in-memory output for a reporter that wants a `Box<dyn Write>`.
#[derive(Clone, Default)]
pub struct Buffer(Rc<RefCell<Vec<u8>>>);

impl Buffer {
    /// A boxed writer into this buffer.
    pub fn writer(&self) -> Box<dyn Write> {
        Box::new(self.clone())
    }

    /// What was written, as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).unwrap()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Asserts that `text` holds no character a terminal would act on (other than line breaks).
#[track_caller]
pub fn assert_no_controls(text: &str) {
    let bad = text
        .chars()
        .find(|&c| c != '\n' && crate::escape::is_terminal_control(c));
    assert!(bad.is_none(), "raw {bad:?} in:\n{text}");
}

/// The cells of a Markdown table row, split at the `|` that are not escaped.
pub fn markdown_cells(row: &str) -> Vec<String> {
    let inner = row
        .trim()
        .strip_prefix('|')
        .and_then(|r| r.strip_suffix('|'));
    let inner = inner.unwrap_or_else(|| panic!("not a table row: {row}"));
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

/// Asserts that every table in `md` has rows of as many cells as its header, and returns the
/// rows (header and separator included) of all tables.
#[track_caller]
pub fn markdown_rows(md: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let cells = markdown_cells(line);
        match width {
            None => width = Some(cells.len()),
            Some(w) => assert_eq!(cells.len(), w, "a row of another width: {line}\nin:\n{md}"),
        }
        rows.push(cells);
    }
    rows
}

/// The row of a Markdown table whose first cell is `first`.
#[track_caller]
pub fn markdown_row(md: &str, first: &str) -> Vec<String> {
    markdown_rows(md)
        .into_iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first} in:\n{md}"))
}

/// Drives `reporter` through a run of `report`'s benchmarks the way bench mode does (one
/// ignored benchmark, a 20 ns timer), ending after `wall`.
pub fn drive(
    reporter: &mut dyn crate::report::Reporter,
    report: &RunReport,
    overhead_ns: f64,
    wall: std::time::Duration,
) {
    let ids: Vec<String> = report.benchmarks.iter().map(|r| r.id.clone()).collect();
    let ignored = ["skipped_one".to_string()];
    reporter.start(&crate::report::StartInfo {
        ids: &ids,
        ignored: &ignored,
        precision_ns: 20.0,
        overhead_ns,
    });
    for r in &report.benchmarks {
        reporter.bench_started(&r.id);
        reporter.bench_finished(r);
    }
    reporter.finish(&report.benchmarks, &report.summary, wall);
}

mod metrics;
mod skipped;
