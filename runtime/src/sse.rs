//! Server-sent events: the WHATWG "event stream interpretation" of a
//! `text/event-stream` body, read one event at a time.
//!
//! The parser is fed the body as it arrives, in chunks of any size, and stops at
//! each complete event: nothing is held beyond the event being read (the line
//! being read and the event's fields), and that is capped by a size limit, so a
//! server sending one endless line costs the limit, not the line. Comment lines
//! (heartbeats such as `: ping`) are skipped as they arrive, never buffered.
//!
//! One deliberate difference from a browser's `EventSource`: when the body ends
//! cleanly, a last event with no blank line after it (even a last line with no
//! line break) is dispatched. A browser drops it and reconnects; an API client
//! would lose the server's last answer (`data: [DONE]` sent without its blank
//! line, say). A body that breaks off is a transport error instead (the stream
//! layer reports it), and the incomplete event is dropped.

use std::time::Duration;

/// One server-sent event. `T` is the type its `data` decodes into (`String`
/// for the data as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type (the `event:` field); `message` when the server set none.
    pub event: String,
    /// The data: every `data:` line of the event, joined by line feeds, decoded.
    pub data: T,
    /// The last event id the stream set (`id:`), which a client resuming the
    /// stream sends back as `Last-Event-ID`; `None` when none was set (or it was
    /// set to nothing).
    pub id: Option<String>,
    /// The reconnection time the server asked for (`retry:`, in milliseconds)
    /// since the previous event, if it did.
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// The same event with its data converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Event<U> {
        Event {
            event: self.event,
            data: f(self.data),
            id: self.id,
            retry: self.retry,
        }
    }
}

/// Written as `{"event": …, "id": …, "retry": <ms>, "data": …}` (members that
/// are not set are left out), one JSON object per event.
impl<T: serde::Serialize> serde::Serialize for Event<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("event", &self.event)?;
        if let Some(id) = &self.id {
            map.serialize_entry("id", id)?;
        }
        if let Some(retry) = self.retry {
            map.serialize_entry("retry", &(retry.as_millis() as u64))?;
        }
        map.serialize_entry("data", &self.data)?;
        map.end()
    }
}

/// An event (the line being read plus the event's fields) grew past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) limit: usize,
}

/// The UTF-8 byte order mark, which the stream may start with (once).
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The state of one stream's interpretation.
#[derive(Debug)]
pub(crate) struct Parser {
    /// The line being read, without its line break.
    line: Vec<u8>,
    /// The line being read is a comment: its bytes are dropped as they come.
    in_comment: bool,
    /// The last line ended with CR: an LF right after it belongs to that line end.
    after_cr: bool,
    /// How many bytes of a leading BOM have been seen; `None` once the start is past.
    bom: Option<usize>,
    data: String,
    event_type: String,
    last_id: String,
    /// `retry:` seen since the last event.
    retry: Option<Duration>,
    /// The reconnection time last set by the server.
    reconnection: Option<Duration>,
    /// The largest event (line being read, data and type), in bytes.
    limit: usize,
}

impl Parser {
    pub(crate) fn new(limit: usize) -> Parser {
        Parser {
            line: Vec::new(),
            in_comment: false,
            after_cr: false,
            bom: Some(0),
            data: String::new(),
            event_type: String::new(),
            last_id: String::new(),
            retry: None,
            reconnection: None,
            limit,
        }
    }

    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The reconnection time the server set last (`retry:`).
    pub(crate) fn reconnection(&self) -> Option<Duration> {
        self.reconnection
    }

    /// The last event id the stream set.
    pub(crate) fn last_id(&self) -> Option<&str> {
        (!self.last_id.is_empty()).then_some(self.last_id.as_str())
    }

