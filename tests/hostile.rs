//! Hostile moments around sending and writing (issues 17 and 19): two sends
//! at once, a lock held by another process, a mark that fails after the mail
//! went out, a sendmail that never reads, exports aimed at existing files or
//! at the update itself, an absurd timeout, leftovers of killed runs, a doc
//! owned by someone else, and outputs or updates that are not regular files.
//!
//! Interleavings are forced, never hoped for: a mail program that stops at a
//! gate until the test opens it, a lock holder that says when it holds.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, SystemTime};

use crate::common::{
    in_mount_namespace, sh_quote, stderr, stdout, toml_str, wait_for, Drafted, DraftedWorld,
    TestEnv,
};
use predicates::prelude::*;

/// What `icu sent --at` needs to record a send at the tests' fixed now
/// ([`crate::common::NOW`]).
const AT_NOW: &str = "2026-11-24T12:00:00+00:00";

/// A drafted update, finished by hand, whose `update.sendmail` is `sendmail`.
fn world(sendmail: &str) -> Drafted {
    DraftedWorld {
        update: &format!("sendmail = {}", toml_str(sendmail)),
        ..DraftedWorld::default()
    }
    .finished()
}

/// A mail program, as a shell script: it keeps each message it reads as
/// `mail/<pid>` (so the test counts deliveries), then runs what `then` says
/// for the world it is in. `update.sendmail` is `sh <script>`.
struct Mailer {
    _dir: tempfile::TempDir,
    mail: PathBuf,
}

fn mailer_world(then: impl Fn(&Drafted) -> String) -> (Drafted, Mailer) {
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("mail");
    fs::create_dir_all(&mail).unwrap();
    let script = dir.path().join("mailer.sh");
    let w = world(&format!("sh {}", sh_quote(&script.to_string_lossy())));
    fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat > {mail}/$$.part && mv {mail}/$$.part {mail}/$$\n{}\n",
            then(&w),
            mail = sh_quote(&mail.to_string_lossy()),
        ),
    )
    .unwrap();
    (w, Mailer { _dir: dir, mail })
}

/// How many messages the mail program of [`mailer_world`] received.
fn delivered(m: &Mailer) -> usize {
    fs::read_dir(&m.mail)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            !name.to_string_lossy().ends_with(".part")
        })
        .count()
}

/// `icu --config CFG ARGS…` started in the background, in the sealed env.
fn spawn_icu(w: &Drafted, args: &[&str]) -> Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("icu"))
        .env_clear()
        .envs(w.env.sealed_env())
        .current_dir(w.env.path().join("work"))
        .arg("--config")
        .arg(&w.cfg)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start icu")
}

/// Waits until `path` exists: the signal a script gives when it has reached
/// a point. Fails after 30 s.
fn wait_until(path: &Path) {
    assert!(wait_for(path, 30), "{} never appeared", path.display());
}

/// Makes a FIFO at `p`.
fn mkfifo(p: &Path) {
    assert!(StdCommand::new("mkfifo").arg(p).status().unwrap().success());
}

// --- one delivery, and the truth when the mark fails -------------------------

#[test]
fn two_sends_at_once_deliver_once() {
    let gate = tempfile::tempdir().unwrap();
    let started = gate.path().join("started");
    let go = gate.path().join("go");
    let (w, mail) = mailer_world(|_| {
        format!(
            "touch {}; while [ ! -e {go} ]; do sleep 0.01; done",
            sh_quote(&started.to_string_lossy()),
            go = sh_quote(&go.to_string_lossy()),
        )
    });
    let mut first = spawn_icu(&w, &["send"]);
    // The first send is inside its mail program, holding the doc's lock.
    wait_until(&started);
    w.icu(&["send"])
        .code(1)
        .stderr(predicate::str::contains("another icu is writing"));
    assert_eq!(delivered(&mail), 1, "the second send delivered nothing");
    fs::write(&go, "").unwrap();
    let status = first.wait().unwrap();
    assert!(status.success(), "the first send went through");
    assert!(w.doc_text().contains("status = \"sent\""));
    // And once it is marked, a third refuses too.
    w.icu(&["send"])
        .code(1)
        .stderr(predicate::str::contains("already sent"));
    assert_eq!(delivered(&mail), 1);
}

