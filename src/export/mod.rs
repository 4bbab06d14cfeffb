//! Exporting the finished update: owns the error every export or send can
//! return, the envelope a message is built from, and the comrak options HTML
//! and plain text share so both read the same Markdown the same way; the
//! formats themselves live in the submodules.

use chrono::{DateTime, FixedOffset};

pub use crate::address::Mailbox;
use crate::address::{is_noreply, parse_mailbox, AddressError};
use crate::config::Config;
use crate::doc::frontmatter::FrontMatter;
use crate::template::{self, TemplateError};

mod eml;
mod html;
mod open;
mod sendmail;
mod text;

pub use eml::{to_eml, Purpose};
pub use html::to_html;
pub use open::{open, Opened, Opener};
pub use sendmail::{sendmail, stage};
pub use text::to_text;

/// Why an export or a send failed. Messages quote the value and say what to
/// change.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// An address in the config that is not an address.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A header value with a line break: refused rather than sent.
    #[error("the {header} contains a line break or control character; it would let text become a mail header. Write it on one line")]
    HeaderInjection { header: &'static str },
    /// The MIME builder failed.
    #[error("building the message failed: {0}")]
    Build(std::io::Error),
    /// `update.sendmail` is not a command line.
    #[error(
        "update.sendmail `{0}` is not a command line; e.g. \"sendmail -t -i\" or \"msmtp -t\""
    )]
    Command(String),
    /// The program could not be started.
    #[error("cannot run `{program}` ({source}); install it or set update.sendmail in your config. Nothing was sent")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// The message could not be written whole to the temporary file the
    /// mail program reads (a full disk): nothing was handed to it.
    #[error("cannot write the message to a temporary file for the mail program ({source}); nothing was sent")]
    Staging { source: std::io::Error },
    /// The program ran too long and was stopped, with every process it
    /// started. `read_all`: it had read the whole message, and may have
    /// delivered it.
    #[error("`{command}` did not finish within {secs} s and was stopped, with every process it started{}{}", if *read_all { "; it had read the whole message, so it may have delivered it" } else { ", before it read the whole message: nothing was sent; the update was not marked sent" }, printed(.output))]
    Timeout {
        command: String,
        secs: u64,
        read_all: bool,
        output: String,
    },
    /// The program failed.
    #[error("`{command}` failed ({status}); the update was not marked sent{}", printed(.output))]
    Failed {
        command: String,
        status: String,
        output: String,
    },
    /// `[me] emails` is empty: there is no sender.
    #[error("[me] emails is empty: add your address to the config")]
    NoSender,
    /// Every address of `[me] emails` is one nobody reads, and `[update]
    /// from` is not set: a reply to the update would be lost.
    #[error(
        "every address in [me] emails is a no-reply address ({}), and a reply to your update would be lost; set the sender in your config: [update] from = \"Your Name <you@example.com>\"",
        .0.join(", ")
    )]
    OnlyNoReply(Vec<String>),
    /// `[update] to` is empty: there is no recipient.
    #[error("[update] to is empty: add your manager's address, e.g. to = [\"Grace Hopper <grace@example.com>\"]")]
    NoRecipient,
    /// `update.subject` did not render for this update.
    #[error("update.subject failed to render: {0}")]
    Subject(TemplateError),
    /// Nothing could open the file `--open` wrote: no graphical session,
    /// no program the desktop has for it, or `update.mail_client` failed.
    #[error("nothing could open {path}: {why}. The file is written there: open it yourself{}", open_hint(*.eml))]
    NothingOpens {
        path: String,
        why: String,
        /// An `.eml`, which `update.mail_client` would open.
        eml: bool,
    },
}

/// How to have `--open` work next time, after "open it yourself".
fn open_hint(eml: bool) -> &'static str {
    if eml {
        ", or set the program that should in your config: [update] mail_client = \"thunderbird {}\" ({} is the file), or for a terminal mail client mail_client = \"neomutt -H {}\" with mail_client_terminal = true"
    } else {
        " in a browser"
    }
}

