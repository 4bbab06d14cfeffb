//! `icu send` on a terminal shows who gets the mail and asks first, as
//! `git send-email` does (README, "Sent is final"); without a terminal to ask
//! on it sends nothing unless `--yes`. `script` gives icu a real terminal;
//! the answer is typed into it.

use std::fs;

use predicates::prelude::*;

use crate::common::{on_a_terminal, Drafted, DraftedWorld};

/// A world whose sendmail writes the message to `outbox.eml`.
fn world() -> (Drafted, std::path::PathBuf) {
    let w = DraftedWorld {
        update: "sendmail = \"sh -c 'cat > \\\"$ICU_TEST_OUTBOX\\\"'\"",
        ..DraftedWorld::default()
    }
    .finished();
    let outbox = w.env.path().join("outbox.eml");
    (w, outbox)
}

/// Runs `icu send` under `script` (a pseudo-terminal), typing `answer`.
/// Returns the exit code and everything the terminal showed.
fn send_on_a_terminal(w: &Drafted, outbox: &std::path::Path, answer: &str) -> (i32, String) {
    send_on_a_terminal_with(w, outbox, answer, "")
}

/// [`send_on_a_terminal`], with `redirect` (`| tee log`, `</dev/null`) after
/// the command line.
fn send_on_a_terminal_with(
    w: &Drafted,
    outbox: &std::path::Path,
    answer: &str,
    redirect: &str,
) -> (i32, String) {
    let cfg = w.cfg.to_string_lossy().into_owned();
    let icu = w.env.icu_sh_with(
        &[("ICU_TEST_OUTBOX", &outbox.to_string_lossy())],
        &["--config", &cfg, "send"],
    );
    // `set -o pipefail` is not POSIX: the status of a pipe is read from a
    // file icu's own shell writes.
    let status = w.env.path().join("status");
    let line = format!(
        "{{ {icu} {redirect_in}; echo $? > {st}; }} {redirect_out}; exit $(cat {st})",
        redirect_in = if redirect.starts_with('<') {
            redirect
        } else {
            ""
        },
        redirect_out = if redirect.starts_with('|') {
            redirect
        } else {
            ""
        },
        st = crate::common::sh_quote(&status.to_string_lossy()),
    );
    let out = on_a_terminal(&line, answer);
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), shown)
}

#[test]
fn on_a_terminal_send_shows_the_recipients_and_sends_only_on_yes() {
    let (w, outbox) = world();
    let before = w.doc_text();
    let (code, shown) = send_on_a_terminal(&w, &outbox, "n\n");
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("To:      Grace Hopper <grace@example.com>"),
        "{shown}"
    );
    assert!(
        shown.contains("Cc:      Alan Kay <alan@example.com>"),
        "{shown}"
    );
    assert!(shown.contains("Send this update? [y/N]"), "{shown}");
    assert!(shown.contains("nothing was sent"), "{shown}");
    assert!(!outbox.exists(), "declined: nothing handed to sendmail");
    assert_eq!(w.doc_text(), before, "declined: not marked sent");

    let (code, shown) = send_on_a_terminal(&w, &outbox, "y\n");
    assert_eq!(code, 0, "{shown}");
    assert!(outbox.exists(), "{shown}");
    assert!(w.doc_text().contains("status = \"sent\""));
}

