//! The crate feature `cli`'s part of an operation: its entry in the program's
//! table (name, tag, summary, documentation as plain text, an example, a flag per
//! parameter and body member, the documented errors) and one small function that
//! reads the flags into the client's request and starts the call. Parsing,
//! reading `--body`, printing and exit codes are the runtime's (`runtime/src/cli.rs`).

use super::ClientEmitter;
use crate::commands::{Command, Flag, FlagKind};
use crate::docs;
use crate::features::Gate;
use crate::names::ident;
use crate::operations::{BodyKind, Operation, Param};
use crate::pieces::{List, ListKind, Part, Pieced};
use crate::types::IntKind;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::ops::Range;

/// Help text is wrapped at this width (clap prints it as it is).
const WIDTH: usize = 80;

impl ClientEmitter<'_> {
    /// The command of operation `index`: its table entry (its flags a list printed
    /// in pieces when long: one per body member) and its function.
    pub(super) fn command(&self, index: usize, gate: &Gate) -> Vec<Part<'_>> {
        let Some(command) = self.commands.and_then(|c| c.of_operation.get(index)) else {
            return Vec::new();
        };
        let op = &self.built.operations[index];
        let cfg = &gate.cfg;
        let run = ident(&op.method_name);
        let method = ident(&op.method_name);

        let mut args = Vec::new();
        let mut sets = TokenStream::new();
        for (p, flag) in op.params.iter().zip(&command.params) {
            let t = self.ty(&p.ty);
            let name = &flag.name;
            if p.required {
                args.push(quote!(inv.required::<#t>(#name)?));
            } else {
                let setter = ident(&p.name);
                sets.extend(quote! {
                    if let Some(value) = inv.optional::<#t>(#name)? {
                        request = request.#setter(value);
                    }
                });
            }
        }
        if let Some(b) = &op.body {
            let t = self.body_type(b);
            let read = match (b.kind, b.required) {
                (BodyKind::Text, true) => quote!(inv.text_body()?),
                (BodyKind::Text, false) => quote!(inv.optional_text_body()?),
                (BodyKind::Bytes, true) => quote!(inv.bytes_body()?),
                (BodyKind::Bytes, false) => quote!(inv.optional_bytes_body()?),
                (_, true) => quote!(inv.body::<#t>()?),
                (_, false) => quote!(inv.optional_body::<#t>()?),
            };
            if b.required {
                args.push(read);
            } else {
                let setter = ident(&b.name);
                sets.extend(quote! {
                    if let Some(value) = #read {
                        request = request.#setter(value);
                    }
                });
            }
        }
        let binding = if sets.is_empty() {
            quote!(let request)
        } else {
            quote!(let mut request)
        };
        let call = if op.pagination.is_some() {
            quote! {
                if inv.all() {
                    inv.lines(request.stream())
                } else {
                    inv.send(request)
                }
            }
        } else {
            quote!(inv.send(request))
        };

        let flags = List::new(
            ListKind::Commas,
            command.params.len() + command.members.len(),
            move |r: Range<usize>| self.command_flags(index, r),
        );
        let entry = Pieced::new(vec![flags], move |slots| {
            self.command_entry(index, &slots[0])
        });
        let function = quote! {
            #cfg
            fn #run<'a>(client: &'a Client, inv: &'a runtime::Invocation) -> Result<runtime::Pending<'a>, runtime::UsageError> {
                #binding = client.#method(#(#args),*);
                #sets
                Ok(#call)
            }
        };
        vec![Part::Pieced(entry), Part::Tokens(function)]
    }

    /// The flags `range` of the command of operation `index`: its parameters', then
    /// its body members'.
    fn command_flags(&self, index: usize, range: Range<usize>) -> TokenStream {
        let Some(command) = self.commands.and_then(|c| c.of_operation.get(index)) else {
            return TokenStream::new();
        };
        let op = &self.built.operations[index];
        let params = command.params.len();
        let mut out = TokenStream::new();
        for i in range {
            let flag = if i < params {
                let (p, f) = (&op.params[i], &command.params[i]);
                flag_spec(f, &param_help(p), p.required, None)
            } else {
                let m = &command.members[i - params];
                let mut help = first_sentence(m.field.doc.description.as_deref());
                if help.is_empty() {
                    help = format!("Sets the body member `{}`", m.field.wire);
                }
                flag_spec(&m.flag, &help, false, Some(&m.field.wire))
            };
            out.extend(quote!(#flag,));
        }
        out
    }

    /// The table entry of the command of operation `index`, with these flags.
    fn command_entry(&self, index: usize, flags: &TokenStream) -> TokenStream {
        let Some(command) = self.commands.and_then(|c| c.of_operation.get(index)) else {
            return TokenStream::new();
        };
        let op = &self.built.operations[index];
        let cfg = self.gate(index).cfg;
        let run = ident(&op.method_name);
        let entry = command_const(op);
        let name = &command.name;
        let group = op.tags.first().map(String::as_str).unwrap_or_default();
        let summary = self.command_summary(op);
        let about = self.command_about(op);
        let example = format!("Example:\n  {}", self.command_example(op, command));
        let body = match &op.body {
            None => quote!(None),
            Some(b) => {
                let (input, help) = match b.kind {
                    BodyKind::Text => (
                        quote!(Text),
                        format!(
                            "The request body (`{}`), sent as it is: the text, @FILE to read a file, or - for stdin",
                            b.content_type
                        ),
                    ),
                    BodyKind::Bytes => (
                        quote!(Bytes),
                        format!(
                            "The request body (`{}`), sent as it is: the text, @FILE to read a file, or - for stdin",
                            b.content_type
                        ),
                    ),
                    _ => {
                        let ty = self
                            .ty(&b.ty)
                            .to_string()
                            .replace(' ', "")
                            .replace("types::", "");
                        let members = if command.members.is_empty() {
                            ""
                        } else {
                            "; the body member flags set members on it"
                        };
                        (
                            quote!(Json),
                            format!(
                                "The request body as JSON (sent as `{}`): inline, @FILE to read a file, or - for stdin; checked against `{ty}` before sending{members}",
                                b.content_type
                            ),
                        )
                    }
                };
                let required = b.required;
                quote! {
                    Some(runtime::BodySpec {
                        required: #required,
                        input: runtime::BodyInput::#input,
                        help: #help,
                    })
                }
            }
        };
        let pages = op.pagination.is_some();
        let errors = op.responses.iter().filter(|c| !c.success).map(|c| {
            let label = c.status.label();
            let variant = crate::names::ident_text(&c.variant);
            quote!((#label, #variant))
        });
        quote! {
            #cfg
            const #entry: runtime::CommandSpec<Client> = runtime::CommandSpec {
                name: #name,
                group: #group,
                summary: #summary,
                about: #about,
                example: #example,
                flags: &[#flags],
                body: #body,
                pages: #pages,
                errors: &[#(#errors),*],
                run: #run,
            };

        }
    }

    /// `src/cli/mod.rs`: the program's description, its `main`, and how it makes
    /// a client; `modules` are the command modules with their `#[cfg]`.
    pub fn emit_program(&self, modules: &[(String, TokenStream)]) -> TokenStream {
        let name = self.settings.crate_name;
        let about = format!(
            "A command-line client for the {} {}, generated from its OpenAPI description.",
            self.settings.title.trim(),
            self.settings.api_version.trim()
        );
        let vars = self.environment();
        let env_base = &vars[0].name;
        let base_url_help = match &self.settings.default_server {
            Some(url) => format!("The API's base URL [default: ${env_base}, or else {url}]"),
            None => format!("The API's base URL [default: ${env_base}; one of them is needed]"),
        };
        let width = vars.iter().map(|v| v.name.len()).max().unwrap_or(0);
        let environment = vars
            .iter()
            .map(|v| format!("  {:width$}  {}", v.name, v.purpose))
            .collect::<Vec<_>>()
            .join("\n");
        let mods = modules.iter().map(|(m, cfg)| {
            let m = ident(m);
            quote!(#cfg mod #m;)
        });
        let lists = modules.iter().map(|(m, cfg)| {
            let m = ident(m);
            quote!(#cfg #m::COMMANDS)
        });
        let doc = [
            format!("The command-line program `{name}` (crate feature `cli`): one subcommand per"),
            "operation, named as the [`Client`] method in kebab case, with a flag per parameter."
                .to_string(),
            String::new(),
            format!(
                "`cargo install --path <this crate> --features cli` installs it; `{name} --help`"
            ),
            "lists the commands. Credentials and the base URL come from the environment, as"
                .to_string(),
            "for [`Client::from_env`].".to_string(),
        ]
        .into_iter()
        .map(|l| {
            let l = if l.is_empty() { l } else { format!(" {l}") };
            quote!(#![doc = #l])
        });
        quote! {
            #(#doc)*

            use super::client::{Client, ClientBuilder};
            use super::runtime;
            #[allow(unused_imports)]
            use super::types;

            #(#mods)*

            const PROGRAM: runtime::ProgramSpec = runtime::ProgramSpec {
                name: #name,
                about: #about,
                version: env!("CARGO_PKG_VERSION"),
                base_url_help: #base_url_help,
                environment: #environment,
            };

            /// Runs the program with the process's arguments and environment (the
            /// binary's `main`), and returns its exit status: 0 on success, 1 for an
            /// error response, 2 for a usage or configuration error, 3 when no
            /// response arrived.
            pub fn main() -> std::process::ExitCode {
                runtime::run_program(&PROGRAM, &[#(#lists),*], connect)
            }

            /// A client configured from the environment as [`Client::from_env`]
            /// configures it, with the flags' overrides.
            fn connect(connection: runtime::Connection) -> Result<Client, runtime::ConfigError> {
                let mut builder = ClientBuilder::from_env()?;
                if let Some(url) = connection.base_url {
                    builder = builder.base_url(url);
                }
                if let Some(timeout) = connection.timeout {
                    builder = builder.timeout(timeout);
                }
                builder.build()
            }
        }
    }

    /// The command list of a module of commands: each command's entry, under
    /// the features of its operation.
    pub fn command_list(&self, indices: &[usize]) -> TokenStream {
        let entries = indices.iter().map(|&i| {
            let cfg = self.gate(i).cfg;
            let entry = command_const(&self.built.operations[i]);
            quote!(#cfg #entry)
        });
        quote! {
            /// The commands of this module, in the order of the API description.
            pub(super) const COMMANDS: &[runtime::CommandSpec<Client>] = &[#(#entries),*];
        }
    }

    /// One line for the list of commands.
    fn command_summary(&self, op: &Operation) -> String {
        let from = op
            .summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .or(op.description.as_deref())
            .unwrap_or_default();
        let line = first_sentence(Some(from));
        if line.is_empty() {
            format!("Calls `{}`", op.id)
        } else {
            line
        }
    }

    /// The operation's documentation as plain text: what its method's rustdoc says
    /// before the parameters, and which errors it documents.
    fn command_about(&self, op: &Operation) -> String {
        let mut lines = Vec::new();
        let summary = op.summary.as_deref().filter(|s| !s.trim().is_empty());
        match summary {
            Some(s) => lines.extend(docs::plain(s, WIDTH)),
            None => lines.push(format!("Calls `{}`.", op.id)),
        }
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            lines.push(String::new());
            lines.extend(docs::plain(d, WIDTH));
        }
        lines.push(String::new());
        lines.push(format!(
            "{} {} (operation `{}`)",
            op.http_method.as_str(),
            op.path,
            op.id
        ));
        if op.deprecated {
            lines.push("Deprecated in the API description.".into());
        }
        let errors: Vec<String> = op
            .responses
            .iter()
            .filter(|c| !c.success)
            .map(|c| match c.status {
                crate::operations::StatusMatch::Default => {
                    format!(
                        "any other status (`{}`)",
                        crate::names::ident_text(&c.variant)
                    )
                }
                s => format!("{} (`{}`)", s.label(), crate::names::ident_text(&c.variant)),
            })
            .collect();
        if !errors.is_empty() {
            lines.push(format!("Documented errors: {}.", errors.join(", ")));
        }
        lines.join("\n")
    }

    /// A command line calling the operation: its required flags with the
    /// document's examples where it has them.
    fn command_example(&self, op: &Operation, command: &Command) -> String {
        let mut words = vec![self.settings.crate_name.to_string(), command.name.clone()];
        for (p, f) in op.params.iter().zip(&command.params) {
            if p.required {
                words.extend(example_words(f, p.example.as_ref()));
            }
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            let required: Vec<_> = command
                .members
                .iter()
                .filter(|m| m.field.required)
                .collect();
            let by_members = matches!(
                b.kind,
                BodyKind::Json | BodyKind::Form | BodyKind::Multipart
            ) && !required.is_empty()
                && self.every_required_member_has_a_flag(b, command);
            if by_members {
                for m in required {
                    words.extend(example_words(&m.flag, m.field.doc.example.as_ref()));
                }
            } else {
                let file = match b.kind {
                    BodyKind::Text => "@body.txt",
                    BodyKind::Bytes => "@body.bin",
                    _ => "@body.json",
                };
                words.extend(["--body".to_string(), file.to_string()]);
            }
        }
        words.join(" ")
    }

    fn every_required_member_has_a_flag(
        &self,
        b: &crate::operations::Body,
        command: &Command,
    ) -> bool {
        use crate::types::{Ty, TypeKind};
        let Ty::Named(id) = self.space.unalias(&b.ty) else {
            return false;
        };
        let TypeKind::Struct(s) = &self.space.get(*id).kind else {
            return false;
        };
        s.fields
            .iter()
            .filter(|f| f.required)
            .all(|f| command.members.iter().any(|m| m.field.wire == f.wire))
    }
}

/// The table entry's constant: `GET_PORT_COMMAND` (method names are unique, and
/// no such name can be the module's `COMMANDS`).
fn command_const(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}_COMMAND", op.method_name.to_ascii_uppercase())
}

fn flag_spec(f: &Flag, help: &str, required: bool, member: Option<&str>) -> TokenStream {
    let name = &f.name;
    let value_name = match &f.kind {
        FlagKind::Integer(_) => "INTEGER".to_string(),
        FlagKind::Number => "NUMBER".to_string(),
        FlagKind::Boolean => "BOOL".to_string(),
        FlagKind::Json => "JSON".to_string(),
        _ => f.name.to_ascii_uppercase().replace('-', "_"),
    };
    let kind = match &f.kind {
        FlagKind::Text => quote!(Text),
        FlagKind::Integer(k) => {
            let (min, max) = bounds(*k);
            quote!(Integer { min: #min, max: #max })
        }
        FlagKind::Number => quote!(Number),
        FlagKind::Boolean => quote!(Boolean),
        FlagKind::Choice { values, quoted } => {
            quote!(Choice { values: &[#(#values),*], quoted: #quoted })
        }
        FlagKind::Json => quote!(Json),
        FlagKind::Any => quote!(Any),
    };
    let multiple = f.multiple;
    let member = match member {
        Some(m) => quote!(Some(#m)),
        None => quote!(None),
    };
    quote! {
        runtime::FlagSpec {
            name: #name,
            value_name: #value_name,
            help: #help,
            kind: runtime::FlagKind::#kind,
            required: #required,
            multiple: #multiple,
            member: #member,
        }
    }
}

/// An integer kind's bounds as `i128` constants.
fn bounds(k: IntKind) -> (TokenStream, TokenStream) {
    if k == IntKind::I128 {
        return (quote!(i128::MIN), quote!(i128::MAX));
    }
    let t = k.tokens();
    (quote!(#t::MIN as i128), quote!(#t::MAX as i128))
}

/// A parameter's help: the first sentence of its description, and its example.
fn param_help(p: &Param) -> String {
    let mut help = first_sentence(p.description.as_deref());
    if help.is_empty() {
        help = format!("The {} parameter `{}`", p.location.as_str(), p.wire);
    }
    if p.deprecated {
        help = format!("(deprecated) {help}");
    }
    if let Some(e) = &p.example {
        let text = match e {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if text.len() <= 40 {
            help = format!("{} (example: {text})", help.trim_end());
        }
    }
    help.trim().to_string()
}

/// The first sentence of the first paragraph, as plain text on one line.
fn first_sentence(text: Option<&str>) -> String {
    let lines = docs::plain(text.unwrap_or_default(), usize::MAX);
    let para: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let para = para.join(" ");
    let end = para
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !para[..i].ends_with("e.g") && !para[..i].ends_with("i.e"));
    let sentence = match end {
        Some(i) => &para[..i],
        None => para.trim_end_matches('.'),
    };
    sentence.trim().to_string()
}

/// `--flag value` (repeated for each item of an array example), with a
/// placeholder when the document has no example.
fn example_words(f: &Flag, example: Option<&serde_json::Value>) -> Vec<String> {
    let flag = format!("--{}", f.name);
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let values: Vec<String> = match (example, &f.kind) {
        (Some(serde_json::Value::Array(items)), _) if f.multiple => {
            items.iter().map(text).collect()
        }
        (Some(v), _) => vec![text(v)],
        (None, FlagKind::Choice { values, .. }) => values.first().cloned().into_iter().collect(),
        (None, _) => vec![format!("<{}>", f.name)],
    };
    values
        .into_iter()
        .flat_map(|v| [flag.clone(), shell_word(&v)])
        .collect()
}

/// A word as a POSIX shell reads it back: quoted unless it is plain.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,<>".contains(c))
        && word.starts_with('<') == word.ends_with('>');
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed_command(paths: serde_json::Value) -> String {
        printed_command_both(paths).0
    }

    /// The command printed whole, and printed in pieces.
    fn printed_command_both(paths: serde_json::Value) -> (String, String) {
        let r = crate::test_support::resolve(serde_json::json!({}), paths);
        let types = crate::types::TypeEmitter::new(&r.space);
        let commands = crate::commands::Commands::of(&r.space, &r.operations);
        let settings = super::super::ClientSettings {
            crate_ident: "t",
            crate_name: "t",
            env_prefix: "T",
            title: "T",
            api_version: "1",
            default_server: None,
            tls: false,
        };
        let emitter =
            ClientEmitter::new(&r.space, &types, &r.operations, settings).with_commands(&commands);
        (
            crate::output::format_chunk(emitter.emit_commands(&[0]), "test").unwrap(),
            crate::pieces::format_parts(emitter.emit_command_parts(&[0]), "test").unwrap(),
        )
    }

    /// A body of more members than a piece holds: a flag each, printed in pieces
    /// as they print whole.
    #[test]
    fn the_flags_of_a_wide_body_print_in_pieces_as_they_print_whole() {
        let n = crate::pieces::PIECE_LEN * 2 + 3;
        let properties: serde_json::Map<String, serde_json::Value> = (0..n)
            .map(|i| {
                let schema = match i % 3 {
                    0 => serde_json::json!({"type": "string", "description": "A member. More."}),
                    1 => serde_json::json!({"type": "integer", "format": "int32"}),
                    _ => serde_json::json!({"type": "array", "items": {"type": "boolean"}}),
                };
                (format!("m{i}"), schema)
            })
            .collect();
        let (whole, pieced) = printed_command_both(serde_json::json!({"/w": {"post": {
            "operationId": "wide",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": properties}}}},
            "responses": {"204": {"description": "ok"}}
        }}}));
        assert!(whole.matches("runtime::FlagSpec {").count() > n, "{whole}");
        assert_eq!(pieced, whole);
    }

    #[test]
    fn a_command_reads_its_flags_into_the_request_and_pages_with_all() {
        let text = printed_command(serde_json::json!({"/items/{id}": {"put": {
            "operationId": "putItem",
            "summary": "Put an item. More.",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int32"}},
                {"name": "skip", "in": "query", "schema": {"type": "integer"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ],
            "x-pagination": {"offset": "skip", "limit": "limit"},
            "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}},
                          "404": {"description": "gone"}}
        }}}));
        for needle in [
            "let mut request = client.put_item(inv.required::<i32>(\"id\")?, inv.text_body()?);",
            "if let Some(value) = inv.optional::<i64>(\"skip\")? {",
            "request = request.skip(value);",
            "inv.lines(request.stream())",
            "summary: \"Put an item\",",
            "kind: runtime::FlagKind::Integer {\n                min: i32::MIN as i128,",
            "errors: &[(\"404\", \"NotFound\")],",
            "example: \"Example:\\n  t put-item --id <id> --body @body.txt\",",
            "pages: true,",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
    }

    #[test]
    fn examples_are_shell_words() {
        assert_eq!(shell_word("acme"), "acme");
        assert_eq!(shell_word("<company-name>"), "<company-name>");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word(r#"{"a":"it's"}"#), r#"'{"a":"it'\''s"}'"#);
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn summaries_are_one_sentence() {
        assert_eq!(first_sentence(Some("Get a port. More text.")), "Get a port");
        assert_eq!(
            first_sentence(Some("Lists **all** ports, e.g. yours.\n\nSecond.")),
            "Lists all ports, e.g. yours"
        );
        assert_eq!(first_sentence(None), "");
    }
}
