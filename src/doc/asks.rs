//! The asks: task items under the "need help" heading.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::markers::{self, Outline};
use super::{frontmatter, DocError};

/// One ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The person's Markdown, without the `(asked …)` suffix.
    pub text: String,
    /// When it was first asked.
    pub asked: NaiveDate,
    /// `- [x]`
    pub done: bool,
}

static HELP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bhelp\b").expect("help heading regex"));
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-*+][ \t]+\[([ xX])\][ \t]+(.*)$").expect("task item regex"));
static ASKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[ \t]*\(asked[ \t]+([^()]*?)[ \t]*\)[ \t]*$").expect("asked suffix regex")
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
            !outline.markers.iter().any(|m| {
                matches!(m.kind, markers::Kind::Open { .. }) && m.line >= *start && m.line < *end
            })
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
    let markers: Vec<usize> = outline.markers.iter().map(|m| m.line).collect();
    let mut items: Vec<(bool, String)> = Vec::new();
    let mut open = false;
    for n in start..end {
        let line = outline.lines.text(text, n);
        if markers.contains(&n) {
            open = false;
            continue;
        }
        if let Some(c) = ITEM.captures(line) {
            items.push((&c[1] != " ", c[2].trim().to_string()));
            open = true;
        } else if open && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            let last = items.last_mut().expect("an item is open");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            open = false;
        }
    }
    items
        .into_iter()
        .map(|(done, raw)| {
            let (text, asked) = match ASKED.captures(&raw) {
                Some(c) => match parse_asked(&c[1], doc_date) {
                    Some(d) => (raw[..c.get(0).expect("match").start()].to_string(), d),
                    None => (raw.clone(), doc_date),
                },
                None => (raw.clone(), doc_date),
            };
            Ask {
                text: text.trim().to_string(),
                asked,
                done,
            }
        })
        .filter(|a| !a.text.is_empty())
        .collect()
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

    #[test]
    fn items_under_the_help_heading_with_their_dates() {
        let text = "+++\ndate = 2026-01-05\nsince = 2025-12-22T00:00:00Z\nuntil = 2026-01-06T00:00:00Z\n+++\n## Goals\n- [ ] not an ask\n\n## What I need help with\n<!-- icu:write X -->\n- [ ] Access to *prod* traces (asked 9 Dec)\n- [x] Budget (asked 2025-10-01)\n- [ ] A new one\n  spanning two lines\n- plain bullet\n\n## After\n- [ ] nope\n";
        let a = asks(text, d("2026-01-05")).unwrap();
        assert_eq!(
            a,
            vec![
                Ask {
                    text: "Access to *prod* traces".into(),
                    asked: d("2025-12-09"),
                    done: false
                },
                Ask {
                    text: "Budget".into(),
                    asked: d("2025-10-01"),
                    done: true
                },
                Ask {
                    text: "A new one spanning two lines".into(),
                    asked: d("2026-01-05"),
                    done: false
                },
            ]
        );
    }
}
