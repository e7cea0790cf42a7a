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
