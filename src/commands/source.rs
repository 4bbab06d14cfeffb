//! `icu source NAME`: one `[[source]]` run for the period of an update, as
//! a draft runs it (`sources::command`), showing the items it gives and its
//! problems — to write a source and see what icu makes of it without
//! drafting. Exit 0 when the source is complete, 1 when it is not.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, SecondsFormat};
use serde::Serialize;

use super::Ctx;
use crate::cli::SourceArgs;
use crate::error::{Error, ExitCode, UsageError};
use crate::sources::command::{self, Run};
use crate::sources::Item;
use crate::template::{plural, SCHEMA_VERSION};
use crate::term;

/// `icu source --json`. Field names are stable.
#[derive(Debug, Serialize)]
struct SourceReport<'a> {
    schema_version: u32,
    source: &'a str,
    command: &'a str,
    period: Window,
    /// Whether nothing went wrong that could make the list short.
    complete: bool,
    /// Why it is incomplete.
    failed: Option<&'a str>,
    /// Inside the window, by time.
    items: &'a [Item],
    /// How many items it printed outside the window (left out).
    outside: usize,
    warnings: &'a [String],
}

/// The window the source was run for.
#[derive(Debug, Serialize)]
struct Window {
    /// The update's date.
    date: NaiveDate,
    since: DateTime<FixedOffset>,
    /// Exclusive: the end of the update's date, or now if that is sooner.
    until: DateTime<FixedOffset>,
}

pub fn run(ctx: &Ctx, args: SourceArgs) -> Result<ExitCode, Error> {
    let file = ctx.config_file()?;
    let found = file.and_then(|c| {
        c.sources
            .iter()
            .find(|s| s.name == args.name)
            .map(|s| (c, s))
    });
    let Some((cfg, spec)) = found else {
        return Err(UsageError::NoSuchSource {
            name: args.name,
            config: file.and_then(|c| c.source.clone()),
            configured: file
                .map(|c| c.sources.iter().map(|s| s.name.clone()).collect())
                .unwrap_or_default(),
        }
        .into());
    };
    let date = ctx.date_or_today(args.date);
    let last = ctx.last_sent(&cfg.update.dir, date);
    let period = ctx.period(cfg, date, args.since, last.as_ref())?;
    let window = Window {
        date,
        since: period.since,
        until: period.until.min(ctx.now),
    };
    let goals: Vec<String> = cfg.goals.iter().map(|g| g.id.clone()).collect();
    let ran = command::run(spec, period.window_at(ctx.now), &Local, &goals);
    for w in &ran.warnings {
        ctx.term.warn(w);
    }
    if args.json {
        term::print_json(&SourceReport {
            schema_version: SCHEMA_VERSION,
            source: &spec.name,
            command: &spec.command,
            period: window,
            complete: ran.failed.is_none(),
            failed: ran.failed.as_deref(),
            items: &ran.items,
            outside: ran.outside,
            warnings: &ran.warnings,
        })?;
    } else {
        term::print_report(&report(&spec.name, &window, &ran))?;
    }
    Ok(if ran.failed.is_some() {
        ExitCode::NotReady
    } else {
        ExitCode::Ok
    })
}

/// The items as a person reads them: a line saying what was run for which
/// window, then each item's time, kind and title, and below it what else
/// it has.
fn report(name: &str, window: &Window, ran: &Run) -> String {
    let count = plural(ran.items.len(), "item", "items");
    let outside = match ran.outside {
        0 => String::new(),
        n => format!("; {n} outside it left out"),
    };
    let state = match &ran.failed {
        None => "complete".to_string(),
        Some(why) => format!("INCOMPLETE: {why}"),
    };
    let mut out = format!(
        "{name}: {count} in {} – {} (the update of {}){outside}; {state}\n",
        window.since.to_rfc3339_opts(SecondsFormat::Secs, true),
        window.until.to_rfc3339_opts(SecondsFormat::Secs, true),
        window.date,
    );
    for item in &ran.items {
        out.push_str(&format!(
            "\n{}  {}  {}\n",
            item.time.to_rfc3339(),
            item.kind,
            item.title
        ));
        for (key, value) in [
            ("url", item.url.as_deref()),
            ("goal", item.goal.as_deref()),
            ("repo", item.repo.as_deref()),
            ("id", Some(item.id.as_str())),
        ] {
            if let Some(v) = value {
                out.push_str(&format!("    {key:<4}  {v}\n"));
            }
        }
    }
    out
}
