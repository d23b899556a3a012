//! Parsing of the attribute's options (`suite = "..."`, `tags = [..]`, `args = [..]`, ...).

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprArray, Lit, LitBool, LitStr};

/// Every option the attribute accepts, as written by the user.
#[derive(Default)]
pub struct Options {
    pub name: Option<LitStr>,
    pub suite: Option<LitStr>,
    pub tags: Vec<LitStr>,
    /// The `args` key (for error spans) and its elements.
    pub args: Option<(syn::Path, Vec<Expr>)>,
    pub samples: Option<syn::LitInt>,
    pub warmup_time: Option<Lit>,
    pub measure_time: Option<Lit>,
    pub timeout: Option<Lit>,
    pub ignore: bool,
}

const KNOWN: &str = "`name`, `suite`, `tags`, `args`, `samples`, `warmup_time`, `measure_time`, \
                     `timeout`, `ignore`";

impl Options {
    /// Parses one `key = value` (or bare `ignore`) item of the attribute.
    pub fn parse(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident().map(|i| i.to_string()) else {
            return Err(meta.error(format!("unknown option; expected one of {KNOWN}")));
        };
        match key.as_str() {
            "name" => set_once(&meta, &mut self.name, non_empty_str(&meta)?),
            "suite" => set_once(&meta, &mut self.suite, non_empty_str(&meta)?),
            "tags" => {
                let array: ExprArray = meta.value()?.parse()?;
                for elem in array.elems {
                    match elem {
                        Expr::Lit(syn::ExprLit {
                            lit: Lit::Str(s), ..
                        }) if !s.value().is_empty() => self.tags.push(s),
                        other => {
                            return Err(syn::Error::new_spanned(
                                other,
                                "a tag must be a non-empty string literal, e.g. tags = [\"fast\"]",
                            ));
                        }
                    }
                }
                Ok(())
            }
            "args" => {
                let array: ExprArray = meta.value()?.parse()?;
                if array.elems.is_empty() {
                    return Err(syn::Error::new_spanned(
                        &array,
                        "`args` needs at least one argument",
                    ));
                }
                let value = (meta.path.clone(), array.elems.into_iter().collect());
                set_once(&meta, &mut self.args, value)
            }
            "samples" => {
                let lit: syn::LitInt = meta.value()?.parse()?;
                match lit.base10_parse::<u32>() {
                    Ok(n) if n >= 2 => set_once(&meta, &mut self.samples, lit),
                    _ => Err(syn::Error::new_spanned(
                        lit,
                        "`samples` must be an integer from 2 to 4294967295",
                    )),
                }
            }
            "warmup_time" => set_once(&meta, &mut self.warmup_time, seconds(&meta, &key, true)?),
            "measure_time" => set_once(&meta, &mut self.measure_time, seconds(&meta, &key, false)?),
            "timeout" => set_once(&meta, &mut self.timeout, seconds(&meta, &key, false)?),
            "ignore" => {
                if meta.input.peek(syn::Token![=]) {
                    let lit: LitBool = meta.value()?.parse()?;
                    self.ignore = lit.value;
                } else {
                    self.ignore = true;
                }
                Ok(())
            }
            _ => Err(meta.error(format!("unknown option `{key}`; expected one of {KNOWN}"))),
        }
    }
}

fn set_once<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error("this option is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn non_empty_str(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let lit: LitStr = meta.value()?.parse()?;
    if lit.value().is_empty() {
        return Err(syn::Error::new_spanned(lit, "expected a non-empty string"));
    }
    Ok(lit)
}

/// A duration in seconds: an integer or float literal, positive (zero allowed for warmup).
fn seconds(meta: &ParseNestedMeta, key: &str, zero_ok: bool) -> syn::Result<Lit> {
    let lit: Lit = meta.value()?.parse()?;
    let value = match &lit {
        Lit::Int(i) => i.base10_parse::<f64>().ok(),
        Lit::Float(f) => f.base10_parse::<f64>().ok(),
        _ => None,
    };
    match value {
        Some(v) if v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0)) => Ok(lit),
        _ => Err(syn::Error::new_spanned(
            lit,
            format!(
                "`{key}` must be a number of seconds{}, e.g. {key} = 0.5",
                if zero_ok {
                    " (0 or more)"
                } else {
                    " greater than 0"
                }
            ),
        )),
    }
}
