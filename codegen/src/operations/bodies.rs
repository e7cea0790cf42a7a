//! Request bodies and responses: media types, their types, and status cases.

use super::*;

impl<'d> OperationResolver<'_, '_, 'd> {
    pub(super) fn body(&mut self, rb: &ReferenceOr<RequestBody>) -> Option<Body> {
        let at = pointer_push(self.ptr, "requestBody");
        let found = self.deref(rb, "requestBodies", |c| &c.request_bodies, &at)?;
        let rb = found.value.as_ref();
        let at = found.pointer.as_str();
        let (media, mt) = pick_media(&rb.content)?;
        let kind = media_kind(media);
        let mptr = pointer_push(&pointer_push(at, "content"), media);
        let hint = match &found.component {
            Some(c) => camel(c),
            None => format!("{}Body", self.type_name),
        };
        let ty = match kind {
            BodyKind::Text => Ty::String,
            BodyKind::Bytes => {
                self.untyped_media(media, mt, &mptr);
                Ty::Bytes
            }
            _ => match &mt.schema {
                Some(s) => {
                    let r = self
                        .resolver
                        .schema_type(s, &hint, &pointer_push(&mptr, "schema"));
                    if r.nullable { r.ty.option() } else { r.ty }
                }
                None => self.schemaless(media, &mptr),
            },
        };
        Some(Body {
            name: "body".into(),
            kind,
            content_type: media.to_string(),
            ty,
            required: rb.required,
            description: rb.description.clone(),
            schema_pointer: mt.schema.as_ref().map(|_| pointer_push(&mptr, "schema")),
        })
    }

    pub(super) fn responses(&mut self, responses: &openapiv3::Responses) -> Vec<ResponseCase> {
        let base = pointer_push(self.ptr, "responses");
        let mut cases: Vec<(StatusMatch, &ReferenceOr<Response>, String)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => StatusMatch::Code(*c),
                    StatusCode::Range(r) => StatusMatch::Range(*r),
                };
                (status, r, pointer_push(&base, &code.to_string()))
            })
            .collect();
        if let Some(d) = &responses.default {
            cases.push((StatusMatch::Default, d, pointer_push(&base, "default")));
        }
        let any_success = cases.iter().any(|(s, _, _)| s.is_success());
        let mut ns = Namespace::new();
        let mut out = Vec::new();
        for (status, r, at) in cases {
            let Some(found) = self.deref(r, "responses", |c| &c.responses, &at) else {
                continue;
            };
            let resp = found.value.as_ref();
            let at = found.pointer.as_str();
            let success = status.is_success() || (status == StatusMatch::Default && !any_success);
            let hint = match &found.component {
                Some(c) => camel(c),
                None if success => format!("{}Response", self.type_name),
                None => format!("{}{}Body", self.type_name, reason(status)),
            };
            let events = if success {
                self.event_data(&resp.content, at)
            } else {
                None
            };
            let binary = resp
                .content
                .keys()
                .filter(|_| success)
                .find(|m| media_kind(m) == BodyKind::Bytes && !is_event_stream(m))
                .cloned();
            let mut schema_pointer = None;
            let picked = pick_media(&resp.content);
            let media = picked.map(|(m, _)| m.clone());
            let decode = match picked {
                None => Decode::Empty,
                Some((media, mt)) => match media_kind(media) {
                    BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
                        match &mt.schema {
                            Some(s) => {
                                let at = pointer_push(&mptr, "schema");
                                let r = self.resolver.schema_type(s, &hint, &at);
                                schema_pointer = Some(at);
                                Decode::Json(if r.nullable { r.ty.option() } else { r.ty })
                            }
                            None => Decode::Json(self.schemaless(media, &mptr)),
                        }
                    }
                    BodyKind::Text => Decode::Text,
                    BodyKind::Bytes => {
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
                        self.untyped_media(media, mt, &mptr);
                        Decode::Bytes
                    }
                },
            };
            out.push(ResponseCase {
                status,
                decode,
                media,
                events,
                binary,
                description: resp.description.clone(),
                variant: ns.claim(&reason(status)),
                success,
                schema_pointer,
                mock_name: String::new(),
            });
        }
        out
    }

    /// The type of the events' data when `content` offers `text/event-stream`:
    /// the schema's (named after the operation when inline), the text as it is
    /// for a string schema or none.
    fn event_data(&mut self, content: &IndexMap<String, MediaType>, at: &str) -> Option<EventData> {
        let (media, mt) = content.iter().find(|(m, _)| is_event_stream(m))?;
        let Some(schema) = &mt.schema else {
            return Some(EventData::Text);
        };
        let at = pointer_push(&pointer_push(&pointer_push(at, "content"), media), "schema");
        let hint = format!("{}Event", self.type_name);
        let r = self.resolver.schema_type(schema, &hint, &at);
        let ty = if r.nullable { r.ty.option() } else { r.ty };
        Some(if ty == Ty::String {
            EventData::Text
        } else {
            EventData::Json(ty)
        })
    }

    /// A JSON (or form) body without a schema: any JSON value, reported.
    fn schemaless(&mut self, media: &str, at: &str) -> Ty {
        self.resolver.diags.push(
            Diagnostic::warning(
                at,
                format!("`{media}` has no schema; using `serde_json::Value`"),
            )
            .with_code(Code::Fallback)
            .with_help("add a `schema` so the body gets a type"),
        );
        Ty::Json
    }

    /// A body in a media type we carry as bytes: if the document gives it a
    /// (non-binary) schema, that type is not used, and we say so.
    fn untyped_media(&mut self, media: &str, mt: &MediaType, at: &str) {
        let binary = |s: &openapiv3::Schema| {
            matches!(&s.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(st))
                if matches!(st.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary | openapiv3::StringFormat::Byte)))
        };
        let typed = match &mt.schema {
            Some(ReferenceOr::Item(s)) => !binary(s),
            Some(ReferenceOr::Reference { .. }) => true,
            None => false,
        };
        if typed {
            self.resolver.diags.push(
                Diagnostic::warning(
                    at,
                    format!("`{media}` bodies are carried as raw bytes; their schema is not used"),
                )
                .with_code(Code::Fallback)
                .with_help("a JSON, form, multipart or text media type gets a typed body"),
            );
        }
    }
}

