//! The stored-baseline gate's preferred second look: each benchmark the comparison flagged is
//! run as a paired A/B comparison of the executable kept with the baseline against this bench
//! binary, both started fresh as workers with this process's environment and working
//! directory (`ab::paired`, the protocol, pinning, stopping rule and confirmation pass of
//! `qudag-bench ab`). Whatever made this whole process slower (a slow runner, an hour-long
//! phase, a per-process layout) slows both sides alike. A benchmark the first look left
//! unchanged but whose median or fastest samples moved by more than half the threshold is
//! settled by an A/B run too. What cannot be confirmed this way is
//! left for the in-process re-measurement (`gating::confirm`), with one line saying why.

use crate::ab::paired;
use crate::ab::worker::Arm;
use crate::error::Error;
use crate::escape::{Term, TermLines};
use crate::gate::verdict;
use crate::schema::{AbConfirmation, AbResult, AbVerdict, Plan, RunReport, Thresholds};
use crate::schema::{KeptBinary, Verdict};
use crate::store::{baseline, kept_binary};
use std::path::{Path, PathBuf};

/// A benchmark the A/B run looks at: its index, and whether the first look flagged it (else
/// it was near the threshold).
struct Candidate {
    index: usize,
    flagged: bool,
}

/// The benchmarks to look at by A/B: those flagged (indices `flagged`), then those the first
/// look left unchanged near the threshold ([`verdict::near_threshold`]).
fn candidates(report: &RunReport, flagged: &[usize]) -> Vec<Candidate> {
    let near = report
        .benchmarks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.comparison.as_ref().is_some_and(verdict::near_threshold));
    let flagged = flagged.iter().map(|&index| Candidate {
        index,
        flagged: true,
    });
    flagged
        .chain(near.map(|(index, _)| Candidate {
            index,
            flagged: false,
        }))
        .collect()
}

/// The kept executable of baseline `name` and this one, or why they cannot be compared.
fn sides(home: &Path, name: &str, kept: Option<&KeptBinary>) -> Result<(PathBuf, PathBuf), String> {
    let stored =
        kept_binary::usable(&baseline::dir(home, name), kept).map_err(|w| w.to_string())?;
    let this =
        std::env::current_exe().map_err(|e| format!("cannot locate this bench executable: {e}"))?;
    Ok((stored, this))
}

/// Confirms the benchmarks `flagged` of `report` (indices) by A/B against the executable kept
/// with baseline `name` (`kept`, under `home`), and settles by A/B those the first look left
/// unchanged near the threshold; returns the flagged ones it could not confirm this way.
pub fn confirm(
    report: &mut RunReport,
    home: &Path,
    name: &str,
    kept: Option<&KeptBinary>,
    flagged: &[usize],
) -> Vec<usize> {
    let todo = candidates(report, flagged);
    if todo.is_empty() {
        return Vec::new();
    }
    let (stored, this) = match sides(home, name, kept) {
        Ok(sides) => sides,
        // With nothing flagged the first look's verdicts stand, and there is nothing to say.
        Err(why) => {
            if !flagged.is_empty() {
                fall_back(name, &why);
            }
            return flagged.to_vec();
        }
    };
    let digest = kept.map_or_else(String::new, |k| k.digest.clone());
    let ids: Vec<&str> = todo
        .iter()
        .map(|c| report.benchmarks[c.index].id.as_str())
        .collect();
    eprintln!(
        "qudag-bench: checking {} by A/B against the bench executable kept with baseline `{}`",
        Term(&ids.join(", ")),
        Term(name)
    );
    let mut left = Vec::new();
    for (n, cand) in todo.iter().enumerate() {
        let bench = &mut report.benchmarks[cand.index];
        let Some(c) = bench.comparison.as_mut() else {
            continue;
        };
        match run_one(&stored, &this, &bench.id, c.noise_threshold) {
            Ok(Ok(found)) => {
                let ab = AbConfirmation {
                    binary: digest.clone(),
                    first_look: c.verdict,
                    ..found
                };
                verdict::settle_by_ab(c, ab);
            }
            Ok(Err(note)) => {
                let then = match cand.flagged {
                    true => "; measuring it again in this process",
                    false => "; the first look's verdict stands",
                };
                eprintln!(
                    "warning: {}: the A/B run failed ({}){then}",
                    Term(&bench.id),
                    TermLines(&note)
                );
                left.extend(cand.flagged.then_some(cand.index));
            }
            // The executables could not run as workers: no later benchmark would do better.
            Err(e) => {
                let rest: Vec<usize> = todo[n..]
                    .iter()
                    .filter(|c| c.flagged)
                    .map(|c| c.index)
                    .collect();
                if !rest.is_empty() {
                    fall_back(name, &e.to_string());
                }
                left.extend(rest);
                break;
            }
        }
    }
    left
}

/// Says once why the A/B confirmation is not used.
fn fall_back(name: &str, why: &str) {
    eprintln!(
        "qudag-bench: baseline `{}`: no A/B confirmation: {}; confirming by measuring again in \
         this process",
        Term(name),
        TermLines(why)
    );
}

