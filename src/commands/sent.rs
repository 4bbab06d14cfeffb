//! `icu sent`: record that an update went out; the next period starts where
//! its activity ended (`LastSent::period_end`), not when it was sent.
//! `--undo` makes an update whose send did not finish a draft again.

use chrono::Local;

use super::Ctx;
use crate::cli::SentArgs;
use crate::error::{Error, ExitCode};
use crate::updates::history;
use crate::updates::store;

pub fn run(ctx: &Ctx, args: SentArgs) -> Result<ExitCode, Error> {
    let path = ctx.resolve_file(args.file.as_deref())?;
    let when = match args.at {
        Some(w) => Some(w.resolve(&Local)?),
        None => None,
    };
    let lock = store::Lock::acquire(&path)?;
    if args.undo {
        if history::unmark_sending(&lock, &path)? {
            ctx.term.info(&format!(
                "{} is a draft again; the next `icu send` gives its mail a new Message-ID",
                path.display()
            ));
        } else {
            ctx.term.info(&format!(
                "{} has no send under way: nothing to undo; it was left as it is",
                path.display()
            ));
        }
        return Ok(ExitCode::Ok);
    }
    let marked = history::mark_sent(&lock, &path, when, ctx.now, args.force)?;
    ctx.term.info(&format!(
        "marked {} as sent at {}; the next period starts at {}, where its activity ended",
        path.display(),
        marked.sent.to_rfc3339(),
        marked.period_end.to_rfc3339()
    ));
    Ok(ExitCode::Ok)
}
