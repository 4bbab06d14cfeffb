//! The same work on several branches is reported once: a squash-merged
//! branch that was kept, a branch merged by rebasing that was kept, a fix
//! cherry-picked onto a release branch. Each test builds the history with
//! the git CLI and fixed dates and reads `icu draft --print`: every piece of
//! work on one line, its lines counted once, and work that has not landed
//! still listed. The window is [2026-11-09, 2026-11-24) (see tests/draft.rs).

use crate::common::{
    activity_block as section, json, print_draft as draft, stdout, Repo, TestEnv, C, ME,
};

/// `n` numbered lines.
fn lines(what: &str, n: usize) -> String {
    (1..=n).map(|i| format!("{what} {i}\n")).collect()
}

/// A commit of mine at `date` writing `content` to `file`.
fn write<'a>(date: &'a str, message: &'a str, file: &'a str, content: String) -> C<'a> {
    C {
        files: vec![(file, content)],
        ..C::mine(date, message, file)
    }
}

/// Runs git with the committer date (and author date) fixed.
fn git_at(r: &Repo, date: &str, args: &[&str]) -> String {
    r.git_env(
        args,
        &[("GIT_COMMITTER_DATE", date), ("GIT_AUTHOR_DATE", date)],
    )
}

/// How many times each listed subject appears in `block`, as commit lines.
fn listed(block: &str, subject: &str) -> usize {
    block
        .lines()
        .filter(|l| l.starts_with("  - ") && l.contains(subject))
        .count()
}

/// A branch that never landed: its commit must still be listed.
fn unmerged_work(r: &Repo) -> &'static str {
    r.git(&["checkout", "-q", "-b", "wip/retry", "main"]);
    r.commit(C::mine(
        "2026-11-21T10:00:00Z",
        "try retries with jitter",
        "retry.rs",
    ));
    r.git(&["checkout", "-q", "main"]);
    "try retries with jitter"
}

/// main: a base before the window. `feat/timeout`: three commits of mine
/// (+10, +2 −2, +3). main moves on (someone else, another file), then the
/// branch is squash-merged as #1580 and kept; one more commit goes on the
/// kept branch after the squash.
fn squashed_branch(env: &TestEnv) -> (Repo, String) {
    let r = env.repo("remote");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["checkout", "-q", "-b", "feat/timeout"]);
    r.commit(write(
        "2026-11-10T10:00:00Z",
        "add timeout option",
        "src/timeout.rs",
        lines("timeout", 10),
    ));
    let mut v = lines("timeout", 10).replace("timeout 3\n", "timeout three\n");
    v = v.replace("timeout 7\n", "timeout seven\n");
    r.commit(write(
        "2026-11-11T10:00:00Z",
        "wire the timeout into the client",
        "src/timeout.rs",
        v,
    ));
    r.commit(write(
        "2026-11-12T10:00:00Z",
        "test the timeout",
        "tests/timeout.rs",
        lines("check", 3),
    ));
    r.git(&["checkout", "-q", "main"]);
    r.commit(C::theirs(
        "2026-11-12T12:00:00Z",
        "someone else's fix",
        "other.rs",
    ));
    r.git(&["merge", "-q", "--squash", "feat/timeout"]);
    let squash = r.commit(C {
        files: vec![],
        ..C::mine(
            "2026-11-13T10:00:00Z",
            "feat(remote): add configurable HTTP timeout (#1580)",
            "",
        )
    });
    r.git(&["checkout", "-q", "feat/timeout"]);
    r.commit(write(
        "2026-11-14T10:00:00Z",
        "follow-up: tune the default timeout",
        "src/timeout.rs",
        lines("timeout", 11),
    ));
    r.git(&["checkout", "-q", "main"]);
    (r, squash)
}

