//! The whole command-line surface, as clap derive types. Dates, `--since`
//! and `--at` are parsed here by value parsers into the period's types, so a
//! bad one is a usage error before any command runs.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::period::{parse_date, parse_since, parse_when, Since, When};

/// The heading the options every subcommand takes are listed under in each
/// `--help`, apart from the subcommand's own, as git and cargo set them apart.
const GLOBAL: &str = "Global options";

/// icu — the clerical half of your regular update to your manager.
///
/// icu reads the goals you own from a TOML config, finds your commits since the
/// last update in your git repositories (and the changes of others you reviewed,
/// applied or merged), and writes a Markdown skeleton with the activity per goal,
/// the asks still open, and prompts where your own sentences go. It never writes
/// prose: that part is yours.
#[derive(Debug, Parser)]
// The version, and the commit when built from git (build.rs).
#[command(name = "icu", version = env!("ICU_VERSION"), propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Start with `icu init`, then `icu draft` every two weeks. \
                        Exit codes: 0 ok, 1 not ready, refused or failed, 2 usage or config error; `icu man` has more."
)]
pub struct Cli {
    /// Config file [default: $ICU_CONFIG, else <config dir>/icu.toml]
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    // The line above is clap's help text, shown as written (`<config dir>`
    // is a placeholder, not HTML); the help snapshots pin it.
    #[allow(rustdoc::invalid_html_tags)]
    pub config: Option<PathBuf>,

    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Print the identity used and what the scan did to stderr
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,

    /// When to use colour (NO_COLOR is honoured in auto mode)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = GLOBAL)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The subcommands, in the order a user meets them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter config (identity from git config)
    Init(InitArgs),
    /// List the goals you own: status, due, commits this period, a sparkline
    Goals(GoalsArgs),
    /// Create or refresh the update for a date (default today)
    Draft(DraftArgs),
    /// List unfilled prompts and other problems; exit 1 when not ready
    Check(FileArg),
    /// Render the finished update for email (md, html, text, eml)
    Export(ExportArgs),
    /// Pipe the update as email to update.sendmail, then mark it sent
    Send(SendArgs),
    /// Mark an update as sent by other means
    Sent(SentArgs),
    /// When the next update is due, what is unwritten, open asks
    Status(StatusArgs),
    /// Past updates: date, period, status, open asks
    Log(LogArgs),
    /// Your own words from the sent updates of a span, per goal, with the asks
    Recap(RecapArgs),
    /// Why a commit is (or is not) in your update, and under which goal
    Explain(ExplainArgs),
    /// Note work that leaves no commit (a review, a talk, a design doc), for the next update
    Note(NoteArgs),
    /// Run one `[[source]]` for an update's period: the items it gives and its problems
    Source(SourceArgs),
    /// Print the embedded update template, or with --context the JSON a template sees
    Template(TemplateArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

/// `icu init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Your name [default: git config user.name]
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// An email address that counts as you (repeatable) [default: git config user.email]
    #[arg(long = "email", value_name = "E")]
    pub emails: Vec<String>,
    /// Your manager's address (repeatable)
    #[arg(long, value_name = "A")]
    pub to: Vec<String>,
    /// Your manager's manager's address (repeatable)
    #[arg(long, value_name = "A")]
    pub cc: Vec<String>,
    /// A repository to scan (repeatable; a glob such as ~/src/* adds every repo there) [default: the current repository]
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,
    /// Overwrite an existing config
    #[arg(long)]
    pub force: bool,
}

/// `icu goals`
#[derive(Debug, Args)]
pub struct GoalsArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Include done and paused goals
    #[arg(long)]
    pub all: bool,
    /// The day the period ends (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

/// `icu draft`
#[derive(Debug, Args)]
pub struct DraftArgs {
    /// The update to refresh; its date is the one its front matter records [default: the update of --date]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The update's date (YYYY-MM-DD); the period ends at the end of it [default: today]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Start of the period: YYYY-MM-DD, or relative such as 14d or 2w [default: where the last sent update's activity ended]
    #[arg(long, value_name = "D", value_parser = parse_since)]
    pub since: Option<Since>,
    /// Write the draft to stdout and touch no file
    #[arg(long)]
    pub print: bool,
    /// Do not open the draft in your editor (chosen as git chooses it)
    #[arg(long)]
    pub no_edit: bool,
    /// Do what a refresh would refuse to: refresh an update already marked sent, and
    /// replace text written inside an activity block (the file as it was is kept as .bak)
    #[arg(long)]
    pub force: bool,
}

/// An optional update file; the newest in the updates dir by default.
#[derive(Debug, Args)]
pub struct FileArg {
    /// The update file, `-` for stdin [default: the newest in the updates dir]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// Output formats of `icu export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Html,
    Text,
    Eml,
}

/// `icu export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The update file, `-` for stdin [default: the newest in the updates dir]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Format,
    /// Write to this file instead of stdout (`-` is stdout)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Export even when `icu check` says the update is unfinished
    #[arg(long)]
    pub force: bool,
    /// Replace OUT if it is an existing file (never an update)
    #[arg(long)]
    pub overwrite: bool,
    /// Open the file written (beside the update without -o) and return at once: an .eml with
    /// update.mail_client if set, else with the desktop's default application
    #[arg(long)]
    pub open: bool,
}

