//! `enum` schemas: Rust enums with a variant per value and one for unknown values.

use super::super::shape::Shape;
use super::super::*;
use super::*;
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, pointer_push};
use crate::names::{Namespace, camel};
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

impl<'d> Resolver<'d> {
    pub(super) fn enum_type(
        &mut self,
        schema: &Schema,
        shape: &Shape<'_>,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
    ) -> Ty {
        let values: Vec<&Value> = shape.enumeration.iter().filter(|v| !v.is_null()).collect();
        let declared = shape.ty;
        let all_strings = !values.is_empty() && values.iter().all(|v| v.is_string());
        let all_ints = !values.is_empty() && values.iter().all(|v| v.as_i64().is_some());
        if let Some(t) = declared {
            let matches = match t {
                "string" => all_strings,
                "integer" => all_ints,
                "number" => values.iter().all(|v| v.is_number()),
                "boolean" => values.iter().all(|v| v.is_boolean()),
                _ => true,
            };
            if !matches {
                self.diags.push(
                    Diagnostic::warning(
                        pointer_push(ptr, "enum"),
                        format!("enum values do not all match the declared type `{t}`"),
                    )
                    .with_code(Code::EnumType)
                    .with_help("make every listed value a value of the schema's type"),
                );
            }
        }
        let repr = if all_strings {
            EnumRepr::String
        } else if all_ints {
            EnumRepr::Integer
        } else {
            let ty = match declared {
                Some("boolean") => Ty::Bool,
                Some("number") => Ty::Float,
                Some("string") if values.is_empty() => Ty::String,
                _ if values.iter().all(|v| v.is_boolean()) && !values.is_empty() => Ty::Bool,
                _ if values.iter().all(|v| v.is_number()) && !values.is_empty() => Ty::Float,
                _ => {
                    if !values.is_empty() {
                        self.diags.push(
                            Diagnostic::warning(
                                pointer_push(ptr, "enum"),
                                "enum mixes values of different kinds; using `serde_json::Value`",
                            )
                            .with_code(Code::Fallback),
                        );
                    }
                    Ty::Json
                }
            };
            return self.alias_or(target, ty, doc, ptr);
        };
        let names_ext = ["x-enum-varnames", "x-enumNames"]
            .iter()
            .find_map(|k| schema.schema_data.extensions.get(*k))
            .and_then(Value::as_array)
            .filter(|a| a.len() == shape.enumeration.len());
        let descriptions = ["x-enum-descriptions", "x-enumDescriptions"]
            .iter()
            .find_map(|k| schema.schema_data.extensions.get(*k))
            .and_then(Value::as_array)
            .filter(|a| a.len() == shape.enumeration.len());
        let values = shape.enumeration.iter().enumerate().map(|(i, v)| {
            let name = names_ext.and_then(|n| n[i].as_str());
            let doc = descriptions.and_then(|d| d[i].as_str()).map(str::to_string);
            (v, name, doc)
        });
        self.enum_def(target, hint, ptr, doc, repr, values)
    }

    /// One string enum of a `oneOf`/`anyOf` whose members are each a list of
    /// strings ([`documented_values`]): each value documented by its member.
    pub(super) fn documented_enum_type(
        &mut self,
        values: &[(Value, Option<String>)],
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
    ) -> Ty {
        let values = values.iter().map(|(v, doc)| (v, None, doc.clone()));
        self.enum_def(target, hint, ptr, doc, EnumRepr::String, values)
    }

    /// Defines the enum of these values ([`variants_of`]).
    fn enum_def<'v>(
        &mut self,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        repr: EnumRepr,
        values: impl Iterator<Item = (&'v Value, Option<&'v str>, Option<String>)>,
    ) -> Ty {
        let (variants, unknown) = variants_of(values);
        self.new_def(
            target,
            hint,
            ptr,
            doc,
            TypeKind::Enum(EnumDef {
                repr,
                variants,
                unknown,
            }),
        )
    }
}

