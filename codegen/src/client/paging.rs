//! `stream()` for operations with our `x-pagination` extension: every item of
//! every page, through the runtime's `paginate`.

use super::ClientEmitter;
use crate::docs;
use crate::names::ident;
use crate::operations::{Operation, PageParam};
use crate::types::FieldShape;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

impl ClientEmitter<'_> {
    pub(super) fn stream(&self, op: &Operation, error: &Ident) -> TokenStream {
        let Some(p) = &op.pagination else {
            return TokenStream::new();
        };
        let item = self.ty(&p.item);
        let (get_offset, set_offset) = page_param(&p.offset, &format_ident!("offset"));
        let (get_limit, set_limit) = page_param(&p.limit, &format_ident!("limit"));
        let default_limit = Literal::i64_unsuffixed(p.default_limit);
        let items = match &p.items {
            None => quote!(response.into_inner()),
            Some((field, optional)) => {
                let f = ident(field);
                if *optional {
                    quote!(response.into_inner().#f.unwrap_or_default())
                } else {
                    quote!(response.into_inner().#f)
                }
            }
        };
        let doc = docs::attrs(&[
            "Every item of every page, fetched lazily: the next page is requested only".to_string(),
            "when the items so far are used up, and the stream ends after a page shorter"
                .to_string(),
            format!(
                "than the limit (the request's, or {} when it sets none).",
                p.default_limit
            ),
            String::new(),
            "Paging follows the operation's `x-pagination` extension.".to_string(),
        ]);
        quote! {
            #doc
            pub fn stream(self) -> impl futures_util::Stream<Item = Result<#item, runtime::Error<#error>>> + 'a {
                let start = #get_offset.unwrap_or(0);
                let limit = #get_limit.unwrap_or(#default_limit);
                runtime::paginate(start, limit, move |offset, limit| {
                    let mut page = self.clone();
                    #set_offset
                    #set_limit
                    async move {
                        let response = page.send().await?;
                        Ok(#items)
                    }
                })
            }
        }
    }
}

/// How to read a paging number from the request (`self.op`, as `Option<i64>`),
/// and a statement setting it on `page` from the `i64` variable `value`.
fn page_param(k: &PageParam, value: &Ident) -> (TokenStream, TokenStream) {
    let param = ident(&k.param);
    let int = k.int.tokens();
    let cast = quote!(#int::try_from(#value).unwrap_or(#int::MAX));
    match &k.member {
        None if k.param_required => (
            quote!(Some(self.op.#param as i64)),
            quote!(page.op.#param = #cast;),
        ),
        None => (
            quote!(self.op.#param.map(|v| v as i64)),
            quote!(page.op.#param = Some(#cast);),
        ),
        Some((field, shape)) => {
            let f = ident(field);
            let (read, write) = match shape {
                FieldShape::Plain => (quote!(Some(p.#f as i64)), cast),
                FieldShape::OptionalNullable => (
                    quote!(p.#f.flatten().map(|v| v as i64)),
                    quote!(Some(Some(#cast))),
                ),
                _ => (quote!(p.#f.map(|v| v as i64)), quote!(Some(#cast))),
            };
            if k.param_required {
                (
                    quote!(Some(&self.op.#param).and_then(|p| #read)),
                    quote!(page.op.#param.#f = #write;),
                )
            } else {
                (
                    quote!(self.op.#param.as_ref().and_then(|p| #read)),
                    quote!(page.op.#param.get_or_insert_with(Default::default).#f = #write;),
                )
            }
        }
    }
}
