//! Tests of the YAML reader: what it reads, what it refuses, and where it says so.

use super::*;
use serde_json::json;

fn codes(text: &str) -> Vec<&'static str> {
    read(text)
        .unwrap()
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn scalars_follow_the_yaml_12_core_schema() {
    let v = to_json("a: 1\nb: -9223372036854776000\nc: 1.5\nd: 'x'\ne: ~\nf: true\ng: yes\nh: 2024-01-01\ni: \"2\"\n200: ok\nj: 1e3\n").unwrap();
    assert_eq!(v["a"], json!(1));
    assert!(v["b"].as_f64().unwrap() < -9.2e18);
    assert_eq!(v["c"], json!(1.5));
    assert_eq!(v["d"], json!("x"));
    assert_eq!(v["e"], Value::Null);
    assert_eq!(v["f"], json!(true));
    assert_eq!(v["g"], json!("yes"), "YAML 1.2, as OpenAPI recommends");
    assert_eq!(v["h"], json!("2024-01-01"), "a timestamp keeps its text");
    assert_eq!(v["i"], json!("2"));
    assert_eq!(v["200"], json!("ok"));
    assert_eq!(v["j"], json!(1000.0), "YAML 1.2 floats need no dot");
}

#[test]
fn readings_yaml_11_differs_on_are_warned_where_they_are() {
    let r = read("a: 1\nb: yes\nc: \"yes\"\n").unwrap();
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.pointer.as_str(), d.position),
        ("yaml-1.1", "#/b", Some((2, 4)))
    );
    assert!(!d.is_error());
    assert!(d.message.contains("PyYAML read `true`"), "{}", d.message);
    // A key too: `on` is `true` to PyYAML.
    let r = read("on: 1\n").unwrap();
    assert_eq!(r.value, json!({"on": 1}));
    assert_eq!(r.diagnostics[0].pointer, "#/on");
}

#[test]
fn flow_collections_may_close_at_their_keys_indentation() {
    // What libyaml, PyYAML and js-yaml read; yaml-rust2 refused it.
    let v = to_json("s:\n  enum: [\n    \"a\", \"b\",\n  ]\n  type: string\nm:\n  example: {\n    \"a\": [\n    1],\n  }\n")
        .unwrap();
    assert_eq!(v["s"]["enum"], json!(["a", "b"]));
    assert_eq!(v["s"]["type"], json!("string"));
    assert_eq!(v["m"]["example"], json!({"a": [1]}));
    let v = to_json("a:\n  b: [\n1, 2\n]\n").unwrap();
    assert_eq!(v, json!({"a": {"b": [1, 2]}}));
}

#[test]
fn merge_keys_follow_pyyaml() {
    let v = to_json(
        "base: &b {x: 1, y: 2}\n\
         own_wins: {<<: *b, x: 3}\n\
         own_wins_after: {x: 3, <<: *b}\n\
         a: &a {x: 1}\n\
         c: &c {x: 2, y: 3}\n\
         first_of_list_wins: {<<: [*a, *c]}\n\
         later_key_wins: {<<: *a, <<: *c}\n\
         nested:\n  deeper:\n    <<: {<<: {y: 2}, x: 1}\n    z: 0\n\
         quoted: {'<<': {x: 1}}\n",
    )
    .unwrap();
    assert_eq!(v["own_wins"], json!({"x": 3, "y": 2}));
    assert_eq!(v["own_wins_after"], json!({"x": 3, "y": 2}));
    let keys: Vec<_> = v["own_wins_after"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["x", "y"], "merged members come first");
    assert_eq!(v["first_of_list_wins"], json!({"x": 1, "y": 3}));
    assert_eq!(v["later_key_wins"], json!({"x": 2, "y": 3}));
    assert_eq!(v["nested"]["deeper"], json!({"y": 2, "x": 1, "z": 0}));
    assert_eq!(v["quoted"], json!({"<<": {"x": 1}}));
}

#[test]
fn a_merge_of_something_else_is_reported_and_left_out() {
    let r = read("a:\n  <<: 1\n  b: 2\n").unwrap();
    assert_eq!(r.value, json!({"a": {"b": 2}}));
    let d = &r.diagnostics[0];
    assert_eq!((d.code.as_str(), d.pointer.as_str()), ("yaml", "#/a"));
    assert!(d.is_error() && !d.is_fatal());
}

