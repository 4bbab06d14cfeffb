//! A mail program for the tests that count deliveries (`hostile`,
//! `bad_input`): a shell script that keeps each message it reads, then runs
//! what the test says, in the drafted world whose `update.sendmail` it is.

use std::fs;
use std::path::PathBuf;

use super::{sh_quote, toml_str, Drafted, DraftedWorld};

/// A drafted update, finished by hand, whose `update.sendmail` is `sendmail`.
pub fn sendmail_world(sendmail: &str) -> Drafted {
    DraftedWorld {
        update: &format!("sendmail = {}", toml_str(sendmail)),
        ..DraftedWorld::default()
    }
    .finished()
}

/// A mail program, as a shell script: it keeps each message it reads as
/// `mail/<pid>` (so the test counts deliveries), then runs what `then` says
/// for the world it is in. `update.sendmail` is `sh <script>`.
pub struct Mailer {
    _dir: tempfile::TempDir,
    mail: PathBuf,
}

/// A drafted update, finished by hand, whose mail program is a [`Mailer`]
/// that runs what `then` says for the world after keeping the message.
pub fn mailer_world(then: impl Fn(&Drafted) -> String) -> (Drafted, Mailer) {
    mailer_world_with(|_| String::new(), then)
}

/// [`mailer_world`], whose mail program also runs what `before` says before
/// it reads the message.
pub fn mailer_world_with(
    before: impl Fn(&Drafted) -> String,
    then: impl Fn(&Drafted) -> String,
) -> (Drafted, Mailer) {
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("mail");
    fs::create_dir_all(&mail).unwrap();
    let script = dir.path().join("mailer.sh");
    let w = sendmail_world(&format!("sh {}", sh_quote(&script.to_string_lossy())));
    fs::write(
        &script,
        format!(
            "#!/bin/sh\n{}\ncat > {mail}/$$.part && mv {mail}/$$.part {mail}/$$\n{}\n",
            before(&w),
            then(&w),
            mail = sh_quote(&mail.to_string_lossy()),
        ),
    )
    .unwrap();
    (w, Mailer { _dir: dir, mail })
}

/// How many messages the mail program of [`mailer_world`] received.
pub fn delivered(m: &Mailer) -> usize {
    fs::read_dir(&m.mail)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            !name.to_string_lossy().ends_with(".part")
        })
        .count()
}

/// The messages the mail program of [`mailer_world`] received, whole.
pub fn messages(m: &Mailer) -> Vec<Vec<u8>> {
    let mut all: Vec<_> = fs::read_dir(&m.mail)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".part"))
        .collect();
    all.sort();
    all.iter().map(|p| fs::read(p).unwrap()).collect()
}

/// Whether `message` is a whole MIME message: it ends with the closing
/// line of the boundary its `Content-Type` names.
pub fn is_whole(message: &[u8]) -> bool {
    let text = String::from_utf8_lossy(message);
    let Some(at) = text.find("boundary=") else {
        return false;
    };
    let boundary: String = text[at + "boundary=".len()..]
        .trim_start_matches('"')
        .chars()
        .take_while(|c| !matches!(c, '"' | ';' | '\r' | '\n'))
        .collect();
    text.trim_end().ends_with(&format!("--{boundary}--"))
}