#[test]
fn a_send_while_another_process_holds_the_lock_delivers_nothing() {
    let (w, mail) = mailer_world(|_| String::new());
    let lock = w.doc.with_file_name(".2026-11-24.md.lock");
    let ready = w.env.path().join("holding");
    // flock(1) takes the kind of lock icu takes (flock(2)) and says when it
    // holds it.
    let mut holder = StdCommand::new("flock")
        .arg(&lock)
        .args(["sh", "-c", "touch \"$0\"; exec sleep 60"])
        .arg(&ready)
        .spawn()
        .expect("flock from util-linux");
    wait_until(&ready);
    let before = w.doc_text();
    w.icu(&["send"])
        .code(1)
        .stderr(predicate::str::contains("another icu is writing"));
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(delivered(&mail), 0, "refused before delivering");
    assert_eq!(w.doc_text(), before);
}

/// What every failed mark after a delivery must say, and must not.
fn says_it_was_sent(err: &str, doc: &Path) {
    assert!(err.contains("was sent"), "{err}");
    assert!(
        err.contains(&format!("icu sent --at {AT_NOW} {}", doc.display())),
        "{err}"
    );
    assert!(!err.to_lowercase().contains("try again"), "{err}");
    assert!(!err.contains("Run the command again"), "{err}");
    assert!(!err.contains("not marked sent; the update"), "{err}");
}

#[test]
fn a_doc_changed_during_the_send_is_reported_as_sent_and_not_marked() {
    // The mail program edits the doc while it runs, as an editor would.
    let (w, mail) = mailer_world(|w| {
        format!(
            "printf 'Edited while sending.\\n' >> {}",
            sh_quote(&w.doc.to_string_lossy())
        )
    });

    let a = w.icu(&["send"]).code(1);
    says_it_was_sent(&stderr(&a), &w.doc);
    assert_eq!(delivered(&mail), 1);
    let doc = w.doc_text();
    assert!(doc.ends_with("Edited while sending.\n"), "the edit is kept");
    assert!(doc.contains("status = \"draft\""), "{doc}");

    // What it says to run records the send, and no second mail goes out.
    w.icu(&["sent", "--at", AT_NOW, w.doc.to_str().unwrap()])
        .success();
    assert!(w.doc_text().contains("sent = 2026-11-24T12:00:00Z"));
    w.icu(&["send"]).code(1);
    assert_eq!(delivered(&mail), 1);
}

#[test]
fn a_disk_that_fills_up_during_the_send_is_reported_as_sent() {
    // The updates dir is a small tmpfs, and the mail program fills it once it
    // has the message: the mail is out, and the mark cannot be written.
    let (w, mail) = mailer_world(|w| {
        format!(
            "dd if=/dev/zero of={}/filler bs=4k 2>/dev/null || true",
            sh_quote(&w.env.updates().to_string_lossy())
        )
    });
    let before = w.doc_text();
    let keep = w.env.path().join("keep.md");
    let script = format!(
        "set -e; cp {doc} {keep}; mount -t tmpfs -o size=256k tmpfs {dir}; cp {keep} {doc}; \
         set +e; {icu}; code=$?; cp {doc} {keep}.after; exit $code",
        doc = sh_quote(&w.doc.to_string_lossy()),
        keep = sh_quote(&keep.to_string_lossy()),
        dir = sh_quote(&w.env.updates().to_string_lossy()),
        icu = w.env.icu_sh(&["--config", w.cfg.to_str().unwrap(), "send"]),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left"), "{err}");
    says_it_was_sent(&err, &w.doc);
    assert_eq!(delivered(&mail), 1);
    let after = fs::read_to_string(w.env.path().join("keep.md.after")).unwrap();
    assert_eq!(after, before, "nothing half-written");
}

// --- a mail program that does not read ----------------------------------------

#[test]
fn a_sendmail_that_never_reads_is_never_recorded_as_sent() {
    let w = world("true");
    let before = w.doc_text();
    let mut recorded = 0;
    for _ in 0..50 {
        let out = w.icu_with().arg("send").output().unwrap();
        if out.status.success() || w.doc_text() != before {
            recorded += 1;
            fs::write(&w.doc, &before).unwrap();
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("before reading the whole message"), "{err}");
        }
    }
    assert_eq!(
        recorded, 0,
        "`true` recorded as sent in {recorded} of 50 runs"
    );
}

