//! String and integer enums that keep values they do not know.

use super::super::*;
use super::TypeEmitter;
use crate::docs;
use crate::names::{Namespace, ident};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl TypeEmitter<'_> {
    pub(super) fn emit_enum(
        &self,
        def: &TypeDef,
        doc: &Doc,
        e: &EnumDef,
        cfg: &TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let mut ddoc = doc.clone();
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
                    #cfg
                    #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                        /// A value not listed in the API description, kept as it was sent.
                        #unknown(String),
                    }

                    #cfg

                    impl #name {
                        /// The value as it appears on the wire.
                        pub fn as_str(&self) -> &str {
                            match self {
                                #as_wire
                                Self::#unknown(value) => value,
                            }
                        }
                    }

                    #cfg

                    impl From<&str> for #name {
                        fn from(value: &str) -> Self {
                            match value {
                                #from_wire
                                other => Self::#unknown(super::runtime::unknown_str(other)),
                            }
                        }
                    }

                    #cfg

                    impl std::str::FromStr for #name {
                        type Err = std::convert::Infallible;

                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            Ok(Self::from(value))
                        }
                    }

                    #cfg

                    impl std::fmt::Display for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }

                    #cfg

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            serializer.serialize_str(self.as_str())
                        }
                    }

                    #cfg

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
                    #cfg
                    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                        /// A value not listed in the API description, kept as it was sent.
                        #unknown(i64),
                    }

                    #cfg

                    impl #name {
                        /// The value as it appears on the wire.
                        pub fn as_i64(&self) -> i64 {
                            match self {
                                #as_wire
                                Self::#unknown(value) => *value,
                            }
                        }
                    }

                    #cfg

                    impl From<i64> for #name {
                        fn from(value: i64) -> Self {
                            match value {
                                #from_wire
                                other => Self::#unknown(super::runtime::unknown_int(other)),
                            }
                        }
                    }

                    #cfg

                    impl std::fmt::Display for #name {
                        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            write!(f, "{}", self.as_i64())
                        }
                    }

                    #cfg

                    impl std::str::FromStr for #name {
                        type Err = std::num::ParseIntError;

                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            value.parse::<i64>().map(Self::from)
                        }
                    }

                    #cfg

                    impl serde::Serialize for #name {
                        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            serializer.serialize_i64(self.as_i64())
                        }
                    }

                    #cfg

                    impl<'de> serde::Deserialize<'de> for #name {
                        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            super::runtime::deserialize_int_enum(deserializer)
                        }
                    }

                }
            }
        }
    }
}
