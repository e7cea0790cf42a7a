//! The conformance table: what a maintainer deciding whether to trust the generator
//! with an API wants to read, per document and in total.

use super::Row;
use std::fmt::Write;

/// How a conformance run was made, as its report states it.
#[derive(Debug, Clone, Copy)]
pub struct RunInfo<'a> {
    /// Synthetic instances per schema, and the faker's seed.
    pub samples: usize,
    pub seed: u64,
    pub faker_version: &'a str,
    /// Prism's version, when operations were called against it.
    pub prism_version: Option<&'a str>,
}

/// The report of a run: the table, the totals, then the details of each document.
pub fn table(rows: &[Row], run: &RunInfo<'_>) -> String {
    let mut s = String::new();
    let prism = match run.prism_version {
        Some(version) => format!(", Prism {version}"),
        None => ", no Prism".to_string(),
    };
    let _ = write!(
        s,
        "# Conformance\n\nWritten by `cargo xtask conformance` ({} synthetic instances per schema, seed {}, \
         json-schema-faker {}{prism}).\n\n",
        run.samples, run.seed, run.faker_version,
    );
    s.push_str(
        "How to read it:\n\n\
         - **Examples** are the document's own: `example`/`examples` of schemas (inline ones \
         included) and of JSON request and response bodies (through `$ref` to \
         `components/examples` too). Each is first validated against its schema by the \
         `jsonschema` crate (the document converted to JSON Schema 2020-12). *Invalid* ones \
         are the document's fault and are not counted; valid ones must *decode* into the \
         generated type and come back *exact*: strings identical, numbers equal, no member \
         added or dropped.\n\
         - **Synthetic** instances are made by json-schema-faker (Prism's engine) for every \
         named schema and every request and response body, seeded, and validated the same \
         way; an invalid one is the faker's fault and is not counted.\n\
         - **Calls**: every operation is called through the generated client against a Prism \
         mock of the document, with arguments taken from the document's examples or from \
         valid synthetic instances (integers kept within ±2⁵³, which Prism enforces on \
         `int64`). A *violation* is a request Prism finds breaking the document (a rejected \
         parameter or body, an unknown path, missing credentials). *Not called*: no valid \
         value exists for a required argument. *Unanswerable*: the document gives Prism no \
         response to send.\n\n",
    );
    s.push_str(
        "| document | examples valid / invalid | decoded | exact | synthetic valid / invalid | decoded | exact \
         | operations | called | violations | not called | unanswerable | note |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut total = Row::default();
    for r in rows {
        let note = r
            .problem
            .clone()
            .or_else(|| r.prism.clone())
            .unwrap_or_default()
            .replace('|', "\\|")
            .replace('\n', " ");
        row_line(&mut s, &format!("`{}`", r.document), r, &note);
        add(&mut total, r);
    }
    row_line(&mut s, "**total**", &total, "");
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "—".to_string()
        } else {
            format!("{:.2} %", 100.0 * a as f64 / b as f64)
        }
    };
    let _ = writeln!(
        s,
        "\n**Valid examples**: {} decode, {} round-trip exactly. **Valid synthetic instances**: {} decode, \
         {} round-trip exactly. **Requests**: {} of {} operations called, {} breaking the document; \
         {} arguments that did not decode; {} responses that did not decode \
         (and {} that broke the document's own schema, its fault); {} requests no request could \
         make valid (the document contradicts itself).",
        pct(total.examples_decoded, total.examples_valid),
        pct(total.examples_exact, total.examples_valid),
        pct(total.synthetic_decoded, total.synthetic_valid),
        pct(total.synthetic_exact, total.synthetic_valid),
        total.called,
        total.operations,
        total.violations,
        total.argument_failures,
        total.undecoded_responses,
        total.invalid_answers,
        total.document_faults,
    );
    let details: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            !(r.failures.is_empty()
                && r.notes.is_empty()
                && r.invalid_examples.is_empty()
                && r.faker_errors.is_empty()
                && r.invalid_synthetic.is_empty())
        })
        .collect();
    if details.is_empty() {
        return s;
    }
    s.push_str("\n## Details\n\nFailures first (the generator's to fix), then what is not.\n");
    for r in details {
        let _ = write!(s, "\n### `{}`\n\n", r.document);
        let line = |s: &mut String, prefix: &str, text: &str| {
            let _ = writeln!(s, "- {prefix}{}", text.replace('\n', " "));
        };
        for f in &r.failures {
            line(&mut s, "**failure**: ", f);
        }
        for n in &r.notes {
            line(&mut s, "", n);
        }
        if !r.invalid_examples.is_empty() {
            line(
                &mut s,
                "invalid examples (the document's fault), e.g. ",
                &r.invalid_examples.join(", "),
            );
        }
        for f in &r.invalid_synthetic {
            line(
                &mut s,
                "an invalid json-schema-faker instance (not counted): ",
                f,
            );
        }
        for f in &r.faker_errors {
            line(&mut s, "json-schema-faker made no instance of ", f);
        }
    }
    s
}

fn row_line(s: &mut String, name: &str, r: &Row, note: &str) {
    let _ = writeln!(
        s,
        "| {name} | {} / {} | {} | {} | {} / {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        r.examples_valid,
        r.examples_invalid,
        r.examples_decoded,
        r.examples_exact,
        r.synthetic_valid,
        r.synthetic_invalid,
        r.synthetic_decoded,
        r.synthetic_exact,
        r.operations,
        r.called,
        r.violations,
        r.not_called,
        r.unanswered,
        note.chars().take(160).collect::<String>()
    );
}

fn add(total: &mut Row, r: &Row) {
    total.examples_valid += r.examples_valid;
    total.examples_invalid += r.examples_invalid;
    total.examples_decoded += r.examples_decoded;
    total.examples_exact += r.examples_exact;
    total.synthetic_valid += r.synthetic_valid;
    total.synthetic_invalid += r.synthetic_invalid;
    total.synthetic_decoded += r.synthetic_decoded;
    total.synthetic_exact += r.synthetic_exact;
    total.operations += r.operations;
    total.called += r.called;
    total.violations += r.violations;
    total.not_called += r.not_called;
    total.unanswered += r.unanswered;
    total.argument_failures += r.argument_failures;
    total.undecoded_responses += r.undecoded_responses;
    total.invalid_answers += r.invalid_answers;
    total.document_faults += r.document_faults;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_totals_the_documents_and_lists_their_failures() {
        let row = |document: &str, valid: usize, failure: Option<&str>| Row {
            document: document.into(),
            examples_valid: valid,
            examples_decoded: valid,
            failures: failure.into_iter().map(String::from).collect(),
            ..Row::default()
        };
        let rows = [
            row("a.yaml", 2, None),
            row("b.json", 3, Some("x: does not decode")),
        ];
        let run = RunInfo {
            samples: 5,
            seed: 7,
            faker_version: "0.5.8",
            prism_version: None,
        };
        let text = table(&rows, &run);
        assert!(
            text.contains("5 synthetic instances per schema, seed 7"),
            "{text}"
        );
        assert!(text.contains("json-schema-faker 0.5.8, no Prism"), "{text}");
        assert!(text.contains("| **total** | 5 / 0 | 5 |"), "{text}");
        assert!(
            text.contains("### `b.json`") && !text.contains("### `a.yaml`"),
            "{text}"
        );
        assert!(text.contains("- **failure**: x: does not decode"), "{text}");
    }
}
