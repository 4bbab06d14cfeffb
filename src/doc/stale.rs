//! What a block showed for a repository that cannot be read now (unmounted,
//! being re-cloned): kept on refresh, marked, rather than replaced by "no
//! commits". Pure: the old doc's text in, the lines to keep out.
//!
//! A configured repository that cannot be opened during a refresh does not
//! wipe what the blocks showed for it: its groups (the `- N commits in
//! REPO, …` line and the commit lines under it) are taken from the doc on
//! disk, the head line is marked "kept from an earlier refresh: REPO could
//! not be read on DATE", and the render puts them after the fresh lines
//! ([`with_kept`]); the first refresh that reads the repository again
//! replaces them. `icu draft --print` shows only what can be read now.

use std::collections::BTreeMap;

use super::{frontmatter, markers, DocError};
use crate::template::escape_markdown;

/// For each block key, the old lines to keep (a repository's group: its head
/// line, marked, and the commit lines under it).
pub type Stale = BTreeMap<String, Vec<String>>;

/// The words that mark a kept group; a group already marked keeps its mark
/// (and the day it was first kept).
pub const MARK: &str = " — kept from an earlier refresh: ";

/// What follows the head line of a repository whose history could not all
/// be read (`scan::RepoActivity::incomplete`).
pub const INCOMPLETE_NOTE: &str =
    " (incomplete: part of this repository could not be read; see icu's warnings)";

/// The groups of `repos` in every block of `old`, marked as not read on
/// `when` (`24 Nov`).
pub fn stale_groups(old: &str, repos: &[String], when: &str) -> Result<Stale, DocError> {
    let (_, _, body) = frontmatter::split(old)?;
    let outline = markers::outline(old, body)?;
    let mut out = Stale::new();
    for b in outline.blocks()? {
        let mut kept = Vec::new();
        let mut current: Option<&String> = None;
        for line in old[b.content()].lines() {
            if line.starts_with("- ") {
                current = repos.iter().find(|r| is_head_of(line, r));
                if let Some(repo) = current {
                    kept.push(marked(line, repo, when));
                }
            } else if current.is_some() && line.starts_with("  ") {
                kept.push(line.to_string());
            } else {
                current = None;
            }
        }
        if !kept.is_empty() {
            out.insert(b.key.clone(), kept);
        }
    }
    Ok(out)
}

/// Whether `line` is the head of `repo`'s group (`- 3 commits in search,
/// +1 −2`) or of its credits (`- 2 changes by others in search: reviewed 2`)
/// — or, for a source beside git of that name, of its items (`- 3 from
/// github: reviewed 3`; the journal's: `- 2 notes`).
pub(crate) fn is_head_of(line: &str, repo: &str) -> bool {
    let name = escape_markdown(repo);
    let count = |rest: &str| {
        rest.split_once(' ').is_some_and(|(n, _)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b',')
        })
    };
    if let Some(rest) = line.strip_prefix("- ").filter(|r| count(r)) {
        let after = rest.split_once(' ').map_or("", |(_, a)| a);
        if after.starts_with(&format!("from {name}: "))
            || (repo == crate::sources::NOTES && (after == "notes" || after == "note"))
        {
            return true;
        }
    }
    line.split_once(" in ").is_some_and(|(head, rest)| {
        rest.starts_with(&format!("{name}, +"))
            || (head.ends_with(" by others") && rest.starts_with(&format!("{name}: ")))
    })
}

fn marked(line: &str, repo: &str, when: &str) -> String {
    if line.contains(MARK) {
        return line.to_string();
    }
    format!(
        "{line}{MARK}{} could not be read on {when}",
        escape_markdown(repo)
    )
}

