//! The default terminal format: one compact line per benchmark as it finishes, e.g.
//! `ml_kem::keygen   23.41 µs  [23.38 µs, 23.45 µs]  ±0.9%  42.70 MB/s  3 outliers`:
//! the median, its 95% CI, the MAD as a percentage of the median, throughput, p50/p99 when
//! iterations were timed one by one, outliers.

use super::units::time;
use super::{Reporter, StartInfo};
use crate::escape::{Term, terminal, terminal_lines};
use crate::schema::Granularity;
use crate::schema::RunSummary;
use crate::schema::{BenchResult, Status};
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
        _ => "FAILED".into(),
    }
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
            "running {n} {} (timer precision {}, read overhead {}; median [95% CI] ±MAD)",
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
        if self.verbose
            && let Some(detail) = detail_text(r)
        {
            let _ = writeln!(self.out, "{:w$}  {detail}", "", w = self.width);
        }
    }

    fn finish(&mut self, results: &[BenchResult], s: &RunSummary, elapsed: Duration) {
        let failed: Vec<&BenchResult> = results.iter().filter(|r| r.status != Status::Ok).collect();
        if !failed.is_empty() {
            let _ = writeln!(self.out, "\nfailures:");
            for r in &failed {
                let error = failure_text(r.error.as_deref().unwrap_or(""));
                let _ = writeln!(self.out, "  {}: {error}", Term(&r.id));
            }
        }
        let _ = writeln!(
            self.out,
            "\nresult: {}. {} measured; {} failed; {} timed out; {} ignored; {} filtered out; \
             finished in {:.2}s",
            if failed.is_empty() { "ok" } else { "FAILED" },
            s.ok,
            s.failed,
            s.timeout,
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
}
