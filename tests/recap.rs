//! `icu recap` over a quarter lived with the real binary: updates drafted,
//! written, sent (one cycle skipped, the last one still a draft), a goal
//! renamed and its status changed in the config, asks checked off, dropped
//! and still open. The recap quotes the person's words from the sent
//! updates only, dated, and reads no repository.

use std::fs;
use std::path::Path;

use crate::common::{edit_config, json, stderr, stdout, TestEnv, World, C};

const GOALS_V1: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\n\n[[goal]]\nid = \"docs\"\ntitle = \"Docs site\"\npaths = [\"docs/**\"]\n";
const GOALS_V2: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search p99 latency\"\nstatus = \"at-risk\"\npaths = [\"search/**\"]\n\n[[goal]]\nid = \"docs\"\ntitle = \"Docs site\"\npaths = [\"docs/**\"]\n";

/// Inserts `prose` after the first `icu:write` prompt that follows the
/// heading starting with `heading`.
fn write_under(doc: &Path, heading: &str, prose: &str) {
    let text = fs::read_to_string(doc).unwrap();
    let mut out = String::new();
    let mut armed = false;
    let mut done = false;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if line.starts_with(heading) {
            armed = true;
        } else if armed && !done && line.starts_with("<!-- icu:write") {
            out.push_str(prose);
            out.push('\n');
            done = true;
        }
    }
    assert!(done, "no prompt under {heading} in\n{text}");
    fs::write(doc, out).unwrap();
}

/// Three updates sent (5 Jan, 19 Jan, 16 Feb — the 2 Feb one skipped), a
/// fourth drafted on 2 Mar and never sent.
fn a_quarter() -> World {
    let q = World::new(
        "api",
        vec![
            C::mine("2026-01-02T10:00:00Z", "Add query cache", "search/cache.rs"),
            C::mine("2026-01-03T10:00:00Z", "Write the intro", "docs/intro.md"),
            C::mine("2026-01-12T10:00:00Z", "Evict by size", "search/evict.rs"),
            C::mine("2026-02-10T10:00:00Z", "Tune the cache", "search/tune.rs"),
            C::mine("2026-02-25T10:00:00Z", "Unsent work", "search/late.rs"),
        ],
        GOALS_V1,
    );

    // 5 Jan: the first update, with two asks.
    q.icu_at(
        "2026-01-05T17:00:00Z",
        &["draft", "--date", "2026-01-05", "--since", "2026-01-01"],
    )
    .success();
    let d1 = q.doc("2026-01-05");
    write_under(&d1, "## Summary", "A quiet start; **cache** first.");
    write_under(
        &d1,
        "### Search",
        "Cut p99 by 20% with a `LRU` cache <b>.\n\n- next: eviction",
    );
    write_under(&d1, "### Docs", "Intro written.");
    write_under(
        &d1,
        "## What I need help with",
        "- [ ] a reviewer for the cache\n- budget for load tests",
    );
    q.icu_at(
        "2026-01-05T18:00:00Z",
        &["sent", "--at", "2026-01-05T18:00:00Z"],
    )
    .success();

    later_cycles(&q);
    q
}

/// 19 Jan, 16 Feb (2 Feb skipped) and the unsent 2 Mar.
fn later_cycles(q: &World) {
    // 19 Jan: renamed and at risk; one ask checked off, one carried.
    edit_config(&q.cfg, GOALS_V1, GOALS_V2);
    q.icu_at("2026-01-19T17:00:00Z", &["draft", "--date", "2026-01-19"])
        .success();
    let d2 = q.doc("2026-01-19");
    write_under(&d2, "## Summary", "Eviction landed.");
    write_under(
        &d2,
        "### Search",
        "Eviction by size; p99 still above target.",
    );
    q.edit(
        "2026-01-19",
        "- [ ] a reviewer for the cache",
        "- [x] a reviewer for the cache",
    );
    q.icu_at(
        "2026-01-19T18:00:00Z",
        &["sent", "--at", "2026-01-19T18:00:00Z"],
    )
    .success();

    // 2 Feb skipped. 16 Feb: the budget ask deleted, a new one asked.
    q.icu_at("2026-02-16T17:00:00Z", &["draft", "--date", "2026-02-16"])
        .success();
    let d3 = q.doc("2026-02-16");
    write_under(&d3, "### Search", "Tuned; p99 at target.");
    let text = fs::read_to_string(&d3).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.contains("budget for load tests"))
        .collect();
    fs::write(&d3, kept).unwrap();
    write_under(
        &d3,
        "## What I need help with",
        "1. a second on-call engineer",
    );
    q.icu_at(
        "2026-02-16T18:00:00Z",
        &["sent", "--at", "2026-02-16T18:00:00Z"],
    )
    .success();

    // 2 Mar: drafted, written, never sent.
    q.icu_at("2026-03-02T17:00:00Z", &["draft", "--date", "2026-03-02"])
        .success();
    write_under(&q.doc("2026-03-02"), "### Search", "Words never sent.");
}

