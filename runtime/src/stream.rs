//! Responses read as they arrive, never whole: event streams (`text/event-stream`,
//! each event's data decoded into the documented type) and byte streams (binary
//! bodies of any size).
//!
//! Sending goes through the same retries, credentials and logs as any call.
//! Timeouts: the call's timeout (per attempt: the client's, 60 s by default, or
//! `with_timeout`) bounds the time to the response head, and retries happen only
//! then, before the caller has seen a byte of the body. A stream has no deadline
//! as a whole (a model may answer for minutes); instead it has an idle timeout,
//! by default the call's timeout again: when nothing arrives for that long (not
//! a byte, not a heartbeat comment) the stream ends with [`StreamError::Idle`].
//! A server that sends heartbeats forever is never idle: end such a stream by
//! dropping it, or with a deadline of the caller's own (`tokio::time::timeout`).

use super::error::Error;
use super::request::{Operation, Request, RequestParts};
use super::response::{DecodeError, RawResponse, decode_json, request_id};
use super::sse::{Event, Parser};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The largest event an event stream accepts unless told otherwise
/// (`EventStream::max_event_size`): 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

/// What can go wrong reading a stream. Only [`StreamError::Decode`] leaves the
/// stream going; after any other error it ends.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// An event's data did not decode as the documented type; `event` is the
    /// event as it arrived. The stream goes on with the next event.
    Decode {
        event: Event<String>,
        source: DecodeError,
    },
    /// An event grew past `limit` bytes before it was complete (a server sending
    /// one endless line, say). The stream is closed.
    TooLarge { limit: usize },
    /// The connection broke off (reset, or a body cut short mid-event). The
    /// error carries no URL.
    Transport(reqwest::Error),
    /// Nothing arrived for this long. The stream is closed.
    Idle(Duration),
}

impl StreamError {
    /// Whether the stream ends after this error (every kind but `Decode`).
    pub fn ends_stream(&self) -> bool {
        !matches!(self, Self::Decode { .. })
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode { event, source } => {
                write!(f, "event `{}` could not be decoded: {source}", event.event)
            }
            Self::TooLarge { limit } => write!(
                f,
                "an event grew past {limit} bytes, the limit, so the stream was closed (raise it with `max_event_size`)"
            ),
            Self::Transport(e) => write!(f, "the stream broke off: {e}"),
            Self::Idle(after) => write!(
                f,
                "nothing arrived for {after:?}, so the stream was closed (see `idle_timeout`)"
            ),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { source, .. } => Some(source),
            Self::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// The body of a streamed response, read chunk by chunk.
struct Body {
    /// `None` once the body has ended (or broken off).
    response: Option<reqwest::Response>,
    idle: Option<Duration>,
}

impl Body {
    async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, StreamError> {
        let Some(response) = self.response.as_mut() else {
            return Ok(None);
        };
        let read = response.chunk();
        let chunk = match self.idle {
            Some(idle) => match tokio::time::timeout(idle, read).await {
                Ok(chunk) => chunk,
                Err(_) => {
                    self.response = None;
                    return Err(StreamError::Idle(idle));
                }
            },
            None => read.await,
        };
        match chunk {
            Ok(Some(chunk)) => Ok(Some(chunk)),
            Ok(None) => {
                self.response = None;
                Ok(None)
            }
            Err(e) => {
                self.response = None;
                Err(StreamError::Transport(e.without_url()))
            }
        }
    }
}

type Step<S, I> = Pin<Box<dyn Future<Output = (Box<S>, Option<I>)> + Send>>;

/// A stream whose items come from an async step over a state that is kept
/// between items (so settings can change before the first one).
struct Driver<S, I> {
    state: Option<Box<S>>,
    running: Option<Step<S, I>>,
    step: fn(Box<S>) -> Step<S, I>,
}

impl<S, I> Driver<S, I> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<I>> {
        let running = match &mut self.running {
            Some(running) => running,
            None => {
                let Some(state) = self.state.take() else {
                    return Poll::Ready(None);
                };
                self.running.insert((self.step)(state))
            }
        };
        let Poll::Ready((state, item)) = running.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        self.running = None;
        if item.is_some() {
            self.state = Some(state);
        }
        Poll::Ready(item)
    }

    /// The state between items (`None` while one is being read, or after the end).
    fn state(&self) -> Option<&S> {
        self.state.as_deref()
    }

    fn state_mut(&mut self) -> Option<&mut S> {
        self.state.as_deref_mut()
    }
}

struct EventState {
    body: Body,
    parser: Parser,
    /// What is left of the last chunk read.
    chunk: bytes::Bytes,
    ended: bool,
}

impl EventState {
    async fn next(&mut self) -> Option<Result<Event<String>, StreamError>> {
        while !self.ended {
            let mut input: &[u8] = &self.chunk;
            let found = self.parser.next(&mut input);
            let used = self.chunk.len() - input.len();
            bytes::Buf::advance(&mut self.chunk, used);
            match found {
                Err(too_large) => {
                    self.end();
                    return Some(Err(StreamError::TooLarge {
                        limit: too_large.limit,
                    }));
                }
                Ok(Some(event)) => return self.deliver(event),
                Ok(None) => {}
            }
            match self.body.chunk().await {
                Ok(Some(chunk)) => self.chunk = chunk,
                Ok(None) => {
                    self.ended = true;
                    let last = self.parser.finish()?;
                    return self.deliver(last);
                }
                Err(e) => {
                    self.end();
                    return Some(Err(e));
                }
            }
        }
        None
    }

