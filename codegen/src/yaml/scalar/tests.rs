//! Tests of how plain scalars are read (YAML 1.2 core schema) and when a warning says PyYAML reads them otherwise.

use super::*;
use serde_json::json;

fn read(t: &str) -> Value {
    resolve(t.to_string(), None, true).value
}

#[test]
fn plain_scalars_by_the_core_schema() {
    for (text, want) in [
        ("true", json!(true)),
        ("yes", json!("yes")),
        ("Off", json!("Off")),
        ("017", json!(17)),
        ("0o17", json!(15)),
        ("0x1F", json!(31)),
        ("1_000", json!("1_000")),
        ("-0", json!(0)),
        ("+12", json!(12)),
        ("1e3", json!(1000.0)),
        ("1.", json!(1.0)),
        (".5", json!(0.5)),
        ("-.5", json!(-0.5)),
        (".inf", json!(".inf")),
        ("-.Inf", json!("-.Inf")),
        (".NaN", json!(".NaN")),
        ("~", Value::Null),
        ("", Value::Null),
        ("2024-01-01", json!("2024-01-01")),
        ("=", json!("=")),
        (
            "123456789012345678901234567890",
            json!(1.2345678901234568e29),
        ),
        ("-9223372036854775808", json!(i64::MIN)),
        ("18446744073709551615", json!(u64::MAX)),
    ] {
        assert_eq!(read(text), want, "{text}");
    }
    assert!(resolve("<<".into(), None, true).merge);
    assert!(!resolve("<<".into(), None, false).merge);
}

#[test]
fn plain_scalars_as_pyyaml_reads_them() {
    for (text, want) in [
        ("yes", json!(true)),
        ("Off", json!(false)),
        ("y", json!("y")),
        ("017", json!(15)),
        ("0o17", json!("0o17")),
        ("1_000", json!(1000)),
        ("1:30", json!(90)),
        ("0b101", json!(5)),
        ("0x1F", json!(31)),
        ("-0", json!(0)),
        ("09", json!("09")),
        ("1e3", json!("1e3")),
        ("1.0e3", json!("1.0e3")),
        ("1.0e+3", json!(1000.0)),
        ("1.", json!(1.0)),
        (".5", json!(0.5)),
        ("-.5", json!("-.5")),
        ("190:20:30.15", json!(685230.15)),
        (".inf", json!(".inf")),
        ("~", Value::Null),
        ("2024-01-01", json!("2024-01-01")),
        (
            "123456789012345678901234567890",
            json!(1.2345678901234568e29),
        ),
    ] {
        assert_eq!(yaml11(text), want, "{text}");
    }
}

#[test]
fn tags_apply_as_in_pyyaml() {
    let tagged = |t: &str, tag: &str| resolve(t.into(), Some(tag), false);
    assert_eq!(tagged("12", "tag:yaml.org,2002:str").value, json!("12"));
    assert_eq!(tagged("12", "tag:yaml.org,2002:int").value, json!(12));
    assert_eq!(tagged("1", "tag:yaml.org,2002:float").value, json!(1.0));
    assert_eq!(tagged("Yes", "tag:yaml.org,2002:bool").value, json!(true));
    // `!` makes a quoted scalar resolve like a plain one (libyaml sets the
    // plain flag; PyYAML follows it).
    assert_eq!(resolve("12".into(), Some("!"), true).value, json!(12));
    let unknown = tagged("x", "!custom");
    assert_eq!(unknown.value, json!("x"));
    assert_eq!(unknown.ignored_tag.as_deref(), Some("!custom"));
    assert!(tagged("abc", "tag:yaml.org,2002:int").ignored_tag.is_some());
    assert!(tagged("1.5", "tag:yaml.org,2002:int").ignored_tag.is_some());
}

#[test]
fn yaml_11_differences_are_noticed() {
    for (text, v11) in [
        ("yes", json!(true)),
        ("017", json!(15)),
        ("1e3", json!("1e3")),
        ("0o17", json!("0o17")),
        ("-.5", json!("-.5")),
        ("1:30", json!(90)),
    ] {
        assert_eq!(resolve(text.into(), None, true).yaml11, Some(v11), "{text}");
    }
    for same in [
        "true",
        "12",
        "1.5",
        "null",
        "abc",
        "2024-01-01",
        ".inf",
        "+12",
    ] {
        assert_eq!(resolve(same.into(), None, true).yaml11, None, "{same}");
    }
}

#[test]
fn keys_are_written_as_json_dumps_writes_them() {
    assert_eq!(key_text(&json!(true)), "true");
    assert_eq!(key_text(&Value::Null), "null");
    assert_eq!(key_text(&json!(200)), "200");
    for (f, repr) in [
        (1.5, "1.5"),
        (100.0, "100.0"),
        (1e16, "1e+16"),
        (1.5e-5, "1.5e-05"),
        (0.0001, "0.0001"),
        (-2.5e300, "-2.5e+300"),
        (123456789012345.6, "123456789012345.6"),
    ] {
        assert_eq!(python_repr(f), repr, "{f}");
    }
}
