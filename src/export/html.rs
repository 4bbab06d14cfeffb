//! The update as a standalone HTML document for mail clients and browsers:
//! comrak's safe rendering, an inline style sheet, and task boxes as text.

use comrak::nodes::{AstNode, NodeValue};

use super::comrak_options;

const STYLE: &str = "body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;max-width:42em;margin:0 auto;padding:1em}\
h1{font-size:1.5em;margin:0 0 .5em}h2{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:1px solid #d1d9e0;padding-bottom:.2em}h3{font-size:1.05em;margin:1em 0 .3em}\
ul,ol{padding-left:1.5em;margin:.3em 0}li{margin:.1em 0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f6f8fa;padding:.1em .3em;border-radius:3px}\
pre{background:#f6f8fa;padding:.6em;border-radius:4px;overflow:auto}a{color:#0969da}table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:.2em .5em}";

/// The box drawn for an open (`- [ ]`) and a done (`- [x]`) task item in HTML.
const TASK_OPEN: &str = "\u{2610} ";
const TASK_DONE: &str = "\u{2611} ";

/// The update as a complete HTML document titled `title`.
///
/// Task items are drawn as ☐/☑ text rather than comrak's
/// `<input type="checkbox">`: mail clients (Gmail, Outlook) strip form
/// elements, which would make an open ask look the same as a done one.
pub fn to_html(md: &str, title: &str) -> String {
    let options = comrak_options();
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    let tasks: Vec<_> = root
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::TaskItem(_)))
        .collect();
    for item in tasks {
        task_as_text(&arena, item);
    }
    let mut body = String::new();
    // Writing to a String cannot fail; an empty body is the worst outcome.
    let _ = comrak::format_html(root, &options, &mut body);
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_escape(title)
    )
}

/// Turns a task item into a plain list item whose text starts with a box.
fn task_as_text<'a>(arena: &'a comrak::Arena<'a>, item: &'a AstNode<'a>) {
    let done = match &item.data().value {
        NodeValue::TaskItem(t) => t.symbol.is_some(),
        _ => return,
    };
    let Some(list) = item.parent().and_then(|p| match &p.data().value {
        NodeValue::List(l) => Some(*l),
        _ => None,
    }) else {
        return;
    };
    item.data_mut().value = NodeValue::Item(list);
    let mark = arena.alloc(AstNode::from(NodeValue::Text(
        if done { TASK_DONE } else { TASK_OPEN }.into(),
    )));
    match item.first_child() {
        Some(p) if matches!(p.data().value, NodeValue::Paragraph) => p.prepend(mark),
        _ => {
            let p = arena.alloc(AstNode::from(NodeValue::Paragraph));
            p.append(mark);
            item.prepend(p);
        }
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::render::escape_markdown;

    #[test]
    fn hostile_markdown_never_becomes_live_html() {
        let subjects = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "*bold* `code` ![i](javascript:x)",
        ];
        for s in subjects {
            let escaped = format!("- {}\n", escape_markdown(s));
            let html = to_html(&escaped, "t");
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<img"), "{html}");
            assert!(!html.contains("href=\"javascript"), "{html}");
            assert!(!html.contains("<em>"), "{html}");
            // Raw, unescaped: comrak's safe mode still keeps it inert.
            let raw = to_html(&format!("{s}\n\n<iframe src=x></iframe>\n"), "t");
            assert!(
                !raw.contains("<script") && !raw.contains("<iframe") && !raw.contains("onerror"),
                "{raw}"
            );
            assert!(!raw.contains("javascript:"), "{raw}");
        }
        assert!(to_html("x", "<b>T</b>").contains("<title>&lt;b&gt;T&lt;/b&gt;</title>"));
    }

    #[test]
    fn the_persons_markdown_renders() {
        let html = to_html("## Goals\n\n- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nsee https://example.com and *this*\n", "t");
        assert!(html.contains("<h2>Goals</h2>"));
        // Mail clients strip form elements: the boxes are text.
        assert!(html.contains("<li>\u{2611} done</li>"), "{html}");
        assert!(html.contains("<li>\u{2610} open</li>"), "{html}");
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("<table>"));
        assert!(html.contains("<a href=\"https://example.com\">"));
        assert!(html.contains("<em>this</em>"));
    }
}
