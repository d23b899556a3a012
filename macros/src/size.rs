//! `memory_limit = "512MiB"`: a size with a binary (KiB, MiB, GiB) or decimal (kB, MB, GB)
//! unit, or a plain number of bytes, checked at compile time.

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, Lit};

/// The smallest limit accepted: below it the child cannot even start (its runtime, the
/// harness and the allocator's arenas need a few MiB of address space).
const MIN_BYTES: u64 = 16 << 20;

const EXPECTED: &str = "`memory_limit` must be a size of at least 16MiB, e.g. \
                        memory_limit = \"512MiB\" (units B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)";

/// The value of `memory_limit` in bytes.
pub fn bytes(meta: &ParseNestedMeta) -> syn::Result<u64> {
    let expr: Expr = meta.value()?.parse()?;
    let parsed = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => parse(&s.value()),
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<u64>().ok(),
        _ => None,
    };
    match parsed {
        Some(n) if n >= MIN_BYTES => Ok(n),
        _ => Err(syn::Error::new_spanned(expr, EXPECTED)),
    }
}

/// `"512MiB"`, `"1.5 GiB"`, `"100MB"`, `"4096"` in bytes; `None` for anything else.
pub fn parse(text: &str) -> Option<u64> {
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
    use super::parse;

    #[test]
    fn sizes_read_in_bytes() {
        assert_eq!(parse("512MiB"), Some(512 << 20));
        assert_eq!(parse("1.5 GiB"), Some(3 << 29));
        assert_eq!(parse("100MB"), Some(100_000_000));
        assert_eq!(parse("4096"), Some(4096));
        assert_eq!(parse("2 kB"), Some(2000));
        for bad in ["", "MiB", "12 parsecs", "-1MiB", "1e9"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
