//! The TOML schema (`icu.toml`): finding the file, parsing it, validating it
//! into a [`Config`] whose globs and regexes are compiled, and diagnostics that
//! name the file, line and column of every problem.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// Default subject template for the exported email.
pub const DEFAULT_SUBJECT: &str =
    "Update from {{ me.name }}: {{ period.since }} to {{ period.until }}";
/// Default sendmail-compatible command line.
pub const DEFAULT_SENDMAIL: &str = "sendmail -t -i";
/// Default length of a period when no update was sent yet.
pub const DEFAULT_CADENCE_DAYS: u32 = 14;

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` when icu runs without a config.
    pub source: Option<PathBuf>,
    pub me: Me,
    pub update: UpdateSettings,
    pub repos: Vec<RepoSpec>,
    pub goals: Vec<Goal>,
    /// Problems worth a warning that do not stop the run.
    pub warnings: Vec<String>,
}

/// Who "me" is: the author identities that count as mine.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    pub name: String,
    /// Lower-cased; compared case-insensitively.
    pub emails: Vec<String>,
}

/// The `[update]` table, with defaults applied and `~` expanded.
#[derive(Debug, Clone)]
pub struct UpdateSettings {
    pub cadence_days: u32,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub dir: PathBuf,
    pub template: Option<PathBuf>,
    pub sendmail: String,
}

/// One `[[repo]]` after glob expansion: a concrete path.
#[derive(Debug, Clone, Serialize)]
pub struct RepoSpec {
    pub path: PathBuf,
    pub name: String,
    pub url: Option<String>,
}

/// Goal status, as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    Paused,
}

impl GoalStatus {
    pub const ALL: [&'static str; 5] = ["on-track", "at-risk", "off-track", "done", "paused"];

    /// The config spelling (`on-track`).
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "on-track",
            GoalStatus::AtRisk => "at-risk",
            GoalStatus::OffTrack => "off-track",
            GoalStatus::Done => "done",
            GoalStatus::Paused => "paused",
        }
    }

    /// How it reads in prose (`on track`).
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "on track",
            GoalStatus::AtRisk => "at risk",
            GoalStatus::OffTrack => "off track",
            GoalStatus::Done => "done",
            GoalStatus::Paused => "paused",
        }
    }

    /// Done and paused goals are hidden from `icu goals` unless `--all`.
    pub fn is_active(self) -> bool {
        !matches!(self, GoalStatus::Done | GoalStatus::Paused)
    }
}

/// One `[[goal]]`, with its matchers compiled.
#[derive(Debug, Clone)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub status: GoalStatus,
    pub due: Option<NaiveDate>,
    pub success: Option<String>,
    pub risk: Option<String>,
    /// `None`: all repos.
    pub repos: Option<Vec<String>>,
    /// Compiled `paths` globs; `None` when the key is absent or empty.
    pub paths: Option<GlobSet>,
    /// Compiled `branches` globs; `None` when the key is absent or empty.
    pub branches: Option<GlobSet>,
    /// Compiled `keywords` regexes (empty when absent).
    pub keywords: Vec<Regex>,
}

impl Goal {
    /// A goal with no matchers at all claims nothing.
    pub fn has_matchers(&self) -> bool {
        self.repos.is_some()
            || self.paths.is_some()
            || self.branches.is_some()
            || !self.keywords.is_empty()
    }
}

/// Where the config file is looked for: `--config`, else `$ICU_CONFIG`, else
/// `<config dir>/icu.toml`. Returns the path and whether it was named
/// explicitly (an explicit path that does not exist is an error; the default
/// one missing means "run without a config").
pub fn locate(explicit: Option<&Path>, env: Option<&std::ffi::OsStr>) -> (PathBuf, bool) {
    if let Some(p) = explicit {
        return (p.to_path_buf(), true);
    }
    if let Some(e) = env.filter(|e| !e.is_empty()) {
        return (PathBuf::from(e), true);
    }
    (default_config_path(), false)
}

/// `<config dir>/icu.toml` from the `directories` crate.
pub fn default_config_path() -> PathBuf {
    match directories::ProjectDirs::from("", "", "icu") {
        Some(d) => d.config_dir().join("icu.toml"),
        None => PathBuf::from("icu.toml"),
    }
}

/// `<data dir>/updates`, the default `update.dir`.
pub fn default_updates_dir() -> PathBuf {
    match directories::ProjectDirs::from("", "", "icu") {
        Some(d) => d.data_dir().join("updates"),
        None => PathBuf::from("updates"),
    }
}

/// The process environment icu reads: `$HOME` for `~` and the variables for
/// `$VAR` expansion, captured once so that tests can seal it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub vars: std::collections::BTreeMap<String, String>,
}

impl Env {
    /// The environment of this process.
    pub fn from_process() -> Env {
        Env {
            home: std::env::var_os("HOME").map(PathBuf::from),
            vars: std::env::vars().collect(),
        }
    }
}

/// A config problem. Its `Display` is a full diagnostic in the style of
/// rustc and cargo: the message, `--> file:line:column`, the line itself with
/// the offending value marked, and what would be accepted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{rendered}")]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; `None` for problems with the file as a whole (missing).
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    rendered: String,
}

impl ConfigError {
    /// A problem with the file as a whole.
    fn file(path: &Path, message: String) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            rendered: format!("error: {}: {message}", path.display()),
            message,
        }
    }

    /// A problem at `span` (bytes of `src`), with a label under it.
    fn at(path: &Path, src: &str, span: Range<usize>, message: String, label: &str) -> ConfigError {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let start = floor_char_boundary(src, span.start.min(src.len()));
        let end = floor_char_boundary(src, span.end.clamp(start, src.len()));
        let (line, column) = line_col(src, start);
        let path_s = path.display().to_string();
        let report = &[Level::ERROR.primary_title(message.as_str()).element(
            Snippet::source(src)
                .path(path_s.as_str())
                .annotation(AnnotationKind::Primary.span(start..end).label(label)),
        )];
        let rendered = Renderer::plain().render(report).to_string();
        ConfigError {
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            message,
            rendered,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// What `icu init` puts in the starter config.
#[derive(Debug, Clone, Default)]
pub struct StarterOptions {
    pub name: String,
    pub emails: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub repos: Vec<String>,
}

// ---- phase one: the TOML as written ---------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    me: Option<RawMe>,
    update: Option<RawUpdate>,
    #[serde(default)]
    repo: Vec<RawRepo>,
    #[serde(default)]
    goal: Vec<RawGoal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMe {
    name: Option<Spanned<String>>,
    #[serde(default)]
    emails: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    cadence_days: Option<Spanned<i64>>,
    #[serde(default)]
    to: Vec<Spanned<String>>,
    #[serde(default)]
    cc: Vec<Spanned<String>>,
    subject: Option<Spanned<String>>,
    dir: Option<Spanned<String>>,
    template: Option<Spanned<String>>,
    sendmail: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepo {
    path: Spanned<String>,
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    id: Spanned<String>,
    title: Spanned<String>,
    status: Option<Spanned<String>>,
    due: Option<Spanned<toml::Value>>,
    success: Option<String>,
    risk: Option<String>,
    repos: Option<Vec<Spanned<String>>>,
    paths: Option<Vec<Spanned<String>>>,
    branches: Option<Vec<Spanned<String>>>,
    keywords: Option<Vec<Spanned<String>>>,
}

// ---- phase two: validation --------------------------------------------------

/// Reads and validates the config at `path`.
pub fn load(path: &Path, env: &Env) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "no such file; run `icu init` to write one, or fix --config / $ICU_CONFIG"
                    .to_string()
            }
            std::io::ErrorKind::IsADirectory => "is a folder, not a config file".to_string(),
            _ => format!("cannot be read: {e}"),
        };
        ConfigError::file(path, what)
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let at = floor_char_boundary(&lossy, valid.min(lossy.len()));
            return Err(ConfigError::at(
                path,
                &lossy,
                at..at + 1,
                "the config is not UTF-8 text".into(),
                "this byte is not UTF-8; save the file as UTF-8",
            ));
        }
    };
    parse(&text, path, env)
}

/// Parses and validates config `text` read from `path` (used in messages and
/// to resolve relative paths).
pub fn parse(text: &str, path: &Path, env: &Env) -> Result<Config, ConfigError> {
    let src = text.strip_prefix('\u{feff}').unwrap_or(text);
    let meaningful = src
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !meaningful {
        return Err(ConfigError::file(
            path,
            "is empty; run `icu init --force` to write a starter config".into(),
        ));
    }
    let raw: RawConfig = toml::from_str(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        let (title, label) = toml_error_words(&msg);
        ConfigError::at(path, src, span, title, &label)
    })?;
    Validator { src, path, env }.config(raw)
}

/// Splits one of toml's messages into a title and a label.
fn toml_error_words(msg: &str) -> (String, String) {
    let first = msg.lines().next().unwrap_or(msg).to_string();
    if let Some(rest) = first.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let label = if expected.is_empty() {
            "not a key icu knows".to_string()
        } else {
            format!("valid keys here: {}", expected.replace("one of ", ""))
        };
        return (format!("unknown key {field}"), label);
    }
    if first.starts_with("invalid type") {
        return (first.clone(), first.replace("invalid type: ", ""));
    }
    if first.starts_with("missing field") {
        return (
            first.replace("missing field", "missing key"),
            "in this table".into(),
        );
    }
    ("the config is not valid TOML".to_string(), first)
}

struct Validator<'a> {
    src: &'a str,
    path: &'a Path,
    env: &'a Env,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, message: String, label: &str) -> ConfigError {
        ConfigError::at(self.path, self.src, span, message, label)
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        line_col(self.src, span.start.min(self.src.len())).0
    }

    /// A header value must be one line of printable text.
    fn one_line(&self, key: &str, v: &Spanned<String>) -> Result<String, ConfigError> {
        if v.get_ref().chars().any(char::is_control) {
            return Err(self.err(
                v.span(),
                format!("`{key}` contains a line break or control character"),
                "it would end up in an email header; write it on one line",
            ));
        }
        Ok(v.get_ref().trim().to_string())
    }

    fn address(&self, key: &str, v: &Spanned<String>) -> Result<String, ConfigError> {
        let s = self.one_line(key, v)?;
        let addr = match (s.rfind('<'), s.ends_with('>')) {
            (Some(i), true) => &s[i + 1..s.len() - 1],
            _ => s.as_str(),
        };
        let ok = addr
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
            && !addr.contains(char::is_whitespace);
        if !ok {
            return Err(self.err(
                v.span(),
                format!("`{s}` in `{key}` is not an email address"),
                "write `name@example.com` or `Name <name@example.com>`",
            ));
        }
        Ok(s)
    }

    /// `~` and `$VAR` expanded with the sealed environment; relative to the
    /// config's folder.
    fn path(&self, key: &str, v: &Spanned<String>) -> Result<PathBuf, ConfigError> {
        let home = || self.env.home.as_ref().map(|h| h.display().to_string());
        let var = |name: &str| -> Result<Option<String>, &'static str> {
            match self.env.vars.get(name) {
                Some(v) => Ok(Some(v.clone())),
                None => Err("is not set"),
            }
        };
        let expanded = shellexpand::full_with_context(v.get_ref(), home, var).map_err(|e| {
            self.err(
                v.span(),
                format!("`{key}` uses ${} which is not set", e.var_name),
                "set the variable, or write the path out",
            )
        })?;
        let p = PathBuf::from(expanded.as_ref());
        if p.is_relative() {
            let base = self.path.parent().unwrap_or(Path::new("."));
            return Ok(base.join(p));
        }
        Ok(p)
    }

    fn config(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let mut warnings = Vec::new();
        let me = match raw.me {
            Some(m) => Me {
                name: match &m.name {
                    Some(n) => self.one_line("me.name", n)?,
                    None => String::new(),
                },
                emails: m
                    .emails
                    .iter()
                    .map(|e| {
                        let a = self.address("me.emails", e)?;
                        Ok(a.to_lowercase())
                    })
                    .collect::<Result<_, ConfigError>>()?,
            },
            None => Me {
                name: String::new(),
                emails: Vec::new(),
            },
        };
        let update = self.update(raw.update)?;
        let repos = self.repos(&raw.repo, &mut warnings)?;
        let goals = self.goals(&raw.goal, &raw.repo, &repos, &mut warnings)?;
        Ok(Config {
            source: Some(self.path.to_path_buf()),
            me,
            update,
            repos,
            goals,
            warnings,
        })
    }

    fn update(&self, raw: Option<RawUpdate>) -> Result<UpdateSettings, ConfigError> {
        let Some(u) = raw else {
            return Ok(UpdateSettings::default());
        };
        let cadence_days = match &u.cadence_days {
            None => DEFAULT_CADENCE_DAYS,
            Some(c) => u32::try_from(*c.get_ref())
                .ok()
                .filter(|d| (1..=366).contains(d))
                .ok_or_else(|| {
                    self.err(
                        c.span(),
                        format!("`cadence_days` = {} is out of range", c.get_ref()),
                        "a number of days from 1 to 366",
                    )
                })?,
        };
        let subject = match &u.subject {
            None => DEFAULT_SUBJECT.to_string(),
            Some(s) => {
                let text = self.one_line("update.subject", s)?;
                let mut env = minijinja::Environment::new();
                env.add_template("subject", &text).map_err(|e| {
                    self.err(
                        s.span(),
                        "`update.subject` is not a valid template".into(),
                        &e.to_string(),
                    )
                })?;
                text
            }
        };
        Ok(UpdateSettings {
            cadence_days,
            to: u
                .to
                .iter()
                .map(|a| self.address("update.to", a))
                .collect::<Result<_, _>>()?,
            cc: u
                .cc
                .iter()
                .map(|a| self.address("update.cc", a))
                .collect::<Result<_, _>>()?,
            subject,
            dir: match &u.dir {
                Some(d) => self.path("update.dir", d)?,
                None => default_updates_dir(),
            },
            template: u
                .template
                .as_ref()
                .map(|t| self.path("update.template", t))
                .transpose()?,
            sendmail: match &u.sendmail {
                Some(s) => {
                    let cmd = self.one_line("update.sendmail", s)?;
                    if shell_words::split(&cmd).map_or(true, |w| w.is_empty()) {
                        return Err(self.err(
                            s.span(),
                            format!("`update.sendmail` = `{cmd}` is not a command line"),
                            "for example \"msmtp -t\" or \"sendmail -t -i\"",
                        ));
                    }
                    cmd
                }
                None => DEFAULT_SENDMAIL.to_string(),
            },
        })
    }

    fn repos(
        &self,
        raw: &[RawRepo],
        warnings: &mut Vec<String>,
    ) -> Result<Vec<RepoSpec>, ConfigError> {
        let mut out: Vec<RepoSpec> = Vec::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        for r in raw {
            let path = self.path("repo.path", &r.path)?;
            let url = r
                .url
                .as_ref()
                .map(|u| self.one_line("repo.url", u))
                .transpose()?;
            let is_glob = r.path.get_ref().contains(['*', '?', '[']);
            let paths = if is_glob {
                let found = expand_repo_glob(&path).map_err(|e| {
                    self.err(
                        r.path.span(),
                        format!("`path` is not a valid glob: {e}"),
                        "fix the pattern",
                    )
                })?;
                if found.is_empty() {
                    warnings.push(format!(
                        "{}: repo path `{}` matches no git repository",
                        self.path.display(),
                        r.path.get_ref()
                    ));
                }
                found
            } else {
                vec![path]
            };
            for p in paths {
                let name = match (&r.name, is_glob) {
                    (Some(n), false) => self.one_line("repo.name", n)?,
                    _ => folder_name(&p),
                };
                let span = match (&r.name, is_glob) {
                    (Some(n), false) => n.span(),
                    _ => r.path.span(),
                };
                if let Some(first) = names.get(&name) {
                    return Err(self.err(
                        span,
                        format!("two repos are named `{name}` (the first on line {first})"),
                        "give one of them another `name`",
                    ));
                }
                names.insert(name.clone(), self.line_of(&span));
                out.push(RepoSpec {
                    path: p,
                    name,
                    url: url.clone(),
                });
            }
        }
        Ok(out)
    }

    fn goals(
        &self,
        raw: &[RawGoal],
        raw_repos: &[RawRepo],
        repos: &[RepoSpec],
        warnings: &mut Vec<String>,
    ) -> Result<Vec<Goal>, ConfigError> {
        let mut out = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        for g in raw {
            let id = g.id.get_ref().clone();
            let valid_id = !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid_id {
                return Err(self.err(
                    g.id.span(),
                    format!("goal id `{id}` is not valid"),
                    "use lower-case letters, digits and `-`, e.g. \"search-latency\"",
                ));
            }
            if id == crate::doc::markers::OTHER_KEY {
                return Err(self.err(
                    g.id.span(),
                    "goal id `other` is reserved".into(),
                    "icu uses it for \"Other work\"; choose another id",
                ));
            }
            if let Some(first) = ids.get(&id) {
                return Err(self.err(
                    g.id.span(),
                    format!("duplicate goal id `{id}` (first defined on line {first})"),
                    "goal ids must be unique; rename one",
                ));
            }
            ids.insert(id.clone(), self.line_of(&g.id.span()));
            let status = match &g.status {
                None => GoalStatus::OnTrack,
                Some(s) => parse_status(s.get_ref()).ok_or_else(|| {
                    self.err(
                        s.span(),
                        format!("unknown status `{}` in goal `{id}`", s.get_ref()),
                        &format!("expected one of {}", GoalStatus::ALL.join(", ")),
                    )
                })?,
            };
            let due = g.due.as_ref().map(|d| self.due(&id, d)).transpose()?;
            let goal_repos = match &g.repos {
                None => None,
                Some(list) => {
                    let mut names = Vec::new();
                    for r in list {
                        let known = repos.iter().any(|s| &s.name == r.get_ref())
                            || raw_repos.iter().any(|s| {
                                s.name.as_ref().is_some_and(|n| n.get_ref() == r.get_ref())
                            });
                        if !known {
                            let defined: Vec<&str> =
                                repos.iter().map(|s| s.name.as_str()).collect();
                            return Err(self.err(
                                r.span(),
                                format!(
                                    "goal `{id}` names repo `{}`, which no [[repo]] defines",
                                    r.get_ref()
                                ),
                                &if defined.is_empty() {
                                    "add a [[repo]] table with this name".to_string()
                                } else {
                                    format!("defined repos: {}", defined.join(", "))
                                },
                            ));
                        }
                        names.push(r.get_ref().clone());
                    }
                    Some(names)
                }
            };
            let paths = self.globs(&id, "paths", g.paths.as_deref(), false)?;
            let branches = self.globs(&id, "branches", g.branches.as_deref(), true)?;
            let mut keywords = Vec::new();
            for k in g.keywords.iter().flatten() {
                keywords.push(Regex::new(k.get_ref()).map_err(|e| {
                    let detail = e.to_string();
                    let last = detail.lines().last().unwrap_or("").trim().to_string();
                    self.err(
                        k.span(),
                        format!("invalid regex in `keywords` of goal `{id}`"),
                        &last,
                    )
                })?);
            }
            let goal = Goal {
                id: id.clone(),
                title: self.one_line("goal.title", &g.title)?,
                status,
                due,
                success: g.success.clone(),
                risk: g.risk.clone(),
                repos: goal_repos,
                paths,
                branches,
                keywords,
            };
            if !goal.has_matchers() {
                warnings.push(format!(
                    "goal `{id}` has no repos, paths, branches or keywords, so no commit is attributed to it"
                ));
            }
            out.push(goal);
        }
        Ok(out)
    }

    fn due(&self, id: &str, d: &Spanned<toml::Value>) -> Result<NaiveDate, ConfigError> {
        let text = match d.get_ref() {
            toml::Value::Datetime(dt) if dt.date.is_some() && dt.time.is_none() => dt.to_string(),
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            self.err(
                d.span(),
                format!("`due` of goal `{id}` is not a date: {text}"),
                "write a date as YYYY-MM-DD, e.g. due = 2027-03-31",
            )
        })
    }

    fn globs(
        &self,
        id: &str,
        key: &str,
        list: Option<&[Spanned<String>]>,
        literal_separator: bool,
    ) -> Result<Option<GlobSet>, ConfigError> {
        let Some(list) = list.filter(|l| !l.is_empty()) else {
            return Ok(None);
        };
        let mut b = GlobSetBuilder::new();
        for g in list {
            let glob = GlobBuilder::new(g.get_ref())
                .literal_separator(literal_separator || g.get_ref().contains("**"))
                .build()
                .map_err(|e| {
                    self.err(
                        g.span(),
                        format!("invalid glob in `{key}` of goal `{id}`"),
                        &e.kind().to_string(),
                    )
                })?;
            b.add(glob);
        }
        b.build().map(Some).map_err(|e| {
            self.err(
                list[0].span(),
                format!("invalid glob in `{key}` of goal `{id}`"),
                &e.to_string(),
            )
        })
    }
}

fn parse_status(s: &str) -> Option<GoalStatus> {
    match s {
        "on-track" => Some(GoalStatus::OnTrack),
        "at-risk" => Some(GoalStatus::AtRisk),
        "off-track" => Some(GoalStatus::OffTrack),
        "done" => Some(GoalStatus::Done),
        "paused" => Some(GoalStatus::Paused),
        _ => None,
    }
}

fn folder_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| p.display().to_string())
}

/// Every folder matching the glob `pattern` that looks like a git
/// repository (a work tree with `.git`, or a bare repository), sorted.
fn expand_repo_glob(pattern: &Path) -> Result<Vec<PathBuf>, globset::Error> {
    let text = pattern.to_string_lossy();
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()?
        .compile_matcher();
    // The static prefix: the folders before the first component with a
    // wildcard.
    let mut base = PathBuf::new();
    let mut depth = 0;
    let mut wild = false;
    for c in pattern.components() {
        let s = c.as_os_str().to_string_lossy();
        if wild || s.contains(['*', '?', '[']) {
            wild = true;
            depth += 1;
        } else {
            base.push(c);
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![base];
    for _ in 0..depth {
        let mut next = Vec::new();
        for dir in frontier {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in rd.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    next.push(e.path());
                }
            }
        }
        frontier = next;
    }
    for p in frontier {
        let looks_like_repo =
            p.join(".git").exists() || (p.join("HEAD").is_file() && p.join("objects").is_dir());
        if matcher.is_match(&p) && looks_like_repo {
            found.push(p);
        }
    }
    found.sort();
    Ok(found)
}

impl Default for UpdateSettings {
    fn default() -> Self {
        UpdateSettings {
            cadence_days: DEFAULT_CADENCE_DAYS,
            to: Vec::new(),
            cc: Vec::new(),
            subject: DEFAULT_SUBJECT.to_string(),
            dir: default_updates_dir(),
            template: None,
            sendmail: DEFAULT_SENDMAIL.to_string(),
        }
    }
}

impl Config {
    /// The config icu runs with when there is no config file: the one
    /// repository it was started in, no goals, defaults for the rest.
    pub fn fallback(me: Me, repo: PathBuf, _env: &Env) -> Config {
        let name = folder_name(&repo);
        Config {
            source: None,
            me,
            update: UpdateSettings::default(),
            repos: vec![RepoSpec {
                path: repo,
                name,
                url: None,
            }],
            goals: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// A TOML string literal for `s`.
fn lit(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", v.join(", "))
}

/// A commented starter config, filled from `o`. It loads as written; the
/// example goal is commented out.
pub fn starter(o: &StarterOptions) -> String {
    let mut t = String::new();
    t.push_str(
        "# icu's config. Reference: the README's \"Configuration\" section.\n\
         # Every path may use ~ and $VARIABLES; relative paths are relative to this file.\n\n",
    );
    t.push_str("[me]\n");
    t.push_str(&format!("name = {}\n", lit(&o.name)));
    t.push_str(&format!(
        "emails = {}   # every address here counts as you\n\n",
        list(&o.emails)
    ));
    t.push_str("[update]\n");
    t.push_str("cadence_days = 14   # the period when no update was sent yet\n");
    t.push_str(&format!(
        "to = {}   # your manager, e.g. [\"Grace Hopper <grace@example.com>\"]\n",
        list(&o.to)
    ));
    t.push_str(&format!(
        "cc = {}   # your manager's manager\n",
        list(&o.cc)
    ));
    t.push_str(&format!("# subject = {}\n", lit(DEFAULT_SUBJECT)));
    t.push_str(
        "# dir = \"~/notes/updates\"        # where updates are written (default: the data dir)\n",
    );
    t.push_str(
        "# template = \"~/notes/update.md.j2\"  # your own template (default: the built-in one)\n",
    );
    t.push_str(&format!(
        "# sendmail = {}          # used by `icu send`; msmtp works too\n\n",
        lit(DEFAULT_SENDMAIL)
    ));
    if o.repos.is_empty() {
        t.push_str("# [[repo]]\n# path = \"~/src/search\"   # a glob such as \"~/src/*\" adds every repository there\n\n");
    }
    for r in &o.repos {
        t.push_str("[[repo]]\n");
        t.push_str(&format!("path = {}\n", lit(r)));
        t.push_str("# name = \"search\"                        # default: the folder name\n");
        t.push_str("# url = \"https://github.com/acme/search\"  # links commits and PRs\n\n");
    }
    t.push_str(
        "# The goals you own. A commit of yours counts for a goal when it is in one of\n\
         # its repos (default: all) and touches one of its paths, is on one of its\n\
         # branches, or its message matches one of its keywords.\n\
         #\n\
         # [[goal]]\n\
         # id = \"search-latency\"            # stable key: lower-case letters, digits, -\n\
         # title = \"Cut search p99 latency to 200 ms\"\n\
         # status = \"on-track\"              # on-track | at-risk | off-track | done | paused\n\
         # due = 2027-03-31\n\
         # success = \"p99 under 200 ms on the prod dashboard\"\n\
         # risk = \"the index rebuild slips past Q1\"\n\
         # repos = [\"search\"]\n\
         # paths = [\"services/search/**\"]\n\
         # branches = [\"search/*\"]\n\
         # keywords = [\"latency\", \"SEARCH-\\\\d+\"]\n",
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        let mut e = Env {
            home: Some(PathBuf::from("/home/ada")),
            ..Env::default()
        };
        e.vars.insert("SRC".into(), "/src".into());
        e
    }

    fn parse_ok(t: &str) -> Config {
        parse(t, Path::new("/cfg/icu.toml"), &env()).unwrap()
    }

    fn parse_err(t: &str) -> ConfigError {
        parse(t, Path::new("/cfg/icu.toml"), &env()).unwrap_err()
    }

    #[test]
    fn a_full_config_loads() {
        let c = parse_ok(
            "[me]\nname = \"Ada\"\nemails = [\"Ada@Example.com\"]\n[update]\ndir = \"~/u\"\ntemplate = \"t.j2\"\nto = [\"Grace <g@x.org>\"]\n[[repo]]\npath = \"$SRC/search\"\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nstatus = \"at-risk\"\ndue = 2027-03-31\nrepos = [\"search\"]\npaths = [\"a/**\"]\nkeywords = [\"x\\\\d\"]\n",
        );
        assert_eq!(c.me.emails, vec!["ada@example.com"]);
        assert_eq!(c.update.dir, PathBuf::from("/home/ada/u"));
        assert_eq!(c.update.template, Some(PathBuf::from("/cfg/t.j2")));
        assert_eq!(c.repos[0].path, PathBuf::from("/src/search"));
        assert_eq!(c.repos[0].name, "search");
        assert_eq!(c.goals[0].status, GoalStatus::AtRisk);
        assert_eq!(c.goals[0].due, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_err(
            "[me]\nname = \"A\"\n\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nstatus = \"on-trak\"\n",
        );
        assert_eq!((e.line, e.column), (Some(7), Some(10)));
        let text = e.to_string();
        assert!(
            text.starts_with("error: unknown status `on-trak`"),
            "{text}"
        );
        assert!(text.contains("/cfg/icu.toml:7:10"), "{text}");
        assert!(
            text.contains("on-track, at-risk, off-track, done, paused"),
            "{text}"
        );
    }

    #[test]
    fn each_bad_input_is_refused_with_its_key() {
        let cases: &[(&str, &str)] = &[
            ("[me\n", "not valid TOML"),
            ("[update]\ncadence_days = \"14\"\n", "invalid type"),
            (
                "[[goal]]\nid = \"g\"\ntitel = \"G\"\n",
                "unknown key `titel`",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\ndue = \"soon\"\n",
                "`due` of goal `g`",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\n[[goal]]\nid = \"g\"\ntitle = \"H\"\n",
                "duplicate goal id `g` (first defined on line 2)",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\nrepos = [\"nope\"]\n",
                "names repo `nope`",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\npaths = [\"a/[\"]\n",
                "invalid glob in `paths` of goal `g`",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\nkeywords = [\"(\"]\n",
                "invalid regex in `keywords` of goal `g`",
            ),
            (
                "[[goal]]\nid = \"Big Goal\"\ntitle = \"G\"\n",
                "goal id `Big Goal` is not valid",
            ),
            ("[[goal]]\nid = \"other\"\ntitle = \"G\"\n", "reserved"),
            (
                "[update]\nto = [\"Grace\\r\\nBcc: x@y.z\"]\n",
                "control character",
            ),
            ("[update]\nto = [\"grace\"]\n", "not an email address"),
            (
                "[update]\nsubject = \"{{ me.name \"\n",
                "not a valid template",
            ),
            ("[update]\ncadence_days = 0\n", "out of range"),
            ("[[repo]]\npath = \"$NOPE/x\"\n", "$NOPE which is not set"),
            (
                "[[repo]]\npath = \"/a/x\"\n[[repo]]\npath = \"/b/x\"\n",
                "two repos are named `x`",
            ),
        ];
        for (text, want) in cases {
            let e = parse_err(text).to_string();
            assert!(e.contains(want), "for {text:?} wanted {want:?} in:\n{e}");
            assert!(
                e.contains("/cfg/icu.toml:"),
                "no position for {text:?}:\n{e}"
            );
        }
    }

    #[test]
    fn empty_and_comment_only_files_say_what_to_do() {
        assert!(parse_err("").to_string().contains("icu init --force"));
        assert!(parse_err("# nothing\n\n").to_string().contains("is empty"));
    }

    #[test]
    fn a_goal_without_matchers_is_a_warning() {
        let c = parse_ok("[[goal]]\nid = \"g\"\ntitle = \"G\"\n");
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("goal `g`"));
    }

    #[test]
    fn the_starter_config_loads_and_round_trips_odd_names() {
        let o = StarterOptions {
            name: "Zoë \"Z\" O'Neil".into(),
            emails: vec!["zoe@example.com".into()],
            to: vec!["Grace Hopper <grace@example.com>".into()],
            cc: vec![],
            repos: vec!["~/src/search".into()],
        };
        let c = parse_ok(&starter(&o));
        assert_eq!(c.me.name, "Zoë \"Z\" O'Neil");
        assert_eq!(c.update.to, vec!["Grace Hopper <grace@example.com>"]);
        assert_eq!(c.repos[0].path, PathBuf::from("/home/ada/src/search"));
        assert!(c.goals.is_empty());
        // The example goal, uncommented, is valid too.
        let uncommented: String = starter(&o)
            .lines()
            .skip_while(|l| !l.starts_with("# [[goal]]"))
            .map(|l| format!("{}\n", l.trim_start_matches("# ")))
            .collect();
        let with_goal = format!("{}{uncommented}", starter(&o));
        let c = parse_ok(&with_goal);
        assert_eq!(c.goals[0].id, "search-latency");
    }

    #[test]
    fn repo_globs_find_repositories() {
        let d = tempfile::tempdir().unwrap();
        for n in ["a", "b", "plain"] {
            std::fs::create_dir_all(d.path().join(n)).unwrap();
        }
        std::fs::create_dir_all(d.path().join("a/.git")).unwrap();
        std::fs::create_dir_all(d.path().join("b/.git")).unwrap();
        let c = parse_ok(&format!("[[repo]]\npath = \"{}/*\"\n", d.path().display()));
        let names: Vec<_> = c.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
        let c = parse_ok(&format!(
            "[[repo]]\npath = \"{}/none-*\"\n",
            d.path().display()
        ));
        assert!(c.repos.is_empty());
        assert!(c.warnings[0].contains("matches no git repository"));
    }
}
