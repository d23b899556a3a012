//! The file formats of finished runs behind one entry point, for the harness flags
//! (`--html`, `--csv`, ...) and `qudag-bench report`.

use super::{bmf, csv, html, json, markdown};
use crate::schema::RunReport;
use crate::store::atomic;
use crate::store::history::{self, Trends};
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
    /// A Markdown table for a pull-request comment.
    Markdown,
    /// The run report (`qudag-bench/run/v1`); an array of them for several bench targets.
    Json,
    /// Bencher Metric Format JSON.
    Bmf,
}

impl FileFormat {
    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Html => "html",
            FileFormat::Csv => "csv",
            FileFormat::CsvSamples => "csv-samples",
            FileFormat::Markdown => "markdown",
            FileFormat::Json => "json",
            FileFormat::Bmf => "bmf",
        }
    }
}

/// `reports` in `format`; `trends` feeds the HTML trend charts.
pub fn render(format: FileFormat, reports: &[RunReport], trends: Option<&Trends>) -> Vec<u8> {
    match format {
        FileFormat::Html => html::render(&html::Page { reports, trends }).into_bytes(),
        FileFormat::Csv => csv::summary(reports),
        FileFormat::CsvSamples => csv::samples(reports),
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
    }
}

/// [`render`] with the HTML's trend charts read from the history at `history`, if given. A
/// history that cannot be read (newer schema, locked) costs the trend charts, not the report:
/// it is a warning.
pub fn render_with_history(
    format: FileFormat,
    reports: &[RunReport],
    history: Option<&Path>,
) -> Vec<u8> {
    let trends = match (format, history) {
        (FileFormat::Html, Some(path)) => {
            match history::trends(path, reports, history::TREND_RUNS) {
                Ok(t) => Some(t),
                Err(e) => {
                    eprintln!("warning: the HTML report has no trend charts: {e}");
                    None
                }
            }
        }
        _ => None,
    };
    render(format, reports, trends.as_ref())
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
/// name the file.
pub fn emit(bytes: &[u8], dest: &str, what: &str) -> Result<(), String> {
    if dest == "-" {
        let written = match DOCUMENT_STDOUT.get() {
            Some(mut kept) => kept.write_all(bytes).and_then(|_| kept.flush()),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(&for_a_terminal(bytes, out.is_terminal()))
                    .and_then(|_| out.flush())
            }
        };
        written.map_err(|e| format!("cannot write the {what} to stdout: {e}"))
    } else {
        atomic::write(Path::new(dest), bytes)
    }
}
