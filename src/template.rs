//! The one template engine (minijinja) and the two contexts it renders:
//! the update's body ([`RenderContext`], `templates/update.md.j2` or the
//! user's `update.template`) and the mail subject ([`SubjectContext`],
//! `update.subject`). Both share `me`, `date` and `period`, with one meaning
//! for each variable: `period.since`/`period.until` are the first and last
//! day covered, `period.start`/`period.end` the window as RFC 3339 times.
//!
//! Values are Markdown-escaped ([`escape_markdown`]) unless marked `|safe`,
//! so a commit subject can never inject Markdown or HTML into an update;
//! `|e` is the same escaping, not minijinja's HTML one. The activity is
//! given twice: as the Markdown icu writes (`activity`), and as data for a
//! template to lay out its own way (`commit_list`, `credit_list`,
//! `item_list`, `counts`), plain text escaped like any value.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::doc::literal::Piece;
use crate::forge::Forge;
use crate::period;

/// The version of the shape of every JSON icu prints for scripts and
/// templates: the `schema_version` of each `--json` output and of the body
/// template's context (`icu template --context`), one number for all.
/// Adding a field keeps it; removing a field, or changing the meaning of
/// one, raises it.
pub const SCHEMA_VERSION: u32 = 1;

/// The embedded default template (`templates/update.md.j2`).
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/update.md.j2");

/// A count as a person reads it, in an update and in every message: `1
/// commit`, `0 commits`, `1,204 commits` — the one plural rule icu has.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `1,204`: a number grouped by thousands, as the draft's totals and
/// `icu recap` write it.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A template that does not compile or render. It shows minijinja's own
/// explanation with the line; for a syntax error inside a tag that spans
/// lines (`{{ nope(` left open), the line the tag opens on first.
#[derive(Debug)]
pub struct TemplateError {
    error: minijinja::Error,
    /// For a syntax error: the line of the tag (`{{`, `{%`, `{#`) left open
    /// above the line where minijinja noticed the error. minijinja reads on
    /// through the lines below an unclosed tag as the tag's own words, so
    /// it may stop many lines further down, at text that only looks wrong
    /// there (a `###` heading, which in the rendered update is a goal's).
    opened_on: Option<usize>,
}

impl From<minijinja::Error> for TemplateError {
    fn from(error: minijinja::Error) -> Self {
        TemplateError {
            error,
            opened_on: None,
        }
    }
}

impl std::error::Error for TemplateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(at), Some(noticed)) = (self.location(), self.error.line()) {
            if self.opened_on.is_some() {
                writeln!(
                    f,
                    "{}: {} (in {at}, where a tag is opened and not closed; noticed on line {noticed})",
                    self.error.kind(),
                    self.detail()
                )?;
            }
        }
        write!(f, "{:#}", self.error)
    }
}

impl TemplateError {
    /// The error of the template `template`: a syntax error inside a tag
    /// left open above the line minijinja names is placed on that tag's
    /// line ([`TemplateError::location`]).
    fn in_template(error: minijinja::Error, template: &str) -> Self {
        let opened_on = (error.kind() == minijinja::ErrorKind::SyntaxError)
            .then(|| error.line().and_then(|l| unclosed_tag_before(template, l)))
            .flatten();
        TemplateError { error, opened_on }
    }

    /// True when the template names a variable icu does not provide.
    pub fn is_undefined_variable(&self) -> bool {
        self.error.kind() == minijinja::ErrorKind::UndefinedError
    }

    /// Where it failed, `FILE:LINE` (the template's name as given to
    /// [`render_body`] or [`check_body_syntax`]): for a syntax error inside
    /// a tag that spans lines, the line the tag opens on.
    pub fn location(&self) -> Option<String> {
        let line = self.opened_on.or(self.error.line())?;
        Some(format!("{}:{line}", self.error.name()?))
    }

