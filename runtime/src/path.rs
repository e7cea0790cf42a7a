//! Path parameters, percent-encoded so each stays one segment.

use super::error::RequestError;
use super::params::simple_text;

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded so it stays one segment.
pub(crate) fn path_param<T: serde::Serialize>(value: &T) -> Result<String, RequestError> {
    let text = simple_text(value, false)?;
    Ok(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
}

/// A string path parameter, percent-encoded onto the URL.
pub(crate) fn push_path_segment(url: &mut String, value: &str) {
    // Ids, the usual values, need no escaping: copy them whole.
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        url.push_str(value);
    } else {
        url.extend(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_cannot_leave_the_segment() {
        let mut url = String::from("/a/");
        push_path_segment(&mut url, "x/../y?z#é");
        assert_eq!(url, "/a/x%2F..%2Fy%3Fz%23%C3%A9");
        assert_eq!(path_param(&42).unwrap(), "42");
        assert_eq!(path_param(&vec!["a b", "c"]).unwrap(), "a%20b%2Cc");
    }
}
