//! One short file per subcommand: orchestration only. This module holds what
//! they share — the run context (now, time zone, config, terminal output) and
//! how errors and warnings reach the user.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

use crate::attribute::{attribute, attribute_items, Attribution};
use crate::cli::{Cli, Command};
use crate::compose;
use crate::config::{self, Config};
use crate::doc::asks::Ask;
use crate::doc::frontmatter;
use crate::doc::stale::Stale;
use crate::error::{Error, ExitCode, UsageError};
use crate::export::{Envelope, Purpose};
use crate::period::{self, Period, Since};
use crate::scan::{self, Identity, RepoActivity};
use crate::skip;
use crate::sources;
use crate::template::plural;
use crate::term::Term;
use crate::updates::history::{self, LastSent};
use crate::updates::store;

mod check;
mod draft;
mod explain;
mod export;
mod goals;
mod init;
mod log;
mod meta;
mod note;
mod recap;
mod send;
mod sent;
mod source;
mod status;
mod template;

/// What FILE names when an update is read from stdin (`icu check -`).
pub const STDIN: &str = "<stdin>";

/// A timeout icu reads from the environment, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct EnvTimeout {
    /// The variable.
    pub var: &'static str,
    /// The timeout when the variable is unset.
    pub default: Duration,
    /// What waits that long, for the message: "the mail program".
    pub waiting: &'static str,
}

/// The longest timeout icu takes from the environment: a day. What has not
/// finished by then will not, and much larger numbers overflow what a
/// `Duration` (or a deadline after now) can hold.
const MAX_ENV_TIMEOUT_SECS: f64 = 86_400.0;

/// `ICU_SCAN_TIMEOUT`: how long the scan of one repository may take before
/// icu gives up on it (`scan::scan_all`). Read by the commands that scan
/// for an update — `icu draft`, `icu goals`, `icu template --context` —
/// before anything else, so that a bad value stops them before any work.
pub const ICU_SCAN_TIMEOUT: EnvTimeout = EnvTimeout {
    var: "ICU_SCAN_TIMEOUT",
    default: scan::SCAN_TIMEOUT,
    waiting: "one repository's scan",
};

impl EnvTimeout {
    /// The timeout `value` (the variable's value; `None` when unset) sets,
    /// by one policy for every such variable: unset is the default; a
    /// number of seconds above 0 and at most a day is taken; anything else
    /// is a usage error (exit 2) quoting the value and saying what icu
    /// takes. Never a warning and the default: a timeout the person set
    /// and icu ignored would bound the wait by a number nobody chose.
    pub fn read(&self, value: Option<&str>) -> Result<Duration, Error> {
        let Some(s) = value else {
            return Ok(self.default);
        };
        let bad = |problem: String| {
            Error::Usage(UsageError::BadEnv {
                var: self.var,
                value: s.to_string(),
                expected: format!(
                    "{problem}; unset it for the default of {}",
                    self.default.as_secs()
                ),
            })
        };
        match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_ENV_TIMEOUT_SECS => {
                Ok(Duration::from_secs_f64(v))
            }
            Ok(v) if v > MAX_ENV_TIMEOUT_SECS => Err(bad(format!(
                "more than {MAX_ENV_TIMEOUT_SECS} seconds (a day), the longest icu waits for {}",
                self.waiting
            ))),
            _ => Err(bad("not a number of seconds above 0".into())),
        }
    }
}

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
        Command::Status(a) => status::run(&ctx, a),
        Command::Log(a) => log::run(&ctx, a),
        Command::Recap(a) => recap::run(&ctx, a),
        Command::Explain(a) => explain::run(&ctx, a),
        Command::Note(a) => note::run(&ctx, a),
        Command::Source(a) => source::run(&ctx, a),
        Command::Template(a) => template::run(&ctx, a),
        Command::Completions(a) => meta::completions(a),
        Command::Man => meta::man(),
    }
}

