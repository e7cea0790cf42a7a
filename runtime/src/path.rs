//! Path parameters in the styles OpenAPI defines (`simple`, `label`, `matrix`,
//! exploded or not), percent-encoded so that each stays inside its place in the
//! template, and refused when their value would make the path name another
//! resource.

use super::error::RequestError;
use super::params::scalar_text;
use super::request::RequestParts;

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a path parameter is spelled (OpenAPI `style`): `simple` is `5` or
/// `3,4,5`, `label` is `.5` or `.3.4.5` exploded, `matrix` is `;id=5` or
/// `;id=3;id=4` exploded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathStyle {
    Simple,
    Label,
    Matrix,
}

impl RequestParts {
    /// A string path parameter in the `simple` style: percent-encoded so it stays
    /// one segment, and refused when it would leave it (see [`check_path_value`]).
    pub(crate) fn path_segment(&mut self, name: &str, value: &str) -> Result<(), RequestError> {
        check_path_value(name, value)?;
        push_encoded(&mut self.path, value);
        Ok(())
    }

    /// A path parameter of any type in the default style (`simple`, not
    /// exploded), spelled short in generated code where it is most common.
    pub(crate) fn path_simple<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        self.path_param(name, value, PathStyle::Simple, false)
    }

    /// A path parameter of any type, in its style, percent-encoded: the
    /// delimiters the style adds are written as they are, the values escaped.
    pub(crate) fn path_param<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: PathStyle,
        explode: bool,
    ) -> Result<(), RequestError> {
        let value = serde_json::to_value(value).map_err(|e| {
            RequestError(format!(
                "path parameter `{name}` could not be serialised: {e}"
            ))
        })?;
        // The value as text, whatever the style: what the caller meant to send.
        let text = match &value {
            serde_json::Value::Array(items) => {
                items.iter().map(scalar_text).collect::<Vec<_>>().join(",")
            }
            serde_json::Value::Object(members) => members
                .iter()
                .map(|(k, v)| format!("{k},{}", scalar_text(v)))
                .collect::<Vec<_>>()
                .join(","),
            other => scalar_text(other),
        };
        check_path_value(name, &text)?;
        let piece = render(name, &value, style, explode);
        // What the style adds can itself make a dot segment: a `label` of two
        // empty items exploded is `..`.
        if is_dot_segment(&piece) {
            return Err(RequestError(format!(
                "path parameter `{name}` ({text:?}) is written `{piece}` in its style, a dot segment that would change which resource the path names; the request is not sent"
            )));
        }
        self.path.push_str(&piece);
        Ok(())
    }
}

/// Refuses a path parameter value that would make the path name another
/// resource once servers (or URL normalisation) read it: empty (the segment
/// disappears, `/ports/` is the list), `.` or `..` (removed or climbing one level),
/// the same percent-encoded (`%2e`, `.%2E`), or a value holding such a segment
/// between slashes (`../admin`, also with `%2F` or `\`), which a server that
/// decodes slashes before routing would follow.
pub fn check_path_value(name: &str, value: &str) -> Result<(), RequestError> {
    let decoded = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
    let bad = decoded.is_empty()
        || decoded
            .split(['/', '\\'])
            .any(|segment| segment == "." || segment == "..");
    if bad {
        return Err(RequestError(format!(
            "path parameter `{name}` is {value:?}: an empty value, `.` or `..` (also percent-encoded, as `%2e`, or between slashes) would change which resource the path names, so the request is not sent"
        )));
    }
    Ok(())
}

/// Whether a piece of path text is empty, `.` or `..` once percent-decoded.
fn is_dot_segment(text: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    matches!(&*decoded, "" | "." | "..")
}

fn push_encoded(out: &mut String, value: &str) {
    // Ids, the usual values, need no escaping: copy them whole.
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        out.push_str(value);
    } else {
        out.extend(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
    }
}

