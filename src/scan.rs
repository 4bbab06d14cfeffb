//! git2: open the configured repositories, walk the commits whose committer
//! time falls in the window, and describe the ones that are mine. No policy
//! lives here (which goal a commit belongs to is `attribute`'s business).
//!
//! # The walk and its stop rule
//!
//! The walk is our own: a max-heap of commits keyed by committer time, seeded
//! with every local branch tip and HEAD. libgit2's `Revwalk` with a time sort
//! reads the whole history before yielding the first commit, and without a
//! sort it gives no order a stop rule could rely on (see GIT-SCAN-NOTES.md).
//!
//! Popping always takes the newest commit left, so popped times only go down,
//! except when a parent is newer than its child (clock skew, rebases with
//! forged dates): such a parent goes back on the heap and is popped next,
//! before anything older. The walk stops when both hold:
//!
//! 1. the newest commit left is older than `since - SKEW_MARGIN`, and
//! 2. the last [`SLOP`] popped commits were all older than `since`.
//!
//! Why this is exact for the histories people have: a commit in the window is
//! missed only if every path to it from a tip passes through a commit older
//! than `since - SKEW_MARGIN` (3 days before the window) *and* more than
//! [`SLOP`] commits older than `since` lie on that path before it. A commit
//! whose committer date is older than its parent's — by any amount — is found
//! as long as the chain of such old commits above the in-window ancestor is
//! shorter than [`SLOP`] or stays within the margin. `git log --since` has no
//! slack at all: it stops at the first old commit and misses such ancestors.
//!
//! Cost: the commits in the window, plus those within 3 days before it, plus
//! at most [`SLOP`] more — it follows the size of the period, not of the
//! history. Tree diffs are computed only for commits that are mine and in the
//! window, comparing trees ourselves and descending only into subtrees whose
//! ids differ.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Once};

use git2::{Commit as GitCommit, ObjectType, Oid, Repository, RepositoryOpenFlags, Tree};
use regex::Regex;
use serde::Serialize;

use crate::config::RepoSpec;

/// How far before `since` the walk keeps going to find commits dated older
/// than their parents (see the module docs).
pub const SKEW_MARGIN_SECS: i64 = 3 * 24 * 3600;
/// How many consecutive commits older than `since` the walk pops before it
/// may stop (see the module docs).
pub const SLOP: usize = 64;

/// The half-open window `[since, until)` of committer times, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: i64,
    pub until: i64,
}

impl TimeWindow {
    fn contains(&self, t: i64) -> bool {
        self.since <= t && t < self.until
    }
}

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
    /// Committer time, Unix seconds, and its UTC offset in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    /// Every path the commit touched (both sides of a rename).
    pub files: Vec<String>,
    pub added: usize,
    pub removed: usize,
    /// Local branches whose tip reaches this commit, sorted.
    pub branches: Vec<String>,
    /// The pull request of a squash-merged subject ending in `(#N)`.
    pub pr: Option<u32>,
}

/// A merge commit in the window whose message names a pull request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PrMerge {
    pub pr: u32,
    /// Ids of my in-window commits the merge brought in.
    pub commits: Vec<String>,
}

/// What one repository contributed.
#[derive(Debug, Clone, Serialize)]
pub struct RepoActivity {
    pub name: String,
    pub path: PathBuf,
    pub url: Option<String>,
    /// Mine, in the window, not merges; newest first.
    pub commits: Vec<Commit>,
    pub merges: Vec<PrMerge>,
    /// Commits the walk read (the cost of the scan).
    pub visited: usize,
    /// Commits in the window, anyone's, merges included.
    pub in_window: usize,
}

/// A repository that could not be scanned; the rest goes on.
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

/// Who counts as me: lower-cased emails.
#[derive(Debug, Clone)]
pub struct Identity<'a> {
    pub emails: &'a [String],
}

impl Identity<'_> {
    fn is_me(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.emails.contains(&email)
    }
}

/// libgit2's pack window size (default 1 GiB on 64-bit systems).
const MWINDOW_SIZE: usize = 1 << 20;
/// libgit2's limit on mapped pack windows, across repositories.
const MWINDOW_MAPPED_LIMIT: usize = 32 << 20;

