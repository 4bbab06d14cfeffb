//! An update read back as its parts, for `icu recap`: per goal, the title
//! the person gave it then, their own prose, the status line and the totals
//! icu wrote in its block; the prose of the other written sections (the
//! summary); the asks. Nothing is changed and nothing is invented: prose is
//! the person's lines as written, status and totals are icu's own lines.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::asks::{self, Ask};
use super::frontmatter::{self, FrontMatter};
use super::markers::{self, Kind, NodeKind, Outline, OTHER_KEY};
use super::DocError;

/// Commits and lines, as an activity block's repository lines sum them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub commits: usize,
    pub added: usize,
    pub removed: usize,
    /// Changes of others that credit me (reviewed, applied, merged), listed
    /// apart from the commits.
    pub credits: usize,
    /// Work from the sources beside git (notes, `[[source]]` items), listed
    /// apart from the commits.
    pub items: usize,
}

impl Totals {
    pub fn add(&mut self, other: Totals) {
        self.commits += other.commits;
        self.added += other.added;
        self.removed += other.removed;
        self.credits += other.credits;
        self.items += other.items;
    }
}

/// One goal's section of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalSection {
    /// The block key: the goal's id, which joins renames.
    pub id: String,
    /// The heading as the person left it.
    pub title: String,
    /// The status line icu wrote first in the block (`On track · due 31 Mar
    /// 2027`), without its emphasis; `None` in updates that had none.
    pub status: Option<String>,
    /// The person's words in the section, paragraph by paragraph as written;
    /// `None` when they wrote nothing there.
    pub prose: Option<String>,
    pub totals: Totals,
}

/// A written section that is neither a goal nor the asks (the summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSection {
    pub heading: String,
    pub prose: String,
}

/// An update, read back.
#[derive(Debug, Clone)]
pub struct UpdateParts {
    pub front: FrontMatter,
    pub goals: Vec<GoalSection>,
    /// The "Other work" block's totals.
    pub other: Totals,
    pub notes: Vec<NoteSection>,
    /// Every ask, open or done, as [`asks::asks`] reads them.
    pub asks: Vec<Ask>,
}

/// A repository line of an activity block: `- 3 commits in api, +120 −4`.
static REPO_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^- ([\d,]+) commits? in .*?, \+([\d,]+) −([\d,]+)")
        .expect("repository line regex")
});
/// A credit line of an activity block: `- 3 changes by others in api: …`.
static CREDIT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^- ([\d,]+) changes? by others in ").expect("credit line regex")
});
/// An item group line of an activity block: `- 2 notes`, `- 3 from github:
/// reviewed 2, closed 1`.
static ITEM_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^- ([\d,]+) (?:notes?$|from )").expect("item line regex"));
/// The status line: `*On track · due 31 Mar 2027*`.
static STATUS_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\*([^*].*?)\*[ \t]*$").expect("status line regex"));

/// Whether `line` is a goal's status line as icu writes it first in the
/// goal's block.
pub fn is_status_line(line: &str) -> bool {
    STATUS_LINE.is_match(line.trim_end())
}

fn number(s: &str) -> usize {
    s.replace(',', "").parse().unwrap_or(0)
}

/// The totals of a block's Markdown: the sum of its repository lines.
pub fn block_totals(content: &str) -> Totals {
    let mut t = Totals::default();
    for c in REPO_LINE.captures_iter(content) {
        t.add(Totals {
            commits: number(&c[1]),
            added: number(&c[2]),
            removed: number(&c[3]),
            credits: 0,
            items: 0,
        });
    }
    for c in CREDIT_LINE.captures_iter(content) {
        t.credits += number(&c[1]);
    }
    for c in ITEM_LINE.captures_iter(content) {
        t.items += number(&c[1]);
    }
    t
}

/// Reads an update into its parts.
pub fn read(text: &str) -> Result<UpdateParts, DocError> {
    let (front, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    let blocks = outline.blocks()?;
    let help = asks::help_section(&outline);
    let in_block = |n: usize| markers::block_at(&blocks, n).is_some();

    let mut goals = Vec::new();
    let mut other = Totals::default();
    for b in &blocks {
        let content = &text[b.content()];
        if b.key == OTHER_KEY {
            other = block_totals(content);
            continue;
        }
        if !markers::is_goal_key(&b.key) {
            continue;
        }
        let Some(h) = outline.section_of(b.open.line) else {
            continue;
        };
        let status = content
            .lines()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| STATUS_LINE.captures(l.trim_end()))
            .map(|c| c[1].to_string());
        goals.push(GoalSection {
            id: b.key.clone(),
            title: h.text.clone(),
            status,
            prose: prose(text, &outline, h.end_line, h.level, &in_block),
            totals: block_totals(content),
        });
    }

    // The headings whose own section (not a sub-heading's) holds a prompt
    // below them: `## Goals` holds the goals' prompts under their own
    // headings. Each prompt is looked up once, so this stays linear.
    let own_prompt: HashSet<usize> = outline
        .markers
        .iter()
        .filter(|m| matches!(m.kind, Kind::Write { .. }))
        .filter_map(|m| outline.section_of(m.line).filter(|h| m.line > h.end_line))
        .map(|h| h.line)
        .collect();
    let mut notes = Vec::new();
    for h in &outline.headings {
        let own_prompt = own_prompt.contains(&h.line);
        if !own_prompt {
            continue;
        }
        let end = section_end(&outline, h.end_line, h.level);
        let has_block = !markers::blocks_in(&blocks, h.end_line + 1..end).is_empty();
        let is_help = help.is_some_and(|(s, _)| s == h.end_line + 1);
        if has_block || is_help {
            continue;
        }
        if let Some(p) = prose(text, &outline, h.end_line, h.level, &in_block) {
            notes.push(NoteSection {
                heading: h.text.clone(),
                prose: p,
            });
        }
    }

    let asks = asks::asks_in(text, &outline, front.date);
    Ok(UpdateParts {
        front,
        goals,
        other,
        notes,
        asks,
    })
}

