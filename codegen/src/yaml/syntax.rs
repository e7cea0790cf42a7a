//! Syntax errors as a reader shows them: libyaml's problem, with its context,
//! at the line and column where it is (found by hand for a character YAML does
//! not allow, which libyaml reports without a place).

use super::{ErrorKind, SyntaxError, at};

pub(super) fn syntax_error(text: &str, e: &libyaml_safer::Error) -> SyntaxError {
    let (line, column) = match e.problem_mark() {
        Some(mark) => at(mark),
        // A reader error (a character YAML does not allow): find it.
        None => first_disallowed(text),
    };
    let message = match (e.context(), e.context_mark()) {
        (Some(context), Some(mark)) => {
            let (l, c) = at(mark);
            format!("{} ({context} at line {l}, column {c})", e.problem())
        }
        _ => e.problem().to_string(),
    };
    SyntaxError {
        kind: ErrorKind::Syntax,
        message,
        line,
        column,
    }
}

/// Where the first character YAML does not allow in a stream is (C0 and C1
/// controls other than tab and line breaks, surrogates, U+FFFE/U+FFFF).
pub(super) fn first_disallowed(text: &str) -> (usize, usize) {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    let mut line = 1;
    let mut column = 1;
    for c in text.chars() {
        if !allowed(c) {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}
