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

use crate::config::{Globs, Goal, Rule};
use crate::forge::Forge;
use crate::scan::{Commit, Credit, RepoActivity};
use crate::skip::Skipped;
use crate::sources::Item;

/// Whether `goal` claims `commit` of repository `repo`: `decide`, with
/// no reasons kept.
pub fn claims(goal: &Goal, repo: &str, commit: &Commit) -> bool {
    decide(goal, repo, commit, None)
}

/// Why a goal claims a commit or not, rule by rule, for `icu explain`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verdict {
    pub claims: bool,
    /// One line per rule looked at: what matched, or what did not.
    pub reasons: Vec<String>,
}

/// `decide`, with its reasons: the decision [`claims`] takes, said rule by
/// rule.
pub fn explain(goal: &Goal, repo: &str, commit: &Commit) -> Verdict {
    let mut reasons = Vec::new();
    let claims = decide(
        goal,
        repo,
        commit,
        Some(&mut |step| reasons.push(reason(step, repo, commit))),
    );
    Verdict { claims, reasons }
}

/// What a rule met: the pattern as written, and the text it matched (the
/// repository's name, a file, a branch, a stretch of the message).
#[derive(Debug, Clone, Copy)]
struct Hit<'a> {
    pattern: &'a str,
    matched: &'a str,
}

/// One step of [`decide`], for its reasons.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    /// The goal has no rule.
    NoRules,
    /// `rule` was looked at, and met when `hit` is some.
    Looked {
        rule: Rule<'a>,
        hit: Option<Hit<'a>>,
    },
    /// Every rule looked at was a scope, and each was met.
    OnlyScope,
}

/// The one decision whether `goal` claims `commit` of repository `repo`
/// (the module docs): the commit is in one of the
/// goal's repos (all when absent) and meets any of its paths, branches or
/// keywords — or the goal has only `repos`, which then claims every commit
/// there. A goal with no rule claims nothing.
///
/// `step`, when given, is told each rule looked at and what it found, in
/// order, so that [`explain`] can say why; it then looks at every rule.
/// Without it, the matchers after the first one met are not looked at: the
/// answer is the same, and attributing every commit to every goal does not
/// search a long message for keywords once a path has already claimed it.
fn decide<'a>(
    goal: &'a Goal,
    repo: &'a str,
    commit: &'a Commit,
    mut step: Option<&mut dyn FnMut(Step<'a>)>,
) -> bool {
    let mut any_rule = false;
    let mut any_matcher = false;
    let mut met = false;
    for rule in goal.rules() {
        any_rule = true;
        if !rule.is_scope() {
            any_matcher = true;
            if met && step.is_none() {
                continue;
            }
        }
        let hit = find(rule, repo, commit);
        if let Some(step) = step.as_mut() {
            step(Step::Looked { rule, hit });
        }
        if rule.is_scope() {
            if hit.is_none() {
                return false;
            }
        } else {
            met |= hit.is_some();
        }
    }
    let last = match (any_rule, any_matcher) {
        (false, _) => Step::NoRules,
        (true, false) => Step::OnlyScope,
        (true, true) => return met,
    };
    if let Some(step) = step {
        step(last);
    }
    matches!(last, Step::OnlyScope)
}

/// The one matcher of each rule: what in `commit` of repository `repo`
/// meets `rule`, if anything does.
fn find<'a>(rule: Rule<'a>, repo: &'a str, commit: &'a Commit) -> Option<Hit<'a>> {
    let first = |globs: &'a Globs, items: &'a [String]| {
        items.iter().find_map(|item| {
            globs.first_match(item).map(|pattern| Hit {
                pattern,
                matched: item,
            })
        })
    };
    match rule {
        Rule::Repos(repos) => repos.iter().find(|r| *r == repo).map(|r| Hit {
            pattern: r,
            matched: repo,
        }),
        Rule::Paths(globs) => first(globs, &commit.files),
        Rule::Branches(globs) => first(globs, &commit.branches),
        Rule::Keywords(keywords) => {
            let text = keyword_text(&commit.message);
            keywords.iter().find_map(|k| {
                k.find(text).map(|m| Hit {
                    pattern: k.as_str(),
                    matched: m.as_str(),
                })
            })
        }
    }
}

