//! The crate feature `cli`'s part of an operation: its entry in the program's
//! table (name, tag, summary, documentation as plain text, an example, a flag per
//! parameter and body member, the documented errors) and one small function that
//! reads the flags into the client's request and starts the call. Parsing,
//! reading `--body`, printing and exit codes are the runtime's (`runtime/src/cli.rs`).

use super::ClientEmitter;
use super::cli_text::{example_words, first_sentence, flag_spec, param_help};
use crate::commands::{Command, Reading};
use crate::docs;
use crate::features::Gate;
use crate::names::ident;
use crate::operations::{BodyKind, EventData, Operation};
use crate::pieces::{List, ListKind, Part, Pieced};
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
        let send = match &command.reading {
            Reading::Whole => quote!(inv.send(request)),
            Reading::Streamed { accept, events, .. } => {
                let check = match events {
                    Some(EventData::Json(t)) => {
                        let t = self.ty(t);
                        quote!(Some(runtime::check_event::<#t>))
                    }
                    Some(EventData::Text) | None => quote!(None),
                };
                quote!(inv.stream(request, #accept, #check))
            }
        };
        let call = if op.pagination.is_some() {
            quote! {
                if inv.all() {
                    inv.lines(request.stream())
                } else {
                    #send
                }
            }
        } else {
            send
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
        let ask_events = matches!(
            command.reading,
            Reading::Streamed {
                ask_events: true,
                ..
            }
        );
        let name = &command.name;
        let group = op.tags.first().map(String::as_str).unwrap_or_default();
        let summary = self.command_summary(op);
        let about = self.command_about(op, &command.reading);
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
        let errors = op.errors().map(|c| {
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
                ask_events: #ask_events,
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
        let mut vars = self.environment();
        let env_base = vars[0].name.clone();
        let flows = self.client_credentials_env();
        for f in &flows {
            vars.push(super::config::EnvVar {
                name: f.id.clone(),
                purpose: format!(
                    "an OAuth 2 client id for `{}`: the program gets tokens with it",
                    f.scheme
                ),
            });
            vars.push(super::config::EnvVar {
                name: f.secret.clone(),
                purpose: "its client secret".to_string(),
            });
            vars.push(super::config::EnvVar {
                name: f.scopes.clone(),
                purpose: "the scopes to ask for, separated by spaces (optional)".to_string(),
            });
        }
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
        let connect_builder = if flows.is_empty() {
            quote!(let mut builder = ClientBuilder::from_env()?;)
        } else {
            let reads = flows.iter().enumerate().map(|(i, f)| {
                let v = format_ident!("flow{i}");
                let (id, secret, scopes) = (&f.id, &f.secret, &f.scopes);
                quote!(let #v = runtime::client_credentials_from_env(#id, #secret, #scopes)?;)
            });
            let given = (0..flows.len()).map(|i| {
                let v = format_ident!("flow{i}");
                quote!(#v.is_some())
            });
            let sets = flows.iter().enumerate().map(|(i, f)| {
                let v = format_ident!("flow{i}");
                let setter = ident(&f.setter);
                quote! {
                    if let Some((id, secret, scopes)) = #v {
                        builder = builder.#setter(id, secret, scopes);
                    }
                }
            });
            let alternatives = flows
                .iter()
                .map(|f| format!("{} and {}", f.id, f.secret))
                .collect::<Vec<_>>()
                .join(" or ");
            let hint = format!(", or {alternatives} for OAuth 2 client credentials");
            quote! {
                #(#reads)*
                let mut builder = match ClientBuilder::from_env() {
                    Ok(builder) => builder,
                    // Client credentials are a credential too.
                    Err(_) if #(#given)||* => match std::env::var(#env_base) {
                        Ok(url) => Client::builder().base_url(url),
                        Err(_) => Client::builder(),
                    },
                    Err(e) => return Err(runtime::ConfigError(format!("{e}{}", #hint))),
                };
                #(#sets)*
            }
        };
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
                #connect_builder
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

    /// The environment variables of each OAuth 2 client credentials flow
    /// (`<PREFIX>_<SCHEME>_CLIENT_ID`, `_CLIENT_SECRET`, `_SCOPES`).
    fn client_credentials_env(&self) -> Vec<FlowEnv> {
        self.built
            .schemes
            .iter()
            .filter_map(|s| {
                let flow = s.client_credentials.as_ref()?;
                let var = format!(
                    "{}_{}",
                    self.settings.env_prefix,
                    s.field.to_ascii_uppercase()
                );
                Some(FlowEnv {
                    scheme: s.name.clone(),
                    setter: flow.setter.clone(),
                    id: format!("{var}_CLIENT_ID"),
                    secret: format!("{var}_CLIENT_SECRET"),
                    scopes: format!("{var}_SCOPES"),
                })
            })
            .collect()
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
    fn command_about(&self, op: &Operation, reading: &Reading) -> String {
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
            op.template.text,
            op.id
        ));
        if op.deprecated {
            lines.push("Deprecated in the API description.".into());
        }
        let errors: Vec<String> = op
            .errors()
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
        if let Reading::Streamed {
            accept,
            events,
            ask_events,
        } = reading
        {
            let events_text = "each event is printed as a line of JSON as it arrives";
            let whole = if accept == "application/json" {
                "JSON, printed whole".to_string()
            } else {
                format!("`{accept}`, written to stdout as it arrives, never held whole")
            };
            let text = match (events.is_some(), *ask_events) {
                (true, false) => format!("The response is an event stream: {events_text}."),
                (true, true) => format!(
                    "The response is {whole}; with --events the command asks for an event stream instead, and {events_text} (as it is whenever the server answers with one)."
                ),
                (false, _) => format!("The response is {whole}."),
            };
            lines.push(String::new());
            lines.extend(docs::plain(&text, WIDTH));
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

/// Where the program reads a client credentials flow's id, secret and scopes.
struct FlowEnv {
    scheme: String,
    setter: String,
    id: String,
    secret: String,
    scopes: String,
}

/// The table entry's constant: `GET_PORT_COMMAND` (method names are unique, and
/// no such name can be the module's `COMMANDS`).
fn command_const(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}_COMMAND", op.method_name.to_ascii_uppercase())
}

#[cfg(test)]
mod tests;
