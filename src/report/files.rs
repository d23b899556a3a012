//! The file formats of finished runs behind one entry point, for the harness flags
//! (`--html`, `--csv`, ...) and `qudag-bench report`.

use super::{bmf, csv, html, json, markdown};
use crate::store::history::Trends;
use crate::store::{RunReport, atomic};
use std::io::Write;
use std::path::Path;

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

/// Writes `bytes` to `dest`: `-` is stdout, anything else a file written atomically (an
/// existing file is replaced only by a complete new one).
pub fn write(format: FileFormat, bytes: &[u8], dest: &str) -> Result<(), String> {
    if dest == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write the {} report to stdout: {e}", format.name()))
    } else {
        atomic::write(Path::new(dest), bytes)
            .map_err(|e| format!("--{} {dest}: {e}", format.name()))
    }
}
