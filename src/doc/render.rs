//! Rendering a new update through the template (minijinja): the documented
//! context, the generated activity lines, and the Markdown escaping that keeps
//! commit subjects and goal titles literal text.

use serde::Serialize;

use crate::attribute::{Activity, RepoGroup};
use crate::period::{short_date, Period};

/// The embedded default template (`templates/update.md.j2`).
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/update.md.j2");

/// How many commits one repository lists under a goal before "and N more".
pub const MAX_LISTED: usize = 30;

/// Everything a template can use. Field names are the template's contract.
#[derive(Debug, Clone, Serialize)]
pub struct RenderContext {
    pub me: MeContext,
    /// `2026-11-23`
    pub date: String,
    /// `23 Nov 2026`
    pub date_long: String,
    pub period: PeriodContext,
    pub goals: Vec<GoalContext>,
    pub other: OtherContext,
    pub asks: Vec<AskContext>,
    pub repos: Vec<RepoContext>,
}

/// `me`
#[derive(Debug, Clone, Serialize)]
pub struct MeContext {
    pub name: String,
    pub emails: Vec<String>,
}

/// `period`
#[derive(Debug, Clone, Serialize)]
pub struct PeriodContext {
    /// RFC 3339.
    pub since: String,
    pub until: String,
    /// `9 Nov`: the first day of the period.
    pub since_short: String,
    /// `23 Nov`: the last day of the period.
    pub until_short: String,
}

/// One goal in `goals`.
#[derive(Debug, Clone, Serialize)]
pub struct GoalContext {
    pub id: String,
    pub title: String,
    /// `on-track`
    pub status: String,
    /// `on track`
    pub status_label: String,
    /// `2027-03-31`
    pub due: Option<String>,
    /// `31 Mar 2027`
    pub due_long: Option<String>,
    pub success: Option<String>,
    pub risk: Option<String>,
    /// The generated Markdown lines (escaped) for the activity block.
    pub activity: String,
    pub commits: usize,
}

/// `other`: the commits no goal claims.
#[derive(Debug, Clone, Serialize)]
pub struct OtherContext {
    pub activity: String,
    pub commits: usize,
}

/// One open ask carried from the last sent update.
#[derive(Debug, Clone, Serialize)]
pub struct AskContext {
    /// The person's own Markdown, passed through as written.
    pub text: String,
    /// `2026-11-09`
    pub asked: String,
    /// `9 Nov`
    pub asked_short: String,
}

/// One scanned repository.
#[derive(Debug, Clone, Serialize)]
pub struct RepoContext {
    pub name: String,
    pub path: String,
    pub url: Option<String>,
}

impl PeriodContext {
    /// The context of a period.
    pub fn new(p: &Period) -> Self {
        let last_day = p.until.date_naive().pred_opt().unwrap_or(p.date);
        PeriodContext {
            since: p.since.to_rfc3339(),
            until: p.until.to_rfc3339(),
            since_short: short_date(p.since.date_naive()),
            until_short: short_date(last_day),
        }
    }
}

/// Renders the body of an update (everything after the front matter).
pub fn render_body(template: &str, ctx: &RenderContext) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_formatter(|out, _state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let s = value.to_string();
        let escaped = if value.is_safe() {
            s
        } else {
            escape_markdown(&s)
        };
        out.write_str(&escaped).map_err(minijinja::Error::from)
    });
    env.add_template("update", template)?;
    env.get_template("update")?.render(ctx)
}

/// Makes `s` literal text in Markdown: every character that could start
/// markup (emphasis, links, HTML, code, tables, entities) is backslash-escaped,
/// a leading list or heading marker is neutralised, and control characters
/// (line breaks included) become spaces.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let trimmed = s.trim_start();
    let leading_digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    for (i, ch) in trimmed.chars().enumerate() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' | '{'
            | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(ch);
            }
            '.' | ')' if i == leading_digits && i > 0 => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
        out.push(format!("  - {} ({id})", escape_markdown(&clip(&c.subject))));
    }
    if g.commits.len() > MAX_LISTED {
        out.push(format!("  - and {} more", g.commits.len() - MAX_LISTED));
    }
}

/// The lines of an activity block. `empty` is the one-line note for a period
/// without commits.
pub fn activity_markdown(a: &Activity, empty: &str) -> String {
    if a.repos.is_empty() {
        return format!("- {empty}");
    }
    let mut lines = Vec::new();
    for g in &a.repos {
        repo_lines(g, &mut lines);
    }
    lines.join("\n")
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
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
