//! Handing a built message to a sendmail-compatible program, and turning
//! what it did (exit status, output, a hang) into an error a person can act on.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use super::ExportError;

/// How much of what the program prints is kept for the error message.
const OUTPUT_KEPT: usize = 16 * 1024;

/// How long, after the program exits, icu waits for the rest of its output
/// and for its stdin to be taken: a background child it left behind may hold
/// the pipes open for ever.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// Pipes `message` to the command line `cmd` and waits up to `timeout`.
/// Succeeds only when the program took every byte of the message and
/// exited 0.
///
/// `cmd` is split like a shell would (`shell-words`) but run without one.
/// stdin is written and stdout/stderr are read on their own threads, so a
/// program that does not read, or prints a lot, cannot block icu; on timeout
/// the program is killed.
///
/// "Took every byte" is decided, not raced: icu keeps a read end of the
/// program's stdin pipe for itself, so bytes the program leaves unread stay
/// in the pipe (a program that exits without reading does not make them
/// vanish), and after the exit icu asks the kernel how many are left
/// (`FIONREAD`). Sent means: icu wrote them all and closed its end, and none
/// is left.
pub fn sendmail(cmd: &str, message: &[u8], timeout: Duration) -> Result<(), ExportError> {
    let words = shell_words::split(cmd).map_err(|_| ExportError::Command(cmd.to_string()))?;
    let Some((program, args)) = words.split_first() else {
        return Err(ExportError::Command(cmd.to_string()));
    };
    let spawn_error = |source| ExportError::Spawn {
        program: program.clone(),
        source,
    };
    let (stdin, kept, writer) = stdin_pipe().map_err(spawn_error)?;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let spawned = command.spawn();
    // The Command holds icu's copy of the program's stdin until dropped.
    drop(command);
    let mut child = spawned.map_err(spawn_error)?;
    let written = feed(writer, message.to_vec());
    let stderr = capture(child.stderr.take());
    let stdout = capture(child.stdout.take());
    let status = match child.wait_timeout(timeout) {
        Ok(Some(s)) => s,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            let deadline = Instant::now() + AFTER_EXIT;
            return Err(ExportError::Timeout {
                command: cmd.to_string(),
                secs: timeout.as_secs().max(1),
                output: output(stderr, stdout, deadline),
            });
        }
    };
    let deadline = Instant::now() + AFTER_EXIT;
    // A program that reads to the end cannot exit before icu's writer has
    // reported (it reports before it closes the pipe), so this wait only
    // runs out for a program that stopped reading early.
    let wrote_all = matches!(written.recv_timeout(AFTER_EXIT), Ok(Ok(())));
    let unread = rustix::io::ioctl_fionread(&kept).unwrap_or(u64::MAX);
    // Lets a writer still blocked on a full pipe fail (EPIPE) and end.
    drop(kept);
    let printed = output(stderr, stdout, deadline);
    if !status.success() {
        return Err(ExportError::Failed {
            command: cmd.to_string(),
            status: describe(status),
            output: printed,
        });
    }
    if wrote_all && unread == 0 {
        return Ok(());
    }
    // It exited 0 without taking the message: nothing says it was sent.
    Err(ExportError::Failed {
        command: cmd.to_string(),
        status: "exit code 0 before reading the whole message".to_string(),
        output: printed,
    })
}

/// The program's stdin: the read end it is given, a second read end icu
/// keeps (see [`sendmail`]), and the write end icu writes the message to.
/// All are close-on-exec, so the program inherits only its stdin: were it to
/// inherit the write end, it would never see the end of the message.
fn stdin_pipe() -> std::io::Result<(OwnedFd, OwnedFd, File)> {
    let (read, write) = pipe_cloexec()?;
    let kept = read.try_clone()?;
    Ok((read, kept, File::from(write)))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn pipe_cloexec() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn pipe_cloexec() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let (read, write) = rustix::pipe::pipe()?;
    for fd in [&read, &write] {
        rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC)?;
    }
    Ok((read, write))
}

/// Writes `bytes` to `pipe` on a thread. The result is sent before the pipe
/// is closed: the program sees the end of the message only after icu knows
/// it wrote all of it.
fn feed(mut pipe: File, bytes: Vec<u8>) -> mpsc::Receiver<std::io::Result<()>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(pipe.write_all(&bytes));
        drop(pipe);
    });
    rx
}

fn describe(status: std::process::ExitStatus) -> String {
    if let Some(c) = status.code() {
        return format!("exit code {c}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    "killed by a signal".to_string()
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

    #[test]
    fn sendmail_reports_failure_output_and_timeouts() {
        sendmail("cat", b"hello", Duration::from_secs(5)).unwrap();
        let e = sendmail(
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
        let e = sendmail("sleep 10", b"m", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, ExportError::Timeout { .. }), "{e}");
        let e = sendmail("no-such-sendmail -t", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("no-such-sendmail"), "{e}");
        assert!(e.to_string().contains("update.sendmail"), "{e}");
        let e = sendmail("msmtp 'unclosed", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, ExportError::Command(_)), "{e}");
    }

    #[test]
    fn sendmail_failure_reads_as_a_message() {
        let e = sendmail(
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

    #[test]
    fn a_timeout_shows_what_the_program_said_so_far() {
        let e = sendmail(
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

    #[test]
    fn exiting_0_without_reading_the_message_is_not_a_send() {
        let big = vec![b'x'; 1 << 20];
        let e = sendmail("true", &big, Duration::from_secs(5)).unwrap_err();
        assert!(
            e.to_string().contains("before reading the whole message"),
            "{e}"
        );
        sendmail("cat", &big, Duration::from_secs(5)).unwrap();
    }

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
                if sendmail(cmd, &message, Duration::from_secs(5)).is_ok() {
                    passed += 1;
                }
            }
        }
        assert_eq!(passed, 0);
        // Reading exactly the message is reading all of it.
        sendmail("head -c 300", &[b'x'; 300], Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn a_background_child_holding_the_pipes_does_not_hold_icu() {
        let started = std::time::Instant::now();
        sendmail(
            "sh -c 'cat >/dev/null; sleep 3 & exit 0'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_millis(2500));
    }

    #[test]
    fn a_flood_of_output_is_cut() {
        let e = sendmail(
            "sh -c 'cat >/dev/null; head -c 1000000 /dev/zero | tr \"\\0\" x >&2; exit 1'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 2 * OUTPUT_KEPT, "{}", text.len());
        assert!(text.ends_with("[… more output not shown]"), "{text:.200}");
    }
}
