//! What a commit changed: our own comparison of its tree with its first
//! parent's, descending only into subtrees whose ids differ; rename detection
//! for the commits that need it; and line counts as `git log --numstat`
//! gives them (git's own diff on lines with their terminators: see `xdiff`;
//! binary files, by git's rule, count 0).
//!
//! Only commits that are mine and in the window are compared (and the
//! changes of others that credit me, for their paths).
//!
//! # Why not libgit2's diff
//!
//! `diff_tree_to_tree` expands every file of both trees and does not skip
//! subtrees that are identical on both sides: several times the cost of
//! comparing the trees ourselves (per-commit timings in BENCHMARKS.md,
//! "Measurements behind design decisions"). And a blob patch from libgit2
//! looks up `.gitattributes` for every file.
//!
//! # Line counts as `git diff --numstat`
//!
//! Renames are detected, as git does: without it a moved file counts as all
//! its lines deleted and added, and a period's totals come out far too large
//! (BENCHMARKS.md has the two weeks of cargo counted both ways). Renames only
//! matter for a commit that both adds and deletes files; every other commit
//! takes the fast path above. A commit that does both goes through libgit2's
//! diff with `find_similar`, which takes a pair with the same blob id as an
//! exact rename without reading it and compares contents only for the other
//! pairs, so moved files count as git counts them. Binary files (a NUL in the
//! first 8,000 bytes) count 0, and line endings count as git counts them
//! ([`line_diff`]).
//!
//! # Many commits, many cores
//!
//! libgit2 objects belong to one thread. When a repository has many commits
//! of mine to compare (from [`PARALLEL_MIN`]: a year's window, `icu goals`),
//! they are shared out over the cores, each thread opening its own handle on
//! the repository (cheap beside the comparisons: BENCHMARKS.md); the results
//! are put back in the walk's order, so the scan gives what one thread gives
//! (the tests `many_commits_compared_on_every_core_give_what_one_thread_gives_in_order`
//! and `a_few_commits_compared_on_spare_cores_give_what_one_thread_gives`
//! check it). With fewer repositories than cores (one large repository), the
//! cores left over take a repository's commits from [`PARALLEL_MIN_SPARE`]
//! on ([`changes_of_all`]).
//!
//! The comparisons start once the walk has ended. Comparing my commits on
//! another core while the walk still pops them was built and measured on
//! git.git, and gained nothing but user time (BENCHMARKS.md, "Why the
//! targets not met are not"): threads reading one repository share
//! libgit2's process-wide pack cache (one pack structure and its lock per
//! pack file, `mwindow.c`), the likely limit.

use std::collections::HashMap;

use git2::{Commit as GitCommit, ObjectType, Oid, Repository, Tree};

use super::Detail;

/// What a path holds on one side of a comparison: a file's blob, or a
/// gitlink (mode 160000: the commit a submodule is at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Side {
    Blob(Oid),
    Link(Oid),
}

impl Side {
    pub(super) fn id(self) -> Oid {
        match self {
            Side::Blob(id) | Side::Link(id) => id,
        }
    }
}

/// One side of a changed path.
pub(super) struct Change {
    pub(super) path: String,
    pub(super) old: Option<Side>,
    pub(super) new: Option<Side>,
}

/// A side's text as git diffs it: a blob's bytes, or for a gitlink the one
/// line git diffs in its place, `Subproject commit <id>` (libgit2 writes
/// the same), so that a submodule moved to another commit counts +1 −1, one
/// added +1 and one removed −1, as in `git log --numstat`. The submodule's
/// commit is never read: a clone of the superproject seldom has it.
pub(super) enum Text<'r> {
    Blob(git2::Blob<'r>),
    Link(Vec<u8>),
}

impl Text<'_> {
    /// The side's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Text::Blob(b) => b.content(),
            Text::Link(line) => line,
        }
    }
}

/// The [`Text`] of one side of a change (`None`: the path is not there).
pub(super) fn text(repo: &Repository, side: Option<Side>) -> Result<Option<Text<'_>>, git2::Error> {
    Ok(match side {
        None => None,
        Some(Side::Blob(id)) => Some(Text::Blob(repo.find_blob(id)?)),
        Some(Side::Link(id)) => Some(Text::Link(format!("Subproject commit {id}\n").into_bytes())),
    })
}

/// The files that differ between two trees (`None`: the empty tree), in
/// tree order, without rename detection: what a patch id is computed from
/// (see `patch_id`).
pub(super) fn changed_files(
    repo: &Repository,
    old: Option<Oid>,
    new: Oid,
) -> Result<Vec<Change>, git2::Error> {
    let odb = repo.odb()?;
    let mut out = Vec::new();
    diff_trees(&odb, old, Some(new), "", &mut out)?;
    Ok(out)
}

/// What a commit changed, as `git log --numstat` counts it: the files
/// touched, sorted, and the lines added and removed in them (0 and 0 with
/// [`Detail::Paths`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Numstat {
    pub(super) files: Vec<String>,
    pub(super) added: usize,
    pub(super) removed: usize,
}

/// Files touched and lines added/removed, as `git log --numstat` counts them
/// (renames detected, binary files count 0).
pub(super) fn changes(
    repo: &Repository,
    c: &GitCommit<'_>,
    detail: Detail,
) -> Result<Numstat, git2::Error> {
    changes_of_trees(repo, trees_of(c)?, detail)
}

/// The tree of commit `c` and the tree it is compared with: its first
/// parent's. A root commit compares with the empty tree (`None`), and so
/// does a shallow clone's boundary (libgit2 gives it no parents). A parent
/// that is listed but missing is an error: comparing with the empty tree
/// would count the whole tree as this commit's work.
fn trees_of(c: &GitCommit<'_>) -> Result<(Oid, Option<Oid>), git2::Error> {
    let parent_tree = match c.parent_count() {
        0 => None,
        _ => Some(c.parent(0)?.tree_id()),
    };
    Ok((c.tree_id(), parent_tree))
}

