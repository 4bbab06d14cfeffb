//! Ownership as the update practice defines it: what could fail that would
//! cost me (`risk`), what could go well that I should get credit for
//! (`success`). The draft's prompt shows both; `icu goals` and `icu check`
//! point out what is missing, and a goal quiet for two updates running —
//! as hints that never fail a command.

use std::fs;

use crate::common::{stderr, TestEnv, C};

const OWNED: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\nsuccess = \"p99 < 200 ms -->\\nfor 30 days\"\nrisk = \"the *cache* hides stale results\"\n\n";
const BARE: &str = "[[goal]]\nid = \"docs\"\ntitle = \"Docs site\"\npaths = [\"docs/**\"]\n\n";
const DONE: &str =
    "[[goal]]\nid = \"old\"\ntitle = \"Old\"\nstatus = \"done\"\npaths = [\"old/**\"]\n\n";

#[test]
fn the_prompt_shows_success_and_risk_literally_and_stays_one_marker() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine("2026-11-20T10:00:00Z", "Cache", "search/cache.rs"));
    let cfg = env.config_for(&[&repo], &format!("{OWNED}{BARE}"));
    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
    let doc = env.updates().join("2026-11-23.md");
    let text = fs::read_to_string(&doc).unwrap();
    // Escaped so that `-->` cannot end the marker and the line stays one.
    assert!(
        text.contains("<!-- icu:write What moved this goal forward? What's next? · Success: p99 \\< 200 ms --\\> for 30 days · Risk: the \\*cache\\* hides stale results -->\n"),
        "{text}"
    );
    assert!(text.contains(
        "### Docs site\n<!-- icu:write What moved this goal forward? What's next? -->\n"
    ));
    // The doc still reads as icu's: check lists the prompt, a refresh works.
    let a = env.run(&cfg, &["check", doc.to_str().unwrap()]).code(1);
    assert!(crate::common::stdout(&a)
        .contains("unwritten: What moved this goal forward? What's next? · Success: p99"));
    env.run(&cfg, &["draft", "--date", "2026-11-23"]).success();
}

#[test]
fn goals_points_out_a_goal_without_success_or_risk_and_never_fails() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine("2026-11-20T10:00:00Z", "Cache", "search/cache.rs"));
    let only_risk = "[[goal]]\nid = \"infra\"\ntitle = \"Infra\"\nrisk = \"outage\"\n\n";
    let cfg = env.config_for(&[&repo], &format!("{OWNED}{BARE}{DONE}{only_risk}"));
    for args in [&["goals"][..], &["goals", "--json"][..]] {
        let err = stderr(&env.run(&cfg, args).success());
        assert!(err.contains("goal `docs` has no `success` and no `risk`: what could go well that you should get credit for, and what could fail that would cost you?"), "{err}");
        assert!(
            err.contains("goal `infra` has no `success`: what could go well"),
            "{err}"
        );
        assert!(
            !err.contains("`search`"),
            "a goal with both gets no hint: {err}"
        );
        assert!(!err.contains("`old`"), "a done goal gets no hint: {err}");
    }
    let quiet = env.run(&cfg, &["-q", "goals"]).success();
    assert_eq!(stderr(&quiet), "");

    let none = env.config_for(&[&repo], "");
    let err = stderr(&env.run(&none, &["goals"]).success());
    assert!(
        err.contains("no goal in your config: an update shows what you own"),
        "{err}"
    );
}

/// Answers every prompt with "Words." but leaves the Docs goal with no
/// prompt and no words: the person has nothing to say about it.
fn write_all_but_docs(doc: &std::path::Path) {
    crate::common::answer_every_prompt(doc, "Words.");
    let mut in_docs = false;
    let kept: String = fs::read_to_string(doc)
        .unwrap()
        .split_inclusive('\n')
        .filter(|l| {
            if l.starts_with("#") {
                in_docs = l.starts_with("### Docs site");
            }
            !(in_docs && (*l == "Words.\n" || l.starts_with("<!-- icu:write")))
        })
        .collect();
    fs::write(doc, kept).unwrap();
}

#[test]
fn a_goal_quiet_for_two_updates_is_pointed_out_until_the_person_writes_a_word() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine("2026-11-02T10:00:00Z", "Cache", "search/cache.rs"));
    repo.commit(C::mine("2026-11-18T10:00:00Z", "Evict", "search/evict.rs"));
    let cfg = env.config_for(&[&repo], &format!("{OWNED}{BARE}"));
    let icu_at = |now: &str, args: &[&str]| env.run_at(&cfg, now, args);
    let quiet = "goal `docs` had no commits and none of your words in the updates of 2026-11-09 and 2026-11-23: still yours?";

    icu_at(
        "2026-11-09T17:00:00Z",
        &["draft", "--date", "2026-11-09", "--since", "2026-11-01"],
    )
    .success();
    let first = env.updates().join("2026-11-09.md");
    write_all_but_docs(&first);
    let err =
        stderr(&icu_at("2026-11-09T17:00:00Z", &["check", first.to_str().unwrap()]).success());
    assert!(
        !err.contains("had no commits"),
        "one quiet update is not two: {err}"
    );
    icu_at(
        "2026-11-09T18:00:00Z",
        &["sent", "--at", "2026-11-09T18:00:00Z"],
    )
    .success();

    icu_at("2026-11-23T17:00:00Z", &["draft", "--date", "2026-11-23"]).success();
    let second = env.updates().join("2026-11-23.md");
    write_all_but_docs(&second);
    // Ready to send, and the hint says so without blocking it.
    let err =
        stderr(&icu_at("2026-11-23T17:00:00Z", &["check", second.to_str().unwrap()]).success());
    assert!(err.contains(quiet), "{err}");
    let err = stderr(&icu_at("2026-11-24T09:00:00Z", &["goals"]).success());
    assert!(err.contains(quiet), "{err}");

    // One word of the person's under the goal and the hint is gone.
    let worded = fs::read_to_string(&second).unwrap().replace(
        "### Docs site\n",
        "### Docs site\nWaiting on the new theme.\n",
    );
    fs::write(&second, worded).unwrap();
    let err =
        stderr(&icu_at("2026-11-23T17:00:00Z", &["check", second.to_str().unwrap()]).success());
    assert!(!err.contains("had no commits"), "{err}");
}
