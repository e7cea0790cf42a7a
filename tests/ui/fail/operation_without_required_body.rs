// Nor does forgetting a required request body.
async fn call(client: &consoleconnect::Client) {
    let _ = client.create_port_order("acme").send().await;
}

fn main() {}
