//! `icu send`: pipe the update as email to the configured sendmail-compatible
//! program; only a clean exit marks the update sent.

use std::time::Duration;

use super::Ctx;
use crate::cli::SendArgs;
use crate::error::{Error, ExitCode, UsageError};
use crate::history;
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
    let text = super::read_finished(&path, args.force, "send")?;
    let markdown =
        crate::doc::export_md::export_markdown(&text).map_err(|e| Error::doc(&path, e))?;
    let fm = super::front_matter(&path, &text)?;
    let env = crate::export::envelope(&cfg, &fm, ctx.now, &path.display().to_string())?;
    let eml = crate::export::to_eml(&env, &markdown)?;
    if args.dry_run {
        term::print_stdout(&String::from_utf8_lossy(&eml))?;
        ctx.term.hint("nothing was sent (--dry-run)");
        return Ok(ExitCode::Ok);
    }
    crate::export::sendmail(&cfg.update.sendmail, &eml, timeout(ctx)?)?;
    history::mark_sent(&path, ctx.now)?;
    ctx.term.info(&format!(
        "sent {} with `{}` and marked it sent",
        path.display(),
        cfg.update.sendmail
    ));
    Ok(ExitCode::Ok)
}
