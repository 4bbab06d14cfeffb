//! Finding icu's markers with a real Markdown parse (comrak).
//!
//! A marker is an HTML comment alone on its line, at the top level of the
//! document, starting in column 1:
//!
//! - `<!-- icu:write PROMPT -->` where the person's prose goes;
//! - `<!-- icu:activity KEY -->` … `<!-- /icu:activity -->` around a generated
//!   block.
//!
//! Only comrak's top-level HTML blocks are candidates, so a marker shown in a
//! fenced or indented code block, quoted in a blockquote or a list, or written
//! inline in a sentence is text, not a marker. A candidate that starts like a
//! marker but is not a well-formed one is an error rather than a silent
//! miss: a refresh must never guess. Damaged, nested or duplicated markers
//! ([`Outline::blocks`]) leave the file untouched, and the error names the
//! line.
//!
//! # Markers hidden by what the person left open
//!
//! What the person leaves open must not hide the markers below it
//! ([`Outline::check_hidden`], run by refresh, check and the export that
//! send uses, before the blocks are read). A line written like a marker
//! (`<!-- icu:` or `<!-- /icu:` in column 1) that comrak puts inside a
//! top-level block begun on an earlier line is hidden, and the update is
//! refused (`DocError::Marker` at the line where that block starts, saying
//! how to close it) when the block is:
//!
//! - a fenced code block never closed (it runs to the end of the document);
//! - any HTML block: `<pre>`, `<script>`, `<style>`, `<textarea>` until
//!   their end tag, `<!--` until `-->` (an unclosed comment ends at the next
//!   marker, which it takes in), `<?`, `<!X`, `<![CDATA[`, or a `<div>`-like
//!   block until the next blank line. A marker shown in HTML would be
//!   invisible anyway;
//! - a closed fenced code block that takes in the opening marker of a key
//!   the front matter lists (`goals` or `blocks`) when no real block of
//!   that key is seen: a fence left open above the person's own closed pair
//!   ends at the pair's opener and swallows real blocks.
//!
//! Otherwise a closed fence showing a marker is text: an example. A fence
//! left open with no marker below it hides nothing and is the person's
//! Markdown. A marker indented, quoted or in a list is not in column 1, so
//! it is text and never counted as hidden.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use comrak::nodes::NodeValue;
use regex::Regex;

use super::DocError;

/// The key of the "Other work" block: commits no goal claims.
pub use crate::config::{OTHER_KEY, TOTALS_KEY};

/// Whether a block key is a goal's (not "Other work", not the totals).
pub fn is_goal_key(key: &str) -> bool {
    key != OTHER_KEY && key != TOTALS_KEY
}

/// What a marker says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `<!-- icu:write PROMPT -->`, with any text the person wrote after it
    /// on the same line.
    Write { prompt: String, after: String },
    /// `<!-- icu:activity KEY -->`
    Open { key: String },
    /// `<!-- /icu:activity -->`
    Close,
}

/// One marker line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub kind: Kind,
    /// 1-based line number in the whole text.
    pub line: usize,
    /// The line's bytes, its line ending included.
    pub span: Range<usize>,
}

/// A generated block: its opening and closing markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub key: String,
    pub open: Marker,
    pub close: Marker,
}

impl Block {
    /// The bytes between the two marker lines: what a refresh replaces.
    pub fn content(&self) -> Range<usize> {
        self.open.span.end..self.close.span.start
    }
}

/// The line structure of a text, as CommonMark sees it (`\n`, `\r\n` or a
/// lone `\r` ends a line).
#[derive(Debug, Clone)]
pub struct Lines {
    /// Per line: the start, the end of its text, the end of its line ending.
    spans: Vec<(usize, usize, usize)>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut spans = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => {
                    spans.push((start, i, i + 1));
                    i += 1;
                    start = i;
                }
                b'\r' => {
                    let end = if b.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    spans.push((start, i, end));
                    i = end;
                    start = i;
                }
                _ => i += 1,
            }
        }
        if start < b.len() {
            spans.push((start, b.len(), b.len()));
        }
        Lines { spans }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Line `n` (1-based) without its line ending.
    pub fn text<'t>(&self, text: &'t str, n: usize) -> &'t str {
        let (s, e, _) = self.spans[n - 1];
        &text[s..e]
    }

    /// Line `n` (1-based) with its line ending.
    pub fn span(&self, n: usize) -> Range<usize> {
        let (s, _, e) = self.spans[n - 1];
        s..e
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.spans.binary_search_by(|(s, _, _)| s.cmp(&offset)) {
            Ok(i) => i + 1,
            Err(i) => i.max(1),
        }
    }
}