/// `icu send`
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The update file [default: the newest in the updates dir]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Print the message and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Send without asking; without a terminal to ask on, icu sends only with --yes
    #[arg(short, long)]
    pub yes: bool,
    /// Send even when `icu check` says the update is unfinished, was already sent, or a
    /// send of it did not finish (a resend gets a new Message-ID)
    #[arg(long)]
    pub force: bool,
}

/// `icu sent`
#[derive(Debug, Args)]
pub struct SentArgs {
    /// The update file [default: the newest in the updates dir]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// When it was sent: RFC 3339 time, or a date meaning the end of that day [default: now]
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub at: Option<When>,
    /// Mark it again even if it is already marked sent (moves the next period)
    #[arg(long)]
    pub force: bool,
    /// Make an update whose `icu send` did not finish (status "sending") a draft again,
    /// when the mail was not delivered
    #[arg(long, conflicts_with_all = ["at", "force"])]
    pub undo: bool,
}

/// `icu status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// `icu log`
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// `icu recap`
#[derive(Debug, Args)]
pub struct RecapArgs {
    /// First update date included (YYYY-MM-DD) [default: the first update]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Last update date included (YYYY-MM-DD) [default: no end; open asks and gaps run to today]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Only the goal with this id (ids join a goal's renames)
    #[arg(long, value_name = "ID")]
    pub goal: Option<String>,
    /// Output format (eml is not offered: a recap is for you, not a mail)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = RecapFormat::Md)]
    pub format: RecapFormat,
    /// Write to this file instead of stdout
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Replace OUT if it is an existing file (never an update)
    #[arg(long)]
    pub overwrite: bool,
    /// Machine-readable output (the same structure)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// `icu explain`
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The commit: anything git understands (a hash, HEAD~2, a branch)
    #[arg(value_name = "REV")]
    pub rev: String,
    /// The configured repository to look in [default: the one icu runs in, else the only one with REV]
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// The update's date whose period to compare with [default: today]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// `icu note`
#[derive(Debug, Args)]
pub struct NoteArgs {
    /// What happened; `-` reads it from stdin
    #[arg(value_name = "TEXT", required_unless_present = "list")]
    pub text: Vec<String>,
    /// The goal it is about [default: a goal whose keywords match the text, else Other work]
    #[arg(long, value_name = "ID", conflicts_with = "list")]
    pub goal: Option<String>,
    /// When it happened: RFC 3339 time, or a date meaning the start of that day [default: now]
    #[arg(long, value_name = "WHEN", value_parser = crate::period::parse_note_time, conflicts_with = "list")]
    pub at: Option<When>,
    /// Show the notes no sent update holds yet, instead of taking one
    #[arg(long)]
    pub list: bool,
    /// Machine-readable output (with --list)
    #[arg(long, requires = "list")]
    pub json: bool,
}

/// `icu source`
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The `name` of a `[[source]]` in the config
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The update's date (YYYY-MM-DD) whose period the source is run for [default: today]
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Start of the period: YYYY-MM-DD, or relative such as 14d or 2w [default: as for `icu draft`]
    #[arg(long, value_name = "D", value_parser = parse_since)]
    pub since: Option<Since>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
}

/// `icu recap --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecapFormat {
    Md,
    Html,
    Text,
}

/// `icu template`
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Print the context a template sees for the update of --date, as JSON, instead of the template
    #[arg(long)]
    pub context: bool,
    /// The update's date (YYYY-MM-DD), with --context [default: today]
    #[arg(long, value_name = "D", value_parser = parse_date, requires = "context")]
    pub date: Option<NaiveDate>,
    /// Start of the period, with --context: YYYY-MM-DD, or relative such as 14d or 2w [default: as for `icu draft`]
    #[arg(long, value_name = "D", value_parser = parse_since, requires = "context")]
    pub since: Option<Since>,
}

/// `icu completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
