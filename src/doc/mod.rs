//! The update document: front matter, markers, rendering, refresh, check,
//! asks and the Markdown that export starts from. comrak lives behind
//! [`markers`]; minijinja behind [`render`].

use std::fmt;

pub mod asks;
pub mod check;
pub mod export_md;
pub mod frontmatter;
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