/// [`changes`] from the trees [`trees_of`] gives.
fn changes_of_trees(
    repo: &Repository,
    (tree, parent_tree): (Oid, Option<Oid>),
    detail: Detail,
) -> Result<Numstat, git2::Error> {
    let odb = repo.odb()?;
    let mut out = Vec::new();
    diff_trees(&odb, parent_tree, Some(tree), "", &mut out)?;

    if detail == Detail::Paths {
        let mut files: Vec<String> = out.into_iter().map(|ch| ch.path).collect();
        files.sort();
        return Ok(Numstat {
            files,
            ..Numstat::default()
        });
    }
    let has_add = out.iter().any(|x| x.old.is_none());
    let has_del = out.iter().any(|x| x.new.is_none());
    if has_add && has_del {
        let parent_tree = parent_tree.map(|id| repo.find_tree(id)).transpose()?;
        return renames_diff(repo, parent_tree.as_ref(), &repo.find_tree(tree)?);
    }
    let mut files = Vec::with_capacity(out.len());
    let (mut added, mut removed) = (0, 0);
    for ch in out {
        let (a, r) = side_line_stats(repo, ch.old, ch.new)?;
        added += a;
        removed += r;
        files.push(ch.path);
    }
    files.sort();
    Ok(Numstat {
        files,
        added,
        removed,
    })
}

/// What [`changes`] gives for one commit.
pub(super) type Changed = Result<Numstat, git2::Error>;

/// From this many commits to compare, they are shared out over every core
/// even while other repositories are scanned on them: the cost of opening
/// the repository again per thread is small beside theirs.
const PARALLEL_MIN: usize = 64;

/// From this many commits, they are shared out over the cores `scan_all`
/// left to this repository (`spare`: more cores than repositories). Fewer
/// are compared by one thread: opening a repository per thread and starting
/// threads cost more than they save.
const PARALLEL_MIN_SPARE: usize = 8;

/// How many runs of neighbouring commits each thread takes, on average,
/// when commits are shared out: few enough that each run reads its trees
/// once, enough that a thread done early takes work from a slow one.
const RUNS_PER_THREAD: usize = 4;

/// [`changes`] of each commit `ids` names (the objects to read), in the
/// order given. A long list is shared out over the cores, each thread with
/// its own handle on the repository at `path` (libgit2 objects belong to
/// one thread); the results are the same as one thread's, in the same
/// order. A thread that cannot open the repository leaves its share to the
/// others. `spare`: how many cores this repository's scan may use alone
/// (see `scan_all`); 1 when the others are busy with other repositories.
pub(super) fn changes_of_all(
    repo: &Repository,
    path: &std::path::Path,
    ids: &[Oid],
    detail: Detail,
    spare: usize,
) -> Vec<Changed> {
    // The trees to compare, from the commits as this thread's handle has
    // them (the walk read them, and mostly their parents: in its object
    // cache), so that a helper thread reads no commit of its own.
    let trees: Vec<Result<(Oid, Option<Oid>), git2::Error>> = ids
        .iter()
        .map(|&id| repo.find_commit(id).and_then(|c| trees_of(&c)))
        .collect();
    let one = |repo: &Repository, i: usize| match &trees[i] {
        Ok(t) => changes_of_trees(repo, *t, detail),
        Err(e) => Err(git2::Error::new(e.code(), e.class(), e.message())),
    };
    let cores = super::pool::cores();
    let threads = if ids.len() >= PARALLEL_MIN {
        cores
    } else if ids.len() >= PARALLEL_MIN_SPARE {
        spare.min(cores)
    } else {
        1
    };
    if threads < 2 {
        return (0..ids.len()).map(|i| one(repo, i)).collect();
    }
    // Runs of neighbouring commits, not single ones: a commit's parent is
    // most often the next in the list, and its trees are then in the
    // thread's object cache (each handle has its own), where commits dealt
    // out one by one each read their parent's trees afresh.
    let run = ids.len().div_ceil(threads * RUNS_PER_THREAD);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || next.fetch_add(run, std::sync::atomic::Ordering::Relaxed);
    let mut done: Vec<(usize, Changed)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    let Ok(own) = super::open(path) else {
                        return out;
                    };
                    loop {
                        let start = take();
                        let Some(some) = ids.get(start..).filter(|r| !r.is_empty()) else {
                            break;
                        };
                        for k in 0..some.len().min(run) {
                            out.push((start + k, one(&own, start + k)));
                        }
                    }
                    out
                })
            })
            .collect();
        let mut out = Vec::new();
        loop {
            let start = take();
            let Some(some) = ids.get(start..).filter(|r| !r.is_empty()) else {
                break;
            };
            for k in 0..some.len().min(run) {
                out.push((start + k, one(repo, start + k)));
            }
        }
        for h in helpers {
            // A helper that panicked leaves its commits unanswered;
            // they are compared below.
            out.extend(h.join().unwrap_or_default());
        }
        out
    });
    done.sort_by_key(|(i, _)| *i);
    let mut results = Vec::with_capacity(ids.len());
    let mut done = done.into_iter().peekable();
    for i in 0..ids.len() {
        match done.next_if(|(j, _)| *j == i) {
            Some((_, r)) => results.push(r),
            None => results.push(one(repo, i)),
        }
    }
    results
}

/// The slow path for commits that both add and delete files: libgit2's diff
/// with rename detection, so that moved files count as git counts them.
fn renames_diff(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
) -> Result<Numstat, git2::Error> {
    let mut diff = repo.diff_tree_to_tree(old, Some(new), None)?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))?;
    let stats = diff.stats()?;
    let mut files = Vec::new();
    for d in diff.deltas() {
        for f in [d.old_file().path(), d.new_file().path()]
            .into_iter()
            .flatten()
        {
            files.push(f.to_string_lossy().into_owned());
        }
    }
    files.sort();
    files.dedup();
    Ok(Numstat {
        files,
        added: stats.insertions(),
        removed: stats.deletions(),
    })
}