/// `fresh` block lines with the kept ones after them. A block whose fresh
/// part is only the "no commits" note (`fresh_empty`) shows the kept lines
/// alone.
pub fn with_kept(fresh: String, kept: Option<&Vec<String>>, fresh_empty: bool) -> String {
    match kept {
        Some(k) if !k.is_empty() => {
            let kept = k.join("\n");
            if fresh_empty {
                kept
            } else {
                format!("{fresh}\n{kept}")
            }
        }
        _ => fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "+++\ndate = 2026-11-23\nsince = 2026-11-09T00:00:00Z\nuntil = 2026-11-24T00:00:00Z\n+++\n# U\n\n<!-- icu:activity g -->\n*On track*\n- 2 commits in search, +3 −1\n  - A (abc1234)\n  - B (def5678)\n- 1 commit in web, +1 −0\n  - C (0123456)\n<!-- /icu:activity -->\n";

    #[test]
    fn a_missing_repositorys_group_is_kept_and_marked_once() {
        let s = stale_groups(OLD, &["search".to_string()], "24 Nov").unwrap();
        assert_eq!(
            s["g"],
            [
                "- 2 commits in search, +3 −1 — kept from an earlier refresh: search could not be read on 24 Nov",
                "  - A (abc1234)",
                "  - B (def5678)",
            ]
        );
        // Kept again later: the first mark stays.
        let again = OLD.replace(
            "- 2 commits in search, +3 −1\n",
            &format!("{}\n", s["g"][0]),
        );
        let s2 = stale_groups(&again, &["search".to_string()], "8 Dec").unwrap();
        assert_eq!(s2["g"], s["g"]);
    }

    #[test]
    fn a_missing_repositorys_credits_are_kept_with_its_commits() {
        let old = OLD.replace(
            "- 1 commit in web",
            "- 2 changes by others in search: reviewed 2\n  - D — Bob (1111111): reviewed\n- 1 commit in web",
        );
        let s = stale_groups(&old, &["search".to_string()], "24 Nov").unwrap();
        assert_eq!(s["g"].len(), 5, "{:?}", s["g"]);
        assert!(s["g"][3].starts_with("- 2 changes by others in search: reviewed 2 — kept"));
        assert_eq!(s["g"][4], "  - D — Bob (1111111): reviewed");
        // Another repository's credits are not taken for search's.
        let s = stale_groups(&old, &["web".to_string()], "24 Nov").unwrap();
        assert_eq!(s["g"].len(), 2, "{:?}", s["g"]);
    }

    #[test]
    fn the_items_of_a_source_that_failed_are_kept_as_a_repositorys_lines_are() {
        let old = OLD.replace(
            "- 1 commit in web",
            "- 2 from github: reviewed 2\n  - [Fix](https://x.example/1) (reviewed, 20 Nov)\n  - Docs (reviewed, 21 Nov)\n- 1 note\n  - Talk (n1, 20 Nov)\n- 1 commit in web",
        );
        let s = stale_groups(&old, &["github".to_string()], "24 Nov").unwrap();
        assert_eq!(s["g"].len(), 3, "{:?}", s["g"]);
        assert!(s["g"][0]
            .starts_with("- 2 from github: reviewed 2 — kept from an earlier refresh: github"));
        let s = stale_groups(&old, &["notes".to_string()], "24 Nov").unwrap();
        assert_eq!(
            s["g"],
            [
                "- 1 note — kept from an earlier refresh: notes could not be read on 24 Nov",
                "  - Talk (n1, 20 Nov)"
            ]
        );
    }

    #[test]
    fn other_repositories_and_a_name_that_is_only_a_prefix_are_not_kept() {
        let s = stale_groups(OLD, &["sea".to_string()], "24 Nov").unwrap();
        assert!(s.is_empty());
    }

    #[test]
    fn kept_lines_follow_the_fresh_ones_or_replace_the_empty_note() {
        let kept = vec!["- x".to_string()];
        assert_eq!(with_kept("- y".into(), Some(&kept), false), "- y\n- x");
        assert_eq!(with_kept("- none".into(), Some(&kept), true), "- x");
        assert_eq!(with_kept("- y".into(), None, false), "- y");
    }
}
