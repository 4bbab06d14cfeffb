//! git2: open the configured repositories, walk the commits whose committer
//! time falls in the window, and describe the ones that are mine. No policy
//! lives here (which goal a commit belongs to is `attribute`'s business).
//! This module owns the public types, the per-repository scan and its
//! parallel driver, and libgit2's global settings; git2 is used nowhere
//! outside `scan`. The design is explained in docs/ARCHITECTURE.md; the facts
//! the code relies on are stated here and in the submodules.
//!
//! - `walk`: which commits are in the window, and on which branches.
//! - `diff`: which files a commit changed, and how many lines.
//! - `identity`: which commits are mine; the git identity around a folder.
//! - `dedupe`: the same work on several branches (a squash-merged branch
//!   that was kept, a rebased or cherry-picked copy) folded into one commit.
//! - `patch_id`: the hash that says two changes are the same.
//! - `credit`: changes of others that credit me (trailers naming me,
//!   patches I applied, merges I made, Gerrit review notes).
//! - `trailers`: a message's trailers, found as git finds them.
//!
//! # What libgit2 gives and what we do instead
//!
//! - **The walk is ours.** libgit2's `Revwalk` sorted by time (`Sort::TIME`)
//!   reads the entire history before its first `next()` returns (1.2 s on
//!   git.git), and unsorted it yields no order a stop rule could rely on. So
//!   the walk is our own max-heap on committer time that stops shortly
//!   before the window (see `walk` for the stop rule, [`SKEW_MARGIN_SECS`]
//!   and [`SLOP`]). Commit-graph files do not help: libgit2 1.9 consults
//!   them only inside its own `Revwalk`, while the lookups our walk makes
//!   (`find_commit`, `parent`) parse every commit object, and git2 exposes
//!   no generation numbers. The stop rule has only committer dates.
//! - **`git log --since` is not the model.** It has no slack: it stops at the
//!   first commit older than `since` and so misses in-window commits behind a
//!   commit dated before its parent. The stop rule keeps going for a margin
//!   of time and a number of commits past `since`.
//! - **The tree comparison is ours.** `diff_tree_to_tree` expands every file
//!   and does not skip identical subtrees (≈2.5 ms per commit on git.git,
//!   against 0.1–0.5 ms comparing the trees ourselves and descending only
//!   into subtrees whose ids differ). Rename detection runs only for commits
//!   that both add and delete files (see `diff`). Diffs are computed only
//!   for commits that are mine and in the window.
//! - **No hash verification.** The objects come from the user's own
//!   repositories; libgit2's strict hash verification was about a fifth of
//!   the scan's profile, so it is turned off.
//! - **Which refs.** Local branches (`refs/heads/*`), remote-tracking
//!   branches (`refs/remotes/*`, unless the repository's `remotes = false`)
//!   and HEAD (which may be detached) are scanned; tags are not. A remote's
//!   symbolic `HEAD` is not a branch: it names that remote's mainline.
//!
//! # Damage
//!
//! A repository that cannot be opened, or whose branches cannot be listed,
//! is a [`ScanWarning`] instead of a result. Inside a repository that can be
//! scanned nothing is dropped in silence: commits the walk cannot read (an
//! object missing from a damaged repository) make one warning naming the
//! first and how many, since the history behind them went unseen; commits of
//! mine whose files cannot be compared are kept, without files or line
//! counts, and one warning names them. A shallow clone's boundary is not
//! damage: libgit2 reads `.git/shallow` and gives those commits no parents.
//! A branch that leads to no commit (a ref file libgit2 cannot parse, a
//! symbolic ref to nothing, a ref at a blob) is a warning naming it, and
//! [`RepoActivity::incomplete`] says some history went unread. A commit
//! whose date libgit2 cannot parse is walked through, out of the window
//! (see `walk`). A repository whose scan does not end in time (libgit2 spins
//! on a truncated loose object) is given up on: see [`scan_all`].
//!
//! # `git replace`
//!
//! libgit2 1.9 ignores `refs/replace/*`; the walk maps each commit it reads
//! to its replacement, as `git log` does (see `walk`).

