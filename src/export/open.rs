//! `icu export --open`: handing the file just written to the program that
//! shows it — `update.mail_client`, or the desktop's default application —
//! without waiting for it and without letting it write on icu's output.
//!
//! A graphical program is started on its own (its own process group, stdin,
//! stdout and stderr at /dev/null, or `NUL` on Windows), watched for [`FAILURE_WINDOW`] in case it
//! fails at once, and then left running: icu returns while the mail client
//! is still open, and what the program prints never lands in icu's stdout. A
//! terminal mail client (`mail_client_terminal = true`) is the exception: it
//! needs the terminal, so it runs on /dev/tty (the console, `CONIN$` and
//! `CONOUT$`, on Windows) and icu waits for it, as git waits for `$EDITOR`. When nothing can open the file, the error says where
//! it is and how to configure a program that can.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::ExportError;

/// How long a detached program is watched for a failure at once (a missing
/// library, a bad option) before it counts as started: the window the
/// `open` crate gives each desktop launcher.
pub const FAILURE_WINDOW: Duration = Duration::from_millis(250);

/// What opens the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener<'a> {
    /// The desktop's default application for the file (the `open` crate:
    /// xdg-open, else gio or kde-open; `open` on macOS; on Windows the
    /// shell's default for the file type, where Outlook opens an `.eml` as a
    /// message).
    Desktop,
    /// `update.mail_client`: `{}` in it is the file, else the file is its
    /// last argument. Split into words as a shell would, run without one.
    MailClient {
        command: &'a str,
        /// On this terminal, waited for (`update.mail_client_terminal`).
        terminal: bool,
    },
}

/// What became of the file, for the message icu prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Handed to a program that is still running or handed it on.
    Started(String),
    /// A terminal mail client ran and quit.
    Ran(String),
}

/// Opens `path`, an `.eml` when `eml`, with `opener`. `env` is icu's
/// environment, read for whether there is a graphical session to open a
/// window in.
pub fn open(
    path: &Path,
    opener: Opener<'_>,
    eml: bool,
    env: &BTreeMap<String, String>,
) -> Result<Opened, ExportError> {
    let nothing = |why: String| ExportError::NothingOpens {
        path: path.display().to_string(),
        why,
        eml,
    };
    match opener {
        Opener::Desktop => {
            if let Some(why) = no_desktop(env) {
                return Err(nothing(why));
            }
            open::that_detached(path)
                .map(|()| Opened::Started("the desktop's default application".into()))
                .map_err(|e| nothing(format!("the desktop has no program for it ({e})")))
        }
        Opener::MailClient { command, terminal } => {
            let argv = mail_client_argv(command, path).ok_or_else(|| {
                nothing(format!(
                    "update.mail_client `{command}` is not a command line"
                ))
            })?;
            let program = argv[0].to_string_lossy().into_owned();
            let mut cmd = Command::new(&argv[0]);
            cmd.args(&argv[1..]);
            if terminal {
                run_on_terminal(cmd, &program).map_err(nothing)
            } else {
                start_detached(cmd, &program).map_err(nothing)
            }
        }
    }
}

/// Why no window can be opened here, if none can: on Linux and the BSDs, a
/// graphical program needs `$DISPLAY` (X11) or `$WAYLAND_DISPLAY`, except
/// under WSL, where Windows opens the file. Without a session, xdg-open
/// falls back to a terminal program (a pager, a text browser) that has no
/// terminal once detached: it would do nothing, and icu would say it opened
/// the file.
fn no_desktop(env: &BTreeMap<String, String>) -> Option<String> {
    if cfg!(any(target_os = "macos", windows)) {
        return None;
    }
    let set = |k: &str| env.get(k).is_some_and(|v| !v.is_empty());
    let wsl = set("WSL_DISTRO_NAME") || set("WSL_INTEROP");
    if set("DISPLAY") || set("WAYLAND_DISPLAY") || wsl {
        return None;
    }
    Some("there is no graphical session here ($DISPLAY and $WAYLAND_DISPLAY are not set)".into())
}

/// The words of `command` with each `{}` replaced by `path`, or `path`
/// added as the last word when there is no `{}`. `None` when `command` is
/// not a command line (config refuses such a one at load).
fn mail_client_argv(command: &str, path: &Path) -> Option<Vec<OsString>> {
    let words = shell_words::split(command).ok().filter(|w| !w.is_empty())?;
    let placeholder = words.iter().any(|w| w.contains("{}"));
    let mut argv: Vec<OsString> = words
        .iter()
        .map(|w| {
            let mut out = OsString::new();
            for (i, piece) in w.split("{}").enumerate() {
                if i > 0 {
                    out.push(path.as_os_str());
                }
                out.push(piece);
            }
            out
        })
        .collect();
    if !placeholder {
        argv.push(path.as_os_str().to_os_string());
    }
    Some(argv)
}

