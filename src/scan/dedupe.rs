//! The same work on several branches, reported once.
//!
//! On a GitHub-flow repository a squash-merged pull request is on the
//! mainline as one commit, `Add HTTP timeout (#1580)`, and on the feature
//! branch nobody deleted as the commits it was made of; a branch merged by
//! rebasing leaves its old commits on the local branch; a fix cherry-picked
//! onto a release branch exists twice. Each is one piece of work. After the
//! walk, the commits of mine in the window are folded:
//!
//! 1. **Same patch** (a rebase, a cherry-pick, a backport): commits of mine
//!    with equal patch ids (see `patch_id`: the change with whitespace and
//!    line numbers ignored) are one piece of work, listed once. Which copy
//!    is listed: one on the first-parent line of a mainline branch (the
//!    squash or the commit pushed to `main`), else one that reached the
//!    mainline through a merge, else one on no mainline branch; among
//!    equals, the one committed first. So the usual release flow — a fix
//!    squash-merged on `main`, cherry-picked onto `release/1.2`, the release
//!    branch merged back into `main` — is the `main` commit, "also on
//!    `release/1.2`". Two copies stay apart, each listed and counted, when
//!    - both are on the first-parent line of the mainline: each changed the
//!      mainline when it was committed (the same diff committed twice on
//!      purpose — a fix made again after it was undone by hand);
//!    - both are on one branch other than a mainline (a change redone on
//!      that branch was redone), or
//!    - a commit in the window between them says it reverts one of them
//!      (`This reverts commit <id>.`, as `git revert` writes it): the later
//!      copy applies it again, which is new work.
//!
//!    Copies on two release branches (a cherry-pick from one to the other)
//!    are one change, listed as the one committed first, "also on" the other.
//! 2. **Squash**: for each branch holding a commit of mine off the mainline
//!    that is still unfolded, the branch's own commits are its first-parent
//!    line from the tip down to the mainline's history (or to the oldest
//!    commit the walk saw). The change from where the branch left the
//!    mainline — or, after a merge of the mainline into the branch, from the
//!    mainline commit merged last — to each of those commits, oldest first,
//!    is compared with the mainline commits of mine that touch the same
//!    files: the first prefix whose change has the same patch id as one of
//!    them was squashed into it, and the branch's commits up to there fold
//!    into it. The search goes on from there, for a branch squash-merged
//!    more than once; commits after the last match are work in progress and
//!    stay listed.
//!
//! 3. **Backport of earlier work**: a commit whose message has git's
//!    `(cherry picked from commit <id>)` line (`git cherry-pick -x`) naming a
//!    commit of mine from before the window is marked as its backport
//!    ([`super::BackportOf`]). When the two are the same patch and a sent
//!    update's period holds the original, the backport is listed — "backport
//!    of a1b2c3d (update of 2026-11-10)" — and not counted again; otherwise
//!    (reworked while picking, or the original in no sent update) it is
//!    listed and counted, marked. Without `-x`, a backport whose original is
//!    older than the walk's reach is a change of its own: finding it would
//!    mean walking the history before the period, whose cost follows the
//!    history.
//!
//! A commit folded into another is not listed, its lines are not counted,
//! its branches are added to the kept commit's (so a goal claiming
//! `feat/*` still claims the squash), a pull-request merge that brought it
//! in names the kept commit instead, and the kept commit says what it holds
//! ([`Folded`]), which its activity line shows.
//!
//! Cost: nothing when every commit of mine is on the mainline's
//! first-parent line. Otherwise
//! patch ids only for commits of mine that share their files and line
//! counts with another (the same patch always does; `icu goals`, which
//! counts no lines, counts them first for the commits that share their
//! files, see [`Folder::by_lines`]), in a group where a fold could
//! happen ([`Folder::could_fold`]), and, per branch holding unfolded work of
//! mine, one tree comparison per commit of its own line whose files could
//! make up a mainline commit's; file contents are read only when the files
//! a prefix changed are exactly those of a mainline commit of mine, and each
//! pair of blobs once (libgit2 does not cache blobs; see `patch_id`).
//! Everything comes from the graph the walk already visited: no history is
//! walked for this. Measured on a bench repository with kept, squash-merged,
//! rebased and cherry-picked branches added, the fold is a small part of a
//! draft, and nothing measurable on the unmodified bench repositories
//! (BENCHMARKS.md, "Measurements behind design decisions").
//!
//! Limits: a branch whose commits are older than the walk's reach (3 days
//! and [`super::SLOP`] commits before the window) is compared from the
//! oldest commit the walk saw, so its squash does not match (its earlier
//! commits were in an earlier update anyway, but then a goal claiming the
//! branch by name does not claim this update's squash commit). A squash
//! whose content differs from the branch's (a conflict resolved while
//! merging, a change made on GitHub) is not the same patch, and both stay
//! listed. Squashes onto a branch other than the mainline are not looked
//! for.

