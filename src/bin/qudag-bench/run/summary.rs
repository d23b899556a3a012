//! The end of `qudag-bench run`: one exit code for all targets, one summary, and the combined
//! document (`--json`, schema `qudag-bench/group/v1`).

use qudag_bench::harness::{EXIT_FAILED, EXIT_GATE, EXIT_OK, EXIT_USAGE};
use qudag_bench::store::RunReport;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

/// Exit codes, most important first: a benchmark failed (101) > usage or input error (2) >
/// the gate failed (3) > ok (0). As in one bench target (which returns 101 before 2 before
/// 3), 3 then means that every target ran, was recorded and only the gate failed. Any other
/// code, or an end by a signal, counts as 101.
pub const PRECEDENCE: [i32; 4] = [EXIT_FAILED, EXIT_USAGE, EXIT_GATE, EXIT_OK];

/// The combined exit code of the targets' codes.
pub fn combine(codes: impl IntoIterator<Item = Option<i32>>) -> i32 {
    codes
        .into_iter()
        .map(|c| match c {
            Some(c) if PRECEDENCE.contains(&c) => c,
            _ => EXIT_FAILED,
        })
        .min_by_key(|c| PRECEDENCE.iter().position(|p| p == c))
        .unwrap_or(EXIT_OK)
}

/// What the code means, for the last line of the summary.
pub fn meaning(code: i32) -> &'static str {
    match code {
        EXIT_OK => "ok",
        EXIT_USAGE => "usage, configuration or input error",
        EXIT_GATE => "the gate failed",
        _ => "a benchmark failed",
    }
}

/// Counts from libtest's `test result: ok. 12 passed; 0 failed; 1 ignored; ...` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TestCounts {
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Ignored.
    pub ignored: u64,
}

/// The counts of the last `test result:` line in `stdout`.
pub fn test_counts(stdout: &str) -> Option<TestCounts> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("test result:"))?;
    let count = |word: &str| {
        line.split([';', '.'])
            .find_map(|part| part.trim().strip_suffix(word)?.trim().parse().ok())
    };
    Some(TestCounts {
        passed: count(" passed")?,
        failed: count(" failed")?,
        ignored: count(" ignored").unwrap_or(0),
    })
}

/// One target's line in the summary and the document.
#[derive(Debug, Clone, Serialize)]
pub struct TargetOutcome {
    /// The bench target.
    pub bench_target: String,
    /// Its package.
    pub package: String,
    /// Its exit code (`null`: ended by a signal).
    pub exit_code: Option<i32>,
    /// Wall time of its process, seconds.
    pub wall_time_s: f64,
    /// Test mode: its libtest counts, if it printed them.
    pub tests: Option<TestCounts>,
    /// Measured: its run report, if it wrote one for this group.
    pub report: Option<RunReport>,
}

impl TargetOutcome {
    fn status(&self) -> &'static str {
        match self.exit_code {
            Some(EXIT_OK) => "ok",
            Some(EXIT_USAGE) => "ERROR",
            Some(EXIT_GATE) => "GATE FAILED",
            _ => "FAILED",
        }
    }
}

/// The combined document of one `qudag-bench run`.
#[derive(Debug, Serialize)]
pub struct GroupDocument<'a> {
    /// `qudag-bench/group/v1`.
    pub schema: &'static str,
    /// The run group id, also in each report and in the history.
    pub run_group: &'a str,
    /// `bench` (measured) or `test` (smoke test).
    pub mode: &'static str,
    /// RFC 3339 start time.
    pub started_at: String,
    /// RFC 3339 end time.
    pub finished_at: String,
    /// Wall time of the whole run (build included), seconds.
    pub wall_time_s: f64,
    /// The combined exit code.
    pub exit_code: i32,
    /// Per target, in run order.
    pub targets: &'a [TargetOutcome],
}

/// Prints the summary.
pub fn print(
    out: &mut dyn Write,
    group: &str,
    measure: bool,
    targets: &[TargetOutcome],
    wall: Duration,
    code: i32,
) {
    let width = targets
        .iter()
        .map(|t| t.bench_target.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let _ = writeln!(
        out,
        "\nsummary of {} bench {} (run group {group}):",
        targets.len(),
        if targets.len() == 1 {
            "target"
        } else {
            "targets"
        }
    );
    let (mut ok, mut failed, mut timeout, mut ignored) = (0, 0, 0, 0);
    let (mut gated, mut gates) = (0, 0);
    for t in targets {
        let counts = match (&t.report, &t.tests) {
            (Some(r), _) => {
                let s = &r.summary;
                ok += s.ok;
                failed += s.failed;
                timeout += s.timeout;
                gated += usize::from(r.gate.is_some());
                let gate = match &r.gate {
                    None => "-".to_string(),
                    Some(g) if g.failed => {
                        gates += 1;
                        format!("FAILED ({} reasons)", g.reasons.len())
                    }
                    Some(_) => "passed".to_string(),
                };
                // A run that ended early: the benchmarks it never finished count as failed.
                let lost = r
                    .incomplete
                    .as_ref()
                    .map_or(0, |i| i.selected.saturating_sub(r.benchmarks.len() as u64));
                failed += lost;
                let interrupted = match lost {
                    0 => String::new(),
                    n => format!("  (interrupted: {n} not finished)"),
                };
                format!(
                    "{:>4} ok {:>3} failed {:>3} timed out  gate {gate}{interrupted}",
                    s.ok,
                    s.failed + lost,
                    s.timeout
                )
            }
            (None, Some(c)) => {
                ok += c.passed;
                failed += c.failed;
                ignored += c.ignored;
                format!(
                    "{:>4} passed {:>3} failed {:>3} ignored",
                    c.passed, c.failed, c.ignored
                )
            }
            (None, None) if measure && t.exit_code == Some(0) => {
                "no report (nothing selected)".to_string()
            }
            (None, None) => "no report".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<11} {counts}  {:.1}s",
            t.bench_target,
            t.status(),
            t.wall_time_s
        );
    }
    let totals = if measure {
        let gate = match gated {
            0 => String::new(),
            _ => format!(", gate failed in {gates} of {gated} targets"),
        };
        format!("{ok} ok, {failed} failed, {timeout} timed out{gate}")
    } else {
        format!("{ok} passed, {failed} failed, {ignored} ignored")
    };
    let _ = writeln!(
        out,
        "total: {totals}; wall time {:.1}s\nexit code {code}: {}",
        wall.as_secs_f64(),
        meaning(code)
    );
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_beat_usage_errors_beat_the_gate() {
        assert_eq!(combine([]), 0);
        assert_eq!(combine([Some(0), Some(3), Some(0)]), 3);
        assert_eq!(combine([Some(3), Some(2)]), 2);
        assert_eq!(combine([Some(3), Some(101), Some(2)]), 101);
        assert_eq!(combine([Some(0), None]), 101, "a signal");
        assert_eq!(combine([Some(1)]), 101, "an unknown code");
    }

    #[test]
    fn libtest_counts_are_read() {
        let out = "test a ... ok\n\ntest result: FAILED. 12 passed; 3 failed; 1 ignored; 0 \
                   measured; 2 filtered out; finished in 0.50s\n";
        assert_eq!(
            test_counts(out),
            Some(TestCounts {
                passed: 12,
                failed: 3,
                ignored: 1
            })
        );
        assert_eq!(test_counts("nothing"), None);
    }
}
