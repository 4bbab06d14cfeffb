//! One short file per subcommand: orchestration only. This module holds what
//! they share — the run context (now, time zone, config, terminal output) and
//! how errors and warnings reach the user.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, FixedOffset, Local, NaiveDate};

use crate::cli::{Cli, ColorChoice, Command};
use crate::config::{self, Config};
use crate::error::{Error, ExitCode};

mod check;
mod draft;
mod export;
mod goals;
mod init;
mod log;
mod meta;
mod send;
mod sent;
mod status;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let ctx = Ctx::from_process(&cli)?;
    // Lets the test suite prove that a bug reaches the user as a message.
    if ctx.env.vars.contains_key("ICU_TEST_PANIC") {
        panic!("ICU_TEST_PANIC is set");
    }
    match cli.command {
        Command::Init(a) => init::run(&ctx, a),
        Command::Goals(a) => goals::run(&ctx, a),
        Command::Draft(a) => draft::run(&ctx, a),
        Command::Check(a) => check::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Send(a) => send::run(&ctx, a),
        Command::Sent(a) => sent::run(&ctx, a),
        Command::Status => status::run(&ctx),
        Command::Log(a) => log::run(&ctx, a),
        Command::Completions(a) => meta::completions(a),
        Command::Man => meta::man(),
    }
}

/// What every command needs from the outside world, read once here so that
/// the code below never touches the clock or the environment itself.
pub struct Ctx {
    /// `--config` as given.
    pub config_flag: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: bool,
    pub color: ColorChoice,
    /// The current time. `ICU_NOW` (RFC 3339) fixes it, for tests and for
    /// reproducing a run.
    pub now: DateTime<FixedOffset>,
    pub cwd: PathBuf,
    pub env: config::Env,
}

impl Ctx {
    fn from_process(cli: &Cli) -> Result<Ctx, Error> {
        let now = match std::env::var("ICU_NOW") {
            Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
                .map_err(|_| Error::Usage(format!("ICU_NOW=`{s}` is not an RFC 3339 time")))?,
            _ => Local::now().fixed_offset(),
        };
        let cwd =
            std::env::current_dir().map_err(|e| Error::io("finding the current folder", ".", e))?;
        Ok(Ctx {
            config_flag: cli.config.clone(),
            quiet: cli.quiet,
            verbose: cli.verbose,
            color: cli.color,
            now,
            cwd,
            env: config::Env::from_process(),
        })
    }

