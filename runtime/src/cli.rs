//! The command-line program of a generated crate (crate feature `cli`).
//!
//! The generated code describes the operations as data, one [`CommandSpec`] per
//! operation with a [`FlagSpec`] per parameter, plus one small function per
//! operation that reads its flags into the client's request builder. Everything
//! else is here, compiled once: the argument parser (clap's, built at run time
//! from the table), reading `--body`, printing responses exactly as the server
//! sent them, and the exit codes.
//!
//! Exit codes: 0 on success, 1 when the server answered with an error (or a
//! response the API description does not allow), 2 for a usage error (a bad
//! flag, a body that does not match its type, a bad configuration, a credential
//! the token endpoint refused), 3 when no response arrived (connection failure,
//! timeout, a stream that broke off, a token endpoint out of reach).

use super::auth::CredentialError;
use super::error::{ConfigError, Error, OperationInfo, RequestError};
use super::request::{Operation, Request, RequestParts};
use super::response::{DecodeError, RawResponse, decode_json};
use super::retry::RequestOptions;
use super::transport::{Call, Core};
use std::ffi::OsString;
use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;
use std::time::Duration;

/// The call succeeded.
pub const EXIT_OK: u8 = 0;
/// The server answered with an error status, or with a body the API description
/// does not allow.
pub const EXIT_API: u8 = 1;
/// The command line, a body or the configuration is wrong; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// No response: the connection failed or the call timed out.
pub const EXIT_TRANSPORT: u8 = 3;

/// What the program says about itself.
#[derive(Debug)]
pub struct ProgramSpec {
    /// The binary's name (`consoleconnect`).
    pub name: &'static str,
    pub about: &'static str,
    pub version: &'static str,
    /// Help of `--base-url`: where the default comes from.
    pub base_url_help: &'static str,
    /// The environment variables the program reads, one `NAME  purpose` per line.
    pub environment: &'static str,
}

/// One subcommand: an operation of the API.
pub struct CommandSpec<C: 'static> {
    /// The `Client` method's name in kebab case (`get-port`).
    pub name: &'static str,
    /// The heading it is listed under in `--help` (the operation's first tag).
    pub group: &'static str,
    /// One line for the list of commands.
    pub summary: &'static str,
    /// The operation's documentation as plain text (`--help`).
    pub about: &'static str,
    /// An example invocation, shown after the flags in `--help`.
    pub example: &'static str,
    pub flags: &'static [FlagSpec],
    pub body: Option<BodySpec>,
    /// The operation pages through results: it has `--all`.
    pub pages: bool,
    /// The success comes whole (JSON, binary) unless `--events` asks for its
    /// event stream (an operation that offers both).
    pub ask_events: bool,
    /// The documented error statuses (`404`, `4XX`, `default`) and their variant names.
    pub errors: &'static [(&'static str, &'static str)],
    /// Reads the flags into the operation's request and starts the call.
    pub run: Dispatch<C>,
}

impl<C> std::fmt::Debug for CommandSpec<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("flags", &self.flags)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

/// The generated function of one operation: builds its request from the flags.
pub type Dispatch<C> = for<'a> fn(&'a C, &'a Invocation) -> Result<Pending<'a>, UsageError>;

/// How an operation puts its parameters on a request.
type WriteParts<'a> = dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync + 'a;

/// A call under way; it prints what it gets and resolves to the exit code.
pub type Pending<'a> = Pin<Box<dyn Future<Output = u8> + 'a>>;

/// A flag: a parameter of the operation, or a top-level member of its body.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    /// Without the leading `--` (`company-name`).
    pub name: &'static str,
    /// Shown in help as `--name <VALUE_NAME>`.
    pub value_name: &'static str,
    pub help: &'static str,
    pub kind: FlagKind,
    /// The argument parser insists on it.
    pub required: bool,
    /// An array: the flag is repeated, once per item.
    pub multiple: bool,
    /// The body member it sets (its JSON name), for a flag of a body member.
    pub member: Option<&'static str>,
}

impl FlagSpec {
    /// A flag given at most once that sets no body member; the modifiers below
    /// say otherwise. The generator writes these calls rather than the struct
    /// expression: half the tokens, and generation time goes with the tokens.
    pub const fn new(
        name: &'static str,
        value_name: &'static str,
        help: &'static str,
        kind: FlagKind,
    ) -> Self {
        Self {
            name,
            value_name,
            help,
            kind,
            required: false,
            multiple: false,
            member: None,
        }
    }

    /// The argument parser insists on it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// An array: the flag is repeated, once per item.
    pub const fn repeated(mut self) -> Self {
        self.multiple = true;
        self
    }

    /// The flag of this body member (its JSON name).
    pub const fn of_member(mut self, member: &'static str) -> Self {
        self.member = Some(member);
        self
    }
}

/// What a flag's value is, which decides how it is checked and how it becomes JSON.
#[derive(Debug, Clone, Copy)]
pub enum FlagKind {
    /// Any text: a JSON string.
    Text,
    /// An integer within these bounds.
    Integer { min: i128, max: i128 },
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of these values; `quoted` when they are JSON strings (not integers).
    Choice {
        values: &'static [&'static str],
        quoted: bool,
    },
    /// JSON text (objects, maps, arrays of arrays).
    Json,
    /// JSON text, or else a string (values the document leaves open).
    Any,
}

/// The request body, given with `--body`.
#[derive(Debug, Clone, Copy)]
pub struct BodySpec {
    pub required: bool,
    pub input: BodyInput,
    pub help: &'static str,
}

/// How `--body` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyInput {
    /// JSON, decoded into the body type before anything is sent (form and
    /// multipart bodies too: the client encodes them).
    Json,
    /// Text sent as it is.
    Text,
    /// Bytes sent as they are.
    Bytes,
}

