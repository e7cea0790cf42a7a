//! The type space: every schema of a document resolved once into a Rust type.
//!
//! Resolution (`resolve`) decides names and shapes; emission (`emit`) only prints.
//! A [`TypeId`] is stable for the whole run, so operations can point at types
//! before they are finished (needed for recursive schemas).

mod cycles;
mod emit;
pub mod resolve;
mod shape;
pub mod sizes;

pub use emit::TypeEmitter;
pub use resolve::Resolver;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A Rust type expression at a use site.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Named(TypeId),
    String,
    Bool,
    Int(IntKind),
    Float,
    DateTime,
    Date,
    Uuid,
    Base64,
    /// Raw bytes of a non-JSON body.
    Bytes,
    /// Any JSON value: the sound fallback for what the document does not pin down.
    Json,
    /// A JSON object whose members are not described.
    JsonObject,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Option(Box<Ty>),
    Box(Box<Ty>),
    Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    /// For documents whose bounds reach beyond 64 bits.
    I128,
    U8,
    U16,
    U32,
    U64,
}

impl IntKind {
    /// The Rust type's name (`i64`).
    pub fn rust_name(self) -> &'static str {
        match self {
            IntKind::I8 => "i8",
            IntKind::I16 => "i16",
            IntKind::I32 => "i32",
            IntKind::I64 => "i64",
            IntKind::I128 => "i128",
            IntKind::U8 => "u8",
            IntKind::U16 => "u16",
            IntKind::U32 => "u32",
            IntKind::U64 => "u64",
        }
    }

    pub fn tokens(self) -> proc_macro2::TokenStream {
        let name = quote::format_ident!("{}", self.rust_name());
        quote::quote!(#name)
    }
}

impl Ty {
    pub fn option(self) -> Ty {
        Ty::Option(Box::new(self))
    }

    /// This type expression and every one nested in it, outermost first:
    /// `Vec<Option<T>>` gives the `Vec`, the `Option`, then `T`. Every wrapper
    /// holds one type, so this is a chain, walked without recursion.
    pub fn parts(&self) -> impl Iterator<Item = &Ty> {
        std::iter::successors(Some(self), |t| match t {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Box(inner) => Some(inner),
            _ => None,
        })
    }

    /// The named types this expression mentions, however deeply they are
    /// wrapped (`Vec`, map, `Option` and `Box` alike): what a type needs
    /// generated, imported or gated with it.
    pub fn named(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.parts().filter_map(Ty::id)
    }

    /// The named types this expression holds by value: seen through `Option`
    /// only. `Vec`, maps and `Box` keep their content behind a pointer, so what
    /// they hold adds nothing to a type's size and closes no infinite-size cycle;
    /// the size and cycle walks use this where [`Ty::named`] would count too much.
    pub fn named_by_value(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.parts()
            .take_while(|t| matches!(t, Ty::Option(_) | Ty::Named(_)))
            .filter_map(Ty::id)
    }

    fn id(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// Whether `Default` is available for this type without knowing named types.
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Ty::Vec(_) | Ty::Map(_) | Ty::Option(_) | Ty::JsonObject
        )
    }
}

/// Human-facing text gathered from a schema, rendered as rustdoc.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub title: Option<String>,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub default: Option<Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Extra sentences the generator adds (e.g. which wire value a variant has).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub doc: Doc,
    /// Where the schema is in the document.
    pub pointer: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    /// Reserved while being resolved; never emitted.
    Pending,
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    Alias(Ty),
    /// A named wrapper, where an alias would refer to itself (`type A = Vec<A>` is
    /// not allowed in Rust; `struct A(Vec<A>)` is).
    Newtype(Ty),
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// Name of the map that keeps members the document does not describe, and the
    /// type of its values.
    pub extra: Option<(String, Ty)>,
}

impl StructDef {
    /// Whether the struct gets its own written-out serde impls (through the
    /// runtime's member helpers). Structs with flattened parts keep serde's
    /// derive instead: it knows which members a part takes.
    pub fn own_serde(&self) -> bool {
        !self.fields.iter().any(|f| f.flatten)
    }

