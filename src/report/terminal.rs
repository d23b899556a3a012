//! The default terminal format: one compact line per benchmark as it finishes, e.g.
//! `ml_kem::keygen   23.41 µs  [23.38 µs, 23.45 µs]  ±0.9%  42.70 MB/s  3 outliers`:
//! the median, its 95% CI, the MAD as a percentage of the median, throughput, p50/p99 when
//! iterations were timed one by one, outliers.

use super::units::time;
use super::{Reporter, StartInfo};
use crate::escape::{Term, terminal, terminal_lines};
use crate::schema::Granularity;
use crate::schema::RunSummary;
use crate::schema::{BenchResult, Status, StopReason};
use std::io::Write;
use std::time::Duration;

/// Prints the pretty format to `out`.
pub struct PrettyReporter {
    out: Box<dyn Write>,
    width: usize,
    verbose: bool,
}

impl PrettyReporter {
    /// A reporter printing to `out`; `verbose` adds a detail line per benchmark.
    pub fn new(out: Box<dyn Write>, verbose: bool) -> Self {
        PrettyReporter {
            out,
            width: 0,
            verbose,
        }
    }
}

/// The `--verbose` detail line: counters and allocations per iteration, then peak memory and
/// CPU use over the whole benchmark.
pub fn detail_text(r: &BenchResult) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(c) = &r.counters {
        let mut counters = Vec::new();
        if let (Some(i), Some(ipc)) = (c.instructions, c.ipc) {
            counters.push(format!("{i:.1} instr (IPC {ipc:.2})"));
        }
        if let Some(rate) = c.branch_miss_rate {
            counters.push(format!("{:.2}% branch misses", 100.0 * rate));
        }
        if let Some(m) = c.cache_misses {
            counters.push(format!("{m:.3} cache misses"));
        }
        if let Some(t) = c.task_clock_ns {
            counters.push(format!("task-clock {}", time(t)));
        }
        if let Some(p) = c.page_faults {
            counters.push(format!("{p:.3} page faults"));
        }
        if let Some(cs) = c.context_switches {
            counters.push(format!("{cs:.4} ctx switches"));
        }
        if !counters.is_empty() {
            parts.push(counters.join(", "));
        }
    }
    if let Some(a) = &r.alloc {
        parts.push(format!(
            "{:.2} allocs, {:.2} reallocs, {:.0} B",
            a.allocs_per_iter, a.reallocs_per_iter, a.bytes_per_iter
        ));
    }
    let mut text = (!parts.is_empty()).then(|| format!("per iteration: {}", parts.join(" | ")));
    if let Some(s) = &r.system {
        let mut sys = format!(
            "whole benchmark: peak RSS {:.1} MiB",
            s.summary.peak_rss_bytes as f64 / (1 << 20) as f64
        );
        if let Some(cpu) = s.summary.mean_process_cpu_pct {
            sys.push_str(&format!(", CPU {cpu:.0}%"));
        }
        text = Some(match text {
            Some(t) => format!("{t} | {sys}"),
            None => sys,
        });
    }
    text
}

/// The line under a benchmark's result that shows its custom metrics:
/// `metrics: rounds_to_finality 10 rounds | queries 600`; `None` without metrics.
pub fn metrics_text(r: &BenchResult) -> Option<String> {
    let changes = r.comparison.as_ref().map(|c| &c.metrics);
    let shown: Vec<String> = (r.metrics.iter())
        .map(|(name, m)| {
            let mut text = format!("{name} {}", Term(&super::units::metric(m)));
            if let Some(c) = changes.and_then(|c| c.get(name)) {
                text.push_str(&format!(" ({})", super::units::metric_change(c)));
            }
            text
        })
        .collect();
    (!shown.is_empty()).then(|| format!("metrics: {}", shown.join(" | ")))
}