/// What the generated code needs to build a client: the flags' overrides of
/// what `ClientBuilder::from_env` reads.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
}

/// A command line that cannot be run: a bad flag value or body. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The OAuth 2 client credentials the environment gives in the variables
/// named `id` and `secret` (both or neither), with the scopes of `scopes`
/// (separated by spaces; none asks for the server's default).
pub fn client_credentials_from_env(
    id: &str,
    secret: &str,
    scopes: &str,
) -> Result<Option<(String, String, Vec<String>)>, ConfigError> {
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (read(id), read(secret)) {
        (Some(client_id), Some(client_secret)) => {
            let scopes = read(scopes)
                .map(|s| s.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default();
            Ok(Some((client_id, client_secret, scopes)))
        }
        (None, None) => Ok(None),
        (Some(_), None) => Err(ConfigError(format!("{id} is set, but not {secret}"))),
        (None, Some(_)) => Err(ConfigError(format!("{secret} is set, but not {id}"))),
    }
}

/// Runs the program with the process's arguments: what the binary's `main` calls.
pub fn run_program<C>(
    program: &'static ProgramSpec,
    groups: &[&'static [CommandSpec<C>]],
    connect: fn(Connection) -> Result<C, ConfigError>,
) -> std::process::ExitCode {
    std::process::ExitCode::from(run_with(program, groups, connect, std::env::args_os()))
}

/// Runs the program with these arguments (the first is the program's name);
/// returns the exit code.
pub fn run_with<C>(
    program: &'static ProgramSpec,
    groups: &[&'static [CommandSpec<C>]],
    connect: fn(Connection) -> Result<C, ConfigError>,
    args: impl IntoIterator<Item = OsString>,
) -> u8 {
    let commands: Vec<&'static CommandSpec<C>> = groups.iter().flat_map(|g| g.iter()).collect();
    let matches = match program_command(program, &commands).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return if e.exit_code() == 0 {
                EXIT_OK
            } else {
                EXIT_USAGE
            };
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        eprintln!("error: no command given; try '--help'");
        return EXIT_USAGE;
    };
    let Some(spec) = commands.iter().find(|c| c.name == name) else {
        eprintln!("error: unknown command `{name}`");
        return EXIT_USAGE;
    };
    let printer = Printer {
        compact: sub.get_flag("compact"),
        include: sub.get_flag("include"),
    };
    let connection = Connection {
        base_url: sub.get_one::<String>("base-url").cloned(),
        timeout: sub
            .get_one::<String>("timeout")
            .and_then(|s| s.parse::<f64>().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok()),
    };
    let client = match connect(connection) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let invocation = Invocation {
        matches: sub.clone(),
        flags: spec.flags,
        body: spec.body.as_ref(),
        errors: spec.errors,
        printer,
        sink: Sink::Std,
    };
    let call = match (spec.run)(&client, &invocation) {
        Ok(call) => call,
        Err(e) => {
            eprintln!("error: {e}\n\nFor more information, try '--help'.");
            return EXIT_USAGE;
        }
    };
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(call),
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            EXIT_TRANSPORT
        }
    }
}

/// The heading of the flags every command has.
const GLOBAL: &str = "Global options";

/// The heading of the flags that set members of the body.
const MEMBERS: &str = "Body members";

/// The text of `--help` for the program: commands grouped under their tag.
const PROGRAM_TEMPLATE: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}Options:\n{options}{after-help}";

/// The program's argument parser, built from the table.
pub fn program_command<C>(
    program: &ProgramSpec,
    commands: &[&'static CommandSpec<C>],
) -> clap::Command {
    let mut cmd = clap::Command::new(program.name)
        .about(program.about)
        .version(program.version)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .help_template(PROGRAM_TEMPLATE)
        .before_help(command_list(commands))
        .after_help(format!(
            "Environment:\n{}\n\nExit status: 0 success, 1 error response, 2 usage or configuration error (a refused credential too), 3 no response (connection failure, timeout).",
            program.environment
        ))
        .arg(
            clap::Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help(program.base_url_help)
                .global(true)
                .help_heading(GLOBAL),
        )
        .arg(
            clap::Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .help("How long each attempt of the call may take (default 60)")
                .value_parser(seconds)
                .global(true)
                .help_heading(GLOBAL),
        )
        .arg(
            clap::Arg::new("compact")
                .long("compact")
                .help("Print JSON on one line")
                .action(clap::ArgAction::SetTrue)
                .global(true)
                .help_heading(GLOBAL),
        )
        .arg(
            clap::Arg::new("include")
                .long("include")
                .help("Print the response's status and headers to stderr")
                .action(clap::ArgAction::SetTrue)
                .global(true)
                .help_heading(GLOBAL),
        );
    for c in commands {
        cmd = cmd.subcommand(subcommand(c));
    }
    cmd
}

/// The commands under a heading per tag, in the order they first appear.
fn command_list<C>(commands: &[&'static CommandSpec<C>]) -> String {
    // Summaries line up, unless a few long names would push them all far right.
    let width = commands
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0)
        .min(32);
    let mut groups: Vec<(&str, Vec<&CommandSpec<C>>)> = Vec::new();
    for c in commands {
        match groups.iter_mut().find(|(g, _)| *g == c.group) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.group, vec![c])),
        }
    }
    let mut out = String::new();
    for (group, list) in groups {
        out.push_str(if group.is_empty() { "Other" } else { group });
        out.push_str(":\n");
        for c in list {
            out.push_str(&format!("  {:width$}  {}\n", c.name, c.summary));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

fn subcommand<C>(c: &'static CommandSpec<C>) -> clap::Command {
    let mut cmd = clap::Command::new(c.name)
        .about(c.summary)
        .long_about(c.about)
        .after_help(c.example);
    for f in c.flags {
        cmd = cmd.arg(flag_arg(f));
    }
    if let Some(body) = &c.body {
        let by_members = c.flags.iter().any(|f| f.member.is_some());
        cmd = cmd.arg(
            clap::Arg::new("body")
                .long("body")
                .value_name("JSON|@FILE|-")
                .help(body.help)
                .required(body.required && !by_members),
        );
    }
    if c.ask_events {
        cmd = cmd.arg(
            clap::Arg::new("events")
                .long("events")
                .help("Ask for the response as an event stream (`Accept: text/event-stream`) and print each event as a line of JSON as it arrives")
                .action(clap::ArgAction::SetTrue),
        );
    }
    if c.pages {
        cmd = cmd.arg(
            clap::Arg::new("all")
                .long("all")
                .help("Print every item of every page, one JSON value per line, as pages arrive")
                .action(clap::ArgAction::SetTrue)
                .conflicts_with("include"),
        );
    }
    cmd
}

fn flag_arg(f: &'static FlagSpec) -> clap::Arg {
    let heading = f.member.map(|_| MEMBERS);
    let arg = clap::Arg::new(f.name)
        .help_heading(heading)
        .long(f.name)
        .value_name(f.value_name)
        .help(f.help)
        .required(f.required)
        .action(if f.multiple {
            clap::ArgAction::Append
        } else {
            clap::ArgAction::Set
        });
    match f.kind {
        FlagKind::Integer { min, max } => arg.value_parser(move |s: &str| integer(s, min, max)),
        FlagKind::Number => arg.value_parser(number),
        FlagKind::Boolean => {
            arg.value_parser(clap::builder::PossibleValuesParser::new(["true", "false"]))
        }
        FlagKind::Choice { values, .. } => arg.value_parser(
            clap::builder::PossibleValuesParser::new(values.iter().copied()),
        ),
        FlagKind::Text | FlagKind::Json | FlagKind::Any => arg,
    }
}

fn integer(text: &str, min: i128, max: i128) -> Result<String, String> {
    match text.parse::<i128>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v.to_string()),
        Ok(_) => Err(format!("{text} is not in {min}..={max}")),
        Err(_) => Err(format!("`{text}` is not an integer")),
    }
}

