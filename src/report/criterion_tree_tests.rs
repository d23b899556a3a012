//! The criterion tree from the fixture reports, in memory and on disk.

use super::*;
use crate::report::tests::run;
use crate::schema::criterion::Throughput as CThroughput;

fn id(group: &str, function: Option<&str>, value: Option<&str>) -> CriterionId {
    CriterionId {
        group_id: group.into(),
        function_id: function.map(Into::into),
        value_str: value.map(Into::into),
    }
}

fn bench_with(id: &str, arg: Option<&str>) -> BenchResult {
    let mut b = run("run-work").benchmarks[0].clone();
    b.id = id.into();
    b.arg = arg.map(Into::into);
    b
}

#[test]
fn ids_split_into_criterions_parts() {
    for (qid, arg, want) in [
        ("fingerprint", None, id("fingerprint", None, None)),
        ("ml_kem::keygen", None, id("ml_kem::keygen", None, None)),
        (
            "blake3/1024",
            Some("1024"),
            id("blake3", None, Some("1024")),
        ),
        ("crypto/keygen", None, id("crypto", Some("keygen"), None)),
        ("a/b/c", None, id("a", Some("b"), Some("c"))),
        ("a/b/c/d", None, id("a", Some("b/c"), Some("d"))),
        ("g/f/x y", Some("x y"), id("g", Some("f"), Some("x y"))),
        // An argument that is not the id's last part is no value.
        ("a/b", Some("c"), id("a", Some("b"), None)),
        ("work/threads=2", None, id("work", Some("threads=2"), None)),
    ] {
        let got = split_id(&bench_with(qid, arg));
        assert_eq!(got, want, "{qid}");
        assert_eq!(got.full_id(), qid, "the full id is the id again");
    }
}

#[test]
fn directory_names_are_safe_as_criterion_makes_them() {
    assert_eq!(
        make_filename_safe("a?b\"c/d\\e*f<g>h:i|j^k"),
        "a_b_c_d_e_f_g_h_i_j_k"
    );
    assert_eq!(make_filename_safe("ml_kem::keygen"), "ml_kem__keygen");
    // 40 two-byte characters cut at 64 bytes: 32 of them, never half of one.
    assert_eq!(make_filename_safe(&"é".repeat(40)), "é".repeat(32));
    assert_eq!(
        make_filename_safe(&format!("a{}", "é".repeat(40))).len(),
        63
    );
    let dir = id("ML-DSA Sign/Verify", Some("keygen"), Some("1/2")).directory_name();
    assert_eq!(dir, "ML-DSA Sign_Verify/keygen/1_2");
}

#[test]
fn the_fixture_run_becomes_criterions_documents_computed_from_its_samples() {
    let report = run("run-work");
    let docs = documents(&report, &split_id);
    assert_eq!(docs.len(), report.benchmarks.len());
    for ((dir, d), b) in docs.iter().zip(&report.benchmarks) {
        assert_eq!(d.benchmark.full_id, b.id);
        assert_eq!(&d.benchmark.directory_name, dir);
        // The fixture's samples are cut to 4, so its statistics are recomputed from them as
        // the harness computes them.
        let o = b.overhead.unwrap();
        let values = crate::stats::per_iteration(
            &b.iters_per_sample,
            &b.samples_ns,
            o.per_sample_ns,
            o.per_iter_ns,
        );
        let t = &crate::stats::analyze(&values).0;
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        let e = &d.estimates;
        // The same samples, overheads and bootstrap as the report's own statistics.
        assert!(close(e.median.point_estimate, t.median), "{dir}: median");
        assert!(close(e.mean.point_estimate, t.mean), "{dir}: mean");
        assert!(close(e.std_dev.point_estimate, t.std_dev), "{dir}: std_dev");
        assert!(
            close(e.median_abs_dev.point_estimate, t.mad * 1.4826),
            "{dir}: MAD"
        );
        let ci = &e.median.confidence_interval;
        assert!(
            close(ci.lower_bound, t.median_ci.lower) && close(ci.upper_bound, t.median_ci.upper)
        );
        assert_eq!(ci.confidence_level, 0.95);
        for est in [&e.mean, &e.median, &e.std_dev, &e.median_abs_dev] {
            let ci = &est.confidence_interval;
            assert!(ci.lower_bound <= est.point_estimate && est.point_estimate <= ci.upper_bound);
            assert!(est.standard_error >= 0.0);
        }
        // times / iters are the per-iteration times the statistics are of.
        let s = &d.sample;
        assert_eq!(s.iters.len(), b.samples_ns.len());
        for ((t, n), raw) in s.times.iter().zip(&s.iters).zip(&b.samples_ns) {
            let want = (*raw as f64 - o.per_sample_ns - n * o.per_iter_ns).max(0.0);
            assert!(close(*t, want), "{dir}: {t} vs {want}");
        }
        // The slope exactly when the counts differ, and then by its definition.
        let differ = s.iters.windows(2).any(|w| w[0] != w[1]);
        assert_eq!(e.slope.is_some(), differ, "{dir}");
        if let Some(slope) = &e.slope {
            let xy: f64 = s.iters.iter().zip(&s.times).map(|(x, y)| x * y).sum();
            let xx: f64 = s.iters.iter().map(|x| x * x).sum();
            assert!(close(slope.point_estimate, xy / xx), "{dir}: slope");
        }
    }
}

