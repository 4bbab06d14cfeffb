//! The command-line surface itself: help, completions, the man page,
//! colour, exit codes of misuse, and what a bug looks like.

use crate::common::{stdout, TestEnv};
use predicates::prelude::*;

#[test]
fn help_lists_every_command_and_the_exit_codes() {
    let env = TestEnv::new();
    let text = stdout(&env.icu().arg("--help").assert().success());
    for cmd in crate::common::all_commands() {
        assert!(text.contains(&cmd), "--help lacks {cmd}:\n{text}");
    }
    assert!(text.contains("Exit codes"));
}

#[test]
fn completions_are_generated_for_every_shell() {
    let env = TestEnv::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef icu"),
        ("fish", "complete -c icu"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        env.icu()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker).and(predicate::str::contains("draft")));
    }
    env.icu()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let env = TestEnv::new();
    env.icu().arg("man").assert().success().stdout(
        predicate::str::starts_with(".ie")
            .or(predicate::str::contains(".TH icu"))
            .and(predicate::str::contains("draft"))
            .and(predicate::str::contains(".SH COMMANDS")),
    );
}

#[test]
fn misuse_exits_2_with_a_usage_message() {
    let env = TestEnv::new();
    env.icu()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
    env.icu()
        .args(["draft", "--date", "tomorrow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tomorrow"));
    env.icu()
        .args(["draft", "--since", "fortnight"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fortnight"));
}

#[test]
fn no_color_and_color_never_print_no_escape_codes() {
    let env = TestEnv::new();
    env.icu()
        .args(["--color", "always", "check", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\u{1b}["));
    env.icu()
        .args(["check", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\u{1b}[").not());
    env.icu()
        .env_remove("NO_COLOR")
        .args(["--color", "never", "check", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn a_panic_is_a_message_not_a_backtrace() {
    let env = TestEnv::new();
    env.icu()
        .env("ICU_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .arg("status")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("icu hit a bug")
                .and(predicate::str::contains("stack backtrace").not())
                .and(predicate::str::contains("panicked").not()),
        );
}
