//! `icu template`: the embedded update template, to start one's own from;
//! with `--context`, the JSON a template is rendered with for an update —
//! the very `RenderContext` `icu draft` gives minijinja, serialized.

use super::Ctx;
use crate::cli::TemplateArgs;
use crate::compose;
use crate::doc::stale::Stale;
use crate::error::{Error, ExitCode};
use crate::template::DEFAULT_TEMPLATE;
use crate::term;

pub fn run(ctx: &Ctx, args: TemplateArgs) -> Result<ExitCode, Error> {
    if !args.context {
        term::print_stdout(DEFAULT_TEMPLATE)?;
        return Ok(ExitCode::Ok);
    }
    let inputs = ctx.update_inputs(ctx.date_or_today(args.date), args.since)?;
    // As `icu draft --print` renders it: what can be read now.
    let stale = Stale::new();
    term::print_json(&compose::context(&inputs.draft(ctx.now, &stale)))?;
    Ok(ExitCode::Ok)
}
