//! Structural checks of `spec/consoleconnect.yaml`: the operations it must (and may
//! only) contain, what every operation must declare, security, servers and parameters.

use std::collections::BTreeSet;

use consoleconnect_tests::spec_path;
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Response,
    SecurityScheme, StatusCode,
};

/// The operations of the issue: (method, path template, operationId, tag).
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    (
        "put",
        "/api/company/{companyName}/ports/orders",
        "createPortOrder",
        "Port Orders",
    ),
    (
        "get",
        "/api/company/{companyName}/ports/orders",
        "listPortOrders",
        "Port Orders",
    ),
    (
        "get",
        "/api/company/{companyName}/ports/orders/{orderId}",
        "getPortOrder",
        "Port Orders",
    ),
    (
        "post",
        "/api/company/{companyName}/ports/orders/{orderId}/loa",
        "requestPortOrderLoa",
        "Port Orders",
    ),
    (
        "get",
        "/api/company/{companyName}/ports",
        "listPorts",
        "Ports",
    ),
    (
        "get",
        "/api/company/{companyName}/ports/{portId}",
        "getPort",
        "Ports",
    ),
    (
        "put",
        "/api/v2/company/{companyUsername}/connections/layer2",
        "createLayer2Connection",
        "Layer 2 Connections",
    ),
    (
        "get",
        "/api/company/{username}/metro/capabilities",
        "listCompanyMetros",
        "Metros",
    ),
    (
        "get",
        "/v2/data-center-facility",
        "searchDataCenterFacilities",
        "Data Center Facilities",
    ),
    ("get", "/api/auth/token", "getCurrentUser", "Auth"),
    ("get", "/api/metro/{metroId}", "getMetro", "Metros"),
];

fn load() -> OpenAPI {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not OpenAPI 3.0: {e}", path.display()))
}

/// Every (path, path item, method, operation) of the document.
fn operations(api: &OpenAPI) -> Vec<(&str, &PathItem, &str, &Operation)> {
    api.paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item
                .as_item()
                .unwrap_or_else(|| panic!("path {path} is a $ref"));
            item.iter()
                .map(move |(method, op)| (path.as_str(), item, method, op))
        })
        .collect()
}

fn resolve_parameter<'a>(api: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> &'a Parameter {
    match p {
        ReferenceOr::Item(p) => p,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .unwrap_or_else(|| panic!("unexpected parameter $ref {reference}"));
            api.components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
                .and_then(ReferenceOr::as_item)
                .unwrap_or_else(|| panic!("unresolved parameter $ref {reference}"))
        }
    }
}

fn resolve_response<'a>(api: &'a OpenAPI, r: &'a ReferenceOr<Response>) -> &'a Response {
    match r {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/responses/")
                .unwrap_or_else(|| panic!("unexpected response $ref {reference}"));
            api.components
                .as_ref()
                .and_then(|c| c.responses.get(name))
                .and_then(ReferenceOr::as_item)
                .unwrap_or_else(|| panic!("unresolved response $ref {reference}"))
        }
    }
}

/// The parameters that apply to an operation: the path item's, overridden by its own.
fn parameters<'a>(api: &'a OpenAPI, item: &'a PathItem, op: &'a Operation) -> Vec<&'a Parameter> {
    let own: Vec<&Parameter> = op
        .parameters
        .iter()
        .map(|p| resolve_parameter(api, p))
        .collect();
    let inherited = item
        .parameters
        .iter()
        .map(|p| resolve_parameter(api, p))
        .filter(|p| {
            !own.iter().any(|o| {
                o.parameter_data_ref().name == p.parameter_data_ref().name
                    && std::mem::discriminant(*o) == std::mem::discriminant(*p)
            })
        });
    own.iter().copied().chain(inherited).collect()
}

/// The `{names}` in a path template.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .map(|rest| {
            rest.split_once('}')
                .expect("unbalanced braces")
                .0
                .to_owned()
        })
        .collect()
}

fn non_empty(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|t| !t.trim().is_empty())
}

#[test]
fn document_is_openapi_3_0_3() {
    let api = load();
    assert_eq!(api.openapi, "3.0.3");
    assert_eq!(api.info.title, "Console Connect API");
    assert!(
        non_empty(&api.info.description),
        "info.description is missing"
    );
}

