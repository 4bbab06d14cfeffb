//! A commit more than one goal claims is listed under each, marked with the
//! other goals' titles, and the goals open with one line of totals in which
//! every commit counts once — so overlaps never inflate what the manager
//! adds up.

use std::fs;

use crate::common::{activity_block, stderr, TestEnv, C};

const GOALS: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\nsuccess = \"s\"\nrisk = \"r\"\n\n[[goal]]\nid = \"cache\"\ntitle = \"Cache *rollout*\"\nkeywords = [\"cache\"]\nsuccess = \"s\"\nrisk = \"r\"\n\n";

#[test]
fn a_commit_two_goals_claim_is_marked_and_counted_once_in_the_totals() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    let both = repo.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Add the cache",
        "search/cache.rs",
    ));
    repo.commit(C::mine(
        "2026-11-19T10:00:00Z",
        "Shard the index",
        "search/shard.rs",
    ));
    repo.commit(C::mine("2026-11-20T10:00:00Z", "Write docs", "docs/a.md"));
    let cfg = env.config_for(&[&repo], GOALS);
    let doc = crate::common::print_draft(&env, &cfg);
    let short = repo.short(&both);

    let search = activity_block(&doc, "search");
    assert!(search.contains("- 2 commits in api, +2 −0"), "{search}");
    assert!(
        search.contains(&format!(
            "  - Add the cache ({short}), also under Cache \\*rollout\\*"
        )),
        "{search}"
    );
    let shard = search
        .lines()
        .find(|l| l.contains("Shard the index"))
        .unwrap();
    assert!(
        !shard.contains("also under"),
        "only search claims it: {shard}"
    );
    let cache = activity_block(&doc, "cache");
    assert!(
        cache.contains(&format!(
            "  - Add the cache ({short}), also under Search latency"
        )),
        "{cache}"
    );
    // The goals list 2 + 1 commits and Other work 1: four lines, three commits.
    assert_eq!(
        activity_block(&doc, "totals").trim(),
        "*In all: 3 commits, +3 −0, each counted once; 1 under more than one goal*"
    );
}

#[test]
fn an_update_from_before_the_totals_line_keeps_its_layout_on_refresh() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Add the cache",
        "search/cache.rs",
    ));
    let cfg = env.config_for(&[&repo], GOALS);
    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    let path = env.updates().join("2026-11-23.md");
    // As an older icu wrote it: no totals block, no hash for it.
    let text = fs::read_to_string(&path).unwrap();
    let start = text.find("<!-- icu:activity totals -->\n").unwrap();
    let end = text[start..].find("<!-- /icu:activity -->\n").unwrap() + start + 23;
    let old = format!("{}{}", &text[..start], &text[end..]);
    let old = regex::Regex::new(r#"totals = "[0-9a-f]+", "#)
        .unwrap()
        .replace(&old, "")
        .into_owned();
    assert!(!old.contains("totals"), "{old}");
    fs::write(&path, &old).unwrap();

    repo.commit(C::mine("2026-11-20T10:00:00Z", "Shard", "search/shard.rs"));
    let a = env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    let new = fs::read_to_string(&path).unwrap();
    assert!(!new.contains("totals"), "{}\n{new}", stderr(&a));
    assert!(new.contains("Shard"), "{new}");
    // Nothing moved: only the search and cache blocks changed.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| {
                !l.starts_with("  - ")
                    && !l.starts_with("- ")
                    && !l.starts_with("blocks =")
                    && !l.starts_with("scanned =")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&new), strip(&old));
}

#[test]
fn a_goal_cannot_take_the_totals_id() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    let cfg = env.config_for(&[&repo], "[[goal]]\nid = \"totals\"\ntitle = \"T\"\n");
    let a = env.run(&cfg, &["goals"]).code(2);
    let err = stderr(&a);
    assert!(err.contains("goal id `totals` is reserved"), "{err}");
    assert!(err.contains("icu.toml:"), "{err}");
}

#[test]
fn a_review_two_goals_claim_is_one_in_the_totals_and_in_the_recap() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine("2026-11-18T10:00:00Z", "Shard", "search/shard.rs"));
    repo.commit(C {
        message: "Add the cache\n\nReviewed-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-19T10:00:00Z", "Add the cache", "search/cache.rs")
    });
    let cfg = env.config_for(&[&repo], GOALS);
    let doc = crate::common::print_draft(&env, &cfg);
    assert!(activity_block(&doc, "search").contains("- 1 change by others in api: reviewed 1"));
    assert!(activity_block(&doc, "cache").contains("- 1 change by others in api: reviewed 1"));
    assert_eq!(
        activity_block(&doc, "totals").trim(),
        "*In all: 1 commit, +1 −0, each counted once; 1 change by others credit you*"
    );

    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    env.run(&cfg, &["sent", "--at", "2026-11-23T18:00:00Z"])
        .success();
    let recap = crate::common::stdout(&env.run(&cfg, &["recap"]).success());
    assert!(
        recap
            .contains("### 2026-11-23 · On track · 1 commit, +1 −0, 1 change by others credit you"),
        "{recap}"
    );
}
