//! icu — the clerical half of an individual contributor's regular update.
//!
//! Data flows config → period → scan → attribute → document → store/export.
//! `main.rs` only wires the command line to [`run`]; everything else lives
//! behind this library. How it is built: docs/ARCHITECTURE.md; why each part
//! is as it is: each module's docs (`cargo doc --document-private-items`).
//!
//! The library promises nothing beyond what the binary needs: every module
//! is private to the crate, so the compiler sees what nothing uses. What the
//! integration tests (`tests/`) and the fuzz targets (`fuzz/`) reach inside
//! is listed once, in [`testing`], which is no part of any promise.

pub(crate) mod address;
pub(crate) mod attribute;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod compose;
pub(crate) mod config;
pub(crate) mod doc;
pub(crate) mod error;
pub(crate) mod export;
pub(crate) mod forge;
pub(crate) mod period;
pub(crate) mod platform;
pub(crate) mod scan;
pub(crate) mod skip;
pub(crate) mod sources;
pub(crate) mod template;
pub(crate) mod term;
pub(crate) mod updates;

pub use cli::Cli;
pub use commands::run;
pub use error::{Error, ExitCode};
pub use term::{install_panic_hook, report_error};

/// What the integration tests and the fuzz targets reach inside icu, in
/// the modules they come from. Not part of icu's interface: hidden from its
/// docs, and changed whenever the tests need.
#[doc(hidden)]
pub mod testing {
    pub mod attribute {
        pub use crate::attribute::{Activity, Attribution, RepoGroup};
    }
    pub mod compose {
        pub use crate::compose::{compose, Draft};
    }
    pub mod config {
        pub use crate::config::{parse, Env, Goal, GoalStatus, LinkRule, Me, RepoSpec};
    }
    pub mod doc {
        pub use crate::doc::{asks, check, export_md, frontmatter, markers, refresh, DocError};
    }
    pub mod export {
        pub use crate::export::to_html;
    }
    pub mod forge {
        pub use crate::forge::Forge;
    }
    pub mod period {
        pub use crate::period::Period;
    }
    pub mod scan {
        pub use crate::scan::{
            scan_repo, Commit, Detail, Identity, RepoActivity, TimeWindow, SKEW_MARGIN_SECS, SLOP,
        };
    }
    pub mod sources {
        pub use crate::sources::Item;
    }
    pub mod template {
        pub use crate::template::{DEFAULT_TEMPLATE, SCHEMA_VERSION};
    }
}
