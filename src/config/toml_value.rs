//! A TOML document as an untyped tree, filled by basic-toml through serde: the config file is
//! read into it and each key is checked by hand, so that an error names the key and shows the
//! value as it was written (`found nan`, `found "0s"`).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// A TOML table: keys in sorted order.
pub type Table = BTreeMap<String, TomlValue>;

/// One TOML value. Dates and times are not here: basic-toml rejects them as invalid TOML, and
/// no setting takes one.
#[derive(Debug, Clone, PartialEq)]
pub enum TomlValue {
    /// An integer.
    Integer(i64),
    /// A float, `nan` and `inf` included.
    Float(f64),
    /// A string.
    String(String),
    /// `true` or `false`.
    Boolean(bool),
    /// An array.
    Array(Vec<TomlValue>),
    /// A table or inline table.
    Table(Table),
}

impl TomlValue {
    /// The table, if this is one.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            TomlValue::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TomlValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            TomlValue::Integer(n) => Some(*n),
            _ => None,
        }
    }
}

/// The value as TOML writes it.
impl fmt::Display for TomlValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TomlValue::Integer(n) => write!(f, "{n}"),
            TomlValue::Float(x) => write_float(f, *x),
            TomlValue::String(s) => write_string(f, s),
            TomlValue::Boolean(b) => write!(f, "{b}"),
            TomlValue::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{item}")?;
                }
                f.write_str("]")
            }
            TomlValue::Table(table) => {
                f.write_str("{")?;
                for (i, (key, value)) in table.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}")?;
                    write_string(f, key)?;
                    write!(f, " = {value}")?;
                }
                f.write_str(if table.is_empty() { "}" } else { " }" })
            }
        }
    }
}

/// A float in TOML's spelling: `nan`, `inf`, `-inf`, and a `.0` on whole numbers.
fn write_float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("nan")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "inf" } else { "-inf" })
    } else if x.fract() == 0.0 {
        write!(f, "{x}.0")
    } else {
        write!(f, "{x}")
    }
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{:04X}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl<'de> Deserialize<'de> for TomlValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Builds a [`TomlValue`] from whatever the TOML deserializer finds.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = TomlValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<TomlValue, E> {
        Ok(TomlValue::Boolean(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<TomlValue, E> {
        Ok(TomlValue::Integer(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<TomlValue, E> {
        i64::try_from(n)
            .map(TomlValue::Integer)
            .map_err(|_| E::custom(format!("integer {n} is out of range")))
    }

    fn visit_f64<E>(self, x: f64) -> Result<TomlValue, E> {
        Ok(TomlValue::Float(x))
    }

    fn visit_str<E>(self, s: &str) -> Result<TomlValue, E> {
        Ok(TomlValue::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<TomlValue, E> {
        Ok(TomlValue::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TomlValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(TomlValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TomlValue, A::Error> {
        let mut table = Table::new();
        while let Some((key, value)) = map.next_entry()? {
            table.insert(key, value);
        }
        Ok(TomlValue::Table(table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Table {
        basic_toml::from_str(text).unwrap()
    }

    #[test]
    fn every_kind_of_value_is_kept_and_shown_as_toml_writes_it() {
        let t = parse(
            "i = -3\nf = 1.5\nw = 1e19\nn = nan\np = inf\nm = -inf\ns = \"a\\\"b\\\\c\\u001b\"\n\
             b = true\na = [1, \"x\"]\n[t]\nk = 2\n\"a b\" = {}\n",
        );
        let shown = |key: &str| t[key].to_string();
        assert_eq!(shown("i"), "-3");
        assert_eq!(shown("f"), "1.5");
        assert_eq!(shown("w"), "10000000000000000000.0");
        assert_eq!(shown("n"), "nan");
        assert_eq!(shown("p"), "inf");
        assert_eq!(shown("m"), "-inf");
        assert_eq!(shown("s"), "\"a\\\"b\\\\c\\u001B\"");
        assert_eq!(shown("b"), "true");
        assert_eq!(shown("a"), "[1, \"x\"]");
        assert_eq!(shown("t"), "{ \"a b\" = {}, \"k\" = 2 }");
        assert_eq!(t["i"].as_integer(), Some(-3));
        assert_eq!(t["s"].as_str(), Some("a\"b\\c\u{1b}"));
        assert!(t["t"].as_table().is_some() && t["f"].as_table().is_none());
    }

    #[test]
    fn keys_come_out_sorted() {
        let t = parse("z = 1\na = 2\nm = 3\n");
        assert_eq!(t.keys().collect::<Vec<_>>(), ["a", "m", "z"]);
    }
}
