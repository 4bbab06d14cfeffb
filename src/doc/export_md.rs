//! The Markdown an export starts from: the update without its front matter,
//! without icu's markers and unfilled prompts, and with icu's long activity
//! lists shortened.
//!
//! # Long lists
//!
//! The update names every commit and every credit it counts: it is the
//! record `icu recap` reads. A mail is read by someone else, so an export
//! shows at most `update.list_limit` items of each list nested under a
//! repository's line in an activity block (`- 42 commits in api, …`, `- 35
//! changes by others in api: …`), then one item in place of the rest saying
//! how many there are and where they are listed ([`more_line`]). The blocks
//! are known here by their markers, before the markers are dropped, so
//! nothing the person wrote — their prose, their lists, the asks — is ever
//! shortened.
//!
//! # The status beside the title
//!
//! icu writes a goal's status line (`*At risk · due 31 Mar 2027*`) first in
//! the goal's block, because the block is what a refresh may rewrite, and the
//! block comes after the person's prose. A reader skimming the mail looks
//! for it at the goal's title, so an export moves that one line to right
//! under the goal's heading (`status_moves`): the heading as the person
//! left it, the status, then their words, then the activity. Nothing is
//! added, dropped or reworded, and the document itself keeps its order.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::markers::{self, Block, Kind, NodeKind, Outline};
use super::{frontmatter, sections, DocError};

