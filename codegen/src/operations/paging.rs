//! Our `x-pagination` extension, resolved to the parameters and response member it names.

use super::*;

/// Resolves an `x-pagination` extension, or explains (as a warning) why it is ignored.
pub(super) fn pagination(
    x: &Value,
    params: &[Param],
    responses: &[ResponseCase],
    resolver: &mut Resolver<'_>,
    at: &str,
) -> Option<Pagination> {
    use crate::types::{FieldShape, TypeKind};
    let warn = |resolver: &mut Resolver<'_>, why: String| {
        resolver.diags.push(
            Diagnostic::warning(at, format!("`x-pagination` is ignored: {why}"))
                .with_code(Code::Pagination)
                .with_help("write `x-pagination: {offset: <param>[.<member>], limit: <param>[.<member>], items: <member>}`"),
        );
        None
    };
    let space = resolver.space();
    let struct_field = |ty: &Ty, wire: &str| -> Option<crate::types::Field> {
        let Ty::Named(id) = space.unalias(ty) else {
            return None;
        };
        let TypeKind::Struct(s) = &space.get(*id).kind else {
            return None;
        };
        s.fields.iter().find(|f| f.wire == wire).cloned()
    };
    let int_of = |ty: &Ty| match space.unalias(ty) {
        Ty::Int(k) => Some(*k),
        _ => None,
    };
    let knob = |path: &str| -> Result<PageParam, String> {
        let (param_wire, member) = match path.split_once('.') {
            Some((p, m)) => (p, Some(m)),
            None => (path, None),
        };
        let param = params
            .iter()
            .find(|p| p.wire == param_wire)
            .ok_or_else(|| format!("no parameter `{param_wire}`"))?;
        let param_ty = match &param.ty {
            Ty::Option(inner) => inner.as_ref(),
            other => other,
        };
        match member {
            None => Ok(PageParam {
                param: param.name.clone(),
                param_required: param.required,
                member: None,
                int: int_of(param_ty).ok_or_else(|| format!("`{param_wire}` is not an integer"))?,
            }),
            Some(m) => {
                let field = struct_field(param_ty, m)
                    .ok_or_else(|| format!("`{param_wire}` has no member `{m}`"))?;
                let int = int_of(&field.ty).ok_or_else(|| format!("`{path}` is not an integer"))?;
                if field.shape() == FieldShape::Flatten {
                    return Err(format!("`{path}` is not a plain member"));
                }
                if !param.required && !space.has_default(param_ty) {
                    return Err(format!(
                        "`{param_wire}` is optional and has no default to fill in"
                    ));
                }
                Ok(PageParam {
                    param: param.name.clone(),
                    param_required: param.required,
                    member: Some((field.name.clone(), field.shape())),
                    int,
                })
            }
        }
    };
    let get = |key: &str| x.get(key).and_then(Value::as_str);
    let (Some(offset), Some(limit)) = (get("offset"), get("limit")) else {
        return warn(resolver, "it needs `offset` and `limit`".into());
    };
    let (offset, limit) = match (knob(offset), knob(limit)) {
        (Ok(o), Ok(l)) => (o, l),
        (Err(e), _) | (_, Err(e)) => return warn(resolver, e),
    };
    let success: Vec<&Ty> = responses
        .iter()
        .filter(|r| r.success)
        .filter_map(|r| match &r.decode {
            Decode::Json(t) => Some(t),
            _ => None,
        })
        .collect();
    let [body] = success.as_slice() else {
        return warn(
            resolver,
            "the operation needs exactly one JSON success body".into(),
        );
    };
    let (items, list) = match get("items") {
        None => (None, (*body).clone()),
        Some(member) => match struct_field(body, member) {
            Some(f) if matches!(f.shape(), FieldShape::Plain | FieldShape::Optional) => (
                Some((f.name.clone(), f.shape() == FieldShape::Optional)),
                f.ty.clone(),
            ),
            _ => {
                return warn(
                    resolver,
                    format!("the response has no plain member `{member}`"),
                );
            }
        },
    };
    let Ty::Vec(item) = space.unalias(&list).clone() else {
        return warn(resolver, "the items are not an array".into());
    };
    let default_limit = x
        .get("defaultLimit")
        .and_then(Value::as_i64)
        .unwrap_or(100)
        .max(1);
    Some(Pagination {
        offset,
        limit,
        items,
        item: *item,
        default_limit,
    })
}