    /// The short reason, without the template excerpt.
    pub fn detail(&self) -> String {
        let detail = self
            .error
            .detail()
            .map_or_else(|| self.error.to_string(), str::to_string);
        match (self.opened_on, self.error.line()) {
            (Some(open), Some(noticed)) => format!(
                "{detail}, in the tag opened on line {open} and not closed before line {noticed}"
            ),
            _ => detail,
        }
    }
}

/// The line (1-based) of a tag (`{{`, `{%` or `{#`) opened before line
/// `line` of `template` and not closed before that line starts, if any.
fn unclosed_tag_before(template: &str, line: usize) -> Option<usize> {
    let end = template
        .match_indices('\n')
        .nth(line.checked_sub(2)?)
        .map_or(template.len(), |(i, _)| i + 1);
    let before = &template[..end];
    let mut at = 0;
    while let Some(i) = before[at..].find('{').map(|i| at + i) {
        let closer = match before.as_bytes().get(i + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = i + 1;
                continue;
            }
        };
        match before[i + 2..].find(closer) {
            Some(j) => at = i + 2 + j + 2,
            None => return Some(before[..i].matches('\n').count() + 1),
        }
    }
    None
}

/// Default subject template for the exported email: the same for every
/// update, so the series stays one conversation in the clients that group
/// by subject as well as by `In-Reply-To`/`References` (Gmail) or by the
/// subject (Outlook's conversation view). The dates are in the body's
/// title. A subject that changes per update (one with `period.since`, say)
/// threads only where the headers alone do (Thunderbird, mutt).
pub const DEFAULT_SUBJECT: &str = "Update from {{ me.name }}";
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
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    pub me: MeContext,
    /// `2026-11-23`
    pub date: String,
    /// `23 Nov 2026`
    pub date_long: String,
    pub period: PeriodContext,
    pub goals: Vec<GoalContext>,
    pub other: OtherContext,
    /// The line of totals that opens the goals: every commit once, however
    /// many goals claim it (already escaped).
    pub totals: String,
    /// The numbers `totals` says, as numbers.
    pub counts: CountsContext,
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
    /// Changes of others this goal claims that credit me (reviewed,
    /// applied, merged, …), counted apart from `commits`.
    pub credits: usize,
    /// Work from the sources beside git this goal claims (notes, items of
    /// `[[source]]` commands), counted apart from `commits`.
    pub items: usize,
    /// The commits `activity` lists, as data.
    pub commit_list: Vec<CommitContext>,
    /// The changes of others `activity` lists, as data.
    pub credit_list: Vec<CreditContext>,
    /// The notes and source items `activity` lists, as data.
    pub item_list: Vec<ItemContext>,
}

/// `other`: the commits no goal claims.
#[derive(Debug, Clone, Serialize)]
pub struct OtherContext {
    pub activity: String,
    pub commits: usize,
    /// Changes of others that credit me that no goal claims.
    pub credits: usize,
    /// Work from the sources beside git that no goal claims.
    pub items: usize,
    pub commit_list: Vec<CommitContext>,
    pub credit_list: Vec<CreditContext>,
    pub item_list: Vec<ItemContext>,
}

/// One commit of mine in a `commit_list`: what its activity line says, as
/// data for a template to lay out its own way. Plain text, not Markdown:
/// `{{ }}` escapes it as it escapes every value. The list runs as the
/// activity lines do: repository by repository, newest first in each.
#[derive(Debug, Clone, Serialize)]
pub struct CommitContext {
    /// The repository's name (`[[repo]] name`).
    pub repo: String,
    pub id: String,
    /// The first 7 hex digits.
    pub short: String,
    /// The first line of the message, whole (the activity line cuts a long
    /// one).
    pub subject: String,
    /// The author after `.mailmap`.
    pub author: String,
    pub author_email: String,
    /// The author, when the commit is mine only through a `Co-authored-by:`
    /// trailer; `none` when I wrote it.
    pub co_authored_with: Option<String>,
    /// Its `Co-authored-by:` trailers, as written (me among them, when that
    /// is how it is mine).
    pub co_authors: Vec<PersonContext>,
    /// The committer time, RFC 3339 with the committer's offset.
    pub time: String,
    /// Every path it touched (both sides of a rename).
    pub files: Vec<String>,
    pub added: usize,
    pub removed: usize,
    /// Whether it counts in `commits` and the line counts: all do but a
    /// backport of work a sent update counted.
    pub counted: bool,
    /// Its page on the forge; `none` without a repository URL.
    pub url: Option<String>,
    /// The branches holding it, each named once.
    pub branches: Vec<String>,
    /// The pull request a squash-merged subject ends with (`(#12)`).
    pub pr: Option<u32>,
    /// That request's page, when the forge numbers them.
    pub pr_url: Option<String>,
    /// The ids of the other goals that claim it too.
    pub also_under: Vec<String>,
    /// The same work of mine on other branches, folded into it.
    pub folded: Option<FoldedContext>,
    /// The commit of mine it was cherry-picked from (`-x`), before the period.
    pub backport_of: Option<BackportContext>,
}