mod credit;
mod dedupe;
mod diff;
pub mod explain;
mod identity;
mod patch_id;
mod trailers;
mod walk;

pub use credit::kind_of_trailer;

pub use identity::{discover, git_identity};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Once;
use std::time::{Duration, Instant};

use git2::{Commit as GitCommit, Oid, Repository, RepositoryOpenFlags};
use serde::Serialize;

use crate::config::RepoSpec;
use crate::forge::{self, Forge};

/// How far before `since` the walk keeps going to find commits dated older
/// than their parents (see `walk`).
pub const SKEW_MARGIN_SECS: i64 = 3 * 24 * 3600;
/// How many consecutive commits older than `since` the walk pops before it
/// may stop (see `walk`).
pub const SLOP: usize = 64;

pub use crate::period::TimeWindow;

/// A map keyed by object id, with a fast hash: ids are hashes already, and
/// SipHash was a visible part of the walk's profile.
pub(crate) type OidMap<V> = rustc_hash::FxHashMap<Oid, V>;
/// A set of object ids (see [`OidMap`]).
pub(crate) type OidSet = rustc_hash::FxHashSet<Oid>;

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
    /// The branches whose tip reaches this commit (the mainline rule
    /// applied), and those of the commits folded into it (see `dedupe`),
    /// sorted: local ones by name (`search/x`), remote-tracking ones both as
    /// git shows them (`origin/search/x`) and by their name on the remote
    /// (`search/x`).
    pub branches: Vec<String>,
    /// The pull request of a squash-merged subject ending in `(#N)`.
    pub pr: Option<u32>,
    /// Commits of mine found to be this same work on other branches (a
    /// squashed branch, a rebased or cherry-picked copy), folded into this
    /// one and not listed (see `dedupe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folded: Option<Folded>,
}

/// What was folded into a commit: my commits on other branches that are the
/// same work (see `dedupe`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Folded {
    /// How many commits of `squash_branches` this squash commit brought to
    /// the mainline (0: it is not a squash of a branch icu saw).
    pub squash_of: usize,
    /// The branches whose commits this squash commit holds, sorted.
    pub squash_branches: Vec<String>,
    /// The branches holding a copy with the same patch (rebased or
    /// cherry-picked), sorted.
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

/// Who counts as me: lower-cased emails; and which changes of others
/// credit me.
#[derive(Debug, Clone)]
pub struct Identity<'a> {
    pub emails: &'a [String],
    /// The trailer keys (`Reviewed-by`, …) that credit me when they name
    /// me; `None`: credit is off (see `credit`).
    pub credit: Option<&'a [String]>,
    /// Credit is looked for only in commits from this time on (Unix
    /// seconds); `None`: the whole window. `icu goals` counts credits in
    /// its period only, not over the 12 weeks it scans for its sparkline.
    pub credit_since: Option<i64>,
}

/// libgit2's pack window size (default 1 GiB on 64-bit systems).
const MWINDOW_SIZE: usize = 1 << 20;
/// libgit2's limit on mapped pack windows, across repositories.
const MWINDOW_MAPPED_LIMIT: usize = 32 << 20;

/// libgit2's object cache, shared by all threads (default 256 MiB): a
/// scan reads each commit once and trees near the tips a few times.
const OBJECT_CACHE_BYTES: isize = 8 << 20;

/// The largest tree libgit2's cache keeps (its default is 4 KiB, which
/// leaves out a large repository's root: git.git's is 20 KiB, and each
/// commit compared parsed it again — 460,000 entries parsed for `icu goals`
/// over 12 weeks, an eighth of its instructions).
const TREE_CACHE_LIMIT: usize = 256 << 10;

