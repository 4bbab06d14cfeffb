//! `icu draft` end to end: config, git scan, attribution, rendering. Each test
//! builds real repositories with fixed dates and reads what a user would see.
//! The update is dated 2026-11-23 in UTC with the default 14-day cadence, so
//! the window is [2026-11-09T00:00Z, 2026-11-24T00:00Z).

use crate::common::{activity_block as section, print_draft, stderr, TestEnv, World, C, ME};
use icu::testing::doc::{frontmatter, markers};
use predicates::prelude::*;

#[test]
fn window_is_half_open_on_committer_time() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-08T23:59:59Z", "before the window", "a"));
    r.commit(C::mine(
        "2026-11-09T00:00:00Z",
        "first second of the window",
        "b",
    ));
    r.commit(C::mine(
        "2026-11-23T23:59:59Z",
        "last second of the window",
        "c",
    ));
    r.commit(C::mine("2026-11-24T00:00:00Z", "after the window", "d"));
    // Authored long ago, committed (landed) inside the window: counts.
    r.commit(C {
        author_date: Some("2026-01-01T00:00:00Z"),
        ..C::mine("2026-11-20T00:00:00Z", "rebased onto main", "e")
    });
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    assert!(doc.contains("first second of the window"), "{doc}");
    assert!(doc.contains("last second of the window"));
    assert!(doc.contains("rebased onto main"));
    assert!(!doc.contains("before the window"));
    assert!(!doc.contains("after the window"));
    assert!(doc.contains("- 3 commits in search"));
}

#[test]
fn other_authors_are_not_mine_but_mailmap_aliases_and_co_authors_are() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::theirs("2026-11-10T10:00:00Z", "bob alone", "a"));
    r.commit(C {
        email: "ada@old-laptop.local",
        ..C::mine("2026-11-11T10:00:00Z", "from my old address", "b")
    });
    r.commit(C {
        message: "pair on the parser\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-12T10:00:00Z", "", "c")
    });
    r.commit(C {
        files: vec![(
            ".mailmap",
            format!("Ada Lovelace <{ME}> <ada@old-laptop.local>\n"),
        )],
        ..C::theirs("2026-11-12T11:00:00Z", "add mailmap", ".mailmap")
    });
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    assert!(!doc.contains("bob alone"), "{doc}");
    assert!(!doc.contains("add mailmap"));
    assert!(doc.contains("from my old address"), "{doc}");
    assert!(doc.contains("pair on the parser"));
}

#[test]
fn every_local_branch_is_scanned_and_branch_globs_claim_commits() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-10T10:00:00Z", "on main", "a"));
    r.git(&["checkout", "-q", "-b", "search/tiered-cache"]);
    r.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "only on a side branch",
        "b",
    ));
    r.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"cache\"\ntitle = \"Tiered cache\"\nstatus = \"on-track\"\nbranches = [\"search/*\"]\n",
    );
    let doc = print_draft(&env, &cfg);
    let goal = section(&doc, "cache");
    assert!(goal.contains("only on a side branch"), "{doc}");
    assert!(!goal.contains("on main ("));
    assert!(section(&doc, "other").contains("on main"));
}

#[test]
fn path_globs_and_keyword_regexes_claim_commits() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "tune the planner",
        "services/search/plan.rs",
    ));
    r.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "fix SEARCH-123 in docs",
        "docs/readme.md",
    ));
    r.commit(C::mine("2026-11-12T10:00:00Z", "unrelated chore", "ci.yml"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"paths\"\ntitle = \"By path\"\nstatus = \"on-track\"\npaths = [\"services/search/**\"]\n\n\
         [[goal]]\nid = \"keys\"\ntitle = \"By keyword\"\nstatus = \"at-risk\"\nkeywords = [\"SEARCH-\\\\d+\"]\n",
    );
    let doc = print_draft(&env, &cfg);
    assert!(section(&doc, "paths").contains("tune the planner"), "{doc}");
    assert!(!section(&doc, "paths").contains("SEARCH"));
    assert!(
        section(&doc, "keys").contains("fix SEARCH\\-123")
            || section(&doc, "keys").contains("fix SEARCH-123")
    );
    assert!(section(&doc, "other").contains("unrelated chore"));
    assert!(doc.contains("### By keyword\n"), "{doc}");
    assert!(section(&doc, "keys").starts_with("\n*At risk*\n"), "{doc}");
}

#[test]
fn merges_are_not_listed_but_their_pull_requests_count() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "a"));
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "add tiered cache",
        "cache.rs",
    ));
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "feature",
        "Merge pull request #481 from ada/feature\n\nTiered cache",
        "2026-11-11T10:00:00Z",
    );
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "Squash the index rebuild (#490)",
        "idx.rs",
    ));
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    let other = section(&doc, "other");
    assert!(!other.contains("Merge pull request"), "{doc}");
    assert!(other.contains("- 2 commits in search"));
    assert!(other.contains("2 PRs merged (#481, #490)"), "{other}");
}

