//! The program (crate feature `cli`) of `tests/specs/oauth.yaml`, whose only
//! scheme is an OAuth 2 client credentials flow, against the real OAuth 2 server
//! of the oauth tests (`consoleconnect_tests::oauth_server`): the program gets
//! its tokens with the client id and secret of the environment, never prints
//! them, and says which exit code a credential it cannot get is. Every test
//! name starts with `oauth`, as in `oauth.rs`. The two that need the server are
//! ignored by `cargo test` and run by `cargo xtask tool-tests`, which installs it.

use consoleconnect_tests::oauth_server::{CLIENT_ID, CLIENT_SECRET, OAuthServer};
use std::process::{Command, Stdio};

const ID: &str = "OAUTH_OAUTH_CLIENT_ID";
const SECRET: &str = "OAUTH_OAUTH_CLIENT_SECRET";
const SCOPES: &str = "OAUTH_OAUTH_SCOPES";

#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

/// Runs the program with `args` and only these of its variables set.
fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    static EXE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let exe = EXE.get_or_init(|| consoleconnect_tests::spec_program("oauth.yaml"));
    let mut cmd = Command::new(exe);
    for var in ["OAUTH_BASE_URL", "OAUTH_OAUTH", ID, SECRET, SCOPES] {
        cmd.env_remove(var);
    }
    let out = cmd
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8(out.stdout).unwrap(),
        err: String::from_utf8(out.stderr).unwrap(),
    }
}

fn stats(server: &OAuthServer) -> serde_json::Value {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(server.stats())
}

#[test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
fn oauth_program_gets_its_token_with_the_client_credentials_of_the_environment() {
    let server = OAuthServer::start(60);
    let run = run(
        &["whoami", "--include"],
        &[
            ("OAUTH_BASE_URL", &server.url),
            (ID, CLIENT_ID),
            (SECRET, CLIENT_SECRET),
            (SCOPES, "read"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let me: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(me["clientId"], CLIENT_ID);
    assert_eq!(me["scope"], "read", "the scopes of {SCOPES}");
    let first = stats(&server);
    assert_eq!(first["issued"], 1);
    assert_eq!(first["accepted"], 1);
    let token = first["tokens"][0].as_str().unwrap();
    for text in [&run.out, &run.err] {
        assert!(
            !text.contains(CLIENT_SECRET) && !text.contains(token),
            "a credential was printed: {text}"
        );
    }
    // A token given directly is used as it is (no grant).
    let direct = self::run(
        &["whoami", "--base-url", &server.url],
        &[("OAUTH_OAUTH", token)],
    );
    assert_eq!(direct.code, 0, "{direct:?}");
    assert_eq!(stats(&server)["issued"], 1, "no new token");
}

#[test]
#[ignore = "needs oidc-provider installed: run by `cargo xtask tool-tests`"]
fn oauth_program_exits_2_when_the_token_endpoint_refuses_the_client() {
    let server = OAuthServer::start(60);
    let wrong = "not-the-secret-4711";
    let run = run(
        &["whoami", "--base-url", &server.url],
        &[(ID, CLIENT_ID), (SECRET, wrong)],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.out.is_empty(), "{run:?}");
    assert!(run.err.starts_with("error: no credential"), "{}", run.err);
    assert!(
        run.err.contains("invalid_client"),
        "the endpoint's reason: {}",
        run.err
    );
    assert!(
        !run.err.contains(wrong),
        "the secret was printed: {}",
        run.err
    );
    assert_eq!(stats(&server)["accepted"], 0, "nothing reached the API");
}

#[test]
fn oauth_program_exits_3_when_the_token_endpoint_is_out_of_reach() {
    // A port nothing listens on: the relative token URL is on the same server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = run(
        &["whoami", "--base-url", &format!("http://127.0.0.1:{port}")],
        &[(ID, CLIENT_ID), (SECRET, CLIENT_SECRET)],
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.err.starts_with("error: no credential"), "{}", run.err);
    assert!(!run.err.contains(CLIENT_SECRET), "{}", run.err);
}

#[test]
fn oauth_program_says_which_variables_it_needs() {
    let none = run(&["whoami", "--base-url", "http://127.0.0.1:9"], &[]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(
        none.err.contains("OAUTH_OAUTH,") && none.err.contains(&format!("{ID} and {SECRET}")),
        "{}",
        none.err
    );
    let half = run(
        &["whoami", "--base-url", "http://127.0.0.1:9"],
        &[(ID, CLIENT_ID)],
    );
    assert_eq!(half.code, 2, "{half:?}");
    assert!(
        half.err.contains(&format!("{ID} is set, but not {SECRET}")),
        "{}",
        half.err
    );
    let help = run(&["--help"], &[]);
    for var in [ID, SECRET, SCOPES] {
        assert!(help.out.contains(var), "{var} in --help: {}", help.out);
    }
}
