//! Parameters through the program (crate feature `cli`) of
//! `tests/specs/client.yaml`, which has them in every location and style: the
//! request the loopback server sees is what the client itself sends. Arrays are
//! repeated flags; objects are JSON.

use consoleconnect_tests::fault_server::{FaultServer, Step};
use std::process::{Command, Stdio};

#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

async fn run(server: &FaultServer, args: &[&str]) -> Run {
    static EXE: tokio::sync::OnceCell<std::path::PathBuf> = tokio::sync::OnceCell::const_new();
    let exe = EXE
        .get_or_init(|| async {
            tokio::task::spawn_blocking(|| consoleconnect_tests::spec_program("client.yaml"))
                .await
                .unwrap()
        })
        .await
        .clone();
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .args(["--base-url", &server.url])
        .env("CLIENT_BEARER", "token-not-to-print")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || {
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8(out.stdout).unwrap(),
            err: String::from_utf8(out.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn arrays_are_repeated_flags_and_every_location_is_filled() {
    let server = FaultServer::start(vec![Step::json(200, &serde_json::json!({"name": "p"}))]).await;
    let run = run(
        &server,
        &[
            "get-part",
            "--item-id",
            "7",
            "--part",
            "a b",
            "--tags",
            "x",
            "--tags",
            "y z",
            "--ids",
            "1",
            "--ids",
            "2",
            "--filter",
            r#"{"name": "n", "size": 3}"#,
            "--where",
            r#"{"k": [1]}"#,
            "--x-request-id",
            "r-1",
            "--session",
            "s-1",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.out, "{\n  \"name\": \"p\"\n}\n");
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "GET");
    let (path, query) = seen.target.split_once('?').unwrap();
    assert_eq!(path, "/items/7/parts/a%20b");
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let of = |name: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(
        of("tags"),
        ["x", "y z"],
        "repeated flags, exploded: {query}"
    );
    assert_eq!(of("ids"), ["1,2"], "explode: false: {query}");
    assert_eq!(of("filter[name]"), ["n"], "{query}");
    assert_eq!(of("filter[size]"), ["3"], "{query}");
    assert_eq!(of("where"), [r#"{"k":[1]}"#], "{query}");
    assert_eq!(seen.header("x-request-id").as_deref(), Some("r-1"));
    assert_eq!(seen.header("cookie").as_deref(), Some("session=s-1"));
    assert_eq!(
        seen.header("authorization").as_deref(),
        Some("Bearer token-not-to-print")
    );

    // A value of an array of integers is checked as the items are.
    let bad = self::run(
        &server,
        &[
            "get-part",
            "--item-id",
            "7",
            "--part",
            "a",
            "--where",
            "{}",
            "--ids",
            "x",
        ],
    )
    .await;
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.err.contains("--ids"), "{}", bad.err);
    assert_eq!(server.requests().len(), 1, "nothing sent");
}
