//! Activity beyond commits: the seam every source of it goes through.
//!
//! Much of the work toward a goal leaves no commit: a review on a forge, an
//! issue closed, a design document, a conversation. Each source of such
//! work gives [`Item`]s — the notes journal (`journal`, `icu note`), and
//! each `[[source]]` command (`command`) — and everything after that is
//! shared, written once here and in `attribute` and `compose`, whatever the
//! source:
//!
//! - **the period rule**: an item belongs to the update whose period holds
//!   its time, as a commit does (a note taken after an update's scan goes
//!   into the next one);
//! - **exactly once**: an item whose id a sent update lists is never listed
//!   again (each update records the ids it lists, `frontmatter::items`);
//! - **attribution**: the item's goal, else a goal's rules on its title
//!   (`attribute::claims_item`), else Other work;
//! - **rendering**: listed in its goal's block apart from commits, counted
//!   by kind, and counted in the totals line;
//! - **incompleteness**: a source that failed is named, so `icu check` and
//!   `icu send` can say what the record is missing.
//!
//! A new source is one new file here that turns what it reads into items.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// One piece of work from a source other than git.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Item {
    /// Where it came from: [`NOTES`], or a `[[source]]`'s name.
    pub source: String,
    /// Stable within its source: a note's id (`n12`); a command item's `id`,
    /// else its `url`, else its title and time.
    pub id: String,
    /// One line, sanitised: no control characters.
    pub title: String,
    pub time: DateTime<FixedOffset>,
    pub url: Option<String>,
    /// A word: `reviewed`, `opened`, `closed`, `merged`, `note`, …
    pub kind: String,
    /// The goal it names (checked against the config's goals).
    pub goal: Option<String>,
    /// The repository it names (a `[[repo]]` name or any other word).
    pub repo: Option<String>,
}

pub mod journal;

/// The source name of the notes journal.
pub const NOTES: &str = "notes";

/// `text` as one line of a title: its first line, tabs made spaces, the
/// controls that could drive a terminal or reorder a line (an escape, a
/// bidirectional override: `term::is_hidden`) dropped, trimmed.
pub fn one_line(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    first
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !crate::term::is_hidden(*c))
        .collect::<String>()
        .trim()
        .to_string()
}