/// A parameter as RFC 6570 expands `{name}`, `{.name}` and `{;name}` (with `*`
/// when exploded).
fn render(name: &str, value: &serde_json::Value, style: PathStyle, explode: bool) -> String {
    let mut out = String::new();
    // Pairs (`k`, `v`) of an object, or items of an array, as text.
    let (pairs, items): (Vec<(String, String)>, Vec<String>) = match value {
        serde_json::Value::Object(members) => (
            members
                .iter()
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect(),
            Vec::new(),
        ),
        serde_json::Value::Array(list) => (Vec::new(), list.iter().map(scalar_text).collect()),
        other => (Vec::new(), vec![scalar_text(other)]),
    };
    let is_object = value.is_object();
    match style {
        PathStyle::Simple | PathStyle::Label => {
            let prefix = if style == PathStyle::Label { "." } else { "" };
            // Exploded labels separate items with `.`; everything else with `,`.
            let separator = if explode && style == PathStyle::Label {
                "."
            } else {
                ","
            };
            out.push_str(prefix);
            if is_object {
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(separator);
                    }
                    push_encoded(&mut out, k);
                    out.push_str(if explode { "=" } else { "," });
                    push_encoded(&mut out, v);
                }
            } else {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(separator);
                    }
                    push_encoded(&mut out, item);
                }
            }
        }
        PathStyle::Matrix => {
            if is_object && explode {
                for (k, v) in &pairs {
                    out.push(';');
                    push_encoded(&mut out, k);
                    out.push('=');
                    push_encoded(&mut out, v);
                }
            } else if explode {
                for item in &items {
                    out.push(';');
                    push_encoded(&mut out, name);
                    if !item.is_empty() {
                        out.push('=');
                        push_encoded(&mut out, item);
                    }
                }
            } else {
                out.push(';');
                push_encoded(&mut out, name);
                let joined: Vec<String> = if is_object {
                    pairs
                        .iter()
                        .flat_map(|(k, v)| [k.clone(), v.clone()])
                        .collect()
                } else {
                    items
                };
                if joined.iter().any(|s| !s.is_empty()) || joined.len() > 1 {
                    out.push('=');
                    for (i, part) in joined.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        push_encoded(&mut out, part);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(value: serde_json::Value, style: PathStyle, explode: bool) -> String {
        let mut parts = RequestParts::default();
        parts.path_param("id", &value, style, explode).unwrap();
        parts.path
    }

    #[test]
    fn reserved_characters_cannot_leave_the_segment() {
        let mut parts = RequestParts::default();
        parts.path("/a/");
        parts.path_segment("id", "x/y?z#é").unwrap();
        assert_eq!(parts.path, "/a/x%2Fy%3Fz%23%C3%A9");
        let mut parts = RequestParts::default();
        parts
            .path_param("n", &42, PathStyle::Simple, false)
            .unwrap();
        parts.path("/");
        parts
            .path_param("l", &vec!["a b", "c,d"], PathStyle::Simple, false)
            .unwrap();
        // Delimiters the style adds stay; a comma inside an item is escaped.
        assert_eq!(parts.path, "42/a%20b,c%2Cd");
        // The short call of the default style writes the same.
        let mut short = RequestParts::default();
        short.path_simple("n", &42).unwrap();
        short.path("/");
        short.path_simple("l", &vec!["a b", "c,d"]).unwrap();
        assert_eq!(short.path, parts.path);
        // And refuses what the general one refuses.
        assert!(short.path_simple("e", "").is_err());
    }

    /// The examples of the OpenAPI specification's style table.
    #[test]
    fn every_style_spells_values_as_the_specification_shows() {
        let (s, l, m) = (PathStyle::Simple, PathStyle::Label, PathStyle::Matrix);
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        for (value, style, explode, expected) in [
            (json!("blue"), s, false, "blue"),
            (json!("blue"), l, false, ".blue"),
            (json!("blue"), m, false, ";id=blue"),
            (json!("blue"), m, true, ";id=blue"),
            (array.clone(), s, false, "blue,black,brown"),
            (array.clone(), s, true, "blue,black,brown"),
            (array.clone(), l, false, ".blue,black,brown"),
            (array.clone(), l, true, ".blue.black.brown"),
            (array.clone(), m, false, ";id=blue,black,brown"),
            (array.clone(), m, true, ";id=blue;id=black;id=brown"),
            (object.clone(), s, false, "R,100,G,200,B,150"),
            (object.clone(), s, true, "R=100,G=200,B=150"),
            (object.clone(), l, false, ".R,100,G,200,B,150"),
            (object.clone(), l, true, ".R=100.G=200.B=150"),
            (object.clone(), m, false, ";id=R,100,G,200,B,150"),
            (object.clone(), m, true, ";R=100;G=200;B=150"),
        ] {
            assert_eq!(
                written(value.clone(), style, explode),
                expected,
                "{value} {style:?} explode={explode}"
            );
        }
    }

    #[test]
    fn values_that_would_leave_their_place_are_refused_naming_parameter_and_value() {
        for value in [
            "",
            ".",
            "..",
            "%2e",
            "%2E",
            "%2e%2E",
            ".%2e",
            "%2E.",
            "../admin",
            "a/../b",
            "..\\x",
            "x/.",
            "%2e%2e%2fadmin",
        ] {
            let mut parts = RequestParts::default();
            let err = parts
                .path_segment("port_id", value)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("`port_id`") && err.contains(&format!("{value:?}")),
                "{value}: {err}"
            );
            assert!(parts.path.is_empty(), "nothing written for {value:?}");
            for style in [PathStyle::Simple, PathStyle::Label, PathStyle::Matrix] {
                for explode in [false, true] {
                    let mut parts = RequestParts::default();
                    assert!(
                        parts.path_param("port_id", value, style, explode).is_err(),
                        "{value:?} {style:?} {explode}"
                    );
                }
            }
        }
        // Arrays and objects are checked as the text they stand for, and as written.
        let mut parts = RequestParts::default();
        assert!(
            parts
                .path_param("ids", &Vec::<String>::new(), PathStyle::Simple, false)
                .is_err()
        );
        assert!(
            parts
                .path_param("ids", &[".."], PathStyle::Matrix, true)
                .is_err()
        );
        let err = parts
            .path_param("ids", &["", ""], PathStyle::Label, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`..`"), "{err}");
        // Dots inside a value are fine.
        for value in ["...", "a.b", "v1.2", ".hidden", "..x", "x..", "%2e%2e%2e"] {
            let mut parts = RequestParts::default();
            parts.path_segment("id", value).unwrap();
        }
    }
}
