//! `cargo xtask api-diff` on fixture pairs: `tests/api-diff/base.yaml` and one
//! edit of it each, generated as crates, documented as rustdoc JSON and judged
//! by cargo-semver-checks. Each pair has the verdict a reviewer should see.
//!
//! cargo-semver-checks is built from source (minutes), which `cargo test` does
//! not do: the test is ignored there, and `cargo xtask tool-tests` (which CI runs)
//! installs the tool and runs it.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use xtask::api_diff::{self, Release};

/// Generates the crate of `doc` into `dir` (version 0.1.0, its own workspace).
fn generate(doc: &Value, dir: &Path) -> PathBuf {
    let text = serde_json::to_string(doc).unwrap();
    let mut settings = codegen::Settings::new("widgets", "tests/tests/api_diff.rs", "base.yaml");
    settings.layout = codegen::Layout::Crate {
        standalone: true,
        publish: false,
    };
    let output = codegen::generate(&text, &settings).expect("the fixture generates");
    xtask::fsutil::sync_dir(dir, &output.files, false).unwrap();
    let root = xtask::workspace_root();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir.join("Cargo.toml")
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}"))
}

#[test]
#[ignore = "needs cargo-semver-checks installed: run by `cargo xtask tool-tests`"]
fn each_edit_gets_its_verdict() {
    let root = xtask::workspace_root();
    let work = root.join("target/api-diff-fixtures");
    let target = work.join("target");
    let base: Value = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("tests/api-diff/base.yaml")).unwrap(),
    )
    .unwrap();
    let base_json = work.join("base.json");
    api_diff::rustdoc_json(&generate(&base, &work.join("base")), &target, &base_json).unwrap();

    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, Release, &str); 5] = [
        (
            "removed_operation",
            |d| {
                at(d, "/paths/~1widgets~1{id}")
                    .as_object_mut()
                    .unwrap()
                    .remove("delete");
            },
            Release::Breaking,
            "- fn widgets::Client::delete_widget",
        ),
        (
            "new_required_parameter",
            |d| {
                at(d, "/paths/~1widgets/get/parameters").as_array_mut().unwrap().push(
                    json!({"name": "owner", "in": "query", "required": true, "schema": {"type": "string"}}),
                );
            },
            Release::Breaking,
            "~ fn widgets::Client::list_widgets",
        ),
        (
            "new_optional_field",
            |d| {
                at(d, "/components/schemas/Widget/properties")
                    .as_object_mut()
                    .unwrap()
                    .insert("size".into(), json!({"type": "integer"}));
            },
            Release::Compatible,
            "+ field widgets::types::Widget::size",
        ),
        (
            "new_enum_value",
            |d| {
                at(d, "/components/schemas/Color/enum")
                    .as_array_mut()
                    .unwrap()
                    .push(json!("blue"));
            },
            Release::Compatible,
            "+ variant widgets::types::Color::Blue",
        ),
        ("no_change", |_| {}, Release::None, ""),
    ];
    let mut verdicts = Vec::new();
    for (name, edit, expected, item) in cases {
        let mut doc = base.clone();
        edit(&mut doc);
        let json = work.join(format!("{name}.json"));
        api_diff::rustdoc_json(&generate(&doc, &work.join(name)), &target, &json).unwrap();
        let report = api_diff::compare(&root, &base_json, &json).unwrap();
        let text = report.to_string();
        println!("== {name}\n{text}");
        assert_eq!(report.needed, expected, "{name}:\n{text}");
        if !item.is_empty() {
            assert!(text.contains(item), "{name} should list `{item}`:\n{text}");
        }
        // Both crates are 0.1.0: only an unchanged API is enough.
        assert_eq!(
            report.version_is_enough(),
            expected == Release::None,
            "{name}"
        );
        verdicts.push((name, report));
    }
    // Breaking verdicts come from cargo-semver-checks, with the lint that fired.
    let removed = &verdicts[0].1;
    assert!(
        removed.breaking.iter().any(|b| b.contains("delete_widget")),
        "{:?}",
        removed.breaking
    );
    let required = &verdicts[1].1;
    assert!(
        required.breaking.iter().any(|b| b.contains("list_widgets")),
        "{:?}",
        required.breaking
    );
    // Additions break nobody: models and enums are `#[non_exhaustive]`.
    for (name, report) in &verdicts[2..] {
        assert!(report.breaking.is_empty(), "{name}: {:?}", report.breaking);
        assert!(report.removed.is_empty(), "{name}: {:?}", report.removed);
    }
}
