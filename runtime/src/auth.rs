//! Credentials of a client and how each security scheme sends them: data, so the
//! code that applies them is written once, not per document. A credential is
//! fixed, or comes from a provider (an OAuth 2 token endpoint, your own code)
//! that the client asks again when the credential expires or the server answers 401.

use super::error::RequestError;
use super::response::RawResponse;
use super::secret::Secret;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// A credential from a [`CredentialProvider`], and how long it may be used.
#[derive(Clone)]
pub struct Token {
    secret: Secret,
    expires_in: Option<Duration>,
}

impl Token {
    /// A credential that does not expire (until the server answers 401).
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            secret: Secret::new(value),
            expires_in: None,
        }
    }

    /// The credential expires this long after it was obtained; the client asks
    /// for a new one shortly before (a tenth of the lifetime, at most 30 s).
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    pub fn lifetime(&self) -> Option<Duration> {
        self.expires_in
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &self.secret)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// What a provider gets to fetch a credential with.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ProviderContext<'a> {
    /// The client's own HTTP client (its proxies, TLS roots and pool).
    pub http: &'a reqwest::Client,
    /// The client's base URL, against which a relative token URL is resolved.
    pub base_url: &'a str,
    /// The client's per-attempt timeout.
    pub timeout: Duration,
}

/// The future a [`CredentialProvider`] returns.
pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Token, CredentialError>> + Send + 'a>>;

/// A source of credentials that change: asked when the client first needs
/// one, again when it expires, and again (once per call) when the server
/// answers 401. Between those the client keeps it; concurrent calls wait for
/// one fetch rather than each making their own.
pub trait CredentialProvider: Send + Sync + 'static {
    /// Fetches a fresh credential.
    fn fetch<'a>(&'a self, context: ProviderContext<'a>) -> CredentialFuture<'a>;
}

/// A provider shared with the code that made it.
impl<T: CredentialProvider> CredentialProvider for Arc<T> {
    fn fetch<'a>(&'a self, context: ProviderContext<'a>) -> CredentialFuture<'a> {
        (**self).fetch(context)
    }
}

/// Why a credential could not be obtained. It never contains the credential
/// or the client secret.
#[derive(Debug)]
pub struct CredentialError(Box<CredentialFailure>);

#[derive(Debug)]
struct CredentialFailure {
    scheme: Option<&'static str>,
    message: String,
    code: Option<String>,
    description: Option<String>,
    response: Option<RawResponse>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CredentialError {
    /// An error with this message (for providers of your own).
    pub fn new(message: impl Into<String>) -> Self {
        Self(Box::new(CredentialFailure {
            scheme: None,
            message: message.into(),
            code: None,
            description: None,
            response: None,
            source: None,
        }))
    }

    /// An error caused by another.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let mut e = Self::new(message);
        e.0.source = Some(Box::new(source));
        e
    }

