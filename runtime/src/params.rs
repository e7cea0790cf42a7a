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
    let text = simple_text(value, false)?;
    reqwest::header::HeaderValue::from_str(&text).map_err(|_| {
        RequestError(format!(
            "header `{name}` has characters not allowed in an HTTP header"
        ))
    })
}

/// A header value given as text (`with_header`): CR and LF are refused with a
/// clear error, as they would split the header; so are other control characters.
pub(crate) fn check_header_value(
    name: &str,
    value: &str,
) -> Result<reqwest::header::HeaderValue, RequestError> {
    if value.contains(['\r', '\n']) {
        return Err(RequestError(format!(
            "header `{name}`: a value with CR or LF is refused (it would split the header)"
        )));
    }
    reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        RequestError(format!(
            "header `{name}` has characters not allowed in an HTTP header"
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
    fn a_header_value_with_cr_or_lf_is_refused() {
        assert_eq!(check_header_value("h", "a b\tc").unwrap(), "a b\tc");
        for bad in ["a\r\nX-Injected: 1", "a\nb", "a\rb"] {
            let e = check_header_value("X-Trace", bad).unwrap_err().to_string();
            assert!(e.contains("CR or LF") && e.contains("X-Trace"), "{e}");
        }
        assert!(check_header_value("h", "a\u{7f}").is_err());
    }

    #[test]
    fn a_header_with_a_newline_is_refused() {
        assert!(header_value("h", &"ok").is_ok());
        assert!(
            header_value("h", &"a\nb")
                .unwrap_err()
                .to_string()
                .contains("`h`")
        );
    }
}
