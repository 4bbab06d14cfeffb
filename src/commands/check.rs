//! `icu check`: what is still unwritten in an update.

use super::Ctx;
use crate::cli::FileArg;
use crate::error::{Error, ExitCode};
use crate::term;

pub fn run(ctx: &Ctx, args: FileArg) -> Result<ExitCode, Error> {
    let (path, text) = ctx.read_doc(args.file.as_deref())?;
    let report = crate::doc::check::check(&text).map_err(|e| Error::doc(&path, e))?;
    if args.json {
        term::print_json(&serde_json::json!({
            "schema_version": super::JSON_SCHEMA_VERSION,
            "file": path.display().to_string(),
            "ready": report.is_ready(),
            "problems": report.problems,
            "notes": report.notes,
            "open_asks": report.open_asks,
        }))?;
    } else {
        let mut out = String::new();
        let mut all: Vec<(&str, &crate::doc::check::Problem)> = report
            .problems
            .iter()
            .map(|p| ("", p))
            .chain(report.notes.iter().map(|p| ("note: ", p)))
            .collect();
        all.sort_by_key(|(_, p)| p.line);
        for (kind, p) in all {
            out.push_str(&format!(
                "{}:{}: [{}] {kind}{}\n",
                path.display(),
                p.line,
                p.section,
                p.message
            ));
        }
        if report.is_ready() {
            let asks = match report.open_asks {
                0 => "no asks".to_string(),
                1 => "1 open ask".to_string(),
                n => format!("{n} open asks"),
            };
            out.push_str(&format!("{}: ready to send ({asks})\n", path.display()));
        } else {
            out.push_str(&format!(
                "{}: not ready: {} to write\n",
                path.display(),
                report.problems.len()
            ));
        }
        term::print_stdout(&out)?;
        if !report.is_ready() {
            ctx.term
                .hint("fill the prompts above, then run `icu check` again");
        }
    }
    Ok(if report.is_ready() {
        ExitCode::Ok
    } else {
        ExitCode::NotReady
    })
}
