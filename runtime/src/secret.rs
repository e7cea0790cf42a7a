//! Credentials that never reach logs or error messages.

use super::error::RequestError;
use std::fmt;

/// A credential. Its `Debug` output is redacted, and the header it becomes is
/// marked sensitive, so it never shows up in logs or error messages.
#[derive(Clone)]
pub struct Secret {
    value: String,
    /// The header made from it, built on first use: each credential is sent
    /// the same way on every request.
    header: std::sync::OnceLock<Option<reqwest::header::HeaderValue>>,
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            header: std::sync::OnceLock::new(),
        }
    }

    /// The credential itself; handle with care.
    pub fn expose(&self) -> &str {
        &self.value
    }

    pub(crate) fn header_value(
        &self,
        prefix: &str,
    ) -> Result<reqwest::header::HeaderValue, RequestError> {
        self.header
            .get_or_init(|| {
                let mut value =
                    reqwest::header::HeaderValue::from_str(&format!("{prefix}{}", self.value))
                        .ok()?;
                value.set_sensitive(true);
                Some(value)
            })
            .clone()
            .ok_or_else(|| {
                RequestError(
                    "a credential contains characters not allowed in an HTTP header".into(),
                )
            })
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_the_header_sensitive() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        let h = s.header_value("Bearer ").unwrap();
        assert!(h.is_sensitive());
        assert_eq!(h.to_str().unwrap(), "Bearer hunter2");
        assert!(Secret::new("a\nb").header_value("").is_err());
    }
}
