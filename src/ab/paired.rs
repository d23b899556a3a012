//! The paired, interleaved A/B comparison of two builds of a bench target (`qudag-bench ab`,
//! and the stored-baseline gate's confirmation against the baseline's own binary). Two worker processes (one per build) take turns sample by
//! sample; rounds of fresh process pairs average out per-process layout effects; a benchmark
//! flagged as regressed is measured again in fresh processes and fails only if that
//! confirms it (the run-level guard against false alarms over many benchmarks).

use super::runner;
use super::worker::{Arm, Worker};
use crate::error::Error;
use crate::schema::{AbReport, AbResult, AbVerdict, Measurement, Plan, Thresholds};
use std::time::Instant;

/// The ids both binaries list, in base's order. None in common is an error: a gate that
/// compared nothing proves nothing, so it must not pass (a filter matching nothing included).
pub fn common_ids(
    base: &Arm,
    base_ids: &[String],
    head_ids: &[String],
) -> Result<Vec<String>, Error> {
    let common: Vec<String> = base_ids
        .iter()
        .filter(|id| head_ids.contains(id))
        .cloned()
        .collect();
    if !common.is_empty() {
        return Ok(common);
    }
    let selection = if base.args.is_empty() {
        String::new()
    } else {
        let words: Vec<_> = base.args.iter().map(|a| a.to_string_lossy()).collect();
        format!(" with the selection `{}`", words.join(" "))
    };
    Err(Error::setting(format!(
        "no benchmark in common between base and head{selection} (base has {}, head has {}): \
         nothing was compared, so the gate cannot pass",
        id_list(base_ids),
        id_list(head_ids)
    )))
}

/// `none`, or the count and the first few ids.
fn id_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    if ids.is_empty() {
        return "none".into();
    }
    let shown: Vec<String> = ids.iter().take(SHOWN).map(|id| format!("`{id}`")).collect();
    let more = match ids.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("{}: {}{more}", ids.len(), shown.join(", "))
}

/// Runs the comparison. `progress` hears about every finished round of a benchmark. No
/// benchmark in common is an error (see [`common_ids`]).
pub fn run(
    base: &Arm,
    head: &Arm,
    plan: &Plan,
    thresholds: &Thresholds,
    confirm: bool,
    progress: &mut dyn FnMut(&Measurement),
) -> Result<AbReport, Error> {
    let started = Instant::now();
    let (base_ids, head_ids) = {
        let (_, b) = Worker::spawn(base, plan.timeout, None)?;
        let (_, h) = Worker::spawn(head, plan.timeout, None)?;
        (b, h)
    };
    let mut first: Vec<Measurement> = common_ids(base, &base_ids, &head_ids)?
        .iter()
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
        schema: crate::schema::ids::AB.into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nothing_in_common_names_both_sides_and_the_selection() {
        let arm =
            |args: &[&str]| Arm::new("base", "b".into(), args.iter().map(Into::into).collect());
        let common = common_ids(&arm(&[]), &ids(&["a", "b", "c"]), &ids(&["c", "b"]));
        assert_eq!(common.unwrap(), ids(&["b", "c"]));
        let many: Vec<String> = (0..7).map(|i| format!("x{i}")).collect();
        let e = common_ids(&arm(&["zz", "--exact"]), &many, &[]).unwrap_err();
        assert_eq!(e.status(), crate::exit::ExitStatus::Usage);
        let e = e.to_string();
        assert_eq!(
            e,
            "no benchmark in common between base and head with the selection `zz --exact` \
             (base has 7: `x0`, `x1`, `x2`, `x3`, `x4` and 2 more, head has none): nothing was \
             compared, so the gate cannot pass"
        );
    }
}
