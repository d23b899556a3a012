//! Value constraints the document types cannot express, by type and field.

use serde_json::{Map, Value};

/// `(type, field, constraints)`: the constraints are merged into the field's schema. `field`
/// `""` is the type itself; `name[]` is each item of the array field `name`; a field of an
/// enum's variants is constrained in every variant that has it. Types are named as in the
/// Rust code (schemars names the `$defs` after them).
const CONSTRAINTS: &[(&str, &str, &str)] = &[
    // A run report inside another document (the group) names its schema too.
    ("RunReport", "schema", r#"{"const":"qudag-bench/run/v1"}"#),
    ("RunReport", "run_id", r#"{"minLength":1}"#),
    ("RunReport", "bench_target", r#"{"minLength":1}"#),
    ("RunReport", "started_at", r#"{"format":"date-time"}"#),
    ("RunReport", "finished_at", r#"{"format":"date-time"}"#),
    ("Environment", "cores_logical", r#"{"minimum":1}"#),
    ("Environment", "cores_physical", r#"{"minimum":1}"#),
    ("Git", "commit", r#"{"pattern":"^[0-9a-f]{40,64}$"}"#),
    ("Calibration", "precision_ns", r#"{"minimum":0}"#),
    ("Calibration", "overhead_ns", r#"{"minimum":0}"#),
    ("Calibration", "iter_loop_ns", r#"{"minimum":0}"#),
    ("Calibration", "batched_loop_ns", r#"{"minimum":0}"#),
    ("Calibration", "iter_recorded_ns", r#"{"minimum":0}"#),
    ("Calibration", "batched_recorded_ns", r#"{"minimum":0}"#),
    ("Stability", "freq_min_mhz", r#"{"minimum":0}"#),
    ("Stability", "freq_max_mhz", r#"{"minimum":0}"#),
    ("Stability", "load1", r#"{"minimum":0}"#),
    ("Stability", "steal_pct_since_boot", r#"{"minimum":0}"#),
    ("EffectiveSettings", "warmup_time_s", r#"{"minimum":0}"#),
    ("EffectiveSettings", "measure_time_s", r#"{"minimum":0}"#),
    ("EffectiveSettings", "samples", r#"{"minimum":2}"#),
    ("EffectiveSettings", "timeout_s", r#"{"minimum":0}"#),
    (
        "EffectiveSettings",
        "noise_threshold_pct",
        r#"{"minimum":0,"maximum":100}"#,
    ),
    ("BenchResult", "id", r#"{"minLength":1}"#),
    ("BenchResult", "iters_per_sample[]", r#"{"minimum":1}"#),
    ("Overhead", "per_sample_ns", r#"{"minimum":0}"#),
    ("Overhead", "per_iter_ns", r#"{"minimum":0}"#),
    ("TimeStats", "mean", r#"{"minimum":0}"#),
    ("TimeStats", "median", r#"{"minimum":0}"#),
    ("TimeStats", "std_dev", r#"{"minimum":0}"#),
    ("TimeStats", "mad", r#"{"minimum":0}"#),
    ("TimeStats", "min", r#"{"minimum":0}"#),
    ("TimeStats", "max", r#"{"minimum":0}"#),
    ("TimeStats", "cv", r#"{"minimum":0}"#),
    ("Interval", "level", r#"{"exclusiveMinimum":0}"#),
    ("Percentiles", "p50", r#"{"minimum":0}"#),
    ("Percentiles", "p90", r#"{"minimum":0}"#),
    ("Percentiles", "p99", r#"{"minimum":0}"#),
    ("Percentiles", "p999", r#"{"minimum":0}"#),
    ("Percentiles", "max", r#"{"minimum":0}"#),
    ("Percentiles", "count", r#"{"minimum":1}"#),
    ("Warmup", "iterations", r#"{"minimum":1}"#),
    ("Warmup", "estimate_ns", r#"{"minimum":0}"#),
    ("Warmup", "wall_per_timed", r#"{"minimum":1}"#),
    ("BenchResult", "wall_time_s", r#"{"minimum":0}"#),
    ("CounterResult", "instructions", r#"{"minimum":0}"#),
    ("CounterResult", "cycles", r#"{"minimum":0}"#),
    ("CounterResult", "branches", r#"{"minimum":0}"#),
    ("CounterResult", "branch_misses", r#"{"minimum":0}"#),
    ("CounterResult", "cache_misses", r#"{"minimum":0}"#),
    ("CounterResult", "task_clock_ns", r#"{"minimum":0}"#),
    ("CounterResult", "page_faults", r#"{"minimum":0}"#),
    ("CounterResult", "context_switches", r#"{"minimum":0}"#),
    ("CounterResult", "cpu_migrations", r#"{"minimum":0}"#),
    ("CounterResult", "ipc", r#"{"minimum":0}"#),
    ("CounterResult", "branch_miss_rate", r#"{"minimum":0}"#),
    (
        "CounterResult",
        "hardware_running_fraction",
        r#"{"minimum":0,"maximum":1}"#,
    ),
    (
        "CounterResult",
        "software_running_fraction",
        r#"{"minimum":0,"maximum":1}"#,
    ),
    ("AllocResult", "allocs_per_iter", r#"{"minimum":0}"#),
    ("AllocResult", "deallocs_per_iter", r#"{"minimum":0}"#),
    ("AllocResult", "reallocs_per_iter", r#"{"minimum":0}"#),
    ("AllocResult", "bytes_per_iter", r#"{"minimum":0}"#),
    ("AllocResult", "freed_bytes_per_iter", r#"{"minimum":0}"#),
    ("SystemMetrics", "interval_s", r#"{"exclusiveMinimum":0}"#),
    ("Summary", "mean_process_cpu_pct", r#"{"minimum":0}"#),
    ("Summary", "mean_system_cpu_pct", r#"{"minimum":0}"#),
    ("Summary", "max_load1", r#"{"minimum":0}"#),
    ("Summary", "mean_net_rx_bps", r#"{"minimum":0}"#),
    ("Summary", "mean_net_tx_bps", r#"{"minimum":0}"#),
    ("Summary", "mean_disk_read_bps", r#"{"minimum":0}"#),
    ("Summary", "mean_disk_write_bps", r#"{"minimum":0}"#),
    ("Point", "t_s", r#"{"minimum":0}"#),
    ("Point", "process_cpu_pct", r#"{"minimum":0}"#),
    ("Point", "system_cpu_pct", r#"{"minimum":0}"#),
    ("Point", "load1", r#"{"minimum":0}"#),
    ("Point", "net_rx_bps", r#"{"minimum":0}"#),
    ("Point", "net_tx_bps", r#"{"minimum":0}"#),
    ("Point", "disk_read_bps", r#"{"minimum":0}"#),
    ("Point", "disk_write_bps", r#"{"minimum":0}"#),
    ("InstructionCount", "per_iter", r#"{"minimum":0}"#),
    ("InstructionCount", "iterations", r#"{"minimum":1}"#),
    ("InstructionCount", "totals", r#"{"maxItems":2}"#),
    ("PerfTarget", "below_ns", r#"{"exclusiveMinimum":0}"#),
    (
        "PerfTarget",
        "above_per_second",
        r#"{"exclusiveMinimum":0}"#,
    ),
    ("Comparison", "p_value", r#"{"minimum":0,"maximum":1}"#),
    ("Confirmation", "p_value", r#"{"minimum":0,"maximum":1}"#),
    ("Comparison", "noise_threshold", r#"{"minimum":0}"#),
    ("BenchResult", "threads", r#"{"minimum":1}"#),
    ("BaselineInfo", "correction", r#"{"const":"holm"}"#),
    ("RunReport", "run_group", r#"{"minLength":1}"#),
    ("MeasuredIn", "run_id", r#"{"minLength":1}"#),
    ("MeasuredIn", "started_at", r#"{"format":"date-time"}"#),
    ("Plan", "sample_target", r#"{"exclusiveMinimum":0}"#),
    ("Plan", "warmup", r#"{"minimum":0}"#),
    ("Plan", "pairs_time", r#"{"minimum":0}"#),
    ("Plan", "min_pairs", r#"{"minimum":1}"#),
    ("Plan", "min_rounds", r#"{"minimum":2}"#),
    ("Plan", "budget", r#"{"exclusiveMinimum":0}"#),
    ("Plan", "timeout", r#"{"exclusiveMinimum":0}"#),
    ("Thresholds", "margin", r#"{"minimum":0}"#),
    ("Thresholds", "must_catch", r#"{"exclusiveMinimum":0}"#),
    ("Thresholds", "confidence", r#"{"exclusiveMinimum":0.5}"#),
    ("AbReport", "wall_s", r#"{"minimum":0}"#),
    ("AbResult", "id", r#"{"minLength":1}"#),
    ("Measurement", "iters_per_sample", r#"{"minimum":1}"#),
    ("Measurement", "round_pairs[]", r#"{"minimum":1}"#),
    ("Measurement", "round_se[]", r#"{"minimum":0}"#),
    ("Measurement", "wall_s", r#"{"minimum":0}"#),
    ("Measurement", "round_wall_s[]", r#"{"minimum":0}"#),
    ("GroupDocument", "run_group", r#"{"minLength":1}"#),
    ("GroupDocument", "started_at", r#"{"format":"date-time"}"#),
    ("GroupDocument", "finished_at", r#"{"format":"date-time"}"#),
    ("GroupDocument", "wall_time_s", r#"{"minimum":0}"#),
    ("TargetOutcome", "bench_target", r#"{"minLength":1}"#),
    ("TargetOutcome", "wall_time_s", r#"{"minimum":0}"#),
    // An `ok` benchmark has its statistics and samples and no error; a `skipped` one has its
    // reason and neither; any other has an error and no statistics.
    (
        "BenchResult",
        "",
        r##"{"allOf":[{"if":{"properties":{"status":{"const":"ok"}}},"then":{"properties":{"error":{"type":"null"},"time_ns":{"$ref":"#/$defs/TimeStats"},"samples_ns":{"minItems":1},"percentiles_ns":{"$ref":"#/$defs/Percentiles"}}},"else":{"if":{"properties":{"status":{"const":"skipped"}}},"then":{"required":["skip_reason"],"properties":{"error":{"type":"null"},"time_ns":{"type":"null"},"skip_reason":{"type":"string"}}},"else":{"properties":{"error":{"type":"string"},"time_ns":{"type":"null"}}}}}]}"##,
    ),
    ("ThroughputResult", "per_second", r#"{"minimum":0}"#),
    // The documents that are new to the generated files.
    ("InstrReport", "base", r#"{"minLength":1}"#),
    ("InstrReport", "head", r#"{"minLength":1}"#),
    ("InstrResult", "id", r#"{"minLength":1}"#),
    ("Progress", "run_id", r#"{"minLength":1}"#),
    ("Progress", "bench_target", r#"{"minLength":1}"#),
    ("Progress", "started_at", r#"{"format":"date-time"}"#),
    ("Progress", "updated_at", r#"{"format":"date-time"}"#),
    (
        "LevelChange",
        "p_value",
        r#"{"exclusiveMinimum":0,"maximum":1}"#,
    ),
    (
        "LevelChange",
        "confidence",
        r#"{"minimum":0,"exclusiveMaximum":1}"#,
    ),
    (
        "LevelChange",
        "median_before_ns",
        r#"{"exclusiveMinimum":0}"#,
    ),
    (
        "LevelChange",
        "median_after_ns",
        r#"{"exclusiveMinimum":0}"#,
    ),
    (
        "LevelChange",
        "instructions_before",
        r#"{"exclusiveMinimum":0}"#,
    ),
    (
        "LevelChange",
        "instructions_after",
        r#"{"exclusiveMinimum":0}"#,
    ),
    ("LevelChange", "started_at", r#"{"format":"date-time"}"#),
    // A change's levels are times or instruction counts, both sides of one kind.
    (
        "LevelChange",
        "",
        r##"{"allOf":[{"if":{"required":["median_before_ns"]},"then":{"required":["median_before_ns","median_after_ns"],"properties":{"median_before_ns":{"type":"number"},"median_after_ns":{"type":"number"},"instructions_before":false,"instructions_after":false}},"else":{"required":["instructions_before","instructions_after"],"properties":{"instructions_before":{"type":"number"},"instructions_after":{"type":"number"},"median_after_ns":false}}}]}"##,
    ),
    (
        "ChangeMethod",
        "alpha",
        r#"{"exclusiveMinimum":0,"maximum":1}"#,
    ),
    ("ChangeMethod", "min_runs", r#"{"minimum":1}"#),
];

/// Fields added to a version-1 document after it was first written: older documents lack
/// them, so a reader must not require them.
const ADDED_WITHIN_V1: &[(&str, &str)] = &[
    ("RunReport", "run_group"),
    ("Comparison", "fastest_change"),
    ("Comparison", "fastest_change_ci"),
    ("Comparison", "confirmation"),
    ("Confirmation", "method"),
    ("BenchResult", "measured_in"),
    ("ChangeMethod", "measure"),
];

/// The index of each constraint used while generating one file.
pub type Used = Vec<usize>;

/// The number of entries, to check that every one was used by some file.
pub fn count() -> usize {
    CONSTRAINTS.len() + ADDED_WITHIN_V1.len()
}

/// Adds the constraints to the schema whose root is the type `root` and whose documents carry
/// the schema id `id`; returns which entries applied. A field that is not where an entry says
/// is an error: a renamed field must not silently lose its constraint.
pub fn apply(schema: &mut Value, root: &str, id: &str) -> Result<Used, String> {
    let mut used = Vec::new();
    {
        let top = type_schema(schema, root, root).ok_or("the root is an object")?;
        let field = property(top, "schema").ok_or("a document has a `schema` field")?;
        field.insert("const".into(), Value::String(id.into()));
    }
    for (i, (ty, field, text)) in CONSTRAINTS.iter().enumerate() {
        let Some(target) = type_schema(schema, root, ty) else {
            continue;
        };
        let add: Map<String, Value> =
            serde_json::from_str(text).map_err(|e| format!("constraint {ty}.{field}: {e}"))?;
        merge_into_field(target, field, &add).map_err(|e| format!("{ty}.{field}: {e}"))?;
        used.push(i);
    }
    for (i, (ty, field)) in ADDED_WITHIN_V1.iter().enumerate() {
        let Some(target) = type_schema(schema, root, ty) else {
            continue;
        };
        let required = target.get_mut("required").and_then(Value::as_array_mut);
        let listed = required.is_some_and(|r| {
            let before = r.len();
            r.retain(|v| v.as_str() != Some(field));
            r.len() < before
        });
        if !listed {
            return Err(format!("{ty}.{field} is not a required field"));
        }
        used.push(CONSTRAINTS.len() + i);
    }
    Ok(used)
}

/// The schema object of type `ty`: the root itself, or its entry in `$defs`.
fn type_schema<'a>(
    schema: &'a mut Value,
    root: &str,
    ty: &str,
) -> Option<&'a mut Map<String, Value>> {
    if ty == root {
        return schema.as_object_mut();
    }
    schema.get_mut("$defs")?.get_mut(ty)?.as_object_mut()
}

fn property<'a>(
    object: &'a mut Map<String, Value>,
    name: &str,
) -> Option<&'a mut Map<String, Value>> {
    object.get_mut("properties")?.get_mut(name)?.as_object_mut()
}

/// Merges `add` into `field` of `object` (or of each variant of an enum that has it).
fn merge_into_field(
    object: &mut Map<String, Value>,
    field: &str,
    add: &Map<String, Value>,
) -> Result<(), String> {
    if field.is_empty() {
        merge(object, add);
        return Ok(());
    }
    let (name, items) = match field.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (field, false),
    };
    let mut found = 0;
    for holder in holders(object) {
        let Some(mut slot) = property(holder, name) else {
            continue;
        };
        if items {
            slot = slot
                .get_mut("items")
                .and_then(Value::as_object_mut)
                .ok_or("not an array")?;
        }
        merge(slot, add);
        found += 1;
    }
    if found == 0 {
        return Err("no such field".into());
    }
    Ok(())
}

/// The object and its enum variants (`oneOf`), each of which may hold properties.
fn holders(object: &mut Map<String, Value>) -> Vec<&mut Map<String, Value>> {
    if !matches!(object.get("oneOf"), Some(Value::Array(_))) {
        return vec![object];
    }
    match object.get_mut("oneOf") {
        Some(Value::Array(v)) => v.iter_mut().filter_map(Value::as_object_mut).collect(),
        _ => Vec::new(),
    }
}

fn merge(into: &mut Map<String, Value>, add: &Map<String, Value>) {
    for (k, v) in add {
        into.insert(k.clone(), v.clone());
    }
}