/// The Markdown structure icu needs: marker lines and heading lines.
#[derive(Debug, Clone)]
pub struct Outline {
    pub lines: Lines,
    pub markers: Vec<Marker>,
    /// The top-level headings, with their level and plain text.
    pub headings: Vec<Heading>,
    /// The first line of a top-level fenced code block that is never closed
    /// (it runs to the end of the document), if any.
    pub unclosed_fence: Option<usize>,
    /// Every top-level block of the body, in order: what a reader sees there
    /// (the asks are the items of the top-level lists in the help section).
    pub nodes: Vec<Node>,
    /// Lines written like a marker that comrak sees inside a code block or
    /// an HTML block begun on an earlier line, in order
    /// ([`Outline::check_hidden`] decides which of them are refused).
    pub hidden: Vec<Hidden>,
    /// The top-level fenced code blocks and HTML blocks, in order.
    pub containers: Vec<Container>,
}

/// A line written like a marker (`<!-- icu:` in column 1) that is not one,
/// because a block begun above it takes it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// 1-based line of the marker-like line.
    pub line: usize,
    /// The key, when the line would open an activity block.
    pub key: Option<String>,
    /// The block that takes it in.
    pub by: Container,
}

/// A top-level block that can take in a line written like a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// Its first and last line (1-based, in the whole text).
    pub line: usize,
    pub end_line: usize,
    pub kind: ContainerKind,
}

impl Container {
    /// What ends it, when it runs to the end of the document: `None` when
    /// something already ends it.
    pub fn open_end(&self) -> Option<String> {
        match &self.kind {
            ContainerKind::Fence {
                fence,
                closed: false,
            } => Some(format!("a {fence} line")),
            ContainerKind::Html {
                closer,
                closed: false,
                ..
            } => Some(format!("`{closer}`")),
            ContainerKind::HtmlToBlank { .. } => Some("a blank line".into()),
            _ => None,
        }
    }
}

/// What took a marker-like line in, and how the person ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerKind {
    /// A fenced code block: its fence (```` ``` ````, `~~~~`) and whether
    /// a closing fence ends it.
    Fence { fence: String, closed: bool },
    /// An HTML block that ends at a closing text (`</pre>`, `-->`, `?>`,
    /// `>`, `]]>`): what opened it, what ends it, and whether its last line
    /// holds that end (else it runs to the end of the document).
    Html {
        opener: String,
        closer: String,
        closed: bool,
    },
    /// An HTML block that ends at the next blank line (`<div>`, `<span>`).
    HtmlToBlank { opener: String },
}

/// A top-level block of the body, as comrak parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its first and last line (1-based, in the whole text).
    pub line: usize,
    pub end_line: usize,
    pub kind: NodeKind,
}

/// What a top-level block is, as far as icu cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A list (any bullet, numbered, task items or not): the first and last
    /// line of each of its items. Lists nested in an item belong to it;
    /// `nested` has those directly in its items, each as the first and last
    /// line of its own items (what an export shortens in an activity block).
    List {
        items: Vec<(usize, usize)>,
        nested: Vec<Vec<(usize, usize)>>,
    },
    /// An HTML block made of comments only: a marker, or a note to self.
    Comment,
    Heading,
    /// `---`, `***`: nothing a reader reads.
    Break,
    /// Everything else a reader reads: a paragraph, a quote, code, a table,
    /// HTML that is not a comment.
    Text,
}

/// A top-level heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub line: usize,
    /// The last line of the heading (the underline of a setext heading).
    pub end_line: usize,
    pub level: u8,
    pub text: String,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<!--[ \t]*(/?)icu:([A-Za-z-]*)(?:[ \t]+(.*?))?[ \t]*-->(.*)$")
        .expect("marker regex")
});
static LOOKS_LIKE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<!--[ \t]*/?icu:").expect("marker prefix regex"));

