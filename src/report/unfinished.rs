//! What became of a run whose report was written while it was in flight.

use crate::escape::Term;
use crate::schema::RunReport;
use crate::store::process;

/// For a report written while its run was in flight: what became of the run, naming it
/// (`None` for a finished run).
pub fn note(report: &RunReport) -> Option<String> {
    let i = report.incomplete.as_ref()?;
    let state = if process::gone(i.pid) {
        "did not finish (its process ended: a crash, a kill or an exit)"
    } else {
        "is still running, or did not finish"
    };
    Some(format!(
        "run {} of {} {state}: {} of {} benchmarks measured",
        report.run_id,
        Term(&report.bench_target),
        report.benchmarks.len(),
        i.selected
    ))
}