fn number(text: &str) -> Result<String, String> {
    match serde_json::from_str::<serde_json::Number>(text) {
        Ok(n) => Ok(n.to_string()),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

fn seconds(text: &str) -> Result<String, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && Duration::try_from_secs_f64(s).is_ok() => Ok(text.to_string()),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

/// What the flags of one run say; the generated function of the operation reads
/// its parameters and body through it, and starts the call with [`Invocation::send`].
#[derive(Debug)]
pub struct Invocation {
    pub(crate) matches: clap::ArgMatches,
    pub(crate) flags: &'static [FlagSpec],
    pub(crate) body: Option<&'static BodySpec>,
    pub(crate) errors: &'static [(&'static str, &'static str)],
    pub(crate) printer: Printer,
    pub(crate) sink: Sink,
}

/// Where output goes: the process's stdout and stderr, or buffers (tests).
#[derive(Debug, Default)]
pub(crate) enum Sink {
    #[default]
    Std,
    Buffers(
        std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
        std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
    ),
}

impl Sink {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut dyn Write, &mut dyn Write) -> R) -> R {
        match self {
            Sink::Std => f(&mut std::io::stdout().lock(), &mut std::io::stderr().lock()),
            Sink::Buffers(out, err) => f(&mut *out.borrow_mut(), &mut *err.borrow_mut()),
        }
    }
}

impl Invocation {
    /// Whether `--all` was given.
    pub fn all(&self) -> bool {
        matches!(self.matches.try_get_one::<bool>("all"), Ok(Some(true)))
    }

    /// Whether `--events` was given.
    pub(crate) fn events_asked(&self) -> bool {
        matches!(self.matches.try_get_one::<bool>("events"), Ok(Some(true)))
    }

    /// A required flag's value, as the parameter's type.
    pub fn required<T: serde::de::DeserializeOwned>(&self, flag: &str) -> Result<T, UsageError> {
        self.optional(flag)?
            .ok_or_else(|| UsageError(format!("the flag `--{flag}` is required")))
    }

    /// An optional flag's value, as the parameter's type.
    pub fn optional<T: serde::de::DeserializeOwned>(
        &self,
        flag: &str,
    ) -> Result<Option<T>, UsageError> {
        let Some(json) = self.flag_json(flag)? else {
            return Ok(None);
        };
        decode_json(json.as_bytes())
            .map(Some)
            .map_err(|e| UsageError(format!("invalid value for `--{flag}`: {}", explain(&e))))
    }

