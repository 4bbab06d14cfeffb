//! The TOML schema (`icu.toml`): finding the file, parsing it, validating it
//! into a [`Config`] whose globs and regexes are compiled, and diagnostics that
//! name the file, line and column of every problem.
//!
//! This file owns the validated types and the entry points ([`locate`],
//! [`load`], [`parse`]); the work is in its submodules, in the order a config
//! goes through them:
//!
//! - `raw`: the serde structs, the TOML as written, spans kept;
//! - `validate`: raw to [`Config`], every check pointing at its value;
//! - `repo_glob`: the repositories a `[[repo]]` glob finds on disk;
//! - `diagnostic`: [`ConfigError`] and toml's errors in a user's words;
//! - `starter`: the commented config `icu init` writes.
//!
//! The schema itself is documented in README.md ("Configuration").

mod diagnostic;
mod raw;
mod repo_glob;
mod starter;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use globset::GlobSet;
use regex::Regex;
use serde::Serialize;

pub use diagnostic::ConfigError;
pub use starter::{starter, StarterOptions};

use crate::forge::Forge;
use crate::template::DEFAULT_SUBJECT;
use diagnostic::{floor_char_boundary, toml_error};
use repo_glob::folder_name;
use validate::Validator;

/// The key of the "Other work" block; no goal may take it as its id.
pub const OTHER_KEY: &str = "other";

/// The key of the block that opens the goals with the update's totals, each
/// commit counted once; no goal may take it as its id either.
pub const TOTALS_KEY: &str = "totals";