/// What every command needs from the outside world, read once here so that
/// the code below never touches the clock or the environment itself.
pub struct Ctx {
    /// `--config` as given.
    pub config_flag: Option<PathBuf>,
    /// Where messages go.
    pub term: Term,
    /// The current time. `ICU_NOW` (RFC 3339) fixes it, for tests and for
    /// reproducing a run.
    pub now: DateTime<FixedOffset>,
    pub cwd: PathBuf,
    pub env: config::Env,
    /// The config file as loaded, once a command asked ([`Ctx::config_file`]).
    file: OnceCell<Option<Config>>,
    /// The config a command works with, once a command asked
    /// ([`Ctx::load_config`]).
    config: OnceCell<Config>,
}

impl Ctx {
    fn from_process(cli: &Cli) -> Result<Ctx, Error> {
        let now = match std::env::var("ICU_NOW") {
            Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s).map_err(|_| {
                Error::Usage(UsageError::BadEnv {
                    var: "ICU_NOW",
                    value: s.clone(),
                    expected: "not an RFC 3339 time".into(),
                })
            })?,
            _ => Local::now().fixed_offset(),
        };
        let cwd = std::env::current_dir().map_err(|e| Error::Output {
            action: "finding the current folder",
            source: e,
        })?;
        Ok(Ctx {
            config_flag: cli.config.clone(),
            term: Term {
                quiet: cli.quiet,
                verbose: cli.verbose,
                color: cli.color,
            },
            now,
            cwd,
            env: config::Env::from_process(),
            file: OnceCell::new(),
            config: OnceCell::new(),
        })
    }

    /// The timeout `t` sets in this run's environment ([`EnvTimeout::read`]).
    pub fn timeout(&self, t: &EnvTimeout) -> Result<Duration, Error> {
        t.read(self.env.vars.get(t.var).map(String::as_str))
    }

    /// Today in the local time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&Local).date_naive()
    }

    /// `--date`, or today.
    pub fn date_or_today(&self, arg: Option<NaiveDate>) -> NaiveDate {
        arg.unwrap_or_else(|| self.today())
    }

    /// The config file's path and whether the user named it.
    pub fn config_path(&self) -> (PathBuf, bool) {
        let env = self.env.vars.get("ICU_CONFIG").map(std::ffi::OsStr::new);
        config::locate(self.config_flag.as_deref(), env)
    }

    /// The config file, read and validated once per run however many
    /// times it is asked for (its repository globs walked once), as written:
    /// no identity filled in, no warning said. `None` when there is no file
    /// and none was named. A file that does not load is an error each time.
    pub fn config_file(&self) -> Result<Option<&Config>, Error> {
        if let Some(file) = self.file.get() {
            return Ok(file.as_ref());
        }
        let (path, explicit) = self.config_path();
        let file = if path.exists() || explicit {
            Some(config::load(&path, &self.env)?)
        } else {
            None
        };
        Ok(self.file.get_or_init(|| file).as_ref())
    }

    /// The config a command works with, made once per run: the file with
    /// its warnings said and the identity filled in; with no config file at
    /// all, the git identity and the current repository (README.md, "no
    /// config"), with a hint.
    pub fn load_config(&self) -> Result<&Config, Error> {
        if let Some(cfg) = self.config.get() {
            return Ok(cfg);
        }
        let cfg = match self.config_file()? {
            Some(file) => {
                for w in &file.warnings {
                    self.term.warn(w);
                }
                self.with_identity(file.clone())?
            }
            None => {
                let cfg = self.fallback_config()?;
                let (path, _) = self.config_path();
                self.term.hint(&format!(
                    "no config at {}: scanning this repository only, with no goals. Run `icu init` to set up your goals",
                    path.display()
                ));
                cfg
            }
        };
        if let Some(old) = config::folders().moved_from {
            self.term.hint(&format!(
                "icu reads its config and updates from {}, where icu 0.1.0 kept them on macOS; move that folder's icu.toml to ~/.config/icu/ and its updates to ~/.local/share/icu/ (or set update.dir), as git and gh keep theirs",
                old.display()
            ));
        }
        Ok(self.config.get_or_init(|| cfg))
    }

    /// Warns of each goal with no rule (no repos, paths, branches or
    /// keywords): it claims no commit. Said where it matters — `icu goals`,
    /// `icu draft` and `icu check` — and not by every command that reads the
    /// config.
    pub fn warn_goals_without_rules(&self, cfg: &Config) {
        for g in cfg.goals.iter().filter(|g| !g.has_matchers()) {
            self.term.warn(&format!(
                "goal `{}` has no repos, paths, branches or keywords, so no commit is attributed to it",
                g.id
            ));
        }
    }

    /// How many items of an activity list an export shows
    /// (`update.list_limit`; with no config file, the default). Every
    /// format reads it, so a config that does not load stops every export.
    pub fn list_limit(&self) -> Result<Option<usize>, Error> {
        Ok(self
            .config_file()?
            .map_or(Some(config::DEFAULT_LIST_LIMIT), |c| c.update.list_limit))
    }

    /// The updates dir, for commands that need nothing else from the config
    /// (with no config file: the default dir, where a config-less draft goes).
    pub fn updates_dir(&self) -> Result<PathBuf, Error> {
        Ok(self
            .config_file()?
            .map_or_else(config::default_updates_dir, |c| c.update.dir.clone()))
    }

    /// The update a command works on: FILE, else the newest in the updates
    /// dir. `-` is refused: a command that needs the file writes it back.
    pub fn resolve_file(&self, file: Option<&Path>) -> Result<PathBuf, Error> {
        match file {
            Some(f) if is_stdin(f) => Err(UsageError::StdinNotAFile.into()),
            Some(f) if f.is_file() => Ok(f.to_path_buf()),
            Some(f) => Err(UsageError::NotAFile(f.to_path_buf()).into()),
            None => Ok(store::latest(&self.updates_dir()?)?),
        }
    }

    /// The update a command only reads: FILE, `-` for stdin (named
    /// [`STDIN`] in messages), else the newest in the updates dir. Returns
    /// its name and its text.
    pub fn read_doc(&self, file: Option<&Path>) -> Result<(PathBuf, String), Error> {
        if !file.is_some_and(is_stdin) {
            let path = self.resolve_file(file)?;
            let text = store::read(&path)?;
            return Ok((path, text));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|source| {
            Error::Output {
                action: "reading the update from stdin",
                source,
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| store::StoreError::NotUtf8 {
            path: PathBuf::from(STDIN),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Ok((PathBuf::from(STDIN), text))
    }

    /// A config without `[me]` emails takes the identity from git, as git
    /// reports it in each configured repository (so an `includeIf` that
    /// gives the work repositories the work address counts there): every
    /// address found counts as me, the first name found is my name. With no
    /// repository to ask, git is asked where icu runs. `-v` prints each.
    fn with_identity(&self, mut cfg: Config) -> Result<Config, Error> {
        if !cfg.me.emails.is_empty() {
            self.term.debug(&format!(
                "identity from [me] in {}: {}",
                cfg.source
                    .as_ref()
                    .map_or_else(|| "the config".to_string(), |p| p.display().to_string()),
                show_identity(Some(&cfg.me.name), &cfg.me.emails)
            ));
            return Ok(cfg);
        }
        let mut dirs: Vec<PathBuf> = cfg
            .repos
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| p.is_dir())
            .collect();
        if dirs.is_empty() {
            dirs.push(self.cwd.clone());
        }
        let mut name = None;
        for dir in &dirs {
            let (n, e) = self.identity_for(dir);
            name = name.or(n);
            if let Some(e) = e.map(|e| e.to_lowercase()) {
                if !cfg.me.emails.contains(&e) {
                    cfg.me.emails.push(e);
                }
            }
        }
        let first = cfg.me.emails.first().cloned().ok_or_else(no_identity)?;
        if cfg.me.name.is_empty() {
            cfg.me.name = name.unwrap_or(first);
        }
        Ok(cfg)
    }

    /// The git identity in `dir`, said with `-v`.
    fn identity_for(&self, dir: &Path) -> (Option<String>, Option<String>) {
        let (name, email) = crate::scan::git_identity(Some(dir));
        self.term.debug(&format!(
            "identity for {}: {}",
            dir.display(),
            show_identity(name.as_deref(), email.as_slice())
        ));
        (name, email)
    }

    fn fallback_config(&self) -> Result<Config, Error> {
        let repo = crate::scan::discover(&self.cwd)
            .ok_or_else(|| UsageError::NotInRepo(self.cwd.clone()))?;
        let (name, email) = self.identity_for(&repo);
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

    /// Scans every repository for the period and attributes the commits,
    /// reporting unusable repositories as warnings. Credit is looked for
    /// from `credit_since` on (`None`: over the whole period). Each
    /// repository's scan is given `timeout`: what the command read from
    /// [`ICU_SCAN_TIMEOUT`] before it began.
    pub fn scan_and_attribute(
        &self,
        cfg: &Config,
        period: &Period,
        detail: scan::Detail,
        credit_since: Option<i64>,
        timeout: Duration,
    ) -> Scanned {
        let me = Identity::of(&cfg.me, cfg.credit.trailers(), credit_since);
        let (mut repos, warnings) =
            scan::scan_all(&cfg.repos, period.window_at(self.now), &me, detail, timeout);
        for w in &warnings {
            self.term.warn(&w.to_string());
        }
        for m in repos.iter().filter_map(|r| maybe_mine_warning(cfg, r)) {
            self.term.warn(&m);
        }
        for r in &repos {
            // Commits of mine that were the same work as a listed one.
            let folded: usize = r
                .commits
                .iter()
                .filter_map(|c| c.folded.as_ref())
                .map(|f| f.ids.len())
                .sum();
            self.term.debug(&format!(
                "scan: {}: visited {}, {} in the window, {} mine, {} crediting you{}",
                r.name,
                plural(r.visited, "commit", "commits"),
                r.in_window,
                r.commits.len(),
                r.credits.len(),
                if folded > 0 {
                    format!(" (and {folded} folded into them as the same work)")
                } else {
                    String::new()
                }
            ));
        }
        self.date_backports(&cfg.update.dir, &mut repos);
        let skipped = skip::apply(&cfg.skip, &mut repos);
        for s in &skipped {
            self.term.debug(&format!(
                "skip: {}: {} {} (by {})",
                s.repo, s.short, s.subject, s.rule
            ));
        }
        let attribution = attribute(&cfg.goals, &repos);
        Scanned {
            repos,
            attribution,
            skipped,
        }
    }

    /// Gives each backport the date of the sent update whose period holds
    /// its original (`scan::BackportOf::update`): work that update counted,
    /// which the backport does not count again.
    fn date_backports(&self, dir: &Path, repos: &mut [RepoActivity]) {
        let mut backports = repos
            .iter_mut()
            .flat_map(|r| r.commits.iter_mut())
            .filter_map(|c| c.backport_of.as_mut())
            .peekable();
        if backports.peek().is_none() {
            return;
        }
        let (spans, warnings) = history::spans(dir);
        for w in &warnings {
            self.term.warn(w);
        }
        for b in backports {
            b.update = history::holder(&spans, b.time)
                .filter(|s| s.status == frontmatter::Status::Sent)
                .map(|s| s.date);
        }
    }

    /// An update from a scan that opened no repository would say "no
    /// commits" for every goal: that is a config problem, not a quiet
    /// period. One repository missing among several is only a warning.
    pub fn require_a_repository(
        &self,
        cfg: &Config,
        scanned: &[RepoActivity],
    ) -> Result<(), Error> {
        if !scanned.is_empty() {
            return Ok(());
        }
        Err(UsageError::NoRepository {
            config: cfg.source.clone(),
            repos: cfg
                .repos
                .iter()
                .map(|r| (r.name.clone(), r.path.clone()))
                .collect(),
        }
        .into())
    }

    /// The last update sent before `date`, warning about updates skipped.
    pub fn last_sent(&self, dir: &Path, date: NaiveDate) -> Option<LastSent> {
        let (last, warnings) = history::last_sent(dir, date);
        for w in &warnings {
            self.term.warn(w);
        }
        last
    }

    /// The Message-IDs of the updates sent before the one dated `date`,
    /// oldest first, for its mail to reply to (`history::thread`); none
    /// with `[update] thread = false`. Warns about updates it cannot read.
    pub fn mail_thread(&self, cfg: &Config, date: NaiveDate) -> Vec<String> {
        if !cfg.update.thread {
            return Vec::new();
        }
        let (ids, warnings) = history::thread(&cfg.update.dir, date);
        for w in &warnings {
            self.term.warn(w);
        }
        ids
    }

    /// The mail of the update at `path`, read as `text` and exported as
    /// `markdown`, as `icu send` sends it and `icu export --format eml`
    /// writes it: the envelope of `cfg` (sender, recipients, subject, the
    /// thread of the updates sent before it) with the Message-ID recorded
    /// in the update or a new one, and the message built for `purpose`.
    /// The mail `icu send` sends again — the update was sent, or a send of it
    /// did not finish — gets a new Message-ID ([`crate::export::resend_message_id`])
    /// and the same thread: a server may drop a second message with the
    /// first one's id as a duplicate.
    pub fn mail(
        &self,
        cfg: &Config,
        path: &Path,
        text: &str,
        markdown: &str,
        purpose: Purpose,
    ) -> Result<Mail, Error> {
        let front = front_matter(path, text)?;
        let recorded = frontmatter::message_id(text).map_err(|e| Error::doc(path, e))?;
        let id_is_new = recorded.is_none();
        let thread = self.mail_thread(cfg, front.date);
        let mut envelope = crate::export::envelope(cfg, &front, self.now, recorded, &thread)?;
        if purpose == Purpose::Send && front.status != frontmatter::Status::Draft {
            envelope.message_id =
                crate::export::resend_message_id(&front, &envelope.message_id, self.now);
        }
        let eml = crate::export::to_eml(&envelope, markdown, purpose)?;
        Ok(Mail {
            front,
            envelope,
            eml,
            id_is_new,
        })
    }

    /// What the update dated `date` is made of, gathered as `icu draft` and
    /// `icu template --context` both need it: the config, the period (from
    /// the last update sent, or `since`), the asks still open from that
    /// update, and every repository scanned for the period with line
    /// counts, attributed. A bad [`ICU_SCAN_TIMEOUT`] stops it first.
    pub fn update_inputs(
        &self,
        date: NaiveDate,
        since: Option<Since>,
    ) -> Result<UpdateInputs<'_>, Error> {
        let timeout = self.timeout(&ICU_SCAN_TIMEOUT)?;
        let cfg = self.load_config()?;
        let previous = self.last_sent(&cfg.update.dir, date);
        let period = self.period(cfg, date, since, previous.as_ref())?;
        let asks = previous.map(|p| p.asks).unwrap_or_default();
        let Scanned {
            repos,
            mut attribution,
            ..
        } = self.scan_and_attribute(cfg, &period, scan::Detail::Full, None, timeout);
        let gathered = {
            let (listed, warnings) = history::listed_items(&cfg.update.dir, period.date);
            for w in &warnings {
                self.term.warn(w);
            }
            sources::gather(
                cfg,
                period.window_at(self.now),
                sources::Which::All,
                &listed,
            )
        };
        for w in &gathered.warnings {
            self.term.warn(w);
        }
        let incomplete = gathered
            .incomplete
            .iter()
            .map(|(name, why)| format!("{name}: {why}"))
            .collect();
        attribute_items(&cfg.goals, &cfg.skip, &gathered.items, &mut attribution);
        Ok(UpdateInputs {
            cfg,
            period,
            asks,
            repos,
            attribution,
            incomplete,
        })
    }

    /// The period of the update dated `date`: the one rule of
    /// [`crate::period::choose_since`], fed with the last sent update.
    pub fn period(
        &self,
        cfg: &Config,
        date: NaiveDate,
        since: Option<Since>,
        last: Option<&LastSent>,
    ) -> Result<Period, Error> {
        Ok(period::period(
            date,
            since,
            last.map(LastSent::period_end),
            cfg.update.cadence_days,
            &Local,
        )?)
    }
}

/// What to say of repository `r` when it has commits in the window, none
/// of them mine, and some by my name or by the address git commits under
/// there, under addresses `me.emails` lacks (`RepoActivity::maybe_mine`): a
/// newcomer's work under another address would otherwise be silent zeros.
/// It names the addresses and their commits, and both ways to claim them.
fn maybe_mine_warning(cfg: &Config, r: &RepoActivity) -> Option<String> {
    let first = r.maybe_mine.first()?;
    if r.in_window == 0 || !r.commits.is_empty() {
        return None;
    }
    let found: Vec<String> = r
        .maybe_mine
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let who = if m.name.trim().is_empty() {
                format!("<{}>", m.email)
            } else {
                format!("{} <{}>", m.name, m.email)
            };
            match (i, m.commits) {
                (0, 1) => format!("1 is by {who}"),
                (0, n) => format!("{n} are by {who}"),
                (_, n) => format!("{n} by {who}"),
            }
        })
        .collect();
    let emails: Vec<String> = cfg
        .me
        .emails
        .iter()
        .chain(r.maybe_mine.iter().map(|m| &m.email))
        .map(|e| format!("\"{e}\""))
        .collect();
    let file = match &cfg.source {
        Some(path) => format!("in {}", path.display()),
        None => "in a config (`icu init` writes one)".to_string(),
    };
    let (it, address) = if r.maybe_mine.len() == 1 {
        ("it", "the address")
    } else {
        ("them", "each address")
    };
    let mine = cfg.me.emails.first().map_or("", String::as_str);
    Some(format!(
        "repo `{}`: no commit in the period is by {}, but {}: add {it} to me.emails {file} (emails = [{}]), or map {address} to yours in the repository's .mailmap (`{} <{mine}> <{}>`)",
        r.name,
        cfg.me.emails.join(" or "),
        found.join(", "),
        emails.join(", "),
        cfg.me.name,
        first.email,
    ))
}