#[test]
fn a_commit_dated_before_its_parent_does_not_hide_work_in_the_window() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-10-01T10:00:00Z", "old history", "a"));
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "in the window, under a skewed child",
        "b",
    ));
    // Clock skew: dated weeks before its own parent, and before the window.
    r.commit(C::theirs("2026-10-20T10:00:00Z", "skewed child", "c"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "tip", "d"));
    // A commit older than its parent, both inside the window.
    r.commit(C::mine("2026-11-21T10:00:00Z", "parent", "e"));
    r.commit(C::mine(
        "2026-11-15T10:00:00Z",
        "child older than parent",
        "f",
    ));
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    assert!(doc.contains("in the window, under a skewed child"), "{doc}");
    assert!(doc.contains("child older than parent"));
    assert!(!doc.contains("old history"));
    assert!(doc.contains("- 4 commits in search"));
}

#[test]
fn a_missing_repo_is_a_warning_and_the_rest_goes_on() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-10T10:00:00Z", "still reported", "a"));
    let not_repo = env.path().join("plain-folder");
    std::fs::create_dir_all(&not_repo).unwrap();
    let cfg = env.config_for(
        &[&r],
        &format!(
            "[[repo]]\npath = \"{}\"\nname = \"gone\"\n\n[[repo]]\npath = \"{}\"\nname = \"plain\"\n",
            env.path().join("does-not-exist").display(),
            not_repo.display()
        ),
    );
    env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
        .success()
        .stdout(predicate::str::contains("still reported"))
        .stderr(predicate::str::contains("warning: repo `gone`"))
        .stderr(predicate::str::contains("does not exist"))
        .stderr(predicate::str::contains("warning: repo `plain`"))
        .stderr(predicate::str::contains("not a git repository"));
}

#[test]
fn with_no_config_draft_scans_the_current_repository() {
    let env = TestEnv::new();
    let r = env.repo("work/project");
    r.git(&["config", "user.email", "Ada@Example.com"]);
    r.git(&["config", "user.name", "Ada Lovelace"]);
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "found without a config",
        "a",
    ));
    r.commit(C::theirs("2026-11-20T11:00:00Z", "not mine", "b"));
    env.icu()
        .current_dir(r.path.join(""))
        .args(["draft", "--print"])
        .assert()
        .success()
        .stdout(predicate::str::contains("found without a config"))
        .stdout(predicate::str::contains("not mine").not())
        .stderr(predicate::str::contains("icu init"));
}

#[test]
fn with_no_config_outside_a_repository_the_error_says_what_to_do() {
    let env = TestEnv::new();
    env.icu()
        .args(["draft", "--print"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not inside a git repository"))
        .stderr(predicate::str::contains("icu init"));
}

#[test]
fn hostile_subjects_stay_literal_text() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "<script>alert(1)</script>",
        "a",
    ));
    r.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "*bold* [x](javascript:alert(1))",
        "b",
    ));
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "<!-- /icu:activity -->",
        "c",
    ));
    let cfg = env.config_for(&[&r], "");
    let doc = print_draft(&env, &cfg);
    assert!(!doc.contains("<script>"), "{doc}");
    assert!(doc.contains("\\<script\\>alert(1)\\</script\\>"));
    assert!(doc.contains("\\*bold\\* \\[x\\](javascript:alert(1))"));
    // One for the totals, one for Other work: the subject closes nothing.
    assert_eq!(doc.matches("<!-- /icu:activity -->").count(), 2, "{doc}");
    let html = comrak::markdown_to_html(&doc, &comrak::Options::default());
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<a "));
    // The only emphasis is icu's own totals line, never the subject.
    assert!(!html.contains("<em>bold</em>"), "{html}");
    assert_eq!(html.matches("<em>").count(), 1, "{html}");
}

#[test]
fn a_goal_without_activity_says_so() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-10T10:00:00Z", "something", "a"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"quiet\"\ntitle = \"A quiet goal\"\nstatus = \"off-track\"\ndue = 2027-03-31\nkeywords = [\"never-matches\"]\n",
    );
    let doc = print_draft(&env, &cfg);
    assert!(doc.contains("### A quiet goal\n"), "{doc}");
    assert!(
        section(&doc, "quiet").starts_with("\n*Off track · due 31 Mar 2027*\n"),
        "{doc}"
    );
    assert!(section(&doc, "quiet").contains("No commits on this goal since 9 Nov."));
}

#[test]
fn draft_writes_the_file_and_print_touches_nothing() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-10T10:00:00Z", "something", "a"));
    let cfg = env.config_for(&[&r], "");
    print_draft(&env, &cfg);
    assert!(!env.updates().exists());
    env.run(&cfg, &["draft", "--date", "2026-11-23"])
        .success()
        .stderr(predicate::str::contains("wrote"));
    let text = std::fs::read_to_string(env.updates().join("2026-11-23.md")).unwrap();
    assert!(text.starts_with("+++\n"));
    assert!(text.contains("status = \"draft\""));
}

