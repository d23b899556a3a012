//! The end of `qudag-bench run`: one exit code for all targets, one summary, and the combined
//! document (`--json`, schema `qudag-bench/group/v1`).

use qudag_bench::exit::ExitStatus;
use qudag_bench::schema::{RunReport, TargetOutcome, TestCounts};
use std::io::Write;
use std::time::Duration;

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

/// The summary's word for how `target` ended.
fn status_word(target: &TargetOutcome) -> &'static str {
    match target.exit_code.and_then(ExitStatus::from_code) {
        Some(ExitStatus::Success) => "ok",
        Some(ExitStatus::Usage) => "ERROR",
        Some(ExitStatus::GateFailed) => "GATE FAILED",
        _ => "FAILED",
    }
}

/// Prints the summary.
pub fn print(
    out: &mut dyn Write,
    group: &str,
    measure: bool,
    targets: &[TargetOutcome],
    wall: Duration,
    status: ExitStatus,
) {
    let width = targets
        .iter()
        .map(|t| t.bench_target.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let noun = if targets.len() == 1 {
        "target"
    } else {
        "targets"
    };
    let _ = writeln!(
        out,
        "\nsummary of {} bench {noun} (run group {group}):",
        targets.len()
    );
    let mut totals = Totals::default();
    for t in targets {
        let counts = totals.add(t, measure);
        let _ = writeln!(
            out,
            "  {:<width$}  {:<11} {counts}  {:.1}s",
            t.bench_target,
            status_word(t),
            t.wall_time_s
        );
    }
    let _ = writeln!(
        out,
        "total: {}; wall time {:.1}s\nexit code {}: {}",
        totals.line(measure),
        wall.as_secs_f64(),
        status.code(),
        status.meaning()
    );
    let _ = out.flush();
}

/// The counts over all targets.
#[derive(Default)]
struct Totals {
    ok: u64,
    failed: u64,
    timeout: u64,
    ignored: u64,
    /// Targets run with a gate, and those whose gate failed.
    gated: usize,
    gates_failed: usize,
}

impl Totals {
    /// Adds target `t` and returns its counts column.
    fn add(&mut self, t: &TargetOutcome, measure: bool) -> String {
        match (&t.report, &t.tests) {
            (Some(r), _) => self.add_report(r),
            (None, Some(c)) => {
                self.ok += c.passed;
                self.failed += c.failed;
                self.ignored += c.ignored;
                format!(
                    "{:>4} passed {:>3} failed {:>3} ignored",
                    c.passed, c.failed, c.ignored
                )
            }
            (None, None) if measure && t.exit_code == Some(0) => {
                "no report (nothing selected)".to_string()
            }
            (None, None) => "no report".to_string(),
        }
    }

    /// Adds a measured target's report and returns its counts column.
    fn add_report(&mut self, r: &RunReport) -> String {
        let s = &r.summary;
        self.ok += s.ok;
        self.failed += s.failed;
        self.timeout += s.timeout;
        self.gated += usize::from(r.gate.is_some());
        let gate = match &r.gate {
            None => "-".to_string(),
            Some(g) if g.failed => {
                self.gates_failed += 1;
                format!("FAILED ({} reasons)", g.reasons.len())
            }
            Some(_) => "passed".to_string(),
        };
        // A run that ended early: the benchmarks it never finished count as failed.
        let lost = r
            .incomplete
            .as_ref()
            .map_or(0, |i| i.selected.saturating_sub(r.benchmarks.len() as u64));
        self.failed += lost;
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

    /// The `total:` line's figures.
    fn line(&self, measure: bool) -> String {
        let Totals {
            ok,
            failed,
            timeout,
            ignored,
            gated,
            gates_failed,
        } = self;
        if measure {
            let gate = match gated {
                0 => String::new(),
                _ => format!(", gate failed in {gates_failed} of {gated} targets"),
            };
            format!("{ok} ok, {failed} failed, {timeout} timed out{gate}")
        } else {
            format!("{ok} passed, {failed} failed, {ignored} ignored")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
