//! The HTML report: one self-contained file (inline CSS and SVG, no scripts, no fetches; a
//! Content-Security-Policy forbids both) with, per bench target, the environment, a summary
//! table, the comparison against the baseline coloured by verdict, and per benchmark its
//! latency distribution, per-sample timeline, resource usage and trend over the history.

mod bench;
mod charts;
mod svg;

use crate::escape::html;
use crate::report::trend::Trends;
use crate::report::units::time;
use crate::schema::{BenchResult, RunReport};
use charts::{ChangeRow, verdict_class};
use std::fmt::Write;

/// What the page shows.
pub struct Page<'a> {
    /// The runs, one report per bench target.
    pub reports: &'a [RunReport],
    /// Each benchmark's history; `None` when no history was read.
    pub trends: Option<&'a Trends>,
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#222}
h1{margin:.2em 0}h2{border-bottom:2px solid #ccc;margin-top:2em}h3{margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td.id,th.id{text-align:left;font-family:ui-monospace,monospace}
dl.env{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#666}dd{margin:0}
section.bench{border-top:1px solid #ddd;padding:8px 0}.meta,.note{color:#666;margin:.2em 0}
.charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}.charts figure{flex:0 1 540px}figcaption{font-weight:600}
figure.absent{width:300px}svg.chart{max-width:100%;height:auto;background:#fcfcfc}
svg .grid{stroke:#eee}svg .axis{stroke:#999}svg .tick,svg .title,svg .rowlabel{font-size:11px;fill:#555}
svg .bar{fill:#4c78a8}svg .ci{fill:#f2cf5b;opacity:.45}svg .median{stroke:#d62728;stroke-width:2}
svg .dot{fill:#4c78a8;opacity:.6}svg .series{fill:none;stroke:#4c78a8;stroke-width:1.5}
svg .whisker{stroke:#555;stroke-width:1.5}svg .point{fill:#4c78a8}svg .noise{fill:#eee}
svg g.regressed .point{fill:#d62728}svg g.improved .point{fill:#2ca02c}svg g.unchanged .point{fill:#888}
td.regressed{background:#f8d0d0}td.improved{background:#d3f0d3}td.unchanged{background:#eee}td.new{background:#dbe8f8}
td.failed,td.timeout,.status.failed,.status.timeout{background:#f8d0d0}td.skipped,.status.skipped{background:#eee}pre.error{white-space:pre-wrap;background:#fff4f4;padding:6px}
";

/// The whole page.
/// What the figures mean, once per page (docs/accuracy.md, docs/measurement.md).
const LEGEND: &str = "Median: the time per iteration of short samples between this \
    machine's interruptions. Mean: the sustained cost over all samples, interruptions included. \
    95% CI: from this run's samples only; on this host: widened to where another run's median \
    lands, from how much it moved between earlier runs on this host.";

pub fn render(page: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let targets: Vec<&str> = page
        .reports
        .iter()
        .map(|r| r.bench_target.as_str())
        .collect();
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><meta name="viewport" content="width=device-width, initial-scale=1"><title>qudag-bench report: {}</title><style>{STYLE}</style></head><body><h1>qudag-bench report</h1><p class="meta">{} bench target(s): {}</p><p class="meta">{LEGEND}</p>"#,
        html(&targets.join(", ")),
        targets.len(),
        html(&targets.join(", "))
    );
    for (t, report) in page.reports.iter().enumerate() {
        target_section(&mut out, t, report, page.trends);
    }
    out.push_str("</body></html>\n");
    out
}

fn target_section(out: &mut String, t: usize, report: &RunReport, trends: Option<&Trends>) {
    let s = &report.summary;
    let _ = write!(
        out,
        r#"<h2>{}</h2><p>{} measured · {} failed · {} timed out · {} ignored · {} filtered out · run <code>{}</code>, {} to {}</p>"#,
        html(&report.bench_target),
        s.ok,
        s.failed,
        s.timeout,
        s.ignored,
        s.filtered_out,
        html(&report.run_id),
        html(&report.started_at),
        html(&report.finished_at)
    );
    if let Some(note) = crate::report::unfinished::note(report) {
        let _ = write!(out, "<p><strong>Incomplete:</strong> {}.</p>", html(&note));
    }
    environment(out, report);
    summary_table(out, t, report);
    comparison(out, report);
    if let Some(g) = &report.gate {
        let _ = write!(
            out,
            r#"<p class="status {}">gate: {}</p>"#,
            if g.failed { "failed" } else { "ok" },
            if g.failed { "FAILED" } else { "passed" }
        );
        if !g.reasons.is_empty() {
            out.push_str("<ul>");
            for reason in &g.reasons {
                let _ = write!(out, "<li>{}</li>", html(reason));
            }
            out.push_str("</ul>");
        }
    }
    for (i, r) in report.benchmarks.iter().enumerate() {
        let key = (report.bench_target.clone(), r.id.clone());
        let trend = trends.map(|m| m.get(&key).map_or(&[][..], Vec::as_slice));
        bench::section(out, &anchor(t, i), r, trend);
    }
}

fn anchor(target: usize, bench: usize) -> String {
    format!("b{target}-{bench}")
}

fn environment(out: &mut String, report: &RunReport) {
    let e = &report.environment;
    let or_absent = |v: &Option<String>| v.clone().unwrap_or_else(|| "not known".into());
    let git = e.git.as_ref().map_or("not a git checkout".into(), |g| {
        format!(
            "{} on {}{}",
            g.commit,
            g.branch.as_deref().unwrap_or("a detached HEAD"),
            if g.dirty { ", uncommitted changes" } else { "" }
        )
    });
    let rows = [
        ("host", or_absent(&e.host)),
        ("CPU", or_absent(&e.cpu_model)),
        (
            "cores",
            e.cores_logical
                .map_or("not known".into(), |c| format!("{c} logical")),
        ),
        ("OS", or_absent(&e.os)),
        ("rustc", or_absent(&e.rustc)),
        (
            "build",
            format!(
                "{} (opt-level {}{})",
                e.profile.name,
                e.profile.opt_level,
                if e.profile.debug_assertions {
                    ", debug assertions"
                } else {
                    ""
                }
            ),
        ),
        ("git", git),
        (
            "timer",
            format!(
                "precision {}, read overhead {}",
                time(e.timer.precision_ns),
                time(e.timer.overhead_ns)
            ),
        ),
    ];
    out.push_str(r#"<dl class="env">"#);
    for (k, v) in rows {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", html(k), html(&v));
    }
    out.push_str("</dl>");
}

fn summary_table(out: &mut String, t: usize, report: &RunReport) {
    let baseline = report.baseline.as_ref();
    out.push_str(r#"<table class="summary"><tr><th class="id">benchmark</th><th>status</th><th>median</th><th>95% CI</th><th>±MAD</th><th>throughput</th>"#);
    if let Some(b) = baseline {
        let _ = write!(out, "<th>vs {}</th>", html(&b.name));
    }
    out.push_str("<th>target</th></tr>");
    for (i, r) in report.benchmarks.iter().enumerate() {
        summary_row(out, &anchor(t, i), r, baseline.is_some());
    }
    out.push_str("</table>");
}

/// The summary row of `r`, linking to its section `anchor`; `compared`: whether the table
/// has the baseline's column.
fn summary_row(out: &mut String, anchor: &str, r: &BenchResult, compared: bool) {
    let _ = write!(
        out,
        r##"<tr><td class="id"><a href="#{}">{}</a></td><td class="{}">{}</td>"##,
        anchor,
        html(&r.id),
        bench::status_class(r.status),
        crate::report::units::status(r.status)
    );
    match &r.time_ns {
        Some(s) => {
            let mad = if s.median > 0.0 {
                format!("{:.1}%", 100.0 * s.mad / s.median)
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "<td>{}</td><td>{} – {}</td><td>{mad}</td>",
                time(s.median),
                time(s.median_ci.lower),
                time(s.median_ci.upper)
            );
        }
        None => out.push_str("<td></td><td></td><td></td>"),
    }
    let tp = crate::report::units::throughput(r.throughput).unwrap_or_default();
    let _ = write!(out, "<td>{}</td>", html(&tp));
    if compared {
        match &r.comparison {
            Some(c) => {
                let change = c
                    .change
                    .map_or(String::new(), |v| format!(" {:+.2}%", 100.0 * v));
                let _ = write!(
                    out,
                    r#"<td class="{0}">{0}{1}</td>"#,
                    verdict_class(c.verdict),
                    change
                );
            }
            None => out.push_str("<td></td>"),
        }
    }
    let target = r.target.as_ref().map_or(String::new(), |t| {
        let state = match t.met {
            Some(true) => "met",
            Some(false) => "missed",
            None => "not checked",
        };
        format!("{} {state}", t.expression)
    });
    let _ = write!(out, "<td>{}</td></tr>", html(&target));
}

fn comparison(out: &mut String, report: &RunReport) {
    let Some(info) = &report.baseline else {
        return;
    };
    let _ = write!(
        out,
        "<h3>Against baseline {}</h3><p class=\"meta\">baseline run {} of {}; {}.</p>",
        html(&info.name),
        html(&info.run_id),
        html(&info.started_at),
        html(&crate::report::rule::verdict_rule(info).sentence)
    );
    for d in &info.environment_differences {
        let _ = write!(
            out,
            r#"<p class="status failed">environment differs: {}</p>"#,
            html(d)
        );
    }
    change_chart(out, report);
    change_matrix(out, report);
    if !info.missing.is_empty() {
        let _ = write!(
            out,
            "<p>In the baseline, not in this run: {}</p>",
            html(&info.missing.join(", "))
        );
    }
}

/// The chart of each compared benchmark's change with the interval its verdict is decided on.
fn change_chart(out: &mut String, report: &RunReport) {
    let rows: Vec<ChangeRow> = report
        .benchmarks
        .iter()
        .filter_map(|r| {
            let c = r.comparison.as_ref()?;
            // The fastest samples' change decides the verdict; reports written before it was
            // recorded have only the median's.
            let (change, ci) = match (c.fastest_change, c.fastest_change_ci) {
                (Some(f), Some(ci)) => (f, ci),
                _ => (c.change?, c.change_ci?),
            };
            Some(ChangeRow {
                id: &r.id,
                change,
                ci: (ci.lower, ci.upper),
                verdict: c.verdict,
                threshold: c.noise_threshold,
            })
        })
        .collect();
    if let Some(svg) = charts::changes(&rows) {
        let _ = write!(
            out,
            "<figure><figcaption>Change of the fastest samples per benchmark, with the 95% \
             interval the verdict is decided on and the noise threshold shaded</figcaption>{svg}</figure>"
        );
    }
}

/// The table of each compared benchmark's figures against the baseline, coloured by verdict.
fn change_matrix(out: &mut String, report: &RunReport) {
    out.push_str(
        r#"<table class="matrix"><tr><th class="id">benchmark</th><th>baseline median</th><th>median</th><th>change</th><th>95% CI</th><th>fastest samples</th><th>p (Holm)</th><th>verdict</th></tr>"#,
    );
    for r in &report.benchmarks {
        let Some(c) = &r.comparison else { continue };
        let class = verdict_class(c.verdict);
        let pct = |v: Option<f64>| v.map_or(String::new(), |v| format!("{:+.2}%", 100.0 * v));
        let _ = write!(
            out,
            r#"<tr><td class="id">{}</td><td>{}</td><td>{}</td><td class="{class}">{}</td><td class="{class}">{}</td><td>{}</td><td>{}</td><td class="{class}">{class}</td></tr>"#,
            html(&r.id),
            c.baseline_median_ns.map_or(String::new(), time),
            r.time_ns.as_ref().map_or(String::new(), |t| time(t.median)),
            pct(c.change),
            c.change_ci.map_or(String::new(), |i| format!(
                "{:+.2}% to {:+.2}%",
                100.0 * i.lower,
                100.0 * i.upper
            )),
            pct(c.fastest_change),
            c.p_value.map_or(String::new(), |p| format!(
                "{p:.3}{}",
                if c.significant { " *" } else { "" }
            )),
        );
    }
    out.push_str("</table>");
}

#[cfg(test)]
mod tests;
