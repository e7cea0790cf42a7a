//! Judging a conformance run: what counts as a pass, how a call's arguments are
//! picked, and what a driver's answer says. `cargo xtask conformance` and
//! `cargo xtask live` run the tools (the driver, json-schema-faker, Prism, a
//! live server) and hand their output here.

use super::{Example, OperationPlan, json_diff};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Checks values against the schemas of a document, by pointer (the runner
/// compiles the document's schemas with a JSON Schema validator).
pub trait Validate {
    /// Whether `value` is valid for the schema at `pointer`; `None` when the schema
    /// cannot be compiled.
    fn valid(&mut self, pointer: &str, value: &Value) -> Option<bool>;
    /// Why `value` is invalid for the schema at `pointer`.
    fn why(&mut self, pointer: &str, value: &Value) -> String;
}

/// One document's results.
#[derive(Debug, Default, Clone)]
pub struct Row {
    pub document: String,
    pub problem: Option<String>,
    pub examples_valid: usize,
    pub examples_invalid: usize,
    pub examples_untyped: usize,
    pub examples_decoded: usize,
    pub examples_exact: usize,
    pub synthetic_valid: usize,
    pub synthetic_invalid: usize,
    pub synthetic_decoded: usize,
    pub synthetic_exact: usize,
    pub faker_failures: usize,
    pub operations: usize,
    pub called: usize,
    pub violations: usize,
    pub undecoded_responses: usize,
    /// Responses Prism made from the document that break the document's own schema.
    pub invalid_answers: usize,
    /// Requests Prism rejects because the document contradicts itself.
    pub document_faults: usize,
    /// Calls whose valid arguments did not decode as the parameters' types.
    pub argument_failures: usize,
    /// Operations not called: no valid value for a required argument.
    pub not_called: usize,
    /// Calls Prism could not answer (the document defines no response).
    pub unanswered: usize,
    /// What is not a failure but a reader should know (for the report).
    pub notes: Vec<String>,
    pub prism: Option<String>,
    /// The first failures of each kind, for the report.
    pub failures: Vec<String>,
    pub invalid_examples: Vec<String>,
    pub faker_errors: Vec<String>,
    pub invalid_synthetic: Vec<String>,
    /// Where the time went.
    pub phases: Vec<String>,
    pub seconds: f64,
}

/// Whether the results meet the bar CI holds them to: every valid example and
/// every valid synthetic instance decodes, examples come back exactly, and no
/// request breaks the document. What fails is listed.
pub fn verdict(rows: &[Row]) -> Result<(), String> {
    let mut problems = Vec::new();
    for r in rows {
        if let Some(p) = &r.problem {
            problems.push(format!("{}: {p}", r.document));
        }
        if r.examples_decoded < r.examples_valid || r.examples_exact < r.examples_decoded {
            problems.push(format!(
                "{}: {} of {} valid examples decode, {} round-trip exactly",
                r.document, r.examples_decoded, r.examples_valid, r.examples_exact
            ));
        }
        if r.synthetic_decoded < r.synthetic_valid {
            problems.push(format!(
                "{}: {} of {} valid synthetic instances decode",
                r.document, r.synthetic_decoded, r.synthetic_valid
            ));
        }
        if r.argument_failures > 0 {
            problems.push(format!(
                "{}: {} call(s) whose valid arguments do not decode as the parameters' types",
                r.document, r.argument_failures
            ));
        }
        if r.undecoded_responses > 0 {
            problems.push(format!(
                "{}: {} response(s) the document's schema allows do not decode",
                r.document, r.undecoded_responses
            ));
        }
        if r.violations > 0 {
            problems.push(format!(
                "{}: Prism finds {} request(s) breaking the document",
                r.document, r.violations
            ));
        }
    }
    let (exact, decoded): (usize, usize) = rows.iter().fold((0, 0), |(e, d), r| {
        (e + r.synthetic_exact, d + r.synthetic_decoded)
    });
    if decoded > 0 && (exact as f64) < 0.999 * decoded as f64 {
        problems.push(format!(
            "{exact} of {decoded} synthetic instances round-trip exactly (below 99.9 %)"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("conformance:\n  {}", problems.join("\n  ")))
    }
}

/// OpenAPI's `byte` format, as Prism checks it: standard base64, padded.
pub fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len().is_multiple_of(4)
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// The schema of an operation's response with `status`: the status itself, then
/// its range (`4XX`), then `default`, as OpenAPI picks them.
pub fn response_schema(responses: &[(String, String)], status: u16) -> Option<&str> {
    let code = status.to_string();
    let range = format!("{}XX", status / 100);
    [code.as_str(), range.as_str(), "default"]
        .iter()
        .find_map(|want| responses.iter().find(|(s, _)| s.eq_ignore_ascii_case(want)))
        .map(|(_, p)| p.as_str())
}

/// A `#/…` pointer as a URI fragment: characters a fragment may not hold
/// (`{`, `}`, spaces, non-ASCII…) percent-encoded.
pub fn fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"#-._~!$&'()*+,;=:@/?".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn push_note(row: &mut Row, text: String) {
    if row.notes.len() < 12 {
        row.notes.push(text);
    }
}

pub fn push_failure(row: &mut Row, text: String) {
    if row.failures.len() < 12 {
        row.failures.push(text);
    }
}

/// The arguments of a call: each parameter's own example if valid, else a valid
/// synthetic instance of its schema; the name of a required one that has neither.
pub fn arguments(
    op: &OperationPlan,
    examples: &[Example],
    instances: &BTreeMap<String, Vec<Value>>,
    schemas: &mut dyn Validate,
) -> Result<Value, String> {
    let mut args = serde_json::Map::new();
    for arg in op.params.iter().chain(op.body.iter()) {
        let Some(pointer) = &arg.schema_pointer else {
            if arg.required {
                // A path parameter the document forgot to declare: any segment.
                args.insert(arg.name.clone(), json!("x"));
            }
            continue;
        };
        let usable = |v: &Value| {
            prism_safe(v)
                && match (arg.location, v) {
                    // A path segment that is empty or holds `/` makes another path.
                    ("path", Value::String(s)) => !s.is_empty() && !s.contains('/'),
                    ("header", Value::String(s)) => s.bytes().all(|b| (32..127).contains(&b)),
                    _ => true,
                }
        };
        let examples = examples
            .iter()
            .filter(|e| &e.schema == pointer)
            .map(|e| e.value.clone());
        let own = arg
            .example
            .clone()
            .filter(|e| schemas.valid(pointer, e) == Some(true));
        let mut valid: Vec<Value> = own
            .into_iter()
            .chain(examples.filter(|e| schemas.valid(pointer, e) == Some(true)))
            .chain(instances.get(pointer).into_iter().flatten().cloned())
            .collect();
        // `null` last: a value tests more of the request, and Prism reads a
        // required body of `null` as no body at all.
        valid.sort_by_key(Value::is_null);
        // Failing a usable one, a valid one with its integers brought into Prism's
        // range, or a plain value the schema accepts.
        let plain = [
            json!(1),
            json!("1"),
            json!("x"),
            json!(true),
            json!(0),
            json!([]),
            json!({}),
        ];
        let candidate = valid
            .iter()
            .find(|v| usable(v) && schemas.valid(pointer, v) == Some(true))
            .cloned()
            .or_else(|| {
                valid
                    .iter()
                    .map(clamp)
                    .chain(plain)
                    .find(|v| usable(v) && schemas.valid(pointer, v) == Some(true))
            });
        match candidate {
            Some(v) => {
                args.insert(arg.name.clone(), v);
            }
            None if arg.required => return Err(arg.name.clone()),
            None => {}
        }
    }
    Ok(Value::Object(args))
}

/// Violations no request could avoid: a required path parameter the path
/// template does not name (the document contradicts itself), an array member
/// of a form body sent as repeated keys, which Prism reads as a string, or a
/// parameter whose `oneOf` branches overlap as text.
pub fn prism_misreads(plan: &OperationPlan, violations: &str) -> Option<String> {
    let parts: Vec<&str> = violations.split("; ").collect();
    // A parameter is text: Prism tries the text as each branch's type, so `7`
    // is both the `integer` and the `string` of `oneOf: [integer, string]`, and
    // "exactly one" fails whatever the request holds.
    let param_one_of: Vec<&str> = parts
        .iter()
        .filter(|p| {
            ["path.", "query.", "header."]
                .iter()
                .any(|l| p.starts_with(l))
                && p.ends_with("must match exactly one schema in oneOf")
        })
        .copied()
        .collect();
    let others = parts.iter().filter(|p| {
        !param_one_of.contains(p)
            && !p.starts_with("Invalid request")
            && !p.starts_with("Your request")
    });
    if !param_one_of.is_empty() && others.count() == 0 {
        return Some(format!(
            "Prism reads a parameter's text as every type of its `oneOf`, so one that is \
             text of several (an integer is also a string) matches more than one branch \
             (its reading, not the request's): {}",
            param_one_of.join("; ")
        ));
    }
    let missing_path: Vec<&str> = parts
        .iter()
        .filter_map(|p| p.split("Request path must have required property '").nth(1))
        .filter_map(|rest| rest.split('\'').next())
        .collect();
    if !missing_path.is_empty()
        && missing_path
            .iter()
            .all(|name| !plan.path.contains(&format!("{{{name}}}")))
    {
        return Some(format!(
            "the document requires path parameter(s) {missing_path:?} its path template does \
             not name (its fault), so Prism rejects every request"
        ));
    }
    let form = plan.body.as_ref().is_some_and(|b| {
        b.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    });
    let body: Vec<&&str> = parts.iter().filter(|p| p.starts_with("body.")).collect();
    if form && !body.is_empty() && body.iter().all(|p| p.ends_with("must be array")) {
        return Some(format!(
            "Prism reads an array member of a form body, sent as repeated keys, as a \
             string (its limit, not the request's): {violations}"
        ));
    }
    None
}

/// Whether every integer of a value is within ±(2⁵³ − 1): Prism checks `int64`
/// against JavaScript's safe range and would call a larger value a violation.
fn prism_safe(v: &Value) -> bool {
    const SAFE: u64 = (1 << 53) - 1;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Number(n) => {
                let ok = match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => i.unsigned_abs() <= SAFE,
                    (_, Some(u)) => u <= SAFE,
                    _ => true,
                };
                if !ok {
                    return false;
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(members) => stack.extend(members.values()),
            _ => {}
        }
    }
    true
}

/// The value with every integer beyond ±(2⁵³ − 1) cut to its last 15 digits.
fn clamp(v: &Value) -> Value {
    match v {
        Value::Number(n) if !prism_safe(v) => {
            let cut = n.as_i64().map(|i| json!(i % 1_000_000_000_000_000));
            cut.or_else(|| n.as_u64().map(|u| json!(u % 1_000_000_000_000_000)))
                .unwrap_or_else(|| v.clone())
        }
        Value::Array(items) => Value::Array(items.iter().map(clamp).collect()),
        Value::Object(members) => {
            Value::Object(members.iter().map(|(k, v)| (k.clone(), clamp(v))).collect())
        }
        _ => v.clone(),
    }
}

pub fn summary(r: &Row) -> String {
    match &r.problem {
        Some(p) => format!("{}: {p}", r.document),
        None => format!(
            "{}: examples {}/{} exact, synthetic {}/{} exact, {} calls, {} violations ({:.0} s: {})",
            r.document,
            r.examples_exact,
            r.examples_valid,
            r.synthetic_exact,
            r.synthetic_valid,
            r.called,
            r.violations,
            r.seconds,
            r.phases.join(", ")
        ),
    }
}

/// Counts a driver's answer to a round trip of `value` (`what`: where the value
/// came from; `is_example`: the document's own, else synthetic): decoded, and
/// back unchanged.
pub fn judge_round_trip(
    row: &mut Row,
    what: &str,
    value: &Value,
    is_example: bool,
    answer: &Value,
) {
    let outcome = match answer["encoded"].as_str() {
        None => Err(answer["error"].as_str().unwrap_or("no answer").to_string()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(back) => Ok(json_diff(value, &back, "")),
            Err(e) => Err(format!("re-encoded text is not JSON: {e}")),
        },
    };
    let (decoded, exact) = match &outcome {
        Ok(None) => (1, 1),
        Ok(Some(_)) => (1, 0),
        Err(_) => (0, 0),
    };
    if is_example {
        row.examples_decoded += decoded;
        row.examples_exact += exact;
    } else {
        row.synthetic_decoded += decoded;
        row.synthetic_exact += exact;
    }
    match outcome {
        Ok(Some(diff)) => push_failure(row, format!("{what}: changed in a round trip: {diff}")),
        Err(e) => push_failure(row, format!("{what}: does not decode: {e}")),
        Ok(None) => {}
    }
}

/// Counts a driver's answer to a call of `plan` against Prism: a violation, an
/// argument or response that did not decode, or what is the document's fault.
pub fn judge_call(row: &mut Row, plan: &OperationPlan, answer: &Value, schemas: &mut dyn Validate) {
    row.called += 1;
    let misread = answer["violations"]
        .as_str()
        .and_then(|v| prism_misreads(plan, v));
    if let Some(why) = misread {
        // Prism's reading, not the request: counted apart, shown.
        row.document_faults += 1;
        push_note(row, format!("{} {}: {why}", plan.method, plan.path));
    } else if let Some(v) = answer["violations"].as_str() {
        row.violations += 1;
        push_failure(row, format!("{} {}: Prism: {v}", plan.method, plan.path));
    } else if let Some(e) = answer["arguments"].as_str() {
        // A valid value that does not decode as the parameter's Rust type.
        row.argument_failures += 1;
        push_failure(
            row,
            format!("{} {}: arguments: {e}", plan.method, plan.path),
        );
    } else if let Some(e) = answer["unanswered"].as_str() {
        row.unanswered += 1;
        push_note(
            row,
            format!("{} {}: Prism cannot answer: {e}", plan.method, plan.path),
        );
    } else if let Some(e) = answer["error"].as_str() {
        // Prism answers with the document's own examples (or values it makes
        // up): one that breaks the document's schema is the document's fault.
        let body = answer["body"]
            .as_str()
            .and_then(|b| serde_json::from_str::<Value>(b).ok());
        let status = answer["status"].as_u64().map(|s| s as u16);
        let schema = status.and_then(|s| response_schema(&plan.responses, s));
        let broken = match (schema, &body) {
            (Some(pointer), Some(body)) => match schemas.valid(pointer, body) {
                Some(false) => Some(schemas.why(pointer, body)),
                _ => None,
            },
            _ => None,
        };
        if let Some(why) = broken {
            row.invalid_answers += 1;
            push_note(
                row,
                format!(
                    "{} {}: Prism answered {} with a body the document's schema \
                     rejects ({why}), so it did not decode",
                    plan.method,
                    plan.path,
                    status.unwrap_or_default()
                ),
            );
        } else {
            row.undecoded_responses += 1;
            let body: String = answer["body"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect();
            push_failure(
                row,
                format!("{} {}: response: {e}; body: {body}", plan.method, plan.path),
            );
        }
    }
}

#[cfg(test)]
mod tests;