#[test]
fn a_duplicate_key_names_both_lines_and_keeps_the_last() {
    let r = read("paths:\n  /a:\n    get: {operationId: one}\n  /b: {}\n  /a:\n    post: {operationId: two}\n").unwrap();
    assert_eq!(
        r.value["paths"],
        json!({"/a": {"post": {"operationId": "two"}}, "/b": {}})
    );
    let keys: Vec<_> = r.value["paths"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["/a", "/b"], "at the first one's place");
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, Code::DuplicateKey);
    assert_eq!(d.pointer, "#/paths/~1a");
    assert_eq!(d.position, Some((5, 3)));
    assert!(d.message.contains("lines 2 and 5"), "{}", d.message);
    assert!(d.repaired.as_deref().unwrap().contains("line 5 is kept"));
    assert!(
        d.is_error() && !d.is_fatal(),
        "validate fails, generate goes on"
    );
    // Keys that resolve alike are the same key.
    assert_eq!(codes("true: 1\nTrue: 2\n"), ["duplicate-key"]);
    // Many duplicates stay linear (an index is built once).
    let mut text = String::new();
    for round in 0..2 {
        for i in 0..20_000 {
            text.push_str(&format!("k{i}: {round}\n"));
        }
    }
    let r = read(&text).unwrap();
    assert_eq!(r.diagnostics.len(), 20_000);
    assert_eq!(r.value["k7"], json!(1));
}

#[test]
fn what_pyyaml_refuses_is_read_and_reported() {
    // A second document.
    let r = read("a: 1\n---\nb: 2\n").unwrap();
    assert_eq!(r.value, json!({"a": 1}));
    assert_eq!(r.diagnostics[0].code, Code::Yaml);
    assert_eq!(r.diagnostics[0].position, Some((2, 1)));
    // An anchor defined twice: aliases take the latest.
    let r = read("a: &x 1\nb: &x 2\nc: *x\n").unwrap();
    assert_eq!(r.value["c"], json!(2));
    assert_eq!(r.diagnostics[0].code, Code::Yaml);
    // Tags JSON has no use for.
    let r = read("a: !custom x\nb: !!set {x}\nc: !!int 12\n").unwrap();
    assert_eq!(r.value, json!({"a": "x", "b": {"x": null}, "c": 12}));
    assert_eq!(r.diagnostics.len(), 2);
    // A complex key: its JSON text.
    assert_eq!(to_json("{[1, 2]: a}").unwrap(), json!({"[1,2]": "a"}));
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let v = to_json("base: &b {x: 1}\nuse: *b\n").unwrap();
    assert_eq!(v["use"], json!({"x": 1}));
}

#[test]
fn positions_point_at_members() {
    let text = "openapi: 3.0.0\npaths:\n  /pets:\n    get:\n      parameters:\n        - name: id\n          in: path\n";
    let p = positions(text).unwrap();
    assert_eq!(p["#/paths/~1pets/get"], (4, 5));
    assert_eq!(p["#/paths/~1pets/get/parameters/0"], (6, 11));
    assert_eq!(p["#/paths/~1pets/get/parameters/0/in"], (7, 11));
    let json = positions("{\n  \"a\": {\"b\": [1, 2]}\n}").unwrap();
    assert_eq!(json["#/a/b/1"], (2, 18));
    let p = positions("a:\n  é: 1\n  b: 2\n").unwrap();
    assert_eq!(p["#/a/b"], (3, 3), "columns count characters");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let e = to_json(&deep).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{e:?}");
    let mut block = String::new();
    for i in 0..200 {
        block.push_str(&format!("{}k:\n", " ".repeat(i)));
    }
    block.push_str(&format!("{}v: 1\n", " ".repeat(200)));
    let e = to_json(&block).unwrap_err();
    assert!(e.message.contains("nested more than"), "{e:?}");
}

#[test]
fn syntax_errors_have_a_line() {
    let e = to_json("a: [1, 2\nb: 3\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.line >= 2, "{e:?}");
    assert!(e.message.contains("flow sequence"), "{e:?}");
    let e = to_json("a: 1\nb: \u{1}\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 4), "{e:?}");
    let e = to_json("a: *nowhere\n").unwrap_err();
    assert!(e.message.contains("*nowhere"), "{e:?}");
}

#[test]
fn the_alias_limit_holds_for_merges_too() {
    let mut text = String::from("a0: &a0 {x: 1, y: 2}\n");
    for i in 1..30 {
        let before = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} {{<<: *a{before}, k{i}: [*a{before}, *a{before}]}}\n"
        ));
    }
    let e = to_json(&text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
}
