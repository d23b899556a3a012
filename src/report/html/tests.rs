//! The HTML report checked in memory against the fixture reports: its structure, what each
//! part shows, and that user text cannot add markup. (tests/report_files.rs opens it in a
//! real browser.)

use super::*;
use crate::report::tests::{
    RUNS, Shown, assert_states_the_rule, bench, run, run_with, verdict_of, verdict_word,
};

fn page(reports: &[RunReport]) -> String {
    render(&Page {
        reports,
        trends: None,
    })
}

/// Asserts that every element is closed in order, and returns the elements' names in order.
#[track_caller]
fn assert_well_formed(html: &str) -> Vec<String> {
    const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link"];
    let mut open: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag ends") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "a `<` that starts no tag: <{tag}>");
        if let Some(closing) = tag.strip_prefix('/') {
            let top = open
                .pop()
                .unwrap_or_else(|| panic!("</{closing}> closes nothing"));
            assert_eq!(top, name, "</{name}> closes <{top}>");
        } else {
            names.push(name.clone());
            if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
                open.push(name);
            }
        }
    }
    assert!(open.is_empty(), "never closed: {open:?}");
    names
}

#[test]
fn every_fixture_gives_a_well_formed_self_contained_page() {
    for name in RUNS {
        let report = run(name);
        let html = page(std::slice::from_ref(&report));
        let elements = assert_well_formed(&html);
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\"><head>"),
            "{name}"
        );
        assert!(html.ends_with("</body></html>\n"), "{name}");
        assert!(
            html.contains(
                "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""
            ),
            "{name}: the CSP"
        );
        for forbidden in ["script", "iframe", "img", "link", "object"] {
            assert!(
                !elements.iter().any(|e| e == forbidden),
                "{name}: <{forbidden}>"
            );
        }
        // No fetches: links stay inside the page (SVG's xmlns is a name, not a fetch).
        assert!(!html.contains(" src="), "{name}");
        assert_eq!(
            html.matches(" href=\"").count(),
            html.matches(" href=\"#").count(),
            "{name}"
        );
        // A section per benchmark, and a summary row linking to it.
        for (i, r) in report.benchmarks.iter().enumerate() {
            let anchor = format!("b0-{i}");
            assert!(
                html.contains(&format!(
                    r#"<section class="bench" id="{anchor}"><h3>{}</h3>"#,
                    html_escape(&r.id)
                )),
                "{name}: {}",
                r.id
            );
            assert!(
                html.contains(&format!(
                    r##"<td class="id"><a href="#{anchor}">{}</a></td>"##,
                    html_escape(&r.id)
                )),
                "{name}"
            );
        }
        let summary = table(&html, "summary");
        assert_eq!(
            summary.matches("<tr>").count(),
            report.benchmarks.len() + 1,
            "{name}"
        );
        assert!(html.contains(&format!("<h2>{}</h2>", html_escape(&report.bench_target))));
        assert!(
            html.contains("Not shown: the history was not read for this page"),
            "{name}"
        );
    }
}

fn html_escape(s: &str) -> String {
    crate::escape::html(s)
}

/// The `<table class="{class}">` element of `html`.
#[track_caller]
fn table<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<table class="{class}">"#))
        .unwrap_or_else(|| panic!("no {class} table"));
    let end = html[start..].find("</table>").unwrap() + start;
    &html[start..end]
}