/// Lines added and removed at one path, from what it held (`old`) to what
/// it holds (`new`).
pub(super) fn side_line_stats(
    repo: &Repository,
    old: Option<Side>,
    new: Option<Side>,
) -> Result<(usize, usize), git2::Error> {
    let old_text = text(repo, old)?;
    let new_text = text(repo, new)?;
    let old_bytes = old_text.as_ref().map(Text::bytes);
    let new_bytes = new_text.as_ref().map(Text::bytes);
    if old_bytes.is_some_and(is_binary) || new_bytes.is_some_and(is_binary) {
        return Ok((0, 0));
    }
    Ok(match (old_bytes, new_bytes) {
        (None, None) => (0, 0),
        (None, Some(n)) => (count_lines(n), 0),
        (Some(o), None) => (0, count_lines(o)),
        (Some(o), Some(n)) => line_diff(o, n),
    })
}

/// git's rule for binary content: a NUL byte in the first 8,000 bytes.
pub(super) fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// Lines added and removed between two texts, as `git diff --numstat`
/// counts them: git's own diff (see `xdiff`). Lines are compared with their
/// terminators, as git compares them: `a\r\n` becoming `a\n`, or a last
/// line gaining its newline, is a changed line.
///
/// The whole lines both texts begin and end with are found first, 64 bytes
/// at a time and without hashing a line ([`common_lines`]): `xdiff` reads
/// them only to count them, which makes a small change to a large file
/// cheap. `trimmed_diffs_count_as_whole_ones` checks that the counts are
/// those of the whole texts.
fn line_diff(old: &[u8], new: &[u8]) -> (usize, usize) {
    let (head, tail) = common_lines(old, new);
    super::xdiff::counts(old, new, head, tail)
}

/// The lines git's diff removes and adds between two texts, as `git diff`
/// shows them — each change's removed lines, then its added ones, the
/// changes in the order of the file, the indent heuristic placing each (on
/// by default since git 2.14) — each line with its sign (`b'-'`, `b'+'`) and
/// its terminator. The whole texts are diffed: the heuristic may move a
/// change into the lines both begin or end with, which a trimmed diff
/// could not do. Neither side is binary (see [`is_binary`]; the caller
/// checks): libgit2's own guess is not asked.
///
/// A blob is handed to libgit2 as the blob: given bytes, libgit2 first
/// computes their object id (SHA-1 with collision detection over every
/// byte, for a diff header nobody reads), a fifth of `icu goals` on
/// git.git (BENCHMARKS.md, "Issue 31's levers").
pub(super) fn changed_lines(
    old: Option<&Text<'_>>,
    new: Option<&Text<'_>>,
    mut each: impl FnMut(u8, &[u8]),
) -> Result<(), git2::Error> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0)
        .interhunk_lines(0)
        .indent_heuristic(true)
        .force_text(true);
    let patch = match (old, new) {
        (Some(Text::Blob(o)), Some(Text::Blob(n))) => {
            git2::Patch::from_blobs(o, None, n, None, Some(&mut opts))?
        }
        (Some(Text::Blob(o)), None) => {
            git2::Patch::from_blob_and_buffer(o, None, &[], None, Some(&mut opts))?
        }
        (None, Some(Text::Blob(n))) => {
            // An added file: every line added, in order.
            for line in n.content().split_inclusive(|&b| b == b'\n') {
                each(b'+', line);
            }
            return Ok(());
        }
        // A gitlink's one line: a few bytes to hash.
        _ => {
            let (o, n) = (
                old.map_or(&[][..], Text::bytes),
                new.map_or(&[][..], Text::bytes),
            );
            git2::Patch::from_buffers(o, None, n, None, Some(&mut opts))?
        }
    };
    for hunk in 0..patch.num_hunks() {
        for i in 0..patch.num_lines_in_hunk(hunk)? {
            let line = patch.line_in_hunk(hunk, i)?;
            if let sign @ ('-' | '+') = line.origin() {
                each(sign as u8, line.content());
            }
        }
    }
    Ok(())
}

/// How many bytes of whole lines `old` and `new` both begin with, and then
/// (of what is left) both end with (a last line without a newline counts as
/// a line): the lines xdiff's `xdl_trim_ends` cuts off.
pub(super) fn common_lines(old: &[u8], new: &[u8]) -> (usize, usize) {
    let same = common_prefix(old, new);
    // Whole lines only: up to the last newline inside the common part.
    let head = old[..same]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (old, new) = (&old[head..], &new[head..]);
    let same = common_suffix(old, new);
    // The common tail starts at a line start in both when the byte before it
    // ends a line in both (or either text is all tail); else at the first
    // line start inside it.
    let at_line_start = |t: &[u8]| t.len() == same || t[t.len() - same - 1] == b'\n';
    let cut = if same == 0 || (at_line_start(old) && at_line_start(new)) {
        0
    } else {
        let tail = &old[old.len() - same..];
        tail.iter()
            .position(|&b| b == b'\n')
            .map_or(same, |i| i + 1)
    };
    (head, same - cut)
}

/// `old` and `new` without the whole lines they both begin with and both
/// end with (see [`common_lines`]).
#[cfg(test)]
fn trim_common_lines<'a>(old: &'a [u8], new: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    let (head, tail) = common_lines(old, new);
    (&old[head..old.len() - tail], &new[head..new.len() - tail])
}

/// How many bytes `a` and `b` begin with alike: compared a block at a time
/// (a slice comparison is a `memcmp`), then byte by byte.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes `a` and `b` end with alike (see [`common_prefix`]).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

/// Lines as git's numstat counts them: a last line without a newline counts.
fn count_lines(bytes: &[u8]) -> usize {
    let n = bytes.iter().filter(|b| **b == b'\n').count();
    n + usize::from(bytes.last().is_some_and(|b| *b != b'\n'))
}

/// A tree entry's id and kind.
type TreeEntry = (Oid, ObjectType);

/// What one name holds on each side of a comparison.
type Pair = (Option<TreeEntry>, Option<TreeEntry>);

/// git's order of tree entries: by name, a subtree's name read as if it
/// ended in `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end =
            |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
        end(a, a_tree).cmp(&end(b, b_tree))
    })
}

