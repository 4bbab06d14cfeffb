//! Which goals a commit of mine belongs to, and the activity of each goal.
//! Changes of others that credit me (`scan::Credit`) are attributed by the
//! same rules and kept apart from my commits.
//! Pure: takes the config's goals and the scan's results, returns values.
//!
//! A commit of mine belongs to every goal that claims it: the commit is in
//! one of the goal's `repos` (all repos when absent) and meets any of its
//! `paths` (globs over the files touched), `branches` (globs over the names
//! of branches containing it or holding a commit folded into it: local
//! names, and remote-tracking ones with and without the remote) or
//! `keywords` (regexes over the message) — or the goal has only `repos`,
//! which then claims every commit of mine there. A goal with none of the
//! four claims nothing. A commit no goal claims goes to "Other work":
//! nothing of mine is dropped. Credits are claimed alike, into
//! `Activity::credits`, and are never in a group's commit count or line
//! counts. The requests a goal lists are its commits' squash subjects
//! (`(#N)`) and the merges that brought its commits in (`scan::PrMerge`).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::config::Goal;
use crate::forge::Forge;
use crate::scan::{Commit, Credit, RepoActivity};

/// Whether `goal` claims `commit` of repository `repo` (docs/ARCHITECTURE.md, "Attribution"):
/// the commit is in one of the goal's repos (all when absent) and meets any of
/// its paths, branches or keywords — or the goal has only `repos`, which then
/// claims every commit there. A goal with no matcher claims nothing.
pub fn claims(goal: &Goal, repo: &str, commit: &Commit) -> bool {
    if !goal.has_matchers() {
        return false;
    }
    if let Some(repos) = &goal.repos {
        if !repos.iter().any(|r| r == repo) {
            return false;
        }
    }
    let only_repos = goal.paths.is_none() && goal.branches.is_none() && goal.keywords.is_empty();
    if only_repos {
        return true;
    }
    goal.paths
        .as_ref()
        .is_some_and(|g| commit.files.iter().any(|f| g.is_match(f)))
        || goal
            .branches
            .as_ref()
            .is_some_and(|g| commit.branches.iter().any(|b| g.is_match(b)))
        || goal
            .keywords
            .iter()
            .any(|k| k.is_match(keyword_text(&commit.message)))
}

/// Why a goal claims a commit or not, rule by rule, for `icu explain`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub claims: bool,
    /// One line per rule looked at: what matched, or what did not.
    pub reasons: Vec<String>,
}

/// [`claims`], with its reasons: the same decision, said rule by rule.
pub fn explain(goal: &Goal, repo: &str, commit: &Commit) -> Verdict {
    let claims = claims(goal, repo, commit);
    let mut reasons = Vec::new();
    if !goal.has_matchers() {
        reasons.push(
            "the goal has no repos, paths, branches or keywords, so it claims nothing".into(),
        );
        return Verdict { claims, reasons };
    }
    if let Some(repos) = &goal.repos {
        if repos.iter().any(|r| r == repo) {
            reasons.push(format!("repo `{repo}` is in its repos"));
        } else {
            reasons.push(format!(
                "repo `{repo}` is not in its repos ({})",
                repos.join(", ")
            ));
            return Verdict { claims, reasons };
        }
    }
    if goal.paths.is_none() && goal.branches.is_none() && goal.keywords.is_empty() {
        reasons.push("its only rule is repos: every commit there counts".into());
        return Verdict { claims, reasons };
    }
    if let Some(g) = &goal.paths {
        match commit
            .files
            .iter()
            .find_map(|f| g.first_match(f).map(|p| (p, f)))
        {
            Some((p, f)) => reasons.push(format!("paths glob `{p}` matched `{f}`")),
            None => reasons.push(format!(
                "no file matched paths {} ({} touched: {})",
                quoted(g.patterns()),
                commit.files.len(),
                sample(&commit.files)
            )),
        }
    }
    if let Some(g) = &goal.branches {
        match commit
            .branches
            .iter()
            .find_map(|b| g.first_match(b).map(|p| (p, b)))
        {
            Some((p, b)) => reasons.push(format!(
                "branches glob `{p}` matched branch `{b}`, which contains it"
            )),
            None => reasons.push(format!(
                "no branch containing it matched branches {} (it is on: {})",
                quoted(g.patterns()),
                sample(&commit.branches)
            )),
        }
    }
    if !goal.keywords.is_empty() {
        let text = keyword_text(&commit.message);
        match goal
            .keywords
            .iter()
            .find_map(|k| k.find(text).map(|m| (k, m)))
        {
            Some((k, m)) => reasons.push(format!(
                "keyword `{}` matched `{}` in the message",
                k.as_str(),
                m.as_str()
            )),
            None => {
                let ks: Vec<String> = goal
                    .keywords
                    .iter()
                    .map(|k| k.as_str().to_string())
                    .collect();
                reasons.push(format!("no keyword of {} is in the message", quoted(&ks)));
            }
        }
    }
    Verdict { claims, reasons }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first few of `items`, and how many more.
fn sample(items: &[String]) -> String {
    const SHOWN: usize = 5;
    if items.is_empty() {
        return "none".into();
    }
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

/// How much of a commit message `keywords` look at: its first 64 KiB. A
/// message is rarely over a few KiB; a generated one of megabytes would
/// otherwise be searched once per keyword of every goal.
pub const KEYWORD_TEXT_BYTES: usize = 64 << 10;

/// The part of `message` that `keywords` match: at most
/// [`KEYWORD_TEXT_BYTES`], cut at a character boundary.
pub fn keyword_text(message: &str) -> &str {
    if message.len() <= KEYWORD_TEXT_BYTES {
        return message;
    }
    let mut end = KEYWORD_TEXT_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    &message[..end]
}

/// Activity of one goal (or of "Other work") in one repository.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RepoGroup {
    pub repo: String,
    pub url: Option<String>,
    /// How links to `url` are written.
    pub forge: Option<Forge>,
    /// Newest first.
    pub commits: Vec<Commit>,
    pub added: usize,
    pub removed: usize,
    /// Pull requests: squash subjects `(#N)` and merges `Merge pull request #N`
    /// that brought in one of these commits. Sorted.
    pub prs: Vec<u32>,
}

/// Changes of others that credit me, of one goal (or of "Other work") in
/// one repository.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CreditGroup {
    pub repo: String,
    pub url: Option<String>,
    /// Which forge `url` is on (see `RepoGroup::forge`).
    pub forge: Option<Forge>,
    /// Newest first.
    pub credits: Vec<Credit>,
}

