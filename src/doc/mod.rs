//! The update document: front matter, markers, rendering, refresh, check,
//! asks and the Markdown that export starts from. comrak lives behind
//! [`markers`]; minijinja behind [`render`].

pub mod asks;
pub mod check;
pub mod export_md;
pub mod frontmatter;
pub mod markers;
pub mod refresh;
pub mod render;

/// Why a document cannot be used as it is. Every variant names the line
/// (1-based) so the person can find it; the file is never changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// The `+++` front matter is missing, unterminated or not valid TOML.
    #[error("line {line}: front matter: {message}")]
    FrontMatter { line: usize, message: String },
    /// An activity marker is damaged: unclosed, stray end, nested, duplicated.
    #[error("line {line}: {message}")]
    Marker { line: usize, message: String },
}