/// A name and an address, as a `Co-authored-by:` trailer writes them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonContext {
    pub name: String,
    pub email: String,
}

/// What was folded into a listed commit (see `scan::Folded`).
#[derive(Debug, Clone, Serialize)]
pub struct FoldedContext {
    /// How many commits of `squash_branches` this squash commit holds (0:
    /// not a squash).
    pub squash_of: usize,
    pub squash_branches: Vec<String>,
    /// The branches holding a copy of it (rebased or cherry-picked).
    pub copies_on: Vec<String>,
    /// The short ids of the commits folded into it.
    pub ids: Vec<String>,
}

/// The original of a backport (see `scan::BackportOf`).
#[derive(Debug, Clone, Serialize)]
pub struct BackportContext {
    pub id: String,
    pub short: String,
    /// The same patch as the original (not reworked while picking it).
    pub same_patch: bool,
    /// The date of the sent update that holds the original, if one does.
    pub update: Option<String>,
}

/// One change of someone else's that credits me, in a `credit_list`; plain
/// text, as in [`CommitContext`]. Repository by repository, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct CreditContext {
    pub repo: String,
    pub id: String,
    pub short: String,
    pub subject: String,
    /// Whose work it is (for a merge, the authors of what it brought in).
    pub by: Vec<String>,
    /// How it credits me: `reviewed`, `acked`, `applied`, `merged`, …
    pub kinds: Vec<String>,
    /// The committer time, RFC 3339.
    pub time: String,
    pub url: Option<String>,
}

/// One piece of work from a source beside git (a note, an item of a
/// `[[source]]` command), in an `item_list`; plain text, as in
/// [`CommitContext`]. Oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct ItemContext {
    /// `notes`, or the `[[source]]`'s name.
    pub source: String,
    /// Stable within its source: a note's `n3`.
    pub id: String,
    pub title: String,
    /// RFC 3339.
    pub time: String,
    /// Its page; `none` unless it is an http(s) URL icu would link.
    pub url: Option<String>,
    /// `note`, `reviewed`, `closed`, …
    pub kind: String,
    /// The goal it names, if any.
    pub goal: Option<String>,
    /// The repository it names, if any.
    pub repo: Option<String>,
}

/// `counts`: the numbers of the `totals` line, each commit and each change
/// counted once however many goals claim it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountsContext {
    /// My commits that count (see [`CommitContext::counted`]).
    pub commits: usize,
    /// How many of `commits` are someone else's with me as co-author.
    pub co_authored: usize,
    pub added: usize,
    pub removed: usize,
    /// Commits under more than one goal.
    pub overlapping: usize,
    /// Changes of others that credit me.
    pub credits: usize,
    /// Items from the sources beside git, notes included.
    pub items: usize,
    /// How many of `items` are notes.
    pub notes: usize,
}

