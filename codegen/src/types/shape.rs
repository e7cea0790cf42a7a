//! One uniform view of a schema, whichever of `openapiv3`'s shapes it was read into.
//!
//! `openapiv3` splits schemas into typed variants and an `Any` catch-all (used when
//! keywords are mixed, e.g. `type: object` beside `oneOf`). The resolver should not
//! care which: it asks this view.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub type Props = IndexMap<String, ReferenceOr<Box<Schema>>>;

#[derive(Default)]
pub struct Shape<'a> {
    pub ty: Option<&'a str>,
    pub format: Option<String>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'a Props>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub has_not: bool,
    pub minimum: Option<f64>,
}

fn format_of<T: Copy>(
    f: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(T) -> &'static str,
) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(known(*i).to_string()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> Shape<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Shape {
                ty: Some("string"),
                format: format_of(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                }),
                enumeration: s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map(Value::String).unwrap_or(Value::Null))
                    .collect(),
                ..Default::default()
            },
            SchemaKind::Type(Type::Integer(i)) => Shape {
                ty: Some("integer"),
                format: format_of(&i.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                }),
                enumeration: i
                    .enumeration
                    .iter()
                    .map(|v| v.map(Value::from).unwrap_or(Value::Null))
                    .collect(),
                minimum: i.minimum.map(|m| m as f64),
                ..Default::default()
            },
            SchemaKind::Type(Type::Number(n)) => Shape {
                ty: Some("number"),
                format: format_of(&n.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                }),
                enumeration: n
                    .enumeration
                    .iter()
                    .map(|v| {
                        v.and_then(serde_json::Number::from_f64)
                            .map(Value::Number)
                            .unwrap_or(Value::Null)
                    })
                    .collect(),
                minimum: n.minimum,
                ..Default::default()
            },
            SchemaKind::Type(Type::Boolean(b)) => Shape {
                ty: Some("boolean"),
                enumeration: b
                    .enumeration
                    .iter()
                    .map(|v| v.map(Value::Bool).unwrap_or(Value::Null))
                    .collect(),
                ..Default::default()
            },
            SchemaKind::Type(Type::Object(o)) => Shape {
                ty: Some("object"),
                properties: Some(&o.properties),
                required: &o.required,
                additional: o.additional_properties.as_ref(),
                ..Default::default()
            },
            SchemaKind::Type(Type::Array(a)) => Shape {
                ty: Some("array"),
                items: a.items.as_ref(),
                ..Default::default()
            },
            SchemaKind::OneOf { one_of } => Shape {
                one_of,
                ..Default::default()
            },
            SchemaKind::AnyOf { any_of } => Shape {
                any_of,
                ..Default::default()
            },
            SchemaKind::AllOf { all_of } => Shape {
                all_of,
                ..Default::default()
            },
            SchemaKind::Not { .. } => Shape {
                has_not: true,
                ..Default::default()
            },
            SchemaKind::Any(any) => Shape {
                ty: any.typ.as_deref(),
                format: any.format.clone(),
                enumeration: any.enumeration.clone(),
                properties: if any.properties.is_empty() {
                    None
                } else {
                    Some(&any.properties)
                },
                required: &any.required,
                additional: any.additional_properties.as_ref(),
                items: any.items.as_ref(),
                one_of: &any.one_of,
                any_of: &any.any_of,
                all_of: &any.all_of,
                has_not: any.not.is_some(),
                minimum: any.minimum,
            },
        }
    }

    /// Whether the schema describes an object (explicitly, or by having members).
    pub fn is_object(&self) -> bool {
        self.ty == Some("object")
            || (self.ty.is_none() && (self.properties.is_some() || self.additional.is_some()))
    }

    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }
}
