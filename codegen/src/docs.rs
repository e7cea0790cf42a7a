//! Rustdoc from descriptions written for other renderers.
//!
//! Descriptions are Markdown meant for Redoc or Swagger UI. Pasted into rustdoc
//! as-is they break the build of the docs: indented or unlabelled code blocks
//! become doctests, `[foo]` becomes a broken intra-doc link, `<id>` an unclosed
//! HTML tag, bare URLs and lazy list continuations trip lints. This module
//! rewrites them into Markdown rustdoc and clippy accept, keeping the meaning.

use crate::types::Doc;
use serde_json::Value;

mod attrs;
mod scan;
use attrs::wrap;
pub use attrs::{attrs, expand};

/// The lines of a type's or field's documentation.
pub fn lines(doc: &Doc, fallback: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let para = |out: &mut Vec<String>, text: Vec<String>| {
        if text.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(text);
    };
    let title = doc
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let description = doc
        .description
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(t) = title {
        // A title that merely repeats the start of the description adds nothing.
        if !description.is_some_and(|d| d.starts_with(t)) {
            para(&mut out, markdown(t));
        }
    }
    if let Some(d) = description {
        para(&mut out, markdown(d));
    }
    if out.is_empty() {
        para(&mut out, vec![fallback.to_string()]);
    }
    let mut facts: Vec<Vec<String>> = Vec::new();
    if doc.deprecated {
        facts.push(vec!["**Deprecated** in the API description.".to_string()]);
    }
    if doc.read_only {
        facts.push(vec![
            "Read-only: set by the server, not sent in requests.".to_string(),
        ]);
    }
    if doc.write_only {
        facts.push(vec![
            "Write-only: sent in requests, not returned by the server.".to_string(),
        ]);
    }
    facts.extend(doc.notes.iter().map(|n| vec![n.clone()]));
    if let Some(d) = &doc.default {
        facts.push(value_lines("Default", d));
    }
    if let Some(e) = &doc.example {
        facts.push(value_lines("Example", e));
    }
    for fact in facts {
        para(&mut out, fact);
    }
    out
}

/// `Label: `value`` for short values, a fenced JSON block for long ones.
pub fn value_lines(label: &str, value: &Value) -> Vec<String> {
    let compact = serde_json::to_string(value).unwrap_or_default();
    if compact.len() <= 80 && !compact.contains('`') {
        return vec![format!("{label}: `{compact}`")];
    }
    let pretty = serde_json::to_string_pretty(value).unwrap_or(compact);
    let fence = if pretty.contains("```") {
        "~~~~"
    } else {
        "```"
    };
    let mut out = vec![format!("{label}:"), String::new(), format!("{fence}json")];
    out.extend(pretty.lines().map(str::to_string));
    out.push(fence.to_string());
    out
}

