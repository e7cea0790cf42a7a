//! The generated crate's manifest against what Cargo resolves for it: the
//! `rust-version` it declares covers every dependency's own, the runtime crate
//! of this workspace (compiled and tested here) asks for the same versions the
//! generated crates get, and no crate is compiled twice on this platform. And
//! the workspace's own: `cargo xtask` builds its dependencies with the features
//! `cargo test --workspace` builds them with.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
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

/// Each TLS feature of the generated crate brings its own TLS and no other:
/// `rustls-ring` must not build aws-lc's C (the reason it exists), `native-tls`
/// no rustls.
#[test]
fn each_tls_feature_brings_its_own_tls_and_no_other() {
    let tags = "auth,data-center-facilities,port-orders,ports,metros,layer-2-connections";
    let cases: [(Option<&str>, &[&str], &[&str]); 3] = [
        (
            None,
            &["aws-lc-sys", "rustls"],
            &["ring", "openssl-sys", "native-tls"],
        ),
        (
            Some("native-tls"),
            &["openssl-sys", "native-tls"],
            &["rustls", "aws-lc-sys", "aws-lc-rs", "ring"],
        ),
        (
            Some("rustls-ring"),
            &["ring", "rustls"],
            &["aws-lc-sys", "aws-lc-rs", "openssl-sys"],
        ),
    ];
    for (tls, present, absent) in cases {
        let features = tls.map(|t| format!("{t},{tags}"));
        let mut args = vec![
            "tree",
            "--locked",
            "-e",
            "normal",
            "-p",
            "consoleconnect",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ];
        if let Some(f) = &features {
            args.extend(["--no-default-features", "--features", f]);
        }
        let tree = cargo(&args);
        let names: Vec<&str> = tree
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        for p in present {
            assert!(names.contains(p), "{tls:?}: {p} missing\n{tree}");
        }
        for p in absent {
            assert!(!names.contains(p), "{tls:?}: {p} present\n{tree}");
        }
    }
}

/// Every package of `cargo tree ARGS` with each set of features it is built
/// with (a derive macro's dependencies and the code's own can differ).
fn features(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut all = vec!["tree", "--locked", "--prefix", "none", "-f", "{p} {f}"];
    all.extend_from_slice(args);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in cargo(&all).lines() {
        let line = line.trim_end_matches(" (*)");
        let Some((package, features)) = line.rsplit_once(' ') else {
            continue;
        };
        let name: Vec<&str> = package.split(' ').take(2).collect();
        out.entry(name.join(" "))
            .or_default()
            .insert(features.to_string());
    }
    out
}

/// `cargo xtask` (`cargo run -p xtask`) resolves the features of xtask's
/// dependencies without the rest of the workspace. Where it resolved fewer than
/// `cargo test --workspace` does, the first `cargo test` after `cargo xtask
/// codegen` built the generator and everything below it again; `xtask/Cargo.toml`
/// asks for the rest (its feature pins).
#[test]
fn xtask_alone_builds_its_dependencies_as_the_workspace_does() {
    let alone = features(&["-p", "xtask", "-e", "normal,build"]);
    let workspace = features(&["--workspace", "-e", "normal,build,dev"]);
    assert!(alone.contains_key("codegen v0.1.0"), "{alone:?}");
    let differ: Vec<String> = alone
        .iter()
        .filter(|(package, set)| workspace.get(*package) != Some(*set))
        .map(|(package, set)| {
            format!(
                "{package}: xtask alone {set:?}, the workspace {:?}",
                workspace.get(package)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "pin these features in xtask/Cargo.toml:\n{}",
        differ.join("\n")
    );
}