/// Default sendmail-compatible command line.
pub const DEFAULT_SENDMAIL: &str = "sendmail -t -i";
/// Default length of a period when no update was sent yet.
pub const DEFAULT_CADENCE_DAYS: u32 = 14;
/// Default `update.list_limit`: the items an export shows of one list of
/// commits or credits.
pub const DEFAULT_LIST_LIMIT: usize = 30;
/// Default `update.lang`: the language the mail's HTML part declares.
pub const DEFAULT_LANG: &str = "en";
/// Default `[[source]] timeout`: how long a source's command may run.
pub const DEFAULT_SOURCE_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest `[[source]] timeout`, in seconds: a day, as for the
/// timeouts icu reads from the environment.
pub const MAX_SOURCE_TIMEOUT_SECS: i64 = 86_400;
/// Source names a `[[source]]` may not take: the notes journal's
/// (`sources::NOTES`; a test keeps the two equal).
pub const RESERVED_SOURCE_NAMES: [&str; 1] = ["notes"];

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` when icu runs without a config.
    pub source: Option<PathBuf>,
    pub me: Me,
    pub update: UpdateSettings,
    pub repos: Vec<RepoSpec>,
    pub goals: Vec<Goal>,
    /// `[[link]]`: ticket keys in commit subjects made links, in order.
    pub links: Vec<LinkRule>,
    /// `[[skip]]`: commits kept out of the activity, in order.
    pub skip: Vec<SkipRule>,
    pub credit: CreditSettings,
    /// `[[source]]`: commands whose output is work beyond commits, in order.
    pub sources: Vec<SourceSpec>,
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
    // The sender and threading of the mail, and the program `--open` uses.
    /// `From:` as written; `None`: `me.name` and the first of `me.emails`
    /// that is not a no-reply address (`export::sender`).
    pub from: Option<String>,
    /// The envelope sender the mail program is given with `-f`: the
    /// address of `from` when it is set, `envelope_from` is not `false` and
    /// the program is one icu knows takes `-f` (and is not given it
    /// already); `None`: the program chooses (validate's
    /// `envelope_sender`).
    pub envelope_sender: Option<String>,
    pub reply_to: Vec<String>,
    /// Recipients who get the mail without a header naming them.
    pub bcc: Vec<String>,
    /// Whether an update's mail replies to the last one sent
    /// (`In-Reply-To`, `References`), so a mail client shows one thread.
    pub thread: bool,
    /// The program `icu export --format eml --open` opens the `.eml` with; a
    /// `{}` in it is the file's path. `None`: the desktop's default.
    pub mail_client: Option<String>,
    /// `mail_client` runs in this terminal, and icu waits for it (neomutt),
    /// rather than on its own, detached (Thunderbird).
    pub mail_client_terminal: bool,
    /// How many items of one activity list (a repository's commits or
    /// credits) an export shows before a line saying how many more the
    /// update names; `None` (`list_limit = 0`): every one. The update
    /// itself always names them all.
    pub list_limit: Option<usize>,
    /// The language the update is written in, a BCP 47 tag (`en`,
    /// `de-CH`): the HTML part's `<html lang>`, which screen readers and
    /// translation offers go by.
    pub lang: String,
}

/// The trailers that credit me by default: those git.git and the Linux
/// kernel use for review and help.
pub const DEFAULT_CREDIT_TRAILERS: [&str; 7] = [
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Helped-by",
    "Mentored-by",
    "Suggested-by",
    "Reported-by",
];

/// The `[credit]` table: whether changes of others that credit me are
/// shown, and which trailers count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditSettings {
    pub enabled: bool,
    /// Trailer keys as written (matched case-insensitively).
    pub trailers: Vec<String>,
}

impl Default for CreditSettings {
    fn default() -> Self {
        CreditSettings {
            enabled: true,
            trailers: DEFAULT_CREDIT_TRAILERS.map(String::from).to_vec(),
        }
    }
}

impl CreditSettings {
    /// The trailer keys for the scan; `None` when credit is off.
    pub fn trailers(&self) -> Option<&[String]> {
        self.enabled.then_some(self.trailers.as_slice())
    }
}

/// One `[[repo]]` after glob expansion: a concrete path.
#[derive(Debug, Clone, Serialize)]
pub struct RepoSpec {
    pub path: PathBuf,
    pub name: String,
    pub url: Option<String>,
    /// `forge`: how links to this repository are written, when its URL's
    /// host does not say (`None`: from the host, see `forge::resolve`).
    pub forge: Option<Forge>,
    /// Whether remote-tracking branches (`refs/remotes/*`) are scanned as
    /// well as local ones (`remotes = false` keeps to local branches).
    pub remotes: bool,
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
    pub paths: Option<Globs>,
    /// Compiled `branches` globs; `None` when the key is absent or empty.
    pub branches: Option<Globs>,
    /// Compiled `keywords` regexes (empty when absent).
    pub keywords: Vec<Regex>,
}

/// Compiled globs with the patterns as written, so that `icu explain` can
/// name the one that matched.
#[derive(Debug, Clone)]
pub struct Globs {
    set: GlobSet,
    patterns: Vec<String>,
}

impl Globs {
    /// `patterns[i]` is the pattern compiled as glob `i` of `set`.
    pub fn new(set: GlobSet, patterns: Vec<String>) -> Globs {
        Globs { set, patterns }
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.set.is_match(s)
    }

    /// The first pattern, as written, that matches `s`.
    pub fn first_match(&self, s: &str) -> Option<&str> {
        self.set
            .matches(s)
            .first()
            .map(|&i| self.patterns[i].as_str())
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// One rule of a goal, as compiled: what `attribute` matches a commit
/// against. [`Rule::Repos`] says where the goal looks; the others say which
/// commits there it claims, any one of them being enough.
#[derive(Debug, Clone, Copy)]
pub enum Rule<'g> {
    /// `repos`: the names of the repositories it looks in.
    Repos(&'g [String]),
    /// `paths`: globs over the files a commit touches.
    Paths(&'g Globs),
    /// `branches`: globs over the branches that contain a commit.
    Branches(&'g Globs),
    /// `keywords`: regexes searched in a commit's message.
    Keywords(&'g [Regex]),
}

impl Rule<'_> {
    /// A rule that must be met for any other to count, and that claims
    /// everything where it is met when it is the goal's only kind.
    pub fn is_scope(&self) -> bool {
        matches!(self, Rule::Repos(_))
    }
}

impl Goal {
    /// The rules the goal has, the scope ([`Rule::Repos`]) first, then in
    /// the order `icu explain` gives its reasons.
    pub fn rules(&self) -> impl Iterator<Item = Rule<'_>> {
        let keywords = (!self.keywords.is_empty()).then_some(self.keywords.as_slice());
        [
            self.repos.as_deref().map(Rule::Repos),
            self.paths.as_ref().map(Rule::Paths),
            self.branches.as_ref().map(Rule::Branches),
            keywords.map(Rule::Keywords),
        ]
        .into_iter()
        .flatten()
    }

    /// A goal with no rule at all claims nothing.
    pub fn has_matchers(&self) -> bool {
        self.rules().next().is_some()
    }
}

/// One `[[link]]`: each match of `pattern` in a commit subject icu lists
/// becomes a link to `href`, with `$0`, `$1`, `${name}` replaced by the
/// match and its groups (as `regex::Captures::expand`); `text`, the same,
/// is the link's text (default: the match).
#[derive(Debug, Clone)]
pub struct LinkRule {
    pub pattern: Regex,
    pub href: String,
    pub text: Option<String>,
}

/// One `[[skip]]`: a commit whose message matches `message` and whose author
/// matches `author` (each when given; at least one is) is left out of the
/// activity and its counts.
#[derive(Debug, Clone)]
pub struct SkipRule {
    /// Searched in the message (its first 64 KiB, as `keywords`).
    pub message: Option<Regex>,
    /// Matched against the author's email and name (after `.mailmap`).
    pub author: Option<Wildcard>,
    /// The rule as written, with its line, for `-v`:
    /// `[[skip]] on line 12: message = "^Bump CI"`.
    pub shown: String,
}

/// A pattern where `*` is any run of characters and `?` any one character,
/// everything else literal (`dependabot[bot]` is itself), matched against
/// the whole text, case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(Vec<char>);

impl Wildcard {
    pub fn new(pattern: &str) -> Wildcard {
        Wildcard(
            pattern
                .trim()
                .chars()
                .flat_map(char::to_lowercase)
                .collect(),
        )
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        let p = &self.0;
        let (mut i, mut j) = (0, 0);
        // Where the last `*` was, and where in `t` it is taken up to.
        let mut star: Option<(usize, usize)> = None;
        while i < t.len() {
            if j < p.len() && (p[j] == '?' || (p[j] != '*' && p[j] == t[i])) {
                i += 1;
                j += 1;
            } else if j < p.len() && p[j] == '*' {
                star = Some((j, i));
                j += 1;
            } else if let Some((sj, si)) = star {
                star = Some((sj, si + 1));
                i = si + 1;
                j = sj + 1;
            } else {
                return false;
            }
        }
        p[j..].iter().all(|&c| c == '*')
    }
}

/// One `[[source]]`: a command run through `sh` once per draft, whose
/// output lines are items of work (`sources::command` runs it; README.md,
/// "Work beyond commits", is the contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// A word (`[a-z0-9-]+`), unique among the sources: how the update, its
    /// warnings and `icu source NAME` call it.
    pub name: String,
    /// The shell command line, as written (it may span lines).
    pub command: String,
    /// How long it may run before it is stopped with all it started.
    pub timeout: Duration,
    /// The goal id of its items that name none; a goal of the config.
    pub goal: Option<String>,
    /// The repository of its items that name none.
    pub repo: Option<String>,
    /// The line of its `[[source]]` header, for messages.
    pub line: usize,
    /// Where the command runs: the config file's folder, so that a relative
    /// path in it is relative to the config, as every path there is.
    pub dir: PathBuf,
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

/// `<config folder>/icu.toml` ([`folders`]).
pub fn default_config_path() -> PathBuf {
    folders().config.join("icu.toml")
}

/// `<data folder>/updates` ([`folders`]), the default `update.dir`.
pub fn default_updates_dir() -> PathBuf {
    folders().data.join("updates")
}

/// icu's own folders: where its config is looked for, and where its
/// updates go by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folders {
    pub config: PathBuf,
    pub data: PathBuf,
    /// On macOS, the folder of icu 0.1.0 that is used because the new one
    /// does not exist yet (see [`folders`]).
    pub moved_from: Option<PathBuf>,
}

/// icu's folders on this machine.
///
/// On Linux and macOS they are the XDG base directories: `$XDG_CONFIG_HOME/icu`
/// (else `~/.config/icu`) and `$XDG_DATA_HOME/icu` (else
/// `~/.local/share/icu`). That is where git and gh keep their files on
/// macOS too: icu is configured by a file the person edits in a terminal,
/// looks for it where those tools taught them to, and a dotfiles repository
/// carries it from machine to machine unchanged. macOS's own folder,
/// `~/Library/Application Support`, is the one apps with a window keep their
/// state in; icu 0.1.0 used it (through the `directories` crate), so while
/// `~/Library/Application Support/icu` exists and the new config folder
/// does not, that folder is still used for both, and [`Folders::moved_from`]
/// names it for a hint to move it. On Windows, the platform's folders from
/// the `directories` crate (`%APPDATA%\icu\config`, `%APPDATA%\icu\data`).
pub fn folders() -> Folders {
    let project = directories::ProjectDirs::from("", "", "icu");
    if cfg!(windows) {
        return match project {
            Some(d) => Folders {
                config: d.config_dir().to_path_buf(),
                data: d.data_dir().to_path_buf(),
                moved_from: None,
            },
            None => Folders {
                config: PathBuf::new(),
                data: PathBuf::new(),
                moved_from: None,
            },
        };
    }
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    // 0.1.0's folder, which was `directories`' choice only on macOS.
    let old = project
        .filter(|_| cfg!(target_os = "macos"))
        .map(|d| d.config_dir().to_path_buf());
    xdg_folders(
        var("HOME").as_deref(),
        var("XDG_CONFIG_HOME"),
        var("XDG_DATA_HOME"),
        old.as_deref(),
    )
}

/// The XDG folders of icu for `home` and the two variables (a relative
/// path in one is ignored, as the XDG specification says); `old`, a
/// folder an earlier icu used for both, when it exists and the new config
/// folder does not.
fn xdg_folders(
    home: Option<&Path>,
    xdg_config: Option<PathBuf>,
    xdg_data: Option<PathBuf>,
    old: Option<&Path>,
) -> Folders {
    let home = home.unwrap_or(Path::new(""));
    let base = |var: Option<PathBuf>, default: &str| {
        var.filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(default))
            .join("icu")
    };
    let config = base(xdg_config, ".config");
    let data = base(xdg_data, ".local/share");
    match old {
        Some(old) if old.is_dir() && !config.exists() => Folders {
            config: old.to_path_buf(),
            data: old.to_path_buf(),
            moved_from: Some(old.to_path_buf()),
        },
        _ => Folders {
            config,
            data,
            moved_from: None,
        },
    }
}

/// The process environment icu reads: `$HOME` for `~` and the variables for
/// `$VAR` expansion, captured once so that tests can seal it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub home: Option<PathBuf>,
    pub vars: std::collections::BTreeMap<String, String>,
    /// Whether `%VAR%` is expanded in paths too, as Windows writes a
    /// variable (`%USERPROFILE%\src`); on Windows only.
    pub percent_vars: bool,
}

impl Env {
    /// The environment of this process.
    pub fn from_process() -> Env {
        Env {
            // Windows seldom sets HOME (Git Bash does): `~` is then
            // %USERPROFILE%, as Git for Windows takes it.
            home: std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE").filter(|_| cfg!(windows)))
                .map(PathBuf::from),
            vars: std::env::vars().collect(),
            percent_vars: cfg!(windows),
        }
    }
}

/// Reads and validates the config at `path`.
pub fn load(path: &Path, env: &Env) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| {
        // Windows says "access denied" for a folder.
        let kind = if path.is_dir() {
            std::io::ErrorKind::IsADirectory
        } else {
            e.kind()
        };
        let what = match kind {
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
    let mut reading = raw::read(src);
    let errors: Vec<ConfigError> = (reading.errors.iter())
        .map(|e| toml_error(path, src, e))
        .collect();
    match reading.raw.take() {
        Some(raw) => Validator::new(src, path, env, errors, reading).config(raw),
        None => Err(ConfigError::many(errors)),
    }
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
            from: None,
            envelope_sender: None,
            reply_to: Vec::new(),
            bcc: Vec::new(),
            thread: true,
            mail_client: None,
            mail_client_terminal: false,
            list_limit: Some(DEFAULT_LIST_LIMIT),
            lang: DEFAULT_LANG.to_string(),
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
                forge: None,
                remotes: true,
            }],
            goals: Vec::new(),
            links: Vec::new(),
            skip: Vec::new(),
            credit: CreditSettings::default(),
            sources: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sealed environment: `~` is `/home/ada`, `$SRC` is `/src`.
    pub(super) fn env() -> Env {
        let mut e = Env {
            home: Some(PathBuf::from("/home/ada")),
            ..Env::default()
        };
        e.vars.insert("SRC".into(), "/src".into());
        e
    }

    /// `t` parsed as `/cfg/icu.toml`, which must be valid.
    pub(super) fn parse_ok(t: &str) -> Config {
        parse(t, Path::new("/cfg/icu.toml"), &env()).unwrap()
    }

    /// The error `t`, parsed as `/cfg/icu.toml`, must give.
    pub(super) fn parse_err(t: &str) -> ConfigError {
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

    /// XDG's variables where absolute, else `~/.config` and `~/.local/share`;
    /// on macOS, 0.1.0's folder while the new one does not exist.
    #[test]
    fn the_folders_follow_xdg_and_an_old_folder_until_moved() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        let plain = xdg_folders(Some(h), None, None, None);
        assert_eq!(plain.config, h.join(".config/icu"));
        assert_eq!(plain.data, h.join(".local/share/icu"));
        let set = xdg_folders(Some(h), Some("/x/c".into()), Some("rel".into()), None);
        assert_eq!(set.config, Path::new("/x/c/icu"));
        assert_eq!(
            set.data,
            h.join(".local/share/icu"),
            "a relative path is ignored"
        );
        let old = h.join("Library/Application Support/icu");
        let gone = xdg_folders(Some(h), None, None, Some(&old));
        assert_eq!(gone, plain, "no old folder: the new ones");
        std::fs::create_dir_all(&old).unwrap();
        let kept = xdg_folders(Some(h), None, None, Some(&old));
        assert_eq!((&kept.config, &kept.data), (&old, &old));
        assert_eq!(kept.moved_from.as_deref(), Some(old.as_path()));
        std::fs::create_dir_all(h.join(".config/icu")).unwrap();
        let moved = xdg_folders(Some(h), None, None, Some(&old));
        assert_eq!(moved, plain, "once the new folder exists it is used");
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