/// libgit2's object cache, shared by all threads (default 256 MiB): a
/// scan reads each commit once and trees near the tips a few times.
const OBJECT_CACHE_BYTES: isize = 8 << 20;

fn init_libgit2() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Objects come from the user's own repositories; verifying every hash
        // was a fifth of the scan's profile (GIT-SCAN-NOTES.md).
        git2::opts::strict_hash_verification(false);
        // A scan reads a few hundred commits near the tips: small pack
        // windows keep the mapped (resident) part of a large pack small.
        // SAFETY: called once, before any repository is opened.
        unsafe {
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_MAPPED_LIMIT);
            let _ = git2::opts::set_cache_max_size(OBJECT_CACHE_BYTES);
        }
    });
}

/// How much to learn about each commit of mine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Files, and lines added and removed (as `git log --numstat`).
    Full,
    /// Files only: enough to attribute commits to goals (`icu goals`).
    Paths,
}

/// Scans every repository, in parallel (one libgit2 repository per thread).
/// Results come back in the order of `repos`; a repository that cannot be
/// opened becomes a warning.
pub fn scan_all(
    repos: &[RepoSpec],
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
) -> (Vec<RepoActivity>, Vec<ScanWarning>) {
    init_libgit2();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8)
        .min(repos.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<RepoActivity, ScanWarning>>>> =
        repos.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(spec) = repos.get(i) else { break };
                let r = scan_repo(spec, window, me, detail);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    let results = slots.into_iter().map(|s| s.into_inner().ok().flatten());
    let mut activity = Vec::new();
    let mut warnings = Vec::new();
    for (spec, r) in repos.iter().zip(results) {
        match r {
            Some(Ok(a)) => activity.push(a),
            Some(Err(w)) => warnings.push(w),
            None => warnings.push(warning(spec, "the scan thread stopped unexpectedly")),
        }
    }
    (activity, warnings)
}

fn warning(spec: &RepoSpec, message: impl Into<String>) -> ScanWarning {
    ScanWarning {
        repo: spec.name.clone(),
        path: spec.path.clone(),
        message: message.into(),
    }
}

/// Opens a repository at exactly `path` (no search upwards: a wrong path in
/// the config should be reported, not silently replaced by a parent repo).
pub fn open(path: &Path) -> Result<Repository, String> {
    if !path.exists() {
        return Err("does not exist; fix its path in your config or remove it".into());
    }
    if !path.is_dir() {
        return Err("is a file, not a folder; [[repo]] path must name a git repository".into());
    }
    Repository::open_ext(
        path,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&str>(),
    )
    .map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => "is not a git repository (no .git found); skipped".to_string(),
        _ => format!("cannot be opened: {}", e.message()),
    })
}

/// Scans one repository.
pub fn scan_repo(
    spec: &RepoSpec,
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
) -> Result<RepoActivity, ScanWarning> {
    init_libgit2();
    let repo = open(&spec.path).map_err(|m| warning(spec, m))?;
    let walk = walk_window(&repo, window).map_err(|e| warning(spec, e.message()))?;
    let mailmap = repo.mailmap().ok();

    let mut commits = Vec::new();
    let mut merges = Vec::new();
    for &oid in &walk.in_window {
        let Ok(c) = repo.find_commit(oid) else {
            continue;
        };
        if c.parent_count() > 1 {
            if let Some(pr) = merge_pr(&c) {
                merges.push((pr, oid));
            }
            continue;
        }
        if !is_mine(&c, mailmap.as_ref(), me) {
            continue;
        }
        commits.push(describe(&repo, &c, mailmap.as_ref(), detail));
    }

    let branch_of = branch_membership(&walk, &commits);
    for c in &mut commits {
        if let Some(b) = branch_of.get(c.id.as_str()) {
            c.branches = b.clone();
        }
    }
    let mine: HashSet<&str> = commits.iter().map(|c| c.id.as_str()).collect();
    let merges = merges
        .into_iter()
        .map(|(pr, oid)| PrMerge {
            pr,
            commits: brought_in(&walk, oid)
                .into_iter()
                .filter(|id| mine.contains(id.as_str()))
                .collect(),
        })
        .collect();

    Ok(RepoActivity {
        name: spec.name.clone(),
        path: spec.path.clone(),
        url: spec.url.clone(),
        commits,
        merges,
        visited: walk.visited,
        in_window: walk.in_window.len(),
    })
}