#[test]
fn a_squash_merged_branch_that_was_kept_is_counted_once() {
    let env = TestEnv::new();
    let (r, squash) = squashed_branch(&env);
    let wip = unmerged_work(&r);
    let cfg = env.config_for(&[&r], "");
    let doc = draft(&env, &cfg);
    let other = section(&doc, "other");
    // The squash (+10 +3), the follow-up after it (+1 −1 on the final
    // file: "timeout three" and "seven" went back to numbers, one line
    // added: numstat counts +3 −2) and the unmerged commit (+1).
    let follow_up = r.git(&["diff", "--numstat", "feat/timeout~1", "feat/timeout"]);
    assert_eq!(follow_up, "3\t2\tsrc/timeout.rs", "the fixture changed");
    assert!(
        other.contains("- 3 commits in remote, +17 −2, 1 PR merged (#1580)"),
        "{doc}"
    );
    let line = format!(
        "  - feat(remote): add configurable HTTP timeout (#1580) ({}), squash of 3 commits on `feat/timeout`",
        r.short(&squash)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{doc}");
    for folded in [
        "add timeout option",
        "wire the timeout into the client",
        "test the timeout",
    ] {
        assert_eq!(listed(&other, folded), 0, "{folded} is listed: {doc}");
    }
    assert_eq!(listed(&other, "follow-up: tune the default timeout"), 1);
    assert_eq!(listed(&other, wip), 1, "{doc}");
}

#[test]
fn a_goal_that_claims_the_feature_branch_claims_its_squash() {
    let env = TestEnv::new();
    let (r, _) = squashed_branch(&env);
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"timeouts\"\ntitle = \"Timeouts everywhere\"\nstatus = \"on-track\"\nbranches = [\"feat/*\"]\n",
    );
    let doc = draft(&env, &cfg);
    let goal = section(&doc, "timeouts");
    assert_eq!(listed(&goal, "add configurable HTTP timeout"), 1, "{doc}");
    assert_eq!(listed(&goal, "follow-up: tune the default timeout"), 1);
    assert!(goal.contains("1 PR merged (#1580)"), "{doc}");
    // The squash is the goal's now, and nothing of it is left in "Other work".
    let other = section(&doc, "other");
    assert!(!other.contains("timeout"), "{doc}");
    assert!(other.contains("No commits outside your goals"), "{doc}");
}

#[test]
fn a_branch_that_merged_the_mainline_in_is_matched_from_the_last_merge() {
    let env = TestEnv::new();
    let r = env.repo("remote");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["checkout", "-q", "-b", "feat/cache"]);
    r.commit(C::mine("2026-11-10T10:00:00Z", "cache lookups", "cache.rs"));
    r.git(&["checkout", "-q", "main"]);
    r.commit(C::theirs(
        "2026-11-11T10:00:00Z",
        "their change",
        "theirs.rs",
    ));
    // "Update branch": main merged into the feature branch.
    r.git(&["checkout", "-q", "feat/cache"]);
    git_at(
        &r,
        "2026-11-11T12:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge main into feat/cache",
            "main",
        ],
    );
    r.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "evict old entries",
        "evict.rs",
    ));
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--squash", "feat/cache"]);
    r.commit(C {
        files: vec![],
        ..C::mine("2026-11-13T10:00:00Z", "Cache lookups (#77)", "")
    });
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(
        other.contains("- 1 commit in remote, +2 −0, 1 PR merged (#77)"),
        "{other}"
    );
    assert!(
        other.contains("squash of 2 commits on `feat/cache`"),
        "{other}"
    );
}

#[test]
fn a_branch_merged_by_rebasing_and_kept_is_counted_once() {
    let env = TestEnv::new();
    let r = env.repo("parser");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["checkout", "-q", "-b", "feat/parser"]);
    let old1 = r.commit(write(
        "2026-11-10T10:00:00Z",
        "parse quoted strings",
        "parse.rs",
        lines("parse", 4),
    ));
    let old2 = r.commit(write(
        "2026-11-11T10:00:00Z",
        "parse escapes",
        "parse.rs",
        lines("parse", 6),
    ));
    r.git(&["checkout", "-q", "main"]);
    r.commit(C::theirs(
        "2026-11-11T12:00:00Z",
        "their change",
        "theirs.rs",
    ));
    // Rebase and merge: the branch's commits replayed onto main, new ids.
    git_at(&r, "2026-11-12T10:00:00Z", &["cherry-pick", &old1, &old2]);
    let new2 = r.git(&["rev-parse", "HEAD"]);
    let new1 = r.git(&["rev-parse", "HEAD~1"]);
    let wip = unmerged_work(&r);
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 3 commits in parser, +7 −0"), "{other}");
    for (subject, new, old) in [
        ("parse quoted strings", &new1, &old1),
        ("parse escapes", &new2, &old2),
    ] {
        assert_eq!(listed(&other, subject), 1, "{other}");
        let line = format!("  - {subject} ({}), also on `feat/parser`", r.short(new));
        assert!(other.lines().any(|l| l == line), "{line}\n{other}");
        assert!(!other.contains(&r.short(old)), "{other}");
    }
    assert_eq!(listed(&other, wip), 1, "{other}");
}

