//! Handing a built message to a sendmail-compatible program, and turning
//! what it did (exit status, output, a hang) into an error a person can act on.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use super::ExportError;

/// How much of what the program prints is kept for the error message.
const OUTPUT_KEPT: usize = 16 * 1024;

/// How long, after the program exits, icu waits for the rest of its output:
/// a background child it left behind may hold the pipes open for ever.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// A message written whole to an unnamed temporary file, ready to be the
/// mail program's stdin ([`stage`]).
pub struct Staged {
    file: File,
    len: u64,
}

/// Writes `message` to an unnamed temporary file (in `$TMPDIR`; it vanishes
/// when icu exits, however it exits), for [`sendmail`]. A full disk fails
/// here, before anything is handed to a mail program.
pub fn stage(message: &[u8]) -> Result<Staged, ExportError> {
    let staging = |source| ExportError::Staging { source };
    let mut file = tempfile::tempfile().map_err(staging)?;
    file.write_all(message)
        .and_then(|()| file.flush())
        .and_then(|()| file.seek(SeekFrom::Start(0)).map(drop))
        .map_err(staging)?;
    Ok(Staged {
        file,
        len: message.len() as u64,
    })
}

/// Gives the staged `message` to the command line `cmd` as its stdin and
/// waits up to `timeout`. Succeeds only when the program read the whole
/// message and exited 0. An `envelope_sender` (`update.envelope_sender`,
/// decided with the config) is given as `-f ADDRESS` right after the
/// program's name, before the arguments of `cmd`, so that it is an option
/// even to a program that takes the words after its first recipient as more
/// recipients.
///
/// `cmd` is split like a shell would (`shell-words`) but run without one.
/// Its stdin is the complete message in a file, never a pipe icu feeds: a
/// program whose icu is killed half-way still reads the whole message (and
/// sends it whole), never an end of input in the middle of it. stdout and
/// stderr are read on their own threads, so a program that prints a lot
/// cannot block icu.
///
/// The program runs in a group of its own (`platform::process::own_group`:
/// a process group on Unix, a job on Windows). On timeout the whole group
/// is killed — the program and whatever it started (a wrapper's
/// `sendmail`, a `msmtpq`'s delivery) — and the error says whether it had
/// read the whole message: if it had, it may have delivered it. (Its own
/// group also keeps a Ctrl-C meant for icu from reaching it: it finishes
/// reading the complete message it was given.)
///
/// "Read the whole message" is decided, not raced: the program's stdin and
/// icu's file share one file offset, and after the program exits (or is
/// stopped) icu asks the kernel where that offset is (`lseek(fd, 0,
/// SEEK_CUR)`; on Windows the handle the program inherits is a duplicate of
/// icu's, and shares its file pointer the same way). At the end of the
/// message: read; short of it: not.
pub fn sendmail(
    cmd: &str,
    envelope_sender: Option<&str>,
    message: &Staged,
    timeout: Duration,
) -> Result<(), ExportError> {
    let words = shell_words::split(cmd).map_err(|_| ExportError::Command(cmd.to_string()))?;
    let Some((program, args)) = words.split_first() else {
        return Err(ExportError::Command(cmd.to_string()));
    };
    let spawn_error = |source| ExportError::Spawn {
        program: program.clone(),
        source,
    };
    let stdin = message.file.try_clone().map_err(spawn_error)?;
    let mut command = Command::new(program);
    if let Some(address) = envelope_sender {
        command.arg("-f").arg(address);
    }
    command
        .args(args)
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::platform::process::own_group(&mut command);
    let spawned = command.spawn();
    // The Command holds a copy of the program's stdin until dropped.
    drop(command);
    let mut child = spawned.map_err(spawn_error)?;
    let group = crate::platform::process::Group::of(&child);
    let stderr = capture(child.stderr.take());
    let stdout = capture(child.stdout.take());
    let read_all = || {
        (&message.file)
            .stream_position()
            .is_ok_and(|at| at >= message.len)
    };
    let status = match child.wait_timeout(timeout) {
        Ok(Some(s)) => s,
        Ok(None) | Err(_) => {
            // The group's id is the program's pid, still ours until it is
            // reaped below: no other process can have it.
            group.kill();
            let _ = child.kill();
            let _ = child.wait();
            let deadline = Instant::now() + AFTER_EXIT;
            return Err(ExportError::Timeout {
                command: cmd.to_string(),
                secs: timeout.as_secs().max(1),
                read_all: read_all(),
                output: output(stderr, stdout, deadline),
            });
        }
    };
    let deadline = Instant::now() + AFTER_EXIT;
    let read_all = read_all();
    let printed = output(stderr, stdout, deadline);
    if !status.success() {
        return Err(ExportError::Failed {
            command: cmd.to_string(),
            status: crate::term::exit_text(status),
            output: printed,
        });
    }
    if read_all {
        return Ok(());
    }
    // It exited 0 without taking the message: nothing says it was sent.
    Err(ExportError::Failed {
        command: cmd.to_string(),
        status: "exit code 0 before reading the whole message".to_string(),
        output: printed,
    })
}

/// Reads a pipe on a thread until EOF, sending up to [`OUTPUT_KEPT`] bytes
/// and dropping the rest (still read, so the program is never blocked).
fn capture<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let mut kept = 0;
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                let keep = n.min(OUTPUT_KEPT - kept);
                if keep > 0 {
                    kept += keep;
                    if tx.send(chunk[..keep].to_vec()).is_err() {
                        return;
                    }
                }
            }
        });
    }
    rx
}

