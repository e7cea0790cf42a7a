//! The program (crate feature `cli`) of `tests/specs/streams.yaml`, run as a
//! user runs it against the loopback fault server: events print as JSON lines
//! as they arrive, a binary body goes to stdout as it arrives, and a stream that
//! breaks off or does not match the description says so with its exit code.
//! (The program is generated and built under `target/cli-specs/`.)

use consoleconnect_tests::fault_server::{End, FaultServer, Step};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The program, built once per test binary.
async fn program() -> PathBuf {
    static EXE: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    EXE.get_or_init(|| async {
        tokio::task::spawn_blocking(|| consoleconnect_tests::spec_program("streams.yaml"))
            .await
            .unwrap()
    })
    .await
    .clone()
}

#[derive(Debug)]
struct Run {
    code: i32,
    out: Vec<u8>,
    err: String,
}

impl Run {
    fn out(&self) -> String {
        String::from_utf8(self.out.clone()).unwrap()
    }

    /// Each line of stdout as JSON.
    fn lines(&self) -> Vec<serde_json::Value> {
        self.out()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

fn start(exe: &PathBuf, server: &FaultServer, args: &[&str]) -> Child {
    Command::new(exe)
        .args(args)
        .args(["--base-url", &server.url])
        .env_remove("STREAMS_BASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts")
}

/// Runs the program to its end, off the async runtime (the server runs on it).
async fn run(server: &FaultServer, args: &[&str]) -> Run {
    let child = start(&program().await, server, args);
    tokio::task::spawn_blocking(move || {
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            out: out.stdout,
            err: String::from_utf8(out.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

/// What a chat service sends: a BOM, CRLF, `retry:`, ids, names, comments,
/// an event split over chunks, `[DONE]` (and something after it, never read).
const CHAT_STREAM: &[&str] = &[
    "\u{FEFF}retry: 2500\r\n: keep-alive\r\n\r\n",
    "id: c-1\r\nevent: chunk\r\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":\"Hel\"}]}\r\n\r\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,",
    "\"delta\":\"lo\"}]}\r\n\r\n: ping\r\n\r\n",
    "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"total\":7}}\r\n\r\n",
    "data: [DONE]\r\n\r\n",
    "data: {\"id\":\"after\",\"choices\":[]}\r\n\r\n",
];

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_that_streams_prints_each_event_as_a_json_line() {
    // The body asks for a stream (as OpenAI-style services are asked); the
    // command asks for JSON, and prints what the server sent.
    let server = FaultServer::start(vec![Step::events(CHAT_STREAM)]).await;
    let run = run(
        &server,
        &["create-chat", "--prompt", "hi", "--stream", "true"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.out(),
        concat!(
            "{\"event\":\"chunk\",\"id\":\"c-1\",\"retry\":2500,\"data\":{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":\"Hel\"}]}}\n",
            "{\"event\":\"message\",\"id\":\"c-1\",\"data\":{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":\"lo\"}]}}\n",
            "{\"event\":\"message\",\"id\":\"c-1\",\"data\":{\"id\":\"c\",\"choices\":[],\"usage\":{\"total\":7}}}\n",
        ),
        "three events, each the data as sent; [DONE] ends the stream"
    );
    assert!(run.err.is_empty(), "{}", run.err);
    let seen = &server.requests()[0];
    assert_eq!(seen.header("accept").as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen.body).unwrap(),
        serde_json::json!({"prompt": "hi", "stream": true})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn events_asks_for_the_stream_and_without_it_json_prints_whole() {
    let server = FaultServer::start(vec![
        Step::json(200, &serde_json::json!({"id": "c", "text": "Hello"})),
        Step::events(&["data: {\"id\":\"c\",\"choices\":[]}\n\n"]),
    ])
    .await;
    let whole = run(&server, &["create-chat", "--prompt", "hi"]).await;
    assert_eq!(whole.code, 0, "{whole:?}");
    assert_eq!(
        whole.out(),
        "{\n  \"id\": \"c\",\n  \"text\": \"Hello\"\n}\n"
    );
    let events = run(&server, &["create-chat", "--prompt", "hi", "--events"]).await;
    assert_eq!(events.code, 0, "{events:?}");
    assert_eq!(
        events.lines(),
        vec![serde_json::json!({"event": "message", "data": {"id": "c", "choices": []}})]
    );
    let seen = server.requests();
    assert_eq!(
        seen[0].header("accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        seen[1].header("accept").as_deref(),
        Some("text/event-stream")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_event_is_printed_when_it_arrives_not_when_the_stream_ends() {
    // The server sends one event and then nothing, holding the connection open:
    // the line must be out before any end.
    let server = FaultServer::start(vec![
        Step::events(&["event: delta\ndata: {\"type\":\"delta\",\"text\":\"a\"}\n\n"])
            .ending(End::Hang),
    ])
    .await;
    let mut child = start(&program().await, &server, &["watch-topic", "--topic", "t"]);
    let stdout = child.stdout.take().unwrap();
    let first = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            line
        }),
    )
    .await;
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let _ = child.wait();
    let first = first.expect("the first event is printed while the stream is open");
    assert_eq!(
        first.unwrap(),
        "{\"event\":\"delta\",\"data\":{\"type\":\"delta\",\"text\":\"a\"}}\n"
    );
    assert!(still_running, "the program was still reading the stream");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_the_description_does_not_allow_is_printed_and_exits_1() {
    let server = FaultServer::start(vec![Step::events(&[
        "data: {\"id\":\"c\",\"choices\":[]}\n\n",
        "event: chunk\ndata: {\"id\":\"c\",\"choices\":[{\"index\":\"zero\",\"delta\":\"x\"}]}\n\n",
        "data: {\"id\":\"d\",\"choices\":[]}\n\n",
    ])])
    .await;
    let run = run(&server, &["create-chat", "--prompt", "hi", "--events"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "every event, the bad one too: {run:?}");
    assert_eq!(lines[1]["data"]["choices"][0]["index"], "zero");
    assert_eq!(lines[2]["data"]["id"], "d", "the stream goes on");
    assert!(
        run.err
            .starts_with("error: an event `chunk` does not match the API description"),
        "{}",
        run.err
    );
    assert!(
        run.err.contains("choices[0].index"),
        "the bad member: {}",
        run.err
    );
    assert_eq!(run.err.lines().count(), 1, "{}", run.err);
}

#[tokio::test(flavor = "multi_thread")]
async fn text_events_print_their_data_as_a_json_string() {
    let server = FaultServer::start(vec![Step::events(&[
        "data: GET /a 200\n\n",
        "id: 9\ndata: two\ndata: lines\n\n",
    ])])
    .await;
    let run = run(&server, &["tail-log"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        vec![
            serde_json::json!({"event": "message", "data": "GET /a 200"}),
            serde_json::json!({"event": "message", "id": "9", "data": "two\nlines"}),
        ]
    );
    assert_eq!(
        server.requests()[0].header("accept").as_deref(),
        Some("text/event-stream")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_that_breaks_off_exits_3_after_what_arrived() {
    let server = FaultServer::start(vec![
        Step::events(&["data: one\n\n", "data: two, cut"]).ending(End::Cut),
    ])
    .await;
    let run = run(&server, &["tail-log"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(
        run.lines(),
        vec![serde_json::json!({"event": "message", "data": "one"})]
    );
    assert!(
        run.err.starts_with("error: the stream broke off"),
        "{}",
        run.err
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documented_error_of_a_streamed_command_exits_1_with_its_name() {
    let server = FaultServer::start(vec![Step::json(
        404,
        &serde_json::json!({"message": "no such file"}),
    )])
    .await;
    let run = run(&server, &["download", "--name", "x.bin"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.out.is_empty(), "{run:?}");
    assert!(
        run.err.contains("404") && run.err.contains("NotFound"),
        "{}",
        run.err
    );
    assert!(
        run.err.contains("no such file"),
        "the raw body: {}",
        run.err
    );
}

/// A binary body in chunks: every byte value, then more.
fn binary() -> Vec<Vec<u8>> {
    vec![(0..=255u8).collect(), vec![0xFF; 100_000], b"end".to_vec()]
}

fn binary_step(end: End) -> Step {
    Step::Chunked {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        chunks: binary().into_iter().map(|c| (Duration::ZERO, c)).collect(),
        end,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_goes_to_stdout_byte_for_byte() {
    let server = FaultServer::start(vec![binary_step(End::Finish)]).await;
    let run = run(&server, &["download", "--name", "x.bin", "--include"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(run.out, binary().concat());
    assert!(run.err.starts_with("200 OK\n"), "--include: {}", run.err);
    assert_eq!(
        server.requests()[0].header("accept").as_deref(),
        Some("application/octet-stream")
    );

    let server = FaultServer::start(vec![binary_step(End::Cut)]).await;
    let cut = self::run(&server, &["download", "--name", "x.bin"]).await;
    assert_eq!(cut.code, 3, "{}", cut.err);
    assert_eq!(cut.out, binary().concat(), "what arrived is out");
    assert!(
        cut.err.starts_with("error: the stream broke off"),
        "{}",
        cut.err
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_is_written_as_it_arrives() {
    let server = FaultServer::start(vec![binary_step(End::Hang)]).await;
    let mut child = start(&program().await, &server, &["download", "--name", "x.bin"]);
    let mut stdout = child.stdout.take().unwrap();
    let want = binary().concat().len();
    let read = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::task::spawn_blocking(move || {
            let mut got = vec![0u8; want];
            stdout.read_exact(&mut got).map(|()| got)
        }),
    )
    .await;
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let _ = child.wait();
    let got = read.expect("the bytes are out while the body is open");
    assert_eq!(got.unwrap().unwrap(), binary().concat());
    assert!(still_running, "the program was still reading the body");
}

#[tokio::test(flavor = "multi_thread")]
async fn audio_or_its_events_as_asked() {
    let audio = Step::Chunked {
        status: 200,
        headers: vec![("content-type".into(), "audio/mpeg".into())],
        chunks: vec![(Duration::ZERO, b"ID3\x04\x00".to_vec())],
        end: End::Finish,
    };
    let server = FaultServer::start(vec![
        audio,
        Step::events(&["data: {\"type\":\"delta\",\"text\":\"x\"}\n\n"]),
    ])
    .await;
    let whole = run(&server, &["speak", "--prompt", "hi"]).await;
    assert_eq!(whole.code, 0, "{}", whole.err);
    assert_eq!(whole.out, b"ID3\x04\x00");
    let events = run(&server, &["speak", "--prompt", "hi", "--events"]).await;
    assert_eq!(events.code, 0, "{}", events.err);
    assert_eq!(
        events.lines(),
        vec![serde_json::json!({"event": "message", "data": {"type": "delta", "text": "x"}})]
    );
    let seen = server.requests();
    assert_eq!(seen[0].header("accept").as_deref(), Some("audio/mpeg"));
    assert_eq!(
        seen[1].header("accept").as_deref(),
        Some("text/event-stream")
    );
}
