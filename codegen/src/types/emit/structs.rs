//! Structs: fields, constructors, defaults, and their (de)serialisation.

use super::super::*;
use super::TypeEmitter;
use crate::docs;
use crate::names::ident;
use crate::pieces::{List, ListKind, Part, Pieced};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::ops::Range;

/// Required members `new`'s documentation names one by one; past this many it
/// gives their number (a struct of 40,000 members has a `new` of 13,000).
const LISTED_ARGS: usize = 128;

impl TypeEmitter<'_> {
    fn field_type(&self, f: &Field) -> TokenStream {
        let ty = self.ty(&f.ty);
        match f.shape() {
            FieldShape::Plain | FieldShape::Flatten => ty,
            FieldShape::Nullable | FieldShape::Optional | FieldShape::OptionalJson => {
                quote!(Option<#ty>)
            }
            FieldShape::OptionalNullable => quote!(Option<Option<#ty>>),
        }
    }

    /// The field of `f` in the struct's declaration.
    fn field_decl(&self, f: &Field, own_serde: bool) -> TokenStream {
        let fname = ident(&f.name);
        let fty = self.field_type(f);
        let fallback = if f.flatten {
            "Flattened members.".to_string()
        } else {
            format!("The `{}` member.", f.wire)
        };
        let fdoc = docs::attrs(&docs::lines(&f.doc, &fallback));
        let wire = &f.wire;
        let rename = f.renamed().then(|| quote!(rename = #wire,));
        let attr = match f.shape() {
            _ if own_serde => TokenStream::new(),
            FieldShape::Flatten => quote!(#[serde(flatten)]),
            FieldShape::Plain | FieldShape::Nullable => match &rename {
                Some(r) => quote!(#[serde(#r)]),
                None => TokenStream::new(),
            },
            FieldShape::Optional => {
                quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])
            }
            FieldShape::OptionalJson => {
                quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "runtime::keep_null")])
            }
            FieldShape::OptionalNullable => {
                quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "runtime::double_option")])
            }
        };
        quote! {
            #fdoc
            #attr
            pub #fname: #fty,
        }
    }

    /// `name: default,` in `Default` and in `new`. A wide struct's (see
    /// [`WIDE_STRUCT`]) optional members are `None`, the same value in fewer tokens.
    fn default_init(&self, f: &Field, wide: bool) -> TokenStream {
        let fname = ident(&f.name);
        match self.default_expr(f) {
            Some(e) => quote!(#fname: #e,),
            None if wide && !matches!(f.shape(), FieldShape::Plain | FieldShape::Flatten) => {
                quote!(#fname: None,)
            }
            None => quote!(#fname: Default::default(),),
        }
    }

    /// The value `new` fills in for a member that can take one value only
    /// ([`TypeSpace::constant`]).
    fn constant(&self, f: &Field) -> Option<TokenStream> {
        let (id, only) = self.space.constant(f)?;
        let (tname, vname) = (ident(self.space.name(id)), ident(&only.name));
        Some(quote!(#tname::#vname))
    }

    /// Whether `new` takes the member as an argument ([`TypeSpace::new_takes`]).
    fn needs_arg(&self, f: &Field) -> bool {
        self.space.new_takes(f)
    }

    /// The struct and its impls. Its fields, and the lists over them in its impls,
    /// are printed in pieces when long (see [`crate::pieces`]).
    pub(super) fn emit_struct<'s>(
        &'s self,
        id: TypeId,
        def: &'s TypeDef,
        doc: &Doc,
        s: &'s StructDef,
    ) -> Vec<Part<'s>> {
        let doc_lines = docs::lines(doc, &format!("The `{}` object.", def.name));
        let own_serde = s.own_serde();
        let n = s.fields.len();
        let wide = n > WIDE_STRUCT;
        let name = move || ident(&def.name);
        let cfg = move || self.gate(id).cfg;
        let extra_field = move || {
            let (extra, ty) = self.extra(s)?;
            let extra = ident(extra);
            let ty = match ty {
                Ty::Json => quote!(serde_json::Map<String, serde_json::Value>),
                other => {
                    let t = self.ty(other);
                    quote!(std::collections::BTreeMap<String, #t>)
                }
            };
            let attr = (!own_serde).then(|| quote!(#[serde(flatten)]));
            let null_doc = s.keeps_nulls().then(|| {
                quote! {
                    /// So is an explicit `null` sent for an optional member, under its name.
                }
            });
            Some(quote! {
                /// Members the API description does not list, kept so that nothing the
                /// server sends is lost and a value serialises back unchanged.
                #null_doc
                #attr
                pub #extra: #ty,
            })
        };
        let extra_init = move || {
            self.extra(s).map(|(e, _)| {
                let e = ident(e);
                quote!(#e: Default::default(),)
            })
        };
        let default = self.space.struct_default(s);
        let defaultable = default == DefaultImpl::Fields;
        let has_defaults = s.fields.iter().any(|f| self.default_expr(f).is_some());
        let derive_default = defaultable && !has_defaults;
        let mut out = Vec::new();
        let fields = List::new(ListKind::Fields, n, move |r: Range<usize>| {
            s.fields[r]
                .iter()
                .map(|f| self.field_decl(f, own_serde))
                .collect()
        });
        out.push(Part::Pieced(Pieced::new(vec![fields], move |slots| {
            let (name, cfg, doc) = (name(), cfg(), docs::attrs(&doc_lines));
            let fields = &slots[0];
            let extra = extra_field();
            let derive_default = derive_default.then(|| quote!(Default,));
            let derive_serde = (!own_serde).then(|| quote!(serde::Serialize, serde::Deserialize));
            quote! {
                #doc
                #cfg
                #[derive(Clone, Debug, PartialEq, #derive_default #derive_serde)]
                #[non_exhaustive]
                pub struct #name {
                    #fields
                    #extra
                }
            }
        })));
        if own_serde {
            out.extend(self.serde_impls(id, def, s));
        }
        let inits = move |r: Range<usize>| -> TokenStream {
            s.fields[r]
                .iter()
                .map(|f| self.default_init(f, wide))
                .collect()
        };
        if defaultable && has_defaults {
            out.push(Part::Pieced(Pieced::new(
                vec![List::new(ListKind::Fields, n, inits)],
                move |slots| {
                    let (name, cfg, inits, extra_init) = (name(), cfg(), &slots[0], extra_init());
                    quote! {
                        #cfg
                        impl Default for #name {
                            /// Every member unset, except those with a documented default.
                            fn default() -> Self {
                                Self { #inits #extra_init }
                            }
                        }
                    }
                },
            )));
        }
        if s.fields
            .iter()
            .any(|f| f.shape() == FieldShape::Plain || self.needs_arg(f))
        {
            let mut arg_docs = Vec::new();
            let mut fixed_docs = Vec::new();
            let mut args_len = 0;
            for f in &s.fields {
                if self.needs_arg(f) {
                    args_len += 1;
                    if !f.flatten {
                        arg_docs.push(format!("`{}`", f.wire));
                    }
                } else if f.shape() == FieldShape::Plain && self.constant(f).is_some() {
                    fixed_docs.push(format!("`{}`", f.wire));
                }
            }
            let mut ndoc_text = if arg_docs.is_empty() {
                "A value with the members that must always be present.".to_string()
            } else if arg_docs.len() > LISTED_ARGS {
                // Printed with every piece of a wide struct's `new`: not a list as
                // long as the struct.
                format!(
                    "A value with the {} required members, in the order of the fields. The others are unset.",
                    arg_docs.len()
                )
            } else {
                format!(
                    "A value with the required members, in this order: {}. The others are unset.",
                    arg_docs.join(", ")
                )
            };
            if fixed_docs.len() > LISTED_ARGS {
                ndoc_text.push_str(&format!(
                    " {} members can only take one value each and are set to it.",
                    fixed_docs.len()
                ));
            } else if !fixed_docs.is_empty() {
                ndoc_text.push_str(&format!(
                    " {} can only take one value and is set to it.",
                    fixed_docs.join(", ")
                ));
            }
            // The arguments are the fields `new` takes, in order.
            let arg_fields: Vec<usize> = (0..n).filter(|&i| self.needs_arg(&s.fields[i])).collect();
            let args = List::new(
                ListKind::Fields,
                arg_fields.len(),
                move |r: Range<usize>| {
                    arg_fields[r]
                        .iter()
                        .map(|&i| {
                            let f = &s.fields[i];
                            let (fname, t) = (ident(&f.name), self.ty(&f.ty));
                            quote!(#fname: impl Into<#t>,)
                        })
                        .collect()
                },
            );
            let new_inits = List::new(ListKind::Fields, n, move |r: Range<usize>| {
                s.fields[r]
                    .iter()
                    .map(|f| {
                        let fname = ident(&f.name);
                        if self.needs_arg(f) {
                            quote!(#fname: #fname.into(),)
                        } else if let (FieldShape::Plain, Some(value)) =
                            (f.shape(), self.constant(f))
                        {
                            quote!(#fname: #value,)
                        } else {
                            self.default_init(f, wide)
                        }
                    })
                    .collect()
            });
            out.push(Part::Pieced(Pieced::new(
                vec![args, new_inits],
                move |slots| {
                    let (name, cfg, extra_init) = (name(), cfg(), extra_init());
                    let (args, inits) = (&slots[0], &slots[1]);
                    let ndoc = docs::attrs(std::slice::from_ref(&ndoc_text));
                    let allow =
                        (args_len > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
                    quote! {
                        #cfg
                        impl #name {
                            #ndoc
                            #allow
                            pub fn new(#args) -> Self {
                                Self { #inits #extra_init }
                            }
                        }
                    }
                },
            )));
            if default == DefaultImpl::ViaNew {
                let (name, cfg) = (name(), cfg());
                out.push(Part::Tokens(quote! {
                    #cfg
                    impl Default for #name {
                        fn default() -> Self {
                            Self::new()
                        }
                    }
                }));
            }
        }
        out
    }

    /// A documented default as a Rust expression, where it can be written as one.
    fn default_expr(&self, f: &Field) -> Option<TokenStream> {
        let value = f.doc.default.as_ref()?;
        let inner = self.literal(&f.ty, value)?;
        match f.shape() {
            FieldShape::Optional | FieldShape::Nullable | FieldShape::OptionalJson => {
                Some(quote!(Some(#inner)))
            }
            FieldShape::OptionalNullable => Some(quote!(Some(Some(#inner)))),
            _ => None,
        }
    }

    fn literal(&self, ty: &Ty, value: &serde_json::Value) -> Option<TokenStream> {
        use serde_json::Value as V;
        match (self.space.unalias(ty), value) {
            (Ty::String, V::String(s)) => Some(quote!(#s.to_string())),
            (Ty::Bool, V::Bool(b)) => Some(quote!(#b)),
            (Ty::Int(k), V::Number(n)) => {
                let i = n.as_i64()?;
                let lit = match k {
                    IntKind::I8 => Literal::i8_suffixed(i8::try_from(i).ok()?),
                    IntKind::I16 => Literal::i16_suffixed(i16::try_from(i).ok()?),
                    IntKind::I32 => Literal::i32_suffixed(i32::try_from(i).ok()?),
                    IntKind::I64 => Literal::i64_suffixed(i),
                    IntKind::I128 => Literal::i128_suffixed(i128::from(i)),
                    IntKind::U8 => Literal::u8_suffixed(u8::try_from(i).ok()?),
                    IntKind::U16 => Literal::u16_suffixed(u16::try_from(i).ok()?),
                    IntKind::U32 => Literal::u32_suffixed(u32::try_from(i).ok()?),
                    IntKind::U64 => Literal::u64_suffixed(u64::try_from(i).ok()?),
                };
                Some(quote!(#lit))
            }
            (Ty::Float, V::Number(n)) => {
                let lit = Literal::f64_suffixed(n.as_f64()?);
                Some(quote!(#lit))
            }
            (Ty::Named(id), v) => match &self.space.get(*id).kind {
                TypeKind::Enum(e) => {
                    let variant = e.variants.iter().find(|var| &var.value == v)?;
                    let tname = ident(self.space.name(*id));
                    let vname = ident(&variant.name);
                    Some(quote!(#tname::#vname))
                }
                _ => None,
            },
            _ => None,
        }
    }
}