/// Rewrites Markdown so that rustdoc and clippy accept it.
pub fn markdown(text: &str) -> Vec<String> {
    enum Line {
        Fence(String),
        Code(String),
        Text(String),
    }
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    // Pass 1: code blocks kept verbatim (relabelled), everything else trimmed, so
    // indentation can never start an indented code block (a doctest).
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    for raw in text.lines() {
        let trimmed = raw.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                lines.push(Line::Fence(open.clone()));
                fence = None;
            } else {
                lines.push(Line::Code(raw.trim_end().to_string()));
            }
            continue;
        }
        if let Some(marker) = ["```", "~~~"].iter().find(|m| trimmed.starts_with(**m)) {
            let len = trimmed
                .chars()
                .take_while(|c| *c == marker.chars().next().unwrap_or('`'))
                .count();
            let open: String = trimmed.chars().take(len).collect();
            let info = trimmed[len..].trim();
            // Unlabelled and Rust blocks would run as doctests; descriptions are not Rust.
            let lang = if info.is_empty() || info.starts_with("rust") || info.contains(',') {
                "text"
            } else {
                info
            };
            lines.push(Line::Fence(format!("{open}{lang}")));
            fence = Some(open);
            continue;
        }
        lines.push(Line::Text(trimmed.trim_end().to_string()));
    }
    if let Some(open) = fence {
        lines.push(Line::Fence(open));
    }
    // Pass 2: escaping works per paragraph, since a link or a code span may
    // continue on the next line.
    let mut i = 0;
    while i < lines.len() {
        let run_end = (i..lines.len())
            .find(|&j| !matches!(&lines[j], Line::Text(t) if !t.is_empty()))
            .unwrap_or(lines.len());
        if run_end > i {
            let joined: Vec<&str> = lines[i..run_end]
                .iter()
                .map(|l| match l {
                    Line::Text(t) => t.as_str(),
                    _ => "",
                })
                .collect();
            let escaped = inline(&joined.join("\n"));
            for (slot, line) in lines[i..run_end].iter_mut().zip(escaped.split('\n')) {
                *slot = Line::Text(line.to_string());
            }
            i = run_end;
        } else {
            i += 1;
        }
    }
    // Pass 3: continuation lines of list items and quotes are indented or marked,
    // which is what the Markdown means and what clippy asks for.
    let mut out = Vec::new();
    let mut list_indent: Option<usize> = None;
    let mut in_quote = false;
    for line in lines {
        match line {
            Line::Fence(f) => {
                out.push(f);
                list_indent = None;
            }
            Line::Code(c) => out.push(c),
            Line::Text(t) if t.is_empty() => {
                out.push(String::new());
                list_indent = None;
                in_quote = false;
            }
            Line::Text(t) => {
                if let Some(indent) = list_item_indent(&t) {
                    list_indent = Some(indent);
                    in_quote = false;
                    out.push(t);
                } else if t.starts_with('>') {
                    in_quote = true;
                    out.push(t);
                } else if in_quote {
                    out.push(format!("> {t}"));
                } else if let Some(indent) = list_indent {
                    out.push(format!("{}{t}", " ".repeat(indent)));
                } else {
                    out.push(t);
                }
            }
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Plain text for a terminal from Markdown (the command-line program's help):
/// links become `text (url)`, emphasis, headings' `#`, HTML tags and fences are
/// dropped (code stays, indented), entities are decoded; inline code keeps its
/// backticks. Prose is wrapped at `width` columns.
pub fn plain(text: &str, width: usize) -> Vec<String> {
    enum Line {
        Code(String),
        Text(String),
    }
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut lines: Vec<Line> = Vec::new();
    let mut fence: Option<String> = None;
    for raw in text.lines() {
        let trimmed = raw.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                fence = None;
            } else {
                lines.push(Line::Code(format!("    {}", raw.trim_end())));
            }
            continue;
        }
        if let Some(marker) = ["```", "~~~"].iter().find(|m| trimmed.starts_with(**m)) {
            let first = marker.chars().next().unwrap_or('`');
            fence = Some(trimmed.chars().take_while(|c| *c == first).collect());
            continue;
        }
        let line = trimmed.trim_end();
        let heading = line.starts_with('#');
        let line = plain_inline(line.trim_start_matches('#').trim_start());
        // A paragraph's lines join into one, to be wrapped anew; a list item,
        // quote, table row or heading starts a line of its own.
        let starts_block =
            heading || list_item_indent(&line).is_some() || line.starts_with(['>', '|']);
        match lines.last_mut() {
            Some(Line::Text(previous))
                if !previous.is_empty() && !line.is_empty() && !starts_block =>
            {
                previous.push(' ');
                previous.push_str(&line);
            }
            _ => lines.push(Line::Text(line)),
        }
        if heading {
            lines.push(Line::Text(String::new()));
        }
    }
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        match line {
            Line::Code(c) => out.push(c),
            Line::Text(t) if t.is_empty() => {
                if out.last().is_some_and(|l| !l.is_empty()) {
                    out.push(String::new());
                }
            }
            Line::Text(t) => out.extend(wrap(&t, width)),
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// One line of Markdown as plain text.
fn plain_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let ahead = scan::Ahead::new(&chars);
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c == '`' {
            // Inline code stays as it is.
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            let close = ahead.ticks().close_any(i);
            let end = close.map_or(i + run, |j| j + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '[' {
            // `[text](url)` → `text (url)`.
            let mid = ahead.link_mid(i);
            let close = if mid < n { ahead.next(')', mid) } else { n };
            if close < n && ahead.next('[', i + 1) >= mid && ahead.next(' ', mid + 2) >= close {
                let label: String = chars[i + 1..mid].iter().collect();
                let url: String = chars[mid + 2..close].iter().collect();
                out.push_str(&plain_inline(&label));
                if url != label && !url.starts_with('#') {
                    out.push_str(&format!(" ({url})"));
                }
                i = close + 1;
                continue;
            }
        }
        if c == '<' {
            // Autolinks keep their URL; tags go.
            let end = ahead.next('>', i);
            if end < n {
                if url_at(&chars, i + 1) {
                    out.extend(&chars[i + 1..end]);
                    i = end + 1;
                    continue;
                }
                // A `<` before the `>` is part of the name, which it spoils: the
                // name is only read when it is not, so each is read once.
                let inner: String = if ahead.next('<', i + 1) > end {
                    chars[i + 1..end].iter().collect()
                } else {
                    String::new()
                };
                let name = inner.trim_start_matches('/').trim_end_matches('/').trim();
                if !name.is_empty()
                    && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && name.chars().all(|c| {
                        c.is_ascii_alphanumeric() || c == ' ' || c == '=' || c == '"' || c == '-'
                    })
                {
                    if name.eq_ignore_ascii_case("br") {
                        out.push(' ');
                    }
                    i = end + 1;
                    continue;
                }
            }
        }
        if (c == '*' || c == '_') && chars.get(i + 1) == Some(&c) {
            // `**strong**` and `__strong__` lose their markers.
            i += 2;
            continue;
        }
        if c == '&' {
            let rest: String = chars[i..n.min(i + 6)].iter().collect();
            let entity = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&quot;", '"'),
                ("&#39;", '\''),
                ("&nbsp;", ' '),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e));
            if let Some((e, ch)) = entity {
                out.push(ch);
                i += e.len();
                continue;
            }
        }
        if c == '\\' && chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where a list item's text starts (marker plus its spaces), if the line starts
/// one; continuation lines must be indented that far.
fn list_item_indent(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let marker = if bytes
        .first()
        .is_some_and(|b| matches!(b, b'-' | b'*' | b'+'))
    {
        1
    } else {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0
            || digits >= 10
            || !bytes.get(digits).is_some_and(|b| matches!(b, b'.' | b')'))
        {
            return None;
        }
        digits + 1
    };
    let spaces = bytes[marker..].iter().take_while(|b| **b == b' ').count();
    (1..=4).contains(&spaces).then_some(marker + spaces)
}

/// Escapes what rustdoc would misread, outside inline code spans.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let ahead = scan::Ahead::new(&chars);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // Copy an inline code span untouched (up to the next run of backticks
            // as long). Every branch stops past a backtick run, so `i` starts one.
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            let close = ahead.ticks().close_same(i);
            match close {
                Some(j) => {
                    out.extend(&chars[i..j + run]);
                    i = j + run;
                }
                None => {
                    // A lone backtick: escape it so the rest is not swallowed.
                    for _ in 0..run {
                        out.push_str("\\`");
                    }
                    i += run;
                }
            }
            continue;
        }
        if c == '[' {
            // Keep real Markdown links `[text](url)`; escape everything else.
            let close = ahead.next(']', i + 1);
            match close {
                j if j < chars.len() && chars.get(j + 1) == Some(&'(') => {
                    out.extend(&chars[i..=j]);
                    i = j + 1;
                }
                _ => {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '<' {
            // Autolinks stay; anything else could be read as an HTML tag.
            if url_at(&chars, i + 1) {
                let end = ahead.next('>', i + 1);
                if end < chars.len() && ahead.next(' ', i + 1) > end {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                    continue;
                }
            }
            out.push_str("&lt;");
            i += 1;
            continue;
        }
        if c == 'h' && (i == 0 || !chars[i - 1].is_alphanumeric()) && url_at(&chars, i) {
            let after_link = i >= 2 && chars[i - 1] == '(' && chars[i - 2] == ']';
            if !after_link {
                let len = chars[i..]
                    .iter()
                    .position(|&c| c.is_whitespace() || c == '<' || c == '>' || c == '"')
                    .unwrap_or(chars.len() - i);
                let rest: String = chars[i..i + len].iter().collect();
                let mut url = rest.as_str();
                while url.ends_with(['.', ',', ';', ':', ')', '\'', '!', '?']) {
                    url = &url[..url.len() - 1];
                }
                if url.len() > "https://".len() {
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                    i += url.chars().count();
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether an `http://` or `https://` URL starts at `chars[i]`: checked before
/// the rest of the line is copied to look at it, so that a line is read in
/// linear time whatever it holds.
fn url_at(chars: &[char], i: usize) -> bool {
    let at = |prefix: &str| {
        prefix
            .chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    at("http://") || at("https://")
}

#[cfg(test)]
mod tests;
