//! Phase two of loading a config: the raw TOML checked and turned into a
//! [`Config`], with `~` and `$VAR` expanded, repo globs walked and goal
//! matchers compiled.
//!
//! Every check that can fail points at the value that caused it, so that a
//! bad config is one error naming its file, line and column; problems that
//! should not stop a run (a goal that claims nothing, a glob that finds
//! nothing here) become warnings on the config instead.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use globset::{GlobBuilder, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;

use super::diagnostic::{closest, line_col, ConfigError};
use super::raw::{
    RawConfig, RawCredit, RawGoal, RawLink, RawRepo, RawSkip, RawSource, RawUpdate, Reading,
};
use super::repo_glob::{canonical, expand_repo_glob, folder_name, glob_could_name, GlobFound};
use super::starter::lit;
use super::{
    default_updates_dir, Config, CreditSettings, Env, Globs, Goal, GoalStatus, LinkRule, Me,
    RepoSpec, SkipRule, SourceSpec, UpdateSettings, Wildcard, DEFAULT_CADENCE_DAYS,
    DEFAULT_LIST_LIMIT, DEFAULT_SENDMAIL, DEFAULT_SOURCE_TIMEOUT, MAX_SOURCE_TIMEOUT_SECS,
    OTHER_KEY, RESERVED_SOURCE_NAMES, TOTALS_KEY,
};
use crate::address::AddressError;
use crate::forge::Forge;
use crate::template::{
    check_body_syntax, render_subject, SubjectContext, TemplateError, DEFAULT_SUBJECT,
    SUBJECT_VARIABLES,
};

/// Checks one config text; its errors point into `src`, read from `path`.
///
/// A check that fails is recorded and the rest go on, with a default in
/// place of the bad value, so that one run names every problem; the config
/// is refused at the end if any was found.
pub(super) struct Validator<'a> {
    src: &'a str,
    path: &'a Path,
    env: &'a Env,
    errors: RefCell<Vec<ConfigError>>,
    /// Whether a `[[repo]]` or `[[goal]]` may be missing from what is
    /// checked (its table was left out for a problem of its own): then a
    /// name that refers to one is not an error of its own, which it may
    /// only seem to be.
    partial: Cell<bool>,
    /// How the text was read: what was left out for its problems.
    reading: Reading,
}

impl<'a> Validator<'a> {
    /// A validator for `src`, which already has the problems `errors` (the
    /// tables they are in left out of what is checked).
    pub(super) fn new(
        src: &'a str,
        path: &'a Path,
        env: &'a Env,
        errors: Vec<ConfigError>,
        reading: Reading,
    ) -> Validator<'a> {
        Validator {
            src,
            path,
            env,
            reading,
            partial: Cell::new(!errors.is_empty()),
            errors: RefCell::new(errors),
        }
    }
}

