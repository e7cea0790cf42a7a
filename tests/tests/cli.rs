//! The generated crate's program (crate feature `cli`), run as a user runs it: the
//! real binary, against the crate's typed mock server (and plain wiremock where a
//! test needs bytes no model would write). Help is compared with the snapshots in
//! `tests/tests/snapshots/` (accept changes with `cargo xtask codegen --bless`).

use consoleconnect::types::{
    CreatePortOrderRequest, DurationUnit, PaymentType, Port, PortOrder, PortOrderStatus,
};
use consoleconnect::{MockServer, client::CreatePortOrderError};
use std::process::{Command, Stdio};

const KEY: &str = "test-key-do-not-print";

/// What a run of the program gave: exit code, stdout, stderr.
#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

/// Runs the program with `args`, the API key in the environment (and nothing
/// else of ours), and `stdin`; off the async runtime, so the mock can answer.
async fn run(args: &[&str], stdin: Option<&str>) -> Run {
    run_env(args, stdin, &[("CONSOLECONNECT_API_KEY", KEY)]).await
}

async fn run_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(consoleconnect_tests::cli_binary());
        cmd.args(&args)
            .env_remove("CONSOLECONNECT_API_KEY")
            .env_remove("CONSOLECONNECT_BASE_URL")
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the program starts");
        {
            use std::io::Write;
            let mut pipe = child.stdin.take().unwrap();
            if let Some(text) = stdin {
                pipe.write_all(text.as_bytes()).unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8(out.stdout).unwrap(),
            err: String::from_utf8(out.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn port_order(id: &str, status: PortOrderStatus) -> PortOrder {
    let mut order = PortOrder::default();
    order.id = Some(id.into());
    order.status = Some(status);
    order
}

#[tokio::test(flavor = "multi_thread")]
async fn help_lists_every_operation_under_its_tag() {
    let help = run(&["--help"], None).await;
    assert_eq!(help.code, 0, "{help:?}");
    let text = std::fs::read_to_string(consoleconnect_tests::spec_path()).unwrap();
    let ids: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("operationId: "))
        .map(str::to_string)
        .collect();
    assert!(ids.len() >= 11, "{ids:?}");
    for id in &ids {
        // `getPortOrder` → `get-port-order` (digits stay with their word).
        let mut kebab = String::new();
        for c in id.chars() {
            if c.is_ascii_uppercase() {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        }
        assert!(
            help.out.contains(&format!("\n  {kebab} ")),
            "`{kebab}` is not listed:\n{}",
            help.out
        );
    }
    insta::assert_snapshot!("help", help.out);
    // No command: the help, on stderr, as a usage error.
    let bare = run(&[], None).await;
    assert_eq!(bare.code, 2, "{bare:?}");
    assert!(bare.err.contains("Usage: consoleconnect"), "{bare:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_command_shows_its_documentation_flags_and_an_example() {
    for command in [
        "get-port",
        "create-port-order",
        "search-data-center-facilities",
    ] {
        let help = run(&[command, "--help"], None).await;
        assert_eq!(help.code, 0, "{help:?}");
        assert!(
            help.out.contains("\nExample:\n  consoleconnect "),
            "{help:?}"
        );
        insta::assert_snapshot!(format!("help-{command}"), help.out);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_get_prints_the_body_and_exits_0() {
    let mock = MockServer::start().await;
    let mut port = Port::default();
    port.id = Some("p-1".into());
    port.name = Some("edge-1".into());
    mock.get_port(
        |when| when.company_name("acme").port_id("p-1"),
        |then| then.ok(&port),
    )
    .times(2)
    .await;
    let uri = mock.uri();
    let got = run(
        &[
            "get-port",
            "--company-name",
            "acme",
            "--port-id",
            "p-1",
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    assert_eq!((got.code, got.err.as_str()), (0, ""), "{got:?}");
    assert_eq!(json(&got.out), serde_json::to_value(&port).unwrap());
    assert!(got.out.starts_with("{\n  \""), "pretty: {}", got.out);
    // `--compact`, anywhere on the line.
    let compact = run(
        &[
            "--compact",
            "get-port",
            "--company-name",
            "acme",
            "--port-id",
            "p-1",
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    assert_eq!(compact.code, 0, "{compact:?}");
    assert_eq!(compact.out.lines().count(), 1, "{}", compact.out);
    assert_eq!(json(&compact.out), json(&got.out));
    let sent = mock.received_requests().await;
    assert!(
        sent.iter()
            .all(|r| r.headers.get("authorization").map(|v| v.as_bytes())
                == Some(format!("Bearer {KEY}").as_bytes()))
    );
    mock.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_from_member_flags_sends_the_typed_body() {
    let mock = MockServer::start().await;
    let expected = CreatePortOrderRequest::new(
        "dcf-1",
        1000,
        "edge 1",
        PaymentType::Invoice,
        DurationUnit::Y,
    );
    let created = port_order("o-1", PortOrderStatus::Created);
    mock.create_port_order(
        |when| when.company_name("acme").body(&expected),
        |then| then.ok(&created),
    )
    .times(3)
    .await;
    let uri = mock.uri();
    let by_flags = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--data-center-facility",
            "dcf-1",
            "--speed",
            "1000",
            "--port-name",
            "edge 1",
            "--payment-type",
            "invoice",
            "--duration-unit",
            "y",
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    assert_eq!(by_flags.code, 0, "{by_flags:?}");
    assert_eq!(json(&by_flags.out), serde_json::to_value(&created).unwrap());
    // The same body from a file, and from stdin with one member set by a flag.
    let body = serde_json::to_string(&expected).unwrap();
    let file = std::env::temp_dir().join(format!("cli-order-{}.json", std::process::id()));
    std::fs::write(&file, &body).unwrap();
    let at_file = format!("@{}", file.display());
    let from_file = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--body",
            &at_file,
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(from_file.code, 0, "{from_file:?}");
    let mut almost = expected.clone();
    almost.speed = 10;
    let from_stdin = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--body",
            "-",
            "--speed",
            "1000",
            "--base-url",
            &uri,
        ],
        Some(&serde_json::to_string(&almost).unwrap()),
    )
    .await;
    assert_eq!(from_stdin.code, 0, "{from_stdin:?}");
    mock.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documented_error_goes_to_stderr_with_its_name_and_exits_1() {
    let mock = MockServer::start().await;
    let mut problem = consoleconnect::types::Error::default();
    problem.message = Some("speed not offered here".into());
    mock.create_port_order(|when| when, |then| then.bad_request(&problem))
        .await;
    let got = run(
        &[
            "create-port-order", "--company-name", "acme", "--base-url", &mock.uri(),
            "--body", r#"{"dataCenterFacility": "d", "speed": 9999, "portName": "x", "paymentType": "invoice", "durationUnit": "m"}"#,
        ],
        None,
    )
    .await;
    assert_eq!((got.code, got.out.as_str()), (1, ""), "{got:?}");
    // The variant is the one the client returns for this response.
    let _: CreatePortOrderError = CreatePortOrderError::BadRequest(problem.clone());
    assert!(
        got.err.starts_with(
            "error: the server answered 400 Bad Request, a documented error (`BadRequest`)\n"
        ),
        "{}",
        got.err
    );
    let body = got.err.split_once('\n').unwrap().1;
    assert_eq!(json(body), serde_json::to_value(&problem).unwrap());
    mock.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_and_send_nothing() {
    let mock = MockServer::start().await;
    let uri = mock.uri();
    let missing = run(&["get-port", "--port-id", "p-1", "--base-url", &uri], None).await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing
            .err
            .contains("the following required arguments were not provided")
            && missing.err.contains("--company-name <COMPANY_NAME>"),
        "{}",
        missing.err
    );
    let bad_body = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--base-url",
            &uri,
            "--body",
            r#"{"dataCenterFacility": "d", "speed": "fast"}"#,
        ],
        None,
    )
    .await;
    assert_eq!(bad_body.code, 2, "{bad_body:?}");
    assert!(
        bad_body.err.contains("the body does not match the request body's type: at `speed`: invalid type: string \"fast\""),
        "{}",
        bad_body.err
    );
    let not_json = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--base-url",
            &uri,
            "--body",
            "{speed",
        ],
        None,
    )
    .await;
    assert_eq!(not_json.code, 2, "{not_json:?}");
    let bad_enum = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--payment-type",
            "cash",
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    assert_eq!(bad_enum.code, 2, "{bad_enum:?}");
    assert!(
        bad_enum
            .err
            .contains("[possible values: plan, creditcard, invoice]"),
        "{}",
        bad_enum.err
    );
    let bad_int = run(
        &[
            "create-port-order",
            "--company-name",
            "acme",
            "--speed",
            "99999999999",
            "--base-url",
            &uri,
        ],
        None,
    )
    .await;
    assert_eq!(bad_int.code, 2, "{bad_int:?}");
    assert!(
        bad_int.err.contains("is not in -2147483648..=2147483647"),
        "{}",
        bad_int.err
    );
    let no_key = run_env(
        &[
            "get-port",
            "--company-name",
            "a",
            "--port-id",
            "b",
            "--base-url",
            &uri,
        ],
        None,
        &[],
    )
    .await;
    assert_eq!(no_key.code, 2, "{no_key:?}");
    assert!(
        no_key.err.contains("CONSOLECONNECT_API_KEY"),
        "{}",
        no_key.err
    );
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_body_is_printed_exactly_as_sent_and_the_headers_on_request() {
    use wiremock::{Mock, ResponseTemplate, matchers};
    let server = wiremock::MockServer::start().await;
    // Members in an order no model writes, a number no double holds, escapes.
    let sent = r#"{"speed":{"value":1000},"id":"p-1","big":123456789012345678901234567890,"name":"caf\u00e9 \"1\"","z":1.50}"#;
    Mock::given(matchers::path("/api/company/acme/ports/p-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-7")
                .set_body_raw(sent, "application/json"),
        )
        .mount(&server)
        .await;
    let got = run(
        &[
            "get-port",
            "--company-name",
            "acme",
            "--port-id",
            "p-1",
            "--include",
            "--compact",
            "--base-url",
            &server.uri(),
        ],
        None,
    )
    .await;
    assert_eq!(got.code, 0, "{got:?}");
    assert_eq!(got.out, format!("{sent}\n"));
    assert!(got.err.starts_with("200 OK\n"), "{}", got.err);
    assert!(got.err.contains("\nx-request-id: req-7\n"), "{}", got.err);
    assert!(!got.err.contains(KEY) && !got.out.contains(KEY));
    let pretty = run(
        &[
            "get-port",
            "--company-name",
            "acme",
            "--port-id",
            "p-1",
            "--base-url",
            &server.uri(),
        ],
        None,
    )
    .await;
    assert_eq!(
        pretty.out,
        "{\n  \"speed\": {\n    \"value\": 1000\n  },\n  \"id\": \"p-1\",\n  \"big\": 123456789012345678901234567890,\n  \"name\": \"caf\\u00e9 \\\"1\\\"\",\n  \"z\": 1.50\n}\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_success_that_breaks_the_description_is_printed_and_exits_1() {
    use wiremock::{Mock, ResponseTemplate, matchers};
    let server = wiremock::MockServer::start().await;
    Mock::given(matchers::path("/api/company/acme/ports/p-1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"speed": "fast"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let got = run(
        &[
            "get-port",
            "--company-name",
            "acme",
            "--port-id",
            "p-1",
            "--base-url",
            &server.uri(),
        ],
        None,
    )
    .await;
    assert_eq!(got.code, 1, "{got:?}");
    assert_eq!(json(&got.out), serde_json::json!({"speed": "fast"}));
    assert!(
        got.err
            .contains("the 200 OK response does not match the API description: at `speed`"),
        "{}",
        got.err
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn all_prints_every_item_of_every_page_as_lines() {
    use wiremock::{Mock, ResponseTemplate, matchers};
    let server = wiremock::MockServer::start().await;
    let page = |ids: &[&str]| {
        let items: Vec<serde_json::Value> =
            ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(items)
    };
    // A full page (the limit is 2), then a short one that ends the listing.
    Mock::given(matchers::path("/v2/data-center-facility"))
        .respond_with(page(&["a", "b"]))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(matchers::path("/v2/data-center-facility"))
        .respond_with(page(&["c"]))
        .mount(&server)
        .await;
    let got = run(
        &[
            "search-data-center-facilities",
            "--filter",
            r#"{"limit": 2}"#,
            "--all",
            "--base-url",
            &server.uri(),
        ],
        None,
    )
    .await;
    assert_eq!(got.code, 0, "{got:?}");
    let lines: Vec<serde_json::Value> = got.out.lines().map(json).collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"id": "a"}),
            serde_json::json!({"id": "b"}),
            serde_json::json!({"id": "c"})
        ]
    );
    let filters: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let (_, filter) = r.url.query_pairs().find(|(k, _)| k == "filter").unwrap();
            json(&filter)
        })
        .collect();
    assert_eq!(filters[0]["limit"], 2);
    assert_eq!(filters[1]["skip"], 2, "{filters:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_response_exits_3() {
    // A port nothing listens on: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let got = run(
        &[
            "get-metro",
            "--metro-id",
            "m",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ],
        None,
    )
    .await;
    assert_eq!(got.code, 3, "{got:?}");
    assert!(
        got.err
            .starts_with("error: request failed after 3 attempt(s)"),
        "{}",
        got.err
    );
    assert!(!got.err.contains(KEY));
}
