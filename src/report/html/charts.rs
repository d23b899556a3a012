//! The report's charts, each an inline `<svg>` built from measured values only.

use super::svg::{AxisSpec, Frame, WIDTH, fixed};
use crate::escape::html;
use crate::report::trend::TrendPoint;
use crate::report::units::time;
use crate::schema::Verdict;
use crate::stats::quantile_sorted;
use std::fmt::Write;

fn pct(v: f64, step: f64) -> String {
    let text = fixed(v, step);
    if v > 0.0 {
        format!("+{text}%")
    } else {
        format!("{text}%")
    }
}

/// The bins of a histogram: the first bin's lower edge, the bins' width, their counts, and
/// how many values lie beyond the drawn range.
struct Histogram {
    lo: f64,
    width: f64,
    counts: Vec<u64>,
    beyond: usize,
}

/// The bins for `sorted` (finite, ascending, not empty): Tukey's severe-outlier fences, or
/// the minimum to the 99th percentile when the quartiles coincide; √n bins, 5 to 60.
fn histogram(sorted: &[f64]) -> Histogram {
    let (q1, q3) = (quantile_sorted(sorted, 0.25), quantile_sorted(sorted, 0.75));
    let iqr = q3 - q1;
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let (lo, cut) = if iqr > 0.0 {
        ((q1 - 3.0 * iqr).max(min), (q3 + 3.0 * iqr).min(max))
    } else {
        (min, quantile_sorted(sorted, 0.99))
    };
    let drawn: Vec<f64> = sorted
        .iter()
        .copied()
        .filter(|v| (lo..=cut).contains(v))
        .collect();
    let beyond = sorted.len() - drawn.len();
    let bins = (drawn.len() as f64).sqrt().ceil().clamp(5.0, 60.0) as usize;
    let width = if cut > lo {
        (cut - lo) / bins as f64
    } else {
        1.0
    };
    let mut counts = vec![0u64; bins];
    for v in &drawn {
        let i = (((v - lo) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    Histogram {
        lo,
        width,
        counts,
        beyond,
    }
}

/// Histogram of per-iteration times, with the median and its interval marked. Values beyond
/// Tukey's severe-outlier fences (Q1 - 3 IQR, Q3 + 3 IQR) are counted in the caption, not
/// drawn, so a few preemptions do not squash the distribution into one bar; when the
/// quartiles coincide, the range is the minimum to the 99th percentile. `None` without values.
pub fn distribution(values: &[f64], median: f64, ci: (f64, f64)) -> Option<(String, usize)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || !median.is_finite() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let Histogram {
        lo,
        width,
        counts,
        beyond,
    } = histogram(&sorted);
    let bins = counts.len();
    let top = *counts.iter().max().unwrap_or(&1) as f64;
    let x_axis = AxisSpec::time("time per iteration");
    let y_axis = AxisSpec::count("samples");
    let mut f = Frame::new(
        "distribution",
        "latency distribution",
        220.0,
        (lo, lo + width * bins as f64),
        (0.0, top),
        &x_axis,
        &y_axis,
    );
    let (_, _, top_px, bottom) = f.plot_box();
    let (x0, x1) = (f.px(ci.0), f.px(ci.1));
    f.push(&format!(
        r#"<rect class="ci" x="{x0:.1}" y="{top_px:.1}" width="{:.1}" height="{:.1}"><title>95% CI of the median: {} to {}</title></rect>"#,
        (x1 - x0).max(1.0),
        bottom - top_px,
        html(&time(ci.0)),
        html(&time(ci.1))
    ));
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let a = lo + width * i as f64;
        let (px0, px1, py) = (f.px(a), f.px(a + width), f.py(c as f64));
        f.push(&format!(
            r#"<rect class="bar" x="{px0:.1}" y="{py:.1}" width="{:.1}" height="{:.1}"><title>{} to {}: {c}</title></rect>"#,
            (px1 - px0 - 1.0).max(0.5),
            bottom - py,
            html(&time(a)),
            html(&time(a + width))
        ));
    }
    let mx = f.px(median);
    f.push(&format!(
        r#"<line class="median" x1="{mx:.1}" x2="{mx:.1}" y1="{top_px:.1}" y2="{bottom:.1}"><title>median {}</title></line>"#,
        html(&time(median))
    ));
    Some((f.finish(), beyond))
}

/// Every sample's time per iteration in run order, with the median as a line.
pub fn timeline(values: &[f64], median: f64) -> Option<String> {
    // A corrupt report (a sample of 0 iterations) gives infinite times: leave them out.
    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if values.is_empty() || !median.is_finite() {
        return None;
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let x_axis = AxisSpec::count("sample");
    let y_axis = AxisSpec::time("time per iteration");
    let mut f = Frame::new(
        "timeline",
        "per-sample timeline",
        200.0,
        (0.0, (values.len() - 1).max(1) as f64),
        (lo.min(median), hi.max(median)),
        &x_axis,
        &y_axis,
    );
    dots_and_median(&mut f, &values, median);
    Some(f.finish())
}

/// `values` as dots in record order, and their `median` as a line across.
fn dots_and_median(f: &mut Frame, values: &[f64], median: f64) {
    let mut dots = String::new();
    for (i, v) in values.iter().enumerate() {
        let _ = write!(
            dots,
            r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="1.6"/>"#,
            f.px(i as f64),
            f.py(*v)
        );
    }
    f.push(&dots);
    let n = (values.len() - 1).max(1) as f64;
    f.polyline(&[(0.0, median), (n, median)], "median");
}

/// A custom metric's per-sample values in record order, with their median as a line; `None`
/// with fewer than two values. `label` names the metric and its unit.
pub fn metric_values(label: &str, values: &[f64], median: f64) -> Option<String> {
    if values.len() < 2 {
        return None;
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let x_axis = AxisSpec::count("sample");
    let y_axis = AxisSpec::number(label);
    let mut f = Frame::new(
        "metric",
        label,
        160.0,
        (0.0, (values.len() - 1) as f64),
        (lo, hi),
        &x_axis,
        &y_axis,
    );
    dots_and_median(&mut f, values, median);
    Some(f.finish())
}

/// A line chart of one series over time (seconds since the benchmark started).
pub fn over_time(kind: &str, title: &str, points: &[(f64, f64)]) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let (t_max, lo, hi) = points
        .iter()
        .fold((0.0f64, f64::MAX, f64::MIN), |(t, a, b), &(x, y)| {
            (t.max(x), a.min(y), b.max(y))
        });
    let x_axis = AxisSpec::number("seconds");
    let y_axis = AxisSpec::number(title);
    let mut f = Frame::new(
        kind,
        title,
        180.0,
        (0.0, t_max),
        (lo.min(0.0), hi),
        &x_axis,
        &y_axis,
    );
    f.polyline(points, "series");
    Some(f.finish())
}

/// The benchmark's median run by run from the history, with each run's 95% interval.
pub fn trend(points: &[TrendPoint]) -> Option<String> {
    if points.is_empty() {
        return None;
    }
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| {
        (
            a.min(p.lower_ns.unwrap_or(p.median_ns)),
            b.max(p.upper_ns.unwrap_or(p.median_ns)),
        )
    });
    let x_axis = AxisSpec::count("run (oldest first)");
    let y_axis = AxisSpec::time("median");
    let last = (points.len() - 1).max(1) as f64;
    let mut f = Frame::new(
        "trend",
        "trend across runs",
        200.0,
        (0.0, last),
        (lo, hi),
        &x_axis,
        &y_axis,
    );
    let line: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, p.median_ns))
        .collect();
    f.polyline(&line, "series");
    for (i, p) in points.iter().enumerate() {
        let x = f.px(i as f64);
        if let (Some(l), Some(u)) = (p.lower_ns, p.upper_ns) {
            f.push(&format!(
                r#"<line class="whisker" x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}"/>"#,
                f.py(l),
                f.py(u)
            ));
        }
        let commit: String = p
            .commit
            .as_deref()
            .unwrap_or("no git")
            .chars()
            .take(10)
            .collect();
        f.push(&format!(
            r#"<circle class="point" cx="{x:.1}" cy="{:.1}" r="3"><title>{} {}: {}</title></circle>"#,
            f.py(p.median_ns),
            html(&p.started_at),
            html(&commit),
            html(&time(p.median_ns))
        ));
    }
    Some(f.finish())
}

