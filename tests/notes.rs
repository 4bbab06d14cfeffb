//! `icu note`: work that leaves no commit, noted as it happens into the
//! journal and listed in exactly one update — the one whose period holds the
//! note's time — under the goal it names, else a goal whose keywords match,
//! else Other work. Each test lives a sequence: notes taken, drafted, sent,
//! noted again, drafted again.

use crate::common::{activity_block, json, stderr, stdout, TestEnv, C};

const GOALS: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\nkeywords = [\"[Ll]atency\"]\n\n[[goal]]\nid = \"hiring\"\ntitle = \"Hiring\"\n\n[[skip]]\nmessage = \"^Lunch\"\n";

/// A repository with one commit of mine in the first period, and its config.
fn setup() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    let r = env.repo("api");
    r.commit(C::mine(
        "2026-11-02T10:00:00Z",
        "Add the index",
        "search/index.rs",
    ));
    let cfg = env.config_for(&[&r], GOALS);
    (env, cfg)
}

fn note(
    env: &TestEnv,
    cfg: &std::path::Path,
    now: &str,
    args: &[&str],
) -> assert_cmd::assert::Assert {
    env.run_at(cfg, now, &[&["note"], args].concat())
}

/// Notes taken in the first period (one for a goal named, one a keyword
/// claims, one a `[[skip]]` rule leaves out, one for Other work), the first
/// update drafted, a note taken after its scan, and the update sent.
fn five_notes_and_the_first_update_sent(env: &TestEnv, cfg: &std::path::Path) {
    note(
        env,
        cfg,
        "2026-11-03T09:00:00+00:00",
        &["--goal", "hiring", "Interviewed", "a", "candidate"],
    )
    .success();
    note(
        env,
        cfg,
        "2026-11-04T09:00:00+00:00",
        &["Talked to payments about p99 latency"],
    )
    .success();
    note(
        env,
        cfg,
        "2026-11-05T09:00:00+00:00",
        &["Lunch with the team"],
    )
    .success();
    note(
        env,
        cfg,
        "2026-11-06T09:00:00+00:00",
        &["Wrote the on-call guide"],
    )
    .success();
    env.run_at(
        cfg,
        "2026-11-09T12:00:00+00:00",
        &["draft", "--date", "2026-11-09"],
    )
    .success();
    // Taken after the draft's scan, before it is sent: the next update's.
    note(
        env,
        cfg,
        "2026-11-09T14:00:00+00:00",
        &["--goal", "search", "Design review of the cache"],
    )
    .success();
    env.run_at(
        cfg,
        "2026-11-09T15:00:00+00:00",
        &["sent", "--at", "2026-11-09T15:00:00Z"],
    )
    .success();
}

