//! Responses of the command-line program (crate feature `cli`) printed as they
//! arrive: an event stream as one line of JSON per event, a binary body written
//! to stdout chunk by chunk, never held whole. Which one is decided by what the
//! server sent (`Content-Type`), so a server that streams when the request's body
//! asks for it (`"stream": true`) is printed right whatever was asked for.

use super::cli::{EXIT_API, EXIT_OK, EXIT_TRANSPORT, Invocation, Pending, reindent, without_body};
use super::error::{Error, OperationInfo, RequestError};
use super::request::{Operation, Request, RequestParts};
use super::response::{DecodeError, RawResponse, decode_json};
use super::retry::RequestOptions;
use super::sse::Event;
use super::stream::{
    ByteStream, EVENT_STREAM, EventStream, StreamError, is_event_stream, text_data,
};
use super::transport::{Call, Core};
use futures_util::StreamExt;

/// Checks an event's data against the type the API description gives it.
pub type CheckEvent = fn(&str) -> Result<(), DecodeError>;

/// [`CheckEvent`] for events whose data is JSON of type `T`.
pub fn check_event<T: serde::de::DeserializeOwned>(data: &str) -> Result<(), DecodeError> {
    decode_json::<T>(data.as_bytes()).map(|_| ())
}

/// How an operation puts its parameters on a request.
type WriteParts<'a> = dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync + 'a;

impl Invocation {
    /// Sends the request asking for `accept` (or for an event stream, with
    /// `--events`) and prints the response as it arrives: events as JSON lines
    /// (`{"event", "id", "retry", "data"}`, the data as the server sent it,
    /// checked with `events` when the API description types it), a binary body
    /// as its bytes, anything else whole as [`send`](Self::send) prints it.
    /// Resolves to the exit code.
    pub fn stream<'a, O: Operation + 'a>(
        &'a self,
        request: Request<'a, O>,
        accept: &'static str,
        events: Option<CheckEvent>,
    ) -> Pending<'a> {
        let (core, options, op) = request.into_parts();
        let accept = if self.events_asked() {
            EVENT_STREAM
        } else {
            accept
        };
        self.call_streaming(
            core,
            &O::INFO,
            options,
            Box::new(move |parts| op.write(parts)),
            |raw| O::decode(raw).err().map(without_body),
            accept,
            events,
        )
    }

    /// The part of [`stream`](Self::stream) that is the same for every
    /// operation (one future, compiled once).
    #[allow(clippy::too_many_arguments)]
    fn call_streaming<'a>(
        &'a self,
        core: &'a Core,
        info: &'static OperationInfo,
        options: RequestOptions,
        write: Box<WriteParts<'a>>,
        check: fn(RawResponse) -> Option<Error<()>>,
        accept: &'static str,
        events: Option<CheckEvent>,
    ) -> Pending<'a> {
        Box::pin(async move {
            let mut slot = None;
            let call = Call::of(info, accept, &options, &*write);
            let raw = match core.execute_stream(&call, accept, &mut slot).await {
                Ok(raw) => raw,
                Err(failure) => return self.failed(&Error::from(failure)),
            };
            let idle = core.timeout(&options);
            let Some(response) = slot else {
                // Not a success: read whole, and printed as any response.
                return self.whole(raw, check);
            };
            if is_event_stream(&raw.headers) {
                self.sink.with(|_, err| self.printer.head(&raw, err));
                let stream = EventStream::of_response(raw, response, idle, text_data);
                return self.print_events(stream, events).await;
            }
            if streams_as_bytes(&raw.headers) {
                self.sink.with(|_, err| self.printer.head(&raw, err));
                return self
                    .print_bytes(ByteStream::of_response(raw, response, idle))
                    .await;
            }
            let attempts = raw.attempts;
            let body = match tokio::time::timeout(idle, response.bytes()).await {
                Ok(Ok(body)) => body,
                Ok(Err(e)) => {
                    return self.failed(&Error::Transport {
                        source: e.without_url(),
                        attempts,
                    });
                }
                Err(_) => {
                    return self.failed(&Error::Timeout {
                        source: None,
                        attempts,
                        after: idle,
                    });
                }
            };
            self.whole(RawResponse { body, ..raw }, check)
        })
    }

    /// A whole response, printed as `send` prints it.
    fn whole(&self, raw: RawResponse, check: fn(RawResponse) -> Option<Error<()>>) -> u8 {
        let problem = check(raw.clone());
        self.sink.with(|out, err| {
            self.printer
                .response(&raw, problem.as_ref(), self.errors, out, err)
        })
    }

    /// Prints each event as a line of JSON as it arrives. An event whose data
    /// does not match the API description is printed too, and said so on
    /// stderr; the stream goes on, and the exit code is then 1.
    pub(crate) async fn print_events(
        &self,
        mut stream: EventStream<String>,
        check: Option<CheckEvent>,
    ) -> u8 {
        let mut code = EXIT_OK;
        while let Some(item) = stream.next().await {
            let event = match item {
                Ok(event) => event,
                Err(e) => return self.stream_failed(&e),
            };
            let json = match check {
                Some(check) => {
                    if let Err(e) = check(&event.data) {
                        code = EXIT_API;
                        self.sink.with(|_, err| {
                            let _ = writeln!(
                                err,
                                "error: an event `{}` does not match the API description: {}",
                                event.event,
                                super::cli::explain(&e)
                            );
                        });
                    }
                    reindent(event.data.as_bytes(), true)
                }
                None => None,
            };
            if !self.line(&event_line(&event, json.as_deref())) {
                // stdout was closed (`| head`): nothing more to do.
                return code;
            }
        }
        code
    }

    /// Writes the body to stdout as its chunks arrive.
    pub(crate) async fn print_bytes(&self, mut stream: ByteStream) -> u8 {
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => return self.stream_failed(&e),
            };
            let written = self
                .sink
                .with(|out, _| out.write_all(&chunk).and_then(|()| out.flush()).is_ok());
            if !written {
                return EXIT_OK;
            }
        }
        EXIT_OK
    }

    /// Reports a stream that ended in an error: 3 when the connection broke
    /// off or went silent (no complete response), 1 otherwise.
    fn stream_failed(&self, e: &StreamError) -> u8 {
        self.sink.with(|_, err| {
            let _ = writeln!(err, "error: {e}");
        });
        match e {
            StreamError::Transport(_) | StreamError::Idle(_) => EXIT_TRANSPORT,
            _ => EXIT_API,
        }
    }
}

