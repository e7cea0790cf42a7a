//! OAuth 2 tokens and the client secret never reach the logs, `Debug` output or
//! errors, while the client logs what it does with them. Against the real OAuth 2
//! server of `oauth.rs`; a test binary of its own for the reason `tracing.rs` gives.

use consoleconnect_tests::oauth_server::{CLIENT_ID, CLIENT_SECRET, OAuthServer};
use consoleconnect_tests::snapshot_oauth::{Client, RetryPolicy};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_secret_and_tokens_never_reach_logs_debug_or_errors() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = OAuthServer::start(60);
    let builder = Client::builder()
        .base_url(&server.url)
        .retry(RetryPolicy::none())
        .oauth_client_credentials(CLIENT_ID, CLIENT_SECRET, ["read", "write"]);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    client.whoami().send().await.unwrap();
    server.revoke_all().await;
    client.whoami().send().await.unwrap();
    let refused = client.forbidden_zone().send().await.unwrap_err();
    let bad = Client::builder()
        .base_url(&server.url)
        .oauth_client_credentials(CLIENT_ID, "wrong-secret-5555", ["read"])
        .build()
        .unwrap()
        .whoami()
        .send()
        .await
        .unwrap_err();
    drop(_guard);

    let stats = server.stats().await;
    let tokens: Vec<String> = stats["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 3, "{stats}");
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "fetched a credential",
        "scheme=\"oauth\"",
        "expires_in_s=60",
        "401: asking the credential provider again",
        "operation_id=\"whoami\"",
        "attempt=2",
    ] {
        assert!(
            logs.contains(needle),
            "the logs should say {needle:?}:\n{logs}"
        );
    }
    let texts = [
        logs,
        builder_debug,
        format!("{client:?}"),
        format!("{refused:?}"),
        refused.to_string(),
        format!("{bad:?}"),
        bad.to_string(),
    ];
    for text in &texts {
        for secret in tokens.iter().map(String::as_str).chain([
            CLIENT_SECRET,
            "odd+chars",
            "wrong-secret-5555",
        ]) {
            assert!(!text.contains(secret), "{secret:?} leaked into: {text}");
        }
    }
}
