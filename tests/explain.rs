//! `icu explain REV`: whether a commit is mine and why, whether it is in the
//! period, whether icu lists it, and for each goal the rule that claims it
//! or why none does — the same decisions the draft makes, said.

use crate::common::{activity_block, json, print_draft, stderr, stdout, TestEnv, World, C, ME};

const GOALS: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\n\n[[goal]]\nid = \"cache\"\ntitle = \"Cache rollout\"\nkeywords = [\"[Cc]ache\"]\n\n[[goal]]\nid = \"ui\"\ntitle = \"New UI\"\nbranches = [\"ui/*\"]\n\n[[goal]]\nid = \"web\"\ntitle = \"Web only\"\nrepos = [\"web\"]\n\n";

/// The repositories `api` (where `explain` runs) and `web`: commits of mine,
/// under an old address, of others, crediting me, on a `ui/` branch, and one
/// a `[[skip]]` rule leaves out.
fn world() -> World {
    let env = TestEnv::new();
    let repo = env.repo("api");
    let web = env.repo("web");
    web.commit(C::mine("2026-11-01T10:00:00Z", "web root", "index.html"));
    repo.commit(C::mine("2026-10-01T10:00:00Z", "Start", "README.md"));
    repo.commit(C {
        files: vec![(
            ".mailmap",
            format!("Ada Lovelace <{ME}> <ada@old.example>\n"),
        )],
        ..C::mine("2026-10-02T10:00:00Z", "Map my old address", ".mailmap")
    });
    repo.commit(C {
        email: "ada@old.example",
        ..C::mine("2026-11-18T10:00:00Z", "Add the cache", "search/cache.rs")
    });
    repo.commit(C::theirs(
        "2026-11-19T10:00:00Z",
        "Their fix",
        "search/fix.rs",
    ));
    repo.commit(C {
        message: "Pair on docs\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-19T11:00:00Z", "Pair on docs", "docs/pair.md")
    });
    repo.commit(C {
        message: "Speed up ranking\n\nReviewed-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-19T11:30:00Z", "Speed up ranking", "search/rank.rs")
    });
    repo.commit(C::mine(
        "2026-11-19T12:00:00Z",
        "Bump CI image",
        "search/ci.yml",
    ));
    repo.git(&["checkout", "-q", "-b", "ui/header"]);
    repo.commit(C::mine("2026-11-20T10:00:00Z", "Header", "ui/header.tsx"));
    repo.git(&["checkout", "-q", "main"]);
    let cfg = env.config_for(
        &[&repo, &web],
        &format!("{GOALS}[[skip]]\nmessage = \"^Bump CI\"\n"),
    );
    World { env, cfg, repo }
}

/// `icu explain ARGS…`, run inside `api`.
fn explain(w: &World, args: &[&str]) -> assert_cmd::assert::Assert {
    w.icu_in_repo(&[&["explain"], args].concat())
}

/// `icu explain REV --json`, run inside `api`.
fn explain_json(w: &World, rev: &str) -> serde_json::Value {
    json(&explain(w, &[rev, "--json"]).success())
}

#[test]
fn a_commit_two_goals_claim_names_each_rule_and_the_ones_that_did_not_match() {
    let w = world();
    let out = stdout(&explain(&w, &["main~4"]).success());
    assert!(out.starts_with("commit "), "{out}");
    assert!(out.contains("Add the cache (api)"), "{out}");
    assert!(
        out.contains("mine:      yes: .mailmap maps the author ada@old.example to ada@example.com, one of your emails"),
        "{out}"
    );
    assert!(out.contains("period:    in it: committed 2026-11-18 10:00 +0000; the update dated 2026-11-24 covers ["), "{out}");
    assert!(
        out.contains("listed:    yes: 1 file, +1 −0; on main"),
        "{out}"
    );
    assert!(out.contains("  search (Search latency): claims it\n    - paths glob `search/**` matched `search/cache.rs`\n"), "{out}");
    assert!(out.contains("  cache (Cache rollout): claims it\n    - keyword `[Cc]ache` matched `cache` in the message\n"), "{out}");
    assert!(out.contains("  ui (New UI): does not claim it\n    - no branch containing it matched branches `ui/*` (it is on: main)\n"), "{out}");
    assert!(
        out.contains(
            "  web (Web only): does not claim it\n    - repo `api` is not in its repos (web)\n"
        ),
        "{out}"
    );
    assert!(out.contains("other:     no; 2 goals claim it"), "{out}");
}

