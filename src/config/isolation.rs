//! How a benchmark is executed: in a child process of its own or not, and under which
//! resource limits. One layer per place it can be set (the attribute, a section of the file);
//! `--isolate` only ever turns isolation on. A benchmark with any limit is always isolated.

use super::file::ConfigError;
use super::toml_value::TomlValue as Value;
use crate::registry::{AttrOptions, NetworkAccess, ResourceLimits};

/// One layer; `None` leaves the lower layer's value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Isolation {
    /// `isolate = true|false`.
    pub isolate: Option<bool>,
    /// `memory_limit`, `cpu_time_limit`, `open_files`.
    pub limits: ResourceLimits,
    /// `network = "none"|"host"`.
    pub network: Option<NetworkAccess>,
}

/// Smallest values accepted: below them the child cannot start (the macro has the same).
const MIN_MEMORY: u64 = 16 << 20;
const MIN_OPEN_FILES: u64 = 16;

impl Isolation {
    /// Nothing set (usable in a `const`).
    pub const NONE: Isolation = Isolation {
        isolate: None,
        limits: ResourceLimits::NONE,
        network: None,
    };

    /// The attribute's options as a layer (the macro validated them).
    pub fn from_attr(opts: &AttrOptions) -> Isolation {
        Isolation {
            isolate: opts.isolate.then_some(true),
            limits: opts.limits,
            network: opts.network,
        }
    }

    /// This layer on top of `base`.
    pub fn over(self, base: Isolation) -> Isolation {
        let (top, low) = (self.limits, base.limits);
        Isolation {
            isolate: self.isolate.or(base.isolate),
            limits: ResourceLimits {
                memory_bytes: top.memory_bytes.or(low.memory_bytes),
                cpu_time_s: top.cpu_time_s.or(low.cpu_time_s),
                open_files: top.open_files.or(low.open_files),
            },
            network: self.network.or(base.network),
        }
    }

    /// Whether the benchmark runs in a child: asked for, or needed by a limit or by
    /// `network = "none"`.
    pub fn isolated(&self) -> bool {
        self.isolate == Some(true) || self.limits.any() || self.without_network()
    }

    /// Whether it must run without the host's network (`network = "none"`).
    pub fn without_network(&self) -> bool {
        self.network == Some(NetworkAccess::None)
    }

    /// Reads `key = value` of a file section if it is `isolate`, `memory_limit`,
    /// `cpu_time_limit`, `open_files` or `network`; `Ok(false)` for any
    /// other key. Errors name the dotted key and what was expected.
    pub fn read_key(
        &mut self,
        key: &str,
        value: &Value,
        dotted: &str,
        err: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<bool, ConfigError> {
        let bad = |expected: &str| err(dotted, format!("expected {expected}, found {value}"));
        match key {
            "isolate" => match value {
                Value::Boolean(b) => self.isolate = Some(*b),
                _ => return Err(bad("true or false")),
            },
            "memory_limit" => {
                let bytes = match value {
                    Value::String(s) => parse_size(s),
                    Value::Integer(n) => u64::try_from(*n).ok(),
                    _ => None,
                };
                let expected = "a size of at least 16MiB such as \"512MiB\" (units B, KiB, MiB, \
                                GiB, TiB, kB, MB, GB, TB)";
                let bytes = bytes
                    .filter(|b| *b >= MIN_MEMORY)
                    .ok_or_else(|| bad(expected))?;
                self.limits.memory_bytes = Some(bytes);
            }
            "cpu_time_limit" => {
                let secs = whole(value, 1).ok_or_else(|| bad("whole seconds, at least 1"))?;
                self.limits.cpu_time_s = Some(secs);
            }
            "open_files" => {
                let n =
                    whole(value, MIN_OPEN_FILES).ok_or_else(|| bad("an integer, at least 16"))?;
                self.limits.open_files = Some(n);
            }
            "network" => {
                self.network = match value.as_str() {
                    Some("none") => Some(NetworkAccess::None),
                    Some("host") => Some(NetworkAccess::Host),
                    _ => return Err(bad("\"none\" or \"host\"")),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// An integer of at least `min`.
fn whole(value: &Value, min: u64) -> Option<u64> {
    value
        .as_integer()
        .and_then(|n| u64::try_from(n).ok())
        .filter(|n| *n >= min)
}

/// `"512MiB"`, `"1.5 GiB"`, `"100MB"`, `"4096"` in bytes; `None` for anything else. The
/// attribute's copy is in the macro crate, which cannot depend on this one.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale: f64 = match unit.trim() {
        "" | "B" => 1.0,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        "TiB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        _ => return None,
    };
    let bytes = number * scale;
    (bytes.is_finite() && bytes < u64::MAX as f64).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_bytes() {
        assert_eq!(parse_size("512MiB"), Some(512 << 20));
        assert_eq!(parse_size("1.5 GiB"), Some(3 << 29));
        assert_eq!(parse_size("100MB"), Some(100_000_000));
        assert_eq!(parse_size("4096"), Some(4096));
        for bad in ["", "MiB", "12 parsecs", "-1MiB", "1e9"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_higher_layer_wins_key_by_key_and_a_limit_isolates() {
        let attr = Isolation {
            isolate: None,
            network: None,
            limits: ResourceLimits {
                memory_bytes: Some(1 << 30),
                open_files: Some(64),
                ..ResourceLimits::NONE
            },
        };
        let file = Isolation {
            isolate: Some(false),
            network: Some(NetworkAccess::None),
            limits: ResourceLimits {
                memory_bytes: Some(1 << 29),
                ..ResourceLimits::NONE
            },
        };
        let both = file.over(attr);
        assert_eq!(both.limits.memory_bytes, Some(1 << 29));
        assert_eq!(both.limits.open_files, Some(64));
        assert!(
            both.isolated(),
            "isolate = false cannot lift a limit's isolation"
        );
        assert!(!Isolation::NONE.isolated());
    }
}