/// Which body kind a media type is: raw bytes for any type not JSON, form,
/// multipart or text.
pub fn media_kind(media: &str) -> BodyKind {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if m == "application/json"
        || m.ends_with("+json")
        || m.contains("/json")
        || m.starts_with("application/json")
    {
        BodyKind::Json
    } else if m == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if m.starts_with("multipart/") || m == "form-data" {
        BodyKind::Multipart
    } else if m.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// Whether a media type is `text/event-stream` (server-sent events).
pub fn is_event_stream(media: &str) -> bool {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("text/event-stream")
}

impl Operation {
    /// The `Accept` header of a request whose success decodes JSON: the media
    /// types the successes are read in, as the document lists them (a server
    /// that offers only `application/scim+json` may refuse `application/json`).
    /// Media types that are not plain visible ASCII cannot be a header value and
    /// are left out; `application/json` when none is left.
    pub fn accept(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        for r in self.successes() {
            if let (Decode::Json(_), Some(m)) = (&r.decode, &r.media) {
                let m = m.trim();
                let printable =
                    !m.is_empty() && m.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b',');
                if printable && !seen.iter().any(|s| s.eq_ignore_ascii_case(m)) {
                    seen.push(m);
                }
            }
        }
        if seen.is_empty() {
            "application/json".to_string()
        } else {
            seen.join(", ")
        }
    }
}

/// The media type we prefer when several are offered: JSON first (plain
/// `application/json` before its variants: GitHub offers `application/json+sarif`
/// as a string beside the object as `application/json`), an event stream last
/// (it has `events()` of its own; `send()` reads a whole body).
fn pick_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    let plain = |m: &str| {
        m.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    };
    let rank = |m: &str| match media_kind(m) {
        _ if is_event_stream(m) => 6,
        BodyKind::Json if plain(m) => 0,
        BodyKind::Json => 1,
        BodyKind::Form => 2,
        BodyKind::Multipart => 3,
        BodyKind::Text => 4,
        BodyKind::Bytes => 5,
    };
    content.iter().min_by_key(|(m, _)| rank(m))
}

/// A readable variant name for a status: `NotFound`, `ClientError`, `Default`.
pub fn reason(status: StatusMatch) -> String {
    let text = match status {
        StatusMatch::Default => "Default",
        StatusMatch::Range(1) => "Informational",
        StatusMatch::Range(2) => "Success",
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Range(_) => "OtherStatus",
        StatusMatch::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{c}"),
        },
    };
    text.to_string()
}