#[test]
fn not_mine_a_co_author_a_branch_and_an_old_commit_are_each_said() {
    let w = world();
    let theirs = stdout(&explain(&w, &["main~3"]).success());
    assert!(theirs.contains("mine:      no: the author, bob@example.com, is not one of your emails (me.emails), and no Co-authored-by trailer names you"), "{theirs}");
    assert!(
        theirs.contains("listed:    no: it is not yours, and it does not credit you"),
        "{theirs}"
    );
    assert!(!theirs.contains("goals:"), "{theirs}");

    let pair = explain_json(&w, "main~2");
    assert_eq!(pair["commit"]["mine"]["by"], "co_author");
    assert_eq!(pair["commit"]["mine"]["email"], "ada@example.com");
    assert_eq!(pair["listed"]["listed"], true);
    assert_eq!(pair["other"], true);

    let ui = explain_json(&w, "ui/header");
    let verdict = ui["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "ui")
        .unwrap()
        .clone();
    assert_eq!(verdict["claims"], true);
    assert_eq!(
        verdict["reasons"][0],
        "branches glob `ui/*` matched branch `ui/header`, which contains it"
    );

    // Older than the update asked about, and than any update there is.
    let old = explain_json(&w, "main~6");

    let review = explain_json(&w, "main~1");
    assert_eq!(review["commit"]["mine"], serde_json::Value::Null);
    assert_eq!(review["listed"]["credits_me"][0], "reviewed");
    let search = review["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "search")
        .unwrap()
        .clone();
    assert_eq!(search["claims"], true, "{review}");

    let bump = stdout(&explain(&w, &["main"]).success());
    assert!(
        bump.contains("listed:    no: a [[skip]] rule leaves it out: [[skip]] on line"),
        "{bump}"
    );
    assert!(!bump.contains("goals:"), "{bump}");
    assert_eq!(old["schema_version"], 1);
    assert_eq!(old["period"]["relation"], "before");
    assert_eq!(old["commit"]["mine"]["by"], "author");
    assert_eq!(old["update"], serde_json::Value::Null);
    assert_eq!(old["listed"]["listed"], false);
    assert_eq!(old["listed"]["why_not"], "no update's period holds it");
}

#[test]
fn explain_agrees_with_the_draft_on_every_commit() {
    let w = world();
    let doc = print_draft(&w.env, &w.cfg);
    let ids = w.repo.git(&["rev-list", "--all", "--since=2026-11-09"]);
    assert!(ids.lines().count() >= 4);
    for id in ids.lines() {
        let short = w.repo.short(id);
        let j = explain_json(&w, id);
        let listed = j["listed"]["listed"] == true
            || !j["listed"]["credits_me"].as_array().unwrap().is_empty();
        for g in j["goals"].as_array().unwrap() {
            let key = g["id"].as_str().unwrap();
            let block = activity_block(&doc, key);
            assert_eq!(
                block.contains(&short),
                g["claims"] == true && listed,
                "{key} and {short}: explain says {g}, the draft shows\n{block}"
            );
        }
        let other = activity_block(&doc, "other");
        assert_eq!(
            other.contains(&short),
            j["other"] == true,
            "{short} {j}\n{other}"
        );
    }
}

#[test]
fn a_revision_no_repository_has_is_a_usage_error_naming_them() {
    let w = world();
    let a = explain(&w, &["no-such-branch"]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains("`no-such-branch` names no commit in any configured repository (api, web); check the id"),
        "{err}"
    );
    assert!(
        !err.contains("--repo"),
        "--repo would not find it either: {err}"
    );
    let a = explain(&w, &["no-such-branch", "--repo", "api"]).code(2);
    assert!(
        stderr(&a).contains("leave out --repo to look in every configured repository"),
        "{}",
        stderr(&a)
    );
    let a = explain(&w, &["HEAD", "--repo", "nope"]).code(2);
    assert!(stderr(&a).contains("no repository named `nope` in your config (it has: api, web)"));
    // HEAD is in both: run inside api, api is chosen; elsewhere it is ambiguous.
    explain(&w, &["HEAD"]).success();
    let a = w.icu(&["explain", "HEAD"]).code(2);
    assert!(stderr(&a)
        .contains("names a commit in several repositories (api, web); pick one with --repo NAME"));
}

/// `git ARGS` in `r` as Ada (author and committer) at `date`.
fn git_as_me(r: &crate::common::Repo, date: &str, args: &[&str]) -> String {
    r.git_env(
        args,
        &[
            ("GIT_AUTHOR_NAME", "Ada Lovelace"),
            ("GIT_AUTHOR_EMAIL", ME),
            ("GIT_COMMITTER_NAME", "Ada Lovelace"),
            ("GIT_COMMITTER_EMAIL", ME),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
    r.git(&["rev-parse", "HEAD"])
}

/// Two updates of `api`: the one dated 2026-11-09, sent, and the draft
/// dated 2026-11-23, with every kind of commit a draft meets in each —
/// mine, folded (a rebased copy, a backport merged back, a squash), a
/// backport of work the sent update counted, my merges (of my own branch,
/// and one of someone else's that credits me), a patch I applied, a
/// review trailer, a skipped commit, a co-authored one, someone else's,
/// and commits older than both.
fn two_updates() -> World {
    let env = TestEnv::new();
    let r = env.repo("api");
    let web = env.repo("web");
    web.commit(C::mine("2026-10-01T10:00:00Z", "web root", "index.html"));
    r.commit(C::mine("2026-10-01T10:00:00Z", "Start", "README.md"));
    // The sent update's period.
    r.commit(C::mine(
        "2026-11-02T10:00:00Z",
        "Add the search index",
        "search/index.rs",
    ));
    r.git(&["checkout", "-q", "-b", "feat/rebased"]);
    let copy = r.commit(C::mine(
        "2026-11-03T10:00:00Z",
        "Tune the ranking",
        "search/rank.rs",
    ));
    r.git(&["checkout", "-q", "main"]);
    git_as_me(&r, "2026-11-04T10:00:00Z", &["cherry-pick", &copy]);
    r.git(&["branch", "release/1.2"]);
    let crash = r.commit(C::mine("2026-11-05T10:00:00Z", "Fix crash", "query.rs"));
    let cfg = env.config_for(
        &[&r, &web],
        &format!(
            "{GOALS}[[goal]]\nid = \"fixes\"\ntitle = \"Fixes\"\nkeywords = [\"[Ff]ix\"]\n\n[[skip]]\nmessage = \"^Bump CI\"\n"
        ),
    );
    crate::common::draft_and_send_the_update_of_9_nov(&env, &cfg);

    the_drafts_period(&r, &crash);
    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    World { env, cfg, repo: r }
}

/// The commits of the draft's period in [`two_updates`]; `crash` is the
/// sent update's fix, backported now.
fn the_drafts_period(r: &crate::common::Repo, crash: &str) {
    r.git(&["checkout", "-q", "release/1.2"]);
    git_as_me(r, "2026-11-10T10:00:00Z", &["cherry-pick", "-x", crash]);
    r.git(&["checkout", "-q", "main"]);
    let empty = r.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "Fix an empty query",
        "search/empty.rs",
    ));
    r.git(&["checkout", "-q", "release/1.2"]);
    git_as_me(r, "2026-11-12T10:00:00Z", &["cherry-pick", "-x", &empty]);
    r.git(&["checkout", "-q", "main"]);
    git_as_me(
        r,
        "2026-11-13T10:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge branch 'release/1.2'",
            "release/1.2",
        ],
    );
    r.git(&["checkout", "-q", "-b", "feat/timeout"]);
    r.commit(C::mine(
        "2026-11-14T10:00:00Z",
        "Add a timeout",
        "search/t.rs",
    ));
    r.commit(C::mine(
        "2026-11-15T10:00:00Z",
        "Test the timeout",
        "search/t_test.rs",
    ));
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--squash", "feat/timeout"]);
    git_as_me(
        r,
        "2026-11-16T10:00:00Z",
        &["commit", "-q", "-m", "Add a configurable timeout (#15)"],
    );
    r.git(&["checkout", "-q", "-b", "bob/docs"]);
    r.commit(C::theirs(
        "2026-11-17T10:00:00Z",
        "Write the guide",
        "docs/guide.md",
    ));
    r.git(&["checkout", "-q", "main"]);
    git_as_me(
        r,
        "2026-11-17T12:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge branch 'bob/docs'",
            "bob/docs",
        ],
    );
    std::fs::write(r.path.join("search/applied.rs"), "applied\n").unwrap();
    r.git(&["add", "search/applied.rs"]);
    r.git_env(
        &["commit", "-q", "-m", "Apply Bob's patch"],
        &[
            ("GIT_AUTHOR_NAME", "Bob"),
            ("GIT_AUTHOR_EMAIL", "bob@example.com"),
            ("GIT_COMMITTER_NAME", "Ada Lovelace"),
            ("GIT_COMMITTER_EMAIL", ME),
            ("GIT_AUTHOR_DATE", "2026-11-18T10:00:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-18T10:00:00Z"),
        ],
    );
    r.commit(C {
        message: "Speed up ranking\n\nReviewed-by: Ada Lovelace <ada@example.com>",
        ..C::theirs(
            "2026-11-19T10:00:00Z",
            "Speed up ranking",
            "search/speed.rs",
        )
    });
    r.commit(C::mine("2026-11-19T12:00:00Z", "Bump CI image", "ci.yml"));
    r.commit(C {
        message: "Pair on the cache\n\nCo-authored-by: Ada Lovelace <ada@example.com>",
        ..C::theirs("2026-11-20T10:00:00Z", "Pair on the cache", "cache.rs")
    });
    r.commit(C::theirs(
        "2026-11-20T12:00:00Z",
        "Their fix",
        "search/theirs.rs",
    ));
    r.git(&["checkout", "-q", "-b", "ui/header"]);
    r.commit(C::mine("2026-11-21T10:00:00Z", "Header", "ui/header.tsx"));
    r.git(&["checkout", "-q", "main"]);
}

