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
const OVERHEAD_ROUNDS: usize = 15;

/// The body every request of the overhead measurement gets.
const METRO: &[u8] = br#"{"id":"21ab4746f3ba6c3462def3e8","name":"London","code":"LHR","country":"gb","regionIds":["5a370b288f220300127f834d"],"ready":true,"deleted":false}"#;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A keep-alive HTTP/1.1 server on loopback answering every request with `body`.
async fn serve(body: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Head and body in one write, and no Nagle delay: otherwise every response
    // waits for the client's delayed ACK and the benchmark measures that.
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut pending = Vec::new();
                loop {
                    let Ok(n) = stream.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    // GET requests have no body: every blank line ends one.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if stream.write_all(response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

/// The overhead measurement: per-request medians of each side, and the median of
/// the per-round ratios (a round runs every side back to back, so a noisy moment
/// hits all of them).
struct Overhead {
    ours: f64,
    raw: f64,
    raw_timeout: f64,
    ratio: f64,
    ratio_timeout: f64,
}

/// One request of a side: 0 the generated client; 1 a hand-written reqwest call of
/// the same request; 2 the same call with the per-request timeout the generated
/// client sets (60 s by default), which costs reqwest a timer per request.
async fn one_request(
    side: usize,
    client: &consoleconnect::Client,
    http: &reqwest::Client,
    raw_url: &str,
) {
    if side == 0 {
        let m = client
            .get_metro("21ab4746f3ba6c3462def3e8")
            .send()
            .await
            .unwrap();
        std::hint::black_box(m.into_inner());
        return;
    }
    let mut request = http
        .get(raw_url)
        .bearer_auth("key")
        .header(reqwest::header::ACCEPT, "application/json");
    if side == 2 {
        request = request.timeout(Duration::from_secs(60));
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    let bytes = r.bytes().await.unwrap();
    assert!(status.is_success());
    let m: consoleconnect::types::Metro = serde_json::from_slice(&bytes).unwrap();
    std::hint::black_box(m);
}

async fn client_overhead(requests: usize) -> Overhead {
    let url = serve(METRO).await;
    let http = reqwest::Client::new();
    let client = consoleconnect::Client::builder()
        .base_url(&url)
        .api_key("key")
        .http_client(http.clone())
        .build()
        .unwrap();
    let raw_url = format!("{url}/api/metro/21ab4746f3ba6c3462def3e8");
    // Warm up every path (connections, allocator).
    for _ in 0..200 {
        for side in 0..3 {
            one_request(side, &client, &http, &raw_url).await;
        }
    }
    let mut times: [Vec<f64>; 3] = Default::default();
    for round in 0..OVERHEAD_ROUNDS {
        // Rotate the order so no side always runs first.
        for k in 0..3 {
            let side = (round + k) % 3;
            let start = Instant::now();
            for _ in 0..requests {
                one_request(side, &client, &http, &raw_url).await;
            }
            times[side].push(start.elapsed().as_secs_f64() * 1e6 / requests as f64);
        }
    }
    let ratios = |base: &[f64]| median(times[0].iter().zip(base).map(|(o, r)| o / r).collect());
    Overhead {
        ratio: ratios(&times[1]),
        ratio_timeout: ratios(&times[2]),
        ours: median(times[0].clone()),
        raw: median(times[1].clone()),
        raw_timeout: median(times[2].clone()),
    }
}

async fn profile_side(side: &str, requests: usize) {
    let url = serve(METRO).await;
    let http = reqwest::Client::new();
    let client = consoleconnect::Client::builder()
        .base_url(&url)
        .api_key("key")
        .http_client(http.clone())
        .build()
        .unwrap();
    let raw_url = format!("{url}/api/metro/21ab4746f3ba6c3462def3e8");
    for _ in 0..requests {
        if side == "ours" {
            std::hint::black_box(
                client
                    .get_metro("21ab4746f3ba6c3462def3e8")
                    .send()
                    .await
                    .unwrap()
                    .into_inner(),
            );
        } else {
            let bytes = http
                .get(&raw_url)
                .bearer_auth("key")
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            std::hint::black_box(
                serde_json::from_slice::<consoleconnect::types::Metro>(&bytes).unwrap(),
            );
        }
    }
}

fn decode_throughput() -> (f64, f64, usize) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/examples/list-ports.s2s.response.json"
    );
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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

/// What keeping a timestamp's text costs: 100 000 `date-time` strings decoded as
/// the runtime's `DateTime` (text kept), as plain `String`s, and as
/// `chrono::DateTime<Utc>` (what the generator emitted before); and reading them
/// with `DateTime::to_utc`. Nanoseconds per value.
fn timestamps() -> serde_json::Value {
    let texts: Vec<String> = (0..100_000)
        .map(|i| format!("2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", i % 12 + 1, i % 28 + 1, i % 24, i % 60, i % 60, i % 1000))
        .collect();
    let bytes = serde_json::to_vec(&texts).unwrap();
    let per = |d: Duration| d.as_nanos() as f64 / texts.len() as f64;
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let (mut kept, mut strings, mut chrono_typed, mut to_utc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        kept.push(per(time(&|| {
            std::hint::black_box(serde_json::from_slice::<Vec<consoleconnect::DateTime>>(&bytes).unwrap());
        })));
        strings.push(per(time(&|| {
            std::hint::black_box(serde_json::from_slice::<Vec<String>>(&bytes).unwrap());
        })));
        chrono_typed.push(per(time(&|| {
            std::hint::black_box(
                serde_json::from_slice::<Vec<chrono::DateTime<chrono::Utc>>>(&bytes).unwrap(),
            );
        })));
        let values: Vec<consoleconnect::DateTime> = serde_json::from_slice(&bytes).unwrap();
        to_utc.push(per(time(&|| {
            for v in &values {
                std::hint::black_box(v.to_utc().unwrap());
            }
        })));
    }
    serde_json::json!({
        "timestamp_kept_ns": median(kept),
        "timestamp_string_ns": median(strings),
        "timestamp_chrono_ns": median(chrono_typed),
        "timestamp_to_utc_ns": median(to_utc),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // `bench-harness N ours|raw`: only that side's requests, for a profiler.
    if let Some(side) = std::env::args().nth(2) {
        profile_side(&side, requests).await;
        return;
    }
    let overhead = client_overhead(requests).await;
    let (ours_mbs, plain_mbs, size) = decode_throughput();
    let timestamps = timestamps();
    println!(
        "{}",
        serde_json::json!({
            "timestamps": timestamps,
            "requests_per_round": requests,
            "client_us": overhead.ours,
            "raw_reqwest_us": overhead.raw,
            "raw_reqwest_timeout_us": overhead.raw_timeout,
            "overhead_ratio": overhead.ratio,
            "overhead_ratio_timeout": overhead.ratio_timeout,
            "decode_bytes": size,
            "decode_mb_s": ours_mbs,
            "plain_decode_mb_s": plain_mbs,
        })
    );
}
