// Passing a value of the wrong type does not compile.
async fn call(client: &consoleconnect::Client) {
    let _ = client.list_ports("acme").deleted(42).send().await;
}

fn main() {}
