//! `icu template`: the embedded update template, to start one's own from;
//! with `--context`, the JSON a template is rendered with for an update —
//! the very `RenderContext` `icu draft` gives minijinja, serialized.

use super::Ctx;
use crate::cli::TemplateArgs;
use crate::doc::render;
use crate::doc::stale::Stale;
use crate::error::{Error, ExitCode};
use crate::scan;
use crate::template::DEFAULT_TEMPLATE;
use crate::term;

pub fn run(ctx: &Ctx, args: TemplateArgs) -> Result<ExitCode, Error> {
    if !args.context {
        term::print_stdout(DEFAULT_TEMPLATE)?;
        return Ok(ExitCode::Ok);
    }
    let date = ctx.date_or_today(args.date);
    let cfg = ctx.load_config()?;
    let previous = ctx.last_sent(&cfg.update.dir, date);
    let period = ctx.period(&cfg, date, args.since, previous.as_ref())?;
    let asks = previous.map(|p| p.asks).unwrap_or_default();
    let (repos, attribution) = ctx.scan_and_attribute(&cfg, &period, scan::Detail::Full, None);
    // As `icu draft --print` renders it: what can be read now.
    let stale = Stale::new();
    let draft = render::Draft::of(
        &cfg,
        &period,
        (&repos, &attribution),
        &asks,
        ctx.now,
        &stale,
    );
    term::print_json(&render::context(&draft))?;
    Ok(ExitCode::Ok)
}
