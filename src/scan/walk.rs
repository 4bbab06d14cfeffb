//! The walk: which commits have a committer time in the window, found by
//! our own max-heap walk from the branch tips and HEAD with an early stop;
//! which branches each commit is on (the mainline rule), and by which names;
//! and which commits a merge brought in (`brought_in`, a painting walk).
//!
//! # The walk and its stop rule
//!
//! A max-heap of commits keyed by committer time, seeded with every branch
//! tip — local (`refs/heads/*`) and, unless the repository's `remotes =
//! false`, remote-tracking (`refs/remotes/*`, symbolic refs such as
//! `origin/HEAD` skipped: a remote's `HEAD` names its mainline) — and HEAD,
//! which may be detached. Tags are not seeds and are never resolved: a
//! repository may hold thousands, and resolving them all is a cost of its
//! own (BENCHMARKS.md, "Measurements behind design decisions"). A commit
//! reached from several tips is queued once. More tips cost one commit read
//! each and do not lengthen the walk: a tip older than the window waits on
//! the heap behind everything newer, and the stop rule below counts it like
//! any other old commit (`tests/scan_bounds.rs` walks a 6,000-commit history
//! with 300 stale remote-tracking branches).
//!
//! Each commit is read once, when it is queued; its parents wait beside the
//! heap until it is popped.
//!
//! Popping always takes the newest commit left, so popped times only go down,
//! except when a parent is newer than its child (clock skew, rebases with
//! forged dates): such a parent goes back on the heap and is popped next,
//! before anything older. The walk stops when both hold:
//!
//! 1. the newest commit left is older than `since - SKEW_MARGIN`
//!    ([`SKEW_MARGIN_SECS`]), and
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
//! history. `tests/scan_bounds.rs` checks that bound without timing
//! anything.
//!
//! # The commit-graph and the exact stop rule
//!
//! When the repository has a commit-graph file (git's `gc` and `maintenance`
//! write one), a commit it holds is read from it — time and parents, no
//! inflate — and comes with its corrected commit date, an upper bound on the
//! committer time of the commit and of every ancestor
//! ([`super::commit_graph`] says how it is read and when it is not used).
//! While every commit waiting on the heap has such a bound, the walk does
//! not stop before every bound is older than `since`: nothing below can be
//! in the window, so a commit hidden behind any number of old-dated commits
//! is found (the rule above alone misses one behind more than [`SLOP`]).
//! It does not stop before the rule above allows either: the margin it
//! reads (from the file: no inflate) is where `dedupe` finds the fork of a
//! branch squash-merged in the window, so the folds are those of a walk
//! without the file. While some waiting commit has no bound (read from its
//! object: the file is missing, stale, or lacks corrected dates), the rule
//! above alone decides. A commit dated far in the future raises the bounds
//! of everything after it, and the walk then reads on to it: from the file,
//! a few hundred instructions a commit.
//!
//! # Why not libgit2's `Revwalk`
//!
//! Sorted by time (`Sort::TIME`, or any sort but none), it reads the entire
//! history before its first `next()` returns, whatever stop rule follows, so
//! its cost grows with the history where this heap's follows the window
//! (timings in BENCHMARKS.md, "Measurements behind design decisions");
//! unsorted, it yields no order a stop rule could rely on. libgit2 1.9
//! consults commit-graph files only inside its own `Revwalk`, and git2
//! exposes no generation numbers, so the walk reads the file itself (see
//! above).
//!
//! # Branch names
//!
//! A commit's branches are kept under two sets of names. A goal's
//! `branches` glob sees a remote-tracking branch under both of its names, as
//! git shows it (`origin/fix/x`) and on its remote (`fix/x`), so that work
//! is attributed the same with or without a local copy
//! ([`Walk::glob_names`], `Commit::branches`). People read each branch once
//! ([`Walk::named_once`], `Commit::on`, and the branches of `Folded`): a
//! local branch by its name; a remote-tracking branch as git shows it
//! (`origin/fix/x`), unless a local branch of its name on the remote
//! (`fix/x`) holds the same commit, which then stands for it and for every
//! other remote's twin (`upstream/fix/x`). With no local `fix/x` holding
//! the commit, each remote's branch is named (`origin/fix/x`,
//! `upstream/fix/x`): which remote has the work is worth saying. Twins are
//! known by name alone, not by the upstream git config records for a local
//! branch (`branch.<name>.merge`): a local branch tracking a branch of
//! another name is named beside it.
//!
//! # `git replace`
//!
//! libgit2 1.9 ignores `refs/replace/*`; the walk maps each commit it reads
//! to its replacement, as `git log` does (see [`replacements`]). Only the
//! walk and the description of the window's commits map ids; the diff's
//! parent tree and `dedupe`'s patch ids read the objects as stored.

