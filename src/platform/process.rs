//! A program icu starts together with all it starts (the mail program, a
//! `[[source]]` command), so that they can be stopped together, and the
//! shell icu runs a command line through.
//!
//! On Unix the program leads a process group of its own (`setpgid`), which
//! everything it starts joins; [`Group::kill`] sends the group `SIGKILL`.
//! On Windows it is put in a job object as soon as it has started, which
//! everything it starts joins (even once its parent has exited, which
//! `taskkill /T`, following parent ids, would miss); [`Group::kill`]
//! terminates the job. Its own console process group there keeps a Ctrl-C
//! meant for icu from reaching it, as its own process group does on Unix.
//! What Windows leaves open: a process the program starts in the instant
//! before icu has put it in the job stays outside it (std cannot start a
//! process already in a job). A program's first milliseconds are spent
//! loading itself, so this is a window in theory more than in practice.

use std::path::PathBuf;
use std::process::{Child, Command};

/// Makes `cmd` start in a group of its own (see the module doc).
pub fn own_group(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        /// `CREATE_NEW_PROCESS_GROUP`: a console Ctrl-C is not sent to it.
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        cmd.creation_flags(CREATE_NEW_PROCESS_GROUP);
    }
}

/// A started program and everything it starts, to be killed together.
#[derive(Debug)]
pub struct Group {
    /// The group's id, the program's pid: still the program's while it is
    /// unreaped, so the caller kills before it waits.
    #[cfg(unix)]
    pgid: u32,
    /// The job the program was put in; `None` when Windows refused one (the
    /// caller still kills the program itself).
    #[cfg(windows)]
    job: Option<crate::platform::windows::Job>,
}

impl Group {
    /// The group of `child`, started with [`own_group`]. A signal that
    /// stops icu does not reach it: the mail program finishes reading the
    /// message it was given.
    pub fn of(child: &Child) -> Group {
        #[cfg(unix)]
        {
            Group { pgid: child.id() }
        }
        #[cfg(windows)]
        {
            Group {
                job: crate::platform::windows::Job::holding(child).ok(),
            }
        }
    }

    /// The group of `child`, started with [`own_group`], which is stopped
    /// with icu when a signal stops icu (on Unix; see [`live`]): a
    /// `[[source]]` command, whose work is worth nothing once icu is gone.
    pub fn stopped_with_icu(child: &Child) -> Group {
        #[cfg(unix)]
        live::add(child.id());
        Group::of(child)
    }

    /// Kills every process of the group that is still running.
    pub fn kill(&self) {
        #[cfg(unix)]
        kill_group(self.pgid);
        #[cfg(windows)]
        if let Some(job) = &self.job {
            job.terminate();
        }
    }
}

/// Sends the process group `pgid` `SIGKILL`.
#[cfg(unix)]
fn kill_group(pgid: u32) {
    if let Some(pid) = i32::try_from(pgid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(unix)]
impl Drop for Group {
    fn drop(&mut self) {
        live::remove(self.pgid);
    }
}

/// The groups of the programs icu runs that are alive, and what stops them
/// with icu on Unix.
///
/// A program in a group of its own does not get the Ctrl-C the terminal
/// sends icu's group, nor the signal a process manager sends icu alone:
/// without this, an interrupted `icu draft` left a `[[source]]` command
/// running after icu had gone, with all it started. From the first such
/// group on ([`Group::stopped_with_icu`]), a thread waits for SIGINT,
/// SIGTERM and SIGHUP; on one it kills every such group alive and ends icu
/// as the signal would have (the default action, raised again), so a shell
/// still sees icu killed by it. The mail program is not one of them: it is
/// left to finish reading the message it was given (`export::sendmail`).
#[cfg(unix)]
pub(crate) mod live {
    use std::sync::{Mutex, Once};

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

    static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    static WATCH: Once = Once::new();

    /// Records the group `pgid` as alive, watching for signals from now on.
    pub(super) fn add(pgid: u32) {
        WATCH.call_once(watch);
        GROUPS.lock().unwrap_or_else(|p| p.into_inner()).push(pgid);
    }

    /// The group `pgid` is no longer icu's to stop.
    pub(super) fn remove(pgid: u32) {
        let mut groups = GROUPS.lock().unwrap_or_else(|p| p.into_inner());
        groups.retain(|&g| g != pgid);
    }

    fn watch() {
        // Without the watcher icu still works; only this cleanup is lost.
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("icu-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let groups = GROUPS.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    for pgid in groups {
                        super::kill_group(pgid);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    // A signal whose default is not to end icu (none of these).
                    std::process::exit(128 + signal);
                }
            });
    }
}

