//! A large download through the generated client, with the memory it took.
//!
//! `bench-streaming stream MIB` reads a body of MIB mebibytes from a loopback
//! server in this process through `download(..).byte_stream()`;
//! `bench-streaming whole MIB` through `download(..).send()`, which holds the body
//! whole, for contrast. Both check every byte arrived (count and sum), and print
//! one JSON object: bytes, seconds, MiB/s and this process's peak resident
//! memory (`VmHWM`), server included.

use futures_util::StreamExt;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The byte at position `i` of the body.
fn byte(i: u64) -> u8 {
    (i % 251) as u8
}

/// What the server sends, again and again: 251 × 1024 bytes, so every copy
/// starts the pattern afresh.
fn block() -> Vec<u8> {
    (0..251 * 1024).map(byte).collect()
}

/// A loopback server answering every request with `length` bytes of the pattern.
async fn serve(length: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let block = block();
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let block = block.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}\r\n\r\n"
                );
                if stream.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
                let mut left = length;
                while left > 0 {
                    let n = left.min(block.len() as u64) as usize;
                    if stream.write_all(&block[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            });
        }
    });
    url
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("stream");
    let mib: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1024);
    let length = mib * 1024 * 1024;
    let url = serve(length).await;
    let client = streams::Client::builder().base_url(&url).build().unwrap();
    let start = Instant::now();
    let (mut count, mut sum) = (0u64, 0u64);
    match mode {
        "stream" => {
            let mut body = client.download("big.bin").byte_stream().await.unwrap();
            assert_eq!(body.content_length(), Some(length));
            while let Some(chunk) = body.next().await {
                let chunk = chunk.unwrap();
                count += chunk.len() as u64;
                sum = chunk.iter().fold(sum, |s, &b| s.wrapping_add(u64::from(b)));
            }
        }
        "whole" => {
            let body = client.download("big.bin").send().await.unwrap();
            count = body.len() as u64;
            sum = body.iter().fold(0u64, |s, &b| s.wrapping_add(u64::from(b)));
        }
        other => panic!("unknown mode {other}: stream or whole"),
    }
    let seconds = start.elapsed().as_secs_f64();
    let expected: u64 = {
        let block: u64 = (0..251u64).sum::<u64>() * 1024;
        let whole = length / (251 * 1024);
        let rest: u64 = (0..length % (251 * 1024)).map(|i| u64::from(byte(i))).sum();
        whole * block + rest
    };
    assert_eq!(count, length, "every byte arrived");
    assert_eq!(sum, expected, "the bytes are the ones sent");
    println!(
        "{{\"mode\": \"{mode}\", \"bytes\": {count}, \"seconds\": {seconds:.3}, \"mib_per_s\": {:.1}, \"peak_rss_mib\": {:.1}}}",
        count as f64 / 1048576.0 / seconds,
        peak_rss_mib()
    );
}
