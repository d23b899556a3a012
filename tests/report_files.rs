//! Report files from real fixture runs: `--csv`, `--csv-samples`, `--markdown`, `--bmf` and
//! `--html` written by the bench binary, `qudag-bench report` over `latest` and over a run
//! kept by the history, and the HTML rendered in a real headless Chromium.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One home with: a `work` baseline, a `work` run against it (two runs in the history, so
/// trends exist) that wrote every file format, and a `faults` run (a panic message that is
/// markup, timeouts).
fn home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        let mut base = vec!["--bench", "--save-baseline", "base"];
        base.extend_from_slice(FAST);
        let r = run_bench("work", &base, h, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let files = |name: &str| h.join("files").join(name).display().to_string();
        let (html, csv, samples, md, bmf) = (
            files("work.html"),
            files("work.csv"),
            files("work-samples.csv"),
            files("work.md"),
            files("work.bmf.json"),
        );
        let mut args = vec!["--bench", "--baseline", "base"];
        args.extend_from_slice(FAST);
        args.extend_from_slice(&[
            "--html",
            &html,
            "--csv",
            &csv,
            "--csv-samples",
            &samples,
            "--markdown",
            &md,
            "--bmf",
            &bmf,
        ]);
        let r = run_bench("work", &args, h, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut faults = vec!["--bench"];
        faults.extend_from_slice(FAST);
        let r = run_bench("faults", &faults, h, &[]);
        assert_eq!(r.code, 101, "{}", r.stderr);
        home
    })
    .path()
}

fn file(name: &str) -> PathBuf {
    home().join("files").join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tool(args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = vec!["--home".as_ref(), home().as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    qudag_bench(all)
}

/// Rows of a CSV file as parsed by Python's csv module.
fn python_csv(path: &Path) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='')))))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

#[test]
fn csv_parses_with_pythons_csv_module_one_row_per_benchmark() {
    let report = read_json(&home().join("results/work.json"));
    let rows = python_csv(&file("work.csv"));
    assert_eq!(rows.len(), ids(&report).len());
    let header = read(&file("work.csv"));
    assert_eq!(
        header.lines().next().unwrap(),
        qudag_bench::report::csv::SUMMARY_HEADER.join(",")
    );
    for (row, bench) in rows.iter().zip(report["benchmarks"].as_array().unwrap()) {
        assert_eq!(row["id"], bench["id"]);
        assert_eq!(row["status"], "ok");
        let median: f64 = row["median_ns"].as_str().unwrap().parse().unwrap();
        assert_eq!(median, bench["time_ns"]["median"].as_f64().unwrap());
        assert_eq!(row["baseline"], "base");
        assert!(["unchanged", "regressed", "improved"].contains(&row["verdict"].as_str().unwrap()));
    }
    // Every raw sample, with the overheads subtracted as the statistics do.
    let samples = python_csv(&file("work-samples.csv"));
    let total: usize = report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["samples_ns"].as_array().unwrap().len())
        .sum();
    assert_eq!(samples.len(), total);
    let first = &report["benchmarks"][0];
    assert_eq!(
        samples[0]["elapsed_ns"].as_str().unwrap(),
        first["samples_ns"][0].to_string()
    );
}

