//! Parameters without `schema` or `content`: each is reported and given a string
//! schema, so the rest of the document can still be checked.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use serde_json::{Map, Value, json};

/// A parameter needs `schema` or `content`. Report each one without, and give it a
/// string schema so that the rest of the document can still be checked.
pub(super) fn repair_parameters(root: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let mut lists: Vec<(String, &mut Value)> = Vec::new();
    if let Some(Value::Object(params)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("parameters"))
    {
        for (name, p) in params.iter_mut() {
            let at = crate::diagnostics::pointer_push("#/components/parameters", name);
            check_parameter(p, &at, diags);
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let item_ptr = crate::diagnostics::pointer_push("#/paths", path);
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    lists.push((
                        crate::diagnostics::pointer_push(&item_ptr, "parameters"),
                        value,
                    ));
                } else if let Some(op) = value.as_object_mut()
                    && let Some(ps) = op.get_mut("parameters")
                {
                    let at = crate::diagnostics::pointer_push(
                        &crate::diagnostics::pointer_push(&item_ptr, key),
                        "parameters",
                    );
                    lists.push((at, ps));
                }
            }
        }
    }
    for (at, list) in lists {
        if let Value::Array(items) = list {
            for (i, p) in items.iter_mut().enumerate() {
                check_parameter(
                    p,
                    &crate::diagnostics::pointer_push(&at, &i.to_string()),
                    diags,
                );
            }
        }
    }
}

fn check_parameter(p: &mut Value, at: &str, diags: &mut Diagnostics) {
    let Some(obj) = p.as_object_mut() else { return };
    if obj.contains_key("$ref") || obj.contains_key("schema") || obj.contains_key("content") {
        return;
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    diags.push(
        Diagnostic::error(
            at,
            format!("parameter `{name}` has neither `schema` nor `content`"),
        )
        .with_code(Code::ParamNoSchema)
        .with_help("add `schema: {type: string}` (or the parameter's real type)")
        .with_repair("the parameter is a string"),
    );
    obj.insert("schema".into(), json!({"type": "string"}));
}
