//! Parameter values as text: the `simple` style of path and header parameters, cookies.

use super::error::RequestError;

/// Text of a parameter value in the `simple` style (path and header parameters).
pub(crate) fn simple_text<T: serde::Serialize + ?Sized>(
    value: &T,
    explode: bool,
) -> Result<String, RequestError> {
    let value = serde_json::to_value(value)
        .map_err(|e| RequestError(format!("a parameter could not be serialised: {e}")))?;
    Ok(match value {
        serde_json::Value::Array(items) => {
            items.iter().map(scalar_text).collect::<Vec<_>>().join(",")
        }
        serde_json::Value::Object(members) => members
            .iter()
            .map(|(k, v)| {
                if explode {
                    format!("{k}={}", scalar_text(v))
                } else {
                    format!("{k},{}", scalar_text(v))
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        other => scalar_text(&other),
    })
}

/// `name=value` for a `Cookie` header.
pub(crate) fn cookie_pair<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<String, RequestError> {
    Ok(format!("{name}={}", simple_text(value, false)?))
}

/// A header parameter's value.
pub(crate) fn header_value<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<reqwest::header::HeaderValue, RequestError> {
    header_value_from_text(name, &simple_text(value, false)?)
}

/// The one check of every header value the client sends (parameters and headers
/// set per request): a line break (CR or LF) would end the header and let the
/// rest of the value inject headers of its own, so it is refused, naming the
/// header; so are the other bytes HTTP does not allow (NUL and other controls).
pub fn header_value_from_text(
    name: &str,
    text: &str,
) -> Result<reqwest::header::HeaderValue, RequestError> {
    if text.contains(['\r', '\n']) {
        return Err(RequestError(format!(
            "header `{name}` has a line break (CR or LF) in its value {text:?}, which would end the header and could add others; the request is not sent"
        )));
    }
    reqwest::header::HeaderValue::from_str(text).map_err(|_| {
        RequestError(format!(
            "header `{name}` has characters not allowed in an HTTP header (a control character) in its value {text:?}; the request is not sent"
        ))
    })
}

/// A scalar as parameter text: strings bare, `null` empty, others as JSON.
pub(crate) fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn simple_style_spells_arrays_and_objects() {
        assert_eq!(
            simple_text(&json!(["a", 1, true]), false).unwrap(),
            "a,1,true"
        );
        assert_eq!(
            simple_text(&json!({"x": 1, "y": "b"}), false).unwrap(),
            "x,1,y,b"
        );
        assert_eq!(
            simple_text(&json!({"x": 1, "y": "b"}), true).unwrap(),
            "x=1,y=b"
        );
        assert_eq!(cookie_pair("c", &"v").unwrap(), "c=v");
    }

    #[test]
    fn a_header_with_a_line_break_is_refused_naming_it() {
        assert_eq!(header_value("h", &"ok").unwrap(), "ok");
        for value in ["a\nb", "a\rb", "a\r\nX-Injected: 1", "\n"] {
            let err = header_value("X-Trace", &value).unwrap_err().to_string();
            assert!(
                err.contains("`X-Trace`") && err.contains("line break"),
                "{value:?}: {err}"
            );
        }
        let err = header_value_from_text("h", "a\0b").unwrap_err().to_string();
        assert!(err.contains("control character"), "{err}");
    }
}