pub(crate) fn init_libgit2() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Objects come from the user's own repositories; verifying every hash
        // was a fifth of the scan's profile (see the module docs).
        git2::opts::strict_hash_verification(false);
        // A scan reads a few hundred commits near the tips: small pack
        // windows keep the mapped (resident) part of a large pack small.
        // SAFETY: called once, before any repository is opened.
        #[allow(unsafe_code)]
        unsafe {
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_MAPPED_LIMIT);
            let _ = git2::opts::set_cache_max_size(OBJECT_CACHE_BYTES);
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, TREE_CACHE_LIMIT);
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

/// How long one repository's scan may take, unless `ICU_SCAN_TIMEOUT`
/// (seconds) says otherwise. A damaged object can make libgit2 spin forever
/// (see [`scan_all`]); past this, the repository is given up on.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest `ICU_SCAN_TIMEOUT` taken: a day (larger numbers overflow what
/// a deadline after now can hold).
const MAX_SCAN_TIMEOUT_SECS: f64 = 86_400.0;

/// `ICU_SCAN_TIMEOUT` read: unset is [`SCAN_TIMEOUT`]; a number of seconds
/// above 0 and at most a day is taken; anything else is refused with what
/// is wrong, and the caller says so and uses the default.
pub fn scan_timeout(value: Option<&str>) -> Result<Duration, String> {
    let Some(s) = value else {
        return Ok(SCAN_TIMEOUT);
    };
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_SCAN_TIMEOUT_SECS => {
            Ok(Duration::from_secs_f64(v))
        }
        _ => Err(format!(
            "ICU_SCAN_TIMEOUT=`{s}` is not a number of seconds above 0 and at most 86400; \
             using the default of {} s",
            SCAN_TIMEOUT.as_secs()
        )),
    }
}

/// Scans every repository, in parallel: one worker thread per core (at
/// most 8), each taking the next repository not yet started. Results come
/// back in the order of `repos`; a repository that cannot be opened becomes
/// a warning, and so does each problem met in a repository that could be
/// scanned (also kept in its [`RepoActivity::warnings`]). Workers, not a
/// thread per repository: with 500 repositories, starting and ending a
/// thread each was a visible part of the run.
///
/// Each repository's scan is bounded by `timeout`: libgit2 1.9 spins forever
/// on a truncated loose object (its `git_zstream_get_output` takes zlib's
/// `Z_BUF_ERROR` for "retry with a larger buffer" and loops without input
/// left), and a crash during `git commit` leaves such files. A repository
/// not done in time becomes a warning, and the others are still reported.
/// Its worker cannot be stopped: it is detached, never joined, dies with the
/// process, and a new worker takes its place.
pub fn scan_all(
    repos: &[RepoSpec],
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
    timeout: Duration,
) -> (Vec<RepoActivity>, Vec<ScanWarning>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    init_libgit2();
    let threads = cores().min(repos.len());
    // With fewer repositories than cores, each may compare its commits on
    // the cores left over (see `diff::changes_of_all`).
    let spare = (cores() / repos.len().max(1)).max(1);
    let shared: Arc<WorkerShare> = Arc::new((
        repos.to_vec(),
        me.emails.to_vec(),
        me.credit.map(<[String]>::to_vec),
        me.credit_since,
        AtomicUsize::new(0),
    ));
    let (tx, rx) = mpsc::channel::<Said>();
    let workers = AtomicUsize::new(0);
    let start_worker = || {
        let w = workers.fetch_add(1, Ordering::SeqCst);
        spawn_worker(w, Arc::clone(&shared), tx.clone(), (window, detail, spare))
    };
    let mut results: Vec<Option<Result<RepoActivity, ScanWarning>>> =
        repos.iter().map(|_| None).collect();
    // Workers started and not finished nor stuck on a repository.
    let mut working = (0..threads).filter(|_| start_worker()).count();
    // The repositories being scanned: when each started, and by which worker.
    let mut running: HashMap<usize, (Instant, usize)> = HashMap::new();
    // Workers whose repository was given up on (one may yet finish it).
    let mut stuck: std::collections::HashSet<usize> = Default::default();
    let mut left = repos.len();
    while left > 0 && (working > 0 || !running.is_empty()) {
        let wait = running
            .values()
            .map(|&(t, _)| (t + timeout).saturating_duration_since(Instant::now()))
            .min()
            .unwrap_or(timeout);
        match rx.recv_timeout(wait) {
            Ok(Said::Started { w, i }) => {
                // A worker given up on that finished after all works again.
                if stuck.remove(&w) {
                    working += 1;
                }
                running.insert(i, (Instant::now(), w));
            }
            Ok(Said::Done(i, r)) => {
                if running.remove(&i).is_some() {
                    left -= 1;
                    results[i] = Some(r.unwrap_or_else(|| {
                        Err(warning(&repos[i], "the scan thread stopped unexpectedly"))
                    }));
                }
            }
            Ok(Said::Finished { w }) => {
                if !stuck.remove(&w) {
                    working -= 1;
                }
            }
            Err(_) => {
                let now = Instant::now();
                let late: Vec<usize> = running
                    .iter()
                    .filter(|(_, &(t, _))| t + timeout <= now)
                    .map(|(&i, _)| i)
                    .collect();
                for i in late {
                    let Some((_, w)) = running.remove(&i) else {
                        continue;
                    };
                    left -= 1;
                    results[i] = Some(Err(warning(&repos[i], gave_up_message(timeout))));
                    // Its worker is stuck: another takes the rest.
                    stuck.insert(w);
                    working -= 1;
                    if start_worker() {
                        working += 1;
                    }
                }
            }
        }
    }
    // Left unscanned when no worker could be started.
    for (r, spec) in results.iter_mut().zip(repos) {
        if r.is_none() {
            *r = Some(Err(warning(spec, "no thread could be started to scan it")));
        }
    }
    split_results(repos, results)
}

