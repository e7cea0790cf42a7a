//! Printing the type space as Rust items. Names, shapes, boxing, the catch-all
//! variants, renames, how `Default` and `new` are made and whether a struct gets
//! its own serde impls are settled in the model (the resolver,
//! [`super::TypeSpace`], [`super::StructDef`], [`super::Field`]).

mod enums;
mod serde_impls;
mod structs;
mod unions;

use super::*;
use crate::docs;
use crate::names::ident;
use crate::pieces::Part;
use proc_macro2::TokenStream;
use quote::quote;

pub struct TypeEmitter<'a> {
    space: &'a TypeSpace,
    capture_unknown: bool,
    features: Option<&'a crate::features::Features>,
}

impl<'a> TypeEmitter<'a> {
    pub fn new(space: &'a TypeSpace) -> Self {
        Self {
            space,
            capture_unknown: true,
            features: None,
        }
    }

    /// Gates each type behind the Cargo features of the operations that reach it.
    pub fn gated_by(mut self, features: &'a crate::features::Features) -> Self {
        self.features = Some(features);
        self
    }

    fn gate(&self, id: TypeId) -> crate::features::Gate {
        self.features
            .map(|f| f.type_item_gate(id))
            .unwrap_or_default()
    }

    /// Whether structs keep undeclared members in an `extra` map (the default). Off
    /// only to measure what the capture costs.
    pub fn capture_unknown(mut self, yes: bool) -> Self {
        self.capture_unknown = yes;
        self
    }