/// What a scan found, attributed ([`Ctx::scan_and_attribute`]).
pub struct Scanned {
    /// Each repository's activity, the skipped commits taken out.
    pub repos: Vec<RepoActivity>,
    pub attribution: Attribution,
    /// The commits a `[[skip]]` rule left out.
    pub skipped: Vec<skip::Skipped>,
}

/// An update's mail ([`Ctx::mail`]).
pub struct Mail {
    /// The update's front matter.
    pub front: frontmatter::FrontMatter,
    /// Everything but the body.
    pub envelope: Envelope,
    /// The whole message.
    pub eml: Vec<u8>,
    /// The update has no Message-ID recorded: `envelope.message_id` was
    /// made now (a resend's new id is not counted).
    pub id_is_new: bool,
}

/// What an update is made of ([`Ctx::update_inputs`]).
pub struct UpdateInputs<'c> {
    pub cfg: &'c Config,
    pub period: Period,
    pub asks: Vec<Ask>,
    pub repos: Vec<RepoActivity>,
    pub attribution: Attribution,
    /// The sources beside git that failed, as `name: why`.
    pub incomplete: Vec<String>,
}

impl UpdateInputs<'_> {
    /// The draft these make, scanned at `now`, with `stale` groups kept.
    pub fn draft<'a>(&'a self, now: DateTime<FixedOffset>, stale: &'a Stale) -> compose::Draft<'a> {
        compose::Draft::of(
            self.cfg,
            &self.period,
            compose::Attributed {
                repos: &self.repos,
                attribution: &self.attribution,
            },
            &self.asks,
            now,
            stale,
            &self.incomplete,
        )
    }
}