/// Whether `child` has exited, without reaping it: on Unix its pid (and so
/// its group's id) stays its own until [`Child::wait`]. Windows has nothing
/// to reap: the handle `child` holds keeps its id from being reused.
pub fn has_exited(child: &mut Child) -> bool {
    #[cfg(unix)]
    {
        use rustix::process::{waitid, Pid, WaitId, WaitIdOptions};
        let Some(pid) = i32::try_from(child.id()).ok().and_then(Pid::from_raw) else {
            return true;
        };
        match waitid(
            WaitId::Pid(pid),
            WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT,
        ) {
            Ok(status) => status.is_some(),
            // Not ours to wait for any more: nothing to wait for.
            Err(_) => true,
        }
    }
    #[cfg(windows)]
    {
        child.try_wait().map_or(true, |s| s.is_some())
    }
}

/// The POSIX shell a command line runs through (`sh -c`): `sh` on Unix. On
/// Windows, `sh.exe` on `PATH` (Git Bash, MSYS2, Cygwin), else the one Git
/// for Windows installs beside the `git.exe` on `PATH` (`cmd\git.exe` →
/// `bin\sh.exe`), which is the shell Git for Windows runs an editor with;
/// `None` when there is none.
pub fn posix_shell() -> Option<PathBuf> {
    #[cfg(unix)]
    {
        Some(PathBuf::from("sh"))
    }
    #[cfg(windows)]
    {
        let path = std::env::var_os("PATH")?;
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        if let Some(sh) = dirs.iter().map(|d| d.join("sh.exe")).find(|p| p.is_file()) {
            return Some(sh);
        }
        dirs.iter()
            .filter(|d| d.join("git.exe").is_file())
            .flat_map(|d| {
                ["..", "../.."].into_iter().flat_map(move |up| {
                    ["bin/sh.exe", "usr/bin/sh.exe"].map(|sh| d.join(up).join(sh))
                })
            })
            .find(|p| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    /// A shell that starts a child which, unless killed, writes `marker` in
    /// 3 seconds, and then exits at once.
    fn lingering(marker: &Path) -> Command {
        #[cfg(windows)]
        {
            use std::os::windows::process::CommandExt;
            // cmd's own quoting, given as it is: `^` keeps `>` and `&` for
            // the inner cmd that `start /b` runs in the background.
            let mut c = Command::new("cmd");
            c.raw_arg(format!(
                "/c start /b cmd /c ping -n 4 127.0.0.1 ^>NUL ^& echo x ^>\"{}\"",
                marker.display()
            ));
            c
        }
        #[cfg(unix)]
        {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("(sleep 3; touch '{}') & exit 0", marker.display()));
            c
        }
    }

    /// [`lingering`] started in a group of its own.
    fn start_lingering(marker: &Path) -> std::process::Child {
        let mut cmd = lingering(marker);
        cmd.stdin(Stdio::null()).stdout(Stdio::null());
        own_group(&mut cmd);
        cmd.spawn().unwrap()
    }

    #[test]
    fn killing_the_group_stops_what_the_program_left_running() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("still-alive");
        let mut child = start_lingering(&marker);
        let group = Group::of(&child);
        let start = Instant::now();
        while !has_exited(&mut child) {
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "the shell did not exit"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        group.kill();
        child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(4500));
        assert!(!marker.exists(), "the background child survived the kill");
    }

    #[test]
    fn what_is_left_running_unkilled_does_run() {
        // The same program without the kill: the marker appears, so the
        // test above sees the kill and not a child that never ran.
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("still-alive");
        let mut child = start_lingering(&marker);
        child.wait().unwrap();
        let start = Instant::now();
        while !marker.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the child never ran"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