/// The names whose entries differ between two trees, sorted by name, each
/// once with what it holds on each side. Both trees are walked side by side
/// in git's order, which they are stored in; a tree out of that order (a
/// damaged or hand-made one) is compared through a map instead. (Putting
/// every entry of both in a map and sorting the names was half of `icu
/// goals`' profile on git.git: BENCHMARKS.md.)
fn differing(
    old: Option<&RawTree<'_>>,
    new: Option<&RawTree<'_>>,
) -> Result<Vec<(Vec<u8>, Pair)>, git2::Error> {
    let entry = |e: &Ent<'_>| (e.oid(), e.kind);
    let (Some(mut a), Some(mut b)) = (Cursor::new(old), Cursor::new(new)) else {
        // One side only: everything on the other differs.
        let mut out = Vec::new();
        for (tree, old) in [(old, true), (new, false)] {
            for e in entries(tree)? {
                let side = Some(entry(&e));
                out.push((
                    e.name.to_vec(),
                    if old { (side, None) } else { (None, side) },
                ));
            }
        }
        out.sort_by(|x, y| x.0.cmp(&y.0));
        return Ok(out);
    };
    // Entries wholly inside the bytes both trees begin with are the same
    // in both: skipped, found by their NULs alone. Once what is left of both
    // is the same bytes, from an entry's start in each, what is left is the
    // same entries: the walk stops. Consecutive commits' trees mostly
    // differ in an entry or two, and their entries need not all be read.
    let same = common_prefix(a.rest, b.rest);
    let skip = a.skip_within(same);
    b.rest = &b.rest[skip..];
    let same_tail = common_suffix(a.rest, b.rest);
    let mut out: Vec<(Vec<u8>, Pair)> = Vec::new();
    let (mut last_a, mut last_b): (Option<Ent<'_>>, Option<Ent<'_>>) = (None, None);
    let in_order = |last: &Option<Ent<'_>>, e: &Ent<'_>| {
        last.as_ref()
            .is_none_or(|l| l.order(e) == std::cmp::Ordering::Less)
    };
    loop {
        if a.rest.len() == b.rest.len() && a.rest.len() <= same_tail {
            break;
        }
        let (x, y) = (a.peek()?, b.peek()?);
        if x.as_ref().is_some_and(|(x, _)| !in_order(&last_a, x))
            || y.as_ref().is_some_and(|(y, _)| !in_order(&last_b, y))
        {
            return Ok(by_map(entries(old)?, entries(new)?));
        }
        let order = match (&x, &y) {
            (Some((x, _)), Some((y, _))) => x.order(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        let pair = match order {
            std::cmp::Ordering::Less => {
                let (x, len) = x.expect("an entry on the left");
                a.rest = &a.rest[len..];
                let pair = (x.name.to_vec(), (Some(entry(&x)), None));
                last_a = Some(x);
                pair
            }
            std::cmp::Ordering::Greater => {
                let (y, len) = y.expect("an entry on the right");
                b.rest = &b.rest[len..];
                let pair = (y.name.to_vec(), (None, Some(entry(&y))));
                last_b = Some(y);
                pair
            }
            std::cmp::Ordering::Equal => {
                let ((x, xl), (y, yl)) = (x.expect("left"), y.expect("right"));
                a.rest = &a.rest[xl..];
                b.rest = &b.rest[yl..];
                let differs = x.id != y.id;
                let pair = (x.name.to_vec(), (Some(entry(&x)), Some(entry(&y))));
                (last_a, last_b) = (Some(x), Some(y));
                if !differs {
                    continue;
                }
                pair
            }
        };
        out.push(pair);
    }
    // A name that is a file on one side and a folder on the other sits at
    // two places in git's order: one name, both sides, as a map would give.
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out.dedup_by(|later, first| {
        if later.0 != first.0 {
            return false;
        }
        first.1 = (first.1 .0.or(later.1 .0), first.1 .1.or(later.1 .1));
        true
    });
    out.retain(|(_, (o, n))| o.map(|x| x.0) != n.map(|x| x.0));
    Ok(out)
}

/// [`differing`] for trees out of git's order (damaged or hand-made): every
/// name in a map.
fn by_map(a: Vec<Ent<'_>>, b: Vec<Ent<'_>>) -> Vec<(Vec<u8>, Pair)> {
    let entry = |e: &Ent<'_>| (e.oid(), e.kind);
    let mut entries: HashMap<Vec<u8>, Pair> = HashMap::new();
    for e in &a {
        entries.entry(e.name.to_vec()).or_default().0 = Some(entry(e));
    }
    for e in &b {
        entries.entry(e.name.to_vec()).or_default().1 = Some(entry(e));
    }
    let mut out: Vec<(Vec<u8>, Pair)> = entries
        .into_iter()
        .filter(|(_, (o, n))| o.map(|x| x.0) != n.map(|x| x.0))
        .collect();
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

/// A tree as git stores it, read through libgit2's object database (whose
/// cache keeps trees as read) and walked here: entries `<mode> <name>\0<id>`,
/// the mode in octal ASCII, the id in binary, in git's order. libgit2's
/// own tree reading builds an entry for every name and reads each mode
/// with its `strtol` (BENCHMARKS.md, "Issue 31's levers").
struct RawTree<'o> {
    id: Oid,
    object: git2::OdbObject<'o>,
}

/// Reads tree `id` (an error if it is missing or not a tree).
fn read_tree<'o>(odb: &'o git2::Odb<'_>, id: Oid) -> Result<RawTree<'o>, git2::Error> {
    let object = odb.read(id)?;
    if object.kind() != ObjectType::Tree {
        return Err(git2::Error::from_str(&format!("object {id} is not a tree")));
    }
    Ok(RawTree { id, object })
}

/// The entries of `tree` (none for `None`: the empty tree), in stored order.
fn entries<'t>(tree: Option<&'t RawTree<'_>>) -> Result<Vec<Ent<'t>>, git2::Error> {
    let mut out = Vec::new();
    if let Some(mut c) = Cursor::new(tree) {
        out.reserve(c.rest.len() / 32);
        while let Some((e, len)) = c.peek()? {
            c.rest = &c.rest[len..];
            out.push(e);
        }
    }
    Ok(out)
}

/// A place in a tree's bytes, at the start of an entry.
struct Cursor<'t> {
    tree: Oid,
    rest: &'t [u8],
}

impl<'t> Cursor<'t> {
    /// At the first entry of `tree` (`None` for no tree).
    fn new(tree: Option<&'t RawTree<'_>>) -> Option<Self> {
        tree.map(|t| Cursor {
            tree: t.id,
            rest: t.object.data(),
        })
    }

    fn id_len(&self) -> usize {
        self.tree.as_bytes().len()
    }

    /// The entry here and its length in bytes (`None` at the end).
    fn peek(&self) -> Result<Option<(Ent<'t>, usize)>, git2::Error> {
        let rest = self.rest;
        if rest.is_empty() {
            return Ok(None);
        }
        let damaged = || git2::Error::from_str(&format!("tree {} is damaged", self.tree));
        let (space, kind) = match mode_of(rest) {
            Some(known) => known,
            None => slow_mode_of(rest).ok_or_else(damaged)?,
        };
        let nul = space + 1 + first_nul(&rest[space + 1..]).ok_or_else(damaged)?;
        let end = nul + 1 + self.id_len();
        if nul == space + 1 || end > rest.len() {
            return Err(damaged());
        }
        let e = Ent {
            name: &rest[space + 1..nul],
            id: &rest[nul + 1..end],
            kind,
        };
        Ok(Some((e, end)))
    }

    /// Moves past the entries that end within the first `n` bytes, by
    /// their NULs alone (neither a mode nor a name holds one); how many
    /// bytes it moved.
    fn skip_within(&mut self, n: usize) -> usize {
        let mut at = 0;
        while let Some(nul) = first_nul(&self.rest[at..]) {
            let end = at + nul + 1 + self.id_len();
            if end > n {
                break;
            }
            at = end;
        }
        self.rest = &self.rest[at..];
        at
    }
}

/// The kind of the entry `entry` starts with and where its mode ends, for
/// the modes git writes (a file, an executable, a symbolic link, a folder,
/// a gitlink): most entries, without reading a number.
fn mode_of(entry: &[u8]) -> Option<(usize, ObjectType)> {
    Some(match entry.get(..7)? {
        b"100644 " | b"100755 " | b"120000 " => (6, ObjectType::Blob),
        b"160000 " => (6, ObjectType::Commit),
        [b'4', b'0', b'0', b'0', b'0', b' ', _] => (5, ObjectType::Tree),
        _ => return None,
    })
}

/// [`mode_of`] for any mode in octal (older gits wrote others, such as
/// `100664`): git's and libgit2's kinds by mode, a folder, a gitlink (a
/// submodule's commit), else a file. `None` if there is no mode.
fn slow_mode_of(entry: &[u8]) -> Option<(usize, ObjectType)> {
    let space = entry.iter().position(|&b| b == b' ')?;
    if space == 0 {
        return None;
    }
    let mut mode = 0u32;
    for &digit in &entry[..space] {
        if !(b'0'..=b'7').contains(&digit) {
            return None;
        }
        mode = mode.checked_mul(8)? + u32::from(digit - b'0');
    }
    let kind = match mode & 0o170_000 {
        0o040_000 => ObjectType::Tree,
        0o160_000 => ObjectType::Commit,
        _ => ObjectType::Blob,
    };
    Some((space, kind))
}

/// Where the first NUL of `bytes` is (a name ends at it; see
/// [`find_byte`]).
fn first_nul(bytes: &[u8]) -> Option<usize> {
    find_byte(bytes, 0)
}

/// Where the first `byte` of `bytes` is, eight bytes at a time: for the
/// short runs a scan looks through — a tree entry's name, a line of code —
/// shorter than memchr's setup, which cost more than the search where it
/// found names in trees and the ends of lines for `xdiff` (BENCHMARKS.md, "Issue 31's levers").
pub(super) fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(byte);
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        // The bytes equal to `byte` are the zero bytes of `w`; the lowest
        // byte set in `zero` is the first of them (a byte above a zero one
        // may be set too, never one below it).
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ pattern;
        let zero = w.wrapping_sub(ONES) & !w & HIGHS;
        if zero != 0 {
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == byte)
        .map(|p| at + p)
}

