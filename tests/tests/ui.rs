//! Compile tests of the generated crate as a consumer sees it: correct use compiles;
//! misuse (a missing required member, parameter or body; a wrong type) does not.
//! Expected compiler output is in `tests/ui/fail/*.stderr`
//! (refresh with `TRYBUILD=overwrite cargo test -p consoleconnect-tests --test ui`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
