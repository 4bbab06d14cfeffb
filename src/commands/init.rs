//! `icu init`: a commented starter config, identity from git config.

use super::Ctx;
use crate::cli::InitArgs;
use crate::config;
use crate::error::{Error, ExitCode, UsageError};
use crate::updates::store::{self, StoreError};

pub fn run(ctx: &Ctx, args: InitArgs) -> Result<ExitCode, Error> {
    let (path, _) = ctx.config_path();
    if path.exists() && !args.force {
        return Err(UsageError::ConfigExists(path).into());
    }
    // One address per flag, each one an address: said in terms of the flags,
    // before the config text is even built.
    for (flag, values) in [("email", &args.emails), ("to", &args.to), ("cc", &args.cc)] {
        for v in values {
            crate::address::parse_mailbox(v)
                .map_err(|source| UsageError::InitAddress { flag, source })?;
        }
    }
    let repo_here = crate::scan::discover(&ctx.cwd);
    let (git_name, git_email) = crate::scan::git_identity(repo_here.as_deref().or(Some(&ctx.cwd)));
    let emails = if args.emails.is_empty() {
        git_email.into_iter().collect()
    } else {
        args.emails.clone()
    };
    if emails.is_empty() {
        return Err(UsageError::NoInitEmail.into());
    }
    let name = args
        .name
        .clone()
        .or(git_name)
        .unwrap_or_else(|| emails[0].clone());
    let repos: Vec<String> = if args.repos.is_empty() {
        repo_here.iter().map(|p| p.display().to_string()).collect()
    } else {
        args.repos
            .iter()
            .map(|p| {
                if p.is_relative() && !p.starts_with("~") {
                    ctx.cwd.join(p).display().to_string()
                } else {
                    p.display().to_string()
                }
            })
            .collect()
    };
    let text = config::starter(&config::StarterOptions {
        name,
        emails,
        to: args.to.clone(),
        cc: args.cc.clone(),
        repos,
    });
    // What init writes must load: a bad --to fails here, before any write.
    config::parse(&text, &path, &ctx.env)?;
    if path.exists() {
        // Before the backup reads it: copying from a FIFO would block.
        store::ensure_regular(&path)?;
        let backup = path.with_extension("toml.bak");
        std::fs::copy(&path, &backup).map_err(|e| StoreError::io("backing up", &path, e))?;
    }
    store::write_atomic(&path, text.as_bytes())?;
    ctx.term.info(&format!("wrote {}", path.display()));
    ctx.term.hint("add the goals you own as [[goal]] tables (an example is in the file), then run `icu draft`");
    Ok(ExitCode::Ok)
}
