//! `events()` and `byte_stream()` on the request builder of an operation whose
//! success is (also) an event stream or a binary body: the response read as it
//! arrives, through the runtime's `EventStream` and `ByteStream`.

use super::ClientEmitter;
use crate::docs;
use crate::operations::{EventData, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

impl ClientEmitter<'_> {
    pub(super) fn streams(&self, op: &Operation, error: &Ident) -> TokenStream {
        let mut out = TokenStream::new();
        if let Some(data) = op.events() {
            let (ty, decode, what) = match data {
                EventData::Json(t) => {
                    let t = self.ty(t);
                    (
                        t.clone(),
                        quote!(runtime::json_data::<#t>),
                        "each one's data decoded from JSON".to_string(),
                    )
                }
                EventData::Text => (
                    quote!(String),
                    quote!(runtime::text_data),
                    "each one's data as the text it is".to_string(),
                ),
            };
            let doc = docs::attrs(&[
                "Sends the request asking for an event stream (`Accept: text/event-stream`)"
                    .to_string(),
                format!(
                    "and returns its events as they arrive, {what} ([`EventStream`](crate::EventStream))."
                ),
                String::new(),
                "It returns once the response head has arrived; the call's timeout bounds that"
                    .to_string(),
                "wait, and retries happen only before it. A documented error status is an"
                    .to_string(),
                "`Err` as for `send`. Where the API also needs the request itself to ask for a"
                    .to_string(),
                "stream (a `stream: true` member of the body, say), set that too.".to_string(),
            ]);
            out.extend(quote! {
                #doc
                pub fn events(self) -> impl std::future::Future<Output = Result<runtime::EventStream<#ty>, runtime::Error<#error>>> + 'a {
                    self.send_events(#decode)
                }
            });
        }
        if let Some(media) = op.binary() {
            let doc = docs::attrs(&[
                format!(
                    "Sends the request (`Accept: {media}`) and returns the body as a stream of bytes"
                ),
                "as they arrive, never held whole ([`ByteStream`](crate::ByteStream)); `send`"
                    .to_string(),
                "reads it whole. It returns once the response head has arrived; a documented"
                    .to_string(),
                "error status is an `Err` as for `send`.".to_string(),
            ]);
            out.extend(quote! {
                #doc
                pub fn byte_stream(self) -> impl std::future::Future<Output = Result<runtime::ByteStream, runtime::Error<#error>>> + 'a {
                    self.send_bytes(#media)
                }
            });
        }
        out
    }
}
