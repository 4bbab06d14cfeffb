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

use crate::template::{
    render_subject, SubjectContext, TemplateError, DEFAULT_SUBJECT, SUBJECT_VARIABLES,
};

/// The key of the "Other work" block; no goal may take it as its id.
pub const OTHER_KEY: &str = "other";

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
            std::io::ErrorKind::IsADirectory => format!(
                "is a folder, not a config file; name the file, e.g. --config {}",
                path.join("icu.toml").display()
            ),
            _ => format!(
                "cannot be read ({e}); fix its permissions, or run `icu init --force` to write a new one"
            ),
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
    let raw: RawConfig = toml::from_str(src).map_err(|e| toml_error(path, src, &e))?;
    Validator { src, path, env }.config(raw)
}

/// One of toml's errors as a diagnostic that names the key, in words a user
/// knows (`a whole number`, not `i64`).
fn toml_error(path: &Path, src: &str, e: &toml::de::Error) -> ConfigError {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim();
    let msg = msg.lines().next().unwrap_or(msg);
    let keys = toml_error_keys(e);
    let (title, label) = toml_error_words(msg, keys.as_deref(), src, &span);
    ConfigError::at(path, src, span, title, &label)
}

/// The dotted key path toml recorded for a serde error (`update.cadence_days`).
/// toml keeps it private and prints it only when the error carries no input,
/// so it is read back from there.
fn toml_error_keys(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let last = shown.trim_end().lines().last()?;
    let keys = last.strip_prefix("in `")?.strip_suffix('`')?;
    Some(keys.to_string())
}

/// How a table is written in the file: `[update]`, `[[goal]]`.
fn table_header(keys: &str) -> String {
    match keys {
        "goal" | "repo" => format!("[[{keys}]]"),
        _ => format!("[{keys}]"),
    }
}

/// A title and a label for toml's message `msg` about the value at `span`.
fn toml_error_words(
    msg: &str,
    keys: Option<&str>,
    src: &str,
    span: &Range<usize>,
) -> (String, String) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let field = field.trim_matches('`');
        let valid: Vec<&str> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| !k.is_empty())
            .collect();
        let title = match keys {
            Some(t) => format!("unknown key `{field}` in {}", table_header(t)),
            None => format!("unknown key `{field}`"),
        };
        let listed: Vec<String> = valid.iter().map(|k| format!("`{k}`")).collect();
        let label = match closest(field, &valid) {
            Some(k) => format!("did you mean `{k}`? Valid keys here: {}", listed.join(", ")),
            None if valid.is_empty() => "not a key icu knows".to_string(),
            None => format!("valid keys here: {}", listed.join(", ")),
        };
        return (title, label);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, want) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        let want = type_words(want);
        let value = src.get(span.clone()).unwrap_or("");
        let found_words = match found {
            f if f.starts_with("integer") && f.contains(" as ") => "a number out of range",
            f if f.starts_with("string") => "a string",
            f if f.starts_with("integer") || f.starts_with("floating point") => "a number",
            f if f.starts_with("boolean") => "true or false",
            f if f.starts_with("sequence") => "an array",
            // toml hands a date to serde as a one-key map.
            "map" if value.starts_with(|c: char| c.is_ascii_digit()) => "a date",
            "map" => "a table",
            f => f,
        };
        let key = keys.unwrap_or("value");
        let title = format!("wrong type for `{key}`: expected {want}, found {found_words}");
        let unquoted = value.trim_matches(['"', '\'']);
        let label = if found_words == "a string" && unquoted.parse::<i64>().is_ok() {
            format!("write the number without quotes: {unquoted}")
        } else {
            format!("expected {want}")
        };
        return (title, label);
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        let table = keys.map_or_else(|| "the file".to_string(), table_header);
        return (
            format!("missing key `{field}` in {table}"),
            format!("this {table} needs a `{field}`"),
        );
    }
    let title = match key_of_value_at(src, span.start) {
        Some(k) => format!("the config is not valid TOML: bad value for `{k}`"),
        None => "the config is not valid TOML".to_string(),
    };
    (title, msg.to_string())
}

