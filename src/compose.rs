//! Rendering a new update through the template (minijinja): the documented
//! context, the generated activity lines, and the Markdown escaping that keeps
//! commit subjects and goal titles literal text.
//!
//! The links in the activity are icu's own: written here around escaped
//! text, and only to a URL [`forge::safe_link`] accepts — a configured
//! `url`, the `origin` remote's web page (credentials dropped), a Gerrit
//! `Reviewed-on:` trailer, or a `[[link]]` rule's `href` with the match
//! filled in. A URL that is not safe leaves its text unlinked.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};

use crate::attribute::{Activity, Attribution, CreditGroup, RepoGroup};
use crate::config::{Goal, LinkRule, Me, OTHER_KEY};
use crate::doc::asks::Ask;
use crate::doc::frontmatter::{self, FrontMatter, Status};
use crate::doc::markers;
use crate::doc::stale::{is_head_of, with_kept, Stale, INCOMPLETE_NOTE};
use crate::forge::{self, Change, Forge};
use crate::period::{self, Period};
use crate::scan::{self, BackportOf, Folded, RepoActivity};
use crate::sources::{self, Item};
pub use crate::template::escape_markdown;
use crate::template::{
    self, AskContext, BackportContext, CommitContext, CountsContext, CreditContext, FoldedContext,
    GoalContext, ItemContext, MeContext, OtherContext, PeriodContext, PersonContext, RenderContext,
    RepoContext, TemplateError,
};
use crate::template::{plural, thousands};

/// Everything a new update is made of.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub me: &'a Me,
    /// The goals, in config order.
    pub goals: &'a [Goal],
    pub period: &'a Period,
    pub repos: &'a [RepoActivity],
    /// `attribution.goals` runs parallel to `goals`.
    pub attribution: &'a Attribution,
    /// The open asks carried from the last sent update.
    pub asks: &'a [Ask],
    /// When the activity was computed (recorded as `scanned`).
    pub scanned: DateTime<FixedOffset>,
    /// What blocks showed for repositories that cannot be read now, kept.
    pub stale: &'a Stale,
    /// `[[link]]`: ticket keys in the commit subjects listed made links.
    pub links: &'a [LinkRule],
    /// The sources beside git whose items may be missing, as `name: why`
    /// (recorded in the front matter: `frontmatter::incomplete`).
    pub incomplete: &'a [String],
}

/// What the scan found for an update: each repository's activity, and its
/// commits attributed to the goals.
#[derive(Debug, Clone, Copy)]
pub struct Attributed<'a> {
    pub repos: &'a [RepoActivity],
    /// `attribution.goals` runs parallel to the config's goals.
    pub attribution: &'a Attribution,
}

impl<'a> Draft<'a> {
    /// The draft of `cfg`'s goals for `period`: what `icu draft` renders
    /// and `icu template --context` prints.
    pub fn of(
        cfg: &'a crate::config::Config,
        period: &'a Period,
        found: Attributed<'a>,
        asks: &'a [Ask],
        scanned: DateTime<FixedOffset>,
        stale: &'a Stale,
        incomplete: &'a [String],
    ) -> Self {
        Draft {
            me: &cfg.me,
            goals: &cfg.goals,
            period,
            repos: found.repos,
            attribution: found.attribution,
            asks,
            scanned,
            stale,
            links: &cfg.links,
            incomplete,
        }
    }
}