    /// Reads `input` until an event is complete: returns it, with `input` moved
    /// past it; `Ok(None)` when the input ran out first.
    pub(crate) fn next(&mut self, input: &mut &[u8]) -> Result<Option<Event<String>>, TooLarge> {
        self.skip_bom(input)?;
        while !input.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if input[0] == b'\n' {
                    *input = &input[1..];
                    continue;
                }
            }
            let end = input.iter().position(|&b| b == b'\n' || b == b'\r');
            let (text, rest) = match end {
                Some(i) => (&input[..i], &input[i..]),
                None => (&input[..], &input[input.len()..]),
            };
            self.append(text)?;
            *input = rest;
            if let Some(&line_break) = input.first() {
                *input = &input[1..];
                self.after_cr = line_break == b'\r';
                if let Some(event) = self.end_line() {
                    return Ok(Some(event));
                }
            }
        }
        Ok(None)
    }

    /// At the end of a body that ended cleanly: the last line, and the last
    /// event, even without a line break or blank line after them.
    pub(crate) fn finish(&mut self) -> Option<Event<String>> {
        if let Some(seen) = self.bom.take() {
            // The body was a part of a BOM only: those bytes were content.
            self.line.extend_from_slice(&BOM[..seen]);
        }
        if !self.line.is_empty() || self.in_comment {
            let _ = self.end_line();
        }
        self.dispatch()
    }

    /// Drops a BOM at the very start of the stream, however it is split.
    fn skip_bom(&mut self, input: &mut &[u8]) -> Result<(), TooLarge> {
        while let Some(seen) = self.bom {
            let Some(&byte) = input.first() else {
                return Ok(());
            };
            if byte == BOM[seen] {
                *input = &input[1..];
                self.bom = (seen + 1 < BOM.len()).then_some(seen + 1);
            } else {
                // Not a BOM after all: what was held back is content.
                self.bom = None;
                self.append(&BOM[..seen])?;
            }
        }
        Ok(())
    }

    /// Adds bytes to the line being read, within the limit.
    fn append(&mut self, text: &[u8]) -> Result<(), TooLarge> {
        if text.is_empty() {
            return Ok(());
        }
        if self.line.is_empty() && !self.in_comment && text[0] == b':' {
            self.in_comment = true;
        }
        if self.in_comment {
            return Ok(());
        }
        let size = self.data.len() + self.event_type.len() + self.line.len() + text.len();
        if size > self.limit {
            return Err(TooLarge { limit: self.limit });
        }
        self.line.extend_from_slice(text);
        Ok(())
    }

    /// A line is complete: interpret it; an empty line dispatches the event.
    fn end_line(&mut self) -> Option<Event<String>> {
        if self.in_comment {
            self.in_comment = false;
            return None;
        }
        if self.line.is_empty() {
            return self.dispatch();
        }
        let line = std::mem::take(&mut self.line);
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &[][..]),
        };
        match field {
            b"data" => {
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            b"event" => self.event_type = String::from_utf8_lossy(value).into_owned(),
            // An id with a NUL in it is ignored.
            b"id" if !value.contains(&0) => {
                self.last_id = String::from_utf8_lossy(value).into_owned();
            }
            b"retry" => {
                let digits = !value.is_empty() && value.iter().all(u8::is_ascii_digit);
                let millis = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse::<u64>().ok());
                if let (true, Some(ms)) = (digits, millis) {
                    let time = Duration::from_millis(ms);
                    self.reconnection = Some(time);
                    self.retry = Some(time);
                }
            }
            // Any other field is ignored.
            _ => {}
        }
        // Keep the line's allocation for the next one, unless it was a large one.
        self.line = line;
        self.line.clear();
        if self.line.capacity() > 64 * 1024 {
            self.line.shrink_to(64 * 1024);
        }
        None
    }

    /// The blank line after an event: hand it out, if it has data.
    fn dispatch(&mut self) -> Option<Event<String>> {
        let event_type = std::mem::take(&mut self.event_type);
        if self.data.is_empty() {
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        Some(Event {
            event: if event_type.is_empty() {
                "message".to_string()
            } else {
                event_type
            },
            data,
            id: self.last_id().map(str::to_string),
            retry: self.retry.take(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1024;

    /// Every event of `chunks` fed in order, then the end of the body.
    fn events_of(chunks: &[&[u8]]) -> Vec<Event<String>> {
        let mut parser = Parser::new(LIMIT);
        let mut out = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while let Some(event) = parser.next(&mut input).unwrap() {
                out.push(event);
            }
            assert!(input.is_empty());
        }
        out.extend(parser.finish());
        out
    }

    fn events(text: &str) -> Vec<Event<String>> {
        events_of(&[text.as_bytes()])
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> Event<String> {
        Event {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
            retry: None,
        }
    }

    fn data(events: &[Event<String>]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn data_lines_make_events_separated_by_blank_lines() {
        assert_eq!(
            events("data: first\n\ndata: second\n\n"),
            [ev("message", "first", None), ev("message", "second", None)]
        );
    }

    #[test]
    fn multi_line_data_is_joined_by_line_feeds_without_a_trailing_one() {
        assert_eq!(
            data(&events("data: YHOO\ndata: +2\ndata: 10\n\n")),
            ["YHOO\n+2\n10"]
        );
        // Two empty data lines are one line feed.
        assert_eq!(data(&events("data\ndata\n\n")), ["\n"]);
    }

    #[test]
    fn one_space_after_the_colon_is_dropped_and_no_more() {
        assert_eq!(
            data(&events("data:test\n\ndata: test\n\ndata:  test\n\n")),
            ["test", "test", " test"]
        );
        // A colon later in the value is part of it.
        assert_eq!(data(&events("data: a: b\n\n")), ["a: b"]);
    }

    #[test]
    fn a_field_name_alone_has_an_empty_value() {
        // `data` alone is an empty data line: an event whose data is empty.
        assert_eq!(events("data\n\n"), [ev("message", "", None)]);
        assert_eq!(events("data:\n\n"), [ev("message", "", None)]);
        assert_eq!(data(&events("data\ndata: x\n\n")), ["\nx"]);
    }

    #[test]
    fn the_event_field_sets_the_type_for_one_event_only() {
        assert_eq!(
            events("event: add\ndata: 73857293\n\ndata: 2153\n\n"),
            [ev("add", "73857293", None), ev("message", "2153", None)]
        );
        // The last `event:` of an event wins.
        assert_eq!(events("event: a\nevent: b\ndata: x\n\n")[0].event, "b");
        // An empty type is `message`.
        assert_eq!(events("event:\ndata: x\n\n")[0].event, "message");
    }

    #[test]
    fn comments_and_heartbeats_are_skipped() {
        assert_eq!(
            events(": ping\n\n: ping\ndata: x\n: inside\n\n\n\n:\n\n"),
            [ev("message", "x", None)]
        );
    }

    #[test]
    fn an_event_without_data_is_not_dispatched_and_its_type_is_dropped() {
        assert_eq!(
            events("event: lonely\n\ndata: x\n\n"),
            [ev("message", "x", None)]
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert_eq!(
            data(&events("foo: bar\ndata: x\nDATA: y\n data: z\n\n")),
            ["x"]
        );
    }

    #[test]
    fn the_last_event_id_persists_until_the_server_changes_it() {
        assert_eq!(
            events("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 7\n\ndata: d\n\n"),
            [
                ev("message", "a", Some("1")),
                ev("message", "b", Some("1")),
                ev("message", "c", None),
                ev("message", "d", Some("7")),
            ]
        );
    }

    #[test]
    fn an_id_with_a_nul_is_ignored() {
        assert_eq!(
            events("id: 1\n\nid: a\0b\ndata: x\n\n")[0].id.as_deref(),
            Some("1")
        );
    }

    #[test]
    fn retry_takes_digits_only_and_is_kept() {
        let got = events("retry: 3000\ndata: a\n\nretry: 3s\ndata: b\n\nretry:\ndata: c\n\n");
        assert_eq!(got[0].retry, Some(Duration::from_millis(3000)));
        assert_eq!(got[1].retry, None);
        assert_eq!(got[2].retry, None);
        // A `retry:` alone reaches the next event, and the parser remembers it.
        let mut parser = Parser::new(LIMIT);
        let mut input: &[u8] = b"retry: 10\n\ndata: x\n\n";
        let event = parser.next(&mut input).unwrap().unwrap();
        assert_eq!(event.retry, Some(Duration::from_millis(10)));
        assert_eq!(parser.reconnection(), Some(Duration::from_millis(10)));
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines_even_split_between_chunks() {
        let expected = [ev("add", "1\n2", Some("9")), ev("message", "3", Some("9"))];
        for text in [
            "event: add\ndata: 1\ndata: 2\nid: 9\n\ndata: 3\n\n",
            "event: add\r\ndata: 1\r\ndata: 2\r\nid: 9\r\n\r\ndata: 3\r\n\r\n",
            "event: add\rdata: 1\rdata: 2\rid: 9\r\rdata: 3\r\r",
            "event: add\r\ndata: 1\rdata: 2\nid: 9\r\n\rdata: 3\n\r\n",
        ] {
            assert_eq!(events(text), expected, "{text:?}");
            // Split at every byte: the same events.
            let bytes = text.as_bytes();
            let one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(events_of(&one_by_one), expected, "{text:?} byte by byte");
        }
        // CR then LF in the next chunk is one line end, not a blank line.
        assert_eq!(
            events_of(&[b"data: a\r", b"\ndata: b\r", b"\n\r\n"]),
            [ev("message", "a\nb", None)]
        );
    }

    #[test]
    fn a_leading_bom_is_dropped_once_however_it_is_split() {
        let text = "\u{FEFF}data: x\n\n";
        assert_eq!(data(&events(text)), ["x"]);
        let bytes = text.as_bytes();
        for at in 1..4 {
            assert_eq!(data(&events_of(&[&bytes[..at], &bytes[at..]])), ["x"]);
        }
        // A second BOM is content (here, part of a field name no one knows).
        assert_eq!(events("\u{FEFF}\u{FEFF}data: x\n\n"), []);
        // Bytes that only start like a BOM are content.
        assert_eq!(data(&events_of(&[b"\xEF", b"data: x\n\n"])).len(), 0);
    }

    #[test]
    fn the_last_event_is_dispatched_without_a_blank_line_when_the_body_ends() {
        assert_eq!(data(&events("data: a\n\ndata: b\n")), ["a", "b"]);
        assert_eq!(data(&events("data: a\n\ndata: [DONE]")), ["a", "[DONE]"]);
        assert_eq!(data(&events("data: a\n\n: bye")), ["a"]);
        assert_eq!(events(""), []);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        assert_eq!(data(&events_of(&[b"data: a\xFFb\n\n"])), ["a\u{FFFD}b"]);
    }

    #[test]
    fn one_event_at_a_time_leaving_the_rest_of_the_chunk() {
        let mut parser = Parser::new(LIMIT);
        let mut input: &[u8] = b"data: 1\n\ndata: 2\n\ndata: 3";
        assert_eq!(parser.next(&mut input).unwrap().unwrap().data, "1");
        assert_eq!(input, b"data: 2\n\ndata: 3");
        assert_eq!(parser.next(&mut input).unwrap().unwrap().data, "2");
        assert_eq!(parser.next(&mut input).unwrap(), None);
        assert!(input.is_empty());
        assert_eq!(parser.finish().unwrap().data, "3");
    }

    #[test]
    fn an_event_past_the_limit_is_refused_while_it_grows() {
        let mut parser = Parser::new(16);
        let mut input: &[u8] = b"data: 0123456789";
        assert_eq!(parser.next(&mut input), Ok(None));
        let mut more: &[u8] = b"0123456789";
        assert_eq!(parser.next(&mut more), Err(TooLarge { limit: 16 }));
        // Data lines add up: the event counts, not the line.
        let mut parser = Parser::new(16);
        let mut input: &[u8] = b"data: 012345\ndata: 012345\n";
        assert_eq!(parser.next(&mut input), Err(TooLarge { limit: 16 }));
        // Within the limit, the same parser goes on.
        let mut parser = Parser::new(16);
        let mut input: &[u8] = b"data: 0123\n\ndata: 0123\n\n";
        assert!(parser.next(&mut input).unwrap().is_some());
        assert!(parser.next(&mut input).unwrap().is_some());
    }

    #[test]
    fn comment_lines_are_never_buffered_however_long() {
        let mut parser = Parser::new(16);
        let mut input: &[u8] = b": ";
        parser.next(&mut input).unwrap();
        let noise = vec![b'x'; 10_000];
        for _ in 0..100 {
            let mut chunk = &noise[..];
            assert_eq!(parser.next(&mut chunk), Ok(None));
        }
        let mut rest: &[u8] = b"\ndata: ok\n\n";
        assert_eq!(parser.next(&mut rest).unwrap().unwrap().data, "ok");
    }

    #[test]
    fn events_serialise_as_one_json_object_each() {
        let mut event = ev("delta", "x", Some("4"));
        event.retry = Some(Duration::from_millis(5));
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"event":"delta","id":"4","retry":5,"data":"x"}"#
        );
        let event = ev("message", "x", None).map(|d| d.len());
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"event":"message","data":1}"#
        );
    }
}