/// serde's names for what was expected, as a user would say them.
fn type_words(want: &str) -> String {
    match want {
        "i64" | "u32" | "i32" | "u64" => "a whole number".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        w if w.starts_with("struct ") => "a table".into(),
        w => w.to_string(),
    }
}

/// `table.key` when byte `offset` is in the value of a one-line `key = value`.
fn key_of_value_at(src: &str, offset: usize) -> Option<String> {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = src[start..].split('\n').next().unwrap_or("");
    let eq = line.find('=')?;
    let key = line[..eq].trim();
    let plain = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\''))
    };
    if offset <= start + eq || !plain(key) {
        return None;
    }
    let table = src[..start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[').then(|| {
            l.split('#')
                .next()
                .unwrap_or(l)
                .trim()
                .trim_matches(['[', ']'])
                .trim()
                .to_string()
        })
    });
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The candidate within two edits of `word`, if one is.
fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance over characters, a swap of two neighbours counting as one
/// edit (optimal string alignment): `emial` is one edit from `email`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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

    /// An address as export will use it: checked here with the same parser,
    /// so that a bad one is found at load with its position.
    fn address(&self, key: &str, v: &Spanned<String>) -> Result<String, ConfigError> {
        let s = self.one_line(key, v)?;
        if let Err(e) = crate::address::parse_mailbox(&s) {
            return Err(self.err(
                v.span(),
                format!("`{s}` in `{key}` is not an email address"),
                &format!(
                    "{}; write `name@example.com` or `Name <name@example.com>`",
                    e.why
                ),
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
                        Ok(addr_spec(&a).to_lowercase())
                    })
                    .collect::<Result<_, ConfigError>>()?,
            },
            None => Me {
                name: String::new(),
                emails: Vec::new(),
            },
        };
        let update = self.update(raw.update)?;
        let (repos, empty_globs) = self.repos(&raw.repo, &mut warnings)?;
        let goals = self.goals(&raw.goal, &repos, &empty_globs, &mut warnings)?;
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
                self.subject(s, &text)?;
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

    /// The `[[repo]]` tables, globs expanded. A repository that both a glob
    /// and its own `[[repo]]` reach is listed once, as its own table says (so
    /// one repo of `~/src/*` can still get a `url`).
    /// `update.subject` must compile and render with the variables
    /// `commands::export::subject` gives it, so that a typo is found now
    /// rather than when the update is sent.
    fn subject(&self, s: &Spanned<String>, text: &str) -> Result<(), ConfigError> {
        let invalid = |e: TemplateError| {
            let label = if e.is_undefined_variable() {
                format!("a variable here is not one icu provides: {SUBJECT_VARIABLES}")
            } else {
                e.detail()
            };
            self.err(
                s.span(),
                "`update.subject` is not a valid template".into(),
                &label,
            )
        };
        render_subject(text, &SubjectContext::sample()).map_err(invalid)?;
        Ok(())
    }

    fn repos(
        &self,
        raw: &[RawRepo],
        warnings: &mut Vec<String>,
    ) -> Result<(Vec<RepoSpec>, Vec<String>), ConfigError> {
        struct Found {
            spec: RepoSpec,
            span: Range<usize>,
            from_glob: bool,
        }
        let mut found: Vec<Found> = Vec::new();
        let mut empty_globs = Vec::new();
        for r in raw {
            let path = self.path("repo.path", &r.path)?;
            let is_glob = r.path.get_ref().contains(['*', '?', '[']);
            if is_glob {
                for (key, v) in [("name", &r.name), ("url", &r.url)] {
                    if let Some(v) = v {
                        return Err(self.err(
                            v.span(),
                            format!(
                                "`{key}` cannot go with the glob path `{}`",
                                r.path.get_ref()
                            ),
                            "it would apply to every repository the glob finds; \
                             give that repository its own [[repo]] table",
                        ));
                    }
                }
                let paths = expand_repo_glob(&path).map_err(|e| {
                    self.err(
                        r.path.span(),
                        format!("`path` is not a valid glob: {}", r.path.get_ref()),
                        &e.kind().to_string(),
                    )
                })?;
                if paths.is_empty() {
                    empty_globs.push(r.path.get_ref().clone());
                    warnings.push(format!(
                        "{}: repo path `{}` matches no git repository",
                        self.path.display(),
                        r.path.get_ref()
                    ));
                }
                for p in paths {
                    let dup = found.iter().any(|f| f.spec.path == p);
                    if !dup {
                        found.push(Found {
                            spec: RepoSpec {
                                name: folder_name(&p),
                                path: p,
                                url: None,
                            },
                            span: r.path.span(),
                            from_glob: true,
                        });
                    }
                }
                continue;
            }
            let name = match &r.name {
                Some(n) => self.one_line("repo.name", n)?,
                None => folder_name(&path),
            };
            let url = r
                .url
                .as_ref()
                .map(|u| self.one_line("repo.url", u))
                .transpose()?;
            let spec = RepoSpec { path, name, url };
            let span = r.name.as_ref().map_or(r.path.span(), |n| n.span());
            match found.iter().position(|f| f.spec.path == spec.path) {
                Some(i) if found[i].from_glob => {
                    found[i] = Found {
                        spec,
                        span,
                        from_glob: false,
                    };
                }
                Some(i) => {
                    return Err(self.err(
                        r.path.span(),
                        format!(
                            "repository `{}` is listed twice (first on line {})",
                            spec.path.display(),
                            self.line_of(&found[i].span)
                        ),
                        "remove one of the two [[repo]] tables",
                    ));
                }
                None => found.push(Found {
                    spec,
                    span,
                    from_glob: false,
                }),
            }
        }
        let mut names: HashMap<&str, &Found> = HashMap::new();
        for f in &found {
            if let Some(first) = names.insert(&f.spec.name, f) {
                // Point at the later of the two in the file.
                let (first, second) = if first.span.start <= f.span.start {
                    (first, f)
                } else {
                    (f, first)
                };
                return Err(self.err(
                    second.span.clone(),
                    format!(
                        "two repos are named `{}` (the first on line {}): {} and {}",
                        f.spec.name,
                        self.line_of(&first.span),
                        first.spec.path.display(),
                        second.spec.path.display(),
                    ),
                    "give one of them another `name` in its own [[repo]] table",
                ));
            }
        }
        Ok((found.into_iter().map(|f| f.spec).collect(), empty_globs))
    }

    fn goals(
        &self,
        raw: &[RawGoal],
        repos: &[RepoSpec],
        empty_globs: &[String],
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
            if id == OTHER_KEY {
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
                        let name = r.get_ref();
                        let known = repos.iter().any(|s| &s.name == name);
                        let glob = empty_globs.iter().find(|g| glob_could_name(g, name));
                        match (known, glob) {
                            (true, _) => {}
                            // Its glob finds nothing here: maybe it is on another machine.
                            (false, Some(glob)) => warnings.push(format!(
                                "goal `{id}` names repo `{name}`, which `{glob}` does not find here"
                            )),
                            (false, None) => {
                                let defined: Vec<&str> =
                                    repos.iter().map(|s| s.name.as_str()).collect();
                                return Err(self.err(
                                    r.span(),
                                    format!(
                                        "goal `{id}` names repo `{name}`, which no [[repo]] defines"
                                    ),
                                    &if defined.is_empty() {
                                        "add a [[repo]] table with this name".to_string()
                                    } else {
                                        format!("defined repos: {}", defined.join(", "))
                                    },
                                ));
                            }
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
                    let last = detail.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
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

/// The address in `Name <addr>`, or all of `s`.
fn addr_spec(s: &str) -> &str {
    match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => s[i + 1..s.len() - 1].trim(),
        _ => s,
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

/// Whether the repo glob `pattern` could find a folder called `name`: its
/// last part matches it (`~/src/*` could find `search`).
fn glob_could_name(pattern: &str, name: &str) -> bool {
    let last = pattern
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    globset::Glob::new(last).is_ok_and(|g| g.compile_matcher().is_match(name))
}

fn folder_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| p.display().to_string())
}

/// How deep `**` in a repo path looks below the folder before it.
const MAX_GLOB_DEPTH: usize = 6;

/// Whether `p` is a git repository: a work tree with `.git`, or bare.
fn looks_like_repo(p: &Path) -> bool {
    p.join(".git").exists() || (p.join("HEAD").is_file() && p.join("objects").is_dir())
}

/// Every folder matching the glob `pattern` that is a git repository, sorted.
/// Walks down from the folders before the first wildcard; `**` walks up to
/// [`MAX_GLOB_DEPTH`] levels, skipping hidden folders and not descending into
/// a repository it found.
fn expand_repo_glob(pattern: &Path) -> Result<Vec<PathBuf>, globset::Error> {
    let text = pattern.to_string_lossy();
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()?
        .compile_matcher();
    let mut base = PathBuf::new();
    let mut depth = 0;
    let mut recursive = false;
    for c in pattern.components() {
        let s = c.as_os_str().to_string_lossy();
        if depth > 0 || s.contains(['*', '?', '[']) {
            depth += 1;
            recursive |= s.contains("**");
        } else {
            base.push(c);
        }
    }
    let max_depth = if recursive { MAX_GLOB_DEPTH } else { depth };
    let mut found = Vec::new();
    let mut frontier = vec![base];
    for level in 1..=max_depth {
        let mut next = Vec::new();
        for dir in &frontier {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                // `is_dir` follows a symlink to a folder.
                if !p.is_dir() || (recursive && e.file_name().to_string_lossy().starts_with('.')) {
                    continue;
                }
                let candidate = recursive || level == depth;
                if candidate && matcher.is_match(&p) && looks_like_repo(&p) {
                    found.push(p);
                } else if level < max_depth {
                    next.push(p);
                }
            }
        }
        frontier = next;
    }
    found.sort();
    found.dedup();
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

/// `s` as a TOML basic string: `"…"` with quotes, backslashes and control
/// characters escaped, so any text round-trips and reads as written.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", v.join(", "))
}

/// A commented starter config, filled from `o`. It loads as written; the
/// example goal is commented out. The comments follow DESIGN.md's schema.
pub fn starter(o: &StarterOptions) -> String {
    let mut t = String::new();
    t.push_str(
        "# icu's config: who you are, where your update goes, the repositories to\n\
         # scan and the goals you own. `icu goals` shows what it understood. The\n\
         # README's \"Configuration\" section has the whole schema.\n\
         # Paths take ~ and $VARIABLES; a relative path is relative to this file.\n\n",
    );
    t.push_str("[me]\n");
    t.push_str(&format!("name = {}\n", lit(&o.name)));
    t.push_str(
        "# A commit is yours when its author (after .mailmap) or a Co-authored-by:\n\
         # trailer has one of these addresses; add your other ones.\n",
    );
    t.push_str(&format!("emails = {}\n\n", list(&o.emails)));
    t.push_str("[update]\n");
    t.push_str(&format!(
        "cadence_days = {DEFAULT_CADENCE_DAYS}   # days an update covers when none was sent yet\n"
    ));
    t.push_str(
        "# Who `icu send` and `icu export --format eml` address: \"Name <addr>\" or \"addr\".\n",
    );
    t.push_str(&format!("to = {}   # your manager\n", list(&o.to)));
    t.push_str(&format!(
        "cc = {}   # e.g. your manager's manager\n",
        list(&o.cc)
    ));
    t.push_str(&format!(
        "# subject = {}\n\
         #   (variables: {SUBJECT_VARIABLES})\n",
        lit(DEFAULT_SUBJECT)
    ));
    t.push_str(
        "# dir = \"~/notes/updates\"            # where updates go (default: <data dir>/updates)\n",
    );
    t.push_str(
        "# template = \"~/notes/update.md.j2\"  # your own template (default: the built-in one)\n",
    );
    t.push_str(&format!(
        "# sendmail = {}         # what `icu send` runs: sendmail, msmtp -t, ...\n\n",
        lit(DEFAULT_SENDMAIL)
    ));
    t.push_str(
        "# The repositories icu scans. A path may be a glob: \"~/src/*\" adds every\n\
         # git repository there, each named after its folder.\n",
    );
    if o.repos.is_empty() {
        t.push_str("# [[repo]]\n# path = \"~/src/search\"\n\n");
    }
    for r in &o.repos {
        t.push_str("[[repo]]\n");
        t.push_str(&format!("path = {}\n", lit(r)));
        if !r.contains(['*', '?', '[']) {
            t.push_str("# name = \"search\"                        # default: the folder name\n");
            t.push_str("# url = \"https://github.com/acme/search\"  # links commits and PRs\n");
        }
        t.push('\n');
    }
    t.push_str(
        "# The goals you own, one [[goal]] each. A commit of yours counts for a goal\n\
         # when it is in one of its repos (default: all) and touches one of its\n\
         # paths, is on one of its branches, or its message matches one of its\n\
         # keywords; a goal with only `repos` claims every commit there. A commit\n\
         # no goal claims goes to \"Other work\": nothing is dropped.\n\
         #\n\
         # [[goal]]\n\
         # id = \"search-latency\"              # stable key: a-z, 0-9 and -; not \"other\"\n\
         # title = \"Cut search p99 latency to 200 ms\"\n\
         # status = \"on-track\"                # on-track | at-risk | off-track | done | paused\n\
         # due = 2027-03-31                   # optional\n\
         # success = \"p99 under 200 ms on the prod dashboard\"   # what you get credit for\n\
         # risk = \"the index rebuild slips past Q1\"             # what could fail\n\
         # repos = [\"search\"]                 # which [[repo]] names count (default: all)\n\
         # paths = [\"services/search/**\"]     # glob: a commit touching one counts\n\
         # branches = [\"search/*\"]            # glob over the local branches containing it\n\
         # keywords = [\"latency\", \"SEARCH-\\\\d+\"]  # regex over the commit message\n",
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
            (
                "[update]\ncadence_days = \"14\"\n",
                "wrong type for `update.cadence_days`: expected a whole number, found a string",
            ),
            (
                "me = 5\n",
                "wrong type for `me`: expected a table, found a number",
            ),
            (
                "[[goal]]\nid = \"g\"\ntitle = \"G\"\ndue = 2027-02-30\n",
                "bad value for `goal.due`",
            ),
            ("[[goal]]\nid = \"g\"\n", "missing key `title` in [[goal]]"),
            ("[me]\nname = \"Ada\\nBcc: x@y.z\"\n", "`me.name` contains"),
            (
                "[update]\ncc = [\"a@b.c\", \"@x\"]\n",
                "`@x` in `update.cc`",
            ),
            (
                "[update]\nsubject = \"{{ me.nmae }}\"\n",
                "not a valid template",
            ),
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

    #[test]
    fn messages_use_words_not_rust_types() {
        for text in [
            "me = 5\n",
            "[update]\ncadence_days = \"14\"\n",
            "[me]\nemails = \"a@b.c\"\n",
            "[[goal]]\nid = \"g\"\ntitle = \"G\"\nkeywords = \"x\"\n",
        ] {
            let e = parse_err(text).to_string();
            for jargon in ["struct", "i64", "sequence", "Raw"] {
                assert!(!e.contains(jargon), "{jargon} in:\n{e}");
            }
        }
        let e = parse_err("[update]\ncadence_days = \"14\"\n").to_string();
        assert!(e.contains("write the number without quotes: 14"), "{e}");
        let e = parse_err("[[goal]]\nid = \"g\"\ntitle = \"G\"\nkeywords = [\"(\"]\n").to_string();
        assert!(!e.contains("error: unclosed"), "{e}");
    }

    #[test]
    fn an_unknown_key_suggests_the_close_one() {
        let e = parse_err("[[goal]]\nid = \"g\"\ntitel = \"G\"\n").to_string();
        assert!(e.contains("unknown key `titel` in [[goal]]"), "{e}");
        assert!(e.contains("did you mean `title`?"), "{e}");
        assert!(e.contains("`keywords`"), "{e}");
        let e = parse_err("[update]\nfrobnicate = 1\n").to_string();
        assert!(!e.contains("did you mean"), "{e}");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("emial", "email"), 1);
        assert_eq!(closest("emial", &["name", "emails"]), Some("emails"));
    }

    #[test]
    fn syntax_errors_name_the_key_whose_value_is_bad() {
        assert_eq!(
            key_of_value_at("[me]\nname = \"Ada\n", 12).as_deref(),
            Some("me.name")
        );
        assert_eq!(key_of_value_at("x = [\n  3,\n", 9), None);
        assert_eq!(key_of_value_at("[me\n", 3), None);
        assert_eq!(key_of_value_at("[me\nname = 1\n", 2), None);
        assert_eq!(key_of_value_at("  due = x\n", 4), None);
        let e = parse_err("[[goal]] # g\nid = \"g\"\ntitle = \"G\"\ndue = 2027-13-01\n");
        assert_eq!((e.line, e.column), (Some(4), Some(7)));
        assert!(e.to_string().contains("`goal.due`"), "{e}");
    }

    #[test]
    fn emails_keep_the_address_only() {
        let c = parse_ok("[me]\nemails = [\"Ada L <Ada@Example.com>\", \"ADA@x.org\"]\n");
        assert_eq!(c.me.emails, vec!["ada@example.com", "ada@x.org"]);
    }

    #[test]
    fn the_subject_may_use_every_variable_icu_provides() {
        let vars: Vec<String> = SUBJECT_VARIABLES
            .split(", ")
            .map(|v| format!("{{{{ {v} }}}}"))
            .collect();
        let c = parse_ok(&format!("[update]\nsubject = {}\n", lit(&vars.join(" "))));
        assert!(c.update.subject.contains("period.until_short"));
        let e = parse_err("[update]\nsubject = \"{{ period.begin }}\"\n").to_string();
        assert!(e.contains("me.name, me.emails"), "{e}");
    }

    #[test]
    fn string_literals_round_trip() {
        for s in [
            "",
            "plain",
            "Zoë \"Z\" O'Neil",
            "back\\slash",
            "tab\tnl\ncr\r",
            "\u{7f}\u{1}\u{85}",
            "'''\"\"\"",
        ] {
            let v: toml::Table = toml::from_str(&format!("k = {}", lit(s))).unwrap();
            assert_eq!(v["k"].as_str(), Some(s), "{}", lit(s));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_name_round_trips_through_the_starter(name in "\\PC*|[\\x00-\\x7f]*") {
            let text = starter(&StarterOptions { name: name.clone(), ..StarterOptions::default() });
            let raw: RawConfig = toml::from_str(&text).unwrap();
            proptest::prop_assert_eq!(raw.me.unwrap().name.unwrap().into_inner(), name);
        }
    }

    #[test]
    fn a_glob_repo_takes_no_name_or_url() {
        let e = parse_err("[[repo]]\npath = \"/src/*\"\nname = \"x\"\n");
        assert_eq!((e.line, e.column), (Some(3), Some(8)));
        assert!(
            e.to_string().contains("cannot go with the glob path"),
            "{e}"
        );
        let e = parse_err("[[repo]]\npath = \"/src/*\"\nurl = \"https://x\"\n");
        assert!(e.to_string().contains("`url`"), "{e}");
    }

    #[test]
    fn a_repo_listed_by_a_glob_and_its_own_table_is_listed_once() {
        let d = tempfile::tempdir().unwrap();
        for n in ["a", "b"] {
            std::fs::create_dir_all(d.path().join(n).join(".git")).unwrap();
        }
        let root = d.path().display();
        // Either order: the table with the url wins.
        for text in [
            format!("[[repo]]\npath = \"{root}/*\"\n[[repo]]\npath = \"{root}/a\"\nname = \"alpha\"\nurl = \"https://x/a\"\n"),
            format!("[[repo]]\npath = \"{root}/a/\"\nname = \"alpha\"\nurl = \"https://x/a\"\n[[repo]]\npath = \"{root}/*\"\n"),
        ] {
            let c = parse_ok(&text);
            let mut got: Vec<_> = c.repos.iter().map(|r| (r.name.as_str(), r.url.as_deref())).collect();
            got.sort();
            assert_eq!(got, vec![("alpha", Some("https://x/a")), ("b", None)], "{text}");
        }
        let e = parse_err(&format!(
            "[[repo]]\npath = \"{root}/a\"\n[[repo]]\npath = \"{root}/a/\"\n"
        ));
        assert_eq!(e.line, Some(4));
        assert!(
            e.to_string().contains("is listed twice (first on line 2)"),
            "{e}"
        );
    }

    #[test]
    fn double_star_finds_nested_repositories() {
        let d = tempfile::tempdir().unwrap();
        for n in ["work/a", "oss/deep/b", "oss/deep/b/vendor/c", ".hidden/d"] {
            std::fs::create_dir_all(d.path().join(n).join(".git")).unwrap();
        }
        // A bare repository counts too.
        std::fs::create_dir_all(d.path().join("bare.git/objects")).unwrap();
        std::fs::write(d.path().join("bare.git/HEAD"), "ref: refs/heads/main\n").unwrap();
        let c = parse_ok(&format!("[[repo]]\npath = \"{}/**\"\n", d.path().display()));
        let names: Vec<_> = c.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["bare", "b", "a"]);
    }

    #[test]
    fn a_goal_may_name_a_repo_its_glob_does_not_find_here() {
        let c = parse_ok("[[repo]]\npath = \"/nowhere/*\"\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nrepos = [\"search\"]\n");
        assert_eq!(c.goals[0].repos, Some(vec!["search".to_string()]));
        assert!(
            c.warnings
                .iter()
                .any(|w| w.contains("`/nowhere/*` does not find here")),
            "{:?}",
            c.warnings
        );
        // A glob that finds repositories does not excuse a typo.
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("search/.git")).unwrap();
        let e = parse_err(&format!(
            "[[repo]]\npath = \"{}/*\"\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nrepos = [\"serach\"]\n",
            d.path().display()
        ));
        assert!(e.to_string().contains("defined repos: search"), "{e}");
    }

    #[test]
    fn fallback_is_the_one_repository() {
        let me = Me {
            name: "Ada".into(),
            emails: vec!["ada@x.org".into()],
        };
        let c = Config::fallback(me, PathBuf::from("/src/search"), &env());
        assert_eq!(c.repos.len(), 1);
        assert_eq!(c.repos[0].name, "search");
        assert!(c.goals.is_empty() && c.source.is_none());
        assert_eq!(c.update.cadence_days, DEFAULT_CADENCE_DAYS);
        assert_eq!(c.update.subject, DEFAULT_SUBJECT);
        assert_eq!(c.update.sendmail, DEFAULT_SENDMAIL);
    }

    #[test]
    fn load_explains_a_missing_file_and_bad_bytes() {
        let d = tempfile::tempdir().unwrap();
        let missing = d.path().join("icu.toml");
        let e = load(&missing, &env()).unwrap_err().to_string();
        assert!(
            e.starts_with("error: ")
                && e.contains(&missing.display().to_string())
                && e.contains("icu init"),
            "{e}"
        );
        let e = load(d.path(), &env()).unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
        std::fs::write(&missing, b"[me]\n\nname = \"Jos\xe9\"\n").unwrap();
        let e = load(&missing, &env()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(12)));
        std::fs::write(&missing, "  \n# only a comment\n").unwrap();
        assert!(load(&missing, &env())
            .unwrap_err()
            .to_string()
            .contains("icu init --force"));
    }

    /// Lines a config is made of, good and bad, for the property below.
    fn config_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("[me]".to_string()),
            Just("[update]".to_string()),
            Just("[[repo]]".to_string()),
            Just("[[goal]]".to_string()),
            Just("id = \"g\"".to_string()),
            Just("title = \"G\"".to_string()),
            Just("path = \"~/src/*\"".to_string()),
            Just("due = 2027-02-30".to_string()),
            Just("repos = [\"nope\"]".to_string()),
            Just("keywords = [\"(\"]".to_string()),
            "[a-z_]{1,12} = \"\\PC{0,12}\"",
            "[a-z_]{1,12} = [0-9]{1,3}",
            "\\PC{0,20}",
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_config_or_a_diagnostic(lines in proptest::collection::vec(config_line(), 0..10)) {
            let text = lines.join("\n");
            if let Err(e) = parse(&text, Path::new("/cfg/icu.toml"), &env()) {
                let shown = e.to_string();
                proptest::prop_assert!(shown.starts_with("error"), "{}", shown);
                proptest::prop_assert!(shown.contains("/cfg/icu.toml"), "{}", shown);
            }
        }
    }
}
