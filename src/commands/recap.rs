//! `icu recap`: the person's own words from the sent updates of a span.

use super::Ctx;
use crate::cli::{RecapArgs, RecapFormat};
use crate::error::{Error, ExitCode, UsageError};
use crate::export;
use crate::term;
use crate::updates::recap::{self, Span};
use crate::updates::store;

pub fn run(ctx: &Ctx, args: RecapArgs) -> Result<ExitCode, Error> {
    if let (Some(s), Some(u)) = (args.since, args.until) {
        if u < s {
            return Err(UsageError::RecapSpan { since: s, until: u }.into());
        }
    }
    // The recap reads the updates dir only: with no config file it needs no
    // repository either (the default dir and cadence, as a config-less
    // draft uses them).
    let (dir, cadence_days, lang) = match ctx.config_file()? {
        Some(cfg) => (
            cfg.update.dir.clone(),
            cfg.update.cadence_days,
            cfg.update.lang.clone(),
        ),
        None => (
            crate::config::default_updates_dir(),
            crate::config::DEFAULT_CADENCE_DAYS,
            crate::config::DEFAULT_LANG.to_string(),
        ),
    };
    let span = Span {
        since: args.since,
        until: args.until,
        goal: args.goal.clone(),
        cadence_days,
        today: ctx.today(),
    };
    let (r, warnings) = recap::gather(&dir, &span)?;
    for w in &warnings {
        ctx.term.warn(w);
    }
    if let Some(id) = &args.goal {
        if r.goals.is_empty() && !r.updates.is_empty() {
            return Err(UsageError::RecapGoal(id.clone()).into());
        }
    }
    if r.updates.is_empty() {
        ctx.term.hint(&format!(
            "no sent update in {} for that span: `icu log` lists them",
            dir.display()
        ));
    }
    if args.json {
        term::print_json(&r)?;
        return Ok(ExitCode::Ok);
    }
    let md = recap::markdown(&r);
    let bytes = match args.format {
        RecapFormat::Md => md.into_bytes(),
        RecapFormat::Text => export::to_text(&md).into_bytes(),
        RecapFormat::Html => {
            let title = md
                .lines()
                .next()
                .unwrap_or("Recap")
                .trim_start_matches("# ");
            export::to_html(&md, title, &lang).into_bytes()
        }
    };
    match &args.output {
        Some(out) => {
            let guard = store::Guard {
                overwrite: args.overwrite,
                doc: &dir,
                updates_dir: Some(&dir),
            };
            store::write_output(out, &bytes, &guard)?;
            ctx.term.info(&format!("wrote {}", out.display()));
        }
        None => term::print_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    Ok(ExitCode::Ok)
}
