//! Refreshing an existing update: the generated blocks are replaced by a
//! fresh render's, and every other byte the person wrote stays as it was.
//!
//! A pure function of two texts, so it can be property-tested without a
//! repository: `refresh(old, fresh)` takes the doc on disk and a complete new
//! render for the same date, and returns the doc to write. What it replaces,
//! adds and refuses is listed on [`refresh_with`].
//!
//! A block whose content is not what the front matter's `blocks` records,
//! and would change, holds the person's text: the refresh is refused
//! ([`DocError::EditedBlocks`], the block's lines shown) unless `icu draft
//! --force` ([`Edits::Replace`]), which says what it replaced. A block
//! without a recorded hash is replaced unchecked, and icu then never claims
//! the person's text is unchanged, only the text outside the blocks
//! ([`Refreshed::kept_every_edit`]).
//!
//! The result is checked before it is returned: every block of the old doc
//! is still there, and a new goal's section is a block. A section added
//! after a fence, `<pre>` or `<!--` left open at the end of the document
//! would be taken in by it, so the refresh is refused at the line where
//! that block opens.

use std::collections::HashSet;

use super::frontmatter::{self, Layout};
use super::markers::{self, Block, Outline, OTHER_KEY};
use super::{DocError, EditedBlock};

/// The content of a block whose goal left the config.
pub fn gone_note(key: &str) -> String {
    format!("- `{key}` is no longer a goal in your config; icu stopped updating this block.\n")
}

/// What to do with text the person wrote inside an activity block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edits {
    /// Refuse the refresh: [`DocError::EditedBlocks`], nothing to write.
    Refuse,
    /// Replace it, and say so in [`Refreshed::replaced`] (`icu draft --force`).
    Replace,
}

/// A refresh's result: the text to write and what it replaced that was not
/// known to be icu's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub text: String,
    /// Blocks holding the person's text that were replaced
    /// ([`Edits::Replace`] only).
    pub replaced: Vec<EditedBlock>,
    /// Keys of blocks whose content changed with no record of what icu had
    /// written there (an update from before icu recorded `blocks`): any edit
    /// in them could not be told from icu's text.
    pub unrecorded: Vec<String>,
}

impl Refreshed {
    /// Whether every byte the person wrote is still there, as far as icu can
    /// tell: no edited block replaced and no unrecorded block changed.
    pub fn kept_every_edit(&self) -> bool {
        self.replaced.is_empty() && self.unrecorded.is_empty()
    }
}

/// The refreshed text of `old`, given `fresh`, a complete new render;
/// refuses when a block holds text icu did not write
/// ([`refresh_with`] with [`Edits::Refuse`]).
pub fn refresh(old: &str, fresh: &str) -> Result<String, DocError> {
    refresh_with(old, fresh, Edits::Refuse).map(|r| r.text)
}