#[test]
fn a_note_is_listed_in_the_one_update_whose_period_holds_it() {
    let (env, cfg) = setup();
    five_notes_and_the_first_update_sent(&env, &cfg);
    let first = std::fs::read_to_string(env.updates().join("2026-11-09.md")).unwrap();
    let hiring = activity_block(&first, "hiring");
    assert!(
        hiring.contains("- 1 note\n  - Interviewed a candidate (n1, 3 Nov)"),
        "{hiring}"
    );
    let search = activity_block(&first, "search");
    assert!(
        search.contains("  - Talked to payments about p99 latency (n2, 4 Nov)"),
        "{search}"
    );
    let other = activity_block(&first, "other");
    assert!(
        other.contains("  - Wrote the on-call guide (n4, 6 Nov)"),
        "{other}"
    );
    assert!(
        !first.contains("Lunch"),
        "a [[skip]] rule's message leaves it out\n{first}"
    );
    assert!(!first.contains("Design review"), "{first}");
    assert!(first.contains("; 3 notes*"), "{first}");

    let second = stdout(
        &env.run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    );
    let search = activity_block(&second, "search");
    assert!(
        search.contains("- 1 note\n  - Design review of the cache (n5, 9 Nov)"),
        "{search}"
    );
    for n in ["n1", "n2", "n4"] {
        assert!(
            !second.contains(&format!("({n},")),
            "{n} was in the sent update\n{second}"
        );
    }

    // --list shows what no sent update holds.
    let listed = json(
        &note(
            &env,
            &cfg,
            "2026-11-24T12:00:00+00:00",
            &["--list", "--json"],
        )
        .success(),
    );
    let ids: Vec<&str> = listed["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["n5"]);
    assert_eq!(listed["notes"][0]["goals"][0], "search");
}

#[test]
fn a_note_at_a_time_a_sent_update_holds_is_refused_and_a_date_means_its_morning() {
    let (env, cfg) = setup();
    env.run_at(
        &cfg,
        "2026-11-09T12:00:00+00:00",
        &["draft", "--date", "2026-11-09"],
    )
    .success();
    env.run_at(
        &cfg,
        "2026-11-09T15:00:00+00:00",
        &["sent", "--at", "2026-11-09T15:00:00Z"],
    )
    .success();
    let a = note(
        &env,
        &cfg,
        "2026-11-12T12:00:00+00:00",
        &["--at", "2026-11-05", "Forgot this one"],
    )
    .code(2);
    let err = stderr(&a);
    assert!(
        err.contains("the update dated 2026-11-09, which was sent"),
        "{err}"
    );
    assert!(!env.updates().join("notes.md").exists());
    note(
        &env,
        &cfg,
        "2026-11-12T12:00:00+00:00",
        &["--at", "2026-11-10", "Kick-off"],
    )
    .success();
    let text = std::fs::read_to_string(env.updates().join("notes.md")).unwrap();
    assert!(
        text.contains("- 2026-11-10 00:00 +00:00 [n1] Kick-off\n"),
        "{text}"
    );
}

#[test]
fn an_unknown_goal_or_no_words_is_a_usage_error_and_nothing_is_written() {
    let (env, cfg) = setup();
    let err = stderr(
        &note(
            &env,
            &cfg,
            "2026-11-12T12:00:00+00:00",
            &["--goal", "serch", "x"],
        )
        .code(2),
    );
    assert!(
        err.contains("no goal `serch` in your config (its goals: search, hiring)"),
        "{err}"
    );
    let err = stderr(&note(&env, &cfg, "2026-11-12T12:00:00+00:00", &["  "]).code(2));
    assert!(err.contains("the note is empty"), "{err}");
    assert!(!env.updates().join("notes.md").exists());
}

#[test]
fn a_journal_fixed_by_hand_is_read_back_and_one_broken_is_never_rewritten() {
    let (env, cfg) = setup();
    note(
        &env,
        &cfg,
        "2026-11-03T09:00:00+00:00",
        &["Talked to paymnets"],
    )
    .success();
    let path = env.updates().join("notes.md");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("paymnets", "payments");
    std::fs::write(&path, &text).unwrap();
    let doc = stdout(
        &env.run_at(
            &cfg,
            "2026-11-09T12:00:00+00:00",
            &["draft", "--print", "--date", "2026-11-09"],
        )
        .success(),
    );
    assert!(doc.contains("Talked to payments (n1, 3 Nov)"), "{doc}");

    let broken = format!("{text}oops, a stray line\n");
    std::fs::write(&path, &broken).unwrap();
    let a = note(&env, &cfg, "2026-11-04T09:00:00+00:00", &["Another"]).code(1);
    assert!(
        stderr(&a).contains("notes.md:7: a line after the first note"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        broken,
        "left as it was"
    );
    let a = env
        .run_at(
            &cfg,
            "2026-11-09T12:00:00+00:00",
            &["draft", "--print", "--date", "2026-11-09"],
        )
        .success();
    assert!(
        stderr(&a).contains("the notes are left out of this update"),
        "{}",
        stderr(&a)
    );
    assert!(!stdout(&a).contains("Talked to payments"));
}

#[test]
fn notes_taken_at_once_are_all_kept_and_stdin_is_read_clean() {
    let (env, cfg) = setup();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("icu"));
            c.envs(env.sealed_env())
                .env("ICU_NOW", "2026-11-03T09:00:00+00:00")
                .args([
                    "--config",
                    cfg.to_str().unwrap(),
                    "note",
                    &format!("note {i}"),
                ]);
            c.spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let mut c = env.icu_with(&cfg);
    c.env("ICU_NOW", "2026-11-03T10:00:00+00:00")
        .args(["note", "-"])
        .write_stdin("Fixed \u{1b}[2Jthe \u{202e}build\n  with Bo\n");
    c.assert().success();
    let text = std::fs::read_to_string(env.updates().join("notes.md")).unwrap();
    for i in 0..8 {
        assert!(text.contains(&format!("] note {i}\n")), "{text}");
    }
    assert!(
        text.contains("[n9] Fixed [2Jthe build\n    with Bo\n"),
        "{text}"
    );
    let listed = json(
        &note(
            &env,
            &cfg,
            "2026-11-04T09:00:00+00:00",
            &["--list", "--json"],
        )
        .success(),
    );
    assert_eq!(listed["notes"].as_array().unwrap().len(), 9);
}

#[test]
fn explain_tells_a_note_from_a_commit_and_says_where_it_went() {
    let (env, cfg) = setup();
    note(
        &env,
        &cfg,
        "2026-11-04T09:00:00+00:00",
        &["Talked to payments about latency"],
    )
    .success();
    let j = json(
        &env.run_at(
            &cfg,
            "2026-11-05T09:00:00+00:00",
            &["explain", "n1", "--json", "--date", "2026-11-09"],
        )
        .success(),
    );
    assert_eq!(j["note"]["id"], "n1");
    assert_eq!(j["listed"], true);
    assert_eq!(j["update"]["date"], "2026-11-09");
    let search = j["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "search")
        .unwrap();
    assert_eq!(search["claims"], true);
    assert_eq!(
        search["reasons"][0],
        "keyword `[Ll]atency` matched `latency` in the title"
    );
    let out = stdout(
        &env.run_at(&cfg, "2026-11-05T09:00:00+00:00", &["explain", "n7"])
            .code(2),
    );
    assert!(out.is_empty());
}

#[test]
fn goals_and_status_count_the_notes_the_current_draft_lists() {
    let (env, cfg) = setup();
    note(
        &env,
        &cfg,
        "2026-11-20T09:00:00+00:00",
        &["--goal", "hiring", "Interviewed"],
    )
    .success();
    note(
        &env,
        &cfg,
        "2026-11-20T10:00:00+00:00",
        &["Cut p99 latency"],
    )
    .success();
    let now = "2026-11-23T12:00:00+00:00";
    let j = json(
        &env.run_at(&cfg, now, &["goals", "--json", "--date", "2026-11-23"])
            .success(),
    );
    let items = |j: &serde_json::Value, id: &str| {
        j["goals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == id)
            .unwrap()["items"]
            .clone()
    };
    assert_eq!(
        items(&j, "hiring"),
        0,
        "no draft yet: goals runs no source itself"
    );
    env.run_at(&cfg, now, &["draft", "--date", "2026-11-23"])
        .success();
    let j = json(
        &env.run_at(&cfg, now, &["goals", "--json", "--date", "2026-11-23"])
            .success(),
    );
    assert_eq!(items(&j, "hiring"), 1);
    assert_eq!(items(&j, "search"), 1);
    let s = json(&env.run_at(&cfg, now, &["status", "--json"]).success());
    assert_eq!(s["draft"]["items"], 2, "{s}");
    assert_eq!(s["draft"]["incomplete"], serde_json::json!([]), "{s}");
}