    /// An event, unless it is the `[DONE]` sentinel (OpenAI's and many others'),
    /// which ends the stream.
    fn deliver(&mut self, event: Event<String>) -> Option<Result<Event<String>, StreamError>> {
        if event.data == "[DONE]" {
            self.end();
            return None;
        }
        Some(Ok(event))
    }

    /// Ends the stream and closes the connection.
    fn end(&mut self) {
        self.ended = true;
        self.body.response = None;
        self.chunk = bytes::Bytes::new();
    }
}

/// How an event's data becomes its type: JSON, or the text as it is.
pub(crate) type DecodeData<T> = fn(String) -> Result<T, (String, DecodeError)>;

/// An event's data decoded as JSON into `T`.
pub(crate) fn json_data<T: serde::de::DeserializeOwned>(
    data: String,
) -> Result<T, (String, DecodeError)> {
    match decode_json(data.as_bytes()) {
        Ok(value) => Ok(value),
        Err(e) => Err((data, e)),
    }
}

/// An event's data as the text it is.
pub(crate) fn text_data(data: String) -> Result<String, (String, DecodeError)> {
    Ok(data)
}

/// The events of a `text/event-stream` response, each one's data decoded into
/// `T`, read as they arrive (a `futures::Stream`; `StreamExt::next` takes the
/// next one). Comments and heartbeats are skipped; a `data: [DONE]` event ends
/// the stream; an event that does not decode is an error item
/// ([`StreamError::Decode`], keeping the event as sent) and the stream goes on.
/// Nothing is held beyond the event being read, and that is capped
/// ([`max_event_size`](Self::max_event_size)). Dropping the stream closes the
/// connection.
pub struct EventStream<T> {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    attempts: u32,
    driver: Driver<EventState, Result<Event<String>, StreamError>>,
    decode: DecodeData<T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("last_event_id", &self.last_event_id())
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The response's status.
    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// How many attempts it took to get the response.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The server's id for the request (`x-request-id` and the like).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The largest event accepted, in bytes (the line being read, the data and
    /// the event type); a larger one ends the stream with
    /// [`StreamError::TooLarge`]. By default 16 MiB (`DEFAULT_MAX_EVENT_SIZE`).
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        if let Some(state) = self.driver.state_mut() {
            state.parser.set_limit(bytes);
        }
        self
    }

