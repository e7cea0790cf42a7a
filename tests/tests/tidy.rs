//! House rules, checked rather than remembered (rust-analyzer's `tidy.rs` is the
//! model): a reviewer should not have to spot an over-long file, a panic on
//! document data, a module that does not say why it exists, a generated file
//! without its header, or an `xtask` command the README does not name.
//!
//! Each rule is one test that lists every offender, with the fix. A justified
//! exception is written where it lives, as a `tidy:` comment with its reason
//! (`// tidy: allow-panic (why)`), never in a list kept here.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    consoleconnect_tests::workspace_root()
}

/// Every file under `dir` (relative to the workspace) whose name ends with `ext`,
/// sorted, as paths relative to the workspace.
fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = root();
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                out.push(path.strip_prefix(&root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report(rule: &str, offenders: &[String]) {
    assert!(
        offenders.is_empty(),
        "{rule}:\n  {}",
        offenders.join("\n  ")
    );
}

/// The Rust sources the workspace writes by hand (generated code aside).
fn hand_written() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for dir in [
        "codegen/src",
        "runtime/src",
        "xtask/src",
        "tests/src",
        "tests/tests",
        "fuzz/fuzz_targets",
    ] {
        all.extend(files(dir, ".rs"));
    }
    // The compile tests' crate; its cases (`pass/`, `fail/`) are programs a consumer
    // writes, and start however a consumer's would.
    all.extend(
        files("tests/ui", ".rs")
            .into_iter()
            .filter(|p| p.parent() == Some(Path::new("tests/ui"))),
    );
    all
}

/// `text` with comments and the contents of string and character literals
/// replaced by spaces (line breaks kept, so line numbers still hold): what is
/// left is code. Quotes stay, so `.expect("…")` still reads as `.expect("  ")`.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('r');
            out.extend(std::iter::repeat_n('#', hashes));
            out.push('"');
            i = j + 1;
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() {
                let rest: String = chars[i..(i + closing.len()).min(chars.len())]
                    .iter()
                    .collect();
                if rest == closing {
                    out.push_str(&closing);
                    i += closing.len();
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), or a lifetime ('a).
            let literal_end = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 2 + p)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match literal_end {
                Some(end) => {
                    out.push('\'');
                    out.extend(std::iter::repeat_n(' ', end - i - 1));
                    out.push('\'');
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` (from [`code_only`]) with every item marked `#[cfg(test)]` blanked:
/// the attribute, any attributes after it, and the item to its closing brace or
/// semicolon.
fn without_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let mut depth = 0usize;
        let mut end = item.len();
        let mut brackets = 0usize;
        for (k, ch) in item.char_indices() {
            match ch {
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                '{' if brackets == 0 => depth += 1,
                '}' if brackets == 0 => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 && brackets == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        out.extend(
            item[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn code_only_keeps_code_and_drops_the_rest() {
    let text = "let a = \"x.unwrap()\"; // y.unwrap()\nlet b: &'static str = r#\"\"q\".expect(\"#;\nlet c = '\\'';\n/* z.unwrap() /* */ */ d.unwrap();\n";
    let code = code_only(text);
    assert_eq!(code.lines().count(), text.lines().count());
    assert_eq!(code.matches(".unwrap()").count(), 1, "{code}");
    assert!(!code.contains(".expect("), "{code}");
    assert!(code.contains("&'static str"), "{code}");
    let tests = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { x.unwrap(); }\n}\nfn c() {}\n#[cfg(test)]\nuse x::y;\nfn d() {}\n";
    let kept = without_tests(tests);
    assert!(!kept.contains("unwrap") && !kept.contains("x::y"), "{kept}");
    assert!(kept.contains("fn c()") && kept.contains("fn d()"), "{kept}");
    assert_eq!(kept.lines().count(), tests.lines().count());
}

/// A file of the generator past 600 lines holds more than one idea: split it
/// into modules (a test module can move to `name/tests.rs`).
#[test]
fn no_generator_file_is_over_600_lines() {
    let mut long = Vec::new();
    for path in files("codegen/src", ".rs") {
        let lines = read(&path).lines().count();
        if lines > 600 {
            long.push(format!("{} has {lines} lines", path.display()));
        }
    }
    report("files of codegen/src over 600 lines; split them", &long);
}

/// Bad input gets an error, never a panic: no `.unwrap()` or `.expect("…")` in
/// the non-test code of the generator and the runtime (whose code runs in every
/// generated crate), and no `panic!`, `todo!`, `unimplemented!` or `dbg!`.
/// Where a panic cannot happen, say why on that line or the one above:
/// `// tidy: allow-panic (why)`.
#[test]
fn no_panics_outside_tests() {
    let patterns = [
        ".unwrap()",
        ".expect(\"",
        "panic!(",
        "todo!(",
        "unimplemented!(",
        "dbg!(",
    ];
    let mut found = Vec::new();
    for dir in ["codegen/src", "runtime/src"] {
        for path in files(dir, ".rs") {
            if path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = read(&path);
            let code = without_tests(&code_only(&text));
            let original: Vec<&str> = text.lines().collect();
            for (n, line) in code.lines().enumerate() {
                // rustfmt may put the message of `.expect(` on the next line.
                let next = code.lines().nth(n + 1).unwrap_or_default().trim_start();
                let expect_split = line.trim_end().ends_with(".expect(") && next.starts_with('"');
                let hit = patterns
                    .iter()
                    .find(|p| line.contains(*p))
                    .copied()
                    .or(expect_split.then_some(".expect(\""));
                let Some(hit) = hit else { continue };
                let allowed = |k: usize| {
                    original
                        .get(k)
                        .is_some_and(|l| l.contains("tidy: allow-panic"))
                };
                if allowed(n) || (n > 0 && allowed(n - 1)) {
                    continue;
                }
                found.push(format!(
                    "{}:{}: `{hit}`: {}",
                    path.display(),
                    n + 1,
                    original[n].trim()
                ));
            }
        }
    }
    report(
        "panics outside tests (return an error, or justify with `// tidy: allow-panic (why)`)",
        &found,
    );
}

/// Every module opens with a `//!` comment saying why it exists.
#[test]
fn every_module_says_why_it_exists() {
    let mut silent = Vec::new();
    for path in hand_written() {
        let text = read(&path);
        if !text.trim_start().starts_with("//!") {
            silent.push(path.display().to_string());
        }
    }
    report("modules that do not open with a `//!` comment", &silent);
}

/// Every crate root forbids `unsafe` (generated crates do too: see their `lib.rs`).
#[test]
fn every_crate_forbids_unsafe() {
    let mut open = Vec::new();
    for root in [
        "codegen/src/lib.rs",
        "runtime/src/lib.rs",
        "xtask/src/lib.rs",
        "xtask/src/main.rs",
        "tests/src/lib.rs",
        "tests/ui/lib.rs",
        "generated/src/lib.rs",
    ] {
        if !read(Path::new(root)).contains("#![forbid(unsafe_code)]") {
            open.push(root.to_string());
        }
    }
    report("crate roots without `#![forbid(unsafe_code)]`", &open);
}

/// Every file `cargo xtask codegen` writes starts with its `@generated` header
/// (the files on disk; `freshness.rs` checks the generator's output).
#[test]
fn every_generated_file_has_its_header() {
    let mut bare = Vec::new();
    let mut all = files("generated", "");
    all.extend(files("tests/snapshots", ""));
    all.retain(|p| !p.components().any(|c| c.as_os_str() == "target"));
    assert!(all.len() > 20, "{all:?}");
    for path in all {
        let text = read(&path);
        let first = text.lines().next().unwrap_or_default();
        let header = (first.starts_with("// @generated by `cargo xtask codegen` from `")
            || first.starts_with("# @generated by `cargo xtask codegen` from `"))
            && text.lines().nth(1).is_some();
        if !header {
            bare.push(format!("{}: {first:?}", path.display()));
        }
    }
    report("generated files without the `@generated` header", &bare);
}

/// The `cargo xtask` commands, from the `Command` enum of `xtask/src/main.rs`,
/// in kebab case as clap spells them.
fn xtask_commands() -> Vec<String> {
    let main = read(Path::new("xtask/src/main.rs"));
    let start = main
        .find("enum Command {")
        .expect("xtask/src/main.rs has `enum Command`");
    let body = &main[start..];
    let body = &body[..body.find("\n}\n").expect("the enum ends")];
    let mut commands = Vec::new();
    for line in body.lines() {
        // Variants sit at one indent level: `    Name {`, `    Name,`.
        let Some(name) = line.strip_prefix("    ") else {
            continue;
        };
        if name.starts_with(' ') || name.starts_with("///") || name.starts_with('#') {
            continue;
        }
        let ident: String = name.chars().take_while(|c| c.is_alphanumeric()).collect();
        if ident.is_empty() || !ident.starts_with(|c: char| c.is_uppercase()) {
            continue;
        }
        let mut kebab = String::new();
        for (i, c) in ident.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        }
        commands.push(kebab);
    }
    commands
}

/// The README names every `cargo xtask` command, and every command it names is real.
#[test]
fn the_readme_names_every_xtask_command() {
    let commands = xtask_commands();
    assert!(commands.len() >= 10, "{commands:?}");
    assert!(commands.iter().any(|c| c == "api-diff"), "{commands:?}");
    let readme = read(Path::new("README.md"));
    let mut missing: Vec<String> = commands
        .iter()
        .filter(|c| !readme.contains(&format!("cargo xtask {c}")))
        .map(|c| format!("`cargo xtask {c}` is not in README.md"))
        .collect();
    for (at, _) in readme.match_indices("cargo xtask ") {
        let word: String = readme[at + "cargo xtask ".len()..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !word.is_empty() && !commands.contains(&word) {
            missing.push(format!(
                "README.md names `cargo xtask {word}`, which does not exist"
            ));
        }
    }
    missing.sort();
    missing.dedup();
    report("xtask commands and the README disagree", &missing);
}

/// `.ci/run` calls only commands that exist, and the README's list of what CI adds
/// to `cargo test` names each `cargo xtask` command CI runs.
#[test]
fn the_readme_names_what_ci_runs() {
    let commands = xtask_commands();
    let ci = read(Path::new(".ci/run"));
    let readme = read(Path::new("README.md"));
    let section = readme
        .find("## How CI guards freshness")
        .map(|at| &readme[at..])
        .expect("README.md has a `## How CI guards freshness` section");
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut wrong = Vec::new();
    for line in ci.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
        let Some(call) = line.strip_prefix("cargo xtask ") else {
            continue;
        };
        let command = call.split_whitespace().next().unwrap_or_default();
        if !commands.iter().any(|c| c == command) {
            wrong.push(format!(
                ".ci/run calls `cargo xtask {command}`, which does not exist"
            ));
        }
        if !section.contains(&format!("cargo xtask {command}")) {
            wrong.push(format!(
                "README's `How CI guards freshness` does not name `cargo xtask {command}`, which CI runs"
            ));
        }
    }
    report("CI and the README disagree", &wrong);
}

/// Every test file is described in the README's `## Tests` section.
#[test]
fn the_readme_describes_every_test_file() {
    let readme = read(Path::new("README.md"));
    let section = &readme[readme.find("\n## Tests").expect("README.md has `## Tests`")..];
    let mut missing = Vec::new();
    for path in files("tests/tests", ".rs") {
        if path.parent() != Some(Path::new("tests/tests")) {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !section.contains(&format!("`{name}`"))
            && !section.contains(&format!("`tests/tests/{name}`"))
        {
            missing.push(format!("{name} is not described in README.md's `## Tests`"));
        }
    }
    report("test files the README does not describe", &missing);
}

/// Each focused document in `tests/specs/` has its snapshot, each snapshot its
/// document, and each snapshot is a module of the tests crate (`tests/src/lib.rs`),
/// which is how it is compiled, with `#![deny(warnings)]`, and linted by clippy.
#[test]
fn every_snapshot_has_its_document_and_its_module() {
    let lib = read(Path::new("tests/src/lib.rs"));
    let mut wrong = Vec::new();
    let specs: Vec<String> = files("tests/specs", "")
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    // The crate snapshots (`tests/snapshots/crates/<document>/`) are files of
    // crates, not modules of this one.
    let mut snapshots = files("tests/snapshots", ".rs");
    snapshots.retain(|p| !p.starts_with("tests/snapshots/crates"));
    assert!(
        snapshots.len() >= 9,
        "one focused document per feature: {snapshots:?}"
    );
    for path in &snapshots {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let line = format!("#[path = \"../snapshots/{stem}.rs\"]\npub mod snapshot_{stem};");
        if !lib.contains(&line) {
            wrong.push(format!(
                "add `#[rustfmt::skip]\n{line}` to tests/src/lib.rs"
            ));
        }
        if !specs.contains(&stem) {
            wrong.push(format!(
                "{} has no document in tests/specs/",
                path.display()
            ));
        }
    }
    for stem in &specs {
        if !snapshots
            .iter()
            .any(|p| p.file_stem().is_some_and(|s| s.to_string_lossy() == *stem))
        {
            wrong.push(format!(
                "tests/specs/{stem}.* has no snapshot: run `cargo xtask codegen`"
            ));
        }
    }
    report("snapshots, documents and modules disagree", &wrong);
}

/// Every runtime module is known to the generator (`codegen/src/runtime.rs`), which
/// decides which generated crates carry it.
#[test]
fn every_runtime_module_is_known_to_the_generator() {
    let listing = read(Path::new("codegen/src/runtime.rs"));
    let mut unknown = Vec::new();
    for path in files("runtime/src", ".rs") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "lib" {
            continue;
        }
        if !listing.contains(&format!("module!(\n        \"{stem}\""))
            && !listing.contains(&format!("module!(\"{stem}\""))
        {
            unknown.push(format!(
                "runtime/src/{stem}.rs is not in codegen/src/runtime.rs's MODULES"
            ));
        }
    }
    report("runtime modules the generator does not know", &unknown);
}

/// The generator's library prints nothing: what it has to say goes into its
/// diagnostics, which the caller renders.
#[test]
fn the_generator_prints_nothing() {
    let mut prints = Vec::new();
    for path in files("codegen/src", ".rs") {
        let text = read(&path);
        let code = without_tests(&code_only(&text));
        for (n, line) in code.lines().enumerate() {
            // `print!(` and `println!(` are also inside `eprint!(` and `eprintln!(`.
            if ["println!(", "print!("].iter().any(|p| line.contains(p)) {
                prints.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    report(
        "prints in the generator's library (return a diagnostic)",
        &prints,
    );
}

/// A test that `cargo test` skips still runs somewhere: every `#[ignore]` is in a
/// file `cargo xtask tool-tests` runs (`xtask::tool_tests::TESTS`), and says so;
/// every such file has ignored tests (else `cargo test` already runs it).
#[test]
fn every_ignored_test_is_run_by_tool_tests() {
    let listed: Vec<&str> = xtask::tool_tests::TESTS.iter().map(|(f, _)| *f).collect();
    let mut wrong = Vec::new();
    let mut with_ignored = Vec::new();
    for path in hand_written() {
        let text = read(&path);
        let code = code_only(&text);
        let original: Vec<&str> = text.lines().collect();
        for (n, line) in code.lines().enumerate() {
            if !line.contains("#[ignore") {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let runs =
                path.parent() == Some(Path::new("tests/tests")) && listed.contains(&stem.as_str());
            if !runs || !original[n].contains("cargo xtask tool-tests") {
                wrong.push(format!(
                    "{}:{}: an ignored test must say `cargo xtask tool-tests` and be in xtask::tool_tests::TESTS",
                    path.display(),
                    n + 1
                ));
            }
            with_ignored.push(stem);
        }
    }
    for file in listed {
        if !with_ignored.iter().any(|s| s == file) {
            wrong.push(format!(
                "tests/tests/{file}.rs is in xtask::tool_tests::TESTS but ignores no test"
            ));
        }
    }
    report("ignored tests that nothing runs", &wrong);
}
