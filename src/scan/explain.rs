//! One commit looked up for `icu explain`: what git says of it, and whether
//! it is mine and why (its author, the author `.mailmap` maps it to, or a
//! `Co-authored-by:` trailer) — the same rule as `scan::identity`, said.

use std::path::Path;

use serde::Serialize;

use super::identity::{co_authors, Mine};
use super::Identity;

/// Why a commit is mine.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum MineBy {
    /// The author's email is one of mine.
    Author { email: String },
    /// `.mailmap` maps the author's email to one of mine.
    Mailmap { from: String, to: String },
    /// A `Co-authored-by:` trailer names one of mine (directly or through
    /// `.mailmap`).
    CoAuthor { email: String },
}

/// A commit, as `icu explain` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Looked {
    pub id: String,
    pub short: String,
    pub subject: String,
    /// The author as written in the commit.
    pub author_name: String,
    pub author_email: String,
    /// The author after `.mailmap` (the same when it maps nothing).
    pub mapped_email: String,
    /// Committer time, Unix seconds, and its UTC offset in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    pub parents: usize,
    pub mine: Option<MineBy>,
}

/// Looks `rev` (anything `git rev-parse` takes that names a commit) up in
/// the repository at `path`. `Ok(None)`: the repository has no such commit.
pub fn lookup(path: &Path, rev: &str, me: &Identity<'_>) -> Result<Option<Looked>, String> {
    super::tuning::init_libgit2();
    let repo = super::open(path)?;
    let Ok(obj) = repo.revparse_single(rev) else {
        return Ok(None);
    };
    let Ok(c) = obj.peel_to_commit() else {
        return Ok(None);
    };
    let mailmap = super::identity::mailmap(&repo, None);
    let author = super::encoding::person(&c, false, None);
    let raw_email = author.email.clone();
    let mapped_email = super::encoding::person(&c, false, mailmap.as_ref()).email;
    let message = super::encoding::message(&c).into_owned();
    // The scan's own decision, then what made it.
    let mine = match super::identity::mine(&c, mailmap.as_ref(), me) {
        None => None,
        Some(Mine::Author) if me.is_me(&raw_email) => Some(MineBy::Author {
            email: raw_email.clone(),
        }),
        Some(Mine::Author) => Some(MineBy::Mailmap {
            from: raw_email.clone(),
            to: mapped_email.clone(),
        }),
        Some(Mine::CoAuthor) => co_authors(&message)
            .into_iter()
            .find(|(name, email)| super::identity::names_me(name, email, mailmap.as_ref(), me))
            .map(|(_, email)| MineBy::CoAuthor { email }),
    };
    let id = c.id().to_string();
    Ok(Some(Looked {
        short: id.chars().take(7).collect(),
        id,
        subject: message.lines().next().unwrap_or("").to_string(),
        author_name: author.name,
        author_email: raw_email,
        mapped_email,
        time: c.time().seconds(),
        offset_minutes: c.time().offset_minutes(),
        parents: c.parent_count(),
        mine,
    }))
}
