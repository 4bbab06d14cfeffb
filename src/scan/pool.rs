//! Every repository scanned, in parallel: one worker thread per core (at
//! most 8), each taking the next repository not yet started, and each
//! repository's scan bounded by a deadline ([`scan_all`]).
//!
//! Workers, not a thread per repository: with 500 repositories, a thread
//! each kept the cores less busy and the run slower (BENCHMARKS.md,
//! "Measurements behind design decisions").
//!
//! The deadline: a damaged object can do worse than fail. libgit2 1.9.7
//! spins forever on a loose object whose zlib stream is cut short (a crash
//! during `git commit` leaves one; `git log` fails at once): its
//! `git_zstream_get_output` loops while the stream has not ended, and
//! `zstream_seterr` takes zlib's `Z_BUF_ERROR` ("no progress possible") for
//! "retry with a larger buffer", so with no input left it never returns. So
//! each repository's scan has a deadline ([`SCAN_TIMEOUT`], or
//! `ICU_SCAN_TIMEOUT`). A repository not done in time becomes a warning,
//! and the others are still reported. Its worker cannot be stopped: it is
//! detached, never joined, dies with the process, and a new worker takes its
//! place (`broken_repos::more_hanging_repos_than_cores_still_leave_the_others_reported`
//! has one more hanging repository than there are workers).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::model::warning;
use super::repo::scan_one;
use super::tuning::init_libgit2;
use super::{Detail, Identity, RepoActivity, ScanWarning, TimeWindow};
use crate::config::RepoSpec;

/// How long one repository's scan may take, unless `ICU_SCAN_TIMEOUT`
/// (seconds, read by the commands) says otherwise. A damaged object can make libgit2 spin forever
/// (see the module docs); past this, the repository is given up on.
///
/// 10 s: a damaged repository costs every command that long, so the
/// deadline is as short as a healthy scan allows. The slowest measured
/// (BENCHMARKS.md) is a whole draft of git.git over a year, 0.52 s, and a
/// 100,000-commit repository's twelve weeks for `icu goals`, under 0.2 s:
/// 10 s leaves them twenty times that. A repository slower than that on
/// purpose (a huge monorepo, a year's `--since`) raises it with
/// `ICU_SCAN_TIMEOUT`, which the warning names.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(10);

/// Scans every repository, in parallel (see the module docs). Results come
/// back in the order of `repos`; a repository that cannot be opened becomes
/// a warning, and so does each problem met in a repository that could be
/// scanned (also kept in its [`RepoActivity::warnings`]). Each repository's
/// scan is bounded by `timeout`: one not done in time becomes a warning,
/// and the others are still reported.
pub fn scan_all(
    repos: &[RepoSpec],
    window: TimeWindow,
    me: &Identity<'_>,
    detail: Detail,
    timeout: Duration,
) -> (Vec<RepoActivity>, Vec<ScanWarning>) {
    init_libgit2();
    let threads = cores().min(repos.len());
    // With fewer repositories than cores, each may compare its commits on
    // the cores left over (see `diff::changes_of_all`).
    let spare = (cores() / repos.len().max(1)).max(1);
    let shared = Arc::new(WorkerShare {
        repos: repos.to_vec(),
        window,
        detail,
        spare,
        emails: me.emails.to_vec(),
        name: me.name.to_string(),
        credit: me.credit.map(<[String]>::to_vec),
        credit_since: me.credit_since,
        next: AtomicUsize::new(0),
    });
    let (tx, rx) = mpsc::channel::<Said>();
    let workers = AtomicUsize::new(0);
    let start_worker = || {
        let w = workers.fetch_add(1, Ordering::SeqCst);
        spawn_worker(w, Arc::clone(&shared), tx.clone())
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
            Ok(Said::Done { i, scan }) => {
                if running.remove(&i).is_some() {
                    left -= 1;
                    results[i] = Some(scan.map_or_else(
                        || Err(warning(&repos[i], "the scan thread stopped unexpectedly")),
                        |s| *s,
                    ));
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
/// it (`scan` is `None`: the scan panicked), or found no repository left to
/// start.
enum Said {
    Started {
        w: usize,
        i: usize,
    },
    Done {
        i: usize,
        /// Boxed: a repository's activity is large beside the other
        /// messages, which are two numbers at most.
        scan: Option<Box<Result<RepoActivity, ScanWarning>>>,
    },
    Finished {
        w: usize,
    },
}

/// What the workers share: the repositories and how to scan them, who I
/// am, and the index of the next repository to start. Owned, not borrowed:
/// a worker given up on outlives [`scan_all`].
struct WorkerShare {
    repos: Vec<RepoSpec>,
    window: TimeWindow,
    detail: Detail,
    /// The cores each repository's scan may use alone (see
    /// `diff::changes_of_all`).
    spare: usize,
    /// [`Identity::emails`].
    emails: Vec<String>,
    /// [`Identity::name`].
    name: String,
    /// [`Identity::credit`].
    credit: Option<Vec<String>>,
    /// [`Identity::credit_since`].
    credit_since: Option<i64>,
    /// The index in `repos` of the next repository to start.
    next: AtomicUsize,
}

impl WorkerShare {
    /// Who counts as me, as the share holds it.
    fn me(&self) -> Identity<'_> {
        Identity {
            emails: &self.emails,
            name: &self.name,
            credit: self.credit.as_deref(),
            credit_since: self.credit_since,
        }
    }
}

/// Starts scan worker `w` (see [`scan_all`]): it scans the next repository
/// not yet started until none is left. `false`: no thread could be started.
fn spawn_worker(w: usize, shared: Arc<WorkerShare>, tx: mpsc::Sender<Said>) -> bool {
    std::thread::Builder::new()
        .name("scan".to_string())
        .spawn(move || {
            let me = shared.me();
            loop {
                let i = shared.next.fetch_add(1, Ordering::SeqCst);
                let Some(spec) = shared.repos.get(i) else {
                    let _ = tx.send(Said::Finished { w });
                    break;
                };
                if tx.send(Said::Started { w, i }).is_err() {
                    break;
                }
                // A panic is reported as this repository's failure.
                let scan = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scan_one(spec, shared.window, &me, shared.detail, shared.spare)
                }));
                let scan = scan.ok().map(Box::new);
                if tx.send(Said::Done { i, scan }).is_err() {
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

/// How many threads a scan uses at most: the cores, at most 8.
pub(super) fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8)
}
