//! The parts of a request an operation writes, and its body: what `request`
//! builds and `transport` sends. A leaf module, so that the two do not import
//! each other.

/// The parts of a request an operation writes: path, query, headers, cookies, body.
#[derive(Default)]
pub struct RequestParts {
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Option<Body>,
    /// Members `with_body_member` adds to a JSON body; taken when it is written.
    pub(crate) body_members: Vec<(String, serde_json::Value)>,
}

/// A request body, ready to send.
pub(crate) enum Body {
    Bytes {
        content_type: &'static str,
        bytes: bytes::Bytes,
    },
    /// A body only reqwest can build (multipart forms).
    Custom(Box<dyn FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + Send>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes {
                content_type,
                bytes,
            } => f
                .debug_struct("Bytes")
                .field("content_type", content_type)
                .field("len", &bytes.len())
                .finish(),
            Body::Custom(_) => f.write_str("Custom"),
        }
    }
}