const LATER: &str = "2026-03-05T12:00:00Z";

#[test]
fn a_quarter_recapped_quotes_only_sent_words_with_dates_statuses_and_asks() {
    let q = a_quarter();
    let a = q.icu_at(
        LATER,
        &["recap", "--since", "2026-01-01", "--until", "2026-03-31"],
    );
    let md = stdout(&a.success());
    insta::assert_snapshot!("a_quarter", md);

    // Verbatim, Markdown and all, and only from sent updates.
    assert!(md.contains("> Cut p99 by 20% with a `LRU` cache <b>.\n>\n> - next: eviction\n"));
    assert!(md.contains("> A quiet start; **cache** first."));
    assert!(!md.contains("Words never sent"), "{md}");
    // Ids join the rename; the status change is dated.
    assert!(md.contains("## Search p99 latency\n"), "{md}");
    assert!(md.contains("- titled Search latency from 2026-01-05 to 2026-01-05"));
    assert!(md.contains("- status: On track (2026-01-05) → At risk (2026-01-19)"));
    // Totals per update and overall, from what the updates listed.
    assert!(
        md.contains("### 2026-01-05 · On track · 1 commit, +1 −0"),
        "{md}"
    );
    assert!(
        md.contains("- activity: 3 commits, +3 −0 over 3 updates"),
        "{md}"
    );
    // Asks: checked, dropped, still open.
    assert!(
        md.contains("- a reviewer for the cache — asked 2026-01-05, done 2026-01-19 after 14 days")
    );
    assert!(
        md.contains("- budget for load tests — asked 2026-01-05, dropped 2026-02-16 after 42 days")
    );
    assert!(md.contains("- a second on-call engineer — asked 2026-02-16, open 43 days"));
    // The skipped cycle and the open end.
    assert!(md.contains("## Updates missed (cadence 14 days)"));
    assert!(md.contains("- 2026-01-19 – 2026-02-16: 28 days"));
    assert!(md.contains("- 2026-02-16 – 2026-03-31 (none sent since): 43 days"));
}

#[test]
fn the_recap_reads_no_repository_and_json_has_the_same_record() {
    let q = a_quarter();
    let before = stdout(&q.icu_at(LATER, &["recap"]).success());
    fs::remove_dir_all(&q.repo.path).unwrap();
    let after = q.icu_at(LATER, &["recap"]).success();
    assert_eq!(
        stdout(&after),
        before,
        "the recap changed without the repository"
    );

    let json = json(&q.icu_at(LATER, &["recap", "--json"]).success());
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["updates"].as_array().unwrap().len(), 3);
    let search = &json["goals"][0];
    assert_eq!(search["id"], "search");
    assert_eq!(search["title"], "Search p99 latency");
    assert_eq!(search["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        search["entries"][1]["prose"],
        "Eviction by size; p99 still above target."
    );
    assert_eq!(search["status_changes"][1]["from"], "On track");
    assert_eq!(search["status_changes"][1]["to"], "At risk");
    assert_eq!(search["totals"]["commits"], 3);
    let asks = json["asks"].as_array().unwrap();
    assert_eq!(asks.len(), 3);
    assert_eq!(asks[1]["how"], "dropped");
    assert_eq!(asks[2]["resolved"], serde_json::Value::Null);
    // No --until: open to today (5 Mar).
    assert_eq!(asks[2]["days_open"], 17);
}

