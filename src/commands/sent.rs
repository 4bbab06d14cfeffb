//! `icu sent`: record that an update went out; the next period starts then.

use chrono::Local;

use super::Ctx;
use crate::cli::SentArgs;
use crate::error::{Error, ExitCode};
use crate::updates::history;
use crate::updates::store;

pub fn run(ctx: &Ctx, args: SentArgs) -> Result<ExitCode, Error> {
    let path = ctx.resolve_file(args.file.as_deref())?;
    let when = match args.at {
        Some(w) => w.resolve(&Local)?,
        None => ctx.now,
    };
    let lock = store::Lock::acquire(&path)?;
    history::mark_sent(&lock, &path, when, args.force)?;
    ctx.term.info(&format!(
        "marked {} as sent at {}; the next period starts then",
        path.display(),
        when.to_rfc3339()
    ));
    Ok(ExitCode::Ok)
}