#[test]
fn only_measured_benchmarks_are_written_and_throughput_keeps_its_kind() {
    let report = run("run-faults");
    let written: Vec<String> = documents(&report, &split_id)
        .into_iter()
        .map(|(_, d)| d.benchmark.full_id)
        .collect();
    let ok: Vec<String> = report
        .benchmarks
        .iter()
        .filter(|b| b.status == Status::Ok)
        .map(|b| b.id.clone())
        .collect();
    assert!(
        written.len() < report.benchmarks.len(),
        "run-faults has failures"
    );
    assert_eq!(written, ok);
    let mut b = bench_with("copy/64", Some("64"));
    b.throughput = Some(crate::schema::ThroughputResult {
        per_iter: Throughput::Bytes(64),
        per_second: None,
    });
    b.threads = Some(4);
    let mut report = run("run-work");
    report.benchmarks = vec![b];
    let docs = documents(&report, &split_id);
    assert_eq!(
        docs[0].1.benchmark.throughput,
        Some(CThroughput::Bytes(256))
    );
}

#[test]
fn colliding_directories_get_criterions_suffixes() {
    let mut report = run("run-work");
    let template = report.benchmarks[0].clone();
    report.benchmarks = ["a:b", "a?b", "a|b"]
        .iter()
        .map(|i| BenchResult {
            id: i.to_string(),
            arg: None,
            ..template.clone()
        })
        .collect();
    let dirs: Vec<String> = documents(&report, &split_id)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert_eq!(dirs, ["a_b", "a_b_2", "a_b_3"]);
}

#[test]
fn the_tree_on_disk_reads_back_as_criterions_types() {
    let dir = tempfile::tempdir().unwrap();
    let report = run("run-work");
    write(&report, dir.path()).unwrap();
    for b in &report.benchmarks {
        let at = dir.path().join(split_id(b).directory_name()).join("new");
        let read = |f: &str| std::fs::read_to_string(at.join(f)).unwrap();
        let bench: BenchmarkJson = serde_json::from_str(&read("benchmark.json")).unwrap();
        let _: EstimatesJson = serde_json::from_str(&read("estimates.json")).unwrap();
        let sample: SampleJson = serde_json::from_str(&read("sample.json")).unwrap();
        assert_eq!(bench.full_id, b.id);
        assert_eq!(sample.sampling_mode, SamplingMode::Flat);
    }
    // A file in the way is an error naming it, and nothing is half written.
    let blocked = tempfile::tempdir().unwrap();
    let first = split_id(&report.benchmarks[0]).directory_name();
    std::fs::write(blocked.path().join(&first), b"mine").unwrap();
    let e = write(&report, blocked.path()).unwrap_err();
    assert!(matches!(e, Error::Write { .. }), "{e:?}");
    assert!(e.to_string().contains(&first), "{e}");
    assert_eq!(std::fs::read(blocked.path().join(&first)).unwrap(), b"mine");
}