impl ExportError {
    /// True when the fix is in the config (an address, the subject, the
    /// sendmail command line) rather than in the world (a failed send):
    /// such errors should exit 2, not 1.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            ExportError::Address(_)
                | ExportError::HeaderInjection { .. }
                | ExportError::Command(_)
                | ExportError::NoSender
                | ExportError::OnlyNoReply(_)
                | ExportError::NoRecipient
                | ExportError::Subject(_)
        )
    }
}

/// What the program printed, indented under the message; nothing if it
/// printed nothing.
fn printed(output: &str) -> String {
    let output = output.trim();
    if output.is_empty() {
        return String::new();
    }
    let mut s = ". It printed:".to_string();
    for line in output.lines() {
        s.push_str("\n  ");
        s.push_str(line);
    }
    s
}

/// Everything but the body of the message.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: Mailbox,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Recipients no header names in the mail delivered: see
    /// [`to_eml`] for how they reach the mail program.
    pub bcc: Vec<Mailbox>,
    pub subject: String,
    pub date: DateTime<FixedOffset>,
    /// Without angle brackets.
    pub message_id: String,
    /// The Message-ID of the last update sent, which this one replies to.
    pub in_reply_to: Option<String>,
    /// The thread this update continues, oldest first and ending with
    /// `in_reply_to`: its first message and the last ones, at most
    /// [`MAX_REFERENCES`] in all.
    pub references: Vec<String>,
    /// The language the update is written in (`update.lang`), which the
    /// HTML part declares.
    pub lang: String,
}

/// How many Message-IDs `References` holds at most: the first of the
/// thread and the latest, as RFC 5322 suggests trimming a long one, so that
/// years of updates do not make a header of kilobytes.
pub const MAX_REFERENCES: usize = 10;

/// The Message-ID (without brackets) icu gives the mail of the update with
/// front matter `fm`, sent from `from_email`, when it has none recorded yet.
/// The same inputs give the same id (FNV-1a 64 of the update's date, the
/// start of its period and the sender), so an id that could not be
/// recorded is given again; different updates get different ones.
pub fn new_message_id(fm: &FrontMatter, from_email: &str) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    let from_email = from_email.to_ascii_lowercase();
    for part in [
        "icu".to_string(),
        fm.date.to_string(),
        fm.since.to_rfc3339(),
        from_email.clone(),
    ] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    let domain = from_email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("icu.invalid");
    format!("icu.{}.{:016x}@{domain}", fm.date, h.finish())
}

/// The Message-ID of a mail sent again (`icu send --force` after a send, or
/// after a send that did not finish), made `now` from the one it went out
/// with before, `previous`: a new one, since a server that saw `previous`
/// may drop a second message with it as a duplicate, in the same domain and
/// for the same update's date. Each resend gives another.
pub fn resend_message_id(fm: &FrontMatter, previous: &str, now: DateTime<FixedOffset>) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for part in ["icu-resend", previous, &now.to_rfc3339()] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    let domain = previous
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("icu.invalid");
    format!("icu.{}.{:016x}@{domain}", fm.date, h.finish())
}

/// Who the update is from: `[update] from` (with `me.name` when it names
/// no one), else `me.name` and the first of `me.emails` that is not a
/// no-reply address ([`is_noreply`]): a forge's commit address listed first
/// still counts as me in commits, but a reply to it would be lost.
pub fn sender(cfg: &Config) -> Result<Mailbox, ExportError> {
    let my_name = Some(cfg.me.name.clone()).filter(|n| !n.trim().is_empty());
    if let Some(from) = &cfg.update.from {
        let mut m = parse_mailbox(from)?;
        m.name = m.name.or(my_name);
        return Ok(m);
    }
    if cfg.me.emails.is_empty() {
        return Err(ExportError::NoSender);
    }
    let email = cfg
        .me
        .emails
        .iter()
        .find(|e| !is_noreply(e))
        .ok_or_else(|| ExportError::OnlyNoReply(cfg.me.emails.clone()))?;
    Ok(Mailbox {
        name: my_name,
        email: email.clone(),
    })
}