use std::collections::{BTreeSet, HashMap, HashSet};

use git2::{Oid, Repository};

use super::diff;
use super::patch_id::{PatchId, PatchIds};
use super::walk::{self, Walk};
use super::{Commit, Folded, PrMerge};

/// Why a commit folds into another.
#[derive(Debug, Clone)]
enum Why {
    /// The same patch.
    Copy,
    /// Squashed into it: the branch, and how many of its commits the squash holds.
    Squash { branch: String, commits: usize },
}

/// Where a commit of mine is, for the fold: each kind keeps its copies
/// over the next one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// On the first-parent line of a mainline branch: committed to the
    /// mainline itself (a squash, a rebase-merge, a direct push).
    FirstParent,
    /// On a mainline branch only through a merge (a merged branch, a
    /// release branch merged back).
    Merged,
    /// On no mainline branch.
    Off,
}

/// A commit that says it reverts another (`This reverts commit <id>.`, as
/// `git revert` writes it): at `time`, the commit `reverted`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Revert {
    time: i64,
    reverted: Oid,
}

/// The reverts commit `c`, committed at `time`, says it makes.
pub(super) fn reverts(c: &git2::Commit<'_>, time: i64) -> Vec<Revert> {
    const SAYS: &[u8] = b"This reverts commit ";
    let message = c.message_bytes();
    let mut out = Vec::new();
    let mut rest = message;
    // memchr's substring search: comparing every window of every message
    // in the window was 1.8 % of git.git's two-week draft.
    // One searcher for every message: building it is most of a search.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(SAYS));
    while let Some(at) = FINDER.find(rest) {
        rest = &rest[at + SAYS.len()..];
        let hex = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if hex == 40 || hex == 64 {
            if let Some(reverted) = std::str::from_utf8(&rest[..hex])
                .ok()
                .and_then(|h| Oid::from_str(h).ok())
            {
                out.push(Revert { time, reverted });
            }
        }
    }
    out
}

/// Folds the same work into one commit (see the module docs). `commits` are
/// mine in the window, newest first, with their branches, their lines
/// `counted` or not; `reverts`, the window's; `merges` name commits by id
/// and follow the fold.
pub(super) fn fold(
    repo: &Repository,
    walk: &Walk,
    reverts: &[Revert],
    counted: bool,
    commits: &mut Vec<Commit>,
    merges: &mut [PrMerge],
) {
    let mains = walk.mainlines();
    let first_parent = walk::mainline_line(walk);
    let place: Vec<Place> = commits
        .iter()
        .map(|c| {
            if !c.branches.iter().any(|b| mains.iter().any(|(m, _)| b == m)) {
                Place::Off
            } else if Oid::from_str(&c.id).is_ok_and(|o| first_parent.contains(&o)) {
                Place::FirstParent
            } else {
                Place::Merged
            }
        })
        .collect();
    if place.iter().all(|p| *p == Place::FirstParent) {
        return;
    }
    let mut folder = Folder {
        repo,
        walk,
        commits: commits.as_slice(),
        on_main: place.iter().map(|p| *p != Place::Off).collect(),
        counted,
        place,
        mainline_names: walk.mainline_names(),
        reverts,
        into: vec![None; commits.len()],
        ids: HashMap::new(),
        patch_ids: PatchIds::default(),
    };
    folder.same_patch();
    let tips: Vec<Oid> = mains.iter().map(|(_, t)| *t).collect();
    if !tips.is_empty() {
        folder.squashes(&tips);
    }
    let into = folder.into;
    apply(walk, &into, commits, merges);
}