/// Starts `cmd` on its own — its own process group (a Ctrl-C meant for the
/// terminal does not reach it), nothing of icu's stdin, stdout or stderr —
/// and watches it for [`FAILURE_WINDOW`]. Still running, or done with
/// success: started. Failed in that time, or not found: the reason.
fn start_detached(mut cmd: Command, program: &str) -> Result<Opened, String> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    crate::platform::process::own_group(&mut cmd);
    let child = cmd
        .spawn()
        .map_err(|e| format!("update.mail_client `{program}` cannot be started ({e})"))?;
    match watch(child, FAILURE_WINDOW) {
        Ok(None) => Ok(Opened::Started(format!("`{program}`"))),
        Ok(Some(status)) if status.success() => Ok(Opened::Started(format!("`{program}`"))),
        Ok(Some(status)) => Err(format!(
            "update.mail_client `{program}` failed at once ({status}); run it yourself on the file to see why"
        )),
        Err(e) => Err(format!("update.mail_client `{program}`: {e}")),
    }
}

/// The exit status of `child` if it exits within `window`; `None` if it is
/// still running then (it is left to run, and to be reaped by init once
/// icu has exited).
fn watch(mut child: Child, window: Duration) -> std::io::Result<Option<ExitStatus>> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() >= window {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The terminal's input and output, whatever icu's own stdin and stdout
/// are: `/dev/tty` on Unix, the console (`CONIN$`, `CONOUT$`) on Windows.
const TERMINAL: [&str; 2] = if cfg!(windows) {
    ["CONIN$", "CONOUT$"]
} else {
    ["/dev/tty", "/dev/tty"]
};

/// Runs the terminal mail client `cmd` on the terminal ([`TERMINAL`], not
/// icu's stdout, which may be a pipe) and waits for it to quit.
fn run_on_terminal(mut cmd: Command, program: &str) -> Result<Opened, String> {
    let open = |name: &str| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name)
            .map_err(|e| {
                format!(
                    "update.mail_client `{program}` is a terminal program (mail_client_terminal = true), and icu has no terminal to run it on ({name}: {e})"
                )
            })
    };
    let [input, output] = TERMINAL;
    let tty = open(output)?;
    let tty_in = if input == output {
        None
    } else {
        Some(open(input)?)
    };
    let io = |f: &std::fs::File| f.try_clone().map(Stdio::from);
    let (stdin, stdout) = match (io(tty_in.as_ref().unwrap_or(&tty)), io(&tty)) {
        (Ok(i), Ok(o)) => (i, o),
        (Err(e), _) | (_, Err(e)) => return Err(format!("{output}: {e}")),
    };
    let status = cmd
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::from(tty))
        .status()
        .map_err(|e| format!("update.mail_client `{program}` cannot be started ({e})"))?;
    if status.success() {
        Ok(Opened::Ran(format!("`{program}`")))
    } else {
        Err(format!(
            "update.mail_client `{program}` exited with {status}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_takes_the_place_of_each_placeholder_or_comes_last() {
        let p = Path::new("/tmp/my updates/2026-11-24.eml");
        let argv = |c: &str| {
            mail_client_argv(c, p).map(|v| {
                v.into_iter()
                    .map(|w| w.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            argv("neomutt -H {}").unwrap(),
            ["neomutt", "-H", "/tmp/my updates/2026-11-24.eml"]
        );
        assert_eq!(
            argv("thunderbird -compose \"message={}\"").unwrap(),
            [
                "thunderbird",
                "-compose",
                "message=/tmp/my updates/2026-11-24.eml"
            ]
        );
        assert_eq!(
            argv("'/opt/My Mail/mail'").unwrap(),
            ["/opt/My Mail/mail", "/tmp/my updates/2026-11-24.eml"]
        );
        assert_eq!(argv("  "), None);
        assert_eq!(argv("mail 'unclosed"), None);
    }

    #[test]
    fn without_a_graphical_session_there_is_no_desktop_to_open_with() {
        let env = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        if cfg!(any(target_os = "macos", windows)) {
            assert_eq!(no_desktop(&env(&[])), None);
            return;
        }
        let why = no_desktop(&env(&[("DISPLAY", "")])).unwrap();
        assert!(why.contains("$DISPLAY"), "{why}");
        assert_eq!(no_desktop(&env(&[("DISPLAY", ":0")])), None);
        assert_eq!(no_desktop(&env(&[("WAYLAND_DISPLAY", "wayland-0")])), None);
        assert_eq!(no_desktop(&env(&[("WSL_DISTRO_NAME", "Debian")])), None);
    }
}
