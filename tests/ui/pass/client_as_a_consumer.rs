// The client as a consumer calls it: required arguments, optional setters, typed
// results and errors.
use consoleconnect::client::GetMetroError;
use consoleconnect::{Client, Error, types};

async fn flow(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let me = client.get_current_user().send().await?;
    let company = me
        .companies
        .iter()
        .flatten()
        .find_map(|c| c.username.clone())
        .unwrap_or_default();
    let ports = client.list_ports(&company).deleted("false").send().await?;
    println!(
        "{} ports, status {}",
        ports.results.as_ref().map_or(0, Vec::len),
        ports.status()
    );
    let filter: types::DataCenterFacilityFilter =
        serde_json::from_str(r#"{"where": {"dataCenterFacility.ready": true}, "limit": 10}"#)?;
    let facilities = client
        .search_data_center_facilities(filter)
        .send()
        .await?
        .into_inner();
    println!("{} facilities", facilities.len());
    match client.get_metro("m").send().await {
        Ok(metro) => println!("{:?}", metro.name),
        Err(Error::Api {
            body: GetMetroError::NotFound(e),
            response,
        }) => println!("{} {:?}", response.status, e.message),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn main() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:4010")
        .api_key("key")
        .build()
        .unwrap();
    let _future = flow(&client);
}
