//! icu — the clerical half of an individual contributor's regular update.
//!
//! Data flows config → period → scan → attribute → document → store/export.
//! `main.rs` only wires the command line to [`commands::run`]; everything
//! else lives behind this library so integration tests and benchmarks can
//! call it. How it is built: docs/ARCHITECTURE.md; why each part is as it
//! is: each module's docs.

pub mod address;
pub mod attribute;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod config;
pub mod doc;
pub mod error;
pub mod export;
pub mod forge;
pub mod period;
pub mod scan;
pub mod skip;
pub mod template;
pub mod term;
pub mod updates;

pub use error::{Error, ExitCode};
