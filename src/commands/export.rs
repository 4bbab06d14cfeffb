//! `icu export`: the finished update as Markdown, HTML, plain text or a
//! ready-to-send .eml draft.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::cli::{ExportArgs, Format};
use crate::config::Config;
use crate::doc::frontmatter;
use crate::error::{Error, ExitCode};
use crate::export::{self, Envelope};
use crate::store;
use crate::template;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<ExitCode, Error> {
    let path = ctx.resolve_file(args.file.as_deref())?;
    let text = store::read(&path)?;
    ensure_ready(&path, &text, args.force, "export")?;
    let markdown = crate::doc::export_md::export_markdown(&text)
        .map_err(|e| super::draft::doc_error(&path, e))?;
    let bytes = match args.format {
        Format::Md => markdown.into_bytes(),
        Format::Text => export::to_text(&markdown).into_bytes(),
        Format::Html => {
            let cfg = ctx.load_config()?;
            let subject = subject(&cfg, &text, &path)?;
            export::to_html(&markdown, &subject).into_bytes()
        }
        Format::Eml => {
            let cfg = ctx.load_config()?;
            let env = envelope(ctx, &cfg, &text, &path)?;
            export::to_eml(&env, &markdown)?
        }
    };
    let target = match (&args.output, args.open) {
        (Some(o), _) => Some(o.clone()),
        (None, true) => Some(beside(&path, args.format)),
        (None, false) => None,
    };
    match target {
        Some(out) => {
            store::write_atomic(&out, &bytes)?;
            ctx.info(&format!("wrote {}", out.display()));
            if args.open {
                export::open_with_default_app(&out)?;
            }
        }
        None => super::print_stdout(&String::from_utf8_lossy(&bytes))?,
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

/// Refuses an unfinished update unless forced, listing what is unwritten.
pub fn ensure_ready(path: &Path, text: &str, force: bool, verb: &str) -> Result<(), Error> {
    let report = crate::doc::check::check(text).map_err(|e| super::draft::doc_error(path, e))?;
    if report.is_ready() || force {
        return Ok(());
    }
    let mut msg = format!("{} is not finished:\n", path.display());
    for p in &report.problems {
        msg.push_str(&format!(
            "  line {} [{}]: {}\n",
            p.line, p.section, p.message
        ));
    }
    msg.push_str(&format!(
        "Write those parts, or pass --force to {verb} an unfinished update"
    ));
    Err(Error::NotReady(msg))
}

/// The subject line from the `update.subject` template.
pub fn subject(cfg: &Config, text: &str, path: &Path) -> Result<String, Error> {
    let (fm, _, _) = frontmatter::split(text).map_err(|e| super::draft::doc_error(path, e))?;
    let ctx = template::SubjectContext {
        me: template::MeContext {
            name: cfg.me.name.clone(),
            emails: cfg.me.emails.clone(),
        },
        date: fm.date.to_string(),
        period: template::PeriodContext::new(fm.date, fm.since, fm.until),
    };
    template::render_subject(&cfg.update.subject, &ctx)
        .map_err(|e| Error::Usage(format!("update.subject failed to render: {e}")))
}

/// From, To, Cc, Subject, Date and Message-ID for the update at `path`.
pub fn envelope(ctx: &Ctx, cfg: &Config, text: &str, path: &Path) -> Result<Envelope, Error> {
    let email = cfg.me.emails.first().cloned().ok_or_else(|| {
        Error::Usage("[me] emails is empty: add your address to the config".into())
    })?;
    let from = export::Mailbox {
        name: Some(cfg.me.name.clone()).filter(|n| !n.trim().is_empty()),
        email,
    };
    if cfg.update.to.is_empty() {
        return Err(Error::Usage(
            "[update] to is empty: add your manager's address, e.g. to = [\"Grace Hopper <grace@example.com>\"]"
                .into(),
        ));
    }
    let parse = |list: &[String]| -> Result<Vec<export::Mailbox>, Error> {
        list.iter()
            .map(|a| crate::address::parse_mailbox(a).map_err(|e| Error::Export(e.into())))
            .collect()
    };
    let subject = subject(cfg, text, path)?;
    let seed = format!("{}{}", path.display(), ctx.now.to_rfc3339());
    Ok(Envelope {
        message_id: export::message_id(ctx.now, &from.email, &seed),
        from,
        to: parse(&cfg.update.to)?,
        cc: parse(&cfg.update.cc)?,
        subject,
        date: ctx.now,
    })
}
