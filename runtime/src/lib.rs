//! The runtime every generated client crate carries, as ordinary Rust.
//!
//! The generator copies these files into a generated crate's `src/runtime/` (or
//! inlines them into a single-file snapshot), keeping only the modules the document
//! needs; `codegen::runtime` lists which module needs what. Here they are compiled,
//! linted and unit-tested like any other code. Modules refer to each other through
//! `super::`, which means the same in both places.
//!
//! Some items exist only for generated code to call, so dead-code analysis of this
//! crate alone would flag them.
#![allow(dead_code, clippy::result_large_err)]
#![forbid(unsafe_code)]

pub mod auth;
pub mod base64_text;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod cli_lines;
#[cfg(feature = "cli")]
pub mod cli_stream;
pub mod datetime;
pub mod de;
pub mod enum_table;
pub mod error;
pub mod form;
pub mod hook;
pub mod members;
#[cfg(feature = "mock")]
pub mod mock;
pub mod multipart;
pub mod oauth2;
pub mod pagination;
pub mod params;
pub mod parts;
pub mod path;
pub mod query;
pub mod raw;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod sse;
pub mod stream;
pub mod tls;
pub mod transport;
pub mod upload;
pub mod uuid_text;
pub mod wide_members;
