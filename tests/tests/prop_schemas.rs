//! Property test: random schema trees (nasty names, enums that collide, nesting,
//! composition, references between components, nullable everywhere) always
//! generate, and a sample of the generated crates compiles with no warnings and
//! no clippy lint. The sample is deterministic and small enough for CI; raise
//! `PROP_CASES` to look harder.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

const COMPONENTS: usize = 4;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z_][a-zA-Z0-9_]{0,10}",
        2 => prop::sample::select(vec![
            "id", "type", "self", "Self", "@type", "+1", "-1", "200", "fooBar", "foo_bar", "FooBar", "x-foo",
            "match", "extra", "", "$ref", "Option", "ünïcode", "with space", "a.b", "crate", "r#type", "_",
        ])
        .prop_map(str::to_string),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "format": "uuid"})),
        Just(json!({"type": "string", "format": "byte"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer", "format": "int64", "minimum": 0})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({})),
        prop::collection::vec(name(), 1..5).prop_map(|v| json!({"type": "string", "enum": v})),
        prop::collection::vec(-3i64..300, 1..4).prop_map(|v| json!({"type": "integer", "enum": v})),
        (0..COMPONENTS).prop_map(|i| json!({"$ref": format!("#/components/schemas/S{i}")})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((name(), inner.clone(), any::<bool>()), 0..5),
                any::<bool>()
            )
                .prop_map(|(props, closed)| {
                    let mut properties = Map::new();
                    let mut required = Vec::new();
                    for (n, s, req) in props {
                        if req && !properties.contains_key(&n) {
                            required.push(json!(n));
                        }
                        properties.insert(n, s);
                    }
                    let mut o = json!({"type": "object", "properties": properties});
                    if !required.is_empty() {
                        o["required"] = Value::Array(required);
                    }
                    if closed {
                        o["additionalProperties"] = json!(false);
                    }
                    o
                }),
            inner
                .clone()
                .prop_map(|s| json!({"type": "array", "items": s})),
            inner
                .clone()
                .prop_map(|s| json!({"type": "object", "additionalProperties": s})),
            inner.clone().prop_map(|mut s| {
                if let Some(o) = s.as_object_mut() {
                    o.insert("nullable".into(), json!(true));
                }
                s
            }),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner, 1..3).prop_map(|v| json!({"allOf": v})),
        ]
    })
}

fn document() -> impl Strategy<Value = Value> {
    prop::collection::vec(schema(), COMPONENTS).prop_map(|schemas| {
        let components: Map<String, Value> = schemas.into_iter().enumerate().map(|(i, s)| (format!("S{i}"), s)).collect();
        json!({"openapi": "3.0.3", "info": {"title": "Random", "version": "1"}, "paths": {}, "components": {"schemas": components}})
    })
}

/// Generates one random document as a single file; panics (and so shrinks) on failure.
fn generate(doc: &Value, index: usize) -> String {
    let text = serde_json::to_string_pretty(doc).unwrap();
    let mut settings = codegen::Settings::new(format!("case_{index}"), "prop test", "random.json");
    settings.layout = codegen::Layout::SingleFile {
        deny_warnings: true,
    };
    let output = codegen::generate(&text, &settings)
        .unwrap_or_else(|d| panic!("generation failed: {d:#?}\n{text}"));
    output.files[0].contents.clone()
}

#[test]
fn random_schema_trees_generate_and_compile() {
    let cases: u32 = std::env::var("PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let sample = std::cell::RefCell::new(Vec::new());
    runner
        .run(&document(), |doc| {
            let index = sample.borrow().len();
            let code = generate(&doc, index);
            sample.borrow_mut().push((doc, code));
            Ok(())
        })
        .unwrap();
    let sample = sample.into_inner();

    // One scratch crate holding every generated file as a module: one `cargo clippy`.
    let root = consoleconnect_tests::workspace_root();
    let dir = root.join("target/prop-schemas");
    let _ = std::fs::remove_dir_all(dir.join("src"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let mut lib =
        String::from("//! Random schema trees generated by tests/tests/prop_schemas.rs.\n");
    for (i, (doc, code)) in sample.iter().enumerate() {
        std::fs::write(dir.join(format!("src/case_{i}.rs")), code).unwrap();
        std::fs::write(
            dir.join(format!("src/case_{i}.json")),
            serde_json::to_string_pretty(doc).unwrap(),
        )
        .unwrap();
        lib.push_str(&format!("pub mod case_{i};\n"));
    }
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"prop-schemas\"\nversion = \"0.0.0\"\nedition = \"2024\"\nrust-version = \"1.88\"\npublish = false\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nchrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\nuuid = { version = \"1\", features = [\"serde\"] }\nbase64 = \"0.23\"\n\n[workspace]\n",
    )
    .unwrap();
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    let out = xtask::scratch::cargo(&dir, &root.join("target"))
        .args(["clippy", "--quiet", "--", "-D", "warnings"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} random crates: compile or lint failed (sources in {}):\n{}",
        sample.len(),
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
