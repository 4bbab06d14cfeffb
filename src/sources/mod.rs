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

pub mod command;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::config::Config;
use crate::period::TimeWindow;

/// One piece of work from a source other than git.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Item {
    /// Where it came from: `notes` (the journal), or a `[[source]]`'s name.
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

/// How an update records that it lists `item` (`frontmatter::listed_items`):
/// `source:id`.
pub fn key(item: &Item) -> String {
    format!("{}:{}", item.source, item.id)
}

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

/// What the sources beside git gave for a period: the items in it, and what
/// could not be read.
#[derive(Debug, Default)]
pub struct Gathered {
    /// In the period, oldest first.
    pub items: Vec<Item>,
    /// Problems worth a warning; the rest went on.
    pub warnings: Vec<String>,
    /// The sources whose items may be missing, each with why: the update
    /// is incomplete there.
    pub incomplete: Vec<(String, String)>,
}

/// Which sources [`gather`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// The notes journal and every `[[source]]` command (a draft).
    All,
    /// The notes journal alone (what `icu explain` of a note needs; no
    /// command is run for it).
    Notes,
    /// The notes journal and the one `[[source]]` of this name (what `icu
    /// explain` of one of its items needs).
    Only(&'a str),
}

/// Gathers the items of the sources for `window`: the notes journal in the
/// updates directory, and (with [`Which::All`]) every `[[source]]` command,
/// run at once, each with its own timeout. Each item's goal is checked
/// against the config's goals (an unknown one is a warning and dropped),
/// and only the items whose time is in the window are kept, but for those
/// a sent update lists already (`listed`, as [`key`]s): each item is in one
/// update only.
pub fn gather(
    cfg: &Config,
    window: TimeWindow,
    which: Which<'_>,
    listed: &std::collections::HashSet<String>,
) -> Gathered {
    let goals = &cfg.goals;
    let mut out = Gathered::default();
    let path = journal::path(&cfg.update.dir);
    match journal::read(&path) {
        Ok((_, notes)) => out.items.extend(notes.iter().map(journal::Note::item)),
        Err(e) => {
            out.warnings
                .push(format!("the notes are left out of this update: {e}"));
            out.incomplete.push((NOTES.to_string(), e.to_string()));
        }
    }
    for item in &mut out.items {
        if let Some(g) = &item.goal {
            if !goals.iter().any(|x| &x.id == g) {
                out.warnings.push(format!(
                    "{} [{}] names goal `{g}`, which your config does not have; it is attributed as if it named none",
                    item.source, item.id
                ));
                item.goal = None;
            }
        }
    }
    let run: Vec<&crate::config::SourceSpec> = cfg
        .sources
        .iter()
        .filter(|s| match which {
            Which::All => true,
            Which::Notes => false,
            Which::Only(name) => s.name == name,
        })
        .collect();
    if !run.is_empty() {
        let ids: Vec<String> = goals.iter().map(|g| g.id.clone()).collect();
        let runs: Vec<command::Run> = std::thread::scope(|s| {
            let handles: Vec<_> = run
                .iter()
                .map(|spec| {
                    let ids = &ids;
                    s.spawn(move || command::run(spec, window, &chrono::Local, ids))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        std::panic::resume_unwind(Box::new("a source's thread panicked"))
                    })
                })
                .collect()
        });
        for (spec, run) in run.iter().zip(runs) {
            out.warnings.extend(run.warnings);
            if let Some(why) = run.failed {
                out.incomplete.push((spec.name.clone(), why));
            }
            out.items.extend(run.items);
        }
    }
    out.items.retain(|i| {
        (window.since..window.until).contains(&i.time.timestamp()) && !listed.contains(&key(i))
    });
    out.items.sort_by_key(|i| i.time);
    out
}