/// The finished update as plain Markdown: front matter and every `icu:`
/// marker line dropped (text written after a prompt on its line is kept),
/// runs of blank lines left behind collapsed to one, `\n` line endings;
/// each activity list longer than `list_limit` cut to that many items and
/// a [`more_line`] (`None`: no list is shortened).
///
/// A marker line becomes a blank line rather than nothing: a marker ends the
/// Markdown block before it, so prose right after a block's end must not
/// become a continuation of the block's last bullet.
pub fn export_markdown(text: &str, list_limit: Option<usize>) -> Result<String, DocError> {
    let (fm, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    outline.check_hidden(&fm.listed_keys())?;
    let blocks = outline.blocks()?;
    let cuts = list_limit.map_or_else(Vec::new, |limit| {
        cuts(text, &outline, &blocks, limit, fm.date)
    });
    let moves = status_moves(text, &outline, &blocks);
    let moved: HashSet<usize> = moves.values().map(|m| m.status).collect();
    let end_list: HashSet<usize> = moves
        .values()
        .filter(|m| m.after_list)
        .map(|m| m.open)
        .collect();
    let mut cut = cuts.iter().peekable();
    let first = outline.lines.line_of(body);
    let mut out: Vec<&str> = Vec::new();
    let mut m = outline.markers.iter().peekable();
    for n in first..=outline.lines.len() {
        if body >= text.len() {
            break;
        }
        while cut.next_if(|c| c.to < n).is_some() {}
        if let Some(c) = cut.peek().filter(|c| c.from <= n) {
            if n == c.from {
                out.push(&c.line);
            }
            continue;
        }
        if moved.contains(&n) {
            continue;
        }
        let line = outline.lines.text(text, n);
        match m.peek() {
            Some(marker) if marker.line == n => {
                out.push("");
                if end_list.contains(&n) {
                    out.extend([END_LIST, ""]);
                }
                if let Kind::Write { after, .. } = &marker.kind {
                    if !after.is_empty() {
                        out.push(after);
                        out.push("");
                    }
                }
                m.next();
            }
            _ => {
                out.push(line);
                if let Some(m) = moves.get(&n) {
                    out.extend(["", outline.lines.text(text, m.status), ""]);
                }
            }
        }
    }
    let mut md = String::new();
    let mut blank = true;
    for line in out {
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        md.push_str(if is_blank { "" } else { line });
        md.push('\n');
        blank = is_blank;
    }
    while md.ends_with("\n\n") {
        md.pop();
    }
    Ok(md)
}

/// What CommonMark writes between two lists that must stay two (cmark's and
/// comrak's own renderers): a comment, which ends the list before it. A
/// mail shows nothing of it.
const END_LIST: &str = "<!-- end list -->";

/// A status line an export moves up.
struct Move {
    /// Its line.
    status: usize,
    /// The line of its block's opening marker.
    open: usize,
    /// The person's text above the block ends with a list: without the
    /// status line between them, it and the block's list would read as one
    /// list, so the export ends it there ([`END_LIST`]).
    after_list: bool,
}

/// Which status lines an export moves up, by the last line of the heading
/// each goes under: the first line of a goal's block when it is a status
/// line ([`sections::is_status_line`]), and the block is the first in the
/// section of the heading above it, with no block between them. So a block
/// whose own heading the person deleted leaves its status where it is rather
/// than under another goal's title or under "Goals".
fn status_moves(text: &str, outline: &Outline, blocks: &[Block]) -> HashMap<usize, Move> {
    let mut moves = HashMap::new();
    for b in blocks.iter().filter(|b| markers::is_goal_key(&b.key)) {
        let Some(h) = outline.section_of(b.open.line) else {
            continue;
        };
        if !markers::blocks_in(blocks, h.end_line + 1..b.open.line).is_empty() {
            continue;
        }
        let first = (b.open.line + 1..b.close.line)
            .find(|&n| !outline.lines.text(text, n).trim().is_empty());
        let Some(status) = first.filter(|&n| sections::is_status_line(outline.lines.text(text, n)))
        else {
            continue;
        };
        let after_list = outline
            .nodes_in(h.end_line + 1..b.open.line)
            .iter()
            .rfind(|n| !outline.is_marker_line(n.line))
            .is_some_and(|n| matches!(n.kind, NodeKind::List { .. }));
        moves.insert(
            h.end_line,
            Move {
                status,
                open: b.open.line,
                after_list,
            },
        );
    }
    moves
}

/// The item an export gives in place of the `more` items it leaves out of
/// a list of the update dated `date`: how many, and where the reader finds
/// them, the date written as the update's title writes it (`Update — 24 Nov
/// 2026`).
pub fn more_line(more: usize, date: NaiveDate) -> String {
    format!(
        "and {more} more, listed in the full update of {}",
        date.format("%-d %b %Y")
    )
}

/// The items of a long list an export leaves out: the lines `from..=to`,
/// given as the one item `line`.
struct Cut {
    from: usize,
    to: usize,
    line: String,
}

/// A list item's marker and the spaces after it: `  - `, `  31. `.
static ITEM_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+").expect("list item marker regex")
});