/// A step of [`decide`] said in words, for `icu explain`.
fn reason(step: Step<'_>, repo: &str, commit: &Commit) -> String {
    let (rule, hit) = match step {
        Step::NoRules => {
            return "the goal has no repos, paths, branches or keywords, so it claims nothing"
                .into()
        }
        Step::OnlyScope => return "its only rule is repos: every commit there counts".into(),
        Step::Looked { rule, hit } => (rule, hit),
    };
    match (rule, hit) {
        (Rule::Repos(_), Some(_)) => format!("repo `{repo}` is in its repos"),
        (Rule::Repos(repos), None) => {
            format!("repo `{repo}` is not in its repos ({})", repos.join(", "))
        }
        (Rule::Paths(_), Some(h)) => format!("paths glob `{}` matched `{}`", h.pattern, h.matched),
        (Rule::Paths(globs), None) => format!(
            "no file matched paths {} ({} touched: {})",
            quoted(globs.patterns()),
            commit.files.len(),
            sample(&commit.files)
        ),
        (Rule::Branches(_), Some(h)) => format!(
            "branches glob `{}` matched branch `{}`, which contains it",
            h.pattern, h.matched
        ),
        (Rule::Branches(globs), None) => format!(
            "no branch containing it matched branches {} (it is on: {})",
            quoted(globs.patterns()),
            sample(&commit.branches)
        ),
        (Rule::Keywords(_), Some(h)) => format!(
            "keyword `{}` matched `{}` in the message",
            h.pattern, h.matched
        ),
        (Rule::Keywords(keywords), None) => {
            let ks: Vec<String> = keywords.iter().map(|k| k.as_str().to_string()).collect();
            format!("no keyword of {} is in the message", quoted(&ks))
        }
    }
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
    /// Lines added and removed by the commits that count.
    pub added: usize,
    pub removed: usize,
    /// Pull requests: squash subjects `(#N)` and merges `Merge pull request #N`
    /// that brought in one of these commits. Sorted.
    pub prs: Vec<u32>,
}

impl RepoGroup {
    /// How many of its commits count (see [`Commit::counted`]): all but
    /// backports of work a sent update counted.
    pub fn counted(&self) -> usize {
        self.commits.iter().filter(|c| c.counted()).count()
    }
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
    /// Work from the sources beside git (notes, `[[source]]` commands),
    /// oldest first; never counted with the commits.
    pub items: Vec<Item>,
}