/// Parses the body `text[body_start..]` and returns the outline with line
/// numbers and byte offsets relative to the whole `text`.
pub fn outline(text: &str, body_start: usize) -> Result<Outline, DocError> {
    let lines = Lines::new(text);
    let first_body_line = if body_start >= text.len() {
        lines.len() + 1
    } else {
        lines.line_of(body_start)
    };
    let offset = first_body_line - 1;
    let body = &text[body_start..];

    let arena = comrak::Arena::new();
    let options = comrak::Options::default();
    let root = comrak::parse_document(&arena, body, &options);

    let mut markers = Vec::new();
    let mut headings = Vec::new();
    let mut unclosed_fence = None;
    let mut nodes = Vec::new();
    let mut containers = Vec::new();
    for node in root.children() {
        let ast = node.data();
        let start = ast.sourcepos.start;
        let line = start.line + offset;
        if let Some(n) = top_node(node, offset, lines.len()) {
            nodes.push(n);
        }
        if let Some(c) = container(node, &lines, text, offset) {
            containers.push(c);
        }
        match &ast.value {
            NodeValue::HtmlBlock(_) if start.column == 1 && line <= lines.len() => {
                let raw = lines.text(text, line);
                if !LOOKS_LIKE_MARKER.is_match(raw) {
                    continue;
                }
                let kind = parse_marker(raw).ok_or_else(|| DocError::Marker {
                    line,
                    message: format!(
                        "`{}` is not a marker icu understands; write `<!-- icu:activity KEY -->`, `<!-- /icu:activity -->` or `<!-- icu:write PROMPT -->` on one line",
                        raw.trim()
                    ),
                })?;
                markers.push(Marker {
                    kind,
                    line,
                    span: lines.span(line),
                });
            }
            NodeValue::CodeBlock(c) if c.fenced && !c.closed => {
                unclosed_fence = unclosed_fence.or(Some(line));
            }
            NodeValue::Heading(h) => {
                let end_line = ast.sourcepos.end.line + offset;
                let title = plain_text(node);
                headings.push(Heading {
                    line,
                    end_line: end_line.max(line),
                    level: h.level,
                    text: title,
                });
            }
            _ => {}
        }
    }
    let hidden = hidden_markers(text, &lines, first_body_line, &markers, &containers);
    Ok(Outline {
        lines,
        markers,
        headings,
        unclosed_fence,
        nodes,
        hidden,
        containers,
    })
}

static HTML_RAW_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[ \t]*<(pre|script|style|textarea)").expect("raw tag regex")
});

/// The top-level `node` as a block that can take in a marker-like line: a
/// fenced code block or an HTML block.
fn container<'a>(
    node: &'a comrak::nodes::AstNode<'a>,
    lines: &Lines,
    text: &str,
    offset: usize,
) -> Option<Container> {
    let pos = node.data().sourcepos;
    let line = pos.start.line + offset;
    if line > lines.len() {
        return None;
    }
    let end_line = (pos.end.line + offset).clamp(line, lines.len());
    let kind = match &node.data().value {
        NodeValue::CodeBlock(c) if c.fenced => ContainerKind::Fence {
            fence: char::from(c.fence_char).to_string().repeat(c.fence_length),
            closed: c.closed,
        },
        NodeValue::HtmlBlock(h) => {
            let first = lines.text(text, line).trim();
            let (opener, closer) = match h.block_type {
                1 => {
                    let tag = HTML_RAW_TAG
                        .captures(first)
                        .map_or("pre".to_string(), |c| c[1].to_ascii_lowercase());
                    (format!("<{tag}>"), format!("</{tag}>"))
                }
                2 => ("<!--".into(), "-->".into()),
                3 => ("<?".into(), "?>".into()),
                4 => ("<!".into(), ">".into()),
                5 => ("<![CDATA[".into(), "]]>".into()),
                _ => {
                    let opener: String = first.chars().take(40).collect();
                    return Some(Container {
                        line,
                        end_line,
                        kind: ContainerKind::HtmlToBlank { opener },
                    });
                }
            };
            let last = lines.text(text, end_line).to_ascii_lowercase();
            let closed = last.contains(&closer);
            ContainerKind::Html {
                opener,
                closer,
                closed,
            }
        }
        _ => return None,
    };
    Some(Container {
        line,
        end_line,
        kind,
    })
}

