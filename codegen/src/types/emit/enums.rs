//! String and integer enums that keep values they do not know.

use super::super::*;
use super::TypeEmitter;
use crate::docs;
use crate::names::ident;
use crate::pieces::{List, ListKind, Part, Pieced};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::ops::Range;

impl TypeEmitter<'_> {
    /// The enum and its impls. The enum's variants and the arms of the two matches
    /// between variants and wire values are lists printed in pieces when long (an
    /// enum of 200,000 values is three items of 200,000 elements).
    pub(super) fn emit_enum<'s>(
        &'s self,
        id: TypeId,
        def: &'s TypeDef,
        doc: &Doc,
        e: &'s EnumDef,
    ) -> Vec<Part<'s>> {
        let mut ddoc = doc.clone();
        let unknown = &e.unknown;
        ddoc.notes.push(format!(
            "Values this version does not know are kept in `{unknown}` and sent back unchanged."
        ));
        let doc_lines = docs::lines(&ddoc, &format!("The `{}` values.", def.name));
        let default_value = def
            .doc
            .default
            .as_ref()
            .and_then(|d| e.variants.iter().find(|v| &v.value == d))
            .map(|v| v.name.clone());
        let has_default = default_value.is_some();
        // What each template needs, built again in whichever thread prints a piece.
        let common = move || {
            (
                ident(&def.name),
                format_ident!("{}", unknown),
                self.gate(id).cfg,
            )
        };
        let n = e.variants.len();
        let variants = List::new(ListKind::Commas, n, move |r: Range<usize>| {
            let mut out = TokenStream::new();
            for v in &e.variants[r] {
                let vname = ident(&v.name);
                let wire_text = match &v.value {
                    serde_json::Value::String(s) => format!("`{s}`"),
                    other => format!("`{other}`"),
                };
                let mut lines = vec![wire_text];
                if let Some(d) = &v.doc {
                    lines.push(String::new());
                    lines.extend(docs::markdown(d));
                }
                let vdoc = docs::attrs(&lines);
                let default_attr =
                    (default_value.as_deref() == Some(v.name.as_str())).then(|| quote!(#[default]));
                out.extend(quote!(#vdoc #default_attr #vname,));
            }
            out
        });
        let repr = e.repr;
        // `Self::Name => value,` (to the wire) or `value => Self::Name,` (from it).
        let arms = move |to_wire: bool| {
            move |r: Range<usize>| {
                let mut out = TokenStream::new();
                for v in &e.variants[r] {
                    let vname = ident(&v.name);
                    let wire = wire_literal(&v.value, repr);
                    out.extend(if to_wire {
                        quote!(Self::#vname => #wire,)
                    } else {
                        quote!(#wire => Self::#vname,)
                    });
                }
                out
            }
        };
        let decl = {
            move |slots: &[TokenStream]| {
                let (name, unknown, cfg) = common();
                let doc = docs::attrs(&doc_lines);
                let derive_default = has_default.then(|| quote!(Default,));
                let variants = &slots[0];
                let (copy, held) = match repr {
                    EnumRepr::String => (None, quote!(String)),
                    EnumRepr::Integer => (Some(quote!(Copy,)), quote!(i64)),
                };
                quote! {
                    #doc
                    #cfg
                    #[derive(Clone, #copy Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                        /// A value not listed in the API description, kept as it was sent.
                        #unknown(#held),
                    }
                }
            }
        };
        let to_wire = {
            move |slots: &[TokenStream]| {
                let (name, unknown, cfg) = common();
                let arms = &slots[0];
                match repr {
                    EnumRepr::String => quote! {
                        #cfg
                        impl #name {
                            /// The value as it appears on the wire.
                            pub fn as_str(&self) -> &str {
                                match self {
                                    #arms
                                    Self::#unknown(value) => value,
                                }
                            }
                        }
                    },
                    EnumRepr::Integer => quote! {
                        #cfg
                        impl #name {
                            /// The value as it appears on the wire.
                            pub fn as_i64(&self) -> i64 {
                                match self {
                                    #arms
                                    Self::#unknown(value) => *value,
                                }
                            }
                        }
                    },
                }
            }
        };
        let from_wire = {
            move |slots: &[TokenStream]| {
                let (name, unknown, cfg) = common();
                let arms = &slots[0];
                match repr {
                    EnumRepr::String => quote! {
                        #cfg
                        impl From<&str> for #name {
                            fn from(value: &str) -> Self {
                                match value {
                                    #arms
                                    other => Self::#unknown(runtime::unknown_str(other)),
                                }
                            }
                        }
                    },
                    EnumRepr::Integer => quote! {
                        #cfg
                        impl From<i64> for #name {
                            fn from(value: i64) -> Self {
                                match value {
                                    #arms
                                    other => Self::#unknown(runtime::unknown_int(other)),
                                }
                            }
                        }
                    },
                }
            }
        };
        let decl = Part::Pieced(Pieced::new(vec![variants], decl));
        let rest = Part::Tokens({
            let (name, _, cfg) = common();
            Self::enum_impls(&name, repr, &cfg)
        });
        if n > WIDE_ENUM {
            let (name, unknown, cfg) = common();
            return vec![
                decl,
                Part::Pieced(Self::enum_table(e, common)),
                Part::Tokens(Self::table_from_wire(&name, &unknown, repr, &cfg)),
                rest,
            ];
        }
        vec![
            decl,
            Part::Pieced(Pieced::new(
                vec![List::new(ListKind::Arms, n, arms(true))],
                to_wire,
            )),
            Part::Pieced(Pieced::new(
                vec![List::new(ListKind::Arms, n, arms(false))],
                from_wire,
            )),
            rest,
        ]
    }

    /// A wide enum's table of `(variant, wire value)`, in the order of the
    /// variants, and `as_str` (or `as_i64`) looking a variant up in it: each value
    /// is printed once here instead of once per `match` (see [`WIDE_ENUM`]).
    fn enum_table<'s>(
        e: &'s EnumDef,
        common: impl Fn() -> (proc_macro2::Ident, proc_macro2::Ident, TokenStream) + Sync + 's,
    ) -> Pieced<'s> {
        let repr = e.repr;
        let rows = List::new(
            ListKind::Commas,
            e.variants.len(),
            move |r: Range<usize>| {
                let mut out = TokenStream::new();
                for v in &e.variants[r] {
                    let vname = ident(&v.name);
                    let wire = wire_literal(&v.value, repr);
                    out.extend(quote!((Self::#vname, #wire),));
                }
                out
            },
        );
        Pieced::new(vec![rows], move |slots| {
            let (name, unknown, cfg) = common();
            let rows = &slots[0];
            let (held, method, kept) = match repr {
                EnumRepr::String => (quote!(&'static str), quote!(as_str), quote!(value)),
                EnumRepr::Integer => (quote!(i64), quote!(as_i64), quote!(*value)),
            };
            let returns = match repr {
                EnumRepr::String => quote!(&str),
                EnumRepr::Integer => quote!(i64),
            };
            quote! {
                #cfg
                impl #name {
                    /// Every listed value and its wire value, in the order of the variants.
                    const VALUES: &'static [(Self, #held)] = &[#rows];

                    /// The value as it appears on the wire.
                    pub fn #method(&self) -> #returns {
                        match self {
                            Self::#unknown(value) => #kept,
                            known => runtime::enum_wire(Self::VALUES, known).unwrap_or_default(),
                        }
                    }
                }
            }
        })
    }

    /// `From<&str>` (or `From<i64>`) of a wide enum: the value looked up in its table.
    fn table_from_wire(
        name: &proc_macro2::Ident,
        unknown: &proc_macro2::Ident,
        repr: EnumRepr,
        cfg: &TokenStream,
    ) -> TokenStream {
        let (wire, key, known, keep) = match repr {
            EnumRepr::String => (
                quote!(&str),
                quote!(value),
                quote!(known.clone()),
                quote!(runtime::unknown_str(value)),
            ),
            EnumRepr::Integer => (
                quote!(i64),
                quote!(&value),
                quote!(*known),
                quote!(runtime::unknown_int(value)),
            ),
        };
        quote! {
            #cfg
            impl From<#wire> for #name {
                fn from(value: #wire) -> Self {
                    static INDEX: runtime::EnumIndex = runtime::EnumIndex::new();
                    match INDEX.find(Self::VALUES, #key) {
                        Some(known) => #known,
                        None => Self::#unknown(#keep),
                    }
                }
            }
        }
    }

    /// The impls of an enum that do not list its values: the runtime's macro
    /// writes them.
    fn enum_impls(name: &proc_macro2::Ident, repr: EnumRepr, cfg: &TokenStream) -> TokenStream {
        match repr {
            EnumRepr::String => quote! {
                #cfg
                runtime::impl_str_enum!(#name);
            },
            EnumRepr::Integer => quote! {
                #cfg
                runtime::impl_int_enum!(#name);
            },
        }
    }
}

/// A value as a literal: a string, or an integer.
fn wire_literal(value: &serde_json::Value, repr: EnumRepr) -> TokenStream {
    match (value, repr) {
        (serde_json::Value::String(s), EnumRepr::String) => quote!(#s),
        (val, _) => {
            let n = Literal::i64_unsuffixed(val.as_i64().unwrap_or_default());
            quote!(#n)
        }
    }
}
