//! `icu check`: what is still unwritten in an update.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::markers::{self, Kind};
use super::{asks, frontmatter, stale, DocError};

/// One thing left to do, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line in the file.
    pub line: usize,
    /// The heading of the section it is in.
    pub section: String,
    pub message: String,
}

/// The result of a check. Field names are part of `icu check --json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// What is left to write: the update is not ready while there is any.
    pub problems: Vec<Problem>,
    /// What the person should know but need not change: text in the help
    /// section that is not a list item, so the next update will not carry
    /// it. Notes never make an update unready: a line of context beside the
    /// asks, or "nothing this time", is fine to send; it is only not an ask.
    pub notes: Vec<Problem>,
    /// Asks under the "need help" heading neither checked nor struck through.
    pub open_asks: usize,
    /// What the update may be missing: each source beside git that failed
    /// when it was last refreshed (`name: why`), each repository whose
    /// history could not all be read or that was not read at all (its lines
    /// kept from an earlier refresh). It does not make the update unready,
    /// but once sent, what is missing is gone from the record.
    pub incomplete: Vec<String>,
}

impl CheckReport {
    /// Ready to send: nothing is left unwritten (notes do not count).
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

/// An activity block with work in it (not the "no commits" note): commits,
/// notes, or items of a source beside git.
static HAS_COMMITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^- [\d,]+ (?:commits? in |notes?$|from )").expect("activity regex")
});
static COMMENT_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*<!--.*-->\s*$").expect("comment regex"));

/// Whether line `n` holds the person's words.
fn is_prose(line: &str) -> bool {
    !line.trim().is_empty() && !COMMENT_ONLY.is_match(line)
}

const TOP: &str = "top of the update";

/// The note on text in the help section that is not a list item.
pub const NOT_CARRIED: &str =
    "not a list item, so not an ask: the next update will not carry it (write asks as `- …`, `1. …` or `- [ ] …`)";

