//! The update as plain text, rendered from comrak's AST rather than by
//! stripping HTML, so structure (headings, lists, tables) survives as text.

use std::collections::HashMap;

use comrak::nodes::{AstNode, ListType, NodeValue};
use unicode_width::UnicodeWidthStr;

use super::comrak_options;

/// The width mail readers expect of a plain-text body (RFC 2646 and a
/// long habit): prose is wrapped to fit it.
pub const WIDTH: usize = 72;

/// Nested lists and quotes never squeeze the text narrower than this; a
/// deeper line is simply longer.
const MIN_WIDTH: usize = 24;

/// What [`Renderer::inline`] writes for a soft line break (a line end inside a
/// paragraph, as the person typed it), so that wrapping can tell it from a
/// hard one (`\n`). A carriage return cannot occur in a text node: comrak
/// ends a line at one.
const SOFT: char = '\r';

/// The update as plain text for plain-text mail: headings underlined to
/// their width (`underline`: `=` for level 1, `-` for level 2, `~` for
/// level 3 and below, so a goal's title stands out under "Goals"), lists as
/// `-` (task items as `[ ]`/`[x]`), tables as aligned columns; emphasis as
/// `*at risk*`, strong emphasis as `**blocked**` and struck-through text
/// as `~~done~~`, the marks a reader of plain text knows (a resolved ask
/// still reads as resolved); backslash escapes and raw HTML gone.
///
/// Links are reference-style: `the doc [1]` in the text, and `[1] <url>` in
/// a list at the end of the section (before the next heading, or at the end
/// of the message), numbered through the whole message. A link whose text is
/// its URL stays as it is.
///
/// Prose is wrapped at `WIDTH` columns (less the indent of a list or a
/// quote), between words only. What the person wrote stays as they wrote
/// it: every word and character, and their own line breaks, as long as
/// their lines fit; only a run of lines with one too long is re-wrapped.
/// Code blocks, tables and URLs are never broken, and no wrapped line
/// starts with `>` or `From ` (which mail programs read as a quote).
///
/// No line at all starts with `From `: a line the person typed so, or a
/// heading, gets a space before it (`unmangled`).
pub fn to_text(md: &str) -> String {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &comrak_options());
    let mut text = Renderer::default()
        .document(root)
        .iter()
        .map(|l| unmangled(l))
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

/// `line`, with a space before it if it starts with `From `. A mail
/// program that delivers into an mbox file (where `From ` starts the next
/// message) writes `>From ` for such a line, and the reader sees the `>`.
/// The text part goes out as 7bit whenever it is plain ASCII (mail-builder
/// picks the transfer encoding, and quoted-printable only for what needs
/// it), so no `=46rom` can be counted on: a leading space is the one
/// change every delivery keeps, and reads as the word it was (RFC 3676
/// space-stuffs such lines the same way).
fn unmangled(line: &str) -> std::borrow::Cow<'_, str> {
    if line.starts_with("From ") {
        format!(" {line}").into()
    } else {
        line.into()
    }
}

/// The line under a heading of `level` as wide as its widest line (at
/// least 3): `=` for level 1 (the update's title), `-` for level 2 (its
/// sections), `~` for level 3 and deeper (the goals).
fn underline(level: u8, widest: usize) -> String {
    let mark = match level {
        1 => "=",
        2 => "-",
        _ => "~",
    };
    mark.repeat(widest.max(3))
}

/// The links met so far: how many were numbered, and those still to list
/// (with each one's number by URL).
#[derive(Default)]
struct Renderer {
    numbered: usize,
    pending: Vec<(usize, String)>,
    listed: HashMap<String, usize>,
}

