//! `$ref`s to schemas: followed to the schema, and to the named type made for it.

use super::super::*;
use super::*;
use crate::diagnostics::Code;
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
        let Some(schema) = self.lookup(reference, at) else {
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
        if self.past_depth(self.following.len(), at) {
            return self.too_deep(at);
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

    /// Whether schemas nested `depth` deep through references (each holding the
    /// next by `$ref`, `allOf` or a member) pass `ref-depth`, the limit
    /// [`crate::refs::Refs`] follows chains by; reported (once) when they do.
    pub(super) fn past_depth(&mut self, depth: usize, at: &str) -> bool {
        let past = depth >= self.refs.limit() || self.too_deep_reported;
        if past {
            self.too_deep(at);
        }
        past
    }

    /// References nested past the limit: a located, fatal error (the document
    /// is refused), reported once.
    pub(super) fn too_deep(&mut self, at: &str) -> Resolved {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            let limit = self.refs.limit();
            self.diags.push(
                Diagnostic::error(
                    at,
                    format!(
                        "references nest more than {limit} deep here (each schema a `$ref` \
                         to the next, or holding the next through `allOf` or a member)"
                    ),
                )
                .with_code(Code::Limit)
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

    /// The schema a `$ref` leads to through any chain of references, borrowed
    /// when it is a component; reported when it reaches none.
    pub(super) fn lookup(&mut self, reference: &str, at: &str) -> Option<Cow<'d, Schema>> {
        match self.schema_of(reference) {
            Ok(schema) => Some(schema),
            Err(Unreached::Ref(RefError::TooDeep { .. })) if self.too_deep_reported => None,
            Err(Unreached::Ref(e)) => {
                if matches!(e, RefError::TooDeep { .. }) {
                    self.too_deep_reported = true;
                }
                self.diags.push(e.diagnostic(reference, at, "schema", ANY));
                None
            }
            Err(Unreached::NotSchema(e)) => {
                self.diags.push(
                    Diagnostic::error(
                        at,
                        format!("`$ref: {reference}` does not point at a schema: {e}"),
                    )
                    .with_code(Code::RefNotSchema)
                    .with_help("a schema reference must point at a Schema Object")
                    .with_repair(ANY),
                );
                None
            }
        }
    }

    /// [`Self::lookup`] without a report (the caller has one of its own, or
    /// needs none).
    pub(super) fn schema_of(&self, reference: &str) -> Result<Cow<'d, Schema>, Unreached> {
        let doc = self.doc;
        let target = self.refs.follow(reference).map_err(Unreached::Ref)?;
        if let Some(key) = target
            .pointer
            .strip_prefix("#/components/schemas/")
            .filter(|k| !k.contains('/'))
            && let Some(ReferenceOr::Item(s)) = doc
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&pointer_unescape(key)))
        {
            return Ok(Cow::Borrowed(s));
        }
        let schema = self.refs.schema(&target).map_err(Unreached::NotSchema)?;
        Ok(Cow::Owned(Schema::clone(&schema)))
    }
}

/// Why a `$ref` reaches no schema.
pub(super) enum Unreached {
    Ref(RefError),
    /// What reading the value there as a schema said.
    NotSchema(String),
}
