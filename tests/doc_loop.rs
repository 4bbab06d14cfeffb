//! The document over several updates, driven through the binary as a person
//! lives it: asks written in any list, carried with their first date and
//! dropped once resolved; edits inside an activity block refused rather than
//! lost; the goal's status and due date as they are now.

use std::fs;

use crate::common::{json, set_config_key, stderr, stdout, World};

/// The help section's prompt, as the template writes it.
const HELP_PROMPT: &str = "carried to your next update. -->\n";

/// The help section of a doc: from its heading to the end.
fn help(doc: &str) -> &str {
    &doc[doc.find("## What I need help with").expect("help section")..]
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

/// The note a person types under a commit bullet, inside the goal's block.
const NOTE: &str = "    note: this one halved p99 on the dashboard\n";

/// Types [`NOTE`] under the first commit bullet of the goal's block.
fn type_note_in_block(w: &World, date: &str) -> usize {
    let text = w.read(date);
    let bullet = text
        .find("  - Add tiered cache")
        .expect("the commit bullet");
    let eol = bullet + text[bullet..].find('\n').unwrap() + 1;
    w.write(date, &format!("{}{NOTE}{}", &text[..eol], &text[eol..]));
    text[..eol].lines().count() + 1
}

#[test]
fn a_note_typed_inside_a_block_is_refused_not_dropped() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    let line = type_note_in_block(&w, "2026-11-09");
    let typed = w.read("2026-11-09");
    w.commit("2026-11-07T10:00:00Z", "Shard the index");

    let refused = w.draft("2026-11-09").code(1);
    let err = stderr(&refused);
    assert!(
        err.contains("your text inside icu's activity blocks would be lost"),
        "{err}"
    );
    assert!(
        err.contains("the activity block `search-latency` holds text icu did not write"),
        "{err}"
    );
    assert!(
        err.contains(&format!("- {line} |     note: this one halved p99")),
        "the typed line is shown with its number:\n{err}"
    );
    assert!(err.contains("icu draft --force"), "{err}");
    assert!(!err.contains("unchanged"), "{err}");
    assert_eq!(w.read("2026-11-09"), typed, "the file is left as it was");
    assert!(!w.bak("2026-11-09").exists());

    // Moved out of the block, below its end: the refresh goes through.
    let moved = typed.replacen(NOTE, "", 1).replacen(
        "<!-- /icu:activity -->\n",
        &format!("<!-- /icu:activity -->\n{}", NOTE.trim_start()),
        1,
    );
    w.write("2026-11-09", &moved);
    let ok = w.draft("2026-11-09").success();
    assert!(
        stderr(&ok).contains("your text is unchanged"),
        "{}",
        stderr(&ok)
    );
    let after = w.read("2026-11-09");
    assert!(after.contains("Shard the index"), "{after}");
    assert!(after.contains("\nnote: this one halved p99"), "{after}");
}

#[test]
fn force_replaces_an_edited_block_keeps_it_in_the_backup_and_says_so() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    type_note_in_block(&w, "2026-11-09");
    let typed = w.read("2026-11-09");
    // Sent, too: --force overrides both refusals and names each.
    w.sent("2026-11-09");
    let sent = w.read("2026-11-09");
    w.commit("2026-11-07T10:00:00Z", "Shard the index");
    w.draft("2026-11-09")
        .code(1)
        .stderr(predicates::str::contains("already sent"));

    let forced = w.icu(&["draft", "--no-edit", "--force", "--date", "2026-11-09"]);
    let err = stderr(&forced.success());
    assert!(err.contains("--force: refreshed"), "{err}");
    assert!(err.contains("which was already sent"), "{err}");
    assert!(
        err.contains("--force: replaced your text in the activity block `search-latency`"),
        "{err}"
    );
    assert!(!err.contains("your text is unchanged"), "{err}");
    let after = w.read("2026-11-09");
    assert!(after.contains("Shard the index"), "{after}");
    assert!(!after.contains("halved p99"), "{after}");
    let bak = fs::read_to_string(w.bak("2026-11-09")).unwrap();
    assert_eq!(bak, sent, "the backup is the file as it was");
    assert!(bak.contains(NOTE) && typed.contains(NOTE));
}

