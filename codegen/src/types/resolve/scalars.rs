//! Strings, numbers and integers: their Rust types and the formats that refine them.

use super::super::*;
use super::*;
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, pointer_push};
use crate::names::camel;
use serde_json::Value;

impl<'d> Resolver<'d> {
    pub(super) fn string_type(&mut self, format: Option<&str>, ptr: &str) -> Ty {
        match format {
            Some("date-time") => Ty::DateTime,
            Some("date") => Ty::Date,
            Some("uuid") => Ty::Uuid,
            Some("byte") => Ty::Base64,
            other => {
                self.check_format("string", other, ptr);
                Ty::String
            }
        }
    }

    /// Formats we know, and for which the plain type is the right one; any other
    /// format falls back to the plain type with a warning. (The string formats
    /// with a type of their own, `date-time`, `date`, `uuid` and `byte`, never
    /// come here: `string_type` takes them first.)
    pub(super) fn check_format(&mut self, ty: &str, format: Option<&str>, ptr: &str) {
        let Some(format) = format.filter(|f| !f.is_empty()) else {
            return;
        };
        let known: &[&str] = match ty {
            "string" => &[
                "binary",
                "password",
                "email",
                "idn-email",
                "uri",
                "uri-reference",
                "uri-template",
                "iri",
                "iri-reference",
                "url",
                "hostname",
                "idn-hostname",
                "ipv4",
                "ipv6",
                "ip",
                "time",
                "duration",
                "json-pointer",
                "relative-json-pointer",
                "regex",
                "html",
                "markdown",
                "text",
            ],
            "integer" => &[
                "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint",
            ],
            _ => &["float", "double"],
        };
        if !known.contains(&format) {
            let rust = match ty {
                "string" => "String",
                "integer" => "an integer type",
                _ => "f64",
            };
            self.diags.push(
                Diagnostic::warning(
                    pointer_push(ptr, "format"),
                    format!("unknown {ty} format `{format}`; using {rust}"),
                )
                .with_code(Code::Fallback)
                .with_help(
                    "the value is kept exactly; a known format would give it a more precise type",
                ),
            );
        }
    }

    /// Stores `ty` as an alias when a named type was asked for; otherwise returns it.
    pub(super) fn alias_or(&mut self, target: Option<TypeId>, ty: Ty, doc: Doc, ptr: &str) -> Ty {
        match target {
            Some(id) => {
                let def = &mut self.space.defs[id.0];
                def.doc = doc;
                def.pointer = ptr.to_string();
                // A component that is only `$ref` to itself would alias itself.
                def.kind = TypeKind::Alias(if ty == Ty::Named(id) { Ty::Json } else { ty });
                Ty::Named(id)
            }
            None => ty,
        }
    }

    pub(super) fn new_def(
        &mut self,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        kind: TypeKind,
    ) -> Ty {
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let def = &mut self.space.defs[id.0];
        def.doc = doc;
        def.pointer = ptr.to_string();
        def.kind = kind;
        Ty::Named(id)
    }

    pub(super) fn type_name(&self, target: Option<TypeId>, hint: &str) -> String {
        match target {
            Some(id) => self.space.defs[id.0].name.clone(),
            None => camel(hint),
        }
    }
}

/// The Rust integer for a schema: its format's width, or wider where the document's
/// own bounds (`wide`: those beyond `i64`, as written) allow values `i64` cannot hold
/// (OpenAI's `seed` reaches 2⁶³, as JavaScript prints it).
pub(super) fn int_type(format: Option<&str>, min: Option<f64>, wide: Option<&Value>) -> Ty {
    let beyond = |key: &str, negative: bool| {
        wide.and_then(|w| w.get(key))
            .and_then(Value::as_f64)
            .is_some_and(|n| (n < 0.0) == negative)
    };
    let max_fits_u64 = wide
        .and_then(|w| w.get("maximum"))
        .is_none_or(|m| m.as_u64().is_some());
    let non_negative = min.is_some_and(|m| m >= 0.0) && !beyond("minimum", true);
    let kind = match format {
        Some("int8") => IntKind::I8,
        Some("int16") => IntKind::I16,
        Some("int32") => IntKind::I32,
        Some("uint8") => IntKind::U8,
        Some("uint16") => IntKind::U16,
        Some("uint32") => IntKind::U32,
        Some("uint64") | Some("uint") => IntKind::U64,
        _ if beyond("minimum", true) => IntKind::I128,
        _ if beyond("maximum", false) && non_negative && max_fits_u64 => IntKind::U64,
        _ if beyond("maximum", false) => IntKind::I128,
        _ => IntKind::I64,
    };
    Ty::Int(kind)
}
