//! Parsing of the attribute's options (`suite = "..."`, `tags = [..]`, `args = [..]`, ...).
//!
//! Every value is parsed as an expression first, so that a wrong value gets an error naming the
//! option and spanning the whole value (`-1`, `"1s"`, `fast`), not a generic "expected literal".

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprArray, ExprLit, Lit, LitStr};

/// Every option the attribute accepts, as written by the user.
#[derive(Default)]
pub struct Options {
    pub name: Option<LitStr>,
    pub suite: Option<LitStr>,
    pub tags: Option<Vec<LitStr>>,
    /// The `args` key (for error spans) and its elements.
    pub args: Option<(syn::Path, Vec<Expr>)>,
    pub samples: Option<u32>,
    /// Seconds, validated; likewise `measure_time` and `timeout`.
    pub warmup_time: Option<f64>,
    pub measure_time: Option<f64>,
    pub timeout: Option<f64>,
    /// Percent of the median, validated (0 = the fixed plan).
    pub precision: Option<f64>,
    pub ignore: Option<bool>,
    /// Thread counts (0 = all cores).
    pub threads: Option<Vec<usize>>,
    /// Run in a child process of its own.
    pub isolate: Option<bool>,
    /// Limits applied to that child: address space in bytes, CPU seconds, open files.
    pub memory_limit: Option<u64>,
    pub cpu_time_limit: Option<u64>,
    pub open_files: Option<u64>,
    /// `network = "none"` (true) or `"host"` (false).
    pub network_none: Option<bool>,
    /// `requires = [check, ..]`: paths of `fn() -> Result<(), String>` checks.
    pub requires: Option<Vec<syn::ExprPath>>,
}

const KNOWN: &str = "`name`, `suite`, `tags`, `args`, `samples`, `warmup_time`, `measure_time`, \
                     `timeout`, `precision`, `ignore`, `threads`, `isolate`, `memory_limit`, \
                     `cpu_time_limit`, `open_files`, `network`, `requires`";

impl Options {
    /// Parses one `key = value` (or bare `ignore`) item of the attribute.
    pub fn parse(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident().map(|i| i.to_string()) else {
            return Err(meta.error(format!("unknown option; expected one of {KNOWN}")));
        };
        match key.as_str() {
            "name" => set_once(
                &meta,
                &mut self.name,
                non_empty_str(&meta, "name = \"keygen\"")?,
            ),
            "suite" => set_once(
                &meta,
                &mut self.suite,
                non_empty_str(&meta, "suite = \"crypto\"")?,
            ),
            "tags" => set_once(&meta, &mut self.tags, tags(&meta)?),
            "args" => {
                let array = array(&meta, "args = [64, 1024]")?;
                if array.elems.is_empty() {
                    return Err(syn::Error::new_spanned(
                        &array,
                        "`args` needs at least one argument, e.g. args = [64, 1024]",
                    ));
                }
                let value = (meta.path.clone(), array.elems.into_iter().collect());
                set_once(&meta, &mut self.args, value)
            }
            "samples" => set_once(&meta, &mut self.samples, samples(&meta)?),
            "threads" => set_once(&meta, &mut self.threads, threads(&meta)?),
            "warmup_time" => set_once(
                &meta,
                &mut self.warmup_time,
                seconds(&meta, &key, WARMUP_TIME)?,
            ),
            "measure_time" => set_once(
                &meta,
                &mut self.measure_time,
                seconds(&meta, &key, MEASURE_TIME)?,
            ),
            "timeout" => set_once(&meta, &mut self.timeout, seconds(&meta, &key, TIMEOUT)?),
            "precision" => set_once(&meta, &mut self.precision, precision(&meta)?),
            "ignore" => set_once(&meta, &mut self.ignore, flag(&meta, &key)?),
            "isolate" => set_once(&meta, &mut self.isolate, flag(&meta, &key)?),
            "memory_limit" => set_once(&meta, &mut self.memory_limit, crate::size::bytes(&meta)?),
            "cpu_time_limit" => set_once(
                &meta,
                &mut self.cpu_time_limit,
                count(
                    &meta,
                    &key,
                    1,
                    "cpu_time_limit = 30 (whole seconds of CPU time)",
                )?,
            ),
            "network" => set_once(&meta, &mut self.network_none, network(&meta)?),
            "requires" => set_once(&meta, &mut self.requires, requires(&meta)?),
            "open_files" => set_once(
                &meta,
                &mut self.open_files,
                count(
                    &meta,
                    &key,
                    16,
                    "open_files = 64 (the process needs a few itself)",
                )?,
            ),
            _ => Err(meta.error(format!("unknown option `{key}`; expected one of {KNOWN}"))),
        }
    }
}

