// Models are `#[non_exhaustive]`, so that a member the API adds later is not a
// breaking change: outside the crate they are built with `new(…)` (which takes
// every required member) or `default()`, never with a struct literal, so no
// required member can be left out that way either.
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
