//! Parameters: path-level and operation-level merged, typed, named, and their
//! serialisation style.

use super::*;

impl<'d> OperationResolver<'_, '_, 'd> {
    pub(super) fn params(
        &mut self,
        item_params: &[ReferenceOr<Parameter>],
        op_params: &[ReferenceOr<Parameter>],
        template: &PathTemplate,
    ) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: IndexMap<(String, &'static str), (Parameter, String, Option<String>)> =
            IndexMap::new();
        let item_ptr = self
            .ptr
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        for (list, base) in [
            (item_params, pointer_push(&item_ptr, "parameters")),
            (op_params, pointer_push(self.ptr, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let at = pointer_push(&base, &i.to_string());
                let Some(found) = self.deref(p, "parameters", |c| &c.parameters, &at) else {
                    continue;
                };
                let data = found.value.parameter_data_ref();
                let loc = location(&found.value).as_str();
                merged.insert(
                    (data.name.clone(), loc),
                    (found.value.into_owned(), found.pointer, found.component),
                );
            }
        }
        let mut out = Vec::new();
        for ((name, _), (param, at, component)) in &merged {
            let at = at.as_str();
            let data = param.parameter_data_ref();
            let loc = location(param);
            if loc == Location::Path && !template.has_param(name) {
                self.resolver.diags.push(
                    Diagnostic::warning(at, format!("path parameter `{name}` is declared but the path `{}` has no `{{{name}}}`", template.text))
                        .with_code(Code::PathParamUnused)
                        .with_help(format!("add `{{{name}}}` to the path, or remove the parameter"))
                        .with_repair("the parameter is left out"),
                );
                continue;
            }
            // A shared parameter's inline schema is named after the shared parameter.
            let hint = match component {
                Some(c) => camel(c),
                None => format!("{}{}", self.type_name, camel(name)),
            };
            let schema_pointer = match &data.format {
                ParameterSchemaOrContent::Schema(_) => Some(pointer_push(at, "schema")),
                ParameterSchemaOrContent::Content(content) => content.keys().next().map(|media| {
                    pointer_push(&pointer_push(&pointer_push(at, "content"), media), "schema")
                }),
            };
            let (resolved, style) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => (
                    self.resolver
                        .schema_type(s, &hint, &pointer_push(at, "schema")),
                    None,
                ),
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((media, mt)) => {
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
                        let r = match &mt.schema {
                            Some(s) => {
                                self.resolver
                                    .schema_type(s, &hint, &pointer_push(&mptr, "schema"))
                            }
                            None => plain(Ty::Json),
                        };
                        (
                            r,
                            Some(if media_kind(media) == BodyKind::Json {
                                Style::Json
                            } else {
                                Style::Simple
                            }),
                        )
                    }
                    None => {
                        self.resolver.diags.push(
                            Diagnostic::error(
                                at,
                                format!("parameter `{name}` has neither `schema` nor `content`"),
                            )
                            .with_code(Code::ParamNoSchema)
                            .with_help(
                                "add `schema: {type: string}` (or the parameter's real type)",
                            )
                            .with_repair("the parameter is a string"),
                        );
                        (plain(Ty::String), None)
                    }
                },
            };
            let (default_style, default_explode) = match param {
                Parameter::Query { style, .. } => match style {
                    QueryStyle::Form => (Style::Form, true),
                    QueryStyle::SpaceDelimited => (Style::SpaceDelimited, false),
                    QueryStyle::PipeDelimited => (Style::PipeDelimited, false),
                    QueryStyle::DeepObject => (Style::DeepObject, true),
                },
                Parameter::Cookie { .. } => (Style::Form, true),
                Parameter::Path { style, .. } => match style {
                    PathStyle::Simple => (Style::Simple, false),
                    PathStyle::Label => (Style::Label, false),
                    PathStyle::Matrix => (Style::Matrix, false),
                },
                Parameter::Header { .. } => (Style::Simple, false),
            };
            let required = data.required || loc == Location::Path;
            let ty = if resolved.nullable && required {
                resolved.ty.option()
            } else {
                resolved.ty
            };
            let example = data
                .example
                .clone()
                .or_else(|| {
                    data.examples.values().find_map(|e| match e {
                        ReferenceOr::Item(e) => e.value.clone(),
                        _ => None,
                    })
                })
                .or_else(|| resolved.doc.example.clone());
            out.push(Param {
                name: String::new(),
                wire: name.clone(),
                location: loc,
                ty,
                required,
                style: style.unwrap_or(default_style),
                explode: data.explode.unwrap_or(default_explode),
                description: data
                    .description
                    .clone()
                    .or(resolved.doc.description.clone()),
                example,
                deprecated: data.deprecated.unwrap_or(false),
                schema_pointer,
                mock_name: String::new(),
            });
        }
        for name in template.params() {
            if !out
                .iter()
                .any(|p| p.location == Location::Path && p.wire == name)
            {
                self.resolver.diags.push(
                    Diagnostic::warning(self.ptr, format!("the path `{}` has `{{{name}}}` but no path parameter `{name}` is declared", template.text))
                        .with_code(Code::PathParamUndeclared)
                        .with_help(format!("declare it: `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`"))
                        .with_repair("it is a required string argument"),
                );
                out.push(Param {
                    name: String::new(),
                    wire: name.to_string(),
                    location: Location::Path,
                    ty: Ty::String,
                    required: true,
                    style: Style::Simple,
                    explode: false,
                    description: None,
                    example: None,
                    deprecated: false,
                    schema_pointer: None,
                    mock_name: String::new(),
                });
            }
        }
        // Path parameters in template order first, then the rest as declared.
        out.sort_by_key(|p| match p.location {
            Location::Path => template.params().position(|t| t == p.wire).unwrap_or(0),
            _ => usize::MAX,
        });
        out
    }
}
