//! The update as a standalone HTML document for mail clients and browsers:
//! comrak's safe rendering, every style written into its element as the
//! markup passes through ([`style`], [`styled`]), and task boxes as text.
//!
//! Why not a CSS inliner: the style sheet is fixed and selects by element
//! name only, and comrak writes every element. css-inline, which did this
//! before, parses the HTML again with html5ever and the style sheet with
//! cssparser and selectors, which brought 53 crates into the build (with
//! url, idna and ICU4X's Unicode data) for what a lookup from element name
//! to style does. Writing the styles here gives the same bytes (the
//! export's snapshot test; BENCHMARKS.md, "HTML styles", has the figures).
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
//!
//! Outlook for Windows draws mail with Word, which reads on a `<span>` only
//! Microsoft's "core" properties: `background-color` but not the
//! `background` shorthand, so a code span's grey would be lost. Code (span
//! and block) says `background-color`, and the code span writes no
//! shorthand at all (its padding as `padding-top` …, which Word leaves out
//! on a span either way and every other client reads). The block elements
//! keep `margin`, `padding` and `border` shorthands, which Word reads there.
//!
//! The document declares its language, `update.lang`, in `<html lang>`.

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
/// The grey behind code.
const CODE_BACKGROUND: &str = "#f6f8fa";

/// The style written into every `tag` element, as `property: value;`
/// declarations; `None` for an element left unstyled. `code` is written as
/// a `span`; `div` is the container, carrying what `<body>` used to (comrak
/// writes no `div` of its own with icu's options).
/// Text elements repeat the font because table cells and Outlook's Word
/// engine do not always inherit it.
fn style(tag: &str) -> Option<String> {
    let text = format!("font-family: {FONT};color: #1f2328;");
    Some(match tag {
        "div" => format!("font-family: {FONT};font-size: 15px;line-height: 1.5;color: #1f2328;max-width: 42em;margin: 0 auto;padding: 1em;"),
        "p" => format!("{text}margin: 1em 0;"),
        "h1" => format!("{text}font-size: 1.5em;margin: 0 0 .5em;"),
        "h2" => format!("{text}font-size: 1.25em;margin: 1.2em 0 .4em;border-bottom: 1px solid #d1d9e0;padding-bottom: .2em;"),
        "h3" => format!("{text}font-size: 1.05em;margin: 1em 0 .3em;"),
        "blockquote" => text,
        "li" => format!("{text}margin: .1em 0;"),
        "td" | "th" => format!("{text}border: 1px solid #d1d9e0;padding: .2em .5em;"),
        "ul" | "ol" => "padding-left: 1.5em;margin: .3em 0;".into(),
        "table" => "border-collapse: collapse;".into(),
        "a" => "color: #0969da;".into(),
        "code" => format!("font-family: {MONO};font-size: .9em;background-color: {CODE_BACKGROUND};padding-top: .1em;padding-right: .3em;padding-bottom: .1em;padding-left: .3em;"),
        "pre" => format!("font-family: {MONO};background-color: {CODE_BACKGROUND};padding: .6em;margin: 1em 0;"),
        _ => return None,
    })
}

/// Outlook for Windows ignores `max-width`: a table only it sees (a
/// conditional comment) keeps its column as narrow as everyone else's,
/// 42em at 15px.
const MSO_OPEN: &str = "<!--[if mso]><table role=\"presentation\" width=\"630\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->";
const MSO_CLOSE: &str = "<!--[if mso]></td></tr></table><![endif]-->";

/// The box drawn for an open (`- [ ]`) and a done (`- [x]`) task item in HTML.
const TASK_OPEN: &str = "\u{2610} ";
const TASK_DONE: &str = "\u{2611} ";

/// The update as a complete HTML document titled `title`, in the language
/// `lang` (a BCP 47 tag, `update.lang`, checked when the config loads):
/// `<html lang>` tells a screen reader how to pronounce it and a mail
/// client whether to offer a translation.
///
/// Task items are drawn as ☐/☑ text rather than comrak's
/// `<input type="checkbox">`: mail clients (Gmail, Outlook) strip form
/// elements, which would make an open ask look the same as a done one.
///
/// No line of it starts with `From ` (`no_from_lines`).
pub fn to_html(md: &str, title: &str, lang: &str) -> String {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n</head>\n{MSO_OPEN}\n{}\n{MSO_CLOSE}\n</html>\n",
        html_escape(lang),
        html_escape(title),
        styled(&rendered(md))
    );
    no_from_lines(&html)
}

