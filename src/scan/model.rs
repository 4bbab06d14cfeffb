//! What a scan takes and gives back: who counts as me ([`Identity`]), how
//! much to learn of each commit ([`Detail`]), and for each repository its
//! [`RepoActivity`] — my [`Commit`]s (with what was [`Folded`] into them),
//! the merges naming a request ([`PrMerge`]), the changes of others that
//! credit me ([`Credit`]) — or a [`ScanWarning`]. Plain data: nothing here
//! reads a repository.

use std::path::PathBuf;

use git2::Oid;
use serde::Serialize;

use crate::config::{Me, RepoSpec};
use crate::forge::Forge;

/// A map keyed by object id, with a fast hash: ids are hashes already, and
/// SipHash was a visible part of the walk's profile.
pub(super) type OidMap<V> = rustc_hash::FxHashMap<Oid, V>;
/// A set of object ids (see [`OidMap`]).
pub(super) type OidSet = rustc_hash::FxHashSet<Oid>;

/// A commit of mine in the window.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Abbreviated id (7 hex digits).
    pub short: String,
    /// First line of the message.
    pub subject: String,
    /// The whole message (for keyword matching).
    #[serde(skip)]
    pub message: String,
    /// Author name and email after `.mailmap`.
    pub author_name: String,
    pub author_email: String,
    /// Whose work it is when it is mine only through a `Co-authored-by:`
    /// trailer (the author, after `.mailmap`, is not me): the author's name
    /// after `.mailmap` (their address when the name is blank). `None` when
    /// I am the author. Set where mine-ness is decided (`identity::mine`).
    /// Such a commit counts as mine, in the commits and the lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co_authored_with: Option<String>,
    /// Committer time, Unix seconds, and its UTC offset in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    /// Every path the commit touched (both sides of a rename).
    pub files: Vec<String>,
    pub added: usize,
    pub removed: usize,
    /// The branches whose tip reaches this commit (the mainline rule
    /// applied), and those of the commits folded into it (see `dedupe`),
    /// sorted, by the names a goal's `branches` glob is matched against:
    /// local ones by name (`search/x`), remote-tracking ones both as git
    /// shows them (`origin/search/x`) and by their name on the remote
    /// (`search/x`). For people, see [`Commit::on`].
    pub branches: Vec<String>,
    /// The same branches named once, for people (see "Branch names" in
    /// `walk`): a local branch by its name; a remote-tracking branch as git
    /// shows it (`origin/search/x`), unless a local branch of its name on
    /// the remote (`search/x`) holds the commit too, which names both.
    /// Sorted.
    pub on: Vec<String>,
    /// The pull request of a squash-merged subject ending in `(#N)`.
    pub pr: Option<u32>,
    /// Commits of mine found to be this same work on other branches (a
    /// squashed branch, a rebased or cherry-picked copy), folded into this
    /// one and not listed (see `dedupe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folded: Option<Folded>,
    /// The commit of mine before the window this one was cherry-picked
    /// from (`git cherry-pick -x`: a backport), see `dedupe`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backport_of: Option<BackportOf>,
}

impl Commit {
    /// Whether the commit counts in the commit and line totals: all do but
    /// a backport of a commit an earlier sent update already counted, with
    /// the same patch (see [`BackportOf`]).
    pub fn counted(&self) -> bool {
        !self
            .backport_of
            .as_ref()
            .is_some_and(|b| b.same_patch && b.update.is_some())
    }
}

/// The original of a backport: the commit of mine, before the window, that
/// a `(cherry picked from commit …)` line names.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BackportOf {
    pub id: String,
    pub short: String,
    /// Its committer time, Unix seconds.
    pub time: i64,
    /// The backport's patch id is the original's: the same change, not one
    /// reworked while picking it.
    pub same_patch: bool,
    /// The date of the sent update whose period holds the original; set
    /// after the scan, from the updates directory (the scan reads no
    /// updates). A same-patch backport of work a sent update holds is
    /// listed, not counted again.
    pub update: Option<chrono::NaiveDate>,
}

/// What was folded into a commit: my commits on other branches that are the
/// same work (see `dedupe`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Folded {
    /// How many commits of `squash_branches` this squash commit brought to
    /// the mainline (0: it is not a squash of a branch icu saw).
    pub squash_of: usize,
    /// The branches whose commits this squash commit holds, named once
    /// (as [`Commit::on`]), sorted.
    pub squash_branches: Vec<String>,
    /// The branches holding a copy with the same patch (rebased or
    /// cherry-picked), named once (as [`Commit::on`]), sorted.
    pub copies_on: Vec<String>,
    /// Short ids of the folded commits, which are not listed themselves.
    pub ids: Vec<String>,
}

/// A merge commit in the window whose message names a pull request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PrMerge {
    pub pr: u32,
    /// Ids of my in-window commits the merge brought in.
    pub commits: Vec<String>,
}

