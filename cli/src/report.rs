//! `qudag-bench report [RUN] --format FORMAT [--out PATH]`: renders finished runs as HTML,
//! CSV, Markdown, JSON or Bencher Metric Format.

use crate::history;
use crate::home::Home;
use crate::sources;
use clap::Args;
use qudag_bench::error::Error;
use qudag_bench::escape::Term;
use qudag_bench::report::files::{self, FileFormat};
use qudag_bench::report::trend::{TREND_RUNS, Trends};
use qudag_bench::schema::RunReport;
use std::process::ExitCode;

/// Arguments of `qudag-bench report`.
#[derive(Args)]
pub struct ReportArgs {
    /// A report file, `latest` (every bench target's latest results), a baseline name, or a run
    /// id from `qudag-bench history` (reports kept by the history have no raw samples).
    #[arg(default_value = "latest", value_name = "RUN|latest|FILE")]
    source: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FileFormat::Html)]
    format: FileFormat,
    /// Write here (atomically) instead of to stdout.
    #[arg(long, value_name = "PATH")]
    out: Option<String>,
}

/// Renders the report.
pub fn run(home: &Home, args: ReportArgs) -> Result<ExitCode, Error> {
    let (reports, origin) = sources::load(home, &args.source, true)?;
    if origin == sources::Origin::History
        && matches!(args.format, FileFormat::Json | FileFormat::CsvSamples)
    {
        return Err(Error::setting(format!(
            "--format {}: `{}` is a run kept by the history, which keeps estimates but no raw \
             samples; a {} needs them (use `latest`, a baseline or a saved report file)",
            args.format.name(),
            args.source,
            if args.format == FileFormat::Json {
                "run report"
            } else {
                "sample table"
            }
        )));
    }
    // A report file rendered outside any workspace has no history to chart trends from.
    let history = match home.history_flag() {
        Some(_) => Some(home.history()?),
        None => home
            .get()
            .ok()
            .map(|h| history::Location::File(history::path(h))),
    };
    let bytes = render_with_history(args.format, &reports, history.as_ref());
    let dest = args.out.as_deref().unwrap_or("-");
    files::emit(&bytes, dest, &format!("{} report", args.format.name())).map_err(
        |e| match dest {
            "-" => e,
            _ => e.context(&format!("--out {dest}")),
        },
    )?;
    if dest != "-" {
        eprintln!(
            "qudag-bench: wrote the {} report of {} bench target(s) to {}",
            args.format.name(),
            reports.len(),
            Term(dest)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// [`files::render`] with the HTML's trend charts read from the history at `history`. A
/// history that cannot be read (newer schema, locked) costs the trend charts, not the report:
/// it is a warning.
fn render_with_history(
    format: FileFormat,
    reports: &[RunReport],
    history: Option<&history::Location>,
) -> Vec<u8> {
    let trends = match (format, history) {
        (FileFormat::Html, Some(history::Location::File(h))) if !h.is_file() => Some(Trends::new()),
        (FileFormat::Html, Some(h)) => match h.trends(reports, TREND_RUNS) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("warning: the HTML report has no trend charts: {e}");
                None
            }
        },
        _ => None,
    };
    files::render(format, reports, trends.as_ref())
}