/// What a scan worker says: worker `w` started repository `i`, or finished
/// it (`None`: the scan panicked), or found no repository left to start.
enum Said {
    Started { w: usize, i: usize },
    Done(usize, Option<Result<RepoActivity, ScanWarning>>),
    Finished { w: usize },
}

/// What the workers share: the repositories, my emails and credit trailers,
/// the credit's start, and the index of the next repository to start.
type WorkerShare = (
    Vec<RepoSpec>,
    Vec<String>,
    Option<Vec<String>>,
    Option<i64>,
    std::sync::atomic::AtomicUsize,
);

/// Starts scan worker `w` (see [`scan_all`]): it scans the next repository
/// not yet started until none is left. `false`: no thread could be started.
fn spawn_worker(
    w: usize,
    shared: std::sync::Arc<WorkerShare>,
    tx: mpsc::Sender<Said>,
    (window, detail, spare): (TimeWindow, Detail, usize),
) -> bool {
    std::thread::Builder::new()
        .name("scan".to_string())
        .spawn(move || {
            let (repos, emails, credit, credit_since, next) = &*shared;
            let me = Identity {
                emails,
                credit: credit.as_deref(),
                credit_since: *credit_since,
            };
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(spec) = repos.get(i) else {
                    let _ = tx.send(Said::Finished { w });
                    break;
                };
                if tx.send(Said::Started { w, i }).is_err() {
                    break;
                }
                // A panic is reported as this repository's failure.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scan_one(spec, window, &me, detail, spare)
                }));
                if tx.send(Said::Done(i, r.ok())).is_err() {
                    break;
                }
            }
        })
        .is_ok()
}

