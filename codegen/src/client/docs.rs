//! The rustdoc of an operation's method: summary, description, parameters,
//! errors, and a usage example that compiles.

use super::ClientEmitter;
use crate::docs;
use crate::names::ident_text;
use crate::operations::{Decode, Operation, Param, StatusMatch, Undocumented2xx};
use crate::types::Ty;

impl ClientEmitter<'_> {
    pub(super) fn method_doc(&self, op: &Operation) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(s) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            lines.extend(docs::markdown(s));
        } else {
            lines.push(format!("Calls `{}`.", op.id));
        }
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            lines.push(String::new());
            lines.extend(docs::markdown(d));
        }
        lines.push(String::new());
        lines.push(format!(
            "`{} {}` (operation `{}`)",
            op.http_method.as_str(),
            op.template.text,
            op.id
        ));
        if op.deprecated {
            lines.push(String::new());
            lines.push("**Deprecated** in the API description.".into());
        }
        let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
        let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
        if !op.params.is_empty() || op.body.is_some() {
            lines.push(String::new());
            lines.push("# Parameters".into());
            lines.push(String::new());
            for p in required.iter().chain(&optional) {
                lines.push(param_line(p));
            }
            if let Some(b) = &op.body {
                let how = if b.required {
                    "required".to_string()
                } else {
                    format!("optional, set with `.{}(…)`", ident_text(&b.name))
                };
                lines.push(format!(
                    "- `{}` (request body, `{}`, {how})",
                    ident_text(&b.name),
                    b.content_type
                ));
            }
        }
        lines.push(String::new());
        lines.push("# Errors".into());
        lines.push(String::new());
        for c in op.errors() {
            let otherwise = if c.status == StatusMatch::Default
                && matches!(c.decode, Decode::Json(_))
            {
                "; a body that is not its type: [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus)"
            } else {
                ""
            };
            lines.push(format!(
                "- {}: [`{}::{}`] in [`Error::Api`](crate::Error::Api){otherwise}",
                status_text(c.status),
                self.error_enum_name(op),
                ident_text(&c.variant)
            ));
        }
        match op.undocumented_2xx() {
            Undocumented2xx::Covered => {}
            Undocumented2xx::AsSuccess(_) => lines.push(
                "- an undocumented 2xx status: decoded as the success type (its status kept in \
                 the `ResponseValue`), or [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus) \
                 when the body is not that type"
                    .into(),
            ),
            Undocumented2xx::Unexpected => lines.push(
                "- an undocumented 2xx status: [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus)"
                    .into(),
            ),
        }
        if !op.has_default() {
            lines.push(
                "- any other status: [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus)"
                    .into(),
            );
        }
        lines.push(
            "- a body that does not decode: [`Error::Decode`](crate::Error::Decode); no response: [`Error::Transport`](crate::Error::Transport)"
                .into(),
        );
        lines.push(String::new());
        lines.push("# Example".into());
        lines.push(String::new());
        lines.extend(self.example(op, &required));
        lines
    }

    /// A compiling usage example: hidden lines give typed values for arguments
    /// that have no literal example.
    fn example(&self, op: &Operation, required: &[&Param]) -> Vec<String> {
        let krate = self.settings.crate_ident;
        let mut hidden_args = vec![format!("client: &{krate}::Client")];
        let mut call_args = Vec::new();
        for p in required {
            match (&p.example, self.space.unalias(&p.ty)) {
                (Some(serde_json::Value::String(s)), Ty::String) => {
                    call_args.push(format!("{s:?}"))
                }
                (_, Ty::String) => call_args.push(format!("{:?}", p.wire)),
                _ => {
                    let t = rust_type_text(&self.types.ty_outside(&p.ty), krate);
                    hidden_args.push(format!("{}: {t}", ident_text(&p.name)));
                    call_args.push(ident_text(&p.name));
                }
            }
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            let t = rust_type_text(&self.body_type(b), krate);
            hidden_args.push(format!("{}: {t}", ident_text(&b.name)));
            call_args.push(ident_text(&b.name));
        }
        vec![
            "```no_run".into(),
            format!(
                "# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{",
                hidden_args.join(", ")
            ),
            format!(
                "let response = client.{}({}).send().await?;",
                ident_text(&op.method_name),
                call_args.join(", ")
            ),
            "println!(\"{} {:?}\", response.status(), response.headers());".into(),
            "# Ok(())".into(),
            "# }".into(),
            "```".into(),
        ]
    }
}

/// One line per parameter: how it is passed, and the first paragraph of its
/// description (the setter's own docs carry the rest).
fn param_line(p: &Param) -> String {
    let how = if p.required {
        "required".to_string()
    } else {
        format!("optional, set with `.{}(…)`", ident_text(&p.name))
    };
    let mut text = format!(
        "- `{}` ({} `{}`, {how})",
        ident_text(&p.name),
        p.location.as_str(),
        p.wire
    );
    let first: Vec<String> = p
        .description
        .as_deref()
        .map(docs::markdown)
        .unwrap_or_default()
        .into_iter()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("```") && !l.starts_with("~~~"))
        .map(|l| l.trim().to_string())
        .collect();
    if !first.is_empty() {
        text.push_str(": ");
        text.push_str(&first.join(" "));
    }
    if let Some(e) = &p.example {
        let compact = serde_json::to_string(e).unwrap_or_default();
        if compact.len() <= 60 && !compact.contains('`') {
            text.push_str(&format!(" (example: `{compact}`)"));
        }
    }
    text
}

/// Type text usable in a doctest (paths from the crate root): a path that starts
/// at `types` or `runtime` (the generated modules' names for them) starts at the
/// crate instead, whose name may hold those words.
fn rust_type_text(tokens: &proc_macro2::TokenStream, krate: &str) -> String {
    let mut text = String::new();
    let mut previous = "";
    let tokens = tokens.to_string();
    for word in tokens.split_whitespace() {
        match word {
            "types" if previous != "::" => {
                text.push_str(krate);
                text.push_str("::types");
            }
            "runtime" if previous != "::" => text.push_str(krate),
            _ => text.push_str(word),
        }
        previous = word;
    }
    text.replace(",", ", ")
}

pub(super) fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Default => "any other status (`default`)".into(),
        other => format!("`{}`", other.label()),
    }
}
