//! The latest result of every benchmark a bench target registers: a run that measured only
//! some of them (a filter, `--exact`, `--suite`, nextest's process per benchmark) is merged
//! into the previous report, for `results/<target>.json` and for a saved baseline alike.

use crate::schema::{BenchResult, MeasuredIn, RunReport, Status};

/// A run merged into an earlier report.
#[derive(Debug)]
pub struct Merged {
    /// The report to write: the run's, with the earlier results it did not replace.
    pub report: RunReport,
    /// Benchmarks carried over from the earlier report (registered, but not run this time).
    pub kept: Vec<String>,
    /// Benchmarks of the earlier report that the bench target no longer has.
    pub dropped: Vec<String>,
}

/// Merges `run` into `previous`: every benchmark run now replaces its old entry, unless it
/// skipped itself (`b.skip`) and an old entry exists; an old
/// entry that the run did not measure is kept if the bench target still registers its id
/// (filtered out, skipped or ignored this time), marked with the run that measured it
/// (`measured_in`), and dropped otherwise. Benchmarks come in registration order, then any
/// others in run order. The summary's `ok` counts the merged benchmarks.
pub fn merge(previous: &RunReport, run: &RunReport, registered: &[String]) -> Merged {
    // A benchmark that skipped itself this time measured nothing: an earlier result of it is
    // kept, as for one filtered out (a baseline keeps its reference on a host that skips it).
    let replaces = |b: &&BenchResult| {
        b.status != Status::Skipped || !previous.benchmarks.iter().any(|old| old.id == b.id)
    };
    let measured = |id: &str| run.benchmarks.iter().filter(replaces).any(|b| b.id == id);
    let (mut kept, mut dropped) = (Vec::new(), Vec::new());
    let mut benchmarks: Vec<BenchResult> =
        run.benchmarks.iter().filter(replaces).cloned().collect();
    for old in previous.benchmarks.iter().filter(|b| !measured(&b.id)) {
        if registered.contains(&old.id) {
            kept.push(old.id.clone());
            let mut old = old.clone();
            // A result already carried over keeps the run that measured it.
            old.measured_in.get_or_insert_with(|| MeasuredIn {
                run_id: previous.run_id.clone(),
                started_at: previous.started_at.clone(),
            });
            benchmarks.push(old);
        } else {
            dropped.push(old.id.clone());
        }
    }
    let rank = |id: &str| {
        registered
            .iter()
            .position(|r| r == id)
            .unwrap_or(usize::MAX)
    };
    benchmarks.sort_by_key(|b| rank(&b.id)); // stable: unregistered ones keep the run's order
    let mut report = run.clone();
    report.summary.ok = benchmarks.iter().filter(|b| b.status == Status::Ok).count() as u64;
    report.benchmarks = benchmarks;
    Merged {
        report,
        kept,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work() -> RunReport {
        serde_json::from_str(include_str!("../report/testdata/run-work.json")).unwrap()
    }

    #[test]
    fn a_merge_replaces_measured_keeps_registered_and_drops_gone() {
        let previous = work();
        let old_ids: Vec<String> = previous.benchmarks.iter().map(|b| b.id.clone()).collect();
        assert!(old_ids.len() >= 3, "{old_ids:?}");
        // The new run measured the second benchmark only; the binary no longer has the last.
        let mut run = previous.clone();
        run.run_id = "new-run".into();
        run.benchmarks = vec![previous.benchmarks[1].clone()];
        run.benchmarks[0].samples_ns = vec![1, 2];
        let registered = &old_ids[..old_ids.len() - 1];
        let m = merge(&previous, &run, registered);
        let ids: Vec<&str> = m.report.benchmarks.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, registered);
        assert_eq!(m.report.benchmarks[1].samples_ns, [1, 2]);
        assert_eq!(m.report.benchmarks[1].measured_in, None, "measured now");
        let mut carried = previous.benchmarks[0].clone();
        carried.measured_in = Some(MeasuredIn {
            run_id: previous.run_id.clone(),
            started_at: previous.started_at.clone(),
        });
        assert_eq!(m.report.benchmarks[0], carried);
        assert_eq!(m.report.run_id, "new-run");
        assert_eq!(m.dropped, [old_ids.last().unwrap().clone()]);
        assert_eq!(m.kept.len(), registered.len() - 1);
        let ok = m
            .report
            .benchmarks
            .iter()
            .filter(|b| b.status == Status::Ok);
        assert_eq!(m.report.summary.ok, ok.count() as u64);
    }

    #[test]
    fn a_result_carried_twice_names_the_run_that_measured_it() {
        let first = work();
        let ids: Vec<String> = first.benchmarks.iter().map(|b| b.id.clone()).collect();
        let mut second = first.clone();
        second.run_id = "second".into();
        second.started_at = "2026-12-03T05:00:00Z".into();
        second.benchmarks.retain(|b| b.id == ids[1]);
        let merged = merge(&first, &second, &ids).report;
        let mut third = second.clone();
        third.run_id = "third".into();
        third.benchmarks.clear();
        let again = merge(&merged, &third, &ids).report;
        let origin = |r: &RunReport, i: usize| r.benchmarks[i].measured_in.clone().unwrap();
        assert_eq!(origin(&again, 0).run_id, first.run_id);
        assert_eq!(origin(&again, 1).run_id, "second");
        assert_eq!(origin(&again, 1).started_at, "2026-12-03T05:00:00Z");
    }

    #[test]
    fn a_skip_keeps_the_earlier_result_and_stays_when_there_is_none() {
        let first = work();
        let ids: Vec<String> = first.benchmarks.iter().map(|b| b.id.clone()).collect();
        let mut second = first.clone();
        second.run_id = "second".into();
        let skip = |b: &mut BenchResult| {
            (b.status, b.skip_reason) = (Status::Skipped, Some("not here".into()));
            b.time_ns = None;
        };
        skip(&mut second.benchmarks[0]);
        let merged = merge(&first, &second, &ids).report;
        let kept = &merged.benchmarks[0];
        assert_eq!(
            (kept.status, &kept.time_ns),
            (Status::Ok, &first.benchmarks[0].time_ns)
        );
        assert_eq!(kept.measured_in.as_ref().unwrap().run_id, first.run_id);
        // Nothing earlier to keep: the skip is the benchmark's latest result.
        let mut empty = first.clone();
        empty.benchmarks.clear();
        let alone = merge(&empty, &second, &ids).report;
        assert_eq!(alone.benchmarks[0].status, Status::Skipped);
    }
}