/// Activity of one goal (or of "Other work") across repositories.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Activity {
    pub repos: Vec<RepoGroup>,
    /// Changes of others that credit me, per repository; never counted in
    /// `repos`.
    pub credits: Vec<CreditGroup>,
}

impl Activity {
    /// Number of commits over all repositories.
    pub fn commits(&self) -> usize {
        self.repos.iter().map(|r| r.commits.len()).sum()
    }

    /// Number of changes of others that credit me, over all repositories.
    pub fn credit_count(&self) -> usize {
        self.credits.iter().map(|g| g.credits.len()).sum()
    }

    /// Every commit, newest first.
    pub fn all_commits(&self) -> impl Iterator<Item = &Commit> {
        self.repos.iter().flat_map(|r| r.commits.iter())
    }
}

/// The result of attribution: one [`Activity`] per goal, in config order,
/// and the commits no goal claims.
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    pub goals: Vec<Activity>,
    pub other: Activity,
}

/// Attributes every commit of every repository. Nothing mine is dropped: a
/// commit no goal claims goes to `other`.
pub fn attribute(goals: &[Goal], repos: &[RepoActivity]) -> Attribution {
    let mut per_goal: Vec<Activity> = vec![Activity::default(); goals.len()];
    let mut other = Activity::default();
    for repo in repos {
        let mut buckets: Vec<Vec<Commit>> = vec![Vec::new(); goals.len()];
        let mut rest = Vec::new();
        for c in &repo.commits {
            let mut claimed = false;
            for (i, g) in goals.iter().enumerate() {
                if claims(g, &repo.name, c) {
                    buckets[i].push(c.clone());
                    claimed = true;
                }
            }
            if !claimed {
                rest.push(c.clone());
            }
        }
        for (i, commits) in buckets.into_iter().enumerate() {
            if !commits.is_empty() {
                per_goal[i].repos.push(group(repo, commits));
            }
        }
        if !rest.is_empty() {
            other.repos.push(group(repo, rest));
        }
        let mut buckets: Vec<Vec<Credit>> = vec![Vec::new(); goals.len()];
        let mut rest = Vec::new();
        for c in &repo.credits {
            let mut claimed = false;
            for (i, g) in goals.iter().enumerate() {
                if claims(g, &repo.name, &c.commit) {
                    buckets[i].push(c.clone());
                    claimed = true;
                }
            }
            if !claimed {
                rest.push(c.clone());
            }
        }
        for (i, credits) in buckets.into_iter().enumerate() {
            if !credits.is_empty() {
                per_goal[i].credits.push(credit_group(repo, credits));
            }
        }
        if !rest.is_empty() {
            other.credits.push(credit_group(repo, rest));
        }
    }
    Attribution {
        goals: per_goal,
        other,
    }
}

fn credit_group(repo: &RepoActivity, credits: Vec<Credit>) -> CreditGroup {
    CreditGroup {
        repo: repo.name.clone(),
        url: repo.url.clone(),
        forge: repo.forge,
        credits,
    }
}

