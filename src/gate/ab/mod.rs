//! `qudag-bench ab`: a paired, interleaved A/B comparison of two builds of a bench target,
//! run in one job, and its gate. Two worker processes (one per build) take turns sample by
//! sample; rounds of fresh process pairs average out per-process layout effects; a benchmark
//! flagged as regressed is measured again in fresh processes and fails only if that
//! confirms it (the run-level guard against false alarms over many benchmarks).

pub mod instructions;
pub mod protocol;
pub mod runner;
pub mod verdict;
pub mod worker;

use runner::{Measurement, Plan};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use verdict::{AbVerdict, Thresholds};
use worker::{Arm, Worker};

/// Schema id of the A/B report.
pub const SCHEMA_ID: &str = "qudag-bench/ab/v1";

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbReport {
    /// [`SCHEMA_ID`].
    pub schema: String,
    /// The base binary.
    pub base: String,
    /// The head binary.
    pub head: String,
    /// How much was measured.
    pub plan: Plan,
    /// What counts.
    pub thresholds: Thresholds,
    /// Whether flagged regressions were re-measured in fresh processes.
    pub confirm: bool,
    /// Per benchmark, in the base binary's order (then new ones).
    pub benchmarks: Vec<AbResult>,
    /// Wall time of the whole comparison (s).
    pub wall_s: f64,
}

/// One benchmark's comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbResult {
    /// Benchmark id.
    pub id: String,
    /// The verdict.
    pub verdict: AbVerdict,
    /// Estimated relative change of head against base (`0.02` = 2% slower); `null` when not
    /// measured.
    pub change: Option<f64>,
    /// Lower one-sided bound of the change.
    pub lower: Option<f64>,
    /// Upper one-sided bound of the change.
    pub upper: Option<f64>,
    /// The measurement that decided the verdict (the confirmation, when there was one).
    pub measurement: Option<Measurement>,
    /// The first pass, when a confirmation followed it.
    pub first_pass: Option<Measurement>,
    /// Why the verdict is what it is, in words.
    pub note: String,
}

impl AbReport {
    /// Benchmarks with this verdict.
    pub fn count(&self, v: AbVerdict) -> usize {
        self.benchmarks.iter().filter(|b| b.verdict == v).count()
    }
}

/// Runs the comparison. `progress` hears about every finished round of a benchmark.
pub fn run(
    base: &Arm,
    head: &Arm,
    plan: &Plan,
    thresholds: &Thresholds,
    confirm: bool,
    progress: &mut dyn FnMut(&Measurement),
) -> Result<AbReport, String> {
    let started = Instant::now();
    let (base_ids, head_ids) = {
        let (_, b) = Worker::spawn(base, plan.timeout, None)?;
        let (_, h) = Worker::spawn(head, plan.timeout, None)?;
        (b, h)
    };
    let mut first: Vec<Measurement> = base_ids
        .iter()
        .filter(|id| head_ids.contains(id))
        .map(|id| Measurement::new(id, None))
        .collect();
    runner::measure(base, head, &mut first, plan, thresholds, progress)?;

    let mut results = Vec::new();
    let mut to_confirm = Vec::new();
    for m in first {
        let result = result_of(m, thresholds);
        if confirm && result.verdict == AbVerdict::Regressed {
            to_confirm.push(results.len());
        }
        results.push(result);
    }
    if !to_confirm.is_empty() {
        let mut again: Vec<Measurement> = to_confirm
            .iter()
            .map(|&i| {
                let m = results[i]
                    .measurement
                    .as_ref()
                    .expect("regressed was measured");
                Measurement::new(&m.id, m.iters_per_sample)
            })
            .collect();
        let mut confirm_plan = *plan;
        confirm_plan.seed = plan.seed.wrapping_add(1);
        runner::measure(base, head, &mut again, &confirm_plan, thresholds, progress)?;
        for (&i, m) in to_confirm.iter().zip(again) {
            let first_pass = results[i].measurement.take();
            let first_change = results[i].change;
            let mut confirmed = result_of(m, thresholds);
            confirmed.note = match confirmed.verdict {
                AbVerdict::Regressed => format!(
                    "regressed in the first pass ({}) and again in fresh processes",
                    pct(first_change)
                ),
                _ => format!(
                    "regressed in the first pass ({}), not confirmed in fresh processes: {}",
                    pct(first_change),
                    confirmed.note
                ),
            };
            confirmed.first_pass = first_pass;
            results[i] = confirmed;
        }
    }
    for id in head_ids.iter().filter(|id| !base_ids.contains(id)) {
        results.push(unmatched(id, AbVerdict::New, "only in the head binary"));
    }
    for id in base_ids.iter().filter(|id| !head_ids.contains(id)) {
        results.push(unmatched(id, AbVerdict::Missing, "only in the base binary"));
    }
    Ok(AbReport {
        schema: SCHEMA_ID.into(),
        base: base.exe.display().to_string(),
        head: head.exe.display().to_string(),
        plan: *plan,
        thresholds: *thresholds,
        confirm,
        benchmarks: results,
        wall_s: started.elapsed().as_secs_f64(),
    })
}

fn pct(change: Option<f64>) -> String {
    change.map_or("n/a".into(), |c| format!("{:+.2}%", 100.0 * c))
}

fn unmatched(id: &str, verdict: AbVerdict, note: &str) -> AbResult {
    AbResult {
        id: id.to_string(),
        verdict,
        change: None,
        lower: None,
        upper: None,
        measurement: None,
        first_pass: None,
        note: note.into(),
    }
}

/// The verdict and change of one measurement.
fn result_of(m: Measurement, t: &Thresholds) -> AbResult {
    let c = m.combined(t);
    let frac = |x: f64| x.is_finite().then(|| x.exp_m1());
    let (verdict, note) = if let Some(e) = &m.error {
        (AbVerdict::Failed, e.clone())
    } else {
        let v = t.decide(&c);
        let note = match v {
            AbVerdict::Regressed => {
                format!("slower by more than the {:.1}% margin", 100.0 * t.margin)
            }
            AbVerdict::Ok => format!(
                "any slowdown is below the {:.1}% must-catch size",
                100.0 * t.must_catch
            ),
            _ if c.rounds < 2 => {
                "the budget allowed fewer than 2 rounds (raise --budget)".to_string()
            }
            _ => format!(
                "interval too wide to decide after {} rounds in the budget",
                c.rounds
            ),
        };
        (v, note)
    };
    let measured = m.error.is_none() && c.rounds > 0;
    AbResult {
        id: m.id.clone(),
        verdict,
        change: measured.then(|| c.mean.exp_m1()),
        lower: if measured { frac(c.lower) } else { None },
        upper: if measured { frac(c.upper) } else { None },
        measurement: Some(m),
        first_pass: None,
        note,
    }
}