// --- timeouts ---------------------------------------------------------------

#[test]
fn a_sendmail_timeout_too_large_is_refused_with_a_message() {
    let (w, mail) = mailer_world(|_| String::new());
    let before = w.doc_text();
    for value in ["1e20", "1e300", "100000"] {
        w.icu_with()
            .env("ICU_SENDMAIL_TIMEOUT", value)
            .arg("send")
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("ICU_SENDMAIL_TIMEOUT=`{value}`"))
                    .and(predicate::str::contains("86400"))
                    .and(predicate::str::contains("bug").not()),
            );
    }
    assert_eq!(delivered(&mail), 0);
    assert_eq!(w.doc_text(), before);
}

// --- export -o ----------------------------------------------------------------

/// A drafted update and an `icu export --force --format md` of it.
fn export_world() -> (Drafted, String) {
    let w = DraftedWorld::default().draft();
    let md = stdout(&w.icu(&["export", "--force", "--format", "md"]).success());
    (w, md)
}

#[test]
fn an_existing_output_is_replaced_only_with_overwrite() {
    let (w, md) = export_world();
    let out = w.env.path().join("u.md");
    fs::write(&out, "my notes").unwrap();
    let o = out.to_str().unwrap();
    w.icu(&["export", "--force", "--format", "md", "-o", o])
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--overwrite")),
        );
    assert_eq!(fs::read_to_string(&out).unwrap(), "my notes");
    w.icu(&[
        "export",
        "--force",
        "--format",
        "md",
        "-o",
        o,
        "--overwrite",
    ])
    .success();
    assert_eq!(fs::read_to_string(&out).unwrap(), md);
    // A new file needs nothing.
    let new = w.env.path().join("new.md");
    w.icu(&[
        "export",
        "--force",
        "--format",
        "md",
        "-o",
        new.to_str().unwrap(),
    ])
    .success();
    assert_eq!(fs::read_to_string(&new).unwrap(), md);
}

#[test]
fn export_never_writes_over_an_update() {
    let (w, _) = export_world();
    let updates = w.env.updates();
    let other = updates.join("2026-11-10.md");
    fs::write(&other, "+++\nthe last update, by hand\n").unwrap();
    let link = w.env.path().join("link.md");
    std::os::unix::fs::symlink(&w.doc, &link).unwrap();
    let doc_before = w.doc_text();
    let refused = |cwd: &Path, out: &str| {
        w.icu_with()
            .current_dir(cwd)
            .args([
                "export",
                "--force",
                "--overwrite",
                "--format",
                "md",
                "-o",
                out,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is an update"));
    };
    // The update being exported, named as it is in its own dir.
    refused(&updates, "2026-11-24.md");
    // Another update; a link to the update; a new update's name.
    refused(&updates, other.to_str().unwrap());
    refused(w.env.path(), link.to_str().unwrap());
    refused(&updates, "2026-12-08.md");
    assert_eq!(w.doc_text(), doc_before);
    assert_eq!(
        fs::read_to_string(&other).unwrap(),
        "+++\nthe last update, by hand\n"
    );
    assert!(!updates.join("2026-12-08.md").exists());
}

// --- special files (issue 19) -------------------------------------------------

/// `icu --config CFG ARGS…`, killed (and failed) if it runs for 30 s: a
/// FIFO must never make icu hang.
fn within(w: &Drafted, args: &[&str]) -> assert_cmd::assert::Assert {
    w.icu_with()
        .args(args)
        .timeout(Duration::from_secs(30))
        .assert()
}

/// The type of the file at `p`, without following links.
fn kind(p: &Path) -> fs::FileType {
    fs::symlink_metadata(p).unwrap().file_type()
}

#[test]
fn export_into_a_fifo_or_a_device_writes_in_place() {
    let (w, md) = export_world();
    let fifo = w.env.path().join("pipe");
    mkfifo(&fifo);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(fs::read(&reader));
    });
    within(
        &w,
        &[
            "export",
            "--force",
            "--format",
            "md",
            "-o",
            fifo.to_str().unwrap(),
        ],
    )
    .success();
    let got = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the FIFO's reader got the export")
        .unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), md);
    assert!(kind(&fifo).is_fifo(), "still a FIFO");

    // A character device (a copy of /dev/null), where the kernel lets us
    // make one.
    let dev = w.env.path().join("null");
    let made = StdCommand::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !made {
        eprintln!("mknod is not allowed here (not root?): the device case checked nothing");
        return;
    }
    let rdev = fs::metadata(&dev).unwrap().rdev();
    within(
        &w,
        &[
            "export",
            "--force",
            "--format",
            "md",
            "-o",
            dev.to_str().unwrap(),
        ],
    )
    .success();
    assert!(kind(&dev).is_char_device(), "still a device");
    assert_eq!(fs::metadata(&dev).unwrap().rdev(), rdev);
}

