//! A period with many commits: the update names every commit and every
//! credit it counts (it is the record `icu recap` reads), and an export —
//! `icu export` in every format, the mail `icu send` sends — shows at most
//! `update.list_limit` of each list under a repository's line, then how
//! many more the update lists.

use std::fs;

use crate::common::{add_to_update, answer_every_prompt, json, stderr, stdout, World, C};

/// The goal every commit of [`world`] goes to.
const GOAL: &str =
    "[[goal]]\nid = \"search\"\ntitle = \"Search latency\"\npaths = [\"search/**\"]\n";

/// The item an export gives for `n` commits or credits left out of a list
/// of today's update.
fn more(n: usize) -> String {
    format!("and {n} more, listed in the full update of 24 Nov 2026")
}

/// The repository `search` with 35 commits of mine (`Work 01` … `Work
/// 35`) and 35 changes of Bob's that I reviewed (`Their change 01` …), all
/// under the goal `search` on 12 Nov, with `update` lines added to the
/// config, and today's update drafted and finished by hand.
fn world(update: &str) -> World {
    let mine: Vec<(String, String, String)> = (1..=35)
        .map(|i| {
            (
                format!("2026-11-12T10:{i:02}:00Z"),
                format!("Work {i:02}"),
                format!("search/w{i:02}.rs"),
            )
        })
        .collect();
    let theirs: Vec<(String, String, String)> = (1..=35)
        .map(|i| {
            (
                format!("2026-11-12T11:{i:02}:00Z"),
                format!("Their change {i:02}\n\nReviewed-by: Ada Lovelace <ada@example.com>"),
                format!("search/t{i:02}.rs"),
            )
        })
        .collect();
    let commits = mine
        .iter()
        .map(|(d, m, f)| C::mine(d, m, f))
        .chain(theirs.iter().map(|(d, m, f)| C::theirs(d, m, f)))
        .collect();
    let w = World::new("search", commits, GOAL);
    add_to_update(&w.cfg, update);
    w.draft("2026-11-24").success();
    answer_every_prompt(&w.doc("2026-11-24"), "Written by hand.");
    w
}

/// `icu export --format FORMAT` of today's update.
fn export(w: &World, format: &str) -> String {
    stdout(&w.icu(&["export", "--format", format]).success())
}

/// How many of my commits and of Bob's changes `s` names.
fn named(s: &str) -> (usize, usize) {
    (
        s.matches("Work ").count(),
        s.matches("Their change ").count(),
    )
}

#[test]
fn the_update_names_every_commit_and_every_credit() {
    let w = world("");
    let doc = w.read("2026-11-24");
    assert!(doc.contains("- 35 commits in search, +35 −0\n"), "{doc}");
    assert!(
        doc.contains("- 35 changes by others in search: reviewed 35\n"),
        "{doc}"
    );
    for i in 1..=35 {
        assert!(
            doc.contains(&format!("  - Work {i:02} (")),
            "Work {i:02}: {doc}"
        );
        assert!(
            doc.contains(&format!("  - Their change {i:02} — Bob (")),
            "Their change {i:02}: {doc}"
        );
    }
    assert_eq!(named(&doc), (35, 35));
    assert!(!doc.contains(" more"), "{doc}");
}

#[test]
fn an_export_shows_the_first_thirty_of_a_list_and_says_how_many_more() {
    let w = world("");
    let before = w.read("2026-11-24");
    for format in ["text", "html", "md"] {
        let out = export(&w, format);
        assert_eq!(named(&out), (30, 30), "{format}: {out}");
        assert_eq!(out.matches(&more(5)).count(), 2, "{format}: {out}");
        // The newest first, as the update lists them: the oldest five go.
        assert!(out.contains("Work 06") && !out.contains("Work 05"), "{out}");
    }
    let text = export(&w, "text");
    assert!(
        text.contains("  - Work 06 (") && text.contains(&format!("  - {}\n", more(5))),
        "{text}"
    );
    // The update itself still names every one.
    assert_eq!(w.read("2026-11-24"), before);

    // The mail `icu send` sends is the same: its text part is the export.
    let eml = stdout(&w.icu(&["send", "--dry-run"]).success());
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert_eq!(msg.body_text(0).unwrap().replace("\r\n", "\n"), text);
    let html = msg.body_html(0).unwrap();
    assert_eq!(named(&html), (30, 30), "{html}");
    assert!(html.contains(&more(5)), "{html}");
}

#[test]
fn list_limit_sets_how_many_an_export_shows() {
    let w = world("list_limit = 5\n");
    for format in ["text", "html", "eml"] {
        let out = export(&w, format);
        if format == "eml" {
            let msg = mail_parser::MessageParser::default()
                .parse(out.as_bytes())
                .unwrap();
            let text = msg.body_text(0).unwrap();
            assert_eq!(named(&text), (5, 5), "{text}");
            assert_eq!(text.matches(&more(30)).count(), 2, "{text}");
            continue;
        }
        assert_eq!(named(&out), (5, 5), "{format}: {out}");
        assert_eq!(out.matches(&more(30)).count(), 2, "{format}: {out}");
    }
}

#[test]
fn list_limit_zero_never_shortens_a_list() {
    let w = world("list_limit = 0\n");
    for format in ["text", "html", "md"] {
        let out = export(&w, format);
        assert_eq!(named(&out), (35, 35), "{format}: {out}");
        assert!(!out.contains(" more, listed"), "{format}: {out}");
    }
}

#[test]
fn a_list_the_person_wrote_is_never_shortened() {
    let w = world("list_limit = 2\n");
    let doc = w.doc("2026-11-24");
    let text = fs::read_to_string(&doc).unwrap();
    let mine = "My own list:\n\n- one\n  - a\n  - b\n  - c\n";
    fs::write(
        &doc,
        text.replacen(
            "Written by hand.",
            &format!("Written by hand.\n\n{mine}"),
            1,
        ),
    )
    .unwrap();
    let md = export(&w, "md");
    assert!(md.contains(mine), "{md}");
    assert_eq!(named(&md), (2, 2), "{md}");
}

#[test]
fn an_export_with_a_bad_list_limit_stops_at_its_position() {
    let w = world("");
    let before = w.read("2026-11-24");
    add_to_update(&w.cfg, "list_limit = -1\n");
    let e = stderr(&w.icu(&["export", "--format", "text"]).code(2));
    let at = format!("{}:6:14", w.cfg.display());
    assert!(e.contains(&at), "{e}");
    assert!(e.contains("`list_limit` = -1 is out of range"), "{e}");
    assert!(e.contains("0 to never shorten a list"), "{e}");
    assert_eq!(w.read("2026-11-24"), before);
}

/// `icu recap` reads the totals from the repository lines, however long
/// the lists under them.
#[test]
fn the_recap_of_a_long_update_counts_every_commit_and_credit() {
    let w = world("list_limit = 5\n");
    w.sent("2026-11-24");
    let j = json(
        &w.icu(&["recap", "--since", "2026-11-01", "--json"])
            .success(),
    );
    let totals = &j["goals"][0]["totals"];
    assert_eq!(totals["commits"], 35, "{j}");
    assert_eq!(totals["credits"], 35, "{j}");
}