/// A change of someone else's in the window that credits me: a trailer
/// naming me, a patch I applied, a merge I made of their branch, my
/// `Code-Review` vote in Gerrit's notes (see `credit`). Never a commit of
/// mine, and never counted with them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Credit {
    /// The change, described as a commit of mine is (its paths, no line
    /// counts). Its author is the other person; a merge's is me.
    #[serde(flatten)]
    pub commit: Commit,
    /// Whose work it is: the author after `.mailmap`, or for a merge the
    /// authors of what it brought in who are not me, newest first.
    pub by: Vec<String>,
    /// How it credits me, each once: the trailers' kinds as configured
    /// (`reviewed` for `Reviewed-by`, `acked`, …), then `reviewed` (a
    /// Gerrit vote), `applied`, `merged`.
    pub kinds: Vec<String>,
}

/// What one repository contributed.
#[derive(Debug, Clone, Serialize)]
pub struct RepoActivity {
    pub name: String,
    pub path: PathBuf,
    /// Its web URL: `[[repo]] url`, else the `origin` remote's web page when
    /// its forge is known (`forge::resolve`); `None`: no links.
    pub url: Option<String>,
    /// How links to it are written; set whenever `url` is.
    pub forge: Option<Forge>,
    /// Mine, in the window, not merges; newest first.
    pub commits: Vec<Commit>,
    pub merges: Vec<PrMerge>,
    /// Changes of others that credit me; newest first. Empty when credit
    /// is off.
    pub credits: Vec<Credit>,
    /// Commits the walk read (the cost of the scan).
    pub visited: usize,
    /// Of the commits the walk read, those read from the commit-graph file
    /// rather than inflated.
    #[serde(skip)]
    pub from_graph: usize,
    /// Commits in the window, anyone's, merges included.
    pub in_window: usize,
    /// What went wrong without stopping the scan: commits that could not be
    /// read, commits of mine whose files could not be compared.
    #[serde(skip)]
    pub warnings: Vec<ScanWarning>,
    /// Some history could not be read (a damaged object, a branch that leads
    /// to no commit): work of mine may be missing from `commits`, and the
    /// warnings say what. A renderer can mark this repository's activity as
    /// incomplete.
    pub incomplete: bool,
    /// Commits in the window, not mine and not merges, whose author has my
    /// name or the address git commits under here, per address: work that
    /// may be mine under an address `me.emails` lacks. The most commits
    /// first.
    pub maybe_mine: Vec<MaybeMine>,
}

/// An author that may be me under another address (see
/// [`RepoActivity::maybe_mine`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MaybeMine {
    /// As the first such commit met (the newest) names them, after
    /// `.mailmap`.
    pub name: String,
    pub email: String,
    /// How many commits in the window.
    pub commits: usize,
}

/// A repository that could not be scanned, or a problem met while scanning
/// it; the rest goes on.
#[derive(Debug, Clone, Serialize)]
pub struct ScanWarning {
    pub repo: String,
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ScanWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "repo `{}` ({}): {}",
            self.repo,
            self.path.display(),
            self.message
        )
    }
}

/// Who counts as me: lower-cased emails; my name, to notice work under an
/// address not listed; and which changes of others credit me.
#[derive(Debug, Clone)]
pub struct Identity<'a> {
    pub emails: &'a [String],
    /// My name (`me.name`): commits of others by it are counted in
    /// [`RepoActivity::maybe_mine`], never taken as mine.
    pub name: &'a str,
    /// The trailer keys (`Reviewed-by`, …) that credit me when they name
    /// me; `None`: credit is off (see `credit`).
    pub credit: Option<&'a [String]>,
    /// Credit is looked for only in commits from this time on (Unix
    /// seconds); `None`: the whole window. `icu goals` counts credits in
    /// its period only, not over the 12 weeks it scans for its sparkline.
    pub credit_since: Option<i64>,
}

impl<'a> Identity<'a> {
    /// The configured `me`, with credit looked for under `credit` (the
    /// trailer keys; `None`: off) from `credit_since` on.
    pub fn of(me: &'a Me, credit: Option<&'a [String]>, credit_since: Option<i64>) -> Identity<'a> {
        Identity {
            emails: &me.emails,
            name: &me.name,
            credit,
            credit_since,
        }
    }
}

/// How much to learn about each commit of mine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Files, and lines added and removed (as `git log --numstat`).
    Full,
    /// Files only: enough to attribute commits to goals (`icu goals`).
    Paths,
}

/// The warning about repository `spec` that says `message`.
pub(super) fn warning(spec: &RepoSpec, message: impl Into<String>) -> ScanWarning {
    ScanWarning {
        repo: spec.name.clone(),
        path: spec.path.clone(),
        message: message.into(),
    }
}

/// A commit's abbreviated id, as [`Commit::short`] gives it.
pub fn short(id: &str) -> String {
    id.chars().take(7).collect()
}
