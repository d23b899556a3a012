//! The report files a bench-mode run writes besides its JSON: `--html`, `--csv`,
//! `--csv-samples`, `--markdown` and `--bmf`, each written atomically. `cargo bench` runs
//! every bench target with the same flags, so `{target}` in a path is replaced by the bench
//! target's name (`--html 'report-{target}.html'`); without it each target replaces the file.

use crate::cli::HarnessArgs;
use crate::report::files::{self, FileFormat};
use crate::store::RunReport;
use std::path::Path;

/// Writes the requested files for `report`; `history` is the history file the run was recorded
/// in, if any (the HTML's trend charts read it). Returns the errors, each naming its file.
pub fn write(args: &HarnessArgs, report: &RunReport, history: Option<&Path>) -> Vec<String> {
    let requested = [
        (FileFormat::Html, &args.html),
        (FileFormat::Csv, &args.csv),
        (FileFormat::CsvSamples, &args.csv_samples),
        (FileFormat::Markdown, &args.markdown),
        (FileFormat::Bmf, &args.bmf),
    ];
    let mut errors = Vec::new();
    for (format, dest) in requested {
        let Some(dest) = dest else { continue };
        let dest = expand(dest, &report.bench_target);
        let bytes = files::render_with_history(format, std::slice::from_ref(report), history);
        if let Err(e) = files::emit(&bytes, &dest, format.name()) {
            errors.push(format!("--{} {dest}: {e}", format.name()));
        }
    }
    errors
}

/// `dest` with `{target}` replaced by `bench_target`.
pub fn expand(dest: &str, bench_target: &str) -> String {
    dest.replace("{target}", bench_target)
}

#[cfg(test)]
mod tests {
    #[test]
    fn target_placeholder_is_replaced() {
        assert_eq!(
            super::expand("out/{target}.html", "crypto"),
            "out/crypto.html"
        );
        assert_eq!(super::expand("-", "crypto"), "-");
    }
}