/// What the walk saw: the commits in the window (newest first), the parents
/// of every visited commit, and the branch tips.
struct Walk {
    in_window: Vec<Oid>,
    parents: HashMap<Oid, Vec<Oid>>,
    /// Committer time of every visited commit.
    times: HashMap<Oid, i64>,
    tips: Vec<(String, Oid)>,
    /// The mainline branch and its tip (see [`mainline`]).
    mainline: Option<(String, Oid)>,
    /// HEAD's commit, when it has one.
    head: Option<Oid>,
    visited: usize,
}

#[derive(PartialEq, Eq)]
struct Entry {
    time: i64,
    oid: Oid,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| self.oid.cmp(&other.oid))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The walk described in the module docs.
fn walk_window(repo: &Repository, window: TimeWindow) -> Result<Walk, git2::Error> {
    let mut tips = Vec::new();
    for r in repo.references_glob("refs/heads/*")? {
        let Ok(r) = r else { continue };
        let (Some(name), Ok(c)) = (r.shorthand().ok().map(str::to_owned), r.peel_to_commit())
        else {
            continue;
        };
        tips.push((name, c.id()));
    }
    let mut seeds: Vec<Oid> = tips.iter().map(|(_, o)| *o).collect();
    // HEAD may be detached, or unborn in an empty repository.
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .ok()
        .map(|c| c.id());
    seeds.extend(head);
    let mainline = mainline(repo, &tips);

    let mut heap = BinaryHeap::new();
    let mut queued: HashSet<Oid> = HashSet::new();
    for oid in seeds {
        if queued.insert(oid) {
            if let Ok(c) = repo.find_commit(oid) {
                heap.push(Entry {
                    time: c.committer().when().seconds(),
                    oid,
                });
            }
        }
    }

    let floor = window.since - SKEW_MARGIN_SECS;
    let mut in_window = Vec::new();
    let mut parents = HashMap::new();
    let mut times = HashMap::new();
    let mut visited = 0;
    let mut old_streak = 0usize;
    while let Some(top) = heap.peek() {
        if top.time < floor && old_streak >= SLOP {
            break;
        }
        let Some(Entry { time, oid }) = heap.pop() else {
            break;
        };
        visited += 1;
        let Ok(c) = repo.find_commit(oid) else {
            continue;
        };
        if time < window.since {
            old_streak += 1;
        } else {
            old_streak = 0;
        }
        if window.contains(time) {
            in_window.push(oid);
        }
        let mut ps = Vec::with_capacity(c.parent_count());
        for i in 0..c.parent_count() {
            // A shallow clone's boundary has parents that are not there.
            let Ok(p) = c.parent(i) else { continue };
            let pid = p.id();
            ps.push(pid);
            if queued.insert(pid) {
                heap.push(Entry {
                    time: p.committer().when().seconds(),
                    oid: pid,
                });
            }
        }
        parents.insert(oid, ps);
        times.insert(oid, time);
    }
    Ok(Walk {
        in_window,
        parents,
        times,
        tips,
        mainline,
        head,
        visited,
    })
}