/// What the program printed (stderr first) by `deadline`, trimmed.
fn output(
    stderr: mpsc::Receiver<Vec<u8>>,
    stdout: mpsc::Receiver<Vec<u8>>,
    deadline: Instant,
) -> String {
    let collect = |rx: mpsc::Receiver<Vec<u8>>| {
        let mut all = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(bytes) => all.extend(bytes),
                Err(_) => break,
            }
        }
        let mut text = String::from_utf8_lossy(&all).trim().to_string();
        if all.len() >= OUTPUT_KEPT {
            text.push_str("\n[… more output not shown]");
        }
        text
    };
    let err = collect(stderr);
    let out = collect(stdout);
    match (err.is_empty(), out.is_empty()) {
        (_, true) => err,
        (true, false) => out,
        (false, false) => format!("{err}\n{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages `message` and sends it with `cmd`.
    fn send(cmd: &str, message: &[u8], timeout: Duration) -> Result<(), ExportError> {
        sendmail(cmd, None, &stage(message).unwrap(), timeout)
    }

    #[cfg(unix)]
    #[test]
    fn sendmail_reports_failure_output_and_timeouts() {
        send("cat", b"hello", Duration::from_secs(5)).unwrap();
        let e = send(
            "sh -c 'echo relay refused >&2; exit 3'",
            b"m",
            Duration::from_secs(5),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("exit code 3") && text.contains("relay refused"),
            "{text}"
        );
        let e = send("sleep 10", b"m", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, ExportError::Timeout { .. }), "{e}");
        let e = send("no-such-sendmail -t", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("no-such-sendmail"), "{e}");
        assert!(e.to_string().contains("update.sendmail"), "{e}");
        let e = send("msmtp 'unclosed", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, ExportError::Command(_)), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn sendmail_failure_reads_as_a_message() {
        let e = send(
            "sh -c 'cat >/dev/null; printf \"msmtp: server said:\\n  554 no\\n\" >&2; exit 75'",
            b"m",
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(
            e.to_string().ends_with(
                "failed (exit code 75); the update was not marked sent. It printed:\n  msmtp: server said:\n    554 no"
            ),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_timeout_shows_what_the_program_said_so_far() {
        let e = send(
            "sh -c 'echo connecting to smtp.example.com >&2; exec sleep 10'",
            b"m",
            Duration::from_millis(500),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("did not finish within 1 s") && text.contains("connecting to smtp"),
            "{text}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn exiting_0_without_reading_the_message_is_not_a_send() {
        let big = vec![b'x'; 1 << 20];
        let e = send("true", &big, Duration::from_secs(5)).unwrap_err();
        assert!(
            e.to_string().contains("before reading the whole message"),
            "{e}"
        );
        send("cat", &big, Duration::from_secs(5)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_program_that_does_not_read_everything_never_succeeds() {
        // `true` exits at once; the message fits in the pipe (64 KiB on
        // Linux) or not; `head` stops part way. Before icu kept a read end
        // of the pipe, a small message to `true` passed in about 4 runs in 10.
        let mut passed = 0;
        // A message larger than the pipe waits out AFTER_EXIT: fewer runs.
        for (cmd, len, runs) in [
            ("true", 300, 50),
            ("head -c 100", 300, 20),
            ("true", 200_000, 3),
        ] {
            let message = vec![b'x'; len];
            for _ in 0..runs {
                if send(cmd, &message, Duration::from_secs(5)).is_ok() {
                    passed += 1;
                }
            }
        }
        assert_eq!(passed, 0);
        // Reading exactly the message is reading all of it.
        send("head -c 300", &[b'x'; 300], Duration::from_secs(5)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_background_child_holding_the_pipes_does_not_hold_icu() {
        let started = std::time::Instant::now();
        send(
            "sh -c 'cat >/dev/null; sleep 3 & exit 0'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_millis(2500));
    }

    #[cfg(unix)]
    #[test]
    fn a_flood_of_output_is_cut() {
        let e = send(
            "sh -c 'cat >/dev/null; head -c 1000000 /dev/zero | tr \"\\0\" x >&2; exit 1'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 2 * OUTPUT_KEPT, "{}", text.len());
        assert!(text.ends_with("[… more output not shown]"), "{text:.200}");
    }

    /// Windows' own programs as the mail program (ci/cross runs this under
    /// Wine): `cmd`'s `set /p` reads one line, so a one-line message is
    /// read whole and a longer one is not; `cmd /c exit 0` reads nothing.
    #[cfg(windows)]
    #[test]
    fn on_windows_the_whole_message_is_read_or_the_send_fails() {
        // What the program read moved icu's offset: the handles share it.
        send(
            "cmd /c \"set /p line=\"",
            b"Subject: hi",
            Duration::from_secs(20),
        )
        .unwrap();
        let long = b"Subject: hi\r\n\r\nhello\r\n".repeat(10_000);
        let e = send("cmd /c \"set /p line=\"", &long, Duration::from_secs(20)).unwrap_err();
        assert!(
            e.to_string().contains("before reading the whole message"),
            "{e}"
        );
        let e = send("cmd /c exit 0", b"m", Duration::from_secs(20)).unwrap_err();
        assert!(
            e.to_string().contains("before reading the whole message"),
            "{e}"
        );
        let e = send("cmd /c exit 3", b"m", Duration::from_secs(20)).unwrap_err();
        assert!(e.to_string().contains("exit code 3"), "{e}");
        let e = send("no-such-sendmail -t", b"m", Duration::from_secs(5)).unwrap_err();
        assert!(e.to_string().contains("no-such-sendmail"), "{e}");
    }

    #[cfg(windows)]
    #[test]
    fn on_windows_a_hanging_mail_program_is_stopped_at_its_timeout() {
        let started = std::time::Instant::now();
        let e = send("ping -n 30 127.0.0.1", b"m", Duration::from_millis(500)).unwrap_err();
        assert!(matches!(e, ExportError::Timeout { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
