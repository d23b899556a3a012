//! Readers for the two documents' parts whose JSON puts a variant's tag beside its fields:
//! [`PerfTarget`] (`{"kind": "time", "statistic": ..}`) and [`ThroughputResult`] (`{"kind":
//! "bytes", "per_iter": .., "per_second": ..}`). serde's derive reads such a map by buffering it
//! whole and reading it again, which compiled a second deserializer for every field below
//! (about 2% of the library's optimisation time in a user's clean build, docs/build-time.md).
//! Here each is read once as a flat struct of optional fields and then checked; the JSON, the
//! writers and the JSON Schema are unchanged, and the errors name the same fields.

use super::{PerfTarget, Throughput, ThroughputResult};
use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// The `kind` of a [`PerfTarget`].
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TargetKind {
    Time,
    Throughput,
    Metric,
}

/// Every field any kind of [`PerfTarget`] has; the kind says which must be there.
#[derive(Deserialize)]
struct TargetFields {
    kind: TargetKind,
    statistic: Option<String>,
    below_ns: Option<f64>,
    unit: Option<String>,
    above_per_second: Option<f64>,
    name: Option<String>,
    below: Option<f64>,
    above: Option<f64>,
}

/// `value`, or the error serde gives for a missing field.
fn required<T, E: Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

impl<'de> Deserialize<'de> for PerfTarget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let f = TargetFields::deserialize(deserializer)?;
        Ok(match f.kind {
            TargetKind::Time => PerfTarget::Time {
                statistic: required(f.statistic, "statistic")?,
                below_ns: required(f.below_ns, "below_ns")?,
            },
            TargetKind::Throughput => PerfTarget::Throughput {
                unit: required(f.unit, "unit")?,
                above_per_second: required(f.above_per_second, "above_per_second")?,
            },
            TargetKind::Metric => PerfTarget::Metric {
                name: required(f.name, "name")?,
                below: f.below,
                above: f.above,
                unit: f.unit,
            },
        })
    }
}

/// The `kind` of a [`Throughput`].
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ThroughputKind {
    Bytes,
    Elements,
}

/// The fields of a [`ThroughputResult`], its [`Throughput`] flattened.
#[derive(Deserialize)]
struct ThroughputFields {
    kind: ThroughputKind,
    per_iter: u64,
    per_second: Option<f64>,
}

impl<'de> Deserialize<'de> for ThroughputResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let f = ThroughputFields::deserialize(deserializer)?;
        let per_iter = match f.kind {
            ThroughputKind::Bytes => Throughput::Bytes(f.per_iter),
            ThroughputKind::Elements => Throughput::Elements(f.per_iter),
        };
        Ok(ThroughputResult {
            per_iter,
            per_second: f.per_second,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(value: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        serde_json::from_slice(&serde_json::to_vec_pretty(value).unwrap()).unwrap()
    }

    #[test]
    fn every_kind_reads_back_what_the_writer_wrote() {
        let targets = [
            PerfTarget::Time {
                statistic: "p99".into(),
                below_ns: 1.5e6,
            },
            PerfTarget::Throughput {
                unit: "bytes".into(),
                above_per_second: 2e9,
            },
            PerfTarget::Metric {
                name: "rounds".into(),
                below: Some(200.0),
                above: None,
                unit: None,
            },
        ];
        for t in &targets {
            assert_eq!(&round_trip(t), t);
        }
        for per_iter in [Throughput::Bytes(1024), Throughput::Elements(3)] {
            let r = ThroughputResult {
                per_iter,
                per_second: Some(4e6),
            };
            assert_eq!(round_trip(&r), r);
        }
    }

    #[test]
    fn a_missing_field_or_an_unknown_kind_is_named() {
        let err = |json: &str| {
            serde_json::from_slice::<PerfTarget>(json.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"kind": "time", "statistic": "max"}"#).contains("`below_ns`"));
        assert!(err(r#"{"statistic": "max", "below_ns": 1}"#).contains("`kind`"));
        let unknown = err(r#"{"kind": "speed"}"#);
        assert!(
            unknown.contains("`speed`") && unknown.contains("`time`, `throughput`, `metric`"),
            "{unknown}"
        );
        let json = br#"{"kind": "pages", "per_iter": 1, "per_second": null}"#;
        let e = serde_json::from_slice::<ThroughputResult>(json).unwrap_err();
        assert!(e.to_string().contains("`bytes` or `elements`"), "{e}");
    }
}
