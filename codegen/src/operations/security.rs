//! Security schemes the client can hold a credential for, and which apply to an
//! operation.

use super::*;

pub(super) fn schemes(components: Option<&Components>) -> Vec<Scheme> {
    let Some(c) = components else {
        return Vec::new();
    };
    // A scheme is a setter and a field of `ClientBuilder`, and a field of `Client`.
    let mut ns = reserved::methods(reserved::CLIENT_BUILDER);
    for n in reserved::CLIENT {
        ns.reserve(n);
    }
    let mut out = Vec::new();
    for (name, scheme) in &c.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let mut flow = None;
        let (kind, description) = match scheme {
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => SchemeKind::Bearer,
                    "basic" => SchemeKind::Basic,
                    other => SchemeKind::OtherHttp(camel(other)),
                };
                (kind, description.clone())
            }
            SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => (
                match location {
                    APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                    APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                    APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
                },
                description.clone(),
            ),
            SecurityScheme::OAuth2 {
                description, flows, ..
            } => {
                flow = flows.client_credentials.as_ref();
                (SchemeKind::Bearer, description.clone())
            }
            SecurityScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description.clone())
            }
        };
        let field = ns.claim(&snake(name));
        let provider_setter =
            (kind != SchemeKind::Basic).then(|| ns.claim(&format!("{field}_provider")));
        let client_credentials = flow.map(|f| ClientCredentialsFlow {
            setter: ns.claim(&format!("{field}_client_credentials")),
            token_url: f.token_url.clone(),
            scopes: f
                .scopes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
        out.push(Scheme {
            name: name.clone(),
            field,
            provider_setter,
            kind,
            description,
            client_credentials,
        });
    }
    out
}

pub(super) fn security_names(
    reqs: Option<&[openapiv3::SecurityRequirement]>,
    schemes: &[Scheme],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for req in reqs.unwrap_or_default() {
        for name in req.keys() {
            if schemes.iter().any(|s| &s.name == name) && !out.contains(name) {
                out.push(name.clone());
            }
        }
    }
    out
}
