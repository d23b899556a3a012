//! The report files a bench-mode run writes besides its JSON: `--html`, `--csv`,
//! `--csv-samples`, `--markdown` and `--bmf`, each written atomically. `cargo bench` runs
//! every bench target with the same flags, so `{target}` in a path is replaced by the bench
//! target's name (`--html 'report-{target}.html'`); without it each target replaces the file.
//! [`check`] tries every destination, `--json` included, before anything is measured.

use crate::cli::HarnessArgs;
use crate::error::Error;
use crate::report::files::{self, FileFormat};
use crate::schema::RunReport;
use crate::store::atomic;
use std::path::Path;

/// Checks every file destination of a bench-mode run (`--json` unless `-`, `--html`, `--csv`,
/// `--csv-samples`, `--markdown`, `--bmf`, with `{target}` expanded) as
/// [`atomic::check`] does, so that a bad path is an error before measuring rather than after.
/// The error names the flag and the path.
pub fn check(args: &HarnessArgs, bench_target: &str) -> Result<(), Error> {
    let destinations = [
        ("json", &args.json),
        ("html", &args.html),
        ("csv", &args.csv),
        ("csv-samples", &args.csv_samples),
        ("csv-metrics", &args.csv_metrics),
        ("markdown", &args.markdown),
        ("bmf", &args.bmf),
    ];
    for (flag, dest) in destinations {
        let Some(dest) = dest.as_deref().filter(|d| *d != "-") else {
            continue;
        };
        let dest = expand(dest, bench_target);
        atomic::check(Path::new(&dest)).map_err(|e| Error::Write {
            path: dest.clone().into(),
            message: format!("--{flag} {dest}: {e}"),
        })?;
    }
    Ok(())
}

/// Writes the requested files for `report`. The HTML has no trend charts: the bench binary
/// does not read the history (`qudag-bench report` draws them). Returns the errors, each
/// naming its flag and file.
pub fn write(args: &HarnessArgs, report: &RunReport) -> Vec<Error> {
    let requested = [
        (FileFormat::Html, &args.html),
        (FileFormat::Csv, &args.csv),
        (FileFormat::CsvSamples, &args.csv_samples),
        (FileFormat::CsvMetrics, &args.csv_metrics),
        (FileFormat::Markdown, &args.markdown),
        (FileFormat::Bmf, &args.bmf),
    ];
    let mut errors = Vec::new();
    for (format, dest) in requested {
        let Some(dest) = dest else { continue };
        let dest = expand(dest, &report.bench_target);
        let bytes = files::render(format, std::slice::from_ref(report), None);
        if let Err(e) = files::emit(&bytes, &dest, format.name()) {
            errors.push(e.context(&format!("--{} {dest}", format.name())));
        }
    }
    errors
}

/// `dest` with `{target}` replaced by `bench_target`.
pub fn expand(dest: &str, bench_target: &str) -> String {
    dest.replace("{target}", bench_target)
}

/// Where criterion-style binaries leave criterion's results tree: `$CRITERION_HOME`, as
/// criterion reads it, else `criterion/` in the cargo target directory of this executable.
pub fn criterion_dir() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME").filter(|h| !h.is_empty()) {
        return home.into();
    }
    let exe = std::env::current_exe().unwrap_or_default();
    crate::store::paths::target_dir_of(&exe).join("criterion")
}

/// Writes `report` as criterion's set `new`, and as set `NAME` with `--save-baseline NAME`
/// (what critcmp compares), unless `--no-criterion-files`.
pub fn write_criterion_tree(args: &HarnessArgs, report: &RunReport) -> Vec<Error> {
    if args.no_criterion_files {
        return Vec::new();
    }
    let dir = criterion_dir();
    let split = crate::report::criterion_tree::split_id;
    let sets = std::iter::once("new").chain(args.save_baseline.as_deref());
    sets.filter_map(|set| {
        crate::report::criterion_tree::write_set(report, &dir, set, &split)
            .err()
            .map(|e| e.context("criterion's results tree (--no-criterion-files turns it off)"))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::cli::HarnessArgs;

    #[test]
    fn check_names_the_flag_and_the_expanded_path() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("crypto.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let in_dir = |name: &str| Some(dir.path().join(name).display().to_string());
        let ok = HarnessArgs {
            json: Some("-".into()),
            html: in_dir("{target}.html"),
            csv: in_dir("new/{target}.csv"),
            markdown: Some("/dev/null".into()),
            ..HarnessArgs::default()
        };
        super::check(&ok, "crypto").unwrap();
        let cases = [
            (
                HarnessArgs {
                    json: in_dir("{target}.fifo"),
                    ..HarnessArgs::default()
                },
                format!("--json {}: cannot write {0}: it is a FIFO", fifo.display()),
            ),
            (
                HarnessArgs {
                    bmf: in_dir(""),
                    ..HarnessArgs::default()
                },
                format!("--bmf {}/: cannot write", dir.path().display()),
            ),
            (
                HarnessArgs {
                    csv_samples: Some("/dev/full".into()),
                    ..HarnessArgs::default()
                },
                "--csv-samples /dev/full: cannot write /dev/full: it is a device".into(),
            ),
            (
                HarnessArgs {
                    html: Some("/proc/x/{target}.html".into()),
                    ..HarnessArgs::default()
                },
                "--html /proc/x/crypto.html: cannot write /proc/x/crypto.html: cannot create a \
                 file in /proc"
                    .into(),
            ),
        ];
        for (args, start) in cases {
            let err = super::check(&args, "crypto").unwrap_err().to_string();
            assert!(err.starts_with(&start), "{err}\nexpected: {start}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing written"
        );
    }

    #[test]
    fn target_placeholder_is_replaced() {
        assert_eq!(
            super::expand("out/{target}.html", "crypto"),
            "out/crypto.html"
        );
        assert_eq!(super::expand("-", "crypto"), "-");
    }
}
