//! Measurements behind `cargo xtask bench` that need the generated crate compiled:
//!
//! - per-request time of the generated client against a hand-written `reqwest`
//!   call of the same request (same `reqwest::Client`, same loopback server);
//! - decode throughput of the port-list fixture into the generated models, with
//!   and without the map that keeps undeclared members.
//!
//! Prints one JSON object; every figure is the median of several rounds.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROUNDS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A keep-alive HTTP/1.1 server on loopback answering every request with `body`.
async fn serve(body: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
    let head: &'static [u8] = Box::leak(head.into_bytes().into_boxed_slice());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut pending = Vec::new();
                loop {
                    let Ok(n) = stream.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    // GET requests have no body: every blank line ends one.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if stream.write_all(head).await.is_err() || stream.write_all(body).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

async fn client_overhead(requests: usize) -> (f64, f64) {
    let body: &'static [u8] = br#"{"id":"21ab4746f3ba6c3462def3e8","name":"London","code":"LHR","country":"gb","regionIds":["5a370b288f220300127f834d"],"ready":true,"deleted":false}"#;
    let url = serve(body).await;
    let http = reqwest::Client::new();
    let client = consoleconnect::Client::builder().base_url(&url).api_key("key").http_client(http.clone()).build().unwrap();
    let raw_url = format!("{url}/api/metro/21ab4746f3ba6c3462def3e8");
    // Warm up both paths (connections, allocator).
    for _ in 0..200 {
        client.get_metro("21ab4746f3ba6c3462def3e8").send().await.unwrap();
        let r = http.get(&raw_url).bearer_auth("key").send().await.unwrap().bytes().await.unwrap();
        let _: consoleconnect::types::Metro = serde_json::from_slice(&r).unwrap();
    }
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate the order so neither side always runs on a warmer machine.
        for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let start = Instant::now();
            for _ in 0..requests {
                if side == 0 {
                    let m = client.get_metro("21ab4746f3ba6c3462def3e8").send().await.unwrap();
                    std::hint::black_box(m.into_inner());
                } else {
                    let r = http.get(&raw_url).bearer_auth("key").send().await.unwrap();
                    let status = r.status();
                    let bytes = r.bytes().await.unwrap();
                    assert!(status.is_success());
                    let m: consoleconnect::types::Metro = serde_json::from_slice(&bytes).unwrap();
                    std::hint::black_box(m);
                }
            }
            let per = start.elapsed().as_secs_f64() * 1e6 / requests as f64;
            if side == 0 { ours.push(per) } else { raw.push(per) }
        }
    }
    (median(ours), median(raw))
}

fn decode_throughput() -> (f64, f64, usize) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/examples/list-ports.s2s.response.json");
    let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The fixture repeated to a list of realistic size.
    let port = fixture["results"][0].clone();
    let doc = serde_json::json!({"results": vec![port; 200]});
    let bytes = serde_json::to_vec(&doc).unwrap();
    let mb = bytes.len() as f64 / (1024.0 * 1024.0);
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..20 {
            f();
        }
        start.elapsed()
    };
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let a: Duration = time(&|| {
            let v: consoleconnect::types::PortList = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(v);
        });
        let b: Duration = time(&|| {
            let v: plain_models::types::PortList = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(v);
        });
        ours.push(20.0 * mb / a.as_secs_f64());
        plain.push(20.0 * mb / b.as_secs_f64());
    }
    (median(ours), median(plain), bytes.len())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let requests: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let (ours_us, raw_us) = client_overhead(requests).await;
    let (ours_mbs, plain_mbs, size) = decode_throughput();
    println!(
        "{}",
        serde_json::json!({
            "requests_per_round": requests,
            "client_us": ours_us,
            "raw_reqwest_us": raw_us,
            "decode_bytes": size,
            "decode_mb_s": ours_mbs,
            "plain_decode_mb_s": plain_mbs,
        })
    );
}
