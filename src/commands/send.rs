//! `icu send`: hand the update as email to the configured sendmail-compatible
//! program; only a clean exit after it read the whole message marks the
//! update sent.
//!
//! One delivery through kills, full disks and pipes (README, "When things
//! go wrong"): the whole message is written to a temporary file first (the
//! program's stdin, so a killed icu cannot cut it short); then a durable
//! record that a send is under way (`status = "sending"`, `sending`, the
//! Message-ID) is written to the update; only then does the mail program
//! start; the mark follows its exit. A crash before the record leaves a
//! draft and sent nothing; after it, the update says the mail may have been
//! delivered, and no later `icu send` mails it again without `--force`. A
//! record that cannot be written (a full disk) sends nothing.

use std::io::IsTerminal;
use std::time::Duration;

use super::{Ctx, EnvTimeout};
use crate::cli::SendArgs;
use crate::error::{Error, ExitCode, UsageError};
use crate::export::{self, ExportError, Purpose};
use crate::term;
use crate::updates::history;
use crate::updates::history::Again;
use crate::updates::store;

/// How long the sendmail program may take before icu gives up on it, unless
/// `ICU_SENDMAIL_TIMEOUT` (seconds) says otherwise.
pub const SENDMAIL_TIMEOUT: Duration = Duration::from_secs(60);

/// `ICU_SENDMAIL_TIMEOUT`, read as every timeout from the environment is.
const ICU_SENDMAIL_TIMEOUT: EnvTimeout = EnvTimeout {
    var: "ICU_SENDMAIL_TIMEOUT",
    default: SENDMAIL_TIMEOUT,
    waiting: "the mail program",
};

pub fn run(ctx: &Ctx, args: SendArgs) -> Result<ExitCode, Error> {
    let timeout = ctx.timeout(&ICU_SENDMAIL_TIMEOUT)?;
    let cfg = ctx.load_config()?;
    let path = ctx.resolve_file(args.file.as_deref())?;
    // Held from the first read to the sent mark: no other icu can send,
    // mark or refresh this update in between, and a second `icu send`
    // stops here, before it delivers anything.
    let lock = store::Lock::acquire(&path)?;
    let text = super::read_finished(&path, args.force, "send")?;
    history::ensure_unsent(&path, &text, args.force, Again::Send)?;
    let markdown = crate::doc::export_md::export_markdown(&text, cfg.update.list_limit)
        .map_err(|e| Error::doc(&path, e))?;
    let mail = ctx.mail(cfg, &path, &text, &markdown, Purpose::Send)?;
    let env = &mail.envelope;
    // What the update may be missing: once sent, it is gone from the record.
    let incomplete = crate::doc::check::check(&text)
        .map(|r| r.incomplete)
        .unwrap_or_default();
    if args.dry_run {
        term::print_stdout(&String::from_utf8_lossy(&mail.eml))?;
        ctx.term.hint("nothing was sent (--dry-run)");
        if !env.bcc.is_empty() {
            ctx.term.hint(
                "the mail program reads the Bcc recipients from this message and deletes that header before delivery (-t)",
            );
        }
        return Ok(ExitCode::Ok);
    }
    if args.yes {
        for part in &incomplete {
            ctx.term.warn(&format!(
                "sending an incomplete update (--yes): {part}; what it misses will be in no update"
            ));
        }
    }
    if !args.yes {
        // The question is asked on stderr and answered on stdin: both must
        // be the terminal. Without one, nothing is sent unasked.
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(UsageError::SendNeedsYes.into());
        }
        if !confirm(env, &incomplete)? {
            ctx.term.info("nothing was sent");
            return Ok(ExitCode::NotReady);
        }
    }
    // The whole message, in a file, before anything is recorded or run.
    let staged = export::stage(&mail.eml)?;
    // The record of the send under way, durable before the program starts:
    // from here a crash leaves an update that says it may have been sent.
    let sending =
        history::mark_sending(&lock, &path, &text, ctx.now, &env.message_id).map_err(|cause| {
            Error::SendNotRecorded {
                path: path.clone(),
                cause: Box::new(cause.into()),
            }
        })?;
    let envelope_sender = cfg.update.envelope_sender.as_deref();
    match export::sendmail(&cfg.update.sendmail, envelope_sender, &staged, timeout) {
        Ok(()) => {}
        Err(cause @ ExportError::Timeout { read_all: true, .. }) => {
            // Stopped after it read everything: it may have delivered it.
            // The record stays.
            return Err(Error::MaybeSent {
                path,
                at: ctx.now,
                message_id: env.message_id.clone(),
                cause: Box::new(cause.into()),
            });
        }
        Err(e) => {
            // Nothing went out: the update is put back as it was.
            if let Err(undo) = history::undo_sending(&lock, &path, &sending, &text) {
                ctx.term.warn(&format!(
                    "{} still says a send of it is under way ({undo}); nothing was sent: `icu sent --undo {}` makes it a draft again",
                    path.display(),
                    shell_words::quote(&path.to_string_lossy())
                ));
            }
            return Err(e.into());
        }
    }
    // The mail is out. From here a failure must say so, and never suggest
    // sending again; the record of the send under way stays if the mark
    // fails, so that a second `icu send` refuses.
    // The mark records the Message-ID it went out with, in the same write:
    // the next update replies to it.
    history::mark_as_read_sent(&lock, &path, &sending, ctx.now, Some(&env.message_id)).map_err(
        |cause| Error::SentNotMarked {
            path: path.clone(),
            command: cfg.update.sendmail.clone(),
            at: ctx.now,
            cause: Box::new(cause.into()),
        },
    )?;
    ctx.term.info(&format!(
        "sent {} with `{}` and marked it sent",
        path.display(),
        cfg.update.sendmail
    ));
    Ok(ExitCode::Ok)
}

