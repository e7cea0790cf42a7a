//! Tests of the doc comments written from the document.

use super::*;

#[test]
fn prose_wraps_and_blocks_stay_whole() {
    let long = "word ".repeat(30);
    let lines = wrap(long.trim(), 40);
    assert!(
        lines.len() > 3 && lines.iter().all(|l| l.len() <= 40),
        "{lines:?}"
    );
    let item = format!("- {}", "word ".repeat(20).trim());
    let lines = wrap(&item, 30);
    assert!(
        lines[1..].iter().all(|l| l.starts_with("  word")),
        "{lines:?}"
    );
    // A break that would start a list item is not taken.
    let tricky = format!("{} - 5 items", "x".repeat(35));
    assert!(
        wrap(&tricky, 40)
            .iter()
            .all(|l| !l.trim_start().starts_with('-'))
    );
    let table = format!("| {} |", "cell ".repeat(30));
    assert_eq!(wrap(&table, 40), vec![table.clone()]);
    let url = format!("see https://example.com/{}", "a".repeat(100));
    assert_eq!(wrap(&url, 40).len(), 2, "a long word stays whole");
}

#[test]
fn unlabelled_code_blocks_are_not_doctests() {
    assert_eq!(
        markdown("x\n```\nfoo()\n```"),
        vec!["x", "```text", "foo()", "```"]
    );
    assert_eq!(markdown("```json\n{}\n```"), vec!["```json", "{}", "```"]);
    assert_eq!(
        markdown("```\nunterminated"),
        vec!["```text", "unterminated", "```"]
    );
}

#[test]
fn indentation_cannot_start_a_code_block() {
    assert_eq!(
        markdown("para\n\n    indented"),
        vec!["para", "", "indented"]
    );
}

#[test]
fn brackets_html_and_urls_are_escaped() {
    assert_eq!(
        inline("see [docs](https://x.io) and [foo]"),
        "see [docs](https://x.io) and \\[foo\\]"
    );
    assert_eq!(inline("a <id> b"), "a &lt;id> b");
    assert_eq!(
        inline("go to https://example.com."),
        "go to <https://example.com>."
    );
    assert_eq!(
        inline("keep <https://example.com>"),
        "keep <https://example.com>"
    );
    assert_eq!(inline("code `Vec<[u8]>` stays"), "code `Vec<[u8]>` stays");
}

#[test]
fn links_and_code_spans_may_span_lines() {
    assert_eq!(
        markdown("see [the\ndocs](https://x.io) now"),
        vec!["see [the", "docs](https://x.io) now"]
    );
    assert_eq!(markdown("a `code\nspan` b"), vec!["a `code", "span` b"]);
    assert_eq!(markdown("[not\nlinked] x"), vec!["\\[not", "linked\\] x"]);
}

#[test]
fn list_continuations_are_indented() {
    assert_eq!(
        markdown("- one\ncontinued\n- two"),
        vec!["- one", "  continued", "- two"]
    );
    assert_eq!(markdown("> quote\nlazy"), vec!["> quote", "> lazy"]);
    assert_eq!(markdown("*   wide\nmore"), vec!["*   wide", "    more"]);
    assert_eq!(markdown("10. ten\nmore"), vec!["10. ten", "    more"]);
}

#[test]
fn plain_text_drops_the_markup_and_keeps_the_words() {
    assert_eq!(
        plain(
            "## Title\nSee [the docs](https://x.io) and <https://y.io>,\n**bold** `code *x*` &amp; <br/>more.\n\n\n```json\n{\"a\": 1}\n```\n- item \\[1\\]\n  continued",
            80
        ),
        vec![
            "Title",
            "",
            "See the docs (https://x.io) and https://y.io, bold `code *x*` &  more.",
            "",
            "    {\"a\": 1}",
            "- item [1] continued"
        ]
    );
    let long = "word ".repeat(30);
    assert!(plain(&long, 40).iter().all(|l| l.len() <= 40));
}

#[test]
fn long_examples_are_fenced() {
    let v = serde_json::json!({"a": "x".repeat(100)});
    let lines = value_lines("Example", &v);
    assert_eq!(lines[2], "```json");
    assert_eq!(
        value_lines("Default", &serde_json::json!("y")),
        vec!["Default: `\"y\"`"]
    );
}

/// A line of 100,000 words (a `new` listing the members of a wide object):
/// every piece within the width, nothing lost, list items kept indented.
#[test]
fn very_long_lines_wrap_whole() {
    let words: Vec<String> = (0..100_000).map(|i| format!("`member{i}`,")).collect();
    let line = format!("  1. é {}", words.join(" "));
    let lines = wrap(&line, 86);
    assert!(lines.len() > 10_000);
    assert!(lines.iter().all(|l| l.chars().count() <= 86), "width");
    assert!(lines[1..].iter().all(|l| l.starts_with("     `")), "indent");
    let rejoined: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    let original: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(rejoined, original);
}