/// Every line of the body from `first` on written like a marker that is
/// not a marker because one of `containers` takes it in.
fn hidden_markers(
    text: &str,
    lines: &Lines,
    first: usize,
    markers: &[Marker],
    containers: &[Container],
) -> Vec<Hidden> {
    (first..=lines.len())
        .filter(|n| LOOKS_LIKE_MARKER.is_match(lines.text(text, *n)))
        .filter(|n| markers.binary_search_by_key(n, |m| m.line).is_err())
        .filter_map(|n| {
            // The containers are top-level blocks, in order, none in another.
            let i = containers.partition_point(|c| c.line < n);
            let by = containers[..i].last().filter(|c| n <= c.end_line)?.clone();
            let key = match parse_marker(lines.text(text, n)) {
                Some(Kind::Open { key }) => Some(key),
                _ => None,
            };
            Some(Hidden { line: n, key, by })
        })
        .collect()
}

/// What the top-level `node` is, with its lines moved by `offset` and kept
/// within the text's `len` lines.
fn top_node<'a>(node: &'a comrak::nodes::AstNode<'a>, offset: usize, len: usize) -> Option<Node> {
    let span = |n: &'a comrak::nodes::AstNode<'a>| {
        let pos = n.data().sourcepos;
        let line = pos.start.line + offset;
        (line, (pos.end.line + offset).clamp(line, len.max(line)))
    };
    let (line, end_line) = span(node);
    if line > len {
        return None;
    }
    let kind = match &node.data().value {
        NodeValue::List(_) => NodeKind::List {
            items: node.children().map(span).collect(),
            nested: node
                .children()
                .flat_map(|item| item.children())
                .filter(|n| matches!(n.data().value, NodeValue::List(_)))
                .map(|list| list.children().map(span).collect())
                .collect(),
        },
        NodeValue::HtmlBlock(h) if is_comment_only(&h.literal) => NodeKind::Comment,
        NodeValue::Heading(_) => NodeKind::Heading,
        NodeValue::ThematicBreak => NodeKind::Break,
        _ => NodeKind::Text,
    };
    Some(Node {
        line,
        end_line,
        kind,
    })
}

/// Whether an HTML block holds nothing but comments.
fn is_comment_only(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        let Some(end) = after.find("-->") else {
            return false;
        };
        rest = after[end + 3..].trim_start();
    }
    rest.is_empty()
}

/// The text of a node as a reader sees it: escapes resolved, markup gone.
fn plain_text<'a>(node: &'a comrak::nodes::AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn parse_marker(line: &str) -> Option<Kind> {
    let c = MARKER.captures(line)?;
    let close = !c[1].is_empty();
    let arg = c.get(3).map_or("", |m| m.as_str()).trim();
    let after = c.get(4).map_or("", |m| m.as_str()).trim();
    match (&c[2], close) {
        ("write", false) => Some(Kind::Write {
            prompt: arg.to_string(),
            after: after.to_string(),
        }),
        ("activity", false) if is_key(arg) && after.is_empty() => Some(Kind::Open {
            key: arg.to_string(),
        }),
        ("activity", true) if arg.is_empty() && after.is_empty() => Some(Kind::Close),
        _ => None,
    }
}