/// What an export leaves out of the activity blocks of `text`, in order:
/// of each list nested in an item of a list at the top of a block, the
/// items after the first `limit`.
fn cuts(
    text: &str,
    outline: &Outline,
    blocks: &[Block],
    limit: usize,
    date: NaiveDate,
) -> Vec<Cut> {
    let mut cuts = Vec::new();
    for b in blocks {
        for node in outline.nodes_in(b.open.line + 1..b.close.line) {
            let NodeKind::List { nested, .. } = &node.kind else {
                continue;
            };
            for items in nested {
                let (Some(&(from, _)), Some(&(_, to))) = (items.get(limit), items.last()) else {
                    continue;
                };
                let first = outline.lines.text(text, from);
                let marker = ITEM_MARKER.find(first).map_or("  - ", |m| m.as_str());
                cuts.push(Cut {
                    from,
                    to,
                    line: format!("{marker}{}", more_line(items.len() - limit, date)),
                });
            }
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_front_matter_and_markers() {
        let text = "+++\r\ndate = 2026-11-23\r\nsince = 2026-11-09T00:00:00Z\r\nuntil = 2026-11-24T00:00:00Z\r\n+++\r\n# U\r\n\r\n## Summary\r\n<!-- icu:write S -->\r\nDone.\r\n\r\n### A\r\n<!-- icu:write W -->\r\n\r\n<!-- icu:activity a -->\r\n- 1 commit in r\r\n<!-- /icu:activity -->\r\n\r\n## Help\r\n<!-- icu:write H --> Nothing needed.\r\n";
        assert_eq!(
            export_markdown(text, None).unwrap(),
            "# U\n\n## Summary\n\nDone.\n\n### A\n\n- 1 commit in r\n\n## Help\n\nNothing needed.\n"
        );
    }

    const FM: &str =
        "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\n+++\n";

    #[test]
    fn only_the_lists_under_a_blocks_repository_lines_are_shortened() {
        let text = format!(
            "{FM}### A\n<!-- icu:write W -->\nMy list:\n- a\n  - 1\n  - 2\n  - 3\n\n<!-- icu:activity a -->\n*On track*\n- 3 commits in r, +3 −0\n  - x (abc1234)\n  - y (bcd2345)\n  - z (cde3456)\n- 2 changes by others in r: reviewed 2\n  - u — Bob (def4567): reviewed\n  - v — Bob (ef56789): reviewed\n- 1 commit in s, +1 −0\n  - w (f678901)\n<!-- /icu:activity -->\nAfter.\n\n## Help\n<!-- icu:write H -->\n- one\n- two\n- three\n"
        );
        let md = export_markdown(&text, Some(1)).unwrap();
        assert_eq!(
            md,
            "### A\n\n*On track*\n\nMy list:\n- a\n  - 1\n  - 2\n  - 3\n\n<!-- end list -->\n\n- 3 commits in r, +3 −0\n  - x (abc1234)\n  - and 2 more, listed in the full update of 23 Nov 2026\n- 2 changes by others in r: reviewed 2\n  - u — Bob (def4567): reviewed\n  - and 1 more, listed in the full update of 23 Nov 2026\n- 1 commit in s, +1 −0\n  - w (f678901)\n\nAfter.\n\n## Help\n\n- one\n- two\n- three\n"
        );
        // A list as long as the limit is whole; no limit shortens nothing.
        assert_eq!(
            export_markdown(&text, Some(3)).unwrap(),
            export_markdown(&text, None).unwrap()
        );
        assert!(export_markdown(&text, Some(2))
            .unwrap()
            .contains("  - y (bcd2345)\n  - and 1 more, listed in the full update of 23 Nov 2026\n- 2 changes"));
    }

    #[test]
    fn a_goals_status_goes_under_its_title_and_the_persons_words_stay() {
        let text = format!(
            "{FM}## Goals\n<!-- icu:activity totals -->\n*In all: 1 commit*\n<!-- /icu:activity -->\n\n### Search latency\n<!-- icu:write W --> Shipped *it*.\nMore words.\n\n<!-- icu:activity search -->\n*At risk · due 31 Mar 2027*\n- 1 commit in r, +1 −0\n<!-- /icu:activity -->\n\n### Quiet\n<!-- icu:write W -->\n<!-- icu:activity quiet -->\n*On track*\n- No commits on this goal since 9 Nov.\n<!-- /icu:activity -->\n<!-- icu:activity orphan -->\n*Paused*\n<!-- /icu:activity -->\n\n## Other work\n<!-- icu:activity other -->\n- 1 commit in s, +1 −0\n<!-- /icu:activity -->\n"
        );
        assert_eq!(
            export_markdown(&text, None).unwrap(),
            "## Goals\n\n*In all: 1 commit*\n\n### Search latency\n\n*At risk · due 31 Mar 2027*\n\nShipped *it*.\n\nMore words.\n\n- 1 commit in r, +1 −0\n\n### Quiet\n\n*On track*\n\n- No commits on this goal since 9 Nov.\n\n*Paused*\n\n## Other work\n\n- 1 commit in s, +1 −0\n"
        );
    }
}
