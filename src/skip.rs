//! `[[skip]]`: commits kept out of the activity ("Bump CI image", a bot's
//! work under my name). Pure: the config's rules and the scan's results in,
//! the commits left out named so that `-v` can list them.
//!
//! A decision over scanned commits, applied ([`apply`]) between the scan and
//! attribution, so a skipped commit is in no block and no count. It sits
//! beside `attribute` at the top of `src/` for that reason: it is neither
//! git (`scan`) nor the document (`doc`).

use crate::attribute::keyword_text;
use crate::config::SkipRule;
use crate::scan::{Commit, RepoActivity};

/// A commit a rule left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub repo: String,
    pub short: String,
    pub subject: String,
    /// The rule as written, with its line ([`SkipRule::shown`]).
    pub rule: String,
}

/// The first rule that skips `c`: its message (first 64 KiB, as `keywords`
/// see it) matches the rule's `message` and its author's email or name (after
/// `.mailmap`) matches its `author`, each when the rule has it.
pub fn rule_for<'a>(rules: &'a [SkipRule], c: &Commit) -> Option<&'a SkipRule> {
    rules.iter().find(|r| {
        r.message
            .as_ref()
            .is_none_or(|m| m.is_match(keyword_text(&c.message)))
            && r.author
                .as_ref()
                .is_none_or(|a| a.is_match(&c.author_email) || a.is_match(&c.author_name))
    })
}

/// Whether a rule skips an item of a source beside git by its `title`: a
/// rule with a `message` that matches it and no `author` (an item has no
/// author to match).
pub fn skips_title(rules: &[SkipRule], title: &str) -> bool {
    rules
        .iter()
        .any(|r| r.author.is_none() && r.message.as_ref().is_some_and(|m| m.is_match(title)))
}

/// Removes the commits a rule skips from each repository's activity, so
/// they are in no goal and no count, and returns them in order.
pub fn apply(rules: &[SkipRule], repos: &mut [RepoActivity]) -> Vec<Skipped> {
    let mut skipped = Vec::new();
    if rules.is_empty() {
        return skipped;
    }
    for repo in repos {
        repo.commits.retain(|c| match rule_for(rules, c) {
            Some(rule) => {
                skipped.push(Skipped {
                    repo: repo.name.clone(),
                    short: c.short.clone(),
                    subject: c.subject.clone(),
                    rule: rule.shown.clone(),
                });
                false
            }
            None => true,
        });
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Wildcard;
    use regex::Regex;

    fn commit(subject: &str, email: &str, name: &str) -> Commit {
        Commit {
            id: "0".repeat(40),
            short: "0000000".into(),
            subject: subject.into(),
            message: format!("{subject}\n"),
            author_name: name.into(),
            author_email: email.into(),
            co_authored_with: None,
            time: 0,
            offset_minutes: 0,
            files: Vec::new(),
            added: 0,
            removed: 0,
            branches: Vec::new(),
            on: Vec::new(),
            pr: None,
            folded: None,
            backport_of: None,
        }
    }

    fn rule(message: Option<&str>, author: Option<&str>) -> SkipRule {
        SkipRule {
            message: message.map(|m| Regex::new(m).unwrap()),
            author: author.map(Wildcard::new),
            shown: format!("{message:?} {author:?}"),
        }
    }

    #[test]
    fn a_rule_skips_when_all_it_names_matches() {
        let bump = commit("Bump CI image to 1.2", "ada@example.com", "Ada");
        let bot = commit(
            "Update deps",
            "49699333+dependabot[bot]@users.noreply.github.com",
            "dependabot[bot]",
        );
        let work = commit("Add the cache", "ada@example.com", "Ada");
        let rules = [rule(Some("^Bump CI"), None), rule(None, Some("*[bot]"))];
        assert_eq!(rule_for(&rules, &bump).unwrap().shown, rules[0].shown);
        assert_eq!(rule_for(&rules, &bot).unwrap().shown, rules[1].shown);
        assert!(rule_for(&rules, &work).is_none());
        // Both keys: both must match.
        let both = [rule(Some("^Bump"), Some("ADA@example.com"))];
        assert!(rule_for(&both, &bump).is_some());
        assert!(rule_for(&both, &commit("Bump x", "bob@example.com", "Bob")).is_none());
    }

    #[test]
    fn wildcards_match_the_whole_text_in_any_case() {
        let w = Wildcard::new;
        assert!(w("*[bot]*").is_match("renovate[bot]"));
        assert!(!w("*[bot]*").is_match("robot"));
        assert!(w("ci-?@acme.com").is_match("CI-1@acme.com"));
        assert!(!w("ci-?@acme.com").is_match("ci-12@acme.com"));
        assert!(w("*").is_match(""));
        assert!(w("a*b*c").is_match("aXXbYYc"));
        assert!(!w("a*b*c").is_match("aXXbYY"));
        assert!(w("**x").is_match("yx"));
        assert!(!w("ada").is_match("ada lovelace"));
    }
}
