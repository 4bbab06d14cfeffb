//! One update refreshed in place (`icu draft` again on its date), through
//! the binary: the new activity comes in, and what the person wrote outside
//! icu's activity blocks stays byte for byte — prose, headings of their own,
//! CRLF line endings, a byte-order mark, a section they deleted — and a
//! marker shown in a code block stays text. Text typed inside a block is refused rather than lost,
//! unless `--force`, which keeps the old file as a backup and says so. An
//! update written before icu recorded its blocks, or before the goal's status
//! moved from its heading into its block, is refreshed and loses nothing.
//!
//! The loop over several updates is `lifecycle`; an update damaged by hand
//! is `bad_input`.

use std::fs;

use crate::common::{activity_block, stderr, write_prose, World, C, TODAY};
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

#[test]
fn a_byte_order_mark_is_kept() {
    let d = World::drafted(TODAY);
    let text = fs::read_to_string(d.doc(TODAY)).unwrap();
    // Stale activity, as an update from before icu recorded its blocks has
    // it: refreshed unchecked.
    let stale: String = text
        .replace("- 1 commit in good", "- stale line")
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("blocks = "))
        .collect();
    let with_bom = format!("\u{feff}{stale}");
    fs::write(d.doc(TODAY), &with_bom).unwrap();
    d.icu(&["draft", "--no-edit", "--date", TODAY]).success();
    let after = fs::read_to_string(d.doc(TODAY)).unwrap();
    assert!(after.starts_with("\u{feff}+++\n"));
    assert_eq!(after, format!("\u{feff}{text}"));
    d.icu(&["check", d.doc(TODAY).to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains("Summary"));
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

// --- text typed inside a block ------------------------------------------------

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

// --- updates an older icu wrote -------------------------------------------------

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
    w.set_goal("at-risk", "2027-03-31");
    w.draft("2026-11-09").success();
    let after = w.read("2026-11-09");
    assert!(
        after.contains("\n### Cut search p99 latency — on track, due 31 Mar 2027\n"),
        "the heading is the person's: {after}"
    );
    assert!(
        activity_block(&after, "search-latency")
            .starts_with("\n*At risk · due 31 Mar 2027*\n- 1 commit"),
        "{after}"
    );
}
