//! Path parameters, percent-encoded so each stays one segment.

use super::error::RequestError;
use super::params::simple_text;
use super::request::RequestParts;

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl RequestParts {
    /// A string path parameter, percent-encoded so it stays one segment.
    pub(crate) fn path_segment(&mut self, value: &str) {
        // Ids, the usual values, need no escaping: copy them whole.
        if value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            self.path.push_str(value);
        } else {
            self.path
                .extend(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
        }
    }

    /// A path parameter of any type, in the `simple` style, percent-encoded.
    pub(crate) fn path_param<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), RequestError> {
        let text = simple_text(value, false)?;
        self.path_segment(&text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_cannot_leave_the_segment() {
        let mut parts = RequestParts::default();
        parts.path("/a/");
        parts.path_segment("x/../y?z#é");
        assert_eq!(parts.path, "/a/x%2F..%2Fy%3Fz%23%C3%A9");
        let mut parts = RequestParts::default();
        parts.path_param(&42).unwrap();
        parts.path("/");
        parts.path_param(&vec!["a b", "c"]).unwrap();
        assert_eq!(parts.path, "42/a%20b%2Cc");
    }
}
