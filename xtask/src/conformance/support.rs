//! The fixed part of every conformance driver (`cargo xtask conformance` copies
//! this file into each driver crate, and the tests crate compiles it, so it is
//! built and linted as ordinary Rust). It knows nothing of the generated crate;
//! `calls.rs` does.
//!
//! A driver reads one JSON object per line on stdin and answers each on stdout:
//!
//! - `{"id": 7, "type": 3, "text": "<json>"}`: decode the text as the type with that
//!   index and encode it again; the answer has the encoding, or the error.
//! - `{"id": 8, "operation": 2, "args": {"name": value, "$body": value}}`: call the
//!   operation against the mock whose base URL is the first argument; the answer
//!   has the status, Prism's violations header and any error.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::io::{BufRead, Write};

/// Decodes `text` as `T` and encodes the value again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(text: &[u8]) -> Result<String, String> {
    let value: T = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    serde_json::to_string(&value).map_err(|e| format!("encoding failed: {e}"))
}

/// The arguments of a call, by parameter name (`$body` for the body).
pub struct Args(pub Map<String, Value>);

impl Args {
    /// A required argument.
    pub fn arg<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        let value = self
            .0
            .get(name)
            .ok_or_else(|| format!("no value for `{name}`"))?;
        serde_json::from_value(value.clone()).map_err(|e| format!("`{name}` does not decode: {e}"))
    }

    /// An optional argument, when given.
    /// A `null` the Rust type does not take is no argument: an optional
    /// parameter's schema may allow `null` where the client has only `Option`.
    pub fn opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        match self.0.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(self.arg(name).ok()),
            Some(_) => self.arg(name).map(Some),
        }
    }
}

/// What became of a call.
#[derive(Debug, Default, PartialEq)]
pub struct Called {
    pub status: Option<u16>,
    /// Prism's `sl-violations` header: the request broke the document.
    pub violations: Option<String>,
    /// Why the call failed (a response that did not decode, a connection error).
    pub error: Option<String>,
    /// The body of a response that did not decode, as sent (lossily UTF-8).
    pub body: Option<String>,
    /// Why Prism could not answer though the request was fine (the document
    /// defines no response for the operation).
    pub unanswered: Option<String>,
    /// What went over the wire, when the caller recorded it (`cargo xtask live`).
    pub exchange: Option<Value>,
}

/// Calls operations by index (the generated client, in `calls.rs`).
pub trait Caller {
    fn call(&self, op: usize, args: &Args) -> Result<Called, String>;
}

/// Decodes and re-encodes a value as the type with an index; `None` for no such type.
pub type Check = fn(usize, &[u8]) -> Option<Result<String, String>>;

/// Answers the requests on stdin until it ends.
pub fn run(check: Check, caller: Option<&dyn Caller>) {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<Value>(&line) {
            Err(e) => json!({"error": format!("bad request line: {e}")}),
            Ok(request) => answer(&request, check, caller),
        };
        let _ = writeln!(out, "{answer}");
        let _ = out.flush();
    }
}

fn answer(request: &Value, check: Check, caller: Option<&dyn Caller>) -> Value {
    let id = request["id"].clone();
    let index = |key: &str| request[key].as_u64().map(|n| n as usize);
    if let (Some(ty), Some(text)) = (index("type"), request["text"].as_str()) {
        return match check(ty, text.as_bytes()) {
            None => json!({"id": id, "error": format!("no type {ty}")}),
            Some(Ok(encoded)) => json!({"id": id, "encoded": encoded}),
            Some(Err(e)) => json!({"id": id, "error": e}),
        };
    }
    match (index("operation"), caller) {
        (Some(op), Some(caller)) => {
            let args = Args(request["args"].as_object().cloned().unwrap_or_default());
            match caller.call(op, &args) {
                Ok(c) => json!({
                    "id": id,
                    "status": c.status,
                    "violations": c.violations,
                    "unanswered": c.unanswered,
                    "error": c.error,
                    "body": c.body,
                    "exchange": c.exchange,
                }),
                Err(e) => json!({"id": id, "arguments": e}),
            }
        }
        (Some(_), None) => json!({"id": id, "error": "the crate has no client"}),
        _ => json!({"id": id, "error": "neither a type nor an operation"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_a_type() {
        assert_eq!(roundtrip::<Vec<u8>>(b"[1, 2]"), Ok("[1,2]".to_string()));
        assert!(roundtrip::<u8>(b"300").is_err());
    }

    #[test]
    fn arguments_decode_by_name() {
        let args = Args(json!({"a": 1, "b": "x"}).as_object().unwrap().clone());
        assert_eq!(args.arg::<u8>("a"), Ok(1));
        assert_eq!(args.opt::<String>("b"), Ok(Some("x".into())));
        assert_eq!(args.opt::<String>("c"), Ok(None));
        let null = Args(json!({"a": null}).as_object().unwrap().clone());
        assert_eq!(null.opt::<u8>("a"), Ok(None));
        assert_eq!(null.opt::<Option<u8>>("a"), Ok(Some(None)));
        assert!(args.arg::<u8>("b").is_err());
        assert!(args.arg::<u8>("c").unwrap_err().contains("no value"));
    }

    #[test]
    fn requests_are_answered_by_kind() {
        fn check(ty: usize, text: &[u8]) -> Option<Result<String, String>> {
            (ty == 0).then(|| roundtrip::<Value>(text))
        }
        let a = answer(&json!({"id": 1, "type": 0, "text": "[1, 2]"}), check, None);
        assert_eq!(a, json!({"id": 1, "encoded": "[1,2]"}));
        let a = answer(&json!({"id": 2, "type": 9, "text": "1"}), check, None);
        assert_eq!(a["error"], "no type 9");
        let a = answer(&json!({"id": 3, "operation": 0, "args": {}}), check, None);
        assert_eq!(a["error"], "the crate has no client");
    }

    #[test]
    fn calls_are_answered_with_everything_the_caller_saw() {
        struct Unanswered;
        impl Caller for Unanswered {
            fn call(&self, _: usize, _: &Args) -> Result<Called, String> {
                Ok(Called {
                    status: Some(500),
                    unanswered: Some("no response defined".into()),
                    body: Some("{}".into()),
                    ..Called::default()
                })
            }
        }
        fn none(_: usize, _: &[u8]) -> Option<Result<String, String>> {
            None
        }
        let a = answer(&json!({"id": 4, "operation": 0}), none, Some(&Unanswered));
        assert_eq!(a["status"], 500);
        assert_eq!(a["unanswered"], "no response defined");
        assert_eq!(a["body"], "{}");
    }
}