    /// The JSON body (`--body`, with any member flags set on it), decoded into the
    /// body type: a body that does not match is refused before anything is sent.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T, UsageError> {
        self.optional_body()?.ok_or_else(missing_body)
    }

    pub fn optional_body<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>, UsageError> {
        let Some(json) = self.body_json()? else {
            return Ok(None);
        };
        decode_json(&json).map(Some).map_err(|e| {
            UsageError(format!(
                "the body does not match the request body's type: {}",
                explain(&e)
            ))
        })
    }

    /// A text body, sent as it is.
    pub fn text_body(&self) -> Result<String, UsageError> {
        self.optional_text_body()?.ok_or_else(missing_body)
    }

    pub fn optional_text_body(&self) -> Result<Option<String>, UsageError> {
        self.raw_body()?
            .map(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|_| UsageError("the body is not UTF-8 text".to_string()))
            })
            .transpose()
    }

    /// A body of bytes, sent as they are.
    pub fn bytes_body(&self) -> Result<bytes::Bytes, UsageError> {
        self.optional_bytes_body()?.ok_or_else(missing_body)
    }

    pub fn optional_bytes_body(&self) -> Result<Option<bytes::Bytes>, UsageError> {
        Ok(self.raw_body()?.map(bytes::Bytes::from))
    }

    /// Sends the request and prints the response; resolves to the exit code.
    /// Only the parameters' writing and the decoding are the operation's: the
    /// call itself is one non-generic future for every operation, which keeps
    /// the program's machine code (and compile time) small.
    pub fn send<'a, O: Operation + 'a>(&'a self, request: Request<'a, O>) -> Pending<'a> {
        let (core, options, op) = request.into_parts();
        self.call(
            core,
            &O::INFO,
            O::ACCEPT,
            options,
            Box::new(move |parts| op.write(parts)),
            |raw| O::decode(raw).err().map(without_body),
        )
    }

    fn call<'a>(
        &'a self,
        core: &'a Core,
        info: &'static OperationInfo,
        accept: &'static str,
        options: RequestOptions,
        write: Box<WriteParts<'a>>,
        check: fn(RawResponse) -> Option<Error<()>>,
    ) -> Pending<'a> {
        Box::pin(async move {
            let raw = match core
                .execute(&Call::of(info, accept, &options, &*write))
                .await
            {
                Ok(raw) => raw,
                Err(failure) => return self.failed(&Error::from(failure)),
            };
            // The operation's own decoding says whether the response is what the
            // API description allows; what is printed is the raw response.
            let problem = check(raw.clone());
            self.sink.with(|out, err| {
                self.printer
                    .response(&raw, problem.as_ref(), self.errors, out, err)
            })
        })
    }

    /// Reports a failed call: its response, or why there was none.
    pub(crate) fn failed(&self, error: &Error<()>) -> u8 {
        self.sink.with(|out, err| match error.response() {
            Some(raw) => self
                .printer
                .response(raw, Some(error), self.errors, out, err),
            None => self.printer.failure(error, err),
        })
    }

    /// Prints one JSON value on a line of its own; false once stdout is closed.
    pub(crate) fn line(&self, json: &[u8]) -> bool {
        self.sink.with(|out, _| {
            out.write_all(json)
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush())
                .is_ok()
        })
    }

    /// The flag's value as JSON text (a JSON array for a repeated flag), or
    /// `None` when it was not given.
    fn flag_json(&self, flag: &str) -> Result<Option<String>, UsageError> {
        let spec = self
            .flags
            .iter()
            .find(|f| f.name == flag)
            .ok_or_else(|| UsageError(format!("no flag `--{flag}`")))?;
        let Ok(Some(values)) = self.matches.try_get_many::<String>(flag) else {
            return Ok(None);
        };
        let items = values
            .map(|v| flag_value_json(spec, v))
            .collect::<Result<Vec<String>, UsageError>>()?;
        Ok(if spec.multiple {
            Some(format!("[{}]", items.join(",")))
        } else {
            items.into_iter().next()
        })
    }

    /// `--body` as given (inline, `@file` or `-` for stdin).
    fn raw_body(&self) -> Result<Option<Vec<u8>>, UsageError> {
        match self.matches.try_get_one::<String>("body") {
            Ok(Some(given)) => read_input(given).map(Some),
            _ => Ok(None),
        }
    }

    /// The JSON body: `--body`, with the member flags given set on it.
    fn body_json(&self) -> Result<Option<Vec<u8>>, UsageError> {
        let given = self.raw_body()?;
        let mut members = Vec::new();
        for f in self.flags {
            if let Some(member) = f.member
                && let Some(json) = self.flag_json(f.name)?
            {
                members.push((member, json));
            }
        }
        if members.is_empty() {
            return Ok(given);
        }
        let mut object = match given {
            None => serde_json::Map::new(),
            Some(text) => match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(o)) => o,
                Ok(_) => {
                    return Err(UsageError(
                        "`--body` must be a JSON object to add member flags to".into(),
                    ));
                }
                Err(e) => return Err(UsageError(format!("`--body` is not JSON: {e}"))),
            },
        };
        for (member, json) in members {
            let value = serde_json::from_str(&json)
                .map_err(|e| UsageError(format!("invalid value for `{member}`: {e}")))?;
            object.insert(member.to_string(), value);
        }
        serde_json::to_vec(&object)
            .map(Some)
            .map_err(|e| UsageError(format!("the body could not be written: {e}")))
    }
}

fn missing_body() -> UsageError {
    UsageError("the operation needs a request body: give `--body`".into())
}

/// The value of one flag as JSON text, as its kind says.
fn flag_value_json(spec: &FlagSpec, value: &str) -> Result<String, UsageError> {
    let quoted = || serde_json::Value::String(value.to_string()).to_string();
    Ok(match spec.kind {
        FlagKind::Text | FlagKind::Choice { quoted: true, .. } => quoted(),
        FlagKind::Integer { .. }
        | FlagKind::Number
        | FlagKind::Boolean
        | FlagKind::Choice { quoted: false, .. } => value.to_string(),
        FlagKind::Json => match serde_json::from_str::<serde::de::IgnoredAny>(value) {
            Ok(_) => value.to_string(),
            Err(e) => {
                return Err(UsageError(format!(
                    "`--{}` takes JSON, and `{value}` is not JSON: {e}",
                    spec.name
                )));
            }
        },
        FlagKind::Any => match serde_json::from_str::<serde::de::IgnoredAny>(value) {
            Ok(_) => value.to_string(),
            Err(_) => quoted(),
        },
    })
}