/// Each repository's result, in the order of `repos`, as the scanned ones
/// and the warnings (each repository's own, then the failures).
fn split_results(
    repos: &[RepoSpec],
    results: Vec<Option<Result<RepoActivity, ScanWarning>>>,
) -> (Vec<RepoActivity>, Vec<ScanWarning>) {
    let mut activity = Vec::new();
    let mut warnings = Vec::new();
    for (spec, r) in repos.iter().zip(results) {
        match r {
            Some(Ok(a)) => {
                warnings.extend(a.warnings.iter().cloned());
                activity.push(a);
            }
            Some(Err(w)) => warnings.push(w),
            None => warnings.push(warning(spec, "the scan thread stopped unexpectedly")),
        }
    }
    (activity, warnings)
}

/// The warning for a repository whose scan missed its deadline.
fn gave_up_message(timeout: Duration) -> String {
    format!(
        "gave up on it after {} s: it may be damaged (`git fsck` in it tells); \
         its work is not in this update (ICU_SCAN_TIMEOUT sets how long to wait)",
        timeout.as_secs_f64()
    )
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

/// Scans one repository. A repository that cannot be opened or walked is an
/// error; commits that cannot be read or compared are warnings in the
/// result.
pub fn scan_repo(
    spec: &RepoSpec,
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
) -> Result<RepoActivity, ScanWarning> {
    scan_one(spec, window, me, detail, cores())
}

/// How many threads a scan uses at most: the cores, at most 8.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8)
}

/// [`scan_repo`], its commits compared on at most `spare` cores unless there
/// are many (see `diff::changes_of_all`).
fn scan_one(
    spec: &RepoSpec,
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
    spare: usize,
) -> Result<RepoActivity, ScanWarning> {
    init_libgit2();
    let repo = open(&spec.path).map_err(|m| warning(spec, m))?;
    let mut walk =
        walk::walk_window(&repo, window, spec.remotes).map_err(|e| warning(spec, e.message()))?;
    let mailmap = identity::mailmap(&repo);

    let mut unreadable = std::mem::take(&mut walk.unreadable);
    // (short id, reason) of my commits whose files could not be compared.
    let mut undiffed = Vec::new();
    let mut merges = Vec::new();
    let mut credit = me.credit.map(|keys| credit::Collector::new(&repo, keys));
    // My commits, as (id shown, object read): described below, once their
    // files are compared (on every core when there are many).
    let mut mine = Vec::new();
    for &oid in &walk.in_window {
        let c = match repo.find_commit(walk.content_of(oid)) {
            Ok(c) => c,
            Err(e) => {
                unreadable.add(oid, &e);
                continue;
            }
        };
        let time = c.committer().when().seconds();
        let mut credit = credit
            .as_mut()
            .filter(|_| me.credit_since.is_none_or(|since| time >= since));
        if c.parent_count() > 1 {
            if let Some(pr) = merge_pr(&c) {
                merges.push((pr, oid));
            }
            if let Some(cr) = credit.as_mut() {
                if identity::is_mine(&c, mailmap.as_ref(), me) {
                    cr.my_merge(oid, c);
                } else {
                    cr.other(&repo, oid, c, mailmap.as_ref(), me);
                }
            }
            continue;
        }
        if !identity::is_mine(&c, mailmap.as_ref(), me) {
            if let Some(cr) = credit.as_mut() {
                cr.other(&repo, oid, c, mailmap.as_ref(), me);
            }
            continue;
        }
        mine.push((oid, c.id()));
    }
    let mut commits = describe_mine(
        &repo,
        &spec.path,
        &mine,
        (detail, spare),
        mailmap.as_ref(),
        &mut unreadable,
        &mut undiffed,
    );

    let credits = credit
        .map(|cr| cr.finish(&repo, &walk, mailmap.as_ref(), me))
        .unwrap_or_default();
    let credits = set_branches(&walk, &mut commits, credits);
    let mine: HashSet<&str> = commits.iter().map(|c| c.id.as_str()).collect();
    let mut merges: Vec<PrMerge> = merges
        .into_iter()
        .map(|(pr, oid)| PrMerge {
            pr,
            commits: walk::brought_in(&walk, oid)
                .into_iter()
                .filter(|id| mine.contains(id.as_str()))
                .collect(),
        })
        .collect();
    // The same work on several branches is reported once (see `dedupe`).
    dedupe::fold(&repo, &walk, &mut commits, &mut merges);

    let links = forge::resolve(
        spec.url.as_deref(),
        spec.forge,
        origin_url(&repo).as_deref(),
    );
    let incomplete = unreadable.any();
    let warnings = broken_refs_message(&unreadable.refs)
        .into_iter()
        .chain(unreadable_message(&unreadable.list))
        .chain(undiffed_message(&undiffed))
        .map(|m| warning(spec, m))
        .collect();
    Ok(RepoActivity {
        name: spec.name.clone(),
        path: spec.path.clone(),
        url: links.as_ref().map(|(u, _)| u.clone()),
        forge: links.map(|(_, f)| f),
        commits,
        merges,
        credits,
        visited: walk.visited,
        in_window: walk.in_window.len(),
        warnings,
        incomplete,
    })
}