struct Folder<'a> {
    repo: &'a Repository,
    walk: &'a Walk,
    commits: &'a [Commit],
    /// Where each commit is.
    place: Vec<Place>,
    /// Whether each commit is on a mainline branch (first-parent or merged).
    on_main: Vec<bool>,
    /// Whether the commits' lines were counted (`icu goals` counts none).
    counted: bool,
    /// The mainline branches' names: every copy on the mainline is on
    /// them, so they say nothing about two copies being on one branch.
    mainline_names: HashSet<&'a str>,
    reverts: &'a [Revert],
    /// For each commit, the commit it folds into, and why.
    into: Vec<Option<(usize, Why)>>,
    /// Patch ids of commits (against their first parent), by index.
    ids: HashMap<usize, PatchId>,
    patch_ids: PatchIds,
}

impl<'a> Folder<'a> {
    /// Rule 1: commits with the same patch.
    fn same_patch(&mut self) {
        // The same patch touches the same files and adds and removes as many
        // lines: only commits that share those with another get a patch id.
        let mut by_shape: HashMap<(&[String], usize, usize), Vec<usize>> = HashMap::new();
        for (i, c) in self.commits.iter().enumerate() {
            if !c.files.is_empty() {
                by_shape
                    .entry((c.files.as_slice(), c.added, c.removed))
                    .or_default()
                    .push(i);
            }
        }
        let mut groups: Vec<Vec<usize>> = by_shape
            .into_values()
            .filter(|g| g.len() > 1 && self.could_fold(g))
            .collect();
        groups.sort();
        if !self.counted {
            let mut alike = Vec::new();
            for g in groups {
                alike.extend(self.by_lines(g));
            }
            alike.retain(|g| g.len() > 1 && self.could_fold(g));
            groups = alike;
        }
        for group in groups {
            let mut by_id: HashMap<u64, Vec<usize>> = HashMap::new();
            for i in group {
                if let Some(id) = self.commit_id(i) {
                    by_id.entry(id).or_default().push(i);
                }
            }
            let mut same: Vec<Vec<usize>> = by_id.into_values().filter(|s| s.len() > 1).collect();
            same.sort();
            for s in same {
                self.fold_same(&s);
            }
        }
    }

    /// `group`, commits that change the same files, split by the lines
    /// each adds and removes in each file (uncounted commits, as `icu
    /// goals` reads them): the same patch changes as many lines, so only
    /// commits alike in these need a patch id. Counting reads the texts a
    /// patch id reads, and git's line counts skip the lines both texts
    /// begin and end with, where a patch id's diff hashes every line of
    /// both (BENCHMARKS.md, "Issue 31's levers"). A commit whose lines cannot be read is left
    /// alone.
    fn by_lines(&mut self, group: Vec<usize>) -> Vec<Vec<usize>> {
        let mut by_lines: HashMap<Vec<(usize, usize)>, Vec<usize>> = HashMap::new();
        for i in group {
            let lines = Oid::from_str(&self.commits[i].id)
                .ok()
                .and_then(|oid| lines_of(self.repo, &mut self.patch_ids, oid));
            if let Some(lines) = lines {
                by_lines.entry(lines).or_default().push(i);
            }
        }
        let mut out: Vec<Vec<usize>> = by_lines.into_values().collect();
        out.sort();
        out
    }

