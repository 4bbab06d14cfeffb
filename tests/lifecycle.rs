//! The hand-edited update's lifecycle, driven through the binary: refresh
//! without loss, damaged docs left alone, backups, check, sent, carried asks,
//! and the log.

use std::fs;
use std::path::Path;

use crate::common::{json, World, C};
use predicates::prelude::*;

/// The doc with every generated block's content and the front matter blanked:
/// what must never change on refresh.
fn blank_generated(doc: &str) -> String {
    let mut out = String::new();
    let mut rest = doc;
    // Front matter: from the start to the second `+++` line.
    if let Some(end) = rest[3..].find("+++") {
        rest = &rest[3 + end + 3..];
        out.push_str("+++FRONT+++");
    }
    while let Some(i) = rest.find("<!-- icu:activity ") {
        let Some(j) = rest[i..].find("-->") else {
            break;
        };
        let open_end = i + j + 3;
        out.push_str(&rest[..open_end]);
        let close = rest[open_end..]
            .find("<!-- /icu:activity -->")
            .expect("closed block")
            + open_end;
        out.push_str("[GENERATED]");
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn write_prose(path: &Path, prose: &[(&str, &str)]) {
    let mut text = fs::read_to_string(path).unwrap();
    for (after, what) in prose {
        let i = text.find(after).unwrap_or_else(|| panic!("no `{after}`")) + after.len();
        let eol = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
        text.insert_str(eol, what);
    }
    fs::write(path, text).unwrap();
}

#[test]
fn refresh_after_new_commits_keeps_prose_byte_for_byte() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    write_prose(
        &path,
        &[
            (
                "what changed since 9 Nov? -->",
                "Cache landed; ünïcödé prose, *my* Markdown.\n\n  odd   spacing  \n",
            ),
            (
                "What's next? -->",
                "Latency is down 30%.\n\n## My own heading\n- my list\n",
            ),
        ],
    );
    let before = fs::read_to_string(&path).unwrap();
    w.repo.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Shard the index",
        "search/shard.rs",
    ));
    w.draft("2026-11-23").success();
    let after = w.read("2026-11-23");
    assert!(after.contains("Shard the index"), "{after}");
    assert_eq!(blank_generated(&before), blank_generated(&after));
    assert_eq!(
        fs::read_to_string(w.env.updates().join(".2026-11-23.md.bak")).unwrap(),
        before,
        "the previous version is kept beside the doc"
    );
}

#[test]
fn refresh_keeps_crlf_line_endings() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    let crlf = fs::read_to_string(&path).unwrap().replace('\n', "\r\n");
    let crlf = crlf.replace(
        "since 9 Nov? -->\r\n",
        "since 9 Nov? -->\r\nÉcrit à la main.\r\n",
    );
    fs::write(&path, &crlf).unwrap();
    w.repo.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Shard the index",
        "search/shard.rs",
    ));
    w.draft("2026-11-23").success();
    let after = w.read("2026-11-23");
    assert!(after.contains("Shard the index"));
    assert!(after.contains("Écrit à la main.\r\n"));
    assert_eq!(
        after.matches('\n').count(),
        after.matches("\r\n").count(),
        "{after:?}"
    );
    assert_eq!(blank_generated(&crlf), blank_generated(&after));
}

#[test]
fn a_new_goal_gets_a_section_and_a_deleted_section_stays_deleted() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    // The person deletes the "Other work" section entirely.
    let text = fs::read_to_string(&path).unwrap();
    let start = text.find("## Other work").unwrap();
    let end = text.find("## What I need help with").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    fs::write(&path, &text).unwrap();
    // A goal is added to the config.
    let cfg = fs::read_to_string(&w.cfg).unwrap()
        + "\n[[goal]]\nid = \"docs\"\ntitle = \"Write the docs\"\nstatus = \"at-risk\"\nkeywords = [\"README\"]\n";
    fs::write(&w.cfg, cfg).unwrap();
    w.draft("2026-11-23").success();
    let after = w.read("2026-11-23");
    assert!(!after.contains("## Other work"), "{after}");
    assert!(!after.contains("<!-- icu:activity other -->"));
    let docs = after.find("### Write the docs").expect("new goal section");
    let first = after.find("### Cut search p99 latency").unwrap();
    let help = after.find("## What I need help with").unwrap();
    assert!(first < docs && docs < help, "{after}");
    assert!(after.contains("Tidy the README"));
}

#[test]
fn a_marker_inside_a_code_block_is_not_a_marker() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    write_prose(
        &path,
        &[(
            "what changed since 9 Nov? -->",
            "Quoting icu:\n\n```\n<!-- icu:activity search-latency -->\nnot generated\n```\n",
        )],
    );
    w.repo.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Shard the index",
        "search/shard.rs",
    ));
    w.draft("2026-11-23").success();
    let after = w.read("2026-11-23");
    assert!(after.contains("```\n<!-- icu:activity search-latency -->\nnot generated\n```"));
    assert!(after.contains("Shard the index"));
}

#[test]
fn damaged_markers_leave_the_file_untouched() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    let text = fs::read_to_string(&path).unwrap();
    // Remove the closing marker of the first goal's block.
    let opener = text.find("<!-- icu:activity search-latency -->").unwrap();
    let close = opener + text[opener..].find("<!-- /icu:activity -->").unwrap();
    let damaged = format!(
        "{}{}",
        &text[..close],
        &text[close + "<!-- /icu:activity -->".len()..]
    );
    fs::write(&path, &damaged).unwrap();
    let line = damaged
        .lines()
        .position(|l| l.contains("<!-- icu:activity search-latency -->"))
        .unwrap()
        + 1;
    w.draft("2026-11-23")
        .code(1)
        .stderr(predicate::str::contains(format!("line {line}")))
        .stderr(predicate::str::contains("not changed"));
    assert_eq!(fs::read_to_string(&path).unwrap(), damaged);
    assert!(!w.env.updates().join(".2026-11-23.md.bak").exists());
}

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
    w.icu(&["sent", "--at", "2026-11-10T15:00:00Z"]).success();
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
