//! Printing the type space as Rust items. No decisions are taken here: names,
//! shapes and boxing were settled by the resolver.

use super::*;
use crate::docs;
use crate::names::{ident, Namespace};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub struct TypeEmitter<'a> {
    space: &'a TypeSpace,
    capture_unknown: bool,
}

impl<'a> TypeEmitter<'a> {
    pub fn new(space: &'a TypeSpace) -> Self {
        Self {
            space,
            capture_unknown: true,
        }
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
        self.ty_in(ty, &TokenStream::new())
    }

    /// The type at a use site outside the `types` module (`types::Name`).
    pub fn ty_outside(&self, ty: &Ty) -> TokenStream {
        self.ty_in(ty, &quote!(types::))
    }

    fn ty_in(&self, ty: &Ty, prefix: &TokenStream) -> TokenStream {
        match ty {
            Ty::Named(id) => {
                let name = ident(self.space.name(*id));
                quote!(#prefix #name)
            }
            Ty::String => quote!(String),
            Ty::Bool => quote!(bool),
            Ty::Int(k) => k.tokens(),
            Ty::Float => quote!(f64),
            Ty::DateTime => quote!(super::runtime::DateTime),
            Ty::Date => quote!(super::runtime::Date),
            Ty::Uuid => quote!(super::runtime::Uuid),
            Ty::Base64 => quote!(super::runtime::Base64),
            Ty::Bytes => quote!(bytes::Bytes),
            Ty::Json => quote!(serde_json::Value),
            Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
            Ty::Vec(inner) => {
                let inner = self.ty_in(inner, prefix);
                quote!(Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.ty_in(inner, prefix);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            Ty::Option(inner) => {
                let inner = self.ty_in(inner, prefix);
                quote!(Option<#inner>)
            }
            Ty::Box(inner) => {
                let inner = self.ty_in(inner, prefix);
                quote!(Box<#inner>)
            }
            Ty::Unit => quote!(()),
        }
    }

    /// Every definition, in order.
    pub fn emit_all(&self) -> TokenStream {
        self.emit_range(0..self.space.defs.len())
    }

    /// The definitions with ids in `range` (for emitting in parallel chunks).
    pub fn emit_range(&self, range: std::ops::Range<usize>) -> TokenStream {
        let mut out = TokenStream::new();
        for i in range {
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

    fn emit_def(&self, id: TypeId, def: &TypeDef) -> TokenStream {
        let name = ident(&def.name);
        let fallback = format!("The `{}` schema.", def.name);
        match &def.kind {
            TypeKind::Pending => TokenStream::new(),
            TypeKind::Alias(ty) => {
                let doc = docs::attrs(&docs::lines(&def.doc, &fallback));
                let ty = self.ty(ty);
                quote! {
                    #doc
                    pub type #name = #ty;
                }
            }
            TypeKind::Newtype(ty) => {
                let doc = docs::attrs(&docs::lines(&def.doc, &fallback));
                let ty = self.ty(ty);
                quote! {
                    #doc
                    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #ty);

                    impl std::ops::Deref for #name {
                        type Target = #ty;

                        fn deref(&self) -> &#ty {
                            &self.0
                        }
                    }
                }
            }
            TypeKind::Struct(s) => self.emit_struct(id, def, s),
            TypeKind::Enum(e) => self.emit_enum(def, e),
            TypeKind::Union(u) => self.emit_union(def, u),
        }
    }

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

    fn emit_struct(&self, id: TypeId, def: &TypeDef, s: &StructDef) -> TokenStream {
        let name = ident(&def.name);
        let doc = docs::attrs(&docs::lines(
            &def.doc,
            &format!("The `{}` object.", def.name),
        ));
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
            fields.extend(quote! {
                /// Members the API description does not list, kept so that nothing the
                /// server sends is lost and a value serialises back unchanged.
                #[serde(flatten)]
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
        let mut out = quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
            pub struct #name {
                #fields
            }
        };
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

    fn emit_enum(&self, def: &TypeDef, e: &EnumDef) -> TokenStream {
        let name = ident(&def.name);
        let mut ddoc = def.doc.clone();
        ddoc.notes.push(
            "Values this version does not know are kept in `Unknown` and sent back unchanged."
                .into(),
        );
        let doc = docs::attrs(&docs::lines(&ddoc, &format!("The `{}` values.", def.name)));
        let mut ns = Namespace::new();
        e.variants.iter().for_each(|v| ns.reserve(&v.name));
        let unknown = format_ident!("{}", ns.claim("Unknown"));
        let mut variants = TokenStream::new();
        let mut as_wire = TokenStream::new();
        let mut from_wire = TokenStream::new();
        let default_value = def
            .doc
            .default
            .as_ref()
            .and_then(|d| e.variants.iter().find(|v| &v.value == d))
            .map(|v| v.name.clone());
        let derive_default = default_value.as_ref().map(|_| quote!(Default,));
        for v in &e.variants {
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
            variants.extend(quote!(#vdoc #default_attr #vname,));
            match (&v.value, e.repr) {
                (serde_json::Value::String(s), EnumRepr::String) => {
                    as_wire.extend(quote!(Self::#vname => #s,));
                    from_wire.extend(quote!(#s => Self::#vname,));
                }
                (val, _) => {
                    let n = Literal::i64_unsuffixed(val.as_i64().unwrap_or_default());
                    as_wire.extend(quote!(Self::#vname => #n,));
                    from_wire.extend(quote!(#n => Self::#vname,));
                }
            }
        }
        match e.repr {
            EnumRepr::String => {
                quote! {
                    #doc
                    #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
                    pub enum #name {
                        #variants
                        /// A value not listed in the API description, kept as it was sent.
                        #unknown(String),
                    }

                    impl #name {
                        /// The value as it appears on the wire.
                        pub fn as_str(&self) -> &str {
                            match self {
                                #as_wire
                                Self::#unknown(value) => value,
                            }
                        }
                    }

                    impl From<&str> for #name {
                        fn from(value: &str) -> Self {
                            match value {
                                #from_wire
                                other => Self::#unknown(other.to_string()),
                            }
                        }
                    }

                    impl std::str::FromStr for #name {
                        type Err = std::convert::Infallible;

                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            Ok(Self::from(value))
                        }
                    }

                    impl std::fmt::Display for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            serializer.serialize_str(self.as_str())
                        }
                    }

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            super::runtime::deserialize_str_enum(deserializer)
                        }
                    }

                }
            }
            EnumRepr::Integer => {
                quote! {
                    #doc
                    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
                    pub enum #name {
                        #variants
                        /// A value not listed in the API description, kept as it was sent.
                        #unknown(i64),
                    }

                    impl #name {
                        /// The value as it appears on the wire.
                        pub fn as_i64(&self) -> i64 {
                            match self {
                                #as_wire
                                Self::#unknown(value) => *value,
                            }
                        }
                    }

                    impl From<i64> for #name {
                        fn from(value: i64) -> Self {
                            match value {
                                #from_wire
                                other => Self::#unknown(other),
                            }
                        }
                    }

                    impl std::fmt::Display for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            write!(f, "{}", self.as_i64())
                        }
                    }

                    impl std::str::FromStr for #name {
                        type Err = std::num::ParseIntError;

                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            value.parse::<i64>().map(Self::from)
                        }
                    }

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            serializer.serialize_i64(self.as_i64())
                        }
                    }

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            super::runtime::deserialize_int_enum(deserializer)
                        }
                    }

                }
            }
        }
    }

    fn emit_union(&self, def: &TypeDef, u: &UnionDef) -> TokenStream {
        let name = ident(&def.name);
        let mut ddoc = def.doc.clone();
        let mut ns = Namespace::new();
        u.variants.iter().for_each(|v| ns.reserve(&v.name));
        let unknown = u.fallback.then(|| format_ident!("{}", ns.claim("Unknown")));
        if let Some(tag) = &u.tag {
            ddoc.notes.push(format!(
                "Which variant a value is follows from its `{tag}` member."
            ));
        }
        if unknown.is_some() {
            ddoc.notes.push(
                "A value matching no listed variant is kept in `Unknown` and sent back unchanged."
                    .into(),
            );
        }
        let doc = docs::attrs(&docs::lines(
            &ddoc,
            &format!("One of several shapes (`{}`).", def.name),
        ));
        let mut variants = TokenStream::new();
        for v in &u.variants {
            let vname = ident(&v.name);
            let ty = self.ty(&v.ty);
            let vdoc = match (&u.tag, v.tags.as_slice()) {
                (Some(tag), tags) if !tags.is_empty() => {
                    let list: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
                    format!("`{tag}` is {}.", list.join(" or "))
                }
                _ => format!("A `{}` value.", crate::names::ident_text(&v.name)),
            };
            let vdoc = docs::attrs(&[vdoc]);
            variants.extend(quote!(#vdoc #vname(#ty),));
        }
        let unknown_variant = unknown.as_ref().map(|u| {
            quote! {
                /// A value no listed variant accepts, kept as it was sent.
                #u(serde_json::Value),
            }
        });
        match &u.tag {
            None => quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #variants
                    #unknown_variant
                }
            },
            Some(tag) => {
                let mut ser = TokenStream::new();
                let mut de = TokenStream::new();
                for v in &u.variants {
                    let vname = ident(&v.name);
                    ser.extend(quote!(Self::#vname(value) => value.serialize(serializer),));
                    let tags = &v.tags;
                    de.extend(quote! {
                        Some(#(#tags)|*) => serde_json::from_value(value).map(Self::#vname).map_err(serde::de::Error::custom),
                    });
                }
                let (unknown_ser, unknown_de) = match &unknown {
                    Some(u) => (
                        quote!(Self::#u(value) => value.serialize(serializer),),
                        quote!(_ => Ok(Self::#u(value)),),
                    ),
                    None => (
                        TokenStream::new(),
                        quote!(_ => serde_json::from_value(value).map_err(serde::de::Error::custom),),
                    ),
                };
                quote! {
                    #doc
                    #[derive(Clone, Debug, PartialEq)]
                    pub enum #name {
                        #variants
                        #unknown_variant
                    }

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            match self {
                                #ser
                                #unknown_ser
                            }
                        }
                    }

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                            let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                            match tag.as_deref() {
                                #de
                                #unknown_de
                            }
                        }
                    }
                }
            }
        }
    }
}
