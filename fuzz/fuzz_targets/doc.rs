//! Every function that reads an update document, on arbitrary text: none may
//! panic, and whatever they return must keep the document's contract:
//!
//! - a refresh changes no byte of the body outside the generated blocks,
//!   except for whole new goal sections inserted at one place; the blocks
//!   hold the fresh content; a second refresh changes nothing; a CRLF doc
//!   stays CRLF; the result still parses; a refresh refused for text typed
//!   in a block goes through with `Edits::Replace` under the same contract;
//! - `mark_sent` changes only `status` and `sent`;
//! - the Markdown export has `\n` line endings and no front matter.
#![no_main]

use chrono::{DateTime, FixedOffset, NaiveDate};
use icu::testing::doc::frontmatter::{self, Status};
use icu::testing::doc::markers;
use icu::testing::doc::refresh::Edits;
use icu::testing::doc::{asks, check, export_md, refresh, DocError};
use libfuzzer_sys::fuzz_target;

/// A complete render, as `icu draft` writes it, for goals `a` and `b`.
const FRESH: &str = include_str!("../seeds/doc/fresh.md");

/// A parsed doc: its front matter, the body with every block emptied, and
/// the blocks' keys and contents.
struct Parsed {
    fm: frontmatter::FrontMatter,
    body: String,
    blocks: Vec<(String, String)>,
}