fn group(repo: &RepoActivity, commits: Vec<Commit>) -> RepoGroup {
    let mut prs: BTreeSet<u32> = commits.iter().filter_map(|c| c.pr).collect();
    for m in &repo.merges {
        if m.commits
            .iter()
            .any(|id| commits.iter().any(|c| &c.id == id))
        {
            prs.insert(m.pr);
        }
    }
    RepoGroup {
        repo: repo.name.clone(),
        url: repo.url.clone(),
        forge: repo.forge,
        added: commits.iter().map(|c| c.added).sum(),
        removed: commits.iter().map(|c| c.removed).sum(),
        commits,
        prs: prs.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GoalStatus;
    use globset::{Glob, GlobSetBuilder};
    use regex::Regex;

    fn goal(id: &str) -> Goal {
        Goal {
            id: id.into(),
            title: id.into(),
            status: GoalStatus::OnTrack,
            due: None,
            success: None,
            risk: None,
            repos: None,
            paths: None,
            branches: None,
            keywords: Vec::new(),
        }
    }

    fn globs(p: &[&str]) -> Option<crate::config::Globs> {
        let mut b = GlobSetBuilder::new();
        for g in p {
            b.add(Glob::new(g).unwrap());
        }
        let patterns = p.iter().map(|s| (*s).to_string()).collect();
        Some(crate::config::Globs::new(b.build().unwrap(), patterns))
    }

    fn commit(msg: &str, files: &[&str], branches: &[&str]) -> Commit {
        Commit {
            id: format!("{:0>40}", msg.len()),
            short: "0000000".into(),
            subject: msg.lines().next().unwrap_or("").into(),
            message: msg.into(),
            author_name: "Ada".into(),
            author_email: "ada@example.com".into(),
            time: 0,
            offset_minutes: 0,
            files: files.iter().map(|s| s.to_string()).collect(),
            added: 1,
            removed: 0,
            branches: branches.iter().map(|s| s.to_string()).collect(),
            pr: None,
            folded: None,
        }
    }

    #[test]
    fn a_goal_without_matchers_claims_nothing() {
        assert!(!claims(&goal("g"), "r", &commit("x", &["a"], &[])));
    }

    #[test]
    fn repos_only_claims_everything_in_those_repos() {
        let mut g = goal("g");
        g.repos = Some(vec!["search".into()]);
        assert!(claims(&g, "search", &commit("x", &[], &[])));
        assert!(!claims(&g, "web", &commit("x", &[], &[])));
    }

    #[test]
    fn any_matcher_claims_within_the_repos() {
        let mut g = goal("g");
        g.repos = Some(vec!["search".into()]);
        g.paths = globs(&["services/search/**"]);
        g.branches = globs(&["search/*"]);
        g.keywords = vec![Regex::new("SEARCH-\\d+").unwrap()];
        assert!(claims(
            &g,
            "search",
            &commit("x", &["services/search/a.rs"], &[])
        ));
        assert!(claims(&g, "search", &commit("x", &["b"], &["search/fast"])));
        assert!(claims(
            &g,
            "search",
            &commit("fix\n\nSEARCH-12", &["b"], &[])
        ));
        assert!(!claims(&g, "search", &commit("x", &["b"], &["main"])));
        assert!(!claims(
            &g,
            "web",
            &commit("x", &["services/search/a.rs"], &[])
        ));
    }

    #[test]
    fn unclaimed_commits_go_to_other_and_shared_ones_to_every_goal() {
        let mut a = goal("a");
        a.keywords = vec![Regex::new("cache").unwrap()];
        let mut b = goal("b");
        b.keywords = vec![Regex::new("cache|index").unwrap()];
        let repo = RepoActivity {
            name: "r".into(),
            path: "/r".into(),
            url: None,
            forge: None,
            commits: vec![commit("cache it", &[], &[]), commit("docs", &[], &[])],
            merges: vec![],
            credits: vec![],
            visited: 2,
            in_window: 2,
            warnings: vec![],
            incomplete: false,
        };
        let at = attribute(&[a, b], &[repo]);
        assert_eq!(at.goals[0].commits(), 1);
        assert_eq!(at.goals[1].commits(), 1);
        assert_eq!(at.other.commits(), 1);
        assert_eq!(at.other.repos[0].commits[0].subject, "docs");
    }

    #[test]
    fn keywords_see_only_the_first_64_kib_of_a_message() {
        let mut g = goal("g");
        g.keywords = vec![regex::Regex::new("NEEDLE").unwrap()];
        let early = format!("NEEDLE {}", "é".repeat(500_000));
        assert!(claims(&g, "r", &commit(&early, &[], &[])));
        let late = format!("{}NEEDLE", "é".repeat(500_000));
        assert!(!claims(&g, "r", &commit(&late, &[], &[])));
        assert_eq!(keyword_text(&late).len(), KEYWORD_TEXT_BYTES);
        let odd = format!("a{}", "é".repeat(40_000));
        assert_eq!(keyword_text(&odd).len(), KEYWORD_TEXT_BYTES - 1);
        assert_eq!(keyword_text("short"), "short");
    }
}