#[test]
fn exactly_the_expected_operations_exist() {
    let api = load();
    let actual: BTreeSet<(String, String)> = operations(&api)
        .into_iter()
        .map(|(path, _, method, _)| (method.to_owned(), path.to_owned()))
        .collect();
    let expected: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|(method, path, _, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(
        actual, expected,
        "operations (method, path) differ from the issue's table"
    );

    for (method, path, operation_id, tag) in EXPECTED {
        let (_, _, _, op) = operations(&api)
            .into_iter()
            .find(|(p, _, m, _)| p == path && m == method)
            .expect("present, checked above");
        assert_eq!(
            op.operation_id.as_deref(),
            Some(*operation_id),
            "{method} {path}"
        );
        assert_eq!(op.tags, vec![(*tag).to_owned()], "{method} {path}");
    }
}

#[test]
fn every_operation_is_fully_described() {
    let api = load();
    let declared_tags: BTreeSet<&str> = api
        .tags
        .iter()
        .inspect(|t| {
            assert!(
                non_empty(&t.description),
                "tag {} has no description",
                t.name
            )
        })
        .map(|t| t.name.as_str())
        .collect();
    let mut ids = BTreeSet::new();

    for (path, _, method, op) in operations(&api) {
        let at = format!("{method} {path}");
        let id = op
            .operation_id
            .as_deref()
            .unwrap_or_else(|| panic!("{at}: no operationId"));
        assert!(
            ids.insert(id.to_owned()),
            "{at}: duplicate operationId {id}"
        );
        assert!(!op.tags.is_empty(), "{at}: no tag");
        for tag in &op.tags {
            assert!(
                declared_tags.contains(tag.as_str()),
                "{at}: tag {tag} is not declared"
            );
        }
        assert!(non_empty(&op.summary), "{at}: no summary");
        assert!(non_empty(&op.description), "{at}: no description");

        let success_with_schema = op.responses.responses.iter().any(|(code, response)| {
            let is_2xx = match code {
                StatusCode::Code(n) => (200..300).contains(n),
                StatusCode::Range(n) => *n == 2,
            };
            is_2xx
                && resolve_response(&api, response)
                    .content
                    .get("application/json")
                    .is_some_and(|media| media.schema.is_some())
        });
        assert!(
            success_with_schema,
            "{at}: no 2xx response with a JSON schema"
        );

        let default = op
            .responses
            .default
            .as_ref()
            .unwrap_or_else(|| panic!("{at}: no default response"));
        let default = resolve_response(&api, default);
        assert!(
            default
                .content
                .get("application/json")
                .is_some_and(|m| m.schema.is_some()),
            "{at}: the default response has no JSON schema"
        );

        if let Some(body) = &op.request_body {
            let body = body
                .as_item()
                .unwrap_or_else(|| panic!("{at}: request body is a $ref"));
            assert!(
                body.content
                    .get("application/json")
                    .is_some_and(|m| m.schema.is_some()),
                "{at}: request body has no JSON schema"
            );
        }
    }
}

#[test]
fn documented_error_statuses_are_declared() {
    let api = load();
    for (operation_id, status) in [
        ("createPortOrder", 400),
        ("getCurrentUser", 401),
        ("getMetro", 404),
    ] {
        let (_, _, _, op) = operations(&api)
            .into_iter()
            .find(|(_, _, _, op)| op.operation_id.as_deref() == Some(operation_id))
            .unwrap_or_else(|| panic!("{operation_id} is missing"));
        assert!(
            op.responses
                .responses
                .contains_key(&StatusCode::Code(status)),
            "{operation_id} does not declare {status}"
        );
    }
}

#[test]
fn security_is_a_global_bearer_api_key() {
    let api = load();
    let requirements = api
        .security
        .as_ref()
        .expect("no global security requirement");
    assert!(
        requirements.iter().any(|r| r.contains_key("api-key")),
        "the global security requirement does not name api-key"
    );
    let schemes = &api
        .components
        .as_ref()
        .expect("no components")
        .security_schemes;
    match schemes.get("api-key").and_then(ReferenceOr::as_item) {
        Some(SecurityScheme::HTTP { scheme, .. }) => {
            assert_eq!(scheme.to_ascii_lowercase(), "bearer")
        }
        other => panic!("api-key must be an http bearer scheme, found {other:?}"),
    }
    for (path, _, method, op) in operations(&api) {
        assert!(
            op.security.is_none(),
            "{method} {path} overrides the global security"
        );
    }
}

#[test]
fn server_is_the_production_api() {
    let api = load();
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://api.consoleconnect.com"]);
}

#[test]
fn path_templates_and_path_parameters_match() {
    let api = load();
    for (path, item, method, op) in operations(&api) {
        let declared: BTreeSet<String> = parameters(&api, item, op)
            .into_iter()
            .filter_map(|p| match p {
                Parameter::Path { parameter_data, .. } => {
                    assert!(
                        parameter_data.required,
                        "{method} {path}: path parameter {} is not required",
                        parameter_data.name
                    );
                    Some(parameter_data.name.clone())
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            declared,
            template_names(path),
            "{method} {path}: path parameters differ from the template"
        );
    }
}

#[test]
fn every_parameter_has_a_description_and_an_example() {
    let api = load();
    let mut seen = 0;
    for (path, item, method, op) in operations(&api) {
        for parameter in parameters(&api, item, op) {
            seen += 1;
            let data = parameter.parameter_data_ref();
            let at = format!("{method} {path}: parameter {}", data.name);
            assert!(non_empty(&data.description), "{at} has no description");
            let has_example = data.example.is_some()
                || !data.examples.is_empty()
                || match &data.format {
                    ParameterSchemaOrContent::Content(content) => content
                        .values()
                        .any(|m| m.example.is_some() || !m.examples.is_empty()),
                    ParameterSchemaOrContent::Schema(_) => false,
                };
            assert!(has_example, "{at} has no example");
        }
    }
    assert!(seen > 0, "no parameters were checked");
}

#[test]
fn search_filter_is_a_required_json_query_parameter() {
    let api = load();
    let (_, item, _, op) = operations(&api)
        .into_iter()
        .find(|(_, _, _, op)| op.operation_id.as_deref() == Some("searchDataCenterFacilities"))
        .expect("searchDataCenterFacilities is missing");
    let filter = parameters(&api, item, op)
        .into_iter()
        .find(|p| p.parameter_data_ref().name == "filter")
        .expect("no filter parameter");
    let Parameter::Query { parameter_data, .. } = filter else {
        panic!("filter is not a query parameter");
    };
    assert!(parameter_data.required, "filter must be required");
    let ParameterSchemaOrContent::Content(content) = &parameter_data.format else {
        panic!("filter must use content: application/json");
    };
    let schema = content
        .get("application/json")
        .and_then(|m| m.schema.as_ref())
        .expect("filter has no application/json schema");
    assert!(
        matches!(schema, ReferenceOr::Reference { reference } if reference == "#/components/schemas/DataCenterFacilityFilter"),
        "filter's schema should be DataCenterFacilityFilter, found {schema:?}"
    );
}

/// The document as plain JSON, for checks that are easier without types.
fn load_json() -> serde_json::Value {
    let text = std::fs::read_to_string(spec_path()).expect("spec is readable");
    serde_yaml::from_str(&text).expect("spec is YAML")
}

#[test]
fn every_schema_and_property_is_described() {
    let document = load_json();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .expect("components/schemas");
    let described = |s: &serde_json::Value| {
        s.get("description")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|d| !d.trim().is_empty())
    };
    let mut missing = Vec::new();
    for (name, schema) in schemas {
        if !described(schema) {
            missing.push(name.clone());
        }
        if schema.get("enum").is_some() {
            let text = schema["description"].as_str().unwrap_or_default();
            assert!(
                text.contains("server may add values"),
                "enum {name} does not warn that values may be added"
            );
        }
        for (property, definition) in schema
            .get("properties")
            .and_then(|p| p.as_object())
            .into_iter()
            .flatten()
        {
            if !described(definition) {
                missing.push(format!("{name}.{property}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "schemas or properties without a description: {missing:?}"
    );
}

#[test]
fn inferences_say_why() {
    fn walk(node: &serde_json::Value, pointer: &str, count: &mut usize) {
        match node {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let here = format!("{pointer}/{key}");
                    if key == "x-inferred" {
                        *count += 1;
                        let why = value.as_str().unwrap_or_default();
                        assert!(
                            why.trim().len() > 10,
                            "{here} does not explain the inference: {value}"
                        );
                    } else {
                        walk(value, &here, count);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{pointer}/{i}"), count);
                }
            }
            _ => {}
        }
    }
    let mut count = 0;
    walk(&load_json(), "", &mut count);
    assert!(count > 0, "no x-inferred markers at all");
}
