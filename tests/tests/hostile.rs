//! Documents written to break parsers, made here because they are large: each is
//! refused with a located `limit` diagnostic, by `validate` and by `generate`,
//! on a thread with a 256 KiB stack (the generator brings its own), and never
//! crashes. The small hostile documents are in `tests/bad-specs/` (37–40). The
//! documents are also written to `target/hostile/` so their time and peak memory
//! can be measured with the release build (`cargo xtask hostile`).

use std::fmt::Write;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n";

fn operation_returning(schema: &str) -> String {
    format!(
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: \"#/components/schemas/{schema}\"}}\n"
    )
}

/// A chain of 20,000 schemas, each a `$ref` to the next.
fn ref_chain() -> String {
    let mut s = format!(
        "{HEAD}{}components:\n  schemas:\n",
        operation_returning("S0")
    );
    for i in 0..20_000 {
        let _ = writeln!(s, "    S{i}: {{$ref: \"#/components/schemas/S{}\"}}", i + 1);
    }
    s + "    S20000: {type: string}\n"
}

/// 5,000 schemas, each `allOf` the one before and a member of its own.
fn all_of_chain() -> String {
    let mut s = format!(
        "{HEAD}{}components:\n  schemas:\n",
        operation_returning("S5000")
    );
    s.push_str("    S0: {type: object, properties: {a: {type: string}}}\n");
    for i in 1..=5_000 {
        let _ = writeln!(
            s,
            "    S{i}: {{allOf: [{{$ref: \"#/components/schemas/S{}\"}}, {{type: object, properties: {{p{i}: {{type: string}}}}}}]}}",
            i - 1
        );
    }
    s
}

/// 20,000 schemas, each an object whose member is the next: legitimate, if odd.
/// Members are resolved from a work list, not by recursion, so it is read.
fn member_chain() -> String {
    let mut s = format!(
        "{HEAD}{}components:\n  schemas:\n",
        operation_returning("S0")
    );
    for i in 0..20_000 {
        let _ = writeln!(
            s,
            "    S{i}: {{type: object, properties: {{next: {{$ref: \"#/components/schemas/S{}\"}}}}}}",
            i + 1
        );
    }
    s + "    S20000: {type: string}\n"
}

/// Arrays inside arrays, 100,000 deep, as JSON and as YAML flow and block style.
fn deep_json() -> String {
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    )
}

fn deep_yaml_block() -> String {
    let mut s = format!("{HEAD}paths: {{}}\nx-deep:\n");
    for i in 0..5_000 {
        let _ = writeln!(s, "{}k:", " ".repeat(2 * i + 2));
    }
    s
}

/// More bytes than the document limit (64 MiB): refused before parsing.
fn oversized() -> String {
    let mut s = format!("{HEAD}paths: {{}}\nx-padding: \"");
    s.push_str(&"a".repeat(65 << 20));
    s + "\"\n"
}

fn refused() -> Vec<(&'static str, String)> {
    vec![
        ("ref-chain.yaml", ref_chain()),
        ("all-of-chain.yaml", all_of_chain()),
        ("deep.json", deep_json()),
        ("deep-block.yaml", deep_yaml_block()),
        ("oversized.yaml", oversized()),
    ]
}

/// Runs `f` on a thread with a 256 KiB stack, as a small worker thread would.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no crash on a small stack")
}

#[test]
fn hostile_documents_are_refused_with_a_located_limit() {
    let dir = consoleconnect_tests::workspace_root().join("target/hostile");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in refused() {
        std::fs::write(dir.join(name), &text).unwrap();
        let text = std::sync::Arc::new(text);
        let t = text.clone();
        let diagnostics = on_small_stack(move || codegen::validate(&t));
        let fatal: Vec<_> = diagnostics.iter().filter(|d| d.is_fatal()).collect();
        assert!(!fatal.is_empty(), "{name}: refused");
        let limit = fatal
            .iter()
            .find(|d| {
                d.code == codegen::diagnostics::Code::Limit
                    || d.code == codegen::diagnostics::Code::Syntax
            })
            .unwrap_or_else(|| panic!("{name}: a limit says so: {fatal:?}"));
        assert!(
            limit.position.is_some() || limit.pointer != "#" || name == "oversized.yaml",
            "{name}: located: {limit:?}"
        );
        let report = codegen::diagnostics::render_all(&diagnostics, name, &text);
        assert!(
            report.contains("CODEGEN_LIMITS") || report.contains("nested"),
            "{name}: says how to raise the limit:\n{report}"
        );
        let t = text.clone();
        let generated = on_small_stack(move || {
            codegen::generate(&t, &codegen::Settings::new("hostile", "test", "hostile")).map(|_| ())
        });
        assert!(generated.is_err(), "{name}: generate refuses it too");
    }
}

#[test]
fn a_long_chain_of_members_is_read_on_a_small_stack() {
    let text = std::sync::Arc::new(member_chain());
    let t = text.clone();
    let diagnostics = on_small_stack(move || codegen::validate(&t));
    assert!(diagnostics.iter().all(|d| !d.is_fatal()), "{diagnostics:?}");
}
