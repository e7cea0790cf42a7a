//! Structs: fields, constructors, defaults, and their (de)serialisation.

use super::super::*;
use super::TypeEmitter;
use crate::docs;
use crate::names::ident;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

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

    pub(super) fn emit_struct(
        &self,
        id: TypeId,
        def: &TypeDef,
        doc: &Doc,
        s: &StructDef,
        cfg: &TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let doc = docs::attrs(&docs::lines(doc, &format!("The `{}` object.", def.name)));
        // Structs with flattened parts keep serde's derive (it knows which members
        // a part takes); the others get their own, much smaller, impls.
        let own_serde = !s.fields.iter().any(|f| f.flatten);
        let mut fields = TokenStream::new();
        for f in &s.fields {
            let fname = ident(&f.name);
            let fty = self.field_type(f);
            let fallback = if f.flatten {
                "Flattened members.".to_string()
            } else {
                format!("The `{}` member.", f.wire)
            };
            let fdoc = docs::attrs(&docs::lines(&f.doc, &fallback));
            let wire = &f.wire;
            let rename = (!f.flatten
                && crate::names::ident_text(&f.name).trim_start_matches("r#") != f.wire)
                .then(|| quote!(rename = #wire,));
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
                    quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "super::runtime::keep_null")])
                }
                FieldShape::OptionalNullable => {
                    quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "super::runtime::double_option")])
                }
            };
            fields.extend(quote! {
                #fdoc
                #attr
                pub #fname: #fty,
            });
        }
        if let Some((extra, ty)) = self.extra(s) {
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
            fields.extend(quote! {
                /// Members the API description does not list, kept so that nothing the
                /// server sends is lost and a value serialises back unchanged.
                #null_doc
                #attr
                pub #extra: #ty,
            });
        }
        let defaultable = self.space.has_default(&Ty::Named(id));
        let defaults: Vec<(&Field, TokenStream)> = s
            .fields
            .iter()
            .filter_map(|f| Some((f, self.default_expr(f)?)))
            .collect();
        let derive_default = (defaultable && defaults.is_empty()).then(|| quote!(Default,));
        let derive_serde = (!own_serde).then(|| quote!(serde::Serialize, serde::Deserialize));
        let mut out = quote! {
            #doc
            #cfg
            #[derive(Clone, Debug, PartialEq, #derive_default #derive_serde)]
            #[non_exhaustive]
            pub struct #name {
                #fields
            }
        };
        if own_serde {
            out.extend(self.serde_impls(def, s, cfg));
        }
        let init = |f: &Field| -> TokenStream {
            let fname = ident(&f.name);
            match defaults.iter().find(|(d, _)| std::ptr::eq(*d, f)) {
                Some((_, e)) => quote!(#fname: #e,),
                None => quote!(#fname: Default::default(),),
            }
        };
        let extra_init = self.extra(s).map(|(e, _)| {
            let e = ident(e);
            quote!(#e: Default::default(),)
        });
        if defaultable && !defaults.is_empty() {
            let inits: TokenStream = s.fields.iter().map(init).collect();
            out.extend(quote! {
                #cfg
                impl Default for #name {
                    /// Every member unset, except those with a documented default.
                    fn default() -> Self {
                        Self { #inits #extra_init }
                    }
                }
            });
        }
        // A required member whose schema allows one value only (`type: LAYER2`) is
        // filled in rather than asked for.
        let constant = |f: &Field| -> Option<TokenStream> {
            let Ty::Named(id) = self.space.unalias(&f.ty) else {
                return None;
            };
            let TypeKind::Enum(e) = &self.space.get(*id).kind else {
                return None;
            };
            let [only] = e.variants.as_slice() else {
                return None;
            };
            let (tname, vname) = (ident(self.space.name(*id)), ident(&only.name));
            Some(quote!(#tname::#vname))
        };
        let needs_arg = |f: &Field| match f.shape() {
            FieldShape::Plain => constant(f).is_none(),
            FieldShape::Flatten => !self.space.has_default(&f.ty),
            _ => false,
        };
        if s.fields
            .iter()
            .any(|f| f.shape() == FieldShape::Plain || needs_arg(f))
        {
            let mut args = Vec::new();
            let mut inits = TokenStream::new();
            let mut arg_docs = Vec::new();
            let mut fixed_docs = Vec::new();
            for f in &s.fields {
                let fname = ident(&f.name);
                if needs_arg(f) {
                    let t = self.ty(&f.ty);
                    args.push(quote!(#fname: impl Into<#t>));
                    inits.extend(quote!(#fname: #fname.into(),));
                    if !f.flatten {
                        arg_docs.push(format!("`{}`", f.wire));
                    }
                } else if let (FieldShape::Plain, Some(value)) = (f.shape(), constant(f)) {
                    inits.extend(quote!(#fname: #value,));
                    fixed_docs.push(format!("`{}`", f.wire));
                } else {
                    inits.extend(init(f));
                }
            }
            let allow = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
            let mut ndoc_text = if arg_docs.is_empty() {
                "A value with the members that must always be present.".to_string()
            } else {
                format!(
                    "A value with the required members, in this order: {}. The others are unset.",
                    arg_docs.join(", ")
                )
            };
            if !fixed_docs.is_empty() {
                ndoc_text.push_str(&format!(
                    " {} can only take one value and is set to it.",
                    fixed_docs.join(", ")
                ));
            }
            let ndoc = docs::attrs(&[ndoc_text]);
            out.extend(quote! {
                #cfg
                impl #name {
                    #ndoc
                    #allow
                    pub fn new(#(#args),*) -> Self {
                        Self { #inits #extra_init }
                    }
                }
            });
            if args.is_empty() {
                out.extend(quote! {
                    #cfg
                    impl Default for #name {
                        fn default() -> Self {
                            Self::new()
                        }
                    }
                });
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