/// The subject line of the update with front matter `fm`, from the
/// `update.subject` template.
pub fn subject(cfg: &Config, fm: &FrontMatter) -> Result<String, ExportError> {
    let ctx = template::SubjectContext {
        me: template::MeContext {
            name: cfg.me.name.clone(),
            emails: cfg.me.emails.clone(),
        },
        date: fm.date.to_string(),
        period: template::PeriodContext::new(fm.date, fm.since, fm.until),
    };
    template::render_subject(&cfg.update.subject, &ctx).map_err(ExportError::Subject)
}

/// The headers of the mail of the update with front matter `fm`, sent
/// `now`: its Message-ID is `recorded` (from the front matter) or a new one
/// ([`new_message_id`]); with `[update] thread` on, it replies to the last
/// of `thread` (the Message-IDs of the updates sent before it, oldest
/// first, from `history::thread`) and lists them in `References`.
pub fn envelope(
    cfg: &Config,
    fm: &FrontMatter,
    now: DateTime<FixedOffset>,
    recorded: Option<String>,
    thread: &[String],
) -> Result<Envelope, ExportError> {
    let from = sender(cfg)?;
    if cfg.update.to.is_empty() {
        return Err(ExportError::NoRecipient);
    }
    let parse = |list: &[String]| -> Result<Vec<Mailbox>, ExportError> {
        list.iter()
            .map(|a| parse_mailbox(a).map_err(ExportError::from))
            .collect()
    };
    let subject = subject(cfg, fm)?;
    let thread: &[String] = if cfg.update.thread { thread } else { &[] };
    let references = match thread.len() {
        n if n > MAX_REFERENCES => std::iter::once(&thread[0])
            .chain(&thread[n - (MAX_REFERENCES - 1)..])
            .cloned()
            .collect(),
        _ => thread.to_vec(),
    };
    Ok(Envelope {
        message_id: recorded.unwrap_or_else(|| new_message_id(fm, &from.email)),
        from,
        reply_to: parse(&cfg.update.reply_to)?,
        to: parse(&cfg.update.to)?,
        cc: parse(&cfg.update.cc)?,
        bcc: parse(&cfg.update.bcc)?,
        subject,
        date: now,
        in_reply_to: thread.last().cloned(),
        references,
        lang: cfg.update.lang.clone(),
    })
}