/// One open ask carried from the last sent update.
#[derive(Debug, Clone, Serialize)]
pub struct AskContext {
    /// The person's own Markdown, passed through as written: the ask's
    /// first paragraph, on one line.
    pub text: String,
    /// What the ask holds after it (a nested list, another paragraph), as
    /// written, without the item's indentation: to be indented under the
    /// item (`indent(2, true)`); empty when nothing.
    pub details: String,
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
    /// Its web URL: `[[repo]] url`, else from its `origin` remote.
    pub url: Option<String>,
    /// `github`, `gitlab`, `gitea`, `bitbucket` or `gerrit`; set with `url`.
    pub forge: Option<Forge>,
}

/// The most work a body template may do: minijinja's fuel, about one unit per
/// instruction. The embedded template spends a few thousand on a busy
/// update; 5 million takes a fraction of a second, and a runaway loop stops there.
pub const TEMPLATE_FUEL: u64 = 5_000_000;

/// The most text a body template may produce: far more than any update, far
/// less than a runaway loop fills a disk with.
pub const MAX_RENDERED_BYTES: usize = 16 << 20;

/// Renders the body of an update (everything after the front matter), with
/// the template called `name` in errors (its file's path, so an error names
/// the template and its line, not the document).
/// Bounded: it stops with an error after [`TEMPLATE_FUEL`] or once the
/// output passes [`MAX_RENDERED_BYTES`].
pub fn render_body(
    name: &str,
    template: &str,
    ctx: &RenderContext,
) -> Result<String, TemplateError> {
    let mut env = body_env();
    env.add_template_owned(name.to_string(), template.to_string())
        .map_err(|e| TemplateError::in_template(e, template))?;
    let mut out = CappedWriter {
        buf: Vec::new(),
        over: false,
    };
    let tmpl = env.get_template(name)?;
    let result = tmpl.render_captured_to(ctx, &mut out).map(drop);
    if out.over {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "{name} produced more than {} MiB of text; icu stopped it",
                MAX_RENDERED_BYTES >> 20
            ),
        )
        .into());
    }
    if let Err(e) = result {
        if e.kind() == minijinja::ErrorKind::OutOfFuel {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::OutOfFuel,
                format!("{name} did too much work (more than {TEMPLATE_FUEL} steps: a runaway loop?); icu stopped it"),
            )
            .into());
        }
        return Err(e.into());
    }
    Ok(String::from_utf8_lossy(&out.buf).into_owned())
}

/// Compiles a body template without rendering it, so that config loading can
/// name a syntax error's file and line at once.
pub fn check_body_syntax(name: &str, template: &str) -> Result<(), TemplateError> {
    let mut env = body_env();
    env.add_template_owned(name.to_string(), template.to_string())
        .map_err(|e| TemplateError::in_template(e, template))?;
    Ok(())
}

/// The environment every body template renders in: strict variables, values
/// escaped as Markdown, bounded fuel.
fn body_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_fuel(Some(TEMPLATE_FUEL));
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
    env.add_filter("escape", escape_filter);
    env.add_filter("e", escape_filter);
    env
}

/// `|e` (`|escape`) in a body template: the Markdown escaping every value
/// gets, done early and marked safe, for a value a template joins with text
/// of its own before `|safe`. minijinja's own filter escapes HTML only and
/// marks the result safe, which would leave `*`, `[` and `](` of a commit
/// subject live in the update.
fn escape_filter(value: minijinja::Value) -> minijinja::Value {
    if value.is_safe() || value.is_none() || value.is_undefined() {
        return value;
    }
    minijinja::Value::from_safe_string(escape_markdown(&value.to_string()))
}