#[test]
fn an_update_from_before_blocks_were_recorded_is_refreshed_and_never_called_unchanged() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    type_note_in_block(&w, "2026-11-09");
    let old: String = w
        .read("2026-11-09")
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("blocks = "))
        .collect();
    w.write("2026-11-09", &old);
    w.commit("2026-11-07T10:00:00Z", "Shard the index");

    let err = stderr(&w.draft("2026-11-09").success());
    assert!(!err.contains("your text is unchanged"), "{err}");
    assert!(
        err.contains("your text outside the activity blocks is unchanged"),
        "{err}"
    );
    assert!(
        err.contains("no record of what it wrote in `totals`, `search-latency`"),
        "{err}"
    );
    assert!(err.contains(".2026-11-09.md.bak"), "{err}");
    // From now on the blocks are recorded, and an edit is refused.
    assert!(w.read("2026-11-09").contains("\nblocks = { totals = \""));
    type_note_in_block(&w, "2026-11-09");
    w.commit("2026-11-08T10:00:00Z", "Cache the plans");
    w.draft("2026-11-09").code(1);
}

#[test]
fn a_crlf_doc_with_recorded_blocks_refreshes() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    let crlf = w.read("2026-11-09").replace('\n', "\r\n");
    w.write("2026-11-09", &crlf);
    w.commit("2026-11-07T10:00:00Z", "Shard the index");
    let err = stderr(&w.draft("2026-11-09").success());
    assert!(err.contains("your text is unchanged"), "{err}");
    let after = w.read("2026-11-09");
    assert!(
        after.contains("Shard the index\r\n") || after.contains("Shard the index ("),
        "{after}"
    );
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
}

/// The content of the activity block `key` in `doc`, without its markers.
fn block<'a>(doc: &'a str, key: &str) -> &'a str {
    let open = format!("<!-- icu:activity {key} -->\n");
    let start = doc.find(&open).expect("the block") + open.len();
    let end = start + doc[start..].find("<!-- /icu:activity -->").unwrap();
    &doc[start..end]
}

/// Sets the goal's status and due date in the config.
fn set_goal(w: &World, status: &str, due: &str) {
    set_config_key(&w.cfg, "status", &format!("\"{status}\""));
    set_config_key(&w.cfg, "due", due);
}

#[test]
fn the_goal_status_and_due_follow_the_config_on_refresh() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    let first = w.read("2026-11-09");
    assert!(first.contains("\n### Cut search p99 latency\n"), "{first}");
    assert!(
        block(&first, "search-latency").starts_with("*On track · due 31 Mar 2027*\n- 1 commit"),
        "{first}"
    );
    // The person writes; the goal slips in the config.
    w.edit(
        "2026-11-09",
        "What's next? -->\n",
        "What's next? -->\nThe cache shipped.\n",
    );
    set_goal(&w, "off-track", "2027-06-30");
    let err = stderr(&w.draft("2026-11-09").success());
    assert!(err.contains("your text is unchanged"), "{err}");
    let second = w.read("2026-11-09");
    assert!(
        block(&second, "search-latency").starts_with("*Off track · due 30 Jun 2027*\n"),
        "{second}"
    );
    assert!(second.contains("\n### Cut search p99 latency\n<!-- icu:write What moved this goal forward? What's next? -->\nThe cache shipped.\n"));
    // What `icu goals` says is what the update says.
    w.icu(&["goals", "--date", "2026-11-09"])
        .success()
        .stdout(predicates::str::contains("off-track"));
    // And the next update starts from the goal as it is then.
    w.sent("2026-11-09");
    set_goal(&w, "done", "2027-06-30");
    w.draft("2026-11-23").success();
    let third = w.read("2026-11-23");
    assert!(
        block(&third, "search-latency").starts_with("*Done · due 30 Jun 2027*\n"),
        "{third}"
    );
}

#[test]
fn an_older_doc_keeps_its_heading_as_written_and_gains_the_status_line() {
    let w = World::search_due();
    w.draft("2026-11-09").success();
    // As icu wrote it before: the status in the heading, none in the block,
    // no `blocks` recorded.
    let old: String = w
        .read("2026-11-09")
        .replace(
            "### Cut search p99 latency\n",
            "### Cut search p99 latency — on track, due 31 Mar 2027\n",
        )
        .replace("*On track · due 31 Mar 2027*\n", "")
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("blocks = "))
        .collect();
    w.write("2026-11-09", &old);
    set_goal(&w, "at-risk", "2027-03-31");
    w.draft("2026-11-09").success();
    let after = w.read("2026-11-09");
    assert!(
        after.contains("\n### Cut search p99 latency — on track, due 31 Mar 2027\n"),
        "the heading is the person's: {after}"
    );
    assert!(
        block(&after, "search-latency").starts_with("*At risk · due 31 Mar 2027*\n- 1 commit"),
        "{after}"
    );
}