/// Shows who gets the mail and asks, as `git send-email` does. Only on a
/// terminal: without one `icu send` needs `--yes`.
fn confirm(env: &export::Envelope, incomplete: &[String]) -> Result<bool, Error> {
    let list = |v: &[crate::address::Mailbox]| {
        v.iter()
            .map(|m| match &m.name {
                Some(n) => format!("{n} <{}>", m.email),
                None => m.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut prompt = format!("From:    {}\n", list(std::slice::from_ref(&env.from)));
    if !env.reply_to.is_empty() {
        prompt.push_str(&format!("Reply-To: {}\n", list(&env.reply_to)));
    }
    prompt.push_str(&format!("To:      {}\n", list(&env.to)));
    if !env.cc.is_empty() {
        prompt.push_str(&format!("Cc:      {}\n", list(&env.cc)));
    }
    if !env.bcc.is_empty() {
        prompt.push_str(&format!("Bcc:     {}\n", list(&env.bcc)));
    }
    prompt.push_str(&format!("Subject: {}\n", env.subject));
    for part in incomplete {
        prompt.push_str(&format!(
            "Incomplete: {part} (once sent, what it misses is in no update)\n"
        ));
    }
    prompt.push_str(if incomplete.is_empty() {
        "Send this update? [y/N] "
    } else {
        "Send this incomplete update? [y/N] "
    });
    term::ask_yes_no(&prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sendmail_timeout_is_a_number_of_seconds_up_to_a_day() {
        let t = |v: &str| ICU_SENDMAIL_TIMEOUT.read(Some(v));
        assert_eq!(ICU_SENDMAIL_TIMEOUT.read(None).unwrap(), SENDMAIL_TIMEOUT);
        assert_eq!(t("1").unwrap(), Duration::from_secs(1));
        assert_eq!(t(" 0.5 ").unwrap(), Duration::from_millis(500));
        assert_eq!(t("86400").unwrap(), Duration::from_secs(86_400));
        for big in ["86401", "1e20", "1e300", "1.8e308", "inf"] {
            let e = t(big).unwrap_err().to_string();
            assert!(e.contains("more than 86400 seconds"), "{big}: {e}");
        }
        for bad in ["0", "-1", "NaN", "soon", ""] {
            let e = t(bad).unwrap_err().to_string();
            assert!(e.contains("not a number of seconds"), "{bad}: {e}");
        }
    }
}
