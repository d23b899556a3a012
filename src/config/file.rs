//! `qudag-bench.toml`: a `[global]` section, `[suite.NAME]` sections and `[bench."ID"]`
//! sections (an id with its argument, or without it to cover every argument). Every key is
//! checked: an unknown key, a wrong type or an out-of-range value is an error naming the file,
//! the key and the expected form.

use super::limits::{self, DurationRange};
use super::target;
use super::toml_value::{Table, TomlValue as Value};
use super::{Layer, NoiseThreshold, Precision, SAMPLES_RANGE, duration};
use crate::error::BadValue;
use crate::schema::PerfTarget;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The parsed file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// `[global]`.
    pub global: Layer,
    /// `[suite.NAME]`.
    pub suites: BTreeMap<String, Layer>,
    /// `[bench."ID"]`.
    pub benches: BTreeMap<String, Layer>,
    /// `[targets]`: id (or function id) to the target as written and parsed.
    pub targets: BTreeMap<String, (String, PerfTarget)>,
    /// `[baseline] save_binary`: whether `--save-baseline` keeps the bench executable (unset:
    /// yes; `--no-save-binary` wins).
    pub save_binary: Option<bool>,
}

/// A configuration error, naming the file and the key.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// The dotted key, empty for file-level errors.
    pub key: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: key `{}`: {}",
                self.file.display(),
                self.key,
                self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}

const SECTION_KEYS: &str = "`warmup_time`, `measure_time`, `samples`, `timeout`, \
                            `noise_threshold`, `precision`, `isolate`, `memory_limit`, \
                            `cpu_time_limit`, `open_files`, `network`";

