//! Walks the Console Connect flow with the generated client: find your company,
//! search data centre facilities, order a port, poll the order, read the port it
//! created, list ports and metros, and request a Layer 2 connection.
//!
//! ```sh
//! cargo run -p consoleconnect-tests --example order_port -- http://127.0.0.1:4010
//! ```
//!
//! The argument is the base URL (a Prism mock of `spec/consoleconnect.yaml`, say);
//! without it the real API is used. The API key comes from `CONSOLECONNECT_API_KEY`
//! (a placeholder is used when it is unset, which a mock accepts).

use consoleconnect::types::{self, DurationUnit, PaymentType};
use consoleconnect::{Client, Error};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| Client::DEFAULT_BASE_URL.to_string());
    let key = std::env::var("CONSOLECONNECT_API_KEY").unwrap_or_else(|_| "placeholder-key".into());
    let client = Client::builder().base_url(&base_url).api_key(key).build()?;
    println!("using {base_url}");

    // 1. Who am I? Company usernames come from here.
    let me = client.get_current_user().send().await?;
    let company = me
        .companies
        .iter()
        .flatten()
        .find_map(|c| c.username.clone())
        .unwrap_or_else(|| "samplecompanyname".into());
    println!("acting for company {company:?}");

    // 2. Data centre facilities ready for port orders.
    let filter: types::DataCenterFacilityFilter = serde_json::from_value(
        serde_json::json!({"where": {"dataCenterFacility.ready": true}, "limit": 5}),
    )?;
    let facilities = client.search_data_center_facilities(filter).send().await?;
    let facility = facilities
        .first()
        .and_then(|f| f.username.clone())
        .unwrap_or_else(|| "demodatacenter".into());
    println!("{} facilities; ordering in {facility:?}", facilities.len());

    // 3. Order a 1 Gbps port on a yearly term, billed by invoice.
    let request = types::CreatePortOrderRequest::new(
        &*facility,
        1000,
        "Demo Port",
        PaymentType::Invoice,
        DurationUnit::Y,
    );
    let order = client.create_port_order(&company, request).send().await?;
    let order_id = order
        .id
        .clone()
        .unwrap_or_else(|| "66e28efa04a4727d5387da09".into());
    println!("order {order_id} is {:?}", order.status);

    // 4. Poll the order (a real order takes hours to days; we look a few times).
    let mut created_port = None;
    for attempt in 1..=3 {
        let current = client.get_port_order(&company, &order_id).send().await?;
        println!("poll {attempt}: {:?}", current.status);
        created_port = current.created_port_id.clone().flatten();
        if current.status == Some(types::PortOrderStatus::Done) || created_port.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // 5. Ask for the Letter of Authorisation, and list every order.
    let with_loa = client
        .request_port_order_loa(&company, &order_id)
        .send()
        .await?;
    println!("LOA requested; order status {:?}", with_loa.status);
    let orders = client.list_port_orders(&company).send().await?;
    println!("{} orders", orders.results.as_ref().map_or(0, Vec::len));

    // 6. The port the order created, and all live ports.
    let port_id = created_port.unwrap_or_else(|| "55767b5652a693344a015744".into());
    match client.get_port(&company, &port_id).send().await {
        Ok(port) => println!("port {port_id}: {:?} {:?}", port.name, port.status),
        Err(Error::Api { response, .. }) => {
            println!("port {port_id} not readable yet ({})", response.status)
        }
        Err(e) => return Err(e.into()),
    }
    let ports = client.list_ports(&company).deleted("false").send().await?;
    let source = ports.results.iter().flatten().next();
    let source_port = source
        .and_then(|p| p.id.clone())
        .unwrap_or_else(|| port_id.clone());
    println!("{} live ports", ports.results.as_ref().map_or(0, Vec::len));

    // 7. Where the company is present, and one metro in detail.
    let metros = client.list_company_metros(&company).send().await?;
    let metro = metros.results.iter().flatten().next();
    let metro_id = metro
        .and_then(|m| m.id.clone())
        .unwrap_or_else(|| "21ab4746f3ba6c3462def3e8".into());
    let detail = client.get_metro(&metro_id).send().await?;
    println!("metro {metro_id}: {:?}", detail.name);

    // 8. A port-to-port (self to self) Layer 2 connection.
    let mut l2 = types::CreateLayer2ConnectionRequest::new(
        "DEMO-L2-S2S",
        &*source_port,
        100,
        &*company,
        &*metro_id,
    );
    l2.dest_port_id = Some(source_port.clone());
    l2.duration = Some(1);
    l2.duration_unit = Some(DurationUnit::M);
    l2.payment_type = Some(PaymentType::Invoice);
    l2.class_of_service = Some(types::ClassOfService::Silver);
    l2.evergreen = Some(true);
    let connection = client.create_layer2_connection(&company, l2).send().await?;
    println!("connection {:?} is {:?}", connection.id, connection.status);
    Ok(())
}
