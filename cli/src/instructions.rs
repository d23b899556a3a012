//! `qudag-bench ab --instructions`: base and head compared by callgrind instruction counts per
//! iteration, which do not move with the machine's noise. A change of at least 1% is a
//! regression, of at least 0.2% a warning, both as shown to two decimals: the fixture's 1% more
//! loop work is +0.9985% of the instructions (the loop's fixed cost does not grow), and a
//! table saying "+1.00% warning" would be wrong to its reader.

use qudag_bench::ab::runner;
use qudag_bench::ab::worker::{Arm, Worker, WorkerError};
use qudag_bench::error::Error;
use qudag_bench::gate::ab::verdict_of;
use qudag_bench::measure::callgrind;
use qudag_bench::schema::{InstrResult, InstrVerdict};
use std::time::Duration;

/// Counts every benchmark both binaries have, with the same iteration count on both sides
/// (picked from base's time per iteration). Errors if valgrind or a worker cannot start, or
/// if the binaries have no benchmark in common.
pub fn compare(
    base: &Arm,
    head: &Arm,
    timeout: Duration,
    progress: &mut dyn FnMut(&InstrResult),
) -> Result<Vec<InstrResult>, Error> {
    let valgrind = callgrind::valgrind_version().map_err(|e| e.context("--instructions"))?;
    let (mut worker, base_ids) = Worker::spawn(base, timeout, None)?;
    let (_, head_ids) = Worker::spawn(head, timeout, None)?;
    let mut out = Vec::new();
    for id in &qudag_bench::ab::paired::common_ids(base, &base_ids, &head_ids)? {
        let result = match time_per_iter(&mut worker, id) {
            Err(e) => {
                if matches!(e, WorkerError::Dead(_)) {
                    worker = Worker::spawn(base, timeout, None)?.0;
                }
                failed(id, format!("{e:?}"))
            }
            Ok(ns) => {
                let iterations = callgrind::iterations_for(ns);
                let b = callgrind::count(&base.exe, id, iterations, &valgrind);
                let h = callgrind::count(&head.exe, id, iterations, &valgrind);
                match (b.per_iter, h.per_iter) {
                    (Some(x), Some(y)) if x > 0.0 => {
                        let change = y / x - 1.0;
                        InstrResult {
                            id: id.clone(),
                            verdict: verdict_of(change),
                            change: Some(change),
                            error: None,
                            base: Some(b),
                            head: Some(h),
                        }
                    }
                    _ => {
                        let why = b.error.clone().or(h.error.clone()).unwrap_or_else(|| {
                            "the base count is 0 instructions per iteration".into()
                        });
                        InstrResult {
                            error: Some(why),
                            base: Some(b),
                            head: Some(h),
                            ..failed(id, String::new())
                        }
                    }
                }
            }
        };
        progress(&result);
        out.push(result);
    }
    Ok(out)
}

fn failed(id: &str, error: String) -> InstrResult {
    InstrResult {
        id: id.to_string(),
        verdict: InstrVerdict::Failed,
        change: None,
        base: None,
        head: None,
        error: Some(error),
    }
}

/// A rough time per iteration (ns), from samples of about 1 ms.
fn time_per_iter(worker: &mut Worker, id: &str) -> Result<f64, WorkerError> {
    worker.open(id)?;
    let (ns, _) = runner::time_per_iter(worker, Duration::from_millis(1))?;
    worker.close()?;
    Ok(ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_of_the_instruction_gate() {
        assert_eq!(verdict_of(0.0), InstrVerdict::Ok);
        assert_eq!(verdict_of(-0.05), InstrVerdict::Ok);
        assert_eq!(verdict_of(0.0019), InstrVerdict::Ok);
        assert_eq!(verdict_of(0.002), InstrVerdict::Warning);
        assert_eq!(verdict_of(0.0099), InstrVerdict::Warning);
        assert_eq!(verdict_of(0.01), InstrVerdict::Regressed);
        // 9,104 / 9,014 instructions: shown as +1.00%, so a regression.
        assert_eq!(verdict_of(9104.0 / 9014.0 - 1.0), InstrVerdict::Regressed);
        assert_eq!(verdict_of(0.00994), InstrVerdict::Warning);
    }
}