#[test]
fn csv_of_failed_benchmarks_keeps_the_error_and_leaves_figures_empty() {
    let out = home().join("faults.csv");
    let (code, _, err) = tool(&[
        "report",
        &home().join("results/faults.json").display().to_string(),
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rows = python_csv(&out);
    let panics = rows.iter().find(|r| r["id"] == "panics").unwrap();
    assert_eq!(panics["status"], "failed");
    assert_eq!(panics["median_ns"], "");
    assert_contains(
        panics["error"].as_str().unwrap(),
        "boom <script>alert(1)</script>",
    );
}

#[test]
fn markdown_has_a_table_with_a_row_per_benchmark() {
    let md = read(&file("work.md"));
    let report = read_json(&home().join("results/work.json"));
    assert_contains(
        &md,
        "| benchmark | median | 95% CI | ±MAD | throughput | vs `base` | target |",
    );
    assert_contains(&md, "|---|---:|---:|---:|---:|---|---|");
    for id in ids(&report) {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("no row for {id} in:\n{md}"));
        assert_eq!(row.matches(" | ").count() + 2, 8, "7 cells: {row}");
    }
    let (code, faults, _) = tool(&["report", "latest", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert_contains(&faults, "boom &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!faults.contains("<script>"), "{faults}");
}

#[test]
fn bmf_has_latency_for_every_measured_benchmark() {
    let bmf = read_json(&file("work.bmf.json"));
    let report = read_json(&home().join("results/work.json"));
    for bench in report["benchmarks"].as_array().unwrap() {
        let id = bench["id"].as_str().unwrap();
        let latency = &bmf[id]["latency"];
        assert_eq!(latency["value"], bench["time_ns"]["median"], "{id}");
        assert_eq!(
            latency["lower_value"],
            bench["time_ns"]["median_ci"]["lower"]
        );
        assert_eq!(
            latency["upper_value"],
            bench["time_ns"]["median_ci"]["upper"]
        );
    }
    // Over both targets: failed and timed-out benchmarks have no latency and are left out.
    let (code, out, _) = tool(&["report", "latest", "--format", "bmf"]);
    assert_eq!(code, 0);
    let all: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(all["fine"]["latency"]["value"].as_f64().unwrap() > 0.0);
    assert!(all.get("panics").is_none() && all.get("hangs").is_none());
    assert!(all.get("tunable").is_some());
}

#[test]
fn bmf_is_valid_for_bencher_and_throughput_bounds_follow_the_median_interval() {
    let dir = tempfile::tempdir().unwrap();
    let bmf = dir.path().join("forms.bmf.json");
    let mut args = vec!["--bench"];
    args.extend_from_slice(FAST);
    let dest = bmf.display().to_string();
    args.extend_from_slice(&["--bmf", &dest]);
    let r = run_bench("forms", &args, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bmf = read_json(&bmf);
    // Bencher's published schema for BMF (https://bencher.dev/bmf.json, kept in
    // tests/reference/bencher-bmf.schema.json).
    let schema = read_json(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/reference/bencher-bmf.schema.json"),
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&bmf).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let report = read_json(&dir.path().join("results/forms.json"));
    let mut with_throughput = 0;
    for bench in report["benchmarks"].as_array().unwrap() {
        let id = bench["id"].as_str().unwrap();
        let Some(units) = bench["throughput"]["per_iter"].as_f64() else {
            assert!(bmf[id].get("throughput").is_none(), "{id}");
            assert!(bmf[id].get("bytes-per-second").is_none(), "{id}");
            continue;
        };
        with_throughput += 1;
        // Bencher's `throughput` is operations per second: elements; bytes have their own.
        let measure = match bench["throughput"]["kind"].as_str() {
            Some("elements") => "throughput",
            Some("bytes") => "bytes-per-second",
            other => panic!("{id}: throughput kind {other:?}"),
        };
        let t = &bmf[id][measure];
        let ci = &bench["time_ns"]["median_ci"];
        assert_eq!(t["value"], bench["throughput"]["per_second"], "{id}");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
        let lower = units / ci["upper"].as_f64().unwrap() * 1e9;
        let upper = units / ci["lower"].as_f64().unwrap() * 1e9;
        assert!(close(t["lower_value"].as_f64().unwrap(), lower), "{id}");
        assert!(close(t["upper_value"].as_f64().unwrap(), upper), "{id}");
    }
    assert_eq!(with_throughput, 4, "two byte and two element throughputs");
}

#[test]
fn html_is_self_contained_and_escapes_user_text() {
    let (code, html, err) = tool(&["report", "latest"]);
    assert_eq!(code, 0, "{err}");
    for chart in ["distribution", "timeline", "rss", "trend", "changes"] {
        assert_contains(&html, &format!("data-chart=\"{chart}\""));
    }
    assert_contains(&html, "boom &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!html.contains("<script"), "no script element at all");
    // Nothing to fetch: the only URL is the SVG namespace, which is a name, not a request.
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!without_ns.contains(needle), "found {needle}");
    }
    assert_contains(&html, "default-src 'none'");
}

#[test]
fn report_of_a_run_kept_by_the_history_has_estimates_but_no_samples() {
    let report = read_json(&home().join("results/work.json"));
    let run_id = report["run_id"].as_str().unwrap();
    let (code, csv, err) = tool(&["report", run_id, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let median = report["benchmarks"][0]["time_ns"]["median"]
        .as_f64()
        .unwrap();
    assert_contains(&csv, &format!("{run_id},"));
    let rows = {
        let path = home().join("from-history.csv");
        std::fs::write(&path, &csv).unwrap();
        python_csv(&path)
    };
    // As numbers: the same value may be written with other digits in its last place (this
    // once failed comparing the texts `91.93127157724719` and the CSV's).
    let id = report["benchmarks"][0]["id"].as_str().unwrap();
    let row = rows
        .iter()
        .find(|r| r["id"] == id)
        .expect("the benchmark's row");
    let from_history: f64 = row["median_ns"].as_str().unwrap().parse().unwrap();
    assert!(
        (from_history - median).abs() <= 1e-9 * median,
        "{from_history} vs {median}"
    );
    // The history keeps no samples, so their counts are unknown, not 0.
    assert_eq!(
        (&rows[0]["samples"], &rows[0]["iterations"]),
        (&"".into(), &"".into())
    );
    // A unique prefix is enough; the HTML says why it has no distribution charts.
    let (code, html, _) = tool(&["report", &run_id[..12]]);
    assert_eq!(code, 0);
    assert_contains(&html, "keeps no raw samples");
    assert!(!html.contains("data-chart=\"distribution\""));
    // A run report or a sample table needs the raw samples: refused, not faked.
    for format in ["json", "csv-samples"] {
        let (code, out, err) = tool(&["report", run_id, "--format", format]);
        assert_eq!((code, out.as_str()), (2, ""), "{format}");
        assert_contains(&err, "no raw samples");
    }
    // `compare` needs samples too, so it does not take run ids.
    let (code, _, err) = tool(&["compare", run_id, "latest"]);
    assert_eq!(code, 2);
    assert_contains(&err, run_id);
}

#[test]
fn bad_sources_and_destinations_are_usage_errors_that_keep_files() {
    let (code, _, err) = tool(&["report", "no-such-run"]);
    assert_eq!(code, 2);
    assert_contains(&err, "no-such-run");
    let (code, _, err) = tool(&["report", "latest", "--format", "pdf"]);
    assert_eq!(code, 2);
    assert_contains(&err, "pdf");
    // A destination whose directory is a file: the error names it.
    let blocker = home().join("blocker");
    std::fs::write(&blocker, "keep me").unwrap();
    let dest = blocker.join("out.html").display().to_string();
    let (code, _, err) = tool(&["report", "latest", "--out", &dest]);
    assert_eq!(code, 2);
    assert_contains(&err, "blocker");
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "keep me");
    // A corrupt source report is named and left as it was.
    let corrupt = home().join("corrupt.json");
    std::fs::write(&corrupt, "{\"schema\": \"qudag-bench/run/v1\", \"run_").unwrap();
    let (code, _, err) = tool(&["report", &corrupt.display().to_string()]);
    assert_eq!(code, 2);
    assert_contains(&err, "corrupt.json");
    assert_eq!(
        std::fs::read_to_string(&corrupt).unwrap(),
        "{\"schema\": \"qudag-bench/run/v1\", \"run_"
    );
}

/// Headless Chromium, if installed. `.ci/run` installs it and sets
/// `QUDAG_BENCH_REQUIRE_BROWSER=1`, so that there a missing browser fails the test.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("QUDAG_BENCH_REQUIRE_BROWSER").is_none(),
            "QUDAG_BENCH_REQUIRE_BROWSER is set but no chromium is on PATH"
        );
        eprintln!("note: chromium is not installed; the browser check is skipped");
    }
    found
}

/// What Chromium saw loading `page`: the DOM after loading, console messages, and the URLs
/// the page itself requested (from Chromium's network log; the browser's own background
/// requests are not the page's and are left out).
struct Rendered {
    dom: String,
    console: Vec<String>,
    page_requests: Vec<String>,
}

fn render(browser: &Path, page: &Path, screenshot: Option<&Path>) -> Rendered {
    let dir = tempfile::tempdir().unwrap();
    let netlog = dir.path().join("netlog.json");
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,2400",
    ])
    .arg(format!(
        "--user-data-dir={}",
        dir.path().join("profile").display()
    ))
    .arg(format!("--log-net-log={}", netlog.display()));
    match screenshot {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let log = read_json(&netlog);
    let types = log["constants"]["logEventTypes"].as_object().unwrap();
    let start_job = types["URL_REQUEST_START_JOB"].as_u64().unwrap();
    let page_requests = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            // Requests made on behalf of a file:// page carry its site in their key.
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .filter(|u| !u.starts_with("file://"))
        .collect();
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        console,
        page_requests,
    }
}