#[test]
fn one_goal_and_the_formats_a_manager_can_read() {
    let q = a_quarter();
    let md = stdout(&q.icu_at(LATER, &["recap", "--goal", "docs"]).success());
    assert!(md.contains("## Docs site"));
    assert!(md.contains("> Intro written."));
    assert!(!md.contains("Search"), "{md}");
    assert!(!md.contains("## Asks"), "{md}");

    let html = stdout(&q.icu_at(LATER, &["recap", "--format", "html"]).success());
    assert!(html.contains("<blockquote"), "{html}");
    assert!(html.contains("Cut p99 by 20%"));
    assert!(
        !html.contains("<b>."),
        "the person's `<b>` is text in the mail, not markup"
    );
    let text = stdout(&q.icu_at(LATER, &["recap", "--format", "text"]).success());
    assert!(text.contains("Eviction by size; p99 still above target."));
    assert!(!text.contains("<h2"));
}

#[test]
fn bad_requests_are_refused_and_nothing_is_overwritten() {
    let q = a_quarter();
    let a = q.icu_at(LATER, &["recap", "--goal", "nope"]).code(2);
    assert!(stderr(&a).contains("no sent update in the span has a goal `nope`"));
    let a = q
        .icu_at(
            LATER,
            &["recap", "--since", "2026-03-01", "--until", "2026-01-01"],
        )
        .code(2);
    assert!(stderr(&a).contains("--until 2026-01-01 is before --since 2026-03-01"));

    let out = q.env.path().join("recap.md");
    fs::write(&out, "my own notes\n").unwrap();
    q.icu_at(LATER, &["recap", "-o", out.to_str().unwrap()])
        .failure();
    assert_eq!(fs::read_to_string(&out).unwrap(), "my own notes\n");
    q.icu_at(
        LATER,
        &["recap", "-o", out.to_str().unwrap(), "--overwrite"],
    )
    .success();
    assert!(fs::read_to_string(&out).unwrap().starts_with("# Recap"));
    // Never over an update.
    let doc = q.doc("2026-01-05");
    let kept = fs::read_to_string(&doc).unwrap();
    q.icu_at(
        LATER,
        &["recap", "-o", doc.to_str().unwrap(), "--overwrite"],
    )
    .failure();
    assert_eq!(fs::read_to_string(&doc).unwrap(), kept);
}

#[test]
fn a_damaged_update_is_skipped_with_a_warning_and_left_as_it_is() {
    let q = a_quarter();
    let doc = q.doc("2026-01-19");
    let damaged = fs::read_to_string(&doc)
        .unwrap()
        .replacen("<!-- /icu:activity -->", "", 1);
    fs::write(&doc, &damaged).unwrap();
    let a = q.icu_at(LATER, &["recap"]).success();
    assert!(stderr(&a).contains("2026-01-19.md"), "{}", stderr(&a));
    let md = stdout(&a);
    assert!(
        md.contains("2 sent updates: 2026-01-05 – 2026-02-16"),
        "{md}"
    );
    assert_eq!(fs::read_to_string(&doc).unwrap(), damaged);
}

#[test]
fn no_sent_update_is_an_empty_recap_with_a_hint() {
    let env = TestEnv::new();
    let repo = env.repo("api");
    repo.commit(C::mine("2026-11-20T10:00:00Z", "x", "a.rs"));
    let cfg = env.config_for(&[&repo], "");
    let a = env.run(&cfg, &["recap"]).success();
    assert!(stdout(&a).contains("0 sent updates"));
    assert!(stderr(&a).contains("no sent update in"), "{}", stderr(&a));
}

#[test]
fn without_a_config_the_recap_reads_the_default_updates_dir_even_outside_a_repository() {
    let env = TestEnv::new();
    let a = env.icu().arg("recap").assert().success();
    assert!(stdout(&a).contains("0 sent updates"), "{}", stdout(&a));
    assert!(
        stderr(&a).contains(&env.default_updates_dir().display().to_string()),
        "{}",
        stderr(&a)
    );
}
