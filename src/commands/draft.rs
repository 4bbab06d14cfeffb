//! `icu draft`: scan, attribute, render; write a new update or refresh the
//! generated blocks of an existing one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

use super::Ctx;
use crate::attribute::{attribute, Attribution};
use crate::cli::DraftArgs;
use crate::config::Config;
use crate::doc::asks::Ask;
use crate::doc::frontmatter::{self, Status};
use crate::doc::render;
use crate::error::{Error, ExitCode};
use crate::period::{self, Period};
use crate::scan::{self, Identity, RepoActivity};
use crate::store;

pub fn run(ctx: &Ctx, args: DraftArgs) -> Result<ExitCode, Error> {
    let date = ctx.date_arg(args.date.as_deref())?;
    let since = args
        .since
        .as_deref()
        .map(period::parse_since)
        .transpose()
        .map_err(Error::Usage)?;
    let cfg = ctx.load_config()?;
    let previous = last_sent(ctx, &cfg.update.dir, date);
    let period = period::period(
        date,
        since,
        previous.as_ref().map(|p| p.sent),
        cfg.update.cadence_days,
        &Local,
    )
    .map_err(Error::Usage)?;
    let asks = previous.map(|p| p.asks).unwrap_or_default();
    let (repos, attribution) = scan_and_attribute(ctx, &cfg, &period, scan::Detail::Full);
    let draft = render::Draft {
        me: &cfg.me,
        goals: &cfg.goals,
        period: &period,
        repos: &repos,
        attribution: &attribution,
        asks: &asks,
    };
    let fresh = render::compose(&draft, &template_text(&cfg)?)
        .map_err(|e| Error::Usage(format!("the update template failed to render: {e}")))?;

    if args.print {
        super::print_stdout(&fresh)?;
        return Ok(ExitCode::Ok);
    }

    let path = store::update_path(&cfg.update.dir, date);
    let _lock = store::Lock::acquire(&path)?;
    let commits: usize = repos.iter().map(|r| r.commits.len()).sum();
    if path.exists() {
        refresh_existing(ctx, &path, &fresh, args.force)?;
        ctx.info(&format!(
            "refreshed {} ({commits} commits since {}); your text is unchanged",
            path.display(),
            period::short_date(period.since.date_naive())
        ));
    } else {
        store::write_atomic(&path, fresh.as_bytes())?;
        ctx.info(&format!(
            "wrote {} ({commits} commits since {})",
            path.display(),
            period::short_date(period.since.date_naive())
        ));
    }
    if !args.no_edit && super::interactive() {
        open_editor(ctx, &path)?;
    } else if !ctx.quiet {
        ctx.hint("write your update in it, then run `icu check`");
    }
    Ok(ExitCode::Ok)
}

fn refresh_existing(ctx: &Ctx, path: &Path, fresh: &str, force: bool) -> Result<(), Error> {
    let old = store::read(path)?;
    let (fm, _, _) = frontmatter::split(&old).map_err(|e| doc_error(path, e))?;
    if fm.status == Status::Sent && !force {
        return Err(Error::NotReady(format!(
            "{} was already sent; it was left as it is. Pass --force to refresh it anyway",
            path.display()
        )));
    }
    let new = crate::doc::refresh::refresh(&old, fresh).map_err(|e| doc_error(path, e))?;
    store::replace(path, &old, &new)?;
    if new != old {
        ctx.debug(&format!(
            "kept the previous version as {}",
            store::backup_path(path).display()
        ));
    }
    Ok(())
}

/// Wraps a document error with the file's name and the promise it was kept.
pub fn doc_error(path: &Path, e: crate::doc::DocError) -> Error {
    Error::NotReady(format!(
        "{}: {e}\nThe file was not changed.",
        path.display()
    ))
}

/// The last update before `date` that was sent: when, and its open asks.
pub struct LastSent {
    pub path: PathBuf,
    pub sent: DateTime<FixedOffset>,
    pub asks: Vec<Ask>,
}

/// Finds the newest sent update dated before `date`. Updates that cannot be
/// read are skipped with a warning.
pub fn last_sent(ctx: &Ctx, dir: &Path, date: NaiveDate) -> Option<LastSent> {
    let list = match store::list(dir) {
        Ok(l) => l,
        Err(e) => {
            ctx.warn(&e.to_string());
            return None;
        }
    };
    for (d, path) in list.into_iter().rev().filter(|(d, _)| *d < date) {
        let text = match store::read(&path) {
            Ok(t) => t,
            Err(e) => {
                ctx.warn(&format!("skipped: {e}"));
                continue;
            }
        };
        let fm = match frontmatter::split(&text) {
            Ok((fm, _, _)) => fm,
            Err(e) => {
                ctx.warn(&format!("skipped {}: {e}", path.display()));
                continue;
            }
        };
        if fm.status != Status::Sent {
            continue;
        }
        let sent = fm.sent.unwrap_or(fm.until);
        let asks = match crate::doc::asks::asks(&text, d) {
            Ok(a) => a.into_iter().filter(|a| !a.done).collect(),
            Err(e) => {
                ctx.warn(&format!("open asks of {} not carried: {e}", path.display()));
                Vec::new()
            }
        };
        return Some(LastSent { path, sent, asks });
    }
    None
}

/// Scans every repository for the period and attributes the commits,
/// reporting unusable repositories as warnings.
pub fn scan_and_attribute(
    ctx: &Ctx,
    cfg: &Config,
    period: &Period,
    detail: scan::Detail,
) -> (Vec<RepoActivity>, Attribution) {
    let me = Identity {
        emails: &cfg.me.emails,
    };
    let (repos, warnings) = scan::scan_all(&cfg.repos, period.window(), &me, detail);
    for w in &warnings {
        ctx.warn(&w.to_string());
    }
    for r in &repos {
        ctx.debug(&format!(
            "scan: {}: visited {} commits, {} in the window, {} mine",
            r.name,
            r.visited,
            r.in_window,
            r.commits.len()
        ));
    }
    let attribution = attribute(&cfg.goals, &repos);
    (repos, attribution)
}

/// The update template's text: `update.template`, else the embedded one.
fn template_text(cfg: &Config) -> Result<String, Error> {
    match &cfg.update.template {
        Some(p) => std::fs::read_to_string(p).map_err(|e| {
            Error::Usage(format!(
                "update.template {} cannot be read: {e}; fix the path or remove the key to use the built-in template",
                p.display()
            ))
        }),
        None => Ok(crate::template::DEFAULT_TEMPLATE.to_string()),
    }
}

/// Opens the update in `$VISUAL` or `$EDITOR` and waits for it.
fn open_editor(ctx: &Ctx, path: &Path) -> Result<(), Error> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| ctx.env.vars.get(*k).filter(|v| !v.trim().is_empty()));
    let Some(editor) = editor else {
        ctx.hint(&format!(
            "set $EDITOR to have icu open the draft; for now open {}",
            path.display()
        ));
        return Ok(());
    };
    let words = shell_words::split(editor)
        .map_err(|e| Error::Usage(format!("$EDITOR=`{editor}` cannot be parsed: {e}")))?;
    let Some((prog, rest)) = words.split_first() else {
        return Ok(());
    };
    let status = std::process::Command::new(prog)
        .args(rest)
        .arg(path)
        .status()
        .map_err(|e| Error::Usage(format!("cannot start the editor `{prog}`: {e}")))?;
    if !status.success() {
        ctx.warn(&format!("the editor `{prog}` exited with {status}"));
    }
    Ok(())
}