/// `-`: stdin for FILE, stdout for `-o`.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The update at `path`, read and checked: an unfinished one is refused
/// unless `force`, with what is left to write.
fn read_finished(path: &Path, force: bool, verb: &'static str) -> Result<String, Error> {
    let text = store::read(path)?;
    check_finished(path, text, force, verb)
}

/// [`read_finished`] for an update already read (from a file or stdin).
fn check_finished(
    path: &Path,
    text: String,
    force: bool,
    verb: &'static str,
) -> Result<String, Error> {
    let report = crate::doc::check::check(&text).map_err(|e| Error::doc(path, e))?;
    if report.is_ready() || force {
        return Ok(text);
    }
    Err(Error::Unfinished {
        path: path.to_path_buf(),
        problems: report.problems,
        verb,
    })
}

/// `Name <a@x>, <b@y>`, or `no user.email set`.
fn show_identity(name: Option<&str>, emails: &[String]) -> String {
    if emails.is_empty() {
        return format!(
            "{}no user.email set",
            name.map(|n| format!("{n}, ")).unwrap_or_default()
        );
    }
    let addrs: Vec<String> = emails.iter().map(|e| format!("<{e}>")).collect();
    match name {
        Some(n) if !n.is_empty() => format!("{n} {}", addrs.join(", ")),
        _ => addrs.join(", "),
    }
}