/// My commits `mine`, as (id shown, object read), described with what they
/// changed; their files are compared on every core when there are many
/// (`diff::changes_of_all`), and the result is the same in the same order.
fn describe_mine(
    repo: &Repository,
    path: &Path,
    mine: &[(Oid, Oid)],
    (detail, spare): (Detail, usize),
    mailmap: Option<&git2::Mailmap>,
    unreadable: &mut walk::Unreadable,
    undiffed: &mut Vec<(String, String)>,
) -> Vec<Commit> {
    let content: Vec<Oid> = mine.iter().map(|&(_, c)| c).collect();
    let changes = diff::changes_of_all(repo, path, &content, detail, spare);
    let mut commits = Vec::with_capacity(mine.len());
    for (&(oid, content), changed) in mine.iter().zip(changes) {
        let c = match repo.find_commit(content) {
            Ok(c) => c,
            Err(e) => {
                unreadable.add(oid, &e);
                continue;
            }
        };
        // Nothing of mine is dropped: a commit whose trees or blobs cannot
        // be read is kept, without files, and said so.
        let changed = changed.unwrap_or_else(|e| {
            undiffed.push((short(&oid.to_string()), e.message().to_string()));
            Default::default()
        });
        let mut commit = describe(&c, mailmap, changed);
        // A replaced commit is shown under its own id, as `git log` does.
        if c.id() != oid {
            commit.id = oid.to_string();
            commit.short = short(&commit.id);
        }
        commits.push(commit);
    }
    commits
}

/// The URL of the repository's `origin` remote, as git config has it (it
/// may hold credentials: `forge::web_url` drops them).
fn origin_url(repo: &Repository) -> Option<String> {
    let remote = repo.find_remote("origin").ok()?;
    let url = remote.url().ok().map(str::to_string);
    url
}

/// Sets the branches of my commits and of the credits (a merge is on its
/// own branches and on those of the branch it merged, `side`), in one pass
/// over the walk's graph.
fn set_branches(
    walk: &walk::Walk,
    commits: &mut [Commit],
    mut credits: Vec<(Credit, Vec<Oid>)>,
) -> Vec<Credit> {
    let ids = commits
        .iter()
        .chain(credits.iter().map(|(cr, _)| &cr.commit))
        .filter_map(|c| Oid::from_str(&c.id).ok())
        .chain(credits.iter().flat_map(|(_, side)| side.iter().copied()));
    let branch_of = walk::branch_membership(walk, ids);
    for c in commits.iter_mut() {
        if let Some(b) = branch_of.get(c.id.as_str()) {
            c.branches = b.clone();
        }
    }
    for (cr, side) in &mut credits {
        let mut names: Vec<String> = std::iter::once(cr.commit.id.clone())
            .chain(side.iter().map(Oid::to_string))
            .filter_map(|id| branch_of.get(&id))
            .flatten()
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        cr.commit.branches = names;
    }
    credits.into_iter().map(|(cr, _)| cr).collect()
}