/// Text given inline, in a file (`@path`) or on stdin (`-`).
fn read_input(given: &str) -> Result<Vec<u8>, UsageError> {
    if given == "-" {
        let mut out = Vec::new();
        std::io::stdin()
            .read_to_end(&mut out)
            .map_err(|e| UsageError(format!("cannot read the body from stdin: {e}")))?;
        Ok(out)
    } else if let Some(path) = given.strip_prefix('@') {
        std::fs::read(path).map_err(|e| UsageError(format!("cannot read `{path}`: {e}")))
    } else {
        Ok(given.as_bytes().to_vec())
    }
}

/// A decoding failure, naming the member where it stopped.
pub(crate) fn explain(e: &DecodeError) -> String {
    match e {
        DecodeError::Json {
            path: Some(path),
            source,
        } => format!("at `{path}`: {source}"),
        other => other.to_string(),
    }
}

/// The error without the operation's decoded body (printing uses the raw one).
pub(crate) fn without_body<E>(e: Error<E>) -> Error<()> {
    match e {
        Error::Api { response, .. } => Error::Api { body: (), response },
        Error::UnexpectedStatus(r) => Error::UnexpectedStatus(r),
        Error::Decode { response, source } => Error::Decode { response, source },
        Error::InvalidRequest(e) => Error::InvalidRequest(e),
        Error::Credential(e) => Error::Credential(e),
        Error::Timeout {
            source,
            attempts,
            after,
        } => Error::Timeout {
            source,
            attempts,
            after,
        },
        Error::Transport { source, attempts } => Error::Transport { source, attempts },
    }
}

/// The documented error a status falls under: its own code, then its range
/// (`4XX`), then `default` — the order the generated `decode` tries them in.
fn documented_as<'a>(errors: &[(&str, &'a str)], status: u16) -> Option<&'a str> {
    let code = status.to_string();
    let range = format!("{}XX", status / 100);
    [code.as_str(), range.as_str(), "default"]
        .iter()
        .find_map(|label| errors.iter().find(|(l, _)| l == label).map(|(_, v)| *v))
}

/// The exit code of a credential that could not be obtained (nothing was sent
/// to the API): 3 when the token endpoint (or whatever a provider asked) could
/// not be reached or timed out, as for the API itself; otherwise (refused,
/// unusable, a provider's own error) 2, a configuration error.
fn credential_exit(e: &CredentialError) -> u8 {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<reqwest::Error>().is_some() {
            return EXIT_TRANSPORT;
        }
        source = s.source();
    }
    EXIT_USAGE
}

/// How responses are printed (`--compact`, `--include`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Printer {
    pub(crate) compact: bool,
    pub(crate) include: bool,
}

impl Printer {
    /// Prints a response: the body of a success to `out`, an error's status,
    /// name and body to `err`. Returns the exit code.
    pub(crate) fn response(
        &self,
        raw: &RawResponse,
        problem: Option<&Error<()>>,
        errors: &[(&str, &str)],
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        self.head(raw, err);
        let request_id = raw
            .request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default();
        match problem {
            None => {
                self.body(raw, out);
                EXIT_OK
            }
            Some(Error::Decode { source, .. }) if raw.status.is_success() => {
                // What the server sent is still the answer: print it, and say
                // that it breaks the API description.
                self.body(raw, out);
                let _ = writeln!(
                    err,
                    "error: the {} response does not match the API description{request_id}: {}",
                    raw.status,
                    explain(source)
                );
                EXIT_API
            }
            Some(problem) => {
                let what = match problem {
                    Error::Api { .. } => match documented_as(errors, raw.status.as_u16()) {
                        Some(variant) => format!("a documented error (`{variant}`)"),
                        None => "a documented error".to_string(),
                    },
                    Error::Decode { source, .. } => format!(
                        "a body that does not match the API description ({})",
                        explain(source)
                    ),
                    _ => "a status the API description does not document".to_string(),
                };
                let _ = writeln!(
                    err,
                    "error: the server answered {}, {what}{request_id}",
                    raw.status
                );
                self.body(raw, err);
                EXIT_API
            }
        }
    }

    /// With `--include`: the status and headers, then a blank line.
    pub(crate) fn head(&self, raw: &RawResponse, err: &mut dyn Write) {
        if self.include {
            let _ = writeln!(err, "{}", raw.status);
            for (name, value) in &raw.headers {
                let _ = writeln!(err, "{name}: {}", String::from_utf8_lossy(value.as_bytes()));
            }
            let _ = writeln!(err);
        }
    }

    /// Prints a failure without a response; returns the exit code.
    pub(crate) fn failure(&self, error: &Error<()>, err: &mut dyn Write) -> u8 {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            let next = s.to_string();
            if !text.contains(&next) {
                text.push_str(": ");
                text.push_str(&next);
            }
            source = s.source();
        }
        let _ = writeln!(err, "error: {text}");
        match error {
            Error::InvalidRequest(_) => EXIT_USAGE,
            Error::Credential(e) => credential_exit(e),
            Error::Timeout { .. } | Error::Transport { .. } => EXIT_TRANSPORT,
            _ => EXIT_API,
        }
    }

    /// A body: JSON re-indented (or on one line with `--compact`), anything else
    /// as it is.
    fn body(&self, raw: &RawResponse, to: &mut dyn Write) {
        if raw.body.is_empty() {
            return;
        }
        let _ = match reindent(&raw.body, self.compact) {
            Some(json) => to.write_all(&json).and_then(|()| to.write_all(b"\n")),
            None => to.write_all(&raw.body),
        };
        let _ = to.flush();
    }
}

