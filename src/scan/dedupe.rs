//! The same work on several branches, reported once.
//!
//! On a GitHub-flow repository a squash-merged pull request is on the
//! mainline as one commit, `Add HTTP timeout (#1580)`, and on the feature
//! branch nobody deleted as the commits it was made of; a branch merged by
//! rebasing leaves its old commits on the local branch; a fix cherry-picked
//! onto a release branch exists twice. Each is one piece of work. After the
//! walk, the commits of mine in the window are folded:
//!
//! 1. **Same patch** (a rebase, a cherry-pick): commits of mine with equal
//!    patch ids (see `patch_id`: the change with whitespace and line numbers
//!    ignored) are one piece of work. A copy on the mainline is kept (the
//!    newest, if several are on the mainline; those are never folded into
//!    each other, as each landed) and the copies off it fold into it. When
//!    every copy is off the mainline, the copy committed first is kept and
//!    the later ones on other branches fold into it (copies that share a
//!    branch are both kept: a change redone on the same branch was redone).
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
//! A commit folded into another is not listed, its lines are not counted,
//! its branches are added to the kept commit's (so a goal claiming
//! `feat/*` still claims the squash), a pull-request merge that brought it
//! in names the kept commit instead, and the kept commit says what it holds
//! ([`Folded`]), which its activity line shows.
//!
//! Cost: nothing when every commit of mine is on the mainline. Otherwise
//! patch ids only for commits of mine that share their files and line
//! counts with another (the same patch always does; `icu goals`, which
//! counts no lines, goes by the files alone), in a group where a fold could
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

use git2::{Oid, Repository, Tree};

use super::diff;
use super::patch_id::{PatchId, PatchIds};
use super::walk::Walk;
use super::{Commit, Folded, PrMerge};

/// Why a commit folds into another.
#[derive(Debug, Clone)]
enum Why {
    /// The same patch.
    Copy,
    /// Squashed into it: the branch, and how many of its commits the squash holds.
    Squash { branch: String, commits: usize },
}

/// Folds the same work into one commit (see the module docs). `commits` are
/// mine in the window, newest first, with their branches; `merges` name
/// commits by id and follow the fold.
pub(super) fn fold(
    repo: &Repository,
    walk: &Walk,
    commits: &mut Vec<Commit>,
    merges: &mut [PrMerge],
) {
    let mains = walk.mainlines();
    let on_main: Vec<bool> = commits
        .iter()
        .map(|c| c.branches.iter().any(|b| mains.iter().any(|(m, _)| b == m)))
        .collect();
    if on_main.iter().all(|m| *m) {
        return;
    }
    let mut folder = Folder {
        repo,
        walk,
        commits: commits.as_slice(),
        on_main,
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
    apply(&into, commits, merges);
}

struct Folder<'a> {
    repo: &'a Repository,
    walk: &'a Walk,
    commits: &'a [Commit],
    on_main: Vec<bool>,
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

    /// Whether any of `group` could fold into another of it, were their
    /// patches the same (see [`Folder::fold_same`]): a copy off the mainline
    /// beside one on it, or two copies off it on no common branch. Only
    /// then are their patch ids worth computing.
    fn could_fold(&self, group: &[usize]) -> bool {
        let (on, off): (Vec<usize>, Vec<usize>) = group.iter().partition(|&&i| self.on_main[i]);
        if off.is_empty() {
            return false;
        }
        if !on.is_empty() {
            return true;
        }
        off.iter().enumerate().any(|(n, &i)| {
            off[n + 1..].iter().any(|&k| {
                !self.commits[k]
                    .branches
                    .iter()
                    .any(|b| self.commits[i].branches.contains(b))
            })
        })
    }

    /// Folds copies of one patch (`same`, in commit order: newest first).
    fn fold_same(&mut self, same: &[usize]) {
        if let Some(&keep) = same.iter().find(|&&i| self.on_main[i]) {
            for &i in same {
                if !self.on_main[i] {
                    self.into[i] = Some((keep, Why::Copy));
                }
            }
            return;
        }
        let mut oldest_first = same.to_vec();
        oldest_first.sort_by_key(|&i| (self.commits[i].time, std::cmp::Reverse(i)));
        let mut kept: Vec<usize> = Vec::new();
        for i in oldest_first {
            let branches = &self.commits[i].branches;
            let other_branch = kept.iter().copied().find(|&k| {
                !self.commits[k]
                    .branches
                    .iter()
                    .any(|b| branches.contains(b))
            });
            match other_branch {
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
                if self.unfolded_off_main(i) {
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
        let changes = diff::changed_files(self.repo, old.as_ref(), &new).ok()?;
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
        let repo = self.repo;
        let changes = (|| {
            let c = repo
                .find_commit(Oid::from_str(&self.commits[i].id).ok()?)
                .ok()?;
            let old = match c.parent_count() {
                0 => None,
                _ => Some(c.parent(0).ok()?.tree().ok()?),
            };
            diff::changed_files(repo, old.as_ref(), &c.tree().ok()?).ok()
        })();
        let id = changes.and_then(|ch| self.patch_ids.id(repo, &ch).ok().flatten());
        self.ids.insert(i, id);
        id
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

fn tree(repo: &Repository, oid: Oid) -> Option<Tree<'_>> {
    repo.find_commit(oid).ok()?.tree().ok()
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
/// recording it there.
fn apply(into: &[Option<(usize, Why)>], commits: &mut Vec<Commit>, merges: &mut [PrMerge]) {
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
    let own_branches: Vec<Vec<String>> = commits.iter().map(|c| c.branches.clone()).collect();
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
            Why::Copy => f.copies_on.extend(
                gone.branches
                    .iter()
                    .filter(|b| !own_branches[t].contains(b))
                    .cloned(),
            ),
            Why::Squash { branch, commits } => {
                f.squash_of = f.squash_of.max(*commits);
                f.squash_branches.push(branch.clone());
            }
        }
        kept.branches.extend(gone.branches);
    }
    for c in commits.iter_mut() {
        c.branches.sort();
        c.branches.dedup();
        if let Some(f) = &mut c.folded {
            for v in [&mut f.squash_branches, &mut f.copies_on] {
                v.sort();
                v.dedup();
            }
            f.copies_on.retain(|b| !f.squash_branches.contains(b));
            if !f.squash_branches.is_empty() {
                c.branches.extend(f.squash_branches.iter().cloned());
                c.branches.sort();
                c.branches.dedup();
            }
        }
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
