//! The `icu` binary: parse the command line, run it, report the error, exit.

use clap::Parser;

fn main() -> std::process::ExitCode {
    icu::install_panic_hook();
    let cli = icu::Cli::parse();
    let color = cli.color;
    match icu::run(cli) {
        Ok(code) => std::process::ExitCode::from(code as u8),
        Err(err) => {
            icu::report_error(&err, color);
            std::process::ExitCode::from(err.exit_code() as u8)
        }
    }
}
