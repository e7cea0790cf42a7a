//! Binary bodies that are never held whole (`tests/specs/streams.yaml`):
//! downloads read as a stream of bytes, uploads from a file or a stream with
//! `Content-Length` when the size is known, against a loopback server that
//! records what it received. (The 1 GiB / 64 MiB figure is `cargo xtask bench
//! --only streaming`.)

use consoleconnect_tests::fault_server::{End, FaultServer, Step};
use consoleconnect_tests::snapshot_streams::client::DownloadError;
use consoleconnect_tests::snapshot_streams::{Client, Error, RetryPolicy, StreamError, Upload};
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

/// Some bytes that are not text: every value, many times.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn a_download_arrives_chunk_by_chunk_as_sent() {
    let data = payload(1 << 20);
    let server = FaultServer::start(vec![Step::Chunked {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        chunks: data
            .chunks(64 * 1024)
            .map(|c| (Duration::ZERO, c.to_vec()))
            .collect(),
        end: End::Finish,
    }])
    .await;
    let mut stream = client(&server)
        .download("f.bin")
        .byte_stream()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.content_length(),
        None,
        "chunked: no length announced"
    );
    let mut got = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(got, data);
    assert!(chunks > 1, "read as it arrived, not whole");
    assert_eq!(
        server.requests()[0].header("accept").as_deref(),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn a_download_keeps_its_length_and_send_still_reads_it_whole() {
    let data = payload(10_000);
    let server = FaultServer::start(vec![Step::Respond {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        body: data.clone(),
    }])
    .await;
    let stream = client(&server).download("f").byte_stream().await.unwrap();
    assert_eq!(stream.content_length(), Some(10_000));
    let got: Vec<u8> = stream.map(|c| c.unwrap().to_vec()).concat().await;
    assert_eq!(got, data);
    let whole = client(&server).download("f").send().await.unwrap();
    assert_eq!(&whole[..], &data[..]);
}

#[tokio::test]
async fn a_documented_error_and_a_cut_body_are_typed() {
    let server =
        FaultServer::start(vec![Step::json(404, &json!({"message": "no such file"}))]).await;
    match client(&server).download("f").byte_stream().await {
        Err(Error::Api {
            body: DownloadError::NotFound(problem),
            ..
        }) => assert_eq!(problem.message, "no such file"),
        other => panic!("{other:?}"),
    }
    let server = FaultServer::start(vec![Step::Chunked {
        status: 200,
        headers: vec![],
        chunks: vec![(Duration::ZERO, b"part".to_vec())],
        end: End::Cut,
    }])
    .await;
    let items: Vec<_> = client(&server)
        .download("f")
        .byte_stream()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(&items[0].as_ref().unwrap()[..], b"part");
    assert!(matches!(items[1], Err(StreamError::Transport(_))));
}

fn stored() -> Step {
    Step::json(201, &json!({"size": 1}))
}

#[tokio::test]
async fn a_file_is_uploaded_with_its_length() {
    let data = payload(300_000);
    let dir = std::env::temp_dir().join(format!("upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("file.bin");
    std::fs::write(&path, &data).unwrap();
    let server = FaultServer::start(vec![stored()]).await;
    let upload = Upload::file(&path);
    assert_eq!(upload.len(), Some(300_000));
    client(&server).upload("f", upload).send().await.unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.header("content-length").as_deref(), Some("300000"));
    assert_eq!(seen.header("transfer-encoding"), None);
    assert_eq!(
        seen.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(seen.body == data, "the body arrived as the file holds it");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_stream_is_uploaded_with_a_length_when_known_and_chunked_otherwise() {
    let data = payload(200_000);
    let chunks = || {
        let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
            data.chunks(30_000).map(|c| Ok(c.to_vec())).collect();
        futures_util::stream::iter(pieces)
    };
    let server = FaultServer::start(vec![stored()]).await;
    let c = client(&server);
    c.upload("a", Upload::stream(chunks(), Some(200_000)))
        .send()
        .await
        .unwrap();
    c.upload("b", Upload::stream(chunks(), None))
        .send()
        .await
        .unwrap();
    c.upload("c", data.clone()).send().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].header("content-length").as_deref(), Some("200000"));
    assert_eq!(seen[1].header("content-length"), None);
    assert_eq!(
        seen[1].header("transfer-encoding").as_deref(),
        Some("chunked")
    );
    assert_eq!(seen[2].header("content-length").as_deref(), Some("200000"));
    for s in &seen {
        assert!(s.body == data, "{}: the body arrived whole", s.target);
    }
}

#[tokio::test]
async fn a_file_upload_is_retried_and_a_stream_upload_is_not() {
    let data = payload(50_000);
    let path = std::env::temp_dir().join(format!("upload-retry-{}.bin", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    let retrying = RetryPolicy::default()
        .backoff(Duration::from_millis(20), Duration::from_millis(40))
        .retry_non_idempotent(true);
    // A file is opened again for the second attempt.
    let server = FaultServer::start(vec![Step::status(503), stored()]).await;
    let done = client(&server)
        .upload("f", Upload::file(&path))
        .with_retry(retrying.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(done.attempts(), 2);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].body == data && seen[1].body == data);
    std::fs::remove_file(&path).unwrap();
    // A stream is gone after the first attempt: its outcome stands.
    let server = FaultServer::start(vec![Step::status(503), stored()]).await;
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(data.clone())]);
    let err = client(&server)
        .upload("f", Upload::stream(chunks, Some(50_000)))
        .with_retry(retrying)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedStatus(r) if r.status == 503),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_a_request_error_and_nothing_is_sent() {
    let server = FaultServer::start(vec![stored()]).await;
    match client(&server)
        .upload("f", Upload::file("/no/such/dir/file.bin"))
        .send()
        .await
    {
        Err(Error::InvalidRequest(e)) => {
            assert!(e.to_string().contains("/no/such/dir/file.bin"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert!(server.requests().is_empty());
}
