//! The plain-text part of the mail (`icu export --format text`, and the
//! text part of the `.eml`): links as numbered references listed at the end
//! of their section, prose wrapped at 72 columns, and what the person wrote
//! kept as they wrote it.

use unicode_width::UnicodeWidthStr;

use crate::common::{mail_world, stdout, DraftedWorld, SUBJECT};

/// A line of the reference list: `[n] URL`.
fn is_reference(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|l| l.split_once("] "))
        .is_some_and(|(n, url)| {
            n.chars().all(|c| c.is_ascii_digit()) && url.starts_with("https://")
        })
}

#[test]
fn commit_links_are_references_listed_after_their_section() {
    let (w, id) = mail_world();
    let text = stdout(&w.icu(&["export", "--format", "text"]).success());
    let commit = format!("https://github.com/acme/search/commit/{id}");

    // The commit's short id carries a number; the full URL is on one line
    // of the list, under that number, and nowhere else.
    let short = &id[..7];
    let at = text.find(&format!("({short} [")).expect(&text);
    let n: String = text[at + short.len() + 3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(
        text.lines().any(|l| l == format!("[{n}] {commit}")),
        "{text}"
    );
    assert_eq!(text.matches(&commit).count(), 1, "{text}");
    assert!(!text.contains("(https://"), "no URL in brackets: {text}");

    // Numbered through the message; each section's list comes before the
    // next heading: the dashboard link of the summary before "Goals".
    let dashboard = text
        .find("[1] https://dashboards.example.com/search/latency?range=14d&tenant=all\n")
        .expect(&text);
    assert!(dashboard < text.find("\nGoals\n-----\n").unwrap(), "{text}");
    assert!(text.contains("prod dashboard [1]"), "{text}");
    // A bare URL is already readable: it stays where it is, unnumbered.
    assert!(text.contains("https://example.com/traces\n"), "{text}");
    assert!(!text.contains("] https://example.com/traces"), "{text}");

    // Nothing wider than 72 columns but a reference's URL.
    for line in text.lines() {
        assert!(
            line.width() <= 72 || is_reference(line),
            "{} columns: {line:?}\n{text}",
            line.width()
        );
    }

    // The mail's text part is this export.
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert_eq!(msg.body_text(0).unwrap().replace("\r\n", "\n"), text);
}

#[test]
fn prose_is_wrapped_at_72_and_keeps_the_persons_words_and_lines() {
    let (w, _) = mail_world();
    let text = stdout(&w.icu(&["export", "--format", "text"]).success());

    // The long paragraph, re-wrapped: every word in its order, nothing
    // added but the link's number, every line within 72 columns.
    let summary = text
        .split("Summary\n-------\n\n")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .expect(&text);
    assert!(summary.lines().count() > 1, "{summary}");
    assert!(summary.lines().all(|l| l.width() <= 72), "{summary}");
    assert_eq!(
        summary.split_whitespace().collect::<Vec<_>>().join(" "),
        "The query-plan cache is *live* behind the plan_cache flag; p99 is down to 240 ms from 410 ms on the prod dashboard [1], measured over seven days."
    );
    // Short lines the person broke themselves stay as they are.
    assert!(
        text.contains("\n\nShort line one.\nShort line two.\n\n"),
        "{text}"
    );
    // A quote wraps inside its marks.
    assert!(
        text.contains("> From the review: keep the planner change behind a flag until the load\n> test is green.\n"),
        "{text}"
    );
    // Code and tables are never re-wrapped.
    assert!(text.contains("\n    cargo bench --bench plan\n"), "{text}");
    assert!(text.contains("\np99    | 410 ms | 240 ms\n"), "{text}");

    // A commit subject longer than a line hangs under its bullet, whole.
    let words: Vec<&str> = SUBJECT.split(' ').collect();
    let at = text.find(words[0]).expect(&text);
    let listed: Vec<&str> = text[at..].split_whitespace().take(words.len()).collect();
    assert_eq!(listed, words, "{text}");
    let line = text[at..].lines().nth(1).unwrap();
    assert!(line.starts_with("    "), "hanging indent: {line:?}\n{text}");
}

/// A goal that claims the one commit, at risk with a due date.
const GOAL: &str = "\n[[goal]]\nid = \"latency\"\ntitle = \"Search latency\"\nstatus = \"at-risk\"\ndue = 2027-03-31\nrepos = [\"search\"]\n";

#[test]
fn a_goals_title_is_underlined_with_its_status_right_under_it() {
    let w = DraftedWorld {
        after: GOAL,
        ..DraftedWorld::default()
    }
    .draft();
    w.answer_every_prompt("It went *well*, **mostly**.");
    let text = stdout(&w.icu(&["export", "--format", "text"]).success());
    // The title, underlined as the heading it is; the status icu keeps in
    // its block, moved up to the title; then the person's words, as they
    // wrote them, emphasis marks and all; then the activity.
    let at = text.find("\nSearch latency\n").expect(&text);
    assert!(
        text[at..].starts_with(
            "\nSearch latency\n~~~~~~~~~~~~~~\n\n*At risk · due 31 Mar 2027*\n\nIt went *well*, **mostly**.\n\n- 1 commit in search"
        ),
        "{text}"
    );
    // The update itself keeps its order: the status first in the block.
    let doc = w.doc_text();
    assert!(
        doc.find("It went *well*").unwrap() < doc.find("*At risk · due 31 Mar 2027*").unwrap(),
        "{doc}"
    );
}

#[test]
fn no_line_of_the_mail_starts_with_from() {
    let w = DraftedWorld::default().draft();
    // A paragraph whose line would wrap before "From", and a short line
    // the person started with it.
    let prose = format!(
        "{} From the review on, the planner change stays behind a flag.\n\nShort line.\nFrom now on, weekly.",
        "word ".repeat(14).trim_end()
    );
    w.answer_every_prompt(&prose);
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    // Raw: not one line of the message, whatever its transfer encoding.
    assert!(
        eml.split("\r\n")
            .chain(eml.split('\n'))
            .all(|l| !l.starts_with("From ")),
        "{eml}"
    );
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    // Decoded: the reader still reads "From", after a space in the text
    // part and as a character reference in the HTML.
    let text = msg.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(text.lines().all(|l| !l.starts_with("From ")), "{text}");
    assert!(
        text.contains("\nShort line.\n From now on, weekly.\n"),
        "{text}"
    );
    assert!(text.contains("\nword From the review on"), "{text}");
    let html = msg.body_html(0).unwrap().replace("\r\n", "\n");
    assert!(html.lines().all(|l| !l.starts_with("From ")), "{html}");
    assert!(html.contains("\n&#70;rom now on, weekly."), "{html}");
}
