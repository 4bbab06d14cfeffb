//! The walk stops early: on a history far longer than the window, the number
//! of commits the scan reads is bounded by the window, not the history.

use std::io::Write;
use std::process::{Command, Stdio};

use icu::config::RepoSpec;
use icu::scan::{scan_repo, Detail, Identity, TimeWindow, SKEW_MARGIN_SECS, SLOP};

const HOUR: i64 = 3600;
/// 2026-11-24T00:00:00Z
const UNTIL: i64 = 1_795_478_400;

/// A linear history of `n` commits, one every `step` seconds, ending just
/// before UNTIL, built with `git fast-import`.
fn long_history(dir: &std::path::Path, n: usize, step: i64) {
    let status = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(dir)
        .status()
        .expect("git init");
    assert!(status.success());
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut s = String::new();
    for i in 0..n {
        let t = UNTIL - 60 - (n - 1 - i) as i64 * step;
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
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(s.as_bytes())
        .expect("feed fast-import");
    assert!(child.wait().expect("fast-import").success());
}

#[test]
fn the_walk_reads_what_the_window_holds_not_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let step = 6 * HOUR;
    let n = 6000; // about four years of history
    long_history(dir.path(), n, step);
    let window = TimeWindow {
        since: UNTIL - 14 * 24 * HOUR,
        until: UNTIL,
    };
    let spec = RepoSpec {
        path: dir.path().to_path_buf(),
        name: "long".into(),
        url: None,
    };
    let emails = vec!["ada@example.com".to_string()];
    let got = scan_repo(&spec, window, &Identity { emails: &emails }, Detail::Full).expect("scan");

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