impl Validator<'_> {
    /// The value of a check, or `None` with its error recorded.
    fn keep<T>(&self, r: Result<T, ConfigError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.report(e);
                None
            }
        }
    }

    /// Records a problem found, unless it is about a table that had an
    /// entry left out for its own problem (a `[[skip]]` whose misspelt
    /// `mesage` was left out has neither key, as a consequence).
    fn report(&self, e: ConfigError) {
        if !e
            .span
            .as_ref()
            .is_some_and(|s| self.reading.follows_from_blanks(s))
        {
            self.errors.borrow_mut().push(e);
        }
    }

    /// An error at `span` of this config.
    fn err(&self, span: Range<usize>, message: String, label: &str) -> ConfigError {
        ConfigError::at(self.path, self.src, span, message, label)
    }

    /// The 1-based line `span` starts on, for "first defined on line N".
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

    /// `update.lang`, a BCP 47 language tag as `<html lang>` takes it: a
    /// primary subtag of 2 to 8 letters, then subtags of 1 to 8 letters or
    /// digits, joined by `-` (`en`, `de-CH`, `zh-Hant-TW`). Only the shape is
    /// checked, not the IANA registry: a tag of the right shape that names no
    /// language is harmless, and a quote or a space would break the markup.
    fn lang(&self, v: &Spanned<String>) -> Result<String, ConfigError> {
        let tag = v.get_ref().trim();
        let mut subtags = tag.split('-');
        let primary = subtags.next().unwrap_or("");
        let ok = (2..=8).contains(&primary.len())
            && primary.bytes().all(|b| b.is_ascii_alphabetic())
            && subtags.all(|s| {
                (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            return Err(self.err(
                v.span(),
                format!("`update.lang` = \"{}\" is not a language tag", v.get_ref()),
                "a BCP 47 tag: letters, digits and `-`, e.g. \"en\", \"de-CH\" or \"pt-BR\"",
            ));
        }
        Ok(tag.to_string())
    }

    /// `[[repo]] url` goes into links as written: it must be an http(s) URL
    /// without a space or any of ``()<>"'`\``, which would end the link (a
    /// `)` let the rest of the value, `<img>` tags included, into the HTML).
    fn repo_url(&self, v: &Spanned<String>) -> Result<String, ConfigError> {
        self.http_url(
            "repo.url",
            v,
            "for example \"https://github.com/acme/search\"",
        )
    }

    /// A URL that goes into links as written (`repo.url`, `link.href`): an
    /// http(s) URL without a character that would break its links.
    fn http_url(
        &self,
        key: &str,
        v: &Spanned<String>,
        example: &str,
    ) -> Result<String, ConfigError> {
        let u = self.one_line(key, v)?;
        if let Some(c) = u
            .chars()
            .find(|c| c.is_whitespace() || "()<>\"'`\\".contains(*c))
        {
            return Err(self.err(
                v.span(),
                format!("`{key}` = `{u}` contains `{c}`, which would break its links"),
                "percent-encode it (a space is %20, `(` %28, `)` %29, `<` %3C, `>` %3E)",
            ));
        }
        let http = ["http://", "https://"].iter().any(|p| {
            u.len() > p.len() && u.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
        });
        if !http {
            return Err(self.err(
                v.span(),
                format!("`{key}` = `{u}` is not an http or https URL"),
                example,
            ));
        }
        Ok(u)
    }

    /// `[[repo]] forge`: one of [`Forge::NAMES`].
    fn forge(&self, v: &Spanned<String>) -> Result<Forge, ConfigError> {
        Forge::parse(v.get_ref()).ok_or_else(|| {
            self.err(
                v.span(),
                format!("unknown forge `{}` in `repo.forge`", v.get_ref()),
                &format!("expected one of {}", Forge::NAMES.join(", ")),
            )
        })
    }

    /// An address as export will use it: checked here with the same parser,
    /// so that a bad one is found at load with its position. A string that
    /// holds several addresses is refused with the list written out.
    fn address(&self, key: &str, v: &Spanned<String>) -> Result<String, ConfigError> {
        let s = self.one_line(key, v)?;
        match crate::address::parse_mailbox(&s) {
            Ok(_) => Ok(s),
            Err(AddressError::Invalid { why, .. }) => Err(self.err(
                v.span(),
                format!("`{s}` in `{key}` is not an email address"),
                &format!("{why}; write `name@example.com` or `Name <name@example.com>`"),
            )),
            Err(AddressError::Several { parts, .. }) => {
                let short = key.rsplit('.').next().unwrap_or(key);
                let list: Vec<String> = parts.iter().map(|p| lit(p)).collect();
                Err(self.err(
                    v.span(),
                    format!("`{s}` in `{key}` holds {} addresses", parts.len()),
                    &format!(
                        "write one address per string: {short} = [{}]",
                        list.join(", ")
                    ),
                ))
            }
        }
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
        let unset = |name: &str, written: &str| {
            self.err(
                v.span(),
                format!("`{key}` uses {written} which is not set"),
                &format!("set {name}, or write the path out"),
            )
        };
        let text = if self.env.percent_vars {
            percent_expanded(v.get_ref(), &self.env.vars)
                .map_err(|name| unset(&name, &format!("%{name}%")))?
        } else {
            v.get_ref().clone()
        };
        let expanded = shellexpand::full_with_context(&text, home, var)
            .map_err(|e| unset(&e.var_name, &format!("${}", e.var_name)))?;
        let p = PathBuf::from(expanded.as_ref());
        if p.is_relative() {
            let base = self.path.parent().unwrap_or(Path::new("."));
            return Ok(base.join(p));
        }
        Ok(p)
    }

    /// The whole file, in the order a reader would check it.
    /// Every problem found is in the error, in the order of the file.
    pub(super) fn config(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let mut warnings = Vec::new();
        let me = match raw.me {
            Some(m) => Me {
                name: m
                    .name
                    .as_ref()
                    .and_then(|n| self.keep(self.one_line("me.name", n)))
                    .unwrap_or_default(),
                emails: m
                    .emails
                    .iter()
                    .filter_map(|e| self.keep(self.address("me.emails", e)))
                    .map(|a| addr_spec(&a).to_lowercase())
                    .collect(),
            },
            None => Me {
                name: String::new(),
                emails: Vec::new(),
            },
        };
        let update = self.update(raw.update);
        let (repos, empty_globs) = self.repos(&raw.repo, &mut warnings);
        let goals = self.goals(&raw.goal, &repos, &empty_globs, &mut warnings);
        let links = self.links(&raw.link);
        let skip = self.skips(&raw.skip);
        let credit = self.credit(raw.credit);
        let sources = self.sources(&raw.source, &goals);
        let errors = self.errors.take();
        if !errors.is_empty() {
            return Err(ConfigError::many(errors));
        }
        Ok(Config {
            source: Some(self.path.to_path_buf()),
            me,
            update,
            repos,
            goals,
            links,
            skip,
            credit,
            sources,
            warnings,
        })
    }

    /// The `[credit]` table. Each trailer is a key as git reads one
    /// (letters, digits and `-`; a final `:` is dropped, as `git log
    /// --format=%(trailers:key=…)` drops it), listed once; not
    /// `Co-authored-by`, which makes a commit mine, not a credit.
    fn credit(&self, raw: Option<RawCredit>) -> CreditSettings {
        let Some(c) = raw else {
            return CreditSettings::default();
        };
        let mut settings = CreditSettings {
            enabled: c.enabled.unwrap_or(true),
            ..CreditSettings::default()
        };
        let Some(list) = c.trailers else {
            return settings;
        };
        settings.trailers.clear();
        for t in &list {
            if let Some(key) = self.keep(self.trailer(t, &settings.trailers)) {
                settings.trailers.push(key);
            }
        }
        settings
    }

    /// One key of `credit.trailers`, not one of `before`.
    fn trailer(&self, t: &Spanned<String>, before: &[String]) -> Result<String, ConfigError> {
        let key = t.get_ref().trim();
        let key = key.strip_suffix(':').unwrap_or(key);
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(self.err(
                t.span(),
                format!(
                    "`{}` in `credit.trailers` is not a trailer key",
                    t.get_ref()
                ),
                "a trailer key is letters, digits and `-`, e.g. \"Reviewed-by\"",
            ));
        }
        if key.eq_ignore_ascii_case("co-authored-by") {
            return Err(self.err(
                    t.span(),
                    "`Co-authored-by` in `credit.trailers` makes a commit yours, not a credit".into(),
                    "commits with a Co-authored-by naming you are listed as your work already; remove it",
                ));
        }
        if let Some(first) = before.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            return Err(self.err(
                t.span(),
                format!("`{key}` is listed twice in `credit.trailers` (as `{first}` before)"),
                "keys are compared without case; remove one",
            ));
        }
        Ok(key.to_string())
    }

    /// The `[update]` table, defaults for what it leaves out.
    fn update(&self, raw: Option<RawUpdate>) -> UpdateSettings {
        let Some(u) = raw else {
            return UpdateSettings::default();
        };
        let cadence_days = u
            .cadence_days
            .as_ref()
            .map_or(Some(DEFAULT_CADENCE_DAYS), |c| {
                let days = u32::try_from(*c.get_ref())
                    .ok()
                    .filter(|d| (1..=366).contains(d));
                if days.is_none() {
                    self.report(self.err(
                        c.span(),
                        format!("`cadence_days` = {} is out of range", c.get_ref()),
                        "a number of days from 1 to 366",
                    ));
                }
                days
            });
        // 0 is "never shorten": a limit of no items would list nothing.
        let list_limit = match &u.list_limit {
            None => Some(DEFAULT_LIST_LIMIT),
            Some(l) => match usize::try_from(*l.get_ref()) {
                Ok(n) => (n > 0).then_some(n),
                Err(_) => {
                    self.report(self.err(
                        l.span(),
                        format!("`list_limit` = {} is out of range", l.get_ref()),
                        "a number of items from 1 up, or 0 to never shorten a list",
                    ));
                    None
                }
            },
        };
        let subject = u.subject.as_ref().and_then(|s| {
            let text = self.keep(self.one_line("update.subject", s))?;
            self.keep(self.subject(s, &text))?;
            Some(text)
        });
        let addresses = |key: &str, v: &[Spanned<String>]| -> Vec<String> {
            v.iter()
                .filter_map(|a| self.keep(self.address(key, a)))
                .collect()
        };
        let mut settings = UpdateSettings {
            cadence_days: cadence_days.unwrap_or(DEFAULT_CADENCE_DAYS),
            to: addresses("update.to", &u.to),
            cc: addresses("update.cc", &u.cc),
            subject: subject.unwrap_or_else(|| DEFAULT_SUBJECT.to_string()),
            dir: u
                .dir
                .as_ref()
                .and_then(|d| self.keep(self.path("update.dir", d)))
                .unwrap_or_else(default_updates_dir),
            template: u
                .template
                .as_ref()
                .and_then(|t| self.keep(self.body_template(t))),
            sendmail: u
                .sendmail
                .as_ref()
                .and_then(|s| self.keep(self.command_line("update.sendmail", s, SENDMAIL_EXAMPLE)))
                .unwrap_or_else(|| DEFAULT_SENDMAIL.to_string()),
            list_limit,
            reply_to: addresses("update.reply_to", &u.reply_to),
            bcc: addresses("update.bcc", &u.bcc),
            ..UpdateSettings::default()
        };
        if let Some(lang) = u.lang.as_ref().and_then(|l| self.keep(self.lang(l))) {
            settings.lang = lang;
        }
        self.mail_headers(&u, &mut settings);
        settings
    }

    /// A key whose value is a command line, one line of at least a word.
    fn command_line(
        &self,
        key: &str,
        v: &Spanned<String>,
        example: &str,
    ) -> Result<String, ConfigError> {
        let cmd = self.one_line(key, v)?;
        if shell_words::split(&cmd).map_or(true, |w| w.is_empty()) {
            return Err(self.err(
                v.span(),
                format!("`{key}` = `{cmd}` is not a command line"),
                example,
            ));
        }
        Ok(cmd)
    }

    /// `from`, `envelope_from`, `bcc`'s need of `-t`, `thread`,
    /// `mail_client` and `mail_client_terminal` of `[update]`, into
    /// `settings` (whose `sendmail` is already set).
    fn mail_headers(&self, u: &RawUpdate, settings: &mut UpdateSettings) {
        settings.from = u
            .from
            .as_ref()
            .and_then(|f| self.keep(self.address("update.from", f)));
        settings.envelope_sender = settings
            .from
            .as_deref()
            .filter(|_| u.envelope_from.unwrap_or(true))
            .and_then(|from| envelope_sender(&settings.sendmail, from));
        // A Bcc recipient is named only in a `Bcc:` header that the mail
        // program reads and deletes (`-t`); a program that does not would
        // deliver that header to everyone.
        if let (Some(first), false) = (u.bcc.first(), reads_recipients(&settings.sendmail)) {
            self.report(self.err(
                first.span(),
                format!(
                    "`update.bcc` needs update.sendmail to read the recipients from the message, and `{}` is not {} given `-t`",
                    settings.sendmail,
                    SENDMAIL_COMPATIBLE.join(", ")
                ),
                "with -t (sendmail -t -i, msmtp -t) the program takes Bcc from the message and deletes the header before delivery; add -t to update.sendmail, or leave update.bcc out and Cc yourself",
            ));
        }
        settings.thread = u.thread.unwrap_or(true);
        settings.mail_client_terminal = u.mail_client_terminal.unwrap_or(false);
        settings.mail_client = u.mail_client.as_ref().and_then(|m| {
            self.keep(self.command_line("update.mail_client", m, MAIL_CLIENT_EXAMPLE))
        });
    }

    /// `update.template`'s path; the template must compile, so that a syntax
    /// error is found now, naming the template's file and line. A file that
    /// cannot be read is left to `icu draft`, which says so.
    fn body_template(&self, t: &Spanned<String>) -> Result<PathBuf, ConfigError> {
        let path = self.path("update.template", t)?;
        if let Ok(text) = std::fs::read_to_string(&path) {
            let name = path.display().to_string();
            check_body_syntax(&name, &text).map_err(|e| {
                let at = e.location().unwrap_or(name);
                self.err(
                    t.span(),
                    format!("`update.template` does not compile: {at}: {}", e.detail()),
                    "fix the template there, or remove the key to use the built-in one",
                )
            })?;
        }
        Ok(path)
    }

    /// `update.subject` must compile and render with the variables
    /// `export::subject` gives it (`template::SubjectContext`), so that a typo is found now
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

    /// The `[[repo]]` tables, globs expanded. A repository that both a glob
    /// and its own `[[repo]]` reach is listed once, as its own table says (so
    /// one repo of `~/src/*` can still get a `url`). Also returns the globs
    /// that found nothing here, for [`Validator::goal_repos`].
    fn repos(&self, raw: &[RawRepo], warnings: &mut Vec<String>) -> (Vec<RepoSpec>, Vec<String>) {
        let mut found: Vec<Found> = Vec::new();
        let mut empty_globs = Vec::new();
        for r in raw {
            let Some(path) = self.keep(self.path("repo.path", &r.path)) else {
                self.partial.set(true);
                continue;
            };
            if !r.path.get_ref().contains(['*', '?', '[']) {
                if self.keep(self.own_repo(r, path, &mut found)).is_none() {
                    self.partial.set(true);
                }
                continue;
            }
            let forge = r.forge.as_ref().and_then(|f| self.keep(self.forge(f)));
            let Some(globbed) = self.keep(self.glob_repos(r, &path)) else {
                self.partial.set(true);
                continue;
            };
            for (link, target) in &globbed.loops {
                warnings.push(format!(
                    "{}: repo path `{}`: skipped {}, a symlink to {} above it (a loop)",
                    self.path.display(),
                    r.path.get_ref(),
                    link.display(),
                    target.display()
                ));
            }
            let paths = globbed.paths;
            if paths.is_empty() {
                empty_globs.push(r.path.get_ref().clone());
                warnings.push(format!(
                    "{}: repo path `{}` matches no git repository",
                    self.path.display(),
                    r.path.get_ref()
                ));
            }
            for p in paths {
                let real = canonical(&p);
                let dup = found.iter().any(|f| f.real == real);
                if !dup {
                    found.push(Found {
                        real,
                        spec: RepoSpec {
                            name: folder_name(&p),
                            path: p,
                            url: None,
                            forge,
                            remotes: r.remotes.unwrap_or(true),
                        },
                        span: r.path.span(),
                        from_glob: true,
                    });
                }
            }
        }
        self.unique_names(&found);
        (found.into_iter().map(|f| f.spec).collect(), empty_globs)
    }

    /// The repositories the glob `[[repo]]` `r` (expanded to `path`) finds.
    fn glob_repos(&self, r: &RawRepo, path: &Path) -> Result<GlobFound, ConfigError> {
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
        expand_repo_glob(path).map_err(|e| {
            self.err(
                r.path.span(),
                format!("`path` is not a valid glob: {}", r.path.get_ref()),
                &e.kind().to_string(),
            )
        })
    }

    /// Adds the `[[repo]]` `r` that names one repository (at `path`) to
    /// `found`, replacing the entry a glob made for it: its own table wins.
    fn own_repo(
        &self,
        r: &RawRepo,
        path: PathBuf,
        found: &mut Vec<Found>,
    ) -> Result<(), ConfigError> {
        let name = match &r.name {
            Some(n) => self.one_line("repo.name", n)?,
            None => folder_name(&path),
        };
        let url = r.url.as_ref().and_then(|u| self.keep(self.repo_url(u)));
        let forge = r.forge.as_ref().and_then(|f| self.keep(self.forge(f)));
        let spec = RepoSpec {
            path,
            name,
            url,
            forge,
            remotes: r.remotes.unwrap_or(true),
        };
        let span = r.name.as_ref().map_or(r.path.span(), |n| n.span());
        let real = canonical(&spec.path);
        match found.iter().position(|f| f.real == real) {
            Some(i) if found[i].from_glob => {
                found[i] = Found {
                    real,
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
                real,
                spec,
                span,
                from_glob: false,
            }),
        }
        Ok(())
    }

    /// Goals name repos by `name`, so two repositories may not share one.
    fn unique_names(&self, found: &[Found]) {
        let mut names: HashMap<&str, &Found> = HashMap::new();
        for f in found {
            if let Some(first) = names.insert(&f.spec.name, f) {
                // Point at the later of the two in the file.
                let (first, second) = if first.span.start <= f.span.start {
                    (first, f)
                } else {
                    (f, first)
                };
                self.report(self.err(
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
    }

    /// The `[[goal]]` tables, in the order written.
    fn goals(
        &self,
        raw: &[RawGoal],
        repos: &[RepoSpec],
        empty_globs: &[String],
        warnings: &mut Vec<String>,
    ) -> Vec<Goal> {
        let mut out = Vec::new();
        // Goal id → the line it was first defined on.
        let mut ids: HashMap<String, Range<usize>> = HashMap::new();
        for g in raw {
            // A goal with a bad id is still checked, under the id written.
            let id = self
                .keep(self.goal_id(&g.id, &mut ids))
                .unwrap_or_else(|| g.id.get_ref().clone());
            let status = match &g.status {
                None => GoalStatus::OnTrack,
                Some(s) => parse_status(s.get_ref()).unwrap_or_else(|| {
                    self.report(self.err(
                        s.span(),
                        format!("unknown status `{}` in goal `{id}`", s.get_ref()),
                        &format!("expected one of {}", GoalStatus::ALL.join(", ")),
                    ));
                    GoalStatus::OnTrack
                }),
            };
            let due = g.due.as_ref().and_then(|d| self.keep(self.due(&id, d)));
            let goal_repos = g
                .repos
                .as_deref()
                .map(|list| self.goal_repos(&id, list, repos, empty_globs, warnings));
            let globs = |key: &str, list: Option<&[Spanned<String>]>, literal: bool| {
                self.keep(self.globs(&id, key, list, literal)).flatten()
            };
            let paths = globs("paths", g.paths.as_deref(), false);
            let branches = globs("branches", g.branches.as_deref(), true);
            let keywords = self.keywords(&id, g.keywords.as_deref().unwrap_or_default());
            let goal = Goal {
                id: id.clone(),
                title: self
                    .keep(self.one_line("goal.title", &g.title))
                    .unwrap_or_default(),
                status,
                due,
                success: g.success.clone(),
                risk: g.risk.clone(),
                repos: goal_repos,
                paths,
                branches,
                keywords,
            };
            out.push(goal);
        }
        out
    }

    /// A goal's id: the key of its block in the update document, so it must be
    /// a plain, unique word that is not [`OTHER_KEY`]. Records it in `ids`.
    fn goal_id(
        &self,
        id: &Spanned<String>,
        ids: &mut HashMap<String, Range<usize>>,
    ) -> Result<String, ConfigError> {
        let span = id.span();
        let id = id.get_ref().clone();
        let valid_id = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_id {
            return Err(self.err(
                span,
                format!("goal id `{id}` is not valid"),
                "use lower-case letters, digits and `-`, e.g. \"search-latency\"",
            ));
        }
        if id == OTHER_KEY {
            return Err(self.err(
                span,
                "goal id `other` is reserved".into(),
                "icu uses it for \"Other work\"; choose another id",
            ));
        }
        if id == TOTALS_KEY {
            return Err(self.err(
                span,
                "goal id `totals` is reserved".into(),
                "icu uses it for the line of totals above the goals; choose another id",
            ));
        }
        if let Some(first) = ids.get(&id) {
            // The line is counted only here: counting it for every goal
            // made loading a config quadratic in its goals.
            let first = self.line_of(first);
            return Err(self.err(
                span,
                format!("duplicate goal id `{id}` (first defined on line {first})"),
                "goal ids must be unique; rename one",
            ));
        }
        ids.insert(id.clone(), span);
        Ok(id)
    }

    /// The `repos` of goal `id`: each must be the name of a `[[repo]]`, or one
    /// that a glob finding nothing here could find elsewhere (a warning: the
    /// config may be shared between machines).
    fn goal_repos(
        &self,
        id: &str,
        list: &[Spanned<String>],
        repos: &[RepoSpec],
        empty_globs: &[String],
        warnings: &mut Vec<String>,
    ) -> Vec<String> {
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
                // A [[repo]] left out for its own problem may be this one.
                (false, None) if self.partial.get() => {}
                (false, None) => {
                    let defined: Vec<&str> = repos.iter().map(|s| s.name.as_str()).collect();
                    self.report(self.err(
                        r.span(),
                        format!("goal `{id}` names repo `{name}`, which no [[repo]] defines"),
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
        names
    }

    /// The `keywords` regexes of goal `id`, compiled.
    fn keywords(&self, id: &str, list: &[Spanned<String>]) -> Vec<Regex> {
        list.iter()
            .filter_map(|k| {
                self.keep(self.regex(k, format!("invalid regex in `keywords` of goal `{id}`")))
            })
            .collect()
    }

    /// A regex, compiled; the error is `message` at the value, labelled with
    /// regex's last line, which says what is wrong without its `error:` prefix.
    fn regex(&self, v: &Spanned<String>, message: String) -> Result<Regex, ConfigError> {
        Regex::new(v.get_ref()).map_err(|e| {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim();
            let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
            self.err(v.span(), message, &last)
        })
    }

    /// The `[[link]]` tables: a regex, and an http(s) `href` (and `text`)
    /// whose `$N` and `${name}` are groups the regex has.
    fn links(&self, raw: &[RawLink]) -> Vec<LinkRule> {
        let mut out = Vec::new();
        for l in raw {
            let pattern =
                self.keep(self.regex(&l.pattern, "invalid regex in `link.pattern`".into()));
            let href = self.keep(self.http_url(
                "link.href",
                &l.href,
                "for example \"https://tracker.example.com/browse/$0\"",
            ));
            let text = l
                .text
                .as_ref()
                .and_then(|t| self.keep(self.one_line("link.text", t)));
            let Some(pattern) = pattern else { continue };
            let groups = [
                Some(("link.href", &l.href)),
                l.text.as_ref().map(|t| ("link.text", t)),
            ];
            for (key, v) in groups.into_iter().flatten() {
                self.keep(self.groups_exist(&pattern, key, v));
            }
            if let Some(href) = href {
                out.push(LinkRule {
                    pattern,
                    href,
                    text,
                });
            }
        }
        out
    }

    /// Each `$N`, `$name` or `${name}` in `v` names a group of `re` (`$$` is
    /// a `$`), as `regex::Captures::expand` reads them: so `$1a` is the
    /// group `1a`, and `${1}a` is group 1 then `a`.
    fn groups_exist(&self, re: &Regex, key: &str, v: &Spanned<String>) -> Result<(), ConfigError> {
        for name in group_references(v.get_ref()) {
            let exists = match name.parse::<usize>() {
                Ok(n) => n < re.captures_len(),
                Err(_) => re.capture_names().flatten().any(|g| g == name),
            };
            if !exists {
                let groups = re.captures_len() - 1;
                return Err(self.err(
                    v.span(),
                    format!("`{key}` uses `${name}`, which is not a group of `link.pattern`"),
                    &format!(
                        "`$0` is the whole match{}; write `${{1}}x` for group 1 followed by `x`",
                        match groups {
                            0 => String::new(),
                            1 => ", `$1` its one group".to_string(),
                            n => format!(", `$1` to `${n}` its groups"),
                        }
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The `[[skip]]` tables: each needs `message` (a regex) or `author`.
    fn skips(&self, raw: &[Spanned<RawSkip>]) -> Vec<SkipRule> {
        raw.iter().filter_map(|s| self.keep(self.skip(s))).collect()
    }

    /// One `[[skip]]`.
    fn skip(&self, s: &Spanned<RawSkip>) -> Result<SkipRule, ConfigError> {
        let r = s.get_ref();
        if r.message.is_none() && r.author.is_none() {
            return Err(self.err(
                s.span(),
                "this [[skip]] has neither `message` nor `author`, so it would skip nothing".into(),
                "add message = \"^Bump CI image\" (a regex) or author = \"*[bot]*\"",
            ));
        }
        let message = r
            .message
            .as_ref()
            .map(|m| self.regex(m, "invalid regex in `skip.message`".into()))
            .transpose()?;
        let author = match &r.author {
            Some(a) => {
                let text = self.one_line("skip.author", a)?;
                if text.is_empty() {
                    return Err(self.err(
                        a.span(),
                        "`skip.author` is empty".into(),
                        "an email address, a name, or a pattern with * such as \"*[bot]*\"",
                    ));
                }
                Some(Wildcard::new(&text))
            }
            None => None,
        };
        let written: Vec<String> = [("message", &r.message), ("author", &r.author)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", lit(v.get_ref()))))
            .collect();
        let line = self.line_of(&s.span());
        Ok(SkipRule {
            message,
            author,
            shown: format!("[[skip]] on line {line}: {}", written.join(", ")),
        })
    }

    /// The `[[source]]` tables: a unique word for a name, a command, a
    /// timeout of whole seconds, and a `goal` the config defines.
    fn sources(&self, raw: &[Spanned<RawSource>], goals: &[Goal]) -> Vec<SourceSpec> {
        let mut out: Vec<SourceSpec> = Vec::new();
        for table in raw {
            if let Some(source) = self.keep(self.source(table, goals, &out)) {
                out.push(source);
            }
        }
        out
    }

    /// One `[[source]]`, whose name is none of `before`'s.
    fn source(
        &self,
        table: &Spanned<RawSource>,
        goals: &[Goal],
        before: &[SourceSpec],
    ) -> Result<SourceSpec, ConfigError> {
        let s = table.get_ref();
        let name = self.source_name(&s.name, before)?;
        let command = s.command.get_ref();
        if command.trim().is_empty() {
            return Err(self.err(
                    s.command.span(),
                    format!("`command` of source `{name}` is empty"),
                    "a shell command line that prints JSON lines, e.g. \"gh search prs --author=@me --json title,url,createdAt --jq '.[]'\"",
                ));
        }
        if command.contains('\0') {
            return Err(self.err(
                s.command.span(),
                format!("`command` of source `{name}` contains a NUL character"),
                "no program can be given one; remove it",
            ));
        }
        let timeout = match &s.timeout {
            None => DEFAULT_SOURCE_TIMEOUT,
            Some(t) => {
                let secs = *t.get_ref();
                if !(1..=MAX_SOURCE_TIMEOUT_SECS).contains(&secs) {
                    return Err(self.err(
                        t.span(),
                        format!("`timeout` = {secs} of source `{name}` is out of range"),
                        &format!(
                            "a number of seconds from 1 to {MAX_SOURCE_TIMEOUT_SECS} (default {})",
                            DEFAULT_SOURCE_TIMEOUT.as_secs()
                        ),
                    ));
                }
                std::time::Duration::from_secs(secs.unsigned_abs())
            }
        };
        let goal = s
            .goal
            .as_ref()
            .map(|g| self.source_goal(&name, g, goals))
            .transpose()?;
        let repo = match &s.repo {
            Some(r) => {
                let text = self.one_line("source.repo", r)?;
                if text.is_empty() {
                    return Err(self.err(
                        r.span(),
                        format!("`repo` of source `{name}` is empty"),
                        "the name of a [[repo]] (or leave the key out)",
                    ));
                }
                Some(text)
            }
            None => None,
        };
        Ok(SourceSpec {
            name,
            command: command.clone(),
            timeout,
            goal,
            repo,
            line: self.line_of(&table.span()),
            dir: self
                .path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        })
    }

    /// A source's name: a word as a goal id is one (it names the source in
    /// the update and on the command line), not one icu keeps for itself,
    /// and not the name of a source before it.
    fn source_name(
        &self,
        name: &Spanned<String>,
        before: &[SourceSpec],
    ) -> Result<String, ConfigError> {
        let text = name.get_ref();
        let word = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !word {
            return Err(self.err(
                name.span(),
                format!("source name `{text}` is not valid"),
                "use lower-case letters, digits and `-`, e.g. \"github\"",
            ));
        }
        if RESERVED_SOURCE_NAMES.contains(&text.as_str()) {
            return Err(self.err(
                name.span(),
                format!("source name `{text}` is reserved"),
                "icu's notes journal (`icu note`) is that source; choose another name",
            ));
        }
        if let Some(first) = before.iter().find(|s| &s.name == text) {
            return Err(self.err(
                name.span(),
                format!(
                    "duplicate source name `{text}` (first defined on line {})",
                    first.line
                ),
                "source names must be unique; rename one",
            ));
        }
        Ok(text.clone())
    }

    /// A source's `goal`: the id of a goal the config defines.
    fn source_goal(
        &self,
        name: &str,
        goal: &Spanned<String>,
        goals: &[Goal],
    ) -> Result<String, ConfigError> {
        let id = goal.get_ref();
        // A [[goal]] left out for its own problem may be this one.
        if self.partial.get() || goals.iter().any(|g| &g.id == id) {
            return Ok(id.clone());
        }
        let ids: Vec<&str> = goals.iter().map(|g| g.id.as_str()).collect();
        let label = match closest(id, &ids) {
            Some(near) => format!("did you mean `{near}`? Goals: {}", ids.join(", ")),
            None if ids.is_empty() => {
                "no [[goal]] is defined; add one, or leave `goal` out".to_string()
            }
            None => format!("defined goals: {}", ids.join(", ")),
        };
        Err(self.err(
            goal.span(),
            format!("source `{name}` names goal `{id}`, which no [[goal]] defines"),
            &label,
        ))
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
    ) -> Result<Option<Globs>, ConfigError> {
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
        let patterns = list.iter().map(|g| g.get_ref().clone()).collect();
        b.build()
            .map(|set| Some(Globs::new(set, patterns)))
            .map_err(|e| {
                self.err(
                    list[0].span(),
                    format!("invalid glob in `{key}` of goal `{id}`"),
                    &e.to_string(),
                )
            })
    }
}

/// `text` with each `%NAME%` replaced by the variable `NAME` of `vars`,
/// its name compared without case as Windows compares them; the name of
/// one that is not set is the error. A `%` with no name before the next
/// `%` (or a name with a path separator or a space) is kept as written.
fn percent_expanded(
    text: &str,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name = after
            .find('%')
            .map(|end| &after[..end])
            .filter(|n| !n.is_empty() && !n.contains(['\\', '/', ':', ' ']));
        let Some(name) = name else {
            out.push('%');
            rest = after;
            continue;
        };
        let value = vars
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .ok_or_else(|| name.to_string())?;
        out.push_str(value);
        rest = &after[name.len() + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A repository found so far, with the span it came from, so that a later
/// duplicate can name the line of the first.
struct Found {
    /// Where `spec.path` resolves: one repository is one, whatever links
    /// lead to it.
    real: PathBuf,
    spec: RepoSpec,
    span: Range<usize>,
    from_glob: bool,
}

/// What `update.sendmail` may be.
const SENDMAIL_EXAMPLE: &str = "for example \"msmtp -t\" or \"sendmail -t -i\"";

/// What `update.mail_client` may be.
const MAIL_CLIENT_EXAMPLE: &str =
    "for example \"thunderbird {}\" or \"neomutt -H {}\"; {} is the .eml file";

/// The sendmail-compatible programs icu knows: given `-t`, each reads the
/// recipients from the message and deletes the `Bcc:` header; given `-f
/// ADDRESS`, each makes ADDRESS the envelope sender (SMTP's `MAIL FROM`,
/// where bounces go; msmtp also picks the account whose `from` it is).
const SENDMAIL_COMPATIBLE: [&str; 7] = [
    "sendmail", "msmtp", "ssmtp", "exim", "exim4", "esmtp", "dma",
];

/// The arguments of the command line `cmd` when its program — the first
/// word, which reads the message — is one of [`SENDMAIL_COMPATIBLE`];
/// `None` for any other program: a wrapper icu does not know may mean
/// something else by a flag, so icu neither relies on one nor adds one.
fn sendmail_compatible_args(cmd: &str) -> Option<Vec<String>> {
    let mut words = shell_words::split(cmd).ok()?;
    let program = words.first()?;
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    SENDMAIL_COMPATIBLE.contains(&name).then(|| {
        words.remove(0);
        words
    })
}

/// Whether the sendmail command line `cmd` reads the recipients from the
/// message: its program is sendmail-compatible
/// ([`sendmail_compatible_args`]) and is given `-t` (alone or with `-i`:
/// `-ti`, `-it`) or `--read-recipients`. A `-t` given to another program
/// (`ssh host -t sendmail -i`: ssh's own flag) says nothing about the
/// program that reads the message, and a wrapper icu does not know cannot
/// be told apart from one that passes the `Bcc:` header on: both are
/// refused.
fn reads_recipients(cmd: &str) -> bool {
    sendmail_compatible_args(cmd).is_some_and(|args| {
        args.iter().any(|w| {
            w == "--read-recipients"
                || w.strip_prefix('-')
                    .is_some_and(|f| f.contains('t') && f.chars().all(|c| c == 't' || c == 'i'))
        })
    })
}

/// The envelope sender icu gives the sendmail command line `cmd` with
/// `-f`: the address of `from` (the `update.from` written), when the
/// program is sendmail-compatible ([`sendmail_compatible_args`]) and its
/// command line does not set the envelope sender already (`-f`, `-r`,
/// `--from`). Without it, sendmail uses the local login (`ada@laptop`, a
/// bounce address nobody reads) and msmtp its default account, whose
/// address may not be `from`.
fn envelope_sender(cmd: &str, from: &str) -> Option<String> {
    let args = sendmail_compatible_args(cmd)?;
    let sets_it = args
        .iter()
        .any(|w| w.starts_with("-f") || w.starts_with("-r") || w.starts_with("--from"));
    (!sets_it).then(|| addr_spec(from).to_string())
}

/// The address in `Name <addr>`, or all of `s`.
fn addr_spec(s: &str) -> &str {
    match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => s[i + 1..s.len() - 1].trim(),
        _ => s,
    }
}

/// The group names `$N`, `$name` and `${name}` in `s` refer to, as
/// `regex::Captures::expand` reads them (`$$` is a `$`; a `$` followed by
/// nothing a name can start with is itself).
fn group_references(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            if let Some(end) = r.find('}') {
                out.push(r[..end].to_string());
                rest = &r[end + 1..];
            }
        } else {
            let n = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if n > 0 {
                out.push(rest[..n].to_string());
            }
            rest = &rest[n..];
        }
    }
    out
}

/// A status as written in the config; `None` for anything else.
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

#[cfg(test)]
mod tests {

    /// On Windows `%NAME%` is a variable in a path, its name without case;
    /// one that is not set is an error naming it as written.
    #[test]
    fn percent_variables_expand_where_windows_writes_them() {
        let mut env = super::super::tests::env();
        env.vars.insert("UserProfile".into(), "/users/ada".into());
        env.percent_vars = true;
        let at = |p: &str| {
            parse(
                &format!("[[repo]]\npath = '{p}'\n"),
                Path::new("/cfg/icu.toml"),
                &env,
            )
        };
        at("%USERPROFILE%/src/*").expect("a glob under a set variable loads");
        let c = parse(
            "[update]\ndir = '%userprofile%/updates'\n",
            Path::new("/cfg/icu.toml"),
            &env,
        )
        .unwrap();
        assert_eq!(c.update.dir, Path::new("/users/ada/updates"));
        let e = at("%NOPE%/src").unwrap_err();
        assert!(
            e.to_string()
                .contains("`repo.path` uses %NOPE% which is not set"),
            "{e}"
        );
        assert_eq!(percent_expanded("100%/a%", &env.vars).unwrap(), "100%/a%");
        assert_eq!(percent_expanded("a%b c%d", &env.vars).unwrap(), "a%b c%d");
        env.percent_vars = false;
        let c = parse(
            "[update]\ndir = '/x/%NOPE%'\n",
            Path::new("/cfg/icu.toml"),
            &env,
        )
        .unwrap();
        assert_eq!(
            c.update.dir,
            Path::new("/x/%NOPE%"),
            "elsewhere % is a character"
        );
    }

    use super::*;
    use crate::config::parse;
    use crate::config::starter::lit;
    use crate::config::tests::{parse_err, parse_ok};

    #[test]
    fn the_sender_threading_and_mail_client_keys_load() {
        let c = parse_ok("[update]\nfrom = \"Ada <ada@example.org>\"\nreply_to = [\"a@home.example\"]\nbcc = [\"me@example.com\"]\nthread = false\nmail_client = \"neomutt -H {}\"\nmail_client_terminal = true\n");
        let u = &c.update;
        assert_eq!(u.from.as_deref(), Some("Ada <ada@example.org>"));
        assert_eq!((u.reply_to.len(), u.bcc.len()), (1, 1));
        assert!(!u.thread && u.mail_client_terminal);
        assert_eq!(u.mail_client.as_deref(), Some("neomutt -H {}"));
        let d = parse_ok("[update]\ncadence_days = 7\n").update;
        assert!(d.thread && d.from.is_none() && d.mail_client.is_none() && !d.mail_client_terminal);
        let e = parse_err("[update]\nmail_client = \"\"\n").to_string();
        assert!(
            e.contains("`update.mail_client` = `` is not a command line"),
            "{e}"
        );
    }

    #[test]
    fn list_limit_is_a_count_and_zero_never_shortens() {
        assert_eq!(
            parse_ok("[update]\nlist_limit = 5\n").update.list_limit,
            Some(5)
        );
        assert_eq!(
            parse_ok("[update]\nlist_limit = 0\n").update.list_limit,
            None
        );
        assert_eq!(
            parse_ok("[update]\ncadence_days = 7\n").update.list_limit,
            Some(DEFAULT_LIST_LIMIT)
        );
        let e = parse_err("[update]\nlist_limit = -1\n").to_string();
        assert!(
            e.contains("/cfg/icu.toml:2:14") && e.contains("`list_limit` = -1 is out of range"),
            "{e}"
        );
        let e = parse_err("[update]\nlist_limit = 2.5\n").to_string();
        assert!(
            e.contains("/cfg/icu.toml:2:14")
                && e.contains("wrong type for `update.list_limit`: expected a whole number"),
            "{e}"
        );
    }

    #[test]
    fn from_is_the_envelope_sender_of_a_sendmail_compatible_program() {
        let sender = |toml: &str| parse_ok(toml).update.envelope_sender;
        let from = "from = \"Ada Lovelace <ada@example.org>\"\n";
        for cmd in ["sendmail -t -i", "/usr/bin/msmtp -a work -t", "ssmtp -t"] {
            assert_eq!(
                sender(&format!("[update]\nsendmail = \"{cmd}\"\n{from}")).as_deref(),
                Some("ada@example.org"),
                "{cmd}"
            );
        }
        // No `from`, the key off, a command line that sets it already, or
        // a program icu does not know: the program chooses.
        for toml in [
            "[update]\ncadence_days = 7\n".to_string(),
            format!("[update]\n{from}envelope_from = false\n"),
            format!("[update]\nsendmail = \"msmtp -t -f bounce@example.org\"\n{from}"),
            format!("[update]\nsendmail = \"sendmail -t -fbounce@example.org\"\n{from}"),
            format!("[update]\nsendmail = \"msmtp -t --from=b@example.org\"\n{from}"),
            format!("[update]\nsendmail = \"my-mailer -t\"\n{from}"),
            format!("[update]\nsendmail = \"ssh host sendmail -t\"\n{from}"),
        ] {
            assert_eq!(sender(&toml), None, "{toml}");
        }
    }

    #[test]
    fn bcc_needs_a_mail_program_that_reads_the_recipients() {
        for yes in [
            "sendmail -t -i",
            "sendmail -ti",
            "/usr/sbin/sendmail -oi -it",
            "msmtp --read-recipients",
            "msmtp -a work -t",
            "/usr/bin/ssmtp -t",
        ] {
            assert!(reads_recipients(yes), "{yes}");
        }
        for no in [
            "msmtp a@b.c",
            "sendmail -i",
            "cat",
            "sh -c 'sendmail -t'",
            "sendmail -oit",
            "ssh mail.example.com -t sendmail -i",
            "my-wrapper -t",
            "",
        ] {
            assert!(!reads_recipients(no), "{no}");
        }
        let e = parse_err("[update]\nsendmail = \"sendmail -i\"\nbcc = [\"me@example.com\"]\n");
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("add -t to update.sendmail"), "{e}");
        parse_ok("[update]\nbcc = [\"me@example.com\"]\n");
    }

    #[test]
    fn a_goal_without_matchers_loads_without_a_warning_of_its_own() {
        // `icu goals`, `draft` and `check` say so (`Ctx::warn_goals_without_rules`);
        // every other command that reads the config stays quiet about it.
        let c = parse_ok("[[goal]]\nid = \"g\"\ntitle = \"G\"\n");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert!(!c.goals[0].has_matchers());
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
    fn forge_link_and_skip_keys_load() {
        let c = parse_ok(
            "[[repo]]\npath = \"/src/search\"\nforge = \"GitLab\"\n\
             [[repo]]\npath = \"/nowhere/*\"\nforge = \"forgejo\"\n\
             [[link]]\npattern = \"SEARCH-(?P<n>\\\\d+)\"\nhref = \"https://t.example.com/browse/$0?id=${n}\"\ntext = \"ticket ${1}\"\n\
             [[skip]]\nmessage = \"^Bump CI\"\n\
             [[skip]]\nauthor = \"*[bot]*\"\nmessage = \"x\"\n",
        );
        assert_eq!(c.repos[0].forge, Some(Forge::GitLab));
        assert_eq!(c.links.len(), 1);
        assert_eq!(c.links[0].text.as_deref(), Some("ticket ${1}"));
        assert_eq!(c.skip.len(), 2);
        assert_eq!(
            c.skip[0].shown,
            "[[skip]] on line 11: message = \"^Bump CI\""
        );
        assert_eq!(
            c.skip[1].shown,
            "[[skip]] on line 13: message = \"x\", author = \"*[bot]*\""
        );
        assert!(c.skip[1].author.as_ref().unwrap().is_match("renovate[bot]"));
        // `forge` goes with a glob path: every repository it finds.
        let d = tempfile::tempdir().unwrap();
        for n in ["a", "b"] {
            std::fs::create_dir_all(d.path().join(n).join(".git")).unwrap();
        }
        let c = parse_ok(&format!(
            "[[repo]]\npath = \"{}/*\"\nforge = \"gitlab\"\n",
            d.path().display()
        ));
        assert_eq!(c.repos.len(), 2);
        assert!(c.repos.iter().all(|r| r.forge == Some(Forge::GitLab)));
    }

    #[test]
    fn bad_forge_link_and_skip_keys_name_their_line() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "[[repo]]\npath = \"/s\"\nforge = \"sourcehut\"\n",
                (3, 9),
                "unknown forge `sourcehut` in `repo.forge`",
            ),
            (
                "[[link]]\npattern = \"SEARCH-(\"\nhref = \"https://t/$0\"\n",
                (2, 11),
                "invalid regex in `link.pattern`",
            ),
            (
                "[[link]]\npattern = \"X-\\\\d+\"\nhref = \"javascript:alert($0)\"\n",
                (3, 8),
                "contains `(`",
            ),
            (
                "[[link]]\npattern = \"X-\\\\d+\"\nhref = \"tracker/$0\"\n",
                (3, 8),
                "is not an http or https URL",
            ),
            (
                "[[link]]\npattern = \"X-(\\\\d+)\"\nhref = \"https://t/$1a\"\n",
                (3, 8),
                "`link.href` uses `$1a`, which is not a group",
            ),
            (
                "[[link]]\npattern = \"X-\\\\d+\"\nhref = \"https://t/$0\"\ntext = \"${2}\"\n",
                (4, 8),
                "`link.text` uses `$2`",
            ),
            ("[[link]]\npattern = \"X\"\n", (1, 1), "missing"),
            (
                "\n[[skip]]\nmessage = \"^Bump (\"\n",
                (3, 11),
                "invalid regex in `skip.message`",
            ),
            (
                "[[skip]]\nauthor = \" \"\n",
                (2, 10),
                "`skip.author` is empty",
            ),
            ("[[skip]]\nmesage = \"x\"\n", (2, 1), "unknown key `mesage`"),
        ];
        for (text, (line, col), want) in cases {
            let e = parse_err(text);
            let shown = e.to_string();
            assert!(
                shown.contains(want),
                "for {text:?} wanted {want:?} in:\n{shown}"
            );
            assert_eq!(
                (e.line, e.column),
                (Some(*line), Some(*col)),
                "{text:?}\n{shown}"
            );
        }
        let e = parse_err("[[goal]]\nid = \"g\"\ntitle = \"G\"\n[[skip]]\n");
        assert!(
            e.to_string().contains("neither `message` nor `author`"),
            "{e}"
        );
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn source_tables_load_with_their_defaults() {
        let c = parse_ok(
            "[[goal]]\nid = \"search\"\ntitle = \"S\"\n\
             [[source]]\nname = \"github\"\ncommand = \"gh search prs\"\n\
             [[source]]\nname = \"jira-2\"\ncommand = \"jira issue list --raw\"\ntimeout = 90\ngoal = \"search\"\nrepo = \"search\"\n",
        );
        let [gh, jira] = &c.sources[..] else {
            panic!("{:?}", c.sources)
        };
        assert_eq!(
            (gh.name.as_str(), gh.command.as_str(), gh.timeout, gh.line),
            ("github", "gh search prs", DEFAULT_SOURCE_TIMEOUT, 4)
        );
        assert_eq!((gh.goal.as_deref(), gh.repo.as_deref()), (None, None));
        assert_eq!(gh.dir, PathBuf::from("/cfg"));
        assert_eq!(jira.timeout, std::time::Duration::from_secs(90));
        assert_eq!(jira.goal.as_deref(), Some("search"));
        assert_eq!(jira.repo.as_deref(), Some("search"));
        assert_eq!(jira.line, 7);
    }

    #[test]
    fn a_bad_source_table_is_refused_at_its_position() {
        let goal = "[[goal]]\nid = \"search\"\ntitle = \"S\"\n";
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "[[source]]\ncommand = \"x\"\n",
                (1, 1),
                "missing key `name` in [[source]]",
            ),
            (
                "[[source]]\nname = \"gh\"\n",
                (1, 1),
                "missing key `command` in [[source]]",
            ),
            (
                "[[source]]\nname = \"Git Hub\"\ncommand = \"x\"\n",
                (2, 8),
                "source name `Git Hub` is not valid",
            ),
            (
                "[[source]]\nname = \"\"\ncommand = \"x\"\n",
                (2, 8),
                "source name `` is not valid",
            ),
            (
                "[[source]]\nname = \"notes\"\ncommand = \"x\"\n",
                (2, 8),
                "source name `notes` is reserved",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\n[[source]]\nname = \"gh\"\ncommand = \"y\"\n",
                (5, 8),
                "duplicate source name `gh` (first defined on line 4)",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"  \"\n",
                (3, 11),
                "`command` of source `gh` is empty",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\ntimeout = 0\n",
                (4, 11),
                "`timeout` = 0 of source `gh` is out of range",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\ntimeout = -5\n",
                (4, 11),
                "`timeout` = -5 of source `gh` is out of range",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\ntimeout = \"30s\"\n",
                (4, 11),
                "wrong type for `source.timeout`: expected a whole number",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\ngoal = \"serch\"\n",
                (4, 8),
                "source `gh` names goal `serch`, which no [[goal]] defines",
            ),
            (
                "[[source]]\nname = \"gh\"\ncommand = \"x\"\nrepo = \"a\\nb\"\n",
                (4, 8),
                "`source.repo` contains a line break",
            ),
            (
                "[[source]]\nname = \"gh\"\ncomand = \"x\"\n",
                (3, 1),
                "unknown key `comand` in [[source]]",
            ),
        ];
        for (text, (line, col), want) in cases {
            let e = parse_err(&format!("{goal}{text}"));
            let shown = e.to_string();
            assert!(
                shown.contains(want),
                "for {text:?} wanted {want:?} in:\n{shown}"
            );
            assert_eq!(
                (e.line, e.column),
                (Some(line + 3), Some(*col)),
                "{text:?}\n{shown}"
            );
        }
        let e = parse_err(&format!(
            "{goal}[[source]]\nname = \"gh\"\ncommand = \"x\"\ngoal = \"serch\"\n"
        ));
        assert!(e.to_string().contains("did you mean `search`?"), "{e}");
        let e = parse_err("[[source]]\nname = \"gh\"\ncommand = \"x\"\ngoal = \"g\"\n");
        assert!(e.to_string().contains("no [[goal]] is defined"), "{e}");
        let e = parse_err(&format!(
            "{goal}[[source]]\nname = \"gh\"\ncommand = \"x\"\ncomand = \"y\"\n"
        ));
        assert!(e.to_string().contains("did you mean `command`?"), "{e}");
    }

    #[test]
    fn the_reserved_source_name_is_the_notes_journals() {
        assert!(RESERVED_SOURCE_NAMES.contains(&crate::sources::NOTES));
    }

    #[test]
    fn group_references_are_read_as_regex_expands_them() {
        assert_eq!(
            group_references("a$0 ${1}c$$d$name-e${x y}$"),
            vec!["0", "1", "name", "x y"]
        );
        assert_eq!(group_references("$1a$0b"), vec!["1a", "0b"]);
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
}
