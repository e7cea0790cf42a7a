// Nor with a struct literal that leaves a required member out: there is no
// `Default` to fill it in.
use consoleconnect::types::{CreatePortOrderRequest, DurationUnit, PaymentType};

fn main() {
    let _request = CreatePortOrderRequest {
        data_center_facility: "demodatacenter".into(),
        speed: 1000,
        payment_type: PaymentType::Invoice,
        duration_unit: DurationUnit::Y,
        ..Default::default()
    };
}