    /// Whether any of `group` could fold into another of it, were their
    /// patches the same (see [`Folder::fold_same`]): anything but copies all
    /// on the mainline's first-parent line, or all off it on one common
    /// branch. Only then are their patch ids worth computing.
    fn could_fold(&self, group: &[usize]) -> bool {
        if group.iter().all(|&i| self.place[i] == Place::FirstParent) {
            return false;
        }
        group.iter().enumerate().any(|(n, &i)| {
            group[n + 1..]
                .iter()
                .any(|&k| !self.share_a_branch(i, k) || self.place[i] != self.place[k])
        })
    }

    /// Whether commits `i` and `k` are both on a branch other than a
    /// mainline one: copies on one branch were made on it twice.
    fn share_a_branch(&self, i: usize, k: usize) -> bool {
        self.commits[i].branches.iter().any(|b| {
            !self.mainline_names.contains(b.as_str()) && self.commits[k].branches.contains(b)
        })
    }

    /// Whether a commit in the window reverts a copy of the patch `same`
    /// between the times of copies `a` and `b`: then the later copy applies
    /// it again, which is work of its own.
    fn reverted_between(&self, same: &[usize], a: usize, b: usize) -> bool {
        let (ta, tb) = (self.commits[a].time, self.commits[b].time);
        let (lo, hi) = (ta.min(tb), ta.max(tb));
        self.reverts.iter().any(|r| {
            (lo..=hi).contains(&r.time)
                && same
                    .iter()
                    .any(|&i| Oid::from_str(&self.commits[i].id).is_ok_and(|o| o == r.reverted))
        })
    }

    /// Folds copies of one patch (`same`, in commit order: newest first).
    /// A copy on the mainline's first-parent line is never folded (each
    /// landed there); every other copy folds into one kept before it, the
    /// first-parent copy committed last before it (else the oldest one),
    /// else a copy on the mainline through a merge, else one off it, the
    /// oldest first — unless both are on one branch other than the
    /// mainline, or a commit between them reverts the patch.
    fn fold_same(&mut self, same: &[usize]) {
        let mut order = same.to_vec();
        order.sort_by_key(|&i| (self.place[i], self.commits[i].time, std::cmp::Reverse(i)));
        let mut kept: Vec<usize> = Vec::new();
        for i in order {
            if self.place[i] == Place::FirstParent {
                kept.push(i);
                continue;
            }
            let time = self.commits[i].time;
            let first_parent = kept
                .iter()
                .copied()
                .filter(|&k| self.place[k] == Place::FirstParent)
                .filter(|&k| self.commits[k].time <= time)
                .max_by_key(|&k| self.commits[k].time)
                .or_else(|| {
                    kept.iter()
                        .copied()
                        .find(|&k| self.place[k] == Place::FirstParent)
                });
            let into = first_parent
                .into_iter()
                .chain(kept.iter().copied())
                .find(|&k| !self.share_a_branch(i, k) && !self.reverted_between(same, i, k));
            match into {
                Some(k) => self.into[i] = Some((k, Why::Copy)),
                None => kept.push(i),
            }
        }
    }