/// Whether `text` shows the commit `short` as a listed line's own id:
/// `(abc1234)` or `([abc1234](…))`, not a mention such as "backport of".
fn shows(text: &str, short: &str) -> bool {
    text.contains(&format!("({short})"))
        || text.contains(&format!("({short}):"))
        || text.contains(&format!("([{short}]("))
}

#[test]
fn explain_agrees_with_two_updates_on_every_commit_in_the_repository() {
    let w = two_updates();
    let updates = w.env.updates();
    let docs: Vec<(String, String)> = ["2026-11-09", "2026-11-23"]
        .iter()
        .map(|d| {
            let text = std::fs::read_to_string(updates.join(format!("{d}.md"))).unwrap();
            ((*d).to_string(), text)
        })
        .collect();
    let keys = ["search", "cache", "ui", "web", "fixes", "other"];
    let ids = w.repo.git(&["rev-list", "--all"]);
    let mut totals: std::collections::HashMap<String, (usize, u64, u64, usize)> =
        Default::default();
    let mut seen_kinds = std::collections::BTreeSet::new();
    for id in ids.lines() {
        let short = w.repo.short(id);
        let j = json(
            &w.icu_in_repo(&["explain", id, "--json", "--date", "2026-11-23"])
                .success(),
        );
        let listed = &j["listed"];
        let holder = j["update"]["date"].as_str().map(str::to_string);
        let credited = !listed["credits_me"].as_array().unwrap().is_empty();
        let kind = if listed["listed"] == true {
            "listed"
        } else if credited {
            "credited"
        } else if listed["folded_into"].is_string() {
            "folded"
        } else {
            "not listed"
        };
        seen_kinds.insert(kind);
        for (date, doc) in &docs {
            let held = holder.as_deref() == Some(date.as_str());
            for key in keys {
                let block = activity_block(doc, key);
                let claims = if key == "other" {
                    j["other"] == true
                } else {
                    j["goals"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|g| g["id"] == key && g["claims"] == true)
                };
                let expected = held && matches!(kind, "listed" | "credited") && claims;
                assert_eq!(
                    shows(&block, &short),
                    expected,
                    "{short} under {key} in the update of {date}: explain says {j:#}\nthe update shows\n{block}"
                );
            }
            if held && kind == "folded" {
                let into = listed["folded_into"].as_str().unwrap();
                assert!(shows(doc, into), "{short} folds into {into}: {j:#}\n{doc}");
            }
        }
        if kind == "listed" && listed["counted"] == true {
            let t = totals.entry(holder.clone().unwrap()).or_default();
            t.0 += 1;
            t.1 += listed["added"].as_u64().unwrap();
            t.2 += listed["removed"].as_u64().unwrap();
            t.3 += usize::from(listed["co_authored_with"].is_string());
        }
    }
    for kind in ["listed", "credited", "folded", "not listed"] {
        assert!(
            seen_kinds.contains(kind),
            "no {kind} commit: {seen_kinds:?}"
        );
    }
    // The totals line of each update adds up what explain says counts.
    for (date, doc) in &docs {
        let (n, added, removed, co) = totals[date];
        let line = format!(
            "*In all: {n} commit{}{}, +{added} −{removed}, each counted once",
            if n == 1 { "" } else { "s" },
            if co > 0 {
                format!(" ({co} co-authored)")
            } else {
                String::new()
            }
        );
        assert!(doc.contains(&line), "{line}\n{doc}");
    }
    assert!(docs[1].1.contains("(1 co-authored)"), "{}", docs[1].1);
    // The second update names the backport of the sent update's fix.
    assert!(
        docs[1].1.contains("(update of 2026-11-09)"),
        "{}",
        docs[1].1
    );
}
