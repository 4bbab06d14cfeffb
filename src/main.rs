//! The `icu` binary: parse the command line, run it, report the error, exit.

use clap::Parser;

fn main() -> std::process::ExitCode {
    icu::term::install_panic_hook();
    let cli = icu::cli::Cli::parse();
    let color = cli.color;
    match icu::commands::run(cli) {
        Ok(code) => std::process::ExitCode::from(code as u8),
        Err(err) => {
            icu::term::report_error(&err, color);
            std::process::ExitCode::from(err.exit_code() as u8)
        }
    }
}
