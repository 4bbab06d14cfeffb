//! `icu draft`: scan, attribute, render; write a new update or refresh the
//! generated blocks of an existing one.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::cli::DraftArgs;
use crate::compose;
use crate::config::Config;
use crate::doc::frontmatter::{self, Status};
use crate::doc::refresh::{self, Edits};
use crate::doc::stale::{stale_groups, Stale};
use crate::doc::DocError;
use crate::error::{Error, ExitCode, UsageError};
use crate::period;
use crate::scan;
use crate::template::plural;
use crate::term;
use crate::updates::history::{self, Again};
use crate::updates::store;

pub fn run(ctx: &Ctx, args: DraftArgs) -> Result<ExitCode, Error> {
    let (date, file) = match args.file.as_deref() {
        Some(f) => {
            let (path, date) = named_update(ctx, f)?;
            if let Some(asked) = args.date.filter(|d| *d != date) {
                return Err(UsageError::DraftDate {
                    file: path,
                    file_date: date,
                    date: asked,
                }
                .into());
            }
            (date, Some(path))
        }
        None => (ctx.date_or_today(args.date), None),
    };
    let inputs = ctx.update_inputs(date, args.since)?;
    let (cfg, period, repos) = (inputs.cfg, &inputs.period, &inputs.repos);
    ctx.warn_goals_without_rules(cfg);
    ctx.require_a_repository(cfg, repos)?;
    let path = file.unwrap_or_else(|| store::update_path(&cfg.update.dir, date));
    // The sources beside git that failed now (`name: why`).
    let failed: Vec<String> = inputs
        .incomplete
        .iter()
        .filter_map(|p| p.split_once(": ").map(|(name, _)| name.to_string()))
        .collect();
    let stale = if args.print {
        Stale::new()
    } else {
        kept_for_unread(ctx, cfg, repos, &failed, &path)
    };
    let draft = inputs.draft(ctx.now, &stale);
    let key = if cfg.update.template.is_some() {
        "update.template"
    } else {
        "the update template"
    };
    let fresh = compose::compose(&draft, &template_name(cfg), &template_text(cfg)?)
        .map_err(|source| Error::Template { key, source })?;
    let fresh = keep_records_of_failed(&fresh, &failed, &path, args.print);

    if args.print {
        term::print_stdout(&fresh)?;
        return Ok(ExitCode::Ok);
    }
    // A template that breaks icu's markers is named, not the update's line.
    crate::doc::readable(&fresh).map_err(|source| Error::TemplateOutput {
        key,
        template: template_name(cfg),
        source,
    })?;

    let _lock = store::Lock::acquire(&path)?;
    let commits = plural(
        repos.iter().map(|r| r.commits.len()).sum(),
        "commit",
        "commits",
    );
    let since = period::short_date(period.since.date_naive());
    if path.exists() {
        let kept = refresh_existing(ctx, &path, &fresh, args.force)?;
        ctx.term.info(&format!(
            "refreshed {} ({commits} since {since}); {kept}",
            path.display(),
        ));
    } else {
        store::write_atomic(&path, fresh.as_bytes())?;
        ctx.term.info(&format!(
            "wrote {} ({commits} since {since})",
            path.display(),
        ));
    }
    if !args.no_edit && term::interactive() {
        open_editor(ctx, &path)?;
    } else {
        ctx.term
            .hint("write your update in it, then run `icu check`");
    }
    Ok(ExitCode::Ok)
}

/// Refreshes the update at `path` with `fresh`, and says what became of the
/// person's text. `force` overrides both refusals — an update already sent,
/// and text written inside an activity block — and says which it overrode.
/// What the existing update at `path` showed for the configured
/// repositories that could not be read now: kept, marked, with a warning,
/// rather than replaced by "no commits". A doc that cannot be read keeps
/// nothing here; the refresh then reports what is wrong with it.
///
/// The same for each source beside git that failed now (`failed`, by name):
/// its items the update showed are kept, marked.
fn kept_for_unread(
    ctx: &Ctx,
    cfg: &Config,
    repos: &[scan::RepoActivity],
    failed: &[String],
    path: &Path,
) -> Stale {
    let unread: Vec<String> = cfg
        .repos
        .iter()
        .map(|r| r.name.clone())
        .filter(|n| !repos.iter().any(|r| &r.name == n))
        .chain(failed.iter().cloned())
        .collect();
    if unread.is_empty() || !path.is_file() {
        return Stale::new();
    }
    let Ok(old) = store::read(path) else {
        return Stale::new();
    };
    let today = period::short_date(ctx.today());
    let kept = stale_groups(&old, &unread, &today).unwrap_or_default();
    if !kept.is_empty() {
        ctx.term.warn(&format!(
            "{} could not be read now: {} keeps what it showed for them, marked as kept",
            unread.join(", "),
            path.display()
        ));
    }
    kept
}

