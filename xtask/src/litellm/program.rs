//! The OpenAI crate's command-line program (crate feature `cli`) against the
//! same LiteLLM proxy: a streamed chat completion prints each event as a line
//! of JSON as it arrives, a whole one prints its JSON, an error exits 1, and
//! the key is never printed.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Builds the program with the features the driver uses and `cli`.
pub fn build(root: &Path, dir: &Path) -> Result<PathBuf> {
    let out = Command::new(env!("CARGO"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args([
            "build",
            "--quiet",
            "-p",
            "openai",
            "--no-default-features",
            "--features",
            "chat,responses,cli",
            "--bin",
            "openai",
            "--message-format=json",
        ])
        .output()
        .context("running cargo build")?;
    let mut executable = None;
    let mut warnings = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if v["target"]["name"] != "openai" {
            continue;
        }
        if v["reason"] == "compiler-message" {
            warnings.push(v["message"]["rendered"].as_str().unwrap_or("?").to_string());
        }
        if let Some(exe) = v["executable"].as_str() {
            executable = Some(PathBuf::from(exe));
        }
    }
    if !out.status.success() || !warnings.is_empty() {
        bail!(
            "the OpenAI program does not build cleanly: {}{}",
            warnings.join("\n"),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    executable.context("cargo named no executable for the OpenAI program")
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

/// The checks; returns the names of those that failed.
pub fn check(exe: &Path, base_url: &str, key: &str, answer: &str) -> Vec<String> {
    let run = |args: &[&str]| -> Result<Run> {
        let out = Command::new(exe)
            .args(args)
            .args(["--base-url", base_url])
            .env("OPENAI_API_KEY_AUTH", key)
            .env_remove("OPENAI_BASE_URL")
            .stdin(Stdio::null())
            .output()?;
        Ok(Run {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    };
    let messages = json!([{"role": "user", "content": "Say hello."}]);
    let mut failed = Vec::new();
    let mut report = |name: &str, result: Result<String, String>| match &result {
        Ok(detail) => println!("ok     program: {name}: {detail}"),
        Err(detail) => {
            println!("FAILED program: {name}: {detail}");
            failed.push(format!("program: {name}"));
        }
    };
    let leaks = |r: &Run| r.out.contains(key) || r.err.contains(key);

    // 1. Streamed: each event a line of JSON, the deltas making the answer.
    let body = json!({"model": "fake-gpt", "messages": messages, "stream": true}).to_string();
    let streamed = run(&["create-chat-completion", "--body", &body, "--include"]);
    report(
        "chat completion, streamed (`\"stream\": true`): events as JSON lines",
        match streamed {
            Err(e) => Err(format!("did not run: {e}")),
            Ok(r) if r.code != 0 => Err(format!("exit {}: {}", r.code, r.err)),
            Ok(r) if leaks(&r) => Err("the key was printed".into()),
            Ok(r) => {
                let lines: Result<Vec<Value>, _> =
                    r.out.lines().map(serde_json::from_str::<Value>).collect();
                match lines {
                    Err(e) => Err(format!("a line is not JSON ({e}): {}", r.out)),
                    Ok(lines) => {
                        let text: String = lines
                            .iter()
                            .flat_map(|l| {
                                l["data"]["choices"].as_array().cloned().unwrap_or_default()
                            })
                            .filter_map(|c| c["delta"]["content"].as_str().map(str::to_string))
                            .collect();
                        let events = lines.iter().all(|l| l["event"] == "message");
                        let head = r.err.lines().any(|l| {
                            l.to_ascii_lowercase()
                                .starts_with("content-type: text/event-stream")
                        });
                        if text == answer && events && lines.len() > 1 && head {
                            Ok(format!("{} events, {text:?}", lines.len()))
                        } else {
                            Err(format!(
                                "{} lines, text {text:?}, stderr {:?}",
                                lines.len(),
                                r.err
                            ))
                        }
                    }
                }
            }
        },
    );

    // 2. Not streamed: the JSON whole, pretty.
    let body = json!({"model": "fake-gpt", "messages": messages}).to_string();
    report(
        "chat completion, whole: its JSON",
        match run(&["create-chat-completion", "--body", &body]) {
            Err(e) => Err(format!("did not run: {e}")),
            Ok(r) if r.code != 0 => Err(format!("exit {}: {}", r.code, r.err)),
            Ok(r) => match serde_json::from_str::<Value>(&r.out) {
                Ok(v)
                    if v["choices"][0]["message"]["content"] == answer
                        && r.out.lines().count() > 1 =>
                {
                    Ok(format!("{} lines of JSON", r.out.lines().count()))
                }
                _ => Err(format!("printed {:?}", r.out)),
            },
        },
    );

    // 3. An error response: exit 1, status and raw body on stderr.
    let body = json!({"model": "no-such-model", "messages": messages, "stream": true}).to_string();
    report(
        "an unknown model: exit 1 with the status",
        match run(&["create-chat-completion", "--body", &body]) {
            Err(e) => Err(format!("did not run: {e}")),
            Ok(r) if leaks(&r) => Err("the key was printed".into()),
            Ok(r)
                if r.code == 1
                    && r.out.is_empty()
                    && r.err.starts_with("error: the server answered 4") =>
            {
                Ok(r.err.lines().next().unwrap_or_default().to_string())
            }
            Ok(r) => Err(format!(
                "exit {}, stdout {:?}, stderr {:?}",
                r.code, r.out, r.err
            )),
        },
    );

    // 4. A body that does not match the request type: refused locally.
    report(
        "a bad --body: exit 2, nothing sent",
        match run(&[
            "create-chat-completion",
            "--body",
            r#"{"model": "fake-gpt", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"#,
        ]) {
            Err(e) => Err(format!("did not run: {e}")),
            Ok(r) if r.code == 2 && r.err.contains("at `temperature`") => {
                Ok(r.err.lines().next().unwrap_or_default().to_string())
            }
            Ok(r) => Err(format!("exit {}, stderr {:?}", r.code, r.err)),
        },
    );
    failed
}
