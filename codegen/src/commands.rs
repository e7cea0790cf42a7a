//! The command-line program's part of the model (crate feature `cli`), decided
//! from the resolved operations before anything is printed: each operation's
//! subcommand, and a flag per parameter and per top-level member of an object
//! body that a flag can carry, each with the kind of value it takes. Names are
//! claimed against the program's own (`reserved::CLI_COMMANDS`, `CLI_FLAGS`).

use crate::names::{Namespace, snake};
use crate::operations::{BodyKind, EventData, Operation, OperationSet};
use crate::reserved;
use crate::types::{Field, IntKind, Ty, TypeKind, TypeSpace};

/// The subcommand of each operation, by index.
#[derive(Debug, Clone, Default)]
pub struct Commands {
    pub of_operation: Vec<Command>,
}

#[derive(Debug, Clone)]
pub struct Command {
    /// The subcommand: the `Client` method in kebab case (`get-port`).
    pub name: String,
    /// One flag per parameter, in the operation's order.
    pub params: Vec<Flag>,
    /// Flags for top-level members of the JSON body: those whose value is a
    /// scalar, an enum or an array of them (objects go in `--body`).
    pub members: Vec<Member>,
    pub reading: Reading,
}

/// How a command reads a success.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// Whole, then printed (`Invocation::send`).
    Whole,
    /// As it arrives (`Invocation::stream`): an event stream as JSON lines, a
    /// binary body straight to stdout, whatever the server sends.
    Streamed {
        /// What it asks for: JSON when a success offers it, else the binary
        /// media type, else the event stream.
        accept: String,
        /// The event stream's data, when a success offers one.
        events: Option<EventData>,
        /// A success is JSON or binary, or an event stream: `--events` asks
        /// for the stream.
        ask_events: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// Without the leading `--` (`company-name`).
    pub name: String,
    pub kind: FlagKind,
    /// An array: the flag is repeated, once per item.
    pub multiple: bool,
}

/// A flag that sets a member of the body.
#[derive(Debug, Clone)]
pub struct Member {
    pub flag: Flag,
    /// The member's field in the body type.
    pub field: Field,
}

/// What a flag's value is: how the parser checks it and how it becomes JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum FlagKind {
    Text,
    Integer(IntKind),
    Number,
    Boolean,
    /// An enum's values, as text; `quoted` when they are JSON strings.
    Choice {
        values: Vec<String>,
        quoted: bool,
    },
    /// JSON text: objects, maps, arrays of arrays.
    Json,
    /// JSON text, or else a string: values the document leaves open.
    Any,
}

impl Commands {
    pub fn of(space: &TypeSpace, built: &OperationSet) -> Self {
        let mut commands = Namespace::new();
        for c in reserved::CLI_COMMANDS {
            commands.reserve(c);
        }
        let of_operation = built
            .operations
            .iter()
            .map(|op| Command {
                name: commands.claim(&kebab(&op.method_name)),
                ..flags(space, op)
            })
            .collect();
        Commands { of_operation }
    }
}

/// `snake_case` → `kebab-case`.
fn kebab(snake_name: &str) -> String {
    snake_name.replace('_', "-")
}

/// How the command of `op` reads its success.
fn reading(op: &Operation) -> Reading {
    let events = op.events().cloned();
    let binary = op.binary();
    if events.is_none() && binary.is_none() {
        return Reading::Whole;
    }
    let accept = match (op.accept_json(), binary) {
        (true, _) => op.accept(),
        (false, Some(media)) => media.to_string(),
        (false, None) => "text/event-stream".to_string(),
    };
    Reading::Streamed {
        ask_events: events.is_some() && accept != "text/event-stream",
        accept,
        events,
    }
}

fn flags(space: &TypeSpace, op: &Operation) -> Command {
    let reading = reading(op);
    let mut names = Namespace::new();
    for f in reserved::CLI_FLAGS {
        names.reserve(f);
    }
    if matches!(
        reading,
        Reading::Streamed {
            ask_events: true,
            ..
        }
    ) {
        names.reserve(reserved::CLI_EVENTS_FLAG);
    }
    let params = op
        .params
        .iter()
        .map(|p| {
            let (kind, multiple) = kind_of(space, &p.ty);
            Flag {
                name: names.claim(&kebab(&snake(&p.wire))),
                kind,
                multiple,
            }
        })
        .collect();
    let mut members = Vec::new();
    if let Some(body) = op.body.as_ref().filter(|b| {
        matches!(
            b.kind,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart
        )
    }) && let Ty::Named(id) = strip(space, &body.ty)
        && let TypeKind::Struct(s) = &space.get(*id).kind
    {
        for field in s.fields.iter().filter(|f| !f.flatten) {
            let (kind, multiple) = kind_of(space, &field.ty);
            if matches!(kind, FlagKind::Json | FlagKind::Any) {
                continue;
            }
            members.push(Member {
                flag: Flag {
                    name: names.claim(&kebab(&snake(&field.wire))),
                    kind,
                    multiple,
                },
                field: field.clone(),
            });
        }
    }
    Command {
        name: String::new(),
        params,
        members,
        reading,
    }
}

