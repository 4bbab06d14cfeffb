//! The walk stops early: on a history far longer than the window, the number
//! of commits the scan reads is bounded by the window, not the history.

use icu::testing::config::RepoSpec;
use icu::testing::scan::{scan_repo, Detail, Identity, TimeWindow, SKEW_MARGIN_SECS, SLOP};

const HOUR: i64 = 3600;
/// 2026-11-24T00:00:00Z
const UNTIL: i64 = 1_795_478_400;

/// A linear history of `n` commits, one every `step` seconds, ending just
/// before UNTIL, built with `git fast-import`; and, as a clone that fetched
/// for years would have, `stale` remote-tracking branches
/// (`refs/remotes/origin/stale/K`), each one commit of mine forked off the
/// history spread evenly along it, a minute after the commit it forks from.
fn long_history(dir: &std::path::Path, n: usize, step: i64, stale: usize) {
    let mut s = String::new();
    let time = |i: usize| UNTIL - 60 - (n - 1 - i) as i64 * step;
    for i in 0..n {
        let t = time(i);
        let who = if i % 2 == 0 {
            "ada@example.com"
        } else {
            "bob@example.com"
        };
        let msg = format!("commit {i}");
        let content = format!("{i}\n");
        s.push_str(&format!(
            "commit refs/heads/main\nmark :{}\ncommitter X <{who}> {t} +0000\ndata {}\n{msg}\n",
            i + 1,
            msg.len()
        ));
        if i > 0 {
            s.push_str(&format!("from :{i}\n"));
        }
        s.push_str(&format!(
            "M 100644 inline f{}.txt\ndata {}\n{content}\n",
            i % 50,
            content.len()
        ));
    }
    for k in 0..stale {
        let at = k * n / stale.max(1);
        let msg = format!("stale {k}");
        s.push_str(&format!(
            "commit refs/remotes/origin/stale/{k}\ncommitter X <ada@example.com> {} +0000\ndata {}\n{msg}\nfrom :{}\nM 100644 inline stale.txt\ndata 2\n{}\n\n",
            time(at) + 60,
            msg.len(),
            at + 1,
            k % 10
        ));
    }
    crate::common::fast_import(dir, &s);
}

/// The scan of the repository at `path` for ada@example.com over the two
/// weeks up to `UNTIL`, as a draft makes it.
fn scan_two_weeks_as_ada(path: &std::path::Path) -> icu::testing::scan::RepoActivity {
    let window = TimeWindow {
        since: UNTIL - 14 * 24 * HOUR,
        until: UNTIL,
    };
    let spec = RepoSpec {
        path: path.to_path_buf(),
        name: "long".into(),
        url: None,
        forge: None,
        remotes: true,
    };
    let emails = vec!["ada@example.com".to_string()];
    scan_repo(
        &spec,
        window,
        &Identity {
            emails: &emails,
            name: "Ada Lovelace",
            credit: None,
            credit_since: None,
        },
        Detail::Full,
    )
    .expect("scan")
}

#[test]
fn the_walk_reads_what_the_window_holds_not_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let step = 6 * HOUR;
    let n = 6000; // about four years of history
    long_history(dir.path(), n, step, 0);
    let got = scan_two_weeks_as_ada(dir.path());

    let in_window = (14 * 24 * HOUR / step) as usize;
    assert_eq!(got.in_window, in_window);
    assert_eq!(got.commits.len(), in_window / 2);
    // The window, the skew margin before it, and the slop: nothing more.
    let bound = in_window + (SKEW_MARGIN_SECS / step) as usize + SLOP + 2;
    assert!(
        got.visited <= bound,
        "visited {} commits of {n} for a window of {in_window} (bound {bound})",
        got.visited
    );
    assert!(got.visited < n / 20);
}

/// Remote-tracking branches are seeds too: hundreds of them left behind all
/// along the history cost one commit read each and do not lengthen the walk,
/// because one older than the window waits on the heap behind everything
/// newer and counts like any other old commit in the stop rule.
#[test]
fn stale_remote_tracking_branches_do_not_make_the_walk_read_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let step = 6 * HOUR;
    let n = 6000;
    let stale = 300;
    long_history(dir.path(), n, step, stale);
    let got = scan_two_weeks_as_ada(dir.path());

    // The stale branches forked within the window are found (and are mine).
    let in_history = (14 * 24 * HOUR / step) as usize;
    let stale_in_window = (0..stale)
        .map(|k| k * n / stale)
        .filter(|&at| n - at <= in_history)
        .count();
    assert!(stale_in_window > 0);
    assert_eq!(got.in_window, in_history + stale_in_window);
    assert_eq!(got.commits.len(), in_history / 2 + stale_in_window);
    let bound = got.in_window + (SKEW_MARGIN_SECS / step) as usize + SLOP + 2;
    assert!(
        got.visited <= bound,
        "visited {} commits of {} for a window of {} (bound {bound})",
        got.visited,
        n + stale,
        got.in_window
    );
}
