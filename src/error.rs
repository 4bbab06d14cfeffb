//! The one error type a command returns, and the exit codes (README.md,
//! "Exit codes"; [`ExitCode`]). Each layer has its own error type —
//! config, document, store, export, template, period — wrapped here with the
//! context the layer cannot know (which file, which key). No variant carries
//! a free-form string: each says what went wrong and what to do next.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::address::AddressError;
use crate::config::ConfigError;
use crate::doc::check::Problem;
use crate::doc::{DocError, EditedBlock};
use crate::export::ExportError;
use crate::period::PeriodError;
use crate::template::TemplateError;
use crate::updates::history::{Again, HistoryError};
use crate::updates::store::StoreError;

/// Process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything went as asked.
    Ok = 0,
    /// `check` found the update not ready, a send failed, an operation was
    /// refused to protect the user's text (`icu init` over a config too),
    /// the editor could not be started after the draft was written, or
    /// stdout was closed.
    NotReady = 1,
    /// Bad usage or a bad config; also a panic, which is one line saying it
    /// is a bug (`term::install_panic_hook`).
    Usage = 2,
    /// The reader of stdout went away (`icu log | head -1`): icu stops
    /// without a word, with the status a shell reports for a process that
    /// SIGPIPE ended (128 + 13), as git does.
    BrokenPipe = 141,
}

/// Every failure a command can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file could not be read or is invalid; the message is a full
    /// diagnostic naming the file, line and column.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// An update document could not be used as it is; it was left untouched.
    #[error("{}: {source}\nThe file was not changed.", path.display())]
    Doc { path: PathBuf, source: DocError },
    /// Reading or writing the updates dir failed, or was refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Exporting or sending failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A template from the config (`update.subject`, `update.template`) did
    /// not render.
    #[error("{key} failed to render: {source}")]
    Template {
        key: &'static str,
        source: TemplateError,
    },
    /// The update template (`update.template`) rendered an update icu
    /// cannot read back: its markers or front matter are broken. The line
    /// is the rendered update's, which `icu draft --print` shows.
    #[error("{key} ({template}) renders an update icu cannot read; in what it renders (`icu draft --print` shows it), {source}; fix the template's icu markers\nNo file was changed.")]
    TemplateOutput {
        key: &'static str,
        template: String,
        source: DocError,
    },
    /// The period asked for is empty or out of range.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// The notes journal could not be read, or a note not added; the
    /// journal was left as it was.
    #[error("{0}")]
    Journal(#[from] crate::sources::journal::JournalError),
    /// The update has prompts still unwritten and `--force` was not given.
    #[error("{}", unfinished(path, problems, verb))]
    Unfinished {
        path: PathBuf,
        problems: Vec<Problem>,
        /// `export` or `send`: what `--force` would do.
        verb: &'static str,
    },
    /// The update was already sent: refreshing, sending or marking it again
    /// needs `--force`.
    #[error("{} was already sent{}; {}", path.display(), at(*sent), again.advice())]
    AlreadySent {
        path: PathBuf,
        sent: Option<DateTime<FixedOffset>>,
        again: Again,
    },
    /// A send of the update began and never finished (`status = "sending"`):
    /// it may have been delivered. Sending it again needs `--force`; a
    /// refresh is refused.
    #[error("{}", send_under_way(path, *at, message_id.as_deref(), *again))]
    SendUnderWay {
        path: PathBuf,
        at: Option<DateTime<FixedOffset>>,
        message_id: Option<String>,
        again: Again,
    },
    /// The send under way could not be recorded before the mail program
    /// started (a full disk): nothing was sent.
    #[error("nothing was sent: icu records that a send is under way before it starts the mail program, and {} could not be recorded: {cause}", path.display())]
    SendNotRecorded { path: PathBuf, cause: Box<Error> },
    /// The mail program was stopped after it read the whole message: it
    /// may have delivered it. The update stays a send under way.
    #[error("{cause}\n{}", under_way_advice(path, *at, message_id))]
    MaybeSent {
        path: PathBuf,
        at: DateTime<FixedOffset>,
        message_id: String,
        cause: Box<Error>,
    },
    /// The mail program took the message and exited 0, but the update could
    /// not be marked sent: the mail is out, and the person must not send it
    /// again but record it.
    #[error("{}", sent_not_marked(path, command, *at, cause))]
    SentNotMarked {
        path: PathBuf,
        /// `update.sendmail`.
        command: String,
        /// The moment the mark would have recorded.
        at: DateTime<FixedOffset>,
        /// Why the mark failed.
        cause: Box<Error>,
    },
    /// A refresh would drop text the person wrote inside activity blocks,
    /// and `--force` was not given; the file was left as it is.
    #[error("{}", edited_blocks(path, blocks))]
    EditedBlocks {
        path: PathBuf,
        blocks: Vec<EditedBlock>,
    },
    /// Something in the environment or on the command line that clap could
    /// not check.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// Writing to a stream or rendering generated output failed.
    #[error("{action}: {source}")]
    Output {
        action: &'static str,
        source: std::io::Error,
    },
    /// stdout was closed when icu started (`icu goals >&-`): what icu had
    /// to print went nowhere.
    #[error("stdout is closed, so icu's output went nowhere; run it with stdout open (a file, a pipe, or /dev/null to discard it)")]
    StdoutClosed,
    /// The reader of stdout went away: nothing to say, nobody to read it.
    #[error("the reader of stdout went away")]
    BrokenPipe,
    /// The draft was written, but the editor could not be run on it.
    #[error("{} was written, but the editor `{editor}` could not be started: {source}; open the file yourself, or set $VISUAL or $EDITOR to an editor that runs", path.display())]
    EditorFailed {
        /// The update written.
        path: PathBuf,
        /// `$VISUAL`, `$EDITOR` or `vi`, as run.
        editor: String,
        source: std::io::Error,
    },
}