/// A commit's abbreviated id, as [`Commit::short`] gives it.
fn short(id: &str) -> String {
    id.chars().take(7).collect()
}

/// The warning for commits the walk could not read, if any: one for the
/// repository, naming the first.
fn unreadable_message(unreadable: &[(Oid, String)]) -> Option<String> {
    let ((first, reason), rest) = unreadable.split_first()?;
    let first = short(&first.to_string());
    let what = if rest.is_empty() {
        format!(
            "commit {first} could not be read ({reason}); \
             it and the history behind it were skipped"
        )
    } else {
        format!(
            "{} commits could not be read (the first, {first}: {reason}); \
             they and the history behind them were skipped",
            unreadable.len()
        )
    };
    Some(format!(
        "{what}, so work of yours may be missing \
         (`git fsck` in the repository shows what is damaged)"
    ))
}

/// The warning for branches (or HEAD) that lead to no commit, if any: one
/// for the repository, naming each.
fn broken_refs_message(refs: &[(String, String)]) -> Option<String> {
    if refs.is_empty() {
        return None;
    }
    let each: Vec<String> = refs
        .iter()
        .map(|(name, what)| format!("`{name}` {what}"))
        .collect();
    let (it, them) = if refs.len() == 1 {
        ("branch", "its work was")
    } else {
        ("branches", "their work was")
    };
    Some(format!(
        "{it} {}; {them} skipped, so work of yours may be missing \
         (`git fsck` in the repository shows what is damaged)",
        each.join("; ")
    ))
}

/// The warning for my commits whose files could not be compared, if any:
/// one for the repository, naming the first few.
fn undiffed_message(undiffed: &[(String, String)]) -> Option<String> {
    const NAMED: usize = 3;
    let ((first, reason), rest) = undiffed.split_first()?;
    if rest.is_empty() {
        return Some(format!(
            "could not compare the files of {first} ({reason}); \
             it is listed without files or line counts"
        ));
    }
    let named: Vec<&str> = undiffed
        .iter()
        .take(NAMED)
        .map(|(id, _)| id.as_str())
        .collect();
    let ids = match (undiffed.len() - named.len(), named.split_last()) {
        (0, Some((last, init))) => format!("{} and {last}", init.join(", ")),
        (more, _) => format!("{} and {more} more", named.join(", ")),
    };
    Some(format!(
        "could not compare the files of {} commits ({ids}; the first failed with: {reason}); \
         they are listed without files or line counts",
        undiffed.len()
    ))
}

/// The pull request a merge commit's message names (see
/// [`forge::merge_request_of`]).
fn merge_pr(c: &GitCommit<'_>) -> Option<u32> {
    forge::merge_request_of(&String::from_utf8_lossy(c.message_bytes()))
}