    /// Whether the map of other members can hold a `null`: then an explicit `null`
    /// sent for an optional member the document does not mark nullable is kept
    /// there, under the member's name, and written back in the member's place.
    pub fn keeps_nulls(&self) -> bool {
        matches!(&self.extra, Some((_, Ty::Json | Ty::Option(_))))
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// The member's name in JSON.
    pub wire: String,
    /// The value's type, without the `Option` that optionality adds.
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    /// Members of a composed schema that are not plain objects, flattened in.
    pub flatten: bool,
    pub doc: Doc,
}

impl Field {
    /// Whether the Rust field's name differs from the wire name, so that serde
    /// needs `rename` (a flattened part has no wire name).
    pub fn renamed(&self) -> bool {
        !self.flatten && crate::names::ident_text(&self.name).trim_start_matches("r#") != self.wire
    }

    /// How the field is represented: required → `T`; optional or nullable → `Option<T>`;
    /// optional *and* nullable → `Option<Option<T>>` so null and absent stay apart.
    pub fn shape(&self) -> FieldShape {
        if self.flatten {
            FieldShape::Flatten
        } else if self.required && !self.nullable {
            FieldShape::Plain
        } else if self.required {
            FieldShape::Nullable
        } else if self.ty == Ty::Json {
            FieldShape::OptionalJson
        } else if self.nullable {
            FieldShape::OptionalNullable
        } else {
            FieldShape::Optional
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    Plain,
    Nullable,
    Optional,
    OptionalNullable,
    /// `Option<serde_json::Value>` where a sent `null` is `Some(Value::Null)`.
    OptionalJson,
    Flatten,
}

/// Enums of more values than this list them once, in a table the runtime looks
/// up both ways (`runtime/src/enum_table.rs`), instead of in two `match`es: an
/// enum of 200,000 values printed three times took most of its generation time.
/// Below it, the matches read better and need no runtime module.
pub const WIDE_ENUM: usize = 128;

/// Structs of more members than this read each member in their decoder with
/// the runtime's methods (`map.value(&mut f7)`, `f7.or_null(&mut extra, "m")`,
/// `runtime/src/members.rs`) instead of its functions (`runtime::value(&mut
/// map, &mut f7)`): the same steps in two thirds of the tokens, and generation
/// time goes with the tokens printed (a struct of 40,000 members prints each
/// step 40,000 times). Below it, the output is as it always was.
pub const WIDE_STRUCT: usize = 128;

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub repr: EnumRepr,
    pub variants: Vec<EnumVariant>,
    /// The catch-all variant that keeps values this version does not know
    /// (`Unknown`, or `Unknown2` when a value already took that name).
    pub unknown: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Integer,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub value: Value,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionDef {
    pub variants: Vec<UnionVariant>,
    /// `discriminator.propertyName`, when the union is tagged.
    pub tag: Option<String>,
    /// The catch-all variant that keeps values no listed variant accepts, when
    /// there is one (`Unknown`, or `Unknown2` when a variant already took that name).
    pub fallback: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    /// Discriminator values selecting this variant (tagged unions only).
    pub tags: Vec<String>,
}

/// All resolved types, in the order they were first seen.
#[derive(Debug, Default)]
pub struct TypeSpace {
    pub defs: Vec<TypeDef>,
    /// The type each schema of the document became, by its JSON pointer, and
    /// whether it accepts `null` (for tools that check values against the types,
    /// such as `cargo xtask conformance`).
    pub at_pointer: std::collections::HashMap<String, (Ty, bool)>,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }

    pub fn name(&self, id: TypeId) -> &str {
        &self.defs[id.0].name
    }

    /// Follows aliases to the type they stand for.
    pub fn unalias<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        let mut current = ty;
        for _ in 0..64 {
            match current {
                Ty::Named(id) => match &self.get(*id).kind {
                    TypeKind::Alias(inner) => current = inner,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// Whether `ty` has a `Default` implementation in the emitted code: for a
    /// struct, whether [`TypeSpace::struct_default`] makes one.
    pub fn has_default(&self, ty: &Ty) -> bool {
        self.has_default_within(ty, 0)
    }

    fn has_default_within(&self, ty: &Ty, depth: usize) -> bool {
        // Flattened parts nest as deep as `allOf` does; a part of itself has none.
        if depth > DEFAULT_DEPTH {
            return false;
        }
        match self.unalias(ty) {
            Ty::Named(id) => match &self.get(*id).kind {
                TypeKind::Struct(s) => self.struct_default_within(s, depth) != DefaultImpl::None,
                _ => false,
            },
            Ty::String | Ty::Bool | Ty::Int(_) | Ty::Float | Ty::Json | Ty::Unit => true,
            Ty::Box(inner) => self.has_default_within(inner, depth + 1),
            t => t.is_container(),
        }
    }

    /// How the struct gets `Default`: the one answer the emitter prints and
    /// every other reader (flattened parts, `x-pagination`) asks.
    pub fn struct_default(&self, s: &StructDef) -> DefaultImpl {
        self.struct_default_within(s, 0)
    }

    fn struct_default_within(&self, s: &StructDef, depth: usize) -> DefaultImpl {
        let flat_default = |f: &Field| self.has_default_within(&f.ty, depth + 1);
        let every = |ok: &dyn Fn(&Field) -> bool| s.fields.iter().all(ok);
        if every(&|f| match f.shape() {
            FieldShape::Plain => false,
            FieldShape::Flatten => flat_default(f),
            _ => true,
        }) {
            DefaultImpl::Fields
        } else if every(&|f| match f.shape() {
            FieldShape::Plain => self.constant(f).is_some(),
            FieldShape::Flatten => flat_default(f),
            _ => true,
        }) {
            DefaultImpl::ViaNew
        } else {
            DefaultImpl::None
        }
    }

    /// A required member whose schema allows one value only (`type: LAYER2`): the
    /// enum and its only variant, which `new` fills in rather than asks for.
    pub fn constant(&self, f: &Field) -> Option<(TypeId, &EnumVariant)> {
        if f.shape() != FieldShape::Plain {
            return None;
        }
        let Ty::Named(id) = self.unalias(&f.ty) else {
            return None;
        };
        let TypeKind::Enum(e) = &self.get(*id).kind else {
            return None;
        };
        match e.variants.as_slice() {
            [only] => Some((*id, only)),
            _ => None,
        }
    }

    /// Whether the struct's `new` takes the member as an argument: a required
    /// member that is not a constant, or a flattened part without `Default`.
    pub fn new_takes(&self, f: &Field) -> bool {
        match f.shape() {
            FieldShape::Plain => self.constant(f).is_none(),
            FieldShape::Flatten => !self.has_default(&f.ty),
            _ => false,
        }
    }
}

/// How deep flattened parts are followed when asking whether a type has `Default`.
const DEFAULT_DEPTH: usize = 64;

/// How a struct gets `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultImpl {
    /// Every member has a default of its own: derived, or written out when some
    /// members have a documented default.
    Fields,
    /// `new` takes no argument (the required members are constants):
    /// `impl Default { Self::new() }`.
    ViaNew,
    /// `new` needs arguments: no `Default`.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_sees_through_every_wrapper_and_named_by_value_through_option_only() {
        let wrap: [fn(Ty) -> Ty; 4] = [
            |t| Ty::Vec(Box::new(t)),
            |t| Ty::Map(Box::new(t)),
            Ty::option,
            |t| Ty::Box(Box::new(t)),
        ];
        // Each wrapper alone, then all four nested, around a named type.
        for w in wrap {
            let ty = w(Ty::Named(TypeId(7)));
            assert_eq!(ty.named().collect::<Vec<_>>(), [TypeId(7)], "{ty:?}");
        }
        let nested = wrap.iter().fold(Ty::Named(TypeId(3)), |t, w| w(t));
        assert_eq!(nested.named().collect::<Vec<_>>(), [TypeId(3)]);
        assert_eq!(nested.parts().count(), 5);
        assert!(matches!(nested.parts().last(), Some(Ty::Named(TypeId(3)))));
        // By value: through `Option` only.
        let by_value = |t: &Ty| t.named_by_value().collect::<Vec<_>>();
        let option = Ty::Named(TypeId(5)).option().option();
        assert_eq!(by_value(&option), [TypeId(5)]);
        for w in [wrap[0], wrap[1], wrap[3]] {
            assert_eq!(by_value(&w(Ty::Named(TypeId(5)))), []);
            assert_eq!(by_value(&w(option.clone())), []);
            assert_eq!(by_value(&Ty::option(w(Ty::Named(TypeId(5))))), []);
        }
        assert_eq!(by_value(&nested), []);
        // Leaves name nothing, however wrapped.
        let leaf = wrap.iter().fold(Ty::Uuid, |t, w| w(t));
        assert_eq!(leaf.named().count(), 0);
        assert!(matches!(leaf.parts().last(), Some(Ty::Uuid)));
    }
}