/// `html` with the `F` of each line that starts with `From ` written as
/// the character reference `&#70;`, which every HTML reader shows as `F`:
/// a mail delivered into an mbox file gets a `>` before such a line, which
/// the reader would see. A line of comrak's HTML starts with text after a
/// soft break in a paragraph or a line of a code block; a reference is
/// read as its character in text and attribute values alike, and no tag,
/// comment or entity starts with `From `.
fn no_from_lines(html: &str) -> String {
    html.replace("\nFrom ", "\n&#70;rom ")
}

/// comrak's HTML of `md`, task items as text and no link inside another.
///
/// An autolink in a link's text (`[see <https://…>](url)`, the one nesting
/// comrak writes) is left as its text: HTML has no nested links, and a
/// parser ends the outer link where the inner one starts, which left the
/// outer one empty and the rest of its text outside it.
fn rendered(md: &str) -> String {
    let options = comrak_options();
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    let is_link = |n: &AstNode<'_>| matches!(n.data().value, NodeValue::Link(_));
    let (tasks, nested): (Vec<_>, Vec<_>) = root
        .descendants()
        .filter(|n| {
            matches!(n.data().value, NodeValue::TaskItem(_))
                || (is_link(n) && n.ancestors().skip(1).any(is_link))
        })
        .partition(|n| matches!(n.data().value, NodeValue::TaskItem(_)));
    for item in tasks {
        task_as_text(&arena, item);
    }
    for link in nested {
        let text: Vec<_> = link.children().collect();
        for child in text {
            link.insert_before(child);
        }
        link.detach();
    }
    let mut body = String::new();
    // Writing to a String cannot fail; an empty body is the worst outcome.
    let _ = comrak::format_html(root, &options, &mut body);
    body
}

/// comrak's HTML inside the styled container, each element with its
/// [`style`] attribute, `<code>` as `<span>` (a fenced block's language
/// class dropped: it styles nothing in a mail), and written as an HTML
/// serializer writes what a parser read: `&`, `<`, `>` and the no-break
/// space escaped in text, `&`, `"` and the no-break space in attribute
/// values, void elements without a closing slash.
///
/// A rewrite of tags, not a parser, because comrak's safe rendering writes
/// no markup but its own: it escapes `<` and `>` in text and in attribute
/// values (a URL percent-encodes them) and writes the doc's raw HTML as a
/// `<!-- raw HTML omitted -->` comment, so every `<` opens one of its tags
/// or that comment, the next `>` ends a tag and the next `-->` the comment.
fn styled(body: &str) -> String {
    let mut out = String::with_capacity(body.len() * 4);
    push_start_tag(&mut out, "div", "");
    out.push('\n');
    let mut rest = body;
    while let Some(at) = rest.find('<') {
        push_text(&mut out, &rest[..at], Context::Text);
        rest = &rest[at..];
        let (close, skip) = if rest.starts_with("<!--") {
            ("-->", 3)
        } else {
            (">", 1)
        };
        let end = rest.find(close).map_or(rest.len(), |end| end + skip);
        let markup = &rest[..end];
        rest = &rest[end..];
        if markup.starts_with("<!--") {
            out.push_str(markup);
        } else if let Some(name) = markup.strip_prefix("</") {
            let name = name.trim_end_matches('>');
            out.push_str("</");
            out.push_str(if name == "code" { "span" } else { name });
            out.push('>');
        } else {
            let inner = markup.trim_start_matches('<').trim_end_matches('>');
            let inner = inner.strip_suffix(" /").unwrap_or(inner);
            let (name, attributes) = inner.split_once(' ').unwrap_or((inner, ""));
            push_start_tag(&mut out, name, attributes);
        }
    }
    push_text(&mut out, rest, Context::Text);
    out.push_str("</div>");
    out
}

/// Where comrak's escaped text goes: element content or an attribute value.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Text,
    Attribute,
}

