//! Benchmark ids as criterion forms them: `group/function/parameter`, `group/function`,
//! `group/parameter`, or a lone `function` for `Criterion::bench_function`.

use std::fmt::{self, Display};

/// A benchmark's function name and parameter inside a group (criterion's `BenchmarkId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BenchmarkId {
    function: Option<String>,
    parameter: Option<String>,
}

impl BenchmarkId {
    /// `function_name/parameter`.
    pub fn new<S: Into<String>, P: Display>(function_name: S, parameter: P) -> BenchmarkId {
        BenchmarkId {
            function: Some(function_name.into()),
            parameter: Some(parameter.to_string()),
        }
    }

    /// The parameter alone: `group/parameter`.
    pub fn from_parameter<P: Display>(parameter: P) -> BenchmarkId {
        BenchmarkId {
            function: None,
            parameter: Some(parameter.to_string()),
        }
    }

    /// Neither part: the group's name is the whole id (`Criterion::bench_function`).
    pub(crate) fn none() -> BenchmarkId {
        BenchmarkId {
            function: None,
            parameter: None,
        }
    }

    /// The parameter alone, the function dropped.
    pub(crate) fn parameter_only(&self) -> BenchmarkId {
        BenchmarkId {
            function: None,
            parameter: self.parameter.clone(),
        }
    }

    /// The function name, if any.
    pub(crate) fn function(&self) -> Option<&str> {
        self.function.as_deref()
    }

    /// The parameter, if any.
    pub(crate) fn parameter(&self) -> Option<&str> {
        self.parameter.as_deref()
    }
}

impl Display for BenchmarkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = [self.function(), self.parameter()]
            .into_iter()
            .flatten()
            .collect();
        f.write_str(&parts.join("/"))
    }
}

/// What `BenchmarkGroup::bench_function` accepts as an id: a [`BenchmarkId`] or a name.
pub trait IntoBenchmarkId {
    /// The id.
    fn into_benchmark_id(self) -> BenchmarkId;
}

impl IntoBenchmarkId for BenchmarkId {
    fn into_benchmark_id(self) -> BenchmarkId {
        self
    }
}

impl<S: Into<String>> IntoBenchmarkId for S {
    fn into_benchmark_id(self) -> BenchmarkId {
        BenchmarkId {
            function: Some(self.into()),
            parameter: None,
        }
    }
}

/// The full id and its parts, as the harness records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FullId {
    /// `group[/function][/parameter]`.
    pub id: String,
    /// The id without the parameter.
    pub name: String,
    /// The parameter.
    pub arg: Option<String>,
}

impl FullId {
    /// The id of `id` in `group`.
    pub fn in_group(group: &str, id: &BenchmarkId) -> FullId {
        let name = match id.function() {
            Some(f) => format!("{group}/{f}"),
            None => group.to_string(),
        };
        let full = match id.parameter() {
            Some(p) => format!("{name}/{p}"),
            None => name.clone(),
        };
        FullId {
            id: full,
            name,
            arg: id.parameter().map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The four forms of criterion 0.5's full id (its report module joins group, function
    // and value with `/`, leaving out the absent ones).
    #[test]
    fn ids_join_the_parts_that_are_present() {
        let both = FullId::in_group("ML-DSA", &BenchmarkId::new("sign", 1024));
        assert_eq!(both.id, "ML-DSA/sign/1024");
        assert_eq!(both.name, "ML-DSA/sign");
        assert_eq!(both.arg.as_deref(), Some("1024"));
        let function = FullId::in_group("ML-DSA", &"keygen".into_benchmark_id());
        assert_eq!(function.id, "ML-DSA/keygen");
        assert_eq!(function.arg, None);
        let parameter = FullId::in_group("blake3", &BenchmarkId::from_parameter("64B"));
        assert_eq!(parameter.id, "blake3/64B");
        assert_eq!(parameter.name, "blake3");
        let none = FullId::in_group("lone", &BenchmarkId::none());
        assert_eq!(none.id, "lone");
    }

    #[test]
    fn display_shows_function_and_parameter() {
        assert_eq!(BenchmarkId::new("f", 3).to_string(), "f/3");
        assert_eq!(BenchmarkId::from_parameter(3).to_string(), "3");
    }
}
