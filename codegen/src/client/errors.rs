//! Which operations share an error enum.
//!
//! Documents give most operations the same error responses (a `default` with the
//! document's error object, or `4XX`/`5XX` with it): nexus's 193 operations have
//! four distinct sets. An enum per operation compiles its derived `Debug`,
//! `Clone` and `PartialEq` once per operation for nothing, so an operation whose
//! enum would print exactly as an earlier one's (variants, payloads and their
//! documentation) uses that enum, and its own name stays as an alias of it: a
//! caller's `ListPortsError::Default(e)` still matches.
//!
//! Only operations under the same Cargo features share, so the enum is in the
//! same module and compiled under the same `#[cfg]` as every alias of it.

use super::ClientEmitter;
use crate::features::Features;
use proc_macro2::Ident;
use quote::format_ident;
use std::collections::HashMap;

/// The decision, made once for the crate and read by every chunk's emitter.
#[derive(Debug, Default)]
pub struct ErrorEnums {
    /// An operation's `type_name` → the `type_name` of the operation whose enum
    /// it uses, for operations that do not print their own.
    uses: HashMap<String, String>,
    /// An operation's `type_name` → the methods of the later operations using
    /// its enum, in document order.
    users: HashMap<String, Vec<String>>,
}

impl ErrorEnums {
    /// Decides for every operation of `emitter`; `features` keeps operations
    /// under different Cargo features apart.
    pub fn of(emitter: &ClientEmitter<'_>, features: Option<&Features>) -> Self {
        let mut first: HashMap<(&[usize], String), &str> = HashMap::new();
        let mut decided = ErrorEnums::default();
        for (i, op) in emitter.built.operations.iter().enumerate() {
            let apart = features
                .and_then(|f| f.of_operation.get(i))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let printed = emitter.error_variants(op).to_string();
            match first.get(&(apart, printed.clone())) {
                Some(owner) => {
                    decided.uses.insert(op.type_name.clone(), owner.to_string());
                    decided
                        .users
                        .entry(owner.to_string())
                        .or_default()
                        .push(op.method_name.clone());
                }
                None => {
                    first.insert((apart, printed), &op.type_name);
                }
            }
        }
        decided
    }

    /// The enum an operation's errors are (its own name when it prints one).
    pub fn enum_of(&self, type_name: &str) -> Ident {
        let owner = self.uses.get(type_name).map_or(type_name, String::as_str);
        format_ident!("{owner}Error")
    }

    /// The operation whose enum this one's name is an alias of, if any.
    pub fn alias_of(&self, type_name: &str) -> Option<&str> {
        self.uses.get(type_name).map(String::as_str)
    }

    /// The methods of the other operations whose errors are this one's enum.
    pub fn users(&self, type_name: &str) -> &[String] {
        self.users.get(type_name).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use crate::types::TypeEmitter;
    use serde_json::json;

    fn op(id: &str, tag: &str, errors: serde_json::Value) -> serde_json::Value {
        let mut responses = json!({"200": {"description": "ok"}});
        responses
            .as_object_mut()
            .unwrap()
            .extend(errors.as_object().unwrap().clone());
        json!({"get": {"operationId": id, "tags": [tag], "responses": responses}})
    }

    #[test]
    fn operations_share_an_enum_only_when_it_would_print_alike_under_the_same_features() {
        let problem =
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
        let e404 = json!({"404": {"description": "Not found", "content": problem}});
        let r = resolve(
            json!({"Problem": {"type": "object", "properties": {"m": {"type": "string"}}}}),
            json!({
                "/a": op("a", "x", e404.clone()),
                "/b": op("b", "x", e404.clone()),
                // Another description: another enum's documentation.
                "/c": op("c", "x", json!({"404": {"description": "Gone", "content": problem}})),
                // Another payload.
                "/d": op("d", "x", json!({"404": {"description": "Not found"}})),
                // Alike, but under another feature (another module and `#[cfg]`).
                "/e": op("e", "y", e404.clone()),
                "/f": op("f", "x", e404),
            }),
        );
        let types = TypeEmitter::new(&r.space);
        let settings = crate::test_support::client_settings();
        let emitter = ClientEmitter::new(&r.space, &types, &r.operations, settings);
        let features = Features::of(&r.space, &r.operations);
        let e = ErrorEnums::of(&emitter, Some(&features));
        let enum_of = |t: &str| e.enum_of(t).to_string();
        assert_eq!(enum_of("A"), "AError");
        assert_eq!(enum_of("B"), "AError");
        assert_eq!(enum_of("F"), "AError");
        assert_eq!(enum_of("C"), "CError");
        assert_eq!(enum_of("D"), "DError");
        assert_eq!(enum_of("E"), "EError");
        assert_eq!(e.alias_of("B"), Some("A"));
        assert_eq!(e.alias_of("A"), None);
        assert_eq!(e.users("A"), ["b", "f"]);
        // Without features (one module, no `#[cfg]`), `e` shares too.
        let e = ErrorEnums::of(&emitter, None);
        assert_eq!(e.enum_of("E").to_string(), "AError");
    }
}