/// The [`Commit`] for one of my commits: its message, its author after
/// `.mailmap`, and what it changed (files, lines added and removed).
fn describe(
    c: &GitCommit<'_>,
    mailmap: Option<&git2::Mailmap>,
    (files, added, removed): (Vec<String>, usize, usize),
) -> Commit {
    let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
    let subject = message.lines().next().unwrap_or("").trim().to_string();
    let author = mailmap
        .and_then(|m| c.author_with_mailmap(m).ok())
        .unwrap_or_else(|| c.author().to_owned());
    let id = c.id().to_string();
    let when = c.committer().when();
    Commit {
        short: short(&id),
        id,
        pr: forge::squash_request_of(&subject),
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
        folded: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `git ARGS` in `dir`, with a sealed config and fixed dates.
    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    /// A window around now (Nov 2025 to Jan 2027) and `emails` as me,
    /// without credit.
    fn wide_window_as_ada(emails: &[String]) -> (TimeWindow, Identity<'_>) {
        let window = TimeWindow {
            since: 1_763_000_000,
            until: 1_800_000_000,
        };
        let me = Identity {
            emails,
            credit: None,
            credit_since: None,
        };
        (window, me)
    }

    /// The repository at `path`, named `r`, remote-tracking branches scanned.
    fn spec_at(path: &Path) -> RepoSpec {
        RepoSpec {
            path: path.to_path_buf(),
            name: "r".into(),
            url: None,
            forge: None,
            remotes: true,
        }
    }

    #[test]
    fn an_activity_with_unreadable_history_says_it_is_incomplete() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q", "-b", "main"]);
        git(d.path(), &["commit", "-q", "--allow-empty", "-m", "Work"]);
        let spec = spec_at(d.path());
        let emails = ["ada@example.com".to_string()];
        let (window, me) = wide_window_as_ada(&emails);
        let scan = || scan_repo(&spec, window, &me, Detail::Full).unwrap();
        let whole = scan();
        assert_eq!((whole.commits.len(), whole.incomplete), (1, false));
        std::fs::write(d.path().join(".git/refs/heads/broken"), "garbage\n").unwrap();
        let damaged = scan();
        assert_eq!((damaged.commits.len(), damaged.incomplete), (1, true));
        assert!(damaged.warnings[0]
            .message
            .contains("`broken` cannot be read"));
    }

    #[test]
    fn the_origin_remote_gives_the_links_unless_a_url_is_configured() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q", "-b", "main"]);
        git(d.path(), &["commit", "-q", "--allow-empty", "-m", "Work"]);
        git(
            d.path(),
            &[
                "remote",
                "add",
                "origin",
                "https://ada:tok3n@gitlab.com/acme/search.git",
            ],
        );
        let mut spec = spec_at(d.path());
        let emails = ["ada@example.com".to_string()];
        let (window, me) = wide_window_as_ada(&emails);
        let a = scan_repo(&spec, window, &me, Detail::Full).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://gitlab.com/acme/search"));
        assert_eq!(a.forge, Some(Forge::GitLab));
        spec.url = Some("https://git.acme.com/search".into());
        let a = scan_repo(&spec, window, &me, Detail::Full).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://git.acme.com/search"));
        assert_eq!(a.forge, Some(Forge::GitHub));
    }

    #[test]
    fn many_failures_make_one_warning_that_names_the_first() {
        let undiffed = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| (format!("abc{i:04}"), format!("gone {i}")))
                .collect()
        };
        assert_eq!(undiffed_message(&[]), None);
        assert_eq!(
            undiffed_message(&undiffed(1)).unwrap(),
            "could not compare the files of abc0000 (gone 0); \
             it is listed without files or line counts"
        );
        assert_eq!(
            undiffed_message(&undiffed(3)).unwrap(),
            "could not compare the files of 3 commits (abc0000, abc0001 and abc0002; \
             the first failed with: gone 0); they are listed without files or line counts"
        );
        assert_eq!(
            undiffed_message(&undiffed(5)).unwrap(),
            "could not compare the files of 5 commits (abc0000, abc0001, abc0002 and 2 more; \
             the first failed with: gone 0); they are listed without files or line counts"
        );

        let oid = |b: u8| Oid::from_bytes(&[b; 20]).unwrap();
        assert_eq!(unreadable_message(&[]), None);
        assert_eq!(
            unreadable_message(&[(oid(1), "gone".into())]).unwrap(),
            "commit 0101010 could not be read (gone); it and the history behind it were \
             skipped, so work of yours may be missing (`git fsck` in the repository shows \
             what is damaged)"
        );
        let two = [(oid(1), "gone".into()), (oid(2), "bad".into())];
        assert!(unreadable_message(&two).unwrap().starts_with(
            "2 commits could not be read (the first, 0101010: gone); \
             they and the history behind them were skipped"
        ));
    }
}
