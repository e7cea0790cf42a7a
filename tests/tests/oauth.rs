//! OAuth 2 client credentials against a real OAuth 2 server nobody here wrote:
//! oidc-provider (`consoleconnect_tests::oauth_server`), on loopback, whose API
//! accepts a token only if the provider itself finds it valid. The client is
//! generated from `tests/specs/oauth.yaml`, whose `oauth` scheme has a
//! `clientCredentials` flow with the relative `tokenUrl` `/token`.
//!
//! `cargo test` installs nothing, so these tests are ignored there (listed as
//! such); `cargo xtask tool-tests` installs the server and runs them, and CI runs
//! that. Once it is installed, `cargo test --test oauth -- --ignored` runs them too.

use consoleconnect_tests::oauth_server::{
    CLIENT_ID, CLIENT_SECRET, OAuthServer, POST_CLIENT_ID, POST_CLIENT_SECRET,
};
use consoleconnect_tests::snapshot_oauth::Client;
use consoleconnect_tests::snapshot_oauth::client::{ForbiddenZoneError, WhoamiError};
use consoleconnect_tests::snapshot_oauth::{
    ClientAuth, ClientBuilder, ClientCredentials, Error, RetryPolicy,
};
use std::time::Duration;

fn builder(server: &OAuthServer) -> ClientBuilder {
    Client::builder()
        .base_url(&server.url)
        .retry(RetryPolicy::none())
}

fn client(server: &OAuthServer) -> Client {
    builder(server)
        .oauth_client_credentials(CLIENT_ID, CLIENT_SECRET, ["read"])
        .build()
        .unwrap()
}

fn count(stats: &serde_json::Value, key: &str) -> u64 {
    stats[key].as_u64().unwrap()
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_token_is_fetched_used_and_kept() {
    let server = OAuthServer::start(60);
    let client = client(&server);
    for _ in 0..3 {
        let me = client.whoami().send().await.unwrap();
        assert_eq!(me.client_id, CLIENT_ID);
        assert_eq!(me.scope.as_deref(), Some("read"), "the scope asked for");
    }
    let stats = server.stats().await;
    assert_eq!(count(&stats, "issued"), 1, "one token for three calls");
    assert_eq!(count(&stats, "accepted"), 3);
    assert_eq!(count(&stats, "rejected"), 0);
    let first = &stats["tokens"][0];
    assert_eq!(stats["used"], serde_json::json!([first, first, first]));
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_expired_token_is_replaced_before_the_server_refuses_it() {
    let server = OAuthServer::start(2);
    let client = client(&server);
    client.whoami().send().await.unwrap();
    // Past the token's 2 s: the server would refuse it now.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let old = server.stats().await["tokens"][0]
        .as_str()
        .unwrap()
        .to_string();
    let refused = reqwest::Client::new()
        .get(format!("{}/api/whoami", server.url))
        .bearer_auth(&old)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "the server expired the first token");
    let me = client.whoami().send().await.unwrap();
    assert_eq!(me.attempts(), 1, "no 401 was needed");
    let stats = server.stats().await;
    assert_eq!(count(&stats, "issued"), 2);
    assert_eq!(count(&stats, "accepted"), 2);
    assert_eq!(count(&stats, "rejected"), 1, "only the test's own request");
    let used = stats["used"].as_array().unwrap();
    assert_eq!(used.len(), 3);
    assert_eq!(used[0], stats["tokens"][0]);
    assert_eq!(
        used[2], stats["tokens"][1],
        "the client's second call, with a new token"
    );
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_a_401_triggers_exactly_one_refresh() {
    let server = OAuthServer::start(60);
    let client = client(&server);
    client.whoami().send().await.unwrap();
    // The server forgets every token (as on a key rotation); the client's is
    // still within its lifetime, so only the 401 can tell it.
    server.revoke_all().await;
    let me = client.whoami().send().await.unwrap();
    assert_eq!(me.client_id, CLIENT_ID);
    assert_eq!(me.attempts(), 2, "the refused attempt and the retry");
    let stats = server.stats().await;
    assert_eq!(count(&stats, "issued"), 2, "exactly one refresh");
    assert_eq!(count(&stats, "rejected"), 1);
    assert_eq!(count(&stats, "accepted"), 2);
    assert_eq!(
        stats["used"][0], stats["used"][1],
        "the old token was sent once more"
    );
    assert_eq!(stats["used"][2], stats["tokens"][1], "then the new one");
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_a_server_that_keeps_refusing_gets_one_refresh_then_the_error() {
    let server = OAuthServer::start(60);
    let client = client(&server);
    let e = client.forbidden_zone().send().await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Api {
                body: ForbiddenZoneError::Unauthorized(_),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.attempts(), 2);
    let stats = server.stats().await;
    assert_eq!(count(&stats, "issued"), 2, "one refresh, not a loop");
    assert_eq!(count(&stats, "rejected"), 2);
    let tokens = &stats["tokens"];
    assert_eq!(stats["used"], serde_json::json!([tokens[0], tokens[1]]));
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_a_bad_secret_is_a_typed_credential_error() {
    let server = OAuthServer::start(60);
    let bad = "not-the-secret-9876";
    let client = builder(&server)
        .oauth_client_credentials(CLIENT_ID, bad, ["read"])
        .build()
        .unwrap();
    let e = client.whoami().send().await.unwrap_err();
    let Error::Credential(inner) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(inner.scheme(), Some("oauth"));
    assert_eq!(inner.code(), Some("invalid_client"));
    assert_eq!(inner.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(e.attempts(), 0, "nothing was sent to the API");
    let text = e.to_string();
    assert!(
        text.starts_with("no credential: `oauth`: the token endpoint refused the client credentials (status 401 Unauthorized, invalid_client"),
        "{text}"
    );
    assert!(!text.contains(bad) && !format!("{e:?}").contains(bad));
    let stats = server.stats().await;
    assert_eq!(count(&stats, "issued"), 0);
    assert_eq!(count(&stats, "refused_grants"), 1);
    assert_eq!(count(&stats, "accepted") + count(&stats, "rejected"), 0);

    // A scope the client may not have is refused the same way, with its own code.
    let client = builder(&server)
        .oauth_client_credentials(POST_CLIENT_ID, POST_CLIENT_SECRET, ["write"])
        .build()
        .unwrap();
    let e = client.whoami().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Credential(c) if c.code().is_some()),
        "{e}"
    );
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_client_secret_in_the_form_body_and_another_token_url() {
    let server = OAuthServer::start(60);
    // A token URL of the caller's (absolute), instead of the document's.
    let client = Client::builder()
        .base_url(&server.url)
        .oauth_provider(
            ClientCredentials::new(
                format!("{}/token", server.url),
                POST_CLIENT_ID,
                POST_CLIENT_SECRET,
            )
            .client_auth(ClientAuth::Body)
            .scopes(["read"]),
        )
        .build()
        .unwrap();
    let me = client.whoami().send().await.unwrap();
    assert_eq!(me.client_id, POST_CLIENT_ID);
}

#[tokio::test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
async fn oauth_without_a_credential_the_api_answers_401_once() {
    let server = OAuthServer::start(60);
    let e = builder(&server)
        .build()
        .unwrap()
        .whoami()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        &e,
        Error::Api {
            body: WhoamiError::Unauthorized(_),
            ..
        }
    ));
    assert_eq!(e.attempts(), 1, "no provider, no refresh");
}