/// Checks an update: every `icu:write` prompt outside the help section must
/// be followed by prose before the next heading or marker, and a goal section
/// whose block lists commits must hold some prose. An empty help section is
/// fine: it means "no asks".
pub fn check(text: &str) -> Result<CheckReport, DocError> {
    let (fm, _, body) = frontmatter::split(text)?;
    let outline = markers::outline(text, body)?;
    outline.check_hidden(&fm.listed_keys())?;
    let blocks = outline.blocks()?;
    let help = asks::help_section(&outline);
    let in_help = |line: usize| help.is_some_and(|(s, e)| line >= s && line < e);
    let stops: BTreeSet<usize> = outline
        .heading_lines()
        .into_iter()
        .chain(outline.markers.iter().map(|m| m.line))
        .collect();
    let section_name = |line: usize| {
        outline
            .section_of(line)
            .map_or_else(|| TOP.to_string(), |h| h.text.clone())
    };

    let mut problems = Vec::new();
    // Sorted: the markers are in line order.
    let mut unfilled_lines = Vec::new();
    for m in &outline.markers {
        let Kind::Write { prompt, after } = &m.kind else {
            continue;
        };
        if in_help(m.line) || !after.is_empty() {
            continue;
        }
        let filled = (m.line + 1..=outline.lines.len())
            .take_while(|n| !stops.contains(n))
            .any(|n| is_prose(outline.lines.text(text, n)));
        if !filled {
            unfilled_lines.push(m.line);
            problems.push(Problem {
                line: m.line,
                section: section_name(m.line),
                message: format!("unwritten: {prompt}"),
            });
        }
    }

    for b in blocks.iter().filter(|b| markers::is_goal_key(&b.key)) {
        if !HAS_COMMITS.is_match(&text[b.content()]) {
            continue;
        }
        let Some(h) = outline.section_of(b.open.line) else {
            continue;
        };
        let end = outline
            .next_heading_after(h.end_line, h.level)
            .map_or(outline.lines.len() + 1, |n| n.line);
        // In line order, as the markers are: a binary search.
        let first_after = unfilled_lines.partition_point(|l| *l <= h.end_line);
        if unfilled_lines.get(first_after).is_some_and(|l| *l < end) {
            continue;
        }
        let prose = (h.end_line + 1..end)
            .filter(|n| markers::block_at(&blocks, *n).is_none() && !stops.contains(n))
            .any(|n| is_prose(outline.lines.text(text, n)));
        if !prose {
            problems.push(Problem {
                line: h.line,
                section: h.text.clone(),
                message: "this goal has activity but no words of yours: say what it adds up to"
                    .into(),
            });
        }
    }
    problems.sort_by_key(|p| p.line);

    let notes = asks::not_carried(&outline)
        .into_iter()
        .map(|line| Problem {
            line,
            section: section_name(line),
            message: NOT_CARRIED.into(),
        })
        .collect();
    let open_asks = asks::asks_in(text, &outline, fm.date)
        .iter()
        .filter(|a| !a.done)
        .count();
    let mut incomplete = frontmatter::incomplete(text)?;
    for b in &blocks {
        for line in text[b.content()].lines() {
            if line.starts_with("- ")
                && (line.contains(stale::INCOMPLETE_NOTE) || line.contains(stale::MARK))
            {
                let line = line.trim_start_matches("- ").to_string();
                if !incomplete.contains(&line) {
                    incomplete.push(line);
                }
            }
        }
    }
    Ok(CheckReport {
        problems,
        notes,
        open_asks,
        incomplete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FM: &str =
        "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\n+++\n";

    #[test]
    fn unfilled_prompts_are_listed_with_lines_and_sections() {
        let text = format!("{FM}# U\n\n## Summary\n<!-- icu:write S -->\n\n## Goals\n\n### A\n<!-- icu:write W -->\n\n<!-- icu:activity a -->\n- 2 commits in r, +1 −0\n<!-- /icu:activity -->\n\n## What I need help with\n<!-- icu:write H -->\n");
        let r = check(&text).unwrap();
        let got: Vec<_> = r
            .problems
            .iter()
            .map(|p| (p.line, p.section.as_str()))
            .collect();
        assert_eq!(got, vec![(9, "Summary"), (14, "A")]);
        assert!(!r.is_ready());
        assert_eq!(r.open_asks, 0);
    }

    #[test]
    fn prose_fills_prompts_and_an_empty_help_section_is_fine() {
        let text = format!("{FM}## Summary\n<!-- icu:write S -->\nAll good.\n\n### A\n<!-- icu:write W -->\n\nShipped it.\n<!-- icu:activity a -->\n- 2 commits in r, +1 −0\n<!-- /icu:activity -->\n\n## What I need help with\n<!-- icu:write H -->\n- [ ] Budget\n- [x] Old\n");
        let r = check(&text).unwrap();
        assert!(r.is_ready(), "{:?}", r.problems);
        assert_eq!(r.open_asks, 1);
    }

    #[test]
    fn asks_in_any_list_count_and_prose_beside_them_is_a_note_not_a_problem() {
        let text = format!("{FM}## Summary\n<!-- icu:write S -->\nAll good.\n\n## What I need help with\n<!-- icu:write H -->\nContext for Grace.\n\n- need a reviewer\n* a budget\n\n1. traces\n2. ~~a desk~~\n");
        let r = check(&text).unwrap();
        assert!(r.is_ready(), "{:?}", r.problems);
        assert_eq!(r.open_asks, 3);
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert_eq!(r.notes[0].line, 12);
        assert_eq!(r.notes[0].section, "What I need help with");
        assert_eq!(r.notes[0].message, NOT_CARRIED);
    }

    #[test]
    fn activity_without_prose_is_a_problem_even_without_a_prompt() {
        let text = format!("{FM}### A\n\n<!-- icu:activity a -->\n- 2 commits in r, +1 −0\n<!-- /icu:activity -->\n\n### B\n<!-- icu:activity b -->\n- No commits on this goal since 9 Nov.\n<!-- /icu:activity -->\n");
        let r = check(&text).unwrap();
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, 6);
    }

    #[test]
    fn a_prompt_followed_by_a_marker_or_comment_is_unfilled() {
        let text = format!("{FM}### A\n<!-- icu:write W -->\n<!-- just a note -->\n\n### B\n<!-- icu:write W --> done inline\n");
        let r = check(&text).unwrap();
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, 7);
    }

    /// An update with `n` goals, each with a prompt, words and a block.
    fn update_with_goals(n: usize) -> String {
        let mut t =
            format!("{FM}# U\n\n## Summary\n<!-- icu:write S -->\nAll good.\n\n## Goals\n\n");
        for i in 0..n {
            t.push_str(&format!("### Goal {i}\n<!-- icu:write W -->\n\nWords.\n\n<!-- icu:activity g{i} -->\n- 2 commits in r, +1 −0\n<!-- /icu:activity -->\n\n"));
        }
        t.push_str("## What I need help with\n<!-- icu:write H -->\n- [ ] Budget\n");
        t
    }

    /// The outline's elements examined (`markers::work`) by a check and a
    /// read of an update with `n` goals.
    fn work_for(n: usize) -> u64 {
        let text = update_with_goals(n);
        let before = markers::work::done();
        let r = check(&text).unwrap();
        assert!(r.is_ready(), "{:?}", r.problems);
        let parts = crate::doc::sections::read(&text).unwrap();
        assert_eq!(parts.goals.len(), n);
        markers::work::done() - before
    }

    #[test]
    fn checking_and_reading_an_update_is_linear_in_its_goals() {
        // A section looked up per prompt per heading (the cubic reading that
        // took 153 s for 2,000 goals) does 8 times the work for twice the
        // goals; a quadratic one 4 times. Linear times a logarithm: just
        // over 2.
        let (small, large) = (work_for(100), work_for(200));
        assert!(small > 0, "the lookups are counted");
        assert!(
            large * 10 < small * 25,
            "100 goals: {small} steps, 200 goals: {large} steps"
        );
    }
}
