//! Credit: changes of other people in the window that name me or passed
//! through my hands — a trailer naming one of my addresses, as written or
//! after `.mailmap` (`Reviewed-by`, `Acked-by`, … as configured; found by
//! `trailers`), a commit that is not a merge, authored by someone else and
//! committed by me after `.mailmap` (a patch I applied), a merge I made of
//! someone else's branch (see [`Collector::finish`]), and a `Code-Review`
//! vote of mine in Gerrit's review notes (`refs/notes/review`, looked up
//! only when the repository has that ref).
//!
//! Collected from the commits the walk already visits: the window's commits
//! are read once for the scan anyway, so credit costs a trailer parse per
//! commit, a note lookup per commit when the notes exist, and, per credited
//! change, a tree comparison for its paths (as for mine, with
//! [`Detail::Paths`]: no line counts). Its branches come from the same
//! `walk::branch_membership` pass as mine; a merge's also from the tips it
//! merged. No history is walked for it, and the walk and its stop rule are
//! untouched.
//!
//! A commit of mine (see `identity`) is never a credit. One change is one
//! credit, however many ways it credits me; [`Credit::kinds`] lists them.
//!
//! Limits: a backport I cherry-picked of someone's commit is a credit of its
//! own besides the original; a merge of the mainline (`Merge branch 'main'
//! …`) is recognised by the mainline names the walk knows.

use std::collections::HashSet;
use std::sync::LazyLock;

use git2::{Commit as GitCommit, Oid, Repository};
use regex::Regex;

use super::identity::{self, names_me};
use super::trailers::{person, trailers};
use super::walk::{self, Walk};
use super::{diff, Commit, Credit, Detail, Identity};

/// Gerrit's review notes: one note per submitted change, a line per vote.
pub(super) const REVIEW_NOTES: &str = "refs/notes/review";

/// The kind a Gerrit `Code-Review` vote and a `Reviewed-by` trailer share.
const REVIEWED: &str = "reviewed";
/// A commit authored by someone else that I committed.
const APPLIED: &str = "applied";
/// A merge of mine that brought in someone else's work.
const MERGED: &str = "merged";

/// How a credit reads, from the trailer key: `Reviewed-by` is `reviewed`,
/// `Signed-off-by` is `signed off`.
pub fn kind_of_trailer(key: &str) -> String {
    let k = key.to_ascii_lowercase();
    k.strip_suffix("-by").unwrap_or(&k).replace('-', " ")
}

/// What one repository's scan gathers for credit as it reads the window.
pub(super) struct Collector<'r> {
    /// The configured trailer keys, lower-cased.
    keys: Vec<String>,
    /// The kinds in the order they are listed: the trailers' as
    /// configured, then `reviewed`, `applied`, `merged`.
    order: Vec<String>,
    /// Whether `refs/notes/review` exists.
    notes: bool,
    /// Changes of others that credit me, with how.
    found: Vec<(Oid, GitCommit<'r>, Vec<String>)>,
    /// Merges of mine, to be looked at once the walk's graph is known.
    my_merges: Vec<(Oid, GitCommit<'r>)>,
}

impl<'r> Collector<'r> {
    /// A collector for `repo` crediting the trailers `keys`.
    /// `notes`: whether Gerrit's review notes ([`REVIEW_NOTES`]) exist.
    pub(super) fn new(keys: &[String], notes: bool) -> Self {
        let keys: Vec<String> = keys.iter().map(|k| k.to_ascii_lowercase()).collect();
        let mut order: Vec<String> = keys.iter().map(|k| kind_of_trailer(k)).collect();
        order.extend([REVIEWED, APPLIED, MERGED].map(String::from));
        let mut seen = HashSet::new();
        order.retain(|k| seen.insert(k.clone()));
        Collector {
            keys,
            order,
            notes,
            found: Vec::new(),
            my_merges: Vec::new(),
        }
    }

    /// A commit in the window that is not mine (`oid` as shown, `c` its
    /// content): credit when a trailer or a review note names me, or, not
    /// being a merge, when I committed it.
    pub(super) fn other(
        &mut self,
        repo: &Repository,
        oid: Oid,
        c: GitCommit<'r>,
        mailmap: Option<&git2::Mailmap>,
        me: &Identity<'_>,
    ) {
        let mut kinds = Vec::new();
        for (key, value) in trailers(super::encoding::message(&c).as_bytes()) {
            if !self.keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                continue;
            }
            if person(&value).is_some_and(|(name, email)| names_me(name, email, mailmap, me)) {
                kinds.push(kind_of_trailer(&key));
            }
        }
        if self.notes && self.reviewed_in_notes(repo, oid, mailmap, me) {
            kinds.push(REVIEWED.to_string());
        }
        if c.parent_count() <= 1 {
            let committer = identity::committer(&c, mailmap);
            if me.is_me(&committer.email) {
                kinds.push(APPLIED.to_string());
            }
        }
        if !kinds.is_empty() {
            self.found.push((oid, c, kinds));
        }
    }

    /// A merge of mine in the window (`oid` as shown, `c` its content).
    pub(super) fn my_merge(&mut self, oid: Oid, c: GitCommit<'r>) {
        self.my_merges.push((oid, c));
    }

    /// Whether Gerrit's note on `oid` holds a `Code-Review` vote of mine
    /// (`Code-Review+2: Name <addr>`).
    fn reviewed_in_notes(
        &self,
        repo: &Repository,
        oid: Oid,
        mailmap: Option<&git2::Mailmap>,
        me: &Identity<'_>,
    ) -> bool {
        let Ok(note) = repo.find_note(Some(REVIEW_NOTES), oid) else {
            return false;
        };
        let text = String::from_utf8_lossy(note.message_bytes()).into_owned();
        text.lines().any(|line| {
            let Some((key, value)) = line.split_once(':') else {
                return false;
            };
            let vote = key
                .get(..11)
                .is_some_and(|k| k.eq_ignore_ascii_case("code-review"));
            vote && person(value).is_some_and(|(name, email)| names_me(name, email, mailmap, me))
        })
    }

    /// The credits found, newest first, each with the commits whose
    /// branches are its too (a merge's merged tips). A merge of mine is
    /// credit when it brought in a commit that is not mine and did not
    /// merge the mainline's own history (that is bringing a branch up to
    /// date, not taking someone's work in).
    pub(super) fn finish(
        mut self,
        repo: &Repository,
        walk: &Walk,
        mailmap: Option<&git2::Mailmap>,
        me: &Identity<'_>,
    ) -> Vec<(Credit, Vec<Oid>)> {
        let mut out = Vec::new();
        let mainline = if self.my_merges.is_empty() {
            HashSet::new()
        } else {
            walk::mainline_line(walk)
        };
        let found = std::mem::take(&mut self.found);
        for (oid, c, kinds) in found {
            let a = identity::author(&c, mailmap);
            let by = vec![a.name];
            out.push((
                credit(repo, oid, &c, mailmap, by, self.order_of(kinds)),
                Vec::new(),
            ));
        }
        for (oid, c) in std::mem::take(&mut self.my_merges) {
            let side: Vec<Oid> = walk
                .parents_of(oid)
                .map(|ps| ps.iter().skip(1).copied().collect())
                .unwrap_or_default();
            if side.is_empty()
                || side.iter().any(|p| mainline.contains(p))
                || merges_a_mainline(&c, walk)
            {
                continue;
            }
            let by = others_brought_in(repo, walk, oid, mailmap, me);
            if by.is_empty() {
                continue;
            }
            let kinds = vec![MERGED.to_string()];
            out.push((credit(repo, oid, &c, mailmap, by, kinds), side));
        }
        out.sort_by_key(|(c, _)| std::cmp::Reverse(c.commit.time));
        out
    }

    /// `kinds` once each, in the order of [`Collector::order`].
    fn order_of(&self, kinds: Vec<String>) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .order
            .iter()
            .filter(|k| kinds.contains(k))
            .cloned()
            .collect();
        kinds.dedup();
        kinds
    }
}

