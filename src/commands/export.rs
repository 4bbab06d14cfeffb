//! `icu export`: the finished update as Markdown, HTML, plain text or a
//! ready-to-send .eml draft.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::cli::{ExportArgs, Format};
use crate::config::Config;
use crate::doc::frontmatter;
use crate::error::{Error, ExitCode};
use crate::export;
use crate::term;
use crate::updates::history;
use crate::updates::store;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<ExitCode, Error> {
    let (path, text) = ctx.read_doc(args.file.as_deref())?;
    let text = super::check_finished(&path, text, args.force, "export")?;
    let markdown = crate::doc::export_md::export_markdown(&text, ctx.list_limit()?)
        .map_err(|e| Error::doc(&path, e))?;
    // The config, for the formats that need it; and for an .eml the
    // Message-ID to record if the doc has none yet.
    let mut cfg = None;
    let mut new_id = None;
    let bytes = match args.format {
        Format::Md => markdown.into_bytes(),
        Format::Text => export::to_text(&markdown).into_bytes(),
        Format::Html => {
            let c = cfg.insert(ctx.load_config()?);
            let subject = export::subject(c, &super::front_matter(&path, &text)?)?;
            export::to_html(&markdown, &subject, &c.update.lang).into_bytes()
        }
        Format::Eml => {
            let c = cfg.insert(ctx.load_config()?);
            // A terminal client sends the draft's headers as they are.
            let purpose = if c.update.mail_client_terminal {
                export::Purpose::TerminalDraft
            } else {
                export::Purpose::Draft
            };
            let mail = ctx.mail(c, &path, &text, &markdown, purpose)?;
            // An update sent without a recorded id went out with another
            // one: recording this one would thread the next update to a
            // mail nobody received.
            if mail.id_is_new && mail.front.status == frontmatter::Status::Draft {
                new_id = Some(mail.envelope.message_id);
            }
            mail.eml
        }
    };
    // `-o -` is stdout; `--open` needs a file, and stdin has none beside it.
    let output = args.output.as_ref().filter(|o| !super::is_stdin(o));
    let from_stdin = path == Path::new(super::STDIN);
    if args.open && output.is_none() && (args.output.is_some() || from_stdin) {
        return Err(crate::error::UsageError::OpenNeedsAFile.into());
    }
    let target = match (output, args.open) {
        (Some(o), _) => Some(o.clone()),
        (None, true) => Some(beside(&path, args.format)),
        (None, false) => None,
    };
    match target {
        Some(out) => {
            // Every format read the config (`list_limit`), so the updates
            // dir it names is known: an update there is never replaced.
            let updates_dir = ctx.updates_dir()?;
            let guard = store::Guard {
                // `--open` with no `-o` writes icu's own file beside the doc
                // (2026-11-23.eml): replaced each time, as it always was.
                overwrite: args.overwrite || args.output.is_none(),
                doc: &path,
                updates_dir: Some(&updates_dir),
            };
            store::write_output(&out, &bytes, &guard)?;
            ctx.term.info(&format!("wrote {}", out.display()));
            if let Some(id) = &new_id {
                record_message_id(ctx, &path, &text, id);
            }
            if args.open {
                open(ctx, cfg, &out, args.format)?;
            }
        }
        None => {
            term::print_stdout(&String::from_utf8_lossy(&bytes))?;
            if let Some(id) = &new_id {
                record_message_id(ctx, &path, &text, id);
            }
        }
    }
    Ok(ExitCode::Ok)
}

/// Records `id`, the Message-ID of the .eml just exported, in the update
/// (read as `text`), so that sending it later, by icu or from the mail
/// client, keeps it. Best effort: an update being refreshed, edited or on
/// a read-only disk is left alone with a warning, and the export stands
/// (the same update and sender give the same id again).
fn record_message_id(ctx: &Ctx, path: &Path, text: &str, id: &str) {
    let recorded = store::Lock::acquire(path)
        .map_err(Error::from)
        .and_then(|lock| Ok(history::record_message_id(&lock, path, text, id)?));
    if let Err(e) = recorded {
        ctx.term.warn(&format!(
            "the Message-ID of this .eml was not recorded in {} ({e}); icu gives the update the same one next time unless [update] from changes",
            path.display()
        ));
    }
}

/// `--open`: the `.eml` with `update.mail_client` when it is set, anything
/// else (and an `.eml` without it) with the desktop's default application.
fn open(ctx: &Ctx, cfg: Option<&Config>, out: &Path, format: Format) -> Result<(), Error> {
    let eml = format == Format::Eml;
    let opener = match cfg.and_then(|c| c.update.mail_client.as_deref().map(|m| (c, m))) {
        Some((c, command)) if eml => export::Opener::MailClient {
            command,
            terminal: c.update.mail_client_terminal,
        },
        _ => export::Opener::Desktop,
    };
    match export::open(out, opener, eml, &ctx.env.vars)? {
        export::Opened::Started(by) => {
            ctx.term.info(&format!("opened it with {by}"));
        }
        export::Opened::Ran(by) => ctx.term.info(&format!("{by} quit")),
    }
    Ok(())
}

/// `2026-11-23.eml` beside `2026-11-23.md`.
fn beside(doc: &Path, format: Format) -> PathBuf {
    let ext = match format {
        Format::Md => "export.md",
        Format::Html => "html",
        Format::Text => "txt",
        Format::Eml => "eml",
    };
    doc.with_extension(ext)
}