#[test]
fn a_fix_cherry_picked_onto_a_release_branch_is_listed_once_as_the_mainline_commit() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "fix crash on an empty query",
        "query.rs",
        lines("query", 5),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-11T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "main"]);
    let wip = unmerged_work(&r);
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"release\"\ntitle = \"Ship 1.2\"\nstatus = \"on-track\"\nbranches = [\"release/*\"]\n",
    );
    let doc = draft(&env, &cfg);
    // The mainline copy is kept; the release branch still claims it.
    let goal = section(&doc, "release");
    assert!(goal.contains("- 1 commit in search, +5 −0"), "{doc}");
    let line = format!(
        "  - fix crash on an empty query ({}), also on `release/1.2`",
        r.short(&fix)
    );
    assert!(goal.lines().any(|l| l == line), "{line}\n{doc}");
    assert!(!doc.contains(&r.short(&picked)), "{doc}");
    let other = section(&doc, "other");
    assert_eq!(listed(&other, "fix crash"), 0, "{doc}");
    assert_eq!(listed(&other, wip), 1, "{doc}");
}

#[test]
fn copies_off_the_mainline_are_listed_once_as_the_first() {
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    r.git(&["checkout", "-q", "-b", "feat/empty"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "guard against an empty index",
        "index.rs",
        lines("index", 2),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-11T10:00:00Z", &["cherry-pick", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 1 commit in search, +2 −0"), "{other}");
    let line = format!(
        "  - guard against an empty index ({}), also on `release/1.2`",
        r.short(&fix)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{other}");
    assert!(!other.contains(&r.short(&picked)), "{other}");
}

#[test]
fn the_same_change_made_twice_on_the_mainline_is_listed_twice() {
    // A revert and a redo both landed: each is a commit of its own.
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    let first = r.commit(write(
        "2026-11-10T10:00:00Z",
        "enable the planner",
        "planner.rs",
        lines("plan", 2),
    ));
    r.git_env(
        &["revert", "--no-edit", &first],
        &[
            ("GIT_AUTHOR_EMAIL", ME),
            ("GIT_COMMITTER_DATE", "2026-11-11T10:00:00Z"),
        ],
    );
    r.commit(write(
        "2026-11-12T10:00:00Z",
        "enable the planner again",
        "planner.rs",
        lines("plan", 2),
    ));
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 3 commits in search, +4 −2"), "{other}");
    assert!(!other.contains("also"), "{other}");
}

/// main: a base before the window, `release/1.2` branched from it. A fix of
/// mine lands on main (+5); it is cherry-picked (`-x`) onto the release
/// branch, which is later merged back into main.
fn backport_merged_back(env: &TestEnv) -> (Repo, String, String) {
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "fix crash on an empty query",
        "query.rs",
        lines("query", 5),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-11T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "release/1.2",
        "Merge branch 'release/1.2'",
        "2026-11-12T10:00:00Z",
    );
    (r, fix, picked)
}

#[test]
fn a_backport_merged_back_into_the_mainline_is_counted_once() {
    let env = TestEnv::new();
    let (r, fix, picked) = backport_merged_back(&env);
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 1 commit in search, +5 −0"), "{other}");
    let line = format!(
        "  - fix crash on an empty query ({}), also on `release/1.2`",
        r.short(&fix)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{other}");
    assert!(!other.contains(&r.short(&picked)), "{other}");
}

#[test]
fn a_fix_picked_from_one_release_branch_to_another_is_one_change_listed_as_the_first() {
    // Both release branches are merged back into main: each copy reached the
    // mainline through a merge, and the one committed first is listed.
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.1"]);
    r.git(&["branch", "release/1.2"]);
    r.git(&["checkout", "-q", "release/1.1"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "fix the index on old files",
        "index.rs",
        lines("index", 3),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-11T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "main"]);
    r.merge(
        "release/1.1",
        "Merge branch 'release/1.1'",
        "2026-11-12T10:00:00Z",
    );
    r.merge(
        "release/1.2",
        "Merge branch 'release/1.2'",
        "2026-11-13T10:00:00Z",
    );
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 1 commit in search, +3 −0"), "{other}");
    let line = format!(
        "  - fix the index on old files ({}), also on `release/1.2`",
        r.short(&fix)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{other}");
    assert!(!other.contains(&r.short(&picked)), "{other}");
}

#[test]
fn a_change_picked_again_after_a_revert_is_new_work() {
    // The fix lands on main and is reverted there; then it is picked onto
    // the release branch: the same patch, but applied again after the
    // revert, so it is work of its own and both are listed and counted.
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "enable the planner",
        "planner.rs",
        lines("plan", 2),
    ));
    r.git_env(
        &["revert", "--no-edit", &fix],
        &[
            ("GIT_AUTHOR_EMAIL", "bo@example.com"),
            ("GIT_COMMITTER_EMAIL", "bo@example.com"),
            ("GIT_COMMITTER_DATE", "2026-11-11T10:00:00Z"),
        ],
    );
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-12T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    r.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 2 commits in search, +4 −0"), "{other}");
    assert!(other.contains(&r.short(&picked)), "{other}");
    assert!(!other.contains("also on"), "{other}");

    // Without the revert the same two copies are one change.
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "enable the planner",
        "planner.rs",
        lines("plan", 2),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-12T10:00:00Z", &["cherry-pick", "-x", &fix]);
    r.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(&[&r], "");
    let other = section(&draft(&env, &cfg), "other");
    assert!(other.contains("- 1 commit in search, +2 −0"), "{other}");
}