/// `lines` with the head line of each incomplete repository's group marked.
fn mark_incomplete(lines: String, incomplete: &[String]) -> String {
    if incomplete.is_empty() {
        return lines;
    }
    lines
        .lines()
        .map(|l| {
            if l.starts_with("- ") && incomplete.iter().any(|r| is_head_of(l, r)) {
                format!("{l}{INCOMPLETE_NOTE}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The template context of a new update.
pub fn context(d: &Draft) -> RenderContext {
    let p = d.period;
    let since_short = period::short_date(p.since.date_naive());
    let incomplete: Vec<String> = d
        .repos
        .iter()
        .filter(|r| r.incomplete)
        .map(|r| r.name.clone())
        .collect();
    let overlaps = overlaps(d.goals, d.attribution);
    let goals = d
        .goals
        .iter()
        .zip(&d.attribution.goals)
        .map(|(g, a)| GoalContext {
            id: g.id.clone(),
            title: g.title.clone(),
            status: g.status.as_str().to_string(),
            status_label: g.status.label().to_string(),
            due: g.due.map(|d| d.to_string()),
            due_long: g.due.map(period::long_date),
            success: g.success.clone(),
            risk: g.risk.clone(),
            activity: with_kept(
                mark_incomplete(
                    activity_lines(
                        a,
                        &no_goal_activity_note(&since_short),
                        d.links,
                        &overlaps,
                        Some(&g.id),
                    ),
                    &incomplete,
                ),
                d.stale.get(&g.id),
                a.repos.is_empty() && a.credits.is_empty(),
            ),
            commits: a.commits(),
            credits: a.credit_count(),
            items: a.items.len(),
            commit_list: commit_list(a, &overlaps, Some(&g.id)),
            credit_list: credit_list(a),
            item_list: item_list(&a.items),
        })
        .collect();
    let counts = counts(d.attribution, &overlaps);
    RenderContext {
        schema_version: template::SCHEMA_VERSION,
        me: MeContext {
            name: d.me.name.clone(),
            emails: d.me.emails.clone(),
        },
        date: p.date.to_string(),
        date_long: period::long_date(p.date),
        period: PeriodContext::new(p.date, p.since, p.until),
        other: OtherContext {
            activity: with_kept(
                mark_incomplete(
                    activity_lines(
                        &d.attribution.other,
                        &no_other_activity_note(&since_short),
                        d.links,
                        &overlaps,
                        None,
                    ),
                    &incomplete,
                ),
                d.stale.get(OTHER_KEY),
                d.attribution.other.repos.is_empty() && d.attribution.other.credits.is_empty(),
            ),
            commits: d.attribution.other.commits(),
            credits: d.attribution.other.credit_count(),
            items: d.attribution.other.items.len(),
            commit_list: commit_list(&d.attribution.other, &overlaps, None),
            credit_list: credit_list(&d.attribution.other),
            item_list: item_list(&d.attribution.other.items),
        },
        goals,
        totals: totals_line(&counts),
        counts,
        asks: d
            .asks
            .iter()
            .map(|a| AskContext {
                text: a.text.clone(),
                details: a.details.clone(),
                asked: a.asked.to_string(),
                asked_short: period::short_date(a.asked),
            })
            .collect(),
        repos: d
            .repos
            .iter()
            .map(|r| RepoContext {
                name: r.name.clone(),
                path: r.path.display().to_string(),
                url: r.url.clone(),
                forge: r.forge,
            })
            .collect(),
    }
}

/// The complete new document, front matter and body, rendered through
/// `template` (the text of `templates/update.md.j2` or the user's own),
/// called `name` (its file's path) in errors, so that an error names the
/// template's file and line.
pub fn compose(d: &Draft, name: &str, template: &str) -> Result<String, TemplateError> {
    let body = template::render_body(name, template, &context(d))?;
    let mut keys: Vec<String> = d.goals.iter().map(|g| g.id.clone()).collect();
    keys.push(OTHER_KEY.to_string());
    let fm = FrontMatter {
        date: d.period.date,
        since: d.period.since,
        until: d.period.until,
        scanned: Some(d.scanned),
        status: Status::Draft,
        sent: None,
        sending: None,
        goals: keys,
        blocks: block_hashes(&body),
    };
    let text = format!("{}{}", frontmatter::render(&fm), body);
    // The record of the items it lists (`frontmatter::listed_items`). The
    // front matter was rendered just above, so it parses.
    let at = d.attribution;
    let mut items: Vec<String> = at
        .goals
        .iter()
        .chain(std::iter::once(&at.other))
        .flat_map(|a| a.items.iter().map(sources::key))
        .collect();
    items.sort();
    items.dedup();
    Ok(frontmatter::set_listed_items(&text, &items)
        .and_then(|t| frontmatter::set_incomplete(&t, d.incomplete))
        .unwrap_or(text))
}

/// The hash of each block of a rendered body, in order. A body whose
/// markers are damaged (a user's template) records none: the refresh then
/// names the damaged line, as it would without hashes.
fn block_hashes(body: &str) -> Vec<(String, String)> {
    markers::outline(body, 0)
        .and_then(|o| o.blocks())
        .map(|blocks| {
            blocks
                .iter()
                .map(|b| (b.key.clone(), frontmatter::block_hash(&body[b.content()])))
                .collect()
        })
        .unwrap_or_default()
}

/// Longest subject listed, in characters; a longer one ends in `…`.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// A subject cut to [`MAX_SUBJECT_CHARS`].
fn clip(subject: &str) -> String {
    if subject.chars().count() <= MAX_SUBJECT_CHARS {
        return subject.to_string();
    }
    let mut s: String = subject.chars().take(MAX_SUBJECT_CHARS - 1).collect();
    s.push('…');
    s
}

/// A pull (merge) request as its forge writes it (`#12`, GitLab's `!12`),
/// linked when the repository has a web URL and the forge numbers them.
fn request_ref(g: &RepoGroup, n: u32) -> String {
    let forge = g.forge.unwrap_or(Forge::GitHub);
    let written = forge.request_ref(n);
    match g.url.as_deref().and_then(|u| forge.request_url(u, n)) {
        Some(url) => format!("[{written}]({url})"),
        None => escape_markdown(&written),
    }
}

/// A Gerrit change named by a commit's trailers: `change I8473b959` (the
/// Change-Id's first 8 hex digits), linked to its `Reviewed-on:` page.
fn change_ref(ch: &Change) -> String {
    let text = match &ch.id {
        Some(id) => format!("change {}", &id[..9]),
        None => "change".to_string(),
    };
    match &ch.url {
        Some(u) => format!("[{text}]({u})"),
        None => text,
    }
}

/// A stretch of a subject a `[[link]]` rule makes a link: the bytes
/// `start..end`, the link's target and its text.
struct Link {
    start: usize,
    end: usize,
    href: String,
    text: String,
}

/// `subject` as Markdown, escaped, with each stretch a `[[link]]` rule
/// matches made a link (the first rule to match a stretch wins; an empty
/// match, a match cut by [`clip`], or a link that would not be a
/// [`forge::safe_link`] stays text). `clipped`: `subject` ends in the `…`
/// of a cut.
fn linked_subject(subject: &str, rules: &[LinkRule], clipped: bool) -> String {
    let limit = if clipped {
        subject.len() - '…'.len_utf8()
    } else {
        subject.len()
    };
    let mut found: Vec<Link> = Vec::new();
    for rule in rules {
        for caps in rule.pattern.captures_iter(subject) {
            let Some(m) = caps.get(0) else { continue };
            if m.is_empty()
                || (clipped && m.end() >= limit)
                || found.iter().any(|f| m.start() < f.end && f.start < m.end())
            {
                continue;
            }
            let mut href = String::new();
            caps.expand(&rule.href, &mut href);
            if !forge::safe_link(&href) {
                continue;
            }
            let mut text = String::new();
            if let Some(t) = &rule.text {
                caps.expand(t, &mut text);
            }
            if text.trim().is_empty() {
                text = m.as_str().to_string();
            }
            found.push(Link {
                start: m.start(),
                end: m.end(),
                href,
                text,
            });
        }
    }
    if found.is_empty() {
        return escape_markdown(subject);
    }
    found.sort_by_key(|f| f.start);
    let mut out = String::new();
    let mut pos = 0;
    for link in &found {
        out.push_str(&escape_from(&subject[pos..link.start], pos == 0));
        out.push_str(&format!("[{}]({})", escape_markdown(&link.text), link.href));
        pos = link.end;
    }
    out.push_str(&escape_from(&subject[pos..], pos == 0));
    out
}

/// A piece of a line, escaped: at the line's start as [`escape_markdown`]
/// does it, further on keeping the spaces it starts with (which
/// `escape_markdown` trims).
fn escape_from(piece: &str, at_start: bool) -> String {
    if at_start {
        return escape_markdown(piece);
    }
    let rest = piece.trim_start();
    let lead: String = piece[..piece.len() - rest.len()]
        .chars()
        .map(|_| ' ')
        .collect();
    format!("{lead}{}", escape_markdown(rest))
}

/// The goals (id, title) claiming each commit (by repository and id), for
/// the commits more than one goal claims.
type Overlaps = HashMap<(String, String), Vec<(String, String)>>;

fn overlaps(goals: &[Goal], at: &Attribution) -> Overlaps {
    let mut by: Overlaps = HashMap::new();
    for (g, a) in goals.iter().zip(&at.goals) {
        for r in &a.repos {
            for c in &r.commits {
                by.entry((r.repo.clone(), c.id.clone()))
                    .or_default()
                    .push((g.id.clone(), g.title.clone()));
            }
        }
    }
    by.retain(|_, titles| titles.len() > 1);
    by
}

/// The numbers of the line that opens the goals: every commit of the
/// period once, however many goals claim it, so overlaps never inflate what
/// the reader adds up; how many of them are someone else's with me as a
/// co-author (counted, as their lines are); each change of others and each
/// item once.
fn counts(at: &Attribution, overlaps: &Overlaps) -> CountsContext {
    let every = || at.goals.iter().chain(std::iter::once(&at.other));
    let mut n = CountsContext {
        overlapping: overlaps.len(),
        ..CountsContext::default()
    };
    let mut seen = BTreeSet::new();
    for a in every() {
        for r in &a.repos {
            for c in r.commits.iter().filter(|c| c.counted()) {
                if seen.insert((r.repo.as_str(), c.id.as_str())) {
                    n.added += c.added;
                    n.removed += c.removed;
                    n.co_authored += usize::from(c.co_authored_with.is_some());
                }
            }
        }
    }
    n.commits = seen.len();
    let credits: BTreeSet<(&str, &str)> = every()
        .flat_map(|a| a.credits.iter())
        .flat_map(|g| {
            g.credits
                .iter()
                .map(|c| (g.repo.as_str(), c.commit.id.as_str()))
        })
        .collect();
    n.credits = credits.len();
    let items: BTreeSet<(&str, &str)> = every()
        .flat_map(|a| a.items.iter())
        .map(|i| (i.source.as_str(), i.id.as_str()))
        .collect();
    n.items = items.len();
    n.notes = items.iter().filter(|(s, _)| *s == sources::NOTES).count();
    n
}

/// The line that opens the goals, saying [`counts`]: the co-authored
/// commits said, overlaps, credits and items named when there are any.
fn totals_line(n: &CountsContext) -> String {
    let co_authored = match n.co_authored {
        0 => String::new(),
        k => format!(" ({} co-authored)", thousands(k)),
    };
    let mut line = format!(
        "*In all: {}{co_authored}, +{} −{}, each counted once",
        plural(n.commits, "commit", "commits"),
        thousands(n.added),
        thousands(n.removed)
    );
    if n.overlapping > 0 {
        line.push_str(&format!(
            "; {} under more than one goal",
            thousands(n.overlapping)
        ));
    }
    if n.credits > 0 {
        line.push_str(&format!(
            "; {} by others credit you",
            plural(n.credits, "change", "changes")
        ));
    }
    if n.notes > 0 {
        line.push_str(&format!("; {}", plural(n.notes, "note", "notes")));
    }
    if n.items > n.notes {
        line.push_str(&format!(
            "; {} from your other sources",
            plural(n.items - n.notes, "item", "items")
        ));
    }
    line.push('*');
    line
}

/// The commits an activity block lists, as data, in the order of its
/// lines (`this`: the goal being listed, whose id no `also_under` names).
fn commit_list(a: &Activity, overlaps: &Overlaps, this: Option<&str>) -> Vec<CommitContext> {
    let mut out = Vec::new();
    for g in &a.repos {
        let web = g.url.as_deref().zip(g.forge);
        out.extend(g.commits.iter().map(|c| {
            CommitContext {
                repo: g.repo.clone(),
                id: c.id.clone(),
                short: c.short.clone(),
                subject: c.subject.clone(),
                author: c.author_name.clone(),
                author_email: c.author_email.clone(),
                co_authored_with: c.co_authored_with.clone(),
                co_authors: scan::co_authors(&c.message)
                    .into_iter()
                    .map(|(name, email)| PersonContext { name, email })
                    .collect(),
                time: commit_time(c.time, c.offset_minutes),
                files: c.files.clone(),
                added: c.added,
                removed: c.removed,
                counted: c.counted(),
                url: web.and_then(|(u, f)| f.commit_url(u, &c.id)),
                branches: c.on.clone(),
                pr: c.pr,
                pr_url: c.pr.zip(web).and_then(|(n, (u, f))| f.request_url(u, n)),
                also_under: other_claims(overlaps, &g.repo, &c.id, this)
                    .map(|(goal, _)| goal.clone())
                    .collect(),
                folded: c.folded.as_ref().map(|f| FoldedContext {
                    squash_of: f.squash_of,
                    squash_branches: f.squash_branches.clone(),
                    copies_on: f.copies_on.clone(),
                    ids: f.ids.clone(),
                }),
                backport_of: c.backport_of.as_ref().map(|b| BackportContext {
                    id: b.id.clone(),
                    short: b.short.clone(),
                    same_patch: b.same_patch,
                    update: b.update.map(|d| d.to_string()),
                }),
            }
        }));
    }
    out
}

/// The changes of others an activity block lists, as data, in the order
/// of its lines.
fn credit_list(a: &Activity) -> Vec<CreditContext> {
    let mut out = Vec::new();
    for g in &a.credits {
        let web = g.url.as_deref().zip(g.forge);
        out.extend(g.credits.iter().map(|c| CreditContext {
            repo: g.repo.clone(),
            id: c.commit.id.clone(),
            short: c.commit.short.clone(),
            subject: c.commit.subject.clone(),
            by: c.by.clone(),
            kinds: c.kinds.clone(),
            time: commit_time(c.commit.time, c.commit.offset_minutes),
            url: web.and_then(|(u, f)| f.commit_url(u, &c.commit.id)),
        }));
    }
    out
}

/// The items from the sources beside git an activity block lists, as
/// data, oldest first; a URL only when icu would link it.
fn item_list(items: &[Item]) -> Vec<ItemContext> {
    items
        .iter()
        .map(|i| ItemContext {
            source: i.source.clone(),
            id: i.id.clone(),
            title: i.title.clone(),
            time: i.time.to_rfc3339(),
            url: i.url.clone().filter(|u| forge::safe_link(u)),
            kind: i.kind.clone(),
            goal: i.goal.clone(),
            repo: i.repo.clone(),
        })
        .collect()
}

/// A commit's time (Unix seconds) at its offset (minutes east of UTC), as
/// RFC 3339; at UTC when git recorded an offset out of range.
fn commit_time(time: i64, offset_minutes: i32) -> String {
    let offset = FixedOffset::east_opt(offset_minutes.saturating_mul(60))
        .unwrap_or(FixedOffset::east_opt(0).expect("UTC is an offset"));
    DateTime::from_timestamp(time, 0).map_or_else(
        || time.to_string(),
        |t| t.with_timezone(&offset).to_rfc3339(),
    )
}

/// The goals (id, title) other than `this` that claim commit `id` of
/// `repo`: none unless more than one goal claims it.
fn other_claims<'a>(
    overlaps: &'a Overlaps,
    repo: &str,
    id: &str,
    this: Option<&'a str>,
) -> impl Iterator<Item = &'a (String, String)> {
    overlaps
        .get(&(repo.to_string(), id.to_string()))
        .into_iter()
        .flatten()
        .filter(move |(goal, _)| Some(goal.as_str()) != this)
}

/// A commit's mark when other goals claim it too: `, also under Docs`.
fn also_under(overlaps: &Overlaps, repo: &str, id: &str, this: Option<&str>) -> String {
    let others: Vec<String> = other_claims(overlaps, repo, id, this)
        .map(|(_, t)| escape_markdown(t))
        .collect();
    if others.is_empty() {
        String::new()
    } else {
        format!(", also under {}", others.join(", "))
    }
}

fn repo_lines(
    g: &RepoGroup,
    links: &[LinkRule],
    out: &mut Vec<String>,
    overlaps: &Overlaps,
    this: Option<&str>,
) {
    let mut head = format!(
        "- {} in {}, +{} −{}",
        plural(g.counted(), "commit", "commits"),
        escape_markdown(&g.repo),
        thousands(g.added),
        thousands(g.removed)
    );
    let recounted = g.commits.len() - g.counted();
    if recounted > 0 {
        head.push_str(&format!(
            ", and {} of work an earlier update counted",
            plural(recounted, "backport", "backports")
        ));
    }
    if !g.prs.is_empty() {
        let refs: Vec<String> = g.prs.iter().map(|p| request_ref(g, *p)).collect();
        head.push_str(&format!(
            ", {} merged ({})",
            plural(g.prs.len(), "PR", "PRs"),
            refs.join(", ")
        ));
    }
    out.push(head);
    for c in &g.commits {
        let commit_url = g
            .url
            .as_deref()
            .zip(g.forge)
            .and_then(|(u, f)| f.commit_url(u, &c.id));
        let mut id = match commit_url {
            Some(u) => format!("[{}]({u})", c.short),
            None => c.short.clone(),
        };
        if let Some(ch) = forge::gerrit_change(&c.message) {
            id.push_str(&format!(", {}", change_ref(&ch)));
        }
        let clipped = clip(&c.subject);
        let subject = linked_subject(&clipped, links, clipped != c.subject);
        let mut line = format!("  - {subject} ({id})");
        if let Some(author) = &c.co_authored_with {
            line.push_str(&format!(", with {}", escape_markdown(author)));
        }
        if let Some(note) = c.folded.as_ref().and_then(folded_note) {
            line.push_str(&format!(", {note}"));
        }
        if let Some(b) = &c.backport_of {
            line.push_str(&backport_note(b));
        }
        line.push_str(&also_under(overlaps, &g.repo, &c.id, this));
        out.push(line);
    }
}

/// What a listed commit holds besides itself (see `scan::Folded`): `squash
/// of 3 commits on `feat/timeout``, `also on `release/1.2``.
fn folded_note(f: &Folded) -> Option<String> {
    let mut parts = Vec::new();
    if f.squash_of > 0 {
        parts.push(format!(
            "squash of {} on {}",
            plural(f.squash_of, "commit", "commits"),
            code_spans(&f.squash_branches)
        ));
    }
    if !f.copies_on.is_empty() {
        parts.push(format!("also on {}", code_spans(&f.copies_on)));
    } else if f.squash_of == 0 && !f.ids.is_empty() {
        parts.push(format!("also as {}", f.ids.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A backport's mark: `, backport of a1b2c3d (update of 2026-11-10)` when a
/// sent update holds its original (then, the same patch, it is not counted
/// again), `, backport of a1b2c3d` otherwise; `reworked backport` when its
/// patch is not the original's (it is counted).
fn backport_note(b: &BackportOf) -> String {
    let what = if b.same_patch {
        "backport"
    } else {
        "reworked backport"
    };
    match b.update {
        Some(date) => format!(", {what} of {} (update of {date})", b.short),
        None => format!(", {what} of {}", b.short),
    }
}

/// Branch names as Markdown code spans, `a`, `b`: literal whatever they
/// hold (a name with backticks gets a longer fence).
fn code_spans(names: &[String]) -> String {
    let span = |s: &str| {
        let mut longest = 0;
        let mut run = 0;
        for ch in s.chars() {
            run = if ch == '`' { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        let fence = "`".repeat(longest + 1);
        let pad = if s.starts_with('`') || s.ends_with('`') {
            " "
        } else {
            ""
        };
        format!("{fence}{pad}{s}{pad}{fence}")
    };
    names.iter().map(|n| span(n)).collect::<Vec<_>>().join(", ")
}

/// The lines of an activity block. `empty` is the one-line note for a period
/// without commits; `links`, the `[[link]]` rules for the subjects; each
/// commit another goal also claims is marked with that goal's title
/// (`this`: the id of the goal being listed).
fn activity_lines(
    a: &Activity,
    empty: &str,
    links: &[LinkRule],
    overlaps: &Overlaps,
    this: Option<&str>,
) -> String {
    let mut lines = Vec::new();
    if a.repos.is_empty() && a.items.is_empty() {
        lines.push(format!("- {empty}"));
    }
    for g in &a.repos {
        repo_lines(g, links, &mut lines, overlaps, this);
    }
    // Credit is its own list after my commits, never in their counts.
    for g in &a.credits {
        credit_lines(g, &mut lines);
    }
    // So is the work from the sources beside git, per source.
    item_lines(&a.items, &mut lines);
    lines.join("\n")
}

/// The lines of the items from the sources beside git, a group per source
/// in the order met (oldest item first): `- 2 notes`, then `  - Talked to
/// payments (n3, 20 Nov)`; `- 3 from github: reviewed 2, closed 1`, then
/// `  - [Fix the flaky test](https://…) (reviewed, 21 Nov)`.
fn item_lines(items: &[Item], out: &mut Vec<String>) {
    let mut sources: Vec<&str> = Vec::new();
    for i in items {
        if !sources.contains(&i.source.as_str()) {
            sources.push(&i.source);
        }
    }
    for source in sources {
        let group: Vec<&Item> = items.iter().filter(|i| i.source == source).collect();
        if source == sources::NOTES {
            out.push(format!("- {}", plural(group.len(), "note", "notes")));
        } else {
            let mut kinds: Vec<(&str, usize)> = Vec::new();
            for i in &group {
                match kinds.iter_mut().find(|(k, _)| *k == i.kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((&i.kind, 1)),
                }
            }
            let kinds: Vec<String> = kinds
                .iter()
                .map(|(k, n)| format!("{} {n}", escape_markdown(k)))
                .collect();
            out.push(format!(
                "- {} from {}: {}",
                thousands(group.len()),
                escape_markdown(source),
                kinds.join(", ")
            ));
        }
        for i in group {
            let title = escape_markdown(&clip(&i.title));
            let title = match i.url.as_deref().filter(|u| forge::safe_link(u)) {
                Some(u) => format!("[{title}]({u})"),
                None => title,
            };
            let day = period::short_date(i.time.date_naive());
            let what = if i.source == sources::NOTES {
                i.id.clone()
            } else {
                escape_markdown(&i.kind)
            };
            out.push(format!("  - {title} ({what}, {day})"));
        }
    }
}

/// The lines of one repository's credits: `- 3 changes by others in api:
/// reviewed 2, applied 1`, then `  - Subject — Author (abc1234): reviewed`
/// for each, newest first.
fn credit_lines(g: &CreditGroup, out: &mut Vec<String>) {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for k in g.credits.iter().flat_map(|c| c.kinds.iter()) {
        match kinds.iter_mut().find(|(name, _)| name == k) {
            Some((_, n)) => *n += 1,
            None => kinds.push((k, 1)),
        }
    }
    // The most frequent first; ties alphabetically.
    kinds.sort_by(|(kind_a, n_a), (kind_b, n_b)| n_b.cmp(n_a).then_with(|| kind_a.cmp(kind_b)));
    let breakdown: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", escape_markdown(k)))
        .collect();
    out.push(format!(
        "- {} by others in {}: {}",
        plural(g.credits.len(), "change", "changes"),
        escape_markdown(&g.repo),
        breakdown.join(", ")
    ));
    let url = g.url.as_deref();
    for c in &g.credits {
        let commit_url = url
            .zip(g.forge)
            .and_then(|(u, f)| f.commit_url(u, &c.commit.id));
        let id = match commit_url {
            Some(u) => format!("[{}]({u})", c.commit.short),
            None => c.commit.short.clone(),
        };
        let by = match c.by.as_slice() {
            [] => String::new(),
            [one] => format!(" — {}", escape_markdown(one)),
            [first, second] => format!(
                " — {} and {}",
                escape_markdown(first),
                escape_markdown(second)
            ),
            [first, rest @ ..] => {
                format!(
                    " — {} and {}",
                    escape_markdown(first),
                    plural(rest.len(), "other", "others")
                )
            }
        };
        let kinds: Vec<String> = c.kinds.iter().map(|k| escape_markdown(k)).collect();
        out.push(format!(
            "  - {}{by} ({id}): {}",
            escape_markdown(&clip(&c.commit.subject)),
            kinds.join(", ")
        ));
    }
}

/// The note under a goal without commits in the period.
pub fn no_goal_activity_note(since: &str) -> String {
    format!("No commits on this goal since {since}.")
}

/// The note under "Other work" when every commit went to a goal.
pub fn no_other_activity_note(since: &str) -> String {
    format!("No commits outside your goals since {since}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Commit;

    #[test]
    fn hostile_subjects_stay_literal() {
        assert_eq!(
            escape_markdown("<script>x</script>"),
            "\\<script\\>x\\</script\\>"
        );
        assert_eq!(escape_markdown("*bold*"), "\\*bold\\*");
        assert_eq!(
            escape_markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(escape_markdown("1. not a list"), "1\\. not a list");
        assert_eq!(escape_markdown("- nor this"), "\\- nor this");
        assert_eq!(escape_markdown("a\nb"), "a b");
    }

    #[test]
    fn escaped_text_renders_as_the_same_text_and_its_code_spans_as_code() {
        let subject = "Fix <b>*all*</b> [links](javascript:x) & `code` ~~s~~ | t #1";
        let html = comrak::markdown_to_html(&escape_markdown(subject), &comrak::Options::default());
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<a "));
        assert!(!html.contains("<em>"));
        assert!(
            html.contains(
                "Fix &lt;b&gt;*all*&lt;/b&gt; [links](javascript:x) &amp; <code>code</code>"
            ),
            "{html}"
        );
        // Only what would change the rendering is escaped.
        assert_eq!(
            escape_markdown("Get rid of the_repository (#1580)"),
            "Get rid of the_repository (#1580)"
        );
        assert_eq!(
            escape_markdown("use `size_t` for n_items"),
            "use `size_t` for n_items"
        );
        assert_eq!(escape_markdown("a `lone backtick"), "a \\`lone backtick");
        assert_eq!(
            escape_markdown("__init__ and _private"),
            "\\_\\_init\\_\\_ and \\_private"
        );
        assert_eq!(escape_markdown("2 * 3"), "2 * 3");
        assert_eq!(escape_markdown("Fix #"), "Fix \\#");
    }

    #[test]
    fn folded_work_is_named_on_its_line() {
        let squash = Folded {
            squash_of: 3,
            squash_branches: vec!["feat/timeout".into()],
            ..Folded::default()
        };
        assert_eq!(
            folded_note(&squash).unwrap(),
            "squash of 3 commits on `feat/timeout`"
        );
        let copy = Folded {
            copies_on: vec!["release/1.2".into(), "x`y".into()],
            ids: vec!["abc1234".into(), "def5678".into()],
            ..Folded::default()
        };
        assert_eq!(
            folded_note(&copy).unwrap(),
            "also on `release/1.2`, ``x`y``"
        );
        let headless = Folded {
            ids: vec!["abc1234".into()],
            ..Folded::default()
        };
        assert_eq!(folded_note(&headless).unwrap(), "also as abc1234");
        assert_eq!(folded_note(&Folded::default()), None);
        assert_eq!(code_spans(&["`a".into()]), "`` `a ``");
    }

    fn rule(pattern: &str, href: &str) -> LinkRule {
        LinkRule {
            pattern: regex::Regex::new(pattern).unwrap(),
            href: href.into(),
            text: None,
        }
    }

    #[test]
    fn ticket_keys_in_a_subject_become_links_and_the_rest_stays_escaped() {
        let rules = [
            rule(r"SEARCH-\d+", "https://t.example.com/browse/$0"),
            rule(r"\S+-(\d+)", "https://other.example.com/$1"),
        ];
        let got = linked_subject("Fix SEARCH-42 in <b>*x*</b>, see SEARCH-7", &rules, false);
        assert_eq!(
            got,
            "Fix [SEARCH-42](https://t.example.com/browse/SEARCH-42) in \\<b\\>\\*x\\*\\</b\\>, see [SEARCH-7](https://t.example.com/browse/SEARCH-7)"
        );
        let html = comrak::markdown_to_html(&got, &comrak::Options::default());
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        assert!(!html.contains("<b>"), "{html}");
        // A capture that would break the link stays text; so does a key the
        // clip cut in two.
        let loose = [rule(r"T-(\S+)", "https://t.example.com/$1")];
        assert_eq!(linked_subject("T-a)b", &loose, false), "T-a)b");
        assert_eq!(
            linked_subject("x SEARCH-4…", &rules[..1], true),
            "x SEARCH-4…"
        );
        // The start of the line is escaped as a line start; the spaces
        // after a link are kept (a `-` after them is escaped, and reads the same).
        assert_eq!(
            linked_subject("SEARCH-1 - done", &rules[..1], false),
            "[SEARCH-1](https://t.example.com/browse/SEARCH-1) \\- done"
        );
        assert_eq!(linked_subject("- SEARCH", &rules[..1], false), "\\- SEARCH");
    }

    /// A commit of mine, `+1 −0`, on no branch.
    fn commit(subject: &str, message: &str) -> Commit {
        Commit {
            id: "a1b2c3d4e5".repeat(4),
            short: "a1b2c3d".into(),
            subject: subject.into(),
            message: message.into(),
            author_name: "Ada".into(),
            author_email: "ada@example.com".into(),
            co_authored_with: None,
            time: 0,
            offset_minutes: 0,
            files: Vec::new(),
            added: 1,
            removed: 0,
            branches: Vec::new(),
            on: Vec::new(),
            pr: None,
            folded: None,
            backport_of: None,
        }
    }

    #[test]
    fn commit_and_request_links_follow_the_forge_and_gerrit_trailers_link_the_change() {
        let sha = "a1b2c3d4e5".repeat(4);
        let group = |forge: Option<Forge>, url: Option<&str>, c: Commit| RepoGroup {
            repo: "search".into(),
            url: url.map(str::to_string),
            forge,
            commits: vec![c],
            added: 1,
            removed: 0,
            prs: vec![7],
        };
        let lines = |g: &RepoGroup| {
            let mut out = Vec::new();
            repo_lines(g, &[], &mut out, &Overlaps::new(), None);
            out.join("\n")
        };
        let plain = commit("Work", "Work\n");
        let gl = lines(&group(
            Some(Forge::GitLab),
            Some("https://gitlab.com/a/s"),
            plain.clone(),
        ));
        assert!(
            gl.contains("1 PR merged ([!7](https://gitlab.com/a/s/-/merge_requests/7))"),
            "{gl}"
        );
        assert!(
            gl.contains(&format!(
                "Work ([a1b2c3d](https://gitlab.com/a/s/-/commit/{sha}))"
            )),
            "{gl}"
        );
        let bb = lines(&group(
            Some(Forge::Bitbucket),
            Some("https://bitbucket.org/a/s"),
            plain.clone(),
        ));
        assert!(
            bb.contains("[#7](https://bitbucket.org/a/s/pull-requests/7)"),
            "{bb}"
        );
        assert!(
            bb.contains(&format!("https://bitbucket.org/a/s/commits/{sha}")),
            "{bb}"
        );
        let none = lines(&group(None, None, plain));
        assert!(
            none.contains("(#7)") && none.contains("Work (a1b2c3d)"),
            "{none}"
        );
        let gerrit = commit(
            "Fix",
            "Fix\n\nChange-Id: I8473b95934b5732ac55d26311a706c9c2bde9940\nReviewed-on: https://review.example.org/c/s/+/1234\n",
        );
        let ge = lines(&group(
            Some(Forge::Gerrit),
            Some("https://review.example.org/s"),
            gerrit,
        ));
        assert!(
            ge.contains(&format!("Fix ([a1b2c3d](https://review.example.org/s/+/{sha}), [change I8473b959](https://review.example.org/c/s/+/1234))")),
            "{ge}"
        );
        assert!(ge.contains("1 PR merged (#7)"), "{ge}");
    }

    #[test]
    fn a_commit_i_only_co_authored_names_its_author_and_the_totals_count_it() {
        let mine = commit("Tidy", "Tidy\n");
        let theirs = Commit {
            id: "f".repeat(40),
            short: "fffffff".into(),
            author_name: "*Alice* Example".into(),
            added: 40,
            removed: 2,
            co_authored_with: Some("*Alice* Example".into()),
            ..commit("Add HTTP timeout (#1580)", "Add HTTP timeout (#1580)\n")
        };
        let group = RepoGroup {
            repo: "api".into(),
            url: None,
            forge: None,
            commits: vec![theirs, mine],
            added: 41,
            removed: 2,
            prs: vec![1580],
        };
        let mut lines = Vec::new();
        repo_lines(&group, &[], &mut lines, &Overlaps::new(), None);
        assert_eq!(
            lines[1..],
            [
                "  - Add HTTP timeout (#1580) (fffffff), with \\*Alice\\* Example",
                "  - Tidy (a1b2c3d)",
            ]
        );
        let at = |commits: Vec<Commit>| Attribution {
            goals: Vec::new(),
            other: Activity {
                repos: vec![RepoGroup {
                    commits,
                    ..group.clone()
                }],
                credits: Vec::new(),
                items: Vec::new(),
            },
        };
        assert_eq!(
            totals_line(&counts(&at(group.commits.clone()), &Overlaps::new())),
            "*In all: 2 commits (1 co-authored), +41 −2, each counted once*"
        );
        assert_eq!(
            totals_line(&counts(&at(group.commits[1..].to_vec()), &Overlaps::new())),
            "*In all: 1 commit, +1 −0, each counted once*"
        );
    }

    #[test]
    fn the_commit_list_says_as_data_what_a_line_says() {
        let c = Commit {
            time: 1_763_640_000,
            offset_minutes: -300,
            pr: Some(12),
            folded: Some(Folded {
                squash_of: 3,
                squash_branches: vec!["feat/x".into()],
                ..Folded::default()
            }),
            backport_of: Some(BackportOf {
                id: "b".repeat(40),
                short: "bbbbbbb".into(),
                time: 0,
                same_patch: true,
                update: chrono::NaiveDate::from_ymd_opt(2025, 11, 10),
            }),
            ..commit(
                "Fix *it*",
                "Fix *it*\n\nCo-authored-by: Bob <bob@example.com>\n",
            )
        };
        let a = Activity {
            repos: vec![RepoGroup {
                repo: "search".into(),
                url: Some("https://github.com/a/s".into()),
                forge: Some(Forge::GitHub),
                commits: vec![c.clone()],
                added: 0,
                removed: 0,
                prs: vec![12],
            }],
            credits: Vec::new(),
            items: Vec::new(),
        };
        let claims = vec![("a".to_string(), "A".to_string()), ("b".into(), "B".into())];
        let overlaps = Overlaps::from([(("search".to_string(), c.id.clone()), claims)]);
        let list = commit_list(&a, &overlaps, Some("a"));
        let got = &list[0];
        assert_eq!(got.subject, "Fix *it*");
        assert_eq!(got.time, "2025-11-20T07:00:00-05:00");
        assert_eq!(got.also_under, ["b"]);
        assert!(!got.counted);
        assert_eq!(got.co_authors[0].name, "Bob");
        assert_eq!(
            got.url.as_deref(),
            Some(format!("https://github.com/a/s/commit/{}", c.id).as_str())
        );
        assert_eq!(
            got.pr_url.as_deref(),
            Some("https://github.com/a/s/pull/12")
        );
        assert_eq!(got.folded.as_ref().unwrap().squash_branches, ["feat/x"]);
        let b = got.backport_of.as_ref().unwrap();
        assert_eq!(
            (b.short.as_str(), b.update.as_deref()),
            ("bbbbbbb", Some("2025-11-10"))
        );
        // Other work: no goal to leave out.
        assert_eq!(commit_list(&a, &overlaps, None)[0].also_under, ["a", "b"]);
    }
}