impl Renderer {
    /// The document's blocks, each section's links listed before the next
    /// heading and the last section's at the end.
    fn document<'a>(&mut self, root: &'a AstNode<'a>) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let push = |lines: &mut Vec<String>, block: Vec<String>| {
            if block.is_empty() {
                return;
            }
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.extend(block);
        };
        for child in root.children() {
            if matches!(child.data().value, NodeValue::Heading(_)) {
                let refs = self.references();
                push(&mut lines, refs);
            }
            let block = self.block_lines(child, WIDTH);
            push(&mut lines, block);
        }
        let refs = self.references();
        push(&mut lines, refs);
        lines
    }

    /// The list of the links numbered since the last list, emptied.
    fn references(&mut self) -> Vec<String> {
        self.listed.clear();
        self.pending
            .drain(..)
            .map(|(n, url)| format!("[{n}] {url}"))
            .collect()
    }

    /// The number of a link to `url`: a new one, unless the section already
    /// lists that URL.
    fn reference(&mut self, url: &str) -> usize {
        if let Some(n) = self.listed.get(url) {
            return *n;
        }
        self.numbered += 1;
        self.pending.push((self.numbered, url.to_string()));
        self.listed.insert(url.to_string(), self.numbered);
        self.numbered
    }

    /// The lines of a block node, at most `width` columns where they can be
    /// broken, with no blank line at either end.
    fn block_lines<'a>(&mut self, node: &'a AstNode<'a>, width: usize) -> Vec<String> {
        let width = width.max(MIN_WIDTH);
        let value = node.data().value.clone();
        match value {
            NodeValue::Heading(h) => {
                let text = self.inlines(node).replace(['\n', SOFT], " ");
                let mut lines = wrap(&text, width);
                let widest = lines.iter().map(|l| l.width()).max().unwrap_or(0);
                lines.push(underline(h.level, widest));
                lines
            }
            NodeValue::Paragraph => {
                let text = self.inlines(node);
                paragraph(&text, width)
            }
            NodeValue::List(l) => self.list_lines(node, l, width),
            NodeValue::CodeBlock(c) => c
                .literal
                .lines()
                .map(|l| {
                    if l.trim().is_empty() {
                        String::new()
                    } else {
                        format!("    {l}")
                    }
                })
                .collect(),
            NodeValue::BlockQuote => self
                .children_lines(node, false, width.saturating_sub(2))
                .into_iter()
                .map(|l| {
                    if l.is_empty() {
                        ">".to_string()
                    } else {
                        format!("> {l}")
                    }
                })
                .collect(),
            NodeValue::ThematicBreak => vec!["----".to_string()],
            NodeValue::Table(_) => self.table_lines(node),
            NodeValue::HtmlBlock(_) => Vec::new(),
            _ => self.children_lines(node, false, width),
        }
    }

    /// A list: each item's marker, its body indented under it.
    fn list_lines<'a>(
        &mut self,
        node: &'a AstNode<'a>,
        l: comrak::nodes::NodeList,
        width: usize,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for (n, item) in node.children().enumerate() {
            let mut marker = match l.list_type {
                ListType::Bullet => "- ".to_string(),
                ListType::Ordered => format!("{}. ", l.start + n),
            };
            if let NodeValue::TaskItem(t) = &item.data().value {
                marker.push_str(if t.symbol.is_some() { "[x] " } else { "[ ] " });
            }
            if n > 0 && !l.tight {
                lines.push(String::new());
            }
            let pad = " ".repeat(marker.width());
            let body = self.children_lines(item, l.tight, width.saturating_sub(marker.width()));
            if body.is_empty() {
                lines.push(marker.trim_end().to_string());
            }
            for (i, line) in body.into_iter().enumerate() {
                lines.push(match (i, line.is_empty()) {
                    (0, _) => format!("{marker}{line}"),
                    (_, true) => line,
                    _ => format!("{pad}{line}"),
                });
            }
        }
        lines
    }

    /// The block children of `node`, a blank line between them unless
    /// `tight`.
    fn children_lines<'a>(
        &mut self,
        node: &'a AstNode<'a>,
        tight: bool,
        width: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for child in node.children() {
            let block = self.block_lines(child, width);
            if block.is_empty() {
                continue;
            }
            if !lines.is_empty() && !tight {
                lines.push(String::new());
            }
            lines.extend(block);
        }
        lines
    }

    /// A table as columns padded to the same width, the header underlined.
    /// Never wrapped: a row is one line.
    fn table_lines<'a>(&mut self, node: &'a AstNode<'a>) -> Vec<String> {
        let rows: Vec<Vec<String>> = node
            .children()
            .map(|row| {
                row.children()
                    .map(|cell| self.inlines(cell).replace(['\n', SOFT], " "))
                    .collect()
            })
            .collect();
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        let column_width = |c: usize| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..columns).map(column_width).collect();
        let line = |cells: Vec<String>| cells.join(" | ").trim_end().to_string();
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let cells = widths
                .iter()
                .enumerate()
                .map(|(c, w)| {
                    let s = row.get(c).map(String::as_str).unwrap_or("");
                    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
                })
                .collect();
            lines.push(line(cells));
            if i == 0 {
                lines.push(line(widths.iter().map(|w| "-".repeat(*w)).collect()));
            }
        }
        lines
    }

    /// The text of an inline container: hard breaks as `\n`, soft ones as
    /// [`SOFT`].
    fn inlines<'a>(&mut self, node: &'a AstNode<'a>) -> String {
        let mut s = String::new();
        for child in node.children() {
            self.inline(child, &mut s);
        }
        s
    }

    fn inline<'a>(&mut self, node: &'a AstNode<'a>, out: &mut String) {
        let value = node.data().value.clone();
        match value {
            NodeValue::Text(t) => out.push_str(&t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak => out.push(SOFT),
            NodeValue::LineBreak => out.push('\n'),
            NodeValue::HtmlInline(_) | NodeValue::Raw(_) => {}
            NodeValue::Emph | NodeValue::Strong | NodeValue::Strikethrough => {
                let mark = match value {
                    NodeValue::Emph => "*",
                    NodeValue::Strong => "**",
                    _ => "~~",
                };
                out.push_str(mark);
                for child in node.children() {
                    self.inline(child, out);
                }
                out.push_str(mark);
            }
            NodeValue::Link(l) | NodeValue::Image(l) => {
                let text = self.inlines(node);
                out.push_str(&text);
                let shown = l.url.strip_prefix("mailto:").unwrap_or(&l.url);
                if !l.url.is_empty() && text != shown {
                    let n = self.reference(&l.url);
                    if !text.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&format!("[{n}]"));
                }
            }
            _ => {
                for child in node.children() {
                    self.inline(child, out);
                }
            }
        }
    }
}

