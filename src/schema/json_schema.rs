//! The JSON Schema files in `schema/`, generated from the document types (feature
//! `json-schema`, which only the tests turn on). The structure, the field descriptions and
//! which fields are required come from the types and their serde attributes; the value
//! constraints the types cannot express (ranges, patterns, the schema id, what an `ok`
//! benchmark must carry) are listed in [`constraints`], each addressed by type and field so
//! that a renamed field makes generation fail instead of silently dropping its constraint.
//!
//! `QUDAG_BENCH_BLESS_SCHEMA=1 cargo test --lib schema::json_schema` rewrites the files;
//! without it the test fails when a committed file differs from what the types generate.

mod constraints;

use super::{
    AbReport, ChangeReport, GroupDocument, InstrReport, Notification, Progress, RecentMedians,
    RunReport, Spooled, ids,
};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

/// One generated file.
pub struct SchemaFile {
    /// File name under `schema/`.
    pub file: &'static str,
    /// The schema.
    pub schema: Value,
}

/// The head of one schema file.
struct Head {
    file: &'static str,
    id: &'static str,
    title: &'static str,
    description: &'static str,
}

/// Every schema file, generated. Fails if a constraint applies to no file.
pub fn files() -> Result<Vec<SchemaFile>, String> {
    let mut used = vec![false; constraints::count()];
    let files = vec![
        generate::<RunReport>(RUN, &mut used)?,
        generate::<AbReport>(AB, &mut used)?,
        generate::<InstrReport>(AB_INSTRUCTIONS, &mut used)?,
        generate::<GroupDocument>(GROUP, &mut used)?,
        generate::<Progress>(PROGRESS, &mut used)?,
        generate::<Spooled>(SPOOL, &mut used)?,
        generate::<RecentMedians>(RECENT, &mut used)?,
        generate::<ChangeReport>(CHANGES, &mut used)?,
        generate::<Notification>(NOTIFICATION, &mut used)?,
    ];
    match used.iter().position(|u| !u) {
        Some(i) => Err(format!("constraint {i} names a type no document has")),
        None => Ok(files),
    }
}

const RUN: Head = Head {
    file: "run-v1.schema.json",
    id: ids::RUN,
    title: "qudag-bench run report, version 1",
    description: "One document per bench target run, written to \
        $QUDAG_BENCH_HOME/results/<bench-target>.json and to --json. A value that could not be \
        measured is null, with the reason alongside (error, or environment.unavailable).",
};

const AB: Head = Head {
    file: "ab-v1.schema.json",
    id: ids::AB,
    title: "qudag-bench A/B report, version 1",
    description: "Written by `qudag-bench ab --json PATH`: a paired, interleaved comparison of \
        a head bench binary against a base one. Changes and bounds are fractions (0.02 = head 2% \
        slower); a value that was not measured is null and the note says why.",
};

const AB_INSTRUCTIONS: Head = Head {
    file: "ab-instructions-v1.schema.json",
    id: ids::AB_INSTRUCTIONS,
    title: "qudag-bench instruction-count A/B report, version 1",
    description: "Written by `qudag-bench ab --instructions --json PATH`: callgrind's \
        instructions per iteration of each benchmark in a base and a head bench binary.",
};

const GROUP: Head = Head {
    file: "group-v1.schema.json",
    id: ids::GROUP,
    title: "qudag-bench run group, version 1",
    description: "One `qudag-bench run` over several bench targets, written with \
        `qudag-bench run --json PATH|-`: the run group id (also in each report's run_group and \
        in the history), the combined exit code, and per target its exit code and its run \
        report.",
};

const PROGRESS: Head = Head {
    file: "progress-v1.schema.json",
    id: ids::PROGRESS,
    title: "qudag-bench progress, version 1",
    description: "$QUDAG_BENCH_HOME/progress/<bench-target>.json, rewritten as a bench target \
        runs: how many of its benchmarks are done and which one is running.",
};

const SPOOL: Head = Head {
    file: "spool-v1.schema.json",
    id: ids::SPOOL,
    title: "qudag-bench spooled run, version 1",
    description: "$QUDAG_BENCH_HOME/history-spool/<run_id>.json: a bench-mode run on its way \
        to history.sqlite, rewritten as the run goes and imported by the qudag-bench command.",
};