/// Whether the merge `c` says it merged a mainline branch (`Merge branch
/// 'main' of https://…`, `Merge remote-tracking branch 'origin/main'`): a
/// `git pull` bringing the mainline up to date, whose side parent the
/// mainline's first-parent line no longer passes once the merge is pushed.
fn merges_a_mainline(c: &GitCommit<'_>, walk: &Walk) -> bool {
    let msg = super::encoding::message(c);
    let Some(caps) = MERGE_BRANCH.captures(msg.lines().next().unwrap_or("")) else {
        return false;
    };
    let merged = &caps[1];
    walk.mainlines()
        .iter()
        .any(|(name, _)| *name == merged || name.rsplit_once('/').is_some_and(|(_, n)| n == merged))
        || merged
            .rsplit_once('/')
            .is_some_and(|(_, n)| walk.mainlines().iter().any(|(name, _)| *name == n))
}

static MERGE_BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Merge (?:remote-tracking )?branch '([^']+)'").expect("static regex is valid")
});

/// The authors (after `.mailmap`) of the commits the merge `oid` brought
/// in that are not mine, newest first, each once.
fn others_brought_in(
    repo: &Repository,
    walk: &Walk,
    oid: Oid,
    mailmap: Option<&git2::Mailmap>,
    me: &Identity<'_>,
) -> Vec<String> {
    let mut theirs: Vec<(i64, String)> = Vec::new();
    for id in walk::brought_in(walk, oid) {
        let Ok(id) = Oid::from_str(&id) else {
            continue;
        };
        let Ok(c) = repo.find_commit(walk.content_of(id)) else {
            continue;
        };
        if identity::is_mine(&c, mailmap, me) {
            continue;
        }
        let a = identity::author(&c, mailmap);
        theirs.push((c.committer().when().seconds(), a.name));
    }
    theirs.sort_by_key(|(time, _)| std::cmp::Reverse(*time));
    let mut seen = HashSet::new();
    theirs
        .into_iter()
        .filter_map(|(_, name)| seen.insert(name.clone()).then_some(name))
        .collect()
}

/// The [`Credit`] for the change `oid` (content `c`): described as a
/// commit of mine would be, with its paths but no line counts.
fn credit(
    repo: &Repository,
    oid: Oid,
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    by: Vec<String>,
    kinds: Vec<String>,
) -> Credit {
    // Attribution needs the paths; a tree that cannot be read leaves them
    // out, and the credit is still listed.
    let changed = diff::changes(repo, c, Detail::Paths).unwrap_or_default();
    let mut commit: Commit = super::repo::describe(c, mailmap, changed);
    if c.id() != oid {
        commit.id = oid.to_string();
        commit.short = super::model::short(&commit.id);
    }
    Credit { commit, by, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailer_key_reads_as_what_was_done() {
        assert_eq!(kind_of_trailer("Reviewed-by"), "reviewed");
        assert_eq!(kind_of_trailer("acked-BY"), "acked");
        assert_eq!(kind_of_trailer("Signed-off-by"), "signed off");
        assert_eq!(kind_of_trailer("Cc"), "cc");
    }
}
