//! Credentials of a client and how each security scheme sends them: data, so the
//! code that applies them is written once, not per document.

use super::error::RequestError;
use super::secret::Secret;
use std::fmt;

/// Where a security scheme puts its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// HTTP basic authentication from a user name and password.
    Basic,
    /// `Authorization: <scheme> <credential>` for other HTTP schemes.
    Authorization(&'static str),
    /// An API key in the named header.
    Header(&'static str),
    /// An API key as the named query parameter.
    Query(&'static str),
    /// An API key as the named cookie.
    Cookie(&'static str),
}

#[derive(Clone)]
struct Credential {
    scheme: &'static str,
    placement: Placement,
    user: Option<String>,
    secret: Secret,
}

/// The credentials a client holds, by security scheme name.
#[derive(Clone, Default)]
pub struct Credentials {
    list: Vec<Credential>,
}

impl Credentials {
    /// Sets (or replaces) the credential of a scheme.
    pub fn set(&mut self, scheme: &'static str, placement: Placement, secret: impl Into<String>) {
        self.insert(Credential {
            scheme,
            placement,
            user: None,
            secret: Secret::new(secret),
        });
    }

    /// Sets (or replaces) the user name and password of a basic scheme.
    pub fn set_basic(
        &mut self,
        scheme: &'static str,
        user: impl Into<String>,
        password: impl Into<String>,
    ) {
        self.insert(Credential {
            scheme,
            placement: Placement::Basic,
            user: Some(user.into()),
            secret: Secret::new(password),
        });
    }

    fn insert(&mut self, credential: Credential) {
        self.list.retain(|c| c.scheme != credential.scheme);
        self.list.push(credential);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds the credentials of the given schemes (those the client holds) to a request.
    pub(crate) fn apply(
        &self,
        mut request: reqwest::RequestBuilder,
        schemes: &[&str],
        cookies: &mut Vec<String>,
    ) -> Result<reqwest::RequestBuilder, RequestError> {
        for c in self.list.iter().filter(|c| schemes.contains(&c.scheme)) {
            request = match c.placement {
                Placement::Bearer => request.header(
                    reqwest::header::AUTHORIZATION,
                    c.secret.header_value("Bearer ")?,
                ),
                Placement::Basic => request.basic_auth(
                    c.user.as_deref().unwrap_or_default(),
                    Some(c.secret.expose()),
                ),
                Placement::Authorization(scheme) => request.header(
                    reqwest::header::AUTHORIZATION,
                    c.secret.header_value(&format!("{scheme} "))?,
                ),
                Placement::Header(name) => request.header(name, c.secret.header_value("")?),
                Placement::Query(name) => request.query(&[(name, c.secret.expose())]),
                Placement::Cookie(name) => {
                    cookies.push(format!("{name}={}", c.secret.expose()));
                    request
                }
            };
        }
        Ok(request)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.list.iter().map(|c| (c.scheme, "[redacted]")))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(credentials: &Credentials, schemes: &[&str]) -> (reqwest::Request, Vec<String>) {
        let http = reqwest::Client::new();
        let mut cookies = Vec::new();
        let request = credentials
            .apply(http.get("http://localhost/x"), schemes, &mut cookies)
            .unwrap()
            .build()
            .unwrap();
        (request, cookies)
    }

    #[test]
    fn each_placement_sends_the_credential_where_the_scheme_says() {
        let mut c = Credentials::default();
        c.set("bearer", Placement::Bearer, "t0k");
        c.set("key", Placement::Header("X-Key"), "k");
        c.set("q", Placement::Query("api_key"), "qk");
        c.set("c", Placement::Cookie("session"), "s");
        c.set("digest", Placement::Authorization("Digest"), "d");
        c.set_basic("basic", "ann", "pw");
        let (r, cookies) = applied(&c, &["bearer", "key", "q", "c"]);
        assert_eq!(r.headers()["authorization"], "Bearer t0k");
        assert!(r.headers()["authorization"].is_sensitive());
        assert_eq!(r.headers()["x-key"], "k");
        assert_eq!(r.url().query(), Some("api_key=qk"));
        assert_eq!(cookies, ["session=s"]);
        let (r, _) = applied(&c, &["basic"]);
        assert_eq!(r.headers()["authorization"], "Basic YW5uOnB3");
        let (r, _) = applied(&c, &["digest"]);
        assert_eq!(r.headers()["authorization"], "Digest d");
        let (r, _) = applied(&c, &[]);
        assert!(
            r.headers().is_empty(),
            "only the operation's schemes are sent"
        );
    }

    #[test]
    fn debug_shows_schemes_never_secrets() {
        let mut c = Credentials::default();
        c.set("bearer", Placement::Bearer, "t0k");
        c.set("bearer", Placement::Bearer, "t1k");
        let text = format!("{c:?}");
        assert_eq!(text, r#"{"bearer": "[redacted]"}"#);
    }
}
