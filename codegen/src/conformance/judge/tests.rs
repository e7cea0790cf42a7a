//! Tests of judging: arguments, answers, and what counts as a pass.

use super::*;

/// Valid: any value of the JSON type named by the pointer's last word.
struct ByType;

impl Validate for ByType {
    fn valid(&mut self, pointer: &str, value: &Value) -> Option<bool> {
        let want = pointer.rsplit('/').next()?;
        Some(match want {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "nullable" => value.is_null() || value.is_string(),
            _ => return None,
        })
    }

    fn why(&mut self, pointer: &str, _: &Value) -> String {
        format!("not of {pointer}")
    }
}

fn arg(
    name: &str,
    location: &'static str,
    schema: &str,
    required: bool,
) -> crate::conformance::ArgPlan {
    crate::conformance::ArgPlan {
        name: name.into(),
        location,
        required,
        schema_pointer: Some(schema.into()),
        example: None,
        content_type: None,
    }
}

#[test]
fn arguments_are_valid_values_a_request_can_carry() {
    let op = crate::conformance::OperationPlan {
        id: "get".into(),
        method: "GET".into(),
        path: "/a/{id}".into(),
        params: vec![
            arg("id", "path", "#/string", true),
            arg("n", "query", "#/integer", false),
        ],
        body: None,
        responses: vec![],
    };
    // The path's own example holds `/`, so the synthetic one is taken; the
    // integer beyond 2⁵³ is cut to what Prism accepts.
    let examples = [Example {
        schema: "#/string".into(),
        at: "#/x".into(),
        value: json!("a/b"),
    }];
    let instances: BTreeMap<String, Vec<Value>> = [
        ("#/string".to_string(), vec![json!("seg")]),
        (
            "#/integer".to_string(),
            vec![json!(9_007_199_254_740_993_u64)],
        ),
    ]
    .into_iter()
    .collect();
    let args = arguments(&op, &examples, &instances, &mut ByType).unwrap();
    assert_eq!(args, json!({"id": "seg", "n": 7_199_254_740_993_u64}));
    let bare = BTreeMap::new();
    let mut op = op;
    op.params[0].schema_pointer = Some("#/nothing".into());
    assert_eq!(
        arguments(&op, &[], &bare, &mut ByType),
        Err("id".to_string())
    );
}

#[test]
fn a_value_is_preferred_to_null() {
    let op = crate::conformance::OperationPlan {
        id: "patch".into(),
        method: "PATCH".into(),
        path: "/a".into(),
        params: vec![],
        body: Some(arg("$body", "body", "#/nullable", true)),
        responses: vec![],
    };
    let instances: BTreeMap<String, Vec<Value>> =
        [("#/nullable".to_string(), vec![json!(null), json!("text")])]
            .into_iter()
            .collect();
    let args = arguments(&op, &[], &instances, &mut ByType).unwrap();
    assert_eq!(args, json!({"$body": "text"}));
    let only_null: BTreeMap<String, Vec<Value>> = [("#/nullable".to_string(), vec![json!(null)])]
        .into_iter()
        .collect();
    let args = arguments(&op, &[], &only_null, &mut ByType).unwrap();
    assert_eq!(args, json!({"$body": null}), "null when it is all there is");
}

#[test]
fn a_round_trip_counts_as_decoded_and_exact_only_when_it_is() {
    let mut row = Row::default();
    let value = json!({"a": 1});
    judge_round_trip(
        &mut row,
        "x",
        &value,
        true,
        &json!({"encoded": "{\"a\": 1.0}"}),
    );
    judge_round_trip(
        &mut row,
        "y",
        &value,
        true,
        &json!({"encoded": "{\"a\": 2}"}),
    );
    judge_round_trip(
        &mut row,
        "z",
        &value,
        false,
        &json!({"error": "missing field"}),
    );
    assert_eq!((row.examples_decoded, row.examples_exact), (2, 1));
    assert_eq!((row.synthetic_decoded, row.synthetic_exact), (0, 0));
    assert_eq!(row.failures.len(), 2, "{:?}", row.failures);
    assert!(row.failures[1].contains("z: does not decode: missing field"));
}

#[test]
fn a_response_the_schema_rejects_is_the_documents_fault() {
    let plan = crate::conformance::OperationPlan {
        id: "get".into(),
        method: "GET".into(),
        path: "/a".into(),
        params: vec![],
        body: None,
        responses: vec![("200".into(), "#/integer".into())],
    };
    let mut row = Row::default();
    let answer = |body: &str| json!({"error": "bad", "status": 200, "body": body});
    judge_call(&mut row, &plan, &answer("\"text\""), &mut ByType);
    judge_call(&mut row, &plan, &answer("7"), &mut ByType);
    judge_call(
        &mut row,
        &plan,
        &json!({"violations": "query.q: required"}),
        &mut ByType,
    );
    assert_eq!(row.called, 3);
    assert_eq!(
        (row.invalid_answers, row.undecoded_responses, row.violations),
        (1, 1, 1)
    );
    assert!(verdict(&[row]).is_err());
    assert_eq!(verdict(&[Row::default()]), Ok(()));
}

#[test]
fn violations_no_request_could_avoid_are_told_apart() {
    let mut plan = crate::conformance::OperationPlan {
        id: "get".into(),
        method: "GET".into(),
        path: "/certificates/{certificate_id}".into(),
        params: vec![],
        body: None,
        responses: vec![],
    };
    let v = "Invalid request; path: Request path must have required property 'cert_id'";
    assert!(prism_misreads(&plan, v).unwrap().contains("cert_id"));
    plan.path = "/certificates/{cert_id}".into();
    assert_eq!(
        prism_misreads(&plan, v),
        None,
        "a named one is the request's"
    );
    plan.body = Some(crate::conformance::ArgPlan {
        name: "$body".into(),
        location: "body",
        required: true,
        schema_pointer: None,
        example: None,
        content_type: Some("application/x-www-form-urlencoded".into()),
    });
    let v = "Invalid request; body.MediaUrl: Request body property MediaUrl must be array";
    assert!(prism_misreads(&plan, v).is_some());
    let v = "Invalid request; body.To: Request body property To is required";
    assert_eq!(prism_misreads(&plan, v), None);
    let one_of = "path.workflow_id: Request path parameter workflow_id must match exactly one schema in oneOf";
    let v = format!(
        "Invalid request; Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.; {one_of}"
    );
    assert!(prism_misreads(&plan, &v).unwrap().contains("workflow_id"));
    let v = format!("Invalid request; {one_of}; body.To: Request body property To is required");
    assert_eq!(
        prism_misreads(&plan, &v),
        None,
        "with another violation, the request's"
    );
    let v = "Invalid request; body.kind: Request body property kind must match exactly one schema in oneOf";
    assert_eq!(
        prism_misreads(&plan, v),
        None,
        "a body's oneOf is JSON, not text"
    );
}

#[test]
fn a_response_schema_is_found_by_status_then_range_then_default() {
    let r = |s: &str, p: &str| (s.to_string(), p.to_string());
    let responses = [r("200", "ok"), r("4xx", "client"), r("default", "other")];
    assert_eq!(response_schema(&responses, 200), Some("ok"));
    assert_eq!(response_schema(&responses, 404), Some("client"));
    assert_eq!(response_schema(&responses, 503), Some("other"));
    assert_eq!(response_schema(&responses[..1], 201), None);
}

#[test]
fn byte_is_padded_standard_base64() {
    assert!(is_base64("aGk=") && is_base64("") && is_base64("aGVsbG8h"));
    assert!(!is_base64("aGk") && !is_base64("a-k=") && !is_base64("a==="));
}