impl FileConfig {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            key: String::new(),
            message: format!("cannot read the configuration file: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates `text`, reporting errors against `path`.
    pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
        let err = |key: &str, message: String| ConfigError {
            file: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        let table: Table = basic_toml::from_str(text)
            .map_err(|e| err("", format!("invalid TOML: {}", e.to_string().trim())))?;
        let mut out = FileConfig {
            path: Some(path.to_path_buf()),
            ..FileConfig::default()
        };
        for (key, value) in &table {
            match key.as_str() {
                "global" => out.global = layer(value, "global", &err)?,
                "targets" => {
                    let Some(entries) = value.as_table() else {
                        return Err(err(
                            key,
                            "expected a table of \"ID\" = \"TARGET\" entries".into(),
                        ));
                    };
                    for (id, expr) in entries {
                        let dotted = format!("targets.{}", quote_key(id));
                        let Some(text) = expr.as_str() else {
                            return Err(err(
                                &dotted,
                                format!("expected a string such as {}", target::EXPECTED),
                            ));
                        };
                        let parsed =
                            target::parse(text).map_err(|e| err(&dotted, e.to_string()))?;
                        out.targets.insert(id.clone(), (text.to_string(), parsed));
                    }
                }
                "baseline" => out.save_binary = baseline_section(value, &err)?,
                "suite" | "bench" => {
                    let Some(sections) = value.as_table() else {
                        return Err(err(
                            key,
                            format!("expected a table of [{key}.NAME] sections"),
                        ));
                    };
                    for (name, section) in sections {
                        let dotted = self::section(key, name);
                        let parsed = layer(section, &dotted, &err)?;
                        let map = if key == "suite" {
                            &mut out.suites
                        } else {
                            &mut out.benches
                        };
                        map.insert(name.clone(), parsed);
                    }
                }
                _ => {
                    return Err(err(
                        key,
                        "unknown section; expected `global`, `suite.NAME`, `bench.\"ID\"`, `targets` \
                         or `baseline`"
                            .into(),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// The dotted name of section `name` of `kind` (`suite`, `bench`), as written in the file.
/// `[baseline]`: its one key, `save_binary = true|false`.
fn baseline_section(
    value: &Value,
    err: &dyn Fn(&str, String) -> ConfigError,
) -> Result<Option<bool>, ConfigError> {
    let Some(table) = value.as_table() else {
        return Err(err("baseline", "expected a table".into()));
    };
    let mut save_binary = None;
    for (key, value) in table {
        let dotted = format!("baseline.{key}");
        match (key.as_str(), value) {
            ("save_binary", Value::Boolean(b)) => save_binary = Some(*b),
            ("save_binary", other) => {
                return Err(err(
                    &dotted,
                    format!("expected true or false, found {other}"),
                ));
            }
            _ => return Err(err(&dotted, "unknown key; expected `save_binary`".into())),
        }
    }
    Ok(save_binary)
}

pub(crate) fn section(kind: &str, name: &str) -> String {
    format!("{kind}.{}", quote_key(name))
}

/// Quotes a key for messages when it is not a bare TOML key.
fn quote_key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

fn layer(
    value: &Value,
    section: &str,
    err: &dyn Fn(&str, String) -> ConfigError,
) -> Result<Layer, ConfigError> {
    let Some(table) = value.as_table() else {
        return Err(err(
            section,
            format!("expected a table with keys {SECTION_KEYS}"),
        ));
    };
    let mut out = Layer::default();
    for (key, value) in table {
        let dotted = format!("{section}.{key}");
        match key.as_str() {
            "warmup_time" => {
                out.warmup_time = Some(duration_value(value, &dotted, limits::WARMUP_TIME, err)?)
            }
            "measure_time" => {
                out.measure_time = Some(duration_value(value, &dotted, limits::MEASURE_TIME, err)?)
            }
            "timeout" => out.timeout = Some(duration_value(value, &dotted, limits::TIMEOUT, err)?),
            "noise_threshold" => {
                out.noise_threshold = Some(percent(value, &dotted, err, NoiseThreshold::parse)?);
            }
            "precision" => out.precision = Some(percent(value, &dotted, err, Precision::parse)?),
            "samples" => {
                let n = value
                    .as_integer()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| SAMPLES_RANGE.contains(n));
                let Some(n) = n else {
                    return Err(err(
                        &dotted,
                        format!(
                            "expected an integer from {} to {}, found {value}",
                            SAMPLES_RANGE.start(),
                            SAMPLES_RANGE.end()
                        ),
                    ));
                };
                out.samples = Some(n);
            }
            _ if out.isolation.read_key(key, value, &dotted, err)? => {}
            _ => {
                return Err(err(
                    &dotted,
                    format!("unknown key; expected one of {SECTION_KEYS}"),
                ));
            }
        }
    }
    Ok(out)
}

/// A duration key: seconds as a number, or a string with a unit, within `range`.
fn duration_value(
    value: &Value,
    key: &str,
    range: DurationRange,
    err: &dyn Fn(&str, String) -> ConfigError,
) -> Result<std::time::Duration, ConfigError> {
    let parsed = match value {
        Value::Integer(n) => range.from_secs(*n as f64),
        Value::Float(x) => range.from_secs(*x),
        Value::String(s) => range.parse(s),
        _ => Err(BadValue::new(format!("expected {}", duration::EXPECTED))),
    };
    parsed.map_err(|e| err(key, format!("{e}, found {value}")))
}

/// `noise_threshold` and `precision`: percent, as their flags take it (`2`, `0.5`, `"2%"`),
/// read by `parse` (the flag's parser) from the number's or the string's text.
fn percent<T>(
    value: &Value,
    key: &str,
    err: &dyn Fn(&str, String) -> ConfigError,
    parse: fn(&str) -> Result<T, BadValue>,
) -> Result<T, ConfigError> {
    let parsed = match value {
        Value::Integer(n) => parse(&n.to_string()),
        Value::Float(x) => parse(&x.to_string()),
        Value::String(s) => parse(s),
        _ => parse(""),
    };
    parsed.map_err(|e| err(key, format!("{e}, found {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(text, Path::new("qudag-bench.toml"))
    }

    #[test]
    fn reads_all_sections() {
        let cfg = parse(
            r#"
            [global]
            warmup_time = "100ms"
            samples = 300
            [suite.crypto]
            measure_time = 2
            [bench."ml_kem::keygen"]
            timeout = 1.5
            "#,
        )
        .unwrap();
        assert_eq!(cfg.global.warmup_time, Some(Duration::from_millis(100)));
        assert_eq!(cfg.global.samples, Some(300));
        assert_eq!(
            cfg.suites["crypto"].measure_time,
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            cfg.benches["ml_kem::keygen"].timeout,
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn isolation_keys_are_read_in_any_section_and_checked() {
        let cfg = parse(
            "[global]\nisolate = true\n[bench.big]\nmemory_limit = \"512MiB\"\n\
             cpu_time_limit = 30\nopen_files = 64\nnetwork = \"none\"\n",
        )
        .unwrap();
        assert_eq!(cfg.global.isolation.isolate, Some(true));
        let limits = cfg.benches["big"].isolation.limits;
        assert_eq!(limits.memory_bytes, Some(512 << 20));
        assert_eq!((limits.cpu_time_s, limits.open_files), (Some(30), Some(64)));
        assert!(cfg.benches["big"].isolation.without_network());
        for (text, key, expected) in [
            ("[global]\nisolate = 1\n", "global.isolate", "true or false"),
            (
                "[global]\nmemory_limit = \"1MiB\"\n",
                "global.memory_limit",
                "16MiB",
            ),
            (
                "[global]\nmemory_limit = \"lots\"\n",
                "global.memory_limit",
                "16MiB",
            ),
            (
                "[global]\ncpu_time_limit = 0\n",
                "global.cpu_time_limit",
                "at least 1",
            ),
            (
                "[global]\nopen_files = 3\n",
                "global.open_files",
                "at least 16",
            ),
            (
                "[global]\nnetwork = \"off\"\n",
                "global.network",
                "\"none\" or \"host\"",
            ),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.key, key, "{e}");
            assert!(e.message.contains(expected), "{e}");
        }
    }

    #[test]
    fn baseline_section_has_save_binary_and_nothing_else() {
        assert_eq!(parse("").unwrap().save_binary, None);
        let cfg = parse("[baseline]\nsave_binary = false\n").unwrap();
        assert_eq!(cfg.save_binary, Some(false));
        let e = parse("[baseline]\nsave_binary = \"no\"\n").unwrap_err();
        assert_eq!(e.key, "baseline.save_binary");
        assert!(
            e.message.contains("expected true or false, found \"no\""),
            "{e}"
        );
        let e = parse("[baseline]\nkeep = true\n").unwrap_err();
        assert_eq!(e.key, "baseline.keep");
        assert!(e.message.contains("`save_binary`"), "{e}");
    }

    #[test]
    fn unknown_key_names_file_key_and_expected_keys() {
        let e = parse("[suite.crypto]\nsampels = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("qudag-bench.toml"), "{e}");
        assert!(e.contains("`suite.crypto.sampels`"), "{e}");
        assert!(e.contains("`samples`"), "{e}");
    }

    #[test]
    fn wrong_type_and_range_are_errors() {
        let e = parse("[global]\nsamples = \"many\"\n").unwrap_err();
        assert_eq!(e.key, "global.samples");
        assert!(e.message.contains("expected an integer from 2"), "{e}");
        let e = parse("[global]\nsamples = 1\n").unwrap_err();
        assert_eq!(e.key, "global.samples");
        let e = parse("[global]\nmeasure_time = -1\n").unwrap_err();
        assert_eq!(e.key, "global.measure_time");
        let e = parse("[global]\ntimeout = \"0s\"\n").unwrap_err();
        assert_eq!(
            e.message,
            "expected a duration from 1ms to 86400s (24 h), found \"0s\""
        );
        let e = parse("[global]\nwarmup_time = true\n").unwrap_err();
        assert!(e.message.contains("found true"), "{e}");
    }

    #[test]
    fn every_duration_key_is_range_checked_naming_key_value_and_range() {
        for (section, key, value, range) in [
            ("global", "timeout", "1e19", "from 1ms to 86400s (24 h)"),
            (
                "suite.cpu",
                "timeout",
                "\"1e19s\"",
                "from 1ms to 86400s (24 h)",
            ),
            ("global", "warmup_time", "1e12", "from 0 to 3600s (1 h)"),
            ("global", "warmup_time", "-1", "from 0 to 3600s (1 h)"),
            ("global", "measure_time", "nan", "from 1ms to 3600s (1 h)"),
            ("global", "measure_time", "inf", "from 1ms to 3600s (1 h)"),
            (
                "global",
                "measure_time",
                "1e-300",
                "from 1ms to 3600s (1 h)",
            ),
            (
                "bench.\"a::b\"",
                "timeout",
                "-inf",
                "from 1ms to 86400s (24 h)",
            ),
        ] {
            let text = format!("[{section}]\n{key} = {value}\n");
            let e = parse(&text).unwrap_err();
            assert_eq!(e.key, format!("{section}.{key}"), "{text}");
            // The value as TOML shows it (1e19 is shown with all its digits).
            let expected = format!("expected a duration {range}, found ");
            assert!(e.message.starts_with(&expected), "{text}: {e}");
            assert!(e.to_string().starts_with("qudag-bench.toml: key `"), "{e}");
        }
    }

    #[test]
    fn noise_threshold_is_percent_in_every_section() {
        let cfg = parse(
            "[global]\nnoise_threshold = 5\n[suite.cpu]\nnoise_threshold = 0.5\n\
             [bench.\"a::b\"]\nnoise_threshold = \"10%\"\n",
        )
        .unwrap();
        let pct = |t: Option<NoiseThreshold>| t.map(NoiseThreshold::percent);
        assert_eq!(pct(cfg.global.noise_threshold), Some(5.0));
        assert_eq!(pct(cfg.suites["cpu"].noise_threshold), Some(0.5));
        assert_eq!(pct(cfg.benches["a::b"].noise_threshold), Some(10.0));
        for bad in ["100", "-1", "nan", "\"lots\"", "true"] {
            let e = parse(&format!("[suite.cpu]\nnoise_threshold = {bad}\n")).unwrap_err();
            assert_eq!(e.key, "suite.cpu.noise_threshold");
            assert_eq!(
                e.message,
                format!(
                    "expected a percentage from 0 up to (not including) 100, e.g. 2 or 0.5, \
                     found {bad}"
                )
            );
        }
    }

    #[test]
    fn targets_are_parsed_and_checked() {
        let cfg = parse("[targets]\n\"ml_kem::keygen\" = \"< 1ms\"\n").unwrap();
        assert_eq!(cfg.targets["ml_kem::keygen"].0, "< 1ms");
        let e = parse("[targets]\n\"ml_kem::keygen\" = \"soon\"\n").unwrap_err();
        assert_eq!(e.key, "targets.\"ml_kem::keygen\"");
        let e = parse("[targets]\nx = 3\n").unwrap_err();
        assert!(e.message.contains("expected a string"), "{e}");
    }

    #[test]
    fn unknown_section_and_bad_toml_are_errors() {
        let e = parse("[globals]\n").unwrap_err();
        assert_eq!(e.key, "globals");
        let e = parse("[global\n").unwrap_err();
        assert!(e.message.starts_with("invalid TOML"), "{e}");
        let e = parse("suite = 3\n").unwrap_err();
        assert_eq!(e.key, "suite");
    }
}