    /// Rule 2: branches squashed into a mainline commit of mine, on any of
    /// the mainlines (the local one, each remote's).
    fn squashes(&mut self, main_tips: &[Oid]) {
        let candidates: Vec<usize> = (0..self.commits.len())
            .filter(|&i| self.on_main[i] && !self.commits[i].files.is_empty())
            .collect();
        let branches: BTreeSet<&str> = (0..self.commits.len())
            .filter(|&i| self.unfolded_off_main(i))
            .flat_map(|i| self.commits[i].branches.iter().map(String::as_str))
            .collect();
        if candidates.is_empty() || branches.is_empty() {
            return;
        }
        let main_reach: HashSet<Oid> = main_tips
            .iter()
            .flat_map(|&t| reach(self.walk, t))
            .collect();
        let index: HashMap<Oid, usize> = self
            .commits
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((Oid::from_str(&c.id).ok()?, i)))
            .collect();
        for name in branches {
            self.squash_branch(name, &main_reach, &index, &candidates);
        }
    }

    fn unfolded_off_main(&self, i: usize) -> bool {
        !self.on_main[i] && self.into[i].is_none()
    }

    /// Rule 2 for one branch.
    fn squash_branch(
        &mut self,
        name: &str,
        main_reach: &HashSet<Oid>,
        index: &HashMap<Oid, usize>,
        candidates: &[usize],
    ) {
        let Some(tip) = self.walk.tip(name) else {
            return;
        };
        let (line, mut base) = branch_line(self.walk, tip, main_reach);
        let mine = |o: &Oid| index.get(o).copied();
        if !line
            .iter()
            .any(|o| mine(o).is_some_and(|i| self.unfolded_off_main(i)))
        {
            return;
        }
        // The commits already held by an earlier squash of this branch.
        let mut held_before = HashSet::new();
        // The files the branch's commits since `base` touched, while all of
        // them are known (commits of mine; another's or a merge is not): a
        // squash changes only files among them, and no tree comparison is
        // needed for a prefix no candidate fits.
        let mut touched: Option<HashSet<&str>> = Some(HashSet::new());
        for &oid in &line {
            // A merge of the mainline into the branch: the change is
            // counted from the mainline commit it merged.
            let parents = self.walk.parents_of(oid).unwrap_or_default();
            if let Some(p) = parents.iter().skip(1).find(|p| main_reach.contains(p)) {
                base = Some(*p);
            }
            match mine(&oid).map(|i| &self.commits[i].files) {
                Some(files) if !files.is_empty() => {
                    if let Some(t) = &mut touched {
                        t.extend(files.iter().map(String::as_str));
                    }
                }
                _ => touched = None,
            }
            let fits = |s: &usize| {
                touched.as_ref().is_none_or(|t| {
                    self.commits[*s]
                        .files
                        .iter()
                        .all(|f| t.contains(f.as_str()))
                })
            };
            if !candidates.iter().any(fits) {
                continue;
            }
            let Some(squash) = self.squash_of(base, oid, candidates) else {
                continue;
            };
            touched = Some(HashSet::new());
            let held = self.held(oid, main_reach, &held_before);
            let commits = held
                .iter()
                .filter(|o| self.walk.parents_of(**o).is_some_and(|ps| ps.len() < 2))
                .count();
            for i in held.iter().filter_map(mine) {
                if self.unfolded_off_main(i) && !self.reverted_between(&[squash, i], squash, i) {
                    let branch = name.to_string();
                    self.into[i] = Some((squash, Why::Squash { branch, commits }));
                }
            }
            held_before.extend(held);
            base = Some(oid);
        }
    }

    /// The mainline commit of mine (one of `candidates`) whose patch is the
    /// change from `base` to `to`, if any.
    fn squash_of(&mut self, base: Option<Oid>, to: Oid, candidates: &[usize]) -> Option<usize> {
        let new = tree(self.repo, to)?;
        let old = match base {
            Some(b) => Some(tree(self.repo, b)?),
            None => None,
        };
        let changes = diff::changed_files(self.repo, old, new).ok()?;
        let mut paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        let shaped: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&s| self.commits[s].files == paths)
            .collect();
        if shaped.is_empty() {
            return None;
        }
        let id = self.patch_ids.id(self.repo, &changes).ok()??;
        shaped.into_iter().find(|&s| self.commit_id(s) == Some(id))
    }

    /// The commits a squash up to `to` holds: those `to` reaches (itself
    /// included) off the mainline's history, within what the walk visited,
    /// but for those an earlier squash held — the branch's line and
    /// whatever was merged into it.
    fn held(&self, to: Oid, main_reach: &HashSet<Oid>, before: &HashSet<Oid>) -> Vec<Oid> {
        let mut seen = HashSet::new();
        let mut stack = vec![to];
        while let Some(oid) = stack.pop() {
            if main_reach.contains(&oid) || before.contains(&oid) || !seen.insert(oid) {
                continue;
            }
            stack.extend(self.walk.parents_of(oid).unwrap_or_default());
        }
        seen.retain(|o| self.walk.parents_of(*o).is_some());
        seen.into_iter().collect()
    }

    /// The patch id of commit `i` against its first parent (cached).
    fn commit_id(&mut self, i: usize) -> PatchId {
        if let Some(id) = self.ids.get(&i) {
            return *id;
        }
        let id = Oid::from_str(&self.commits[i].id)
            .ok()
            .and_then(|oid| patch_of(self.repo, &mut self.patch_ids, oid));
        self.ids.insert(i, id);
        id
    }
}