/// One row of the comparison chart.
pub struct ChangeRow<'a> {
    /// Benchmark id.
    pub id: &'a str,
    /// Relative change of the fastest samples (of the median for reports older than them).
    pub change: f64,
    /// Its 95% interval.
    pub ci: (f64, f64),
    /// The verdict, which colours the row.
    pub verdict: Verdict,
    /// The noise threshold applied (fraction).
    pub threshold: f64,
}

/// CSS class of a verdict.
pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Regressed => "regressed",
        Verdict::Improved => "improved",
        Verdict::Unchanged => "unchanged",
        Verdict::New => "new",
    }
}

/// Change against the baseline per benchmark: a point with its interval, coloured by
/// verdict, on a shared percent axis with the noise threshold shaded.
pub fn changes(rows: &[ChangeRow]) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let row_h = 18.0;
    let height = 48.0 + row_h * rows.len() as f64;
    let (lo, hi) = rows.iter().fold((0.0f64, 0.0f64), |(a, b), r| {
        (
            a.min(r.ci.0).min(-r.threshold),
            b.max(r.ci.1).max(r.threshold),
        )
    });
    let x_axis = AxisSpec {
        title: "change against the baseline (fastest samples)",
        format: &pct,
        integer: false,
    };
    let y_axis = AxisSpec {
        title: "",
        format: &|_, _| String::new(),
        integer: false,
    };
    let mut f = Frame::new(
        "changes",
        "comparison against the baseline",
        height,
        (100.0 * lo, 100.0 * hi),
        (0.0, rows.len() as f64),
        &x_axis,
        &y_axis,
    );
    let (_, _, top, bottom) = f.plot_box();
    let threshold = rows.iter().map(|r| r.threshold).fold(0.0, f64::max);
    let (t0, t1) = (f.px(-100.0 * threshold), f.px(100.0 * threshold));
    f.push(&format!(
        r#"<rect class="noise" x="{t0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"><title>noise threshold ±{:.1}%</title></rect>"#,
        t1 - t0,
        bottom - top,
        100.0 * threshold
    ));
    let zero = f.px(0.0);
    f.push(&format!(
        r#"<line class="axis" x1="{zero:.1}" x2="{zero:.1}" y1="{top:.1}" y2="{bottom:.1}"/>"#
    ));
    let step = (bottom - top) / rows.len() as f64;
    for (i, r) in rows.iter().enumerate() {
        change_row(&mut f, r, top + step * (i as f64 + 0.5));
    }
    Some(f.finish())
}

