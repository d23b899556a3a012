//! One benchmark's section of the HTML report: what it is, its figures, and its charts
//! (distribution, timeline, resource use, trend). A chart that has no data says why.

use super::charts;
use crate::escape::html;
use crate::report::trend::TrendPoint;
use crate::report::units::time;
use crate::schema::Granularity;
use crate::schema::{BenchResult, Status};
use crate::stats::per_iteration;
use std::fmt::Write;

/// Why a page has no trend charts: it was rendered without the history (by the bench
/// binary, which does not read it).
const NO_TREND: &str = "the history was not read for this page; `qudag-bench report latest \
                        --format html` draws the trend from it";

/// The section of `r`; `anchor` is its element id, `trend` its history (oldest first).
pub fn section(out: &mut String, anchor: &str, r: &BenchResult, trend: Option<&[TrendPoint]>) {
    heading(out, anchor, r);
    figures(out, r);
    metrics(out, r);
    out.push_str(r#"<div class="charts">"#);
    samples_charts(out, r);
    metric_charts(out, r);
    resource_charts(out, r);
    match trend {
        Some(points) if points.len() >= 2 => {
            chart(out, "Trend over the history", charts::trend(points), "");
        }
        Some(_) => absent(out, "Trend", "fewer than two runs of it in the history"),
        None => absent(out, "Trend", NO_TREND),
    }
    out.push_str("</div></section>");
}

/// The section's opening: the id, suite, tags and source location, and a failure's message.
fn heading(out: &mut String, anchor: &str, r: &BenchResult) {
    let _ = write!(
        out,
        r#"<section class="bench" id="{anchor}"><h3>{}</h3><p class="meta">suite <b>{}</b>{} · {}:{}</p>"#,
        html(&r.id),
        html(&r.suite),
        if r.tags.is_empty() {
            String::new()
        } else {
            format!(" · tags {}", html(&r.tags.join(", ")))
        },
        html(&r.location.file),
        r.location.line
    );
    if let Some(from) = &r.measured_in {
        let _ = write!(
            out,
            r#"<p class="meta carried">measured by an earlier run, <code>{}</code> started {}: this run did not select it</p>"#,
            html(&from.run_id),
            html(&from.started_at)
        );
    }
    if let Some(reason) = &r.skip_reason {
        let _ = write!(
            out,
            r#"<p class="status skipped">skipped: {}</p>"#,
            html(reason)
        );
    } else if r.status != Status::Ok {
        let _ = write!(
            out,
            r#"<p class="status {}">{}</p><pre class="error">{}</pre>"#,
            status_class(r.status),
            crate::report::units::status(r.status),
            html(r.error.as_deref().unwrap_or("no message"))
        );
    }
}

/// The time estimates and percentiles, when measured.
fn figures(out: &mut String, r: &BenchResult) {
    let Some(t) = &r.time_ns else { return };
    let _ = write!(
        out,
        "<p>median <b>{}</b> (95% CI {} to {}) · mean {} · MAD {} · min {} · max {}{}</p>",
        time(t.median),
        time(t.median_ci.lower),
        time(t.median_ci.upper),
        time(t.mean),
        time(t.mad),
        time(t.min),
        time(t.max),
        match r.samples_ns.len() {
            0 => String::new(), // a report kept by the history
            n => format!(" · {n} samples"),
        }
    );
    if let Some(u) = &r.uncertainty
        && let Some(hw) = u.between_runs_half_width
    {
        let _ = write!(
            out,
            "<p>on this host: {} to {} (another run here lands within ±{:.1}%, from the last {} runs)</p>",
            time(u.interval.lower),
            time(u.interval.upper),
            100.0 * hw.exp_m1(),
            u.runs
        );
    }
    if let Some(p) = &r.percentiles_ns {
        let _ = write!(
            out,
            "<p>p50 {} · p90 {} · p99 {} · p99.9 {} ({})</p>",
            time(p.p50),
            time(p.p90),
            time(p.p99),
            time(p.p999),
            match p.granularity {
                Granularity::Iteration => "each iteration timed alone",
                Granularity::Sample => "of per-sample means",
            }
        );
    }
}

/// The custom metrics as a table: value (median and interval), count, and the baseline's.
fn metrics(out: &mut String, r: &BenchResult) {
    if r.metrics.is_empty() {
        return;
    }
    out.push_str(
        r#"<table class="metrics"><tr><th>metric</th><th>value</th><th>values</th><th>vs baseline</th></tr>"#,
    );
    let changes = r.comparison.as_ref().map(|c| &c.metrics);
    for (name, m) in &r.metrics {
        let change = (changes.and_then(|c| c.get(name)))
            .map_or(String::new(), crate::report::units::metric_change);
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(name),
            html(&crate::report::units::metric(m)),
            m.values.len(),
            html(&change)
        );
    }
    out.push_str("</table>");
}

