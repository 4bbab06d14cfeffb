//! The Markdown dialect of an update, and whether a piece of Markdown reads
//! as exactly the text it was written for — the check behind
//! `template::escape_markdown`'s minimal escaping.
//!
//! A commit subject, a goal title or a repository name goes into the update
//! as text: it must never become a heading, a list, a link, emphasis or
//! HTML. Escaping every character that *could* start markup does that, but
//! leaves `the\_repository` and `\#1580` in the file the person edits. The
//! minimal escaping leaves a character as it is where CommonMark gives it no
//! meaning at that place (an underscore inside a word, a `#` mid-line, a
//! subject's own `` `code` `` spans); this module then parses the result in
//! the two places such text goes — a list item's line and a heading — and
//! accepts it only if it reads as one paragraph (or heading) of that very
//! text and those code spans, and nothing else. Otherwise the full escaping
//! is used: the check is the guarantee, the rules only the first try.

use comrak::nodes::{AstNode, NodeValue};

/// The Markdown an update is written in, as every export reads it: tables,
/// task lists, bare-URL autolinks and strikethrough on top of CommonMark.
pub fn dialect() -> comrak::Options<'static> {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o
}

/// A stretch of inline text as it should read: plain text, or a code
/// span's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Code(String),
}

/// Whether `md` reads as exactly `pieces` both as the text of a list item
/// (`- md`) and as a heading's (`### md`): one paragraph or heading whose
/// inlines are that text and those code spans, in order, with no emphasis,
/// link, HTML, line break or anything else.
pub fn reads_as(md: &str, pieces: &[Piece]) -> bool {
    if md.contains(['\n', '\r']) {
        return false;
    }
    let want = merged(pieces.to_vec());
    let opts = dialect();
    let arena = comrak::Arena::new();
    let item = comrak::parse_document(&arena, &format!("- {md}\n"), &opts);
    let in_item = single(item, |v| matches!(v, NodeValue::List(_)))
        .and_then(|l| single(l, |v| matches!(v, NodeValue::Item(_))))
        .and_then(|i| single(i, |v| matches!(v, NodeValue::Paragraph)));
    let heading = comrak::parse_document(&arena, &format!("### {md}\n"), &opts);
    let in_heading = single(heading, |v| matches!(v, NodeValue::Heading(_)));
    let read: [bool; 2] =
        [in_item, in_heading].map(|n| n.and_then(inlines).is_some_and(|got| got == want));
    read == [true, true]
}

/// The only child of `node`, if it has exactly one and it is `kind`.
fn single<'a>(node: &'a AstNode<'a>, kind: impl Fn(&NodeValue) -> bool) -> Option<&'a AstNode<'a>> {
    let mut children = node.children();
    let first = children.next()?;
    (children.next().is_none() && kind(&first.data.borrow().value)).then_some(first)
}

/// The inlines of `node` as pieces, if they are only text and code spans.
fn inlines<'a>(node: &'a AstNode<'a>) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for c in node.children() {
        match &c.data.borrow().value {
            NodeValue::Text(t) => out.push(Piece::Text(t.to_string())),
            NodeValue::Code(code) => out.push(Piece::Code(code.literal.clone())),
            _ => return None,
        }
    }
    Some(merged(out))
}

/// `pieces` with neighbouring text joined (a parser splits text at an
/// escape) and empty text dropped.
fn merged(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (_, Piece::Text(t)) if t.is_empty() => {}
            (Some(Piece::Text(last)), Piece::Text(t)) => last.push_str(&t),
            (_, p) => out.push(p),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<Piece> {
        vec![Piece::Text(s.to_string())]
    }

    #[test]
    fn plain_text_reads_as_itself_and_markup_does_not() {
        assert!(reads_as(
            "get rid of the_repository",
            &text("get rid of the_repository")
        ));
        assert!(reads_as("fix #1580 in C#", &text("fix #1580 in C#")));
        assert!(!reads_as("*bold*", &text("*bold*")));
        assert!(!reads_as("_x_", &text("_x_")));
        assert!(!reads_as("# title", &text("# title")));
        assert!(!reads_as("a [link](x)", &text("a [link](x)")));
        assert!(!reads_as(
            "see https://x.example",
            &text("see https://x.example")
        ));
        assert!(!reads_as("ends with #", &text("ends with #")));
        assert!(reads_as(
            "use `size_t` here",
            &[
                Piece::Text("use ".into()),
                Piece::Code("size_t".into()),
                Piece::Text(" here".into())
            ]
        ));
    }
}