    /// How long the stream may stay silent (no byte at all, not even a heartbeat)
    /// before it ends with [`StreamError::Idle`]; `None` waits for ever. By
    /// default the call's timeout.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        if let Some(state) = self.driver.state_mut() {
            state.body.idle = timeout;
        }
        self
    }

    /// The last event id the server set (`id:`), to resume from with a
    /// `Last-Event-ID` header where the API supports it.
    pub fn last_event_id(&self) -> Option<&str> {
        self.driver.state()?.parser.last_id()
    }

    /// The reconnection time the server asked for (`retry:`), if it did.
    pub fn retry(&self) -> Option<Duration> {
        self.driver.state()?.parser.reconnection()
    }
}

impl<T> futures_util::Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let decode = this.decode;
        this.driver.poll_item(cx).map(|item| {
            item.map(|event| {
                let event = event?;
                let Event {
                    event: kind,
                    data,
                    id,
                    retry,
                } = event;
                match decode(data) {
                    Ok(data) => Ok(Event {
                        event: kind,
                        data,
                        id,
                        retry,
                    }),
                    Err((data, source)) => Err(StreamError::Decode {
                        event: Event {
                            event: kind,
                            data,
                            id,
                            retry,
                        },
                        source,
                    }),
                }
            })
        })
    }
}

/// A binary response body, read as it arrives: a `futures::Stream` of chunks,
/// never held whole. (`tokio_util::io::StreamReader` turns it into an
/// `AsyncRead`.) Dropping it closes the connection.
pub struct ByteStream {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    attempts: u32,
    driver: Driver<Body, Result<bytes::Bytes, StreamError>>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The response's status.
    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// How many attempts it took to get the response.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The server's id for the request (`x-request-id` and the like).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body's length, when the server announced it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// How long the body may stall before the stream ends with
    /// [`StreamError::Idle`]; `None` waits for ever. By default the call's timeout.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        if let Some(body) = self.driver.state_mut() {
            body.idle = timeout;
        }
        self
    }
}

impl futures_util::Stream for ByteStream {
    type Item = Result<bytes::Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().driver.poll_item(cx)
    }
}

/// The media type of an event stream.
pub(crate) const EVENT_STREAM: &str = "text/event-stream";

/// Whether a response's `Content-Type` is an event stream.
pub(crate) fn is_event_stream(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(EVENT_STREAM))
}

impl<T> EventStream<T> {
    /// The events of a success whose head has arrived (`raw`, its body empty)
    /// and whose body is still to be read from `response`.
    pub(crate) fn of_response(
        raw: RawResponse,
        response: reqwest::Response,
        idle: Duration,
        decode: DecodeData<T>,
    ) -> Self {
        let state = EventState {
            body: Body {
                response: Some(response),
                idle: Some(idle),
            },
            parser: Parser::new(DEFAULT_MAX_EVENT_SIZE),
            chunk: bytes::Bytes::new(),
            ended: false,
        };
        EventStream {
            status: raw.status,
            headers: raw.headers,
            attempts: raw.attempts,
            driver: Driver {
                state: Some(Box::new(state)),
                running: None,
                step: |mut state| {
                    Box::pin(async move {
                        let item = state.next().await;
                        (state, item)
                    })
                },
            },
            decode,
        }
    }
}

impl ByteStream {
    /// The body of a success whose head has arrived (`raw`, its body empty),
    /// still to be read from `response`.
    pub(crate) fn of_response(
        raw: RawResponse,
        response: reqwest::Response,
        idle: Duration,
    ) -> Self {
        ByteStream {
            status: raw.status,
            headers: raw.headers,
            attempts: raw.attempts,
            driver: Driver {
                state: Some(Box::new(Body {
                    response: Some(response),
                    idle: Some(idle),
                })),
                running: None,
                step: |mut body| {
                    Box::pin(async move {
                        let item = body.chunk().await.transpose();
                        (body, item)
                    })
                },
            },
        }
    }
}

