//! The generated crate's manifest against what Cargo resolves for it: the
//! `rust-version` it declares covers every dependency's own, the runtime crate
//! of this workspace (compiled and tested here) asks for the same versions the
//! generated crates get, and no crate is compiled twice on this platform.

use serde_json::Value;
use std::process::Command;

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(xtask::workspace_root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn metadata() -> Value {
    serde_json::from_str(&cargo(&["metadata", "--format-version", "1", "--locked"])).unwrap()
}

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

fn package<'a>(meta: &'a Value, name: &str) -> &'a Value {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("package {name}"))
}

#[test]
fn the_declared_rust_version_covers_every_dependency() {
    let meta = metadata();
    let ours = package(&meta, "consoleconnect");
    assert_eq!(ours["rust_version"], codegen::output::RUST_VERSION);
    assert_eq!(ours["edition"], codegen::output::EDITION);
    let declared = version(codegen::output::RUST_VERSION);
    assert!(declared >= (1, 85, 0), "edition 2024 needs Rust 1.85");

    // Walk the normal dependencies Cargo resolved for the generated crate.
    let nodes: Vec<&Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let node = |id: &str| *nodes.iter().find(|n| n["id"] == id).unwrap();
    let mut seen = vec![ours["id"].as_str().unwrap().to_string()];
    let mut next = 0;
    let mut newest = ("nothing".to_string(), (0, 0, 0));
    while next < seen.len() {
        let id = seen[next].clone();
        next += 1;
        for dep in node(&id)["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            let dep_id = dep["pkg"].as_str().unwrap().to_string();
            if normal && !seen.contains(&dep_id) {
                seen.push(dep_id);
            }
        }
    }
    for id in &seen[1..] {
        let p = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id.as_str())
            .unwrap();
        if let Some(needs) = p["rust_version"].as_str() {
            let needs = version(needs);
            assert!(
                needs <= declared,
                "{} needs Rust {needs:?}; the generated crate declares {}",
                p["name"],
                codegen::output::RUST_VERSION
            );
            if needs > newest.1 {
                newest = (p["name"].as_str().unwrap().to_string(), needs);
            }
        }
    }
    assert!(seen.len() > 20, "reqwest's tree was walked: {}", seen.len());
    println!("the newest requirement: {newest:?}");
}

#[test]
fn the_runtime_crate_asks_for_the_versions_generated_crates_get() {
    let meta = metadata();
    let generated = package(&meta, "consoleconnect");
    let runtime = package(&meta, "client-runtime");
    assert_eq!(runtime["rust_version"], codegen::output::RUST_VERSION);
    assert_eq!(runtime["edition"], codegen::output::EDITION);
    let mut compared = 0;
    for dep in generated["dependencies"].as_array().unwrap() {
        let name = dep["name"].as_str().unwrap();
        let Some(there) = runtime["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name && d["kind"].is_null())
        else {
            continue;
        };
        assert_eq!(there["req"], dep["req"], "{name}");
        compared += 1;
    }
    assert!(compared >= 8, "only {compared} dependencies compared");
}

#[test]
fn no_crate_of_the_generated_crate_is_compiled_twice() {
    // The library, and with its program (crate feature `cli`).
    for features in ["default", "cli"] {
        let tree = cargo(&[
            "tree",
            "--locked",
            "-d",
            "-e",
            "normal",
            "-p",
            "consoleconnect",
            "--features",
            features,
        ]);
        let duplicated: Vec<&str> = tree
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphanumeric()))
            .collect();
        assert!(
            duplicated.is_empty(),
            "duplicated with {features}: {duplicated:?}\n{tree}"
        );
    }
}