/// A success whose body goes to stdout as it arrives: anything but JSON and
/// text (which are printed whole, JSON re-indented).
fn streams_as_bytes(headers: &reqwest::header::HeaderMap) -> bool {
    let Some(media) = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
    else {
        return false;
    };
    let json = media == "application/json" || media.ends_with("+json");
    !(json || media.starts_with("text/"))
}

/// An event as one line of JSON: `{"event", "id", "retry", "data"}` as
/// [`Event`] serialises, with `data` the JSON the server sent (`json`), or its
/// text as a JSON string.
fn event_line(event: &Event<String>, json: Option<&[u8]>) -> Vec<u8> {
    let mut line = Vec::with_capacity(event.data.len() + 64);
    let text = |line: &mut Vec<u8>, s: &str| {
        let _ = serde_json::to_writer(line, s);
    };
    line.extend_from_slice(b"{\"event\":");
    text(&mut line, &event.event);
    if let Some(id) = &event.id {
        line.extend_from_slice(b",\"id\":");
        text(&mut line, id);
    }
    if let Some(retry) = event.retry {
        line.extend_from_slice(format!(",\"retry\":{}", retry.as_millis()).as_bytes());
    }
    line.extend_from_slice(b",\"data\":");
    match json {
        Some(json) => line.extend_from_slice(json),
        None => text(&mut line, &event.data),
    }
    line.push(b'}');
    line
}

#[cfg(test)]
mod tests {
    use super::super::cli::{Printer, Sink};
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    type Buffer = Rc<RefCell<Vec<u8>>>;

    /// An invocation of a command without flags whose output goes to buffers.
    fn invocation(args: &[&str], include: bool) -> (Invocation, Buffer, Buffer) {
        let matches = clap::Command::new("prog")
            .arg(
                clap::Arg::new("events")
                    .long("events")
                    .action(clap::ArgAction::SetTrue),
            )
            .try_get_matches_from(args)
            .unwrap();
        let (out, err) = (Buffer::default(), Buffer::default());
        let inv = Invocation {
            matches,
            flags: &[],
            body: None,
            errors: &[],
            printer: Printer {
                compact: false,
                include,
            },
            sink: Sink::Buffers(out.clone(), err.clone()),
        };
        (inv, out, err)
    }