impl<O: Operation> Request<'_, O> {
    /// Sends the request asking for an event stream, and returns the stream once
    /// the response head has arrived (documented errors decode as for `send`).
    pub(crate) async fn send_events<T>(
        self,
        decode: DecodeData<T>,
    ) -> Result<EventStream<T>, Error<O::Error>> {
        let idle = self.core.timeout(&self.options);
        let (raw, response) = self.send_streaming(EVENT_STREAM).await?;
        if !is_event_stream(&raw.headers) {
            let content_type = raw
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            // Another representation (JSON, when the request did not ask the
            // server for a stream): kept whole in the error, as any response.
            let attempts = raw.attempts;
            let body = response.bytes().await.map_err(|e| Error::Transport {
                source: e.without_url(),
                attempts,
            })?;
            return Err(Error::Decode {
                response: RawResponse { body, ..raw },
                source: DecodeError::UnexpectedContentType {
                    expected: EVENT_STREAM,
                    found: content_type,
                },
            });
        }
        Ok(EventStream::of_response(raw, response, idle, decode))
    }

    /// Sends the request asking for `accept`, and returns the body as a stream of
    /// bytes once the response head has arrived.
    pub(crate) async fn send_bytes(
        self,
        accept: &'static str,
    ) -> Result<ByteStream, Error<O::Error>> {
        let idle = self.core.timeout(&self.options);
        let (raw, response) = self.send_streaming(accept).await?;
        Ok(ByteStream::of_response(raw, response, idle))
    }

    /// The head of a success, with its body unread; any other response decodes
    /// as `send` would decode it (a documented error is `Error::Api`).
    async fn send_streaming(
        self,
        accept: &'static str,
    ) -> Result<(RawResponse, reqwest::Response), Error<O::Error>> {
        let op = &self.op;
        let mut slot = None;
        let raw = self
            .core
            .execute_stream(
                &self.call(&|parts: &mut RequestParts| op.write(parts)),
                accept,
                &mut slot,
            )
            .await
            .map_err(Error::from)?;
        match slot {
            Some(response) => Ok((raw, response)),
            None => Err(match O::decode(raw.clone()) {
                Err(e) => e,
                // Not a success status, yet documented as one: not a stream.
                Ok(_) => Error::UnexpectedStatus(raw),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    type Chunk = Result<bytes::Bytes, std::io::Error>;

    /// A response whose body is `chunks`, then (when `stall`) nothing for ever.
    fn response(chunks: Vec<Chunk>, stall: bool) -> reqwest::Response {
        let body = futures_util::stream::iter(chunks);
        let body = if stall {
            reqwest::Body::wrap_stream(body.chain(futures_util::stream::pending()))
        } else {
            reqwest::Body::wrap_stream(body)
        };
        reqwest::Response::from(http::Response::new(body))
    }

    fn events<T>(chunks: Vec<Chunk>, stall: bool, decode: DecodeData<T>) -> EventStream<T> {
        EventStream {
            status: reqwest::StatusCode::OK,
            headers: reqwest::header::HeaderMap::new(),
            attempts: 1,
            driver: Driver {
                state: Some(Box::new(EventState {
                    body: Body {
                        response: Some(response(chunks, stall)),
                        idle: None,
                    },
                    parser: Parser::new(DEFAULT_MAX_EVENT_SIZE),
                    chunk: bytes::Bytes::new(),
                    ended: false,
                })),
                running: None,
                step: |mut state| {
                    Box::pin(async move {
                        let item = state.next().await;
                        (state, item)
                    })
                },
            },
            decode,
        }
    }

    fn ok(text: &str) -> Chunk {
        Ok(bytes::Bytes::copy_from_slice(text.as_bytes()))
    }

    fn run<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Chunk1 {
        n: u32,
    }

    #[test]
    fn events_decode_across_chunks_and_done_ends_the_stream() {
        let stream = events(
            vec![
                ok("data: {\"n\""),
                ok(": 1}\n\nevent: x\ndata: {\"n\": 2}\n\ndata: [DO"),
                ok("NE]\n\ndata: {\"n\": 3}\n\n"),
            ],
            false,
            json_data::<Chunk1>,
        );
        let got: Vec<_> = run(stream.collect::<Vec<_>>());
        let got: Vec<(String, u32)> = got
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                (e.event, e.data.n)
            })
            .collect();
        assert_eq!(got, [("message".into(), 1), ("x".into(), 2)]);
    }

    #[test]
    fn an_event_that_does_not_decode_is_an_error_item_and_the_stream_goes_on() {
        let stream = events(
            vec![ok("id: 5\ndata: {\"n\": -1}\n\ndata: {\"n\": 4}\n\n")],
            false,
            json_data::<Chunk1>,
        );
        let got = run(stream.collect::<Vec<_>>());
        assert_eq!(got.len(), 2);
        match &got[0] {
            Err(e @ StreamError::Decode { event, source }) => {
                assert_eq!(event.data, "{\"n\": -1}");
                assert_eq!(event.id.as_deref(), Some("5"));
                assert!(source.to_string().contains("`n`"), "{source}");
                assert!(!e.ends_stream());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got[1].as_ref().unwrap().data, Chunk1 { n: 4 });
    }

    #[test]
    fn a_body_cut_off_mid_event_is_a_transport_error_and_the_end() {
        let cut = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let stream = events(
            vec![ok("data: a\n\ndata: b"), Err(cut), ok("data: c\n\n")],
            false,
            text_data,
        );
        let got = run(stream.collect::<Vec<_>>());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().data, "a");
        match &got[1] {
            Err(e @ StreamError::Transport(_)) => assert!(e.ends_stream()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_silent_server_ends_the_stream_after_the_idle_timeout() {
        let stream = events(vec![ok(": ping\n\ndata: a\n\n")], true, text_data)
            .idle_timeout(Some(Duration::from_millis(50)));
        let got = run(stream.collect::<Vec<_>>());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().data, "a");
        assert!(matches!(got[1], Err(StreamError::Idle(d)) if d == Duration::from_millis(50)));
    }

    #[test]
    fn an_event_past_the_limit_ends_the_stream_with_a_clear_error() {
        let line = "x".repeat(1000);
        let mut chunks = vec![ok("data: ok\n\ndata: ")];
        chunks.extend((0..100).map(|_| ok(&line)));
        let stream = events(chunks, true, text_data).max_event_size(10_000);
        let got = run(stream.collect::<Vec<_>>());
        assert_eq!(got.len(), 2, "{got:?}");
        let err = got[1].as_ref().unwrap_err();
        assert!(matches!(err, StreamError::TooLarge { limit: 10_000 }));
        assert!(err.to_string().contains("10000 bytes"), "{err}");
    }

    #[test]
    fn bytes_arrive_as_sent_and_a_break_is_an_error() {
        let body = Body {
            response: Some(response(
                vec![ok("abc"), ok("def"), Err(std::io::Error::other("cut"))],
                false,
            )),
            idle: None,
        };
        let stream = ByteStream {
            status: reqwest::StatusCode::OK,
            headers: reqwest::header::HeaderMap::new(),
            attempts: 1,
            driver: Driver {
                state: Some(Box::new(body)),
                running: None,
                step: |mut body| {
                    Box::pin(async move {
                        let item = body.chunk().await.transpose();
                        (body, item)
                    })
                },
            },
        };
        let got = run(stream.collect::<Vec<_>>());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(&got[0].as_ref().unwrap()[..], b"abc");
        assert_eq!(&got[1].as_ref().unwrap()[..], b"def");
        assert!(matches!(got[2], Err(StreamError::Transport(_))));
    }
}