/// The A/B runs of benchmark `id` between the kept executable `stored` (base) and this one
/// `this` (head), deciding whether this build is slower or faster by more than
/// `noise_threshold`, or neither. A run that finds it faster is checked by a second run with
/// the sides swapped, which must find the baseline's build slower. `Ok(Err(note))` when the
/// benchmark failed on a side; `Err` when either executable cannot run as a worker (or does
/// not have `id`).
fn run_one(
    stored: &Path,
    this: &Path,
    id: &str,
    noise_threshold: f64,
) -> Result<Result<AbConfirmation, String>, Error> {
    let arm =
        |label, exe: &Path| Arm::new(label, exe.to_path_buf(), vec![id.into(), "--exact".into()]);
    let (stored, this) = (arm("baseline's", stored), arm("this", this));
    let thresholds = thresholds(noise_threshold);
    let forward = ab_run(&stored, &this, id, &thresholds)?;
    if forward.0.verdict == AbVerdict::Failed {
        return Ok(Err(forward.0.note));
    }
    let faster = forward
        .0
        .upper
        .is_some_and(|u| u.ln_1p() < -thresholds.margin.ln_1p());
    if forward.0.verdict == AbVerdict::Regressed || !faster {
        return Ok(Ok(decided(forward, Verdict::Regressed, 0.0, 0)));
    }
    let (wall, rounds) = (forward.1, rounds_of(&forward.0));
    let swapped = ab_run(&this, &stored, id, &thresholds)?;
    if swapped.0.verdict == AbVerdict::Failed {
        return Ok(Err(swapped.0.note));
    }
    Ok(Ok(decided(swapped, Verdict::Improved, wall, rounds)))
}

/// One `paired::run` of `id`, base against head; its result and wall time.
fn ab_run(
    base: &Arm,
    head: &Arm,
    id: &str,
    thresholds: &Thresholds,
) -> Result<(AbResult, f64), Error> {
    let report = paired::run(base, head, &Plan::default(), thresholds, true, &mut |_| {})?;
    let result = report
        .benchmarks
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| Error::worker(format!("the A/B run did not measure `{id}`")))?;
    Ok((result, report.wall_s))
}

/// Rounds of fresh process pairs of an A/B result, over both of its passes.
fn rounds_of(r: &AbResult) -> u64 {
    [r.first_pass.as_ref(), r.measurement.as_ref()]
        .into_iter()
        .flatten()
        .map(|m| m.round_estimates.len() as u64)
        .sum()
}

/// The A/B thresholds for a noise threshold: the margin is the noise threshold, the size that
/// must be caught twice that (`qudag-bench ab`'s defaults, 1% and 2%, have the same ratio).
fn thresholds(noise_threshold: f64) -> Thresholds {
    let margin = noise_threshold.clamp(0.0, 0.99);
    Thresholds {
        margin,
        must_catch: (2.0 * margin).max(margin + 0.001),
        ..Thresholds::default()
    }
}

/// The record of the run `(r, wall_s)` that decided: `if_regressed` (what its REGRESSED
/// means for this build: slower, or with the sides swapped faster) when it said REGRESSED,
/// else `unchanged`. A swapped run measured the baseline's build against this one, so its
/// ratio is inverted and its bounds trade places. `wall_s` and `rounds` of earlier runs add.
fn decided(
    (r, wall): (AbResult, f64),
    if_regressed: Verdict,
    wall_before: f64,
    rounds_before: u64,
) -> AbConfirmation {
    let invert = |x: Option<f64>| x.map(|x| 1.0 / (1.0 + x) - 1.0);
    let (change, lower, upper) = match if_regressed {
        Verdict::Improved => (invert(r.change), invert(r.upper), invert(r.lower)),
        _ => (r.change, r.lower, r.upper),
    };
    let found = match r.verdict {
        AbVerdict::Regressed => if_regressed,
        _ => Verdict::Unchanged,
    };
    AbConfirmation {
        binary: String::new(),
        first_look: Verdict::Unchanged,
        found,
        change,
        lower,
        upper,
        rounds: rounds_before + rounds_of(&r),
        wall_s: wall_before + wall,
        note: r.note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(change: f64, lower: f64, upper: f64) -> AbResult {
        AbResult {
            id: "x".into(),
            verdict: AbVerdict::Regressed,
            change: Some(change),
            lower: Some(lower),
            upper: Some(upper),
            measurement: None,
            first_pass: None,
            note: String::new(),
        }
    }

    #[test]
    fn a_swapped_run_reads_as_this_build_against_the_baseline() {
        // The baseline's build 25% slower than this one: this one is 20% faster.
        let r = decided((result(0.25, 0.20, 0.30), 1.0), Verdict::Improved, 2.0, 3);
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
        assert!(close(r.change, -0.2), "{:?}", r.change);
        assert!(close(r.lower, 1.0 / 1.3 - 1.0), "{:?}", r.lower);
        assert!(close(r.upper, 1.0 / 1.2 - 1.0), "{:?}", r.upper);
        assert_eq!((r.found, r.wall_s), (Verdict::Improved, 3.0));
        let same = decided((result(0.25, 0.20, 0.30), 1.0), Verdict::Regressed, 0.0, 0);
        assert_eq!(
            (same.change, same.lower, same.upper, same.found),
            (Some(0.25), Some(0.2), Some(0.3), Verdict::Regressed)
        );
        let mut ok = result(0.001, -0.01, 0.012);
        ok.verdict = AbVerdict::Ok;
        assert_eq!(
            decided((ok, 1.0), Verdict::Regressed, 0.0, 0).found,
            Verdict::Unchanged
        );
    }

    #[test]
    fn the_margin_is_the_noise_threshold() {
        let t = thresholds(0.02);
        assert_eq!((t.margin, t.must_catch), (0.02, 0.04));
        assert!(t.validate().is_ok());
        assert!(thresholds(0.0).validate().is_ok());
        assert_eq!(thresholds(0.5).must_catch, 1.0);
    }
}