/// The refreshed text of `old`, given `fresh`, a complete new render.
///
/// - each block of `old` gets the content of `fresh`'s block with the same
///   key, or [`gone_note`] when `fresh` has none;
/// - a block whose content is not what icu last wrote there (its hash in the
///   front matter's `blocks`) and would change is the person's edit:
///   refused or replaced, as `edits` says; a block with no recorded hash is
///   replaced unchecked;
/// - a goal `fresh` offers that `old` never offered (its front matter's
///   `goals`) gets its whole section, inserted after the last goal section;
///   a key `old` offered but no longer holds was deleted by the person and
///   stays deleted;
/// - the front matter's `since`, `until`, `scanned`, `goals` and `blocks`
///   are updated in place;
/// - nothing else changes: line endings follow `old`'s.
///
/// Damaged markers or front matter in `old` are an error and nothing is
/// returned to write.
pub fn refresh_with(old: &str, fresh: &str, edits: Edits) -> Result<Refreshed, DocError> {
    let old_layout = frontmatter::layout(old)?;
    let (old_fm, _, old_body) = frontmatter::split(old)?;
    let old_outline = markers::outline(old, old_body)?;
    old_outline.check_hidden(&old_fm.listed_keys())?;
    let old_blocks = old_outline.blocks()?;

    let (new_fm, _, new_body) = frontmatter::split(fresh)?;
    let new_outline = markers::outline(fresh, new_body)?;
    let new_blocks = new_outline.blocks()?;

    let eol = |s: &str| line_endings(s, &old_layout);
    let mut changes: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut edited = Vec::new();
    let mut unrecorded = Vec::new();

    for b in &old_blocks {
        let content = match new_blocks.iter().find(|n| n.key == b.key) {
            Some(n) => eol(&fresh[n.content()]),
            None => eol(&gone_note(&b.key)),
        };
        let current = &old[b.content()];
        if current == content {
            continue;
        }
        match old_fm.block_hash(&b.key) {
            Some(h) if h == frontmatter::block_hash(current) => {}
            Some(_) => edited.push(edited_block(old, &old_outline, b, &content)),
            None => unrecorded.push(b.key.clone()),
        }
        changes.push((b.content(), content));
    }
    if !edited.is_empty() && edits == Edits::Refuse {
        return Err(DocError::EditedBlocks(edited));
    }

    let known: HashSet<&str> = old_fm
        .goals
        .iter()
        .map(String::as_str)
        .chain(old_blocks.iter().map(|b| b.key.as_str()))
        .collect();
    // A doc written before icu had the totals block keeps its layout: the
    // block is not added to it (it is no goal section to insert).
    let added: Vec<&Block> = new_blocks
        .iter()
        .filter(|n| !known.contains(n.key.as_str()) && n.key != markers::TOTALS_KEY)
        .collect();
    let goal_level = new_blocks
        .iter()
        .find(|b| markers::is_goal_key(&b.key))
        .and_then(|b| new_outline.section_of(b.open.line))
        .map_or(3, |h| h.level);
    let mut at = old.len();
    if !added.is_empty() {
        at = anchor(old, &old_outline, &old_blocks, goal_level);
        let mut insert = String::new();
        if at > old_body && !ends_with_blank_line(&old[..at]) {
            insert.push('\n');
            if !old[..at].ends_with('\n') {
                insert.push('\n');
            }
        }
        for n in &added {
            let mut section = section_text(fresh, &new_outline, n);
            if !section.ends_with("\n\n") {
                section.push('\n');
            }
            insert.push_str(&section);
        }
        changes.push((at..at, eol(&insert)));
    }

    changes.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut text = old.to_string();
    for (range, with) in changes {
        text.replace_range(range, &with);
    }

    let hashes = verify(&text, old_body, &old_outline, &old_blocks, &added, at)?;

    let mut goals: Vec<String> = old_fm.goals.clone();
    for k in new_fm.goals.iter().chain(new_blocks.iter().map(|b| &b.key)) {
        if !goals.contains(k) && k != markers::TOTALS_KEY {
            goals.push(k.clone());
        }
    }
    let text = frontmatter::update_period(
        &text,
        new_fm.since,
        new_fm.until,
        new_fm.scanned,
        &goals,
        &hashes,
    )?;
    let text = frontmatter::set_listed_items(&text, &frontmatter::listed_items(fresh)?)?;
    let text = frontmatter::set_incomplete(&text, &frontmatter::incomplete(fresh)?)?;
    Ok(Refreshed {
        text,
        replaced: edited,
        unrecorded,
    })
}

/// Block `b` of `old` as the person will see it refused: its lines, and
/// which of them `new` (its content after the refresh) drops.
fn edited_block(old: &str, outline: &Outline, b: &Block, new: &str) -> EditedBlock {
    let kept: HashSet<&str> = new.lines().map(|l| l.trim_end_matches('\r')).collect();
    EditedBlock {
        key: b.key.clone(),
        line: b.open.line,
        lines: (b.open.line + 1..b.close.line)
            .map(|n| {
                let text = outline.lines.text(old, n);
                (n, text.to_string(), !kept.contains(text))
            })
            .collect(),
    }
}

fn ends_with_blank_line(s: &str) -> bool {
    let s = s.replace("\r\n", "\n");
    s.ends_with("\n\n") || s.is_empty()
}

/// `s` with the line endings of the doc described by `layout`.
fn line_endings(s: &str, layout: &Layout) -> String {
    if layout.crlf {
        s.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        s.to_string()
    }
}

