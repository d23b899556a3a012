//! Code generation: the user's function stays as written; a static entry describing it is added
//! to qudag-bench's linkme slice, inside an anonymous `const _` block.

use crate::options::Options;
use crate::signature::{Form, classify};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::ItemFn;
use syn::ext::IdentExt;

/// Expands one annotated function.
pub fn expand(opts: &Options, func: &ItemFn) -> syn::Result<TokenStream> {
    let form = classify(func, opts.args.as_ref().map(|(path, _)| path))?;
    let ident = &func.sig.ident;
    let p = quote!(::qudag_bench::__private);
    let name = match &opts.name {
        Some(lit) => lit.value(),
        // `r#loop` is registered as `loop`.
        None => ident.unraw().to_string(),
    };
    let suite = optional(opts.suite.as_ref().map(|s| s.value()));
    let tags = opts.tags.iter().flatten().map(|t| t.value());
    let options = attr_options(opts, &p);
    let bench = bench_fn(form, opts, ident, &p);
    // The entry lives in an anonymous const so that its name cannot clash with anything in the
    // user's module (`foo` and `FOO`, `r#loop`); deriving it from the function's name keeps it
    // from shadowing the function inside the const.
    let threads = opts.threads.clone().unwrap_or_default();
    let entry = format_ident!("__QUDAG_BENCH_ENTRY_{}", ident.unraw());
    Ok(quote! {
        #func

        const _: () = {
            #[#p::linkme::distributed_slice(#p::BENCHMARKS)]
            #[linkme(crate = #p::linkme)]
            #[allow(non_upper_case_globals)]
            static #entry: #p::BenchEntry = #p::BenchEntry {
                name: #name,
                module_path: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                suite: #suite,
                tags: &[#(#tags),*],
                options: #options,
                threads: &[#(#threads),*],
                bench: #bench,
            };
        };
    })
}

/// The entry's `AttrOptions` expression.
fn attr_options(opts: &Options, p: &TokenStream) -> TokenStream {
    let samples = optional(opts.samples);
    let warmup = optional(opts.warmup_time);
    let measure = optional(opts.measure_time);
    let timeout = optional(opts.timeout);
    let precision = optional(opts.precision);
    let ignore = opts.ignore.unwrap_or(false);
    let isolate = opts.isolate.unwrap_or(false);
    let memory = optional(opts.memory_limit);
    let cpu_time = optional(opts.cpu_time_limit);
    let open_files = optional(opts.open_files);
    let network = optional(opts.network_none.map(|none| match none {
        true => quote!(#p::NetworkAccess::None),
        false => quote!(#p::NetworkAccess::Host),
    }));
    // Each check coerced to the requirement type at its own path, so that a function of
    // another type is reported there.
    let requires = opts.requires.iter().flatten().map(|path| {
        let ty = spanned_like(quote!(#p::Requirement), path);
        quote!({
            let check: #ty = #path;
            check
        })
    });
    quote!(#p::AttrOptions {
        samples: #samples,
        warmup_time: #warmup,
        measure_time: #measure,
        timeout: #timeout,
        precision: #precision,
        ignore: #ignore,
        isolate: #isolate,
        limits: #p::ResourceLimits {
            memory_bytes: #memory,
            cpu_time_s: #cpu_time,
            open_files: #open_files,
        },
        network: #network,
        requires: &[#(#requires),*],
    })
}

/// The entry's `BenchFn` expression for a function of `form`.
fn bench_fn(form: Form, opts: &Options, ident: &syn::Ident, p: &TokenStream) -> TokenStream {
    match form {
        Form::Plain => quote!(#p::BenchFn::Single(|b| b.iter(#ident))),
        Form::Bencher { bencher } => {
            // A first parameter of the right shape but the wrong type (`&mut u32`) is reported
            // as a mismatch at the function's name, "expected due to" the written type.
            let fn_ty = spanned_like(quote!(fn(&mut ::qudag_bench::Bencher)), bencher);
            quote!(#p::BenchFn::Single({
                let bench: #fn_ty = #ident;
                bench
            }))
        }
        Form::WithArg { bencher, arg } => {
            let args = &opts.args.as_ref().expect("classify checked args").1;
            let count = args.len();
            let fn_ty = spanned_like(quote!(fn(&mut ::qudag_bench::Bencher, _)), bencher);
            // An argument type without `Display` (needed for the ids) is reported at that type.
            let names = spanned_like(quote!(#p::arg_names(bench, ::std::vec![#(#args),*])), arg);
            quote!(#p::BenchFn::WithArgs {
                count: #count,
                names: || {
                    let bench: #fn_ty = #ident;
                    #names
                },
                run: |b, index| {
                    let bench: #fn_ty = #ident;
                    #p::run_with_arg(bench, ::std::vec![#(#args),*], index, b)
                },
            })
        }
    }
}

/// An `Option<T>` expression for a value known at expansion time.
fn optional<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// Respans the top-level tokens of `tokens` so that a compiler error about the code they form
/// covers all of `like`, also on stable Rust where spans cannot be joined: the first token takes
/// the span of `like`'s first token and every other one that of its last (as
/// `syn::Error::new_spanned` does). Tokens inside groups keep their own spans.
fn spanned_like(tokens: TokenStream, like: &impl ToTokens) -> TokenStream {
    let mut like = like.to_token_stream().into_iter();
    let first = like.next().map_or_else(Span::call_site, |t| t.span());
    let last = like.last().map_or(first, |t| t.span());
    tokens
        .into_iter()
        .enumerate()
        .map(|(i, mut token)| {
            token.set_span(if i == 0 { first } else { last });
            token
        })
        .collect()
}