    /// Today in the local time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&Local).date_naive()
    }

    /// `--date`, or today.
    pub fn date_arg(&self, arg: Option<&str>) -> Result<NaiveDate, Error> {
        match arg {
            Some(s) => crate::period::parse_date(s).map_err(Error::Usage),
            None => Ok(self.today()),
        }
    }

    /// The config file's path and whether the user named it.
    pub fn config_path(&self) -> (PathBuf, bool) {
        let env = self.env.vars.get("ICU_CONFIG").map(std::ffi::OsStr::new);
        config::locate(self.config_flag.as_deref(), env)
    }

    /// Loads the config; with no config file at all, falls back to the git
    /// identity and the current repository (DESIGN.md), with a hint.
    pub fn load_config(&self) -> Result<Config, Error> {
        let (path, explicit) = self.config_path();
        if path.exists() || explicit {
            let cfg = config::load(&path, &self.env)?;
            for w in &cfg.warnings {
                self.warn(w);
            }
            return self.with_identity(cfg);
        }
        let cfg = self.fallback_config()?;
        self.hint(&format!(
            "no config at {}: scanning this repository only, with no goals. Run `icu init` to set up your goals",
            path.display()
        ));
        Ok(cfg)
    }

    /// The updates dir, for commands that need nothing else from the config
    /// (with no config file: the default dir, where a config-less draft goes).
    pub fn updates_dir(&self) -> Result<PathBuf, Error> {
        let (path, explicit) = self.config_path();
        if path.exists() || explicit {
            Ok(config::load(&path, &self.env)?.update.dir)
        } else {
            Ok(config::default_updates_dir())
        }
    }

    /// The update a command works on: FILE, else the newest in the updates dir.
    pub fn resolve_file(&self, file: Option<&Path>) -> Result<PathBuf, Error> {
        match file {
            Some(f) if f.is_file() => Ok(f.to_path_buf()),
            Some(f) => Err(Error::Usage(format!(
                "{} is not a file; name an update such as 2026-11-23.md",
                f.display()
            ))),
            None => crate::store::latest(&self.updates_dir()?),
        }
    }

    /// A config without `[me]` takes the identity from git config.
    fn with_identity(&self, mut cfg: Config) -> Result<Config, Error> {
        if cfg.me.emails.is_empty() {
            let (name, email) = crate::scan::git_identity(Some(&self.cwd));
            let email = email.ok_or_else(no_identity)?;
            cfg.me.emails = vec![email.to_lowercase()];
            if cfg.me.name.is_empty() {
                cfg.me.name = name.unwrap_or_else(|| email.clone());
            }
        }
        Ok(cfg)
    }

    fn fallback_config(&self) -> Result<Config, Error> {
        let repo = crate::scan::discover(&self.cwd).ok_or_else(|| {
            Error::Usage(format!(
                "{} is not inside a git repository and there is no config file: \
                 run icu inside a repository, or run `icu init --repo PATH` to list your repositories",
                self.cwd.display()
            ))
        })?;
        let (name, email) = crate::scan::git_identity(Some(&repo));
        let email = email.ok_or_else(no_identity)?;
        Ok(Config::fallback(
            config::Me {
                name: name.unwrap_or_else(|| email.clone()),
                emails: vec![email.to_lowercase()],
            },
            repo,
            &self.env,
        ))
    }

    fn stderr(&self) -> anstream::AutoStream<std::io::Stderr> {
        anstream::AutoStream::new(std::io::stderr(), stream_choice(self.color))
    }

    /// Whether stdout gets colour.
    pub fn stdout_color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }

    /// A warning: something was skipped, the rest goes on.
    pub fn warn(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let s = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
        let _ = writeln!(self.stderr(), "{s}warning{s:#}: {msg}");
    }

    /// A hint: what to do next.
    pub fn hint(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let s = Style::new().bold().fg_color(Some(AnsiColor::Cyan.into()));
        let _ = writeln!(self.stderr(), "{s}hint{s:#}: {msg}");
    }

    /// A line of progress or result on stderr (stdout stays for data).
    pub fn info(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let _ = writeln!(self.stderr(), "{msg}");
    }

    /// A line only with `--verbose`.
    pub fn debug(&self, msg: &str) {
        if self.verbose {
            let _ = writeln!(self.stderr(), "{msg}");
        }
    }
}

fn no_identity() -> Error {
    Error::Usage(
        "git config user.email is not set, so icu cannot tell which commits are yours: \
         run `git config --global user.email you@example.com`, or `icu init --email you@example.com`"
            .into(),
    )
}

fn stream_choice(c: ColorChoice) -> anstream::ColorChoice {
    match c {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    }
}

/// Prints an error the way every command reports one.
pub fn report_error(err: &Error, color: ColorChoice) {
    let mut out = anstream::AutoStream::new(std::io::stderr(), stream_choice(color));
    let s = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let text = err.to_string();
    // Config diagnostics already start with `error:`.
    if text.starts_with("error") {
        let _ = writeln!(out, "{text}");
    } else {
        let _ = writeln!(out, "{s}error{s:#}: {text}");
    }
}

/// No panic reaches the user as a backtrace: it becomes one message that
/// says it is a bug, and the process exits with code 2.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "error: icu hit a bug{place}: {what}\nNo file was left half-written. Please report this with the command you ran."
        );
        std::process::exit(ExitCode::Usage as i32);
    }));
}

/// Writes to stdout; a closed pipe (`icu log | head`) ends quietly.
pub fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing to", "stdout", e)),
    }
}

/// Whether stdin and stdout are both a terminal (a person is there).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