/// Checks that the refreshed text still has every block of `old` and one for
/// each added goal, and returns the hash of each of its blocks. A section inserted into something the person left open
/// (a code fence never closed) would not be a block: refuse, and say where.
fn verify(
    text: &str,
    body: usize,
    old: &Outline,
    old_blocks: &[Block],
    added: &[&Block],
    at: usize,
) -> Result<Vec<(String, String)>, DocError> {
    let new = markers::outline(text, body)?;
    let blocks = new.blocks()?;
    let got: HashSet<&str> = blocks.iter().map(|b| b.key.as_str()).collect();
    let missing = old_blocks
        .iter()
        .map(|b| &b.key)
        .chain(added.iter().map(|b| &b.key))
        .find(|k| !got.contains(k.as_str()));
    let Some(key) = missing else {
        if let (Err(_), Some(n)) = (new.check_hidden(&[]), added.first()) {
            return Err(open_at_end(old, &n.key, at));
        }
        return Ok(blocks
            .iter()
            .map(|b| (b.key.clone(), frontmatter::block_hash(&text[b.content()])))
            .collect());
    };
    Err(match old.unclosed_fence {
        Some(line) => DocError::Marker {
            line,
            message: format!(
                "the code block opened here is never closed, so icu cannot add the section of goal `{key}` after it; close it with a ``` line"
            ),
        },
        None => DocError::Marker {
            line: old.lines.line_of(at),
            message: format!(
                "icu cannot add the section of goal `{key}` here as a block; leave a blank line before this line"
            ),
        },
    })
}

/// The refusal when a goal section added at `at` would be taken in by a
/// block the person left open at the end of `old` (a fence, `<pre>`, `<!--`).
fn open_at_end(old: &Outline, key: &str, at: usize) -> DocError {
    let last = old.lines.len();
    match old
        .containers
        .iter()
        .rev()
        .find(|c| c.end_line == last)
        .and_then(|c| Some((c.line, c.open_end()?)))
    {
        Some((line, end)) => DocError::Marker {
            line,
            message: format!(
                "what is opened here is never closed, so icu cannot add the section of goal `{key}` after it; close it with {end}"
            ),
        },
        None => DocError::Marker {
            line: old.lines.line_of(at).min(last.max(1)),
            message: format!(
                "icu cannot add the section of goal `{key}` here as a block; leave a blank line before this line"
            ),
        },
    }
}

/// Where new goal sections go: after the last goal section (headings deeper
/// than a goal's, which the person wrote inside it, stay with it); else
/// before the section holding "Other work"; else at the end.
fn anchor(text: &str, outline: &Outline, blocks: &[Block], goal_level: u8) -> usize {
    let line_start = |line: usize| outline.lines.span(line).start;
    if let Some(last) = blocks.iter().rev().find(|b| markers::is_goal_key(&b.key)) {
        let level = outline
            .headings
            .iter()
            .rev()
            .find(|h| h.line <= last.open.line && h.level <= goal_level)
            .map_or(goal_level, |h| h.level);
        return outline
            .next_heading_after(last.close.line, level)
            .map_or(text.len(), |h| line_start(h.line));
    }
    if let Some(other) = blocks.iter().find(|b| b.key == OTHER_KEY) {
        if let Some(h) = outline.section_of(other.open.line) {
            return line_start(h.line);
        }
    }
    text.len()
}

