//! The `Serialize` and `Deserialize` impls of structs: small, one pass over the
//! members, unknown members kept without buffering (see the runtime's `Object`).

use super::super::*;
use super::TypeEmitter;
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

impl TypeEmitter<'_> {
    /// `Serialize` (the members in order, unset optional ones left out, then the
    /// kept unknown members) and `Deserialize` (one pass over the members, each to
    /// its field, the rest kept) of a struct without flattened parts.
    pub(super) fn serde_impls(
        &self,
        def: &TypeDef,
        s: &StructDef,
        cfg: &TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let type_name = &def.name;
        let mut writes = TokenStream::new();
        let mut locals = Vec::new();
        let mut arms = TokenStream::new();
        let mut inits = TokenStream::new();
        let extra = self.extra(s).map(|(e, _)| ident(e));
        // Where an optional member's explicit `null` is kept, if anywhere.
        let null_slot = extra.as_ref().filter(|_| s.keeps_nulls());
        for (i, f) in s.fields.iter().enumerate() {
            let fname = ident(&f.name);
            let wire = &f.wire;
            let local = quote::format_ident!("f{}", i);
            locals.push(local.clone());
            writes.extend(match (f.shape(), &extra) {
                (FieldShape::Plain | FieldShape::Nullable | FieldShape::Flatten, _) => {
                    quote!(map.serialize_entry(#wire, &self.#fname)?;)
                }
                // Unset, the kept entry of its name (an explicit `null`) is written.
                (_, Some(extra)) => quote! {
                    super::runtime::member(&mut map, #wire, &self.#fname, &self.#extra)?;
                },
                (_, None) => quote! {
                    if let Some(value) = &self.#fname {
                        map.serialize_entry(#wire, value)?;
                    }
                },
            });
            arms.extend(match (f.shape(), null_slot) {
                // An optional member sent as null reads as absent (serde's derive does
                // the same) where there is nowhere to keep the null.
                (FieldShape::Optional, None) => quote!(#wire => #local = map.next_value()?,),
                _ => quote!(#wire => #local = Some(map.next_value()?),),
            });
            inits.extend(match (f.shape(), null_slot) {
                // An optional member sent as `null` is `None`, the `null` kept with the
                // other members; nullable ones keep null apart in their own type.
                (FieldShape::Optional, Some(extra)) => {
                    quote!(#fname: super::runtime::or_null(#local, &mut #extra, #wire),)
                }
                (FieldShape::Plain, _) => {
                    quote!(#fname: super::runtime::required(#local, #wire)?,)
                }
                // A missing nullable member reads as null, as serde's derive does
                // (noted as a loose read: see `runtime::best_fit`).
                (FieldShape::Nullable, _) => quote!(#fname: super::runtime::nullable(#local),),
                _ => quote!(#fname: #local,),
            });
        }
        let (extra_write, extra_local, extra_arm, extra_init) = match self.extra(s) {
            Some((extra, ty)) => {
                let extra = ident(extra);
                let map_ty = match ty {
                    Ty::Json => quote!(serde_json::Map::new()),
                    _ => quote!(std::collections::BTreeMap::new()),
                };
                // A member the document does not describe is a loose read; one its
                // `additionalProperties` types is not.
                let note = matches!(ty, Ty::Json).then(|| quote!(super::runtime::loose();));
                // The local has the field's name (never `map` or `key`).
                // Entries named like an optional member were written in its place.
                let mut members: Vec<&str> = s
                    .fields
                    .iter()
                    .filter(|f| {
                        !matches!(
                            f.shape(),
                            FieldShape::Plain | FieldShape::Nullable | FieldShape::Flatten
                        )
                    })
                    .map(|f| f.wire.as_str())
                    .collect();
                members.sort_unstable();
                members.dedup();
                (
                    quote! {
                        super::runtime::rest(&mut map, &self.#extra, &[#(#members),*])?;
                    },
                    quote!(let mut #extra = #map_ty;),
                    quote! {
                        _ => {
                            #extra.insert(key.into_string(), map.next_value()?);
                            #note
                        }
                    },
                    quote!(#extra,),
                )
            }
            None => (
                TokenStream::new(),
                TokenStream::new(),
                quote! {
                    _ => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                },
                TokenStream::new(),
            ),
        };
        let declare = (!locals.is_empty()).then(|| {
            let nones = locals.iter().map(|_| quote!(None));
            if locals.len() == 1 {
                quote!(let mut #(#locals)* = None;)
            } else {
                quote!(let (#(mut #locals),*) = (#(#nones),*);)
            }
        });
        quote! {
            #cfg
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap as _;
                    let mut map = serializer.serialize_map(None)?;
                    #writes
                    #extra_write
                    map.end()
                }
            }

            #cfg

            impl super::runtime::Object for #name {
                const NAME: &'static str = #type_name;

                fn visit<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                    #declare
                    #extra_local
                    while let Some(key) = map.next_key::<super::runtime::Key<'de>>()? {
                        match key.as_str() {
                            #arms
                            #extra_arm
                        }
                    }
                    Ok(Self { #inits #extra_init })
                }
            }

            #cfg

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    super::runtime::deserialize_object(deserializer)
                }
            }
        }
    }
}