/// The line's text after the id.
pub fn result_text(r: &BenchResult) -> String {
    match (&r.status, &r.time_ns) {
        (Status::Ok, Some(t)) => {
            let mut text = format!(
                "{:>10}  [{}, {}]",
                time(t.median),
                time(t.median_ci.lower),
                time(t.median_ci.upper)
            );
            // A spread relative to a zero median (an empty routine) means nothing.
            if t.median > 0.0 {
                text.push_str(&format!("  ±{:.1}%", 100.0 * t.mad / t.median));
            }
            if let Some(hw) = r
                .uncertainty
                .as_ref()
                .and_then(|u| u.between_runs_half_width)
            {
                text.push_str(&format!("  runs here ±{:.1}%", 100.0 * hw.exp_m1()));
            }
            if let Some(note) = precision_missed(r) {
                text.push_str(&note);
            }
            if let Some(tp) = super::units::throughput(r.throughput) {
                text.push_str(&format!("  {tp}"));
            }
            if let Some(i) = r.instructions.as_ref().and_then(|i| i.per_iter) {
                text.push_str(&format!("  {i:.0} instr"));
            }
            if let Some(p) = &r.percentiles_ns
                && p.granularity == Granularity::Iteration
            {
                text.push_str(&format!("  p50 {} p99 {}", time(p.p50), time(p.p99)));
            }
            if let Some(t) = &r.target {
                let verdict = match t.met {
                    Some(true) => "met",
                    Some(false) => "MISSED",
                    None => "not checked",
                };
                text.push_str(&format!("  target {}: {verdict}", Term(&t.expression)));
            }
            let outliers = r.outliers.map_or(0, |o| o.total());
            if outliers > 0 {
                let pct = 100.0 * outliers as f64 / r.samples_ns.len().max(1) as f64;
                text.push_str(&format!("  {outliers} outliers ({pct:.1}%)"));
            }
            text
        }
        (Status::Timeout, _) => "TIMED OUT".into(),
        (Status::Skipped, _) => format!(
            "skipped: {}",
            Term(r.skip_reason.as_deref().unwrap_or("no reason given"))
        ),
        _ => "FAILED".into(),
    }
}

/// With a precision target, a benchmark stopped by a cap before reaching it says which cap:
/// `  (±1% not reached: time cap)`.
fn precision_missed(r: &BenchResult) -> Option<String> {
    let pct = r.config.precision_pct.filter(|&p| p > 0.0)?;
    let cap = match r.stop_reason? {
        StopReason::Precision => return None,
        StopReason::Samples => "sample cap",
        StopReason::Time => "time cap",
        StopReason::Unreachable => "out of reach by the caps",
    };
    Some(format!("  (±{pct}% not reached: {cap})"))
}

/// A failure's error text under `failures:`: a message of several lines (an `assert_eq!`
/// panic) keeps its lines, indented under the id; control characters are escaped.
pub fn failure_text(error: &str) -> String {
    terminal_lines(error.trim_end_matches('\n')).replace('\n', "\n    ")
}

impl Reporter for PrettyReporter {
    fn start(&mut self, info: &StartInfo) {
        self.width = info
            .ids
            .iter()
            .chain(info.ignored)
            .map(|id| terminal(id).chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        let n = info.ids.len();
        let _ = writeln!(
            self.out,
            "running {n} {} (timer precision {}, read overhead {}; median [95% CI of this run] \
             ±MAD, runs here: where 95% of other runs on this host land)",
            if n == 1 { "benchmark" } else { "benchmarks" },
            time(info.precision_ns),
            time(info.overhead_ns)
        );
        for id in info.ignored {
            let _ = writeln!(self.out, "{:<w$}  ignored", Term(id), w = self.width);
        }
    }

    fn bench_started(&mut self, id: &str) {
        let _ = write!(self.out, "{:<w$}  ", Term(id), w = self.width);
        let _ = self.out.flush();
    }

    fn bench_finished(&mut self, r: &BenchResult) {
        let _ = writeln!(self.out, "{}", result_text(r));
        if let Some(metrics) = metrics_text(r) {
            let _ = writeln!(self.out, "{:w$}  {metrics}", "", w = self.width);
        }
        if self.verbose
            && let Some(detail) = detail_text(r)
        {
            let _ = writeln!(self.out, "{:w$}  {detail}", "", w = self.width);
        }
    }

    fn finish(&mut self, results: &[BenchResult], s: &RunSummary, elapsed: Duration) {
        let failed: Vec<&BenchResult> = results.iter().filter(|r| r.status.is_failure()).collect();
        if !failed.is_empty() {
            let _ = writeln!(self.out, "\nfailures:");
            for r in &failed {
                let error = failure_text(r.error.as_deref().unwrap_or(""));
                let _ = writeln!(self.out, "  {}: {error}", Term(&r.id));
            }
        }
        let _ = writeln!(
            self.out,
            "\nresult: {}. {} measured; {} failed; {} timed out; {}{} ignored; {} filtered out; \
             finished in {:.2}s",
            if failed.is_empty() { "ok" } else { "FAILED" },
            s.ok,
            s.failed,
            s.timeout,
            // Only when some benchmark skipped itself: the line stays as it was otherwise.
            match s.skipped {
                0 => String::new(),
                n => format!("{n} skipped; "),
            },
            s.ignored,
            s.filtered_out,
            elapsed.as_secs_f64()
        );
        if s.targets_met + s.targets_missed > 0 {
            let _ = writeln!(
                self.out,
                "targets: {} met, {} missed",
                s.targets_met, s.targets_missed
            );
        }
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_text_indents_lines_and_escapes_controls() {
        assert_eq!(
            failure_text("panicked: assertion failed\n  left: 1\n right: \u{1b}[2J\n"),
            "panicked: assertion failed\n      left: 1\n     right: \\u{1b}[2J"
        );
    }

    use crate::report::tests::{Buffer, RunReport, assert_no_controls, drive, run};

    /// The whole pretty output of a run of `report`'s benchmarks.
    fn pretty(report: &RunReport, verbose: bool) -> String {
        let out = Buffer::default();
        let mut reporter = PrettyReporter::new(out.writer(), verbose);
        drive(&mut reporter, report, 23.5, Duration::from_millis(1500));
        out.text()
    }

    fn line<'a>(text: &'a str, id: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id} in:\n{text}"))
    }