/// The first line after a section that starts below `after` at `level`.
fn section_end(outline: &Outline, after: usize, level: u8) -> usize {
    outline
        .next_heading_after(after, level)
        .map_or(outline.lines.len() + 1, |n| n.line)
}

/// The person's words in the section whose heading ends on `after`: what a
/// prompt line holds after its marker, then every top-level paragraph, list,
/// quote, table or sub-heading, verbatim, outside icu's blocks; comments and
/// markers are left out. Paragraphs are joined by one blank line.
fn prose(
    text: &str,
    outline: &Outline,
    after: usize,
    level: u8,
    in_block: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let end = section_end(outline, after, level);
    let mut parts: Vec<String> = Vec::new();
    for m in outline.markers_in(after + 1..end) {
        if let Kind::Write { after: inline, .. } = &m.kind {
            if !inline.trim().is_empty() {
                parts.push(inline.trim().to_string());
            }
        }
    }
    for n in outline.nodes_in(after + 1..end) {
        if in_block(n.line) || outline.is_marker_line(n.line) {
            continue;
        }
        if matches!(n.kind, NodeKind::Comment | NodeKind::Break) {
            continue;
        }
        let last = n.end_line.min(end - 1);
        let lines: Vec<&str> = (n.line..=last)
            .map(|l| outline.lines.text(text, l))
            .collect();
        let chunk = lines.join("\n").trim_end().to_string();
        if !chunk.trim().is_empty() {
            parts.push(chunk);
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str =
        "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\n+++\n";

    #[test]
    fn a_goal_section_gives_title_status_prose_and_totals() {
        let text = format!(
            "{FM}# Update\n\n## Summary\n<!-- icu:write S -->\nA good fortnight.\n\n## Goals\n\n### Search v2 (renamed)\n<!-- icu:write W -->\nShipped the cache.\n\n- and a list\n<!-- a note to self -->\n\n<!-- icu:activity search -->\n*At risk · due 31 Mar 2027*\n- 2 commits in api, +1,200 −4\n  - Fix it (abc1234)\n- 1 commit in web, +3 −0\n<!-- /icu:activity -->\n\n### Quiet\n<!-- icu:write W -->\n\n<!-- icu:activity quiet -->\n*On track*\n- No commits on this goal since 9 Nov.\n<!-- /icu:activity -->\n\n## Other work\n<!-- icu:activity other -->\n- 4 commits in misc, +10 −2\n<!-- /icu:activity -->\n\n## What I need help with\n<!-- icu:write H -->\n- [ ] a reviewer\n- [x] budget\n"
        );
        let p = read(&text).unwrap();
        assert_eq!(p.goals.len(), 2);
        let g = &p.goals[0];
        assert_eq!(g.id, "search");
        assert_eq!(g.title, "Search v2 (renamed)");
        assert_eq!(g.status.as_deref(), Some("At risk · due 31 Mar 2027"));
        assert_eq!(
            g.prose.as_deref(),
            Some("Shipped the cache.\n\n- and a list")
        );
        assert_eq!(
            g.totals,
            Totals {
                commits: 3,
                added: 1203,
                removed: 4,
                credits: 0,
                items: 0
            }
        );
        assert_eq!(p.goals[1].prose, None);
        assert_eq!(p.goals[1].totals, Totals::default());
        assert_eq!(p.other.commits, 4);
        assert_eq!(
            p.notes,
            vec![NoteSection {
                heading: "Summary".into(),
                prose: "A good fortnight.".into()
            }]
        );
        assert_eq!(p.asks.len(), 2);
        assert!(p.asks[1].done);
    }

    #[test]
    fn co_authored_work_reads_back_as_counted_and_the_totals_line_is_no_goal() {
        let text = format!(
            "{FM}## Goals\n<!-- icu:activity totals -->\n*In all: 2 commits (1 co-authored), +43 −2, each counted once*\n<!-- /icu:activity -->\n\n### A\n<!-- icu:write W -->\n<!-- icu:activity a -->\n*On track*\n- 2 commits in api, +43 −2, 1 PR merged (\\#1580)\n  - Add HTTP timeout (\\#1580) (abc1234), with Alice Example\n  - Tidy (def5678)\n<!-- /icu:activity -->\n"
        );
        let p = read(&text).unwrap();
        assert_eq!(p.goals.len(), 1);
        assert_eq!(p.goals[0].status.as_deref(), Some("On track"));
        assert_eq!(
            p.goals[0].totals,
            Totals {
                commits: 2,
                added: 43,
                removed: 2,
                credits: 0,
                items: 0
            }
        );
    }

    #[test]
    fn words_on_the_prompt_line_count_as_prose() {
        let text = format!(
            "{FM}### A\n<!-- icu:write W --> Done inline.\n<!-- icu:activity a -->\n- 1 commit in r, +1 −0\n<!-- /icu:activity -->\n"
        );
        let p = read(&text).unwrap();
        assert_eq!(p.goals[0].prose.as_deref(), Some("Done inline."));
        assert_eq!(p.goals[0].status, None);
    }
}