/// A block's whole section in `text`: from its heading to the next heading
/// of the same or a higher level.
fn section_text(text: &str, outline: &Outline, block: &Block) -> String {
    let (start, level) = match outline.section_of(block.open.line) {
        Some(h) => (outline.lines.span(h.line).start, h.level),
        None => (block.open.span.start, 6),
    };
    let end = outline
        .next_heading_after(block.close.line, level)
        .map_or(text.len(), |h| outline.lines.span(h.line).start);
    text[start..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\nstatus = \"draft\"\ngoals = [\"a\", \"other\"]\n+++\n";

    fn doc(a: &str, other: &str) -> String {
        format!("{FM}# U\n\n## Goals\n\n### A\n<!-- icu:write W -->\n\n<!-- icu:activity a -->\n{a}<!-- /icu:activity -->\n\n## Other work\n<!-- icu:activity other -->\n{other}<!-- /icu:activity -->\n")
    }

    /// `text` as icu writes it: with the hash of each of its blocks recorded.
    fn recorded(text: &str) -> String {
        let (_, _, body) = frontmatter::split(text).unwrap();
        let o = markers::outline(text, body).unwrap();
        let hashes: Vec<(String, String)> = o
            .blocks()
            .unwrap()
            .iter()
            .map(|b| (b.key.clone(), frontmatter::block_hash(&text[b.content()])))
            .collect();
        let blocks = hashes
            .iter()
            .map(|(k, h)| format!("{k} = \"{h}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        text.replacen(
            &format!("goals = [\"a\", \"other\"]{eol}"),
            &format!("goals = [\"a\", \"other\"]{eol}blocks = {{ {blocks} }}{eol}"),
            1,
        )
    }

    /// `text` without its `blocks = …` line.
    fn unrecorded(text: &str) -> String {
        text.split_inclusive('\n')
            .filter(|l| !l.starts_with("blocks = "))
            .collect()
    }

    #[test]
    fn only_block_contents_change() {
        let old = doc("- old\n", "- o1\n").replace(
            "<!-- icu:write W -->\n",
            "<!-- icu:write W -->\nMy words.\n",
        );
        let fresh = doc("- new\n", "- o2\n");
        let out = refresh(&old, &fresh).unwrap();
        assert_eq!(
            unrecorded(&out),
            old.replace("- old\n", "- new\n")
                .replace("- o1\n", "- o2\n")
        );
        assert_eq!(out, recorded(&unrecorded(&out)), "the new blocks recorded");
        assert_eq!(refresh(&out, &fresh).unwrap(), out, "idempotent");
    }

    #[test]
    fn new_goal_goes_after_the_last_goal_section_and_deleted_stays_deleted() {
        let old = doc("- a\n", "- o\n");
        let fresh_fm = FM.replace("[\"a\", \"other\"]", "[\"a\", \"b\", \"other\"]");
        let fresh = format!("{fresh_fm}# U\n\n## Goals\n\n### A\n<!-- icu:write W -->\n\n<!-- icu:activity a -->\n- a\n<!-- /icu:activity -->\n\n### B\n<!-- icu:write W -->\n\n<!-- icu:activity b -->\n- b\n<!-- /icu:activity -->\n\n## Other work\n<!-- icu:activity other -->\n- o\n<!-- /icu:activity -->\n");
        let out = refresh(&old, &fresh).unwrap();
        assert!(out.contains("<!-- /icu:activity -->\n\n### B\n<!-- icu:write W -->\n\n<!-- icu:activity b -->\n- b\n<!-- /icu:activity -->\n\n## Other work"), "{out}");
        assert!(out.contains("goals = [\"a\", \"other\", \"b\"]"), "{out}");
        // The person deletes B; it stays deleted, and so does its hash.
        let start = out.find("### B").unwrap();
        let end = out.find("## Other work").unwrap();
        let deleted = format!("{}{}", &out[..start], &out[end..]);
        let again = refresh(&deleted, &fresh).unwrap();
        assert_eq!(unrecorded(&again), unrecorded(&deleted));
        assert!(!frontmatter::split(&again)
            .unwrap()
            .0
            .blocks
            .iter()
            .any(|(k, _)| k == "b"));
    }

    #[test]
    fn removed_goal_keeps_its_text_and_says_so() {
        let old = doc("- a\n", "- o\n");
        let fresh = format!("{FM}# U\n\n## Goals\n\n## Other work\n<!-- icu:activity other -->\n- o\n<!-- /icu:activity -->\n");
        let out = refresh(&old, &fresh).unwrap();
        assert!(out.contains(&format!(
            "<!-- icu:activity a -->\n{}<!-- /icu:activity -->",
            gone_note("a")
        )));
        assert!(out.contains("### A\n<!-- icu:write W -->"));
    }

    #[test]
    fn crlf_docs_stay_crlf() {
        let old = recorded(&doc("- old\n", "- o\n").replace('\n', "\r\n"));
        let fresh = doc("- new\n- more\n", "- o\n");
        let out = refresh(&old, &fresh).unwrap();
        assert_eq!(
            unrecorded(&out),
            unrecorded(&old).replace("- old\r\n", "- new\r\n- more\r\n")
        );
        assert_eq!(out, recorded(&unrecorded(&out)));
    }

    #[test]
    fn damaged_docs_are_refused() {
        let old = doc("- a\n", "- o\n").replace("<!-- /icu:activity -->\n\n## Other", "\n## Other");
        assert!(matches!(
            refresh(&old, &doc("", "")),
            Err(DocError::Marker { .. })
        ));
    }

    #[test]
    fn an_edit_inside_a_block_is_refused_with_the_lines_it_would_lose() {
        let written = recorded(&doc("- 1 commit in r\n  - x (abc1234)\n", "- o\n"));
        let edited = written.replace("(abc1234)\n", "(abc1234)\n    my note: the fix\n");
        let fresh = doc(
            "- 2 commits in r\n  - x (abc1234)\n  - y (def5678)\n",
            "- o\n",
        );
        let Err(DocError::EditedBlocks(blocks)) = refresh(&edited, &fresh) else {
            panic!("not refused: {:?}", refresh(&edited, &fresh));
        };
        assert_eq!(
            blocks,
            vec![EditedBlock {
                key: "a".into(),
                line: 16,
                lines: vec![
                    (17, "- 1 commit in r".into(), true),
                    (18, "  - x (abc1234)".into(), false),
                    (19, "    my note: the fix".into(), true),
                ],
            }]
        );
        let shown = DocError::EditedBlocks(blocks).to_string();
        assert!(
            shown.starts_with("line 16: the activity block `a` holds text icu did not write"),
            "{shown}"
        );
        assert!(shown.contains("  - 19 |     my note: the fix"), "{shown}");
        // Replacing it gives what a refresh of icu's own text gives.
        let r = refresh_with(&edited, &fresh, Edits::Replace).unwrap();
        assert_eq!(r.text, refresh(&written, &fresh).unwrap());
        assert_eq!(r.replaced.len(), 1);
        assert!(!r.kept_every_edit());
    }

    #[test]
    fn an_edit_is_not_refused_when_nothing_of_it_would_be_lost() {
        let written = recorded(&doc("- a\n", "- o\n"));
        // The person's edit is what icu writes now: nothing is dropped.
        let edited = written.replace("- a\n", "- b\n");
        let r = refresh_with(&edited, &doc("- b\n", "- o\n"), Edits::Refuse).unwrap();
        assert!(r.kept_every_edit());
        assert_eq!(unrecorded(&r.text), unrecorded(&edited));
        // An edited block refreshed to its own content, with new text elsewhere.
        let r = refresh_with(&edited, &doc("- b\n", "- o2\n"), Edits::Refuse).unwrap();
        assert!(r.kept_every_edit());
    }

    #[test]
    fn a_block_icu_has_no_record_of_is_refreshed_and_said_so() {
        let old = doc("- a\n  my note\n", "- o\n");
        let r = refresh_with(&old, &doc("- b\n", "- o\n"), Edits::Refuse).unwrap();
        assert_eq!(r.unrecorded, vec!["a".to_string()]);
        assert!(r.replaced.is_empty() && !r.kept_every_edit());
        assert!(r.text.contains("<!-- icu:activity a -->\n- b\n"));
        // From then on it is recorded, and an edit is refused.
        let edited = r.text.replace("- b\n", "- b\n  my note\n");
        assert!(matches!(
            refresh(&edited, &doc("- c\n", "- o\n")),
            Err(DocError::EditedBlocks(_))
        ));
    }

    #[test]
    fn a_goal_is_not_added_into_a_comment_left_open_at_the_end() {
        let section = |k: &str| {
            format!("### {k}\n<!-- icu:write W -->\n\n<!-- icu:activity {k} -->\n- x\n<!-- /icu:activity -->\n")
        };
        let old =
            FM.replace(", \"other\"", "") + "# U\n\n" + &section("a") + "\nNotes:\n<!-- a note\n";
        let fresh =
            FM.replace("\"other\"", "\"b\"") + "# U\n\n" + &section("a") + "\n" + &section("b");
        let open = old.lines().position(|l| l == "<!-- a note").unwrap() + 1;
        match refresh(&old, &fresh) {
            Err(DocError::Marker { line, message }) => {
                assert_eq!(line, open, "{message}");
                assert!(message.contains("close it with `-->`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
