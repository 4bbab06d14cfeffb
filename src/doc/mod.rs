//! The update document: front matter, markers, refresh, check, asks, the
//! parts `icu recap` reads back and the Markdown that export starts from. A
//! new update is rendered by `compose` through `template`; this module reads
//! and refreshes the file the person edits.
//!
//! An update is Markdown with TOML front matter between `+++` lines
//! ([`frontmatter`]: the period, the status, the blocks icu offered and what
//! it wrote in each). icu's markers ([`markers`]) say where the person's
//! prose goes and enclose the generated activity blocks; a refresh
//! ([`refresh`]) replaces only what is inside the blocks. What follows the
//! config goes inside a block: a goal's status and due date are the first
//! line of its activity block (`*On track · due 31 Mar 2027*`), so a
//! refresh keeps them current; the goal's heading holds its title only and
//! is the person's.
//!
//! comrak is read here (behind [`markers`]) and in `export`; toml_edit only
//! in [`frontmatter`]. The document format knows no git and no attribution:
//! nothing here imports `scan`, `attribute`, `forge`, `period`, `compose` or
//! `skip` (`tests/architecture.rs` checks it).

use std::fmt;

pub mod asks;
pub mod check;
pub mod export_md;
pub mod frontmatter;
pub mod literal;
pub mod markers;
pub mod refresh;
pub mod sections;
pub mod stale;

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
    /// Activity blocks hold text icu did not write (their content is not
    /// what the front matter's `blocks` records), and a refresh would drop
    /// some of it. Never empty.
    #[error("{}", edited_blocks(.0))]
    EditedBlocks(Vec<EditedBlock>),
}

/// Whether `text`, an update as a template rendered it, can be read back
/// as an update: its front matter, and markers that open and close blocks
/// without nesting, repeating or hiding. A template of the person's own
/// that breaks them is the template's fault, and is said so before the
/// update is written or refreshed (`commands::draft`), not blamed on a line
/// of the update on disk.
pub fn readable(text: &str) -> Result<(), DocError> {
    let (fm, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    outline.check_hidden(&fm.listed_keys())?;
    outline.blocks().map(drop)
}

impl DocError {
    /// The line the error names.
    pub fn line(&self) -> usize {
        match self {
            DocError::FrontMatter { line, .. } | DocError::Marker { line, .. } => *line,
            DocError::EditedBlocks(b) => b.first().map_or(1, |b| b.line),
        }
    }
}

/// An activity block holding text icu did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedBlock {
    pub key: String,
    /// The line of its opening marker.
    pub line: usize,
    /// Its content as it is now: each line's number, its text, and whether
    /// the refresh would drop it (it is not in icu's new content).
    pub lines: Vec<(usize, String, bool)>,
}

impl fmt::Display for EditedBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.lines.last().map_or(self.line, |(n, _, _)| *n);
        writeln!(
            f,
            "line {}: the activity block `{}` holds text icu did not write; a refresh would drop the lines marked -:",
            self.line, self.key
        )?;
        let width = last.to_string().len();
        for (n, text, dropped) in &self.lines {
            let mark = if *dropped { '-' } else { ' ' };
            writeln!(f, "  {mark} {n:>width$} | {text}")?;
        }
        Ok(())
    }
}

fn edited_blocks(blocks: &[EditedBlock]) -> String {
    let s: String = blocks.iter().map(ToString::to_string).collect();
    s.trim_end().to_string()
}
