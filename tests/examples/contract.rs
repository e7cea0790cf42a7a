//! The contract check behind `cargo xtask contract`: calls every operation of the
//! generated client against a Prism mock of `spec/consoleconnect.yaml` and fails if
//! Prism flags a request as not matching the document (its `sl-violations` header),
//! if a call fails, or if a response does not decode.
//!
//! ```sh
//! cargo run -p consoleconnect-tests --example contract -- http://127.0.0.1:4010
//! ```

use consoleconnect::types::{self, DurationUnit, PaymentType};
use consoleconnect::{Client, Error, ResponseValue};
use std::fmt::Debug;
use std::process::ExitCode;

/// One call's verdict, printed as a table row.
struct Outcome {
    operation: &'static str,
    problem: Option<String>,
}

fn judge<T, E: Debug>(
    operation: &'static str,
    result: Result<ResponseValue<T>, Error<E>>,
) -> Outcome {
    let problem = match result {
        Ok(response) => match response.headers().get("sl-violations") {
            Some(v) => Some(format!(
                "Prism reports violations: {}",
                v.to_str().unwrap_or("?")
            )),
            None if !response.status().is_success() => {
                Some(format!("status {}", response.status()))
            }
            None => None,
        },
        Err(e) => {
            let violations = e
                .response()
                .and_then(|r| r.headers.get("sl-violations"))
                .and_then(|v| v.to_str().ok());
            Some(match violations {
                Some(v) => format!("{e}; Prism reports violations: {v}"),
                None => format!("{e}"),
            })
        }
    };
    Outcome { operation, problem }
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(base_url) = std::env::args().nth(1) else {
        eprintln!("usage: contract BASE_URL");
        return ExitCode::FAILURE;
    };
    let client = match Client::builder()
        .base_url(&base_url)
        .api_key("contract-test-key")
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let company = "samplecompanyname";
    let order_id = "56d691309a90128d55831db1";
    let filter: types::DataCenterFacilityFilter = serde_json::from_value(serde_json::json!({
        "where": {"dataCenterFacility.ready": true, "company.addresses.country": "HK"},
        "skip": 0,
        "limit": 100
    }))
    .expect("a valid filter");
    let order = types::CreatePortOrderRequest::new(
        "demodatacenter",
        1000,
        "Demo Port",
        PaymentType::Invoice,
        DurationUnit::Y,
    );
    let mut l2 = types::CreateLayer2ConnectionRequest::new(
        "DEMO-L2-B2B",
        "5f8b1c2d3e4f5a6b7c8d9e0f",
        100,
        "partnercompany",
        "21ab4746f3ba6c3462def3e8",
    );
    l2.dest_dcf = Some("5a94a7e2091e410012cdf0b4".into());
    l2.dest_region_id = Some("5a370b288f220300127f834d".into());
    l2.duration = Some(1);
    l2.duration_unit = Some(DurationUnit::M);
    l2.payment_type = Some(PaymentType::Invoice);
    l2.class_of_service = Some(types::ClassOfService::Silver);
    l2.evergreen = Some(true);

    let outcomes = vec![
        judge("getCurrentUser", client.get_current_user().send().await),
        judge(
            "searchDataCenterFacilities",
            client.search_data_center_facilities(filter).send().await,
        ),
        judge(
            "createPortOrder",
            client.create_port_order(company, order).send().await,
        ),
        judge(
            "listPortOrders",
            client.list_port_orders(company).send().await,
        ),
        judge(
            "getPortOrder",
            client.get_port_order(company, order_id).send().await,
        ),
        judge(
            "requestPortOrderLoa",
            client
                .request_port_order_loa(company, order_id)
                .send()
                .await,
        ),
        judge(
            "listPorts",
            client.list_ports(company).deleted("false").send().await,
        ),
        judge(
            "getPort",
            client
                .get_port(company, "55767b5652a693344a015744")
                .send()
                .await,
        ),
        judge(
            "listCompanyMetros",
            client.list_company_metros(company).send().await,
        ),
        judge(
            "getMetro",
            client.get_metro("21ab4746f3ba6c3462def3e8").send().await,
        ),
        judge(
            "createLayer2Connection",
            client.create_layer2_connection(company, l2).send().await,
        ),
    ];

    // The check must be able to fail: a request that breaks the document has to be
    // rejected, or Prism is not validating and the results above mean nothing.
    let probe = reqwest::Client::new()
        .put(format!("{base_url}/api/company/{company}/ports/orders"))
        .bearer_auth("contract-test-key")
        .json(&serde_json::json!({"speed": "fast"}))
        .send()
        .await;
    let probe_rejected = match &probe {
        Ok(r) => r.headers().contains_key("sl-violations") && r.status().is_client_error(),
        Err(_) => false,
    };

    let mut failed = 0;
    for o in &outcomes {
        match &o.problem {
            None => println!("ok    {}", o.operation),
            Some(p) => {
                failed += 1;
                println!("FAIL  {}: {p}", o.operation);
            }
        }
    }
    println!(
        "{}  probe: an invalid createPortOrder body is {}",
        if probe_rejected { "ok  " } else { "FAIL" },
        if probe_rejected {
            "rejected by Prism"
        } else {
            "NOT rejected; Prism is not validating"
        }
    );
    println!(
        "{} of {} operations conform",
        outcomes.len() - failed,
        outcomes.len()
    );
    if failed == 0 && probe_rejected && outcomes.len() == 11 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
