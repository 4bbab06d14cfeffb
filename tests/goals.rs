//! `icu goals` and `icu status`: one screen of what I own and what is due.

use crate::common::{answer_every_prompt, json, stdout, TestEnv, C};
use predicates::prelude::*;

const GOALS: &str = r#"[[goal]]
id = "search-latency"
title = "Cut search p99 latency"
status = "at-risk"
due = 2026-11-01
paths = ["search/**"]

[[goal]]
id = "onboarding"
title = "Onboarding docs"
status = "on-track"
keywords = ["(?i)docs"]

[[goal]]
id = "quiet"
title = "A goal gone quiet"
status = "on-track"
due = 2027-06-30
branches = ["quiet/*"]

[[goal]]
id = "old"
title = "Shipped last quarter"
status = "done"
keywords = ["legacy"]
"#;

fn world() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    let r = env.repo("search");
    // Twelve weeks of history: weekly work on search, docs only lately.
    for w in 0..10 {
        let day = 1 + w * 7;
        let date = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
            + chrono::Duration::days(i64::from(day));
        let when = format!("{date}T10:00:00Z");
        r.commit(C::mine(
            &when,
            "Tune the planner",
            &format!("search/p{w}.rs"),
        ));
    }
    r.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Write onboarding docs",
        "docs/a.md",
    ));
    r.commit(C::mine(
        "2026-11-19T10:00:00Z",
        "Shave the index",
        "search/idx.rs",
    ));
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Remove legacy flag",
        "legacy.rs",
    ));
    r.commit(C::theirs("2026-11-21T10:00:00Z", "Their docs", "docs/b.md"));
    let cfg = env.config_for(&[&r], GOALS);
    (env, cfg)
}

#[test]
fn the_goals_table_shows_status_due_commits_and_a_sparkline() {
    let (env, cfg) = world();
    let out = env
        .run(&cfg, &["goals"])
        .success()
        .stderr(predicate::str::contains(
            "1 done or paused goal hidden; `--all` shows them",
        ));
    let table = stdout(&out);
    assert!(!table.contains('\u{1b}'), "NO_COLOR is honoured");
    assert!(!table.contains("Shipped last quarter"));
    insta::assert_snapshot!("goals_table", table);
}

#[test]
fn all_shows_done_and_paused_goals() {
    let (env, cfg) = world();
    env.run(&cfg, &["goals", "--all"])
        .success()
        .stdout(predicate::str::contains("Shipped last quarter"));
}

#[test]
fn goals_json_has_the_documented_fields() {
    let (env, cfg) = world();
    let v = json(&env.run(&cfg, &["goals", "--json"]).success());
    assert_eq!(v["period"]["since"], "2026-11-10T00:00:00Z");
    let goals = v["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 3);
    let search = &goals[0];
    assert_eq!(search["id"], "search-latency");
    assert_eq!(search["status"], "at-risk");
    assert_eq!(search["due"], "2026-11-01");
    assert_eq!(search["overdue"], true);
    assert_eq!(search["commits"], 1);
    assert_eq!(search["last_activity"], "2026-11-19");
    let weekly: Vec<u64> = search["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_u64().unwrap())
        .collect();
    assert_eq!(weekly.len(), 12);
    assert_eq!(weekly.iter().sum::<u64>(), 11, "{weekly:?}");
    assert_eq!(weekly[11], 1, "this week: the index work");
    let quiet = &goals[2];
    assert_eq!(quiet["commits"], 0);
    assert_eq!(quiet["last_activity"], serde_json::Value::Null);
    assert_eq!(quiet["overdue"], false);
}

#[test]
fn status_says_when_the_next_update_is_due_and_what_is_unwritten() {
    let (env, cfg) = world();
    let icu = |args: &[&str]| env.run(&cfg, args);
    icu(&["status"]).success().stdout(
        predicate::str::contains("Next due:   now")
            .and(predicate::str::contains("Draft:      none for this period")),
    );
    icu(&["draft", "--no-edit"]).success();
    icu(&["status"]).success().stdout(
        predicate::str::contains("2026-11-24.md").and(predicate::str::contains("to write")),
    );
    answer_every_prompt(&env.updates().join("2026-11-24.md"), "Written.");
    icu(&["sent", "--at", "2026-11-24T15:00:00Z"]).success();
    icu(&["status"]).success().stdout(
        predicate::str::contains("Next due:   2026-12-08 (in 14 days)")
            .and(predicate::str::contains("Last sent:  2026-11-24")),
    );
}