impl Activity {
    /// Number of commits counted over all repositories (see
    /// [`Commit::counted`]).
    pub fn commits(&self) -> usize {
        self.repos.iter().map(RepoGroup::counted).sum()
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

/// Why a goal claims an item of a source beside git (`sources::Item`: a
/// note, a review, a ticket), rule by rule: the one decision, taken by the
/// draft ([`claims_item`]) and said by `icu explain`.
///
/// An item that names a goal belongs to that goal alone. Otherwise a goal
/// claims it when one of its `keywords` is in the title — unless the goal
/// has `repos` and the item names a repository not among them (an item
/// naming none is not excluded) — or, when `repos` is the goal's only rule,
/// when the item names one of its repositories. `paths` and `branches`
/// describe commits and say nothing of an item.
pub fn explain_item(goal: &Goal, item: &Item) -> Verdict {
    let mut reasons = Vec::new();
    if let Some(named) = &item.goal {
        let claims = *named == goal.id;
        reasons.push(if claims {
            format!("the {} names this goal", item.kind)
        } else {
            format!(
                "the {} names goal `{named}`, so no other goal claims it",
                item.kind
            )
        });
        return Verdict { claims, reasons };
    }
    let keywords = &goal.keywords;
    let repos = goal.repos.as_deref();
    if let (Some(repos), Some(repo)) = (repos, item.repo.as_deref()) {
        if !repos.iter().any(|r| r == repo) {
            reasons.push(format!(
                "it names repo `{repo}`, which is not in its repos ({})",
                repos.join(", ")
            ));
            return Verdict {
                claims: false,
                reasons,
            };
        }
    }
    if !keywords.is_empty() {
        let title = keyword_text(&item.title);
        if let Some((k, m)) = keywords.iter().find_map(|k| k.find(title).map(|m| (k, m))) {
            reasons.push(format!(
                "keyword `{}` matched `{}` in the title",
                k.as_str(),
                m.as_str()
            ));
            return Verdict {
                claims: true,
                reasons,
            };
        }
        let ks: Vec<String> = keywords.iter().map(|k| k.as_str().to_string()).collect();
        reasons.push(format!("no keyword of {} is in the title", quoted(&ks)));
    }
    let only_repos =
        repos.is_some() && keywords.is_empty() && goal.paths.is_none() && goal.branches.is_none();
    if only_repos {
        let claims = item.repo.is_some();
        reasons.push(match &item.repo {
            Some(r) => format!(
                "its only rule is repos, and the {} names `{r}`, one of them",
                item.kind
            ),
            None => format!(
                "its only rule is repos, and the {} names no repository",
                item.kind
            ),
        });
        return Verdict { claims, reasons };
    }
    if keywords.is_empty() {
        reasons.push("it has no keywords, the one rule that reads an item's title".into());
    }
    Verdict {
        claims: false,
        reasons,
    }
}

/// Whether `goal` claims `item` ([`explain_item`]).
pub fn claims_item(goal: &Goal, item: &Item) -> bool {
    explain_item(goal, item).claims
}

/// Attributes the items of the sources beside git ([`explain_item`]) into
/// `at`: each to every goal that claims it, else to Other work — but for
/// those a `[[skip]]` rule's `message` matches by their title.
pub fn attribute_items(
    goals: &[Goal],
    skip: &[crate::config::SkipRule],
    items: &[Item],
    at: &mut Attribution,
) {
    for item in items {
        if crate::skip::skips_title(skip, &item.title) {
            continue;
        }
        let mut claimed = false;
        for (g, a) in goals.iter().zip(at.goals.iter_mut()) {
            if claims_item(g, item) {
                a.items.push(item.clone());
                claimed = true;
            }
        }
        if !claimed {
            at.other.items.push(item.clone());
        }
    }
}

/// What the draft did with one commit, read from the scan and the skip
/// rules the draft is made of: the one answer `icu explain` gives, so it
/// cannot tell another story than the draft. Which goals claim it is
/// [`claims`] (said rule by rule by [`explain`]) of the commit found here.
#[derive(Debug, Clone, Copy)]
pub enum Placement<'a> {
    /// Listed, as the scan described it.
    Listed(&'a Commit),
    /// The same work as a listed commit, which is listed in its place (see
    /// `scan::Folded`).
    Folded { into: &'a Commit },
    /// Not among my commits: a change of someone else's that credits me, or
    /// a merge of mine crediting me as `merged`; listed apart.
    Credited(&'a Credit),
    /// Left out by a `[[skip]]` rule.
    Skipped(&'a Skipped),
    /// None of those: the scan of the period did not find it.
    Absent,
}

/// Where the commit `id` (full hex) of `repo` went in a draft made of
/// `repo`'s scan with the `skipped` commits taken out.
pub fn placement<'a>(id: &str, repo: &'a RepoActivity, skipped: &'a [Skipped]) -> Placement<'a> {
    if let Some(c) = repo.commits.iter().find(|c| c.id == id) {
        return Placement::Listed(c);
    }
    if let Some(cr) = repo.credits.iter().find(|cr| cr.commit.id == id) {
        return Placement::Credited(cr);
    }
    let short = crate::scan::short_id(id);
    if let Some(s) = skipped
        .iter()
        .find(|s| s.repo == repo.name && s.short == short)
    {
        return Placement::Skipped(s);
    }
    repo.commits
        .iter()
        .find(|c| c.folded.as_ref().is_some_and(|f| f.ids.contains(&short)))
        .map_or(Placement::Absent, |into| Placement::Folded { into })
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
        added: commits
            .iter()
            .filter(|c| c.counted())
            .map(|c| c.added)
            .sum(),
        removed: commits
            .iter()
            .filter(|c| c.counted())
            .map(|c| c.removed)
            .sum(),
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
            co_authored_with: None,
            time: 0,
            offset_minutes: 0,
            files: files.iter().map(|s| s.to_string()).collect(),
            added: 1,
            removed: 0,
            branches: branches.iter().map(|s| s.to_string()).collect(),
            on: Vec::new(),
            pr: None,
            folded: None,
            backport_of: None,
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

    /// Every combination of the four rules (each absent or present) against
    /// commits that meet each rule or not: `claims` and `explain` take the
    /// same decision, the one the rule states, and `explain` gives a reason
    /// for each rule it looked at.
    #[test]
    fn claims_and_explain_agree_for_every_combination_of_rules() {
        let cache = Regex::new("CACHE-\\d+").unwrap();
        let mut checked = 0;
        for present in 0..16u8 {
            let has = |bit: u8| present & (1 << bit) != 0;
            let mut g = goal("g");
            if has(0) {
                g.repos = Some(vec!["search".into()]);
            }
            if has(1) {
                g.paths = globs(&["src/**"]);
            }
            if has(2) {
                g.branches = globs(&["feature/*"]);
            }
            if has(3) {
                g.keywords = vec![cache.clone()];
            }
            for repo in ["search", "web"] {
                for files in [&["src/a.rs"][..], &["README"], &[]] {
                    for branches in [&["feature/x"][..], &["main"], &[]] {
                        for msg in ["fix CACHE-1", "tidy"] {
                            let c = commit(msg, files, branches);
                            let in_repo = !has(0) || repo == "search";
                            let matchers = [
                                (has(1), files.contains(&"src/a.rs")),
                                (has(2), branches.contains(&"feature/x")),
                                (has(3), msg.contains("CACHE")),
                            ];
                            let only_repos = matchers.iter().all(|(on, _)| !on);
                            let want = present != 0
                                && in_repo
                                && (only_repos || matchers.iter().any(|&(on, met)| on && met));
                            let case = format!("rules {present:04b}, {repo}, {c:?}");
                            let v = explain(&g, repo, &c);
                            assert_eq!(claims(&g, repo, &c), want, "{case}");
                            assert_eq!(v.claims, want, "{case}: {v:?}");
                            let looked = if in_repo { present.count_ones() } else { 1 };
                            let extra = usize::from(present == 0 || (in_repo && only_repos));
                            assert_eq!(v.reasons.len(), looked as usize + extra, "{case}: {v:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 16 * 2 * 3 * 3 * 2);
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
            from_graph: 0,
            in_window: 2,
            warnings: vec![],
            incomplete: false,
            maybe_mine: vec![],
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
