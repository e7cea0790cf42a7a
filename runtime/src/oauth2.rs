//! The OAuth 2 client credentials grant (RFC 6749 §4.4): a [`CredentialProvider`]
//! that asks a token endpoint for an access token with the client's id and secret.

use super::auth::{CredentialError, CredentialFuture, CredentialProvider, ProviderContext, Token};
use super::response::RawResponse;
use super::secret::Secret;
use std::fmt;
use std::time::Duration;

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// HTTP Basic with the form-encoded id and secret (RFC 6749 §2.3.1): the
    /// method every server must support, and the one the RFC prefers.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body, for servers that
    /// accept nothing else (the RFC does not recommend it).
    Body,
}

/// Access tokens by the client credentials grant: the token endpoint is asked
/// (`POST`, form-encoded `grant_type=client_credentials` and `scope`), the token
/// kept until shortly before its `expires_in`, and asked again then or after a
/// 401. Neither the secret nor the token is ever logged or shown by `Debug`.
#[derive(Clone)]
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    auth: ClientAuth,
}

impl ClientCredentials {
    /// `token_url` may be relative: it is resolved against the client's base URL.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            auth: ClientAuth::Basic,
        }
    }

    /// The scopes to ask for (none: the server's default for the client).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How the client authenticates ([`ClientAuth::Basic`] unless set).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    async fn request_token(&self, context: ProviderContext<'_>) -> Result<Token, CredentialError> {
        let url = reqwest::Url::parse(context.base_url)
            .and_then(|base| base.join(&self.token_url))
            .map_err(|e| {
                CredentialError::new(format!("invalid token URL `{}`: {e}", self.token_url))
            })?;
        // Finished before any await: the serializer is not `Send`.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if !self.scopes.is_empty() {
                form.append_pair("scope", &self.scopes.join(" "));
            }
            if self.auth == ClientAuth::Body {
                form.append_pair("client_id", &self.client_id);
                form.append_pair("client_secret", self.client_secret.expose());
            }
            form.finish()
        };
        let mut request = context
            .http
            .post(url)
            .timeout(context.timeout)
            .header(reqwest::header::ACCEPT, "application/json");
        if self.auth == ClientAuth::Basic {
            // §2.3.1: each part form-encoded before the Basic encoding.
            let encode =
                |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            request = request.basic_auth(
                encode(&self.client_id),
                Some(encode(self.client_secret.expose())),
            );
        }
        let response = request
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .send()
            .await
            .map_err(|e| {
                CredentialError::with_source(
                    "the token endpoint could not be reached",
                    e.without_url(),
                )
            })?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| {
            CredentialError::with_source("the token endpoint's answer broke off", e.without_url())
        })?;
        if !status.is_success() {
            return Err(CredentialError::from_response(
                "the token endpoint refused the client credentials",
                RawResponse {
                    status,
                    headers,
                    body,
                    attempts: 1,
                },
            ));
        }
        parse_token(&body)
    }
}

/// Reads a successful token response (RFC 6749 §5.1).
fn parse_token(body: &[u8]) -> Result<Token, CredentialError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        CredentialError::new(format!("the token endpoint's answer is not JSON ({e})"))
    })?;
    let Some(access_token) = value.get("access_token").and_then(|v| v.as_str()) else {
        return Err(CredentialError::new(
            "the token endpoint's answer has no `access_token`",
        ));
    };
    let token_type = value
        .get("token_type")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(CredentialError::new(format!(
            "the token endpoint issued a `{token_type}` token; only bearer tokens can be sent"
        )));
    }
    let mut token = Token::new(access_token);
    // A number, or (from some servers) a string of digits.
    let expires_in = value.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_f64().map(|f| f.max(0.0) as u64))
            .or_else(|| v.as_str()?.parse().ok())
    });
    if let Some(seconds) = expires_in {
        token = token.expires_in(Duration::from_secs(seconds));
    }
    Ok(token)
}

impl CredentialProvider for ClientCredentials {
    fn fetch<'a>(&'a self, context: ProviderContext<'a>) -> CredentialFuture<'a> {
        Box::pin(self.request_token(context))
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("client_auth", &self.auth)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_response_is_read_with_its_lifetime() {
        let t = parse_token(
            br#"{"access_token":"abc","token_type":"bearer","expires_in":3600,"scope":"a"}"#,
        )
        .unwrap();
        assert_eq!(t.secret().expose(), "abc");
        assert_eq!(t.lifetime(), Some(Duration::from_secs(3600)));
        let t = parse_token(br#"{"access_token":"abc","token_type":"Bearer","expires_in":"60"}"#)
            .unwrap();
        assert_eq!(t.lifetime(), Some(Duration::from_secs(60)));
        let t = parse_token(br#"{"access_token":"abc","token_type":"Bearer"}"#).unwrap();
        assert_eq!(t.lifetime(), None);
        for bad in [
            &br#"{"token_type":"Bearer"}"#[..],
            br#"{"access_token":"abc","token_type":"mac"}"#,
            b"<html>",
        ] {
            let e = parse_token(bad).unwrap_err().to_string();
            assert!(!e.contains("abc"), "{e}");
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let c = ClientCredentials::new("/token", "id", "hunter2").scopes(["read"]);
        let text = format!("{c:?}");
        assert!(
            !text.contains("hunter2") && text.contains("\"id\""),
            "{text}"
        );
    }

    #[test]
    fn an_error_answer_keeps_the_oauth_error_and_the_response() {
        let e = CredentialError::from_response(
            "refused",
            RawResponse {
                status: reqwest::StatusCode::UNAUTHORIZED,
                headers: Default::default(),
                body: br#"{"error":"invalid_client","error_description":"client authentication failed"}"#
                    .to_vec()
                    .into(),
                attempts: 1,
            },
        );
        assert_eq!(e.code(), Some("invalid_client"));
        assert_eq!(e.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
        assert_eq!(
            e.to_string(),
            "refused (status 401 Unauthorized, invalid_client: client authentication failed)"
        );
    }
}