/// A paragraph's text as lines of at most `width` columns. Each run of
/// soft-broken lines (ended by a hard break or the paragraph's end) keeps
/// the person's line breaks if every line fits, and is re-wrapped as one
/// line otherwise.
fn paragraph(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for run in text.split('\n') {
        let typed: Vec<&str> = run.split(SOFT).collect();
        if typed.iter().all(|l| l.width() <= width) {
            lines.extend(typed.into_iter().map(str::to_string));
        } else {
            lines.extend(wrap(&typed.join(" "), width));
        }
    }
    lines
}

/// A word of a line being wrapped, with the spaces before it.
struct Word<'a> {
    gap: &'a str,
    text: &'a str,
}

/// `line` broken at spaces into lines of at most `width` columns. A word
/// longer than that (a URL) stands on a line of its own, unbroken; a break
/// is never put where the next line would start with `>` or `From `. The
/// spaces inside a line stay as they were. Linear in the line's length.
pub(crate) fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.width() <= width {
        return vec![line.to_string()];
    }
    let mut words: Vec<Word> = Vec::new();
    let mut rest = line;
    loop {
        let gap = rest.len() - rest.trim_start_matches(' ').len();
        let after = &rest[gap..];
        if after.is_empty() {
            break;
        }
        let end = after.find(' ').unwrap_or(after.len());
        words.push(Word {
            gap: &rest[..gap],
            text: &after[..end],
        });
        rest = &after[end..];
    }
    // A line may start at word `i`: not a quote, not an mbox "From ".
    let can_start = |i: usize| {
        let w = words[i].text;
        let quote = w.starts_with('>');
        let mbox = w == "From" && i + 1 < words.len();
        !quote && !mbox
    };
    let cols = |i: usize| words[i].gap.width() + words[i].text.width();
    let text = |from: usize, to: usize| {
        let mut s = String::new();
        for (i, word) in words[from..to].iter().enumerate() {
            if i > 0 || from == 0 {
                s.push_str(word.gap);
            }
            s.push_str(word.text);
        }
        s
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut used = cols(0);
    for k in 1..words.len() {
        used += cols(k);
        if used <= width {
            continue;
        }
        // Break before `k`, or a few words earlier if `k` cannot start a
        // line; with no such word close by, the line runs long.
        let lowest = (start + 1).max(k.saturating_sub(8));
        if let Some(j) = (lowest..=k).rev().find(|&j| can_start(j)) {
            out.push(text(start, j));
            start = j;
            used = words[j].text.width() + (j + 1..=k).map(cols).sum::<usize>();
        }
    }
    out.push(text(start, words.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::escape_markdown;

    #[test]
    fn plain_text_reads_like_text() {
        let md = format!(
            "# Update — 23 Nov\n\n## Goals\n\n### Search\n\nShipped the *cache*, see [the doc](https://x.org/d).\n\n- 2 commits in search\n  - {} (abc1234)\n\n## Help\n\n- [ ] Access to `prod`\n- [x] Budget\n",
            escape_markdown("Fix <b>*all*</b> [links](javascript:x)")
        );
        let text = to_text(&md);
        assert_eq!(
            text,
            "Update — 23 Nov\n===============\n\nGoals\n-----\n\nSearch\n~~~~~~\n\nShipped the *cache*, see the doc [1].\n\n- 2 commits in search\n  - Fix <b>*all*</b> [links](javascript:x) (abc1234)\n\n[1] https://x.org/d\n\nHelp\n----\n\n- [ ] Access to prod\n- [x] Budget\n"
        );
    }

    #[test]
    fn plain_text_nests_quotes_tables_and_code() {
        let md = "- - a\n  - b\n- c\n\n> quote\n> - x\n\n| a | bee |\n|---|:-:|\n| `xyzzy` | **y** |\n\n```\nfn x() {}\n\nfn y() {}\n```\n\n<div>\nraw html\n</div>\n\n1. [ ] ask\n\n   more\n2. [x] done\n";
        assert_eq!(
            to_text(md),
            "- - a\n  - b\n- c\n\n> quote\n>\n> - x\n\na     | bee\n----- | -----\nxyzzy | **y**\n\n    fn x() {}\n\n    fn y() {}\n\n1. [ ] ask\n\n       more\n\n2. [x] done\n"
        );
    }

    #[test]
    fn links_are_numbered_through_the_message_and_listed_per_section() {
        let md = "# T\n\nSee [a](https://a.example), [a again](https://a.example) and <https://plain.example>; mail [Ada](mailto:ada@example.com) or <ada@example.com>. ![chart](https://c.example/p.png)\n\n## Next\n\n- [b](https://b.example) then [a](https://a.example)\n";
        assert_eq!(
            to_text(md),
            "T\n===\n\nSee a [1], a again [1] and https://plain.example; mail Ada [2] or\nada@example.com. chart [3]\n\n[1] https://a.example\n[2] mailto:ada@example.com\n[3] https://c.example/p.png\n\nNext\n----\n\n- b [4] then a [5]\n\n[4] https://b.example\n[5] https://a.example\n"
        );
        // No link, no list.
        assert_eq!(to_text("# T\n\nplain\n"), "T\n===\n\nplain\n");
    }

    #[test]
    fn prose_wraps_at_72_and_keeps_the_persons_own_lines() {
        let long = "word ".repeat(30);
        let text = to_text(&format!(
            "{long}\n\nshort line\nanother short one\n\n- {long}\n\n> {long}\n"
        ));
        for line in text.lines() {
            assert!(line.width() <= WIDTH, "{line:?} in\n{text}");
        }
        assert!(text.contains("\nshort line\nanother short one\n"), "{text}");
        // Nothing lost or changed: only line breaks and indents differ.
        let words = |s: &str| s.split_whitespace().filter(|w| *w == "word").count();
        assert_eq!(words(&text), 90, "{text}");
        assert!(text.contains("\n  word word"), "list items hang: {text}");
        assert!(text.contains("\n> word word"), "quotes stay quoted: {text}");

        // A run with one line too long is re-wrapped as one; the hard break
        // (two spaces) is kept.
        let md = format!("{}\nend of the sentence.  \nNew line.\n", "x ".repeat(40));
        let text = to_text(&md);
        assert_eq!(
            text,
            format!(
                "{}x\n{}end of the sentence.\nNew line.\n",
                "x ".repeat(35),
                "x ".repeat(4)
            )
        );
    }

    #[test]
    fn wrapping_never_breaks_a_word_or_starts_a_quote() {
        let url = format!("https://example.com/{}", "a".repeat(80));
        assert_eq!(
            wrap(&format!("see {url} now"), 72),
            vec!["see".to_string(), url.clone(), "now".to_string()]
        );
        assert_eq!(wrap(&url, 72), vec![url]);
        // `>` or `From ` at the start of a line reads as a quote in mail.
        let line = format!("{} > b From here", "a ".repeat(34));
        for l in wrap(&line, 72) {
            assert!(!l.starts_with('>') && !l.starts_with("From "), "{l:?}");
        }
        // Columns, not chars: CJK takes two.
        let cjk = "漢字 ".repeat(20);
        assert!(wrap(&cjk, 72).iter().all(|l| l.width() <= 72));
        assert_eq!(wrap(&cjk, 72).len(), 2);
    }

    #[test]
    fn a_huge_paragraph_wraps_in_linear_time() {
        // A quadratic wrap would not finish: a megabyte in one line, and a
        // line of nothing but words that cannot start one.
        let words = "word ".repeat(200_000);
        let text = to_text(&words);
        assert_eq!(text.lines().count(), 200_000 / 14 + 1);
        let quotes = "a \\> ".repeat(100_000);
        let text = to_text(&quotes);
        assert!(
            text.lines().all(|l| !l.starts_with('>')),
            "{}",
            &text[..200]
        );
    }

    #[test]
    fn every_heading_is_underlined_and_emphasis_keeps_its_marks() {
        assert_eq!(
            to_text("# Update\n\n## Goals\n\n### Search — p99\n\n#### Deeper\n\n*At risk*, **blocked**, ~~done~~ and *a **b** c*.\n"),
            "Update\n======\n\nGoals\n-----\n\nSearch — p99\n~~~~~~~~~~~~\n\nDeeper\n~~~~~~\n\n*At risk*, **blocked**, ~~done~~ and *a **b** c*.\n"
        );
        // As wide as the heading on screen: CJK takes two columns.
        assert_eq!(to_text("### 漢字\n"), "漢字\n~~~~\n");
    }

    #[test]
    fn no_line_starts_with_from() {
        // The person's own short lines, a heading and a table row: each
        // gets a space, and keeps its words.
        let text = to_text("From the review: ship it.\nFrom now on, weekly.\n\n### From scratch\n\n| From | To |\n|---|---|\n| a | b |\n\nFromage is fine, and so is From\n");
        assert!(text.lines().all(|l| !l.starts_with("From ")), "{text}");
        assert_eq!(
            text,
            " From the review: ship it.\n From now on, weekly.\n\n From scratch\n~~~~~~~~~~~~\n\n From | To\n---- | --\na    | b\n\nFromage is fine, and so is From\n"
        );
    }
}
