//! The JSON fixtures in `spec/examples/` are the vendor's published samples. Each one is
//! linked from the document by an `externalValue` on a media type; this test validates
//! every fixture against that media type's schema, so the document provably accepts what
//! the vendor publishes. It also checks the links both ways (no orphan fixture, no
//! dangling link) and that broken copies of the samples are rejected.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use consoleconnect_tests::json_schema::{close_objects, standalone_schema};
use consoleconnect_tests::{examples_dir, spec_path};
use serde_json::{Value, json};

/// One `externalValue` link: where it is in the document, and the schema it illustrates.
struct Link {
    /// JSON pointer of the example object, for messages.
    location: String,
    /// The media type's schema (an OpenAPI schema object).
    schema: Value,
}

fn load_document() -> Value {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// Every `externalValue` of a media-type example, keyed by the value as written
/// (relative to the spec file).
fn external_values(document: &Value) -> BTreeMap<String, Vec<Link>> {
    let mut links = BTreeMap::new();
    collect(document, "", &mut links);
    links
}

/// Walk the document looking for `content` maps (of responses, request bodies and
/// parameters). Schemas and example values are not walked: a property that happens to be
/// called `content` is not a media-type map.
fn collect(node: &Value, pointer: &str, links: &mut BTreeMap<String, Vec<Link>>) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{pointer}/{i}"), links);
            }
        }
        return;
    };
    for (key, value) in map {
        let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        match key.as_str() {
            "schema" | "schemas" | "example" | "examples" => {}
            "content" => {
                for (media_type, media) in value.as_object().into_iter().flatten() {
                    let at = format!("{here}/{}", media_type.replace('/', "~1"));
                    let examples = media.get("examples").and_then(Value::as_object);
                    for (name, example) in examples.into_iter().flatten() {
                        let Some(file) = example.get("externalValue").and_then(Value::as_str)
                        else {
                            continue;
                        };
                        let schema = media.get("schema").unwrap_or_else(|| {
                            panic!("{at}: example {name} has no schema to check against")
                        });
                        links.entry(file.to_owned()).or_default().push(Link {
                            location: format!("{at}/examples/{name}"),
                            schema: schema.clone(),
                        });
                    }
                }
            }
            _ => collect(value, &here, links),
        }
    }
}

fn spec_dir() -> std::path::PathBuf {
    spec_path()
        .parent()
        .expect("spec file has a directory")
        .to_path_buf()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// All validation errors of `instance` against `schema`, one line each.
fn validation_errors(document: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    errors_against(document, schema, instance, false)
}

/// Like [`validation_errors`]; with `closed`, objects may only have the properties
/// their schema lists.
fn errors_against(document: &Value, schema: &Value, instance: &Value, closed: bool) -> Vec<String> {
    let mut converted =
        standalone_schema(document, schema).expect("schema converts to JSON Schema");
    if closed {
        close_objects(&mut converted);
    }
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&converted)
        .unwrap_or_else(|e| panic!("converted schema is not valid JSON Schema: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
        .collect()
}

/// The fixture files present on disk, as `examples/<name>.json`.
fn fixture_files() -> BTreeSet<String> {
    let dir = examples_dir();
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            format!(
                "examples/{}",
                p.file_name().expect("file name").to_string_lossy()
            )
        })
        .collect()
}

/// The one schema a fixture is linked to (a fixture used twice must mean one thing).
fn schema_of(links: &BTreeMap<String, Vec<Link>>, file: &str) -> Value {
    let found = links
        .get(file)
        .unwrap_or_else(|| panic!("{file} is not linked from the spec"));
    found[0].schema.clone()
}

#[test]
fn every_fixture_is_linked_and_every_link_exists() {
    let document = load_document();
    let links = external_values(&document);
    let on_disk = fixture_files();
    assert!(
        !on_disk.is_empty(),
        "no fixtures in {}",
        examples_dir().display()
    );

    let orphans: Vec<_> = on_disk.iter().filter(|f| !links.contains_key(*f)).collect();
    assert!(
        orphans.is_empty(),
        "fixtures no externalValue links to (give them a schema): {orphans:?}"
    );

    let dangling: Vec<_> = links
        .iter()
        .filter(|(file, _)| !spec_dir().join(file).is_file())
        .map(|(file, found)| format!("{file} (from {})", found[0].location))
        .collect();
    assert!(
        dangling.is_empty(),
        "externalValue links to missing files: {dangling:?}"
    );
}

