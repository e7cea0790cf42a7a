//! `oneOf`/`anyOf` unions, tagged by a discriminator or tried in order.

use super::super::*;
use super::TypeEmitter;
use crate::docs;
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl TypeEmitter<'_> {
    pub(super) fn emit_union(
        &self,
        def: &TypeDef,
        doc: &Doc,
        u: &UnionDef,
        cfg: &TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let mut ddoc = doc.clone();
        let unknown = u.fallback.as_ref().map(|u| format_ident!("{}", u));
        if let Some(tag) = &u.tag {
            ddoc.notes.push(format!(
                "Which variant a value is follows from its `{tag}` member."
            ));
        }
        if let Some(unknown) = &u.fallback {
            ddoc.notes.push(format!(
                "A value matching no listed variant is kept in `{unknown}` and sent back unchanged."
            ));
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
                _ => {
                    let name = crate::names::ident_text(&v.name);
                    let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                        "An"
                    } else {
                        "A"
                    };
                    format!("{article} `{name}` value.")
                }
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
            None => {
                // Every variant tried, the one that describes the value best kept
                // (`runtime::best_fit`): serde's `untagged` takes the first that
                // decodes, and an early variant that merely tolerates a value (an
                // open enum, unknown members kept) would swallow a later one's.
                let tries = u.variants.iter().map(|v| {
                    let vname = ident(&v.name);
                    quote!(|text, value| runtime::fit(text, value).map(|(v, fit, loose)| (Self::#vname(v), fit, loose)))
                });
                let fallback = match &unknown {
                    Some(u) => quote!(Some(Self::#u)),
                    None => quote!(None),
                };
                let type_name = &def.name;
                // Each variant writes its value as it is (what serde's `untagged`
                // derive writes), without a derive macro to expand per union.
                let writes = u.variants.iter().map(|v| {
                    let vname = ident(&v.name);
                    quote!(Self::#vname(value) => serde::Serialize::serialize(value, serializer),)
                });
                let unknown_write = unknown.as_ref().map(
                    |u| quote!(Self::#u(value) => serde::Serialize::serialize(value, serializer),),
                );
                quote! {
                    #doc
                    #cfg
                    #[derive(Clone, Debug, PartialEq)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                        #unknown_variant
                    }

                    #cfg
                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            match self {
                                #(#writes)*
                                #unknown_write
                            }
                        }
                    }

                    #cfg

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            runtime::best_fit(deserializer, &[#(#tries),*], #fallback, #type_name)
                        }
                    }
                }
            }
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
                    #cfg
                    #[derive(Clone, Debug, PartialEq)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                        #unknown_variant
                    }

                    #cfg

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            match self {
                                #ser
                                #unknown_ser
                            }
                        }
                    }

                    #cfg

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