/// Collects the rendered text and refuses to grow past [`MAX_RENDERED_BYTES`].
struct CappedWriter {
    buf: Vec<u8>,
    over: bool,
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + b.len() > MAX_RENDERED_BYTES {
            self.over = true;
            return Err(std::io::Error::other("the rendered update is too large"));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `s` continues with `pat` at its `i`-th character.
fn rest_starts(s: &str, i: usize, pat: &str) -> bool {
    s.char_indices()
        .nth(i)
        .is_some_and(|(b, _)| s[b..].starts_with(pat))
}

/// Whether what was written so far ends with the word `word` (any case).
fn ends_with_word(out: &str, word: &str) -> bool {
    let n = word.len();
    out.len() >= n
        && out.is_char_boundary(out.len() - n)
        && out[out.len() - n..].eq_ignore_ascii_case(word)
        && !out[..out.len() - n]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
}

/// Makes `s` literal text in Markdown, escaping only what would change the
/// rendering where it stands: `the_repository`, `#1580` and a subject's own
/// `` `size_t` `` code spans stay as written, while `*emphasis*`, a link, an
/// HTML tag or a leading list marker are escaped. The result is taken only
/// when `doc::literal::reads_as` confirms, by parsing it as a list item's
/// and as a heading's text, that it reads as exactly `s` (its code spans as
/// code); otherwise [`escape_all`] escapes everything that could start
/// markup. Control characters (line breaks included) become spaces.
pub fn escape_markdown(s: &str) -> String {
    let full = escape_all(s);
    let (minimal, pieces) = escape_minimal(s);
    if minimal == full || crate::doc::literal::reads_as(&minimal, &pieces) {
        minimal
    } else {
        full
    }
}

/// The first try of [`escape_markdown`]: `s` with the backslashes CommonMark
/// needs at their places, and what it should read as.
fn escape_minimal(s: &str) -> (String, Vec<Piece>) {
    let chars: Vec<char> = s
        .trim_start()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let spans = code_spans(&chars);
    let tildes = chars.iter().filter(|c| **c == '~').count();
    let leading_digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    // A run of `#` at the end after a space closes an ATX heading.
    let closing_hashes = {
        let run = chars.iter().rev().take_while(|c| **c == '#').count();
        let before = chars.len() - run;
        if run > 0 && (before == 0 || chars[before - 1] == ' ') {
            before
        } else {
            chars.len()
        }
    };
    // A leading run of one to six `#` and a space (or nothing) opens one.
    let opens_heading = {
        let run = chars.iter().take_while(|c| **c == '#').count();
        (1..=6).contains(&run) && chars.get(run).is_none_or(|c| c.is_whitespace())
    };
    let word = |i: Option<&char>| i.is_some_and(|c| c.is_alphanumeric());
    let space = |i: Option<&char>| i.is_none_or(|c| c.is_whitespace());
    let mut out = String::with_capacity(s.len() + 8);
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(&(start, end, inner_start, inner_end)) =
            spans.iter().find(|(start, ..)| *start == i)
        {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            let raw: String = chars[start..end].iter().collect();
            out.push_str(&raw);
            let inner: String = chars[inner_start..inner_end].iter().collect();
            pieces.push(Piece::Code(code_content(&inner)));
            i = end;
            continue;
        }
        let ch = chars[i];
        let (prev, next) = (
            i.checked_sub(1).and_then(|p| chars.get(p)),
            chars.get(i + 1),
        );
        let escape = match ch {
            // `|` ends a table's cell, where a custom template may put text.
            // `>` also closes the HTML comment of a prompt marker (`-->`).
            '\\' | '`' | '[' | ']' | '<' | '>' | '|' => true,
            '-' | '+' | '=' => i == 0,
            '#' => (i == 0 && opens_heading) || i >= closing_hashes,
            '*' => !(space(prev) && space(next)),
            '_' => !(word(prev) && word(next)),
            '~' => tildes > 1,
            '&' => next.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '#'),
            '@' => word(prev) && word(next),
            ')' | '.' if i == leading_digits && i > 0 => true,
            '.' => ends_with_word(&out, "www"),
            ':' => chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
        text.push(ch);
        i += 1;
    }
    pieces.push(Piece::Text(text));
    (out, pieces)
}

/// The code spans of `chars`, as CommonMark finds them: a run of n
/// backticks up to the next run of exactly n. Each as (start, end, and its
/// content's start and end).
fn code_spans(chars: &[char]) -> Vec<(usize, usize, usize, usize)> {
    let run_at = |i: usize| chars[i..].iter().take_while(|c| **c == '`').count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' || (i > 0 && chars[i - 1] == '\\') {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut closed = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let m = run_at(j);
                if m == n {
                    closed = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(j) => {
                out.push((i, j + n, i + n, j));
                i = j + n;
            }
            None => i += n,
        }
    }
    out
}

