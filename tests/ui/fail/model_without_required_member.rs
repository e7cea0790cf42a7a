// A request model cannot be built without a member the API requires.
use consoleconnect::types::{CreatePortOrderRequest, PaymentType};

fn main() {
    let _missing_duration_unit = CreatePortOrderRequest::new("demodatacenter", 1000, "Demo Port", PaymentType::Invoice);
}
