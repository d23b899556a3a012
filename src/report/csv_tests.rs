use super::*;

#[test]
fn a_record_is_written_byte_for_byte_as_the_csv_crate_writes_it() {
    let fields = [
        "plain",
        "a,b",
        "say \"hi\"",
        "two\nlines",
        "cr\rhere",
        "",
        " spaced ",
        "'=1+1",
        "µs",
        "\"",
        ",",
    ];
    let mut ours = Vec::new();
    record(&mut ours, fields);
    record(&mut ours, ["x", "", "y"]);
    let mut w = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(fields).unwrap();
    w.write_record(["x", "", "y"]).unwrap();
    assert_eq!(
        String::from_utf8(ours).unwrap(),
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    );
}

/// A real report of the fixture's `work` target, compared against a baseline.
fn report() -> RunReport {
    serde_json::from_str(include_str!("testdata/run-work.json")).unwrap()
}

/// The rows of `bytes` as maps from column to cell.
fn rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = ::csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn formula_like_text_is_neutralised_and_negative_numbers_stay_numbers() {
    let mut r = report();
    let b = &mut r.benchmarks[0];
    b.id = "=HYPERLINK(\"http://x\",\"y\")".into();
    b.suite = "+suite".into();
    b.tags = vec!["@tag".into(), "=b".into()];
    b.error = Some("-boom".into());
    r.benchmarks[1].id = "\tcmd".into();
    r.benchmarks[2].id = "plain/-1".into();
    let c = r.benchmarks[0].comparison.as_mut().expect("compared");
    c.change = Some(-0.05);
    let out = rows(&summary(&[r.clone()]));
    assert_eq!(out[0]["id"], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(out[0]["suite"], "'+suite");
    assert_eq!(out[0]["tags"], "'@tag;=b");
    assert_eq!(out[0]["error"], "'-boom");
    assert_eq!(out[1]["id"], "'\tcmd");
    assert_eq!(out[2]["id"], "plain/-1", "only the first character counts");
    assert_eq!(out[0]["change"], "-0.05", "a number, not text");
    assert_eq!(out[0]["change"].parse::<f64>().unwrap(), -0.05);
    let samples = rows(&samples(&[r]));
    assert_eq!(samples[0]["id"], "'=HYPERLINK(\"http://x\",\"y\")");
}

use crate::report::tests::{RUNS, Shown, bench, run, run_with, verdict_of, verdict_word};

#[test]
fn every_fixture_has_the_header_and_one_row_per_benchmark() {
    for name in RUNS {
        let report = run(name);
        let bytes = summary(std::slice::from_ref(&report));
        let mut reader = ::csv::Reader::from_reader(&bytes[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, SUMMARY_HEADER, "{name}");
        let out = rows(&bytes);
        assert_eq!(out.len(), report.benchmarks.len(), "{name}");
        for (row, r) in out.iter().zip(&report.benchmarks) {
            assert_eq!(row["id"], text(&r.id), "{name}: in the report's order");
            assert_eq!(row["bench_target"], report.bench_target);
            assert_eq!(row["run_id"], report.run_id);
        }
    }
}

#[test]
fn measured_values_parse_back_to_the_reports() {
    let report = run("run-compare");
    let out = rows(&summary(std::slice::from_ref(&report)));
    let f = |row: &std::collections::HashMap<String, String>, col: &str| {
        row[col]
            .parse::<f64>()
            .unwrap_or_else(|e| panic!("{col} {:?}: {e}", row[col]))
    };
    for (row, r) in out.iter().zip(&report.benchmarks) {
        let t = r.time_ns.as_ref().unwrap();
        assert_eq!(f(row, "median_ns"), t.median);
        assert_eq!(f(row, "median_ci_lower_ns"), t.median_ci.lower);
        assert_eq!(f(row, "median_ci_upper_ns"), t.median_ci.upper);
        assert_eq!(f(row, "mad_ns"), t.mad);
        assert_eq!(row["samples"], r.samples_ns.len().to_string());
        let iters: u64 = r.iters_per_sample.iter().sum();
        assert_eq!(row["iterations"], iters.to_string());
        assert_eq!(row["status"], "ok");
        assert_eq!(row["error"], "");
        assert_eq!(row["wall_time_s"].parse::<f64>().unwrap(), r.wall_time_s);
    }
}

#[test]
fn the_comparison_columns_hold_each_verdict() {
    let report = run("run-compare");
    let out = rows(&summary(std::slice::from_ref(&report)));
    let mut seen = Vec::new();
    for (row, r) in out.iter().zip(&report.benchmarks) {
        let c = r.comparison.as_ref().unwrap();
        let verdict = verdict_of(&report, &r.id).unwrap();
        assert_eq!(
            row["verdict"],
            verdict_word(Shown::Plain, &verdict),
            "{}",
            r.id
        );
        assert_eq!(row["baseline"], "main");
        let num = |col: &str| row[col].parse::<f64>().ok();
        assert_eq!(num("change"), c.change, "{}", r.id);
        assert_eq!(num("change_ci_lower"), c.change_ci.map(|i| i.lower));
        assert_eq!(num("change_ci_upper"), c.change_ci.map(|i| i.upper));
        assert_eq!(num("baseline_median_ns"), c.baseline_median_ns);
        assert_eq!(num("p_value"), c.p_value);
        assert_eq!(num("fastest_change"), c.fastest_change);
        seen.push(verdict);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["improved", "new", "regressed", "unchanged"]);
    // Without a baseline the columns are empty.
    let plain = rows(&summary(&[run("run-faults")]));
    assert!(
        plain
            .iter()
            .all(|r| r["verdict"].is_empty() && r["baseline"].is_empty())
    );
}

#[test]
fn failures_have_a_status_and_error_and_no_figures() {
    let report = run("run-faults");
    let out = rows(&summary(std::slice::from_ref(&report)));
    let row = |id: &str| out.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(row("fine")["status"], "ok");
    assert_eq!(row("panics")["status"], "failed");
    assert_eq!(row("hangs")["status"], "timeout");
    // CSV keeps the text as it is: escaping is for whatever shows the cell.
    assert!(row("panics")["error"].contains("boom <script>alert(1)</script>"));
    for id in ["panics", "hangs"] {
        assert_eq!(row(id)["median_ns"], "", "{id}");
        assert_eq!(row(id)["p99_ns"], "", "{id}");
        assert_eq!(row(id)["outliers"], "", "{id}");
    }
}

#[test]
fn throughput_targets_and_allocations_have_their_columns() {
    let forms = run("run-forms");
    let out = rows(&summary(std::slice::from_ref(&forms)));
    let row = |id: &str| out.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(row("sum_bytes/1024")["throughput_unit"], "bytes");
    assert_eq!(row("sum_bytes/1024")["throughput_per_iter"], "1024");
    assert_eq!(row("strings/abcd")["throughput_unit"], "elements");
    assert_eq!(row("strings/abcd")["throughput_per_iter"], "4");
    assert_eq!(row("fib10")["throughput_unit"], "");
    assert_eq!(row("fib10")["tags"], "fast;fib");
    assert_eq!(row("fib10")["suite"], "cpu");
    assert_eq!(
        (
            row("plain")["target"].as_str(),
            row("plain")["target_met"].as_str()
        ),
        ("< 1s", "true")
    );
    assert_eq!(row("fib10")["target_met"], "false");
    assert_eq!(row("strings/ab")["target_met"], "", "not checked");
    assert_eq!(row("empty")["target"], "");

    let alloc = run("run-alloc");
    let out = rows(&summary(std::slice::from_ref(&alloc)));
    for (row, r) in out.iter().zip(&alloc.benchmarks) {
        let a = r.alloc.unwrap();
        assert_eq!(
            row["allocs_per_iter"].parse::<f64>().unwrap(),
            a.allocs_per_iter
        );
        assert_eq!(
            row["alloc_bytes_per_iter"].parse::<f64>().unwrap(),
            a.bytes_per_iter
        );
        let rss = r
            .system
            .as_ref()
            .map(|s| s.summary.peak_rss_bytes.to_string());
        assert_eq!(row["peak_rss_bytes"], rss.unwrap_or_default(), "{}", r.id);
    }
    let vec_1k = out.iter().find(|r| r["id"] == "vec_1k").unwrap();
    assert_eq!(vec_1k["allocs_per_iter"], "1");
    assert_eq!(vec_1k["alloc_bytes_per_iter"], "1024");
}

#[test]
fn quotes_commas_line_breaks_and_controls_parse_back_unchanged() {
    let hostile = run("run-hostile");
    let out = rows(&summary(std::slice::from_ref(&hostile)));
    for (row, r) in out.iter().zip(&hostile.benchmarks) {
        assert_eq!(row["id"], r.id);
        assert_eq!(row["suite"], r.suite);
        assert_eq!(row["error"], r.error.clone().unwrap_or_default());
    }
    let edited = run_with("run-work", |v| {
        let b = bench(v, "tunable");
        b["id"] = "a,b \"c\"\nd|e".into();
        b["suite"] = "x,y".into();
    });
    let out = rows(&summary(&[edited]));
    let row = out.iter().find(|r| r["suite"] == "x,y").unwrap();
    assert_eq!(row["id"], "a,b \"c\"\nd|e");
    assert_eq!(
        row.len(),
        SUMMARY_HEADER.len(),
        "no cell spilled into another column"
    );
}

#[test]
fn samples_have_one_row_per_sample_with_its_time_per_iteration() {
    let reports = [run("run-compare"), run("run-faults")];
    let bytes = samples(&reports);
    let mut reader = ::csv::Reader::from_reader(&bytes[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, SAMPLES_HEADER);
    let out = rows(&bytes);
    let expected: usize = reports
        .iter()
        .flat_map(|r| &r.benchmarks)
        .map(|b| b.samples_ns.len())
        .sum();
    assert_eq!(out.len(), expected);
    let r = &reports[0].benchmarks[0];
    let o = r.overhead.unwrap();
    let first = &out[0];
    assert_eq!(
        (first["bench_target"].as_str(), first["id"].as_str()),
        ("work", r.id.as_str())
    );
    assert_eq!(first["sample"], "0");
    assert_eq!(first["iterations"], r.iters_per_sample[0].to_string());
    assert_eq!(first["elapsed_ns"], r.samples_ns[0].to_string());
    let per_iter = first["ns_per_iter"].parse::<f64>().unwrap();
    let raw = r.samples_ns[0] as f64 / r.iters_per_sample[0] as f64;
    assert!(
        per_iter < raw,
        "overheads are subtracted: {per_iter} vs {raw}"
    );
    let expected = per_iteration(
        &r.iters_per_sample[..1],
        &r.samples_ns[..1],
        o.per_sample_ns,
        o.per_iter_ns,
    )[0];
    assert_eq!(per_iter, expected);
    assert!(
        out.iter().all(|row| row["id"] != "panics"),
        "a failure has no samples"
    );
}
