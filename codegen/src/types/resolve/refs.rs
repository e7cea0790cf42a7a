//! `$ref`s to schemas: followed to the schema, and to the named type made for it.

use super::super::*;
use super::*;
use crate::diagnostics::{Diagnostic, pointer_unescape};
use crate::refs::{RefError, local_pointer};
use openapiv3::{ReferenceOr, Schema};
use std::borrow::Cow;

/// What a schema `$ref` that reaches no schema becomes.
const ANY: &str = "the value may be any JSON (`serde_json::Value`)";

impl<'d> Resolver<'d> {
    /// Resolves a `$ref`: the named type it points at, created on first use for
    /// pointers outside `#/components/schemas`.
    pub(super) fn follow(&mut self, reference: &str, at: &str) -> Resolved {
        let Some(target) = self.normalize_ref(reference, at) else {
            return Resolved {
                ty: Ty::Json,
                nullable: false,
                doc: Doc::default(),
            };
        };
        let Some(schema) = self.lookup(&target, at) else {
            return Resolved {
                ty: Ty::Json,
                nullable: false,
                doc: Doc::default(),
            };
        };
        let nullable = self.nullable(&schema, 0);
        let doc = doc_of(&schema);
        if let Some(id) = self.by_pointer.get(&target) {
            return Resolved {
                ty: Ty::Named(*id),
                nullable,
                doc,
            };
        }
        // Past the limit once, the document is refused: nothing more is followed.
        if self.following.len() >= self.limits.ref_depth || self.too_deep_reported {
            return self.too_deep(at);
        }
        if self.following.contains(&target) {
            self.diags
                .push(RefError::Loop.diagnostic(reference, at, "schema", ANY));
            return Resolved {
                ty: Ty::Json,
                nullable,
                doc,
            };
        }
        let hint = target
            .rsplit('/')
            .next()
            .map(pointer_unescape)
            .unwrap_or_default();
        let id = self.reserve(&hint, &target);
        self.by_pointer.insert(target.clone(), id);
        self.following.push(target.clone());
        let name = self.space.defs[id.0].name.clone();
        self.define_schema(&schema, Some(id), &name, &target);
        self.following.pop();
        Resolved {
            ty: Ty::Named(id),
            nullable,
            doc,
        }
    }

    /// References nested past the limit: a located, fatal error (the document
    /// is refused), reported once.
    pub(super) fn too_deep(&mut self, at: &str) -> Resolved {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            let limit = self.limits.ref_depth;
            self.diags.push(
                Diagnostic::error(
                    at,
                    format!(
                        "references nest more than {limit} deep here (each schema a `$ref` \
                         to the next, or holding the next through `allOf` or a member)"
                    ),
                )
                .with_code("limit")
                .with_help(crate::limits::Limits::how_to_raise("ref-depth", limit)),
            );
        }
        Resolved {
            ty: Ty::Json,
            nullable: false,
            doc: Doc::default(),
        }
    }

    pub(super) fn normalize_ref(&mut self, reference: &str, at: &str) -> Option<String> {
        let pointer = local_pointer(reference);
        if pointer.is_none() {
            let outside = RefError::Outside {
                reference: reference.to_string(),
            };
            self.diags
                .push(outside.diagnostic(reference, at, "schema", ANY));
        }
        pointer
    }

    /// The schema object a local reference points at (borrowed when it is a component).
    pub(super) fn lookup(&mut self, pointer: &str, at: &str) -> Option<Cow<'d, Schema>> {
        let doc = self.doc;
        if let Some(key) = pointer
            .strip_prefix("#/components/schemas/")
            .filter(|k| !k.contains('/'))
        {
            let key = pointer_unescape(key);
            if let Some(found) = doc
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&key))
            {
                match found {
                    ReferenceOr::Item(s) => return Some(Cow::Borrowed(s)),
                    ReferenceOr::Reference { reference } => {
                        return self.lookup_next(pointer, reference);
                    }
                }
            }
        }
        let found = doc.raw.pointer(pointer.trim_start_matches('#'));
        let Some(value) = found else {
            let nowhere = RefError::Nowhere {
                reference: pointer.to_string(),
            };
            self.diags
                .push(nowhere.diagnostic(pointer, at, "schema", ANY));
            return None;
        };
        match serde_json::from_value::<ReferenceOr<Schema>>(value.clone()) {
            Ok(ReferenceOr::Item(s)) => Some(Cow::Owned(s)),
            Ok(ReferenceOr::Reference { reference }) => self.lookup_next(pointer, &reference),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        at,
                        format!("`$ref: {pointer}` does not point at a schema: {e}"),
                    )
                    .with_code("ref-not-schema")
                    .with_help("a schema reference must point at a Schema Object")
                    .with_repair(ANY),
                );
                None
            }
        }
    }

    /// A reference to a reference: follow it to the schema.
    pub(super) fn lookup_next(
        &mut self,
        pointer: &str,
        reference: &str,
    ) -> Option<Cow<'d, Schema>> {
        if self.following.iter().any(|p| p == pointer) {
            self.diags
                .push(RefError::Loop.diagnostic(reference, pointer, "schema", ANY));
            return None;
        }
        if self.following.len() >= self.limits.ref_depth || self.too_deep_reported {
            self.too_deep(pointer);
            return None;
        }
        self.following.push(pointer.to_string());
        let next = self.normalize_ref(reference, pointer);
        let out = next.and_then(|n| self.lookup(&n, pointer));
        self.following.pop();
        out
    }
}
