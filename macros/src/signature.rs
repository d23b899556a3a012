//! Which of the three benchmark forms a function has, with errors pointing at the culprit.

use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Type};

/// The accepted benchmark forms.
pub enum Form {
    /// `fn()` or `fn() -> T`: timed as `b.iter(f)`.
    Plain,
    /// `fn(&mut Bencher)`.
    Bencher,
    /// `fn(&mut Bencher, T)` together with `args = [..]`.
    WithArg,
}

/// Classifies `func`, rejecting what the harness cannot call.
pub fn classify(func: &ItemFn, has_args: Option<&syn::Path>) -> syn::Result<Form> {
    let sig = &func.sig;
    if let Some(token) = &sig.asyncness {
        return Err(syn::Error::new(
            token.span(),
            "a benchmark cannot be `async`; call `b.iter` on a runtime instead",
        ));
    }
    if let Some(token) = &sig.unsafety {
        return Err(syn::Error::new(
            token.span(),
            "a benchmark cannot be `unsafe`",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "a benchmark cannot be generic; use `args = [..]` for inputs",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new(
            variadic.span(),
            "a benchmark cannot be variadic",
        ));
    }
    let inputs: Vec<&FnArg> = sig.inputs.iter().collect();
    for input in &inputs {
        if let FnArg::Receiver(r) = input {
            return Err(syn::Error::new(
                r.span(),
                "a benchmark must be a free function",
            ));
        }
    }
    match (inputs.as_slice(), has_args) {
        ([], None) => Ok(Form::Plain),
        ([first], None) => {
            check_bencher(first)?;
            Ok(Form::Bencher)
        }
        ([first, _], Some(_)) => {
            check_bencher(first)?;
            Ok(Form::WithArg)
        }
        ([], Some(args)) | ([_], Some(args)) => Err(syn::Error::new(
            args.span(),
            "`args` needs a function `fn(&mut Bencher, T)` that takes the argument",
        )),
        ([_, second], None) => Err(syn::Error::new(
            second.span(),
            "this parameter needs `args = [..]` in the attribute to supply its values",
        )),
        ([_, _, third, ..], _) => Err(syn::Error::new(
            third.span(),
            "a benchmark takes at most two parameters: `&mut Bencher` and one argument",
        )),
    }
}

/// The first parameter must be `&mut Bencher` (checked by shape; the type checker does the rest).
fn check_bencher(arg: &FnArg) -> syn::Result<()> {
    if let FnArg::Typed(pat) = arg
        && let Type::Reference(r) = &*pat.ty
        && r.mutability.is_some()
    {
        return Ok(());
    }
    Err(syn::Error::new(
        arg.span(),
        "expected `&mut Bencher` as the first parameter",
    ))
}