    /// A success's head and a body arriving in these chunks (then nothing, for
    /// ever, when `stall`).
    fn response(
        content_type: &str,
        chunks: Vec<Result<&'static str, std::io::Error>>,
        stall: bool,
    ) -> (RawResponse, reqwest::Response) {
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = chunks
            .into_iter()
            .map(|c| c.map(|s| bytes::Bytes::from_static(s.as_bytes())))
            .collect();
        let body = futures_util::stream::iter(chunks);
        let body = if stall {
            reqwest::Body::wrap_stream(body.chain(futures_util::stream::pending()))
        } else {
            reqwest::Body::wrap_stream(body)
        };
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::CONTENT_TYPE, content_type.parse().unwrap());
        let raw = RawResponse {
            status: reqwest::StatusCode::OK,
            headers,
            body: bytes::Bytes::new(),
            attempts: 1,
        };
        (raw, reqwest::Response::from(http::Response::new(body)))
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn text(buffer: &Buffer) -> String {
        String::from_utf8(buffer.take()).unwrap()
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Chunk {
        n: u32,
    }

    #[test]
    fn events_print_as_lines_with_their_data_as_sent() {
        let (inv, out, err) = invocation(&["prog"], false);
        let (raw, body) = response(
            "text/event-stream",
            vec![
                Ok("retry: 1500\nid: 7\nevent: chunk\ndata: {\"n\": 1, \"big\": 1.50}\n\n"),
                Ok(": ping\n\ndata: {\"n\": -1}\n\n"),
                Ok("data: not json\n\ndata: {\"n\""),
                Ok(": 2}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n"),
            ],
            false,
        );
        let stream = EventStream::of_response(raw, body, Duration::from_secs(5), text_data);
        let code = run(inv.print_events(stream, Some(check_event::<Chunk>)));
        assert_eq!(code, EXIT_API, "two events do not match");
        assert_eq!(
            text(&out),
            concat!(
                "{\"event\":\"chunk\",\"id\":\"7\",\"retry\":1500,\"data\":{\"n\":1,\"big\":1.50}}\n",
                "{\"event\":\"message\",\"id\":\"7\",\"data\":{\"n\":-1}}\n",
                "{\"event\":\"message\",\"id\":\"7\",\"data\":\"not json\"}\n",
                "{\"event\":\"message\",\"id\":\"7\",\"data\":{\"n\":2}}\n",
            ),
            "every event, in order, [DONE] ending the stream"
        );
        let err = text(&err);
        assert_eq!(err.lines().count(), 2, "{err}");
        assert!(
            err.starts_with("error: an event `message` does not match the API description: "),
            "{err}"
        );
    }

    #[test]
    fn text_events_keep_their_data_as_a_string() {
        let (inv, out, _) = invocation(&["prog"], false);
        let (raw, body) = response(
            "text/event-stream; charset=utf-8",
            vec![Ok("data: line one\ndata: {\"a\":1}\n\n")],
            false,
        );
        let stream = EventStream::of_response(raw, body, Duration::from_secs(5), text_data);
        assert_eq!(run(inv.print_events(stream, None)), EXIT_OK);
        assert_eq!(
            text(&out),
            "{\"event\":\"message\",\"data\":\"line one\\n{\\\"a\\\":1}\"}\n"
        );
    }

    #[test]
    fn a_stream_that_breaks_off_or_goes_silent_exits_3_after_what_arrived() {
        let (inv, out, err) = invocation(&["prog"], false);
        let cut = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let (raw, body) = response(
            "text/event-stream",
            vec![Ok("data: a\n\ndata: b"), Err(cut)],
            false,
        );
        let stream = EventStream::of_response(raw, body, Duration::from_secs(5), text_data);
        assert_eq!(run(inv.print_events(stream, None)), EXIT_TRANSPORT);
        assert_eq!(text(&out), "{\"event\":\"message\",\"data\":\"a\"}\n");
        assert!(text(&err).starts_with("error: the stream broke off"));

        let (raw, body) = response("text/event-stream", vec![Ok("data: a\n\n")], true);
        let stream = EventStream::of_response(raw, body, Duration::from_millis(50), text_data);
        assert_eq!(run(inv.print_events(stream, None)), EXIT_TRANSPORT);
        assert_eq!(text(&out), "{\"event\":\"message\",\"data\":\"a\"}\n");
        assert!(text(&err).starts_with("error: nothing arrived for 50ms"));
    }

    #[test]
    fn bytes_go_out_as_they_arrive() {
        let (inv, out, err) = invocation(&["prog"], false);
        let (raw, body) = response(
            "application/octet-stream",
            vec![Ok("\u{0}\u{1}binary"), Ok(" and more")],
            false,
        );
        let stream = ByteStream::of_response(raw, body, Duration::from_secs(5));
        assert_eq!(run(inv.print_bytes(stream)), EXIT_OK);
        assert_eq!(out.take(), b"\x00\x01binary and more");
        assert!(err.take().is_empty());

        let cut = std::io::Error::other("cut");
        let (raw, body) = response("audio/mpeg", vec![Ok("abc"), Err(cut)], false);
        let stream = ByteStream::of_response(raw, body, Duration::from_secs(5));
        assert_eq!(run(inv.print_bytes(stream)), EXIT_TRANSPORT);
        assert_eq!(out.take(), b"abc");
        assert!(text(&err).starts_with("error: the stream broke off"));
    }

    #[test]
    fn what_streams_is_decided_by_the_content_type() {
        let headers = |ct: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(reqwest::header::CONTENT_TYPE, ct.parse().unwrap());
            h
        };
        for ct in ["application/octet-stream", "audio/mpeg", "image/png; q=1"] {
            assert!(streams_as_bytes(&headers(ct)), "{ct}");
        }
        for ct in [
            "application/json",
            "application/problem+json; charset=utf-8",
            "Application/JSON",
            "text/plain",
            "text/csv",
        ] {
            assert!(!streams_as_bytes(&headers(ct)), "{ct}");
        }
        assert!(!streams_as_bytes(&reqwest::header::HeaderMap::new()));
        assert!(is_event_stream(&headers(
            "Text/Event-Stream; charset=utf-8"
        )));
    }

    #[test]
    fn events_are_asked_for_with_the_flag() {
        let (inv, _, _) = invocation(&["prog"], false);
        assert!(!inv.events_asked());
        let (inv, _, _) = invocation(&["prog", "--events"], false);
        assert!(inv.events_asked());
    }
}
