//! Query parameters in the styles OpenAPI defines.

use super::error::RequestError;
use super::params::scalar_text;
use super::request::RequestParts;

/// How a query parameter is spelled (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl RequestParts {
    /// A query parameter in the document's style.
    pub(crate) fn query<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), RequestError> {
        query_param(&mut self.query, name, value, style, explode)
    }

    /// A query parameter in the default style (`form`, exploded), spelled
    /// short in generated code where it is most common.
    pub(crate) fn query_form<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        query_param(&mut self.query, name, value, Style::Form, true)
    }

    /// A query parameter whose value is JSON text (`content: application/json`).
    pub(crate) fn query_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        let text = serde_json::to_string(value).map_err(|e| {
            RequestError(format!("parameter `{name}` could not be serialised: {e}"))
        })?;
        self.query.push((name.to_string(), text));
        Ok(())
    }
}

/// Appends one parameter to a query string in the document's style.
fn query_param<T: serde::Serialize + ?Sized>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<(), RequestError> {
    let value = serde_json::to_value(value)
        .map_err(|e| RequestError(format!("parameter `{name}` could not be serialised: {e}")))?;
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            let separator = match style {
                Style::SpaceDelimited => " ",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            if style == Style::DeepObject {
                deep(pairs, name, &serde_json::Value::Array(items));
            } else if explode && style == Style::Form {
                pairs.extend(items.iter().map(|i| (name.to_string(), scalar_text(i))));
            } else {
                pairs.push((
                    name.to_string(),
                    items
                        .iter()
                        .map(scalar_text)
                        .collect::<Vec<_>>()
                        .join(separator),
                ));
            }
        }
        serde_json::Value::Object(members) => match style {
            Style::DeepObject => deep(pairs, name, &serde_json::Value::Object(members)),
            _ if explode => pairs.extend(members.iter().map(|(k, v)| (k.clone(), scalar_text(v)))),
            _ => pairs.push((
                name.to_string(),
                members
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                    .collect::<Vec<_>>()
                    .join(","),
            )),
        },
        scalar => pairs.push((name.to_string(), scalar_text(&scalar))),
    }
    Ok(())
}

/// `name[key][sub]=value`, with array items indexed.
pub(crate) fn deep(pairs: &mut Vec<(String, String)>, prefix: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (k, v) in members {
                deep(pairs, &format!("{prefix}[{k}]"), v);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deep(pairs, &format!("{prefix}[{i}]"), v);
            }
        }
        serde_json::Value::Null => {}
        scalar => pairs.push((prefix.to_string(), scalar_text(scalar))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(value: serde_json::Value, style: Style, explode: bool) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        query_param(&mut pairs, "p", &value, style, explode).unwrap();
        pairs
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn every_style_is_spelled_as_openapi_says() {
        assert_eq!(
            q(json!(["a", "b"]), Style::Form, true),
            pairs(&[("p", "a"), ("p", "b")])
        );
        assert_eq!(
            q(json!(["a", "b"]), Style::Form, false),
            pairs(&[("p", "a,b")])
        );
        assert_eq!(
            q(json!(["a", "b"]), Style::SpaceDelimited, false),
            pairs(&[("p", "a b")])
        );
        assert_eq!(
            q(json!(["a", "b"]), Style::PipeDelimited, false),
            pairs(&[("p", "a|b")])
        );
        assert_eq!(q(json!({"x": 1}), Style::Form, true), pairs(&[("x", "1")]));
        assert_eq!(
            q(json!({"x": 1, "y": 2}), Style::Form, false),
            pairs(&[("p", "x,1,y,2")])
        );
        assert_eq!(
            q(json!({"x": {"y": [1, 2]}}), Style::DeepObject, true),
            pairs(&[("p[x][y][0]", "1"), ("p[x][y][1]", "2")])
        );
        assert!(q(json!(null), Style::Form, true).is_empty());
        let mut parts = RequestParts::default();
        parts.query_json("f", &json!({"a": 1})).unwrap();
        parts.query("g", &2, Style::Form, true).unwrap();
        assert_eq!(parts.query, pairs(&[("f", r#"{"a":1}"#), ("g", "2")]));
    }

    /// The short call of the default style writes what the general one does.
    #[test]
    fn query_form_is_form_exploded() {
        for value in [json!(["a b", "c"]), json!({"x": 1, "y": "z"}), json!(3)] {
            let mut short = RequestParts::default();
            short.query_form("p", &value).unwrap();
            let mut general = RequestParts::default();
            general.query("p", &value, Style::Form, true).unwrap();
            assert_eq!(short.query, general.query);
            assert!(!short.query.is_empty());
        }
    }
}
