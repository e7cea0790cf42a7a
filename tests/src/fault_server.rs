//! A scripted HTTP/1.1 server on loopback for fault injection: each accepted
//! connection plays the next step of a script (a response, a slow response, a
//! reset, a truncated body), so tests can prove how the client behaves when the
//! network misbehaves. It records every request, and stops when dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answer with a status, extra headers and a body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then answer.
    Slow {
        delay: Duration,
        status: u16,
        body: Vec<u8>,
    },
    /// Read the request, then reset the connection (RST, no response).
    Reset,
    /// Announce a body, send part of it, close.
    Truncate { announced: usize, sent: Vec<u8> },
    /// A chunked body written piece by piece (each after its delay), then ended
    /// as `end` says: how event streams and large downloads arrive.
    Chunked {
        status: u16,
        headers: Vec<(String, String)>,
        chunks: Vec<(Duration, Vec<u8>)>,
        end: End,
    },
}

/// How a chunked body ends.
#[derive(Debug, Clone)]
pub enum End {
    /// With the last chunk: the body ended cleanly.
    Finish,
    /// The connection closes without the last chunk: a body cut short.
    Cut,
    /// Nothing more, and the connection stays open.
    Hang,
    /// These bytes again and again, every `every`, until the client goes away.
    Repeat { bytes: Vec<u8>, every: Duration },
}

impl Step {
    pub fn json(status: u16, body: &serde_json::Value) -> Step {
        Step::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap(),
        }
    }

    pub fn status(status: u16) -> Step {
        Step::Respond {
            status,
            headers: vec![],
            body: b"{}".to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Step {
        if let Step::Respond { headers, .. } | Step::Chunked { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// A `text/event-stream` body in these pieces, each sent at once, ended cleanly.
    pub fn events(pieces: &[&str]) -> Step {
        Step::Chunked {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks: pieces
                .iter()
                .map(|p| (Duration::ZERO, p.as_bytes().to_vec()))
                .collect(),
            end: End::Finish,
        }
    }

    /// The same, ended as `end` says.
    pub fn ending(mut self, how: End) -> Step {
        if let Step::Chunked { end, .. } = &mut self {
            *end = how;
        }
        self
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub head: String,
    /// The request body (de-chunked).
    pub body: Vec<u8>,
    pub at: std::time::Instant,
}

impl Seen {
    /// A header's value (the first of that name, any case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

pub struct FaultServer {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Bytes of response bodies written so far (all connections).
    written: Arc<std::sync::atomic::AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    /// Starts a server playing `script`; when the script runs out, the last step repeats.
    pub async fn start(script: Vec<Step>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let written = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = written.clone();
        let task = tokio::spawn(async move {
            let mut n = 0;
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let step = script.get(n).or(script.last()).cloned();
                n += 1;
                let log = log.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    if let Some(step) = step {
                        let _ = serve(stream, step, log, counter).await;
                    }
                });
            }
        });
        FaultServer {
            url,
            seen,
            written,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Bytes of response bodies written so far.
    pub fn body_bytes_written(&self) -> u64 {
        self.written.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Reads one request: head and body (of `content-length` bytes, or chunked).
/// `None` when the peer closed before a whole head arrived: a client may open a
/// connection it never uses (hyper connects in the background while waiting for
/// its pool, and drops the idle connection with the client), which is not a
/// request.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let lower = head.to_ascii_lowercase();
            let length: usize = lower
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            let chunked = lower
                .lines()
                .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
            let mut body = buf.split_off(end + 4);
            if chunked {
                loop {
                    if let Some(decoded) = dechunk(&body) {
                        return Ok(Some((head, decoded)));
                    }
                    let n = stream.read(&mut chunk).await?;
                    if n == 0 {
                        return Ok(Some((head, body)));
                    }
                    body.extend_from_slice(&chunk[..n]);
                }
            }
            while body.len() < length {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            return Ok(Some((head, body)));
        }
    }
    Ok(None)
}

/// A whole chunked body decoded, or `None` while its last chunk has not arrived.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if raw.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

async fn serve(
    mut stream: TcpStream,
    step: Step,
    log: Arc<Mutex<Vec<Seen>>>,
    written: Arc<std::sync::atomic::AtomicU64>,
) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    log.lock().unwrap().push(Seen {
        method: first.next().unwrap_or_default().to_string(),
        target: first.next().unwrap_or_default().to_string(),
        head: head.clone(),
        body,
        at: std::time::Instant::now(),
    });
    let count = |n: usize| {
        written.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    };
    match step {
        Step::Respond {
            status,
            headers,
            body,
        } => write_response(&mut stream, status, &headers, &body, body.len()).await,
        Step::Slow {
            delay,
            status,
            body,
        } => {
            tokio::time::sleep(delay).await;
            write_response(&mut stream, status, &[], &body, body.len()).await
        }
        Step::Reset => {
            // A zero linger makes the close a reset (RST) and never blocks, which is
            // what tokio's deprecation warns about.
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO))?;
            drop(stream);
            Ok(())
        }
        Step::Chunked {
            status,
            headers,
            chunks,
            end,
        } => {
            let mut head = format!("HTTP/1.1 {status} X\r\ntransfer-encoding: chunked\r\n");
            for (k, v) in &headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            for (delay, bytes) in chunks {
                tokio::time::sleep(delay).await;
                write_chunk(&mut stream, &bytes).await?;
                count(bytes.len());
            }
            match end {
                End::Finish => {
                    stream.write_all(b"0\r\n\r\n").await?;
                    stream.flush().await
                }
                End::Cut => stream.shutdown().await,
                End::Hang => {
                    // Until the client goes away (a read sees the close).
                    let mut byte = [0u8; 1];
                    let _ = stream.read(&mut byte).await;
                    Ok(())
                }
                End::Repeat { bytes, every } => loop {
                    tokio::time::sleep(every).await;
                    write_chunk(&mut stream, &bytes).await?;
                    count(bytes.len());
                },
            }
        }
        Step::Truncate { announced, sent } => {
            write_response(
                &mut stream,
                200,
                &[("content-type".into(), "application/json".into())],
                &sent,
                announced,
            )
            .await?;
            stream.shutdown().await
        }
    }
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    length: usize,
) -> std::io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {status} X\r\ncontent-length: {length}\r\nconnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

async fn write_chunk(stream: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    stream
        .write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
        .await?;
    stream.write_all(bytes).await?;
    stream.write_all(b"\r\n").await?;
    stream.flush().await
}