use std::collections::{BinaryHeap, HashMap, HashSet};

use git2::{Oid, Repository};

use super::commit_graph::CommitGraph;
use super::model::{OidMap, OidSet};
use super::refs::{Refs, Target};
use super::TimeWindow;

/// How far before `since` the walk keeps going to find commits dated older
/// than their parents (see the module docs).
pub const SKEW_MARGIN_SECS: i64 = 3 * 24 * 3600;
/// How many consecutive commits older than `since` the walk pops before it
/// may stop (see the module docs).
pub const SLOP: usize = 64;

/// A branch the walk starts from.
#[derive(Debug, Clone)]
struct Branch {
    /// As git shows it: `main`, `origin/main`.
    name: String,
    /// A remote-tracking branch's name on its remote (`main` for
    /// `origin/main`), which a goal's `branches` glob matches as well.
    on_remote: Option<String>,
    /// The remote a remote-tracking branch belongs to (`origin`).
    remote: Option<String>,
    tip: Oid,
}

/// What the walk saw: the commits in the window (newest first), the parents
/// of every visited commit, and the branch tips.
pub(super) struct Walk {
    pub(super) in_window: Vec<Oid>,
    parents: OidMap<Vec<Oid>>,
    /// Committer time of every visited commit.
    times: OidMap<i64>,
    branches: Vec<Branch>,
    /// Indices in `branches` of the mainline branches (see [`mainlines`]).
    mainlines: Vec<usize>,
    /// What each branch's name is (see "Branch names").
    names: Names,
    /// HEAD's commit, when it has one.
    head: Option<Oid>,
    pub(super) visited: usize,
    /// Commits read from the commit-graph file rather than inflated.
    pub(super) from_graph: usize,
    /// Whether Gerrit's review notes (`refs/notes/review`) exist.
    pub(super) review_notes: bool,
    /// Commits that could not be read; the history behind them is unseen.
    pub(super) unreadable: Unreadable,
    /// `git replace`: replaced commit → its replacement (see [`replacements`]).
    replace: HashMap<Oid, Oid>,
}

impl Walk {
    /// The object to read for the commit `oid`: its replacement when `git
    /// replace` made one (git shows the replacement's content under the
    /// replaced commit's id), else itself.
    pub(super) fn content_of(&self, oid: Oid) -> Oid {
        self.replace.get(&oid).copied().unwrap_or(oid)
    }

    /// The parents of a commit the walk visited; `None` for one it did not.
    pub(super) fn parents_of(&self, oid: Oid) -> Option<&[Oid]> {
        self.parents.get(&oid).map(Vec::as_slice)
    }

    /// HEAD's commit, when it has one (see [`head_commit`]).
    pub(super) fn head(&self) -> Option<Oid> {
        self.head
    }

    /// The tip of the branch `name` (as git shows it: `main`, `origin/x`).
    pub(super) fn tip(&self, name: &str) -> Option<Oid> {
        self.branches.iter().find(|b| b.name == name).map(|b| b.tip)
    }

    /// The names of the mainline branches, as git shows them and, for a
    /// remote-tracking one, on its remote (`origin/main`, `main`).
    pub(super) fn mainline_names(&self) -> HashSet<&str> {
        self.mainlines
            .iter()
            .flat_map(|&i| {
                let b = &self.branches[i];
                std::iter::once(b.name.as_str()).chain(b.on_remote.as_deref())
            })
            .collect()
    }

    /// The mainline branches' names and tips (see [`mainlines`]).
    pub(super) fn mainlines(&self) -> Vec<(&str, Oid)> {
        self.mainlines
            .iter()
            .map(|&i| (self.branches[i].name.as_str(), self.branches[i].tip))
            .collect()
    }

