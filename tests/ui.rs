//! Compile-time tests of the `#[qudag_bench]` attribute: every accepted form and option compiles
//! (and its smoke run succeeds), and every rejected one fails with the committed message.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test ui`, then read them.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
