// A Layer 2 request is not a port order.
use consoleconnect::types::CreateLayer2ConnectionRequest;

async fn call(client: &consoleconnect::Client, body: CreateLayer2ConnectionRequest) {
    let _ = client.create_port_order("acme", body).send().await;
}

fn main() {}