/// Which local branches each of `commits` is on.
///
/// A commit is on branch B when B's tip reaches it, except that a commit on
/// the first-parent line of the mainline branch (see [`mainline`]) is on the
/// mainline only: a feature branch forked from `main` reaches all of main's
/// earlier history, and that history is not the feature's work. A side
/// branch merged into main and still present keeps its commits, because they
/// came into main through a merge's second parent. Only commits the walk
/// visited are followed (everything older is older than the window).
fn branch_membership(walk: &Walk, commits: &[Commit]) -> HashMap<String, Vec<String>> {
    let wanted: HashSet<Oid> = commits
        .iter()
        .filter_map(|c| Oid::from_str(&c.id).ok())
        .collect();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    let (main_name, main_tip) = match &walk.mainline {
        Some((n, t)) => (Some(n.as_str()), Some(*t)),
        None => (None, walk.head),
    };
    let mut first_parent_line = HashSet::new();
    let mut at = main_tip;
    while let Some(oid) = at {
        if !first_parent_line.insert(oid) {
            break;
        }
        at = walk.parents.get(&oid).and_then(|ps| ps.first().copied());
    }
    for (name, tip) in &walk.tips {
        let is_main = main_name == Some(name.as_str());
        let mut seen = HashSet::new();
        let mut stack = vec![*tip];
        while let Some(oid) = stack.pop() {
            if !seen.insert(oid) {
                continue;
            }
            if wanted.contains(&oid) && (is_main || !first_parent_line.contains(&oid)) {
                out.entry(oid.to_string()).or_default().push(name.clone());
            }
            if let Some(ps) = walk.parents.get(&oid) {
                stack.extend(ps.iter().copied());
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    out
}

/// The mainline branch: the one `origin/HEAD` points at when it exists
/// locally, else the first of `main`, `master`, `trunk`, `develop`, else the
/// checked-out branch.
fn mainline(repo: &Repository, tips: &[(String, Oid)]) -> Option<(String, Oid)> {
    let tip_of = |name: &str| tips.iter().find(|(n, _)| n == name).cloned();
    if let Ok(r) = repo.find_reference("refs/remotes/origin/HEAD") {
        if let Some(target) = r.symbolic_target().ok().flatten() {
            if let Some(name) = target.strip_prefix("refs/remotes/origin/") {
                if let Some(t) = tip_of(name) {
                    return Some(t);
                }
            }
        }
    }
    for name in ["main", "master", "trunk", "develop"] {
        if let Some(t) = tip_of(name) {
            return Some(t);
        }
    }
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    tip_of(head.shorthand().ok()?)
}

/// Commits a merge brought in: reachable from its other parents but not from
/// its first (`git log M^1..M`), within what the walk visited.
///
/// A painting walk, as git's own for `A..B`: the first parent is painted
/// *main*, the others *side*, and paint flows to parents newest first. It
/// stops once every commit left to paint is main-painted and [`SLOP`] more
/// have been popped (a parent dated newer than its child is popped before
/// anything older, so only a chain of more than [`SLOP`] skewed commits could
/// hide a main path). The cost follows the merged branch, not the whole
/// visited history: a loop that walked all of the first parent's ancestry
/// per merge made `icu goals` (12 weeks, hundreds of merges) quadratic.
fn brought_in(walk: &Walk, merge: Oid) -> Vec<String> {
    const SIDE: u8 = 1;
    const MAIN: u8 = 2;
    let Some(ps) = walk.parents.get(&merge) else {
        return Vec::new();
    };
    let Some((first, others)) = ps.split_first() else {
        return Vec::new();
    };
    let time = |o: &Oid| walk.times.get(o).copied().unwrap_or(i64::MIN);
    let mut paint: HashMap<Oid, u8> = HashMap::new();
    let mut heap = BinaryHeap::new();
    let add = |oid: Oid, flag: u8, paint: &mut HashMap<Oid, u8>, heap: &mut BinaryHeap<_>| {
        let f = paint.entry(oid).or_insert(0);
        if *f | flag != *f {
            *f |= flag;
            heap.push(Entry {
                time: time(&oid),
                oid,
            });
        }
    };
    add(*first, MAIN, &mut paint, &mut heap);
    for o in others {
        add(*o, SIDE, &mut paint, &mut heap);
    }
    let mut quiet = 0usize;
    while let Some(Entry { oid, .. }) = heap.pop() {
        let all_main = heap
            .iter()
            .all(|e| paint.get(&e.oid).is_some_and(|f| f & MAIN != 0));
        let flag = paint.get(&oid).copied().unwrap_or(0);
        if all_main && flag & MAIN != 0 {
            quiet += 1;
            if quiet > SLOP {
                break;
            }
        } else {
            quiet = 0;
        }
        if let Some(ps) = walk.parents.get(&oid) {
            for p in ps {
                add(*p, flag, &mut paint, &mut heap);
            }
        }
    }
    let mut side: Vec<String> = paint
        .into_iter()
        .filter(|(_, f)| *f == SIDE)
        .map(|(o, _)| o.to_string())
        .collect();
    side.sort();
    side
}

static SQUASH_PR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(#(\d+)\)\s*$").expect("static regex is valid"));
static MERGE_PR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^Merge pull request #(\d+)").expect("static regex is valid"));
static CO_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*co-authored-by:\s*(.*?)\s*<([^>\s]+)>\s*$")
        .expect("static regex is valid")
});

fn merge_pr(c: &GitCommit<'_>) -> Option<u32> {
    let msg = String::from_utf8_lossy(c.message_bytes());
    let first = msg.lines().next()?;
    MERGE_PR.captures(first)?.get(1)?.as_str().parse().ok()
}

/// Mine: the author after `.mailmap`, or a `Co-authored-by:` trailer.
fn is_mine(c: &GitCommit<'_>, mailmap: Option<&git2::Mailmap>, me: &Identity<'_>) -> bool {
    let author = match mailmap {
        Some(m) => c.author_with_mailmap(m).ok(),
        None => None,
    }
    .unwrap_or_else(|| c.author().to_owned());
    if me.is_me(&String::from_utf8_lossy(author.email_bytes())) {
        return true;
    }
    let msg = String::from_utf8_lossy(c.message_bytes());
    co_authors(&msg).iter().any(|(name, email)| {
        let resolved = mailmap
            .and_then(|m| {
                let sig = git2::Signature::new(name, email, &git2::Time::new(0, 0)).ok()?;
                m.resolve_signature(&sig).ok()
            })
            .and_then(|s| s.email().ok().map(str::to_owned));
        me.is_me(email) || resolved.is_some_and(|e| me.is_me(&e))
    })
}

/// `(name, email)` of each `Co-authored-by: Name <email>` line.
fn co_authors(message: &str) -> Vec<(String, String)> {
    CO_AUTHOR
        .captures_iter(message)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

fn describe(
    repo: &Repository,
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    detail: Detail,
) -> Commit {
    let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
    let subject = message.lines().next().unwrap_or("").trim().to_string();
    let author = mailmap
        .and_then(|m| c.author_with_mailmap(m).ok())
        .unwrap_or_else(|| c.author().to_owned());
    let (files, added, removed) = changes(repo, c, detail).unwrap_or_default();
    let id = c.id().to_string();
    let when = c.committer().when();
    Commit {
        short: id.chars().take(7).collect(),
        id,
        pr: SQUASH_PR
            .captures(&subject)
            .and_then(|m| m.get(1))
            .and_then(|m| m.as_str().parse().ok()),
        subject,
        message,
        author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        time: when.seconds(),
        offset_minutes: when.offset_minutes(),
        files,
        added,
        removed,
        branches: Vec::new(),
    }
}

/// One side of a changed path.
struct Change {
    path: String,
    old: Option<Oid>,
    new: Option<Oid>,
}

/// Files touched and lines added/removed, as `git log --numstat` counts them
/// (renames detected, binary files count 0).
fn changes(
    repo: &Repository,
    c: &GitCommit<'_>,
    detail: Detail,
) -> Result<(Vec<String>, usize, usize), git2::Error> {
    let tree = c.tree()?;
    // A root commit, or a shallow boundary, compares with the empty tree.
    let parent_tree = c.parent(0).ok().map(|p| p.tree()).transpose()?;
    let mut out = Vec::new();
    diff_trees(repo, parent_tree.as_ref(), Some(&tree), "", &mut out)?;

    if detail == Detail::Paths {
        let mut files: Vec<String> = out.into_iter().map(|ch| ch.path).collect();
        files.sort();
        return Ok((files, 0, 0));
    }
    let has_add = out.iter().any(|x| x.old.is_none());
    let has_del = out.iter().any(|x| x.new.is_none());
    if has_add && has_del {
        return renames_diff(repo, parent_tree.as_ref(), &tree);
    }
    let mut files = Vec::with_capacity(out.len());
    let (mut added, mut removed) = (0, 0);
    for ch in out {
        let (a, r) = blob_line_stats(repo, ch.old, ch.new)?;
        added += a;
        removed += r;
        files.push(ch.path);
    }
    files.sort();
    Ok((files, added, removed))
}

/// The slow path for commits that both add and delete files: libgit2's diff
/// with rename detection, so that moved files count as git counts them.
fn renames_diff(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
) -> Result<(Vec<String>, usize, usize), git2::Error> {
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
    Ok((files, stats.insertions(), stats.deletions()))
}

fn blob_line_stats(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
) -> Result<(usize, usize), git2::Error> {
    let old_blob = old.map(|o| repo.find_blob(o)).transpose()?;
    let new_blob = new.map(|o| repo.find_blob(o)).transpose()?;
    let old_bytes = old_blob.as_ref().map(|b| b.content());
    let new_bytes = new_blob.as_ref().map(|b| b.content());
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
fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// Lines added and removed between two texts, with a Myers diff as git's
/// default. (libgit2's blob patch would look up `.gitattributes` for every
/// file, dozens of failed file system calls per commit.)
///
/// Lines are compared with their terminators, as git compares them: `a\r\n`
/// becoming `a\n`, or a last line gaining its newline, is a changed line.
/// (imara-diff 0.1's `byte_lines` strips terminators; its doc comment and
/// `byte_lines_with_terminator`'s are swapped.)
fn line_diff(old: &[u8], new: &[u8]) -> (usize, usize) {
    use imara_diff::intern::InternedInput;
    use imara_diff::sources::byte_lines_with_terminator as lines;
    let input = InternedInput::new(lines(old), lines(new));
    let counter = imara_diff::diff(
        imara_diff::Algorithm::Myers,
        &input,
        imara_diff::sink::Counter::new(|_: std::ops::Range<u32>, _: std::ops::Range<u32>| {}),
    );
    (counter.insertions as usize, counter.removals as usize)
}

/// Lines as git's numstat counts them: a last line without a newline counts.
fn count_lines(bytes: &[u8]) -> usize {
    let n = bytes.iter().filter(|b| **b == b'\n').count();
    n + usize::from(bytes.last().is_some_and(|b| *b != b'\n'))
}

/// A tree entry's id and kind.
type TreeEntry = (Oid, ObjectType);

/// Compares two trees, descending only into subtrees whose ids differ.
fn diff_trees(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    prefix: &str,
    out: &mut Vec<Change>,
) -> Result<(), git2::Error> {
    let mut entries: HashMap<Vec<u8>, (Option<TreeEntry>, Option<TreeEntry>)> = HashMap::new();
    if let Some(t) = old {
        for e in t.iter() {
            let kind = e.kind().unwrap_or(ObjectType::Any);
            entries.entry(e.name_bytes().to_vec()).or_default().0 = Some((e.id(), kind));
        }
    }
    if let Some(t) = new {
        for e in t.iter() {
            let kind = e.kind().unwrap_or(ObjectType::Any);
            entries.entry(e.name_bytes().to_vec()).or_default().1 = Some((e.id(), kind));
        }
    }
    let mut names: Vec<_> = entries.into_iter().collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, (o, n)) in names {
        if o.map(|x| x.0) == n.map(|x| x.0) {
            continue;
        }
        let path = format!("{prefix}{}", String::from_utf8_lossy(&name));
        let is_tree = |x: Option<(Oid, ObjectType)>| x.is_some_and(|x| x.1 == ObjectType::Tree);
        let is_blob = |x: Option<(Oid, ObjectType)>| x.is_some_and(|x| x.1 == ObjectType::Blob);
        if is_tree(o) || is_tree(n) {
            let ot = if is_tree(o) {
                o.map(|x| repo.find_tree(x.0)).transpose()?
            } else {
                None
            };
            let nt = if is_tree(n) {
                n.map(|x| repo.find_tree(x.0)).transpose()?
            } else {
                None
            };
            diff_trees(repo, ot.as_ref(), nt.as_ref(), &format!("{path}/"), out)?;
        }
        // A blob on either side (a file replaced by a folder counts as both).
        let ob = o.filter(|_| is_blob(o)).map(|x| x.0);
        let nb = n.filter(|_| is_blob(n)).map(|x| x.0);
        if ob.is_some() || nb.is_some() {
            out.push(Change {
                path,
                old: ob,
                new: nb,
            });
        }
    }
    Ok(())
}

/// The email and name git would use (`git config user.email` / `user.name`)
/// for the repository at `dir`, falling back to the global config.
pub fn git_identity(dir: Option<&Path>) -> (Option<String>, Option<String>) {
    let cfg = dir
        .and_then(|d| Repository::discover(d).ok())
        .and_then(|r| r.config().ok())
        .or_else(|| git2::Config::open_default().ok());
    let Some(cfg) = cfg else {
        return (None, None);
    };
    let get = |k: &str| cfg.get_string(k).ok().filter(|s| !s.trim().is_empty());
    (get("user.name"), get("user.email"))
}

/// The work tree (or git dir of a bare repo) containing `dir`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let r = Repository::discover(dir).ok()?;
    Some(
        r.workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| r.path().to_path_buf()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn oid(i: usize) -> Oid {
        let mut b = [0u8; 20];
        b[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
        Oid::from_bytes(&b).unwrap()
    }

    /// `M^1..M` by walking everything: what `brought_in` must equal.
    fn brought_in_exhaustive(walk: &Walk, merge: Oid) -> Vec<String> {
        let ps = &walk.parents[&merge];
        let reach = |starts: &[Oid]| {
            let mut seen = HashSet::new();
            let mut stack = starts.to_vec();
            while let Some(o) = stack.pop() {
                if seen.insert(o) {
                    stack.extend(walk.parents.get(&o).into_iter().flatten().copied());
                }
            }
            seen
        };
        let main = reach(&ps[..1]);
        let mut side: Vec<String> = reach(&ps[1..])
            .into_iter()
            .filter(|o| !main.contains(o))
            .map(|o| o.to_string())
            .collect();
        side.sort();
        side
    }

    proptest! {
        /// On random histories (merges of side branches, committer dates a
        /// little out of order), the early-stopping paint walk gives exactly
        /// what walking all of the first parent's ancestry gives.
        #[test]
        fn brought_in_equals_the_exhaustive_walk(
            picks in proptest::collection::vec((any::<u16>(), any::<u16>(), 0u8..4, -3i64..3), 2..300)
        ) {
            let mut parents = HashMap::new();
            let mut times = HashMap::new();
            let mut merges = Vec::new();
            for (i, (a, b, kind, skew)) in picks.iter().enumerate() {
                let mut ps = Vec::new();
                if i > 0 {
                    // Mostly a chain (the previous commit), sometimes an older one.
                    let first = if *kind == 0 { *a as usize % i } else { i - 1 };
                    ps.push(oid(first));
                    if *kind == 3 && i > 1 {
                        let second = *b as usize % i;
                        if second != first {
                            ps.push(oid(second));
                            merges.push(oid(i));
                        }
                    }
                }
                parents.insert(oid(i), ps);
                times.insert(oid(i), i as i64 * 10 + skew * 10);
            }
            let walk = Walk {
                in_window: Vec::new(),
                parents,
                times,
                tips: Vec::new(),
                mainline: None,
                head: None,
                visited: 0,
            };
            for m in merges {
                prop_assert_eq!(brought_in(&walk, m), brought_in_exhaustive(&walk, m));
            }
        }
    }

    #[test]
    fn line_endings_count_as_git_numstat_counts_them() {
        // Each pair checked against `git diff --numstat` (git 2.47).
        assert_eq!(line_diff(b"a\r\nb\r\n", b"a\nb\n"), (2, 2));
        assert_eq!(line_diff(b"a\nb", b"a\nb\n"), (1, 1));
        assert_eq!(line_diff(b"a\nb\n", b"a\nc\n"), (1, 1));
        assert_eq!(line_diff(b"a\nb\n", b"a\nb\n"), (0, 0));
        assert_eq!(line_diff(b"", b"x\ny"), (2, 0));
    }

    #[test]
    fn co_author_trailers_are_found() {
        let msg = "Fix it\n\nCo-authored-by: Ada L <ADA@example.com>\nco-authored-by:Bob <b@x.y>\n";
        assert_eq!(
            co_authors(msg),
            vec![
                ("Ada L".to_string(), "ADA@example.com".to_string()),
                ("Bob".to_string(), "b@x.y".to_string())
            ]
        );
    }

    #[test]
    fn squash_subjects_give_their_pr() {
        let re = &SQUASH_PR;
        assert_eq!(&re.captures("Add cache (#481)").unwrap()[1], "481");
        assert!(re.captures("Add cache (#481) later").is_none());
    }
}
