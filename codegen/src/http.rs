//! HTTP facts of an operation, parsed once: its method and its path template.

/// The methods a Path Item Object can hold an operation under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key of a Path Item Object (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The method as sent (`GET`), which is also the name of its `reqwest::Method` constant.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// A path template (`/api/company/{company}/ports`), split into literal text and
/// parameter names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as written.
    pub text: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
}

impl PathTemplate {
    /// Splits a template. A `{` without its `}` is literal text; so are empty braces.
    pub fn parse(path: &str) -> Self {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            literal.push_str(&rest[..start]);
            if name.is_empty() {
                literal.push_str("{}");
            } else {
                if !literal.is_empty() {
                    segments.push(Segment::Literal(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Param(name.to_string()));
            }
            rest = &rest[start + len + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Self {
            text: path.to_string(),
            segments,
        }
    }

    /// Names of the parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(p) => Some(p.as_str()),
            Segment::Literal(_) => None,
        })
    }

    pub fn has_param(&self, name: &str) -> bool {
        self.params().any(|p| p == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Segment {
        Segment::Literal(s.into())
    }

    fn param(s: &str) -> Segment {
        Segment::Param(s.into())
    }

    #[test]
    fn templates_split_into_literals_and_params() {
        assert_eq!(
            PathTemplate::parse("/a/{b}/c.{d}").segments,
            vec![lit("/a/"), param("b"), lit("/c."), param("d")]
        );
        assert_eq!(PathTemplate::parse("/").segments, vec![lit("/")]);
        assert_eq!(
            PathTemplate::parse("{x}{y}").segments,
            vec![param("x"), param("y")]
        );
        assert_eq!(
            PathTemplate::parse("/a/{}/{b").segments,
            vec![lit("/a/{}/{b")]
        );
        let t = PathTemplate::parse("/v1/{id}/x/{id2}");
        assert_eq!(t.params().collect::<Vec<_>>(), vec!["id", "id2"]);
        assert!(t.has_param("id2") && !t.has_param("x"));
    }

    #[test]
    fn methods_round_trip_through_their_keys() {
        for m in HttpMethod::ALL {
            assert_eq!(HttpMethod::from_key(m.key()), Some(m));
            assert_eq!(m.as_str(), m.key().to_ascii_uppercase());
        }
        assert_eq!(HttpMethod::from_key("GET"), None);
        assert_eq!(HttpMethod::from_key("connect"), None);
    }
}
