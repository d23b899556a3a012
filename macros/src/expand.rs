//! Code generation: the user's function stays as written; a static entry describing it is added
//! to qudag-bench's linkme slice.

use crate::options::Options;
use crate::signature::{Form, classify};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{ItemFn, Lit};

/// Expands one annotated function.
pub fn expand(opts: &Options, func: &ItemFn) -> syn::Result<TokenStream> {
    let form = classify(func, opts.args.as_ref().map(|(path, _)| path))?;
    let ident = &func.sig.ident;
    let p = quote!(::qudag_bench::__private);
    let name = match &opts.name {
        Some(lit) => lit.value(),
        None => ident.to_string(),
    };
    let suite = option_str(opts.suite.as_ref().map(|s| s.value()));
    let tags = opts.tags.iter().map(|t| t.value());
    let samples = match &opts.samples {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    };
    let warmup = seconds(opts.warmup_time.as_ref());
    let measure = seconds(opts.measure_time.as_ref());
    let timeout = seconds(opts.timeout.as_ref());
    let ignore = opts.ignore;
    let bench = match form {
        Form::Plain => quote!(#p::BenchFn::Single(|b| b.iter(#ident))),
        Form::Bencher => quote!(#p::BenchFn::Single(#ident)),
        Form::WithArg => {
            let args = &opts.args.as_ref().expect("classify checked args").1;
            let count = args.len();
            quote!(#p::BenchFn::WithArgs {
                count: #count,
                names: || #p::arg_names(#ident, ::std::vec![#(#args),*]),
                run: |b, index| #p::run_with_arg(#ident, ::std::vec![#(#args),*], index, b),
            })
        }
    };
    let static_name = format_ident!("__QUDAG_BENCH_ENTRY_{}", ident.to_string().to_uppercase());
    Ok(quote! {
        #func

        #[#p::linkme::distributed_slice(#p::BENCHMARKS)]
        #[linkme(crate = #p::linkme)]
        #[doc(hidden)]
        static #static_name: #p::BenchEntry = #p::BenchEntry {
            name: #name,
            module_path: ::core::module_path!(),
            file: ::core::file!(),
            line: ::core::line!(),
            suite: #suite,
            tags: &[#(#tags),*],
            options: #p::AttrOptions {
                samples: #samples,
                warmup_time: #warmup,
                measure_time: #measure,
                timeout: #timeout,
                ignore: #ignore,
            },
            bench: #bench,
        };
    })
}

fn option_str(value: Option<String>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

/// Seconds as an `Option<f64>` literal (validated by the options parser).
fn seconds(lit: Option<&Lit>) -> TokenStream {
    let value = match lit {
        Some(Lit::Int(i)) => i.base10_parse::<f64>().ok(),
        Some(Lit::Float(f)) => f.base10_parse::<f64>().ok(),
        _ => None,
    };
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}
