//! `--output-format bencher`: libtest's bench lines,
//! `test NAME ... bench:       1,234.50 ns/iter (+/- 56.25)`, and libtest's summary line, so
//! the tools that parse `cargo bench` (github-action-benchmark's `tool: cargo`, Bencher's
//! `rust_bench` adapter) read every benchmark.
//!
//! As in current libtest (rust-lang/rust PR 124774), the figure is the median in nanoseconds
//! with two decimals and the `+/-` is the range (max - min) of the per-iteration times after
//! winsorizing them at 5% / 95%. Two things differ from libtest on purpose:
//! - no ` = N MB/s` after a byte throughput: both parsers read a line only if it ends right
//!   after `(+/- M)`, so libtest's suffix hides the benchmark from them. The throughput stays
//!   in the JSON, CSV and BMF reports.
//! - each line is written whole when its benchmark ends, not `test NAME ... ` first: whatever
//!   the benchmark prints to stderr while it runs (with `2>&1`) would otherwise split it.

use super::{Reporter, StartInfo};
use crate::escape::{Term, TermLines};
use crate::schema::RunSummary;
use crate::schema::{BenchResult, Status};
use crate::stats::{per_iteration, quantile_sorted};
use std::io::Write;
use std::time::Duration;

/// Prints libtest's format to `out`.
pub struct LibtestReporter {
    out: Box<dyn Write>,
}

impl LibtestReporter {
    /// A reporter printing to `out`.
    pub fn new(out: Box<dyn Write>) -> Self {
        LibtestReporter { out }
    }
}

/// libtest's figures for one result: (median ns, deviation ns), from the per-iteration times.
pub fn figures(per_iter_ns: &[f64]) -> (f64, f64) {
    let mut sorted = per_iter_ns.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = quantile_sorted(&sorted, 0.5);
    let dev = quantile_sorted(&sorted, 0.95) - quantile_sorted(&sorted, 0.05);
    (median, dev)
}

/// The text after `bench:` for one result.
pub fn bench_text(median_ns: f64, dev_ns: f64) -> String {
    format!(
        "{:>14} ns/iter (+/- {})",
        nanoseconds(median_ns),
        nanoseconds(dev_ns)
    )
}

