//! A repository that cannot be read for a moment (unmounted, being
//! re-cloned) does not wipe what the update showed for it: the refresh keeps
//! its lines, marked, with a warning, and the next refresh that reads it
//! again replaces them.

use std::fs;

use predicates::prelude::*;

use crate::common::{stdout, TestEnv, C};

#[test]
fn a_briefly_missing_repository_keeps_its_activity_marked_until_it_is_back() {
    let env = TestEnv::new();
    let search = env.repo("search");
    let web = env.repo("web");
    search.commit(C::mine("2026-11-18T10:00:00Z", "Tune the cache", "a.rs"));
    web.commit(C::mine("2026-11-19T10:00:00Z", "Fix the form", "b.rs"));
    let cfg = env.config_for(&[&search, &web], "");
    let draft = || env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"]);
    draft().success();
    let doc = env.updates().join("2026-11-23.md");

    // The repository goes away for a moment; new work lands elsewhere.
    let away = env.path().join("search-away");
    fs::rename(&search.path, &away).unwrap();
    web.commit(C::mine("2026-11-20T10:00:00Z", "Fix the list", "c.rs"));
    draft().success().stderr(
        predicate::str::contains("search")
            .and(predicate::str::contains("keeps what it showed for them")),
    );
    let text = fs::read_to_string(&doc).unwrap();
    assert!(text.contains("Tune the cache"), "{text}");
    assert!(
        text.contains("- 1 commit in search, +1 −0 — kept from an earlier refresh: search could not be read on 24 Nov"),
        "{text}"
    );
    assert!(
        text.contains("Fix the list"),
        "the rest is refreshed: {text}"
    );

    // A second refresh while it is still away keeps it once, mark unchanged.
    draft().success();
    let again = fs::read_to_string(&doc).unwrap();
    assert_eq!(again.matches("Tune the cache").count(), 1, "{again}");

    // Back: the lines are fresh again, unmarked.
    fs::rename(&away, &search.path).unwrap();
    draft().success();
    let back = fs::read_to_string(&doc).unwrap();
    assert!(back.contains("Tune the cache"), "{back}");
    assert!(!back.contains("kept from an earlier refresh"), "{back}");

    // --print shows only what can be read now and writes nothing.
    fs::rename(&search.path, &away).unwrap();
    let printed = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    assert!(!printed.contains("Tune the cache"));
    assert_eq!(fs::read_to_string(&doc).unwrap(), back);
}