/// The patch id of commit `oid` against its first parent.
fn patch_of(repo: &Repository, patch_ids: &mut PatchIds, oid: Oid) -> PatchId {
    patch_ids.id(repo, &changes_of(repo, oid)?).ok().flatten()
}

/// The files commit `oid` changed against its first parent (see
/// [`diff::changed_files`]).
fn changes_of(repo: &Repository, oid: Oid) -> Option<Vec<diff::Change>> {
    let c = repo.find_commit(oid).ok()?;
    let old = match c.parent_count() {
        0 => None,
        _ => Some(c.parent(0).ok()?.tree_id()),
    };
    diff::changed_files(repo, old, c.tree_id()).ok()
}

/// The lines commit `oid` adds and removes in each file it changes, against
/// its first parent (in the order of [`diff::changed_files`]).
fn lines_of(repo: &Repository, patch_ids: &mut PatchIds, oid: Oid) -> Option<Vec<(usize, usize)>> {
    patch_ids.lines(repo, &changes_of(repo, oid)?).ok()
}

/// The commit a `(cherry picked from commit <id>)` line names, as `git
/// cherry-pick -x` writes it: the first such line, the original of a
/// cherry-pick of a cherry-pick.
fn picked_from(message: &str) -> Option<Oid> {
    message.lines().find_map(|l| {
        let hex = l
            .trim()
            .strip_prefix("(cherry picked from commit ")?
            .strip_suffix(')')?;
        Oid::from_str(hex).ok().filter(|_| hex.len() >= 40)
    })
}

