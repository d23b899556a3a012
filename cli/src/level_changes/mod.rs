//! Level changes in the history, for `qudag-bench history --changes` and for the level-change
//! notification of `qudag-bench run --notify`: each benchmark's complete, measured runs per
//! host and bench target, oldest first, searched by [`series`].

mod e_divisive;
mod render;
mod series;

use crate::history::{Filter, Location, Row, RunState};
use crate::history_command::ChangesFormat;
use qudag_bench::error::Error;
use qudag_bench::escape::TermLines;
use qudag_bench::schema::{ChangeMeasure, ChangeReport, LevelChange};
use qudag_bench::schema::{Notification, NotificationEvent};
use qudag_bench::schema::{TargetOutcome, ids};
use series::{Point, Series, Settings};
use std::collections::BTreeSet;

/// The change report of the runs `filter` selects in `history`, listing shifts of at least
/// `min_change` (a fraction) in `measure`.
pub fn report(
    history: &Location,
    filter: &Filter,
    min_change: f64,
    measure: ChangeMeasure,
) -> Result<ChangeReport, Error> {
    let rows = history.list(filter)?;
    let settings = Settings {
        min_change,
        measure,
        ..Settings::default()
    };
    Ok(series::report(&series(&rows, |_| true, measure), settings))
}

/// The report in `format`.
pub fn render(found: &ChangeReport, format: ChangesFormat) -> String {
    match format {
        ChangesFormat::Table => render::table(found),
        ChangesFormat::Json => {
            serde_json::to_string_pretty(found).expect("a change report serializes") + "\n"
        }
        ChangesFormat::Markdown => render::markdown(found),
    }
}

/// The level changes of `bench_targets` that the runs `new_runs` made visible: found with them
/// in the history and not without them (a change needs runs after it, so its first run may be
/// an older one). A change found without them within a few runs of where it is found now is
/// the same change, placed more precisely by the new runs: not new.
pub fn made_visible(
    history: &Location,
    bench_targets: &BTreeSet<String>,
    new_runs: &BTreeSet<String>,
) -> Result<Vec<LevelChange>, Error> {
    let rows: Vec<Row> = history
        .list(&Filter::default())?
        .into_iter()
        .filter(|r| bench_targets.contains(&r.bench_target))
        .collect();
    let min_change = Settings::default().min_change;
    let near = Settings::default().search.min_size;
    let time = ChangeMeasure::Time;
    let all = series(&rows, |_| true, time);
    let position = |c: &LevelChange| {
        let s = all.iter().find(|s| same_series(s, c))?;
        s.points.iter().position(|p| p.run_id == c.run_id)
    };
    let with = search(all.clone(), min_change);
    let without = search(
        series(&rows, |r| !new_runs.contains(&r.run_id), time),
        min_change,
    );
    let known = |c: &LevelChange| {
        without.changes.iter().any(|old| {
            let same = (&old.bench_target, &old.bench_id, &old.host)
                == (&c.bench_target, &c.bench_id, &c.host);
            match (position(old), position(c)) {
                (Some(a), Some(b)) => same && a.abs_diff(b) <= near,
                _ => false,
            }
        })
    };
    Ok(with.changes.into_iter().filter(|c| !known(c)).collect())
}

/// Whether `c` is a change of series `s`.
fn same_series(s: &Series, c: &LevelChange) -> bool {
    (&s.bench_target, &s.bench_id, &s.host) == (&c.bench_target, &c.bench_id, &c.host)
}

fn search(series: Vec<Series>, min_change: f64) -> ChangeReport {
    let settings = Settings {
        min_change,
        ..Settings::default()
    };
    series::report(&series, settings)
}

/// The rows `keep` keeps that are complete, measured runs with a figure of `measure`,
/// grouped per benchmark, bench target and host, in the rows' order (oldest first).
fn series(rows: &[Row], keep: impl Fn(&Row) -> bool, measure: ChangeMeasure) -> Vec<Series> {
    let mut series: Vec<Series> = Vec::new();
    for row in rows.iter().filter(|r| keep(r)) {
        let value = match measure {
            ChangeMeasure::Time => row.median_ns,
            ChangeMeasure::Instructions => row.instructions,
        };
        let (Some(id), Some(value)) = (&row.bench_id, value) else {
            continue;
        };
        if row.state != RunState::Complete || row.status.as_deref() != Some("ok") {
            continue;
        }
        let point = Point {
            run_id: row.run_id.clone(),
            started_at: row.started_at.clone(),
            commit: (!row.commit.is_empty()).then(|| row.commit.clone()),
            value,
        };
        let same = |s: &&mut Series| {
            &s.bench_id == id && s.host == row.host && s.bench_target == row.bench_target
        };
        match series.iter_mut().find(same) {
            Some(s) => s.points.push(point),
            None => series.push(Series {
                bench_id: id.clone(),
                bench_target: row.bench_target.clone(),
                host: row.host.clone(),
                points: vec![point],
            }),
        }
    }
    series
}

/// `run --notify`: POSTs one notification of the level changes that `outcomes` (the runs just
/// recorded) made visible in `history`, if there are any. Failing to look is a warning.
pub fn notify_made_visible(history: &Location, outcomes: &[TargetOutcome], url: &str) {
    let reports = outcomes.iter().filter_map(|o| o.report.as_ref());
    let targets: BTreeSet<String> = reports.clone().map(|r| r.bench_target.clone()).collect();
    let runs: BTreeSet<String> = reports.clone().map(|r| r.run_id.clone()).collect();
    let changes = match made_visible(history, &targets, &runs) {
        Ok(changes) => changes,
        Err(e) => {
            let e = e.to_string();
            eprintln!(
                "warning: --notify: cannot look for level changes: {}",
                TermLines(&e)
            );
            return;
        }
    };
    if changes.is_empty() {
        return;
    }
    let host = reports.clone().find_map(|r| r.environment.host.clone());
    let names: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {:+.1}%", c.bench_id, 100.0 * c.shift))
        .collect();
    let notification = Notification {
        schema: ids::NOTIFICATION.to_string(),
        event: NotificationEvent::LevelChange,
        summary: format!("qudag-bench: new level change(s): {}", names.join(", ")),
        host,
        gate: None,
        changes,
    };
    qudag_bench::notify::send(url, &notification);
}
