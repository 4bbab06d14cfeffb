//! `icu check`: what is still unwritten in an update.

use super::Ctx;
use crate::cli::FileArg;
use crate::error::{Error, ExitCode};
use crate::template::{plural, SCHEMA_VERSION};
use crate::term;

pub fn run(ctx: &Ctx, args: FileArg) -> Result<ExitCode, Error> {
    let (path, text) = ctx.read_doc(args.file.as_deref())?;
    let report = crate::doc::check::check(&text).map_err(|e| Error::doc(&path, e))?;
    ownership_hints(ctx, &path, &text);
    if args.json {
        term::print_json(&serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "file": path.display().to_string(),
            "ready": report.is_ready(),
            "problems": report.problems,
            "notes": report.notes,
            "open_asks": report.open_asks,
            "incomplete": report.incomplete,
        }))?;
    } else if ctx.term.quiet && report.is_ready() {
        // Ready, and asked to be quiet: nothing to say but what the update
        // may be missing.
        let out: String = report
            .incomplete
            .iter()
            .map(|part| incomplete_line(&path, part))
            .collect();
        term::print_report(&out)?;
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
        for part in &report.incomplete {
            out.push_str(&incomplete_line(&path, part));
        }
        if report.is_ready() {
            let asks = match report.open_asks {
                0 => "no asks".to_string(),
                n => plural(n, "open ask", "open asks"),
            };
            out.push_str(&format!("{}: ready to send ({asks})\n", path.display()));
        } else {
            out.push_str(&format!(
                "{}: not ready: {} to write\n",
                path.display(),
                report.problems.len()
            ));
        }
        term::print_report(&out)?;
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

/// The line that names a part the update may be missing.
fn incomplete_line(path: &std::path::Path, part: &str) -> String {
    format!(
        "{}: incomplete: {part} (refresh with `icu draft` once it can be read; sent as it is, what it misses is gone from the record)\n",
        path.display()
    )
}

/// The warning for a goal without rules, and the ownership hints
/// (`crate::updates::hints`) for the update checked and the one
/// before it, when a config file is there to name the goals: a config that
/// is missing or does not load gives no hints here (`icu check` needs no
/// config, and a config error is reported by the commands that use it).
fn ownership_hints(ctx: &Ctx, path: &std::path::Path, text: &str) {
    let Ok(Some(cfg)) = ctx.config_file() else {
        return;
    };
    ctx.warn_goals_without_rules(cfg);
    let Ok(this) = crate::doc::sections::read(text) else {
        return;
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let before = this.front.date.pred_opt().unwrap_or(this.front.date);
    let mut recent = vec![this];
    recent.extend(crate::updates::hints::recent(dir, before, 1));
    for h in crate::updates::hints::ownership(&cfg.goals, &recent) {
        ctx.term.hint(&h);
    }
}