#[test]
fn html_renders_in_chromium_without_errors_or_requests() {
    let Some(browser) = chromium() else { return };
    // The checks below can fail: a page that logs, runs script and fetches is caught.
    let control = home().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><p>x</p><script>console.error('control')</script>\
         <img src=\"http://127.0.0.1:9/pixel.png\">",
    )
    .unwrap();
    let seen = render(&browser, &control, None);
    assert!(
        seen.console.iter().any(|l| l.contains("control")),
        "{:?}",
        seen.console
    );
    assert_eq!(seen.page_requests, ["http://127.0.0.1:9/pixel.png"]);

    let page = home().join("report.html");
    let (code, _, err) = tool(&["report", "latest", "--out", &page.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    let seen = render(&browser, &page, None);
    assert!(seen.console.is_empty(), "console: {:?}", seen.console);
    assert!(
        seen.page_requests.is_empty(),
        "requests: {:?}",
        seen.page_requests
    );
    for chart in ["distribution", "timeline", "rss", "trend", "changes"] {
        assert_contains(&seen.dom, &format!("data-chart=\"{chart}\""));
    }
    // The panic message arrived as text: the DOM has no script element.
    assert_contains(&seen.dom, "boom &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!seen.dom.contains("<script"));

    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&png);
    let seen = render(&browser, &page, Some(&png));
    assert!(seen.console.is_empty(), "console: {:?}", seen.console);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000);
    eprintln!("screenshot: {}", png.display());
}

#[test]
fn a_run_that_selects_nothing_keeps_the_report_files() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("work.html");
    let json = dir.path().join("work.json");
    std::fs::write(&html, "an earlier report").unwrap();
    std::fs::write(&json, "an earlier run").unwrap();
    // `cargo bench -- FILTER --html ...`: the targets the filter misses must not replace the
    // report files of the one it matched.
    let (h, j) = (html.display().to_string(), json.display().to_string());
    let args = [
        "--bench",
        "no-benchmark-matches-this",
        "--html",
        &h,
        "--json",
        &j,
    ];
    let r = run_bench("work", &args, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "an earlier report");
    // `--json` describes this run, even an empty one: it says what was selected.
    assert_eq!(ids(&read_json(&json)), Vec::<String>::new());
}