/// `fresh` with the record of the items it lists (`frontmatter::listed_items`)
/// holding also those of each source that failed now (`failed`) which the
/// update at `path` recorded: their lines are kept (`kept_for_unread`), and
/// so is the record that keeps them from being listed again once sent.
fn keep_records_of_failed(fresh: &str, failed: &[String], path: &Path, print: bool) -> String {
    if print || failed.is_empty() || !path.is_file() {
        return fresh.to_string();
    }
    let old = store::read(path)
        .ok()
        .and_then(|t| frontmatter::listed_items(&t).ok())
        .unwrap_or_default();
    let Ok(mut items) = frontmatter::listed_items(fresh) else {
        return fresh.to_string();
    };
    let before = items.len();
    for key in old {
        let source = key.split_once(':').map_or("", |(s, _)| s);
        if failed.iter().any(|f| f == source) && !items.contains(&key) {
            items.push(key);
        }
    }
    if items.len() == before {
        return fresh.to_string();
    }
    items.sort();
    frontmatter::set_listed_items(fresh, &items).unwrap_or_else(|_| fresh.to_string())
}

fn refresh_existing(ctx: &Ctx, path: &Path, fresh: &str, force: bool) -> Result<String, Error> {
    let old = store::read(path)?;
    let (fm, _, _) = frontmatter::split(&old).map_err(|e| Error::doc(path, e))?;
    // Sent is refused unless `force`; a send under way (it may have been
    // delivered) always: `icu sent` or `icu sent --undo` says which it is.
    history::ensure_unsent(path, &old, force, Again::Refresh)?;
    let edits = if force { Edits::Replace } else { Edits::Refuse };
    let r = refresh::refresh_with(&old, fresh, edits).map_err(|e| match e {
        DocError::EditedBlocks(blocks) => Error::EditedBlocks {
            path: path.to_path_buf(),
            blocks,
        },
        e => Error::doc(path, e),
    })?;
    store::replace(path, &old, &r.text)?;
    let backup = store::backup_path(path);
    if fm.status == Status::Sent {
        ctx.term.warn(&format!(
            "--force: refreshed {}, which was already sent",
            path.display()
        ));
    }
    for b in &r.replaced {
        ctx.term.warn(&format!(
            "--force: replaced your text in the activity block `{}` (line {}); it is in {}",
            b.key,
            b.line,
            backup.display()
        ));
    }
    if r.text != old {
        ctx.term.debug(&format!(
            "kept the previous version as {}",
            backup.display()
        ));
    }
    Ok(if r.text == old {
        "nothing changed".to_string()
    } else if r.kept_every_edit() {
        "your text is unchanged".to_string()
    } else if r.replaced.is_empty() {
        format!(
            "your text outside the activity blocks is unchanged; icu had no record of what it wrote in {} (an update from an older icu), so an edit there would not have been noticed: the previous version is {}",
            r.unrecorded
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            backup.display()
        )
    } else {
        "your text outside the activity blocks is unchanged".to_string()
    })
}

/// What errors call the update template: its file, or the embedded one as
/// an installed user knows it (they have no source tree to look in).
fn template_name(cfg: &Config) -> String {
    cfg.update.template.as_ref().map_or_else(
        || "the built-in template (`icu template` prints it)".to_string(),
        |p| p.display().to_string(),
    )
}

/// The update template's text: `update.template`, else the embedded one.
fn template_text(cfg: &Config) -> Result<String, Error> {
    match &cfg.update.template {
        Some(p) => std::fs::read_to_string(p).map_err(|source| {
            Error::Usage(UsageError::TemplateUnreadable {
                path: p.clone(),
                source,
            })
        }),
        None => Ok(crate::template::DEFAULT_TEMPLATE.to_string()),
    }
}

/// Opens the update in the person's editor ([`term::editor`]: `$GIT_EDITOR`,
/// `core.editor`, `$VISUAL`, `$EDITOR`, else `vi`, as git) and waits for it. The draft is written
/// before: an editor that cannot be started is an error that says so and
/// where it is; one that exits with a failure is a warning.
fn open_editor(ctx: &Ctx, path: &Path) -> Result<(), Error> {
    let core_editor = crate::scan::git_core_editor(Some(&ctx.cwd));
    let Some(editor) = term::editor(&ctx.env.vars, core_editor.as_deref()) else {
        ctx.term.hint(&format!(
            "the terminal is dumb and no editor is set ($GIT_EDITOR, core.editor, $EDITOR), so none was opened; open {}",
            path.display()
        ));
        return Ok(());
    };
    if editor == ":" {
        return Ok(());
    }
    let status = term::run_editor(&editor, path).map_err(|source| Error::EditorFailed {
        path: path.to_path_buf(),
        editor: editor.clone(),
        source,
    })?;
    if !status.success() {
        ctx.term.warn(&format!(
            "the editor `{editor}` exited with {status}; {} is as it left it",
            path.display()
        ));
    }
    Ok(())
}

/// `icu draft FILE`: the update named, as `check`, `export` and `send` take
/// it (a file that is not there is an error, `-` is refused: the draft is
/// written back), and its date, the one its front matter records.
fn named_update(ctx: &Ctx, file: &Path) -> Result<(PathBuf, chrono::NaiveDate), Error> {
    let path = ctx.resolve_file(Some(file))?;
    let text = store::read(&path)?;
    let (fm, _, _) = frontmatter::split(&text).map_err(|e| Error::doc(&path, e))?;
    Ok((path, fm.date))
}
