//! `icu sent`: record that an update went out; the next period starts then.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Local};

use super::Ctx;
use crate::cli::SentArgs;
use crate::error::{Error, ExitCode};
use crate::store;

pub fn run(ctx: &Ctx, args: SentArgs) -> Result<ExitCode, Error> {
    let path = ctx.resolve_file(args.file.as_deref())?;
    let when = match &args.at {
        Some(s) => crate::period::parse_when(s, &Local).map_err(Error::Usage)?,
        None => ctx.now,
    };
    mark_sent(&path, when)?;
    ctx.info(&format!(
        "marked {} as sent at {}; the next period starts then",
        path.display(),
        when.to_rfc3339()
    ));
    Ok(ExitCode::Ok)
}

/// Sets `status = "sent"` and `sent = WHEN` in the front matter, changing no
/// other byte of the doc.
pub fn mark_sent(path: &Path, when: DateTime<FixedOffset>) -> Result<(), Error> {
    let _lock = store::Lock::acquire(path)?;
    let old = store::read(path)?;
    let new = crate::doc::frontmatter::mark_sent(&old, when)
        .map_err(|e| super::draft::doc_error(path, e))?;
    store::replace(path, &old, &new)
}