    /// The error a token endpoint answered: its response and, when the body
    /// is an OAuth 2 error (RFC 6749 §5.2), its `error` and `error_description`.
    pub fn from_response(message: impl Into<String>, response: RawResponse) -> Self {
        let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
        let text = |key: &str| {
            body.as_ref()
                .and_then(|b| b.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let mut e = Self::new(message);
        e.0.code = text("error");
        e.0.description = text("error_description");
        e.0.response = Some(response);
        e
    }

    /// The security scheme whose credential failed.
    pub fn scheme(&self) -> Option<&str> {
        self.0.scheme
    }

    /// The OAuth 2 error code the token endpoint answered (`invalid_client`,
    /// `invalid_scope`, …).
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The token endpoint's `error_description`.
    pub fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The token endpoint's response, when it answered with an error.
    pub fn response(&self) -> Option<&RawResponse> {
        self.0.response.as_ref()
    }

    /// The token endpoint's status, when it answered with an error.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.0.response.as_ref().map(|r| r.status)
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        if let Some(scheme) = e.scheme {
            write!(f, "`{scheme}`: ")?;
        }
        f.write_str(&e.message)?;
        if let Some(status) = self.status() {
            write!(f, " (status {status}")?;
            if let Some(code) = &e.code {
                write!(f, ", {code}")?;
            }
            if let Some(d) = &e.description {
                write!(f, ": {d}")?;
            }
            f.write_str(")")?;
        }
        if let Some(source) = &e.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A provider's credential, kept until it is about to expire.
struct Cached {
    provider: Box<dyn CredentialProvider>,
    held: tokio::sync::Mutex<Option<Held>>,
}

struct Held {
    secret: Arc<Secret>,
    /// When to fetch a new one; `None`: not before a 401.
    refresh_at: Option<Instant>,
}

/// How long before expiry a credential is renewed: a tenth of its lifetime,
/// at most 30 s, so a short-lived token is not renewed on every call.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(30))
}

impl Cached {
    async fn get(
        &self,
        scheme: &'static str,
        context: ProviderContext<'_>,
    ) -> Result<Arc<Secret>, CredentialError> {
        let mut held = self.held.lock().await;
        if let Some(h) = held.as_ref()
            && h.refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(h.secret.clone());
        }
        let fetched_at = Instant::now();
        let token = self.provider.fetch(context).await.map_err(|mut e| {
            e.0.scheme = Some(scheme);
            e
        })?;
        tracing::debug!(
            scheme,
            expires_in_s = token.expires_in.map(|d| d.as_secs()),
            "fetched a credential"
        );
        let secret = Arc::new(token.secret);
        *held = Some(Held {
            secret: secret.clone(),
            refresh_at: token
                .expires_in
                .map(|life| fetched_at + life.saturating_sub(margin(life))),
        });
        Ok(secret)
    }

    /// Forgets `used` (a 401 answered it), unless another call already replaced it.
    async fn invalidate(&self, used: &Arc<Secret>) {
        let mut held = self.held.lock().await;
        if held.as_ref().is_some_and(|h| Arc::ptr_eq(&h.secret, used)) {
            *held = None;
        }
    }
}

#[derive(Clone)]
enum Source {
    Fixed(Secret),
    Provider(Arc<Cached>),
}

#[derive(Clone)]
struct Credential {
    scheme: &'static str,
    placement: Placement,
    user: Option<String>,
    source: Source,
}

/// The credentials a client holds, by security scheme name.
#[derive(Clone, Default)]
pub struct Credentials {
    list: Vec<Credential>,
}

/// The provider credentials one attempt sends.
#[derive(Default)]
pub(crate) struct Resolved {
    tokens: Vec<(&'static str, Arc<Secret>)>,
}

impl Resolved {
    /// Whether any credential of the attempt came from a provider.
    pub(crate) fn has_provider_credentials(&self) -> bool {
        !self.tokens.is_empty()
    }
}

impl Credentials {
    /// Sets (or replaces) the credential of a scheme.
    pub fn set(&mut self, scheme: &'static str, placement: Placement, secret: impl Into<String>) {
        self.insert(Credential {
            scheme,
            placement,
            user: None,
            source: Source::Fixed(Secret::new(secret)),
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
            source: Source::Fixed(Secret::new(password)),
        });
    }

    /// Sets (or replaces) the credential of a scheme by a provider.
    pub fn set_provider(
        &mut self,
        scheme: &'static str,
        placement: Placement,
        provider: impl CredentialProvider,
    ) {
        self.insert(Credential {
            scheme,
            placement,
            user: None,
            source: Source::Provider(Arc::new(Cached {
                provider: Box::new(provider),
                held: tokio::sync::Mutex::new(None),
            })),
        });
    }