/// Through aliases, `Option` and `Box`.
fn strip<'a>(space: &'a TypeSpace, ty: &'a Ty) -> &'a Ty {
    let mut ty = space.unalias(ty);
    for _ in 0..64 {
        match ty {
            Ty::Option(inner) | Ty::Box(inner) => ty = space.unalias(inner),
            _ => break,
        }
    }
    ty
}

/// A flag's kind for a value of this type, and whether the flag repeats.
fn kind_of(space: &TypeSpace, ty: &Ty) -> (FlagKind, bool) {
    match strip(space, ty) {
        Ty::Vec(item) => (scalar(space, item).unwrap_or(FlagKind::Json), true),
        other => (
            scalar(space, other).unwrap_or_else(|| structured(space, other)),
            false,
        ),
    }
}

/// The kind of a value a flag carries as plain text.
fn scalar(space: &TypeSpace, ty: &Ty) -> Option<FlagKind> {
    Some(match strip(space, ty) {
        Ty::String | Ty::DateTime | Ty::Date | Ty::Uuid | Ty::Base64 | Ty::Bytes => FlagKind::Text,
        Ty::Bool => FlagKind::Boolean,
        Ty::Int(k) => FlagKind::Integer(*k),
        Ty::Float => FlagKind::Number,
        Ty::Named(id) => match &space.get(*id).kind {
            TypeKind::Enum(e) => {
                let values: Vec<String> = e
                    .variants
                    .iter()
                    .filter_map(|v| match &v.value {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                // The parser cannot offer an empty value: such an enum takes any text.
                if values.iter().any(String::is_empty) {
                    return Some(FlagKind::Text);
                }
                let mut seen = std::collections::HashSet::new();
                let values: Vec<String> = values
                    .into_iter()
                    .filter(|v| seen.insert(v.clone()))
                    .collect();
                if values.is_empty() {
                    return None;
                }
                FlagKind::Choice {
                    values,
                    quoted: e.repr == crate::types::EnumRepr::String,
                }
            }
            TypeKind::Newtype(inner) => return scalar(space, inner),
            _ => return None,
        },
        _ => return None,
    })
}

/// The kind of a value that is not plain text.
fn structured(space: &TypeSpace, ty: &Ty) -> FlagKind {
    match strip(space, ty) {
        Ty::Json | Ty::Unit => FlagKind::Any,
        Ty::Named(id) if matches!(space.get(*id).kind, TypeKind::Union(_)) => FlagKind::Any,
        _ => FlagKind::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use serde_json::json;

    #[test]
    fn parameters_and_flat_body_members_become_flags_of_their_kind() {
        let r = resolve(
            json!({
                "Color": {"type": "string", "enum": ["red", "green"]},
                "Level": {"type": "integer", "enum": [1, 2]},
                "Order": {"type": "object", "required": ["size"], "properties": {
                    "size": {"type": "integer", "format": "int32"},
                    "color": {"$ref": "#/components/schemas/Color"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "where": {"type": "object"},
                    "body": {"type": "boolean"}
                }}
            }),
            json!({"/orders/{id}": {"put": {
                "operationId": "help",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                    {"name": "level", "in": "query", "schema": {"$ref": "#/components/schemas/Level"}},
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
                    {"name": "all", "in": "query", "schema": {}},
                    {"name": "Size", "in": "header", "schema": {"type": "number"}}
                ],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                "responses": {"200": {"description": "ok"}}
            }}}),
        );
        let commands = Commands::of(&r.space, &r.operations);
        let c = &commands.of_operation[0];
        assert_eq!(c.name, "help2", "clap's own `help` is held back");
        let flag = |name: &str, kind, multiple| Flag {
            name: name.into(),
            kind,
            multiple,
        };
        assert_eq!(
            c.params,
            [
                flag("id", FlagKind::Text, false),
                flag(
                    "level",
                    FlagKind::Choice {
                        values: vec!["1".into(), "2".into()],
                        quoted: false
                    },
                    false
                ),
                flag("ids", FlagKind::Integer(IntKind::I64), true),
                flag("filter", FlagKind::Json, false),
                flag("all2", FlagKind::Any, false),
                flag("size", FlagKind::Number, false),
            ]
        );
        let members: Vec<(&Flag, &str)> = c
            .members
            .iter()
            .map(|m| (&m.flag, m.field.wire.as_str()))
            .collect();
        assert_eq!(
            members,
            [
                (
                    &flag("size2", FlagKind::Integer(IntKind::I32), false),
                    "size"
                ),
                (
                    &flag(
                        "color",
                        FlagKind::Choice {
                            values: vec!["red".into(), "green".into()],
                            quoted: true
                        },
                        false
                    ),
                    "color"
                ),
                (&flag("tags", FlagKind::Text, true), "tags"),
                (&flag("body2", FlagKind::Boolean, false), "body"),
            ],
            "`where` is an object: only in `--body`"
        );
    }
}
