//! The one test program of the tests crate. Each file beside this one is a module
//! of it, not a program of its own: one link instead of one per file after every
//! change to the generator, and `cargo test` runs all of their tests side by side
//! on every core instead of one program after another. Run one file's tests with
//! `cargo test -p consoleconnect-tests --test all -- FILE::`.

mod api_diff;
mod bad_specs;
mod bodies;
mod cli;
mod cli_oauth;
mod cli_params;
mod cli_streams;
mod client_behaviour;
mod client_features;
mod conformance;
mod crate_words;
mod dependencies;
mod errors;
mod extend;
mod faults;
mod features;
mod fixtures_validate;
mod freshness;
mod hostile;
mod large;
mod live_driver;
mod mock;
mod models;
mod oauth;
mod oauth_logs;
mod others_read;
mod path_safety;
mod prop_schemas;
mod real_data;
mod roundtrip;
mod sloppy;
mod snapshots;
mod spec_document;
mod streams;
mod tidy;
mod tracing;
mod undocumented;
mod yaml_oracle;
