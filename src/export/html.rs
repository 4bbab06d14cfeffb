//! The update as a standalone HTML document for mail clients and browsers:
//! comrak's safe rendering, every style inlined into the elements
//! (css-inline), and task boxes as text.
//!
//! Mail clients are not browsers. Gmail's mobile web client drops `<style>`
//! rules with type selectors, Outlook for Mac, iOS and Android drop the
//! `<body>` element with its styles, and a client that strips `<style>`
//! leaves tables without borders. So nothing here depends on a `<style>`
//! block or on `<body>`: the look is inlined into each element and hangs off
//! a styled container `<div>`, and the document leaves out the optional
//! `<body>` tags altogether (an HTML parser infers the body, and caniemail,
//! the support data `tests/mail_html.rs` checks the export against, lists
//! the element itself as unsupported in those clients). Nothing needs a
//! feature caniemail lists as unsupported by a client: no `border-radius` or
//! `overflow` or `white-space` (Outlook for Windows), no `<code>` element
//! (Orange webmail; code is a monospace `<span>`).

use comrak::nodes::{AstNode, NodeValue};

use super::comrak_options;

/// The fonts, first a family that is installed where it is named: Outlook
/// for Windows takes only the first family and falls back to Times New
/// Roman when it is missing, and a composer shows the first one in its font
/// box (a reply to `-apple-system` reads "not installed"). Segoe UI is on
/// every Windows; on a Mac, where it is not, `-apple-system` gives the
/// system font as before, and Helvetica and Arial cover the rest.
const FONT: &str = "'Segoe UI',-apple-system,BlinkMacSystemFont,Helvetica,Arial,sans-serif";
/// Consolas on Windows, then the Mac's monospaced system font.
const MONO: &str = "Consolas,ui-monospace,Menlo,monospace";

/// The style sheet css-inline writes into the elements; none of it reaches
/// the output as a `<style>` block. The container `.icu` carries what
/// `<body>` used to; text elements repeat the font because table cells and
/// Outlook's Word engine do not always inherit it.
fn style_sheet() -> String {
    format!(
        ".icu{{font-family:{FONT};font-size:15px;line-height:1.5;color:#1f2328;max-width:42em;margin:0 auto;padding:1em}}\
p,li,td,th,h1,h2,h3,blockquote{{font-family:{FONT};color:#1f2328}}\
p{{margin:1em 0}}\
h1{{font-size:1.5em;margin:0 0 .5em}}h2{{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:1px solid #d1d9e0;padding-bottom:.2em}}h3{{font-size:1.05em;margin:1em 0 .3em}}\
ul,ol{{padding-left:1.5em;margin:.3em 0}}li{{margin:.1em 0}}\
.code{{font-family:{MONO};font-size:.9em;background:#f6f8fa;padding:.1em .3em}}\
pre{{font-family:{MONO};background:#f6f8fa;padding:.6em;margin:1em 0}}a{{color:#0969da}}\
table{{border-collapse:collapse}}td,th{{border:1px solid #d1d9e0;padding:.2em .5em}}"
    )
}

/// Outlook for Windows ignores `max-width`: a table only it sees (a
/// conditional comment) keeps its column as narrow as everyone else's,
/// 42em at 15px.
const MSO_OPEN: &str = "<!--[if mso]><table role=\"presentation\" width=\"630\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->";
const MSO_CLOSE: &str = "<!--[if mso]></td></tr></table><![endif]-->";

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
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n</head>\n{MSO_OPEN}\n{}\n{MSO_CLOSE}\n</html>\n",
        html_escape(title),
        inline_styles(&body)
    )
}