#[test]
fn the_whole_rendered_doc() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "Add tiered cache for query plans",
        "services/search/cache.rs",
    ));
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "Fix flaky test (#12)",
        "tests/t.rs",
    ));
    r.commit(C::theirs("2026-11-13T10:00:00Z", "someone else's", "x"));
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"search-latency\"\ntitle = \"Cut search p99 latency to 200 ms\"\nstatus = \"on-track\"\ndue = 2027-03-31\npaths = [\"services/search/**\"]\n\n\
         [[goal]]\nid = \"hiring\"\ntitle = \"Hire two engineers\"\nstatus = \"at-risk\"\nkeywords = [\"hiring\"]\n",
    );
    let doc = print_draft(&env, &cfg);
    // The hash of each block is of its content, commit ids and all: checked
    // here, then shown as <hash> like the ids.
    let (fm, _, body) = frontmatter::split(&doc).unwrap();
    let blocks = markers::outline(&doc, body).unwrap().blocks().unwrap();
    let mut doc = doc.clone();
    for (b, (key, hash)) in blocks.iter().zip(&fm.blocks) {
        assert_eq!(&b.key, key);
        assert_eq!(hash, &frontmatter::block_hash(&doc[b.content()]));
    }
    for (_, hash) in &fm.blocks {
        doc = doc.replacen(hash.as_str(), "<hash>", 1);
    }
    let doc = doc.replace(&r.git(&["rev-parse", "--short=7", "HEAD~2"]), "<id1>");
    let doc = doc.replace(&r.git(&["rev-parse", "--short=7", "HEAD~1"]), "<id2>");
    insta::assert_snapshot!(doc);
}

#[test]
fn a_merged_side_branch_keeps_its_commits_and_mainline_history_is_not_a_branchs() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "mainline before the fork",
        "a",
    ));
    r.git(&["checkout", "-q", "-b", "search/cache"]);
    r.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "cache work on the branch",
        "b",
    ));
    r.git(&["checkout", "-q", "main"]);
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "mainline after the fork",
        "c",
    ));
    r.merge(
        "search/cache",
        "Merge pull request #7 from ada/search-cache",
        "2026-11-13T10:00:00Z",
    );
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"cache\"\ntitle = \"Tiered cache\"\nstatus = \"on-track\"\nbranches = [\"search/*\"]\n",
    );
    let doc = print_draft(&env, &cfg);
    let goal = section(&doc, "cache");
    assert!(goal.contains("cache work on the branch"), "{doc}");
    assert!(goal.contains("1 PR merged (#7)"), "{doc}");
    assert!(!goal.contains("mainline before the fork"), "{doc}");
    let other = section(&doc, "other");
    assert!(
        other.contains("mainline before the fork") && other.contains("mainline after the fork"),
        "{doc}"
    );
}

#[test]
fn draft_says_how_many_commits_with_one_plural_rule() {
    let w = World::search_due();
    let one = stderr(&w.draft("2026-11-09").success());
    assert!(
        one.contains("2026-11-09.md (1 commit since 26 Oct)"),
        "{one}"
    );
    let again = stderr(&w.draft("2026-11-09").success());
    assert!(again.contains("(1 commit since 26 Oct); "), "{again}");
    let none = stderr(&w.draft("2026-11-23").success());
    assert!(none.contains("(0 commits since 9 Nov)"), "{none}");
}

#[test]
fn draft_file_refreshes_that_update_on_its_own_date() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    w.commit("2026-11-09T12:00:00Z", "Shard the index");
    let doc = w.doc("2026-11-09");
    let file = doc.to_str().unwrap();
    // Today is 24 Nov: FILE, not today, gives the date.
    let said = stderr(&w.icu(&["draft", "--no-edit", file]).success());
    assert!(said.contains("refreshed"), "{said}");
    assert!(w.read("2026-11-09").contains("Shard the index"));
    assert!(!w.doc("2026-11-24").exists(), "no update of today");
    // The same date given twice is no conflict.
    w.icu(&["draft", "--no-edit", "--date", "2026-11-09", file])
        .success();
    // Another is.
    let err = stderr(
        &w.icu(&["draft", "--no-edit", "--date", "2026-11-23", file])
            .code(2),
    );
    assert!(
        err.contains("is the update dated 2026-11-09, and --date 2026-11-23 names another"),
        "{err}"
    );
    // A file that is not there is an error, and nothing is written.
    let missing = w.doc("2026-11-16");
    let err = stderr(
        &w.icu(&["draft", "--no-edit", missing.to_str().unwrap()])
            .code(2),
    );
    assert!(err.contains("is not a file"), "{err}");
    assert!(!missing.exists());
}
