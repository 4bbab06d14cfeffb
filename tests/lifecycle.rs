//! The update loop, through the binary as a person lives it: an update
//! drafted, written by hand, checked, sent, and the next one drafted from
//! where the last one sent ended — its period, the asks carried with the
//! date they were first asked until they are resolved, the goal's status and
//! due date as the config says now — and `icu log` over them all. Sent is
//! final: a sent update is not refreshed unless forced.
//!
//! One update refreshed in place is `refresh`; an update damaged by hand is
//! `bad_input`.

use std::fs;

use crate::common::{activity_block, json, list_items, stderr, stdout, write_prose, World, C};
use predicates::prelude::*;

/// The help section's prompt, as the template writes it.
const HELP_PROMPT: &str = "carried to your next update. -->\n";

/// The help section of a doc: from its heading to the end.
fn help(doc: &str) -> &str {
    &doc[doc.find("## What I need help with").expect("help section")..]
}

// --- draft, write, check ------------------------------------------------------

#[test]
fn check_lists_unfilled_prompts_with_lines_and_exits_1_until_ready() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    let text = fs::read_to_string(&path).unwrap();
    let summary_line = text
        .lines()
        .position(|l| l.contains("icu:write One or two sentences"))
        .unwrap()
        + 1;
    w.icu(&["check"])
        .code(1)
        .stdout(predicate::str::contains(format!(
            "2026-11-23.md:{summary_line}:"
        )))
        .stdout(predicate::str::contains("[Summary]"))
        .stdout(predicate::str::contains("not ready"));
    // Quiet, an unready update still says what is unwritten.
    w.icu(&["check", "-q"])
        .code(1)
        .stdout(predicate::str::contains("not ready"));
    write_prose(
        &path,
        &[
            ("since 9 Nov? -->", "The cache landed.\n"),
            ("What's next? -->", "Next: sharding.\n"),
        ],
    );
    // The help section's prompt is left empty: no asks is fine.
    w.icu(&["check"])
        .success()
        .stdout(predicate::str::contains("ready to send (no asks)"));
    // Quiet, a ready update prints nothing at all.
    w.icu(&["check", "-q"]).success().stdout("").stderr("");
}

#[test]
fn check_counts_asks_in_any_list_and_notes_prose_it_will_not_carry() {
    let w = World::search_due();
    w.draft("2026-11-23").success();
    let text = w.read("2026-11-23").replace("-->\n", "-->\nWritten.\n");
    let text = text.replacen(
        &format!("{HELP_PROMPT}Written.\n"),
        &format!("{HELP_PROMPT}- need a reviewer\n* a budget\n\nAnd some context for Grace.\n"),
        1,
    );
    w.write("2026-11-23", &text);
    let line = text
        .lines()
        .position(|l| l == "And some context for Grace.")
        .unwrap()
        + 1;
    let out = stdout(&w.check("2026-11-23").success());
    assert!(out.contains("ready to send (2 open asks)"), "{out}");
    assert!(
        out.contains(&format!(
            "2026-11-23.md:{line}: [What I need help with] note: not a list item, so not an ask"
        )),
        "{out}"
    );
    let v = json(
        &w.icu(&["check", w.doc("2026-11-23").to_str().unwrap(), "--json"])
            .success(),
    );
    assert_eq!(v["ready"], true);
    assert_eq!(v["open_asks"], 2);
    assert_eq!(v["notes"][0]["line"], line);
}

// --- sent, and the next update --------------------------------------------------