/// The readers before their look-ahead tables (each opening scanned the rest of
/// the line), kept as the oracle the tables must agree with. The autolink's
/// advance is by characters, as it is now (it was by bytes: text after a
/// non-ASCII autolink was dropped).
mod scanning_oracle {
    use super::url_at;

    pub fn plain_inline(line: &str) -> String {
        let mut out = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let rest = || -> String { chars[i..].iter().collect() };
            if c == '`' {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                let close = (i + run..chars.len())
                    .find(|&j| chars[j..].iter().take_while(|c| **c == '`').count() == run);
                let end = close.map_or(i + run, |j| j + run);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            if c == '[' {
                let rest = rest();
                if let Some(mid) = rest.find("](")
                    && let Some(close) = rest[mid..].find(')')
                {
                    let label = &rest[1..mid];
                    let url = &rest[mid + 2..mid + close];
                    if !label.contains('[') && !url.contains(' ') {
                        out.push_str(&plain_inline(label));
                        if url != label && !url.starts_with('#') {
                            out.push_str(&format!(" ({url})"));
                        }
                        i += rest[..mid + close + 1].chars().count();
                        continue;
                    }
                }
            }
            if c == '<' {
                let rest = rest();
                if let Some(end) = rest.find('>') {
                    let inner = &rest[1..end];
                    if inner.starts_with("http://") || inner.starts_with("https://") {
                        out.push_str(inner);
                        i += rest[..=end].chars().count();
                        continue;
                    }
                    let name = inner.trim_start_matches('/').trim_end_matches('/').trim();
                    if !name.is_empty()
                        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && name.chars().all(|c| {
                            c.is_ascii_alphanumeric()
                                || c == ' '
                                || c == '='
                                || c == '"'
                                || c == '-'
                        })
                    {
                        if name.eq_ignore_ascii_case("br") {
                            out.push(' ');
                        }
                        i += rest[..=end].chars().count();
                        continue;
                    }
                }
            }
            if (c == '*' || c == '_') && chars.get(i + 1) == Some(&c) {
                i += 2;
                continue;
            }
            if c == '&' {
                let rest: String = chars[i..chars.len().min(i + 6)].iter().collect();
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

    pub fn inline(line: &str) -> String {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '`' {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                let close = (i + run..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|c| **c == '`').count() == run
                        && (j == 0 || chars[j - 1] != '`')
                });
                match close {
                    Some(j) => {
                        out.extend(&chars[i..j + run]);
                        i = j + run;
                    }
                    None => {
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
                continue;
            }
            if c == '[' {
                let close = chars[i + 1..]
                    .iter()
                    .position(|c| *c == ']')
                    .map(|p| p + i + 1);
                match close {
                    Some(j) if chars.get(j + 1) == Some(&'(') => {
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
                let rest: String = chars[i + 1..].iter().collect();
                if url_at(&chars, i + 1)
                    && let Some(end) = rest.find('>')
                    && !rest[..end].contains(' ')
                {
                    out.push('<');
                    out.push_str(&rest[..=end]);
                    i += rest[..end].chars().count() + 2;
                    continue;
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
}

/// Lines made of Markdown's openers and closers in random order (a fixed
/// seed), read by the tables and by scanning: the same text comes out.
#[test]
fn look_ahead_tables_read_as_scanning_does() {
    const PIECES: [&str; 30] = [
        "[",
        "]",
        "(",
        ")",
        "](",
        "<",
        ">",
        "`",
        "``",
        "```",
        " ",
        "a",
        "é",
        "http://",
        "https://x",
        "#",
        "\\",
        "*",
        "**",
        "_",
        "&amp;",
        "br",
        "/",
        "\"",
        "=",
        "-",
        "h",
        "\n",
        "\\`",
        "<a>",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    for _ in 0..20_000 {
        let len = random(24);
        let line: String = (0..len).map(|_| PIECES[random(PIECES.len())]).collect();
        assert_eq!(
            plain_inline(&line),
            scanning_oracle::plain_inline(&line),
            "plain text of {line:?}"
        );
        assert_eq!(
            inline(&line),
            scanning_oracle::inline(&line),
            "escaping of {line:?}"
        );
    }
}

#[test]
fn text_after_a_non_ascii_autolink_is_kept() {
    assert_eq!(
        inline("see <https://例え.jp/ü> and more"),
        "see <https://例え.jp/ü> and more"
    );
    assert_eq!(
        plain_inline("see <https://例え.jp/ü> and more"),
        "see https://例え.jp/ü and more"
    );
}
