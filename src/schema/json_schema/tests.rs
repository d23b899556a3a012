//! The generated files match the types, accept what the harness writes and reject what it
//! never writes.

use super::*;
use serde_json::{Value, json};
use std::path::Path;

/// The committed files are what the types generate (`QUDAG_BENCH_BLESS_SCHEMA=1` rewrites
/// them).
#[test]
fn committed_schema_files_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let bless = std::env::var_os("QUDAG_BENCH_BLESS_SCHEMA").is_some();
    let mut stale = Vec::new();
    for f in files().unwrap() {
        let mut text = serde_json::to_string_pretty(&f.schema).unwrap();
        text.push('\n');
        let path = dir.join(f.file);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if bless {
            std::fs::write(&path, text).unwrap();
        } else {
            stale.push(f.file);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from what src/schema generates; if the change is meant, run \
         `QUDAG_BENCH_BLESS_SCHEMA=1 cargo test --lib schema::json_schema` and commit them"
    );
}

fn testdata(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/report/testdata")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator(file: &str) -> jsonschema::Validator {
    let f = files()
        .unwrap()
        .into_iter()
        .find(|f| f.file == file)
        .unwrap();
    jsonschema::validator_for(&f.schema).unwrap()
}

/// Applies `edit` to a copy of `doc`.
fn edited(doc: &Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut copy = doc.clone();
    edit(&mut copy);
    copy
}

#[test]
fn real_reports_are_valid() {
    let run = validator("run-v1.schema.json");
    for name in [
        "run-work.json",
        "run-compare.json",
        "run-faults.json",
        "run-hostile.json",
        "run-incomplete.json",
        "run-alloc.json",
        "run-forms.json",
    ] {
        let doc = testdata(name);
        let errors: Vec<String> = run.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    assert!(validator("ab-v1.schema.json").is_valid(&testdata("ab.json")));
}

#[test]
fn the_run_schema_rejects_what_the_harness_never_writes() {
    let run = validator("run-v1.schema.json");
    let work = testdata("run-work.json");
    let compare = testdata("run-compare.json");
    let forms = testdata("run-forms.json");
    let bad: Vec<(&str, Value)> = vec![
        ("unknown field", edited(&work, |d| d["extra"] = 1.into())),
        (
            "other schema id",
            edited(&work, |d| d["schema"] = "qudag-bench/run/v2".into()),
        ),
        ("empty run id", edited(&work, |d| d["run_id"] = "".into())),
        (
            "no gate key",
            edited(&work, |d| drop(d.as_object_mut().unwrap().remove("gate"))),
        ),
        (
            "negative wall time",
            edited(&work, |d| d["benchmarks"][0]["wall_time_s"] = (-1.0).into()),
        ),
        (
            "unknown status",
            edited(&work, |d| d["benchmarks"][0]["status"] = "fine".into()),
        ),
        (
            "ok with an error",
            edited(&work, |d| d["benchmarks"][0]["error"] = "x".into()),
        ),
        (
            "ok without samples",
            edited(&work, |d| {
                d["benchmarks"][0]["samples_ns"] = Value::Array(vec![])
            }),
        ),
        (
            "zero iterations",
            edited(&work, |d| {
                d["benchmarks"][0]["iters_per_sample"][0] = 0.into()
            }),
        ),
        (
            "noise over 100%",
            edited(&work, |d| {
                d["config"]["defaults"]["noise_threshold_pct"] = 150.0.into()
            }),
        ),
        (
            "one sample",
            edited(&work, |d| d["config"]["defaults"]["samples"] = 1.into()),
        ),
        (
            "p-value 2",
            edited(&compare, |d| {
                d["benchmarks"][0]["comparison"]["p_value"] = 2.0.into()
            }),
        ),
        (
            "unknown verdict",
            edited(&compare, |d| {
                d["benchmarks"][0]["comparison"]["verdict"] = "worse".into()
            }),
        ),
        (
            "throughput extra key",
            edited(&forms, |d| {
                let b = d["benchmarks"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|b| !b["throughput"].is_null())
                    .unwrap();
                b["throughput"]["extra"] = 1.into();
            }),
        ),
    ];
    for (what, doc) in bad {
        assert!(!run.is_valid(&doc), "accepted: {what}");
    }
}

#[test]
fn fields_added_within_v1_may_be_absent() {
    let run = validator("run-v1.schema.json");
    let compare = testdata("run-compare.json");
    let old = edited(&compare, |d| {
        d.as_object_mut().unwrap().remove("run_group");
        for b in d["benchmarks"].as_array_mut().unwrap() {
            if let Some(c) = b["comparison"].as_object_mut() {
                c.remove("fastest_change");
                c.remove("fastest_change_ci");
                c.remove("confirmation");
            }
        }
    });
    assert!(run.is_valid(&old));
}

#[test]
fn the_ab_schema_rejects_a_plan_it_never_runs() {
    let ab = validator("ab-v1.schema.json");
    let doc = testdata("ab.json");
    assert!(!ab.is_valid(&edited(&doc, |d| d["plan"]["min_rounds"] = 1.into())));
    assert!(!ab.is_valid(&edited(&doc, |d| d["benchmarks"][0]["verdict"] = "fine".into())));
}

#[test]
fn a_level_change_has_times_or_instruction_counts_on_both_sides() {
    let changes = validator("changes-v1.schema.json");
    let change = |levels: Value| {
        let mut c = json!({
            "bench_id": "tunable", "bench_target": "work", "host": null,
            "run_id": "b", "started_at": "2026-12-04T10:49:04.740Z", "commit": null,
            "previous_run_id": "a", "previous_commit": null, "shift": 0.1,
            "runs_before": 30, "runs_after": 15, "p_value": 0.005, "confidence": 0.995
        });
        c.as_object_mut()
            .unwrap()
            .extend(levels.as_object().unwrap().clone());
        json!({
            "schema": "qudag-bench/changes/v1",
            "method": {"name": "e-divisive means", "alpha": 0.01, "permutations": 199,
                       "min_runs": 3, "min_change": 0.05},
            "series": 1, "below_min_change": 0, "changes": [c]
        })
    };
    let time = json!({"median_before_ns": 724.1, "median_after_ns": 796.3});
    let counts = json!({"instructions_before": 9014.0, "instructions_after": 9914.0});
    assert!(
        changes.is_valid(&change(time)),
        "a time change, method without `measure`"
    );
    assert!(changes.is_valid(&change(counts)));
    for wrong in [
        json!({"median_before_ns": 724.1, "instructions_after": 9914.0}),
        json!({"median_before_ns": 724.1, "median_after_ns": 796.3, "instructions_after": 9.0}),
        json!({"median_before_ns": 724.1}),
        json!({}),
    ] {
        assert!(!changes.is_valid(&change(wrong.clone())), "{wrong}");
    }
}
