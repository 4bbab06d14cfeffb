//! The update as plain text, rendered from comrak's AST rather than by
//! stripping HTML, so structure (headings, lists, tables) survives as text.

use comrak::nodes::{AstNode, ListType, NodeValue};

use super::comrak_options;

/// The update as plain text for plain-text mail: headings underlined (`=`
/// for level 1, `-` for level 2, bare text below that), lists as `-` (task
/// items as `[ ]`/`[x]`), links as `text (url)`, tables as aligned columns,
/// emphasis, backslash escapes and raw HTML gone. Lines are not re-wrapped:
/// mail clients wrap, and a commit subject stays on its line.
pub fn to_text(md: &str) -> String {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &comrak_options());
    let mut text = block_lines(root).join("\n");
    text.push('\n');
    text
}

/// The lines of a block node, with no blank line at either end.
fn block_lines<'a>(node: &'a AstNode<'a>) -> Vec<String> {
    let value = node.data().value.clone();
    match value {
        NodeValue::Heading(h) => {
            let text = inlines(node).replace('\n', " ");
            let under = match h.level {
                1 => Some("="),
                2 => Some("-"),
                _ => None,
            };
            let mut lines = vec![text.clone()];
            if let Some(u) = under {
                lines.push(u.repeat(text.chars().count().max(3)));
            }
            lines
        }
        NodeValue::Paragraph => inlines(node).lines().map(str::to_string).collect(),
        NodeValue::List(l) => {
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
                let pad = " ".repeat(marker.chars().count());
                let body = children_lines(item, l.tight);
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
        NodeValue::BlockQuote => children_lines(node, false)
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
        NodeValue::Table(_) => table_lines(node),
        NodeValue::HtmlBlock(_) => Vec::new(),
        _ => children_lines(node, false),
    }
}

/// The block children of `node`, a blank line between them unless `tight`.
fn children_lines<'a>(node: &'a AstNode<'a>, tight: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for child in node.children() {
        let block = block_lines(child);
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
fn table_lines<'a>(node: &'a AstNode<'a>) -> Vec<String> {
    let rows: Vec<Vec<String>> = node
        .children()
        .map(|row| {
            row.children()
                .map(|cell| inlines(cell).replace('\n', " "))
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |cells: Vec<String>| cells.join(" | ").trim_end().to_string();
    let mut lines = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(c, w)| {
                let s = row.get(c).map(String::as_str).unwrap_or("");
                format!("{s}{}", " ".repeat(w - s.chars().count()))
            })
            .collect();
        lines.push(line(cells));
        if i == 0 {
            lines.push(line(widths.iter().map(|w| "-".repeat(*w)).collect()));
        }
    }
    lines
}

/// The text of an inline container.
fn inlines<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for child in node.children() {
        inline(child, &mut s);
    }
    s
}

fn inline<'a>(node: &'a AstNode<'a>, out: &mut String) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Text(t) => out.push_str(&t),
        NodeValue::Code(c) => out.push_str(&c.literal),
        NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
        NodeValue::HtmlInline(_) | NodeValue::Raw(_) => {}
        NodeValue::Link(l) => {
            let text = inlines(node);
            out.push_str(&text);
            let url = l.url.strip_prefix("mailto:").unwrap_or(&l.url);
            if !url.is_empty() && text != url {
                out.push_str(&format!(" ({})", l.url));
            }
        }
        NodeValue::Image(l) => {
            out.push_str(&inlines(node));
            out.push_str(&format!(" ({})", l.url));
        }
        _ => {
            for child in node.children() {
                inline(child, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::render::escape_markdown;

    #[test]
    fn plain_text_reads_like_text() {
        let md = format!(
            "# Update — 23 Nov\n\n## Goals\n\n### Search\n\nShipped the *cache*, see [the doc](https://x.org/d).\n\n- 2 commits in search\n  - {} (abc1234)\n\n## Help\n\n- [ ] Access to `prod`\n- [x] Budget\n",
            escape_markdown("Fix <b>*all*</b> [links](javascript:x)")
        );
        let text = to_text(&md);
        assert_eq!(
            text,
            "Update — 23 Nov\n===============\n\nGoals\n-----\n\nSearch\n\nShipped the cache, see the doc (https://x.org/d).\n\n- 2 commits in search\n  - Fix <b>*all*</b> [links](javascript:x) (abc1234)\n\nHelp\n----\n\n- [ ] Access to prod\n- [x] Budget\n"
        );
    }

    #[test]
    fn plain_text_nests_quotes_tables_and_code() {
        let md = "- - a\n  - b\n- c\n\n> quote\n> - x\n\n| a | bee |\n|---|:-:|\n| `xyzzy` | **y** |\n\n```\nfn x() {}\n\nfn y() {}\n```\n\n<div>\nraw html\n</div>\n\n1. [ ] ask\n\n   more\n2. [x] done\n";
        assert_eq!(
            to_text(md),
            "- - a\n  - b\n- c\n\n> quote\n>\n> - x\n\na     | bee\n----- | ---\nxyzzy | y\n\n    fn x() {}\n\n    fn y() {}\n\n1. [ ] ask\n\n       more\n\n2. [x] done\n"
        );
    }
}