    /// The names a goal's `branches` glob is matched against, for branches
    /// as git shows them (`shown`): each, and a remote-tracking branch's
    /// name on its remote as well. Sorted.
    pub(super) fn glob_names(&self, shown: &[String]) -> Vec<String> {
        let mut out: Vec<String> = shown
            .iter()
            .chain(shown.iter().filter_map(|n| self.names.on_remote.get(n)))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The branches `shown` (as git shows them: the branches that hold a
    /// commit) named once, for people: a remote-tracking branch whose local
    /// twin ([`Walk::local_twin`]) is among them is left out (see "Branch
    /// names"). Sorted.
    pub(super) fn named_once(&self, shown: &[String]) -> Vec<String> {
        let mut out: Vec<String> = shown
            .iter()
            .filter(|n| {
                self.local_twin(n)
                    .is_none_or(|local| !shown.iter().any(|s| s == local))
            })
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The local branch the remote-tracking branch `name` (`origin/x`) is a
    /// twin of: the local branch of its name on the remote (`x`), if one
    /// exists. `None` for a local branch.
    pub(super) fn local_twin(&self, name: &str) -> Option<&str> {
        self.names
            .on_remote
            .get(name)
            .filter(|n| self.names.local.contains(n.as_str()))
            .map(String::as_str)
    }
}

/// What each branch's name is (see "Branch names").
#[derive(Debug, Default)]
struct Names {
    /// Each remote-tracking branch's name on its remote, by the name git
    /// shows (`origin/x` → `x`).
    on_remote: HashMap<String, String>,
    /// The local branches' names.
    local: HashSet<String>,
}

impl Names {
    fn of(branches: &[Branch]) -> Names {
        let mut names = Names::default();
        for b in branches {
            match &b.on_remote {
                Some(n) => {
                    names.on_remote.insert(b.name.clone(), n.clone());
                }
                None if b.remote.is_none() => {
                    names.local.insert(b.name.clone());
                }
                None => {}
            }
        }
        names
    }
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

/// Commits the walk could not read, each once, in the order met, with
/// libgit2's reason: a branch tip or a parent whose object is missing or is
/// not a commit (a damaged repository). A shallow clone's boundary is not
/// one of them: libgit2 reads `.git/shallow` and gives those commits no
/// parents.
#[derive(Debug, Default)]
pub(super) struct Unreadable {
    pub(super) list: Vec<(Oid, String)>,
    seen: HashSet<Oid>,
    /// Branches (and HEAD) that lead to no commit: a ref file that cannot
    /// be parsed, a symbolic ref to nothing, a ref at a blob or a tree; as
    /// (name, what is wrong). Their work is unseen.
    pub(super) refs: Vec<(String, String)>,
}

impl Unreadable {
    pub(super) fn add(&mut self, oid: Oid, e: &git2::Error) {
        if self.seen.insert(oid) {
            self.list.push((oid, e.message().to_string()));
        }
    }

    fn add_ref(&mut self, name: &str, what: String) {
        self.refs.push((name.to_string(), what));
    }

    /// Whether anything was unreadable: the history seen is incomplete.
    pub(super) fn any(&self) -> bool {
        !self.list.is_empty() || !self.refs.is_empty()
    }
}

/// The commit the ref `full` (holding `target`, shown as `name`) leads to,
/// or `None` and the reason in `unreadable`: a missing or damaged object is
/// an unreadable commit; a ref that resolves to nothing, or to an object
/// that is not a commit (a blob, a tree), is a broken ref.
fn tip(
    repo: &Repository,
    refs: &Refs,
    (full, target): (&str, &Target),
    name: &str,
    unreadable: &mut Unreadable,
) -> Option<Oid> {
    // A symbolic ref to one not read here (a tag, say) is resolved by
    // libgit2, which also says why one leads nowhere.
    let oid = match refs.resolve(target) {
        Some(oid) => oid,
        None => match repo.find_reference(full).and_then(|r| r.resolve()) {
            Ok(d) => d.target()?,
            Err(e) => {
                unreadable.add_ref(name, format!("cannot be resolved ({})", e.message()));
                return None;
            }
        },
    };
    let obj = match repo.find_object(oid, None) {
        Ok(o) => o,
        // A commit libgit2 will not parse (a date beyond i64) is walked on.
        Err(_) if raw_commit(repo, oid).is_some() => return Some(oid),
        Err(e) => {
            unreadable.add(oid, &e);
            return None;
        }
    };
    match obj.peel_to_commit() {
        Ok(c) => Some(c.id()),
        Err(_) => {
            let kind = obj.kind().map_or("unknown".to_string(), |k| k.to_string());
            unreadable.add_ref(
                name,
                format!(
                    "points at {}, a {kind}, not a commit",
                    super::model::short(&oid.to_string())
                ),
            );
            None
        }
    }
}

/// The remote `full` (`origin/search/x`, without `refs/remotes/`) belongs
/// to, and the branch's name there: the longest configured remote name that
/// prefixes it (a remote's name may hold a `/`), else the part before the
/// first `/`.
fn split_remote(full: &str, remotes: &[String]) -> Option<(String, String)> {
    let configured = remotes
        .iter()
        .filter(|r| {
            full.len() > r.len() + 1
                && full.starts_with(r.as_str())
                && full[r.len()..].starts_with('/')
        })
        .max_by_key(|r| r.len());
    let (remote, name) = match configured {
        Some(r) => (r.as_str(), &full[r.len() + 1..]),
        None => full.split_once('/')?,
    };
    Some((remote.to_string(), name.to_string()))
}

/// The refs the walk looks at: branches, remote-tracking branches, `git
/// replace`'s, and Gerrit's review notes for credit (read by hand, see
/// [`super::refs`]).
const WALKED_PREFIXES: [&str; 4] = [
    "refs/heads/",
    "refs/remotes/",
    "refs/replace/",
    super::credit::REVIEW_NOTES,
];

/// The refs of [`WALKED_PREFIXES`] and HEAD. A loose ref file that does not
/// parse is read by libgit2 instead, and when libgit2 cannot read it either
/// (git says "ignoring broken ref"), a branch or remote-tracking branch is
/// a broken ref in `unreadable`.
fn walked_refs(repo: &Repository, unreadable: &mut Unreadable) -> Refs {
    let mut refs = Refs::read(repo, &WALKED_PREFIXES);
    for full in std::mem::take(&mut refs.broken) {
        match repo.find_reference(&full) {
            Ok(r) => {
                let target = match (r.target(), r.symbolic_target().ok().flatten()) {
                    (Some(oid), _) => Target::Direct(oid),
                    (None, Some(t)) => Target::Symbolic(t.to_string()),
                    (None, None) => continue,
                };
                refs.adopt(full, target);
            }
            Err(e) => {
                let shown = ["refs/heads/", "refs/remotes/"]
                    .iter()
                    .find_map(|p| full.strip_prefix(p));
                if let Some(shown) = shown {
                    unreadable.add_ref(shown, format!("cannot be read ({})", e.message()));
                }
            }
        }
    }
    refs
}

/// The branches the walk starts from — local (`refs/heads/*`) and, when
/// `remotes`, remote-tracking (`refs/remotes/*` but symbolic refs such as
/// `origin/HEAD`) — and HEAD's commit.
fn branch_tips(
    repo: &Repository,
    refs: &Refs,
    remotes: bool,
    unreadable: &mut Unreadable,
) -> (Vec<Branch>, Option<Oid>) {
    let mut branches = Vec::new();
    for (full, target) in refs.under("refs/heads/") {
        let name = full.trim_start_matches("refs/heads/").to_string();
        if let Some(tip) = tip(repo, refs, (full, target), &name, unreadable) {
            branches.push(Branch {
                name,
                on_remote: None,
                remote: None,
                tip,
            });
        }
    }
    if remotes {
        let names: Vec<String> = repo
            .remotes()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.ok().flatten().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for (full, target) in refs.under("refs/remotes/") {
            if matches!(target, Target::Symbolic(_)) {
                continue;
            }
            let name = full.trim_start_matches("refs/remotes/").to_string();
            if let Some(tip) = tip(repo, refs, (full, target), &name, unreadable) {
                let (remote, on_remote) = split_remote(&name, &names).unzip();
                branches.push(Branch {
                    name,
                    on_remote,
                    remote,
                    tip,
                });
            }
        }
    }
    let head = head_commit(repo, refs, &branches, unreadable);
    (branches, head)
}

/// HEAD's commit: a branch's tip (said above if broken), or a detached
/// commit; none in an empty repository (no warning).
fn head_commit(
    repo: &Repository,
    refs: &Refs,
    branches: &[Branch],
    unreadable: &mut Unreadable,
) -> Option<Oid> {
    match refs.head() {
        Some(Target::Symbolic(t)) => refs
            .get(t)
            .and_then(|target| refs.resolve(target))
            .filter(|oid| branches.iter().any(|b| b.tip == *oid)),
        Some(direct) => tip(repo, refs, ("HEAD", direct), "HEAD", unreadable),
        // A HEAD file that does not parse: libgit2 says why.
        None => match repo.find_reference("HEAD") {
            Ok(h) if h.kind() == Some(git2::ReferenceType::Direct) => {
                let oid = h.target()?;
                tip(
                    repo,
                    refs,
                    ("HEAD", &Target::Direct(oid)),
                    "HEAD",
                    unreadable,
                )
            }
            Ok(h) => h
                .resolve()
                .ok()
                .and_then(|d| d.target())
                .filter(|oid| branches.iter().any(|b| b.tip == *oid)),
            Err(e) => {
                unreadable.add_ref("HEAD", format!("cannot be read ({})", e.message()));
                None
            }
        },
    }
}

/// A commit as the walk needs it: its committer time and its parents, and
/// from the commit-graph a bound on the times of it and its ancestors
/// ([`super::commit_graph::Commit::bound`]).
struct Node {
    time: i64,
    parents: Vec<Oid>,
    bound: Option<i64>,
    /// Read from the commit-graph, not inflated.
    from_graph: bool,
}

/// The committer time the walk gives a commit whose date libgit2 cannot
/// parse (seconds beyond i64, a malformed date): newer than any window, so
/// it is out of the window, and popped at once so the walk goes on to its
/// parents — `git log` shows the history below it too.
const UNPARSABLE_TIME: i64 = i64::MAX;

/// The commit `oid` for the walk. libgit2 refuses to parse a commit whose
/// date overflows; such a commit is read from its raw object (its `parent`
/// headers) and given [`UNPARSABLE_TIME`].
///
/// (Parsing only the headers of the raw object here was tried: no fewer
/// instructions, since nearly every commit the walk reads is in the window
/// and parsed by libgit2 afterwards anyway.)
fn read_node(
    repo: &Repository,
    replace: &HashMap<Oid, Oid>,
    graph: Option<&CommitGraph>,
    oid: Oid,
) -> Result<Node, git2::Error> {
    if let Some(c) = graph.and_then(|g| g.commit(oid)) {
        return Ok(Node {
            time: c.time,
            parents: c.parents,
            bound: c.bound,
            from_graph: true,
        });
    }
    let oid = replace.get(&oid).copied().unwrap_or(oid);
    match repo.find_commit(oid) {
        Ok(c) => Ok(Node {
            time: c.committer().when().seconds(),
            parents: c.parent_ids().collect(),
            bound: None,
            from_graph: false,
        }),
        Err(e) => raw_commit(repo, oid).ok_or(e),
    }
}

/// A commit object libgit2 would not parse, read from its headers: `None`
/// when the object cannot be read or is not a commit (a real damage).
fn raw_commit(repo: &Repository, oid: Oid) -> Option<Node> {
    let odb = repo.odb().ok()?;
    let obj = odb.read(oid).ok()?;
    if obj.kind() != git2::ObjectType::Commit {
        return None;
    }
    let mut parents = Vec::new();
    let mut tree = false;
    for line in obj.data().split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(Oid::from_str(std::str::from_utf8(hex).ok()?).ok()?);
        }
        tree |= line.starts_with(b"tree ");
    }
    tree.then_some(Node {
        time: UNPARSABLE_TIME,
        parents,
        bound: None,
        from_graph: false,
    })
}

/// The walk's heap. Each commit is read once, when it is queued; its
/// parents wait beside the heap until it is popped.
struct Queue {
    heap: BinaryHeap<Entry>,
    queued: OidSet,
    pending: OidMap<Node>,
    waiting: Waiting,
    /// Commits read from the commit-graph.
    from_graph: usize,
}

impl Queue {
    fn new(since: i64) -> Queue {
        Queue {
            heap: BinaryHeap::new(),
            queued: OidSet::default(),
            pending: OidMap::default(),
            waiting: Waiting::new(since),
            from_graph: 0,
        }
    }

    /// Queues `oid`, read with `read`, unless it was queued before; whether
    /// it is queued now (a commit that cannot be read is not, and goes to
    /// `unreadable`).
    fn enqueue(
        &mut self,
        oid: Oid,
        read: impl Fn(Oid) -> Result<Node, git2::Error>,
        unreadable: &mut Unreadable,
    ) -> bool {
        if self.queued.contains(&oid) {
            return true;
        }
        match read(oid) {
            Ok(n) => {
                self.queued.insert(oid);
                self.from_graph += usize::from(n.from_graph);
                self.waiting.push(n.bound);
                self.heap.push(Entry { time: n.time, oid });
                self.pending.insert(oid, n);
                true
            }
            Err(e) => {
                unreadable.add(oid, &e);
                false
            }
        }
    }

    /// The newest commit left, and its parents.
    fn pop(&mut self) -> Option<(Entry, Vec<Oid>)> {
        let top = self.heap.pop()?;
        let node = self.pending.remove(&top.oid)?;
        self.waiting.pop(node.bound);
        Some((top, node.parents))
    }
}

/// The commits waiting on the walk's heap, as the exact stop rule counts
/// them (see "The exact stop rule" in the module docs).
struct Waiting {
    since: i64,
    /// Those without a bound: not read from a commit-graph with corrected
    /// dates.
    unbounded: usize,
    /// Those that may still lead to a commit in the window: unbounded, or
    /// bounded at or after `since`.
    open: usize,
}

impl Waiting {
    fn new(since: i64) -> Waiting {
        Waiting {
            since,
            unbounded: 0,
            open: 0,
        }
    }

    fn push(&mut self, bound: Option<i64>) {
        self.unbounded += usize::from(bound.is_none());
        self.open += usize::from(bound.is_none_or(|b| b >= self.since));
    }

    fn pop(&mut self, bound: Option<i64>) {
        self.unbounded -= usize::from(bound.is_none());
        self.open -= usize::from(bound.is_none_or(|b| b >= self.since));
    }

    /// Whether every waiting commit has a bound, so that the exact rule
    /// decides.
    fn all_bounded(&self) -> bool {
        self.unbounded == 0
    }
}

/// The repository's commit-graph for the walk, unless git itself would not
/// trust it for this history: `git replace` refs in use (`replace`),
/// `info/grafts`, a shallow clone, or `core.commitGraph = false`.
fn commit_graph(
    repo: &Repository,
    config: Option<&git2::Config>,
    replace: &HashMap<Oid, Oid>,
) -> Option<CommitGraph> {
    let enabled = config
        .and_then(|c| c.get_bool("core.commitGraph").ok())
        .unwrap_or(true);
    let common = repo.commondir();
    if !enabled || !replace.is_empty() || repo.is_shallow() || common.join("info/grafts").exists() {
        return None;
    }
    CommitGraph::open(&common.join("objects"))
}

/// The walk described in the module docs.
/// `remotes`: whether remote-tracking branches are seeds too.
pub(super) fn walk_window(
    repo: &Repository,
    window: TimeWindow,
    remotes: bool,
) -> Result<Walk, git2::Error> {
    let mut unreadable = Unreadable::default();
    let refs = walked_refs(repo, &mut unreadable);
    let config = repo.config().ok();
    let replace = replacements(config.as_ref(), &refs);
    let (branches, head) = branch_tips(repo, &refs, remotes, &mut unreadable);
    let review_notes = refs.get(super::credit::REVIEW_NOTES).is_some();
    let graph = commit_graph(repo, config.as_ref(), &replace);
    let graph = graph.as_ref();
    let mut seeds: Vec<Oid> = branches.iter().map(|b| b.tip).collect();
    seeds.extend(head);
    let mainlines = mainlines(&refs, &branches);
    drop(refs);
    let names = Names::of(&branches);

    let read = |oid| read_node(repo, &replace, graph, oid);
    let mut queue = Queue::new(window.since);
    for oid in seeds {
        queue.enqueue(oid, read, &mut unreadable);
    }

    let floor = window.since - SKEW_MARGIN_SECS;
    let mut in_window = Vec::new();
    let mut parents = OidMap::default();
    let mut times = OidMap::default();
    let mut visited = 0;
    let mut old_streak = 0usize;
    while let Some(top) = queue.heap.peek() {
        // The margin's reach is kept where the exact rule could stop
        // sooner: `dedupe` finds a squashed branch's fork in it.
        let margin = top.time < floor && old_streak >= SLOP;
        let done = margin && (!queue.waiting.all_bounded() || queue.waiting.open == 0);
        if done {
            break;
        }
        let Some((Entry { time, oid }, node_parents)) = queue.pop() else {
            break;
        };
        visited += 1;
        if time < window.since {
            old_streak += 1;
        } else {
            old_streak = 0;
        }
        if window.contains(time) {
            in_window.push(oid);
        }
        // A parent that is listed but cannot be read is a missing object (a
        // shallow clone's boundary commits have no parents at all).
        let ps: Vec<Oid> = node_parents
            .into_iter()
            .filter(|&pid| queue.enqueue(pid, read, &mut unreadable))
            .collect();
        parents.insert(oid, ps);
        times.insert(oid, time);
    }
    Ok(Walk {
        in_window,
        parents,
        times,
        branches,
        mainlines,
        names,
        head,
        visited,
        from_graph: queue.from_graph,
        review_notes,
        unreadable,
        replace,
    })
}

/// `git replace`: each `refs/replace/<id>` makes git read the commit `<id>`
/// as the object the ref points at (its message, tree and parents), under
/// the id `<id>`, unless `core.useReplaceRefs` is false. libgit2 1.9 knows
/// nothing of them, so the walk maps ids itself: one lookup per commit read,
/// in a map that is empty in almost every repository.
fn replacements(config: Option<&git2::Config>, refs: &Refs) -> HashMap<Oid, Oid> {
    let mut map = HashMap::new();
    let honoured = config
        .and_then(|c| c.get_bool("core.useReplaceRefs").ok())
        .unwrap_or(true);
    if !honoured {
        return map;
    }
    for (full, target) in refs.under("refs/replace/") {
        let replaced = full
            .strip_prefix("refs/replace/")
            .and_then(|hex| Oid::from_str(hex).ok());
        if let (Some(from), Target::Direct(to)) = (replaced, target) {
            map.insert(from, *to);
        }
    }
    map
}

/// Which branches each of `commits` is on, as git shows them (`search/x`,
/// `origin/search/x`), sorted: [`Walk::glob_names`] and
/// [`Walk::named_once`] name them for globs and for people.
///
/// A commit is on branch B when B's tip reaches it, except that a commit on
/// the first-parent line of a mainline branch (see [`mainlines`]) is on the
/// mainline branches only: a feature branch forked from `main` (or from
/// `origin/main`) reaches all of main's earlier history, and that history is
/// not the feature's work. A side branch merged into main and still present
/// keeps its commits, because they came into main through a merge's second
/// parent. Only commits the walk visited are followed (everything older is
/// older than the window); branches at the same commit share one walk.
pub(super) fn branch_membership(
    walk: &Walk,
    commits: impl IntoIterator<Item = Oid>,
) -> HashMap<String, Vec<String>> {
    let wanted: HashSet<Oid> = commits.into_iter().collect();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    let first_parent_line = mainline_line(walk);
    // The wanted commits each distinct tip reaches.
    let mut reached: HashMap<Oid, Vec<Oid>> = HashMap::new();
    for b in &walk.branches {
        reached.entry(b.tip).or_insert_with(|| {
            let mut found = Vec::new();
            let mut seen = HashSet::new();
            let mut stack = vec![b.tip];
            while let Some(oid) = stack.pop() {
                if !seen.insert(oid) {
                    continue;
                }
                if wanted.contains(&oid) {
                    found.push(oid);
                }
                if let Some(ps) = walk.parents.get(&oid) {
                    stack.extend(ps.iter().copied());
                }
            }
            found
        });
    }
    for (i, b) in walk.branches.iter().enumerate() {
        let is_main = walk.mainlines.contains(&i);
        for oid in &reached[&b.tip] {
            if is_main || !first_parent_line.contains(oid) {
                out.entry(oid.to_string()).or_default().push(b.name.clone());
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    out
}

/// The commits on the first-parent line of the mainline branches (see
/// [`mainlines`]; HEAD's when there is none), within what the walk visited:
/// the mainline's own history, as opposed to what merges brought into it.
pub(super) fn mainline_line(walk: &Walk) -> HashSet<Oid> {
    let mut main_tips: Vec<Oid> = walk
        .mainlines
        .iter()
        .map(|&i| walk.branches[i].tip)
        .collect();
    if main_tips.is_empty() {
        main_tips.extend(walk.head);
    }
    let mut line = HashSet::new();
    for tip in main_tips {
        let mut at = Some(tip);
        while let Some(oid) = at {
            if !line.insert(oid) {
                break;
            }
            at = walk.parents.get(&oid).and_then(|ps| ps.first().copied());
        }
    }
    line
}

/// The mainline branches, as indices in `branches`:
///
/// - the local one: the branch `origin/HEAD` points at when it exists
///   locally, else the first of `main`, `master`, `trunk`, `develop`, else
///   the checked-out branch;
/// - for each remote whose branches are among `branches`: the one its
///   `HEAD` points at (`refs/remotes/origin/HEAD` → `origin/main`), else the
///   first of its `main`, `master`, `trunk`, `develop`.
fn mainlines(refs: &Refs, branches: &[Branch]) -> Vec<usize> {
    const NAMES: [&str; 4] = ["main", "master", "trunk", "develop"];
    let find = |remote: Option<&str>, name: &str| {
        branches.iter().position(|b| match remote {
            None => b.remote.is_none() && b.name == name,
            Some(r) => b.remote.as_deref() == Some(r) && b.on_remote.as_deref() == Some(name),
        })
    };
    // What `refs/remotes/REMOTE/HEAD` points at, as a name on the remote.
    let remote_head = |remote: &str| match refs.get(&format!("refs/remotes/{remote}/HEAD"))? {
        Target::Symbolic(target) => target
            .strip_prefix(&format!("refs/remotes/{remote}/"))
            .map(str::to_owned),
        Target::Direct(_) => None,
    };
    let mut out = Vec::new();
    let local = remote_head("origin")
        .and_then(|n| find(None, &n))
        .or_else(|| NAMES.iter().find_map(|n| find(None, n)))
        .or_else(|| match refs.head()? {
            // The checked-out branch, when it has a commit.
            Target::Symbolic(t) => {
                refs.resolve(refs.get(t)?)?;
                find(None, t.strip_prefix("refs/heads/")?)
            }
            Target::Direct(_) => None,
        });
    out.extend(local);
    let mut remotes: Vec<&str> = branches
        .iter()
        .filter_map(|b| b.remote.as_deref())
        .collect();
    remotes.sort_unstable();
    remotes.dedup();
    for remote in remotes {
        let main = remote_head(remote)
            .and_then(|n| find(Some(remote), &n))
            .or_else(|| NAMES.iter().find_map(|n| find(Some(remote), n)));
        out.extend(main);
    }
    out
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
pub(super) fn brought_in(walk: &Walk, merge: Oid) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn oid(i: usize) -> Oid {
        let mut b = [0u8; 20];
        b[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
        Oid::from_bytes(&b).unwrap()
    }

    #[test]
    fn a_remote_tracking_branch_is_split_at_its_remote() {
        let remotes = [
            "origin".to_string(),
            "team/a".to_string(),
            "team".to_string(),
        ];
        let split = |full: &str| split_remote(full, &remotes);
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(split("origin/search/x"), pair("origin", "search/x"));
        // The longest remote name that prefixes it.
        assert_eq!(split("team/a/main"), pair("team/a", "main"));
        assert_eq!(split("team/b/main"), pair("team", "b/main"));
        // A remote no longer configured: its first part.
        assert_eq!(split("gone/search/x"), pair("gone", "search/x"));
        assert_eq!(split("origin/"), pair("origin", ""));
        assert_eq!(split("lonely"), None);
    }

    /// A walk that saw no commits, with `local` branches and
    /// `remote_tracking` ones (as git shows them: `origin/x`).
    fn walk_with_branches(local: &[&str], remote_tracking: &[&str]) -> Walk {
        let mut branches: Vec<Branch> = local
            .iter()
            .map(|n| Branch {
                name: n.to_string(),
                on_remote: None,
                remote: None,
                tip: oid(0),
            })
            .collect();
        for full in remote_tracking {
            let (remote, on_remote) = split_remote(full, &[]).unzip();
            branches.push(Branch {
                name: full.to_string(),
                on_remote,
                remote,
                tip: oid(0),
            });
        }
        Walk {
            in_window: Vec::new(),
            parents: OidMap::default(),
            times: OidMap::default(),
            names: Names::of(&branches),
            branches,
            mainlines: Vec::new(),
            head: None,
            visited: 0,
            from_graph: 0,
            review_notes: false,
            unreadable: Unreadable::default(),
            replace: HashMap::new(),
        }
    }

    #[test]
    fn each_branch_is_named_once_for_people_and_under_both_names_for_globs() {
        let walk = walk_with_branches(
            &["main", "fix/x"],
            &[
                "origin/main",
                "origin/fix/x",
                "upstream/fix/x",
                "origin/seen",
                "upstream/seen",
            ],
        );
        let names = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
        // A local branch holding the commit stands for every remote's twin.
        assert_eq!(
            walk.named_once(&names(&[
                "fix/x",
                "main",
                "origin/fix/x",
                "origin/main",
                "upstream/fix/x"
            ])),
            names(&["fix/x", "main"])
        );
        // A local branch that does not hold it does not: the remote's is named.
        assert_eq!(
            walk.named_once(&names(&["origin/fix/x"])),
            names(&["origin/fix/x"])
        );
        // No local branch of that name: each remote's, once.
        assert_eq!(
            walk.named_once(&names(&["origin/seen", "upstream/seen"])),
            names(&["origin/seen", "upstream/seen"])
        );
        // Globs see a remote-tracking branch under both of its names.
        assert_eq!(
            walk.glob_names(&names(&["origin/seen", "fix/x", "origin/fix/x"])),
            names(&["fix/x", "origin/fix/x", "origin/seen", "seen"])
        );
        assert_eq!(walk.local_twin("origin/fix/x"), Some("fix/x"));
        assert_eq!(walk.local_twin("upstream/fix/x"), Some("fix/x"));
        assert_eq!(walk.local_twin("origin/seen"), None);
        assert_eq!(walk.local_twin("fix/x"), None);
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
            let mut parents = OidMap::default();
            let mut times = OidMap::default();
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
                branches: Vec::new(),
                mainlines: Vec::new(),
                names: Names::default(),
                head: None,
                visited: 0,
                from_graph: 0,
                review_notes: false,
                unreadable: Unreadable::default(),
                replace: HashMap::new(),
            };
            for m in merges {
                prop_assert_eq!(brought_in(&walk, m), brought_in_exhaustive(&walk, m));
            }
        }
    }
}
