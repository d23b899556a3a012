//! The JSON run report: to a file (atomically) or to stdout.

use crate::schema::RunReport;

/// Serializes `report` (pretty-printed, with a trailing newline).
pub fn render(report: &RunReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("a run report always serializes");
    bytes.push(b'\n');
    bytes
}

/// Writes `report` to `dest`: `-` is stdout, anything else a file written atomically.
pub fn write(report: &RunReport, dest: &str) -> Result<(), crate::error::Error> {
    super::files::emit(&render(report), dest, "JSON report")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{RUNS, run, value};

    #[test]
    fn every_fixture_round_trips_without_losing_a_field() {
        for name in RUNS {
            let report = run(name);
            let bytes = render(&report);
            assert!(bytes.ends_with(b"}\n"), "{name}: one trailing newline");
            let again: RunReport = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(again, report, "{name}");
            assert_eq!(render(&again), bytes, "{name}: rendering is stable");
            // Against the file as written by the harness: a field the types dropped or
            // renamed shows here.
            let written: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(path) = first_difference(&written, &value(name), String::new()) {
                panic!("{name}: the rendered report differs from the file at {path}");
            }
        }
    }

    #[test]
    fn every_number_reads_back_bit_for_bit() {
        // Without serde_json's float_roundtrip a quarter of these come back one unit in the
        // last place off. This crate's own tests get the feature from jsonschema as well; a
        // user's bench build gets it only from this crate's dependency, which
        // tests/isolation.rs checks through a real bench binary (the child's overheads equal
        // the parent's calibration).
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> 11) as f64 / (1u64 << 53) as f64 * 50.0;
            let c = crate::schema::Calibration {
                precision_ns: v,
                overhead_ns: v / 3.0,
                iter_loop_ns: v * 1e-9,
                batched_loop_ns: v * 7e12,
                iter_recorded_ns: -v,
                batched_recorded_ns: v / 7.0,
            };
            let bytes = serde_json::to_vec_pretty(&c).unwrap();
            let back: crate::schema::Calibration = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(back, c, "{}", String::from_utf8_lossy(&bytes));
        }
    }

    /// The path of the first place where `a` and `b` differ (an absent field and a null are
    /// the same).
    fn first_difference(
        a: &serde_json::Value,
        b: &serde_json::Value,
        at: String,
    ) -> Option<String> {
        use serde_json::Value::{Array, Object};
        match (a, b) {
            (Object(x), Object(y)) => {
                x.keys()
                    .chain(y.keys())
                    .find_map(|k| match (x.get(k), y.get(k)) {
                        (Some(v), Some(w)) => first_difference(v, w, format!("{at}.{k}")),
                        // run-work.json predates some optional fields: absent reads as null.
                        (Some(serde_json::Value::Null), None)
                        | (None, Some(serde_json::Value::Null)) => None,
                        (v, w) => Some(format!("{at}.{k}: {v:?} / {w:?}")),
                    })
            }
            (Array(x), Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_difference(v, w, format!("{at}[{i}]"))),
            _ => (a != b).then(|| format!("{at}: {a} / {b}")),
        }
    }

    #[test]
    fn the_schema_id_and_hostile_text_survive() {
        let bytes = render(&run("run-hostile"));
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["schema"], "qudag-bench/run/v1");
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains('\u{1b}'),
            "control characters are \\u escapes"
        );
        let ids: Vec<&str> = v["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"escapes/\u{1b}[2J"), "{ids:?}");
    }
}