/// Why `icu explain` has no commit to explain: each names what was looked
/// for, where, and what to pass instead.
#[derive(Debug, thiserror::Error)]
pub enum ExplainMiss {
    /// `--repo NAME` names no configured repository.
    #[error(
        "no repository named `{name}` in your config (it has: {})",
        names(configured)
    )]
    NoSuchRepo {
        name: String,
        configured: Vec<String>,
    },
    /// REV names no commit in the repository `--repo` chose.
    #[error("`{rev}` names no commit in `{repo}` ({}); leave out --repo to look in every configured repository", path.display())]
    NotInRepo {
        rev: String,
        repo: String,
        path: PathBuf,
    },
    /// The repository `--repo` chose cannot be read.
    #[error("repo `{repo}` ({}) {reason}", path.display())]
    Unreadable {
        repo: String,
        path: PathBuf,
        /// libgit2's reason.
        reason: String,
    },
    /// REV names a commit in no configured repository. `--repo` would not
    /// help: it only picks among the repositories looked in already.
    #[error("`{rev}` names no commit in any configured repository ({}); check the id (`git log --oneline` in its repository), or add that repository to your config as a [[repo]]", names(configured))]
    Nowhere {
        rev: String,
        configured: Vec<String>,
    },
    /// REV names a commit in several repositories.
    #[error(
        "`{rev}` names a commit in several repositories ({}); pick one with --repo NAME",
        names(found)
    )]
    Several { rev: String, found: Vec<String> },
}

