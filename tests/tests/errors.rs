//! Errors that say why: `Display` of a failed call names the root cause in plain
//! words (what `reqwest::Error` keeps several `source()`s deep), and `source()`
//! still leads there for programs. Each cause is real: a closed port, a name
//! that does not resolve, a server that does not answer in time, a TLS server
//! whose certificate the client does not trust.

use consoleconnect::{Client, Error, RetryPolicy};
use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .api_key("sk-SECRET-0123456789")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Every message down the `source()` chain.
fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut next = e.source();
    while let Some(s) = next {
        out.push(s.to_string());
        next = s.source();
    }
    out
}

#[tokio::test]
async fn a_refused_connection_says_connection_refused() {
    let e = client("http://127.0.0.1:9")
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "request failed after 1 attempt(s): connection refused (error sending request)"
    );
    let chain = chain(&e);
    assert!(
        chain.last().unwrap().contains("Connection refused"),
        "source() still leads to the cause: {chain:?}"
    );
}

#[tokio::test]
async fn a_name_that_does_not_resolve_says_dns_error() {
    // `.invalid` never resolves (RFC 2606); no query leaves the machine for it
    // when there is no resolver, and the answer is the same either way.
    let e = client("http://no-such-host.invalid")
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("request failed after 1 attempt(s): dns error: "),
        "{text}"
    );
    assert!(!text.contains("no-such-host"), "no URL in errors: {text}");
}

#[tokio::test]
async fn a_timeout_says_how_long_it_waited() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            held.push(socket); // accepted, never answered
        }
    });
    let e = client(&url)
        .get_metro("m1")
        .with_timeout(Duration::from_millis(250))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "timed out after 250 ms (per attempt; 1 attempt(s))"
    );
    let e = Client::builder()
        .base_url(&url)
        .timeout(Duration::from_millis(1500))
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .backoff(Duration::from_millis(10), Duration::from_millis(10)),
        )
        .build()
        .unwrap()
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "timed out after 1.5 s (per attempt; 2 attempt(s))"
    );
    assert!(e.source().is_some());
    server.abort();
}

#[tokio::test]
async fn an_untrusted_certificate_says_certificate() {
    let dir = consoleconnect_tests::workspace_root().join("tests/fixtures/tls");
    use rustls::pki_types::pem::PemObject;
    let certs = rustls::pki_types::CertificateDer::pem_file_iter(dir.join("cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            // The handshake fails on the client's side; nothing to serve.
            let _ = acceptor.accept(socket).await;
        }
    });
    let e = client(&format!("https://localhost:{port}"))
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("request failed after 1 attempt(s): TLS: invalid peer certificate"),
        "{text}"
    );
    assert!(text.contains("UnknownIssuer"), "{text}");
    server.abort();
}
