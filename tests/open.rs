//! `icu export --open`: the file goes to `update.mail_client` or to the
//! desktop's default application, which icu does not wait for and which
//! never writes on icu's output; a terminal mail client runs on the
//! terminal and is waited for; when nothing can open the file, icu says so,
//! where the file is, and how to configure a program that can.
//!
//! The programs are real scripts that record their arguments, print on
//! stdout and stderr, and sleep: a stand-in for Thunderbird (or for the
//! desktop's `xdg-open`) that stays open after icu has returned.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    add_to_update, on_a_terminal, sh_quote, stderr, stdout, toml_str, wait_for, write_script,
    Drafted, DraftedWorld,
};
use predicates::prelude::*;

/// What the stand-in mail programs print, which must never reach icu's
/// stdout or stderr.
const CHATTER: &str = "MAIL CLIENT SAYS HELLO";

/// A mail program in `dir`/`name` that writes its arguments, one a line, to
/// `<dir>/argv` (whole, once written), prints [`CHATTER`] on stdout and
/// stderr, sleeps `secs`, then creates `<dir>/quit`.
fn recorder(dir: &Path, name: &str, secs: u32) -> PathBuf {
    let path = dir.join(name);
    let d = sh_quote(&dir.to_string_lossy());
    write_script(
        &path,
        &format!(
            "printf '%s\\n' \"$@\" > {d}/argv.part && mv {d}/argv.part {d}/argv\n\
             echo {CHATTER}; echo {CHATTER} >&2\n\
             /bin/sleep {secs}\n\
             : > {d}/quit"
        ),
    );
    path
}

/// A finished update whose `[update]` ends with `update`.
fn world(update: &str) -> Drafted {
    DraftedWorld {
        update,
        ..DraftedWorld::default()
    }
    .finished()
}

/// `icu --config CFG export --format FORMAT --open` in the sealed env, with
/// `env` on top.
fn export_open(w: &Drafted, format: &str, env: &[(&str, &str)]) -> assert_cmd::assert::Assert {
    w.icu_with()
        .envs(env.iter().copied())
        .args(["export", "--format", format, "--open"])
        .assert()
}

