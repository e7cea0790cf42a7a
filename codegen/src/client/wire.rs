//! What goes on the wire: `Operation::write` (path, query, headers, cookies,
//! body) and `Operation::decode` (which status decodes into what).

use super::ClientEmitter;
use crate::http::Segment;
use crate::names::ident;
use crate::operations::{
    BodyKind, Decode, Location, Operation, Param, StatusMatch, Style, Undocumented2xx,
};
use crate::types::Ty;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl ClientEmitter<'_> {
    /// `Operation::write`: each parameter and the body, in the document's styles.
    pub(super) fn write_fn(&self, op: &Operation) -> TokenStream {
        let mut out = TokenStream::new();
        out.extend(path(op));
        for p in op.params.iter().filter(|p| p.location != Location::Path) {
            out.extend(with_value(p, put(p)));
        }
        if let Some(b) = &op.body {
            let n = ident(&b.name);
            let ct = &b.content_type;
            let put = match b.kind {
                BodyKind::Json => quote!(request.json(#ct, body)?;),
                BodyKind::Form => quote!(request.form(#ct, body)?;),
                BodyKind::Multipart => quote!(request.multipart(body)?;),
                BodyKind::Text => quote!(request.bytes(#ct, body.clone());),
                BodyKind::Bytes => quote!(request.upload(#ct, body)?;),
            };
            out.extend(if b.required {
                quote! { { let body = &self.#n; #put } }
            } else {
                quote! { if let Some(body) = &self.#n { #put } }
            });
        }
        let request = if out.is_empty() {
            format_ident!("_request")
        } else {
            format_ident!("request")
        };
        // `#[inline]` (here and on `decode`): compiled in the program that sends
        // the operation, not in every build of the library. A library build
        // otherwise generates machine code for every operation's encoding and
        // decoding, though a program calls a few (`cargo xtask bench --only
        // release` measures both builds).
        quote! {
            #[inline]
            fn write(&self, #request: &mut runtime::RequestParts) -> runtime::Written {
                #out
                Ok(())
            }
        }
    }

    /// `Operation::decode`: exact statuses, then ranges, then an undocumented 2xx,
    /// then `default`.
    pub(super) fn decode_fn(&self, op: &Operation, success_is_enum: bool) -> TokenStream {
        let error_name = self.error_enum_name(op);
        let response_name = format_ident!("{}Response", op.type_name);
        let mut ordered: Vec<_> = op.responses.iter().collect();
        ordered.sort_by_key(|c| match c.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        let mut arms = TokenStream::new();
        let mut only_default = None;
        // A 2xx the document does not list, before `default` takes it.
        let mut undocumented_2xx = match op.undocumented_2xx() {
            Undocumented2xx::Covered => None,
            Undocumented2xx::AsSuccess(decode) => Some(match decode {
                Decode::Json(_) => quote!(response.undocumented_json()),
                Decode::Text => quote!(response.undocumented_text()),
                Decode::Bytes => quote!(response.bytes_body()),
                Decode::Empty => quote!(response.undocumented_empty()),
            }),
            // Without a `default`, the last arm says so anyway.
            Undocumented2xx::Unexpected => op
                .default_error()
                .is_some()
                .then(|| quote!(response.unexpected())),
        };
        for c in ordered {
            let pattern = match c.status {
                StatusMatch::Code(code) => {
                    let lit = Literal::u16_unsuffixed(code);
                    quote!(#lit)
                }
                StatusMatch::Range(r) => {
                    let lo = Literal::u16_unsuffixed(r * 100);
                    let hi = Literal::u16_unsuffixed(r * 100 + 99);
                    quote!(#lo..=#hi)
                }
                StatusMatch::Default => quote!(_),
            };
            let v = ident(&c.variant);
            let expr = if c.success {
                let decode = match &c.decode {
                    Decode::Json(t) if success_is_enum => {
                        let t = self.ty(t);
                        quote!(response.json::<#t, _>())
                    }
                    Decode::Json(_) => quote!(response.json()),
                    Decode::Text => quote!(response.text_body()),
                    Decode::Bytes => quote!(response.bytes_body()),
                    Decode::Empty => quote!(response.empty()),
                };
                match (success_is_enum, &c.decode) {
                    (false, _) => decode,
                    (true, Decode::Empty) => {
                        quote!(#decode.map(|r| r.map(|()| #response_name::#v)))
                    }
                    (true, _) => quote!(#decode.map(|r| r.map(#response_name::#v))),
                }
            } else {
                match &c.decode {
                    // `default` stands for every status not listed: a body that is
                    // not its type is an unexpected response, not a decoding error.
                    Decode::Json(_) if c.status == StatusMatch::Default => {
                        quote!(Err(response.default_error_json(#error_name::#v)))
                    }
                    Decode::Json(_) => quote!(Err(response.error_json(#error_name::#v))),
                    Decode::Text => quote!(Err(response.error_text(#error_name::#v))),
                    Decode::Bytes => quote! {
                        Err({
                            let body = response.body.clone();
                            response.error_empty(#error_name::#v(body))
                        })
                    },
                    Decode::Empty => quote!(Err(response.error_empty(#error_name::#v))),
                }
            };
            if c.status == StatusMatch::Default {
                only_default = Some(expr.clone());
                if let Some(decode) = undocumented_2xx.take() {
                    arms.extend(quote! {
                        200..=299 => #decode,
                    });
                }
            }
            arms.extend(quote!(#pattern => #expr,));
        }
        if let Some(decode) = undocumented_2xx {
            arms.extend(quote! {
                200..=299 => #decode,
            });
        }
        if only_default.is_none() {
            arms.extend(quote!(_ => response.unexpected(),));
        }
        // Range patterns (`400..=499`) are cheaper to compile than guards; a code
        // before its range, or a range before the undocumented 2xx, is meant (the
        // client module allows `clippy::match_overlapping_arm`).
        let body = match (op.responses.as_slice(), only_default) {
            // A lone `default` response covers every status: no dispatch needed.
            ([_], Some(expr)) => expr,
            ([], _) => quote!(response.unexpected()),
            _ => quote! {
                match response.status.as_u16() {
                    #arms
                }
            },
        };
        quote! {
            #[inline]
            fn decode(response: runtime::RawResponse) -> runtime::Decoded<Self> {
                #body
            }
        }
    }
}

/// The statement that writes parameter `p`, bound to `value`, on `request`.
pub(super) fn put(p: &Param) -> TokenStream {
    let call = call(p, quote!(value));
    quote!(#call?;)
}

/// The call that writes parameter `p` (its value is `value`, a reference) on
/// `request`: the client's `write` and the mock's matchers share it. Path
/// parameters are checked, in their style, and percent-encoded; the default
/// styles have short calls of their own, being the most common.
pub(super) fn call(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.wire;
    match (p.location, p.style) {
        (Location::Query, Style::Json) => quote!(request.query_json(#wire, #value)),
        (Location::Query, Style::Form) if p.explode => quote!(request.query_form(#wire, #value)),
        (Location::Query, style) => {
            let s = match style {
                Style::SpaceDelimited => quote!(runtime::Style::SpaceDelimited),
                Style::PipeDelimited => quote!(runtime::Style::PipeDelimited),
                Style::DeepObject => quote!(runtime::Style::DeepObject),
                _ => quote!(runtime::Style::Form),
            };
            let explode = p.explode;
            quote!(request.query(#wire, #value, #s, #explode))
        }
        (Location::Header, _) => quote!(request.header(#wire, #value)),
        (Location::Cookie, _) => quote!(request.cookie(#wire, #value)),
        // Strings, the common case, skip the detour through `serde_json`.
        (Location::Path, Style::Simple) if p.ty == Ty::String => {
            quote!(request.path_segment(#wire, #value))
        }
        (Location::Path, Style::Simple) if !p.explode => {
            quote!(request.path_simple(#wire, #value))
        }
        (Location::Path, style) => {
            let style = match style {
                Style::Label => quote!(runtime::PathStyle::Label),
                Style::Matrix => quote!(runtime::PathStyle::Matrix),
                _ => quote!(runtime::PathStyle::Simple),
            };
            let explode = p.explode;
            quote!(request.path_param(#wire, #value, #style, #explode))
        }
    }
}

/// The path: literal pieces and percent-encoded parameters, appended in order.
fn path(op: &Operation) -> TokenStream {
    let mut out = TokenStream::new();
    for segment in &op.template.segments {
        match segment {
            Segment::Literal(text) => out.extend(quote!(request.path(#text);)),
            Segment::Param(name) => {
                let Some(p) = op
                    .params
                    .iter()
                    .find(|p| p.location == Location::Path && &p.wire == name)
                else {
                    // Every template name has a parameter (`operations` adds missing ones).
                    continue;
                };
                let n = ident(&p.name);
                let call = call(p, quote!(&self.#n));
                out.extend(quote!(#call?;));
            }
        }
    }
    out
}

/// `put` with `value` bound to the parameter: always for a required one, when set
/// for an optional one.
fn with_value(p: &Param, put: TokenStream) -> TokenStream {
    let n = ident(&p.name);
    if p.required {
        quote! { { let value = &self.#n; #put } }
    } else {
        quote! { if let Some(value) = &self.#n { #put } }
    }
}
