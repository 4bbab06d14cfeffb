//! Exporting the finished update: owns the error every export or send can
//! return, the envelope a message is built from, and the comrak options HTML
//! and plain text share so both read the same Markdown the same way; the
//! formats themselves live in the submodules.

use chrono::{DateTime, FixedOffset};

pub use crate::address::Mailbox;
use crate::address::{parse_mailbox, AddressError};
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
pub use open::open_with_default_app;
pub use sendmail::sendmail;
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
    /// The program ran too long and was stopped.
    #[error("`{command}` did not finish within {secs} s and was stopped; the update was not marked sent{}", printed(.output))]
    Timeout {
        command: String,
        secs: u64,
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
    /// `[update] to` is empty: there is no recipient.
    #[error("[update] to is empty: add your manager's address, e.g. to = [\"Grace Hopper <grace@example.com>\"]")]
    NoRecipient,
    /// `update.subject` did not render for this update.
    #[error("update.subject failed to render: {0}")]
    Subject(TemplateError),
    /// No program to open the file with.
    #[error("cannot open {path} with `{opener}` ({source}); open it yourself")]
    Open {
        path: String,
        opener: &'static str,
        source: std::io::Error,
    },
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
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub date: DateTime<FixedOffset>,
    /// Without angle brackets.
    pub message_id: String,
}

/// A Message-ID (without brackets), stable for the same inputs.
pub fn message_id(date: DateTime<FixedOffset>, from_email: &str, seed: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut h);
    date.timestamp().hash(&mut h);
    from_email.hash(&mut h);
    let domain = from_email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("icu.invalid");
    format!("icu.{}.{:016x}@{domain}", date.timestamp(), h.finish())
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

/// From, To, Cc, Subject, Date and Message-ID for the update with front
/// matter `fm`, sent `now`. `seed` (the file's path) keeps Message-IDs of
/// different updates apart.
pub fn envelope(
    cfg: &Config,
    fm: &FrontMatter,
    now: DateTime<FixedOffset>,
    seed: &str,
) -> Result<Envelope, ExportError> {
    let email = cfg
        .me
        .emails
        .first()
        .cloned()
        .ok_or(ExportError::NoSender)?;
    let from = Mailbox {
        name: Some(cfg.me.name.clone()).filter(|n| !n.trim().is_empty()),
        email,
    };
    if cfg.update.to.is_empty() {
        return Err(ExportError::NoRecipient);
    }
    let parse = |list: &[String]| -> Result<Vec<Mailbox>, ExportError> {
        list.iter()
            .map(|a| parse_mailbox(a).map_err(ExportError::from))
            .collect()
    };
    let subject = subject(cfg, fm)?;
    let seed = format!("{seed}{}", now.to_rfc3339());
    Ok(Envelope {
        message_id: message_id(now, &from.email, &seed),
        from,
        to: parse(&cfg.update.to)?,
        cc: parse(&cfg.update.cc)?,
        subject,
        date: now,
    })
}

/// The Markdown dialect HTML and plain text both read, so the two parts of
/// one message never disagree about what the doc says. Private here is
/// enough: the submodules that need it are this module's children.
fn comrak_options() -> comrak::Options<'static> {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
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

    #[test]
    fn message_ids_are_stable_and_look_like_ids() {
        let a = message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "s");
        assert_eq!(
            a,
            message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "s")
        );
        assert_ne!(
            a,
            message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "t")
        );
        assert!(a.ends_with("@example.com"));
    }
}