    fn extra<'s>(&self, s: &'s StructDef) -> Option<&'s (String, Ty)> {
        s.extra.as_ref().filter(|_| self.capture_unknown)
    }

    /// The type at a use site inside the `types` module.
    pub fn ty(&self, ty: &Ty) -> TokenStream {
        self.ty_in(ty, &TokenStream::new(), &quote!(runtime::))
    }

    /// The type at a use site outside the `types` module (`types::Name`).
    pub fn ty_outside(&self, ty: &Ty) -> TokenStream {
        self.ty_in(ty, &quote!(types::), &quote!(runtime::))
    }

    /// The type as another crate names it (`krate::types::Name`, `krate::DateTime`).
    pub fn ty_external(&self, ty: &Ty, krate: &proc_macro2::Ident) -> TokenStream {
        self.ty_in(ty, &quote!(#krate::types::), &quote!(#krate::))
    }

    fn ty_in(&self, ty: &Ty, prefix: &TokenStream, runtime: &TokenStream) -> TokenStream {
        match ty {
            Ty::Named(id) => {
                let name = ident(self.space.name(*id));
                quote!(#prefix #name)
            }
            Ty::String => quote!(String),
            Ty::Bool => quote!(bool),
            Ty::Int(k) => k.tokens(),
            Ty::Float => quote!(f64),
            Ty::DateTime => quote!(#runtime DateTime),
            Ty::Date => quote!(#runtime Date),
            Ty::Uuid => quote!(#runtime Uuid),
            Ty::Base64 => quote!(#runtime Base64),
            Ty::Bytes => quote!(bytes::Bytes),
            Ty::Json => quote!(serde_json::Value),
            Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
            Ty::Vec(inner) => {
                let inner = self.ty_in(inner, prefix, runtime);
                quote!(Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.ty_in(inner, prefix, runtime);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            Ty::Option(inner) => {
                let inner = self.ty_in(inner, prefix, runtime);
                quote!(Option<#inner>)
            }
            Ty::Box(inner) => {
                let inner = self.ty_in(inner, prefix, runtime);
                quote!(Box<#inner>)
            }
            Ty::Unit => quote!(()),
        }
    }

    /// The definitions with these ids, whole.
    pub fn emit_ids(&self, ids: &[usize]) -> TokenStream {
        crate::pieces::whole(self.emit_parts(ids))
    }

    /// The definitions with these ids (for emitting in parallel chunks), long
    /// items as [`Pieced`] ones.
    pub fn emit_parts(&self, ids: &[usize]) -> Vec<Part<'_>> {
        let mut out = Vec::new();
        for &i in ids {
            out.extend(self.emit_def(TypeId(i), &self.space.defs[i]));
        }
        out
    }

    /// The module's inner attributes.
    pub fn header() -> TokenStream {
        quote! {
            //! Models: one type per schema of the API description.
            #![allow(clippy::large_enum_variant, clippy::enum_variant_names, clippy::type_complexity, clippy::too_many_arguments)]
        }
    }

    fn emit_def(&self, id: TypeId, def: &'a TypeDef) -> Vec<Part<'_>> {
        let name = ident(&def.name);
        let fallback = format!("The `{}` schema.", def.name);
        let gate = self.gate(id);
        let cfg = &gate.cfg;
        let mut doc = def.doc.clone();
        doc.notes.extend(gate.note.clone());
        let tokens = match &def.kind {
            TypeKind::Pending => TokenStream::new(),
            TypeKind::Alias(ty) => {
                let doc = docs::attrs(&docs::lines(&doc, &fallback));
                let ty = self.ty(ty);
                quote! {
                    #doc
                    #cfg
                    pub type #name = #ty;
                }
            }
            TypeKind::Newtype(ty) => {
                let doc = docs::attrs(&docs::lines(&doc, &fallback));
                let ty = self.ty(ty);
                quote! {
                    #doc
                    #cfg
                    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #ty);

                    #cfg
                    impl std::ops::Deref for #name {
                        type Target = #ty;

                        fn deref(&self) -> &#ty {
                            &self.0
                        }
                    }
                }
            }
            TypeKind::Struct(s) => return self.emit_struct(id, def, &doc, s),
            TypeKind::Enum(e) => return self.emit_enum(id, def, &doc, e),
            TypeKind::Union(u) => self.emit_union(def, &doc, u, cfg),
        };
        vec![Part::Tokens(tokens)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use serde_json::json;

    /// The emitted items of the type named `name`, formatted.
    fn printed(r: &crate::test_support::Resolved, emitter: &TypeEmitter<'_>, name: &str) -> String {
        let id = r.space.defs.iter().position(|d| d.name == name).unwrap();
        crate::output::format_chunk(emitter.emit_ids(&[id]), "test").unwrap()
    }

    #[test]
    fn structs_print_their_shapes_and_own_serde_impls() {
        let r = resolve(
            json!({"P": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "tag": {"type": "string", "nullable": true}}}}),
            json!({}),
        );
        let text = printed(&r, &TypeEmitter::new(&r.space), "P");
        for needle in [
            "pub id: String,",
            "pub tag: Option<Option<String>>,",
            "pub extra: serde_json::Map<String, serde_json::Value>,",
            "impl serde::Serialize for P",
            "\"id\" => runtime::value(&mut map, &mut f0),",
            "(Some(f0),) => Ok(Self { id: f0,",
            "(f0,) => Err(runtime::missing(&[(f0.is_none(), \"id\")])),",
            "pub fn new(id: impl Into<String>) -> Self",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
        assert!(!text.contains("serde::Deserialize)]"), "no derive: {text}");
    }

    #[test]
    fn string_enums_keep_unknown_values() {
        let r = resolve(
            json!({"S": {"type": "string", "enum": ["on", "off"]}}),
            json!({}),
        );
        let text = printed(&r, &TypeEmitter::new(&r.space), "S");
        for needle in [
            "On,",
            "Off,",
            "Unknown(String),",
            "\"on\" => Self::On,",
            "other => Self::Unknown(runtime::unknown_str(other))",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
    }

    /// Past `WIDE_ENUM` values an enum prints each value once in its impls (a
    /// table), not once per `match`; at `WIDE_ENUM` it keeps the matches.
    #[test]
    fn wide_enums_print_each_value_once_in_a_table() {
        let values = |n: usize| (0..n).map(|i| format!("v-{i}")).collect::<Vec<_>>();
        let r = resolve(
            json!({
                "Wide": {"type": "string", "enum": values(crate::types::WIDE_ENUM + 1)},
                "Narrow": {"type": "string", "enum": values(crate::types::WIDE_ENUM)}
            }),
            json!({}),
        );
        let emitter = TypeEmitter::new(&r.space);
        let wide = printed(&r, &emitter, "Wide");
        for needle in [
            "const VALUES: &'static [(Self, &'static str)] = &[",
            "(Self::V0, \"v-0\"),",
            "(Self::V128, \"v-128\"),",
            "runtime::enum_wire(Self::VALUES, known)",
            "match INDEX.find(Self::VALUES, value)",
        ] {
            assert!(wide.contains(needle), "{needle}\n{wide}");
        }
        for i in 0..=crate::types::WIDE_ENUM {
            assert_eq!(wide.matches(&format!("\"v-{i}\"")).count(), 1, "v-{i}");
        }
        assert!(!wide.contains("=> Self::V"), "{wide}");
        let narrow = printed(&r, &emitter, "Narrow");
        assert!(narrow.contains("\"v-0\" => Self::V0,"), "{narrow}");
        assert!(!narrow.contains("VALUES"), "{narrow}");
    }

    /// A value called `Unknown` takes the plain name, so the catch-all becomes
    /// `Unknown2`, and the doc names that variant (issue #24, B3).
    #[test]
    fn the_doc_names_the_real_catch_all_variant() {
        let r = resolve(
            json!({
                "S": {"type": "string", "enum": ["Unknown", "on"]},
                "U": {"oneOf": [
                    {"$ref": "#/components/schemas/Unknown"},
                    {"type": "object", "title": "Other", "properties": {"b": {"type": "string"}}}
                ]},
                "Unknown": {"type": "object", "properties": {"a": {"type": "string"}}}
            }),
            json!({}),
        );
        let emitter = TypeEmitter::new(&r.space);
        let text = printed(&r, &emitter, "S");
        assert!(text.contains("Unknown2(String),"), "{text}");
        assert!(text.contains("kept in `Unknown2`"), "{text}");
        assert!(!text.contains("kept in `Unknown` "), "{text}");
        let text = printed(&r, &emitter, "U");
        assert!(text.contains("Unknown2(serde_json::Value),"), "{text}");
        assert!(text.contains("kept in `Unknown2`"), "{text}");
    }

    /// Whether a struct has `Default` has one answer: the printed impls and
    /// `TypeSpace::has_default` agree, also for a struct whose only required
    /// member can take one value (issue #24, B4).
    #[test]
    fn has_default_agrees_with_the_printed_impls() {
        let r = resolve(
            json!({
                "Kind": {"type": "string", "enum": ["page"]},
                "Fixed": {"type": "object", "required": ["kind"], "properties": {
                    "kind": {"$ref": "#/components/schemas/Kind"}, "n": {"type": "integer"}}},
                "Open": {"type": "object", "properties": {"n": {"type": "integer", "default": 3}}},
                "Needs": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
            }),
            json!({}),
        );
        let emitter = TypeEmitter::new(&r.space);
        for (name, expected) in [("Fixed", true), ("Open", true), ("Needs", false)] {
            let text = printed(&r, &emitter, name);
            let printed_default =
                text.contains(&format!("impl Default for {name}")) || text.contains("Default,");
            let id = r.space.defs.iter().position(|d| d.name == name).unwrap();
            let answer = r.space.has_default(&Ty::Named(TypeId(id)));
            assert_eq!(printed_default, expected, "{name}: {text}");
            assert_eq!(answer, expected, "{name}: has_default");
        }
    }

    /// An enum longer than a piece prints, in pieces, the text it prints whole.
    #[test]
    fn long_enums_print_in_pieces_as_they_print_whole() {
        let n = crate::pieces::PIECE_LEN * 2 + 7;
        let strings: Vec<serde_json::Value> = (0..n).map(|i| json!(format!("v-{i}"))).collect();
        let ints: Vec<serde_json::Value> = (0..n).map(|i| json!(i * 3)).collect();
        let r = resolve(
            json!({
                "S": {"type": "string", "enum": strings, "default": "v-900", "description": "Many."},
                "I": {"type": "integer", "enum": ints}
            }),
            json!({}),
        );
        let emitter = TypeEmitter::new(&r.space);
        for name in ["S", "I"] {
            let id = r.space.defs.iter().position(|d| d.name == name).unwrap();
            let whole = crate::output::format_chunk(emitter.emit_ids(&[id]), "test").unwrap();
            let pieced = crate::pieces::format_parts(emitter.emit_parts(&[id]), "test").unwrap();
            // Wide: one row of its table per value (see `WIDE_ENUM`).
            assert_eq!(whole.matches("\n        (Self::").count(), n, "{name}");
            assert_eq!(pieced, whole, "{name}");
        }
    }

    /// A struct of more members than a piece prints, in pieces, the text it prints
    /// whole: every list (fields, writes, locals, arms, inits, arguments, names).
    #[test]
    fn wide_structs_print_in_pieces_as_they_print_whole() {
        let n = crate::pieces::PIECE_LEN * 2 + 5;
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for i in 0..n {
            let schema = match i % 6 {
                0 => json!({"type": "string"}),
                1 => json!({"type": "integer", "format": "int64", "default": 3}),
                2 => json!({"type": "boolean", "nullable": true}),
                3 => {
                    json!({"type": "array", "items": {"type": "string"}, "description": "A list\nof things."})
                }
                4 => json!({"$ref": "#/components/schemas/One"}),
                _ => json!({}),
            };
            properties.insert(format!("p{i}"), schema);
            if i % 4 == 0 {
                required.push(json!(format!("p{i}")));
            }
        }
        let r = resolve(
            json!({
                "One": {"type": "string", "enum": ["only"]},
                "W": {"type": "object", "properties": properties.clone(), "required": required},
                "V": {"type": "object", "properties": properties, "additionalProperties": {"type": "integer"}}
            }),
            json!({}),
        );
        let emitter = TypeEmitter::new(&r.space);
        for name in ["W", "V"] {
            let id = r.space.defs.iter().position(|d| d.name == name).unwrap();
            let whole = crate::output::format_chunk(emitter.emit_ids(&[id]), "test").unwrap();
            let pieced = crate::pieces::format_parts(emitter.emit_parts(&[id]), "test").unwrap();
            // Past `WIDE_STRUCT` members the decoder reads with the runtime's methods.
            assert!(whole.matches("\" => map.").count() >= n, "{name}");
            assert!(!whole.contains("\" => runtime::"), "{name}");
            assert_eq!(pieced, whole, "{name}");
        }
    }

    #[test]
    fn shared_types_carry_their_cfg_on_every_item_and_own_types_leave_it_to_the_module() {
        let ok = |schema: &str| json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}});
        let r = resolve(
            json!({
                "P": {"type": "object", "properties": {"id": {"type": "string"}}},
                "S": {"type": "object", "properties": {"id": {"type": "string"}}},
            }),
            json!({
                "/p": {"get": {"operationId": "get", "tags": ["Pets"], "responses": ok("P")}},
                "/s": {"get": {"operationId": "shared", "tags": ["Pets"], "responses": ok("S")}},
                "/o": {"get": {"operationId": "other", "tags": ["Owners"], "responses": ok("S")}},
            }),
        );
        let features = crate::features::Features::of(&r.space, &r.operations);
        let types = TypeEmitter::new(&r.space).gated_by(&features);
        // Only `pets` reaches P: it is in `types/pets.rs`, gated there once.
        let own = printed(&r, &types, "P");
        assert!(!own.contains("#[cfg("), "{own}");
        assert!(own.contains("Available with the crate feature `pets`."));
        // Both reach S: it is in `types/shared.rs`, each item gated by either.
        let shared = printed(&r, &types, "S");
        let items = shared.matches("\npub struct S").count()
            + shared.matches("\nimpl").count()
            + shared.matches("\nruntime::impl_deserialize!(S);").count();
        assert!(items >= 3, "{shared}");
        assert_eq!(
            shared
                .matches("#[cfg(any(feature = \"pets\", feature = \"owners\"))]")
                .count(),
            items,
            "{shared}"
        );
    }
}
