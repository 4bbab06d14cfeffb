//! libgit2's process-wide settings, set once by [`init_libgit2`] before any
//! repository is opened or any scan thread started. They are one of the
//! two `unsafe` blocks in icu (the crate denies `unsafe_code` everywhere
//! else; the other maps the commit-graph, `scan::commit_graph`): git2
//! marks the setters unsafe because they change libgit2's globals without
//! synchronization.
//!
//! - **No hash verification.** The objects come from the user's own
//!   repositories; libgit2's strict hash verification was a large share of
//!   the scan's profile (BENCHMARKS.md, "Measurements behind design
//!   decisions"), so it is turned off.
//! - **Pack windows and caches** sized for a scan, which reads a few
//!   hundred commits near the tips (each constant below says why).

use std::sync::Once;

/// libgit2's pack window size (default 1 GiB on 64-bit systems).
const MWINDOW_SIZE: usize = 1 << 20;
/// libgit2's limit on mapped pack windows, across repositories.
const MWINDOW_MAPPED_LIMIT: usize = 32 << 20;

/// libgit2's object cache, shared by all threads (default 256 MiB): a
/// scan reads each commit once and trees near the tips a few times.
const OBJECT_CACHE_BYTES: isize = 8 << 20;

/// The largest tree libgit2's cache keeps (its default is 4 KiB, which
/// leaves out a large repository's root: git.git's is 20 KiB, and each
/// commit compared parsed it again; what that cost `icu goals` is in
/// BENCHMARKS.md).
const TREE_CACHE_LIMIT: usize = 256 << 10;

pub(super) fn init_libgit2() {
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
