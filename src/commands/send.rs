//! `icu send`: pipe the update as email to the configured sendmail-compatible
//! program; only a clean exit marks the update sent.

use std::time::Duration;

use super::Ctx;
use crate::cli::SendArgs;
use crate::error::{Error, ExitCode};
use crate::store;

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
                Error::Usage(format!(
                    "ICU_SENDMAIL_TIMEOUT=`{s}` is not a number of seconds; unset it for the default of 60"
                ))
            }),
    }
}

pub fn run(ctx: &Ctx, args: SendArgs) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let path = ctx.resolve_file(args.file.as_deref())?;
    let text = store::read(&path)?;
    super::export::ensure_ready(&path, &text, args.force, "send")?;
    let markdown = crate::doc::export_md::export_markdown(&text)
        .map_err(|e| super::draft::doc_error(&path, e))?;
    let env = super::export::envelope(ctx, &cfg, &text, &path)?;
    let eml = crate::export::to_eml(&env, &markdown)?;
    if args.dry_run {
        super::print_stdout(&String::from_utf8_lossy(&eml))?;
        ctx.hint("nothing was sent (--dry-run)");
        return Ok(ExitCode::Ok);
    }
    crate::export::sendmail(&cfg.update.sendmail, &eml, timeout(ctx)?)?;
    super::sent::mark_sent(&path, ctx.now)?;
    ctx.info(&format!(
        "sent {} with `{}` and marked it sent",
        path.display(),
        cfg.update.sendmail
    ));
    Ok(ExitCode::Ok)
}