#[test]
fn a_mail_client_is_started_on_its_own_and_icu_returns_while_it_runs() {
    let bin = tempfile::tempdir().unwrap();
    let client = recorder(bin.path(), "mail client", 4);
    let w = world(&format!(
        "mail_client = {}",
        toml_str(&format!(
            "{} -compose \"message={{}}\"",
            sh_quote(&client.to_string_lossy())
        ))
    ));
    let started = Instant::now();
    let a = export_open(&w, "eml", &[]).success();
    let took = started.elapsed();
    let quit = bin.path().join("quit");
    assert!(
        !quit.exists(),
        "icu returned only after the mail client quit ({took:?})"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(stdout(&a), "", "nothing of the mail client on icu's stdout");
    let err = stderr(&a);
    assert!(!err.contains(CHATTER), "{err}");
    let eml = w.doc.with_extension("eml");
    assert!(
        err.contains(&format!("wrote {}", eml.display())) && err.contains("opened it with"),
        "{err}"
    );
    // The program got the file where `{}` was, and it is a draft.
    assert!(wait_for(&bin.path().join("argv"), 10));
    assert_eq!(
        fs::read_to_string(bin.path().join("argv")).unwrap(),
        format!("-compose\nmessage={}\n", eml.display())
    );
    assert!(fs::read_to_string(&eml).unwrap().contains("X-Unsent: 1"));
    // It goes on running after icu, and finishes on its own.
    assert!(wait_for(&quit, 10), "the mail client was stopped with icu");
}

#[test]
fn the_desktop_opener_is_started_on_its_own_and_its_output_kept_away() {
    let bin = tempfile::tempdir().unwrap();
    recorder(bin.path(), "xdg-open", 4);
    let w = world("");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let started = Instant::now();
    let a = export_open(&w, "eml", &[("PATH", &path), ("DISPLAY", ":99")]).success();
    assert!(
        !bin.path().join("quit").exists(),
        "icu waited for the opener ({:?})",
        started.elapsed()
    );
    assert_eq!(stdout(&a), "");
    assert!(!stderr(&a).contains(CHATTER), "{}", stderr(&a));
    assert!(wait_for(&bin.path().join("argv"), 10));
    assert_eq!(
        fs::read_to_string(bin.path().join("argv")).unwrap(),
        format!("{}\n", w.doc.with_extension("eml").display())
    );
    assert!(wait_for(&bin.path().join("quit"), 10));
}

/// Headless, xdg-open would find a pager and print the message on icu's
/// stdout (as it did): icu does not hand it the file, and says that
/// nothing could open it.
#[test]
fn without_a_graphical_session_nothing_opens_and_icu_says_where_the_file_is() {
    let bin = tempfile::tempdir().unwrap();
    write_script(
        &bin.path().join("xdg-open"),
        &format!(
            "/bin/cat \"$1\"; : > {}/ran",
            sh_quote(&bin.path().to_string_lossy())
        ),
    );
    let w = world("");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let a = export_open(&w, "eml", &[("PATH", &path)]).code(1);
    assert_eq!(stdout(&a), "", "the message is not dumped on stdout");
    let eml = w.doc.with_extension("eml");
    let err = stderr(&a);
    assert!(
        err.contains(&format!("nothing could open {}", eml.display()))
            && err.contains("no graphical session")
            && err.contains("The file is written there")
            && err.contains("mail_client = \"thunderbird {}\"")
            && err.contains("mail_client = \"neomutt -H {}\" with mail_client_terminal = true"),
        "{err}"
    );
    assert!(eml.exists());
    assert!(!bin.path().join("ran").exists());
}

#[test]
fn with_no_program_for_the_file_icu_says_so() {
    let empty = tempfile::tempdir().unwrap();
    let w = world("");
    let path = empty.path().display().to_string();
    let a = export_open(&w, "html", &[("PATH", &path), ("DISPLAY", ":99")]).code(1);
    let html = w.doc.with_extension("html");
    let err = stderr(&a);
    assert!(
        err.contains(&format!("nothing could open {}", html.display()))
            && err.contains("the desktop has no program for it")
            && err.contains("open it yourself in a browser"),
        "{err}"
    );
    assert!(html.exists());
}

#[test]
fn a_mail_client_that_is_missing_or_fails_at_once_is_reported() {
    let w = world("mail_client = \"no-such-mail-client {}\"");
    let err = stderr(&export_open(&w, "eml", &[]).code(1));
    assert!(
        err.contains("update.mail_client `no-such-mail-client` cannot be started")
            && err.contains("The file is written there"),
        "{err}"
    );
    let w = world("mail_client = \"sh -c 'exit 3'\"");
    let err = stderr(&export_open(&w, "eml", &[]).code(1));
    assert!(err.contains("failed at once (exit status: 3)"), "{err}");
    // An HTML export is for a browser: the mail client is not asked.
    let bin = tempfile::tempdir().unwrap();
    recorder(bin.path(), "xdg-open", 0);
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    export_open(&w, "html", &[("PATH", &path), ("DISPLAY", ":99")]).success();
    assert!(wait_for(&bin.path().join("argv"), 10));
}

#[test]
fn a_mail_client_command_that_is_not_one_is_refused_at_load() {
    let w = world("");
    add_to_update(&w.cfg, "mail_client = \"neomutt -H '{}\"\n");
    export_open(&w, "eml", &[]).code(2).stderr(
        predicate::str::contains("`update.mail_client` = `neomutt -H '{}` is not a command line")
            .and(predicate::str::contains("icu.toml:6:")),
    );
}

/// A terminal mail client (neomutt) needs the terminal: it runs on
/// /dev/tty, and icu waits for it to quit. `script` gives icu a terminal.
#[test]
fn a_terminal_mail_client_runs_on_the_terminal_and_icu_waits_for_it() {
    let bin = tempfile::tempdir().unwrap();
    let d = sh_quote(&bin.path().to_string_lossy());
    let client = bin.path().join("neomutt");
    write_script(
        &client,
        &format!(
            "printf '%s\\n' \"$@\" > {d}/argv\n\
             if [ -t 0 ] && [ -t 1 ]; then echo tty > {d}/tty; fi\n\
             echo {CHATTER}\n\
             /bin/sleep 1\n\
             : > {d}/quit"
        ),
    );
    let w = world(&format!(
        "mail_client = {}\nmail_client_terminal = true",
        toml_str(&format!("{} -H {{}}", sh_quote(&client.to_string_lossy())))
    ));
    let icu = w.env.icu_sh(&[
        "--config",
        w.cfg.to_str().unwrap(),
        "export",
        "--format",
        "eml",
        "--open",
    ]);
    let out = on_a_terminal(&format!("{icu} > {d}/stdout"), "");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        bin.path().join("quit").exists(),
        "icu waited for it: {shown}"
    );
    assert_eq!(fs::read_to_string(bin.path().join("tty")).unwrap(), "tty\n");
    assert!(shown.contains(CHATTER), "on the terminal: {shown}");
    assert!(shown.contains("quit"), "{shown}");
    assert_eq!(
        fs::read_to_string(bin.path().join("stdout")).unwrap(),
        "",
        "not on icu's stdout"
    );
    assert_eq!(
        fs::read_to_string(bin.path().join("argv")).unwrap(),
        format!("-H\n{}\n", w.doc.with_extension("eml").display())
    );
    // neomutt -H sends the draft's headers as they are: no X-Unsent for the
    // manager to get.
    let eml = fs::read_to_string(w.doc.with_extension("eml")).unwrap();
    assert!(
        eml.contains("\r\nSubject: ") || eml.contains("\nSubject: "),
        "{eml}"
    );
    assert!(!eml.contains("X-Unsent"), "{eml}");

    // Without a terminal (a new session has none), it says so.
    fs::remove_file(bin.path().join("argv")).unwrap();
    let out = StdCommand::new("setsid")
        .args(["-w", "sh", "-c", &icu])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "is a terminal program (mail_client_terminal = true), and icu has no terminal"
        ),
        "{err}"
    );
    assert!(!bin.path().join("argv").exists());
}