#[test]
fn a_sent_doc_is_not_refreshed_unless_forced() {
    let w = World::search();
    w.draft("2026-11-23").success();
    w.icu(&["sent", "--at", "2026-11-23T17:00:00Z"]).success();
    let sent = w.read("2026-11-23");
    assert!(sent.contains("status = \"sent\""));
    assert!(sent.contains("sent = 2026-11-23T17:00:00"));
    w.repo.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Shard the index",
        "search/shard.rs",
    ));
    w.draft("2026-11-23")
        .code(1)
        .stderr(predicate::str::contains("already sent"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(w.read("2026-11-23"), sent);
    w.icu(&["draft", "--no-edit", "--force", "--date", "2026-11-23"])
        .success();
    assert!(w.read("2026-11-23").contains("Shard the index"));
}

#[test]
fn the_next_period_starts_where_the_last_sent_update_ended_not_when_it_was_sent() {
    let w = World::search();
    w.draft("2026-11-09").success();
    // Sent a day late: the commit between its end and the send is the next
    // update's, not lost between the two.
    w.repo
        .commit(C::mine("2026-11-10T09:00:00Z", "between end and send", "x"));
    let said = stderr(&w.icu(&["sent", "--at", "2026-11-10T15:00:00Z"]).success());
    assert!(
        said.contains("as sent at 2026-11-10T15:00:00+00:00; the next period starts at 2026-11-10T00:00:00+00:00, where its activity ended"),
        "{said}"
    );
    w.repo
        .commit(C::mine("2026-11-10T16:00:00Z", "after sending", "x"));
    let out = w
        .icu(&["draft", "--print", "--date", "2026-11-23"])
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = String::from_utf8(out).unwrap();
    assert!(doc.contains("since = 2026-11-10T00:00:00"), "{doc}");
    assert!(doc.contains("between end and send"), "{doc}");
    assert!(doc.contains("after sending"));
    // Committed on 10 Nov at 10:00, after the first update's period ended
    // and before it was sent: under the old rule it fell between the two.
    assert!(doc.contains("Add tiered cache"), "{doc}");
}

#[test]
fn the_next_update_is_due_a_cadence_after_the_last_ones_date_not_its_send() {
    let w = World::search();
    let status = |now: &str| stdout(&w.icu_at(now, &["status"]).success());
    w.draft("2026-11-09").success();
    let doc = w.doc("2026-11-09");
    // Dated 9 Nov, sent three days late.
    w.icu(&[
        "sent",
        doc.to_str().unwrap(),
        "--at",
        "2026-11-12T15:00:00Z",
    ])
    .success();
    let out = status("2026-11-13T09:00:00+00:00");
    assert!(out.contains("Next due:   2026-11-23 (in 10 days)"), "{out}");
    w.draft("2026-11-23").success();
    let doc = w.doc("2026-11-23");
    w.icu(&[
        "sent",
        doc.to_str().unwrap(),
        "--at",
        "2026-11-24T09:00:00Z",
    ])
    .success();
    let out = status("2026-11-25T09:00:00+00:00");
    assert!(out.contains("Next due:   2026-12-07 (in 12 days)"), "{out}");
    let v = json(
        &w.icu_at("2026-11-25T09:00:00+00:00", &["status", "--json"])
            .success(),
    );
    assert_eq!(v["next_due"], "2026-12-07");
}

#[test]
fn open_asks_are_carried_with_the_date_first_asked() {
    let w = World::search();
    // First update: two asks, one done before sending.
    w.draft("2026-11-09").success();
    let p1 = w.doc("2026-11-09");
    write_prose(
        &p1,
        &[(
            "carried to your next update. -->",
            "- [ ] Access to prod traces\n- [x] A second reviewer\n- [ ] Budget for load tests\n",
        )],
    );
    w.icu(&["sent", p1.to_str().unwrap(), "--at", "2026-11-09"])
        .success();
    // Second update: carried, then one is ticked off and it is sent.
    w.draft("2026-11-16").success();
    let second = w.read("2026-11-16");
    assert!(
        second.contains("- [ ] Access to prod traces (asked 9 Nov)"),
        "{second}"
    );
    assert!(second.contains("- [ ] Budget for load tests (asked 9 Nov)"));
    assert!(!second.contains("A second reviewer"));
    let p2 = w.doc("2026-11-16");
    fs::write(&p2, second.replace("- [ ] Budget", "- [x] Budget")).unwrap();
    w.icu(&["sent", p2.to_str().unwrap(), "--at", "2026-11-16"])
        .success();
    // Third update: still the first date.
    w.draft("2026-11-23").success();
    let third = w.read("2026-11-23");
    assert!(
        third.contains("- [ ] Access to prod traces (asked 9 Nov)"),
        "{third}"
    );
    assert!(!third.contains("Budget for load tests"));
}

#[test]
fn asks_in_any_list_are_carried_with_their_first_date_until_resolved() {
    let w = World::search_due();
    // Update 1: asks as a plain bullet, a star, a number; one task item done.
    w.draft("2026-11-09").success();
    w.edit(
        "2026-11-09",
        HELP_PROMPT,
        &format!("{HELP_PROMPT}- need a reviewer for the cache\n\n* budget for load tests\n\n1. access to prod traces\n2. [x] a desk\n"),
    );
    w.sent("2026-11-09");

    // Update 2: all three carried as task items, dated 9 Nov; the done one not.
    w.draft("2026-11-16").success();
    let second = w.read("2026-11-16");
    let asks = help(&second);
    for ask in [
        "- [ ] need a reviewer for the cache (asked 9 Nov)\n",
        "- [ ] budget for load tests (asked 9 Nov)\n",
        "- [ ] access to prod traces (asked 9 Nov)\n",
    ] {
        assert!(asks.contains(ask), "`{ask}` not carried:\n{asks}");
    }
    assert!(!second.contains("a desk"), "{second}");
    // One is struck through, one checked, a new one added with a `+`.
    w.edit(
        "2026-11-16",
        "- [ ] budget for load tests (asked 9 Nov)",
        "- [ ] ~~budget for load tests~~ (asked 9 Nov)",
    );
    w.edit(
        "2026-11-16",
        "- [ ] access to prod traces",
        "- [X] access to prod traces",
    );
    w.edit(
        "2026-11-16",
        "(asked 9 Nov)\n- [ ] ~~budget",
        "(asked 9 Nov)\n+ a second SRE on call\n- [ ] ~~budget",
    );
    w.sent("2026-11-16");

    // Update 3: the open one keeps its first date, the new one has its own,
    // the resolved ones are gone.
    w.draft("2026-11-23").success();
    let third = w.read("2026-11-23");
    let asks = help(&third);
    assert!(
        asks.contains("- [ ] need a reviewer for the cache (asked 9 Nov)\n"),
        "{asks}"
    );
    assert!(
        asks.contains("- [ ] a second SRE on call (asked 16 Nov)\n"),
        "{asks}"
    );
    assert!(!asks.contains("budget"), "{asks}");
    assert!(!asks.contains("traces"), "{asks}");
}

#[test]
fn a_list_nested_in_an_ask_is_carried_nested_and_recapped_nested() {
    let w = World::search_due();
    // Update 1: an ask with a nested task list, one of its items nested
    // again, and a plain ask after it.
    w.draft("2026-11-09").success();
    w.edit(
        "2026-11-09",
        HELP_PROMPT,
        &format!("{HELP_PROMPT}- [ ] A reviewer\n  for the cache\n  - [ ] Bob asked\n    - pinged twice\n  - [x] Ana declined\n- [ ] Budget for load tests\n"),
    );
    w.sent("2026-11-09");

    // Update 2: carried with its list nested under it, as comrak reads it.
    w.draft("2026-11-16").success();
    let second = w.read("2026-11-16");
    let asks = help(&second);
    assert!(
        asks.contains("- [ ] A reviewer for the cache (asked 9 Nov)\n  - [ ] Bob asked\n    - pinged twice\n  - [x] Ana declined\n- [ ] Budget for load tests (asked 9 Nov)\n"),
        "{asks}"
    );
    assert_eq!(
        list_items(asks),
        [
            "[ ] A reviewer for the cache (asked 9 Nov)",
            "  [ ] Bob asked",
            "    pinged twice",
            "  [x] Ana declined",
            "[ ] Budget for load tests (asked 9 Nov)",
        ]
    );
    // A detail added under it keeps it the same ask, with its first date.
    w.edit(
        "2026-11-16",
        "  - [x] Ana declined\n",
        "  - [x] Ana declined\n  - asked in #search too\n",
    );
    w.sent("2026-11-16");

    // The recap quotes it nested, in every format.
    let md = stdout(&w.icu(&["recap"]).success());
    let recap = &md[md.find("## Asks").expect("asks in the recap")..];
    assert_eq!(
        list_items(recap),
        [
            "A reviewer for the cache — asked 2026-11-09, open 15 days",
            "  [ ] Bob asked",
            "    pinged twice",
            "  [x] Ana declined",
            "  asked in #search too",
            "Budget for load tests — asked 2026-11-09, open 15 days",
        ]
    );
    let text = stdout(&w.icu(&["recap", "--format", "text"]).success());
    assert!(
        text.contains("\n  - [ ] Bob asked\n        - pinged twice\n  - [x] Ana declined\n"),
        "{text}"
    );
    let html = stdout(&w.icu(&["recap", "--format", "html"]).success());
    let open = html.find("Still open").expect("open asks in the html");
    let nested = html.find("Bob asked").expect("nested item in the html");
    assert_eq!(html[open..nested].matches("<ul").count(), 2, "{html}");
}

#[test]
fn the_goal_status_and_due_follow_the_config_on_refresh() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    let first = w.read("2026-11-09");
    assert!(first.contains("\n### Cut search p99 latency\n"), "{first}");
    assert!(
        activity_block(&first, "search-latency")
            .starts_with("\n*On track · due 31 Mar 2027*\n- 1 commit"),
        "{first}"
    );
    // The person writes; the goal slips in the config.
    w.edit(
        "2026-11-09",
        "What's next? -->\n",
        "What's next? -->\nThe cache shipped.\n",
    );
    w.set_goal("off-track", "2027-06-30");
    let err = stderr(&w.draft("2026-11-09").success());
    assert!(err.contains("your text is unchanged"), "{err}");
    let second = w.read("2026-11-09");
    assert!(
        activity_block(&second, "search-latency").starts_with("\n*Off track · due 30 Jun 2027*\n"),
        "{second}"
    );
    assert!(second.contains("\n### Cut search p99 latency\n<!-- icu:write What moved this goal forward? What's next? -->\nThe cache shipped.\n"));
    // What `icu goals` says is what the update says.
    w.icu(&["goals", "--date", "2026-11-09"])
        .success()
        .stdout(predicates::str::contains("off-track"));
    // And the next update starts from the goal as it is then.
    w.sent("2026-11-09");
    w.set_goal("done", "2027-06-30");
    w.draft("2026-11-23").success();
    let third = w.read("2026-11-23");
    assert!(
        activity_block(&third, "search-latency").starts_with("\n*Done · due 30 Jun 2027*\n"),
        "{third}"
    );
}

#[test]
fn log_lists_updates_newest_first_as_json() {
    let w = World::search();
    w.draft("2026-11-09").success();
    w.icu(&[
        "sent",
        w.doc("2026-11-09").to_str().unwrap(),
        "--at",
        "2026-11-09",
    ])
    .success();
    w.draft("2026-11-23").success();
    let v = json(&w.icu(&["log", "--json"]).success());
    assert_eq!(v["schema_version"], 1);
    let rows = v["updates"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["date"], "2026-11-23");
    assert_eq!(rows[0]["status"], "draft");
    assert_eq!(rows[0]["complete"], false);
    assert_eq!(rows[1]["date"], "2026-11-09");
    assert_eq!(rows[1]["status"], "sent");
    assert_eq!(rows[1]["open_asks"], 0);
    assert!(rows[0]["since"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-10T00:00:00"));
}
