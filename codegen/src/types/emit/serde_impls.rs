//! The `Serialize` and `Deserialize` impls of structs: small, one pass over the
//! members, unknown members kept without buffering (see the runtime's `Object`).

use super::super::*;
use super::TypeEmitter;
use crate::names::ident;
use crate::pieces::{List, ListKind, Part, Pieced};
use proc_macro2::TokenStream;
use quote::quote;
use std::ops::Range;

impl TypeEmitter<'_> {
    /// `Serialize` (the members in order, unset optional ones left out, then the
    /// kept unknown members) and `Deserialize` (one pass over the members, each to
    /// its field, the rest kept) of a struct without flattened parts.
    pub(super) fn serde_impls<'s>(
        &'s self,
        id: TypeId,
        def: &'s TypeDef,
        s: &'s StructDef,
    ) -> Vec<Part<'s>> {
        let n = s.fields.len();
        let name = move || ident(&def.name);
        let cfg = move || self.gate(id).cfg;
        let extra = move || self.extra(s).map(|(e, _)| ident(e));
        let local = |i: usize| quote::format_ident!("f{}", i);
        // Where an optional member's explicit `null` is kept, if anywhere.
        let keeps_nulls = self.extra(s).is_some() && s.keeps_nulls();
        let writes = List::new(ListKind::Stmts, n, move |r: Range<usize>| {
            let extra = extra();
            s.fields[r]
                .iter()
                .map(|f| {
                    let fname = ident(&f.name);
                    let wire = &f.wire;
                    match (f.shape(), &extra) {
                        (FieldShape::Plain | FieldShape::Nullable | FieldShape::Flatten, _) => {
                            quote!(map.value(#wire, &self.#fname);)
                        }
                        // Unset, the kept entry of its name (an explicit `null`) is written.
                        (_, Some(extra)) => quote!(map.member(#wire, &self.#fname, &self.#extra);),
                        (_, None) => quote!(map.optional(#wire, &self.#fname);),
                    }
                })
                .collect()
        });
        // A wide struct's decoder calls the runtime's methods (see `WIDE_STRUCT`).
        let wide = n > WIDE_STRUCT;
        let arms = List::new(ListKind::Arms, n, move |r: Range<usize>| {
            let start = r.start;
            s.fields[r]
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    let (wire, local) = (&f.wire, local(start + j));
                    match (f.shape(), keeps_nulls, wide) {
                        // An optional member sent as null reads as absent (serde's derive
                        // does the same) where there is nowhere to keep the null.
                        (FieldShape::Optional, false, false) => {
                            quote!(#wire => runtime::optional(&mut map, &mut #local),)
                        }
                        (FieldShape::Optional, false, true) => {
                            quote!(#wire => map.optional(&mut #local),)
                        }
                        (_, _, false) => {
                            quote!(#wire => runtime::value(&mut map, &mut #local),)
                        }
                        (_, _, true) => quote!(#wire => map.value(&mut #local),),
                    }
                })
                .collect()
        });
        let inits = List::new(ListKind::Fields, n, move |r: Range<usize>| {
            let start = r.start;
            let extra = extra();
            s.fields[r]
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    let (fname, wire, local) = (ident(&f.name), &f.wire, local(start + j));
                    match (f.shape(), extra.as_ref().filter(|_| keeps_nulls)) {
                        // An optional member sent as `null` is `None`, the `null` kept with
                        // the other members; nullable ones keep null apart in their own type.
                        (FieldShape::Optional, Some(extra)) if wide => {
                            quote!(#fname: #local.or_null(&mut #extra, #wire),)
                        }
                        (FieldShape::Optional, Some(extra)) => {
                            quote!(#fname: runtime::or_null(#local, &mut #extra, #wire),)
                        }
                        (FieldShape::Plain, _) if wide => {
                            quote!(#fname: #local.required(#wire)?,)
                        }
                        // A missing nullable member reads as null, as serde's derive does
                        // (noted as a loose read: see `runtime::best_fit`).
                        (FieldShape::Nullable, _) if wide => quote!(#fname: #local.nullable(),),
                        (FieldShape::Nullable, _) => {
                            quote!(#fname: runtime::nullable(#local),)
                        }
                        _ => quote!(#fname: #local,),
                    }
                })
                .collect()
        });
        // Below `WIDE_STRUCT`, the required members are checked in one `match`
        // (`(Some(f0), Some(f2)) => Ok(Self { .. })`): one `?` per member made a
        // drop path per member, and the decoders are the most costly bodies of
        // `cargo check`. Their indices:
        let required: Vec<usize> = match wide {
            true => Vec::new(),
            false => (0..n)
                .filter(|&i| matches!(s.fields[i].shape(), FieldShape::Plain))
                .collect(),
        };
        let any_required = !required.is_empty();
        let (checked_of, somes_of) = (required.clone(), required.clone());
        let checked = List::new(ListKind::Commas, required.len(), move |r: Range<usize>| {
            checked_of[r]
                .iter()
                .map(|&i| {
                    let l = local(i);
                    quote!(#l,)
                })
                .collect()
        });
        let somes = List::new(ListKind::Commas, required.len(), move |r: Range<usize>| {
            somes_of[r]
                .iter()
                .map(|&i| {
                    let l = local(i);
                    quote!(Some(#l),)
                })
                .collect()
        });
        let absent = List::new(ListKind::Commas, required.len(), move |r: Range<usize>| {
            required[r]
                .iter()
                .map(|&i| {
                    let (l, wire) = (local(i), &s.fields[i].wire);
                    quote!((#l.is_none(), #wire),)
                })
                .collect()
        });
        // The names of the optional members, which the kept ones leave out when
        // written (they were written in the member's place).
        let members: Vec<&'s str> = match self.extra(s) {
            Some(_) => {
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
                members
            }
            None => Vec::new(),
        };
        let members = List::new(ListKind::Commas, members.len(), move |r: Range<usize>| {
            members[r].iter().map(|m| quote!(#m,)).collect()
        });
        let locals = List::new(
            ListKind::Commas,
            if n > 1 { n } else { 0 },
            move |r: Range<usize>| {
                r.map(|i| {
                    let l = local(i);
                    quote!(mut #l,)
                })
                .collect()
            },
        );
        let nones = List::new(
            ListKind::Commas,
            if n > 1 { n } else { 0 },
            |r: Range<usize>| r.map(|_| quote!(None,)).collect(),
        );
        let serialize = Pieced::new(vec![writes, members], move |slots| {
            let (name, cfg) = (name(), cfg());
            let (writes, members) = (&slots[0], &slots[1]);
            let extra_write = extra().map(|extra| {
                quote! {
                    map.rest(&self.#extra, &[#members]);
                }
            });
            quote! {
                #cfg
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        let mut map = runtime::Members::new(serializer);
                        #writes
                        #extra_write
                        map.end()
                    }
                }
            }
        });
        let type_name = def.name.as_str();
        let visit = Pieced::new(
            vec![locals, nones, arms, inits, checked, somes, absent],
            move |slots| {
                let (name, cfg) = (name(), cfg());
                let (locals, nones, arms, inits) = (&slots[0], &slots[1], &slots[2], &slots[3]);
                let (checked, somes, absent) = (&slots[4], &slots[5], &slots[6]);
                let methods = wide.then(|| {
                    quote! {
                        #[allow(unused_imports)]
                        use runtime::{NullSlot as _, ReadMembers as _, Slot as _};
                    }
                });
                let declare = match n {
                    0 => None,
                    1 => {
                        let l = local(0);
                        Some(quote!(let mut #l = None;))
                    }
                    _ => Some(quote!(let (#locals) = (#nones);)),
                };
                let (extra_local, extra_arm, extra_init) = match self.extra(s) {
                    Some((extra, ty)) => {
                        let extra = ident(extra);
                        let map_ty = match ty {
                            Ty::Json => quote!(serde_json::Map::new()),
                            _ => quote!(std::collections::BTreeMap::new()),
                        };
                        // A member the document does not describe is a loose read; one its
                        // `additionalProperties` types is not.
                        let keep = match ty {
                            Ty::Json => quote!(runtime::unlisted),
                            _ => quote!(runtime::additional),
                        };
                        // The local has the field's name (never `map` or `key`).
                        (
                            quote!(let mut #extra = #map_ty;),
                            quote!(_ => #keep(&mut map, &mut #extra, key),),
                            quote!(#extra,),
                        )
                    }
                    None => (
                        TokenStream::new(),
                        quote!(_ => runtime::skip(&mut map),),
                        TokenStream::new(),
                    ),
                };
                let value = quote!(Ok(Self { #inits #extra_init }));
                let value = match any_required {
                    true => quote! {
                        match (#checked) {
                            (#somes) => #value,
                            (#checked) => Err(runtime::missing(&[#absent])),
                        }
                    },
                    false => value,
                };
                quote! {
                    #cfg
                    impl runtime::Object for #name {
                        const NAME: &'static str = #type_name;

                        fn visit<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                            #methods
                            #declare
                            #extra_local
                            while let Some(key) = runtime::key(&mut map)? {
                                match key.as_str() {
                                    #arms
                                    #extra_arm
                                }?;
                            }
                            #value
                        }
                    }
                }
            },
        );
        let (name, cfg) = (name(), cfg());
        vec![
            Part::Pieced(serialize),
            Part::Pieced(visit),
            Part::Tokens(quote! {
                #cfg
                runtime::impl_deserialize!(#name);
            }),
        ]
    }
}