fn parse(text: &str) -> Option<Parsed> {
    let (fm, _, body) = frontmatter::split(text).ok()?;
    let outline = markers::outline(text, body).ok()?;
    let blocks = outline.blocks().ok()?;
    let mut blanked = text[body..].to_string();
    for b in blocks.iter().rev() {
        let r = b.content();
        blanked.replace_range(r.start - body..r.end - body, "");
    }
    let blocks = blocks
        .iter()
        .map(|b| (b.key.clone(), text[b.content()].to_string()))
        .collect();
    Some(Parsed {
        fm,
        body: blanked,
        blocks,
    })
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Whether `a` is `b` with one run of text inserted somewhere.
fn is_insertion(a: &str, b: &str) -> bool {
    a.len() >= b.len() && common_prefix(a, b) + common_suffix(a, b) >= b.len()
}

fn crlf(text: &str) -> bool {
    frontmatter::layout(text).is_ok_and(|l| l.crlf)
}

/// `s` with `\r\n` line endings when the doc has them.
fn eol(s: &str, crlf: bool) -> String {
    if crlf {
        s.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        s.to_string()
    }
}

/// `out` is `refresh(old, fresh)`.
fn check_refresh(old: &str, fresh: &str, out: &str) {
    let o = parse(old).expect("refresh accepted a doc that does not parse");
    let f = parse(fresh).expect("the fresh doc parses");
    let n = parse(out).expect("a refreshed doc no longer parses");
    let crlf = crlf(old);

    // The period comes from the fresh render; the rest of the front matter
    // stays.
    assert_eq!(n.fm.since, f.fm.since);
    assert_eq!(n.fm.until, f.fm.until);
    assert_eq!(
        (n.fm.date, n.fm.status, n.fm.sent),
        (o.fm.date, o.fm.status, o.fm.sent)
    );

    // Blocks: the old ones in order, then those of the goals that are new.
    let known: Vec<&str> =
        o.fm.goals
            .iter()
            .map(String::as_str)
            .chain(o.blocks.iter().map(|(k, _)| k.as_str()))
            .collect();
    let added: Vec<&str> = f
        .blocks
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !known.contains(k))
        .collect();
    let old_keys: Vec<&str> = o.blocks.iter().map(|(k, _)| k.as_str()).collect();
    let new_keys: Vec<&str> = n.blocks.iter().map(|(k, _)| k.as_str()).collect();
    let kept: Vec<&str> = new_keys
        .iter()
        .copied()
        .filter(|k| !added.contains(k))
        .collect();
    assert_eq!(kept, old_keys, "the old blocks are not all kept, in order");
    let mut inserted: Vec<&str> = new_keys
        .iter()
        .copied()
        .filter(|k| added.contains(k))
        .collect();
    inserted.sort_unstable();
    let mut want = added.clone();
    want.sort_unstable();
    assert_eq!(
        inserted, want,
        "a new goal's block did not arrive as a block"
    );

    // Every block holds the fresh content (or says its goal is gone).
    for (key, content) in &n.blocks {
        let want = match f.blocks.iter().find(|(k, _)| k == key) {
            Some((_, c)) => eol(c, crlf),
            None => eol(&refresh::gone_note(key), crlf),
        };
        assert_eq!(
            content, &want,
            "block {key} does not hold the fresh content"
        );
    }

    // Outside the blocks, the body is the old one, plus one inserted run
    // when there are new goals.
    if added.is_empty() {
        assert_eq!(
            n.body, o.body,
            "refresh changed the body outside the blocks"
        );
    } else {
        assert!(
            is_insertion(&n.body, &o.body),
            "refresh changed the body outside the blocks and the inserted sections"
        );
    }
    if crlf && !old.replace("\r\n", "").contains(['\n', '\r']) {
        assert!(
            !out.replace("\r\n", "").contains(['\n', '\r']),
            "a CRLF doc got another line ending"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let when: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2026-11-24T17:00:00Z").unwrap();

    let split = frontmatter::split(text);
    if let Ok((_, toml, body)) = &split {
        assert!(toml.end <= *body && *body <= text.len());
        if let Ok(o) = markers::outline(text, *body) {
            let _ = o.blocks();
        }
    }
    if let Ok(o) = markers::outline(text, 0) {
        let _ = o.blocks();
    }
    let checked = check::check(text);
    let _ = asks::asks(text, date);
    if let Ok(md) = export_md::export_markdown(text, None) {
        assert!(!md.contains('\r'), "the export keeps a CR");
    }
    // A long list shortened, as a mail export does.
    let _ = export_md::export_markdown(text, Some(1));
    let exported = export_md::export_markdown(text, None);
    if exported.is_ok() {
        assert!(checked.is_ok(), "export accepts a doc that check refuses");
    }

    // mark_sent: status and sent change, nothing else does.
    if let Ok(sent) = frontmatter::mark_sent(text, when) {
        let (fm, _, body) = split
            .as_ref()
            .expect("mark_sent accepted a doc split refuses");
        let (fm2, _, body2) =
            frontmatter::split(&sent).expect("a doc marked sent no longer parses");
        assert_eq!(fm2.status, Status::Sent);
        assert_eq!(fm2.sent, Some(when));
        assert_eq!(
            (fm2.date, fm2.since, fm2.until, &fm2.goals),
            (fm.date, fm.since, fm.until, &fm.goals)
        );
        assert_eq!(&sent[body2..], &text[*body..], "mark_sent changed the body");
        assert_eq!(
            frontmatter::mark_sent(&sent, when).as_deref(),
            Ok(sent.as_str()),
            "mark_sent twice changes the doc again"
        );
    }

    // A doc refreshed with itself: no new goals, so nothing outside the
    // blocks may change.
    if let Ok(out) = refresh::refresh(text, text) {
        check_refresh(text, text, &out);
        assert_eq!(
            refresh::refresh(&out, &out).as_deref(),
            Ok(out.as_str()),
            "refresh(s, s) is not a fixpoint"
        );
    }
    match refresh::refresh(text, FRESH) {
        Ok(out) => {
            check_refresh(text, FRESH, &out);
            assert!(
                check::check(&out).is_ok(),
                "a refreshed doc no longer checks"
            );
            assert_eq!(
                refresh::refresh(&out, FRESH).as_deref(),
                Ok(out.as_str()),
                "refresh is not idempotent"
            );
        }
        // Refused for the person's text in a block: `--force` replaces it
        // and the result keeps the same contract.
        Err(DocError::EditedBlocks(blocks)) => {
            assert!(!blocks.is_empty());
            let r = refresh::refresh_with(text, FRESH, Edits::Replace)
                .expect("a refresh refused only for edits goes through with --force");
            assert_eq!(r.replaced, blocks);
            check_refresh(text, FRESH, &r.text);
            assert_eq!(
                refresh::refresh(&r.text, FRESH).as_deref(),
                Ok(r.text.as_str()),
                "a forced refresh is not idempotent"
            );
        }
        Err(_) => {}
    }
});
