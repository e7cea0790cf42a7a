//! OpenAPI → Rust.