    #[test]
    fn a_line_per_benchmark_with_median_interval_and_spread() {
        let report = run("run-compare");
        let text = pretty(&report, false);
        assert!(
            text.starts_with(&format!(
                "running {} benchmarks (timer precision 20.00 ns, read overhead 23.50 ns; \
                 median [95% CI of this run] ±MAD, runs here: where 95% of other runs on this \
                 host land)\n\
                 skipped_one",
                report.benchmarks.len()
            )),
            "{text}"
        );
        let width = report.benchmarks.iter().map(|r| r.id.len()).max().unwrap();
        for r in &report.benchmarks {
            let t = r.time_ns.as_ref().unwrap();
            let line = line(&text, &r.id);
            assert_eq!(
                &line[width..width + 2],
                "  ",
                "ids padded to one width: {line}"
            );
            assert_eq!(line[width + 2..], result_text(r));
            assert!(
                line.contains(&format!(
                    "{}  [{}, {}]  ±{:.1}%",
                    time(t.median),
                    time(t.median_ci.lower),
                    time(t.median_ci.upper),
                    100.0 * t.mad / t.median
                )),
                "{line}"
            );
        }
        assert!(
            text.ends_with(&format!(
                "\nresult: ok. {} measured; 0 failed; 0 timed out; 0 ignored; 1 filtered out; \
             finished in 1.50s\n",
                report.benchmarks.len()
            )),
            "{text}"
        );
        assert!(!text.contains("targets:"), "none declared");
    }

    #[test]
    fn the_between_run_spread_is_shown_when_known() {
        let mut r = run("run-compare").benchmarks.remove(0);
        assert!(!result_text(&r).contains("runs here"));
        let t = r.time_ns.as_ref().unwrap();
        let earlier = [100.0, 101.0, 100.0, 99.0, 100.0];
        r.uncertainty = Some(crate::analyze::uncertainty::uncertainty(t, Ok(&earlier)));
        // sd = 0.00707 from four steps of about 1%, 2 df (t = 4.3027): half-width
        // 4.3027 * sqrt(2) * 0.00707 = 0.0430 on the log scale, 4.4%.
        assert!(
            result_text(&r).contains("  runs here ±4.4%"),
            "{}",
            result_text(&r)
        );
        r.uncertainty = Some(crate::analyze::uncertainty::uncertainty(
            t,
            Ok(&earlier[..4]),
        ));
        assert!(!result_text(&r).contains("runs here"), "too few runs");
    }

    #[test]
    fn a_precision_target_missed_at_a_cap_is_marked() {
        let mut r = run("run-compare").benchmarks.remove(0);
        assert!(!result_text(&r).contains("not reached"), "no target");
        r.config.precision_pct = Some(1.0);
        r.stop_reason = Some(StopReason::Precision);
        assert!(!result_text(&r).contains("not reached"), "reached");
        r.stop_reason = Some(StopReason::Time);
        assert!(result_text(&r).contains("  (±1% not reached: time cap)"));
        r.stop_reason = Some(StopReason::Samples);
        assert!(result_text(&r).contains("  (±1% not reached: sample cap)"));
    }