/// Stores an option's value, rejecting a second occurrence (the error spans `key = value`).
fn set_once<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error("this option is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// A flag written bare (`ignore`) or as `key = true` / `key = false`.
fn flag(meta: &ParseNestedMeta, key: &str) -> syn::Result<bool> {
    if !meta.input.peek(syn::Token![=]) {
        return Ok(true);
    }
    match value(meta)? {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(b.value),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` is a flag: write `{key}`, `{key} = true` or `{key} = false`"),
        )),
    }
}

/// `network = "none"` (true: only loopback, in a namespace of its own) or `"host"` (false).
fn network(meta: &ParseNestedMeta) -> syn::Result<bool> {
    match value(meta)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value() == "none" || s.value() == "host" => Ok(s.value() == "none"),
        other => Err(syn::Error::new_spanned(
            other,
            "`network` must be \"none\" (only loopback, in a network namespace of its own) or \
             \"host\"",
        )),
    }
}

/// `requires = check` or `requires = [check, ..]`: paths of functions, each
/// `fn() -> Result<(), String>` (the compiler checks the type at each path).
fn requires(meta: &ParseNestedMeta) -> syn::Result<Vec<syn::ExprPath>> {
    const EXAMPLE: &str = "requires = [qudag_bench::requires::ipv6, my_check] (functions \
                           `fn() -> Result<(), String>`)";
    let paths = match value(meta)? {
        Expr::Path(path) => vec![Expr::Path(path)],
        Expr::Array(array) if !array.elems.is_empty() => array.elems.into_iter().collect(),
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!("`requires` takes a function or a list of them, e.g. {EXAMPLE}"),
            ));
        }
    };
    paths
        .into_iter()
        .map(|expr| match expr {
            Expr::Path(path) => Ok(path),
            other => Err(syn::Error::new_spanned(
                other,
                format!("`requires` takes paths of functions, e.g. {EXAMPLE}"),
            )),
        })
        .collect()
}

/// An integer literal of at least `min`; `example` shows the option written correctly.
fn count(meta: &ParseNestedMeta, key: &str, min: u64, example: &str) -> syn::Result<u64> {
    let expr = value(meta)?;
    if let Expr::Lit(ExprLit {
        lit: Lit::Int(i), ..
    }) = &expr
        && let Ok(n) = i.base10_parse::<u64>()
        && n >= min
    {
        return Ok(n);
    }
    Err(syn::Error::new_spanned(
        expr,
        format!("`{key}` must be an integer of at least {min}, e.g. {example}"),
    ))
}

/// The `= value` part of an option, as an expression.
fn value(meta: &ParseNestedMeta) -> syn::Result<Expr> {
    meta.value()?.parse()
}

/// A bracketed list such as `[1, 2]`; `example` shows the option written correctly.
fn array(meta: &ParseNestedMeta, example: &str) -> syn::Result<ExprArray> {
    match value(meta)? {
        Expr::Array(array) => Ok(array),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a list in brackets, e.g. {example}"),
        )),
    }
}

/// A non-empty string literal; `example` shows the option written correctly.
fn non_empty_str(meta: &ParseNestedMeta, example: &str) -> syn::Result<LitStr> {
    match value(meta)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if !s.value().is_empty() => Ok(s),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a non-empty string literal, e.g. {example}"),
        )),
    }
}

/// `tags = ["a", "b"]`: each tag a non-empty string literal.
fn tags(meta: &ParseNestedMeta) -> syn::Result<Vec<LitStr>> {
    let example = "tags = [\"fast\"]";
    array(meta, example)?
        .elems
        .into_iter()
        .map(|elem| match elem {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) if !s.value().is_empty() => Ok(s),
            other => Err(syn::Error::new_spanned(
                other,
                format!("a tag must be a non-empty string literal, e.g. {example}"),
            )),
        })
        .collect()
}

/// `samples = N` with `2 <= N <= u32::MAX` (the statistics need at least two samples).
fn samples(meta: &ParseNestedMeta) -> syn::Result<u32> {
    let expr = value(meta)?;
    if let Expr::Lit(ExprLit {
        lit: Lit::Int(i), ..
    }) = &expr
        && let Ok(n @ 2..) = i.base10_parse::<u32>()
    {
        return Ok(n);
    }
    Err(syn::Error::new_spanned(
        expr,
        "`samples` must be an integer from 2 to 4294967295, e.g. samples = 50",
    ))
}

/// `precision = P`: the median's 95% interval target in percent, `0 <= P < 100` (0 is the
/// fixed plan), as `qudag_bench::measure::Precision` accepts it.
fn precision(meta: &ParseNestedMeta) -> syn::Result<f64> {
    let expr = value(meta)?;
    match number(&expr) {
        Some(p) if (0.0..100.0).contains(&p) => Ok(p),
        _ => Err(syn::Error::new_spanned(
            expr,
            "`precision` must be a percentage from 0 (the fixed plan) up to (not including) \
             100, e.g. precision = 0.5",
        )),
    }
}

/// An integer or float literal as `f64`.
fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<f64>().ok(),
        Expr::Lit(ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>().ok(),
        _ => None,
    }
}

/// Thread counts: a non-empty list of integer literals (0 means all cores), no repeats.
fn threads(meta: &ParseNestedMeta) -> syn::Result<Vec<usize>> {
    let expr = value(meta)?;
    let err = |span: &dyn quote::ToTokens| {
        syn::Error::new_spanned(
            span,
            "`threads` must be a list of thread counts, e.g. threads = [1, 2, 4] (0 = all cores)",
        )
    };
    let Expr::Array(array) = &expr else {
        return Err(err(&expr));
    };
    let mut out = Vec::new();
    for elem in &array.elems {
        match elem {
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => match i.base10_parse::<usize>() {
                Ok(n) if !out.contains(&n) => out.push(n),
                _ => return Err(err(elem)),
            },
            other => return Err(err(other)),
        }
    }
    if out.is_empty() {
        return Err(err(&expr));
    }
    Ok(out)
}

/// Accepted seconds of each time option, both ends included, and how the message says them.
/// A copy of `qudag_bench::config::limits` (this crate cannot depend on that one); the harness
/// checks registered values against the original at start-up, so a drift shows at once.
type SecondsRange = (f64, f64, &'static str);
const WARMUP_TIME: SecondsRange = (0.0, 3600.0, "from 0 to 3600 (1 h)");
const MEASURE_TIME: SecondsRange = (0.001, 3600.0, "from 0.001 to 3600 (1 h)");
const TIMEOUT: SecondsRange = (0.001, 86400.0, "from 0.001 to 86400 (24 h)");

/// A duration in seconds: an integer or float literal within `range`.
fn seconds(meta: &ParseNestedMeta, key: &str, range: SecondsRange) -> syn::Result<f64> {
    let expr = value(meta)?;
    let parsed = number(&expr);
    let (min, max, text) = range;
    match parsed {
        Some(v) if v >= min && v <= max => Ok(v),
        _ => Err(syn::Error::new_spanned(
            expr,
            format!("`{key}` must be a number of seconds {text}, e.g. {key} = 0.5"),
        )),
    }
}