/// Row `r` of the change chart at height `y`: the interval, the point, and the id beside them.
fn change_row(f: &mut Frame, r: &ChangeRow, y: f64) {
    let class = verdict_class(r.verdict);
    // The id goes right of the interval, or left of it when it does not fit on the right
    // and the left has more room (about 6 px per character at the label's 11 px).
    let (x0, x1) = (f.px(100.0 * r.ci.0), f.px(100.0 * r.ci.1));
    let width = 6.0 * r.id.chars().count() as f64;
    let (right_room, left_room) = (WIDTH - x1 - 6.0, x0 - 6.0);
    let (label_x, anchor) = if width <= right_room || right_room >= left_room {
        (x1 + 6.0, "start")
    } else {
        (x0 - 6.0, "end")
    };
    f.push(&format!(
        r#"<g class="{class}"><title>{}: {:+.2}% [{:+.2}%, {:+.2}%] {class}</title><line class="whisker" x1="{:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><circle class="point" cx="{:.1}" cy="{y:.1}" r="4"/><text class="rowlabel" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text></g>"#,
        html(r.id),
        100.0 * r.change,
        100.0 * r.ci.0,
        100.0 * r.ci.1,
        x0,
        x1,
        f.px(100.0 * r.change),
        label_x,
        y + 4.0,
        html(r.id)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_counts_every_drawn_value_once() {
        // 100 values 100..199 and two preemptions far beyond Q3 + 3 IQR.
        let mut values: Vec<f64> = (0..100).map(|i| 100.0 + i as f64).collect();
        values.extend([5_000.0, 9_000.0]);
        let (svg, beyond) = distribution(&values, 150.0, (148.0, 152.0)).unwrap();
        assert_eq!(beyond, 2, "the severe outliers are left out");
        let total: u64 = svg
            .match_indices("</title></rect>")
            .filter_map(|(i, _)| {
                let head = &svg[..i];
                let colon = head.rfind(": ")?;
                head[colon + 2..].parse::<u64>().ok()
            })
            .sum();
        assert_eq!(total, 100);
        // Equal quartiles: the minimum to the 99th percentile.
        let mut flat = vec![7.0; 200];
        flat.extend([8.0, 9.0, 50.0]);
        let (_, beyond) = distribution(&flat, 7.0, (7.0, 7.0)).unwrap();
        assert_eq!(beyond, 3, "the 99th percentile is 7.98");
        assert!(svg.contains(r#"data-chart="distribution""#));
        assert!(distribution(&[], 0.0, (0.0, 0.0)).is_none());
    }

    #[test]
    fn charts_escape_ids_and_handle_constant_series() {
        let rows = [ChangeRow {
            id: "<script>x</script>",
            change: 0.31,
            ci: (0.29, 0.33),
            verdict: Verdict::Regressed,
            threshold: 0.02,
        }];
        let svg = changes(&rows).unwrap();
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains(r#"class="regressed""#));
        // An interval reaching the right edge gets its id on the left.
        let wide = |change: f64, ci: (f64, f64)| ChangeRow {
            id: "ml_dsa::sign/65536",
            change,
            ci,
            verdict: Verdict::Unchanged,
            threshold: 0.02,
        };
        let svg = changes(&[wide(0.09, (-0.30, 0.60)), wide(0.0, (-0.01, 0.01))]).unwrap();
        assert_eq!(
            svg.matches(r#"text-anchor="end">ml_dsa"#).count(),
            1,
            "{svg}"
        );
        assert_eq!(svg.matches(r#"text-anchor="start">ml_dsa"#).count(), 1);
        let flat = timeline(&[5.0, 5.0, 5.0], 5.0).unwrap();
        assert!(!flat.contains("NaN") && !flat.contains("inf"), "{flat}");
        assert!(over_time("rss", "RSS", &[(0.0, 1.0)]).is_none());
    }
}