/// comrak's HTML inside the styled container, every rule of
/// [`style_sheet`] written into the `style` attribute of the elements it
/// selects, `<code>` as `<span>`, and no class left.
///
/// The string replacements are safe. Before inlining, comrak's output
/// escapes `<` in text and attributes alike, and in safe mode drops the
/// doc's own raw HTML: `<code` and `</code>` occur only as its markup. After,
/// the patterns hold a `"`, which the serializer escapes everywhere else.
fn inline_styles(body: &str) -> String {
    let body = body
        .replace("<code>", "<span class=\"code\">")
        .replace("</code>", "</span>");
    // A fenced block's language (`<code class="language-rust">`) styles
    // nothing in a mail.
    let body = without_language_classes(&body);
    let html = format!("<div class=\"icu\">\n{body}</div>");
    // Built without css-inline's network and file features: nothing is
    // fetched, and the doc cannot name a stylesheet (its raw HTML is dropped).
    let inliner = css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_style_tags(false)
        .keep_link_tags(false)
        .build();
    // Only a stylesheet to load can fail, and there is none: on failure the
    // unstyled HTML is still the whole update.
    let inlined = inliner
        .inline_fragment(&html, &style_sheet())
        .unwrap_or(html);
    inlined
        .replacen("<div class=\"icu\" style=\"", "<div style=\"", 1)
        .replace("<span class=\"code\" style=\"", "<span style=\"")
}

/// `<code class="language-…">` (comrak's opening of a fenced block with an
/// info string) as `<span class="code">`.
fn without_language_classes(html: &str) -> String {
    const OPEN: &str = "<code class=\"language-";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        out.push_str("<span class=\"code\">");
        let after = &rest[at + OPEN.len()..];
        rest = after.find("\">").map_or("", |end| &after[end + 2..]);
    }
    out.push_str(rest);
    out
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
    use crate::compose::escape_markdown;

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
        assert!(html.contains(">Goals</h2>"), "{html}");
        // Mail clients strip form elements: the boxes are text.
        assert!(html.contains(">\u{2611} done</li>"), "{html}");
        assert!(html.contains(">\u{2610} open</li>"), "{html}");
        assert!(!html.contains("<input"), "{html}");
        assert!(
            html.contains("<table style=\"border-collapse: collapse;\">"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://example.com\" style=\"color: #0969da;\">"),
            "{html}"
        );
        assert!(html.contains("<em>this</em>"));
    }

    #[test]
    fn every_style_is_on_its_element() {
        let html = to_html(
            "# T\n\n## S\n\n`x` and\n\n```\ncode\n```\n\n| a |\n|---|\n| 1 |\n",
            "t",
        );
        // Nothing depends on a <style> block or on <body>.
        assert!(
            !html.contains("<style") && !html.contains("<body"),
            "{html}"
        );
        assert!(!html.contains("class="), "{html}");
        // The container carries what <body> did.
        assert!(html.contains(&format!("<div style=\"font-family: {FONT};font-size: 15px;line-height: 1.5;color: #1f2328;max-width: 42em;margin: 0 auto;padding: 1em;\">")), "{html}");
        // Table borders survive a client that drops <style>.
        for cell in ["<th style=\"", "<td style=\""] {
            let at = html.find(cell).unwrap();
            assert!(
                html[at..]
                    .split('>')
                    .next()
                    .unwrap()
                    .contains("border: 1px solid #d1d9e0"),
                "{html}"
            );
        }
        assert!(html.contains("border-bottom: 1px solid #d1d9e0"), "{html}");
        // Code is a monospace span; nothing Outlook for Windows drops.
        assert!(!html.contains("<code"), "{html}");
        assert!(
            html.contains(&format!("<span style=\"font-family: {MONO};")),
            "{html}"
        );
        for unsupported in ["border-radius", "overflow", "white-space"] {
            assert!(!html.contains(unsupported), "{unsupported}: {html}");
        }
        // Markup-like text anywhere stays text.
        let html = to_html(
            "[l](https://e.example \"a <code class=\\\"code\\\"> b\") and `</code>`\n",
            "t",
        );
        assert!(
            html.contains("title=\"a <code class=&quot;code&quot;> b\""),
            "{html}"
        );
        assert!(html.contains("&lt;/code&gt;</span>"), "{html}");
        // The first font is one a composer finds installed, not a CSS alias.
        assert!(FONT.starts_with("'Segoe UI',") && MONO.starts_with("Consolas,"));
    }
}