    #[test]
    fn failures_are_listed_and_the_result_failed() {
        let report = run("run-faults");
        let text = pretty(&report, false);
        assert_eq!(
            line(&text, "panics").split_whitespace().last(),
            Some("FAILED")
        );
        assert_eq!(
            line(&text, "never_iterates").split_whitespace().last(),
            Some("FAILED")
        );
        assert!(line(&text, "hangs").ends_with("TIMED OUT"));
        assert!(line(&text, "slow_samples").ends_with("TIMED OUT"));
        let failures = text
            .split("\nfailures:\n")
            .nth(1)
            .expect("a failures section");
        for r in report.benchmarks.iter().filter(|r| r.time_ns.is_none()) {
            let error = failure_text(r.error.as_deref().unwrap());
            assert!(
                failures.contains(&format!("  {}: {error}\n", r.id)),
                "{failures}"
            );
        }
        assert!(failures.contains("panics: panicked: boom <script>alert(1)</script>"));
        let s = &report.summary;
        assert!(
            text.contains(&format!(
                "\nresult: FAILED. {} measured; {} failed; {} timed out; 0 ignored;",
                s.ok, s.failed, s.timeout
            )),
            "{text}"
        );
    }

    #[test]
    fn throughput_targets_and_percentiles_are_shown() {
        let report = run("run-forms");
        let text = pretty(&report, false);
        for r in report.benchmarks.iter().filter(|r| r.throughput.is_some()) {
            let tp = super::super::units::throughput(r.throughput).unwrap();
            assert!(tp.ends_with("B/s") || tp.ends_with("elem/s"), "{tp}");
            assert!(line(&text, &r.id).contains(&format!("  {tp}")), "{text}");
        }
        assert!(line(&text, "fib10").contains("  target < 1ns: MISSED"));
        assert!(line(&text, "plain").contains("target < 1s: met"));
        assert!(line(&text, "strings/ab").contains("target > 1 MB/s: not checked"));
        assert!(text.contains("\ntargets: 3 met, 1 missed\n"), "{text}");
        for r in &report.benchmarks {
            let p = r.percentiles_ns.as_ref().unwrap();
            let shown =
                line(&text, &r.id).contains(&format!("  p50 {} p99 {}", time(p.p50), time(p.p99)));
            assert_eq!(shown, p.granularity == Granularity::Iteration, "{}", r.id);
        }
    }

    #[test]
    fn verbose_adds_counters_allocations_and_memory() {
        let report = run("run-alloc");
        let text = pretty(&report, true);
        for r in &report.benchmarks {
            let detail = detail_text(r).expect("alloc, counters and system metrics");
            let a = r.alloc.unwrap();
            assert!(detail.starts_with("per iteration: "), "{detail}");
            assert!(
                detail.contains(&format!(
                    "{:.2} allocs, {:.2} reallocs, {:.0} B",
                    a.allocs_per_iter, a.reallocs_per_iter, a.bytes_per_iter
                )),
                "{detail}"
            );
            let s = r.system.as_ref().unwrap();
            let rss = s.summary.peak_rss_bytes as f64 / (1 << 20) as f64;
            assert!(
                detail.contains(&format!("whole benchmark: peak RSS {rss:.1} MiB")),
                "{detail}"
            );
            // The line after the result line, indented past the ids.
            let result = line(&text, &r.id);
            let next = text
                .split(&format!("{result}\n"))
                .nth(1)
                .unwrap()
                .lines()
                .next()
                .unwrap();
            assert_eq!(next.trim_start(), detail);
        }
        assert!(
            detail_text(&run("run-compare").benchmarks[0])
                .unwrap()
                .contains("page faults")
        );
        assert!(
            !pretty(&report, false).contains("per iteration:"),
            "only with --verbose"
        );
    }

    #[test]
    fn hostile_ids_and_messages_are_escaped() {
        let report = run("run-hostile");
        let text = pretty(&report, true);
        assert_no_controls(&text);
        assert!(text.contains("\nescapes/\\u{1b}[2J "), "{text}");
        assert!(text.contains("escapes/tab\\there\\u{202e} "), "{text}");
        assert!(text.contains(
            "  panics_with_escapes: panicked: \\u{1b}[2J\\u{1b}]0;retitled\\u{7}screen cleared\n    second line \\u{9b}31mred"
        ), "{text}");
    }
}
