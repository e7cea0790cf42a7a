//! Event streams through the generated client (`tests/specs/streams.yaml`),
//! against a loopback server sending what real services send and what breaks:
//! `event:` lines, CRLF, a BOM, `retry:`, ids, comments and heartbeats, an empty
//! `choices: []` chunk, `[DONE]`, a last event without its blank line, events
//! that do not decode, a body cut off mid-event, a server that never ends, one
//! that goes silent, an endless line, JSON where a stream was asked for.

use consoleconnect_tests::fault_server::{End, FaultServer, Step};
use consoleconnect_tests::snapshot_streams::client::{CreateChatError, WatchTopicError};
use consoleconnect_tests::snapshot_streams::types::{ChatRequest, WatchTopicEvent};
use consoleconnect_tests::snapshot_streams::{Client, Error, RetryPolicy, StreamError};
use futures_util::StreamExt;
use serde_json::json;
use std::time::Duration;

fn client(server: &FaultServer) -> Client {
    Client::builder()
        .base_url(&server.url)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(20), Duration::from_millis(40)))
        .build()
        .unwrap()
}

fn chat() -> ChatRequest {
    let mut request = ChatRequest::new("hi");
    request.stream = Some(true);
    request
}

/// What an OpenAI-style service sends that LiteLLM does not: a BOM, CRLF line
/// ends, `retry:`, ids, `event:` names, comments, an empty `choices` chunk with
/// the usage, the `[DONE]` sentinel (and something after it, never read).
const CHAT_STREAM: &[&str] = &[
    "\u{FEFF}retry: 2500\r\n: keep-alive\r\n\r\n",
    "id: c-1\r\nevent: chunk\r\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":\"Hel\"}]}\r\n\r\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,",
    "\"delta\":\"lo\"}]}\r\n\r\n: ping\r\n\r\n",
    "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"total\":7}}\r\n\r\n",
    "data: [DONE]\r\n\r\n",
    "data: {\"id\":\"after\",\"choices\":[]}\r\n\r\n",
];

#[tokio::test]
async fn a_chat_stream_arrives_as_typed_events_with_names_ids_and_retry() {
    let server = FaultServer::start(vec![Step::events(CHAT_STREAM)]).await;
    let stream = client(&server).create_chat(chat()).events().await.unwrap();
    assert_eq!(stream.status(), 200);
    let events: Vec<_> = stream.collect().await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events.len(), 3, "[DONE] ends the stream: {events:?}");
    assert_eq!(events[0].event, "chunk");
    assert_eq!(events[0].id.as_deref(), Some("c-1"));
    assert_eq!(events[0].retry, Some(Duration::from_millis(2500)));
    assert_eq!(events[0].data.choices[0].delta, "Hel");
    assert_eq!(events[1].event, "message");
    assert_eq!(events[1].id.as_deref(), Some("c-1"), "the last id persists");
    assert_eq!(events[1].data.choices[0].delta, "lo");
    assert!(events[2].data.choices.is_empty());
    let usage = events[2].data.usage.clone().flatten().unwrap();
    assert_eq!(usage.total, Some(7));
    let seen = &server.requests()[0];
    assert_eq!(seen.header("accept").as_deref(), Some("text/event-stream"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen.body).unwrap(),
        json!({"prompt": "hi", "stream": true})
    );
}

