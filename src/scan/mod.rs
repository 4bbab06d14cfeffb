//! git2: open the configured repositories, walk the commits whose committer
//! time falls in the window, and describe the ones that are mine. No policy
//! lives here (which goal a commit belongs to is `attribute`'s business);
//! git2 is used nowhere outside `scan`. docs/ARCHITECTURE.md places the
//! scan in icu's data flow; its design, and the measured facts about
//! libgit2 it relies on, are stated here, in the submodules, beside the code
//! that relies on them (the figures are in BENCHMARKS.md).
//!
//! - `model`: what a scan takes and gives back (commits, credits, each
//!   repository's activity, warnings).
//! - `pool`: every repository scanned, a worker per core, each repository
//!   with a deadline.
//! - `repo`: one repository's scan, from opening it to its activity; what
//!   a damaged repository gives.
//! - `tuning`: libgit2's process-wide settings (no hash verification, pack
//!   windows, caches).
//! - `walk`: which commits are in the window, and on which branches; why
//!   not libgit2's `Revwalk`; `git replace`.
//! - `commit_graph`: git's commit-graph file, read by hand for the walk:
//!   times, parents and corrected dates without inflating commits.
//! - `refs`: HEAD and the refs under the walk's prefixes, read by hand
//!   (libgit2 parses every packed ref for any lookup).
//! - `diff`: which files a commit changed, and how many lines; why not
//!   libgit2's diff.
//! - `xdiff`: how many lines git's diff counts changed, ported from it.
//! - `identity`: which commits are mine; the git identity around a folder.
//! - `encoding`: a commit's text decoded by its `encoding` header, as git
//!   decodes it.
//! - `dedupe`: the same work on several branches (a squash-merged branch
//!   that was kept, a rebased or cherry-picked copy) folded into one commit.
//! - `patch_id`: the hash that says two changes are the same.
//! - `credit`: changes of others that credit me (trailers naming me,
//!   patches I applied, merges I made, Gerrit review notes).
//! - `trailers`: a message's trailers, found as git finds them.
//! - `explain`: one commit looked up for `icu explain`.

mod commit_graph;
mod credit;
mod dedupe;
mod diff;
mod encoding;
pub mod explain;
mod identity;
mod model;
mod patch_id;
mod pool;
mod refs;
mod repo;
mod trailers;
mod tuning;
mod walk;
mod xdiff;

pub use identity::{co_authors, discover, git_core_editor, git_identity};
pub use model::short as short_id;
pub use model::{
    BackportOf, Commit, Credit, Detail, Folded, Identity, MaybeMine, PrMerge, RepoActivity,
    ScanWarning,
};
pub use pool::{scan_all, SCAN_TIMEOUT};
pub use repo::{open, scan_repo};
pub use walk::{SKEW_MARGIN_SECS, SLOP};

pub use crate::period::TimeWindow;

/// Runs the shell `script` in `dir`, the user's git config out of the way,
/// and fails the test with its error output when it fails: how the scan's
/// unit tests build a repository with the git CLI.
#[cfg(test)]
pub(crate) fn run_sh(dir: &std::path::Path, script: &str) {
    let out = std::process::Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
