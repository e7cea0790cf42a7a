//! A program that calls every operation of a generated crate, for the release
//! build benchmark: what a library build leaves to its callers (an operation's
//! decoding marked `#[inline]`, say) is paid back here, so the two builds are
//! reported together. One for our crate and one for cargo-progenitor's, each
//! read from the generated sources with `syn`.

use anyhow::{Context, Result};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::Path;

/// One function per operation of our crate: it takes the prepared request (so
/// no argument has to be made up) and returns the boxed call that sends it,
/// which compiles the operation's sending and decoding into this crate.
pub fn ours(krate: &Path, lib: &str) -> Result<String> {
    let lib = format_ident!("{lib}");
    let mut calls = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(krate.join("src/client"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let parsed = syn::parse_file(&text).with_context(|| format!("{}", file.display()))?;
        for item in parsed.items {
            let syn::Item::Impl(imp) = item else { continue };
            let is_operation = imp
                .trait_
                .as_ref()
                .and_then(|(path, _)| path.segments.last())
                .is_some_and(|s| s.ident == "Operation");
            let syn::Type::Path(ty) = &*imp.self_ty else {
                continue;
            };
            let (true, Some(name)) = (is_operation, ty.path.segments.last()) else {
                continue;
            };
            let name = &name.ident;
            let call = format_ident!("call_{}", calls.len());
            calls.push(quote! {
                pub fn #call(request: #lib::Request<'_, #lib::client::#name>) -> Call<'_> {
                    Box::pin(async move { request.send().await.is_ok() })
                }
            });
        }
    }
    Ok(print(calls))
}

/// One function per operation of cargo-progenitor's crate (its positional
/// interface: an `async fn` per operation on `Client`), with the operation's own
/// parameters, returning the boxed call.
pub fn progenitor(lib_rs: &Path, lib: &str) -> Result<String> {
    let lib = format_ident!("{lib}");
    let text = std::fs::read_to_string(lib_rs)?;
    let parsed = syn::parse_file(&text).with_context(|| format!("{}", lib_rs.display()))?;
    let mut calls = vec![quote! {
        #[allow(unused_imports)]
        use #lib::*;
    }];
    for item in parsed.items {
        let syn::Item::Impl(imp) = item else { continue };
        let on_client = matches!(&*imp.self_ty, syn::Type::Path(t) if t.path.is_ident("Client"));
        if imp.trait_.is_some() || !on_client {
            continue;
        }
        for item in imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let name = &f.sig.ident;
            let lifetimes: Vec<_> = f.sig.generics.lifetimes().collect();
            let lifetime = lifetimes.first().map(|l| &l.lifetime);
            // A type parameter (`B: Into<reqwest::Body>`) is given the type of its
            // `Into` bound, so that the call is compiled, not left generic.
            let Some(concrete) = into_bounds(&f.sig.generics) else {
                continue;
            };
            let mut params = Vec::new();
            let mut args = Vec::new();
            for input in &f.sig.inputs {
                if let syn::FnArg::Typed(t) = input {
                    let pat = &t.pat;
                    let ty = match &*t.ty {
                        syn::Type::Path(p) => p
                            .path
                            .get_ident()
                            .and_then(|i| concrete.iter().find(|(n, _)| n == i))
                            .map_or(&*t.ty, |(_, ty)| ty),
                        ty => ty,
                    };
                    params.push(quote!(#pat: #ty));
                    args.push(quote!(#pat));
                }
            }
            let call = format_ident!("call_{}", calls.len() - 1);
            calls.push(quote! {
                pub fn #call <#(#lifetimes),*> (client: &#lifetime Client, #(#params),*) -> Call<#lifetime> {
                    Box::pin(async move { client.#name(#(#args),*).await.is_ok() })
                }
            });
        }
    }
    Ok(print(calls))
}

/// Each type parameter with the type of its `Into<T>` bound; `None` when one
/// has no such bound.
fn into_bounds(generics: &syn::Generics) -> Option<Vec<(syn::Ident, syn::Type)>> {
    generics
        .type_params()
        .map(|p| {
            p.bounds.iter().find_map(|b| {
                let syn::TypeParamBound::Trait(t) = b else {
                    return None;
                };
                let last = t.path.segments.last()?;
                let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
                    return None;
                };
                match (last.ident == "Into", a.args.first()) {
                    (true, Some(syn::GenericArgument::Type(ty))) => {
                        Some((p.ident.clone(), ty.clone()))
                    }
                    _ => None,
                }
            })
        })
        .collect()
}

fn print(items: Vec<TokenStream>) -> String {
    let file = quote! {
        //! Written by `cargo xtask bench`: calls every operation.
        #![allow(clippy::all, unused)]
        /// A call as the program holds it: boxed, so that its `poll` (sending and
        /// decoding) is compiled here. An `async fn` alone would not be: nothing in
        /// a library polls it.
        pub type Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + 'a>>;
        #(#items)*
    };
    match syn::parse2::<syn::File>(file.clone()) {
        Ok(f) => prettyplease::unparse(&f),
        Err(_) => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_operations_are_found_by_their_operation_impls() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/client")).unwrap();
        std::fs::write(
            dir.path().join("src/client/pets.rs"),
            "impl runtime::Operation for ListPets {}\nimpl Clone for ListPets {}\nimpl runtime::Operation for GetPet {}\n",
        )
        .unwrap();
        let text = ours(dir.path(), "zoo").unwrap();
        assert!(
            text.contains("zoo::Request<'_, zoo::client::ListPets>"),
            "{text}"
        );
        assert!(text.contains("zoo::client::GetPet"), "{text}");
        assert_eq!(text.matches("pub fn call_").count(), 2, "{text}");
        assert!(
            text.contains("Box::pin(async move { request.send().await.is_ok() })"),
            "{text}"
        );
    }

    #[test]
    fn progenitors_operations_are_called_with_their_own_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib.rs");
        std::fs::write(
            &lib,
            "impl Client { pub async fn pet_get<'a>(&'a self, id: &'a str, limit: Option<u32>) -> Result<(), ()> { Ok(()) } pub fn baseurl(&self) -> &str { \"\" } pub async fn up<'a, B: Into<reqwest::Body>>(&'a self, body: B) {} }\nimpl Other { pub async fn no(&self) {} }\n",
        )
        .unwrap();
        let text = progenitor(&lib, "zoo").unwrap();
        assert!(text.contains("use zoo::*;"), "{text}");
        assert!(
            text.contains(
                "pub fn call_0<'a>(client: &'a Client, id: &'a str, limit: Option<u32>) -> Call<'a>"
            ),
            "{text}"
        );
        assert!(
            text.contains("client.pet_get(id, limit).await.is_ok()"),
            "{text}"
        );
        assert!(
            text.contains("pub fn call_1<'a>(client: &'a Client, body: reqwest::Body) -> Call<'a>"),
            "{text}"
        );
        assert_eq!(text.matches("pub fn call_").count(), 2, "{text}");
    }
}