/// The values of a `oneOf`/`anyOf` whose every member is written out as a list
/// of strings (`{type: string, enum: [a]}` or `{const: a}`), each with the
/// member's description: the idiom for documenting an enum value by value
/// (schemars and Dropshot write it). One enum of all the values reads as the
/// document means; a union of one-value enums would make users write
/// `Mode::Known2(ModeKnown2::B)`. `None` for any other union.
pub(super) fn documented_values(
    members: &[ReferenceOr<Schema>],
) -> Option<Vec<(Value, Option<String>)>> {
    let mut out = Vec::new();
    for member in members {
        let ReferenceOr::Item(s) = member else {
            return None;
        };
        let shape = Shape::of(s);
        let plain = matches!(shape.ty, None | Some("string"))
            && shape.format.is_none()
            && shape.properties.is_none()
            && shape.items.is_none()
            && shape.one_of.is_empty()
            && shape.any_of.is_empty()
            && shape.all_of.is_empty()
            && !shape.has_not
            && !s.schema_data.nullable;
        if !plain || shape.enumeration.is_empty() || !shape.enumeration.iter().all(Value::is_string)
        {
            return None;
        }
        let doc = s.schema_data.description.clone();
        out.extend(shape.enumeration.into_iter().map(|v| (v, doc.clone())));
    }
    Some(out)
}

/// The variants of an enum of these values (each with a name given by the
/// document, if any, and its documentation), and the name of its catch-all:
/// a value listed twice is one variant; names that collide are told apart.
fn variants_of<'v>(
    values: impl Iterator<Item = (&'v Value, Option<&'v str>, Option<String>)>,
) -> (Vec<EnumVariant>, String) {
    let mut ns = Namespace::new();
    let mut variants: Vec<EnumVariant> = Vec::new();
    // Values seen (by JSON text) and variants by lower-case name: looked up
    // per value, so an enum of 200,000 values stays linear.
    // Every value is a string or every one an integer: either is its own key.
    let mut seen: HashSet<(Option<&str>, Option<i64>)> =
        HashSet::with_capacity(values.size_hint().0);
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (value, given, doc) in values {
        if value.is_null() || !seen.insert((value.as_str(), value.as_i64())) {
            continue;
        }
        let base = match (given, value) {
            (Some(n), _) => camel(n),
            (None, Value::String(s)) if s.is_empty() => "Empty".to_string(),
            (None, Value::String(s)) => camel(s),
            (None, v) => {
                let n = v.as_i64().unwrap_or_default();
                if n < 0 {
                    format!("ValueMinus{}", n.unsigned_abs())
                } else {
                    format!("Value{n}")
                }
            }
        };
        let name = match (ns.claim_unchanged(&base), value.as_str()) {
            (Some(name), _) => name,
            (None, Some(raw)) => {
                let other = by_name
                    .get(&base.to_ascii_lowercase())
                    .and_then(|&v| variants[v].value.as_str());
                collision_name(&base, raw, other, &mut ns)
            }
            (None, None) => ns.claim(&base),
        };
        by_name
            .entry(name.to_ascii_lowercase())
            .or_insert(variants.len());
        variants.push(EnumVariant {
            name,
            value: value.clone(),
            doc,
        });
    }
    let unknown = ns.claim("Unknown");
    (variants, unknown)
}

/// A readable name for an enum value whose plain name is taken: values that differ
/// only in case get `Upper`/`Lower`, values that differ in punctuation get it
/// spelled out (`a_b` → `AUnderscoreB`); a number is the last resort.
fn collision_name(base: &str, raw: &str, other: Option<&str>, ns: &mut Namespace) -> String {
    let has_letters = raw.chars().any(char::is_alphabetic);
    let only_case = other.is_some_and(|o| o.to_lowercase() == raw.to_lowercase());
    let case_hint = if !has_letters || !only_case {
        None
    } else if !raw.chars().any(char::is_lowercase) {
        Some(format!("{base}Upper"))
    } else if !raw.chars().any(char::is_uppercase) {
        Some(format!("{base}Lower"))
    } else {
        None
    };
    let spelled = raw
        .chars()
        .any(|c| !c.is_alphanumeric())
        .then(|| camel(&spell_punctuation(raw)));
    let candidates = [case_hint, spelled];
    for candidate in candidates.into_iter().flatten() {
        if !ns.is_taken(&candidate) {
            return ns.claim(&candidate);
        }
    }
    ns.claim(base)
}

fn spell_punctuation(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let word = match c {
            '-' => " dash ",
            '_' => " underscore ",
            '.' => " dot ",
            ' ' => " space ",
            '/' => " slash ",
            ':' => " colon ",
            ',' => " comma ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

pub(super) fn is_null_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(s) => {
            let shape = Shape::of(s);
            s.schema_data.nullable
                && !shape.enumeration.is_empty()
                && shape.enumeration.iter().all(Value::is_null)
        }
        _ => false,
    }
}