#[test]
fn every_fixture_validates_against_its_schema() {
    let document = load_document();
    let links = external_values(&document);
    assert!(
        links.len() >= 11,
        "expected at least 11 linked fixtures, found {}",
        links.len()
    );

    let mut failures = Vec::new();
    for (file, found) in &links {
        let instance = read_json(&spec_dir().join(file));
        for link in found {
            let errors = validation_errors(&document, &link.schema, &instance);
            if !errors.is_empty() {
                failures.push(format!(
                    "{file} against {}:\n  {}",
                    link.location,
                    errors.join("\n  ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures rejected by the spec:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_fixture_property_is_described() {
    let document = load_document();
    let links = external_values(&document);
    let mut failures = Vec::new();
    for (file, found) in &links {
        let instance = read_json(&spec_dir().join(file));
        for link in found {
            let errors = errors_against(&document, &link.schema, &instance, true);
            if !errors.is_empty() {
                failures.push(format!(
                    "{file} against {}:\n  {}",
                    link.location,
                    errors.join("\n  ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture properties the spec does not describe:\n{}",
        failures.join("\n")
    );
}

#[test]
fn an_undescribed_property_is_noticed() {
    let document = load_document();
    let links = external_values(&document);
    let file = "examples/list-company-metros.response.json";
    let mut instance = read_json(&spec_dir().join(file));
    instance["results"][0]["capabilities"]["layer9"] = json!(true);
    let schema = schema_of(&links, file);
    assert!(
        validation_errors(&document, &schema, &instance).is_empty(),
        "open objects accept new fields"
    );
    assert!(
        !errors_against(&document, &schema, &instance, true).is_empty(),
        "layer9 went unnoticed"
    );
}

/// Take a real fixture, break one thing in it, and check the spec now rejects it.
fn assert_rejected(file: &str, what: &str, breakage: impl FnOnce(&mut Value)) {
    let document = load_document();
    let links = external_values(&document);
    let schema = schema_of(&links, file);
    let mut instance = read_json(&spec_dir().join(file));
    assert!(
        validation_errors(&document, &schema, &instance).is_empty(),
        "{file} must be valid before it is broken"
    );
    breakage(&mut instance);
    let errors = validation_errors(&document, &schema, &instance);
    assert!(!errors.is_empty(), "{file} with {what} was accepted");
}

#[test]
fn order_speed_as_a_string_is_rejected() {
    assert_rejected(
        "examples/create-port-order.response.json",
        "speed.value as a string",
        |v| {
            v["speed"]["value"] = json!("1000");
        },
    );
}

#[test]
fn order_request_without_a_required_field_is_rejected() {
    assert_rejected(
        "examples/create-port-order.request.json",
        "no portName",
        |v| {
            v.as_object_mut().expect("object").remove("portName");
        },
    );
}

#[test]
fn order_request_with_an_unknown_payment_type_is_rejected() {
    assert_rejected(
        "examples/create-port-order.request.json",
        "paymentType bitcoin",
        |v| {
            v["paymentType"] = json!("bitcoin");
        },
    );
}

#[test]
fn order_request_below_the_minimum_speed_is_rejected() {
    assert_rejected("examples/create-port-order.request.json", "speed 10", |v| {
        v["speed"] = json!(10);
    });
}

#[test]
fn embedded_port_with_an_object_speed_is_rejected() {
    assert_rejected(
        "examples/get-port-order.response.json",
        "port.speed as an object",
        |v| {
            v["port"]["speed"] = json!({"value": 1000, "name": "1000 Mbps"});
        },
    );
}

#[test]
fn port_with_a_bad_timestamp_is_rejected() {
    assert_rejected(
        "examples/list-ports.s2s.response.json",
        "createdAt not a date-time",
        |v| {
            v["results"][0]["createdAt"] = json!("last Tuesday");
        },
    );
}

#[test]
fn layer2_request_of_the_wrong_type_is_rejected() {
    assert_rejected(
        "examples/create-layer2-connection.b2b.request.json",
        "type LAYER3",
        |v| {
            v["type"] = json!("LAYER3");
        },
    );
}

#[test]
fn search_result_wrapped_in_an_object_is_rejected() {
    assert_rejected(
        "examples/search-data-center-facilities.response.json",
        "a results wrapper",
        |v| {
            *v = json!({"results": v.clone()});
        },
    );
}
