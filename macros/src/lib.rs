//! The `#[qudag_bench]` attribute of qudag-bench.
//!
//! Use it through the `qudag_bench` crate (`use qudag_bench::qudag_bench;`): the generated code
//! names `::qudag_bench::__private`, so user crates need neither this crate nor linkme.
#![warn(missing_docs)]

mod expand;
mod options;
mod signature;
mod size;

use proc_macro::TokenStream;
use syn::parse::Parser;

/// Registers a function as a benchmark. See the `qudag_bench` crate for the forms and options.
#[proc_macro_attribute]
pub fn qudag_bench(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func = syn::parse_macro_input!(item as syn::ItemFn);
    let mut opts = options::Options::default();
    let parsed = syn::meta::parser(|meta| opts.parse(meta)).parse(attr);
    match parsed.and_then(|()| expand::expand(&opts, &func)) {
        Ok(tokens) => tokens.into(),
        Err(err) => {
            // Keep the function, also when an option is wrong, so that the only errors the user
            // sees are ours (no "unused import" or "cannot find function" follow-ups).
            let mut out = err.to_compile_error();
            out.extend(quote::quote!(#func));
            out.into()
        }
    }
}
