//! `application/x-www-form-urlencoded` bodies.

use super::error::RequestError;
use super::params::scalar_text;
use super::query::deep;
use super::request::RequestParts;

impl RequestParts {
    /// An `application/x-www-form-urlencoded` body.
    pub(crate) fn form<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<(), RequestError> {
        let body = form_body(value)?;
        self.bytes(content_type, body);
        Ok(())
    }
}

/// An `application/x-www-form-urlencoded` body: members as form fields,
/// nested objects and arrays in bracket notation.
fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, RequestError> {
    let value = serde_json::to_value(value)
        .map_err(|e| RequestError(format!("the body could not be serialised: {e}")))?;
    let mut pairs = Vec::new();
    match value {
        serde_json::Value::Object(members) => {
            for (k, v) in &members {
                match v {
                    serde_json::Value::Array(items)
                        if items.iter().all(|i| !i.is_object() && !i.is_array()) =>
                    {
                        pairs.extend(items.iter().map(|i| (k.clone(), scalar_text(i))));
                    }
                    _ => deep(&mut pairs, k, v),
                }
            }
        }
        other => {
            return Err(RequestError(format!(
                "a form body must be an object, not {other}"
            )));
        }
    }
    let mut encoder = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        encoder.append_pair(k, v);
    }
    Ok(encoder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_become_fields_and_nesting_brackets() {
        let body =
            form_body(&json!({"a": "x y", "tags": ["t1", "t2"], "meta": {"k": "v"}})).unwrap();
        assert_eq!(body, "a=x+y&tags=t1&tags=t2&meta%5Bk%5D=v");
        assert!(form_body(&json!([1])).is_err());
    }
}
