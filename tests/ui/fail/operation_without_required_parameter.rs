// Forgetting a required path parameter does not compile.
async fn call(client: &consoleconnect::Client) {
    let _ = client.get_port_order("acme").send().await;
}

fn main() {}