/// JSON text re-indented by two spaces (or with every space between tokens
/// removed): only whitespace between tokens changes, so members keep their
/// order and numbers and strings their exact text. `None` if it is not JSON.
pub(crate) fn reindent(json: &[u8], compact: bool) -> Option<Vec<u8>> {
    serde_json::from_slice::<serde::de::IgnoredAny>(json).ok()?;
    let mut out = Vec::with_capacity(json.len() + json.len() / 4);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        if !compact {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', depth * 2));
        }
    };
    let mut i = 0;
    while i < json.len() {
        let c = json[i];
        match c {
            b'"' => {
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    if json[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.extend_from_slice(&json[start..=i.min(json.len() - 1)]);
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let next = json[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| i + 1 + p);
                out.push(c);
                if next.is_some_and(|n| json[n] == close) {
                    out.push(close);
                    i = next.unwrap_or(i);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => {
                out.push(c);
                if !compact {
                    out.push(b' ');
                }
            }
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Option<Vec<u8>>) -> String {
        String::from_utf8(bytes.expect("JSON")).unwrap()
    }

    #[test]
    fn reindenting_changes_only_the_space_between_tokens() {
        let raw = br#" {"z": 1.50, "a":[ 1e3, -0 , 123456789012345678901234567890],"s":"x\" ,:{[ \u00e9","e":{ },"l":[ ], "z":null} "#;
        assert_eq!(
            text(reindent(raw, false)),
            "{\n  \"z\": 1.50,\n  \"a\": [\n    1e3,\n    -0,\n    123456789012345678901234567890\n  ],\n  \"s\": \"x\\\" ,:{[ \\u00e9\",\n  \"e\": {},\n  \"l\": [],\n  \"z\": null\n}"
        );
        assert_eq!(
            text(reindent(raw, true)),
            r#"{"z":1.50,"a":[1e3,-0,123456789012345678901234567890],"s":"x\" ,:{[ \u00e9","e":{},"l":[],"z":null}"#
        );
        assert_eq!(text(reindent(b"\"just text\"", false)), "\"just text\"");
        assert_eq!(reindent(b"{\"a\": ", false), None);
        assert_eq!(reindent(b"plain text", true), None);
    }

    fn flag(name: &'static str, kind: FlagKind, multiple: bool) -> FlagSpec {
        FlagSpec {
            name,
            value_name: "V",
            help: "",
            kind,
            required: false,
            multiple,
            member: None,
        }
    }

    #[test]
    fn a_flag_by_calls_is_the_struct_it_stands_for() {
        const BY_CALL: FlagSpec = FlagSpec::new("dry-run", "BOOL", "Sets it", FlagKind::Boolean)
            .repeated()
            .of_member("dryRun");
        let written = FlagSpec {
            name: "dry-run",
            value_name: "BOOL",
            help: "Sets it",
            kind: FlagKind::Boolean,
            required: false,
            multiple: true,
            member: Some("dryRun"),
        };
        assert_eq!(format!("{BY_CALL:?}"), format!("{written:?}"));
        let plain = FlagSpec::new("n", "N", "", FlagKind::Text);
        assert!(!plain.required && !plain.multiple && plain.member.is_none());
        assert!(plain.required().required);
    }

    #[test]
    fn flag_values_become_json_as_their_kind_says() {
        let json = |kind, value| flag_value_json(&flag("f", kind, false), value);
        assert_eq!(json(FlagKind::Text, "a \"b\"").unwrap(), r#""a \"b\"""#);
        assert_eq!(json(FlagKind::Text, "12").unwrap(), r#""12""#);
        assert_eq!(
            json(FlagKind::Integer { min: 0, max: 9 }, "7").unwrap(),
            "7"
        );
        let choice = |quoted| FlagKind::Choice {
            values: &["1", "2"],
            quoted,
        };
        assert_eq!(json(choice(true), "1").unwrap(), r#""1""#);
        assert_eq!(json(choice(false), "1").unwrap(), "1");
        assert_eq!(json(FlagKind::Json, r#"{"a": 1}"#).unwrap(), r#"{"a": 1}"#);
        let err = json(FlagKind::Json, "{a").unwrap_err();
        assert!(err.0.contains("`--f` takes JSON"), "{err}");
        assert_eq!(json(FlagKind::Any, "[1]").unwrap(), "[1]");
        assert_eq!(json(FlagKind::Any, "word").unwrap(), r#""word""#);
    }

    #[test]
    fn values_are_checked_as_they_are_parsed() {
        assert_eq!(integer("255", 0, 255), Ok("255".into()));
        assert!(integer("256", 0, 255).unwrap_err().contains("0..=255"));
        assert!(integer("1.5", 0, 255).is_err());
        assert_eq!(
            integer(
                "170141183460469231731687303715884105727",
                i128::MIN,
                i128::MAX
            ),
            Ok(i128::MAX.to_string())
        );
        assert_eq!(number("-1.25e2"), Ok("-125.0".into()));
        assert!(number("NaN").is_err());
        assert!(seconds("0").is_err() && seconds("2.5").is_ok());
    }

    #[test]
    fn input_comes_inline_or_from_a_file() {
        assert_eq!(read_input("{}").unwrap(), b"{}");
        let path = std::env::temp_dir().join(format!("cli-body-{}.json", std::process::id()));
        std::fs::write(&path, b"[1]").unwrap();
        assert_eq!(read_input(&format!("@{}", path.display())).unwrap(), b"[1]");
        std::fs::remove_file(&path).unwrap();
        let err = read_input(&format!("@{}", path.display())).unwrap_err();
        assert!(err.0.starts_with("cannot read"), "{err}");
    }

    #[test]
    fn errors_are_named_by_code_then_range_then_default() {
        let errors = [
            ("404", "NotFound"),
            ("4XX", "ClientError"),
            ("default", "Other"),
        ];
        assert_eq!(documented_as(&errors, 404), Some("NotFound"));
        assert_eq!(documented_as(&errors, 409), Some("ClientError"));
        assert_eq!(documented_as(&errors, 500), Some("Other"));
        assert_eq!(documented_as(&errors[..1], 500), None);
    }

    struct Client;

    const FLAGS: &[FlagSpec] = &[
        FlagSpec {
            name: "id",
            value_name: "ID",
            help: "The thing's id",
            kind: FlagKind::Text,
            required: true,
            multiple: false,
            member: None,
        },
        FlagSpec {
            name: "size",
            value_name: "INTEGER",
            help: "A member",
            kind: FlagKind::Integer { min: 0, max: 10 },
            required: false,
            multiple: false,
            member: Some("size"),
        },
        FlagSpec {
            name: "tag",
            value_name: "TAG",
            help: "Repeatable",
            kind: FlagKind::Choice {
                values: &["a", "b"],
                quoted: true,
            },
            required: false,
            multiple: true,
            member: None,
        },
    ];

    fn never<'a>(_: &'a Client, _: &'a Invocation) -> Result<Pending<'a>, UsageError> {
        Err(UsageError("not run in tests".into()))
    }

    const COMMANDS: &[CommandSpec<Client>] = &[
        CommandSpec {
            name: "put-thing",
            group: "Things",
            summary: "Put a thing",
            about: "Put a thing.\n\nLonger text.",
            example: "Example:\n  prog put-thing --id 1 --body '{}'",
            flags: FLAGS,
            body: Some(BodySpec {
                required: true,
                input: BodyInput::Json,
                help: "The thing",
            }),
            pages: true,
            ask_events: true,
            errors: &[("default", "Default")],
            run: never,
        },
        CommandSpec {
            name: "ping",
            group: "",
            summary: "Ping",
            about: "Ping.",
            example: "",
            flags: &[],
            body: None,
            pages: false,
            ask_events: false,
            errors: &[],
            run: never,
        },
    ];

    const PROGRAM: ProgramSpec = ProgramSpec {
        name: "prog",
        about: "A program",
        version: "1.0.0",
        base_url_help: "The base URL",
        environment: "  PROG_KEY  the key",
    };

    fn parse(args: &[&str]) -> Result<clap::ArgMatches, clap::Error> {
        let commands: Vec<&CommandSpec<Client>> = COMMANDS.iter().collect();
        program_command(&PROGRAM, &commands).try_get_matches_from(args)
    }

    fn invocation(args: &[&str]) -> Invocation {
        let matches = parse(args).unwrap();
        let (_, sub) = matches.subcommand().unwrap();
        Invocation {
            matches: sub.clone(),
            flags: FLAGS,
            body: COMMANDS[0].body.as_ref(),
            errors: &[],
            printer: Printer::default(),
            sink: Sink::default(),
        }
    }

    #[test]
    fn the_parser_built_from_the_table_is_valid_and_enforces_it() {
        let commands: Vec<&CommandSpec<Client>> = COMMANDS.iter().collect();
        program_command(&PROGRAM, &commands).debug_assert();
        let kind = |args: &[&str]| {
            parse(args)
                .map(|_| ())
                .map_err(|e| (e.kind(), e.exit_code()))
        };
        use clap::error::ErrorKind;
        assert_eq!(
            kind(&["prog", "put-thing", "--body", "{}"]),
            Err((ErrorKind::MissingRequiredArgument, 2))
        );
        assert_eq!(
            kind(&["prog", "put-thing", "--id", "1", "--size", "11"]),
            Err((ErrorKind::ValueValidation, 2))
        );
        assert_eq!(
            kind(&["prog", "put-thing", "--id", "1", "--tag", "c"]),
            Err((ErrorKind::InvalidValue, 2))
        );
        assert_eq!(
            kind(&["prog", "put-thing", "--id", "1", "--all", "--include"]),
            Err((ErrorKind::ArgumentConflict, 2))
        );
        assert_eq!(kind(&["prog", "--help"]).unwrap_err().1, 0);
        // With a member flag, `--body` is not required: the members can make the body.
        assert_eq!(
            kind(&["prog", "put-thing", "--id", "1", "--compact"]),
            Ok(())
        );
    }

    #[test]
    fn the_commands_are_listed_under_their_tag() {
        let commands: Vec<&CommandSpec<Client>> = COMMANDS.iter().collect();
        let help = program_command(&PROGRAM, &commands)
            .render_help()
            .to_string();
        assert!(
            help.contains("Things:\n  put-thing  Put a thing\n\nOther:\n  ping       Ping\n"),
            "{help}"
        );
        assert!(help.contains("PROG_KEY  the key"), "{help}");
    }

    #[test]
    fn flags_read_as_the_parameter_type() {
        let inv = invocation(&["prog", "put-thing", "--id", "7", "--tag", "a", "--tag", "b"]);
        assert_eq!(inv.required::<String>("id").unwrap(), "7");
        assert_eq!(
            inv.optional::<Vec<String>>("tag").unwrap(),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(inv.optional::<u8>("size").unwrap(), None);
        let err = inv.required::<u8>("id").unwrap_err();
        assert!(err.0.starts_with("invalid value for `--id`"), "{err}");
        assert!(!inv.all() && !inv.events_asked());
        let inv = invocation(&["prog", "put-thing", "--id", "7", "--events"]);
        assert!(inv.events_asked());
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Thing {
        name: String,
        size: u8,
    }

    #[test]
    fn the_body_is_decoded_with_the_member_flags_set_on_it() {
        let inv = invocation(&[
            "prog",
            "put-thing",
            "--id",
            "1",
            "--body",
            r#"{"name": "x", "size": 1}"#,
            "--size",
            "3",
        ]);
        assert_eq!(
            inv.body::<Thing>().unwrap(),
            Thing {
                name: "x".into(),
                size: 3
            }
        );
        let inv = invocation(&["prog", "put-thing", "--id", "1", "--body", r#"{"name": 5}"#]);
        let err = inv.body::<Thing>().unwrap_err();
        assert!(
            err.0.contains("at `name`: invalid type: integer `5`"),
            "{err}"
        );
        let inv = invocation(&["prog", "put-thing", "--id", "1", "--size", "2"]);
        let err = inv.body::<Thing>().unwrap_err();
        assert!(err.0.contains("missing field `name`"), "{err}");
        let inv = invocation(&[
            "prog",
            "put-thing",
            "--id",
            "1",
            "--body",
            "[]",
            "--size",
            "2",
        ]);
        assert!(inv.body::<Thing>().unwrap_err().0.contains("JSON object"));
        let inv = invocation(&["prog", "put-thing", "--id", "1"]);
        assert!(inv.optional_body::<Thing>().unwrap().is_none());
        assert!(inv.text_body().is_err());
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-request-id", "r-1".parse().unwrap());
        RawResponse {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            headers,
            body: bytes::Bytes::from(body.to_string()),
            attempts: 1,
        }
    }

    fn print(
        printer: Printer,
        raw: &RawResponse,
        problem: Option<&Error<()>>,
    ) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = printer.response(raw, problem, &[("404", "NotFound")], &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn a_success_prints_the_body_and_an_error_its_status_name_and_body() {
        let ok = raw(200, r#"{"b":1,"a":2}"#);
        assert_eq!(
            print(Printer::default(), &ok, None),
            (0, "{\n  \"b\": 1,\n  \"a\": 2\n}\n".into(), String::new())
        );
        let included = Printer {
            compact: true,
            include: true,
        };
        assert_eq!(
            print(included, &ok, None),
            (
                0,
                "{\"b\":1,\"a\":2}\n".into(),
                "200 OK\nx-request-id: r-1\n\n".into()
            )
        );
        let missing = raw(404, r#"{"message":"no"}"#);
        let api = Error::Api {
            body: (),
            response: missing.clone(),
        };
        let (code, out, err) = print(Printer::default(), &missing, Some(&api));
        assert_eq!((code, out.as_str()), (1, ""));
        assert_eq!(
            err,
            "error: the server answered 404 Not Found, a documented error (`NotFound`) (request id r-1)\n{\n  \"message\": \"no\"\n}\n"
        );
        let teapot = raw(418, "short and stout");
        let (code, _, err) = print(
            Printer::default(),
            &teapot,
            Some(&Error::UnexpectedStatus(teapot.clone())),
        );
        assert_eq!(code, 1);
        assert!(err.contains("418 I'm a teapot, a status the API description does not document"));
        assert!(err.ends_with("\nshort and stout"), "not JSON: as it is");
    }

    #[test]
    fn a_success_that_breaks_the_description_is_printed_and_fails() {
        let odd = raw(200, r#"{"size": "big"}"#);
        let source = decode_json::<Thing>(odd.body.as_ref()).unwrap_err();
        let problem = Error::Decode {
            response: odd.clone(),
            source,
        };
        let (code, out, err) = print(Printer::default(), &odd, Some(&problem));
        assert_eq!(code, 1);
        assert_eq!(out, "{\n  \"size\": \"big\"\n}\n");
        assert!(err.contains("does not match the API description"), "{err}");
        assert!(err.contains("at `size`"), "{err}");
    }

    #[test]
    fn failures_without_a_response_are_usage_or_transport_errors() {
        let mut err = Vec::new();
        let invalid = Error::<()>::InvalidRequest(super::super::error::RequestError("bad".into()));
        assert_eq!(Printer::default().failure(&invalid, &mut err), EXIT_USAGE);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "error: invalid request: bad\n"
        );
        // A credential the token endpoint refused is the configuration's fault;
        // one that could not be fetched at all is a failure to reach a server.
        let refused =
            CredentialError::from_response("refused", raw(401, r#"{"error":"invalid_client"}"#));
        let mut err = Vec::new();
        assert_eq!(
            Printer::default().failure(&Error::<()>::Credential(refused), &mut err),
            EXIT_USAGE
        );
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.starts_with(
                "error: no credential: refused (status 401 Unauthorized, invalid_client)"
            ),
            "{err}"
        );
        let own = CredentialError::new("the vault is sealed");
        assert_eq!(
            Printer::default().failure(&Error::<()>::Credential(own), &mut Vec::new()),
            EXIT_USAGE
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let unreachable = runtime
            .block_on(reqwest::get(format!("http://127.0.0.1:{port}/token")))
            .unwrap_err();
        let out_of_reach =
            CredentialError::with_source("the token endpoint could not be reached", unreachable);
        assert_eq!(
            Printer::default().failure(&Error::<()>::Credential(out_of_reach), &mut Vec::new()),
            EXIT_TRANSPORT
        );
    }

    #[test]
    fn streamed_items_print_as_lines_until_an_error() {
        let (out, err) = (
            std::rc::Rc::new(std::cell::RefCell::new(Vec::new())),
            std::rc::Rc::new(std::cell::RefCell::new(Vec::new())),
        );
        let mut inv = invocation(&["prog", "ping"]);
        inv.sink = Sink::Buffers(out.clone(), err.clone());
        let items = futures_util::stream::iter(vec![
            Ok::<_, Error<u8>>(serde_json::json!({"a": [1, 2]})),
            Ok(serde_json::json!("two")),
            Err(Error::UnexpectedStatus(raw(500, "down"))),
            Ok(serde_json::json!("never")),
        ]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(inv.lines(items)), EXIT_API);
        assert_eq!(
            String::from_utf8(out.take()).unwrap(),
            "{\"a\":[1,2]}\n\"two\"\n"
        );
        let err = String::from_utf8(err.take()).unwrap();
        assert!(
            err.starts_with("error: the server answered 500 Internal Server Error"),
            "{err}"
        );
    }
}
