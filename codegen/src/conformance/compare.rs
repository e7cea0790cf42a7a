//! When a value came back "unchanged": strings identical, numbers equal,
//! members neither added nor dropped.

use serde_json::Value;

/// The first difference between two JSON values, as `path: left vs right`.
///
/// Strings must be identical and members the same; numbers compare as numbers
/// (`1.0` equals `1`), integers exactly.
pub fn json_diff(left: &Value, right: &Value, path: &str) -> Option<String> {
    // Values nest; walk them with a stack so no input can exhaust the call stack.
    let mut stack: Vec<(&Value, &Value, String)> = vec![(left, right, path.to_string())];
    while let Some((a, b, path)) = stack.pop() {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    let here = format!("{path}/{key}");
                    match (x.get(key), y.get(key)) {
                        (Some(l), Some(r)) => stack.push((l, r, here)),
                        (l, r) => return Some(format!("{here}: {l:?} vs {r:?}")),
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                if x.len() != y.len() {
                    return Some(format!("{path}: {} items vs {}", x.len(), y.len()));
                }
                for (i, (l, r)) in x.iter().zip(y).enumerate().rev() {
                    stack.push((l, r, format!("{path}/{i}")));
                }
            }
            (Value::Number(x), Value::Number(y)) => {
                let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(l), Some(r), _, _) => l == r,
                    (_, _, Some(l), Some(r)) => l == r,
                    _ => x.as_f64() == y.as_f64(),
                };
                if !same {
                    return Some(format!("{path}: {x} vs {y}"));
                }
            }
            (x, y) if x == y => {}
            (x, y) => return Some(format!("{path}: {x} vs {y}")),
        }
    }
    None
}