#[tokio::test]
async fn send_on_the_same_operation_asks_for_json_and_decodes_it() {
    let server =
        FaultServer::start(vec![Step::json(200, &json!({"id": "c", "text": "Hello"}))]).await;
    let answer = client(&server)
        .create_chat(ChatRequest::new("hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.text, "Hello");
    assert_eq!(
        server.requests()[0].header("accept").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_item_and_the_stream_goes_on() {
    let server = FaultServer::start(vec![Step::events(&[
        "data: {\"type\":\"delta\",\"text\":\"a\"}\n\n",
        "event: oops\ndata: {not json\n\n",
        "data: {\"id\":\"c\",\"choices\":[{\"index\":\"zero\",\"delta\":\"x\"}]}\n\n",
        "data: {\"type\":\"finished\",\"reason\":\"stop\"}\n\n",
        "data: {\"type\":\"new-kind\"}\n\n",
    ])])
    .await;
    let items: Vec<_> = client(&server)
        .watch_topic("t")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 5, "{items:?}");
    assert!(
        matches!(&items[0], Ok(e) if matches!(&e.data, WatchTopicEvent::Delta(d) if d.text == "a"))
    );
    match &items[1] {
        Err(e @ StreamError::Decode { event, .. }) => {
            assert_eq!(event.event, "oops");
            assert_eq!(event.data, "{not json", "the event is kept as sent");
            assert!(!e.ends_stream());
            assert!(e.to_string().contains("`oops`"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Valid JSON that fits no variant is kept whole, as anywhere else.
    assert!(matches!(&items[2], Ok(e) if matches!(e.data, WatchTopicEvent::Unknown(_))));
    assert!(
        matches!(&items[3], Ok(e) if matches!(&e.data, WatchTopicEvent::Finished(f) if f.reason == "stop"))
    );
    assert!(matches!(&items[4], Ok(e) if matches!(e.data, WatchTopicEvent::Unknown(_))));
}

#[tokio::test]
async fn a_field_that_does_not_decode_names_its_member() {
    let server = FaultServer::start(vec![Step::events(&[
        "data: {\"id\":\"c\",\"choices\":[{\"index\":\"zero\",\"delta\":\"x\"}]}\n\n",
        "data: {\"id\":\"c\",\"choices\":[{\"index\":1,\"delta\":\"y\"}]}\n\n",
    ])])
    .await;
    let items: Vec<_> = client(&server)
        .create_chat(chat())
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    match &items[0] {
        Err(StreamError::Decode { source, .. }) => {
            assert!(source.to_string().contains("choices[0].index"), "{source}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items[1].as_ref().unwrap().data.choices[0].delta, "y");
}

#[tokio::test]
async fn a_text_stream_keeps_each_events_text_and_its_last_event_without_a_blank_line() {
    let server = FaultServer::start(vec![Step::events(&[
        "data: line one\n\ndata: two\ndata:  lines\n\n",
        "data: {\"not\": \"decoded\"}\n\ndata: last, no blank line",
    ])])
    .await;
    let texts: Vec<String> = client(&server)
        .tail_log()
        .events()
        .await
        .unwrap()
        .map(|e| e.unwrap().data)
        .collect()
        .await;
    assert_eq!(
        texts,
        [
            "line one",
            "two\n lines",
            "{\"not\": \"decoded\"}",
            "last, no blank line"
        ]
    );
}

#[tokio::test]
async fn a_body_cut_off_mid_event_is_a_transport_error_and_the_end() {
    let server = FaultServer::start(vec![
        Step::events(&["data: one\n\n", "data: two, cut"]).ending(End::Cut),
    ])
    .await;
    let items: Vec<_> = client(&server)
        .tail_log()
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().data, "one");
    match &items[1] {
        Err(e @ StreamError::Transport(_)) => assert!(e.ends_stream()),
        other => panic!("the incomplete event must not be delivered: {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_never_ends_is_ended_by_the_callers_own_deadline() {
    // Heartbeats every 50 ms for ever: never idle, never finished.
    let server = FaultServer::start(vec![Step::events(&["data: first\n\n"]).ending(
        End::Repeat {
            bytes: b": ping\n\n".to_vec(),
            every: Duration::from_millis(50),
        },
    )])
    .await;
    let mut stream = client(&server)
        .tail_log()
        .with_timeout(Duration::from_millis(200))
        .events()
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().data, "first");
    // Heartbeats keep the stream alive past the idle timeout (the call's 200 ms).
    let waited = tokio::time::timeout(Duration::from_millis(600), stream.next()).await;
    assert!(waited.is_err(), "still open after 600 ms: {waited:?}");
    drop(stream);
}

#[tokio::test]
async fn a_silent_server_ends_the_stream_after_the_idle_timeout() {
    let server =
        FaultServer::start(vec![Step::events(&["data: first\n\n"]).ending(End::Hang)]).await;
    let started = std::time::Instant::now();
    let items: Vec<_> = client(&server)
        .tail_log()
        .events()
        .await
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(150)))
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(items[1], Err(StreamError::Idle(d)) if d == Duration::from_millis(150)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_response_head_is_timed_and_retried_but_a_stream_is_not_cut_by_the_timeout() {
    // No head within the call's timeout, three times: `Error::Timeout` (GET is retried).
    let server = FaultServer::start(vec![Step::Slow {
        delay: Duration::from_secs(2),
        status: 200,
        body: vec![],
    }])
    .await;
    let err = client(&server)
        .watch_topic("t")
        .with_timeout(Duration::from_millis(100))
        .events()
        .await
        .unwrap_err();
    match &err {
        Error::Timeout {
            source,
            attempts,
            after,
        } => {
            assert!(source.is_none(), "the runtime's own head timer");
            assert_eq!(*attempts, 3);
            assert_eq!(*after, Duration::from_millis(100));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_timeout());
    // A stream that takes longer than the call's timeout, events arriving in time.
    let slow = Step::Chunked {
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        chunks: (0..6)
            .map(|i| {
                (
                    Duration::from_millis(60),
                    format!("data: {i}\n\n").into_bytes(),
                )
            })
            .collect(),
        end: End::Finish,
    };
    let server = FaultServer::start(vec![slow]).await;
    let got: Vec<String> = client(&server)
        .tail_log()
        .with_timeout(Duration::from_millis(150))
        .events()
        .await
        .unwrap()
        .map(|e| e.unwrap().data)
        .collect()
        .await;
    assert_eq!(
        got,
        ["0", "1", "2", "3", "4", "5"],
        "360 ms of events, 150 ms timeout"
    );
}

#[tokio::test]
async fn a_retryable_status_before_the_stream_is_retried() {
    let server = FaultServer::start(vec![
        Step::status(503),
        Step::events(&["data: {\"type\":\"delta\",\"text\":\"ok\"}\n\n"]),
    ])
    .await;
    let stream = client(&server).watch_topic("t").events().await.unwrap();
    assert_eq!(stream.attempts(), 2);
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_documented_error_decodes_as_for_send() {
    let server = FaultServer::start(vec![Step::json(429, &json!({"message": "slow down"}))]).await;
    match client(&server).create_chat(chat()).events().await {
        Err(Error::Api {
            body: CreateChatError::TooManyRequests(problem),
            response,
        }) => {
            assert_eq!(problem.message, "slow down");
            assert_eq!(response.status, 429);
        }
        other => panic!("{other:?}"),
    }
    let server = FaultServer::start(vec![Step::status(404)]).await;
    let err = client(&server).watch_topic("t").events().await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedStatus(r) if r.status == 404),
        "{err:?}"
    );
    let _: Option<&WatchTopicError> = err.api_error();
}

#[tokio::test]
async fn json_where_a_stream_was_asked_for_is_a_decode_error_keeping_the_body() {
    let server =
        FaultServer::start(vec![Step::json(200, &json!({"id": "c", "text": "whole"}))]).await;
    match client(&server)
        .create_chat(ChatRequest::new("hi"))
        .events()
        .await
    {
        Err(Error::Decode { response, source }) => {
            assert_eq!(response.status, 200);
            assert!(response.text().contains("whole"));
            let text = source.to_string();
            assert!(
                text.contains("text/event-stream") && text.contains("application/json"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_endless_event_line_stops_at_the_limit_without_reading_on() {
    // One `data:` line that never ends (it would be a gigabyte and more): the
    // client stops at the default 16 MiB limit and closes the connection.
    let server = FaultServer::start(vec![Step::events(&["data: "]).ending(End::Repeat {
        bytes: vec![b'x'; 256 * 1024],
        every: Duration::ZERO,
    })])
    .await;
    let items: Vec<_> = client(&server)
        .tail_log()
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    let err = items[0].as_ref().unwrap_err();
    assert!(matches!(err, StreamError::TooLarge { limit } if *limit == 16 * 1024 * 1024));
    assert!(err.to_string().contains("limit"), "{err}");
    // The server stops once the client has gone: far less than the line.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = server.body_bytes_written();
    assert!(
        written < 64 * 1024 * 1024,
        "{written} bytes written: the client read on past the limit"
    );
    // A smaller limit, per request.
    let server =
        FaultServer::start(vec![Step::events(&["data: ", &"y".repeat(5000), "\n\n"])]).await;
    let items: Vec<_> = client(&server)
        .tail_log()
        .events()
        .await
        .unwrap()
        .max_event_size(4096)
        .collect()
        .await;
    assert!(
        matches!(items[..], [Err(StreamError::TooLarge { limit: 4096 })]),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_stream_serialises_as_json_lines() {
    let server = FaultServer::start(vec![Step::events(&[
        "id: 1\nevent: delta\ndata: {\"type\":\"delta\",\"text\":\"a\"}\n\n",
    ])])
    .await;
    let mut stream = client(&server).watch_topic("t").events().await.unwrap();
    let event = stream.next().await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({"event": "delta", "id": "1", "data": {"type": "delta", "text": "a"}})
    );
    assert_eq!(stream.last_event_id(), Some("1"));
}