#[test]
fn without_a_terminal_send_needs_yes_and_never_waits() {
    let (w, outbox) = world();
    let before = w.doc_text();
    // stdin is a pipe with nothing in it: a question would wait for ever.
    w.icu_with()
        .env("ICU_TEST_OUTBOX", &outbox)
        .arg("send")
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("nothing was sent").and(predicates::str::contains("--yes")),
        );
    assert!(!outbox.exists(), "nothing handed to sendmail");
    assert_eq!(w.doc_text(), before, "not marked, nothing recorded");
    w.icu_with()
        .env("ICU_TEST_OUTBOX", &outbox)
        .args(["send", "--yes"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success();
    assert!(fs::read_to_string(&outbox).unwrap().contains("Subject:"));
}

#[test]
fn send_piped_into_tee_still_asks_and_send_from_dev_null_refuses() {
    let (w, outbox) = world();
    let before = w.doc_text();
    // stdout is a pipe, stdin and stderr the terminal: icu asks there.
    let log = w.env.path().join("send.log");
    let tee = format!("| tee {}", crate::common::sh_quote(&log.to_string_lossy()));
    let (code, shown) = send_on_a_terminal_with(&w, &outbox, "n\n", &tee);
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains("Send this update? [y/N]"), "{shown}");
    assert!(!outbox.exists(), "declined: nothing handed to sendmail");
    assert_eq!(w.doc_text(), before);
    // stdin is not the terminal: no answer can come, so nothing is sent.
    let (code, shown) = send_on_a_terminal_with(&w, &outbox, "y\n", "</dev/null");
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("--yes"), "{shown}");
    assert!(!shown.contains("Send this update?"), "{shown}");
    assert!(!outbox.exists(), "nothing handed to sendmail");
    assert_eq!(w.doc_text(), before);
    // Piped into tee and answered yes, it sends.
    let (code, shown) = send_on_a_terminal_with(&w, &outbox, "y\n", &tee);
    assert_eq!(code, 0, "{shown}");
    assert!(outbox.exists(), "{shown}");
}

#[test]
fn a_sent_update_is_not_mailed_twice_nor_re_marked() {
    let (w, outbox) = world();
    w.icu_with()
        .env("ICU_TEST_OUTBOX", &outbox)
        .args(["send", "--yes"])
        .assert()
        .success();
    let sent = w.doc_text();
    fs::remove_file(&outbox).unwrap();
    w.icu_with()
        .env("ICU_TEST_OUTBOX", &outbox)
        .args(["send", "--yes"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "was already sent at 2026-11-24T12:00:00+00:00",
        ));
    assert!(!outbox.exists(), "the second send delivered nothing");
    w.icu(&["sent", "--at", "2026-11-30"])
        .code(1)
        .stderr(predicates::str::contains("the first mark was kept"));
    assert_eq!(w.doc_text(), sent, "the first sent moment is kept");
    w.icu(&["sent", "--at", "2026-11-30", "--force"]).success();
    assert!(w.doc_text().contains("sent = 2026-12-01T00:00:00Z"));
}

#[test]
fn an_incomplete_update_is_named_by_check_and_send_asks_about_it() {
    let (w, outbox) = world();
    // A source failed when the update was last refreshed.
    let text = std::fs::read_to_string(&w.doc).unwrap().replacen(
        "status = \"draft\"\n",
        "status = \"draft\"\nincomplete = [\"jira: the command exited with 3\"]\n",
        1,
    );
    std::fs::write(&w.doc, text).unwrap();
    let j = crate::common::json(&w.icu(&["check", "--json"]).success());
    assert_eq!(j["ready"], true, "incompleteness does not make it unready");
    assert_eq!(j["incomplete"][0], "jira: the command exited with 3");
    let out = crate::common::stdout(&w.icu(&["check"]).success());
    assert!(
        out.contains("incomplete: jira: the command exited with 3"),
        "{out}"
    );

    let (code, shown) = send_on_a_terminal(&w, &outbox, "n\n");
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("Incomplete: jira: the command exited with 3 (once sent, what it misses is in no update)"),
        "{shown}"
    );
    assert!(
        shown.contains("Send this incomplete update? [y/N]"),
        "{shown}"
    );
    assert!(!outbox.exists());
    let a = w
        .env
        .icu_with(&w.cfg)
        .env("ICU_TEST_OUTBOX", &outbox)
        .args(["send", "--yes"])
        .assert()
        .success();
    assert!(
        crate::common::stderr(&a)
            .contains("sending an incomplete update (--yes): jira: the command exited with 3"),
        "{}",
        crate::common::stderr(&a)
    );
    assert!(outbox.exists());
}
