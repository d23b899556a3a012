//! Level changes in the history: each benchmark's run medians (or instruction counts) on one
//! host, oldest first, cut by E-divisive means ([`super::e_divisive`]) on their logarithm (so
//! that a shift is relative, the same at 10 ns and at 10 ms), each change with its size,
//! p-value and the runs and commits it falls between. Series are per host: a host change is
//! no level change.

use super::e_divisive::{ChangePoint, Search, e_divisive};
use qudag_bench::schema::{ChangeMeasure, ChangeMethod, ChangeReport, LevelChange, ids};
use qudag_bench::stats::summary::quantile_sorted;

/// One run's figure of a benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The run's id.
    pub run_id: String,
    /// Its start time (RFC 3339).
    pub started_at: String,
    /// Its git commit, if recorded.
    pub commit: Option<String>,
    /// The benchmark's figure in that run: its median in ns, or its instructions per
    /// iteration ([`Settings::measure`]).
    pub value: f64,
}

/// A benchmark's runs on one host, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The benchmark id.
    pub bench_id: String,
    /// Its bench target.
    pub bench_target: String,
    /// The host.
    pub host: Option<String>,
    /// Its runs.
    pub points: Vec<Point>,
}

/// How changes are looked for and which are listed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The search.
    pub search: Search,
    /// Smallest relative shift listed (fraction); smaller significant shifts are merged into
    /// the levels around them.
    pub min_change: f64,
    /// What the points' values are.
    pub measure: ChangeMeasure,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            search: Search::default(),
            min_change: 0.05,
            measure: ChangeMeasure::Time,
        }
    }
}

/// The change report of `series`.
pub fn report(series: &[Series], settings: Settings) -> ChangeReport {
    let search = settings.search;
    let mut report = ChangeReport {
        schema: ids::CHANGES.to_string(),
        method: ChangeMethod {
            name: "e-divisive means".into(),
            alpha: search.alpha,
            permutations: u64::from(search.permutations),
            min_runs: search.min_size as u64,
            min_change: settings.min_change,
            measure: settings.measure,
        },
        series: 0,
        below_min_change: 0,
        changes: Vec::new(),
    };
    for s in series {
        let points: Vec<&Point> = (s.points.iter()).filter(|p| p.value > 0.0).collect();
        if points.len() < 2 * search.min_size.max(1) {
            continue;
        }
        report.series += 1;
        let logs: Vec<f64> = points.iter().map(|p| p.value.ln()).collect();
        let mut found = e_divisive(&logs, search);
        // A significant shift too small to list is no boundary either: merged into its
        // neighbours, the smallest first, so that a listed change's medians and run counts
        // span the whole level on each side (a 1% drift inside a 10% step's new level must
        // not cut it short). Merging moves the neighbours' shifts: recomputed each time.
        loop {
            let changes = series_changes(s, &points, &found, settings.measure);
            let smallest = (changes.iter().enumerate())
                .filter(|(_, c)| c.shift.abs() < settings.min_change)
                .min_by(|a, b| a.1.shift.abs().total_cmp(&b.1.shift.abs()));
            match smallest {
                Some((i, _)) => {
                    found.remove(i);
                    report.below_min_change += 1;
                }
                None => {
                    report.changes.extend(changes);
                    break;
                }
            }
        }
    }
    report
}

/// The changes of one series at the change points `found`, each side bounded by its
/// neighbours.
fn series_changes(
    s: &Series,
    points: &[&Point],
    found: &[ChangePoint],
    measure: ChangeMeasure,
) -> Vec<LevelChange> {
    let cuts: Vec<usize> = std::iter::once(0)
        .chain(found.iter().map(|c| c.index))
        .chain([points.len()])
        .collect();
    found
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let before = median(&points[cuts[k]..c.index]);
            let after = median(&points[c.index..cuts[k + 2]]);
            let (old, new) = (points[c.index - 1], points[c.index]);
            let (time, instructions) = match measure {
                ChangeMeasure::Time => (Some((before, after)), None),
                ChangeMeasure::Instructions => (None, Some((before, after))),
            };
            LevelChange {
                bench_id: s.bench_id.clone(),
                bench_target: s.bench_target.clone(),
                host: s.host.clone(),
                run_id: new.run_id.clone(),
                started_at: new.started_at.clone(),
                commit: new.commit.clone(),
                previous_run_id: old.run_id.clone(),
                previous_commit: old.commit.clone(),
                median_before_ns: time.map(|t| t.0),
                median_after_ns: time.map(|t| t.1),
                instructions_before: instructions.map(|i| i.0),
                instructions_after: instructions.map(|i| i.1),
                shift: after / before - 1.0,
                runs_before: (c.index - cuts[k]) as u64,
                runs_after: (cuts[k + 2] - c.index) as u64,
                p_value: c.p_value,
                confidence: 1.0 - c.p_value,
            }
        })
        .collect()
}

