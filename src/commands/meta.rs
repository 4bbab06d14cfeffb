//! `icu completions` and `icu man`: generated from the clap definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, ExitCode};

pub fn completions(args: CompletionsArgs) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "icu", &mut buf);
    crate::term::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::Ok)
}

pub fn man() -> Result<ExitCode, Error> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|source| Error::Output {
            action: "rendering the man page",
            source,
        })?;
    crate::term::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::Ok)
}
