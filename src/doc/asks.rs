//! The asks: every top-level list item under the "need help" heading.
//!
//! An ask is an item of a top-level list in the help section, whatever its
//! bullet (`-`, `*`, `+`, `1.`, `1)`) and whether or not it is a task item.
//! It is resolved when it is checked (`[x]`, `[X]`) or struck through as a
//! whole (`~~…~~`). The `(asked 9 Nov)` suffix icu writes after a carried ask
//! keeps its first date. Items are found with comrak ([`markers::outline`]),
//! so an item in a code block, a quote or a nested list is not an ask; what
//! else the help section holds is [`not_carried`].

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::markers::{self, Kind, NodeKind, Outline};
use super::{frontmatter, DocError};

/// One ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The person's Markdown, without the list marker, the checkbox and the
    /// `(asked …)` suffix; an item written over several lines is one line.
    pub text: String,
    /// When it was first asked.
    pub asked: NaiveDate,
    /// Checked (`- [x]`) or struck through (`~~…~~`).
    pub done: bool,
}

static HELP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bhelp\b").expect("help heading regex"));
/// The list marker an item starts with, and a task item's checkbox.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)(?:\[([ xX])\](?:[ \t]+|$))?")
        .expect("list item regex")
});
/// `(asked 9 Nov)` at the end of a line, inside a closing `~~` or not.
static ASKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[ \t]*\(asked[ \t]+([^()]*?)[ \t]*\)[ \t]*(~~)?[ \t]*$")
        .expect("asked suffix regex")
});

/// The line range (1-based, inclusive start, exclusive end) of the help
/// section: the first heading that mentions "help" and whose section holds
/// no generated block (a goal titled "Help center migration" is a goal).
pub fn help_section(outline: &Outline) -> Option<(usize, usize)> {
    outline
        .headings
        .iter()
        .filter(|h| HELP.is_match(&h.text))
        .map(|h| {
            let end = outline
                .next_heading_after(h.end_line, h.level)
                .map_or(outline.lines.len() + 1, |n| n.line);
            (h.end_line + 1, end)
        })
        .find(|(start, end)| {
            !outline
                .markers_in(*start..*end)
                .iter()
                .any(|m| matches!(m.kind, markers::Kind::Open { .. }))
        })
}

/// Every ask in the help section of `text`, dated `doc_date`: an item
/// without an `(asked …)` suffix was first asked in this update.
pub fn asks(text: &str, doc_date: NaiveDate) -> Result<Vec<Ask>, DocError> {
    let (_, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    Ok(asks_in(text, &outline, doc_date))
}

/// Like [`asks`], over an outline already made.
pub fn asks_in(text: &str, outline: &Outline, doc_date: NaiveDate) -> Vec<Ask> {
    let Some((start, end)) = help_section(outline) else {
        return Vec::new();
    };
    outline
        .nodes_in(start..end)
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::List { items, .. } => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|(first, last)| ask(text, outline, *first, *last, doc_date))
        .collect()
}

/// The lines (1-based) of the help section that a reader reads but that are
/// no ask, so the next update will not carry them: the first line of each
/// paragraph, quote, code block, table or HTML there, and a prompt line with
/// text after the prompt. Comments, headings and breaks are not listed.
pub fn not_carried(outline: &Outline) -> Vec<usize> {
    let Some((start, end)) = help_section(outline) else {
        return Vec::new();
    };
    let text = outline
        .nodes_in(start..end)
        .iter()
        .filter(|n| n.kind == NodeKind::Text)
        .map(|n| n.line);
    let after_prompt = outline
        .markers_in(start..end)
        .iter()
        .filter(|m| matches!(&m.kind, Kind::Write { after, .. } if !after.is_empty()))
        .map(|m| m.line);
    let mut lines: Vec<usize> = text.chain(after_prompt).collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// The ask written on lines `first..=last`, if it says anything.
fn ask(
    text: &str,
    outline: &Outline,
    first: usize,
    last: usize,
    doc_date: NaiveDate,
) -> Option<Ask> {
    let head = outline.lines.text(text, first);
    let marker = ITEM.captures(head)?;
    let checked = marker.get(1).is_some_and(|c| c.as_str() != " ");
    let mut parts = vec![head[marker.get(0).map_or(0, |m| m.end())..].to_string()];
    parts.extend((first + 1..=last).map(|n| outline.lines.text(text, n).to_string()));
    let mut asked = None;
    for part in &mut parts {
        if asked.is_some() {
            break;
        }
        let Some(c) = ASKED.captures(part) else {
            continue;
        };
        if let Some(d) = parse_asked(&c[1], doc_date) {
            let strike = c.get(2).map_or("", |m| m.as_str()).to_string();
            part.truncate(c.get(0).map_or(part.len(), |m| m.start()));
            part.push_str(&strike);
            asked = Some(d);
        }
    }
    let text = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return None;
    }
    Some(Ask {
        done: checked || struck_through(&text),
        asked: asked.unwrap_or(doc_date),
        text,
    })
}

