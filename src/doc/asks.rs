//! The asks: every top-level list item under the "need help" heading.
//!
//! An ask is an item of a top-level list in the help section, whatever its
//! bullet (`-`, `*`, `+`, `1.`, `1)`) and whether or not it is a task item.
//! It is resolved when it is checked (`[x]`, `[X]`) or struck through as a
//! whole (`~~…~~`). The `(asked 9 Nov)` suffix icu writes after a carried ask
//! keeps its first date. Items are found with comrak ([`markers::outline`]),
//! so an item in a code block, a quote or a nested list is not an ask; what
//! else the help section holds is [`not_carried`].
//!
//! An ask is its first paragraph ([`Ask::text`], one line, where the
//! checkbox and the `(asked …)` suffix are) and what the item holds after it
//! ([`Ask::details`]: a nested list, another paragraph), kept as Markdown
//! without the item's indentation, so that the next update carries it nested
//! under the carried item, as written.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use comrak::nodes::NodeValue;
use regex::Regex;

use super::markers::{self, Kind, NodeKind, Outline};
use super::{frontmatter, DocError};

/// One ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The item's first paragraph: the person's Markdown, without the list
    /// marker, the checkbox and the `(asked …)` suffix; a paragraph written
    /// over several lines is one line.
    pub text: String,
    /// The rest of the item as written (a nested list, another paragraph),
    /// each line without the item's indentation; a blank line between the
    /// first paragraph and the rest is kept as one empty first line. Empty
    /// when the item is one paragraph.
    pub details: String,
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
    let lines: Vec<&str> = (first..=last)
        .map(|n| outline.lines.text(text, n))
        .collect();
    let shape = item_shape(&lines.join("\n"));
    let marker = ITEM.captures(lines[0])?;
    let checked = marker.get(1).is_some_and(|c| c.as_str() != " ");
    let head_lines = shape.head_lines.clamp(1, lines.len());
    let mut parts = vec![lines[0][marker.get(0).map_or(0, |m| m.end())..].to_string()];
    parts.extend(lines[1..head_lines].iter().map(|l| l.to_string()));
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
    let head = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let details = details(&lines[head_lines..], shape.content_column);
    if head.is_empty() && details.trim().is_empty() {
        return None;
    }
    Some(Ask {
        done: checked || struck_through(&head),
        asked: asked.unwrap_or(doc_date),
        text: head,
        details,
    })
}

/// How a list item is laid out, as comrak reads it.
struct ItemShape {
    /// How many of its lines its first paragraph takes (1 when it does not
    /// start with a paragraph).
    head_lines: usize,
    /// The column its content starts at: what a line inside it is
    /// indented by.
    content_column: usize,
}

/// The shape of the one list item written in `item`.
fn item_shape(item: &str) -> ItemShape {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, item, &comrak::Options::default());
    let node = root.first_child().and_then(|list| list.first_child());
    let Some(node) = node else {
        return ItemShape {
            head_lines: 1,
            content_column: 2,
        };
    };
    let content_column = match &node.data().value {
        NodeValue::Item(l) => l.marker_offset + l.padding,
        _ => 2,
    };
    let head_lines = node
        .first_child()
        .filter(|c| matches!(c.data().value, NodeValue::Paragraph))
        .map_or(1, |p| p.data().sourcepos.end.line);
    ItemShape {
        head_lines,
        content_column,
    }
}

/// The lines of an item after its first paragraph, without the item's
/// indentation (`column`); blank lines at the end dropped, those at the
/// start kept as one, since a blank line can be what makes the rest a block
/// of its own (an ordered list not starting at 1 does not interrupt a
/// paragraph).
fn details(lines: &[&str], column: usize) -> String {
    let blank = |l: &&str| l.trim().is_empty();
    let start = lines.iter().position(|l| !blank(l)).unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !blank(l))
        .map_or(start, |i| i + 1);
    let mut out: Vec<String> = Vec::new();
    if start > 0 && start < end {
        out.push(String::new());
    }
    out.extend(lines[start..end].iter().map(|l| outdent(l, column)));
    out.join("\n")
}

/// `line` with up to `column` columns of its leading whitespace removed (a
/// tab reaches the next multiple of 4, as in CommonMark).
fn outdent(line: &str, column: usize) -> String {
    let mut col = 0;
    for (i, ch) in line.char_indices() {
        let next = match ch {
            ' ' => col + 1,
            '\t' => (col / 4 + 1) * 4,
            _ => return line[i..].to_string(),
        };
        if next > column {
            // A tab that reaches past the item's column keeps the rest.
            return format!("{}{}", " ".repeat(next - column), &line[i + 1..]);
        }
        col = next;
        if col == column {
            return line[i + 1..].to_string();
        }
    }
    String::new()
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
            details: String::new(),
            asked: d(asked),
            done,
        }
    }

    fn with(a: Ask, details: &str) -> Ask {
        Ask {
            details: details.into(),
            ..a
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
                with(ask("the ask", "2026-01-05", false), "- a detail of it"),
                with(
                    ask("a carried ask", "2025-12-09", false),
                    "- pinged Bob again"
                ),
            ]
        );
    }

    #[test]
    fn what_an_ask_holds_after_its_first_paragraph_is_kept_without_its_indentation() {
        let text = format!("{FM}## What I need help with\n- [ ] A reviewer\n  for the cache (asked 9 Dec)\n  - [ ] Bob asked\n    - pinged twice (asked 1 Dec)\n  - [x] Ana declined\n1. Budget\n\n   3. third option\n\n   ```\n   - code\n   ```\n\n-\ta tab\n\t- nested by a tab\n");
        let a = asks(&text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                with(
                    ask("A reviewer for the cache", "2025-12-09", false),
                    "- [ ] Bob asked\n  - pinged twice (asked 1 Dec)\n- [x] Ana declined"
                ),
                with(
                    ask("Budget", "2026-01-05", false),
                    "\n3. third option\n\n```\n- code\n```"
                ),
                with(ask("a tab", "2026-01-05", false), "- nested by a tab"),
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
