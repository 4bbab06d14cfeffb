//! Rendering a new update through the template (minijinja): the documented
//! context, the generated activity lines, and the Markdown escaping that keeps
//! commit subjects and goal titles literal text.

use chrono::{DateTime, FixedOffset};

use crate::attribute::{Activity, Attribution, CreditGroup, RepoGroup};
use crate::config::{Goal, Me, OTHER_KEY};
use crate::doc::asks::Ask;
use crate::doc::frontmatter::{self, FrontMatter, Status};
use crate::doc::markers;
use crate::doc::stale::{is_head_of, with_kept, Stale};
use crate::period::{self, Period};
use crate::scan::{Folded, RepoActivity};
pub use crate::template::escape_markdown;
use crate::template::{
    self, AskContext, GoalContext, MeContext, OtherContext, PeriodContext, RenderContext,
    RepoContext, TemplateError,
};

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
}

/// What follows the head line of a repository whose history could not all
/// be read (`RepoActivity::incomplete`).
pub const INCOMPLETE_NOTE: &str =
    " (incomplete: part of this repository could not be read; see icu's warnings)";

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
                    activity_markdown(a, &no_goal_activity_note(&since_short)),
                    &incomplete,
                ),
                d.stale.get(&g.id),
                a.repos.is_empty() && a.credits.is_empty(),
            ),
            commits: a.commits(),
            credits: a.credit_count(),
        })
        .collect();
    RenderContext {
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
                    activity_markdown(&d.attribution.other, &no_other_activity_note(&since_short)),
                    &incomplete,
                ),
                d.stale.get(OTHER_KEY),
                d.attribution.other.repos.is_empty() && d.attribution.other.credits.is_empty(),
            ),
            commits: d.attribution.other.commits(),
            credits: d.attribution.other.credit_count(),
        },
        goals,
        asks: d
            .asks
            .iter()
            .map(|a| AskContext {
                text: a.text.clone(),
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
            })
            .collect(),
    }
}

/// The complete new document, front matter and body, rendered through
/// `template` (the text of `templates/update.md.j2` or the user's own).
pub fn compose(d: &Draft, template: &str) -> Result<String, TemplateError> {
    compose_named(d, "templates/update.md.j2", template)
}

/// [`compose`] with the template called `name` (its file's path) in errors,
/// so an error names the template's file and line.
pub fn compose_named(d: &Draft, name: &str, template: &str) -> Result<String, TemplateError> {
    let body = template::render_body_named(name, template, &context(d))?;
    let mut keys: Vec<String> = d.goals.iter().map(|g| g.id.clone()).collect();
    keys.push(OTHER_KEY.to_string());
    let fm = FrontMatter {
        date: d.period.date,
        since: d.period.since,
        until: d.period.until,
        scanned: Some(d.scanned),
        status: Status::Draft,
        sent: None,
        goals: keys,
        blocks: block_hashes(&body),
    };
    Ok(format!("{}{}", frontmatter::render(&fm), body))
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

/// How many commits one repository lists under a goal before "and N more".
pub const MAX_LISTED: usize = 30;

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

/// `1,204`
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn pr_ref(url: Option<&str>, pr: u32) -> String {
    match url {
        Some(u) => format!("[#{pr}]({}/pull/{pr})", u.trim_end_matches('/')),
        None => format!("\\#{pr}"),
    }
}

fn repo_lines(g: &RepoGroup, out: &mut Vec<String>) {
    let url = g.url.as_deref();
    let mut head = format!(
        "- {} in {}, +{} −{}",
        plural(g.commits.len(), "commit", "commits"),
        escape_markdown(&g.repo),
        thousands(g.added),
        thousands(g.removed)
    );
    if !g.prs.is_empty() {
        let refs: Vec<String> = g.prs.iter().map(|p| pr_ref(url, *p)).collect();
        head.push_str(&format!(
            ", {} merged ({})",
            plural(g.prs.len(), "PR", "PRs"),
            refs.join(", ")
        ));
    }
    out.push(head);
    for c in g.commits.iter().take(MAX_LISTED) {
        let id = match url {
            Some(u) => format!("[{}]({}/commit/{})", c.short, u.trim_end_matches('/'), c.id),
            None => c.short.clone(),
        };
        let mut line = format!("  - {} ({id})", escape_markdown(&clip(&c.subject)));
        if let Some(note) = c.folded.as_ref().and_then(folded_note) {
            line.push_str(&format!(", {note}"));
        }
        out.push(line);
    }
    if g.commits.len() > MAX_LISTED {
        out.push(format!("  - and {} more", g.commits.len() - MAX_LISTED));
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
/// without commits.
pub fn activity_markdown(a: &Activity, empty: &str) -> String {
    let mut lines = Vec::new();
    if a.repos.is_empty() {
        lines.push(format!("- {empty}"));
    }
    for g in &a.repos {
        repo_lines(g, &mut lines);
    }
    // Credit is its own list after my commits, never in their counts.
    for g in &a.credits {
        credit_lines(g, &mut lines);
    }
    lines.join("\n")
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
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
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
    for c in g.credits.iter().take(MAX_LISTED) {
        let id = match url {
            Some(u) => format!(
                "[{}]({}/commit/{})",
                c.commit.short,
                u.trim_end_matches('/'),
                c.commit.id
            ),
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
                format!(" — {} and {} others", escape_markdown(first), rest.len())
            }
        };
        let kinds: Vec<String> = c.kinds.iter().map(|k| escape_markdown(k)).collect();
        out.push(format!(
            "  - {}{by} ({id}): {}",
            escape_markdown(&clip(&c.commit.subject)),
            kinds.join(", ")
        ));
    }
    if g.credits.len() > MAX_LISTED {
        out.push(format!("  - and {} more", g.credits.len() - MAX_LISTED));
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
    fn escaped_text_renders_as_the_same_text() {
        let subject = "Fix <b>*all*</b> [links](javascript:x) & `code` ~~s~~ | t #1";
        let html = comrak::markdown_to_html(&escape_markdown(subject), &comrak::Options::default());
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<a "));
        assert!(!html.contains("<em>"));
        assert!(!html.contains("<code>"));
        assert!(html.contains("Fix &lt;b&gt;*all*&lt;/b&gt; [links](javascript:x) &amp; `code`"));
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

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