/// `<name attributes style="…">`, `code` as `span` without its attributes.
fn push_start_tag(out: &mut String, name: &str, mut attributes: &str) {
    let style = style(name);
    if name == "code" {
        attributes = "";
    }
    out.push('<');
    out.push_str(if name == "code" { "span" } else { name });
    // comrak writes each attribute as ` name="value"`, the value escaped.
    while let Some((attribute, after)) = attributes.trim_start().split_once("=\"") {
        let (value, after) = after.split_once('"').unwrap_or((after, ""));
        out.push(' ');
        out.push_str(attribute);
        out.push_str("=\"");
        push_text(out, value, Context::Attribute);
        out.push('"');
        attributes = after;
    }
    if let Some(style) = style {
        out.push_str(" style=\"");
        out.push_str(&style);
        out.push('"');
    }
    out.push('>');
}

/// comrak's escaped text as an HTML serializer writes it in `context`, so
/// the export keeps the bytes it had when a parser and serializer
/// (css-inline's) wrote it: comrak escapes `"` in text and `<`, `>` in
/// attributes, and writes `'` in a URL as `&#x27;`, which a serializer does
/// not; it writes the no-break space as is, and a CR (from `&#13;` or a CR
/// LF in the doc) as is, which a parser reads as a line feed.
fn push_text(out: &mut String, escaped: &str, context: Context) {
    let mut rest = escaped;
    while let Some(at) = rest.find(['&', '\u{a0}', '\r']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix('\u{a0}') {
            out.push_str("&nbsp;");
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix('\r') {
            out.push('\n');
            rest = after.strip_prefix('\n').unwrap_or(after);
            continue;
        }
        let end = rest.find(';').map_or(rest.len(), |end| end + 1);
        let entity = &rest[..end];
        out.push_str(match (entity, context) {
            ("&quot;", Context::Text) => "\"",
            ("&lt;", Context::Attribute) => "<",
            ("&gt;", Context::Attribute) => ">",
            ("&#x27;", _) => "'",
            _ => entity,
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
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
            let html = to_html(&escaped, "t", "en");
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<img"), "{html}");
            assert!(!html.contains("href=\"javascript"), "{html}");
            assert!(!html.contains("<em>"), "{html}");
            // Raw, unescaped: comrak's safe mode still keeps it inert.
            let raw = to_html(&format!("{s}\n\n<iframe src=x></iframe>\n"), "t", "en");
            assert!(
                !raw.contains("<script") && !raw.contains("<iframe") && !raw.contains("onerror"),
                "{raw}"
            );
            assert!(!raw.contains("javascript:"), "{raw}");
        }
        assert!(to_html("x", "<b>T</b>", "en").contains("<title>&lt;b&gt;T&lt;/b&gt;</title>"));
    }

    #[test]
    fn the_persons_markdown_renders() {
        let html = to_html("## Goals\n\n- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nsee https://example.com and *this*\n", "t", "en");
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
            "en",
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
            "en",
        );
        assert!(
            html.contains("title=\"a <code class=&quot;code&quot;> b\""),
            "{html}"
        );
        assert!(html.contains("&lt;/code&gt;</span>"), "{html}");
        // The first font is one a composer finds installed, not a CSS alias.
        assert!(FONT.starts_with("'Segoe UI',") && MONO.starts_with("Consolas,"));
    }

    #[test]
    fn the_document_declares_its_language() {
        assert!(to_html("x", "t", "de-CH").starts_with("<!DOCTYPE html>\n<html lang=\"de-CH\">\n"));
    }

    #[test]
    fn a_code_span_has_no_shorthand_outlook_drops() {
        let html = to_html("a `x` b\n\n```\ncode\n```\n", "t", "en");
        let at = html.find("<span style=\"").expect(&html);
        let style = html[at..].split('"').nth(1).unwrap();
        let properties: Vec<&str> = style
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(p, _)| p.trim())
            .collect();
        for shorthand in ["background", "padding", "margin", "border", "font"] {
            assert!(!properties.contains(&shorthand), "{shorthand}: {style}");
        }
        assert!(style.contains("background-color: #f6f8fa"), "{style}");
        assert!(html.contains("<pre style=\"font-family: Consolas,ui-monospace,Menlo,monospace;background-color: #f6f8fa;"), "{html}");
    }

    #[test]
    fn no_line_starts_with_from() {
        let html = to_html("Ship it.\nFrom now on, weekly.\n\n```\nfirst\nFrom a to b\n```\n\n[x](https://e.example \"t\nFrom y\")\n", "t", "en");
        assert!(html.lines().all(|l| !l.starts_with("From ")), "{html}");
        assert!(html.contains("\n&#70;rom now on, weekly.</p>"), "{html}");
        assert!(html.contains("\n&#70;rom a to b\n"), "{html}");
    }
}
