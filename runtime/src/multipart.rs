//! `multipart/form-data` bodies.

use super::error::RequestError;
use super::params::scalar_text;
use super::request::{Body, RequestParts};

impl RequestParts {
    /// A `multipart/form-data` body (reqwest sets the content type and boundary).
    pub(crate) fn multipart<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), RequestError> {
        let form = multipart_body(value)?;
        self.body = Some(Body::Custom(Box::new(move |request| {
            request.multipart(form)
        })));
        Ok(())
    }
}

/// A `multipart/form-data` body: each member a part; strings as text,
/// other values as JSON.
fn multipart_body<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<reqwest::multipart::Form, RequestError> {
    let value = serde_json::to_value(value)
        .map_err(|e| RequestError(format!("the body could not be serialised: {e}")))?;
    let serde_json::Value::Object(members) = value else {
        return Err(RequestError("a multipart body must be an object".into()));
    };
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in members {
        form = match v {
            serde_json::Value::Null => form,
            serde_json::Value::String(s) => form.text(k, s),
            serde_json::Value::Array(items) => {
                let mut form = form;
                for item in items {
                    form = form.text(k.clone(), scalar_text(&item));
                }
                form
            }
            other => form.text(k, other.to_string()),
        };
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_objects_make_a_form() {
        assert!(multipart_body(&serde_json::json!({"a": "b", "n": 1, "l": [1, 2]})).is_ok());
        assert!(multipart_body(&"text").is_err());
    }
}