/// The Markdown dialect HTML and plain text both read, so the two parts of
/// one message never disagree about what the doc says. Private here is
/// enough: the submodules that need it are this module's children.
fn comrak_options() -> comrak::Options<'static> {
    let mut o = crate::doc::literal::dialect();
    // Raw HTML from the doc is omitted and dangerous URLs (javascript:,
    // vbscript:, file:, data:) are dropped: comrak's safe mode.
    o.render.r#unsafe = false;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shared with the submodules' tests, which build envelopes from dates.
    pub(super) fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// A config of `toml` (a `[me]` and `[update] to` come first).
    fn config(toml: &str) -> Config {
        crate::config::parse(
            &format!("[me]\nname = \"Ada Lovelace\"\n{toml}"),
            std::path::Path::new("/cfg/icu.toml"),
            &crate::config::Env::default(),
        )
        .unwrap()
    }

    pub(super) fn fm() -> FrontMatter {
        FrontMatter {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            since: t("2026-11-10T00:00:00Z"),
            until: t("2026-11-25T00:00:00Z"),
            scanned: None,
            status: crate::doc::frontmatter::Status::Draft,
            sent: None,
            sending: None,
            goals: Vec::new(),
            blocks: Vec::new(),
        }
    }

    #[test]
    fn message_ids_are_stable_and_look_like_ids() {
        let a = new_message_id(&fm(), "ada@example.com");
        assert_eq!(a, new_message_id(&fm(), "Ada@Example.com"));
        assert!(
            a.starts_with("icu.2026-11-24.") && a.ends_with("@example.com"),
            "{a}"
        );
        assert!(crate::address::is_message_id(&a), "{a}");
        let mut other = fm();
        other.date = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_ne!(a, new_message_id(&other, "ada@example.com"));
        other = fm();
        other.since = t("2026-11-11T00:00:00Z");
        assert_ne!(a, new_message_id(&other, "ada@example.com"));
        assert_ne!(a, new_message_id(&fm(), "ada@example.org"));
    }

    #[test]
    fn the_default_sender_skips_addresses_nobody_reads() {
        let to = "[update]\nto = [\"g@example.com\"]\n";
        let c = config(&format!(
            "emails = [\"1234+ada@users.noreply.github.com\", \"ada@example.com\"]\n{to}"
        ));
        let from = sender(&c).unwrap();
        assert_eq!(from.email, "ada@example.com");
        assert_eq!(from.name.as_deref(), Some("Ada Lovelace"));
        // Only no-reply addresses: an error that says what to set.
        let c = config(&format!(
            "emails = [\"ada@users.noreply.github.com\"]\n{to}"
        ));
        let e = sender(&c).unwrap_err();
        assert!(e.is_config(), "{e}");
        assert!(
            e.to_string().contains("ada@users.noreply.github.com")
                && e.to_string().contains("[update] from = "),
            "{e}"
        );
        // `from` wins, named as written or after me.name.
        let c = config(&format!(
            "emails = [\"ada@users.noreply.github.com\"]\n{to}from = \"Countess <Ada@Home.example>\"\n"
        ));
        let from = sender(&c).unwrap();
        assert_eq!(
            (from.name.as_deref(), from.email.as_str()),
            (Some("Countess"), "Ada@Home.example")
        );
        let c = config(&format!(
            "emails = [\"a@b.c\"]\n{to}from = \"ada@home.example\"\n"
        ));
        assert_eq!(sender(&c).unwrap().name.as_deref(), Some("Ada Lovelace"));
    }

    #[test]
    fn the_envelope_replies_to_the_last_update_and_trims_long_threads() {
        let c = config("emails = [\"ada@example.com\"]\n[update]\nto = [\"g@example.com\"]\nbcc = [\"me@example.com\"]\nreply_to = [\"Ada <ada@home.example>\"]\n");
        let ids: Vec<String> = (1..=14).map(|i| format!("u{i}@example.com")).collect();
        let env = envelope(&c, &fm(), t("2026-11-24T12:00:00Z"), None, &ids[..2]).unwrap();
        assert_eq!(env.in_reply_to.as_deref(), Some("u2@example.com"));
        assert_eq!(env.references, ids[..2]);
        assert_eq!(env.message_id, new_message_id(&fm(), "ada@example.com"));
        assert_eq!(env.bcc[0].email, "me@example.com");
        assert_eq!(env.reply_to[0].email, "ada@home.example");
        let env = envelope(
            &c,
            &fm(),
            t("2026-11-24T12:00:00Z"),
            Some("x@y".into()),
            &ids,
        )
        .unwrap();
        assert_eq!(env.message_id, "x@y", "a recorded id is kept");
        assert_eq!(env.references.len(), MAX_REFERENCES);
        assert_eq!(
            env.references[0], "u1@example.com",
            "the first of the thread"
        );
        assert_eq!(env.references[1], "u6@example.com");
        assert_eq!(env.references.last(), env.in_reply_to.as_ref());
        assert_eq!(env.in_reply_to.as_deref(), Some("u14@example.com"));
        let env = envelope(&c, &fm(), t("2026-11-24T12:00:00Z"), None, &[]).unwrap();
        assert_eq!((env.in_reply_to, env.references.len()), (None, 0));
        // `thread = false`: no reply, whatever was sent before.
        let off = config(
            "emails = [\"ada@example.com\"]\n[update]\nto = [\"g@example.com\"]\nthread = false\n",
        );
        let env = envelope(&off, &fm(), t("2026-11-24T12:00:00Z"), None, &ids).unwrap();
        assert_eq!((env.in_reply_to, env.references.len()), (None, 0));
    }
}
