//! The file formats of finished runs behind one entry point, for the harness flags
//! (`--html`, `--csv`, ...) and `qudag-bench report`.

use super::{action, bmf, csv, html, json, markdown};
use crate::error::Error;
use crate::report::trend::Trends;
use crate::schema::RunReport;
use crate::store::atomic;
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::OnceLock;

/// Where `-` writes once [`keep_stdout_for_documents`] was called: the process's real stdout,
/// while fd 1 carries everything else (see the harness's `stdout_guard`).
static DOCUMENT_STDOUT: OnceLock<File> = OnceLock::new();

/// Makes `-` in [`emit`] write to `stdout` (a duplicate of the original fd 1) instead of the
/// current fd 1. Called at most once per process; a second call is ignored.
pub fn keep_stdout_for_documents(stdout: File) {
    let _ = DOCUMENT_STDOUT.set(stdout);
}

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// Self-contained HTML with inline SVG charts.
    Html,
    /// One row per benchmark.
    Csv,
    /// One row per raw sample.
    CsvSamples,
    /// One row per custom metric of each benchmark.
    CsvMetrics,
    /// A Markdown table for a pull-request comment.
    Markdown,
    /// The run report (`qudag-bench/run/v1`); an array of them for several bench targets.
    Json,
    /// Bencher Metric Format JSON.
    Bmf,
    /// github-action-benchmark's JSON for `tool: customSmallerIsBetter`.
    GithubActionBenchmark,
}

impl FileFormat {
    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Html => "html",
            FileFormat::Csv => "csv",
            FileFormat::CsvSamples => "csv-samples",
            FileFormat::CsvMetrics => "csv-metrics",
            FileFormat::Markdown => "markdown",
            FileFormat::Json => "json",
            FileFormat::Bmf => "bmf",
            FileFormat::GithubActionBenchmark => "github-action-benchmark",
        }
    }
}

/// `reports` in `format`; `trends` feeds the HTML trend charts.
pub fn render(format: FileFormat, reports: &[RunReport], trends: Option<&Trends>) -> Vec<u8> {
    match format {
        FileFormat::Html => html::render(&html::Page { reports, trends }).into_bytes(),
        FileFormat::Csv => csv::summary(reports),
        FileFormat::CsvSamples => csv::samples(reports),
        FileFormat::CsvMetrics => csv::metrics(reports),
        FileFormat::Markdown => markdown::render(reports).into_bytes(),
        FileFormat::Json => match reports {
            [one] => json::render(one),
            many => {
                let mut bytes = serde_json::to_vec_pretty(many).expect("reports serialize");
                bytes.push(b'\n');
                bytes
            }
        },
        FileFormat::Bmf => bmf::render(reports),
        FileFormat::GithubActionBenchmark => action::render(reports),
    }
}

/// A document printed on an interactive terminal is read by a person, not parsed: control
/// characters from user text (escape sequences in an id, in a CSV cell, in HTML) are shown
/// escaped there, line breaks kept. Redirected or piped, the bytes are the document's own.
pub fn for_a_terminal(bytes: &[u8], terminal: bool) -> std::borrow::Cow<'_, [u8]> {
    if !terminal {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    let shown = crate::escape::terminal_lines(&text).into_owned();
    std::borrow::Cow::Owned(shown.into_bytes())
}

/// Writes `bytes` to `dest`: `-` is stdout (the one kept by [`keep_stdout_for_documents`], if
/// any), anything else a file written atomically (an existing file is replaced only by a
/// complete new one). `what` names the content in errors about stdout; errors about a file
/// name the file. Errors are [`Error::Write`] (the path of stdout is `-`).
pub fn emit(bytes: &[u8], dest: &str, what: &str) -> Result<(), Error> {
    if dest == "-" {
        let written = match DOCUMENT_STDOUT.get() {
            Some(mut kept) => kept.write_all(bytes).and_then(|_| kept.flush()),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(&for_a_terminal(bytes, out.is_terminal()))
                    .and_then(|_| out.flush())
            }
        };
        written.map_err(|e| Error::Write {
            path: dest.into(),
            message: format!("cannot write the {what} to stdout: {e}"),
        })
    } else {
        atomic::write(Path::new(dest), bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::run;

    #[test]
    fn each_format_renders_through_its_module() {
        let reports = [run("run-compare"), run("run-faults")];
        let one = &reports[..1];
        assert_eq!(
            render(FileFormat::Csv, &reports, None),
            csv::summary(&reports)
        );
        assert_eq!(
            render(FileFormat::CsvSamples, &reports, None),
            csv::samples(&reports)
        );
        assert_eq!(
            render(FileFormat::Markdown, &reports, None),
            markdown::render(&reports).into_bytes()
        );
        assert_eq!(
            render(FileFormat::Bmf, &reports, None),
            bmf::render(&reports)
        );
        assert_eq!(
            render(FileFormat::GithubActionBenchmark, &reports, None),
            action::render(&reports)
        );
        let page = html::Page {
            reports: &reports,
            trends: None,
        };
        assert_eq!(
            render(FileFormat::Html, &reports, None),
            html::render(&page).into_bytes()
        );
        // JSON: one report as it is, several as an array.
        assert_eq!(
            render(FileFormat::Json, one, None),
            json::render(&reports[0])
        );
        let many: Vec<RunReport> =
            serde_json::from_slice(&render(FileFormat::Json, &reports, None)).unwrap();
        assert_eq!(many, reports);
        let names: Vec<&str> = [
            FileFormat::Html,
            FileFormat::Csv,
            FileFormat::CsvSamples,
            FileFormat::Markdown,
            FileFormat::Json,
            FileFormat::Bmf,
            FileFormat::GithubActionBenchmark,
        ]
        .into_iter()
        .map(FileFormat::name)
        .collect();
        assert_eq!(
            names,
            [
                "html",
                "csv",
                "csv-samples",
                "markdown",
                "json",
                "bmf",
                "github-action-benchmark"
            ]
        );
    }

    #[test]
    fn on_a_terminal_controls_are_shown_escaped_and_otherwise_kept() {
        let csv = render(FileFormat::Csv, &[run("run-hostile")], None);
        assert!(csv.contains(&0x1b));
        assert_eq!(for_a_terminal(&csv, false), &csv[..]);
        let shown = for_a_terminal(&csv, true);
        assert!(!shown.contains(&0x1b));
        let text = String::from_utf8(shown.into_owned()).unwrap();
        assert!(text.contains("escapes/\\u{1b}[2J"), "{text}");
        assert_eq!(
            text.lines().count(),
            String::from_utf8(csv).unwrap().lines().count(),
            "line breaks kept"
        );
    }
}
