//! The README's usage example as a consumer's program (written out by
//! `build.rs`): it compiles without a warning, and runs.
#![forbid(unsafe_code)]
#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/readme_example.rs"));

fn main() {
    let _future = run();
}
