//! `icu export`: the finished update as Markdown, HTML, plain text or a
//! ready-to-send .eml draft.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::cli::{ExportArgs, Format};
use crate::error::{Error, ExitCode};
use crate::export;
use crate::store;
use crate::term;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<ExitCode, Error> {
    let (path, text) = ctx.read_doc(args.file.as_deref())?;
    let text = super::check_finished(&path, text, args.force, "export")?;
    let markdown =
        crate::doc::export_md::export_markdown(&text).map_err(|e| Error::doc(&path, e))?;
    let bytes = match args.format {
        Format::Md => markdown.into_bytes(),
        Format::Text => export::to_text(&markdown).into_bytes(),
        Format::Html => {
            let cfg = ctx.load_config()?;
            let subject = export::subject(&cfg, &super::front_matter(&path, &text)?)?;
            export::to_html(&markdown, &subject).into_bytes()
        }
        Format::Eml => {
            let cfg = ctx.load_config()?;
            let fm = super::front_matter(&path, &text)?;
            let env = export::envelope(&cfg, &fm, ctx.now, &path.display().to_string())?;
            export::to_eml(&env, &markdown, export::Purpose::Draft)?
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
            // The updates dir is only protected when the config says where it
            // is; a config that does not load does not stop an md or text
            // export, which never needed one.
            let updates_dir = ctx.updates_dir().ok();
            let guard = store::Guard {
                // `--open` with no `-o` writes icu's own file beside the doc
                // (2026-11-23.eml): replaced each time, as it always was.
                overwrite: args.overwrite || args.output.is_none(),
                doc: &path,
                updates_dir: updates_dir.as_deref(),
            };
            store::write_output(&out, &bytes, &guard)?;
            ctx.term.info(&format!("wrote {}", out.display()));
            if args.open {
                export::open_with_default_app(&out)?;
            }
        }
        None => term::print_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    Ok(ExitCode::Ok)
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