/// A tree entry as [`differing`] compares it: its id as stored.
struct Ent<'t> {
    name: &'t [u8],
    id: &'t [u8],
    kind: ObjectType,
}

impl Ent<'_> {
    fn oid(&self) -> Oid {
        // The length was checked when the tree was read.
        Oid::from_bytes(self.id).expect("an object id's length")
    }

    /// git's order of the two entries (see [`tree_order`]).
    fn order(&self, other: &Ent<'_>) -> std::cmp::Ordering {
        tree_order(
            self.name,
            self.kind == ObjectType::Tree,
            other.name,
            other.kind == ObjectType::Tree,
        )
    }
}

/// Compares two trees, descending only into subtrees whose ids differ.
fn diff_trees(
    odb: &git2::Odb<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    out: &mut Vec<Change>,
) -> Result<(), git2::Error> {
    let old = old.map(|id| read_tree(odb, id)).transpose()?;
    let new = new.map(|id| read_tree(odb, id)).transpose()?;
    for (name, (o, n)) in differing(old.as_ref(), new.as_ref())? {
        let path = format!("{prefix}{}", String::from_utf8_lossy(&name));
        let is_tree = |x: Option<(Oid, ObjectType)>| x.is_some_and(|x| x.1 == ObjectType::Tree);
        // A blob is a file; a commit is a gitlink, a submodule at that
        // commit, which git counts as one line.
        let side = |x: Option<(Oid, ObjectType)>| match x {
            Some((id, ObjectType::Blob)) => Some(Side::Blob(id)),
            Some((id, ObjectType::Commit)) => Some(Side::Link(id)),
            _ => None,
        };
        if is_tree(o) || is_tree(n) {
            let tree_of =
                |x: Option<(Oid, ObjectType)>| x.filter(|x| is_tree(Some(*x))).map(|x| x.0);
            diff_trees(odb, tree_of(o), tree_of(n), &format!("{path}/"), out)?;
        }
        // A file or gitlink on either side (a file replaced by a folder
        // counts as both).
        let (old, new) = (side(o), side(n));
        if old.is_some() || new.is_some() {
            out.push(Change { path, old, new });
        }
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn line_endings_count_as_git_numstat_counts_them() {
        // Each pair checked against `git diff --numstat` (git 2.47).
        assert_eq!(line_diff(b"a\r\nb\r\n", b"a\nb\n"), (2, 2));
        assert_eq!(line_diff(b"a\nb", b"a\nb\n"), (1, 1));
        assert_eq!(line_diff(b"a\nb\n", b"a\nc\n"), (1, 1));
        assert_eq!(line_diff(b"a\nb\n", b"a\nb\n"), (0, 0));
        assert_eq!(line_diff(b"", b"x\ny"), (2, 0));
    }

    /// `n` pairs of texts made of a few short lines (so lines repeat and the
    /// common parts are long), with and without a last newline, CRLF among
    /// them, the second text an edit of the first; a fixed seed.
    pub(in crate::scan) fn edited_pairs(n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let pieces: [&[u8]; 6] = [b"a\n", b"b\n", b"a", b"c\r\n", b"\n", b"ab\n"];
        (0..n)
            .map(|_| {
                let mut old = Vec::new();
                for _ in 0..next(12) {
                    old.extend_from_slice(pieces[next(6) as usize]);
                }
                let mut new = old.clone();
                for _ in 0..next(4) {
                    let at = next(new.len() as u64 + 1) as usize;
                    let (end, put): (usize, &[u8]) = match next(3) {
                        0 => (at, pieces[next(6) as usize]),
                        1 => ((at + 2).min(new.len()), b""),
                        _ => (at, b"x"),
                    };
                    new.splice(at..end, put.iter().copied());
                }
                (old, new)
            })
            .collect()
    }

    /// `n` pairs of code-like texts of up to `lines` lines (indented lines,
    /// braces, blank lines and comments that repeat, lines of their own),
    /// a few with CRLF or without a last newline, the second an edit of the
    /// first: lines inserted, deleted, replaced, and blocks moved and
    /// copied — where Myers diffs that differ in their details disagree.
    /// A fixed seed.
    pub(in crate::scan) fn code_pairs(n: usize, lines: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
        const POOL: [&str; 16] = [
            "}",
            "",
            "    }",
            "        return x;",
            "    if (a) {",
            "{",
            "x = 1;",
            "y = 2;",
            "    // note",
            "fn f() {",
            "else {",
            "    i += 1;",
            "\treturn;",
            "/* */",
            "foo(bar);",
            "end",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n.max(1)
        };
        let text = |next: &mut dyn FnMut(u64) -> u64, n: usize| -> Vec<String> {
            (0..n)
                .map(|i| match next(3) {
                    0 => format!("line {i} {}", next(1000)),
                    _ => POOL[next(POOL.len() as u64) as usize].to_string(),
                })
                .collect()
        };
        (0..n)
            .map(|_| {
                let size = 1 + next(lines) as usize;
                let old = text(&mut next, size);
                let mut new = old.clone();
                for _ in 0..1 + next(6) {
                    let at = next(new.len() as u64 + 1) as usize;
                    let end = (at + 1 + next(10) as usize).min(new.len());
                    match next(5) {
                        0 => {
                            let k = 1 + next(8) as usize;
                            new.splice(at..at, text(&mut next, k));
                        }
                        1 => {
                            new.drain(at..end);
                        }
                        2 => {
                            let k = 1 + next(6) as usize;
                            new.splice(at..end, text(&mut next, k));
                        }
                        3 => {
                            let block: Vec<String> = new.drain(at..end).collect();
                            let to = next(new.len() as u64 + 1) as usize;
                            new.splice(to..to, block);
                        }
                        _ => {
                            let block = new[at..end].to_vec();
                            let to = next(new.len() as u64 + 1) as usize;
                            new.splice(to..to, block);
                        }
                    }
                }
                let mut join = |v: &[String]| {
                    let eol = if next(10) == 0 { "\r\n" } else { "\n" };
                    let mut s = v.join(eol);
                    if !v.is_empty() && next(8) != 0 {
                        s.push_str(eol);
                    }
                    s.into_bytes()
                };
                (join(&old), join(&new))
            })
            .collect()
    }

    /// What `git diff --no-index` shows for each pair, with git's defaults
    /// (three lines of context, the indent heuristic): the lines removed and
    /// added, in its order, each with its sign and without its newline.
    pub(in crate::scan) fn git_diff_lines(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<Vec<Vec<u8>>> {
        let d = tempfile::tempdir().unwrap();
        for side in ["a", "b"] {
            std::fs::create_dir(d.path().join(side)).unwrap();
        }
        for (i, (old, new)) in pairs.iter().enumerate() {
            std::fs::write(d.path().join("a").join(i.to_string()), old).unwrap();
            std::fs::write(d.path().join("b").join(i.to_string()), new).unwrap();
        }
        let out = std::process::Command::new("git")
            .args(["diff", "--no-index", "--no-renames", "--no-color", "a", "b"])
            .current_dir(d.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        // 1: there are differences.
        assert!(out.status.code() == Some(1) || out.status.code() == Some(0));
        let mut shown = vec![Vec::new(); pairs.len()];
        let mut at = None;
        for line in out.stdout.split(|&b| b == b'\n') {
            if let Some(rest) = line.strip_prefix(b"diff --git a/a/") {
                let name = rest.split(|&b| b == b' ').next().unwrap();
                at = Some(std::str::from_utf8(name).unwrap().parse::<usize>().unwrap());
            } else if line.starts_with(b"--- a/") || line.starts_with(b"+++ b/") {
                continue;
            } else if line.starts_with(b"-") || line.starts_with(b"+") {
                shown[at.expect("a line after a header")].push(line.to_vec());
            }
        }
        shown
    }

    /// git's numstat of each pair, from [`git_diff_lines`].
    fn git_numstats(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<(usize, usize)> {
        git_diff_lines(pairs)
            .iter()
            .map(|lines| {
                let signs = |s: u8| lines.iter().filter(|l| l[0] == s).count();
                (signs(b'+'), signs(b'-'))
            })
            .collect()
    }

    #[test]
    fn counts_are_git_numstats_where_myers_diffs_disagree() {
        let mut pairs = code_pairs(3_000, 120);
        pairs.extend(code_pairs(300, 2_000));
        pairs.extend(edited_pairs(3_000));
        let git = git_numstats(&pairs);
        for ((old, new), want) in pairs.iter().zip(git) {
            assert_eq!(
                line_diff(old, new),
                want,
                "{:?} → {:?}",
                String::from_utf8_lossy(old),
                String::from_utf8_lossy(new)
            );
        }
    }

    /// Cutting off the common head and tail changes no count: the counts
    /// are those of the whole texts, and those of libgit2's xdiff.
    #[test]
    fn trimmed_diffs_count_as_whole_ones() {
        let mut trimmed_some = 0;
        let mut pairs = edited_pairs(20_000);
        pairs.extend(code_pairs(3_000, 300));
        for (old, new) in pairs {
            let (o, n) = trim_common_lines(&old, &new);
            trimmed_some += usize::from(o.len() < old.len() || n.len() < new.len());
            let whole = super::super::xdiff::counts(&old, &new, 0, 0);
            assert_eq!(
                line_diff(&old, &new),
                whole,
                "{:?} → {:?}",
                String::from_utf8_lossy(&old),
                String::from_utf8_lossy(&new)
            );
            assert_eq!(
                whole,
                super::super::xdiff::tests::libgit2_counts(&old, &new)
            );
        }
        assert!(trimmed_some > 5_000, "the trim was rarely exercised");
    }

    #[test]
    fn common_ends_are_measured_across_blocks() {
        let base: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
        for at in [0, 1, 63, 64, 65, 127, 128, 200, 299] {
            let mut other = base.clone();
            other[at] ^= 0xff;
            assert_eq!(common_prefix(&base, &other), at);
            assert_eq!(common_suffix(&base, &other), base.len() - at - 1);
        }
        assert_eq!(common_prefix(&base, &base[..130]), 130);
        assert_eq!(common_suffix(&base, &base[170..]), 130);
        assert_eq!(common_prefix(b"", &base), 0);
        assert_eq!(common_suffix(&base, &base), base.len());
    }

    #[test]
    fn only_whole_common_lines_are_trimmed() {
        let t = |a: &'static str, b: &'static str| {
            let (x, y) = trim_common_lines(a.as_bytes(), b.as_bytes());
            (
                String::from_utf8_lossy(x).into_owned(),
                String::from_utf8_lossy(y).into_owned(),
            )
        };
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(t("a\nb\nc\n", "a\nB\nc\n"), s("b\n", "B\n"));
        assert_eq!(t("ab\nc\n", "ax\nc\n"), s("ab\n", "ax\n"));
        assert_eq!(t("a\nxb\n", "a\nyb\n"), s("xb\n", "yb\n"));
        assert_eq!(t("a\nb", "a\nb\n"), s("b", "b\n"));
        assert_eq!(t("a\n", "a\na\n"), s("", "a\n"));
        assert_eq!(t("same\n", "same\n"), s("", ""));
    }

    /// A history of `n` commits on `main` built with `git fast-import`:
    /// files edited in nested folders, some added and deleted (renames),
    /// a file turned into a folder.
    fn history(dir: &std::path::Path, n: usize) {
        use std::io::Write;
        let run = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .args(args)
                .current_dir(dir)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .status()
                .expect("git runs")
                .success();
            assert!(ok, "git {args:?}");
        };
        run(&["init", "-q", "-b", "main"]);
        let mut script = String::new();
        for i in 0..n {
            script.push_str(&format!(
                "commit refs/heads/main\nmark :{}\ncommitter A <a@x.y> {} +0000\ndata 2\nc\n",
                i + 1,
                1_700_000_000 + i * 60
            ));
            if i > 0 {
                script.push_str(&format!("from :{i}\n"));
            }
            let body = format!("{i}\nsame\n{}\n", "x".repeat(i % 7));
            let file = format!("src/d{}/f{}.txt", i % 3, i % 5);
            script.push_str(&format!(
                "M 100644 inline {file}\ndata {}\n{body}\n",
                body.len()
            ));
            if i % 9 == 4 {
                script.push_str(&format!("D src/d{}/f{}.txt\n", (i + 1) % 3, (i + 1) % 5));
                script.push_str(&format!("M 100644 inline moved/g{i}.txt\ndata 5\nmove\n\n"));
            }
            if i == 20 {
                script.push_str("M 100644 inline flip\ndata 2\nf\n\n");
            }
            if i == 21 {
                script.push_str("D flip\nM 100644 inline flip/inner\ndata 2\ng\n\n");
            }
        }
        let mut child = std::process::Command::new("git")
            .args(["fast-import", "--quiet"])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git fast-import runs");
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(script.as_bytes())
            .expect("fast-import reads");
        assert!(child.wait().expect("fast-import ends").success());
    }

    /// A [`history`] of `n` commits in `d`, and its commits newest first.
    fn history_ids(d: &std::path::Path, n: usize) -> (Repository, Vec<Oid>) {
        history(d, n);
        let repo = Repository::open(d).unwrap();
        let mut walk = repo.revwalk().unwrap();
        walk.push_ref("refs/heads/main").unwrap();
        let ids: Vec<Oid> = walk.map(Result::unwrap).collect();
        (repo, ids)
    }

    /// What one thread gives for `ids`, one commit after the other.
    fn one_by_one(repo: &Repository, ids: &[Oid], detail: Detail) -> Vec<Numstat> {
        ids.iter()
            .map(|&id| changes(repo, &repo.find_commit(id).unwrap(), detail).unwrap())
            .collect()
    }

    #[test]
    fn many_commits_compared_on_every_core_give_what_one_thread_gives_in_order() {
        let d = tempfile::tempdir().unwrap();
        let (repo, ids) = history_ids(d.path(), PARALLEL_MIN + 20);
        assert!(ids.len() >= PARALLEL_MIN);
        for detail in [Detail::Full, Detail::Paths] {
            let one = one_by_one(&repo, &ids, detail);
            let all: Vec<_> = changes_of_all(&repo, d.path(), &ids, detail, 1)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(all, one);
            assert!(one.iter().any(|n| n.files.len() > 1));
        }
    }

    #[test]
    fn a_few_commits_compared_on_spare_cores_give_what_one_thread_gives() {
        // Fewer than PARALLEL_MIN, but enough to share out when a repository
        // is scanned alone (`spare` cores).
        let d = tempfile::tempdir().unwrap();
        let (repo, ids) = history_ids(d.path(), PARALLEL_MIN_SPARE + 4);
        assert!((PARALLEL_MIN_SPARE..PARALLEL_MIN).contains(&ids.len()));
        let one = one_by_one(&repo, &ids, Detail::Full);
        for spare in [2, 8] {
            let all: Vec<_> = changes_of_all(&repo, d.path(), &ids, Detail::Full, spare)
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(all, one);
        }
    }

    #[test]
    fn a_byte_is_found_eight_bytes_at_a_time() {
        for byte in [0u8, b'\n', 0x80, 0xff] {
            for len in 0..40 {
                for at in (0..len).chain([len]) {
                    // Bytes one bit from `byte`, and its neighbours in value
                    // next to it, to trip a wrong carry or borrow.
                    let near = [byte ^ 1, byte ^ 0x80, !byte, byte.wrapping_add(1)];
                    let mut bytes: Vec<u8> = (0..len).map(|i| near[i % 4]).collect();
                    if at < len {
                        bytes[at] = byte;
                        if at + 1 < len {
                            bytes[at + 1] = byte.wrapping_sub(1);
                        }
                        if at + 2 < len {
                            bytes[at + 2] = byte;
                        }
                    }
                    let want = bytes.iter().position(|&b| b == byte);
                    assert_eq!(find_byte(&bytes, byte), want, "{byte} in {bytes:?}");
                }
            }
        }
    }

    /// Trees as git wrote them at any time, read here as libgit2 reads
    /// them: the kind of every mode, old ones (`100664`, a zero-padded
    /// `040000`) included; a damaged tree is an error, not a guess.
    #[test]
    fn trees_are_read_as_libgit2_reads_them() {
        let d = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(d.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = repo.blob(b"x\n").unwrap();
        let sub = odb.write(ObjectType::Tree, b"").unwrap();
        let entry = |mode: &str, name: &str, id: Oid| {
            let mut e = format!("{mode} {name}\0").into_bytes();
            e.extend_from_slice(id.as_bytes());
            e
        };
        let mut bytes = Vec::new();
        for (mode, name, id) in [
            ("100644", "a", blob),
            ("100664", "b", blob),
            ("100755", "c", blob),
            ("120000", "d link", blob),
            ("160000", "e", blob),
            ("40000", "f", sub),
            ("040000", "g", sub),
            ("644", "h", blob),
        ] {
            bytes.extend(entry(mode, name, id));
        }
        let id = odb.write(ObjectType::Tree, &bytes).unwrap();
        let raw = read_tree(&odb, id).unwrap();
        let ours: Vec<(Vec<u8>, Oid, ObjectType)> = entries(Some(&raw))
            .unwrap()
            .iter()
            .map(|e| (e.name.to_vec(), e.oid(), e.kind))
            .collect();
        let theirs: Vec<(Vec<u8>, Oid, ObjectType)> = repo
            .find_tree(id)
            .unwrap()
            .iter()
            .map(|e| (e.name_bytes().to_vec(), e.id(), e.kind().unwrap()))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 8);

        let whole = entry("100644", "a", blob);
        for damaged in [
            whole[..whole.len() - 1].to_vec(),
            b"100644a\0".to_vec(),
            entry("1006x4", "a", blob),
            entry("", "a", blob),
            entry("100644", "", blob),
        ] {
            let id = odb.write(ObjectType::Tree, &damaged).unwrap();
            let raw = read_tree(&odb, id).unwrap();
            let e = entries(Some(&raw)).map(|v| v.len()).unwrap_err();
            assert!(e.message().contains("is damaged"), "{e}");
        }
        assert!(read_tree(&odb, blob).is_err(), "a blob is not a tree");
    }

    /// The side-by-side comparison gives what a map of every name gives,
    /// a file that became a folder included.
    #[test]
    fn trees_compared_side_by_side_give_what_a_map_gives() {
        let d = tempfile::tempdir().unwrap();
        history(d.path(), 30);
        let repo = Repository::open(d.path()).unwrap();
        let mut walk = repo.revwalk().unwrap();
        walk.push_ref("refs/heads/main").unwrap();
        let ids: Vec<Oid> = walk.map(Result::unwrap).collect();
        let mut flipped = false;
        for pair in ids.windows(2) {
            let new = repo.find_commit(pair[0]).unwrap().tree().unwrap();
            let old = repo.find_commit(pair[1]).unwrap().tree().unwrap();
            let odb = repo.odb().unwrap();
            let raw = |t: &Tree<'_>| read_tree(&odb, t.id()).unwrap();
            let got = differing(Some(&raw(&old)), Some(&raw(&new))).unwrap();
            let mut map: HashMap<Vec<u8>, Pair> = HashMap::new();
            for e in old.iter() {
                map.entry(e.name_bytes().to_vec()).or_default().0 =
                    Some((e.id(), e.kind().unwrap()));
            }
            for e in new.iter() {
                map.entry(e.name_bytes().to_vec()).or_default().1 =
                    Some((e.id(), e.kind().unwrap()));
            }
            let mut want: Vec<(Vec<u8>, Pair)> = map
                .into_iter()
                .filter(|(_, (o, n))| o.map(|x| x.0) != n.map(|x| x.0))
                .collect();
            want.sort_by(|x, y| x.0.cmp(&y.0));
            assert_eq!(got, want);
            flipped |= got.iter().any(|(name, (o, n))| {
                name == b"flip"
                    && o.is_some_and(|x| x.1 == ObjectType::Blob)
                    && n.is_some_and(|x| x.1 == ObjectType::Tree)
            });
        }
        assert!(flipped, "the history has a file that became a folder");
    }
}
