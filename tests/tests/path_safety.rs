//! Path parameters cannot leave their place in the template, and header values
//! cannot add headers: a value that is empty, `.`, `..`, or one of those
//! percent-encoded (or between slashes) is refused with `Error::InvalidRequest`
//! naming the parameter and the value, in every path style
//! (`tests/specs/paths.yaml`), and a header value with CR or LF likewise; a
//! loopback server proves that nothing was sent.

use consoleconnect_tests::fault_server::{FaultServer, Step};
use consoleconnect_tests::snapshot_paths::{Client, Error};

/// Every value that would change which resource the path names.
const BAD: &[&str] = &[
    "",
    ".",
    "..",
    "%2e",
    "%2E",
    "%2e%2E",
    ".%2e",
    "%2E.",
    "../admin",
    "..%2Fadmin",
    "%2e%2e%2Fadmin",
    "a/../b",
    "..\\admin",
    "x/.",
];

fn client(server: &FaultServer) -> Client {
    Client::builder().base_url(&server.url).build().unwrap()
}

/// The call was refused before sending: `InvalidRequest`, naming both.
fn assert_refused<E: std::fmt::Debug>(
    result: Result<impl std::fmt::Debug, Error<E>>,
    name: &str,
    value: &str,
) {
    match result {
        Err(Error::InvalidRequest(e)) => {
            let text = e.to_string();
            assert!(
                text.contains(&format!("`{name}`")) && text.contains(&format!("{value:?}")),
                "the message names `{name}` and {value:?}: {text}"
            );
        }
        other => panic!("{name} = {value:?} was not refused: {other:?}"),
    }
}

#[tokio::test]
async fn dot_segments_and_empty_values_are_refused_in_every_style_and_nothing_is_sent() {
    let server = FaultServer::start(vec![Step::status(200)]).await;
    let c = client(&server);
    for &bad in BAD {
        assert_refused(c.get_port("acme", bad).send().await, "portId", bad);
        assert_refused(c.get_port(bad, "p1").send().await, "company", bad);
        assert_refused(c.get_label(bad).send().await, "id", bad);
        assert_refused(c.get_matrix(bad).send().await, "id", bad);
        assert_refused(c.get_list(vec![bad.to_string()]).send().await, "ids", bad);
        assert_refused(
            c.get_labels_exploded(vec![bad.to_string()]).send().await,
            "ids",
            bad,
        );
        assert_refused(
            c.get_matrix_exploded(vec![bad.to_string()]).send().await,
            "ids",
            bad,
        );
    }
    // An empty list is an empty value; two empty labels exploded are `..`.
    assert_refused(c.get_list(Vec::<String>::new()).send().await, "ids", "");
    match c
        .get_labels_exploded(vec![String::new(), String::new()])
        .send()
        .await
    {
        Err(Error::InvalidRequest(e)) => assert!(e.to_string().contains("`..`"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(
        server.requests().is_empty(),
        "no request may reach the server: {:?}",
        server.requests()
    );
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused_and_nothing_is_sent() {
    let server = FaultServer::start(vec![Step::status(200)]).await;
    let c = client(&server);
    for bad in ["a\r\nX-Injected: 1", "a\nb", "a\rb", "\n"] {
        match c.get_port("acme", "p1").x_trace(bad).send().await {
            Err(Error::InvalidRequest(e)) => {
                let text = e.to_string();
                assert!(
                    text.contains("`X-Trace`") && text.contains("line break"),
                    "{text}"
                );
            }
            other => panic!("{bad:?} was not refused: {other:?}"),
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn ordinary_values_go_out_in_their_style_with_dots_inside_kept() {
    let server = FaultServer::start(vec![Step::status(200)]).await;
    let c = client(&server);
    c.get_port("acme", "p.1")
        .x_trace("t-1")
        .send()
        .await
        .unwrap();
    c.get_port("a b", "...").send().await.unwrap();
    c.get_number(-5).send().await.unwrap();
    c.get_label("v1.2").send().await.unwrap();
    c.get_matrix("x y").send().await.unwrap();
    c.get_list(vec!["a".to_string(), "b,c".to_string()])
        .send()
        .await
        .unwrap();
    c.get_labels_exploded(vec!["a".to_string(), "b".to_string()])
        .send()
        .await
        .unwrap();
    c.get_matrix_exploded(vec!["a".to_string(), "b".to_string()])
        .send()
        .await
        .unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/companies/acme/ports/p.1",
            "/companies/a%20b/ports/...",
            "/numbers/-5",
            "/labels/.v1.2",
            "/matrix/;id=x%20y",
            "/lists/a,b%2Cc",
            "/labels-exploded/.a.b",
            "/matrix-exploded/;ids=a;ids=b",
        ]
    );
    let head = server.requests()[0].head.to_ascii_lowercase();
    assert!(head.contains("x-trace: t-1"), "{head}");
}

/// The issue's own example, on the Console Connect crate: `get_port("acme", "..")`
/// used to send `GET /api/company/acme/`, and `"."` or `""` the list endpoint.
#[tokio::test]
async fn the_console_connect_client_refuses_them_too() {
    let server = FaultServer::start(vec![Step::status(200)]).await;
    let c = consoleconnect::Client::builder()
        .base_url(&server.url)
        .api_key("k")
        .build()
        .unwrap();
    for bad in ["..", ".", "", "%2E%2e"] {
        match c.get_port("acme", bad).send().await {
            Err(consoleconnect::Error::InvalidRequest(e)) => {
                assert!(e.to_string().contains("`portId`"), "{e}")
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(server.requests().is_empty());
}
