//! Nothing: this crate exists for its compile tests (`ui.rs`), so that trybuild
//! builds only the generated crate and what a consumer of it has.
#![forbid(unsafe_code)]