    fn insert(&mut self, credential: Credential) {
        self.list.retain(|c| c.scheme != credential.scheme);
        self.list.push(credential);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Gets the provider credentials of the given schemes (fixed ones need nothing).
    pub(crate) async fn resolve(
        &self,
        schemes: &[&str],
        context: ProviderContext<'_>,
    ) -> Result<Resolved, CredentialError> {
        let mut resolved = Resolved::default();
        for c in self.list.iter().filter(|c| schemes.contains(&c.scheme)) {
            if let Source::Provider(cached) = &c.source {
                let secret = cached.get(c.scheme, context).await?;
                resolved.tokens.push((c.scheme, secret));
            }
        }
        Ok(resolved)
    }

    /// After a 401: the provider credentials `resolved` sent are not used again.
    pub(crate) async fn invalidate(&self, resolved: &Resolved) {
        for (scheme, secret) in &resolved.tokens {
            for c in self.list.iter().filter(|c| c.scheme == *scheme) {
                if let Source::Provider(cached) = &c.source {
                    cached.invalidate(secret).await;
                }
            }
        }
    }

    /// Adds the credentials of the given schemes (those the client holds) to a request.
    pub(crate) fn apply(
        &self,
        mut request: reqwest::RequestBuilder,
        schemes: &[&str],
        resolved: &Resolved,
        cookies: &mut Vec<String>,
    ) -> Result<reqwest::RequestBuilder, RequestError> {
        for c in self.list.iter().filter(|c| schemes.contains(&c.scheme)) {
            let secret: &Secret = match &c.source {
                Source::Fixed(secret) => secret,
                Source::Provider(_) => match resolved.tokens.iter().find(|(s, _)| *s == c.scheme) {
                    Some((_, secret)) => secret,
                    None => continue,
                },
            };
            request = match c.placement {
                Placement::Bearer => request.header(
                    reqwest::header::AUTHORIZATION,
                    secret.header_value("Bearer ")?,
                ),
                Placement::Basic => {
                    request.basic_auth(c.user.as_deref().unwrap_or_default(), Some(secret.expose()))
                }
                Placement::Authorization(scheme) => request.header(
                    reqwest::header::AUTHORIZATION,
                    secret.header_value(&format!("{scheme} "))?,
                ),
                Placement::Header(name) => request.header(name, secret.header_value("")?),
                Placement::Query(name) => request.query(&[(name, secret.expose())]),
                Placement::Cookie(name) => {
                    cookies.push(format!("{name}={}", secret.expose()));
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
            .apply(
                http.get("http://localhost/x"),
                schemes,
                &Resolved::default(),
                &mut cookies,
            )
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

    /// Counts fetches; each token is `t<n>`, living `life`.
    struct Counting {
        fetches: std::sync::atomic::AtomicU32,
        life: Option<Duration>,
    }

    impl CredentialProvider for Counting {
        fn fetch<'a>(&'a self, _: ProviderContext<'a>) -> CredentialFuture<'a> {
            Box::pin(async move {
                let n = self
                    .fetches
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                    + 1;
                let token = Token::new(format!("t{n}"));
                Ok(match self.life {
                    Some(life) => token.expires_in(life),
                    None => token,
                })
            })
        }
    }

    fn counting(life: Option<Duration>) -> Arc<Counting> {
        Arc::new(Counting {
            fetches: Default::default(),
            life,
        })
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_provider_credential_is_kept_until_it_nearly_expires_or_is_refused() {
        block_on(async {
            let http = reqwest::Client::new();
            let context = ProviderContext {
                http: &http,
                base_url: "http://localhost",
                timeout: Duration::from_secs(1),
            };
            let provider = counting(Some(Duration::from_millis(400)));
            let mut c = Credentials::default();
            c.set_provider("oauth", Placement::Bearer, provider.clone());
            let header = |r: &Resolved| {
                let (req, _) = (
                    c.apply(
                        http.get("http://localhost/"),
                        &["oauth"],
                        r,
                        &mut Vec::new(),
                    )
                    .unwrap()
                    .build()
                    .unwrap(),
                    (),
                );
                req.headers()["authorization"].to_str().unwrap().to_string()
            };
            let first = c.resolve(&["oauth"], context).await.unwrap();
            assert!(first.has_provider_credentials());
            assert_eq!(header(&first), "Bearer t1");
            let again = c.resolve(&["oauth"], context).await.unwrap();
            assert_eq!(header(&again), "Bearer t1", "kept while fresh");
            assert!(
                !c.resolve(&["other"], context)
                    .await
                    .unwrap()
                    .has_provider_credentials(),
                "only the operation's schemes"
            );
            // Renewed a tenth of the lifetime before it ends (at 360 ms).
            tokio::time::sleep(Duration::from_millis(370)).await;
            let renewed = c.resolve(&["oauth"], context).await.unwrap();
            assert_eq!(header(&renewed), "Bearer t2");
            // A 401 to an old token does not throw away the new one.
            c.invalidate(&first).await;
            assert_eq!(
                header(&c.resolve(&["oauth"], context).await.unwrap()),
                "Bearer t2"
            );
            c.invalidate(&renewed).await;
            assert_eq!(
                header(&c.resolve(&["oauth"], context).await.unwrap()),
                "Bearer t3"
            );
            assert_eq!(
                provider.fetches.load(std::sync::atomic::Ordering::SeqCst),
                3
            );
            // Without a lifetime: kept until refused.
            let forever = counting(None);
            c.set_provider("oauth", Placement::Header("X-Key"), forever.clone());
            for _ in 0..3 {
                c.resolve(&["oauth"], context).await.unwrap();
            }
            assert_eq!(forever.fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
        });
    }

    #[test]
    fn the_renewal_margin_is_a_tenth_of_the_lifetime_up_to_30_s() {
        assert_eq!(margin(Duration::from_secs(3)), Duration::from_millis(300));
        assert_eq!(margin(Duration::from_secs(3600)), Duration::from_secs(30));
    }
}
