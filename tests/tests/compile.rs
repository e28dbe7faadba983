//! Compile tests: every supported shape builds and behaves; every misuse
//! fails with a spanned error that says what to write instead.

#[test]
fn derive() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
