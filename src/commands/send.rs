//! `icu send`: pipe the update as email to the configured sendmail-compatible
//! program; only a clean exit marks the update sent.

use std::time::Duration;

use super::Ctx;
use crate::cli::SendArgs;
use crate::error::{Again, Error, ExitCode, UsageError};
use crate::export::{self, Purpose};
use crate::history;
use crate::store;
use crate::term;

/// How long the sendmail program may take before icu gives up on it, unless
/// `ICU_SENDMAIL_TIMEOUT` (seconds) says otherwise.
pub const SENDMAIL_TIMEOUT: Duration = Duration::from_secs(60);

fn timeout(ctx: &Ctx) -> Result<Duration, Error> {
    match ctx.env.vars.get("ICU_SENDMAIL_TIMEOUT") {
        None => Ok(SENDMAIL_TIMEOUT),
        Some(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Error::Usage(UsageError::BadEnv {
                    var: "ICU_SENDMAIL_TIMEOUT",
                    value: s.clone(),
                    expected: "not a number of seconds; unset it for the default of 60",
                })
            }),
    }
}

pub fn run(ctx: &Ctx, args: SendArgs) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let path = ctx.resolve_file(args.file.as_deref())?;
    // Held from the first read to the sent mark: no other icu can send,
    // mark or refresh this update in between.
    let lock = store::Lock::acquire(&path)?;
    let text = super::read_finished(&path, args.force, "send")?;
    history::ensure_unsent(&path, &text, args.force, Again::Send)?;
    let markdown =
        crate::doc::export_md::export_markdown(&text).map_err(|e| Error::doc(&path, e))?;
    let fm = super::front_matter(&path, &text)?;
    let env = export::envelope(&cfg, &fm, ctx.now, &path.display().to_string())?;
    if args.dry_run {
        let eml = export::to_eml(&env, &markdown, Purpose::Send)?;
        term::print_stdout(&String::from_utf8_lossy(&eml))?;
        ctx.term.hint("nothing was sent (--dry-run)");
        return Ok(ExitCode::Ok);
    }
    if !args.yes && term::interactive() && !confirm(&env)? {
        ctx.term.info("nothing was sent");
        return Ok(ExitCode::NotReady);
    }
    let eml = export::to_eml(&env, &markdown, Purpose::Send)?;
    export::sendmail(&cfg.update.sendmail, &eml, timeout(ctx)?)?;
    history::mark_sent(&lock, &path, ctx.now, true)?;
    ctx.term.info(&format!(
        "sent {} with `{}` and marked it sent",
        path.display(),
        cfg.update.sendmail
    ));
    Ok(ExitCode::Ok)
}

/// Shows who gets the mail and asks, as `git send-email` does. Only on a
/// terminal: a script never waits for input.
fn confirm(env: &export::Envelope) -> Result<bool, Error> {
    let list = |v: &[crate::address::Mailbox]| {
        v.iter()
            .map(|m| match &m.name {
                Some(n) => format!("{n} <{}>", m.email),
                None => m.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut prompt = format!("To:      {}\n", list(&env.to));
    if !env.cc.is_empty() {
        prompt.push_str(&format!("Cc:      {}\n", list(&env.cc)));
    }
    prompt.push_str(&format!(
        "Subject: {}\nSend this update? [y/N] ",
        env.subject
    ));
    term::ask_yes_no(&prompt)
}