/// The median of the points' values.
fn median(points: &[&Point]) -> f64 {
    let mut values: Vec<f64> = points.iter().map(|p| p.value).collect();
    values.sort_by(f64::total_cmp);
    quantile_sorted(&values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 runs around 1000 ns, then 15 around 1100 (+10%), with a wobble of up to ±1%.
    fn stepped(host: Option<&str>) -> Series {
        let points = (0..35)
            .map(|i| {
                let level = if i < 20 { 1000.0 } else { 1100.0 };
                let wobble = 1.0 + 0.01 * ((i * 7 % 5) as f64 - 2.0) / 2.0;
                Point {
                    run_id: format!("run{i}"),
                    started_at: format!("2026-12-01T00:{i:02}:00Z"),
                    commit: Some(format!("c{i}")),
                    value: level * wobble,
                }
            })
            .collect();
        Series {
            bench_id: "tunable".into(),
            bench_target: "work".into(),
            host: host.map(Into::into),
            points,
        }
    }

    #[test]
    fn a_ten_percent_step_is_found_at_its_run_with_its_size_and_commits() {
        let report = report(&[stepped(Some("ci-1"))], Settings::default());
        assert_eq!((report.series, report.changes.len()), (1, 1), "{report:?}");
        let c = &report.changes[0];
        assert_eq!(
            (c.run_id.as_str(), c.previous_run_id.as_str()),
            ("run20", "run19")
        );
        assert_eq!(
            (c.commit.as_deref(), c.previous_commit.as_deref()),
            (Some("c20"), Some("c19"))
        );
        assert_eq!((c.runs_before, c.runs_after), (20, 15));
        assert!((c.shift - 0.1).abs() < 0.005, "{c:?}");
        assert!(c.p_value <= 0.01 && (c.confidence + c.p_value - 1.0).abs() < 1e-12);
        assert_eq!(c.host.as_deref(), Some("ci-1"));
        assert_eq!(c.instructions_before, None);
        assert!(
            (c.median_after_ns.unwrap() / c.median_before_ns.unwrap() - 1.0 - c.shift).abs()
                < 1e-12
        );
    }

    #[test]
    fn a_small_significant_drift_inside_a_new_level_does_not_cut_it_short() {
        // The 15 runs after the step, then 15 more 1.5% above them: significant (the wobble is
        // small), but under 5%, so the step's new level is all 30 runs.
        let mut s = stepped(None);
        for i in 35..50 {
            let wobble = 1.0 + 0.01 * ((i * 7 % 5) as f64 - 2.0) / 2.0;
            s.points.push(Point {
                run_id: format!("run{i}"),
                started_at: format!("2026-12-01T00:{i:02}:00Z"),
                commit: None,
                value: 1100.0 * 1.015 * wobble,
            });
        }
        let found = e_divisive(
            &s.points.iter().map(|p| p.value.ln()).collect::<Vec<_>>(),
            Search::default(),
        );
        assert_eq!(found.len(), 2, "the drift is significant: {found:?}");
        let report = report(&[s], Settings::default());
        assert_eq!(report.changes.len(), 1, "{report:?}");
        assert_eq!(report.below_min_change, 1);
        let c = &report.changes[0];
        assert_eq!(
            (c.run_id.as_str(), c.runs_before, c.runs_after),
            ("run20", 20, 30)
        );
        assert!((c.shift - 0.1).abs() < 0.02, "{c:?}");
    }

    #[test]
    fn instruction_counts_equal_run_to_run_show_no_change_until_a_step_of_a_tenth() {
        // Callgrind counts the same instructions on every run of one build: 30 equal values,
        // then 15 a tenth higher.
        let counts = |n: usize, v: f64| {
            let mut s = stepped(None);
            s.points.truncate(n);
            s.points.iter_mut().enumerate().for_each(|(i, p)| {
                p.value = if i < 30 { 9014.0 } else { v };
            });
            s
        };
        let settings = Settings {
            measure: ChangeMeasure::Instructions,
            ..Settings::default()
        };
        let mut flat = counts(30, 0.0);
        let none = report(std::slice::from_ref(&flat), settings);
        assert_eq!((none.series, none.changes.len()), (1, 0), "{none:?}");
        assert_eq!(none.method.measure, ChangeMeasure::Instructions);
        for i in 30..45 {
            flat.points.push(Point {
                run_id: format!("run{i}"),
                value: 9915.0,
                ..flat.points[0].clone()
            });
        }
        let found = report(&[flat], settings);
        assert_eq!(found.changes.len(), 1, "{found:?}");
        let c = &found.changes[0];
        assert_eq!(
            (c.run_id.as_str(), c.runs_before, c.runs_after),
            ("run30", 30, 15)
        );
        assert_eq!(
            (c.instructions_before, c.instructions_after),
            (Some(9014.0), Some(9915.0))
        );
        assert_eq!((c.median_before_ns, c.median_after_ns), (None, None));
        assert!((c.shift - (9915.0 / 9014.0 - 1.0)).abs() < 1e-12);
        assert!(c.p_value <= 0.01, "{c:?}");
    }

    #[test]
    fn flat_series_short_ones_and_small_shifts_list_nothing() {
        let mut flat = stepped(None);
        for p in &mut flat.points {
            p.value = 1000.0 + (p.value % 7.0);
        }
        let mut short = stepped(None);
        short.points.truncate(5);
        let report = report(&[flat, short], Settings::default());
        assert_eq!((report.series, report.changes.len()), (1, 0), "{report:?}");
        let strict = Settings {
            min_change: 0.2,
            ..Settings::default()
        };
        let report = super::report(&[stepped(None)], strict);
        assert_eq!((report.changes.len(), report.below_min_change), (0, 1));
    }
}