/// A chart of each custom metric that has per-sample values.
fn metric_charts(out: &mut String, r: &BenchResult) {
    for (name, m) in r.metrics.iter().filter(|(_, m)| m.values.len() >= 2) {
        let label = match m.unit.as_str() {
            "" => name.clone(),
            unit => format!("{name} ({unit})"),
        };
        let svg = charts::metric_values(&label, &m.values, m.median);
        chart(out, &format!("Metric {name}"), svg, "");
    }
}

fn samples_charts(out: &mut String, r: &BenchResult) {
    let Some(t) = &r.time_ns else {
        absent(out, "Distribution and timeline", "nothing was measured");
        return;
    };
    if r.samples_ns.is_empty() {
        absent(
            out,
            "Distribution and timeline",
            "this report keeps no raw samples (reports stored in the history keep estimates only)",
        );
        return;
    }
    let (per_sample, per_iter) = r
        .overhead
        .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
    let values = per_iteration(&r.iters_per_sample, &r.samples_ns, per_sample, per_iter);
    if let Some((svg, beyond)) =
        charts::distribution(&values, t.median, (t.median_ci.lower, t.median_ci.upper))
    {
        let note = if beyond > 0 {
            format!(
                "{beyond} samples beyond Tukey's severe-outlier fences (Q1 - 3 IQR, Q3 + 3 IQR) \
                 are not drawn; the timeline shows them."
            )
        } else {
            String::new()
        };
        chart(out, "Latency distribution", Some(svg), &note);
    }
    chart(
        out,
        "Per-sample timeline",
        charts::timeline(&values, t.median),
        "",
    );
}

fn resource_charts(out: &mut String, r: &BenchResult) {
    let Some(sys) = &r.system else {
        absent(
            out,
            "Resource usage",
            "system metrics were not sampled (--no-system-metrics, or a failed benchmark)",
        );
        return;
    };
    if sys.series.len() < 2 {
        absent(
            out,
            "Resource usage",
            "fewer than two readings (the benchmark was shorter than the sampling interval, or \
             the report keeps no series)",
        );
        return;
    }
    let rss: Vec<(f64, f64)> = sys
        .series
        .iter()
        .map(|p| (p.t_s, p.rss_bytes as f64 / 1_048_576.0))
        .collect();
    let cpu: Vec<(f64, f64)> = sys
        .series
        .iter()
        .filter_map(|p| p.process_cpu_pct.map(|c| (p.t_s, c)))
        .collect();
    chart(
        out,
        "Resident memory",
        charts::over_time("rss", "RSS (MiB)", &rss),
        "",
    );
    match charts::over_time("cpu", "process CPU (%)", &cpu) {
        Some(svg) => chart(out, "Process CPU", Some(svg), ""),
        None => absent(out, "Process CPU", "fewer than two CPU readings"),
    }
}

fn chart(out: &mut String, title: &str, svg: Option<String>, note: &str) {
    if let Some(svg) = svg {
        let _ = write!(
            out,
            r#"<figure><figcaption>{}</figcaption>{svg}{}</figure>"#,
            html(title),
            if note.is_empty() {
                String::new()
            } else {
                format!(r#"<p class="note">{}</p>"#, html(note))
            }
        );
    }
}

fn absent(out: &mut String, title: &str, reason: &str) {
    let _ = write!(
        out,
        r#"<figure class="absent"><figcaption>{}</figcaption><p class="note">Not shown: {}.</p></figure>"#,
        html(title),
        html(reason)
    );
}

/// CSS class of a status.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Failed => "failed",
        Status::Timeout => "timeout",
        Status::Skipped => "skipped",
    }
}