const RECENT: Head = Head {
    file: "recent-v1.schema.json",
    id: ids::RECENT,
    title: "qudag-bench recent medians, version 1",
    description: "$QUDAG_BENCH_HOME/recent/<bench-target>.json, rewritten at the end of each \
        run: the latest medians of each benchmark per host, from which a run reports how much \
        the median moves between runs on this host.",
};

const CHANGES: Head = Head {
    file: "changes-v1.schema.json",
    id: ids::CHANGES,
    title: "qudag-bench level changes, version 1",
    description: "Written by `qudag-bench history --changes --format json`: the runs where a \
        benchmark's median moved to a new level on one host, found by E-divisive means over \
        the history, with the shift, its p-value and the commit range it came in.",
};

const NOTIFICATION: Head = Head {
    file: "notification-v1.schema.json",
    id: ids::NOTIFICATION,
    title: "qudag-bench webhook notification, version 1",
    description: "POSTed by `--notify URL` (the bench harness and `qudag-bench run`): a failed \
        gate with its reasons, or the level changes the latest runs made visible in the history.",
};

/// The schema of `T` with the file's head, the constraints and closed objects; marks the
/// constraints it used in `used`. Fields are required as serialized: a field is always
/// written unless it is skipped when empty.
fn generate<T: JsonSchema>(head: Head, used: &mut [bool]) -> Result<SchemaFile, String> {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let schema: Schema = generator.into_root_schema_for::<T>();
    let mut value = schema.to_value();
    merge_flattened(&mut value);
    for i in constraints::apply(&mut value, &T::schema_name(), head.id)? {
        used[i] = true;
    }
    let root = value
        .as_object_mut()
        .ok_or("a document's schema is an object")?;
    root.insert(
        "$id".into(),
        json!(format!("https://qudag-bench.invalid/schema/{}", head.file)),
    );
    root.insert("title".into(), json!(head.title));
    root.insert("description".into(), json!(head.description));
    close_objects(&mut value);
    Ok(SchemaFile {
        file: head.file,
        schema: value,
    })
}

/// A struct with a flattened enum is an object with its own properties beside a `oneOf` of
/// the variants; each variant gets the struct's properties, so that every variant can be
/// closed (an open variant would accept any key).
fn merge_flattened(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let props = map.get("properties").cloned();
            let required = map.get("required").cloned();
            if let (Some(Value::Object(props)), Some(Value::Array(variants))) =
                (props, map.get_mut("oneOf"))
            {
                for variant in variants.iter_mut().filter_map(Value::as_object_mut) {
                    extend_variant(variant, &props, required.as_ref());
                }
                map.remove("properties");
                map.remove("required");
            }
            map.values_mut().for_each(merge_flattened);
        }
        Value::Array(items) => items.iter_mut().for_each(merge_flattened),
        _ => {}
    }
}

fn extend_variant(
    variant: &mut Map<String, Value>,
    props: &Map<String, Value>,
    required: Option<&Value>,
) {
    if let Some(Value::Object(own)) = variant.get_mut("properties") {
        own.extend(props.clone());
    }
    if let (Some(Value::Array(own)), Some(Value::Array(more))) =
        (variant.get_mut("required"), required)
    {
        own.extend(more.iter().cloned());
    }
}

/// Our documents carry no fields beyond their types': an object schema with named properties
/// and no alternatives (a flattened enum's are merged first) rejects any other key, so a writer that
/// adds a field without its type fails the tests.
fn close_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if is_closable(map) {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            // A condition's subschemas see the whole object: closing them would make an
            // `if` fail on every real document.
            map.iter_mut()
                .filter(|(k, _)| !["if", "then", "else"].contains(&k.as_str()))
                .for_each(|(_, v)| close_objects(v));
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn is_closable(map: &Map<String, Value>) -> bool {
    map.contains_key("properties")
        && !map.contains_key("additionalProperties")
        && !["oneOf", "anyOf"].iter().any(|k| map.contains_key(*k))
}

#[cfg(test)]
mod tests;