/// Block keys are goal ids (`[a-z0-9-]+`) or `other`.
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Outline {
    /// Refuses a document where something the person left open hides icu's
    /// markers from the parser: a marker-like line inside an HTML block, or
    /// inside a code fence that is never closed, or an activity block of a
    /// key in `listed` (the front matter's `goals` and `blocks`) found only
    /// inside a code block. The error names the line where the open block
    /// starts and says how to end it. A closed fence showing a marker (one
    /// whose real block is also there, or that icu never listed) is text.
    pub fn check_hidden(&self, listed: &[&str]) -> Result<(), DocError> {
        let shown = |key: &str| {
            self.markers
                .iter()
                .any(|m| matches!(&m.kind, Kind::Open { key: k } if k == key))
        };
        for h in &self.hidden {
            let c = &h.by;
            let (m, end) = (h.line, c.end_line);
            let message = match &c.kind {
                ContainerKind::Fence { fence, closed: false } => format!(
                    "the code block opened here with {fence} is never closed: it runs to the end of the update and hides icu's markers from line {m} on; close it with a {fence} line where its code ends"
                ),
                ContainerKind::Fence { fence, closed: true } => match &h.key {
                    Some(key) if listed.contains(&key.as_str()) && !shown(key) => format!(
                        "the code block opened here with {fence} runs to line {end} and takes in the activity block `{key}` (line {m}), which the front matter lists: its code must end before line {m}; close it with a {fence} line where its code ends"
                    ),
                    _ => continue,
                },
                ContainerKind::Html { opener, closer, closed: false } => format!(
                    "`{opener}` opened here is never closed: it runs to the end of the update and hides icu's markers from line {m} on; close it with `{closer}`"
                ),
                ContainerKind::Html { opener, closer, closed: true } => format!(
                    "`{opener}` opened here is not closed before line {m}, so it hides icu's marker there; close it with `{closer}` above line {m}"
                ),
                ContainerKind::HtmlToBlank { opener } => format!(
                    "the HTML block opened here (`{opener}`) goes on to the next blank line and hides icu's marker on line {m}; leave a blank line above line {m}"
                ),
            };
            return Err(DocError::Marker {
                line: c.line,
                message,
            });
        }
        Ok(())
    }

    /// The generated blocks, in document order, after checking that every
    /// opening marker has its end, none is nested, and no key repeats.
    pub fn blocks(&self) -> Result<Vec<Block>, DocError> {
        let mut blocks: Vec<Block> = Vec::new();
        let mut open: Option<(String, Marker)> = None;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for m in &self.markers {
            match (&m.kind, &open) {
                (Kind::Open { key }, None) => {
                    if let Some(first) = seen.get(key) {
                        return Err(DocError::Marker {
                            line: m.line,
                            message: format!(
                                "a second `icu:activity {key}` block (the first is on line {first}); remove one of them"
                            ),
                        });
                    }
                    seen.insert(key.clone(), m.line);
                    open = Some((key.clone(), m.clone()));
                }
                (Kind::Open { key }, Some((outer, at))) => {
                    return Err(DocError::Marker {
                        line: m.line,
                        message: format!(
                            "`icu:activity {key}` is nested inside `icu:activity {outer}` opened on line {}; close that one first with `<!-- /icu:activity -->`",
                            at.line
                        ),
                    });
                }
                (Kind::Close, None) => {
                    return Err(DocError::Marker {
                        line: m.line,
                        message: "`<!-- /icu:activity -->` closes no block; remove it or add its opening marker".into(),
                    });
                }
                (Kind::Close, Some(_)) => {
                    let (key, at) = open.take().expect("checked above");
                    blocks.push(Block {
                        key,
                        open: at,
                        close: m.clone(),
                    });
                }
                (Kind::Write { .. }, Some((key, at))) => {
                    return Err(DocError::Marker {
                        line: m.line,
                        message: format!(
                            "an `icu:write` prompt inside the generated block `{key}` opened on line {}; move it out of the block",
                            at.line
                        ),
                    });
                }
                (Kind::Write { .. }, None) => {}
            }
        }
        if let Some((key, at)) = open {
            return Err(DocError::Marker {
                line: at.line,
                message: format!(
                    "`<!-- icu:activity {key} -->` has no end; add `<!-- /icu:activity -->` after its block"
                ),
            });
        }
        Ok(blocks)
    }

    /// The heading whose section holds line `line`, if any (a binary
    /// search: the headings are in document order).
    pub fn section_of(&self, line: usize) -> Option<&Heading> {
        let i = self.headings.partition_point(|h| h.line <= line);
        work::search(self.headings.len());
        i.checked_sub(1).map(|i| &self.headings[i])
    }

    /// The first heading after line `line` of level `max_level` or higher
    /// (numerically ≤), if any: found by a binary search, then a walk over
    /// the deeper headings in between.
    pub fn next_heading_after(&self, line: usize, max_level: u8) -> Option<&Heading> {
        let i = self.headings.partition_point(|h| h.line <= line);
        work::search(self.headings.len());
        self.headings[i..].iter().find(|h| {
            work::add(1);
            h.level <= max_level
        })
    }

    /// The markers on the lines `lines`, in order.
    pub fn markers_in(&self, lines: Range<usize>) -> &[Marker] {
        let from = self.markers.partition_point(|m| m.line < lines.start);
        let to = self
            .markers
            .partition_point(|m| m.line < lines.end)
            .max(from);
        work::search(self.markers.len());
        work::search(self.markers.len());
        work::add(to - from);
        &self.markers[from..to]
    }

    /// The top-level blocks that start on the lines `lines`, in order.
    pub fn nodes_in(&self, lines: Range<usize>) -> &[Node] {
        let from = self.nodes.partition_point(|n| n.line < lines.start);
        let to = self.nodes.partition_point(|n| n.line < lines.end).max(from);
        work::search(self.nodes.len());
        work::search(self.nodes.len());
        work::add(to - from);
        &self.nodes[from..to]
    }

    /// Whether line `line` is a marker.
    pub fn is_marker_line(&self, line: usize) -> bool {
        work::search(self.markers.len());
        self.markers.binary_search_by_key(&line, |m| m.line).is_ok()
    }

    /// Lines that start or belong to a heading.
    pub fn heading_lines(&self) -> BTreeSet<usize> {
        self.headings
            .iter()
            .flat_map(|h| h.line..=h.end_line)
            .collect()
    }
}