/// `~~all of it~~`: one strikethrough over the whole text.
fn struck_through(text: &str) -> bool {
    text.len() > 4
        && text.starts_with("~~")
        && text.ends_with("~~")
        && !text[2..text.len() - 2].contains("~~")
        && !text[2..text.len() - 2].trim().is_empty()
}

/// `9 Nov` (the latest such day not after `doc_date`), `9 Nov 2025` or
/// `2025-11-09`.
fn parse_asked(s: &str, doc_date: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%d %b %Y") {
        return Some(d);
    }
    for year in [doc_date.year(), doc_date.year() - 1] {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("{s} {year}"), "%d %b %Y") {
            if d <= doc_date {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ask(text: &str, asked: &str, done: bool) -> Ask {
        Ask {
            text: text.into(),
            asked: d(asked),
            done,
        }
    }

    const FM: &str =
        "+++\ndate = 2026-01-05\nsince = 2025-12-22T00:00:00Z\nuntil = 2026-01-06T00:00:00Z\n+++\n";

    #[test]
    fn items_under_the_help_heading_with_their_dates() {
        let text = format!("{FM}## Goals\n- [ ] not an ask\n\n## What I need help with\n<!-- icu:write X -->\n- [ ] Access to *prod* traces (asked 9 Dec)\n- [x] Budget (asked 2025-10-01)\n- [ ] A new one\n  spanning two lines\n- plain bullet\n\n## After\n- [ ] nope\n");
        let a = asks(&text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                ask("Access to *prod* traces", "2025-12-09", false),
                ask("Budget", "2025-10-01", true),
                ask("A new one spanning two lines", "2026-01-05", false),
                ask("plain bullet", "2026-01-05", false),
            ]
        );
    }

    #[test]
    fn every_top_level_item_is_an_ask_whatever_its_list() {
        let text = format!("{FM}## What I need help with\n<!-- icu:write X -->\n- need a reviewer\n\n* a dash of star (asked 9 Dec)\n\n+ a plus\n\n1. numbered\n2) numbered with a paren\n7. [X] numbered and checked\n");
        let a = asks(&text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                ask("need a reviewer", "2026-01-05", false),
                ask("a dash of star", "2025-12-09", false),
                ask("a plus", "2026-01-05", false),
                ask("numbered", "2026-01-05", false),
                ask("numbered with a paren", "2026-01-05", false),
                ask("numbered and checked", "2026-01-05", true),
            ]
        );
    }

    #[test]
    fn struck_through_is_resolved_and_keeps_nothing_of_the_suffix() {
        let text = format!("{FM}## Help\n- ~~a reviewer~~ (asked 9 Dec)\n- ~~budget (asked 2 Dec)~~\n- [ ] ~~traces~~\n- ~~half~~ struck\n- ~~one~~ and ~~two~~\n- ~~~~\n");
        let a = asks(&text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                ask("~~a reviewer~~", "2025-12-09", true),
                ask("~~budget~~", "2025-12-02", true),
                ask("~~traces~~", "2026-01-05", true),
                ask("~~half~~ struck", "2026-01-05", false),
                ask("~~one~~ and ~~two~~", "2026-01-05", false),
                ask("~~~~", "2026-01-05", false),
            ]
        );
    }

    #[test]
    fn items_in_code_quotes_and_nested_lists_are_not_asks() {
        let text = format!("{FM}## What I need help with\n```\n- [ ] in a fence\n```\n\n    - indented code\n\n> - quoted\n\n- the ask\n  - a detail of it\n- [ ] a carried ask (asked 9 Dec)\n  - pinged Bob again\n");
        let a = asks(&text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                ask("the ask - a detail of it", "2026-01-05", false),
                ask("a carried ask - pinged Bob again", "2025-12-09", false),
            ]
        );
    }

    #[test]
    fn what_is_not_a_list_item_is_listed_as_not_carried() {
        let text = format!("{FM}## Goals\nprose elsewhere\n\n## What I need help with\n<!-- icu:write X --> Nothing this week.\n<!-- a note to self -->\nA paragraph.\n- an ask\n\n> quoted\n\n---\n\n```\ncode\n```\n### For Grace\n- another ask\n\n## Next\nafter\n");
        let (_, _, body) = frontmatter::split(&text).unwrap();
        let o = markers::outline(&text, body).unwrap();
        assert_eq!(not_carried(&o), vec![10, 12, 15, 19]);
        assert_eq!(asks_in(&text, &o, d("2026-01-05")).len(), 2);
    }
}