/// `ns` with two decimals and a comma between thousands, as libtest prints it (`1,234.50`).
/// Rounded once, before the digits are grouped (libtest rounds only the last group, so that
/// 1,999.999 comes out as `1,1000.00` there).
fn nanoseconds(ns: f64) -> String {
    let fixed = format!("{:.2}", ns.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if ns < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{fraction}")
}

impl Reporter for LibtestReporter {
    fn start(&mut self, info: &StartInfo) {
        let n = info.ids.len() + info.ignored.len();
        let _ = writeln!(
            self.out,
            "\nrunning {n} {}",
            if n == 1 { "test" } else { "tests" }
        );
        for id in info.ignored {
            let _ = writeln!(self.out, "test {} ... ignored", Term(id));
        }
    }

    fn bench_started(&mut self, _id: &str) {
        // Nothing yet: the whole line is written when the benchmark ends (see the module docs).
    }

    fn bench_finished(&mut self, r: &BenchResult) {
        let line = match (r.status, r.time_ns.is_some()) {
            (Status::Ok, true) => {
                let per_iter = per_iter(r);
                let (median, dev) = figures(&per_iter);
                format!("bench: {}", bench_text(median, dev))
            }
            // libtest's words for a test ignored at run time with a reason.
            (Status::Skipped, _) => match &r.skip_reason {
                Some(reason) => format!("ignored, {}", Term(reason)),
                None => "ignored".to_string(),
            },
            _ => "FAILED".to_string(),
        };
        // One write of the whole line, flushed, so that nothing the process prints between
        // two benchmarks lands inside it.
        let line = format!("test {} ... {line}\n", Term(&r.id));
        let _ = self.out.write_all(line.as_bytes());
        let _ = self.out.flush();
    }

    fn finish(&mut self, results: &[BenchResult], s: &RunSummary, elapsed: Duration) {
        let failed: Vec<&BenchResult> = results.iter().filter(|r| r.status.is_failure()).collect();
        if !failed.is_empty() {
            let _ = writeln!(self.out, "\nfailures:\n");
            for r in &failed {
                let _ = writeln!(
                    self.out,
                    "---- {} ----\n{}\n",
                    Term(&r.id),
                    TermLines(r.error.as_deref().unwrap_or(""))
                );
            }
            let _ = writeln!(self.out, "\nfailures:");
            for r in &failed {
                let _ = writeln!(self.out, "    {}", Term(&r.id));
            }
        }
        let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
        let _ = writeln!(
            self.out,
            "\ntest result: {verdict}. 0 passed; {} failed; {} ignored; {} measured; {} filtered out; \
             finished in {:.2}s\n",
            s.failed + s.timeout,
            s.ignored + s.skipped,
            s.ok,
            s.filtered_out,
            elapsed.as_secs_f64()
        );
        let _ = self.out.flush();
    }
}

/// Per-iteration times recomputed from the raw samples and the subtracted overheads.
fn per_iter(r: &BenchResult) -> Vec<f64> {
    let (per_sample, per_iter) = r
        .overhead
        .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
    per_iteration(&r.iters_per_sample, &r.samples_ns, per_sample, per_iter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_matches_current_libtest_layout() {
        assert_eq!(
            bench_text(1234.5, 56.25),
            "      1,234.50 ns/iter (+/- 56.25)"
        );
        assert_eq!(
            bench_text(51.8249, 0.004),
            "         51.82 ns/iter (+/- 0.00)"
        );
        assert_eq!(
            bench_text(1_234_567_890.125, 1_000.0),
            "1,234,567,890.12 ns/iter (+/- 1,000.00)"
        );
        assert_eq!(bench_text(0.0, 0.0), "          0.00 ns/iter (+/- 0.00)");
    }

    #[test]
    fn digits_are_grouped_after_rounding() {
        assert_eq!(nanoseconds(999.999), "1,000.00");
        assert_eq!(nanoseconds(1_999.999), "2,000.00");
        assert_eq!(nanoseconds(100_000.0), "100,000.00");
        assert_eq!(nanoseconds(-1_500.5), "-1,500.50");
        assert_eq!(nanoseconds(-0.001), "0.00");
    }

    #[test]
    fn figures_are_median_and_winsorized_range() {
        // 1..=101: median 51; 5th and 95th percentiles (type 7) are 6 and 96.
        let v: Vec<f64> = (1..=101).map(f64::from).collect();
        assert_eq!(figures(&v), (51.0, 90.0));
    }

    use crate::report::tests::{Buffer, RunReport, assert_no_controls, drive, run};

    fn libtest(report: &RunReport) -> String {
        let out = Buffer::default();
        let mut reporter = LibtestReporter::new(out.writer());
        drive(&mut reporter, report, 23.0, Duration::from_millis(2250));
        out.text()
    }

    #[test]
    fn each_benchmark_gets_libtests_bench_line() {
        let report = run("run-forms");
        let text = libtest(&report);
        let n = report.benchmarks.len() + 1;
        assert!(
            text.starts_with(&format!(
                "\nrunning {n} tests\ntest skipped_one ... ignored\n"
            )),
            "{text}"
        );
        for r in &report.benchmarks {
            let (median, dev) = figures(&per_iter(r));
            let expected = format!("test {} ... bench: {}\n", r.id, bench_text(median, dev));
            assert!(text.contains(&expected), "{expected} in:\n{text}");
        }
        // No throughput suffix, bytes or elements: the line ends at `(+/- M)`.
        let line = |id: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("test {id} ")))
                .unwrap()
        };
        assert!(line("sum_bytes/1024").ends_with(')'), "{text}");
        assert!(line("strings/abcd").ends_with(')'), "{text}");
        assert!(
            text.ends_with(&format!(
                "\ntest result: ok. 0 passed; 0 failed; {} ignored; {} measured; 0 filtered out; \
             finished in 2.25s\n\n",
                report.summary.ignored,
                report.benchmarks.len()
            )),
            "{text}"
        );
    }

    #[test]
    fn the_median_is_of_the_samples_less_the_overheads() {
        let r = &run("run-compare").benchmarks[0];
        let o = r.overhead.unwrap();
        let per_iter = per_iter(r);
        assert_eq!(per_iter.len(), r.samples_ns.len());
        for ((&ns, &iters), v) in r.samples_ns.iter().zip(&r.iters_per_sample).zip(&per_iter) {
            let expected = (ns as f64 - o.per_sample_ns) / iters as f64 - o.per_iter_ns;
            assert!(
                (v - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{v} vs {expected}"
            );
        }
    }

    #[test]
    fn failures_and_timeouts_fail_the_result() {
        let report = run("run-faults");
        let text = libtest(&report);
        for r in &report.benchmarks {
            let status = if r.time_ns.is_some() {
                "bench: "
            } else {
                "FAILED\n"
            };
            assert!(
                text.contains(&format!("test {} ... {status}", r.id)),
                "{text}"
            );
        }
        assert!(
            text.contains("\n---- panics ----\npanicked: boom <script>alert(1)</script>\n"),
            "{text}"
        );
        assert!(
            text.contains("\n---- hangs ----\ntimed out after 0.200s"),
            "{text}"
        );
        let list = format!("\n{}", text.rsplit("\nfailures:\n").next().unwrap());
        for id in ["hangs", "never_iterates", "panics", "slow_samples"] {
            assert!(list.contains(&format!("\n    {id}\n")), "{list}");
        }
        let s = &report.summary;
        assert!(
            text.contains(&format!(
                "\ntest result: FAILED. 0 passed; {} failed; {} ignored; {} measured;",
                s.failed + s.timeout,
                s.ignored,
                s.ok
            )),
            "{text}"
        );
    }

    #[test]
    fn hostile_ids_and_messages_are_escaped() {
        let text = libtest(&run("run-hostile"));
        assert_no_controls(&text);
        assert!(
            text.contains("test escapes/\\u{1b}]0;retitled\\u{7} ... bench:"),
            "{text}"
        );
        assert!(text.contains(
            "\n---- panics_with_escapes ----\npanicked: \\u{1b}[2J\\u{1b}]0;retitled\\u{7}screen cleared\nsecond line \\u{9b}31mred\n"
        ), "{text}");
    }
}