#[test]
fn export_to_dev_stdout_prints_the_export() {
    let (w, md) = export_world();
    let a = w
        .icu(&["export", "--force", "--format", "md", "-o", "/dev/stdout"])
        .success();
    assert_eq!(stdout(&a), md);
    w.icu(&["export", "--force", "--format", "md", "-o", "/dev/null"])
        .success()
        .stdout("");
    assert!(kind(Path::new("/dev/null")).is_char_device());
}

#[test]
fn an_update_that_is_a_fifo_is_refused_without_hanging() {
    let w = DraftedWorld::default().draft();
    fs::remove_file(&w.doc).unwrap();
    mkfifo(&w.doc);
    let doc = w.doc.to_str().unwrap();
    within(&w, &["check", doc])
        .code(2)
        .stderr(predicate::str::contains("is not a file"));
    within(&w, &["check"])
        .code(2)
        .stderr(predicate::str::contains("no update"));
    within(&w, &["draft", "--no-edit"])
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(kind(&w.doc).is_fifo(), "left as it is");
}

#[test]
fn init_over_a_config_that_is_a_fifo_is_refused_without_hanging() {
    let env = TestEnv::new();
    let cfg = env.path().join("icu.toml");
    mkfifo(&cfg);
    env.icu_with(&cfg)
        .args(["init", "--force", "--email", "ada@example.com"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(kind(&cfg).is_fifo(), "left as it is");
    assert!(!env.path().join("icu.toml.bak").exists());
}

// --- leftovers and owners -----------------------------------------------------

#[test]
fn temp_files_left_by_a_killed_run_are_removed_by_the_next() {
    let w = world("cat");
    let updates = w.env.updates();
    let old = updates.join(".icu-Ab12Cd.tmp");
    let fresh = updates.join(".icu-Xy34Zw.tmp");
    let not_ours = [
        updates.join(".icu-notes.tmp.keep"),
        updates.join("draft.tmp"),
    ];
    for p in not_ours.iter().chain([&old, &fresh]) {
        fs::write(p, "half a doc").unwrap();
    }
    let two_minutes_ago = SystemTime::now() - Duration::from_secs(120);
    for p in not_ours.iter().chain([&old]) {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_minutes_ago)
            .unwrap();
    }
    w.icu(&["sent"]).success();
    assert!(!old.exists(), "a leftover older than a minute is removed");
    assert!(
        fresh.exists(),
        "a temp file that may be another run's is kept"
    );
    for p in &not_ours {
        assert!(p.exists(), "{} is not icu's", p.display());
    }
}

#[test]
fn a_doc_owned_by_someone_else_keeps_its_owner_when_root_writes_it() {
    let w = world("cat");
    if fs::metadata(&w.doc).unwrap().uid() != 0 {
        eprintln!("not running as root: this test checked nothing");
        return;
    }
    std::os::unix::fs::chown(&w.doc, Some(4242), Some(4343)).unwrap();
    w.icu(&["send"]).success();
    let m = fs::metadata(&w.doc).unwrap();
    assert!(w.doc_text().contains("status = \"sent\""));
    assert_eq!((m.uid(), m.gid()), (4242, 4343));
}