#[test]
fn the_comparison_is_coloured_by_verdict() {
    let report = run("run-compare");
    let html = page(std::slice::from_ref(&report));
    assert_states_the_rule(&html, &report);
    let summary = table(&html, "summary");
    assert!(summary.contains("<th>vs main</th>"), "{summary}");
    let matrix = table(&html, "matrix");
    for r in &report.benchmarks {
        let verdict = verdict_of(&report, &r.id).unwrap();
        let class = verdict_word(Shown::Plain, &verdict);
        let change = r.comparison.as_ref().unwrap().change;
        let cell = format!(
            r#"<td class="{class}">{class}{}</td>"#,
            change.map_or(String::new(), |v| format!(" {:+.2}%", 100.0 * v))
        );
        assert!(summary.contains(&cell), "{cell} in {summary}");
        let row = matrix
            .split("<tr>")
            .find(|row| row.starts_with(&format!(r#"<td class="id">{}</td>"#, r.id)))
            .unwrap_or_else(|| panic!("no matrix row for {}", r.id));
        assert!(
            row.ends_with(&format!(r#"<td class="{class}">{class}</td></tr>"#)),
            "{row}"
        );
    }
    // The change chart: one point per benchmark with a change, in its verdict's colour.
    let chart = html
        .split(r#"data-chart="changes""#)
        .nth(1)
        .expect("a change chart");
    assert!(
        chart.contains(r#"<g class="regressed">"#) && chart.contains(r#"<g class="improved">"#)
    );
    assert!(html.contains("<p>In the baseline, not in this run: loop_work/1010</p>"));
    assert!(
        html.contains(r#"<p class="status failed">gate: FAILED</p><ul><li>"#),
        "{html}"
    );
    for reason in &report.gate.as_ref().unwrap().reasons {
        assert!(html.contains(&format!("<li>{}</li>", html_escape(reason))));
    }
}

#[test]
fn failures_show_their_status_and_escaped_message() {
    let report = run("run-faults");
    let html = page(std::slice::from_ref(&report));
    assert!(!html.contains("<script"), "the panic message is text");
    assert!(html.contains(
        r#"<p class="status failed">failed</p><pre class="error">panicked: boom &lt;script&gt;alert(1)&lt;/script&gt;"#
    ), "{html}");
    assert!(html.contains(
        r#"<p class="status timeout">timed out</p><pre class="error">timed out after 0.200s"#
    ));
    assert!(html.contains(r#"<td class="timeout">timed out</td><td></td><td></td><td></td>"#));
    assert!(html.contains("Not shown: nothing was measured."));
    let s = &report.summary;
    assert!(html.contains(&format!(
        "<p>{} measured · {} failed · {} timed out · {} ignored",
        s.ok, s.failed, s.timeout, s.ignored
    )));
}

#[test]
fn user_text_cannot_add_markup_or_attributes() {
    let report = run_with("run-hostile", |v| {
        let b = bench(v, "noisy");
        b["id"] = r#""><img src=x onerror=alert(1)>"#.into();
        b["suite"] = "<b>suite</b>".into();
        b["tags"] = serde_json::json!(["'quoted'", "a&b"]);
        v["bench_target"] = "<i>target</i>".into();
    });
    let html = page(&[report]);
    let elements = assert_well_formed(&html);
    for injected in ["img", "i"] {
        assert!(!elements.iter().any(|e| e == injected), "<{injected}>");
    }
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;b&gt;suite&lt;/b&gt;"));
    assert!(html.contains("tags &#39;quoted&#39;, a&amp;b"));
    assert!(html.contains("<title>qudag-bench report: &lt;i&gt;target&lt;/i&gt;</title>"));
}

#[test]
fn throughput_targets_and_an_incomplete_run() {
    let html = page(&[run("run-forms")]);
    let summary = table(&html, "summary");
    assert!(
        summary.contains("<td>&lt; 1ns missed</td></tr>"),
        "{summary}"
    );
    assert!(summary.contains("<td>&lt; 1s met</td></tr>"));
    assert!(summary.contains("<td>&gt; 1 MB/s not checked</td></tr>"));
    let incomplete = run("run-incomplete");
    let html = page(std::slice::from_ref(&incomplete));
    assert!(
        html.contains(&format!(
            "<p><strong>Incomplete:</strong> run {} of work did not finish (its process ended: a \
         crash, a kill or an exit): {} of 5 benchmarks measured.</p>",
            incomplete.run_id,
            incomplete.benchmarks.len()
        )),
        "{html}"
    );
}

#[test]
fn several_reports_get_a_section_each_with_distinct_anchors() {
    let reports = [run("run-faults"), run("run-compare")];
    let html = page(&reports);
    assert_well_formed(&html);
    assert!(html.contains("<p class=\"meta\">2 bench target(s): faults, work</p>"));
    assert!(html.contains(r#"id="b0-0""#) && html.contains(r#"id="b1-0""#));
    assert!(html.find("<h2>faults</h2>").unwrap() < html.find("<h2>work</h2>").unwrap());
}

#[test]
fn the_legend_says_what_the_median_is_and_a_known_spread_is_shown() {
    let mut report = run("run-compare");
    let html = page(std::slice::from_ref(&report));
    assert!(html.contains("Median: the time per iteration of short samples"));
    assert!(html.contains("Mean: the sustained cost over all samples"));
    assert!(
        !html.contains("<p>on this host: "),
        "no spread in the fixture"
    );
    let b = &mut report.benchmarks[0];
    let earlier = [100.0, 101.0, 100.0, 99.0, 100.0];
    let time = b.time_ns.as_ref().unwrap();
    b.uncertainty = Some(crate::analyze::uncertainty::uncertainty(time, Ok(&earlier)));
    let html = page(&[report]);
    assert_well_formed(&html);
    assert!(
        html.contains("(another run here lands within ±4.4%, from the last 5 runs)</p>"),
        "{html}"
    );
}

#[test]
#[should_panic(expected = "</p> closes <b>")]
fn the_structure_check_catches_an_unclosed_element() {
    assert_well_formed("<p><b>x</p>");
}

#[test]
fn a_result_carried_over_from_an_earlier_run_says_which_run_measured_it() {
    let report = run_with("run-work", |v| {
        bench(v, "tunable")["measured_in"] = serde_json::json!({
            "run_id": "earlier<run>", "started_at": "2026-12-01T10:00:00Z"
        });
    });
    let html = page(std::slice::from_ref(&report));
    assert_well_formed(&html);
    assert!(
        html.contains(
            "measured by an earlier run, <code>earlier&lt;run&gt;</code> started \
             2026-12-01T10:00:00Z"
        ),
        "{html}"
    );
    assert_eq!(html.matches("measured by an earlier run").count(), 1);
}
