//! Damaged repositories (issue 17): objects a crash or a bad copy left
//! truncated, empty or missing; refs that point at the wrong kind of object.
//! A damaged repository is a warning naming it and what could not be read;
//! it never hangs icu, and the other repositories are still reported.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{stderr, stdout, Repo, TestEnv, C};
use predicates::prelude::*;

const DATE: &str = "2026-11-24";

/// The path of the loose object `id` in `r`.
fn loose(r: &Repo, id: &str) -> PathBuf {
    r.path.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// Keeps the first `keep` bytes of the loose object `id`, as a crash
/// during `git commit` leaves it.
fn truncate_object(r: &Repo, id: &str, keep: usize) {
    let p = loose(r, id);
    let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{} is not there: {e}", p.display()));
    assert!(keep < bytes.len());
    fs::remove_file(&p).unwrap();
    fs::write(&p, &bytes[..keep]).unwrap();
}

/// A repository with one commit of mine in the window, which nothing damages.
fn healthy(env: &TestEnv) -> Repo {
    let r = env.repo("healthy");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Healthy work", "h.txt"));
    r
}

fn draft_print(env: &TestEnv, cfg: &std::path::Path, timeout: &str) -> assert_cmd::assert::Assert {
    env.icu()
        .env("ICU_SCAN_TIMEOUT", timeout)
        .timeout(Duration::from_secs(120))
        .arg("--config")
        .arg(cfg)
        .args(["draft", "--print", "--date", DATE])
        .assert()
}

#[test]
fn a_truncated_loose_object_gives_up_on_its_repo_and_reports_the_others() {
    let env = TestEnv::new();
    let r = env.repo("truncated");
    r.commit(C::mine("2026-11-18T10:00:00Z", "Before", "a.txt"));
    let hit = r.commit(C::mine("2026-11-19T10:00:00Z", "Cut short", "b.txt"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "After", "c.txt"));
    // Half of the zlib stream: libgit2 1.9 spins on it forever.
    let len = fs::metadata(loose(&r, &hit)).unwrap().len() as usize;
    truncate_object(&r, &hit, len / 2);
    let h = healthy(&env);
    let cfg = env.config_for(&[&r, &h], "");
    let started = Instant::now();
    let a = draft_print(&env, &cfg, "3").success();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(stdout(&a).contains("Healthy work"), "{}", stdout(&a));
    let err = stderr(&a);
    assert!(
        err.contains(&format!(
            "repo `truncated` ({}): gave up on it after 3 s: it may be damaged (`git fsck` in it tells)",
            r.path.display()
        )),
        "{err}"
    );
}

#[test]
fn a_scan_timeout_that_is_not_a_number_is_said_and_the_default_used() {
    let env = TestEnv::new();
    let h = healthy(&env);
    let cfg = env.config_for(&[&h], "");
    draft_print(&env, &cfg, "soon")
        .success()
        .stdout(predicate::str::contains("Healthy work"))
        .stderr(predicate::str::contains(
            "ICU_SCAN_TIMEOUT=`soon` is not a number of seconds",
        ));
}