/// Marks each of `commits` (mine in `window`, folded) that is a backport of
/// a commit of mine from before the window (see the module docs): the
/// commit its `(cherry picked from commit …)` line names, when that is a
/// commit `is_mine` owns committed before the window — with whether the
/// two are the same patch. One commit lookup per such line, and two patch
/// ids: nothing here walks the history before the window.
pub(super) fn backports(
    repo: &Repository,
    window: super::TimeWindow,
    commits: &mut [Commit],
    is_mine: impl Fn(&git2::Commit<'_>) -> bool,
) {
    let mut patch_ids = PatchIds::default();
    for c in commits.iter_mut() {
        let Some(from) = picked_from(&c.message) else {
            continue;
        };
        let Ok(original) = repo.find_commit(from) else {
            continue;
        };
        let time = original.committer().when().seconds();
        if time >= window.since || !is_mine(&original) {
            continue;
        }
        let same_patch = Oid::from_str(&c.id).ok().is_some_and(|oid| {
            let this = patch_of(repo, &mut patch_ids, oid);
            this.is_some() && this == patch_of(repo, &mut patch_ids, from)
        });
        let id = from.to_string();
        c.backport_of = Some(super::BackportOf {
            short: super::model::short(&id),
            id,
            time,
            same_patch,
            update: None,
        });
    }
}

/// A branch's own line: the first parents from `tip` (itself included),
/// oldest first, down to the first commit in the mainline's history or
/// beyond what the walk visited — which is returned as where the branch
/// left the mainline (`None`: the line reaches a root commit, compared with
/// the empty tree).
fn branch_line(walk: &Walk, tip: Oid, main_reach: &HashSet<Oid>) -> (Vec<Oid>, Option<Oid>) {
    let mut line = Vec::new();
    let mut base = None;
    let mut at = Some(tip);
    while let Some(oid) = at {
        let parents = walk.parents_of(oid);
        if main_reach.contains(&oid) || parents.is_none() {
            base = Some(oid);
            break;
        }
        line.push(oid);
        at = parents.and_then(|ps| ps.first().copied());
    }
    line.reverse();
    (line, base)
}

/// The tree of commit `oid`.
fn tree(repo: &Repository, oid: Oid) -> Option<Oid> {
    Some(repo.find_commit(oid).ok()?.tree_id())
}

/// The commits the walk visited that `tip` reaches.
fn reach(walk: &Walk, tip: Oid) -> HashSet<Oid> {
    let mut seen = HashSet::new();
    let mut stack = vec![tip];
    while let Some(oid) = stack.pop() {
        if seen.insert(oid) {
            stack.extend(walk.parents_of(oid).unwrap_or_default());
        }
    }
    seen
}

/// Removes the folded commits, moving what they carried (branches, the
/// pull-request merges naming them) to the commit each folds into, and
/// recording it there, its branches named once (see `walk`).
fn apply(
    walk: &Walk,
    into: &[Option<(usize, Why)>],
    commits: &mut Vec<Commit>,
    merges: &mut [PrMerge],
) {
    // Where each folded commit ends up: a copy kept off the mainline may
    // itself be squashed into a mainline commit.
    let target = |mut i: usize| {
        for _ in 0..into.len() {
            match &into[i] {
                Some((t, _)) => i = *t,
                None => break,
            }
        }
        i
    };
    let own_on: Vec<Vec<String>> = commits.iter().map(|c| c.on.clone()).collect();
    let mut renamed: HashMap<String, String> = HashMap::new();
    for (i, why) in into
        .iter()
        .enumerate()
        .filter_map(|(i, w)| Some((i, &w.as_ref()?.1)))
    {
        let t = target(i);
        let (gone, kept) = (commits[i].clone(), &mut commits[t]);
        renamed.insert(gone.id.clone(), kept.id.clone());
        let f = kept.folded.get_or_insert_with(Folded::default);
        f.ids.push(gone.short.clone());
        match why {
            Why::Copy => f
                .copies_on
                .extend(gone.on.iter().filter(|b| !own_on[t].contains(b)).cloned()),
            Why::Squash { branch, commits } => {
                f.squash_of = f.squash_of.max(*commits);
                // Named as the commits it holds name it: by a local twin
                // that holds them too.
                let twin = walk
                    .local_twin(branch)
                    .filter(|l| gone.on.iter().any(|o| o == l));
                f.squash_branches
                    .push(twin.unwrap_or(branch.as_str()).to_string());
            }
        }
        kept.branches.extend(gone.branches);
        kept.on.extend(gone.on);
    }
    for c in commits.iter_mut() {
        c.branches.sort();
        c.branches.dedup();
        if let Some(f) = &mut c.folded {
            for v in [&mut f.squash_branches, &mut f.copies_on] {
                *v = walk.named_once(v);
            }
            f.copies_on.retain(|b| !f.squash_branches.contains(b));
            if !f.squash_branches.is_empty() {
                c.branches.extend(f.squash_branches.iter().cloned());
                c.branches.sort();
                c.branches.dedup();
            }
        }
        c.on = walk.named_once(&c.on);
    }
    for m in merges.iter_mut() {
        for id in &mut m.commits {
            if let Some(kept) = renamed.get(id) {
                id.clone_from(kept);
            }
        }
        m.commits.sort();
        m.commits.dedup();
    }
    let mut i = 0;
    commits.retain(|_| {
        i += 1;
        into[i - 1].is_none()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_of_a_cherry_pick_is_the_first_line_git_wrote() {
        let a = "1".repeat(40);
        let b = "2".repeat(40);
        let message =
            format!("Fix it\n\n(cherry picked from commit {a})\n(cherry picked from commit {b})\n");
        assert_eq!(picked_from(&message), Oid::from_str(&a).ok());
        assert_eq!(
            picked_from("Fix it\n\n(cherry picked from commit 1234567)\n"),
            None
        );
        assert_eq!(picked_from("Fix it\n\ncherry picked from commit\n"), None);
    }
}