/// Repository names as a list, or `none`.
fn names(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Usage problems: what was given, why it cannot be used, what to do.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// An environment variable holds a value icu cannot use.
    #[error("{var}=`{value}` is {expected}")]
    BadEnv {
        var: &'static str,
        value: String,
        /// What is wrong with it, and what to do.
        expected: String,
    },
    /// FILE is not a file.
    #[error("{} is not a file; name an update such as 2026-11-23.md", .0.display())]
    NotAFile(PathBuf),
    /// No config file and not inside a repository.
    #[error(
        "{} is not inside a git repository and there is no config file: \
         run icu inside a repository, or run `icu init --repo PATH` to list your repositories",
        .0.display()
    )]
    NotInRepo(PathBuf),
    /// No email to recognise the user's commits by.
    #[error(
        "git config user.email is not set, so icu cannot tell which commits are yours: \
         run `git config --global user.email you@example.com`, or `icu init --email you@example.com`"
    )]
    NoIdentity,
    /// `icu init` found no email at all.
    #[error(
        "no email to recognise your commits: pass --email you@example.com (repeatable), \
         or set `git config --global user.email`"
    )]
    NoInitEmail,
    /// An address given to `icu init` (`--email`, `--to`, `--cc`) is not one
    /// address.
    #[error("{}", init_address(flag, source))]
    InitAddress {
        /// The flag, without its dashes.
        flag: &'static str,
        source: AddressError,
    },
    /// `icu draft` found no repository it could scan: an update written now
    /// would say "no commits" for every goal.
    #[error("{}", no_repository(config.as_deref(), repos))]
    NoRepository {
        /// The config file, when there is one.
        config: Option<PathBuf>,
        /// The configured repositories (name, path), none of which could be
        /// opened; empty when the config lists none.
        repos: Vec<(String, PathBuf)>,
    },
    /// `icu draft FILE --date D` where FILE is the update of another date.
    #[error("{} is the update dated {file_date}, and --date {date} names another: leave out --date (FILE gives the date), or FILE (to draft the update of {date})", file.display())]
    DraftDate {
        file: PathBuf,
        file_date: NaiveDate,
        date: NaiveDate,
    },
    /// `icu recap --until` before `--since`.
    #[error("--until {until} is before --since {since}: give the span's first day first")]
    RecapSpan { since: NaiveDate, until: NaiveDate },
    /// `icu note --goal ID` names no goal of the config.
    #[error("no goal `{goal}` in your config (its goals: {}); leave out --goal and the note goes where its words match a goal's keywords, else to Other work", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownNoteGoal { goal: String, known: Vec<String> },
    /// `icu note --at` a time a sent update holds.
    #[error("{at} is in the period of the update dated {date}, which was sent: a note there would be in no update. Leave out --at (the note is taken now, for the next update), or give a time after {end}")]
    NoteInSentPeriod {
        at: String,
        date: chrono::NaiveDate,
        end: String,
    },
    /// `icu note -` could not read stdin (not text, or closed).
    #[error("the note could not be read from stdin: {0}")]
    BadStdin(String),
    /// `icu note` with no words.
    #[error("the note is empty: write it after `icu note`, or `icu note -` to read it from stdin")]
    EmptyNote,
    /// `icu recap --goal ID` names no goal of the span's updates.
    #[error("no sent update in the span has a goal `{0}`; `icu recap --json` lists the ids it found (goals[].id)")]
    RecapGoal(String),
    /// `icu source NAME` names no `[[source]]` of the config.
    #[error(
        "no [[source]] named `{name}` in {}{}",
        config.as_ref().map_or_else(|| "the config (there is no config file)".to_string(), |p| p.display().to_string()),
        if configured.is_empty() {
            "; it has none: add a [[source]] table (README.md, \"Work beyond commits\")".to_string()
        } else {
            format!(" (it has: {})", configured.join(", "))
        }
    )]
    NoSuchSource {
        name: String,
        /// The config file, when there is one.
        config: Option<PathBuf>,
        /// The names of its sources.
        configured: Vec<String>,
    },
    /// `icu explain` cannot find the commit it is asked about.
    #[error(transparent)]
    Explain(#[from] ExplainMiss),
    /// `icu init` would overwrite a config.
    #[error("{} already exists; icu leaves it as it is. Pass --force to overwrite it (the old one is kept as .bak)", .0.display())]
    ConfigExists(PathBuf),
    /// `update.template` cannot be read.
    #[error("update.template {} cannot be read: {source}; fix the path or remove the key to use the built-in template", path.display())]
    TemplateUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `icu send` without `--yes` and no terminal to ask on (stdin and
    /// stderr both one): it never sends without a yes.
    #[error("icu send asks before it sends, and there is no terminal to ask on (stdin and stderr are not both one); nothing was sent. Pass --yes to send without asking")]
    SendNeedsYes,
    /// `-` (stdin) named for a command that writes the update back.
    #[error("`-` (stdin) is no file that icu could mark sent; name the update's file, or leave FILE out for the newest")]
    StdinNotAFile,
    /// `-o -` (stdout) with `--open`, or `--open` on an update read from
    /// stdin with no `-o`: there is no file to open.
    #[error("--open needs a file to open: name one with -o FILE (not `-`)")]
    OpenNeedsAFile,
}

fn at(sent: Option<DateTime<FixedOffset>>) -> String {
    sent.map(|t| format!(" at {}", t.to_rfc3339()))
        .unwrap_or_default()
}

/// Which repositories could not be scanned, and what to fix.
fn no_repository(config: Option<&std::path::Path>, repos: &[(String, PathBuf)]) -> String {
    let config = config.map_or_else(|| "your config".to_string(), |p| p.display().to_string());
    if repos.is_empty() {
        return format!(
            "no repository to scan: {config} has no [[repo]] that finds one here; \
             add a [[repo]] table with the path of a repository (or fix the glob that finds none); \
             nothing was written"
        );
    }
    let listed: Vec<String> = repos
        .iter()
        .map(|(name, path)| format!("`{name}` ({})", path.display()))
        .collect();
    let (what, fix) = match repos.len() {
        1 => (
            format!("the one repository in {config} could not be scanned"),
            "fix its `path` under [[repo]] (or repair it: `git fsck` in it tells what is damaged)",
        ),
        n => (
            format!("none of the {n} repositories in {config} could be scanned"),
            "fix their `path` under [[repo]] (or repair them: `git fsck` tells what is damaged)",
        ),
    };
    format!(
        "{what} (the warnings above say why): {}; \
         {fix}, or remove what no longer exists; nothing was written",
        listed.join(", ")
    )
}

/// What `icu init --FLAG VALUE` should have been given instead.
fn init_address(flag: &str, e: &AddressError) -> String {
    // A double-quoted shell word that is exactly `s`.
    let word = |s: &str| {
        let mut w = String::from("\"");
        for c in s.chars() {
            if matches!(c, '"' | '\\' | '$' | '`') {
                w.push('\\');
            }
            w.push(c);
        }
        w.push('"');
        w
    };
    match e {
        AddressError::Invalid { value, why } => format!(
            "--{flag} {} is not an email address ({why}); give name@example.com or \"Name <name@example.com>\"",
            word(value)
        ),
        AddressError::Several { value, parts } => {
            let each: Vec<String> = parts
                .iter()
                .map(|p| format!("--{flag} {}", word(p)))
                .collect();
            format!(
                "--{flag} {} holds {} addresses; give --{flag} once per address: {}",
                word(value),
                parts.len(),
                each.join(" ")
            )
        }
    }
}

/// What to check and run when a send began and never finished.
fn send_under_way(
    path: &std::path::Path,
    at: Option<DateTime<FixedOffset>>,
    message_id: Option<&str>,
    again: Again,
) -> String {
    let when = at.map_or_else(|| "an unknown time".to_string(), |t| t.to_rfc3339());
    let refused = match again {
        Again::Refresh => "icu does not refresh it",
        Again::Send => "icu does not send it again without --force",
        Again::Mark => "",
    };
    format!(
        "{} may already have been delivered: a send began at {when} and did not finish, so {refused}.\n{}",
        path.display(),
        under_way_advice(path, at, message_id.unwrap_or_default()),
    )
}

/// What to check, and run, for an update whose send began at `at` and
/// may have delivered the mail with Message-ID `message_id`.
fn under_way_advice(
    path: &std::path::Path,
    at: impl Into<Option<DateTime<FixedOffset>>>,
    message_id: &str,
) -> String {
    let file = shell_words::quote(&path.to_string_lossy()).into_owned();
    let when = at
        .into()
        .map_or_else(|| "an unknown time".to_string(), |t| t.to_rfc3339());
    let id = if message_id.is_empty() {
        String::new()
    } else {
        format!(" (Message-ID <{message_id}>)")
    };
    format!(
        "Look in your sent folder for the mail{id}.\n\
         If it was delivered, record it (sent at {when}):\n  icu sent {file}\n\
         If not, send it (with a new Message-ID, in the same thread):\n  icu send --force {file}\n\
         or make it a draft again to edit it:\n  icu sent --undo {file}"
    )
}

fn sent_not_marked(
    path: &std::path::Path,
    command: &str,
    at: DateTime<FixedOffset>,
    cause: &Error,
) -> String {
    let file = shell_words::quote(&path.to_string_lossy()).into_owned();
    format!(
        "the update WAS sent: `{command}` took the whole message and exited 0. \
         But {} could not be marked sent: {}.\n\
         Do not send it again. Record that it was sent with:\n  icu sent --at {} {file}",
        path.display(),
        why_not_marked(cause),
        at.to_rfc3339(),
    )
}

/// Why a mark failed, without the advice the error gives elsewhere ("run the
/// command again" is the wrong advice once the mail is out).
fn why_not_marked(cause: &Error) -> String {
    match cause {
        Error::Store(StoreError::Changed { .. } | StoreError::SavedMeanwhile { .. }) => {
            "it changed on disk while the mail was going out; the change is kept, \
             and it is not in the mail"
                .to_string()
        }
        Error::Store(StoreError::SavedBeside { theirs, .. }) => format!(
            "it was saved while icu was marking it; that save is in {}",
            theirs.display()
        ),
        Error::Store(StoreError::Io {
            action,
            path,
            source,
        }) => format!("{action} {}: {source}", path.display()),
        other => other.to_string(),
    }
}

fn unfinished(path: &std::path::Path, problems: &[Problem], verb: &str) -> String {
    let mut msg = format!("{} is not finished:\n", path.display());
    for p in problems {
        msg.push_str(&format!(
            "  line {} [{}]: {}\n",
            p.line, p.section, p.message
        ));
    }
    msg.push_str(&format!(
        "Write those parts, or pass --force to {verb} an unfinished update"
    ));
    msg
}

fn edited_blocks(path: &std::path::Path, blocks: &[EditedBlock]) -> String {
    let mut msg = format!(
        "{}: your text inside icu's activity blocks would be lost, so the file was not changed.\n",
        path.display()
    );
    for b in blocks {
        msg.push_str(&b.to_string());
    }
    msg.push_str(&format!(
        "Move that text out of the block (above its `<!-- icu:activity … -->` line or below `<!-- /icu:activity -->`) and run `icu draft` again, or run `icu draft --force` to replace it (the file as it is now is kept as {})",
        crate::updates::store::backup_path(path).display()
    ));
    msg
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            // A refusal that protects the person's config, not a misuse.
            Error::Usage(UsageError::ConfigExists(_)) => ExitCode::NotReady,
            Error::BrokenPipe => ExitCode::BrokenPipe,
            Error::Config(_)
            | Error::Usage(_)
            | Error::Template { .. }
            | Error::TemplateOutput { .. }
            | Error::Period(_) => ExitCode::Usage,
            Error::Export(e) if e.is_config() => ExitCode::Usage,
            Error::Store(e) if e.is_usage() => ExitCode::Usage,
            Error::Doc { .. }
            | Error::Journal(_)
            | Error::Store(_)
            | Error::Export(_)
            | Error::Unfinished { .. }
            | Error::AlreadySent { .. }
            | Error::SendUnderWay { .. }
            | Error::SendNotRecorded { .. }
            | Error::MaybeSent { .. }
            | Error::SentNotMarked { .. }
            | Error::EditedBlocks { .. }
            | Error::Output { .. }
            | Error::StdoutClosed
            | Error::EditorFailed { .. } => ExitCode::NotReady,
        }
    }

    /// A document error, with the file it is in.
    pub fn doc(path: impl Into<PathBuf>, source: DocError) -> Self {
        Error::Doc {
            path: path.into(),
            source,
        }
    }
}

impl From<HistoryError> for Error {
    fn from(e: HistoryError) -> Self {
        match e {
            HistoryError::Store(e) => Error::Store(e),
            HistoryError::Doc { path, source } => Error::Doc { path, source },
            HistoryError::AlreadySent { path, sent, again } => {
                Error::AlreadySent { path, sent, again }
            }
            HistoryError::SendUnderWay {
                path,
                at,
                message_id,
                again,
            } => Error::SendUnderWay {
                path,
                at,
                message_id,
                again,
            },
        }
    }
}
