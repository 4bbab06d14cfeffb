//! `--help` of `icu` and of every subcommand, under snapshots
//! (`tests/snapshots/main__help__*.snap`): a change to the command-line
//! surface shows as a diff to review, not as a surprise to a user.
//!
//! Run through the binary in the sealed environment (no config, `NO_COLOR`),
//! 100 columns wide and with no terminal (stdout and stderr are pipes, stdin
//! is empty), so the text is the same on every machine. That the clap
//! definition is consistent is `cli::tests::cli_definition_is_consistent`
//! (`Cli::command().debug_assert()`), a unit test in src/cli.rs.

use predicates::prelude::*;

use crate::common::{stdout, TestEnv};

/// `icu ARGS… --help`, as a user at a 100-column terminal would read it.
fn help(args: &[&str]) -> String {
    let env = TestEnv::new();
    stdout(
        &env.icu()
            .env("COLUMNS", "100")
            .args(args)
            .arg("--help")
            .assert()
            .success()
            .stderr(""),
    )
}

/// One test a command, each a snapshot named after it; `COMMANDS` lists the
/// subcommands that have one.
macro_rules! help_snapshots {
    ($($test:ident: [$($arg:literal)?],)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(help(&[$($arg)?]));
            }
        )*

        const COMMANDS: &[&str] = &[$($($arg,)?)*];
    };
}

help_snapshots! {
    icu: [],
    init: ["init"],
    goals: ["goals"],
    draft: ["draft"],
    check: ["check"],
    export: ["export"],
    send: ["send"],
    sent: ["sent"],
    status: ["status"],
    log: ["log"],
    recap: ["recap"],
    explain: ["explain"],
    note: ["note"],
    source: ["source"],
    template: ["template"],
    completions: ["completions"],
    man: ["man"],
}

/// A new subcommand gets a snapshot too: the commands `icu --help` lists
/// (but `help`) are exactly the ones above, in the same order.
#[test]
fn every_command_icu_lists_has_a_help_snapshot() {
    let text = help(&[]);
    let listed: Vec<&str> = text
        .split("\nCommands:\n")
        .nth(1)
        .expect("icu --help lists its commands")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(listed, COMMANDS, "{text}");
}

/// `icu help CMD` is the same text as `icu CMD --help`.
#[test]
fn the_help_command_prints_the_same_text() {
    let env = TestEnv::new();
    for &cmd in COMMANDS {
        env.icu()
            .env("COLUMNS", "100")
            .args(["help", cmd])
            .assert()
            .success()
            .stdout(predicate::eq(help(&[cmd])));
    }
}

/// Every command's help lists the options every command takes under a
/// heading of their own, after the command's own options, as git and cargo
/// set them apart.
#[test]
fn the_global_options_have_their_own_heading_in_every_help() {
    for &cmd in COMMANDS {
        let text = help(&[cmd]);
        let (own, global) = text
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("icu {cmd} --help: no Global options heading:\n{text}"));
        for flag in ["--config <FILE>", "--quiet", "--verbose", "--color <WHEN>"] {
            assert!(global.contains(flag), "icu {cmd}: {flag}\n{text}");
            assert!(!own.contains(flag), "icu {cmd}: {flag} twice\n{text}");
        }
    }
}
