//! Hostile moments around sending and writing: a sendmail that never reads,
//! leftovers of killed runs, and a doc owned by someone else.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime};

use crate::common::{toml_str, Drafted, DraftedWorld};

/// A drafted update, finished by hand, whose `update.sendmail` is `sendmail`.
fn world(sendmail: &str) -> Drafted {
    let w = DraftedWorld {
        update: &format!("sendmail = {}", toml_str(sendmail)),
        ..DraftedWorld::default()
    }
    .draft();
    w.answer_every_prompt("Written by hand.");
    w
}

// --- a mail program that does not read ----------------------------------------

#[test]
fn a_sendmail_that_never_reads_is_never_recorded_as_sent() {
    let w = world("true");
    let before = w.doc_text();
    let mut recorded = 0;
    for _ in 0..50 {
        let out = w
            .env
            .icu()
            .arg("--config")
            .arg(&w.cfg)
            .arg("send")
            .output()
            .unwrap();
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