/// A code span's content as CommonMark reads it: one space stripped from
/// each end when both ends have one and it is not all spaces.
fn code_content(inner: &str) -> String {
    if inner.len() >= 2
        && inner.starts_with(' ')
        && inner.ends_with(' ')
        && !inner.trim().is_empty()
    {
        inner[1..inner.len() - 1].to_string()
    } else {
        inner.to_string()
    }
}

/// Makes `s` literal text in Markdown: every character that could start
/// markup (emphasis, links, HTML, code, tables, entities) is backslash-escaped,
/// a leading list or heading marker is neutralised, and control characters
/// (line breaks included) become spaces.
pub fn escape_all(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let trimmed = s.trim_start();
    let leading_digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    for (i, ch) in trimmed.chars().enumerate() {
        let escape = match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' | '{'
            | '}' | '@' => true,
            '-' | '+' | '=' => i == 0,
            ')' => i == leading_digits && i > 0,
            '.' => (i == leading_digits && i > 0) || ends_with_word(&out, "www"),
            // The autolink extension links bare `https://…`, `www.…` and
            // `a@b.c`, and would swallow the escapes after them into the
            // address (`\<https://x\>` linked `https://x\>`): these stay text.
            // (`@` is escaped with the rest above, for `a@b.c`.)
            ':' => rest_starts(trimmed, i, "://"),
            _ => false,
        };
        if escape {
            out.push('\\');
            out.push(ch);
        } else if ch.is_control() {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_one_plural_rule_and_thousands_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(plural(1, "commit", "commits"), "1 commit");
        assert_eq!(plural(0, "commit", "commits"), "0 commits");
        assert_eq!(plural(4815, "day", "days"), "4,815 days");
    }

    fn ctx() -> RenderContext {
        let s = SubjectContext::sample();
        RenderContext {
            schema_version: SCHEMA_VERSION,
            me: s.me,
            date: s.date,
            date_long: "23 Nov 2026".into(),
            period: s.period,
            goals: Vec::new(),
            other: OtherContext {
                activity: String::new(),
                commits: 0,
                credits: 0,
                items: 0,
                commit_list: Vec::new(),
                credit_list: Vec::new(),
                item_list: Vec::new(),
            },
            totals: String::new(),
            counts: CountsContext::default(),
            asks: Vec::new(),
            repos: Vec::new(),
        }
    }

    #[test]
    fn a_runaway_template_is_stopped_quickly_naming_the_template() {
        let t0 = std::time::Instant::now();
        for t in [
            "{% for i in range(100000000) %}x{% endfor %}",
            "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
            "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        ] {
            let e = render_body("/home/ada/update.md.j2", t, &ctx()).unwrap_err();
            assert!(e.to_string().contains("/home/ada/update.md.j2"), "{e}");
        }
        // Generous: each stops within about a second on a slow machine.
        assert!(t0.elapsed().as_secs() < 30, "{:?}", t0.elapsed());
    }

    #[test]
    fn the_embedded_template_renders_within_its_bounds() {
        let out = render_body("templates/update.md.j2", DEFAULT_TEMPLATE, &ctx()).unwrap();
        assert!(out.contains("23 Nov 2026"), "{out}");
    }

    #[test]
    fn a_broken_template_names_its_file_and_line() {
        let t = "# Update\n\nline two\n{{ me.name }\n";
        let e = check_body_syntax("/home/ada/update.md.j2", t).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("/home/ada/update.md.j2:4"), "{s}");
        let e = render_body("/home/ada/update.md.j2", "a\n\n{{ nope }}\n", &ctx()).unwrap_err();
        assert!(e.to_string().contains("/home/ada/update.md.j2:3"), "{e}");
    }

    #[test]
    fn a_tag_left_open_is_blamed_on_its_own_line_not_where_it_was_noticed() {
        // minijinja reads the lines below `{{ nope(` as its arguments and
        // stops at the `#` of the heading two lines down.
        let t = "# Update\n\n{{ nope(\nwords and words\n### {{ goal.title }}\n";
        let e = check_body_syntax("/home/ada/update.md.j2", t).unwrap_err();
        assert_eq!(
            e.location().as_deref(),
            Some("/home/ada/update.md.j2:3"),
            "{e}"
        );
        assert!(e.detail().contains("opened on line 3"), "{}", e.detail());
        assert!(e.to_string().contains("/home/ada/update.md.j2:3"), "{e}");
        assert_eq!(unclosed_tag_before(t, 5), Some(3));
        // Closed tags, and a `{` that opens none, are passed over.
        let closed = "{{ a }}{% if b %}\n{# c #} {x}\n{% endif %}\n";
        assert_eq!(unclosed_tag_before(closed, 3), None);
        assert_eq!(unclosed_tag_before("one line", 1), None);
    }

    #[test]
    fn the_context_as_json_is_what_the_template_sees() {
        let mut c = ctx();
        c.repos.push(RepoContext {
            name: "search".into(),
            path: "/src/search".into(),
            url: None,
            forge: Some(Forge::GitLab),
        });
        c.goals.push(GoalContext {
            id: "g".into(),
            title: "G".into(),
            status: "on-track".into(),
            status_label: "on track".into(),
            due: None,
            due_long: None,
            success: Some("s".into()),
            risk: None,
            activity: "- 1 commit".into(),
            commits: 1,
            credits: 0,
            items: 0,
            commit_list: Vec::new(),
            credit_list: Vec::new(),
            item_list: Vec::new(),
        });
        // What minijinja holds, written back out, is the JSON `icu template
        // --context` prints: the same struct through the same serde.
        let seen = minijinja::Value::from_serialize(&c);
        assert_eq!(
            serde_json::to_value(&seen).unwrap(),
            serde_json::to_value(&c).unwrap()
        );
        let out = render_body(
            "update.template",
            "{{ goals[0].success }} {{ repos[0].url is none }} {{ repos[0].forge }}",
            &c,
        )
        .unwrap();
        assert_eq!(out, "s True gitlab");
    }

    #[test]
    fn the_escape_filter_is_the_markdown_escaping_every_value_gets() {
        let mut c = ctx();
        c.me.name = "*Ada* [x](https://evil.example) <b>".into();
        let escaped = escape_markdown(&c.me.name);
        let out = render_body(
            "update.template",
            "{{ me.name }}|{{ me.name|e }}|{{ me.name|escape|e }}|{{ (me.name|e ~ ' [me](https://x.org)')|safe }}",
            &c,
        )
        .unwrap();
        assert_eq!(
            out,
            format!("{escaped}|{escaped}|{escaped}|{escaped} [me](https://x.org)")
        );
        // Nothing of a value that is none.
        c.goals.push(GoalContext {
            id: "g".into(),
            title: "G".into(),
            status: "on-track".into(),
            status_label: "on track".into(),
            due: None,
            due_long: None,
            success: None,
            risk: None,
            activity: String::new(),
            commits: 0,
            credits: 0,
            items: 0,
            commit_list: Vec::new(),
            credit_list: Vec::new(),
            item_list: Vec::new(),
        });
        let out = render_body("update.template", "[{{ goals[0].due|e }}]", &c).unwrap();
        assert_eq!(out, "[]");
    }

    #[test]
    fn addresses_are_escaped_so_no_autolink_swallows_an_escape() {
        assert_eq!(
            escape_markdown("<https://x.org/a_b>"),
            r"\<https\://x.org/a_b\>"
        );
        assert_eq!(escape_markdown("see www.x.org"), r"see www\.x.org");
        assert_eq!(escape_markdown("a@b.org"), r"a\@b.org");
        assert_eq!(escape_markdown("wwww.x or a:b"), "wwww.x or a:b");
    }
}