#[test]
fn a_backport_of_work_a_sent_update_counted_is_listed_and_not_counted_again() {
    // Update of 2026-11-09 holds the fix (committed 2026-11-05) and is
    // sent. In the next period the fix is cherry-picked (-x) onto the
    // release branch unchanged, and a second older fix is picked with a
    // change made while picking it.
    let env = TestEnv::new();
    let r = env.repo("search");
    r.commit(C::mine("2026-10-20T10:00:00Z", "base", "README"));
    r.git(&["branch", "release/1.2"]);
    let fix = r.commit(write(
        "2026-11-05T10:00:00Z",
        "fix crash on an empty query",
        "query.rs",
        lines("query", 5),
    ));
    let other_fix = r.commit(write(
        "2026-11-06T10:00:00Z",
        "fix the index on old files",
        "index.rs",
        lines("index", 3),
    ));
    let cfg = env.config_for(&[&r], "");
    crate::common::draft_and_send_the_update_of_9_nov(&env, &cfg);

    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-12T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let picked = r.git(&["rev-parse", "HEAD"]);
    let picked_msg =
        format!("fix the index on old files\n\n(cherry picked from commit {other_fix})");
    let reworked = r.commit(C {
        files: vec![("index.rs", lines("index", 4))],
        ..C::mine("2026-11-13T12:00:00Z", &picked_msg, "index.rs")
    });
    r.git(&["checkout", "-q", "main"]);

    let doc = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let other = section(&doc, "other");
    assert!(
        other.contains(
            "- 1 commit in search, +4 −0, and 1 backport of work an earlier update counted"
        ),
        "{other}"
    );
    let line = format!(
        "  - fix crash on an empty query ({}), backport of {} (update of 2026-11-09)",
        r.short(&picked),
        r.short(&fix)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{other}");
    let line = format!(
        "  - fix the index on old files ({}), reworked backport of {} (update of 2026-11-09)",
        r.short(&reworked),
        r.short(&other_fix)
    );
    assert!(other.lines().any(|l| l == line), "{line}\n{other}");
    assert!(doc.contains("*In all: 1 commit, +4 −0"), "{doc}");
}

/// `icu goals` counts no lines, so among commits of mine that change the
/// same files it tells copies apart by the lines each adds and removes
/// before it compares patches: a fix cherry-picked from a feature branch
/// onto a release branch (both off the mainline, so only the same patch
/// folds them) is one commit of the goal, while another change to the same
/// file with as many lines (+1 −1, a different patch), and one with other
/// counts, are each their own.
#[test]
fn goals_count_a_copy_once_among_changes_to_the_same_file() {
    let env = TestEnv::new();
    let r = env.repo("search");
    let base = lines("query", 5);
    r.commit(write(
        "2026-11-01T10:00:00Z",
        "base",
        "query.rs",
        base.clone(),
    ));
    r.git(&["branch", "release/1.2"]);
    r.git(&["checkout", "-q", "-b", "feat/query"]);
    let fixed = base.replace("query 2\n", "query two\n");
    let fix = r.commit(write(
        "2026-11-10T10:00:00Z",
        "fix crash on an empty query",
        "query.rs",
        fixed.clone(),
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_at(&r, "2026-11-11T10:00:00Z", &["cherry-pick", "-x", &fix]);
    let renamed = fixed.replace("query 4\n", "query four\n");
    r.commit(write(
        "2026-11-12T10:00:00Z",
        "rename a query",
        "query.rs",
        renamed.clone(),
    ));
    r.commit(write(
        "2026-11-13T10:00:00Z",
        "add two queries",
        "query.rs",
        format!("{renamed}query 6\nquery 7\n"),
    ));
    r.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"query\"\ntitle = \"Queries\"\npaths = [\"query.rs\"]\n",
    );
    let v = json(
        &env.run(&cfg, &["goals", "--json", "--date", "2026-11-23"])
            .success(),
    );
    let goal = v["goals"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["id"] == "query"))
        .unwrap_or_else(|| panic!("no goal query: {v}"));
    // In the period: the fix (its copy folded), the rename, the two added;
    // the base is in the weeks before.
    assert_eq!(goal["commits"], 3, "{v}");
    assert_eq!(goal["weekly"][10], 3, "{v}");
}
