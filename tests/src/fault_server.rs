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
        if let Step::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
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
    pub at: std::time::Instant,
}

pub struct FaultServer {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
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
        let task = tokio::spawn(async move {
            let mut n = 0;
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let step = script.get(n).or(script.last()).cloned();
                n += 1;
                let log = log.clone();
                tokio::spawn(async move {
                    if let Some(step) = step {
                        let _ = serve(stream, step, log).await;
                    }
                });
            }
        });
        FaultServer { url, seen, task }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one request (head and a body of `content-length` bytes). `None` when
/// the peer closed before a whole head arrived: a client may open a connection
/// it never uses (hyper connects in the background while waiting for its pool,
/// and drops the idle connection with the client), which is not a request.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
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
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(Some(head));
        }
    }
    Ok(None)
}

async fn serve(
    mut stream: TcpStream,
    step: Step,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let Some(head) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    log.lock().unwrap().push(Seen {
        method: first.next().unwrap_or_default().to_string(),
        target: first.next().unwrap_or_default().to_string(),
        head: head.clone(),
        at: std::time::Instant::now(),
    });
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
