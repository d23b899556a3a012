//! Which of the three benchmark forms a function has, with errors pointing at the culprit.
//!
//! Errors are built with `Error::new_spanned` so that on stable Rust they span the whole
//! offending item (`<T: Default>`, `&self`, `n: usize`), not only its first token.

use quote::quote;
use syn::{FnArg, ItemFn, Type};

/// The accepted benchmark forms, with the parameter types that type errors are pointed at.
pub enum Form<'a> {
    /// `fn()` or `fn() -> T`: timed as `b.iter(f)`.
    Plain,
    /// `fn(&mut Bencher)`.
    Bencher {
        /// The written `&mut Bencher`.
        bencher: &'a Type,
    },
    /// `fn(&mut Bencher, T)` together with `args = [..]`.
    WithArg {
        /// The written `&mut Bencher`.
        bencher: &'a Type,
        /// The written `T`.
        arg: &'a Type,
    },
}

/// Classifies `func`, rejecting what the harness cannot call.
pub fn classify<'a>(func: &'a ItemFn, has_args: Option<&syn::Path>) -> syn::Result<Form<'a>> {
    let sig = &func.sig;
    if let Some(token) = &sig.asyncness {
        return Err(syn::Error::new_spanned(
            token,
            "a benchmark cannot be `async`; call `b.iter` on a runtime instead",
        ));
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        return Err(syn::Error::new_spanned(
            token,
            "a benchmark cannot be `unsafe`; use an `unsafe` block inside it instead",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "a benchmark cannot be generic; use `args = [..]` for inputs",
        ));
    }
    if let Some(clause) = &sig.generics.where_clause {
        return Err(syn::Error::new_spanned(
            clause,
            "a benchmark cannot have a `where` clause",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            variadic,
            "a benchmark cannot be variadic",
        ));
    }
    let inputs: Vec<&FnArg> = sig.inputs.iter().collect();
    for input in &inputs {
        if let FnArg::Receiver(r) = input {
            return Err(syn::Error::new_spanned(
                r,
                "a benchmark must be a free function, not a method taking `self`; \
                 move it out of the `impl` block",
            ));
        }
    }
    match (inputs.as_slice(), has_args) {
        ([], None) => Ok(Form::Plain),
        ([first], None) => Ok(Form::Bencher {
            bencher: check_bencher(first)?,
        }),
        ([first, second], Some(_)) => Ok(Form::WithArg {
            bencher: check_bencher(first)?,
            arg: typed(second),
        }),
        ([], Some(args)) | ([_], Some(args)) => Err(syn::Error::new_spanned(
            args,
            "`args` needs a function `fn(&mut Bencher, T)` whose second parameter takes each \
             argument",
        )),
        ([_, second], None) => Err(syn::Error::new_spanned(
            second,
            "this parameter needs `args = [..]` in the attribute to supply its values",
        )),
        ([_, _, extra @ ..], _) => Err(syn::Error::new_spanned(
            quote!(#(#extra),*),
            "a benchmark takes at most two parameters: `&mut Bencher` and one argument",
        )),
    }
}

/// The first parameter must be `&mut Bencher` (checked by shape; the type checker does the rest,
/// with its errors pointed at the returned type).
fn check_bencher(arg: &FnArg) -> syn::Result<&Type> {
    match typed(arg) {
        ty @ Type::Reference(r) if r.mutability.is_some() => Ok(ty),
        Type::Reference(r) => Err(syn::Error::new_spanned(
            r,
            "expected `&mut Bencher` as the first parameter; the reference must be `mut`",
        )),
        other => Err(syn::Error::new_spanned(
            other,
            "expected `&mut Bencher` as the first parameter",
        )),
    }
}

/// The type of a parameter; receivers are rejected before this is called.
fn typed(arg: &FnArg) -> &Type {
    match arg {
        FnArg::Typed(pat) => &pat.ty,
        FnArg::Receiver(_) => unreachable!("receivers are rejected before"),
    }
}
