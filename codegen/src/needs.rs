//! What a generated crate needs from the runtime and from crates.io, decided from
//! the resolved model before anything is printed (emitters only print).

use crate::operations::{BodyKind, Location, OperationSet};
use crate::types::{Ty, TypeKind, TypeSpace};

/// The parts of the runtime (and so the dependencies) a document's crate uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub date_time: bool,
    pub uuid: bool,
    pub base64: bool,
    /// `bytes::Bytes` in a model (the client always has it).
    pub bytes: bool,
    /// Models (structs, enums): the runtime's deserialisation helpers.
    pub models: bool,
    /// An enum wide enough to list its values in a table
    /// ([`crate::types::WIDE_ENUM`]): the runtime's lookups in it.
    pub enum_tables: bool,
    /// A struct wide enough that its decoder calls the runtime's methods
    /// ([`crate::types::WIDE_STRUCT`]): those methods.
    pub wide_structs: bool,
    /// The document has operations, so the crate has a client.
    pub client: bool,
    pub path_params: bool,
    pub query: bool,
    pub headers: bool,
    pub form: bool,
    pub multipart: bool,
    pub pagination: bool,
    /// Event streams or binary responses read as streams.
    pub streams: bool,
    /// Binary request bodies (`Upload`: bytes, a file or a stream).
    pub upload: bool,
    /// A crate (not a single file) with a client: the `mock` feature's server.
    pub mock: bool,
    /// A crate (not a single file) with a client: TLS chosen by crate features.
    pub tls: bool,
    /// A security scheme with an OAuth 2 client credentials flow.
    pub oauth2: bool,
    /// A crate (not a single file) with a client: the `cli` feature's program.
    pub cli: bool,
}

impl Needs {
    pub fn of(space: &TypeSpace, built: &OperationSet) -> Self {
        let mut needs = Needs {
            client: !built.operations.is_empty(),
            oauth2: built.schemes.iter().any(|s| s.client_credentials.is_some()),
            ..Needs::default()
        };
        let mut types: Vec<&Ty> = Vec::new();
        for def in &space.defs {
            match &def.kind {
                TypeKind::Pending => {}
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => types.push(ty),
                TypeKind::Struct(s) => {
                    needs.models = true;
                    needs.wide_structs |= s.fields.len() > crate::types::WIDE_STRUCT;
                    types.extend(s.fields.iter().map(|f| &f.ty));
                    if let Some((_, extra)) = &s.extra {
                        types.push(extra);
                    }
                }
                TypeKind::Enum(e) => {
                    needs.models = true;
                    needs.enum_tables |= e.variants.len() > crate::types::WIDE_ENUM;
                }
                TypeKind::Union(u) => {
                    needs.models = true;
                    types.extend(u.variants.iter().map(|v| &v.ty))
                }
            }
        }
        for op in &built.operations {
            types.extend(op.types());
            for p in &op.params {
                match p.location {
                    Location::Path => needs.path_params = true,
                    Location::Query => needs.query = true,
                    Location::Header => needs.headers = true,
                    Location::Cookie => {}
                }
            }
            if let Some(b) = &op.body {
                match b.kind {
                    BodyKind::Form => needs.form = true,
                    BodyKind::Multipart => needs.multipart = true,
                    BodyKind::Bytes => needs.upload = true,
                    _ => {}
                }
            }
            needs.pagination |= op.pagination.is_some();
            needs.streams |= op.events().is_some() || op.binary().is_some();
        }
        // Type expressions nest (`Vec<Option<T>>`); every part counts.
        for ty in types.into_iter().flat_map(Ty::parts) {
            match ty {
                Ty::DateTime | Ty::Date => needs.date_time = true,
                Ty::Uuid => needs.uuid = true,
                Ty::Base64 => needs.base64 = true,
                Ty::Bytes => needs.bytes = true,
                _ => {}
            }
        }
        needs
    }
}
