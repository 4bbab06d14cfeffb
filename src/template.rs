//! The one template engine (minijinja) and the two contexts it renders:
//! the update's body ([`RenderContext`], `templates/update.md.j2` or the
//! user's `update.template`) and the mail subject ([`SubjectContext`],
//! `update.subject`). Both share `me`, `date` and `period`, with one meaning
//! for each variable.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::period;

/// The embedded default template (`templates/update.md.j2`).
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/update.md.j2");

/// A template that does not compile or render. `{:#}` shows minijinja's
/// own explanation with the line.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct TemplateError(#[from] minijinja::Error);

impl TemplateError {
    /// True when the template names a variable icu does not provide.
    pub fn is_undefined_variable(&self) -> bool {
        self.0.kind() == minijinja::ErrorKind::UndefinedError
    }

    /// The short reason, without the template excerpt.
    pub fn detail(&self) -> String {
        self.0
            .detail()
            .map_or_else(|| self.0.to_string(), str::to_string)
    }
}

/// Default subject template for the exported email.
pub const DEFAULT_SUBJECT: &str =
    "Update from {{ me.name }}: {{ period.since }} to {{ period.until }}";
/// The variables an `update.subject` template can use.
pub const SUBJECT_VARIABLES: &str =
    "me.name, me.emails, date, period.since, period.until, period.since_short, period.until_short, period.start, period.end";

/// `me`, in both templates.
#[derive(Debug, Clone, Serialize)]
pub struct MeContext {
    pub name: String,
    pub emails: Vec<String>,
}

/// `period`, in both templates: the same names mean the same thing in the
/// subject and in the body.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodContext {
    /// The first day covered, `2026-11-09`.
    pub since: String,
    /// The last day covered, `2026-11-23` (the window ends at midnight after it).
    pub until: String,
    /// `9 Nov`
    pub since_short: String,
    /// `23 Nov`
    pub until_short: String,
    /// The window's start, RFC 3339 (inclusive).
    pub start: String,
    /// The window's end, RFC 3339 (exclusive).
    pub end: String,
}

impl PeriodContext {
    /// The context of the update dated `date` covering `[since, until)`.
    pub fn new(
        date: NaiveDate,
        since: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
    ) -> Self {
        let first = since.date_naive();
        let last = period::last_day(date, until);
        PeriodContext {
            since: first.to_string(),
            until: last.to_string(),
            since_short: period::short_date(first),
            until_short: period::short_date(last),
            start: since.to_rfc3339(),
            end: until.to_rfc3339(),
        }
    }
}

/// What an `update.subject` template sees. Export renders the real one;
/// loading the config renders a sample, so a typo is found at once.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectContext {
    pub me: MeContext,
    /// The update's date, `2026-11-23`.
    pub date: String,
    pub period: PeriodContext,
}

impl SubjectContext {
    /// A context with every variable set, to check a template at load time.
    pub fn sample() -> SubjectContext {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).expect("a valid literal time");
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid literal date");
        SubjectContext {
            me: MeContext {
                name: "Ada".into(),
                emails: vec!["ada@example.com".into()],
            },
            date: date.to_string(),
            period: PeriodContext::new(date, t("2026-11-09T00:00:00Z"), t("2026-11-24T00:00:00Z")),
        }
    }
}

/// Renders an `update.subject` template (undefined variables are errors)
/// into one line.
pub fn render_subject(template: &str, ctx: &SubjectContext) -> Result<String, TemplateError> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let rendered = env.render_str(template, ctx)?;
    // A subject is one line; the template cannot smuggle a header in.
    Ok(rendered.split_whitespace().collect::<Vec<_>>().join(" "))
}

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

/// Renders the body of an update (everything after the front matter).
pub fn render_body(template: &str, ctx: &RenderContext) -> Result<String, TemplateError> {
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
    Ok(env.get_template("update")?.render(ctx)?)
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
