//! A real OAuth 2 server for the oauth tests: `tests/oauth/server.mjs`, which runs
//! oidc-provider (pinned; installed into `.tools/oauth` by `tests/oauth/install`)
//! on 127.0.0.1 and serves the API of `tests/specs/oauth.yaml`. Each server is a
//! process of its own, stopped by its id when dropped.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

pub struct OAuthServer {
    /// `http://127.0.0.1:PORT`: the token endpoint is `/token`, the API `/api/…`.
    pub url: String,
    child: Child,
}

/// The client of the server that authenticates with HTTP Basic.
pub const CLIENT_ID: &str = "rust-client";
/// Its secret: characters that must be form-encoded before the Basic encoding.
pub const CLIENT_SECRET: &str = "Secret:with/odd+chars & spaces-0123456789";
/// The client that sends its id and secret in the form body.
pub const POST_CLIENT_ID: &str = "post-client";
pub const POST_CLIENT_SECRET: &str = "post-secret-0123456789";

impl OAuthServer {
    /// Starts a server whose access tokens live `token_ttl_secs`.
    pub fn start(token_ttl_secs: u64) -> OAuthServer {
        let root = crate::workspace_root();
        let modules = root.join(".tools/oauth/node_modules");
        assert!(
            modules.join("oidc-provider").is_dir(),
            "the OAuth 2 server the oauth tests need is not installed: run `cargo xtask tool-tests` (which installs it and runs these tests), or `bash tests/oauth/install`"
        );
        let mut child = Command::new("node")
            .arg(root.join("tests/oauth/server.mjs"))
            .env("OIDC_PROVIDER_MODULES", &modules)
            .env("TOKEN_TTL", token_ttl_secs.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node runs (the oauth tests need Node.js)");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let Some(port) = line.trim().strip_prefix("listening ") else {
            let mut err = String::new();
            let _ = child.kill();
            let _ = child.wait();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the OAuth 2 server did not start: {line}{err}");
        };
        OAuthServer {
            url: format!("http://127.0.0.1:{port}"),
            child,
        }
    }

    /// What the server counted: `issued` tokens, `refused_grants`, API calls
    /// `accepted` and `rejected`, every token issued (`tokens`) and the token
    /// of every API call, in order (`used`; `null` for none).
    pub async fn stats(&self) -> serde_json::Value {
        reqwest::get(format!("{}/test/stats", self.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Destroys every token issued so far.
    pub async fn revoke_all(&self) {
        let status = reqwest::Client::new()
            .post(format!("{}/test/revoke", self.url))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success());
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