/// The block of `blocks` (in document order, as [`Outline::blocks`] gives
/// them) whose lines, markers included, hold line `line`, if any.
pub fn block_at(blocks: &[Block], line: usize) -> Option<&Block> {
    let i = blocks.partition_point(|b| b.open.line <= line);
    work::search(blocks.len());
    i.checked_sub(1)
        .map(|i| &blocks[i])
        .filter(|b| line <= b.close.line)
}

/// The blocks of `blocks` that open on the lines `lines`.
pub fn blocks_in(blocks: &[Block], lines: Range<usize>) -> &[Block] {
    let from = blocks.partition_point(|b| b.open.line < lines.start);
    let to = blocks
        .partition_point(|b| b.open.line < lines.end)
        .max(from);
    work::search(blocks.len());
    work::search(blocks.len());
    &blocks[from..to]
}

/// The work done reading an outline, counted in tests only: each element
/// of the outline a lookup examines (a binary search counts its steps).
/// Reading an update must stay linear (times a logarithm) in its size:
/// `doc::sections`' and `doc::check`'s tests count it for 100 and 200
/// goals. Outside tests it is nothing.
pub mod work {
    #[cfg(test)]
    thread_local! {
        static DONE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// Counts `n` elements examined.
    #[inline]
    pub fn add(n: usize) {
        #[cfg(test)]
        DONE.with(|d| d.set(d.get() + n as u64));
        #[cfg(not(test))]
        let _ = n;
    }

    /// Counts a binary search over `len` elements.
    #[inline]
    pub fn search(len: usize) {
        add(len.checked_ilog2().map_or(0, |l| l as usize + 1));
    }

    /// The work counted on this thread since it started.
    #[cfg(test)]
    pub fn done() -> u64 {
        DONE.with(std::cell::Cell::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Result<Vec<Block>, DocError> {
        outline(text, 0)?.blocks()
    }

    #[test]
    fn finds_blocks_and_their_content() {
        let t = "# A\n<!-- icu:activity a -->\n- x\n<!-- /icu:activity -->\ntail\n";
        let b = blocks(t).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].key, "a");
        assert_eq!(&t[b[0].content()], "- x\n");
        assert_eq!(b[0].open.line, 2);
        assert_eq!(b[0].close.line, 4);
    }

    #[test]
    fn markers_in_code_quotes_lists_and_prose_are_text() {
        let t = "```\n<!-- icu:activity a -->\n```\n\n    <!-- icu:activity b -->\n\n> <!-- icu:activity c -->\n\n- <!-- icu:activity d -->\n\nsee <!-- icu:activity e --> here\n";
        assert!(blocks(t).unwrap().is_empty());
    }

    #[test]
    fn damaged_markers_are_errors_with_lines() {
        let unclosed = "x\n<!-- icu:activity a -->\n- y\n";
        assert!(matches!(
            blocks(unclosed),
            Err(DocError::Marker { line: 2, .. })
        ));
        let nested = "<!-- icu:activity a -->\n<!-- icu:activity b -->\n<!-- /icu:activity -->\n<!-- /icu:activity -->\n";
        assert!(matches!(
            blocks(nested),
            Err(DocError::Marker { line: 2, .. })
        ));
        let dup = "<!-- icu:activity a -->\n<!-- /icu:activity -->\n\n<!-- icu:activity a -->\n<!-- /icu:activity -->\n";
        assert!(matches!(blocks(dup), Err(DocError::Marker { line: 4, .. })));
        let stray = "a\n\n<!-- /icu:activity -->\n";
        assert!(matches!(
            blocks(stray),
            Err(DocError::Marker { line: 3, .. })
        ));
        let typo = "<!-- icu:activty a -->\n";
        assert!(matches!(
            blocks(typo),
            Err(DocError::Marker { line: 1, .. })
        ));
    }

    #[test]
    fn crlf_and_offsets() {
        let t =
            "+++\r\nx = 1\r\n+++\r\n<!-- icu:activity a -->\r\n- y\r\n<!-- /icu:activity -->\r\n";
        let start = t.find("<!--").unwrap();
        let o = outline(t, start).unwrap();
        let b = o.blocks().unwrap();
        assert_eq!(b[0].open.line, 4);
        assert_eq!(&t[b[0].content()], "- y\r\n");
    }

    #[test]
    fn headings_are_found_with_their_text() {
        let t = "# Top\n\n## Goals\n\n### A — on track ###\n\nSetext\n---\n";
        let o = outline(t, 0).unwrap();
        let h: Vec<_> = o
            .headings
            .iter()
            .map(|h| (h.line, h.level, h.text.as_str()))
            .collect();
        assert_eq!(
            h,
            vec![
                (1, 1, "Top"),
                (3, 2, "Goals"),
                (5, 3, "A — on track"),
                (7, 2, "Setext")
            ]
        );
    }

    fn hidden_at(text: &str, listed: &[&str]) -> Option<usize> {
        outline(text, 0)
            .unwrap()
            .check_hidden(listed)
            .err()
            .map(|e| e.line())
    }

    #[test]
    fn open_blocks_that_hide_markers_are_refused_at_their_first_line() {
        let tail =
            "\n## A\n<!-- icu:write W -->\n<!-- icu:activity a -->\n- x\n<!-- /icu:activity -->\n";
        let cases = [
            ("```", "```"),
            ("~~~~", "~~~~"),
            ("<pre>", "</pre>"),
            ("<script>", "</script>"),
            ("<style>", "</style>"),
            ("<!-- note", "-->"),
            ("<?php", "?>"),
            ("<![CDATA[", "]]>"),
            ("<div>", ""),
        ];
        for (open, close) in cases {
            let t = format!("# S\n<!-- icu:write S -->\nDone.\n{open}{tail}");
            assert_eq!(hidden_at(&t, &["a"]), Some(4), "{open}");
            // Closed, and a blank line, before the markers: fine.
            let closed = format!("# S\nDone.\n{open}\n{close}\n{tail}");
            assert_eq!(hidden_at(&closed, &["a"]), None, "{open} closed");
        }
    }

    #[test]
    fn a_closed_fence_may_show_markers_but_not_take_in_a_listed_block() {
        let example = "```\n<!-- icu:activity a -->\n<!-- icu:write X -->\n```\n\n<!-- icu:activity a -->\n<!-- /icu:activity -->\n";
        assert_eq!(hidden_at(example, &["a"]), None);
        // A key icu never listed, or no marker at all: text.
        assert_eq!(
            hidden_at("```\n<!-- icu:activity z -->\n```\n", &["a"]),
            None
        );
        assert_eq!(hidden_at("Done.\n```\nlet x;\n", &["a"]), None);
        // One fence left open above the person's own closed pair: the first
        // fence ends at the pair's opener and takes in block `a`.
        let swallowed =
            "Done.\n```\nx\n<!-- icu:activity a -->\n- y\n<!-- /icu:activity -->\n```\ncode\n```\n";
        assert_eq!(hidden_at(swallowed, &["a"]), Some(2));
        let unlisted = hidden_at(swallowed, &[]);
        assert_eq!(unlisted, None);
    }
}