fn no_identity() -> Error {
    Error::Usage(UsageError::NoIdentity)
}

/// The front matter of the update at `path`, for the subject and envelope.
fn front_matter(path: &Path, text: &str) -> Result<frontmatter::FrontMatter, Error> {
    frontmatter::split(text)
        .map(|(fm, _, _)| fm)
        .map_err(|e| Error::doc(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run whose config is `icu.toml` in `dir`, saying `[me]` so that no
    /// git is asked.
    fn run_in(dir: &Path) -> Ctx {
        Ctx {
            config_flag: Some(dir.join("icu.toml")),
            term: Term {
                quiet: true,
                verbose: false,
                color: crate::cli::ColorChoice::Never,
            },
            now: DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").expect("a valid time"),
            cwd: dir.to_path_buf(),
            env: config::Env::default(),
            file: OnceCell::new(),
            config: OnceCell::new(),
        }
    }

    /// A config with the updates in `dir/updates` and the repositories
    /// `dir/src/*`.
    fn write_config(dir: &Path, updates: &str) {
        let text = format!(
            "[me]\nname = \"Ada\"\nemails = [\"ada@example.com\"]\n\n[update]\ndir = \"{}\"\n\n[[repo]]\npath = \"{}/src/*\"\n",
            dir.join(updates).display(),
            dir.display()
        );
        std::fs::write(dir.join("icu.toml"), text).unwrap();
    }

    #[test]
    fn a_run_reads_the_config_and_walks_its_globs_once() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("src/a/.git")).unwrap();
        write_config(d.path(), "first");
        let ctx = run_in(d.path());
        // `icu send` and `icu export` ask for the updates dir (to find the
        // update) and for the config (to mail it): the file is read once,
        // its glob walked once, whichever comes first.
        assert_eq!(ctx.updates_dir().unwrap(), d.path().join("first"));
        write_config(d.path(), "second");
        std::fs::create_dir_all(d.path().join("src/b/.git")).unwrap();
        let cfg = ctx.load_config().unwrap();
        assert_eq!(cfg.update.dir, d.path().join("first"));
        let names: Vec<&str> = cfg.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a"], "the glob was not walked again");
        assert_eq!(ctx.updates_dir().unwrap(), d.path().join("first"));
        assert!(std::ptr::eq(cfg, ctx.load_config().unwrap()));
        let file = ctx.config_file().unwrap().expect("a config file");
        assert!(std::ptr::eq(file, ctx.config_file().unwrap().unwrap()));
        // The next run reads the file as it is now.
        let next = run_in(d.path());
        assert_eq!(next.load_config().unwrap().repos.len(), 2);
        assert_eq!(next.updates_dir().unwrap(), d.path().join("second"));
    }

    #[test]
    fn every_timeout_from_the_environment_is_read_by_one_policy() {
        let mail = EnvTimeout {
            var: "ICU_SENDMAIL_TIMEOUT",
            default: Duration::from_secs(60),
            waiting: "the mail program",
        };
        for t in [ICU_SCAN_TIMEOUT, mail] {
            assert_eq!(t.read(None).unwrap(), t.default);
            assert_eq!(t.read(Some(" 0.5 ")).unwrap(), Duration::from_millis(500));
            assert_eq!(t.read(Some("86400")).unwrap(), Duration::from_secs(86_400));
            let default = t.default.as_secs();
            let not_a_number = format!(
                "is not a number of seconds above 0; unset it for the default of {default}"
            );
            let too_long = format!(
                "is more than 86400 seconds (a day), the longest icu waits for {}; unset it for the default of {default}",
                t.waiting
            );
            for (value, says) in [
                ("soon", not_a_number.as_str()),
                ("0", not_a_number.as_str()),
                ("-1", not_a_number.as_str()),
                ("", not_a_number.as_str()),
                ("NaN", not_a_number.as_str()),
                ("1e20", too_long.as_str()),
                ("inf", too_long.as_str()),
            ] {
                let e = t.read(Some(value)).unwrap_err();
                assert_eq!(e.exit_code(), ExitCode::Usage, "{}={value}: {e}", t.var);
                assert_eq!(e.to_string(), format!("{}=`{value}` {says}", t.var));
            }
        }
    }
}
